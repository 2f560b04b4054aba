//! The OCP client and its builder.

use std::sync::Arc;

use cloudops_core::credentials::{CredentialsSetting, OCP_ENV};
use cloudops_core::{
    CallOptions, ClientOptions, Endpoint, Error, Language, Method, OperationSpec, Pipeline,
    RawRequest, Request, Service,
};
use serde::de::DeserializeOwned;

use crate::operation::{GetBackupStrategy, GetTask, StartBackupSchedule, StopBackupSchedule};
use crate::protocol::{OcpAuthorizer, OcpProtocol, OcpResponse, VENDOR};
use crate::waiter::TaskWaiter;

/// A client for one OCP server. Cheap to clone; clones share connections.
///
/// ```no_run
/// # async fn demo() -> Result<(), cloudops_ocp::Error> {
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
    service: Service<OcpProtocol>,
    endpoint: Endpoint,
    language: Option<Language>,
}

impl Client {
    /// A builder for the OCP server at `base_url` (`http://host:port` or `https://...`).
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            base_url: base_url.into(),
            credentials: None,
            language: None,
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
            options: CallOptions::default(),
            cluster_id,
            tenant_id,
        }
    }

    /// Starts backup scheduling for a tenant.
    pub fn start_backup_schedule(&self, cluster_id: i64, tenant_id: i64) -> StartBackupSchedule {
        StartBackupSchedule {
            client: self.clone(),
            options: CallOptions::default(),
            cluster_id,
            tenant_id,
        }
    }

    /// Reads a tenant's backup strategy.
    pub fn get_backup_strategy(&self, cluster_id: i64, tenant_id: i64) -> GetBackupStrategy {
        GetBackupStrategy {
            client: self.clone(),
            options: CallOptions::default(),
            cluster_id,
            tenant_id,
        }
    }

    /// Reads an asynchronous task.
    pub fn get_task(&self, task_id: i64) -> GetTask {
        GetTask {
            client: self.clone(),
            options: CallOptions::default(),
            task_id,
        }
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
#[derive(Debug)]
pub struct ClientBuilder {
    base_url: String,
    credentials: Option<CredentialsSetting>,
    language: Option<Language>,
    options: ClientOptions,
}

impl ClientBuilder {
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

    /// Builds the client. Fails when the base URL is not `http(s)://host[:port][/path]`.
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
        // The environment's credentials do not expire: looked up once and kept.
        let credentials = self
            .credentials
            .unwrap_or_else(|| CredentialsSetting::environment(OCP_ENV))
            .into_provider(self.options.clock.clone());
        Ok(Client {
            inner: Arc::new(Inner {
                service: Service::new(
                    Pipeline::new(self.options)?,
                    OcpProtocol,
                    Arc::new(OcpAuthorizer(credentials)),
                ),
                endpoint,
                language: self.language,
            }),
        })
    }
}
