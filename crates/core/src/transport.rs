//! Sending a signed request: the [`Transport`] trait and its reqwest implementation.
//!
//! Nothing outside this module names reqwest. A transport sends one request and reads the
//! whole response body, refusing bodies over its cap; time limits per attempt and per
//! operation are the [`Pipeline`](crate::Pipeline)'s.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use async_trait::async_trait;

use crate::error::{Error, TimeoutPhase};
use crate::request::{Headers, Request, Response};

/// The default cap on a response body: 10 MiB.
pub const DEFAULT_MAX_BODY: usize = 10 * 1024 * 1024;

/// Sends one request and reads its response.
///
/// Errors are [`Error::Transport`] (with `may_have_been_sent` false only when the request
/// certainly did not leave this machine), [`Error::Timeout`] with
/// [`TimeoutPhase::Connect`], or [`Error::ResponseTooLarge`].
#[async_trait]
pub trait Transport: Send + Sync + fmt::Debug {
    /// Sends `request` as it is (already signed) and reads the whole response.
    async fn send(&self, request: &Request) -> Result<Response, Error>;
}

/// A [`Transport`] over HTTP/1.1 with reqwest: connection reuse, a connect timeout and a cap
/// on response bodies. HTTPS goes through rustls with the ring crypto provider and the
/// platform's certificate verifier (feature `rustls`, the default) or the platform's native
/// TLS (feature `native-tls`).
#[derive(Clone)]
pub struct HttpTransport {
    client: reqwest::Client,
    max_body: usize,
    connect_timeout: Duration,
}

impl fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpTransport")
            .field("max_body", &self.max_body)
            .field("connect_timeout", &self.connect_timeout)
            .finish_non_exhaustive()
    }
}

/// A proxy every request goes through: `CONNECT` tunnels for `https://` endpoints, forwarding
/// for `http://` ones. Its credentials are secrets: `Debug` shows neither the password nor any
/// user info in the URL.
///
/// ```
/// use cloudops_core::transport::Proxy;
/// let p = Proxy::new("http://proxy.corp.example:3128")
///     .basic_auth("svc-cloudops", "hunter2")
///     .no_proxy("localhost,127.0.0.1,.internal.example");
/// assert!(!format!("{p:?}").contains("hunter2"));
/// ```
#[derive(Clone)]
pub struct Proxy {
    url: String,
    username: Option<String>,
    password: Option<crate::SecretString>,
    no_proxy: Option<String>,
}

impl Proxy {
    /// A proxy at `url` (`http://host:port`, or `https://` for a proxy spoken to over TLS).
    pub fn new(url: impl Into<String>) -> Self {
        Proxy {
            url: url.into(),
            username: None,
            password: None,
            no_proxy: None,
        }
    }

    /// Authenticates to the proxy with HTTP Basic.
    pub fn basic_auth(
        mut self,
        username: impl Into<String>,
        password: impl Into<crate::SecretString>,
    ) -> Self {
        self.username = Some(username.into());
        self.password = Some(password.into());
        self
    }

    /// Hosts reached directly, in `NO_PROXY` syntax (comma-separated names, `.domain`
    /// suffixes, IP addresses and CIDR ranges, `*` for all).
    pub fn no_proxy(mut self, list: impl Into<String>) -> Self {
        self.no_proxy = Some(list.into());
        self
    }

    /// The URL with any user info replaced by `***`, safe to show.
    fn shown_url(&self) -> String {
        match self.url.split_once("://") {
            Some((scheme, rest)) => match rest.split_once('@') {
                Some((_, host)) => format!("{scheme}://***@{host}"),
                None => self.url.clone(),
            },
            None => self.url.clone(),
        }
    }

