//! Short-lived credentials from the platform: the ECS metadata service (an agency bound to the
//! server), and the default chain that ends with it.

use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use async_trait::async_trait;
use cloudops_core::credentials::metadata::MetadataClient;
use cloudops_core::credentials::{
    CredentialsChain, CredentialsSetting, EnvNames, EnvSource, EnvironmentProvider, Lookup,
    ProfileLayout, ProvideCredentials,
};
use cloudops_core::time::UtcDateTime;
use cloudops_core::{
    AccessKey, Authorizer, CallOptions, ClientOptions, Decoded, Endpoint, Error, Idempotency,
    Method, OperationSpec, Pipeline, Protocol, Request, SecretString, Service,
};
use serde::Deserialize;

use crate::error::HuaweiProtocol;

/// The metadata service an ECS server reaches.
pub const ECS_METADATA_URL: &str = "http://169.254.169.254";

const TOKEN_PATH: &str = "/meta-data/latest/api/token";
/// What the metadata service answers, with a 401, on a server no agency is bound to: not an
/// expired session, so no new session token is asked for.
const NO_AGENCY: &str = "Please configure Cloud Service Agency first";
const KEY_PATH: &str = "/openstack/latest/securitykey";

/// The temporary keys of the agency bound to the ECS server, from its metadata service: a
/// session token first (`PUT /meta-data/latest/api/token`, six hours; 404, 405 or 503 mean a
/// service without tokens, and the key is asked without one), then
/// `GET /openstack/latest/securitykey` (`access`, `secret`, `securitytoken`, `expires_at`).
/// A 401 means the session token expired: a new one is fetched once (but a 401 that says no
/// agency is configured ends the lookup at once, with that reason, as the official SDKs do). Each request waits at
/// most the timeout (default 3 s, as the official SDKs); a service that does not answer means
/// "not on an ECS server", so a chain moves on.
#[derive(Debug)]
pub struct EcsMetadataProvider {
    metadata: MetadataClient,
    /// The metadata session token, a secret like the keys it unlocks.
    session: Mutex<Option<SecretString>>,
}

impl Default for EcsMetadataProvider {
    fn default() -> Self {
        EcsMetadataProvider {
            metadata: MetadataClient::new(ECS_METADATA_URL, Duration::from_secs(3)),
            session: Mutex::new(None),
        }
    }
}

#[derive(Deserialize)]
struct SecurityKey {
    credential: TemporaryKey,
}

#[derive(Deserialize)]
struct TemporaryKey {
    access: String,
    secret: String,
    securitytoken: String,
    expires_at: String,
}

/// What one attempt at the security key saw.
enum Attempt {
    Key(Lookup),
    SessionExpired,
}

impl EcsMetadataProvider {
    /// The agency of the server this runs on.
    pub fn new() -> Self {
        Self::default()
    }

    cloudops_core::metadata_provider_setters!(metadata);

    fn session(&self) -> Option<String> {
        self.session
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(|t| t.expose().to_string())
    }

    fn set_session(&self, token: Option<String>) {
        *self.session.lock().unwrap_or_else(|e| e.into_inner()) = token.map(SecretString::new);
    }

    fn silent(&self) -> Lookup {
        Lookup::NotFound(format!(
            "the metadata service at {} did not answer",
            self.metadata.base()
        ))
    }

    /// A session token, fetched when none is held; `Ok(None)` for a service without tokens.
    async fn session_token(&self) -> Result<Result<Option<String>, Lookup>, Error> {
        if let Some(t) = self.session() {
            return Ok(Ok(Some(t)));
        }
        let Some(r) = self
            .metadata
            .send(
                Method::Put,
                TOKEN_PATH,
                &[("x-metadata-token-ttl-seconds", "21600")],
            )
            .await?
        else {
            return Ok(Err(self.silent()));
        };
        match r.status {
            200 => {
                let token = r.text().trim().to_string();
                self.set_session(Some(token.clone()));
                Ok(Ok(Some(token)))
            }
            404 | 405 | 503 => Ok(Ok(None)),
            other => Err(Error::credentials(format!(
                "{}: the session token request answered HTTP {other}",
                self.source()
            ))),
        }
    }

