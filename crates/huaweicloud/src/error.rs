//! Huawei Cloud error envelopes, parsed once for every service.
//!
//! Accepted shapes: `{"error_code", "error_msg"}`, `{"code", "message"}`, either nested one
//! level (`{"error": {...}}`), codes as strings or integers; DBSS's `details[]` and
//! `encoded_authorization_message` are kept. The request id is the `X-Request-Id` header.

use cloudops_core::operation::{from_value, parse_json};
use cloudops_core::redact::redact_secrets;
use cloudops_core::{
    Decoded, Error, ErrorDetail, OperationSpec, Protocol, Response, ServiceError, ServiceErrorKind,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The vendor name errors and traces carry.
pub const VENDOR: &str = "huaweicloud";

/// The gateway's code for a bad or expired signature or token.
pub const APIGW_AUTH: &str = "APIGW.0301";
/// The gateway's code for throttling.
pub const APIGW_THROTTLED: &str = "APIGW.0308";

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The code and message of an envelope object, from either naming.
fn code_and_message(obj: &Value) -> (Option<String>, Option<String>) {
    let code = text(obj.get("error_code")).or_else(|| text(obj.get("code")));
    let message = text(obj.get("error_msg")).or_else(|| text(obj.get("message")));
    (code, message)
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
    body_error_code: bool,
}

impl HuaweiProtocol {
    /// For services that report errors in a 200 body's `error_code` (KooPhone).
    #[cfg_attr(not(feature = "koophone"), allow(dead_code))]
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
    fn decode<T: DeserializeOwned>(
        &self,
        op: &OperationSpec,
        r: &Response,
    ) -> Result<Decoded<T>, Error> {
        if r.is_success() {
            if !self.body_error_code {
                let output = parse_json(op, r, "JSON")?;
                return Ok(Decoded::new(output, request_id(r)));
            }
            let v: Value = parse_json(op, r, "JSON")?;
            return match text(v.get("error_code")) {
                Some(c) if c == "0" => {
                    from_value(op, r, v).map(|output| Decoded::new(output, request_id(r)))
                }
                Some(_) => Err(service_error(op, r, &v)),
                None => Err(Error::undecodable(
                    op.vendor,
                    op.name,
                    r.status,
                    &r.body,
                    "no error_code in the response",
                )),
            };
        }
        match parse_json::<Value>(op, r, "a JSON error envelope") {
            Ok(v) if v.is_object() => Err(service_error(op, r, &v)),
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

fn service_error(op: &OperationSpec, r: &Response, v: &Value) -> Error {
    let (mut code, mut message) = code_and_message(v);
    if code.is_none() && message.is_none() {
        // One level of nesting: {"error": {...}} or {"<anything>": {...}} as IAM does.
        if let Some(inner) = v
            .as_object()
            .and_then(|m| m.values().find(|x| x.is_object()))
        {
            (code, message) = code_and_message(inner);
        }
    }
    let kind = classify(code.as_deref(), r.status);
    // The gateway echoes its canonical request ('|' for newlines) in APIGW.0301: keep it, but
    // never a token value that was signed.
    message = message.map(|m| redact_secrets(&m).into_owned());
    let mut e = ServiceError::new(op.vendor, op.name, r.status, kind);
    e.code = code;
    e.message = message;
    e.request_id = request_id(r);
    e = e.with_raw_body(&r.body);
    if let Some(details) = v.get("details").and_then(Value::as_array) {
        e.details = details
            .iter()
            .map(|d| {
                let (code, message) = code_and_message(d);
                ErrorDetail::new(code, message, None)
            })
            .collect();
    }
    if let Some(m) = text(v.get("encoded_authorization_message")) {
        e.extra
            .push(("encoded_authorization_message".to_string(), m));
    }
    Error::Service(Box::new(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OP: OperationSpec = crate::iam::SPEC;

    fn protocol(body_code: bool) -> HuaweiProtocol {
        HuaweiProtocol {
            body_error_code: body_code,
        }
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