    fn to_reqwest(&self) -> Result<reqwest::Proxy, Error> {
        let mut proxy = reqwest::Proxy::all(self.url.as_str()).map_err(|_| {
            Error::invalid_input(
                "proxy",
                format!(
                    "must be a proxy URL such as http://host:port (got {})",
                    self.shown_url()
                ),
            )
        })?;
        if let (Some(user), Some(password)) = (&self.username, &self.password) {
            crate::validate::header_value("proxy username", user)?;
            proxy = proxy.basic_auth(user, password.expose());
        }
        if let Some(list) = &self.no_proxy {
            proxy = proxy.no_proxy(reqwest::NoProxy::from_string(list));
        }
        Ok(proxy)
    }
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Proxy")
            .field("url", &self.shown_url())
            .field("username", &self.username)
            .field("password", &self.password)
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

/// Where requests go before their endpoint.
#[derive(Debug, Clone, Default)]
enum ProxyChoice {
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (or their lowercase forms), as
    /// curl and the vendors' own SDKs read them.
    #[default]
    Environment,
    /// This proxy, whatever the environment says, and what hands it to reqwest: set only by
    /// [`HttpTransportBuilder::proxy`], so a program that never names a proxy links none of
    /// reqwest's proxy configuration.
    Explicit(Proxy, UseProxy),
    /// Straight to the endpoint, whatever the environment says.
    Off,
}

/// Sets an explicit proxy on reqwest's builder.
type UseProxy = fn(reqwest::ClientBuilder, &Proxy) -> Result<reqwest::ClientBuilder, Error>;

fn use_proxy(
    builder: reqwest::ClientBuilder,
    proxy: &Proxy,
) -> Result<reqwest::ClientBuilder, Error> {
    Ok(builder.proxy(proxy.to_reqwest()?))
}

/// Reads and sets the root certificates on reqwest's builder.
type UseRoots =
    fn(&HttpTransportBuilder, reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error>;

fn use_roots(
    settings: &HttpTransportBuilder,
    builder: reqwest::ClientBuilder,
) -> Result<reqwest::ClientBuilder, Error> {
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    {
        let roots = settings.roots()?;
        if !roots.is_empty() {
            return Ok(if settings.platform_roots {
                builder.tls_certs_merge(roots)
            } else {
                builder.tls_certs_only(roots)
            });
        }
    }
    #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
    let _ = settings;
    Ok(builder)
}

/// Builds an [`HttpTransport`].
#[derive(Debug, Clone)]
pub struct HttpTransportBuilder {
    connect_timeout: Duration,
    max_body: usize,
    pool_idle_timeout: Duration,
    pool_max_idle_per_host: usize,
    proxy: ProxyChoice,
    extra_roots_pem: Vec<Vec<u8>>,
    extra_roots_files: Vec<std::path::PathBuf>,
    platform_roots: bool,
    /// Set by the setters that add roots or drop the platform's, so a program that calls none
    /// of them links no certificate parsing.
    use_roots: Option<UseRoots>,
}

impl Default for HttpTransportBuilder {
    fn default() -> Self {
        HttpTransportBuilder {
            connect_timeout: Duration::from_secs(10),
            max_body: DEFAULT_MAX_BODY,
            pool_idle_timeout: Duration::from_secs(60),
            pool_max_idle_per_host: usize::MAX,
            proxy: ProxyChoice::Environment,
            extra_roots_pem: Vec::new(),
            extra_roots_files: Vec::new(),
            platform_roots: true,
            use_roots: None,
        }
    }
}

impl HttpTransportBuilder {
    /// How long to wait for a connection (default 10 s).
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }

    /// The largest response body accepted, in bytes (default 10 MiB).
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// How long an idle connection is kept for reuse (default 60 s).
    pub fn pool_idle_timeout(mut self, d: Duration) -> Self {
        self.pool_idle_timeout = d;
        self
    }

    /// How many idle connections are kept per host (default: as many as calls were in flight,
    /// so a steady load opens no new connection).
    pub fn pool_max_idle_per_host(mut self, n: usize) -> Self {
        self.pool_max_idle_per_host = n;
        self
    }

    /// Sends every request through `proxy`, whatever the environment says.
    pub fn proxy(mut self, proxy: Proxy) -> Self {
        self.proxy = ProxyChoice::Explicit(proxy, use_proxy);
        self
    }

    /// Sends every request straight to its endpoint, whatever the environment says.
    pub fn no_proxy(mut self) -> Self {
        self.proxy = ProxyChoice::Off;
        self
    }

    /// Takes the proxy from `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (or their
    /// lowercase forms), as curl does. The default.
    pub fn proxy_from_environment(mut self) -> Self {
        self.proxy = ProxyChoice::Environment;
        self
    }

    /// Also trusts the certificate authorities in `pem` (one or more PEM certificates), for
    /// servers behind a private CA. Verification stays on; there is no way to turn it off.
    pub fn add_root_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.extra_roots_pem.push(pem.into());
        self.use_roots = Some(use_roots);
        self
    }

    /// Also trusts the certificate authorities in the PEM file at `path` (read when the
    /// transport is built).
    pub fn add_root_certificates_file(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.extra_roots_files.push(path.into());
        self.use_roots = Some(use_roots);
        self
    }

    /// Whether the platform's trusted roots are trusted too (default true). With `false`, only
    /// the certificates added here are.
    pub fn platform_roots(mut self, yes: bool) -> Self {
        self.platform_roots = yes;
        self.use_roots = Some(use_roots);
        self
    }