    async fn attempt(&self) -> Result<Attempt, Error> {
        let token = match self.session_token().await? {
            Ok(t) => t,
            Err(not_found) => return Ok(Attempt::Key(not_found)),
        };
        let headers: Vec<(&str, &str)> = token
            .as_deref()
            .map(|t| vec![("x-metadata-token", t)])
            .unwrap_or_default();
        let Some(r) = self.metadata.send(Method::Get, KEY_PATH, &headers).await? else {
            return Ok(Attempt::Key(self.silent()));
        };
        if r.status == 401 && !r.text().contains(NO_AGENCY) {
            return Ok(Attempt::SessionExpired);
        }
        if r.status == 404 {
            return Ok(Attempt::Key(Lookup::NotFound(
                "no agency is bound to this server".into(),
            )));
        }
        if r.status >= 400 {
            // An error answer carries the service's reason (no agency bound, say), never a
            // key: it is kept, redacted and cut short.
            return Err(Error::credentials(format!(
                "{}: the security key request answered HTTP {}: {}",
                self.source(),
                r.status,
                cloudops_core::redact::Escaped(&cloudops_core::error::excerpt(&r.body))
            )));
        }
        // A key that cannot be read is not shown: it may hold the secrets.
        let key = (r.status == 200)
            .then(|| serde_json::from_slice::<SecurityKey>(&r.body).ok())
            .flatten()
            .ok_or_else(|| {
                Error::credentials(format!(
                    "{}: the security key could not be read (HTTP {})",
                    self.source(),
                    r.status
                ))
            })?
            .credential;
        Ok(Attempt::Key(Lookup::Found(
            temporary_key(key, &self.source())?.into(),
        )))
    }
}

#[async_trait]
impl ProvideCredentials for EcsMetadataProvider {
    async fn lookup(&self) -> Result<Lookup, Error> {
        match self.attempt().await? {
            Attempt::Key(found) => Ok(found),
            Attempt::SessionExpired => {
                // The session token expired: one new one, then the key again.
                self.set_session(None);
                match self.attempt().await? {
                    Attempt::Key(found) => Ok(found),
                    Attempt::SessionExpired => Err(Error::credentials(format!(
                        "{}: a new session token was refused too",
                        self.source()
                    ))),
                }
            }
        }
    }

    fn source(&self) -> String {
        format!("the ECS metadata service ({})", self.metadata.base())
    }
}

/// An access key from the `{access, secret, securitytoken, expires_at}` both the metadata
/// service and IAM answer with.
fn temporary_key(key: TemporaryKey, source: &str) -> Result<AccessKey, Error> {
    let expires_at = UtcDateTime::parse_rfc3339(&key.expires_at)
        .and_then(|t| u64::try_from(t.to_unix()).ok())
        .and_then(|s| UNIX_EPOCH.checked_add(Duration::from_secs(s)))
        .ok_or_else(|| {
            Error::credentials(format!("{source}: the key's expires_at is not a time"))
        })?;
    Ok(AccessKey::new(key.access, key.secret)
        .with_session_token(key.securitytoken)
        .with_expiry(expires_at))
}

/// The variables the environment provider reads: `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`,
/// optionally `HUAWEICLOUD_SDK_PROJECT_ID` and, for temporary credentials,
/// `HUAWEICLOUD_SDK_SECURITY_TOKEN`.
pub const ENVIRONMENT: EnvNames = EnvNames {
    id: "HUAWEICLOUD_SDK_AK",
    secret: "HUAWEICLOUD_SDK_SK",
    token: Some("HUAWEICLOUD_SDK_SECURITY_TOKEN"),
    attributes: &[(PROJECT_ID, "HUAWEICLOUD_SDK_PROJECT_ID")],
    username: None,
    password: None,
};

/// The profile file: `$HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else `~/.huaweicloud/credentials`,
/// section `[basic]`, keys `ak`, `sk` and optionally `project_id`, `security_token`.
pub const PROFILE: ProfileLayout = ProfileLayout {
    path_var: "HUAWEICLOUD_SDK_CREDENTIALS_FILE",
    default_relative: ".huaweicloud/credentials",
    section: "basic",
    id: "ak",
    secret: "sk",
    token: "security_token",
    attributes: &[(PROJECT_ID, "project_id")],
};

