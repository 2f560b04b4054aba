//! Request signers: pure functions of a request, credentials and a time.
//!
//! No signer reads a clock or does I/O. Each returns its intermediate strings (canonical
//! request, string to sign) beside the headers to add, so a signature can be debugged and
//! checked against published vectors.

pub mod basic;
#[cfg(feature = "huawei")]
#[cfg_attr(docsrs, doc(cfg(feature = "huawei")))]
pub mod huawei;
#[cfg(feature = "ocp")]
#[cfg_attr(docsrs, doc(cfg(feature = "ocp")))]
pub mod ocp;
#[cfg(feature = "tc3")]
#[cfg_attr(docsrs, doc(cfg(feature = "tc3")))]
pub mod tc3;

#[cfg(any(feature = "tc3", feature = "huawei", feature = "ocp"))]
use hmac::{KeyInit, Mac};
#[cfg(any(feature = "tc3", feature = "huawei"))]
use sha2::{Digest, Sha256};

use crate::request::Request;

/// The headers the schemes carry secrets in besides `Authorization`: a session token (Huawei's
/// `X-Security-Token`, Tencent's `X-TC-Token`) or a bearer token (Huawei IAM's `X-Auth-Token`,
/// and the `X-Subject-Token` IAM answers with). Their values never appear in `Debug` output,
/// traces or errors ([`is_sensitive_header`](crate::request::is_sensitive_header)).
pub const SECRET_HEADERS: &[&str] = &[
    "x-auth-token",
    "x-subject-token",
    "x-security-token",
    "x-tc-token",
];

/// The headers the schemes set whose values are not secret: dates, the host, the content type,
/// a body that is not signed and a project id. With [`SECRET_HEADERS`] these are every header an [`Authorizer`] may set
/// (`sets_headers`) or append; a header in neither list is refused before
/// anything is sent, in debug builds, so that a new scheme's token header cannot print in clear
/// for want of being listed.
///
/// [`Authorizer`]: crate::Authorizer
pub const PUBLIC_HEADERS: &[&str] = &[
    "host",
    "date",
    "content-type",
    "x-tc-timestamp",
    "x-sdk-date",
    "x-sdk-content-sha256",
    "x-project-id",
];

/// The header names the schemes and their vendors' protocols write on every call, kept without
/// a copy when a request is built.
pub(crate) fn scheme_header_name(lower: &str) -> Option<&'static str> {
    Some(match lower {
        "x-tc-action" => "x-tc-action",
        "x-tc-version" => "x-tc-version",
        "x-tc-region" => "x-tc-region",
        "x-tc-requestclient" => "x-tc-requestclient",
        "x-tc-language" => "x-tc-language",
        "x-tc-timestamp" => "x-tc-timestamp",
        "x-tc-token" => "x-tc-token",
        "x-project-id" => "x-project-id",
        "x-sdk-date" => "x-sdk-date",
        "x-sdk-content-sha256" => "x-sdk-content-sha256",
        "x-security-token" => "x-security-token",
        "x-auth-token" => "x-auth-token",
        "x-subject-token" => "x-subject-token",
        _ => return None,
    })
}

/// What a signer produced: the headers to add and the strings it signed.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Signature {
    /// The headers the signer adds to the request (lowercase names), `Authorization` last.
    pub headers: Vec<(&'static str, String)>,
    /// The canonical request (empty for schemes that have none).
    pub canonical_request: String,
    /// The string to sign (empty for schemes that have none).
    pub string_to_sign: String,
    /// Where the signature starts in the last header's value, for schemes that sign.
    signature_start: Option<usize>,
}

impl Signature {
    /// A signature of `headers` and the strings signed; the signature itself is the end of
    /// the last header's value from `signature_start` on.
    pub(crate) fn new(
        headers: Vec<(&'static str, String)>,
        canonical_request: String,
        string_to_sign: String,
        signature_start: Option<usize>,
    ) -> Self {
        Signature {
            headers,
            canonical_request,
            string_to_sign,
            signature_start,
        }
    }

    /// Headers only, for schemes that compute no signature (a token, HTTP Basic).
    pub(crate) fn headers_only(headers: Vec<(&'static str, String)>) -> Self {
        Signature::new(headers, String::new(), String::new(), None)
    }

    /// The signature itself (hex or base64, as the scheme writes it); empty for schemes that
    /// compute none.
    pub fn signature(&self) -> &str {
        match (self.signature_start, self.headers.last()) {
            (Some(start), Some((_, value))) => value.get(start..).unwrap_or(""),
            _ => "",
        }
    }

    /// Sets every header of the signature on `request`, replacing earlier values.
    pub fn apply(self, request: &mut Request) {
        for (n, v) in self.headers {
            request.headers.set_lowercase(n, v);
        }
    }

    /// The `Authorization` header value, when the scheme sets one.
    pub fn authorization(&self) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| *n == "authorization")
            .map(|(_, v)| v.as_str())
    }
}

