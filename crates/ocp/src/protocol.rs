//! OCP on the wire: authentication and the response envelope.

use std::sync::Arc;
use std::time::SystemTime;

use async_trait::async_trait;
use cloudops_core::credentials::ProvideCredentials;
use cloudops_core::operation::{
    EnvelopeFields, ObjectKey, Scalar, Taken, parse_json, parse_json_seed, read_through,
};
use cloudops_core::sign::{basic, ocp};
use cloudops_core::time::Timestamp;
use cloudops_core::{
    Authorizer, Credentials, Decoded, Error, ErrorDetail, OperationSpec, Protocol, RequestId,
    Response, ServiceError, ServiceErrorKind,
};
use std::fmt;

use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// The vendor name errors and traces carry.
pub const VENDOR: &str = "ocp";

/// Signs each attempt: HTTP Basic for a user name and password, `OCP-ACCESS-KEY-HMACSHA1`
/// (with a fresh `Date`) for an access key pair.
#[derive(Debug, Clone)]
pub(crate) struct OcpAuthorizer(pub(crate) Arc<dyn ProvideCredentials>);

#[async_trait]
impl Authorizer for OcpAuthorizer {
    fn sets_headers(&self) -> &'static [&'static str] {
        &["date", "authorization"]
    }

    fn authorize_now(
        &self,
        request: &mut cloudops_core::Request,
        now: SystemTime,
    ) -> Option<Result<(), Error>> {
        sign(request, &*self.0.cached()?, now);
        Some(Ok(()))
    }

    async fn authorize(
        &self,
        request: &mut cloudops_core::Request,
        now: SystemTime,
    ) -> Result<(), Error> {
        sign(
            request,
            &*cloudops_core::credentials::current(&*self.0).await?,
            now,
        );
        Ok(())
    }
}

/// Signs `request` with `credentials`: HTTP Basic, or OCP's AK/SK signature.
fn sign(request: &mut cloudops_core::Request, credentials: &Credentials, now: SystemTime) {
    match credentials {
        Credentials::Basic(b) => basic::sign(b).apply(request),
        Credentials::AccessKey(k) => ocp::sign(request, k, now).apply(request),
    }
}

/// The envelope every OCP answer comes in, with its `data` decoded. Its request id (the
/// `traceId`) is read with [`RequestId::request_id`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct OcpResponse<T> {
    /// The operation's result.
    pub data: T,
    /// Whether the request succeeded (always true here: a false one is an error).
    pub successful: bool,
    /// When the server completed the request.
    #[serde(default)]
    pub timestamp: Option<Timestamp>,
    /// Server-side processing time in milliseconds.
    #[serde(default)]
    pub duration: Option<i64>,
    /// The HTTP status the server reported.
    #[serde(default)]
    pub status: Option<u16>,
    /// The trace id, OCP's request id.
    #[serde(default)]
    pub trace_id: Option<String>,
    /// The application server that answered.
    #[serde(default)]
    pub server: Option<String>,
}

impl<T> RequestId for OcpResponse<T> {
    /// The trace id, OCP's request id.
    fn request_id(&self) -> Option<&str> {
        self.trace_id.as_deref()
    }
}

/// A string, or a number or boolean written as a string (OCP sends some codes as either);
/// null is none. An object or array, which no OCP field sends where text is expected, is
/// skipped as none.
pub(crate) fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Scalar::deserialize(d).map(Scalar::into_text)
}

/// `error` as OCP writes it. Every field is read leniently: an error is reported with what
/// could be read.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody {
    #[serde(default, deserialize_with = "lenient_string")]
    code: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    message: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    debug_message: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    target: Option<String>,
    #[serde(default, deserialize_with = "lenient_list")]
    sub_errors: Option<Vec<SubError>>,
}

/// One of `error.subErrors`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SubError {
    #[serde(default, deserialize_with = "lenient_string")]
    object: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    field: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    message: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    rejected_value: Option<String>,
}

/// Answers none for every value but the one its visitor reads: a scalar, or a map or a
/// sequence skipped whole.
macro_rules! none_for_the_rest {
    ($($skip:ident)*) => {
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok(None)
        }

        $(none_for_the_rest!(@ $skip);)*
    };
    (@ seq) => {
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(None)
        }
    };
    (@ map) => {
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(None)
        }
    };
}

/// An object read into `T`, or none for any other value (skipped).
fn lenient_object<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    struct Object<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for Object<T> {
        type Value = Option<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<T>, A::Error> {
            T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
        }

        none_for_the_rest!(seq);
    }

    d.deserialize_any(Object(PhantomData))
}

