//! The plain HTTP request and response the signers, transports and retry loop share.

use std::borrow::Cow;
use std::fmt;

use crate::encoding::{encode_query, percent_decode};
use crate::error::Error;

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `DELETE`
    Delete,
    /// `PATCH`
    Patch,
    /// `HEAD`
    Head,
}

impl Method {
    /// The method's name as sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Patch => "PATCH",
            Method::Head => "HEAD",
        }
    }

    /// Parses an upper-case method name.
    pub fn parse(s: &str) -> Option<Method> {
        Some(match s {
            "GET" => Method::Get,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "DELETE" => Method::Delete,
            "PATCH" => Method::Patch,
            "HEAD" => Method::Head,
            _ => return None,
        })
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where requests go: scheme, host, optional port and an optional base path.
///
/// ```
/// let e = cloudops_core::Endpoint::parse("http://127.0.0.1:8080/api").unwrap();
/// assert_eq!(e.host_header(), "127.0.0.1:8080");
/// assert_eq!(e.base_path(), "/api");
/// ```
///
/// Cloning is cheap: the parts are shared, so every request of a client carries its endpoint
/// without copying it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint(std::sync::Arc<EndpointParts>);

#[derive(Debug, PartialEq, Eq)]
struct EndpointParts {
    scheme: String,
    host: String,
    port: Option<u16>,
    base_path: String,
    /// `host` or `host:port`, computed once.
    host_header: String,
    /// The endpoint as the transport's URL parser read it, so no request parses it again.
    url: reqwest::Url,
    /// `host_header` as the transport sends it, shared by every request.
    host_value: reqwest::header::HeaderValue,
    /// Whether the host is `localhost` or a loopback address, decided once.
    loopback: bool,
}

/// Whether `host` (as an endpoint keeps it, an IPv6 address in brackets) is `localhost` or a
/// loopback address.
fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost"
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl Endpoint {
    /// Parses `http(s)://host[:port][/base]`. A bare host name is taken as `https://host`.
    /// Anything else (user info, a query, a fragment, another scheme, an empty host) is an
    /// invalid-input error on the field `endpoint`.
    pub fn parse(input: &str) -> Result<Endpoint, Error> {
        let bad = |rule: &str| Error::invalid_input("endpoint", format!("{rule} (got {input:?})"));
        let input_trim = input.trim();
        let (scheme, rest) = match input_trim.split_once("://") {
            Some((s, r)) => (s.to_ascii_lowercase(), r),
            None => ("https".to_string(), input_trim),
        };
        if scheme != "http" && scheme != "https" {
            return Err(bad("must use http or https"));
        }
        if rest.contains(['?', '#', '@'])
            || rest.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(bad(
                "must be scheme://host[:port][/path] without user info, query or fragment",
            ));
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], rest[i..].trim_end_matches('/')),
            None => (rest, ""),
        };
        let (host, port) = if let Some(stripped) = authority.strip_prefix('[') {
            // An IPv6 literal.
            let Some(end) = stripped.find(']') else {
                return Err(bad("has an unterminated IPv6 address"));
            };
            let host = &authority[..end + 2];
            let after = &authority[end + 2..];
            let port = match after.strip_prefix(':') {
                Some(p) => Some(p),
                None if after.is_empty() => None,
                None => return Err(bad("has garbage after the IPv6 address")),
            };
            (host, port)
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            }
        };
        if !valid_host(host) {
            return Err(bad(
                "must have a host name of letters, digits, '-' and '.', an IPv4 address or a \
                 bracketed IPv6 address",
            ));
        }
        let port = match port {
            Some(p) => Some(
                p.bytes()
                    .all(|b| b.is_ascii_digit())
                    .then(|| p.parse::<u16>().ok())
                    .flatten()
                    .filter(|p| *p != 0)
                    .ok_or_else(|| bad("has an invalid port"))?,
            ),
            None => None,
        };
        if !path.is_empty() {
            crate::validate::request_path("endpoint", path).map_err(|e| match e {
                Error::InvalidInput { rule, .. } => bad(&format!("base path {rule}")),
                other => other,
            })?;
        }
        let default_port = if scheme == "https" { 443 } else { 80 };
        // An IPv6 address is kept in the form the URL parser writes it, so the `Host` header
        // signed is the one sent.
        let host = match host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .and_then(|h| h.parse::<std::net::Ipv6Addr>().ok())
        {
            Some(ip) => format!("[{}]", ipv6_text(ip)),
            None => host.to_ascii_lowercase(),
        };
        let port = port.filter(|p| *p != default_port);
        let host_header = match port {
            Some(p) => format!("{host}:{p}"),
            None => host.clone(),
        };
        let origin = format!("{scheme}://{host_header}{path}");
        // The transport's URL parser must read the endpoint as it is signed: the same host
        // (an invalid punycode label, for one, is refused there), port and path.
        let url = reqwest::Url::parse(&origin)
            .map_err(|e| bad(&format!("is not a URL the transport can send to ({e})")))?;
        let path_sent = if path.is_empty() { "/" } else { path };
        if url.host_str() != Some(host.as_str()) || url.port() != port || url.path() != path_sent {
            return Err(bad(
                "is read differently by the URL parser than it is written",
            ));
        }
        let host_value = reqwest::header::HeaderValue::from_str(&host_header)
            .map_err(|_| bad("has a host that cannot be sent in a Host header"))?;
        let loopback = is_loopback(&host);
        Ok(Endpoint(std::sync::Arc::new(EndpointParts {
            scheme,
            loopback,
            host,
            port,
            base_path: path.to_string(),
            host_header,
            url,
            host_value,
        })))
    }

    /// `http` or `https`.
    pub fn scheme(&self) -> &str {
        &self.0.scheme
    }

    /// Whether the host is `localhost` or a loopback address (`127.0.0.0/8`, `::1`).
    pub fn is_loopback(&self) -> bool {
        self.0.loopback
    }

    /// The host name or address, without the port.
    pub fn host(&self) -> &str {
        &self.0.host
    }

    /// The port when it is not the scheme's default.
    pub fn port(&self) -> Option<u16> {
        self.0.port
    }

    /// The base path every request path is appended to (empty or starting with `/`).
    pub fn base_path(&self) -> &str {
        &self.0.base_path
    }

    /// The `Host` header value: `host`, or `host:port` for a non-default port.
    pub fn host_header(&self) -> &str {
        &self.0.host_header
    }

    /// The `Host` header value as the transport sends it.
    pub(crate) fn host_value(&self) -> &reqwest::header::HeaderValue {
        &self.0.host_value
    }
}

