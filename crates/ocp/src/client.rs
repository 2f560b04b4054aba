//! The OCP client and its builder.

use std::sync::Arc;

use cloudops_core::credentials::{CredentialsChain, ProvideCredentials, StaticProvider};
use cloudops_core::{
    ClientOptions, Credentials, Endpoint, Error, Method, OperationSpec, Pipeline, Request, validate,
};
use serde::de::DeserializeOwned;

use crate::operation::{GetBackupStrategy, GetTask, StartBackupSchedule, StopBackupSchedule};
use crate::protocol::{self, EnvelopeClassifier, OcpAuthorizer, OcpResponse};
use crate::waiter::TaskWaiter;

/// A client for one OCP server. Cheap to clone; clones share connections.
///
/// ```no_run
/// # async fn demo() -> Result<(), cloudops_core::Error> {
/// use cloudops_ocp::Client;
/// // OCP_ACCESS_KEY_ID / OCP_ACCESS_KEY_SECRET, or OCP_USERNAME / OCP_PASSWORD
/// let client = Client::from_env("http://ocp.example.internal:8080")?;
/// let stopped = client.stop_backup_schedule(1000002, 1000012).send().await?;
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
    pipeline: Pipeline,
    endpoint: Endpoint,
    accept_language: Option<String>,
    authorizer: OcpAuthorizer,
}

impl Client {
    /// A builder for the OCP server at `base_url` (`http://host:port` or `https://...`).
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            base_url: base_url.into(),
            credentials: None,
            accept_language: None,
            options: ClientOptions::default(),
        }
    }

    /// A client for `base_url` with credentials from the environment: `OCP_ACCESS_KEY_ID` and
    /// `OCP_ACCESS_KEY_SECRET` (AK/SK signing), or `OCP_USERNAME` and `OCP_PASSWORD` (HTTP
    /// Basic).
    pub fn from_env(base_url: impl Into<String>) -> Result<Client, Error> {
        Client::builder(base_url).build()
    }

    /// The server's base URL.
    pub fn endpoint(&self) -> &Endpoint {
        &self.inner.endpoint
    }

    /// Stops backup scheduling for a tenant.
    pub fn stop_backup_schedule(&self, cluster_id: i64, tenant_id: i64) -> StopBackupSchedule {
        StopBackupSchedule {
            client: self.clone(),
            cluster_id,
            tenant_id,
        }
    }

    /// Starts backup scheduling for a tenant.
    pub fn start_backup_schedule(&self, cluster_id: i64, tenant_id: i64) -> StartBackupSchedule {
        StartBackupSchedule {
            client: self.clone(),
            cluster_id,
            tenant_id,
        }
    }

    /// Reads a tenant's backup strategy.
    pub fn get_backup_strategy(&self, cluster_id: i64, tenant_id: i64) -> GetBackupStrategy {
        GetBackupStrategy {
            client: self.clone(),
            cluster_id,
            tenant_id,
        }
    }

    /// Reads an asynchronous task.
    pub fn get_task(&self, task_id: i64) -> GetTask {
        GetTask {
            client: self.clone(),
            task_id,
        }
    }

    /// Waits for a task to end. See [`TaskWaiter`].
    pub fn wait_for_task(&self, task_id: i64) -> TaskWaiter {
        TaskWaiter::new(self.clone(), task_id)
    }

    /// Sends a body-less request to `path` and decodes the envelope.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        spec: &OperationSpec,
        method: Method,
        path: String,
    ) -> Result<OcpResponse<T>, Error> {
        let mut request = Request::new(method, self.inner.endpoint.clone(), path)
            .with_header("accept", "application/json");
        if let Some(lang) = &self.inner.accept_language {
            request.headers.set("accept-language", lang.clone());
        }
        let response = self
            .inner
            .pipeline
            .send(spec, request, &self.inner.authorizer, &EnvelopeClassifier)
            .await?;
        protocol::decode(spec, &response)
    }
}

/// Builds a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    base_url: String,
    credentials: Option<Arc<dyn ProvideCredentials>>,
    accept_language: Option<String>,
    options: ClientOptions,
}

impl ClientBuilder {
    /// Fixed credentials: an [`cloudops_core::AccessKey`] for AK/SK signing or a
    /// [`cloudops_core::BasicAuth`] for HTTP Basic.
    pub fn credentials(mut self, credentials: impl Into<Credentials>) -> Self {
        self.credentials = Some(Arc::new(StaticProvider(credentials.into())));
        self
    }

    /// Credentials from any provider. The default is [`CredentialsChain::ocp`].
    pub fn credentials_provider(mut self, provider: Arc<dyn ProvideCredentials>) -> Self {
        self.credentials = Some(provider);
        self
    }

    /// The `Accept-Language` header (`en-US`, `zh-CN`).
    pub fn accept_language(mut self, language: impl Into<String>) -> Self {
        self.accept_language = Some(language.into());
        self
    }

    cloudops_core::client_option_setters!(options);

    /// Builds the client. Fails when the base URL is not `http(s)://host[:port][/path]` or the
    /// language is not a valid header value.
    pub fn build(self) -> Result<Client, Error> {
        let trimmed = self.base_url.trim();
        if !(trimmed.starts_with("http://") || trimmed.starts_with("https://")) {
            return Err(Error::invalid_input(
                "base_url",
                format!("must start with http:// or https:// (got {trimmed:?})"),
            ));
        }
        let endpoint = Endpoint::parse(trimmed).map_err(|e| match e {
            Error::InvalidInput { rule, .. } => Error::invalid_input("base_url", rule),
            other => other,
        })?;
        if let Some(lang) = &self.accept_language {
            validate::header_value("accept_language", lang)?;
        }
        let credentials = self
            .credentials
            .unwrap_or_else(|| Arc::new(CredentialsChain::ocp()));
        Ok(Client {
            inner: Arc::new(Inner {
                pipeline: Pipeline::new(self.options)?,
                endpoint,
                accept_language: self.accept_language,
                authorizer: OcpAuthorizer(credentials),
            }),
        })
    }
}