/// The name of the access key attribute ([`AccessKey::attribute`]) that holds the project the
/// key is scoped to; [`ProjectScoped`] reads and sets it.
pub const PROJECT_ID: &str = "project_id";

/// An access key's project: the one its calls name in their paths when the client sets none,
/// and the one sent and signed as `X-Project-Id`.
///
/// ```
/// use cloudops_huaweicloud::{AccessKey, ProjectScoped};
///
/// let key = AccessKey::new("AK", "SK").with_project_id("0123456789abcdef0123456789abcdef");
/// assert_eq!(key.project_id(), Some("0123456789abcdef0123456789abcdef"));
/// ```
pub trait ProjectScoped {
    /// The same key, scoped to `project_id`.
    fn with_project_id(self, project_id: impl Into<String>) -> Self;
    /// The project the key is scoped to, when it is known.
    fn project_id(&self) -> Option<&str>;
}

impl ProjectScoped for AccessKey {
    fn with_project_id(self, project_id: impl Into<String>) -> Self {
        self.with_attribute(PROJECT_ID, project_id)
    }

    fn project_id(&self) -> Option<&str> {
        self.attribute(PROJECT_ID)
    }
}

/// Huawei Cloud's default chain, in the official Python SDK's order: OIDC through an IAM
/// identity provider, the environment (`HUAWEICLOUD_SDK_AK`...), the profile file, then the
/// ECS metadata service. Its error lists every source tried.
///
/// Without the `credential-sources` feature (on by default) the chain is the environment
/// alone, and a program links none of the other sources; each can still be built and passed
/// to [`ClientBuilder::credentials_provider`](crate::ClientBuilder::credentials_provider).
pub fn default_chain() -> CredentialsChain {
    #[cfg(feature = "credential-sources")]
    let sources: Vec<Arc<dyn ProvideCredentials>> = vec![
        Arc::new(IdpProvider::new()),
        Arc::new(EnvironmentProvider::new(ENVIRONMENT)),
        Arc::new(cloudops_core::credentials::ProfileFileProvider::new(
            PROFILE,
        )),
        Arc::new(EcsMetadataProvider::new()),
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

/// IAM's global endpoint, where the identity-provider exchange happens unless
/// `HUAWEICLOUD_SDK_IAM_ENDPOINT` names another.
pub const IAM_GLOBAL_ENDPOINT: &str = "https://iam.myhuaweicloud.com";

const ID_TOKEN_EXCHANGE: OperationSpec = OperationSpec::new(
    crate::error::VENDOR,
    "CreateTokenWithIdToken",
    Idempotency::Idempotent,
)
.with_secret_answer();
const SECURITY_TOKEN: OperationSpec = OperationSpec::new(
    crate::error::VENDOR,
    "CreateTemporaryAccessKeyByToken",
    Idempotency::Idempotent,
)
.with_secret_answer();

/// Sends nothing of its own: the identity-provider calls carry their credentials in headers
/// and bodies.
#[derive(Debug)]
struct Unsigned;

#[async_trait]
impl Authorizer for Unsigned {
    async fn authorize(&self, _: &mut Request, _: std::time::SystemTime) -> Result<(), Error> {
        Ok(())
    }
}

/// OIDC workload identity through an IAM identity provider: `HUAWEICLOUD_SDK_IDP_ID` names the
/// provider and `HUAWEICLOUD_SDK_ID_TOKEN_FILE` holds the id token (read again at each
/// refresh). The id token is exchanged for an unscoped token
/// (`POST /v3.0/OS-AUTH/id-token/tokens` with `X-Idp-Id`), and that for temporary keys
/// (`POST /v3.0/OS-CREDENTIAL/securitytokens`).
#[derive(Debug, Clone)]
pub struct IdpProvider {
    env: EnvSource,
    iam_endpoint: Option<String>,
    duration: Duration,
    options: ClientOptions,
}

impl Default for IdpProvider {
    fn default() -> Self {
        IdpProvider {
            env: EnvSource::Process,
            iam_endpoint: None,
            duration: Duration::from_secs(3600),
            options: ClientOptions::default().attempt_timeout(Some(Duration::from_secs(10))),
        }
    }
}

impl IdpProvider {
    /// Reads the variables of the process.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the variables from `env` instead.
    pub fn with_env(mut self, env: EnvSource) -> Self {
        self.env = env;
        self
    }

    /// IAM's endpoint (default: `HUAWEICLOUD_SDK_IAM_ENDPOINT`, else the global one).
    pub fn iam_endpoint(mut self, url: impl Into<String>) -> Self {
        self.iam_endpoint = Some(url.into());
        self
    }

    /// How long the temporary keys are asked to live (default 1 hour).
    pub fn duration(mut self, duration: Duration) -> Self {
        self.duration = duration;
        self
    }
}

#[async_trait]
impl ProvideCredentials for IdpProvider {
    async fn lookup(&self) -> Result<Lookup, Error> {
        let (Some(idp), Some(file)) = (
            self.env.get("HUAWEICLOUD_SDK_IDP_ID"),
            self.env.get("HUAWEICLOUD_SDK_ID_TOKEN_FILE"),
        ) else {
            return Ok(Lookup::NotFound(
                "HUAWEICLOUD_SDK_IDP_ID and HUAWEICLOUD_SDK_ID_TOKEN_FILE are not both set"
                    .to_string(),
            ));
        };
        let path = std::path::PathBuf::from(&file);
        let id_token = tokio::task::spawn_blocking(move || {
            cloudops_core::files::read_limited_text(
                &path,
                cloudops_core::files::MAX_TOKEN_FILE_BYTES,
            )
        })
        .await
        .map_err(|e| Error::credentials(format!("reading the id token: {e}")))?
        .map_err(|e| Error::credentials(format!("cannot read the id token {file}: {e}")))?;
        let iam = self
            .iam_endpoint
            .clone()
            .or_else(|| self.env.get("HUAWEICLOUD_SDK_IAM_ENDPOINT"))
            .unwrap_or_else(|| IAM_GLOBAL_ENDPOINT.to_string());
        let endpoint = Endpoint::parse(&iam)?;
        let service = Service::new(
            Pipeline::new(self.options.clone())?,
            HuaweiProtocol::default(),
            Arc::new(Unsigned),
        );
        let json = |v: serde_json::Value| serde_json::to_vec(&v).unwrap_or_default();

        // The id token for an unscoped token, which comes back in X-Subject-Token.
        let request = Request::new(
            Method::Post,
            endpoint.clone(),
            "/v3.0/OS-AUTH/id-token/tokens",
        )
        .with_header("x-idp-id", idp)
        .with_body(
            "application/json;charset=utf8",
            json(serde_json::json!({"auth": {"id_token": {"id": id_token.trim()}}})),
        );
        let unscoped = service
            .pipeline()
            .call(
                &ID_TOKEN_EXCHANGE,
                request,
                service.authorizer().as_ref(),
                &CallOptions::default(),
                |spec, response| {
                    if !response.is_success() {
                        HuaweiProtocol::default().decode::<serde_json::Value>(spec, response)?;
                    }
                    let token = response
                        .headers
                        .get("x-subject-token")
                        .filter(|t| !t.is_empty())
                        .map(SecretString::new)
                        .ok_or_else(|| {
                            Error::undecodable(
                                spec.vendor,
                                spec.name,
                                response.status,
                                b"",
                                "no X-Subject-Token header in the answer",
                            )
                        })?;
                    Ok(Decoded::new(token, crate::error::request_id(response)))
                },
            )
            .await?
            .output;

        // The unscoped token for temporary keys.
        let request = Request::new(Method::Post, endpoint, "/v3.0/OS-CREDENTIAL/securitytokens")
            .with_body(
                "application/json;charset=utf8",
                json(serde_json::json!({"auth": {"identity": {
                    "methods": ["token"],
                    "token": {"id": unscoped.expose(), "duration_seconds": self.duration.as_secs()},
                }}})),
            );
        let key: SecurityKey = service
            .send(&SECURITY_TOKEN, request, &CallOptions::default())
            .await?;
        Ok(Lookup::Found(
            temporary_key(key.credential, &self.source())?.into(),
        ))
    }

    fn source(&self) -> String {
        "the IAM identity provider (HUAWEICLOUD_SDK_IDP_ID)".to_string()
    }
}