/// Whether `host` is one the signers and the transport read the same way: a bracketed IPv6
/// address, a dotted-quad IPv4 address, or a DNS name of letters, digits, `-` and `_` labels
/// whose last label is not a number (a URL parser would read `2130706433` or `0x7f.1` as an
/// IPv4 address while the `Host` header and the signature say otherwise).
fn valid_host(host: &str) -> bool {
    if let Some(inner) = host.strip_prefix('[') {
        return inner
            .strip_suffix(']')
            .is_some_and(|a| a.parse::<std::net::Ipv6Addr>().is_ok());
    }
    if host.is_empty() || host.len() > 253 {
        return false;
    }
    let labels_ok = host.split('.').all(|l| {
        !l.is_empty()
            && l.len() <= 63
            && l.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    });
    if !labels_ok {
        return false;
    }
    let last = host.rsplit('.').next().unwrap_or(host);
    let numeric = last.bytes().all(|b| b.is_ascii_digit())
        || (last.len() > 1 && last[..2].eq_ignore_ascii_case("0x"));
    !numeric || host.parse::<std::net::Ipv4Addr>().is_ok()
}

/// An IPv6 address as URL parsers serialize it: eight lowercase hex pieces without leading
/// zeros, the first longest run of two or more zero pieces written `::` (IPv4-mapped addresses
/// too, unlike `Ipv6Addr`'s `Display`).
fn ipv6_text(ip: std::net::Ipv6Addr) -> String {
    let pieces = ip.segments();
    let (mut best, mut best_len, mut i) = (None, 1, 0);
    while i < 8 {
        let run = pieces[i..].iter().take_while(|p| **p == 0).count();
        if run > best_len {
            (best, best_len) = (Some(i), run);
        }
        i += run.max(1);
    }
    let mut out = String::new();
    let mut i = 0;
    while i < 8 {
        if Some(i) == best {
            out.push_str(if i == 0 { "::" } else { ":" });
            i += best_len;
            continue;
        }
        out.push_str(&format!("{:x}", pieces[i]));
        if i < 7 {
            out.push(':');
        }
        i += 1;
    }
    out
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}://{}{}",
            self.scheme(),
            self.host_header(),
            self.base_path()
        )
    }
}

