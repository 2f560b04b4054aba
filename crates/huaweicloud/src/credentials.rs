//! Short-lived credentials from the platform: the ECS metadata service (an agency bound to the
//! server), and the default chain that ends with it.

use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use async_trait::async_trait;
use cloudops_core::credentials::metadata::MetadataClient;
use cloudops_core::credentials::{
    CredentialsChain, EnvironmentProvider, Lookup, ProfileFileProvider, ProvideCredentials,
};
use cloudops_core::time::UtcDateTime;
use cloudops_core::{AccessKey, Error, Method, SecretString};
use serde::Deserialize;

/// The metadata service an ECS server reaches.
pub const ECS_METADATA_URL: &str = "http://169.254.169.254";

const TOKEN_PATH: &str = "/meta-data/latest/api/token";
const KEY_PATH: &str = "/openstack/latest/securitykey";

/// The temporary keys of the agency bound to the ECS server, from its metadata service: a
/// session token first (`PUT /meta-data/latest/api/token`, six hours; 404, 405 or 503 mean a
/// service without tokens, and the key is asked without one), then
/// `GET /openstack/latest/securitykey` (`access`, `secret`, `securitytoken`, `expires_at`).
/// A 401 means the session token expired: a new one is fetched once. Each request waits at
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

    /// Asks the metadata service at `url` instead (a private cloud's, a test's).
    pub fn with_endpoint(mut self, url: impl Into<String>) -> Self {
        self.metadata = self.metadata.with_base(url);
        self
    }

    /// Waits at most `timeout` for each answer.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.metadata = self.metadata.with_timeout(timeout);
        self
    }

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
        if r.status == 401 {
            return Ok(Attempt::SessionExpired);
        }
        if r.status == 404 {
            return Ok(Attempt::Key(Lookup::NotFound(
                "no agency is bound to this server".into(),
            )));
        }
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
        let expires_at = UtcDateTime::parse_rfc3339(&key.expires_at)
            .and_then(|t| u64::try_from(t.to_unix()).ok())
            .and_then(|s| UNIX_EPOCH.checked_add(Duration::from_secs(s)))
            .ok_or_else(|| {
                Error::credentials(format!(
                    "{}: the security key's expires_at is not a time",
                    self.source()
                ))
            })?;
        Ok(Attempt::Key(Lookup::Found(
            AccessKey::new(key.access, key.secret)
                .with_session_token(key.securitytoken)
                .with_expiry(expires_at)
                .into(),
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

/// Huawei Cloud's default chain: the environment (`HUAWEICLOUD_SDK_AK`...), the profile file,
/// then the ECS metadata service.
pub fn default_chain() -> CredentialsChain {
    CredentialsChain::new(vec![
        Arc::new(EnvironmentProvider::huawei()),
        Arc::new(ProfileFileProvider::huawei()),
        Arc::new(EcsMetadataProvider::new()),
    ])
}
