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
//! - header names lowercased, values trimmed, names containing `_` not signed;
//! - a body that is not JSON (a `multipart/form-data` upload, say) is not hashed: the request
//!   carries `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`, signed like any header, and that value
//!   stands for the body's hash. A request that carries the header already is signed with its
//!   value.

use std::time::SystemTime;

use std::borrow::Cow;

use super::{Signature, added_host, hmac_sha256, host_of, insert_after_host, push_sha256_hex};
use crate::credentials::{AccessKey, SecretString};
use crate::encoding::{
    encode_query_sorted, is_unreserved, percent_decode, push_hex_lower, push_percent_encoded,
    push_query_sorted,
};
use crate::request::{Method, Request};
use crate::time::UtcDateTime;

/// The algorithm name.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";

/// The header whose value stands for the body's hash in the canonical request.
pub const CONTENT_SHA256: &str = "x-sdk-content-sha256";

/// The value of [`CONTENT_SHA256`] for a body that is not signed.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// Whether a body of `content_type` is signed: JSON and BSON are, anything else is sent
/// with [`UNSIGNED_PAYLOAD`], as the official SDKs do.
pub fn signs_body(content_type: Option<&str>) -> bool {
    content_type.is_none_or(|ct| {
        let ct = ct.trim_start().as_bytes();
        let starts = |p: &[u8]| ct.len() >= p.len() && ct[..p.len()].eq_ignore_ascii_case(p);
        starts(b"application/json") || starts(b"application/bson")
    })
}

/// The canonical URI of an encoded path: the whole path decoded, split on `/`, each segment
/// encoded, a trailing `/` added when missing (an encoded `%2F` becomes a separator).
///
/// ```
/// use cloudops_core::sign::huawei::canonical_uri;
/// assert_eq!(canonical_uri("/v1/a%2Fb/c d"), "/v1/a/b/c%20d/");
/// ```
pub fn canonical_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 2);
    push_canonical_uri(&mut out, path);
    out
}

fn push_canonical_uri(out: &mut String, path: &str) {
    // The usual path, only unreserved characters and `/`, is its own canonical form.
    if path
        .bytes()
        .fold(true, |all, b| all & (b == b'/' || is_unreserved(b)))
    {
        if !path.starts_with('/') {
            out.push('/');
        }
        out.push_str(path);
        if !out.ends_with('/') {
            out.push('/');
        }
        return;
    }
    // Decoding only when there is something to decode.
    let decoded: Cow<'_, str> = if path.contains('%') {
        Cow::Owned(percent_decode(path))
    } else {
        Cow::Borrowed(path)
    };
    if !decoded.starts_with('/') {
        out.push('/');
    }
    for (i, segment) in decoded.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        push_percent_encoded(out, segment);
    }
    if !out.ends_with('/') {
        out.push('/');
    }
}

/// The canonical query of decoded pairs: sorted by decoded key then decoded value, encoded,
/// joined with `&`.
pub fn canonical_query(query: &[(String, String)]) -> String {
    encode_query_sorted(query)
}

