//! Talking to a cloud's instance metadata service: plain HTTP on a
//! link-local or internal address, never through a proxy, each request under a short timeout,
//! and "did not answer" told apart from "answered wrongly" so a credentials chain can move on.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::error::Error;
use crate::request::{Endpoint, Method, Request, Response};
use crate::transport::{HttpTransport, Transport};

/// Adds `with_endpoint(url)` and `timeout(d)` to a metadata-backed provider's `impl` block,
/// forwarding to its [`MetadataClient`] field named by the argument.
#[macro_export]
macro_rules! metadata_provider_setters {
    ($field:ident) => {
        /// Asks the metadata service at `url` instead (a private cloud's, a test's).
        pub fn with_endpoint(mut self, url: impl Into<String>) -> Self {
            self.$field = self.$field.with_base(url);
            self
        }

        /// Waits at most `timeout` for each answer.
        pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.$field = self.$field.with_timeout(timeout);
            self
        }
    };
}

/// A metadata service at a base URL.
#[derive(Debug, Clone)]
pub struct MetadataClient {
    base: String,
    timeout: Duration,
    given: Option<Arc<dyn Transport>>,
}

impl MetadataClient {
    /// A client for the service at `base` (`http://169.254.169.254`), each request limited to
    /// `timeout`.
    pub fn new(base: impl Into<String>, timeout: Duration) -> Self {
        MetadataClient {
            base: base.into(),
            timeout,
            given: None,
        }
    }

    /// The base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Another base URL (a private cloud's, a test's).
    pub fn with_base(mut self, base: impl Into<String>) -> Self {
        self.base = base.into();
        self
    }

    /// Another per-request timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sends through `transport` instead of a proxy-less HTTP transport of its own.
    pub fn with_transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.given = Some(transport);
        self
    }

    fn transport(&self) -> Result<Arc<dyn Transport>, Error> {
        if let Some(t) = &self.given {
            return Ok(t.clone());
        }
        // One transport for every metadata client of the process: plain HTTP, never through
        // a proxy, small answers; each request's own timeout bounds its connection too.
        static SHARED: OnceLock<Result<Arc<dyn Transport>, Error>> = OnceLock::new();
        SHARED
            .get_or_init(|| {
                HttpTransport::builder()
                    .no_proxy()
                    .max_body(64 * 1024)
                    .build()
                    .map(|t| Arc::new(t) as Arc<dyn Transport>)
            })
            .clone()
    }

    /// Sends `method` to `path` with `headers`; `Ok(None)` when the service did not answer
    /// within the timeout (or refused the connection): there is no metadata service here.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
    ) -> Result<Option<Response>, Error> {
        let endpoint = Endpoint::parse(&self.base)
            .map_err(|e| Error::credentials(format!("metadata service URL: {e}")))?;
        let mut request = Request::new(method, endpoint, path.to_string());
        for (n, v) in headers {
            request.headers.set(n, *v);
        }
        let transport = self.transport()?;
        match tokio::time::timeout(self.timeout, transport.send(&request)).await {
            Ok(Ok(r)) => Ok(Some(r)),
            Ok(Err(Error::Transport { .. } | Error::Timeout { .. })) | Err(_) => Ok(None),
            Ok(Err(e)) => Err(e),
        }
    }
}
