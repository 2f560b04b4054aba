//! HTTP Basic authentication.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::Signature;
use crate::credentials::BasicAuth;

/// The `Authorization: Basic base64(username:password)` header.
pub fn sign(credentials: &BasicAuth) -> Signature {
    let token = STANDARD.encode(format!(
        "{}:{}",
        credentials.username,
        credentials.password.expose()
    ));
    Signature::headers_only(vec![("authorization", format!("Basic {token}"))])
}

/// Decodes a `Basic` `Authorization` value into username and password.
pub fn parse_authorization(value: &str) -> Option<(String, String)> {
    let encoded = value.strip_prefix("Basic ")?.trim();
    let decoded = STANDARD.decode(encoded).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (u, p) = text.split_once(':')?;
    Some((u.to_string(), p.to_string()))
}
