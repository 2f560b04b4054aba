//! The CynosDB client and its builder.

use std::borrow::Cow;
use std::sync::Arc;

use cloudops_core::credentials::CredentialsSetting;
use cloudops_core::sign::tc3::SignedHeaders;
use cloudops_core::{
    CallOptions, ClientOptions, Endpoint, Error, Language, Method, OperationSpec, Pipeline,
    Request, Service, validate,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::operation::RawAction;
use crate::protocol::{self, Tc3Authorizer, Tc3Protocol};
use crate::waiter::FlowWaiter;

/// The global endpoint.
pub const DEFAULT_ENDPOINT: &str = "https://cynosdb.tencentcloudapi.com";
/// The variable the region is read from when the builder is given none, as Tencent's CLI
/// reads it.
pub const REGION_VARIABLE: &str = "TENCENTCLOUD_REGION";
/// The documented limit of PauseServerless, in requests per second.
pub const DOCUMENTED_RATE_LIMIT: u32 = 20;

/// A CynosDB client for one region. Cheap to clone; clones share connections.
///
/// ```no_run
/// # async fn demo() -> Result<(), cloudops_tencentcloud_cynosdb::Error> {
/// use cloudops_tencentcloud_cynosdb::Client;
/// let client = Client::from_env("ap-guangzhou")?;
/// let paused = client.pause_serverless("cynosdbmysql-8vcxoq75").force_pause(true).send().await?;
/// println!("flow {} (request {})", paused.flow_id, paused.request_id);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    service: Service<Tc3Protocol>,
    endpoint: Endpoint,
    region: String,
    /// The region as every request sends it, made once.
    region_header: cloudops_core::request::SharedValue,
    language: Option<Language>,
}

impl Client {
    /// A builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The region requests are sent for.
    pub fn region(&self) -> &str {
        &self.inner.region
    }

    /// The endpoint requests go to.
    pub fn endpoint(&self) -> &Endpoint {
        &self.inner.endpoint
    }

    /// A client for `region` with credentials from the default chain
    /// ([`credentials::default_chain`](crate::credentials::default_chain):
    /// `TENCENTCLOUD_SECRET_ID`/`_SECRET_KEY`/`_SESSION_TOKEN`, then
    /// `~/.tencentcloud/credentials` and the platform's sources) and the default options.
    pub fn from_env(region: &str) -> Result<Client, Error> {
        Client::builder().region(region).build()
    }

    /// Waits for a flow to finish. See [`FlowWaiter`].
    pub fn wait_for_flow(&self, flow_id: i64) -> FlowWaiter {
        FlowWaiter::new(self.clone(), flow_id)
    }

    /// Any action of version 2019-01-07 this crate does not model yet, with the same
    /// signing, errors and retries. See [`RawAction`].
    pub fn action(&self, action: impl Into<String>) -> RawAction {
        RawAction::new(self.clone(), action.into())
    }

    /// Sends `action` with `input` as its JSON body and decodes the `Response` object.
    pub(crate) async fn invoke<I: Serialize + ?Sized, O: DeserializeOwned + Send>(
        &self,
        spec: &OperationSpec,
        action: Cow<'static, str>,
        input: &I,
        options: &CallOptions,
    ) -> Result<O, Error> {
        let request = self.request(action, input)?;
        self.inner.service.send(spec, request, options).await
    }

    /// The unsigned wire request for `action` with `input`.
    pub(crate) fn request<I: Serialize + ?Sized>(
        &self,
        action: Cow<'static, str>,
        input: &I,
    ) -> Result<Request, Error> {
        validate::header_value("action", &action)?;
        let body = serde_json::to_vec(input)
            .map_err(|e| Error::invalid_input("input", format!("must serialize to JSON: {e}")))?;
        let mut request = Request::new(Method::Post, self.inner.endpoint.clone(), "/")
            .with_body("application/json", body);
        match action {
            Cow::Borrowed(name) => request.headers.set_static("x-tc-action", name),
            Cow::Owned(name) => request.headers.set("x-tc-action", name),
        }
        // The client names itself in its User-Agent; the optional X-TC-RequestClient would
        // only say it again, in every request.
        let mut request = request.with_static_header("x-tc-version", protocol::VERSION);
        request
            .headers
            .set_shared("x-tc-region", &self.inner.region_header);
        if let Some(lang) = self.inner.language {
            request.headers.set_static("x-tc-language", lang.tag());
        }
        Ok(request)
    }
}

