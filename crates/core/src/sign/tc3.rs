//! Tencent Cloud API 3.0 signing, `TC3-HMAC-SHA256`.
//!
//! The canonical request signs `content-type` and `host` (and, in the newer variant,
//! `x-tc-action` with its value lowercased) and the SHA-256 of the body; the signing key is
//! derived from `"TC3" + SecretKey`, the UTC date of the timestamp, the service name and
//! `tc3_request`.

use std::time::SystemTime;

use super::{Signature, hmac_sha256, host_of, sha256_hex};
use crate::credentials::AccessKey;
use crate::encoding::hex_lower;
use crate::request::{Method, Request};
use crate::time::{UtcDateTime, unix_seconds};

/// The algorithm name.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";

/// Which headers are signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SignedHeaders {
    /// `content-type;host`, the original rule.
    #[default]
    ContentTypeHost,
    /// `content-type;host;x-tc-action`, the newer rule.
    WithAction,
}

impl SignedHeaders {
    fn as_str(self) -> &'static str {
        match self {
            SignedHeaders::ContentTypeHost => "content-type;host",
            SignedHeaders::WithAction => "content-type;host;x-tc-action",
        }
    }
}

/// The parts of a request TC3 signs, spelled out; what [`sign`] reads from a [`Request`].
#[derive(Debug, Clone, Copy)]
pub struct Tc3Input<'a> {
    /// The HTTP method.
    pub method: Method,
    /// The query string as sent (empty for POST).
    pub query: &'a str,
    /// The `Content-Type` value exactly as sent.
    pub content_type: &'a str,
    /// The `Host` value as sent.
    pub host: &'a str,
    /// The action, needed for [`SignedHeaders::WithAction`].
    pub action: &'a str,
    /// The body bytes.
    pub body: &'a [u8],
    /// The service name (`cynosdb`).
    pub service: &'a str,
    /// The Unix timestamp sent in `X-TC-Timestamp`.
    pub timestamp: i64,
    /// Which headers to sign.
    pub signed_headers: SignedHeaders,
}

/// The canonical request for `input`.
pub fn canonical_request(input: &Tc3Input<'_>) -> String {
    let mut headers = format!("content-type:{}\nhost:{}\n", input.content_type, input.host);
    if input.signed_headers == SignedHeaders::WithAction {
        headers.push_str("x-tc-action:");
        headers.push_str(&input.action.to_ascii_lowercase());
        headers.push('\n');
    }
    format!(
        "{}\n/\n{}\n{}\n{}\n{}",
        input.method.as_str(),
        input.query,
        headers,
        input.signed_headers.as_str(),
        sha256_hex(input.body)
    )
}

/// Signs the spelled-out input with a secret id and key, returning the `Authorization` header
/// and the intermediate strings.
pub fn sign_parts(input: &Tc3Input<'_>, secret_id: &str, secret_key: &str) -> Signature {
    let canonical = canonical_request(input);
    let date = UtcDateTime::from_unix(input.timestamp).date_dashed();
    let scope = format!("{date}/{}/tc3_request", input.service);
    let string_to_sign = format!(
        "{ALGORITHM}\n{}\n{scope}\n{}",
        input.timestamp,
        sha256_hex(canonical.as_bytes())
    );
    let k_date = hmac_sha256(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let k_service = hmac_sha256(&k_date, input.service.as_bytes());
    let k_signing = hmac_sha256(&k_service, b"tc3_request");
    let signature = hex_lower(&hmac_sha256(&k_signing, string_to_sign.as_bytes()));
    let authorization = format!(
        "{ALGORITHM} Credential={secret_id}/{scope}, SignedHeaders={}, Signature={signature}",
        input.signed_headers.as_str()
    );
    Signature {
        headers: vec![("authorization".to_string(), authorization)],
        canonical_request: canonical,
        string_to_sign,
        signature,
    }
}

/// Signs `request` for `service` at `time`: adds `Host`, `X-TC-Timestamp`, `X-TC-Token` (when
/// the credentials carry a session token) and `Authorization`. The action is read from the
/// request's `X-TC-Action` header.
pub fn sign(
    request: &Request,
    credentials: &AccessKey,
    service: &str,
    time: SystemTime,
    signed_headers: SignedHeaders,
) -> Signature {
    let timestamp = unix_seconds(time);
    let host = host_of(request);
    let query = if request.method == Method::Post {
        String::new()
    } else {
        request.query_string()
    };
    let input = Tc3Input {
        method: request.method,
        query: &query,
        content_type: request.headers.get("content-type").unwrap_or(""),
        host: &host,
        action: request.headers.get("x-tc-action").unwrap_or(""),
        body: &request.body,
        service,
        timestamp,
        signed_headers,
    };
    let mut sig = sign_parts(&input, &credentials.id, credentials.secret.expose());
    let mut headers = vec![
        ("host".to_string(), host),
        ("x-tc-timestamp".to_string(), timestamp.to_string()),
    ];
    if let Some(token) = &credentials.session_token {
        headers.push(("x-tc-token".to_string(), token.expose().to_string()));
    }
    headers.append(&mut sig.headers);
    sig.headers = headers;
    sig
}
