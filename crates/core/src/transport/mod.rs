//! Sending a signed request: the [`Transport`] trait and its reqwest implementation.
//!
//! Nothing outside this module names reqwest. A transport sends one request and reads the
//! whole response body, refusing bodies over its cap; time limits per attempt and per
//! operation are the [`Pipeline`](crate::Pipeline)'s.

mod proxy;
mod roots;

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use crate::error::{Error, TimeoutPhase};
use crate::request::{Endpoint, Headers, Request, Response};

pub use proxy::Proxy;
use proxy::ProxyRoutes;
pub use roots::MAX_ROOTS_FILE_BYTES;

/// The default cap on a response body: 10 MiB.
pub const DEFAULT_MAX_BODY: usize = 10 * 1024 * 1024;

/// Whether this build can speak TLS (the `rustls` or `native-tls` feature).
pub const TLS: bool = cfg!(any(feature = "rustls", feature = "native-tls"));

static CLIENTS_BUILT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
static PLATFORM_ROOT_LOADS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many HTTP clients (reqwest's, each with its own connection pool and TLS configuration)
/// this process has built.
pub fn clients_built() -> u64 {
    CLIENTS_BUILT.load(std::sync::atomic::Ordering::Relaxed)
}

/// How many of the HTTP clients built trust the platform's roots: each of them loads the
/// platform's trusted certificates (once, for its own TLS configuration).
pub fn platform_root_loads() -> u64 {
    PLATFORM_ROOT_LOADS.load(std::sync::atomic::Ordering::Relaxed)
}

/// The transport every client built with the default transport settings shares: built at the
/// first such client and kept for the life of the process, so one program's clients of every
/// vendor share one connection pool, one TLS configuration and one load of the platform's
/// roots. The proxy variables are read once, when it is built. A client with a proxy, roots
/// or another setting of its own gets a transport of its own; one given a transport uses that.
pub fn shared() -> Result<Arc<HttpTransport>, Error> {
    static SHARED: std::sync::OnceLock<Result<Arc<HttpTransport>, Error>> =
        std::sync::OnceLock::new();
    SHARED
        .get_or_init(|| HttpTransportBuilder::default().build().map(Arc::new))
        .clone()
}

/// Sends one request and reads its response.
///
/// Errors are [`Error::Transport`] (with `may_have_been_sent` false only when the request
/// certainly did not leave this machine), [`Error::Timeout`] with
/// [`TimeoutPhase::Connect`], or [`Error::ResponseTooLarge`].
///
/// A transport of your own (a test double, a recorder) implements it with the
/// `async_trait` attribute every vendor crate re-exports:
///
/// ```
/// use cloudops_core::{Error, Request, Response, Transport};
///
/// #[derive(Debug)]
/// struct Canned;
///
/// #[cloudops_core::async_trait]
/// impl Transport for Canned {
///     async fn send(&self, _request: &Request) -> Result<Response, Error> {
///         Ok(Response::new(200, br#"{"ok": true}"#.to_vec()))
///     }
/// }
/// ```
#[async_trait]
pub trait Transport: Send + Sync + fmt::Debug {
    /// Sends `request` as it is (already signed) and reads the whole response.
    async fn send(&self, request: &Request) -> Result<Response, Error>;

    /// Whether this transport can reach `endpoint`: an invalid-input error naming what is
    /// missing when it cannot (an `https://` endpoint without TLS). Clients ask it for their
    /// endpoints when they are built, and the pipeline before every call, so nothing is sent
    /// that could only fail. The default accepts every endpoint.
    fn check_endpoint(&self, endpoint: &Endpoint) -> Result<(), Error> {
        let _ = endpoint;
        Ok(())
    }
}

/// A [`Transport`] over HTTP/1.1 with reqwest: connection reuse, a connect timeout and a cap
/// on response bodies. HTTPS goes through rustls with its default crypto provider (aws-lc-rs)
/// and the platform's certificate verifier (feature `rustls`, the default) or the platform's
/// native TLS (feature `native-tls`); without either, only `http://` endpoints can be
/// reached, and an `https://` one is refused before anything is sent.
#[derive(Clone)]
pub struct HttpTransport {
    client: reqwest::Client,
    max_body: usize,
    connect_timeout: Duration,
    /// The proxies requests go through, kept to name them in errors.
    proxies: Option<Arc<ProxyRoutes>>,
}

impl fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpTransport")
            .field("max_body", &self.max_body)
            .field("connect_timeout", &self.connect_timeout)
            .field("proxies", &self.proxies)
            .finish_non_exhaustive()
    }
}

/// Where requests go before their endpoint.
#[derive(Debug, Clone, Default)]
enum ProxyChoice {
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (or their lowercase forms), as
    /// curl and the vendors' own SDKs read them.
    #[default]
    Environment,
    /// This proxy, whatever the environment says.
    Explicit(Box<Proxy>),
    /// Straight to the endpoint, whatever the environment says.
    Off,
}