/// An array of objects (each element that is not an object reads as an empty one), or none
/// for any other value.
fn lenient_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<SubError>>, D::Error> {
    struct Element(SubError);

    impl<'de> Deserialize<'de> for Element {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            lenient_object(d).map(|o| Element(o.unwrap_or_default()))
        }
    }

    struct List;

    impl<'de> Visitor<'de> for List {
        type Value = Option<Vec<SubError>>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }

        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(Element(e)) = seq.next_element()? {
                out.push(e);
            }
            Ok(Some(out))
        }

        none_for_the_rest!(map);
    }

    d.deserialize_any(List)
}

/// The envelope's own fields: `traceId`, `successful`, `status` and `error`.
#[derive(Debug, Default)]
struct Head {
    trace_id: Option<String>,
    successful: Option<bool>,
    /// The envelope's status, when it is an integer.
    status: Option<u64>,
    error: Option<ErrorBody>,
    /// Inside the envelope object.
    started: bool,
    /// Every entry of the envelope object was read.
    complete: bool,
}

impl<'de> EnvelopeFields<'de> for Head {
    fn take<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<Taken, A::Error> {
        Ok(match key {
            "traceId" => {
                let v: Scalar = map.next_value()?;
                self.trace_id = v.clone().into_text();
                Taken::PassOn(v)
            }
            "successful" => {
                let v: Scalar = map.next_value()?;
                self.successful = match v {
                    Scalar::Bool(b) => Some(b),
                    _ => None,
                };
                Taken::PassOn(v)
            }
            "status" => {
                let v: Scalar = map.next_value()?;
                self.status = match v {
                    Scalar::U64(n) => Some(n),
                    _ => None,
                };
                Taken::PassOn(v)
            }
            "error" => {
                self.error = map.next_value_seed(LenientErrorBody)?;
                Taken::Kept
            }
            _ => Taken::Other,
        })
    }

    fn end(&mut self) {
        self.complete = true;
    }
}

/// `error` read with [`lenient_object`].
struct LenientErrorBody;

impl<'de> de::DeserializeSeed<'de> for LenientErrorBody {
    type Value = Option<ErrorBody>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        lenient_object(d)
    }
}

impl<'de> Deserialize<'de> for Head {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct HeadVisitor;

        impl<'de> Visitor<'de> for HeadVisitor {
            type Value = Head;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an OCP envelope object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Head, A::Error> {
                let mut head = Head {
                    started: true,
                    ..Head::default()
                };
                while let Some(key) = map.next_key::<ObjectKey<'de>>()? {
                    if let Taken::Other = head.take(key.as_str(), &mut map)? {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                head.end();
                Ok(head)
            }
        }

        d.deserialize_map(HeadVisitor)
    }
}

/// The envelope object handed to the output `T` in one pass, with its own fields kept in a
/// [`Head`] on the way: `traceId`, `successful` and `status` are kept and passed on as sent,
/// `error` is kept and not passed on.
struct Envelope<'h, T> {
    head: &'h mut Head,
    output: PhantomData<T>,
}

impl<'de, T: Deserialize<'de>> de::DeserializeSeed<'de> for Envelope<'_, T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Envelope<'_, T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an OCP envelope object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        self.head.started = true;
        read_through(map, self.head)
    }
}

/// Reads the OCP envelope: `successful: true` is success; `successful: false`, or an HTTP
/// error with the envelope, is a service error; anything else (a proxy's HTML page, an empty
/// body) is undecodable. A 2xx envelope is parsed once, straight into the output, and an HTTP
/// error's once for its own fields; only a failure whose `data` does not fit the output, ahead
/// of its `error`, is read a second time.
#[derive(Debug, Clone, Copy, Default)]
pub struct OcpProtocol;

fn kind_of(status: u16) -> ServiceErrorKind {
    match status {
        400 => ServiceErrorKind::InvalidRequest,
        401 => ServiceErrorKind::Authentication,
        403 => ServiceErrorKind::PermissionDenied,
        404 => ServiceErrorKind::NotFound,
        409 => ServiceErrorKind::Conflict,
        429 => ServiceErrorKind::Throttling,
        500..=599 => ServiceErrorKind::Server,
        _ => ServiceErrorKind::Other,
    }
}

const ENVELOPE: &str = "an OCP JSON envelope";

