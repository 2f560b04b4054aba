//! Huawei Cloud API gateway signing, `SDK-HMAC-SHA256`, and the token scheme (`X-Auth-Token`).
//!
//! The canonical request is `METHOD`, the canonical URI, the canonical query, the signed
//! headers' `name:value` lines, their names, and the SHA-256 of the body. The signature is the
//! hex HMAC-SHA256 of the string to sign under the secret key.
//!
//! Where the vendor's published rule and its official SDKs differ, this follows the official
//! Python and Go SDKs, whose output the gateway is built to accept:
//!
//! - canonical URI: the whole path is percent-decoded first, then split on `/`, each segment
//!   encoded (unreserved `A-Za-z0-9-_.~` kept, uppercase hex) and a `/` appended, so an
//!   encoded `%2F` inside a segment is signed as a separator;
//! - canonical query: pairs sorted by decoded key, then decoded value, and only then encoded
//!   (the Java SDK sorts encoded keys and keeps values unsorted; Python and Go are followed);
//! - header names lowercased, values trimmed, names containing `_` not signed.

use std::time::SystemTime;

use super::{Signature, hmac_sha256, host_of, sha256_hex};
use crate::credentials::{AccessKey, SecretString};
use crate::encoding::{encode_query_sorted, hex_lower, percent_decode, percent_encode};
use crate::request::{Method, Request};
use crate::time::UtcDateTime;

/// The algorithm name.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";

/// The canonical URI of an encoded path: the whole path decoded, split on `/`, each segment
/// encoded, a trailing `/` added when missing (an encoded `%2F` becomes a separator).
///
/// ```
/// use cloudops_core::sign::huawei::canonical_uri;
/// assert_eq!(canonical_uri("/v1/a%2Fb/c d"), "/v1/a/b/c%20d/");
/// ```
pub fn canonical_uri(path: &str) -> String {
    let mut out: String = percent_decode(path)
        .split('/')
        .map(percent_encode)
        .collect::<Vec<_>>()
        .join("/");
    if !out.ends_with('/') {
        out.push('/');
    }
    if !out.starts_with('/') {
        out.insert(0, '/');
    }
    out
}

/// The canonical query of decoded pairs: sorted by decoded key then decoded value, encoded,
/// joined with `&`.
pub fn canonical_query(query: &[(String, String)]) -> String {
    encode_query_sorted(query)
}

/// The headers that get signed: lowercase names, sorted; names with `_` left out; values
/// trimmed; repeated names joined with `,`.
fn signed_header_lines(headers: &[(&str, &str)]) -> (String, String) {
    let mut hs: Vec<(String, String)> = headers
        .iter()
        .filter(|(n, _)| !n.contains('_'))
        .map(|(n, v)| (n.to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    hs.sort_by(|a, b| a.0.cmp(&b.0));
    let mut merged: Vec<(String, String)> = Vec::with_capacity(hs.len());
    for (n, v) in hs {
        match merged.last_mut() {
            Some((ln, lv)) if *ln == n => {
                lv.push(',');
                lv.push_str(&v);
            }
            _ => merged.push((n, v)),
        }
    }
    let lines: String = merged.iter().map(|(n, v)| format!("{n}:{v}\n")).collect();
    let names = merged
        .iter()
        .map(|(n, _)| n.as_str())
        .collect::<Vec<_>>()
        .join(";");
    (lines, names)
}

/// The spelled-out parts of a request the signature covers; what [`sign`] reads from a
/// [`Request`].
#[derive(Debug, Clone, Copy)]
pub struct HuaweiInput<'a> {
    /// The method.
    pub method: Method,
    /// The encoded path as sent.
    pub path: &'a str,
    /// The decoded query pairs.
    pub query: &'a [(String, String)],
    /// Every header to sign, `X-Sdk-Date` among them.
    pub headers: &'a [(&'a str, &'a str)],
    /// The body bytes.
    pub body: &'a [u8],
    /// The `X-Sdk-Date` value.
    pub sdk_date: &'a str,
}

/// The canonical request of `input` and its signed header names.
pub fn canonical_request(input: &HuaweiInput<'_>) -> (String, String) {
    let (lines, names) = signed_header_lines(input.headers);
    let canonical = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        input.method.as_str(),
        canonical_uri(input.path),
        canonical_query(input.query),
        lines,
        names,
        sha256_hex(input.body)
    );
    (canonical, names)
}

/// Signs spelled-out parts with an access key pair.
pub fn sign_parts(input: &HuaweiInput<'_>, access_key: &str, secret_key: &str) -> Signature {
    let (canonical, names) = canonical_request(input);
    let string_to_sign = format!(
        "{ALGORITHM}\n{}\n{}",
        input.sdk_date,
        sha256_hex(canonical.as_bytes())
    );
    let signature = hex_lower(&hmac_sha256(
        secret_key.as_bytes(),
        string_to_sign.as_bytes(),
    ));
    Signature {
        headers: vec![(
            "authorization".to_string(),
            format!(
                "{ALGORITHM} Access={access_key}, SignedHeaders={names}, Signature={signature}"
            ),
        )],
        canonical_request: canonical,
        string_to_sign,
        signature,
    }
}

/// Signs `request` at `time`: adds `Host`, `X-Sdk-Date`, `X-Security-Token` (temporary
/// credentials) and `Authorization`, signing every header the request carries (including
/// `X-Project-Id` and `Content-Type` when set).
pub fn sign(request: &Request, credentials: &AccessKey, time: SystemTime) -> Signature {
    let sdk_date = UtcDateTime::from_system_time(time).compact_iso8601();
    let mut added = vec![
        ("host".to_string(), host_of(request)),
        ("x-sdk-date".to_string(), sdk_date.clone()),
    ];
    if let Some(token) = &credentials.session_token {
        added.push(("x-security-token".to_string(), token.expose().to_string()));
    }
    let mut headers: Vec<(&str, &str)> = request
        .headers
        .iter()
        .filter(|(n, _)| *n != "authorization" && !added.iter().any(|(a, _)| a == n))
        .collect();
    headers.extend(added.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    let path = request.full_path();
    let input = HuaweiInput {
        method: request.method,
        path: &path,
        query: &request.query,
        headers: &headers,
        body: &request.body,
        sdk_date: &sdk_date,
    };
    let mut sig = sign_parts(&input, &credentials.id, credentials.secret.expose());
    added.append(&mut sig.headers);
    sig.headers = added;
    sig
}

/// The token scheme: adds `X-Auth-Token`.
pub fn sign_with_token(token: &SecretString) -> Signature {
    Signature {
        headers: vec![("x-auth-token".to_string(), token.expose().to_string())],
        canonical_request: String::new(),
        string_to_sign: String::new(),
        signature: String::new(),
    }
}

/// Reads the parts of an `SDK-HMAC-SHA256` `Authorization` header: access key, signed header
/// names and signature.
pub fn parse_authorization(value: &str) -> Option<(String, Vec<String>, String)> {
    let rest = value.strip_prefix(ALGORITHM)?.trim_start();
    let mut access = None;
    let mut signed = None;
    let mut signature = None;
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k {
            "Access" => access = Some(v.to_string()),
            "SignedHeaders" => signed = Some(v.split(';').map(str::to_string).collect()),
            "Signature" => signature = Some(v.to_string()),
            _ => return None,
        }
    }
    Some((access?, signed?, signature?))
}
