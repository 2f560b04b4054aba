//! OceanBase Cloud Platform AK/SK signing, `OCP-ACCESS-KEY-HMACSHA1`.
//!
//! The string to sign is seven lines: method, uppercase hex MD5 of the body (empty without a
//! body), the `Content-Type` sent, the RFC 1123 `Date`, the `Host` sent, the `x-ocp-*` headers
//! as `name:value` lines sorted by name, and the path with the query sorted by raw key before
//! encoding (both as OceanBase's own OCP client computes them). The signature is the base64
//! HMAC-SHA1 of it under the secret key.

use std::time::SystemTime;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use md5::{Digest, Md5};

use super::{Signature, added_host, hmac_sha1, host_of, insert_after_host};
use crate::credentials::AccessKey;
use std::borrow::Cow;

use crate::encoding::{encode_query_sorted, hex_upper, push_query_sorted};
use crate::request::{Method, Request};
use crate::time::UtcDateTime;

/// The scheme name in the `Authorization` header.
pub const ALGORITHM: &str = "OCP-ACCESS-KEY-HMACSHA1";

/// Uppercase hex MD5 of the body, empty for an empty body.
pub fn md5_payload(body: &[u8]) -> String {
    if body.is_empty() {
        String::new()
    } else {
        hex_upper(&Md5::digest(body))
    }
}

/// The path followed by `?` and the query sorted by raw (decoded) key, then value, and then
/// percent-encoded; the path alone when there is no query.
pub fn path_and_query(path: &str, query: &[(String, String)]) -> String {
    if query.is_empty() {
        return path.to_string();
    }
    format!("{path}?{}", encode_query_sorted(query))
}

/// The spelled-out parts of a request the signature covers.
#[derive(Debug, Clone, Copy)]
pub struct OcpInput<'a> {
    /// The method.
    pub method: Method,
    /// The body bytes.
    pub body: &'a [u8],
    /// The `Content-Type` sent, empty when none.
    pub content_type: &'a str,
    /// The `Date` header value.
    pub date: &'a str,
    /// The `Host` header value.
    pub host: &'a str,
    /// The `x-ocp-*` headers sent.
    pub ocp_headers: &'a [(&'a str, &'a str)],
    /// The encoded path.
    pub path: &'a str,
    /// The decoded query pairs.
    pub query: &'a [(String, String)],
}

/// The string to sign for `input`. The `x-ocp-*` lines are sorted by header *name* (as
/// OceanBase's own client does), which differs from sorting whole `name:value` lines when one
/// name is a prefix of another (`x-ocp-a` before `x-ocp-a-b`, whatever their values).
pub fn string_to_sign(input: &OcpInput<'_>) -> String {
    let named: Vec<(Cow<'_, str>, &str)> = input
        .ocp_headers
        .iter()
        .map(super::lowercase_trimmed)
        .collect();
    let order = crate::order::stable_order(named.len(), &mut |a, b| named[a].0.cmp(&named[b].0));
    let mut out =
        String::with_capacity(96 + input.content_type.len() + input.host.len() + input.path.len());
    out.push_str(input.method.as_str());
    out.push('\n');
    if !input.body.is_empty() {
        out.push_str(&hex_upper(&Md5::digest(input.body)));
    }
    out.push('\n');
    out.push_str(input.content_type);
    out.push('\n');
    out.push_str(input.date);
    out.push('\n');
    out.push_str(input.host);
    out.push('\n');
    for (i, (n, v)) in order.iter().map(|&i| &named[i]).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(n);
        out.push(':');
        out.push_str(v);
    }
    out.push('\n');
    out.push_str(input.path);
    if !input.query.is_empty() {
        out.push('?');
        push_query_sorted(&mut out, input.query);
    }
    out
}

/// Signs spelled-out parts with an access key pair.
pub fn sign_parts(input: &OcpInput<'_>, access_key: &str, secret_key: &str) -> Signature {
    sign_into(input, access_key, secret_key, Vec::with_capacity(1))
}

/// Signs `input`, appending `Authorization` to `headers` (the headers the signature adds).
fn sign_into(
    input: &OcpInput<'_>,
    access_key: &str,
    secret_key: &str,
    mut headers: Vec<(&'static str, String)>,
) -> Signature {
    let sts = string_to_sign(input);
    let raw = hmac_sha1(secret_key.as_bytes(), sts.as_bytes());
    let mut authorization = String::with_capacity(ALGORITHM.len() + access_key.len() + 32);
    authorization.push_str(ALGORITHM);
    authorization.push(' ');
    authorization.push_str(access_key);
    authorization.push(':');
    let signature_start = authorization.len();
    STANDARD.encode_string(raw, &mut authorization);
    headers.push(("authorization", authorization));
    Signature::new(headers, String::new(), sts, Some(signature_start))
}

/// Signs `request` at `time`: adds `Host` (unless the request carries one), `Date` and
/// `Authorization`.
pub fn sign(request: &Request, credentials: &AccessKey, time: SystemTime) -> Signature {
    let date = UtcDateTime::from_system_time(time).rfc1123();
    let host = host_of(request);
    let ocp_headers: Vec<(&str, &str)> = request
        .headers
        .iter()
        .filter(|(n, _)| n.starts_with("x-ocp-"))
        .collect();
    let path = request.full_path_cow();
    let input = OcpInput {
        method: request.method,
        body: &request.body,
        content_type: request.headers.get_lowercase("content-type").unwrap_or(""),
        date: &date,
        host,
        ocp_headers: &ocp_headers,
        path: &path,
        query: &request.query,
    };
    let mut sig = sign_into(
        &input,
        &credentials.id,
        credentials.secret.expose(),
        added_host(request, 3),
    );
    insert_after_host(&mut sig.headers, ("date", date));
    sig
}
