//! Huawei Cloud error envelopes, parsed once for every service.
//!
//! Accepted shapes: `{"error_code", "error_msg"}`, `{"code", "message"}`, either nested one
//! level (`{"error": {...}}`), codes as strings or integers; DBSS's `details[]` and
//! `encoded_authorization_message` are kept. The request id is the `X-Request-Id` header.

use std::fmt;

#[cfg(feature = "koophone")]
use cloudops_core::operation::from_value;
use cloudops_core::operation::{ObjectKey, Scalar, parse_json, parse_json_seed};
use cloudops_core::redact::redact_secrets;
use cloudops_core::{
    Decoded, Error, ErrorDetail, OperationSpec, Protocol, Response, ServiceError, ServiceErrorKind,
};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess,
    Visitor,
};

/// The vendor name errors and traces carry.
pub const VENDOR: &str = "huaweicloud";

/// The gateway's code for a bad or expired signature or token.
pub const APIGW_AUTH: &str = "APIGW.0301";
/// The gateway's code for throttling.
pub const APIGW_THROTTLED: &str = "APIGW.0308";

/// A string or a number as text; none for anything else.
fn text(v: Scalar) -> Option<String> {
    match v {
        Scalar::Bool(_) => None,
        v => v.into_text(),
    }
}

/// The code and message of an envelope object, under either naming: each field as [`text`]
/// reads it, the last one sent winning.
#[derive(Debug, Default)]
struct Fields {
    error_code: Option<String>,
    code: Option<String>,
    error_msg: Option<String>,
    message: Option<String>,
}

impl Fields {
    /// The slot of one of the four names.
    fn slot(&mut self, key: &str) -> Option<&mut Option<String>> {
        Some(match key {
            "error_code" => &mut self.error_code,
            "code" => &mut self.code,
            "error_msg" => &mut self.error_msg,
            "message" => &mut self.message,
            _ => return None,
        })
    }

    fn code_and_message(self) -> (Option<String>, Option<String>) {
        (
            self.error_code.or(self.code),
            self.error_msg.or(self.message),
        )
    }
}

/// An error envelope as read in one pass, without a JSON tree: the object's own code and
/// message, DBSS's `details` and `encoded_authorization_message`, and, for one level of
/// nesting, the code and message of the object-valued entry whose key sorts first.
#[derive(Debug, Default)]
struct Envelope {
    fields: Fields,
    details: Option<Vec<Fields>>,
    encoded_authorization_message: Option<String>,
    objects: Vec<(String, Fields)>,
}

impl Envelope {
    /// The code and message: the object's own, else those of its first nested object.
    fn code_and_message(&mut self) -> (Option<String>, Option<String>) {
        let (code, message) = std::mem::take(&mut self.fields).code_and_message();
        if code.is_some() || message.is_some() {
            return (code, message);
        }
        // One level of nesting: {"error": {...}}, or {"<anything>": {...}} as IAM does.
        let first =
            (0..self.objects.len()).min_by(|a, b| self.objects[*a].0.cmp(&self.objects[*b].0));
        match first {
            Some(i) => self.objects.swap_remove(i).1.code_and_message(),
            None => (None, None),
        }
    }
}

/// A JSON value as far as the envelope reads it.
enum Node {
    /// The top object.
    Envelope(Envelope),
    /// An object below the top: its code and message.
    Object(Fields),
    /// An array: each element's code and message (none for an element that is no object).
    List(Vec<Fields>),
    /// Anything else, as sent.
    Scalar(Scalar),
}

/// Reads an envelope: `Some` for an object, `None` for any other JSON value.
struct EnvelopeSeed;

impl<'de> DeserializeSeed<'de> for EnvelopeSeed {
    type Value = Option<Envelope>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Envelope>, D::Error> {
        Ok(match d.deserialize_any(Depth::Top)? {
            Node::Envelope(e) => Some(e),
            _ => None,
        })
    }
}

/// Where a value is: the top object is read as an [`Envelope`], an object below it as
/// [`Fields`] (whose own values are read as scalars alone).
#[derive(Clone, Copy)]
enum Depth {
    Top,
    Below,
}