/// Builds a [`Client`].
#[derive(Debug, Default)]
pub struct ClientBuilder {
    region: Option<String>,
    credentials: Option<CredentialsSetting>,
    endpoint: Option<String>,
    regional_endpoint: bool,
    language: Option<Language>,
    options: ClientOptions,
    sign_action: bool,
}

impl ClientBuilder {
    /// The region (`ap-guangzhou`, ...). Required: when it is not set here,
    /// `TENCENTCLOUD_REGION` is read, as Tencent's CLI reads it.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    cloudops_core::credential_setters!(
        credentials,
        "the environment (`TENCENTCLOUD_SECRET_ID`...), then `~/.tencentcloud/credentials`, the CVM instance role and TKE's workload identity (`credentials::default_chain`; the environment alone without the `credential-sources` feature)"
    );

    /// Sends to this endpoint instead of the default (`https://host[:port]`; `http://` for a
    /// local emulator).
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Sends to the regional host `cynosdb.<region>.tencentcloudapi.com` instead of the global
    /// one.
    pub fn regional_endpoint(mut self, yes: bool) -> Self {
        self.regional_endpoint = yes;
        self
    }

    /// The language of the service's messages.
    pub fn language(mut self, language: Language) -> Self {
        self.language = Some(language);
        self
    }

    cloudops_core::client_option_setters!(options);

    /// Also signs `X-TC-Action` (`SignedHeaders=content-type;host;x-tc-action`), the newer
    /// rule. Off by default; the server accepts both.
    pub fn sign_action_header(mut self, yes: bool) -> Self {
        self.sign_action = yes;
        self
    }

    /// Builds the client. Fails when the region or endpoint is invalid or the transport cannot
    /// be set up; credentials are resolved when a call is made.
    pub fn build(self) -> Result<Client, Error> {
        let region = self
            .region
            .or_else(|| std::env::var(REGION_VARIABLE).ok())
            .unwrap_or_default();
        if region.is_empty() {
            return Err(Error::invalid_input(
                "region",
                format!("must be set (on the builder, or in {REGION_VARIABLE})"),
            ));
        }
        validate::charset(
            "region",
            &region,
            "lowercase letters, digits and '-'",
            |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-',
        )?;
        let endpoint = match (&self.endpoint, self.regional_endpoint) {
            (Some(e), _) => Endpoint::parse(e)?,
            (None, true) => {
                Endpoint::parse(&format!("https://cynosdb.{region}.tencentcloudapi.com"))?
            }
            (None, false) => Endpoint::parse(DEFAULT_ENDPOINT)?,
        };
        let credentials = self
            .credentials
            .unwrap_or_else(crate::credentials::default_setting)
            .into_provider(self.options.clock.clone())?;
        let authorizer = Tc3Authorizer {
            service: protocol::SERVICE,
            credentials,
            signed_headers: if self.sign_action {
                SignedHeaders::WithAction
            } else {
                SignedHeaders::ContentTypeHost
            },
        };
        let pipeline = Pipeline::new(self.options)?;
        pipeline.transport().check_endpoint(&endpoint)?;
        Ok(Client {
            inner: Arc::new(Inner {
                service: Service::new(pipeline, Tc3Protocol, Arc::new(authorizer)),
                endpoint,
                region_header: cloudops_core::request::SharedValue::new("region", &region)?,
                region,
                language: self.language,
            }),
        })
    }
}