/// Writes the signed headers' lines (lowercase names, sorted; names with `_` left out; values
/// trimmed; repeated names joined with `,`), a blank line and their names joined with `;` to
/// `out`, and returns where the names are in `out`.
fn push_signed_headers(out: &mut String, headers: &[(&str, &str)]) -> std::ops::Range<usize> {
    // On the stack for a request's usual dozen headers.
    let hs: smallvec::SmallVec<[(Cow<'_, str>, &str); 16]> = headers
        .iter()
        .filter(|(n, _)| !n.contains('_'))
        .map(super::lowercase_trimmed)
        .collect();
    let order = crate::order::stable_order(hs.len(), &mut |a, b| hs[a].0.cmp(&hs[b].0));
    let sorted = || order.iter().map(|&i| &hs[i]);
    let mut previous: Option<&str> = None;
    for (n, v) in sorted() {
        if previous == Some(n.as_ref()) {
            // A repeated name: its values on one line.
            out.pop();
            out.push(',');
        } else {
            out.push_str(n);
            out.push(':');
        }
        out.push_str(v);
        out.push('\n');
        previous = Some(n.as_ref());
    }
    out.push('\n');
    let start = out.len();
    previous = None;
    for (n, _) in sorted() {
        if previous == Some(n.as_ref()) {
            continue;
        }
        if previous.is_some() {
            out.push(';');
        }
        out.push_str(n);
        previous = Some(n.as_ref());
    }
    start..out.len()
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
    let (canonical, names) = canonical_request_and_names(input);
    let names = canonical[names].to_string();
    (canonical, names)
}

/// The canonical request of `input`, and where its signed header names are in it.
fn canonical_request_and_names(input: &HuaweiInput<'_>) -> (String, std::ops::Range<usize>) {
    let mut canonical = String::with_capacity(
        200 + input.path.len()
            + input
                .headers
                .iter()
                .map(|(n, v)| 2 * n.len() + v.len() + 2)
                .sum::<usize>(),
    );
    canonical.push_str(input.method.as_str());
    canonical.push('\n');
    push_canonical_uri(&mut canonical, input.path);
    canonical.push('\n');
    push_query_sorted(&mut canonical, input.query);
    canonical.push('\n');
    let names = push_signed_headers(&mut canonical, input.headers);
    canonical.push('\n');
    match input
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(CONTENT_SHA256))
    {
        Some((_, declared)) => canonical.push_str(declared.trim()),
        None => push_sha256_hex(&mut canonical, input.body),
    }
    (canonical, names)
}

/// Signs spelled-out parts with an access key pair.
pub fn sign_parts(input: &HuaweiInput<'_>, access_key: &str, secret_key: &str) -> Signature {
    sign_into(input, access_key, secret_key, Vec::with_capacity(1))
}

/// Signs `input`, appending `Authorization` to `headers` (the headers the signature adds).
fn sign_into(
    input: &HuaweiInput<'_>,
    access_key: &str,
    secret_key: &str,
    mut headers: Vec<(&'static str, String)>,
) -> Signature {
    let (canonical, names) = canonical_request_and_names(input);
    let mut string_to_sign = String::with_capacity(ALGORITHM.len() + input.sdk_date.len() + 66);
    string_to_sign.push_str(ALGORITHM);
    string_to_sign.push('\n');
    string_to_sign.push_str(input.sdk_date);
    string_to_sign.push('\n');
    push_sha256_hex(&mut string_to_sign, canonical.as_bytes());
    let raw = hmac_sha256(secret_key.as_bytes(), string_to_sign.as_bytes());
    // `SDK-HMAC-SHA256 Access=<ak>, SignedHeaders=<names>, Signature=<64 hex>`, exactly.
    let mut authorization = String::with_capacity(
        ALGORITHM.len()
            + " Access=".len()
            + access_key.len()
            + ", SignedHeaders=".len()
            + names.len()
            + ", Signature=".len()
            + 64,
    );
    authorization.push_str(ALGORITHM);
    authorization.push_str(" Access=");
    authorization.push_str(access_key);
    authorization.push_str(", SignedHeaders=");
    authorization.push_str(&canonical[names]);
    authorization.push_str(", Signature=");
    let signature_start = authorization.len();
    push_hex_lower(&mut authorization, &raw);
    headers.push(("authorization", authorization));
    Signature::new(headers, canonical, string_to_sign, Some(signature_start))
}

/// Signs `request` at `time`: adds `Host` (unless the request carries one), `X-Sdk-Date`,
/// `X-Security-Token` (temporary credentials), `X-Sdk-Content-Sha256` (a body that is not
/// JSON, see [`signs_body`]) and `Authorization`, signing every header the request carries
/// (including `X-Project-Id` and `Content-Type` when set).
pub fn sign(request: &Request, credentials: &AccessKey, time: SystemTime) -> Signature {
    let sdk_date = UtcDateTime::from_system_time(time).compact_iso8601();
    let host = host_of(request);
    let token = credentials.session_token.as_ref().map(|t| t.expose());
    let unsigned = (!signs_body(request.headers.get_lowercase("content-type"))
        && request.headers.get_lowercase(CONTENT_SHA256).is_none())
    .then_some(UNSIGNED_PAYLOAD);
    let added = [
        ("host", Some(host)),
        ("x-sdk-date", Some(sdk_date.as_str())),
        ("x-security-token", token),
        (CONTENT_SHA256, unsigned),
    ];
    let mut out = added_host(request, 5);
    if let Some(token) = token {
        out.push(("x-security-token", token.to_string()));
    }
    if let Some(unsigned) = unsigned {
        out.push((CONTENT_SHA256, unsigned.to_string()));
    }
    let mut sig = {
        // On the stack for a request's usual dozen headers.
        let mut headers: smallvec::SmallVec<[(&str, &str); 16]> = smallvec::SmallVec::new();
        headers.extend(request.headers.iter().filter(|(n, _)| {
            *n != "authorization" && !added.iter().any(|(a, v)| v.is_some() && a == n)
        }));
        headers.extend(added.iter().filter_map(|(n, v)| v.map(|v| (*n, v))));
        let path = request.full_path_cow();
        let input = HuaweiInput {
            method: request.method,
            path: &path,
            query: &request.query,
            headers: &headers,
            body: &request.body,
            sdk_date: &sdk_date,
        };
        sign_into(&input, &credentials.id, credentials.secret.expose(), out)
    };
    insert_after_host(&mut sig.headers, ("x-sdk-date", sdk_date));
    sig
}

/// The token scheme: adds `X-Auth-Token`.
pub fn sign_with_token(token: &SecretString) -> Signature {
    Signature::headers_only(vec![("x-auth-token", token.expose().to_string())])
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
