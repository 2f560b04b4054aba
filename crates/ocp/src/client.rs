//! The OCP client and its builder.

use std::sync::Arc;

use cloudops_core::credentials::{CredentialsSetting, EnvNames};
use cloudops_core::{
    CallOptions, ClientOptions, Endpoint, Error, Language, Method, OperationSpec, Pipeline,
    RawRequest, Request, Service,
};
use serde::de::DeserializeOwned;

use crate::protocol::{OcpAuthorizer, OcpProtocol, OcpResponse, VENDOR};
use crate::waiter::TaskWaiter;

/// The variables [`Client::from_env`] and the default credentials read: `OCP_ACCESS_KEY_ID`
/// and `OCP_ACCESS_KEY_SECRET` (AK/SK), or `OCP_USERNAME` and `OCP_PASSWORD` (HTTP Basic);
/// AK/SK wins when both are set.
pub const ENVIRONMENT: EnvNames = EnvNames {
    id: "OCP_ACCESS_KEY_ID",
    secret: "OCP_ACCESS_KEY_SECRET",
    token: None,
    attributes: &[],
    username: Some("OCP_USERNAME"),
    password: Some("OCP_PASSWORD"),
};

/// A client for one OCP server. Cheap to clone; clones share connections.
///
/// ```no_run
/// # async fn demo() -> Result<(), cloudops_ocp::Error> {
/// use cloudops_ocp::Client;
/// // OCP_ACCESS_KEY_ID / OCP_ACCESS_KEY_SECRET, or OCP_USERNAME / OCP_PASSWORD
/// let client = Client::from_env("http://ocp.example.internal:8080")?;
/// let stopped = client.stop_tenant_backup_schedule(1000002, 1000012).send().await?;
/// for failed in stopped.failures() {
///     eprintln!("{:?}: {:?} {:?}", failed.objects, failed.error_code, failed.hint);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    service: Service<OcpProtocol>,
    endpoint: Endpoint,
    language: Option<Language>,
}

impl Client {
    /// A builder. The OCP server's base URL is required: [`ClientBuilder::endpoint`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client for the OCP server at `base_url` with credentials from the environment:
    /// `OCP_ACCESS_KEY_ID` and `OCP_ACCESS_KEY_SECRET` (AK/SK signing), or `OCP_USERNAME` and
    /// `OCP_PASSWORD` (HTTP Basic).
    pub fn from_env(base_url: impl Into<String>) -> Result<Client, Error> {
        Client::builder().endpoint(base_url).build()
    }

    /// The server's base URL.
    pub fn endpoint(&self) -> &Endpoint {
        &self.inner.endpoint
    }

    /// Waits for a task to end. See [`TaskWaiter`].
    pub fn wait_for_task(&self, task_id: i64) -> TaskWaiter {
        TaskWaiter::new(self.clone(), task_id)
    }

    /// A request to any path of the server, for what this crate does not model yet, with the
    /// same authentication, envelope decoding, retries and per-call options. Decode the
    /// envelope into [`OcpResponse`] of your data type, or a `serde_json::Value`.
    ///
    /// ```no_run
    /// # async fn demo(client: cloudops_ocp::Client) -> Result<(), cloudops_ocp::Error> {
    /// use cloudops_ocp::{Method, OcpResponse};
    /// let page: OcpResponse<serde_json::Value> = client
    ///     .raw(Method::Get, "/api/v2/ob/clusters")
    ///     .query("size", "10")
    ///     .idempotent(true)
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn raw(&self, method: Method, path: impl Into<String>) -> RawRequest<OcpProtocol> {
        RawRequest::new(
            self.inner.service.clone(),
            Ok(self.inner.endpoint.clone()),
            VENDOR,
            method,
            path,
        )
    }

    /// Sends a body-less request to `path` and decodes the envelope.
    pub(crate) async fn call<T: DeserializeOwned + Send>(
        &self,
        spec: &OperationSpec,
        method: Method,
        path: String,
        options: &CallOptions,
    ) -> Result<OcpResponse<T>, Error> {
        let mut request = Request::new(method, self.inner.endpoint.clone(), path)
            .with_header("accept", "application/json");
        if let Some(lang) = self.inner.language {
            request.headers.set_static("accept-language", lang.tag());
        }
        self.inner.service.send(spec, request, options).await
    }
}

/// Builds a [`Client`].
#[derive(Debug, Default)]
pub struct ClientBuilder {
    base_url: Option<String>,
    credentials: Option<CredentialsSetting>,
    language: Option<Language>,
    options: ClientOptions,
}

impl ClientBuilder {
    /// The OCP server's base URL (`http://host:port` or `https://host:port`, with a base
    /// path if the server is behind one). Required: OCP has no public endpoint.
    pub fn endpoint(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    cloudops_core::credential_setters!(
        credentials,
        "`OCP_ACCESS_KEY_ID`/`OCP_ACCESS_KEY_SECRET`, then `OCP_USERNAME`/`OCP_PASSWORD`"
    );

    /// The language of the server's messages, sent as `Accept-Language`.
    pub fn language(mut self, language: Language) -> Self {
        self.language = Some(language);
        self
    }

    cloudops_core::client_option_setters!(options);

    /// Builds the client. Fails when the endpoint is missing or not
    /// `http(s)://host[:port][/path]`, when it is `https://` and the build has no TLS, or when
    /// a setting cannot be used.
    pub fn build(self) -> Result<Client, Error> {
        let Some(base_url) = self.base_url else {
            return Err(Error::invalid_input(
                "endpoint",
                "must be set to the OCP server's base URL (http://host:port)",
            ));
        };
        let trimmed = base_url.trim();
        if !(trimmed.starts_with("http://") || trimmed.starts_with("https://")) {
            return Err(Error::invalid_input(
                "endpoint",
                "must start with http:// or https://",
            ));
        }
        let endpoint = Endpoint::parse(trimmed)?;
        // The environment's credentials do not expire: looked up once and kept.
        let credentials = self
            .credentials
            .unwrap_or_else(|| CredentialsSetting::environment(ENVIRONMENT))
            .into_provider(self.options.clock.clone())?;
        let pipeline = Pipeline::new(self.options)?;
        pipeline.transport().check_endpoint(&endpoint)?;
        Ok(Client {
            inner: Arc::new(Inner {
                service: Service::new(pipeline, OcpProtocol, Arc::new(OcpAuthorizer(credentials))),
                endpoint,
                language: self.language,
            }),
        })
    }
}