/// A lowercase header name as a list keeps it: one of the names the crates send or read
/// borrowed from a table, any other copied.
pub(crate) fn header_name_text(lower: &str) -> Cow<'static, str> {
    match known_header_name(lower) {
        Some(k) => Cow::Borrowed(k),
        None => Cow::Owned(lower.to_string()),
    }
}

/// `name` lowercased: one of the names the crates send or read borrowed from a table, any
/// other copied.
fn lowercase_name(name: &str) -> Cow<'static, str> {
    let lower = if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    };
    match known_header_name(&lower) {
        Some(k) => Cow::Borrowed(k),
        None => Cow::Owned(lower.into_owned()),
    }
}

/// The header names every call sends or reads, kept without a copy.
fn known_header_name(lower: &str) -> Option<&'static str> {
    Some(match lower {
        "content-type" => "content-type",
        "content-length" => "content-length",
        "date" => "date",
        "host" => "host",
        "authorization" => "authorization",
        "x-request-id" => "x-request-id",
        "retry-after" => "retry-after",
        "x-language" => "x-language",
        "accept-language" => "accept-language",
        "connection" => "connection",
        "server" => "server",
        other => return crate::sign::scheme_header_name(other),
    })
}

/// A header value as a list keeps it: a constant, text of its own, or a value as the HTTP
/// stack holds it (shared with it, never copied: an answer's headers, a value a client sends
/// with every request).
#[derive(Clone)]
pub(crate) enum Value {
    /// A constant.
    Static(&'static str),
    /// Text of its own.
    Owned(String),
    /// The HTTP stack's value: visible ASCII, checked when it was kept.
    Wire(reqwest::header::HeaderValue),
}

impl Value {
    /// The value's text.
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Value::Static(s) => s,
            Value::Owned(s) => s,
            // Only values that are text are kept as they are.
            Value::Wire(v) => v.to_str().unwrap_or_default(),
        }
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Value {}

/// An ordered list of HTTP headers with lowercase names.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Headers(Vec<(Cow<'static, str>, Value)>);

impl Headers {
    /// An empty list.
    pub fn new() -> Self {
        Headers(Vec::new())
    }

    /// An empty list with room for `n` headers.
    pub fn with_capacity(n: usize) -> Self {
        Headers(Vec::with_capacity(n))
    }

    /// The first value of `name`, given in lowercase, as every kept name is: a byte
    /// comparison rather than a case-insensitive one.
    pub(crate) fn get_lowercase(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of `name` (any case).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Sets `name` to `value`, replacing every earlier value.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.replace(lowercase_name(name), Value::Owned(value.into()));
    }

    /// Sets a name that is already lowercase, without copying it.
    pub(crate) fn set_lowercase(&mut self, name: &'static str, value: String) {
        debug_assert!(!name.bytes().any(|b| b.is_ascii_uppercase()), "{name}");
        self.replace(Cow::Borrowed(name), Value::Owned(value));
    }