/// Reads and sets the root certificates on reqwest's builder.
type UseRoots =
    fn(&HttpTransportBuilder, reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error>;

fn use_roots(
    settings: &HttpTransportBuilder,
    builder: reqwest::ClientBuilder,
) -> Result<reqwest::ClientBuilder, Error> {
    let ders = roots::certificates(&settings.extra_roots_pem, &settings.extra_roots_files)?;
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    {
        let mut certs = Vec::with_capacity(ders.len());
        for der in &ders {
            certs.push(reqwest::Certificate::from_der(der).map_err(|e| {
                Error::invalid_input("root certificates", format!("were refused: {e}"))
            })?);
        }
        Ok(if settings.platform_roots {
            builder.tls_certs_merge(certs)
        } else {
            builder.tls_certs_only(certs)
        })
    }
    #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
    {
        let _ = (ders, builder);
        Err(Error::invalid_input(
            "root certificates",
            "need TLS: turn on the `rustls` or `native-tls` feature",
        ))
    }
}

/// Builds an [`HttpTransport`]: every setting of the HTTP layer in one place, which every
/// client builder also takes whole (`transport_settings`).
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
    /// The settings changed from their defaults, by setter name.
    changed: Vec<&'static str>,
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
            changed: Vec::new(),
        }
    }
}

impl HttpTransportBuilder {
    fn changed(mut self, setting: &'static str) -> Self {
        if !self.changed.contains(&setting) {
            self.changed.push(setting);
        }
        self
    }

    /// The settings changed from their defaults, by the name of their setter, in the order
    /// they were first set: what a client refuses to ignore when it is also given a
    /// transport of its own.
    pub fn changed_settings(&self) -> &[&'static str] {
        &self.changed
    }

