//! Server-side signature checks, built on the core's signers: what an emulator runs on every
//! request before it answers.

use std::time::SystemTime;

use cloudops_core::sign::{basic, huawei, ocp, redact_lines, tc3};
use cloudops_core::time::{UtcDateTime, unix_seconds};

use crate::server::RecordedRequest;

/// Why a request's authentication was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// No or malformed authentication.
    Missing(String),
    /// The key id, user or token is not known.
    UnknownKey(String),
    /// The date or timestamp is outside the accepted window.
    Expired(String),
    /// The signature does not match; the message carries the server's canonical request.
    Mismatch(String),
}

impl Rejection {
    /// The human-readable reason.
    pub fn message(&self) -> &str {
        match self {
            Rejection::Missing(m)
            | Rejection::UnknownKey(m)
            | Rejection::Expired(m)
            | Rejection::Mismatch(m) => m,
        }
    }
}

fn method(req: &RecordedRequest) -> Result<cloudops_core::Method, Rejection> {
    cloudops_core::Method::parse(&req.method)
        .ok_or_else(|| Rejection::Missing(format!("unsupported method {}", req.method)))
}

fn within(ts: i64, now: SystemTime, window_secs: i64) -> bool {
    (unix_seconds(now) - ts).abs() <= window_secs
}

/// Checks a `TC3-HMAC-SHA256` request: the credential scope, the `X-TC-Timestamp` window and
/// the signature (either signed-header variant). `secret_for` maps a SecretId to its key.
/// Returns the SecretId.
pub fn tc3(
    req: &RecordedRequest,
    service: &str,
    secret_for: impl Fn(&str) -> Option<String>,
    now: SystemTime,
    window_secs: i64,
) -> Result<String, Rejection> {
    let auth = req
        .headers
        .get("authorization")
        .ok_or_else(|| Rejection::Missing("the Authorization header is missing".into()))?;
    let rest = auth.strip_prefix("TC3-HMAC-SHA256 ").ok_or_else(|| {
        Rejection::Missing("the authorization scheme is not TC3-HMAC-SHA256".into())
    })?;
    let mut credential = None;
    let mut signed = None;
    let mut signature = None;
    for part in rest.split(", ") {
        match part.split_once('=') {
            Some(("Credential", v)) => credential = Some(v),
            Some(("SignedHeaders", v)) => signed = Some(v),
            Some(("Signature", v)) => signature = Some(v),
            _ => {
                return Err(Rejection::Missing(format!(
                    "malformed authorization part {part:?}"
                )));
            }
        }
    }
    let (Some(credential), Some(signed), Some(signature)) = (credential, signed, signature) else {
        return Err(Rejection::Missing(
            "the authorization header is incomplete".into(),
        ));
    };
    let mut scope = credential.splitn(2, '/');
    let id = scope.next().unwrap_or_default();
    let scope_rest = scope.next().unwrap_or_default();
    let key = secret_for(id)
        .ok_or_else(|| Rejection::UnknownKey(format!("SecretId {id} is not known")))?;
    let ts: i64 = req
        .headers
        .get("x-tc-timestamp")
        .and_then(|t| t.parse().ok())
        .ok_or_else(|| Rejection::Missing("X-TC-Timestamp is missing or not a number".into()))?;
    if !within(ts, now, window_secs) {
        return Err(Rejection::Expired(format!(
            "the timestamp {ts} is more than {window_secs} seconds from the server time {}",
            unix_seconds(now)
        )));
    }
    let expected_scope = format!(
        "{}/{service}/tc3_request",
        UtcDateTime::from_unix(ts).date_dashed()
    );
    if scope_rest != expected_scope {
        return Err(Rejection::Mismatch(format!(
            "credential scope {scope_rest} does not match {expected_scope}"
        )));
    }
    let signed_headers = match signed {
        "content-type;host" => tc3::SignedHeaders::ContentTypeHost,
        "content-type;host;x-tc-action" => tc3::SignedHeaders::WithAction,
        other => {
            return Err(Rejection::Mismatch(format!(
                "unsupported SignedHeaders {other}"
            )));
        }
    };
    let method = method(req)?;
    let input = tc3::Tc3Input {
        method,
        query: if method == cloudops_core::Method::Post {
            ""
        } else {
            &req.query
        },
        content_type: req.headers.get("content-type").unwrap_or(""),
        host: req.headers.get("host").unwrap_or(""),
        action: req.headers.get("x-tc-action").unwrap_or(""),
        body: &req.body,
        service,
        timestamp: ts,
        signed_headers,
    };
    let expected = tc3::sign_parts(&input, id, &key);
    if expected.signature() != signature {
        return Err(Rejection::Mismatch(format!(
            "the signature does not match; the server's canonical request is {:?}",
            expected.canonical_request
        )));
    }
    Ok(id.to_string())
}

