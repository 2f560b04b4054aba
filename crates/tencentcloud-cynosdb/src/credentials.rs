//! Short-lived credentials from the platform: the CVM instance role, and the default chain that
//! ends with it.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use cloudops_core::credentials::metadata::MetadataClient;
use cloudops_core::credentials::{
    CredentialsChain, CredentialsSetting, EnvNames, EnvSource, EnvironmentProvider, Lookup,
    ProfileLayout, ProvideCredentials,
};
use cloudops_core::{
    AccessKey, Authorizer, CallOptions, ClientOptions, Endpoint, Error, Idempotency, Method,
    OperationSpec, Pipeline, Request, Service,
};
use serde::Deserialize;

use crate::protocol::{Tc3Authorizer, Tc3Protocol};

/// The metadata service a CVM instance reaches.
pub const CVM_METADATA_URL: &str = "http://metadata.tencentyun.com";

const ROLE_PATH: &str = "/latest/meta-data/cam/security-credentials/";

/// The credentials of the CAM role bound to the CVM instance, from its metadata service
/// (`GET /latest/meta-data/cam/security-credentials/` for the role name, then
/// `.../<role>` for `TmpSecretId`, `TmpSecretKey`, `Token` and `ExpiredTime`). Each request
/// waits at most the timeout (default 1 s); a service that does not answer means "not on a
/// CVM instance", so a chain moves on. Clients cache the keys and refresh them 5 minutes
/// before they expire, as the official SDKs do.
#[derive(Debug, Clone)]
pub struct CvmRoleProvider {
    metadata: MetadataClient,
}