    /// How long to wait for a connection (default 10 s; zero is refused when built).
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self.changed("connect_timeout")
    }

    /// The largest response body accepted, in bytes (default 10 MiB).
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self.changed("max_body")
    }

    /// How long an idle connection is kept for reuse (default 60 s).
    pub fn pool_idle_timeout(mut self, d: Duration) -> Self {
        self.pool_idle_timeout = d;
        self.changed("pool_idle_timeout")
    }

    /// How many idle connections are kept per host (default: as many as calls were in flight,
    /// so a steady load opens no new connection).
    pub fn pool_max_idle_per_host(mut self, n: usize) -> Self {
        self.pool_max_idle_per_host = n;
        self.changed("pool_max_idle_per_host")
    }

    /// Sends every request through `proxy`, whatever the environment says.
    pub fn proxy(mut self, proxy: Proxy) -> Self {
        self.proxy = ProxyChoice::Explicit(Box::new(proxy));
        self.changed("proxy")
    }

    /// Sends every request straight to its endpoint, whatever the environment says.
    pub fn no_proxy(mut self) -> Self {
        self.proxy = ProxyChoice::Off;
        self.changed("no_proxy")
    }

    /// Takes the proxy from `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (or their
    /// lowercase forms), as curl does. The default. A variable that is set but is not a
    /// usable proxy URL makes the build fail, naming it: a call never bypasses a proxy the
    /// environment asks for.
    pub fn proxy_from_environment(mut self) -> Self {
        self.proxy = ProxyChoice::Environment;
        self
    }

    /// Also trusts the certificate authorities in `pem` (one or more PEM certificates), for
    /// servers behind a private CA. Verification stays on; there is no way to turn it off.
    pub fn add_root_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.extra_roots_pem.push(pem.into());
        self.use_roots = Some(use_roots);
        self.changed("add_root_certificates_pem")
    }

    /// Also trusts the certificate authorities in the PEM file at `path`, read when the
    /// transport is built: a regular file of at most [`MAX_ROOTS_FILE_BYTES`].
    pub fn add_root_certificates_file(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.extra_roots_files.push(path.into());
        self.use_roots = Some(use_roots);
        self.changed("add_root_certificates_file")
    }

    /// Whether the platform's trusted roots are trusted too (default true). With `false`, only
    /// the certificates added here are.
    pub fn platform_roots(mut self, yes: bool) -> Self {
        self.platform_roots = yes;
        self.use_roots = Some(use_roots);
        self.changed("platform_roots")
    }

    /// Builds the transport. Fails when a setting cannot be used: a zero connect timeout, a
    /// proxy (given or from the environment) that is not a usable URL, root certificates that
    /// are not PEM certificates, or a TLS backend that cannot be set up.
    pub fn build(self) -> Result<HttpTransport, Error> {
        if self.connect_timeout.is_zero() {
            return Err(Error::invalid_input(
                "connect_timeout",
                "must be more than zero",
            ));
        }
        if !self.platform_roots
            && self.extra_roots_pem.is_empty()
            && self.extra_roots_files.is_empty()
        {
            return Err(Error::invalid_input(
                "platform_roots",
                "can be turned off only when root certificates are added",
            ));
        }
        let routes = match &self.proxy {
            ProxyChoice::Environment => {
                ProxyRoutes::from_environment(&|name| std::env::var(name).ok())?
            }
            ProxyChoice::Explicit(p) => Some(ProxyRoutes::explicit(p)?),
            ProxyChoice::Off => None,
        };
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
            )))
            // The environment is read above, once, with its errors reported: reqwest never
            // reads it again (nor logs a URL with a password in it).
            .no_proxy();
        let routes = routes.map(Arc::new);
        if let Some(r) = &routes {
            for p in r.to_reqwest() {
                builder = builder.proxy(p);
            }
        }
        let with_roots = self.use_roots.is_some();
        if let Some(use_roots) = self.use_roots {
            builder = use_roots(&self, builder)?;
        }
        #[cfg(feature = "native-tls")]
        {
            builder = builder.tls_backend_native();
        }
        let client = builder.build().map_err(|e| {
            if with_roots {
                Error::invalid_input(
                    "root certificates",
                    format!("were refused by the TLS library: {e}"),
                )
            } else {
                Error::transport_caused_by(format!("cannot build the HTTP client: {e}"), false, e)
            }
        })?;
        CLIENTS_BUILT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if TLS && self.platform_roots {
            PLATFORM_ROOT_LOADS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(HttpTransport {
            client,
            max_body: self.max_body,
            connect_timeout: self.connect_timeout,
            proxies: routes,
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

    fn classify(&self, e: reqwest::Error, endpoint: &Endpoint) -> Error {
        // The cause chain says more than the top-level message ("error sending request").
        let mut message = match self
            .proxies
            .as_ref()
            .and_then(|p| p.pick(endpoint.scheme(), endpoint.host()))
        {
            // A failure may be the proxy's: it is named, without its user info.
            Some(proxy) => format!("through the proxy {}: {e}", proxy.shown()),
            None => e.to_string(),
        };
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
    fn check_endpoint(&self, endpoint: &Endpoint) -> Result<(), Error> {
        if endpoint.scheme() == "https" && !TLS {
            return Err(Error::invalid_input(
                "endpoint",
                format!(
                    "is https://{}, but this build has no TLS: turn on the `rustls` (or \
                     `native-tls`) feature",
                    endpoint.host_header()
                ),
            ));
        }
        Ok(())
    }

    async fn send(&self, request: &Request) -> Result<Response, Error> {
        self.send_request(request).await
    }
}

impl HttpTransport {
    /// [`Transport::send`] as a future of its own type: the pipeline awaits it in place when
    /// it sends through this transport, with no boxed future per request.
    pub(crate) async fn send_request(&self, request: &Request) -> Result<Response, Error> {
        self.check_endpoint(&request.endpoint)?;
        let not_sent = |message: String| Error::transport(message, false);
        let url = request.transport_url();
        let mut headers = reqwest::header::HeaderMap::with_capacity(request.headers.len() + 1);
        for (n, v) in request.headers.entries() {
            let name =
                header_name(n).ok_or_else(|| not_sent(format!("invalid header name {n:?}")))?;
            // The pipeline's `Host` is the endpoint's shared value, passed on without a copy.
            let value =
                header_value(v).ok_or_else(|| not_sent(format!("invalid value for header {n}")))?;
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
            .map_err(|e| self.classify(e, &request.endpoint))?;
        let status = response.status().as_u16();
        let too_large = || Error::ResponseTooLarge {
            status,
            limit: self.max_body,
        };
        let announced = response.content_length();
        if announced.is_some_and(|n| n > self.max_body as u64) {
            return Err(too_large());
        }
        // The answer's headers are kept as the HTTP stack holds them: moved, not copied.
        let answered = std::mem::take(response.headers_mut());
        let mut out_headers = Headers::with_capacity(answered.len());
        let mut name = None;
        for (n, v) in answered {
            // A repeated header comes without its name: the last one seen.
            if let Some(n) = n {
                name = Some(crate::request::header_name_text(n.as_str()));
            }
            if let Some(n) = &name {
                out_headers.append_wire(n.clone(), v);
            }
        }
        // Sized by the announced length (already within the cap), so one allocation holds it.
        let mut body = Vec::with_capacity(
            announced.map_or(0, |n| usize::try_from(n).unwrap_or(0).min(self.max_body)),
        );
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.classify(e, &request.endpoint))?
        {
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

/// A header value for the wire: a constant one and one the HTTP stack already holds are used
/// without a copy.
fn header_value(value: &crate::request::Value) -> Option<reqwest::header::HeaderValue> {
    use crate::request::Value;
    match value {
        // `from_static` takes visible ASCII and tab only (and panics on anything else), so it
        // is called only for a value checked to hold nothing else.
        Value::Static(v) if crate::validate::printable_ascii(v.as_bytes()) => {
            Some(reqwest::header::HeaderValue::from_static(v))
        }
        Value::Wire(v) => Some(v.clone()),
        other => reqwest::header::HeaderValue::from_str(other.as_str()).ok(),
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