/// Checks an `SDK-HMAC-SHA256` request: the `X-Sdk-Date` window and the signature over the
/// headers it names. `secret_for` maps an AK to its SK. Returns the AK. A mismatch carries
/// the server's canonical request with `|` for newlines, as Huawei's gateway reports it.
pub fn huawei(
    req: &RecordedRequest,
    secret_for: impl Fn(&str) -> Option<String>,
    now: SystemTime,
    window_secs: i64,
) -> Result<String, Rejection> {
    let auth = req
        .headers
        .get("authorization")
        .ok_or_else(|| Rejection::Missing("the Authorization header is missing".into()))?;
    let (ak, names, signature) = huawei::parse_authorization(auth).ok_or_else(|| {
        Rejection::Missing("the authorization header is not SDK-HMAC-SHA256".into())
    })?;
    let sk = secret_for(&ak)
        .ok_or_else(|| Rejection::UnknownKey(format!("access key {ak} is not known")))?;
    let date = req
        .headers
        .get("x-sdk-date")
        .ok_or_else(|| Rejection::Missing("X-Sdk-Date is missing".into()))?;
    let ts = UtcDateTime::parse_compact_iso8601(date)
        .ok_or_else(|| Rejection::Missing(format!("X-Sdk-Date {date:?} is malformed")))?
        .to_unix();
    if !within(ts, now, window_secs) {
        return Err(Rejection::Expired("signature expired".into()));
    }
    let mut headers: Vec<(&str, &str)> = Vec::with_capacity(names.len());
    for n in &names {
        let v = req.headers.get(n).ok_or_else(|| {
            Rejection::Mismatch(format!("signed header {n} is not in the request"))
        })?;
        headers.push((n.as_str(), v));
    }
    let method = method(req)?;
    let query = req.query_pairs();
    let input = huawei::HuaweiInput {
        method,
        path: &req.path,
        query: &query,
        headers: &headers,
        body: &req.body,
        sdk_date: date,
    };
    let expected = huawei::sign_parts(&input, &ak, &sk);
    if expected.signature() != signature {
        return Err(Rejection::Mismatch(format!(
            "Incorrect IAM authentication information: verify aksk signature fail, canonicalRequest: {}",
            redact_lines(&expected.canonical_request).replace('\n', "|")
        )));
    }
    Ok(ak)
}

/// Checks an `OCP-ACCESS-KEY-HMACSHA1` request: the `Date` window and the signature.
/// Returns the AK.
pub fn ocp(
    req: &RecordedRequest,
    secret_for: impl Fn(&str) -> Option<String>,
    now: SystemTime,
    window_secs: i64,
) -> Result<String, Rejection> {
    let auth = req
        .headers
        .get("authorization")
        .ok_or_else(|| Rejection::Missing("the Authorization header is missing".into()))?;
    let rest = auth
        .strip_prefix("OCP-ACCESS-KEY-HMACSHA1 ")
        .ok_or_else(|| {
            Rejection::Missing("the authorization scheme is not OCP-ACCESS-KEY-HMACSHA1".into())
        })?;
    let (ak, signature) = rest
        .split_once(':')
        .ok_or_else(|| Rejection::Missing("the authorization value is not AK:signature".into()))?;
    let sk = secret_for(ak)
        .ok_or_else(|| Rejection::UnknownKey(format!("access key {ak} is not known")))?;
    let date = req
        .headers
        .get("date")
        .ok_or_else(|| Rejection::Missing("the Date header is missing".into()))?;
    let ts = UtcDateTime::parse_rfc1123(date)
        .ok_or_else(|| Rejection::Missing(format!("Date {date:?} is not an RFC 1123 date")))?
        .to_unix();
    if !within(ts, now, window_secs) {
        return Err(Rejection::Expired(format!(
            "Date {date} is outside the accepted window"
        )));
    }
    let ocp_headers: Vec<(&str, &str)> = req
        .headers
        .iter()
        .filter(|(n, _)| n.starts_with("x-ocp-"))
        .collect();
    let method = method(req)?;
    let query = req.query_pairs();
    let input = ocp::OcpInput {
        method,
        body: &req.body,
        content_type: req.headers.get("content-type").unwrap_or(""),
        date,
        host: req.headers.get("host").unwrap_or(""),
        ocp_headers: &ocp_headers,
        path: &req.path,
        query: &query,
    };
    let expected = ocp::sign_parts(&input, ak, &sk);
    if expected.signature() != signature {
        return Err(Rejection::Mismatch(format!(
            "the signature does not match; the server's string to sign is {:?}",
            expected.string_to_sign
        )));
    }
    Ok(ak.to_string())
}

/// Checks HTTP Basic credentials. `password_for` maps a user to its password. Returns the
/// user name.
pub fn basic(
    req: &RecordedRequest,
    password_for: impl Fn(&str) -> Option<String>,
) -> Result<String, Rejection> {
    let auth = req
        .headers
        .get("authorization")
        .ok_or_else(|| Rejection::Missing("the Authorization header is missing".into()))?;
    let (user, password) = basic::parse_authorization(auth)
        .ok_or_else(|| Rejection::Missing("malformed Basic credentials".into()))?;
    match password_for(&user) {
        Some(p) if p == password => Ok(user),
        _ => Err(Rejection::UnknownKey("bad user name or password".into())),
    }
}