    /// Puts `name: value` last, in place of every earlier value of `name` (lowercase).
    fn replace(&mut self, name: Cow<'static, str>, value: Value) {
        self.0.retain(|(n, _)| *n != name);
        self.0.push((name, value));
    }

    /// Appends a value without removing earlier ones.
    pub fn append(&mut self, name: &str, value: impl Into<String>) {
        self.0
            .push((lowercase_name(name), Value::Owned(value.into())));
    }

    /// Appends a value the HTTP stack holds, shared rather than copied; a value that is not
    /// visible ASCII is kept as text, lossily.
    pub(crate) fn append_wire(
        &mut self,
        name: Cow<'static, str>,
        value: reqwest::header::HeaderValue,
    ) {
        let value = match value.to_str() {
            Ok(_) => Value::Wire(value),
            Err(_) => Value::Owned(String::from_utf8_lossy(value.as_bytes()).into_owned()),
        };
        self.0.push((name, value));
    }

    /// Sets a header to a value kept for many requests ([`SharedValue`]), without a copy.
    pub fn set_shared(&mut self, name: &str, value: &SharedValue) {
        self.replace(lowercase_name(name), value.0.clone());
    }

    /// Sets a header whose value is a constant (an API version, a client name), without
    /// copying the value.
    pub fn set_static(&mut self, name: &str, value: &'static str) {
        self.replace(lowercase_name(name), Value::Static(value));
    }

    /// Removes every value of `name`.
    pub fn remove(&mut self, name: &str) {
        self.0.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }

    /// Whether `name` is present.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Iterates `(name, value)` in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_ref(), v.as_str()))
    }

    /// The entries as kept: constants borrowed, the rest owned.
    pub(crate) fn entries(&self) -> &[(Cow<'static, str>, Value)] {
        &self.0
    }

    /// The headers sorted by name (then value), for stable output.
    pub fn sorted(&self) -> Vec<(&str, &str)> {
        let mut v: Vec<_> = self.iter().collect();
        v.sort_unstable();
        v
    }

    /// Keeps the first `n` header lines, dropping the rest.
    pub(crate) fn truncate(&mut self, n: usize) {
        self.0.truncate(n);
    }

    /// Number of header lines.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A header value made once and sent with many requests (a client's region, say): each
/// request shares it rather than copying it.
#[derive(Clone)]
pub struct SharedValue(Value);

impl SharedValue {
    /// `text` as a shared header value; text that HTTP cannot carry is an invalid-input error
    /// on `field`.
    pub fn new(field: &str, text: &str) -> Result<SharedValue, crate::Error> {
        crate::validate::header_value(field, text)?;
        match reqwest::header::HeaderValue::from_str(text) {
            Ok(v) if v.to_str().is_ok() => Ok(SharedValue(Value::Wire(v))),
            _ => Ok(SharedValue(Value::Owned(text.to_string()))),
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Debug for SharedValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// Names of the HTTP headers whose values are secrets whatever the vendor; with the signing
/// schemes' own ([`sign::SECRET_HEADERS`](crate::sign::SECRET_HEADERS)), their values never
/// appear in `Debug` output ([`is_sensitive_header`]).
pub const SENSITIVE_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// Whether the header `name` carries a secret: one of [`SENSITIVE_HEADERS`] or of the signing
/// schemes' [`sign::SECRET_HEADERS`](crate::sign::SECRET_HEADERS).
pub fn is_sensitive_header(name: &str) -> bool {
    SENSITIVE_HEADERS
        .iter()
        .chain(crate::sign::SECRET_HEADERS)
        .any(|s| s.eq_ignore_ascii_case(name))
}

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for (n, v) in self.iter() {
            if is_sensitive_header(n) {
                m.entry(&n, &"***");
            } else {
                m.entry(&n, &v);
            }
        }
        m.finish()
    }
}

impl<'a> FromIterator<(&'a str, &'a str)> for Headers {
    fn from_iter<T: IntoIterator<Item = (&'a str, &'a str)>>(iter: T) -> Self {
        let mut h = Headers::new();
        for (n, v) in iter {
            h.append(n, v);
        }
        h
    }
}

/// An HTTP request before or after signing.
///
/// The `path` is kept as it goes on the wire: percent-encoded, starting with `/`, without the
/// endpoint's base path. Query pairs are kept decoded and encoded when the URL is built.
#[derive(Clone)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// Where it goes.
    pub endpoint: Endpoint,
    /// The encoded path after the endpoint's base path, starting with `/`.
    pub path: String,
    /// Decoded query pairs, in order; keys may repeat.
    pub query: Vec<(String, String)>,
    /// Headers, lowercase names.
    pub headers: Headers,
    /// The body bytes (empty for none).
    pub body: Vec<u8>,
}

impl Request {
    /// A request with no query, headers or body.
    pub fn new(method: Method, endpoint: Endpoint, path: impl Into<String>) -> Self {
        let mut path = path.into();
        if !path.starts_with('/') {
            path.insert(0, '/');
        }
        Request {
            method,
            endpoint,
            path,
            query: Vec::new(),
            // Room for the usual headers and a signature's, so signing does not grow it.
            headers: Headers::with_capacity(12),
            body: Vec::new(),
        }
    }

