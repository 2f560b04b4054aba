//! Short-lived credentials from the platform: the CVM instance role, and the default chain that
//! ends with it.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use cloudops_core::credentials::metadata::MetadataClient;
use cloudops_core::credentials::{
    CredentialsChain, EnvironmentProvider, Lookup, ProfileFileProvider, ProvideCredentials,
};
use cloudops_core::{AccessKey, Error, Method};
use serde::Deserialize;

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

/// Tencent Cloud's default chain: the environment (`TENCENTCLOUD_SECRET_ID`...), the profile
/// file, then the CVM instance role.
pub fn default_chain() -> CredentialsChain {
    CredentialsChain::new(vec![
        Arc::new(EnvironmentProvider::tencent()),
        Arc::new(ProfileFileProvider::tencent()),
        Arc::new(CvmRoleProvider::new()),
    ])
}