    /// The extra roots, parsed.
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    fn roots(&self) -> Result<Vec<reqwest::Certificate>, Error> {
        let mut pems = self.extra_roots_pem.clone();
        for path in &self.extra_roots_files {
            let bytes = std::fs::read(path).map_err(|e| {
                Error::invalid_input(
                    "root certificates",
                    format!("cannot read {}: {e}", path.display()),
                )
            })?;
            pems.push(bytes);
        }
        let mut certs = Vec::new();
        for pem in &pems {
            let found = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| {
                Error::invalid_input(
                    "root certificates",
                    format!("must be PEM certificates: {e}"),
                )
            })?;
            if found.is_empty() {
                return Err(Error::invalid_input(
                    "root certificates",
                    "must hold at least one PEM certificate",
                ));
            }
            certs.extend(found);
        }
        if !self.platform_roots && certs.is_empty() {
            return Err(Error::invalid_input(
                "platform_roots",
                "can be turned off only when root certificates are added",
            ));
        }
        Ok(certs)
    }

    /// Builds the transport. Fails when the proxy or the root certificates are invalid, or
    /// the TLS backend cannot be set up.
    pub fn build(self) -> Result<HttpTransport, Error> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .pool_idle_timeout(self.pool_idle_timeout)
            .pool_max_idle_per_host(self.pool_max_idle_per_host)
            .redirect(reqwest::redirect::Policy::none())
            // Retries are the pipeline's, which knows what is safe to send again. reqwest's
            // own layer (which, over HTTP/1.1, retries nothing) would still copy every
            // request's headers in case it did.
            .retry(reqwest::retry::never().max_retries_per_request(0))
            .http1_only()
            .user_agent(reqwest::header::HeaderValue::from_static(concat!(
                "cloudops-core/",
                env!("CARGO_PKG_VERSION")
            )));
        builder = match &self.proxy {
            ProxyChoice::Environment => builder,
            ProxyChoice::Off => builder.no_proxy(),
            ProxyChoice::Explicit(p, use_proxy) => use_proxy(builder, p)?,
        };
        if let Some(use_roots) = self.use_roots {
            builder = use_roots(&self, builder)?;
        }
        #[cfg(feature = "native-tls")]
        {
            builder = builder.tls_backend_native();
        }
        let client = builder.build().map_err(|e| {
            Error::transport_caused_by(format!("cannot build the HTTP client: {e}"), false, e)
        })?;
        Ok(HttpTransport {
            client,
            max_body: self.max_body,
            connect_timeout: self.connect_timeout,
        })
    }
}

impl HttpTransport {
    /// A transport with the default settings.
    pub fn new() -> Result<Self, Error> {
        HttpTransportBuilder::default().build()
    }

    /// A builder.
    pub fn builder() -> HttpTransportBuilder {
        HttpTransportBuilder::default()
    }

    /// The cap on response bodies.
    pub fn max_body(&self) -> usize {
        self.max_body
    }

    fn classify(&self, e: reqwest::Error) -> Error {
        // The cause chain says more than the top-level message ("error sending request").
        let mut message = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            message.push_str(": ");
            message.push_str(&s.to_string());
            source = s.source();
        }
        if e.is_connect() {
            if let Some(problem) = certificate_problem(&message) {
                return Error::Certificate { problem, message };
            }
            if e.is_timeout() {
                return Error::Timeout {
                    phase: TimeoutPhase::Connect,
                    after: self.connect_timeout,
                    may_have_been_sent: false,
                    retryable: false,
                };
            }
            return Error::transport_caused_by(message, false, e);
        }
        if e.is_builder() {
            return Error::transport_caused_by(message, false, e);
        }
        Error::transport_caused_by(message, true, e)
    }
}

/// The certificate problem a TLS failure's message names, if it is one.
fn certificate_problem(message: &str) -> Option<crate::CertificateProblem> {
    use crate::CertificateProblem as P;
    let m = message.to_ascii_lowercase();
    if !m.contains("certificate") {
        return None;
    }
    Some(
        if m.contains("unknownissuer") || m.contains("unknown issuer") {
            P::UnknownIssuer
        } else if m.contains("not valid for name") || m.contains("notvalidforname") {
            P::NameMismatch
        } else if m.contains("not valid yet") || m.contains("notvalidyet") {
            P::NotYetValid
        } else if m.contains("expired") {
            P::Expired
        } else if m.contains("invalid peer certificate") || m.contains("certificate verify failed")
        {
            P::Other
        } else {
            return None;
        },
    )
}