    /// Adds a query pair.
    pub fn with_query(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((key.into(), value.into()));
        self
    }

    /// Sets a header.
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.set(name, value);
        self
    }

    /// Sets a header whose value is a constant, without copying it.
    pub fn with_static_header(mut self, name: &str, value: &'static str) -> Self {
        self.headers.set_static(name, value);
        self
    }

    /// Sets the body and its content type.
    pub fn with_body(mut self, content_type: &str, body: Vec<u8>) -> Self {
        // The content types the vendors take are kept without a copy.
        match content_type {
            "application/json" => self.headers.set_static("content-type", "application/json"),
            "application/json;charset=utf8" => self
                .headers
                .set_static("content-type", "application/json;charset=utf8"),
            other => self.headers.set("content-type", other),
        }
        self.body = body;
        self
    }

    /// The full path sent: the endpoint's base path followed by `path`.
    pub fn full_path(&self) -> String {
        format!("{}{}", self.endpoint.base_path(), self.path)
    }

    /// The full path, borrowed when the endpoint has no base path.
    pub fn full_path_cow(&self) -> std::borrow::Cow<'_, str> {
        if self.endpoint.base_path().is_empty() {
            std::borrow::Cow::Borrowed(&self.path)
        } else {
            std::borrow::Cow::Owned(self.full_path())
        }
    }

    /// The encoded query string without `?` (empty when there is none).
    pub fn query_string(&self) -> String {
        encode_query(&self.query)
    }

    /// The full URL as the transport sends it: the endpoint's parsed URL with the full path
    /// and the query set, so the host is never parsed again.
    pub(crate) fn transport_url(&self) -> reqwest::Url {
        let mut url = self.endpoint.0.url.clone();
        url.set_path(&self.full_path_cow());
        if !self.query.is_empty() {
            url.set_query(Some(&self.query_string()));
        }
        url
    }

    /// Sets `Host` to the endpoint's, the one value every request to the endpoint shares.
    pub(crate) fn set_endpoint_host(&mut self) {
        let host = Value::Wire(self.endpoint.host_value().clone());
        self.headers.replace(Cow::Borrowed("host"), host);
    }

    /// The full URL.
    pub fn url(&self) -> String {
        let q = self.query_string();
        let mut url = format!(
            "{}://{}{}",
            self.endpoint.scheme(),
            self.endpoint.host_header(),
            self.full_path()
        );
        if !q.is_empty() {
            url.push('?');
            url.push_str(&q);
        }
        url
    }

    /// The path segments of the full path, decoded.
    pub fn decoded_segments(&self) -> Vec<String> {
        self.full_path().split('/').map(percent_decode).collect()
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &self.url())
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// An HTTP response with its whole body read.
#[derive(Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The headers, lowercase names.
    pub headers: Headers,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Response {
    /// A response with the given status and body and no headers.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Response {
            status,
            headers: Headers::new(),
            body: body.into(),
        }
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as text, lossily decoded.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_parsing() {
        let e = Endpoint::parse("https://service.example.com").unwrap();
        assert_eq!(e.host_header(), "service.example.com");
        assert_eq!(e.port(), None);
        let e = Endpoint::parse("https://Host.Example:443/").unwrap();
        assert_eq!(e.host_header(), "host.example");
        assert_eq!(e.base_path(), "");
        let e = Endpoint::parse("service.region-1.example.com").unwrap();
        assert_eq!(e.scheme(), "https");
        for ok in [
            "http://127.0.0.1:8080",
            "http://my_host.internal",
            "https://a-b.c9.example",
            "http://v1.2a",
        ] {
            assert!(Endpoint::parse(ok).is_ok(), "{ok}");
        }
        for (given, kept) in [
            ("http://[::0]:1", "[::]:1"),
            ("http://[0:0:0:0:0:0:0:1]:1", "[::1]:1"),
            ("http://[::ffff:1.2.3.4]:1", "[::ffff:102:304]:1"),
            ("http://[2001:DB8:0:0:1:0:0:1]:1", "[2001:db8::1:0:0:1]:1"),
            ("http://[1:0:0:2:0:0:0:3]:1", "[1:0:0:2::3]:1"),
            ("http://[1:2:3:4:5:6:7:0]:1", "[1:2:3:4:5:6:7:0]:1"),
            ("http://[1:2:3:4:5:6:0:0]:1", "[1:2:3:4:5:6::]:1"),
        ] {
            assert_eq!(
                Endpoint::parse(given).unwrap().host_header(),
                kept,
                "{given}"
            );
        }
        let e = Endpoint::parse("http://[::1]:8080/base/").unwrap();
        assert_eq!(e.host_header(), "[::1]:8080");
        assert_eq!(e.base_path(), "/base");
        for bad in [
            "",
            "ftp://x",
            "http://",
            "http://a:b",
            "http://a:0",
            "http://u@h",
            "http://h?x",
            "http://h h",
            "http://[::1",
            "http://_:443:443",
            "http://2130706433[",
            "http://2130706433",
            "http://0x7f.1",
            "http://127.1",
            "http://127.000.000.001",
            "http://[::g]",
            "http://a..b",
            "http://h:+80",
            "http://h/..",
            "http://h/a/%2e%2e",
            "http://h/a/./b",
            "http://h/a\\b",
            "https://xn--",
            "https://xn--a.example",
        ] {
            let err = Endpoint::parse(bad).unwrap_err();
            assert_eq!(err.invalid_field(), Some("endpoint"), "{bad}");
        }
    }

    #[test]
    fn url_building() {
        let e = Endpoint::parse("http://127.0.0.1:9000/api").unwrap();
        let r = Request::new(Method::Get, e, "/v1/a%20b")
            .with_query("k", "x y")
            .with_query("k", "/");
        assert_eq!(r.url(), "http://127.0.0.1:9000/api/v1/a%20b?k=x%20y&k=%2F");
        assert_eq!(r.decoded_segments(), vec!["", "api", "v1", "a b"]);
    }

    #[test]
    fn headers_debug_hides_secrets() {
        let mut h = Headers::new();
        h.set("Authorization", "secret-value");
        h.set(crate::sign::SECRET_HEADERS[0], "tok");
        h.set("Content-Type", "application/json");
        let s = format!("{h:?}");
        assert!(!s.contains("secret-value") && !s.contains("tok\""), "{s}");
        assert!(s.contains("application/json"));
        assert_eq!(h.get("content-type"), Some("application/json"));
    }
}
