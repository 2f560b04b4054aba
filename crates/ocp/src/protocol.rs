//! OCP on the wire: authentication and the response envelope.

use std::sync::Arc;
use std::time::SystemTime;

use async_trait::async_trait;
use cloudops_core::credentials::ProvideCredentials;
use cloudops_core::operation::{from_value, parse_json};
use cloudops_core::sign::{basic, ocp};
use cloudops_core::time::Timestamp;
use cloudops_core::{
    Authorizer, Credentials, Decoded, Error, ErrorDetail, OperationSpec, Protocol, RequestId,
    Response, ServiceError, ServiceErrorKind,
};
use std::fmt;

use serde::de::{self, DeserializeOwned, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// The vendor name errors and traces carry.
pub const VENDOR: &str = "ocp";

/// Signs each attempt: HTTP Basic for a user name and password, `OCP-ACCESS-KEY-HMACSHA1`
/// (with a fresh `Date`) for an access key pair.
#[derive(Debug, Clone)]
pub(crate) struct OcpAuthorizer(pub(crate) Arc<dyn ProvideCredentials>);

#[async_trait]
impl Authorizer for OcpAuthorizer {
    async fn authorize(
        &self,
        request: &mut cloudops_core::Request,
        now: SystemTime,
    ) -> Result<(), Error> {
        match &*cloudops_core::credentials::current(&*self.0).await? {
            Credentials::Basic(b) => basic::sign(b).apply(request),
            Credentials::AccessKey(k) => ocp::sign(request, k, now).apply(request),
        }
        Ok(())
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
    d.deserialize_any(ScalarText)
}

/// Reads a JSON scalar as [`lenient_string`] does, without building a JSON tree.
struct ScalarText;

impl<'de> Visitor<'de> for ScalarText {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, a number, a boolean or null")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // Written as serde_json writes a number (`2.0`, not `2`).
        Ok(Some(match serde_json::Number::from_f64(v) {
            Some(n) => n.to_string(),
            None => v.to_string(),
        }))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(ScalarText)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<de::IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map
            .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
            .is_some()
        {}
        Ok(None)
    }
}

/// A value of a parsed envelope as [`lenient_string`] reads it.
fn text(v: &Value) -> Option<String> {
    lenient_string(v).ok().flatten()
}

/// Reads the OCP envelope, parsed once: `successful: true` is success; `successful: false`, or
/// an HTTP error with the envelope, is a service error; anything else (a proxy's HTML page, an
/// empty body) is undecodable.
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

impl Protocol for OcpProtocol {
    fn decode<T: DeserializeOwned>(
        &self,
        op: &OperationSpec,
        r: &Response,
    ) -> Result<Decoded<T>, Error> {
        let v: Map<String, Value> = parse_json(op, r, "an OCP JSON envelope")?;
        let request_id = v.get("traceId").and_then(text);
        let successful = v.get("successful").and_then(Value::as_bool);
        if r.is_success() && successful == Some(true) {
            let output = from_value(op, r, Value::Object(v))?;
            return Ok(Decoded::new(output, request_id));
        }
        if r.is_success() && successful.is_none() {
            return Err(Error::undecodable(
                op.vendor,
                op.name,
                r.status,
                &r.body,
                "no `successful` field",
            ));
        }
        Err(envelope_error(op, r, &v, request_id))
    }
}

/// The service error an envelope with `successful: false` (or an HTTP error) carries.
fn envelope_error(
    op: &OperationSpec,
    r: &Response,
    v: &Map<String, Value>,
    request_id: Option<String>,
) -> Error {
    // The envelope's own status wins over the transport's (a 200 carrying a failure).
    let status = v
        .get("status")
        .and_then(Value::as_u64)
        .and_then(|s| u16::try_from(s).ok())
        .filter(|s| *s >= 400)
        .unwrap_or(r.status);
    let err = v.get("error").cloned().unwrap_or(Value::Null);
    let mut e = ServiceError::new(op.vendor, op.name, r.status, kind_of(status));
    e.code = err.get("code").and_then(text);
    e.message = err.get("message").and_then(text);
    e.request_id = request_id;
    e = e.with_raw_body(&r.body);
    if let Some(debug) = err.get("debugMessage").and_then(text) {
        e.extra.push(("debugMessage".to_string(), debug));
    }
    if let Some(target) = err.get("target").and_then(text) {
        e.extra.push(("target".to_string(), target));
    }
    if let Some(subs) = err.get("subErrors").and_then(Value::as_array) {
        e.details = subs
            .iter()
            .map(|s| {
                let object = s.get("object").and_then(text);
                let field = s.get("field").and_then(text);
                let target = match (object, field) {
                    (Some(o), Some(f)) => Some(format!("{o}.{f}")),
                    (o, f) => o.or(f),
                };
                let mut message = s.get("message").and_then(text);
                if let (Some(m), Some(rv)) = (&mut message, s.get("rejectedValue").and_then(text)) {
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
    use super::*;

    const OP: OperationSpec = crate::operation::get_task::SPEC;

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