fn method(m: crate::Method) -> reqwest::Method {
    match m {
        crate::Method::Get => reqwest::Method::GET,
        crate::Method::Post => reqwest::Method::POST,
        crate::Method::Put => reqwest::Method::PUT,
        crate::Method::Delete => reqwest::Method::DELETE,
        crate::Method::Patch => reqwest::Method::PATCH,
        crate::Method::Head => reqwest::Method::HEAD,
    }
}

#[async_trait]
impl Transport for HttpTransport {
    async fn send(&self, request: &Request) -> Result<Response, Error> {
        let not_sent = |message: String| Error::transport(message, false);
        let url = request.transport_url();
        let mut headers = reqwest::header::HeaderMap::with_capacity(request.headers.len() + 1);
        for (n, v) in request.headers.entries() {
            let name =
                header_name(n).ok_or_else(|| not_sent(format!("invalid header name {n:?}")))?;
            let value = if name == reqwest::header::HOST && v == request.endpoint.host_header() {
                // The endpoint's own, shared rather than copied.
                request.endpoint.host_value().clone()
            } else {
                header_value(v).ok_or_else(|| not_sent(format!("invalid value for header {n}")))?
            };
            headers.append(name, value);
        }
        // A POST, PUT or PATCH without a body says so: every official client sends
        // `Content-Length: 0`, and proxies and gateways may answer 411 without it. It is not
        // signed (the vendors' own clients do not sign it either).
        if request.body.is_empty()
            && matches!(
                request.method,
                crate::Method::Post | crate::Method::Put | crate::Method::Patch
            )
        {
            headers.insert(
                reqwest::header::CONTENT_LENGTH,
                reqwest::header::HeaderValue::from_static("0"),
            );
        }
        // A request built whole goes to `execute` as it is; the builder's `.headers()` would
        // copy every header into a second map.
        let mut outgoing = reqwest::Request::new(method(request.method), url);
        *outgoing.headers_mut() = headers;
        *outgoing.body_mut() = Some(request.body.clone().into());
        let mut response = self
            .client
            .execute(outgoing)
            .await
            .map_err(|e| self.classify(e))?;
        let status = response.status().as_u16();
        let too_large = || Error::ResponseTooLarge {
            status,
            limit: self.max_body,
        };
        let announced = response.content_length();
        if announced.is_some_and(|n| n > self.max_body as u64) {
            return Err(too_large());
        }
        let mut out_headers = Headers::with_capacity(response.headers().len());
        for (n, v) in response.headers() {
            let value = match v.to_str() {
                Ok(text) => text.to_string(),
                Err(_) => String::from_utf8_lossy(v.as_bytes()).into_owned(),
            };
            out_headers.append(n.as_str(), value);
        }
        // Sized by the announced length (already within the cap), so one allocation holds it.
        let mut body = Vec::with_capacity(
            announced.map_or(0, |n| usize::try_from(n).unwrap_or(0).min(self.max_body)),
        );
        while let Some(chunk) = response.chunk().await.map_err(|e| self.classify(e))? {
            if body.len() + chunk.len() > self.max_body {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Response {
            status,
            headers: out_headers,
            body,
        })
    }
}

/// A header name for the wire; a constant one is used without a copy.
#[expect(
    clippy::ptr_arg,
    reason = "a name borrowed for 'static is sent without a copy"
)]
fn header_name(name: &Cow<'static, str>) -> Option<reqwest::header::HeaderName> {
    match name {
        // `from_static` takes only lowercase tokens (and panics on anything else), so it is
        // called only for a name checked to be one.
        Cow::Borrowed(n) if is_lowercase_token(n) => {
            Some(reqwest::header::HeaderName::from_static(n))
        }
        _ => reqwest::header::HeaderName::from_bytes(name.as_bytes()).ok(),
    }
}

/// A header value for the wire; a constant one is used without a copy.
#[expect(
    clippy::ptr_arg,
    reason = "a value borrowed for 'static is sent without a copy"
)]
fn header_value(value: &Cow<'static, str>) -> Option<reqwest::header::HeaderValue> {
    match value {
        // `from_static` takes visible ASCII and tab only (and panics on anything else), so it
        // is called only for a value checked to hold nothing else.
        Cow::Borrowed(v) if crate::validate::printable_ascii(v.as_bytes()) => {
            Some(reqwest::header::HeaderValue::from_static(v))
        }
        _ => reqwest::header::HeaderValue::from_str(value).ok(),
    }
}

/// Whether `name` is a non-empty RFC 9110 token without uppercase letters, short enough for
/// a header name (under 64 KiB).
fn is_lowercase_token(name: &str) -> bool {
    name.len() < 1 << 16
        && crate::validate::is_token(name)
        && !name
            .bytes()
            .fold(false, |any, b| any | b.is_ascii_uppercase())
}
