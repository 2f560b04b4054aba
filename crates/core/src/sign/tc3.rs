//! Tencent Cloud API 3.0 signing, `TC3-HMAC-SHA256`.
//!
//! The canonical request signs `content-type` and `host` (and, in the newer variant,
//! `x-tc-action` with its value lowercased) and the SHA-256 of the body; the signing key is
//! derived from `"TC3" + SecretKey`, the UTC date of the timestamp, the service name and
//! `tc3_request`.

use std::time::SystemTime;

use super::{Signature, added_host, hmac_sha256, host_of, push_sha256_hex};
use crate::credentials::AccessKey;
use crate::encoding::push_hex_lower;
use crate::request::{Method, Request};
use crate::time::{UtcDateTime, push_decimal, unix_seconds};

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
    let mut out = String::with_capacity(
        160 + input.query.len() + input.content_type.len() + input.host.len(),
    );
    out.push_str(input.method.as_str());
    out.push_str("\n/\n");
    out.push_str(input.query);
    out.push_str("\ncontent-type:");
    out.push_str(input.content_type);
    out.push_str("\nhost:");
    out.push_str(input.host);
    out.push('\n');
    if input.signed_headers == SignedHeaders::WithAction {
        out.push_str("x-tc-action:");
        for c in input.action.chars() {
            out.push(c.to_ascii_lowercase());
        }
        out.push('\n');
    }
    out.push('\n');
    out.push_str(input.signed_headers.as_str());
    out.push('\n');
    push_sha256_hex(&mut out, input.body);
    out
}

/// Signs the spelled-out input with a secret id and key, returning the `Authorization` header
/// and the intermediate strings.
pub fn sign_parts(input: &Tc3Input<'_>, secret_id: &str, secret_key: &str) -> Signature {
    sign_into(input, secret_id, secret_key, Vec::with_capacity(1))
}

/// Signs `input`, appending `Authorization` to `headers` (the headers the signature adds).
fn sign_into(
    input: &Tc3Input<'_>,
    secret_id: &str,
    secret_key: &str,
    mut headers: Vec<(&'static str, String)>,
) -> Signature {
    let canonical = canonical_request(input);
    let mut string_to_sign = String::with_capacity(ALGORITHM.len() + input.service.len() + 110);
    string_to_sign.push_str(ALGORITHM);
    string_to_sign.push('\n');
    push_decimal(&mut string_to_sign, input.timestamp);
    string_to_sign.push('\n');
    // `<date>/<service>/tc3_request`, the credential scope.
    let scope_start = string_to_sign.len();
    UtcDateTime::from_unix(input.timestamp).push_date_dashed(&mut string_to_sign);
    let date_end = string_to_sign.len();
    string_to_sign.push('/');
    string_to_sign.push_str(input.service);
    string_to_sign.push_str("/tc3_request");
    let scope_end = string_to_sign.len();
    string_to_sign.push('\n');
    push_sha256_hex(&mut string_to_sign, canonical.as_bytes());

    let date = &string_to_sign.as_bytes()[scope_start..date_end];
    let k_date = with_tc3_key(secret_key, |key| hmac_sha256(key, date));
    let k_service = hmac_sha256(&k_date, input.service.as_bytes());
    let k_signing = hmac_sha256(&k_service, b"tc3_request");
    let raw = hmac_sha256(&k_signing, string_to_sign.as_bytes());

    // `TC3-HMAC-SHA256 Credential=<id>/<scope>, SignedHeaders=<names>, Signature=<64 hex>`,
    // exactly.
    let mut authorization = String::with_capacity(
        ALGORITHM.len()
            + " Credential=".len()
            + secret_id.len()
            + 1
            + (scope_end - scope_start)
            + ", SignedHeaders=".len()
            + input.signed_headers.as_str().len()
            + ", Signature=".len()
            + 64,
    );
    authorization.push_str(ALGORITHM);
    authorization.push_str(" Credential=");
    authorization.push_str(secret_id);
    authorization.push('/');
    authorization.push_str(&string_to_sign[scope_start..scope_end]);
    authorization.push_str(", SignedHeaders=");
    authorization.push_str(input.signed_headers.as_str());
    authorization.push_str(", Signature=");
    let signature_start = authorization.len();
    push_hex_lower(&mut authorization, &raw);
    headers.push(("authorization", authorization));
    Signature::new(headers, canonical, string_to_sign, Some(signature_start))
}

/// Calls `f` with `"TC3" + secret_key`, built on the stack when it fits.
fn with_tc3_key<T>(secret_key: &str, f: impl FnOnce(&[u8]) -> T) -> T {
    let secret = secret_key.as_bytes();
    let mut buf = [0u8; 128];
    match buf.get_mut(3..3 + secret.len()) {
        Some(tail) => {
            tail.copy_from_slice(secret);
            buf[..3].copy_from_slice(b"TC3");
            f(&buf[..3 + secret.len()])
        }
        None => f(&[b"TC3".as_slice(), secret].concat()),
    }
}

/// Signs `request` for `service` at `time`: adds `Host` (unless the request carries one),
/// `X-TC-Timestamp`, `X-TC-Token` (when the credentials carry a session token) and
/// `Authorization`. The action is read from the
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
        content_type: request.headers.get_lowercase("content-type").unwrap_or(""),
        host,
        action: request.headers.get_lowercase("x-tc-action").unwrap_or(""),
        body: &request.body,
        service,
        timestamp,
        signed_headers,
    };
    let mut headers = added_host(request, 4);
    let mut value = String::with_capacity(20);
    push_decimal(&mut value, timestamp);
    headers.push(("x-tc-timestamp", value));
    if let Some(token) = &credentials.session_token {
        headers.push(("x-tc-token", token.expose().to_string()));
    }
    sign_into(
        &input,
        &credentials.id,
        credentials.secret.expose(),
        headers,
    )
}