impl Protocol for OcpProtocol {
    fn decode<T: DeserializeOwned>(
        &self,
        op: &OperationSpec,
        r: &Response,
    ) -> Result<Decoded<T>, Error> {
        if !r.is_success() {
            let head: Head = parse_json(op, r, ENVELOPE)?;
            return Err(envelope_error(op, r, head));
        }
        let mut head = Head::default();
        let parsed = parse_json_seed(
            op,
            r,
            ENVELOPE,
            Envelope {
                head: &mut head,
                output: PhantomData::<T>,
            },
        );
        match parsed {
            Err(e) if !head.complete => {
                if !head.started || head.successful == Some(true) {
                    // Not an envelope object, or a success whose output did not fit.
                    return Err(e);
                }
                // The output failed before the envelope's own fields were all seen (a failure
                // whose `data` does not fit, ahead of its `error`): they alone are read again.
                match parse_json::<Head>(op, r, ENVELOPE) {
                    Ok(whole) => verdict(op, r, whole, Err(e)),
                    Err(_) => Err(e),
                }
            }
            parsed => verdict(op, r, head, parsed),
        }
    }
}

/// The answer of a 2xx envelope whose own fields were all read.
fn verdict<T>(
    op: &OperationSpec,
    r: &Response,
    head: Head,
    parsed: Result<T, Error>,
) -> Result<Decoded<T>, Error> {
    match head.successful {
        Some(true) => parsed.map(|output| Decoded::new(output, head.trace_id)),
        Some(false) => Err(envelope_error(op, r, head)),
        None => Err(no_successful(op, r)),
    }
}

fn no_successful(op: &OperationSpec, r: &Response) -> Error {
    Error::undecodable(
        op.vendor,
        op.name,
        r.status,
        &r.body,
        "no `successful` field",
    )
}

