//! Sending a signed request: the [`Transport`] trait and its reqwest implementation.
//!
//! Nothing outside this module names reqwest. A transport sends one request and reads the
//! whole response body, refusing bodies over its cap; time limits per attempt and per
//! operation are the [`Pipeline`](crate::Pipeline)'s.

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

/// Builds an [`HttpTransport`].
#[derive(Debug, Clone)]
pub struct HttpTransportBuilder {
    connect_timeout: Duration,
    max_body: usize,
    pool_idle_timeout: Duration,
    pool_max_idle_per_host: usize,
}

impl Default for HttpTransportBuilder {
    fn default() -> Self {
        HttpTransportBuilder {
            connect_timeout: Duration::from_secs(10),
            max_body: DEFAULT_MAX_BODY,
            pool_idle_timeout: Duration::from_secs(60),
            pool_max_idle_per_host: 8,
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

    /// How many idle connections are kept per host (default 8).
    pub fn pool_max_idle_per_host(mut self, n: usize) -> Self {
        self.pool_max_idle_per_host = n;
        self
    }

    /// Builds the transport. Fails only when the TLS backend cannot be set up.
    pub fn build(self) -> Result<HttpTransport, Error> {
        let builder = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .pool_idle_timeout(self.pool_idle_timeout)
            .pool_max_idle_per_host(self.pool_max_idle_per_host)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .http1_only()
            .user_agent(concat!("cloudops-core/", env!("CARGO_PKG_VERSION")));
        let builder = tls(builder)?;
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

#[cfg(feature = "native-tls")]
fn tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    Ok(builder.tls_backend_native())
}

#[cfg(all(feature = "rustls", not(feature = "native-tls")))]
fn tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    use rustls_platform_verifier::BuilderVerifierExt as _;
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_platform_verifier())
        .map_err(|e| Error::transport_caused_by(format!("cannot set up TLS: {e}"), false, e))?
        .with_no_client_auth();
    Ok(builder.tls_backend_preconfigured(config))
}

#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
fn tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    Ok(builder)
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
        let url = reqwest::Url::parse(&request.url())
            .map_err(|e| not_sent(format!("invalid URL: {e}")))?;
        let mut headers = reqwest::header::HeaderMap::with_capacity(request.headers.len());
        for (n, v) in request.headers.iter() {
            let name = reqwest::header::HeaderName::from_bytes(n.as_bytes())
                .map_err(|_| not_sent(format!("invalid header name {n:?}")))?;
            let value = reqwest::header::HeaderValue::from_str(v)
                .map_err(|_| not_sent(format!("invalid value for header {n}")))?;
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
        let mut response = self
            .client
            .request(method(request.method), url)
            .headers(headers)
            .body(request.body.clone())
            .send()
            .await
            .map_err(|e| self.classify(e))?;
        let status = response.status().as_u16();
        let too_large = || Error::ResponseTooLarge {
            status,
            limit: self.max_body,
        };
        if response
            .content_length()
            .is_some_and(|n| n > self.max_body as u64)
        {
            return Err(too_large());
        }
        let mut out_headers = Headers::new();
        for (n, v) in response.headers() {
            out_headers.append(
                n.as_str(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            );
        }
        let mut body = Vec::new();
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