impl<'de> DeserializeSeed<'de> for Depth {
    type Value = Node;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Depth {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        if let Depth::Below = self {
            let mut fields = Fields::default();
            while let Some(key) = map.next_key::<ObjectKey<'de>>()? {
                match fields.slot(key.as_str()) {
                    Some(slot) => *slot = text(map.next_value()?),
                    None => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            return Ok(Node::Object(fields));
        }
        let mut e = Envelope::default();
        while let Some(key) = map.next_key::<ObjectKey<'de>>()? {
            let key = key.as_str();
            // A later entry of a key replaces an earlier one.
            e.objects.retain(|(k, _)| k != key);
            if key == "details" {
                e.details = None;
            }
            let value = match map.next_value_seed(Depth::Below)? {
                Node::Scalar(v) => text(v),
                Node::Object(f) => {
                    e.objects.push((key.to_string(), f));
                    None
                }
                Node::List(l) => {
                    if key == "details" {
                        e.details = Some(l);
                    }
                    None
                }
                Node::Envelope(_) => None,
            };
            if let Some(slot) = e.fields.slot(key) {
                *slot = value;
            } else if key == "encoded_authorization_message" {
                e.encoded_authorization_message = value;
            }
        }
        Ok(Node::Envelope(e))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut list = Vec::new();
        while let Some(element) = seq.next_element_seed(Depth::Below)? {
            list.push(match element {
                Node::Object(f) => f,
                _ => Fields::default(),
            });
        }
        Ok(Node::List(list))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Scalar(Scalar::Null))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Scalar(Scalar::Null))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Scalar(Scalar::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Scalar(Scalar::I64(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Scalar(Scalar::U64(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Scalar(Scalar::F64(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Scalar(Scalar::Text(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
        Ok(Node::Scalar(Scalar::Text(v)))
    }
}

/// The kind of a Huawei error from its code and HTTP status.
pub fn classify(code: Option<&str>, status: u16) -> ServiceErrorKind {
    match code {
        Some(APIGW_AUTH) => return ServiceErrorKind::Authentication,
        Some(APIGW_THROTTLED) => return ServiceErrorKind::Throttling,
        Some(c) => {
            if let Some(kind) = koophone_kind(c) {
                return kind;
            }
        }
        None => {}
    }
    match status {
        401 => ServiceErrorKind::Authentication,
        403 => ServiceErrorKind::PermissionDenied,
        404 => ServiceErrorKind::NotFound,
        409 => ServiceErrorKind::Conflict,
        429 => ServiceErrorKind::Throttling,
        400..=499 => ServiceErrorKind::InvalidRequest,
        500..=599 => ServiceErrorKind::Server,
        _ => ServiceErrorKind::Other,
    }
}

fn koophone_kind(code: &str) -> Option<ServiceErrorKind> {
    Some(match KooPhoneErrorCode::parse(code)? {
        KooPhoneErrorCode::TenantNotFound => ServiceErrorKind::NotFound,
        KooPhoneErrorCode::InvalidParameter => ServiceErrorKind::InvalidRequest,
        KooPhoneErrorCode::InsufficientPermission => ServiceErrorKind::PermissionDenied,
        KooPhoneErrorCode::InternalError => ServiceErrorKind::Server,
    })
}

/// The documented KooPhone error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KooPhoneErrorCode {
    /// `KOOPHONE.API.0000`: the tenant does not exist.
    TenantNotFound,
    /// `KOOPHONE.API.1000`: a request parameter is incorrect.
    InvalidParameter,
    /// `KOOPHONE.API.1001`: insufficient instance permissions.
    InsufficientPermission,
    /// `KOOPHONE.API.9999`: internal service error.
    InternalError,
}

impl KooPhoneErrorCode {
    /// Reads a documented code; the page spells the prefix both `KOOPHONE` and `KooPhone`, so
    /// case is ignored. `None` for any other code.
    pub fn parse(code: &str) -> Option<Self> {
        let upper = code.to_ascii_uppercase();
        Some(match upper.as_str() {
            "KOOPHONE.API.0000" => KooPhoneErrorCode::TenantNotFound,
            "KOOPHONE.API.1000" => KooPhoneErrorCode::InvalidParameter,
            "KOOPHONE.API.1001" => KooPhoneErrorCode::InsufficientPermission,
            "KOOPHONE.API.9999" => KooPhoneErrorCode::InternalError,
            _ => return None,
        })
    }

    /// The code as documented.
    pub fn as_str(self) -> &'static str {
        match self {
            KooPhoneErrorCode::TenantNotFound => "KOOPHONE.API.0000",
            KooPhoneErrorCode::InvalidParameter => "KOOPHONE.API.1000",
            KooPhoneErrorCode::InsufficientPermission => "KOOPHONE.API.1001",
            KooPhoneErrorCode::InternalError => "KOOPHONE.API.9999",
        }
    }
}

/// Huawei-specific views of an error.
pub trait ErrorExt {
    /// The documented KooPhone code, when the error carries one.
    fn koophone_code(&self) -> Option<KooPhoneErrorCode>;
    /// DBSS's `encoded_authorization_message`, when the error carries one.
    fn encoded_authorization_message(&self) -> Option<&str>;
}

impl ErrorExt for Error {
    fn koophone_code(&self) -> Option<KooPhoneErrorCode> {
        self.code().and_then(KooPhoneErrorCode::parse)
    }

    fn encoded_authorization_message(&self) -> Option<&str> {
        self.service_error()?.extra("encoded_authorization_message")
    }
}

/// Reads Huawei answers, parsing each body once: a 2xx body is the operation's output (for
/// KooPhone, whose 200 may carry an error, only when its `error_code` is `"0"`); an error
/// status carries one of the envelopes above. The request id is the `X-Request-Id` header.
#[derive(Debug, Clone, Copy, Default)]
pub struct HuaweiProtocol {
    #[cfg(feature = "koophone")]
    body_error_code: bool,
}

impl HuaweiProtocol {
    /// For services that report errors in a 200 body's `error_code` (KooPhone).
    #[cfg(feature = "koophone")]
    pub(crate) fn with_body_error_code() -> Self {
        HuaweiProtocol {
            body_error_code: true,
        }
    }
}

pub(crate) fn request_id(r: &Response) -> Option<String> {
    r.headers.get("x-request-id").map(str::to_string)
}

impl Protocol for HuaweiProtocol {
    fn request_id(&self, r: &Response) -> Option<String> {
        request_id(r)
    }

    fn decode<T: DeserializeOwned>(
        &self,
        op: &OperationSpec,
        r: &Response,
    ) -> Result<Decoded<T>, Error> {
        #[cfg(feature = "koophone")]
        if self.body_error_code && r.is_success() {
            return decode_body_error_code(op, r);
        }
        if r.is_success() {
            let output = parse_json(op, r, "JSON")?;
            return Ok(Decoded::new(output, request_id(r)));
        }
        match parse_json_seed(op, r, "a JSON error envelope", EnvelopeSeed) {
            Ok(Some(envelope)) => Err(service_error(op, r, envelope)),
            _ if r.status == 429 => {
                // A throttling answer without a JSON body is still throttling.
                let mut e =
                    ServiceError::new(op.vendor, op.name, r.status, ServiceErrorKind::Throttling);
                e.request_id = request_id(r);
                Err(Error::Service(Box::new(e.with_raw_body(&r.body))))
            }
            _ => Err(Error::undecodable(
                op.vendor,
                op.name,
                r.status,
                &r.body,
                format!(
                    "HTTP {} with a body that is not a JSON error envelope",
                    r.status
                ),
            )),
        }
    }
}

/// A 2xx answer whose `error_code` says whether it succeeded (`"0"`): parsed once into a
/// JSON tree, which is the output or the error envelope.
#[cfg(feature = "koophone")]
fn decode_body_error_code<T: DeserializeOwned>(
    op: &OperationSpec,
    r: &Response,
) -> Result<Decoded<T>, Error> {
    let v: serde_json::Value = parse_json(op, r, "JSON")?;
    let envelope = match EnvelopeSeed.deserialize(&v) {
        Ok(Some(envelope)) => envelope,
        _ => Envelope::default(),
    };
    match envelope.fields.error_code.as_deref() {
        Some("0") => from_value(op, r, v).map(|output| Decoded::new(output, request_id(r))),
        Some(_) => Err(service_error(op, r, envelope)),
        None => Err(Error::undecodable(
            op.vendor,
            op.name,
            r.status,
            &r.body,
            "no error_code in the response",
        )),
    }
}

fn service_error(op: &OperationSpec, r: &Response, mut envelope: Envelope) -> Error {
    let (code, message) = envelope.code_and_message();
    let kind = classify(code.as_deref(), r.status);
    let mut e = ServiceError::new(op.vendor, op.name, r.status, kind);
    e.code = code;
    // The gateway echoes its canonical request ('|' for newlines) in APIGW.0301: keep it, but
    // never a token value that was signed.
    e.message = message.map(|m| redact_secrets(&m).into_owned());
    e.request_id = request_id(r);
    e = e.with_raw_body(&r.body);
    if let Some(details) = envelope.details {
        e.details = details
            .into_iter()
            .map(|d| {
                let (code, message) = d.code_and_message();
                ErrorDetail::new(code, message, None)
            })
            .collect();
    }
    if let Some(m) = envelope.encoded_authorization_message {
        e.extra
            .push(("encoded_authorization_message".to_string(), m));
    }
    Error::Service(Box::new(e))
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    const OP: OperationSpec = crate::iam::SPEC;

    fn protocol(body_code: bool) -> HuaweiProtocol {
        #[cfg(feature = "koophone")]
        if body_code {
            return HuaweiProtocol::with_body_error_code();
        }
        assert!(!body_code, "KooPhone's envelope needs the koophone feature");
        HuaweiProtocol::default()
    }

    fn err(status: u16, body: &str, body_code: bool) -> Error {
        let mut r = Response::new(status, body);
        r.headers.set("X-Request-Id", "rid-9");
        protocol(body_code).decode::<Value>(&OP, &r).unwrap_err()
    }

    #[test]
    fn every_envelope_shape() {
        let e = err(
            400,
            r#"{"error_code":"DBSS.10001","error_msg":"bad"}"#,
            false,
        );
        assert_eq!(
            (e.code(), e.message(), e.request_id()),
            (Some("DBSS.10001"), Some("bad"), Some("rid-9"))
        );
        let e = err(500, r#"{"code":"DBS.1","message":"boom"}"#, false);
        assert_eq!((e.code(), e.message()), (Some("DBS.1"), Some("boom")));
        assert_eq!(e.service_kind(), Some(ServiceErrorKind::Server));
        let e = err(
            401,
            r#"{"error":{"code":401,"message":"token expired","title":"Unauthorized"}}"#,
            false,
        );
        assert_eq!(
            (e.code(), e.message()),
            (Some("401"), Some("token expired"))
        );
        assert_eq!(e.service_kind(), Some(ServiceErrorKind::Authentication));
        let e = err(
            403,
            r#"{"error_code":"DBSS.403","error_msg":"denied","details":[{"error_code":"PDP.1","error_msg":"no policy"}],"encoded_authorization_message":"enc"}"#,
            false,
        );
        let se = e.service_error().unwrap();
        assert_eq!(se.details[0].code.as_deref(), Some("PDP.1"));
        assert_eq!(e.encoded_authorization_message(), Some("enc"));
        assert_eq!(e.service_kind(), Some(ServiceErrorKind::PermissionDenied));
    }

    #[test]
    fn gateway_codes() {
        let e = err(
            401,
            r#"{"error_code":"APIGW.0301","error_msg":"verify aksk signature fail, canonicalRequest: POST|/v1/|x-security-token:SECRET|"}"#,
            false,
        );
        assert_eq!(e.service_kind(), Some(ServiceErrorKind::Authentication));
        assert!(
            e.message()
                .unwrap()
                .contains("canonicalRequest: POST|/v1/|x-security-token:***|"),
            "{e}"
        );
        let e = err(
            429,
            r#"{"error_code":"APIGW.0308","error_msg":"throttled"}"#,
            false,
        );
        assert_eq!(e.service_kind(), Some(ServiceErrorKind::Throttling));
        let e = err(429, "Too Many Requests", false);
        assert_eq!(e.service_kind(), Some(ServiceErrorKind::Throttling));
    }

    #[test]
    fn envelopes_are_read_as_a_json_tree_would_be() {
        // Nested: the object-valued entry whose key sorts first, only without a top-level code.
        let e = err(
            400,
            r#"{"z":{"code":"Z.1"},"b":{"error_code":"B.1","error_msg":"b"},"title":"t"}"#,
            false,
        );
        assert_eq!((e.code(), e.message()), (Some("B.1"), Some("b")));
        let e = err(400, r#"{"message":"top","error":{"code":"E.1"}}"#, false);
        assert_eq!((e.code(), e.message()), (None, Some("top")));
        // The last of repeated keys wins, whatever its type; a later scalar drops an object.
        let e = err(
            400,
            r#"{"error_code":"A","error_code":true,"code":"C","a":{"code":"N"},"a":1,"b":{"code":"M"}}"#,
            false,
        );
        assert_eq!(e.code(), Some("C"));
        let e = err(400, r#"{"a":{"code":"N"},"a":1,"b":{"code":"M"}}"#, false);
        assert_eq!(e.code(), Some("M"));
        // Numbers are written as JSON writes them; booleans and nulls are no text.
        let e = err(
            400,
            r#"{"error_code":1.50,"error_msg":null,"message":false}"#,
            false,
        );
        assert_eq!((e.code(), e.message()), (Some("1.5"), None));
        // `details`: each element of an array (none for one that is not an object).
        let e = err(
            400,
            r#"{"code":"X","details":[1,{"code":"D","message":"m","x":{"y":[]}},[2]]}"#,
            false,
        );
        let details = &e.service_error().unwrap().details;
        assert_eq!(details.len(), 3);
        assert_eq!(
            (details[1].code.as_deref(), details[1].message.as_deref()),
            (Some("D"), Some("m"))
        );
        assert_eq!(
            (details[0].code.as_deref(), details[2].code.as_deref()),
            (None, None)
        );
        for not_a_list in [
            r#"{"code":"X","details":{"code":"D"}}"#,
            r#"{"code":"X","details":[{"code":"D"}],"details":7}"#,
        ] {
            let e = err(400, not_a_list, false);
            assert!(
                e.service_error().unwrap().details.is_empty(),
                "{not_a_list}"
            );
        }
        // Not an object: undecodable, or throttling for a 429.
        for body in ["[]", "\"x\"", "null", "7"] {
            assert!(
                matches!(err(400, body, false), Error::Undecodable(_)),
                "{body}"
            );
            assert_eq!(
                err(429, body, false).service_kind(),
                Some(ServiceErrorKind::Throttling)
            );
        }
    }

    #[cfg(feature = "koophone")]
    #[test]
    fn koophone_codes_in_a_200() {
        let e = err(
            200,
            r#"{"error_code":"KOOPHONE.API.1001","error_msg":"no permission"}"#,
            true,
        );
        assert_eq!(
            e.koophone_code(),
            Some(KooPhoneErrorCode::InsufficientPermission)
        );
        assert_eq!(e.service_kind(), Some(ServiceErrorKind::PermissionDenied));
        assert_eq!(e.http_status(), Some(200));
        let e = err(
            200,
            r#"{"error_code":"KooPhone.API.9999","error_msg":"x"}"#,
            true,
        );
        assert_eq!(e.koophone_code(), Some(KooPhoneErrorCode::InternalError));
        let ok = Response::new(200, r#"{"error_code":"0","error_msg":"OK"}"#);
        assert!(protocol(true).decode::<Value>(&OP, &ok).is_ok());
        let e = err(200, r#"{"error_msg":"OK"}"#, true);
        assert!(matches!(e, Error::Undecodable(_)));
    }

    #[test]
    fn html_is_undecodable() {
        let e = err(502, "<html>Bad Gateway</html>", false);
        assert!(matches!(e, Error::Undecodable(ref u) if u.status == 502));
    }
}