/// The service error an envelope with `successful: false` (or an HTTP error) carries.
fn envelope_error(op: &OperationSpec, r: &Response, head: Head) -> Error {
    // The envelope's own status wins over the transport's (a 200 carrying a failure).
    let status = head
        .status
        .and_then(|s| u16::try_from(s).ok())
        .filter(|s| *s >= 400)
        .unwrap_or(r.status);
    let err = head.error.unwrap_or_default();
    let mut e = ServiceError::new(op.vendor, op.name, r.status, kind_of(status));
    e.code = err.code;
    e.message = err.message;
    e.request_id = head.trace_id;
    e = e.with_raw_body(&r.body);
    if let Some(debug) = err.debug_message {
        e.extra.push(("debugMessage".to_string(), debug));
    }
    if let Some(target) = err.target {
        e.extra.push(("target".to_string(), target));
    }
    if let Some(subs) = err.sub_errors {
        e.details = subs
            .into_iter()
            .map(|s| {
                let target = match (s.object, s.field) {
                    (Some(o), Some(f)) => Some(format!("{o}.{f}")),
                    (o, f) => o.or(f),
                };
                let mut message = s.message;
                if let (Some(m), Some(rv)) = (&mut message, s.rejected_value) {
                    m.push_str(&format!(" (rejected value {rv})"));
                }
                ErrorDetail::new(None, message, target)
            })
            .collect();
    }
    Error::Service(Box::new(e))
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::model::Task;

    const OP: OperationSpec = crate::operation::get_task::SPEC;

    fn decode_task(status: u16, body: &str) -> Result<Decoded<OcpResponse<Task>>, Error> {
        OcpProtocol.decode(&OP, &Response::new(status, body))
    }

    #[test]
    fn the_envelope_fields_reach_the_output_as_sent() {
        let body = r#"{"traceId":"t9","data":{"id":3,"status":"RUNNING"},"status":200,"successful":true,"server":"s1"}"#;
        let d = decode_task(200, body).unwrap();
        assert_eq!(d.request_id.as_deref(), Some("t9"));
        assert_eq!(d.output.trace_id.as_deref(), Some("t9"));
        assert_eq!(d.output.status, Some(200));
        assert!(d.output.successful);
        assert_eq!(d.output.data.id, 3);
        // A raw output sees every field but `error`, in their own types.
        let d = decode(&Response::new(
            200,
            r#"{"successful":true,"traceId":7,"status":null,"error":{"code":1},"data":[1]}"#,
        ))
        .unwrap();
        assert_eq!(d.request_id.as_deref(), Some("7"));
        assert_eq!(
            d.output,
            serde_json::json!({"successful": true, "traceId": 7, "status": null, "data": [1]})
        );
    }

    #[test]
    fn a_success_that_does_not_fit_is_undecodable() {
        for body in [
            r#"{"successful":true,"data":{"id":"x","status":"RUNNING"}}"#,
            r#"{"data":{"id":1,"status":"RUNNING"},"successful":true,"status":"200"}"#,
        ] {
            let e = decode_task(200, body).unwrap_err();
            assert!(matches!(e, Error::Undecodable(_)), "{body}: {e:?}");
        }
        for body in [
            r#"{"data":{"id":1,"status":"RUNNING"}}"#,
            r#"{"successful":"yes","data":null}"#,
        ] {
            let e = decode_task(200, body).unwrap_err();
            assert!(
                format!("{e}").contains("no `successful` field"),
                "{body}: {e}"
            );
        }
    }

    #[test]
    fn a_failure_is_read_whatever_its_data_and_order() {
        // `data` ahead of `error` and not of the output's type: the envelope's own fields are
        // read again.
        let e = decode_task(
            200,
            r#"{"successful":false,"data":null,"status":404,"traceId":"t","error":{"code":20001,"message":"gone"}}"#,
        )
        .unwrap_err();
        assert_eq!((e.code(), e.request_id()), (Some("20001"), Some("t")));
        assert_eq!(e.service_kind(), Some(ServiceErrorKind::NotFound));
        // Without `data` (as OCP sends a failure), or with `error` first, one pass sees it all.
        for body in [
            r#"{"successful":false,"status":409,"error":{"code":"60018","message":"busy"}}"#,
            r#"{"error":{"code":"60018","message":"busy"},"successful":false,"status":409,"data":7}"#,
        ] {
            let e = decode_task(200, body).unwrap_err();
            assert_eq!(
                (e.code(), e.message()),
                (Some("60018"), Some("busy")),
                "{body}"
            );
            assert_eq!(e.service_kind(), Some(ServiceErrorKind::Conflict));
        }
    }

    #[test]
    fn an_error_envelope_is_read_leniently() {
        for (body, code, details) in [
            (r#"{"error":"oops","status":"500"}"#, None, 0),
            (r#"{"error":{"code":[1],"subErrors":{"a":1}}}"#, None, 0),
            (
                r#"{"error":{"code":true,"subErrors":[1,{"field":"f","message":"m"}]}}"#,
                Some("true"),
                2,
            ),
            (r#"{"status":70000,"error":{"code":1.5}}"#, Some("1.5"), 0),
        ] {
            let e = decode(&Response::new(503, body)).unwrap_err();
            let se = e.service_error().unwrap_or_else(|| panic!("{body}: {e:?}"));
            assert_eq!(se.code.as_deref(), code, "{body}");
            assert_eq!(se.kind, ServiceErrorKind::Server, "{body}");
            assert_eq!(se.details.len(), details, "{body}");
        }
        let e = decode(&Response::new(
            400,
            r#"{"error":{"subErrors":[1,{"field":"f","message":"m","rejectedValue":{"x":1}}]}}"#,
        ))
        .unwrap_err();
        let details = &e.service_error().unwrap().details;
        assert_eq!(
            (details[0].target.as_deref(), details[0].message.as_deref()),
            (None, None)
        );
        assert_eq!(
            (details[1].target.as_deref(), details[1].message.as_deref()),
            (Some("f"), Some("m"))
        );
    }

    fn decode(r: &Response) -> Result<Decoded<Value>, Error> {
        OcpProtocol.decode(&OP, r)
    }

    #[test]
    fn error_codes_as_integers_or_strings_and_sub_errors() {
        for code in ["10004", "\"10004\""] {
            let body = format!(
                r#"{{"successful":false,"status":400,"traceId":"t1","error":{{"code":{code},"message":"bad","subErrors":[{{"object":"tenant","field":"id","rejectedValue":-1,"message":"must be positive"}}]}}}}"#
            );
            let e = decode(&Response::new(400, body)).unwrap_err();
            assert_eq!(
                (e.code(), e.message(), e.request_id()),
                (Some("10004"), Some("bad"), Some("t1"))
            );
            let d = &e.service_error().unwrap().details[0];
            assert_eq!(d.target.as_deref(), Some("tenant.id"));
            assert_eq!(
                d.message.as_deref(),
                Some("must be positive (rejected value -1)")
            );
        }
    }

    #[test]
    fn a_200_with_successful_false_is_an_error() {
        let body = r#"{"successful":false,"status":409,"error":{"code":60018,"message":"busy"}}"#;
        let e = decode(&Response::new(200, body)).unwrap_err();
        assert_eq!(e.service_kind(), Some(ServiceErrorKind::Conflict));
        assert_eq!(e.http_status(), Some(200));
    }

    #[test]
    fn html_and_empty_bodies_are_undecodable() {
        for (status, body) in [
            (502, "<html><h1>502 Bad Gateway</h1></html>"),
            (504, ""),
            (200, "[]"),
        ] {
            let e = decode(&Response::new(status, body)).unwrap_err();
            assert!(
                matches!(e, Error::Undecodable(ref u) if u.status == status),
                "{e:?}"
            );
        }
    }
}