impl std::fmt::Debug for Signature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The canonical request and string to sign are the debugging aid. The authorization
        // header and token headers are redacted: a signature can be replayed while it is fresh.
        let headers: Vec<_> = self
            .headers
            .iter()
            .map(|(n, v)| {
                if !crate::request::is_sensitive_header(n) {
                    (*n, v.as_str())
                } else {
                    (*n, "***")
                }
            })
            .collect();
        f.debug_struct("Signature")
            .field("headers", &headers)
            .field("canonical_request", &redact_lines(&self.canonical_request))
            .field("string_to_sign", &self.string_to_sign)
            .finish()
    }
}

/// The canonical request with the values of secret headers (a signed `X-Security-Token`)
/// replaced by `***`, safe to show in a log or an error.
pub fn redact_lines(canonical: &str) -> String {
    canonical
        .split('\n')
        .map(|line| match line.split_once(':') {
            Some((name, _)) if crate::request::is_sensitive_header(name) => format!("{name}:***"),
            _ => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Appends the lowercase hex SHA-256 of `data` to `out`.
#[cfg(any(feature = "tc3", feature = "huawei"))]
pub(crate) fn push_sha256_hex(out: &mut String, data: &[u8]) {
    crate::encoding::push_hex_lower(out, &Sha256::digest(data));
}

#[cfg(any(feature = "tc3", feature = "huawei", feature = "ocp"))]
fn mac<M: Mac + KeyInit>(key: &[u8], data: &[u8]) -> M {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = match <M as KeyInit>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    };
    mac.update(data);
    mac
}

#[cfg(any(feature = "tc3", feature = "huawei"))]
pub(crate) fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    mac::<hmac::Hmac<Sha256>>(key, data)
        .finalize()
        .into_bytes()
        .into()
}

#[cfg(feature = "ocp")]
pub(crate) fn hmac_sha1(key: &[u8], data: &[u8]) -> [u8; 20] {
    mac::<hmac::Hmac<sha1::Sha1>>(key, data)
        .finalize()
        .into_bytes()
        .into()
}

/// A header name and its trimmed value, the name lowercased (borrowed when it already is), as
/// the signatures that cover headers read them.
#[cfg(any(feature = "huawei", feature = "ocp"))]
pub(crate) fn lowercase_trimmed<'a>(
    (name, value): &(&'a str, &'a str),
) -> (std::borrow::Cow<'a, str>, &'a str) {
    let name = if name.bytes().any(|b| b.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(name.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(*name)
    };
    (name, value.trim())
}

/// The headers a signature starts with: `Host`, the endpoint's, when the request carries none
/// (a request from the pipeline carries its own), else nothing yet. `capacity` is room for the
/// headers the signer adds after it.
#[cfg(any(feature = "tc3", feature = "huawei", feature = "ocp"))]
pub(crate) fn added_host(request: &Request, capacity: usize) -> Vec<(&'static str, String)> {
    let mut headers = Vec::with_capacity(capacity);
    if request.headers.get_lowercase("host").is_none() {
        headers.push(("host", request.endpoint.host_header().to_string()));
    }
    headers
}

/// Puts `header` among a signature's headers right after the `Host` it adds, or first when it
/// adds none: the order every signer lists its headers in.
#[cfg(any(feature = "huawei", feature = "ocp"))]
pub(crate) fn insert_after_host(
    headers: &mut Vec<(&'static str, String)>,
    header: (&'static str, String),
) {
    let at = usize::from(headers.first().is_some_and(|(n, _)| *n == "host"));
    headers.insert(at, header);
}

/// The host header a request is sent with: its own `host` header when set, else the
/// endpoint's.
#[cfg(any(feature = "tc3", feature = "huawei", feature = "ocp"))]
pub(crate) fn host_of(request: &Request) -> &str {
    request
        .headers
        .get_lowercase("host")
        .unwrap_or_else(|| request.endpoint.host_header())
}