impl Default for CvmRoleProvider {
    fn default() -> Self {
        CvmRoleProvider {
            metadata: MetadataClient::new(CVM_METADATA_URL, Duration::from_secs(1)),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RoleCredentials {
    tmp_secret_id: String,
    tmp_secret_key: String,
    token: String,
    expired_time: u64,
    #[serde(default)]
    code: Option<String>,
}

impl CvmRoleProvider {
    /// The role of the instance this runs on.
    pub fn new() -> Self {
        Self::default()
    }

    cloudops_core::metadata_provider_setters!(metadata);
}

#[async_trait]
impl ProvideCredentials for CvmRoleProvider {
    async fn lookup(&self) -> Result<Lookup, Error> {
        let silent = || {
            Lookup::NotFound(format!(
                "the metadata service at {} did not answer",
                self.metadata.base()
            ))
        };
        let Some(r) = self.metadata.send(Method::Get, ROLE_PATH, &[]).await? else {
            return Ok(silent());
        };
        if r.status == 404 {
            return Ok(Lookup::NotFound("no role is bound to this instance".into()));
        }
        let role = r
            .text()
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        if r.status != 200 || role.is_empty() || role.contains('/') {
            return Err(Error::credentials(format!(
                "{}: the role name request answered HTTP {}",
                self.source(),
                r.status
            )));
        }
        let Some(r) = self
            .metadata
            .send(Method::Get, &format!("{ROLE_PATH}{role}"), &[])
            .await?
        else {
            return Ok(silent());
        };
        let creds: RoleCredentials = (r.status == 200)
            .then(|| serde_json::from_slice(&r.body).ok())
            .flatten()
            .filter(|c: &RoleCredentials| c.code.as_deref().is_none_or(|c| c == "Success"))
            .ok_or_else(|| {
                Error::credentials(format!(
                    "{}: the credentials of role {role} could not be read (HTTP {})",
                    self.source(),
                    r.status
                ))
            })?;
        let expires_at = UNIX_EPOCH
            .checked_add(Duration::from_secs(creds.expired_time))
            .unwrap_or(SystemTime::UNIX_EPOCH);
        Ok(Lookup::Found(
            AccessKey::new(creds.tmp_secret_id, creds.tmp_secret_key)
                .with_session_token(creds.token)
                .with_expiry(expires_at)
                .into(),
        ))
    }

    fn source(&self) -> String {
        format!("the CVM instance role ({})", self.metadata.base())
    }
}

/// The variables the environment provider reads: `TENCENTCLOUD_SECRET_ID`,
/// `TENCENTCLOUD_SECRET_KEY` and, for temporary credentials, `TENCENTCLOUD_SESSION_TOKEN`.
pub const ENVIRONMENT: EnvNames = EnvNames {
    id: "TENCENTCLOUD_SECRET_ID",
    secret: "TENCENTCLOUD_SECRET_KEY",
    token: Some("TENCENTCLOUD_SESSION_TOKEN"),
    attributes: &[],
    username: None,
    password: None,
};

/// The profile file: `$TENCENTCLOUD_CREDENTIALS_FILE`, else `~/.tencentcloud/credentials`,
/// section `[default]`, keys `secret_id`, `secret_key` and optionally `token`.
pub const PROFILE: ProfileLayout = ProfileLayout {
    path_var: "TENCENTCLOUD_CREDENTIALS_FILE",
    default_relative: ".tencentcloud/credentials",
    section: "default",
    id: "secret_id",
    secret: "secret_key",
    token: "token",
    attributes: &[],
};

/// Tencent Cloud's default chain, in the official Python SDK's order: the environment
/// (`TENCENTCLOUD_SECRET_ID`...), the profile file, the CVM instance role, then TKE's OIDC
/// workload identity. Its error lists every source tried.
///
/// Without the `credential-sources` feature (on by default) the chain is the environment
/// alone, and a program links none of the other sources; each can still be built and passed
/// to [`ClientBuilder::credentials_provider`](crate::ClientBuilder::credentials_provider).
pub fn default_chain() -> CredentialsChain {
    #[cfg(feature = "credential-sources")]
    let sources: Vec<Arc<dyn ProvideCredentials>> = vec![
        Arc::new(EnvironmentProvider::new(ENVIRONMENT)),
        Arc::new(cloudops_core::credentials::ProfileFileProvider::new(
            PROFILE,
        )),
        Arc::new(CvmRoleProvider::new()),
        Arc::new(WebIdentityProvider::new()),
    ];
    #[cfg(not(feature = "credential-sources"))]
    let sources: Vec<Arc<dyn ProvideCredentials>> =
        vec![Arc::new(EnvironmentProvider::new(ENVIRONMENT))];
    CredentialsChain::new(sources)
}

/// The default chain as a client keeps it: in a [`CachingProvider`](cloudops_core::credentials::CachingProvider),
/// which refreshes temporary credentials ahead of their expiry, when the chain has sources
/// of them (`credential-sources`); the environment alone is read once and kept, without the
/// chain.
pub(crate) fn default_setting() -> CredentialsSetting {
    #[cfg(feature = "credential-sources")]
    return CredentialsSetting::provider(Arc::new(default_chain()));
    #[cfg(not(feature = "credential-sources"))]
    CredentialsSetting::environment(ENVIRONMENT)
}

/// Tencent Cloud STS, where roles are assumed.
pub const STS_ENDPOINT: &str = "https://sts.tencentcloudapi.com";
const STS_VERSION: &str = "2018-08-13";

/// `AssumeRole` and `AssumeRoleWithWebIdentity` as the pipeline sees them: issuing another
/// set of temporary keys changes nothing, so they are retried like reads.
const ASSUME_ROLE: OperationSpec = OperationSpec::new(
    crate::protocol::VENDOR,
    "AssumeRole",
    Idempotency::Idempotent,
)
.with_secret_answer();
const ASSUME_ROLE_WITH_WEB_IDENTITY: OperationSpec = OperationSpec::new(
    crate::protocol::VENDOR,
    "AssumeRoleWithWebIdentity",
    Idempotency::Idempotent,
)
.with_secret_answer();

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StsCredentials {
    tmp_secret_id: String,
    tmp_secret_key: String,
    token: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StsAnswer {
    credentials: StsCredentials,
    expired_time: u64,
}

/// Where STS is and how a role is asked for.
#[derive(Debug, Clone)]
struct Sts {
    endpoint: String,
    region: String,
    role_arn: String,
    session_name: String,
    duration: Duration,
    options: ClientOptions,
}

impl Sts {
    fn new(role_arn: String, session_name: String) -> Self {
        Sts {
            endpoint: STS_ENDPOINT.to_string(),
            region: "ap-guangzhou".to_string(),
            role_arn,
            session_name,
            duration: Duration::from_secs(7200),
            options: ClientOptions::default().attempt_timeout(Some(Duration::from_secs(10))),
        }
    }

    /// Asks STS for `spec` with `fields` added to the role's, signed by `authorizer`.
    async fn assume(
        &self,
        spec: &OperationSpec,
        authorizer: Arc<dyn Authorizer>,
        mut body: serde_json::Map<String, serde_json::Value>,
    ) -> Result<AccessKey, Error> {
        body.insert("RoleArn".into(), self.role_arn.clone().into());
        body.insert("RoleSessionName".into(), self.session_name.clone().into());
        body.insert("DurationSeconds".into(), self.duration.as_secs().into());
        let bytes = serde_json::to_vec(&body)
            .map_err(|e| Error::invalid_input("assume_role", format!("cannot be encoded: {e}")))?;
        let request = Request::new(Method::Post, Endpoint::parse(&self.endpoint)?, "/")
            .with_body("application/json", bytes)
            .with_header("x-tc-action", spec.name)
            .with_header("x-tc-version", STS_VERSION)
            .with_header("x-tc-region", self.region.clone());
        let pipeline = Pipeline::new(self.options.clone())?;
        let service = Service::new(pipeline, Tc3Protocol, authorizer);
        let answer: StsAnswer = service.send(spec, request, &CallOptions::default()).await?;
        let expires_at = UNIX_EPOCH
            .checked_add(Duration::from_secs(answer.expired_time))
            .unwrap_or(UNIX_EPOCH);
        Ok(AccessKey::new(
            answer.credentials.tmp_secret_id,
            answer.credentials.tmp_secret_key,
        )
        .with_session_token(answer.credentials.token)
        .with_expiry(expires_at))
    }
}

/// Temporary keys of a CAM role, assumed with STS `AssumeRole` (TC3-signed with any base
/// credentials). Clients cache them and assume the role again 5 minutes before they expire.
#[derive(Debug, Clone)]
pub struct AssumeRoleProvider {
    base: Arc<dyn ProvideCredentials>,
    sts: Sts,
    policy: Option<String>,
}

impl AssumeRoleProvider {
    /// Assumes `role_arn` (`qcs::cam::uin/<uin>:roleName/<name>`) as `session_name`, signing
    /// with `base`.
    pub fn new(
        base: Arc<dyn ProvideCredentials>,
        role_arn: impl Into<String>,
        session_name: impl Into<String>,
    ) -> Self {
        AssumeRoleProvider {
            base,
            sts: Sts::new(role_arn.into(), session_name.into()),
            policy: None,
        }
    }

    /// How long the keys live (default 2 hours).
    pub fn duration(mut self, duration: Duration) -> Self {
        self.sts.duration = duration;
        self
    }

    /// A policy narrowing what the keys may do, as JSON text. It is sent URL-encoded, as the
    /// API documents it (the service decodes it, so a `+` sent raw would become a space).
    pub fn policy(mut self, policy: impl Into<String>) -> Self {
        self.policy = Some(policy.into());
        self
    }

    /// The STS endpoint (default `https://sts.tencentcloudapi.com`) and region
    /// (default `ap-guangzhou`).
    pub fn sts_endpoint(mut self, endpoint: impl Into<String>, region: impl Into<String>) -> Self {
        self.sts.endpoint = endpoint.into();
        self.sts.region = region.into();
        self
    }

    /// The timeouts and transport of the STS call.
    pub fn options(mut self, options: ClientOptions) -> Self {
        self.sts.options = options;
        self
    }
}

#[async_trait]
impl ProvideCredentials for AssumeRoleProvider {
    async fn lookup(&self) -> Result<Lookup, Error> {
        let authorizer = Arc::new(Tc3Authorizer {
            credentials: self.base.clone(),
            signed_headers: cloudops_core::sign::tc3::SignedHeaders::ContentTypeHost,
            service: "sts",
        });
        let mut body = serde_json::Map::new();
        if let Some(p) = &self.policy {
            body.insert(
                "Policy".into(),
                cloudops_core::encoding::percent_encode(p).into(),
            );
        }
        let key = self.sts.assume(&ASSUME_ROLE, authorizer, body).await?;
        Ok(Lookup::Found(key.into()))
    }

    fn source(&self) -> String {
        format!("STS AssumeRole of {}", self.sts.role_arn)
    }
}

/// Marks a request unsigned, as Tencent Cloud's `AssumeRoleWithWebIdentity` wants it.
#[derive(Debug)]
struct Unsigned;

#[async_trait]
impl Authorizer for Unsigned {
    async fn authorize(&self, request: &mut Request, now: SystemTime) -> Result<(), Error> {
        request.headers.set("authorization", "SKIP");
        request.headers.set(
            "x-tc-timestamp",
            cloudops_core::time::unix_seconds(now).to_string(),
        );
        Ok(())
    }
}

/// TKE's OIDC workload identity: `TKE_REGION`, `TKE_PROVIDER_ID`,
/// `TKE_WEB_IDENTITY_TOKEN_FILE` and `TKE_ROLE_ARN` name a role that STS
/// `AssumeRoleWithWebIdentity` (unsigned) exchanges the pod's token for; the token file is
/// read again at every refresh, as it is rotated.
#[derive(Debug, Clone)]
pub struct WebIdentityProvider {
    env: EnvSource,
    sts_endpoint: Option<String>,
    session_name: String,
}

impl Default for WebIdentityProvider {
    fn default() -> Self {
        WebIdentityProvider {
            env: EnvSource::Process,
            sts_endpoint: None,
            session_name: "cloudops".to_string(),
        }
    }
}

impl WebIdentityProvider {
    /// Reads the `TKE_*` variables of the process.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the variables from `env` instead.
    pub fn with_env(mut self, env: EnvSource) -> Self {
        self.env = env;
        self
    }

    /// The STS endpoint (default `https://sts.tencentcloudapi.com`).
    pub fn sts_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.sts_endpoint = Some(endpoint.into());
        self
    }
}

#[async_trait]
impl ProvideCredentials for WebIdentityProvider {
    async fn lookup(&self) -> Result<Lookup, Error> {
        let names = [
            "TKE_REGION",
            "TKE_PROVIDER_ID",
            "TKE_WEB_IDENTITY_TOKEN_FILE",
            "TKE_ROLE_ARN",
        ];
        let values: Vec<Option<String>> = names.iter().map(|n| self.env.get(n)).collect();
        let [Some(region), Some(provider), Some(file), Some(role)] = values.as_slice() else {
            return Ok(Lookup::NotFound(
                "TKE_REGION, TKE_PROVIDER_ID, TKE_WEB_IDENTITY_TOKEN_FILE and TKE_ROLE_ARN are not all set"
                    .to_string(),
            ));
        };
        let path = std::path::PathBuf::from(file);
        let token = tokio::task::spawn_blocking(move || {
            cloudops_core::files::read_limited_text(
                &path,
                cloudops_core::files::MAX_TOKEN_FILE_BYTES,
            )
        })
        .await
        .map_err(|e| Error::credentials(format!("reading the web identity token: {e}")))?
        .map_err(|e| {
            Error::credentials(format!("cannot read the web identity token {file}: {e}"))
        })?;
        let mut sts = Sts::new(role.clone(), self.session_name.clone());
        sts.region = region.clone();
        if let Some(e) = &self.sts_endpoint {
            sts.endpoint = e.clone();
        }
        let mut body = serde_json::Map::new();
        body.insert("ProviderId".into(), provider.clone().into());
        body.insert("WebIdentityToken".into(), token.trim().into());
        let key = sts
            .assume(&ASSUME_ROLE_WITH_WEB_IDENTITY, Arc::new(Unsigned), body)
            .await?;
        Ok(Lookup::Found(key.into()))
    }

    fn source(&self) -> String {
        "TKE OIDC (AssumeRoleWithWebIdentity)".to_string()
    }
}
