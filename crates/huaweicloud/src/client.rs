//! The Huawei Cloud client, shared by every service of this crate.

use std::borrow::Borrow;
use std::sync::Arc;
use std::time::Duration;

#[cfg(feature = "project-discovery")]
use cloudops_core::credentials::cache::RefreshCache;
use cloudops_core::credentials::{
    Credentials, CredentialsSetting, ProvideCredentials, ProvideToken,
};
use cloudops_core::{
    Authorizer, ClientOptions, Endpoint, Error, Language, Method, Pipeline, RawRequest,
    SecretString, Service as Engine,
};

use crate::auth::{
    AkSkAuthorizer, FetchCount, MakeTokenAuth, TokenContext, TokenSource, token_auth,
};
use crate::credentials::ProjectScoped;
use crate::endpoint::{Service, resolve};
use crate::error::{HuaweiProtocol, VENDOR};
use crate::iam::{IamPassword, IamTokenProvider};

/// IAM's project list (`GET /v3/projects`), as far as discovery reads it.
#[cfg(feature = "project-discovery")]
#[derive(serde::Deserialize)]
struct ProjectList {
    #[serde(default)]
    projects: Vec<Project>,
}

/// One project of [`ProjectList`].
#[cfg(feature = "project-discovery")]
#[derive(serde::Deserialize)]
struct Project {
    id: String,
}

/// IAM's project list, asked when a client has an access key but no project id: a read.
#[cfg(feature = "project-discovery")]
const LIST_PROJECTS: cloudops_core::OperationSpec = cloudops_core::OperationSpec::new(
    VENDOR,
    "KeystoneListProjects",
    cloudops_core::Idempotency::Idempotent,
);

/// A Huawei Cloud client for one region and project. Cheap to clone; clones share
/// connections and the token cache.
///
/// ```no_run
/// # async fn demo() -> Result<(), cloudops_huaweicloud::Error> {
/// use cloudops_huaweicloud::Client;
/// // HUAWEICLOUD_SDK_AK / _SK / _PROJECT_ID, or ~/.huaweicloud/credentials
/// let client = Client::from_env("cn-north-4")?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
// Only the project-scoped services (DBSS, TaurusDB) read the project id.
#[cfg_attr(not(any(feature = "dbss", feature = "taurusdb")), allow(dead_code))]
struct Inner {
    engine: Engine<HuaweiProtocol>,
    /// Projects found by asking IAM, by access key id: one lookup at a time per key, shared
    /// by the calls that wait for it, each within its own deadline.
    #[cfg(feature = "project-discovery")]
    projects: std::sync::Mutex<Few<String, Arc<RefreshCache<String>>>>,
    region: String,
    project_id: Option<String>,
    language: Option<Language>,
    /// Endpoints set on the client, and those resolved from the region, by service name.
    endpoints: std::sync::Mutex<Few<&'static str, Endpoint>>,
    /// How many tokens have been fetched, when requests carry `X-Auth-Token`.
    token_fetches: Option<Arc<dyn FetchCount>>,
    credentials: Option<Arc<dyn ProvideCredentials>>,
}

/// The error of a call that needs a project id and has none.
#[cfg_attr(not(any(feature = "dbss", feature = "taurusdb")), allow(dead_code))]
fn missing_project_id() -> Error {
    Error::invalid_input(
        "project_id",
        if cfg!(feature = "project-discovery") {
            "must be set (on the client, the call, or HUAWEICLOUD_SDK_PROJECT_ID)"
        } else {
            "must be set (on the client, the call, or HUAWEICLOUD_SDK_PROJECT_ID), or found in \
             IAM with the project-discovery feature"
        },
    )
}

impl Client {
    /// A builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client for `region` signing with AK/SK from the environment
    /// (`HUAWEICLOUD_SDK_AK`, `_SK`, `_PROJECT_ID`, `_SECURITY_TOKEN`) or
    /// `~/.huaweicloud/credentials`.
    pub fn from_env(region: &str) -> Result<Client, Error> {
        Client::builder().region(region).build()
    }

    /// The region.
    pub fn region(&self) -> &str {
        &self.inner.region
    }

    /// The endpoint of `service`: the one set on the client, else the region's
    /// ([`endpoint::resolve`](crate::endpoint::resolve)), resolved once and kept.
    pub fn endpoint(&self, service: Service) -> Result<Endpoint, Error> {
        let mut known = lock(&self.inner.endpoints);
        if let Some(e) = known.get(service.name()) {
            return Ok(e.clone());
        }
        let resolved = resolve(service, &self.inner.region)?;
        known.insert(service.name(), resolved.clone());
        Ok(resolved)
    }

    #[cfg_attr(not(any(feature = "dbss", feature = "taurusdb")), allow(dead_code))]
    /// The project id for a call: `explicit`, else the client's, else the one that came with
    /// the AK/SK credentials.
    pub(crate) async fn project_id(&self, explicit: Option<&str>) -> Result<String, Error> {
        if let Some(p) = explicit.or(self.inner.project_id.as_deref()) {
            return Ok(p.to_string());
        }
        if let Some(provider) = &self.inner.credentials
            && let Credentials::AccessKey(k) =
                &*cloudops_core::credentials::current(&**provider).await?
        {
            return match k.project_id() {
                Some(p) => Ok(p.to_string()),
                #[cfg(feature = "project-discovery")]
                None => self.discover_project(&k.id).await,
                #[cfg(not(feature = "project-discovery"))]
                None => Err(missing_project_id()),
            };
        }
        Err(missing_project_id())
    }

    /// The project of the client's region, asked of IAM (`GET /v3/projects?name=<region>`,
    /// signed with the access key) once per access key and kept. Concurrent calls share one
    /// request, and each waits for it within its own deadline (the caller runs this inside
    /// the call's operation timeout); a failed lookup is answered for a second, then tried
    /// again.
    #[cfg(feature = "project-discovery")]
    #[cfg_attr(not(any(feature = "dbss", feature = "taurusdb")), allow(dead_code))]
    async fn discover_project(&self, access_key: &str) -> Result<String, Error> {
        let cache = {
            let mut known = lock(&self.inner.projects);
            match known.get(access_key) {
                Some(c) => c.clone(),
                None => {
                    let c = Arc::new(RefreshCache::new(Duration::ZERO));
                    known.insert(access_key.to_string(), c.clone());
                    c
                }
            }
        };
        let client = self.clone();
        cache
            .get(move || async move { Ok((client.list_project().await?, None)) })
            .await
    }

    /// The one project IAM lists under the client's region's name.
    #[cfg(feature = "project-discovery")]
    #[cfg_attr(not(any(feature = "dbss", feature = "taurusdb")), allow(dead_code))]
    async fn list_project(&self) -> Result<String, Error> {
        let region = &self.inner.region;
        let endpoint = self.endpoint(Service::Iam)?;
        let request = cloudops_core::Request::new(Method::Get, endpoint, "/v3/projects")
            .with_query("name", region.clone())
            .with_static_header("content-type", "application/json");
        let listed: ProjectList = self
            .inner
            .engine
            .send(
                &LIST_PROJECTS,
                request,
                &cloudops_core::CallOptions::default(),
            )
            .await?;
        match listed.projects.as_slice() {
            [one] => Ok(one.id.clone()),
            [] => Err(Error::invalid_input(
                "project_id",
                format!(
                    "is not set, and IAM lists no project named {region:?} for this access key; set it on the client or in HUAWEICLOUD_SDK_PROJECT_ID"
                ),
            )),
            several => Err(Error::invalid_input(
                "project_id",
                format!(
                    "is not set, and IAM lists {} projects named {region:?} for this access key; choose one on the client",
                    several.len()
                ),
            )),
        }
    }

    /// The engine every operation is sent through.
    #[cfg_attr(
        not(any(feature = "dbss", feature = "taurusdb", feature = "koophone")),
        allow(dead_code)
    )]
    pub(crate) fn engine(&self) -> &Engine<HuaweiProtocol> {
        &self.inner.engine
    }

    /// The client's message language, when one was chosen.
    #[cfg_attr(not(feature = "taurusdb"), allow(dead_code))]
    pub(crate) fn language(&self) -> Option<Language> {
        self.inner.language
    }

    /// A request to any path of `service`, for what this crate does not model yet: signed,
    /// decoded and retried like the modelled operations, and taken as not idempotent unless
    /// declared so.
    ///
    /// ```no_run
    /// # async fn demo(client: cloudops_huaweicloud::Client) -> Result<(), cloudops_huaweicloud::Error> {
    /// use cloudops_huaweicloud::{Method, Service};
    /// let page: serde_json::Value = client
    ///     .raw(Service::Dbss, Method::Get, "/v1/0123456789abcdef0123456789abcdef/dbss/audit/instances")
    ///     .query("limit", "10")
    ///     .idempotent(true)
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn raw(
        &self,
        service: Service,
        method: Method,
        path: impl Into<String>,
    ) -> RawRequest<HuaweiProtocol> {
        RawRequest::new(
            self.inner.engine.clone(),
            self.endpoint(service),
            VENDOR,
            method,
            path,
        )
    }

    /// A request to any path of an endpoint given as a URL.
    pub fn raw_at(
        &self,
        endpoint: &str,
        method: Method,
        path: impl Into<String>,
    ) -> RawRequest<HuaweiProtocol> {
        RawRequest::new(
            self.inner.engine.clone(),
            Endpoint::parse(endpoint),
            VENDOR,
            method,
            path,
        )
    }
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A few values by key, kept in a list: a client names a handful of services, and meets one
/// access key or a few.
#[derive(Debug)]
struct Few<K, V>(Vec<(K, V)>);

impl<K, V> Default for Few<K, V> {
    fn default() -> Self {
        Few(Vec::new())
    }
}

impl<K: PartialEq, V> Few<K, V> {
    fn get<Q: PartialEq + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.0
            .iter()
            .find(|(k, _)| k.borrow() == key)
            .map(|(_, v)| v)
    }

    /// Sets the value of `key`, replacing the one it had.
    fn insert(&mut self, key: K, value: V) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
    }
}

/// How requests are authenticated.
#[derive(Debug)]
enum AuthChoice {
    /// AK/SK signing, with the credentials given (the default chain when none were).
    AkSk(Option<CredentialsSetting>),
    /// A token, and what builds its authorizer: set only by the token setters, so a program
    /// that signs with AK/SK links no token cache.
    Token(TokenSource, MakeTokenAuth),
}

fn iam_login(
    endpoint: Endpoint,
    login: IamPassword,
    project: String,
    pipeline: Pipeline,
) -> Arc<dyn ProvideToken> {
    Arc::new(IamTokenProvider::new(endpoint, login, project, pipeline))
}

/// Builds a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    region: String,
    project_id: Option<String>,
    language: Option<Language>,
    endpoints: Few<&'static str, String>,
    auth: AuthChoice,
    refresh_before: Duration,
    options: ClientOptions,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            region: String::new(),
            project_id: None,
            language: None,
            endpoints: Few::default(),
            auth: AuthChoice::AkSk(None),
            refresh_before: Duration::from_secs(3600),
            options: ClientOptions::default(),
        }
    }
}

impl ClientBuilder {
    /// The region (`cn-north-4`, ...). Needed for region-based endpoints and IAM scoping.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }

    /// The project id used in request paths (default: the credentials' project id).
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// The language of the services' messages (`X-Language`), for the operations that take one;
    /// an operation's own setting wins.
    pub fn language(mut self, language: Language) -> Self {
        self.language = Some(language);
        self
    }

    /// Sends `service`'s requests to `endpoint` instead of the region's host. Required for
    /// KooPhone.
    pub fn endpoint(mut self, service: Service, endpoint: impl Into<String>) -> Self {
        self.endpoints.insert(service.name(), endpoint.into());
        self
    }

    /// Signs with fixed credentials: an [`AccessKey`](cloudops_core::AccessKey)
    /// (SDK-HMAC-SHA256; `X-Security-Token` for temporary keys). Huawei Cloud takes no user
    /// name and password this way: a [`BasicAuth`](cloudops_core::BasicAuth) is refused when
    /// the client is built (use [`iam_password`](ClientBuilder::iam_password) for an IAM
    /// login).
    pub fn credentials(mut self, credentials: impl Into<Credentials>) -> Self {
        self.auth = AuthChoice::AkSk(Some(match credentials.into() {
            Credentials::AccessKey(key) => CredentialsSetting::fixed(key),
            Credentials::Basic(_) => {
                self.options = self.options.refuse(Error::invalid_input(
                    "credentials",
                    "must be an access key: Huawei Cloud signs with AK/SK (use iam_password \
                     for an IAM user name and password)",
                ));
                return self;
            }
        }));
        self
    }

    /// Signs with AK/SK from any provider. The default is [`crate::credentials::default_chain`].
    pub fn credentials_provider(mut self, provider: Arc<dyn ProvideCredentials>) -> Self {
        self.auth = AuthChoice::AkSk(Some(CredentialsSetting::provider(provider)));
        self
    }

    /// Sends a fixed `X-Auth-Token`.
    pub fn token(mut self, token: impl Into<SecretString>) -> Self {
        self.auth = AuthChoice::Token(TokenSource::Fixed(token.into()), token_auth);
        self
    }

    /// Sends `X-Auth-Token` from `provider`, cached and refreshed before expiry.
    pub fn token_provider(mut self, provider: Arc<dyn ProvideToken>) -> Self {
        self.auth = AuthChoice::Token(TokenSource::Provider(provider), token_auth);
        self
    }

    /// Logs in to IAM with a password (`POST /v3/auth/tokens` at the IAM endpoint) and sends
    /// the token as `X-Auth-Token`, cached and refreshed before its 24-hour expiry, one refresh
    /// at a time. A token the gateway rejects is dropped and fetched again once.
    pub fn iam_password(mut self, login: IamPassword) -> Self {
        self.auth = AuthChoice::Token(TokenSource::IamPassword(login, iam_login), token_auth);
        self
    }

    /// How long before expiry a cached token is replaced (default 1 hour).
    pub fn token_refresh_before(mut self, d: Duration) -> Self {
        self.refresh_before = d;
        self
    }

    cloudops_core::client_option_setters!(options);

    /// Builds the client. Endpoints given explicitly are checked here; region-based ones when
    /// a call needs them.
    pub fn build(self) -> Result<Client, Error> {
        if !self.region.is_empty() {
            cloudops_core::validate::charset(
                "region",
                &self.region,
                "lowercase letters, digits and '-'",
                |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-',
            )?;
        }
        let mut endpoints = Few::default();
        for (service, url) in &self.endpoints.0 {
            endpoints.insert(
                *service,
                Endpoint::parse(url).map_err(|e| match e {
                    Error::InvalidInput { rule, .. } => {
                        Error::invalid_input(format!("endpoint.{service}"), rule)
                    }
                    other => other,
                })?,
            );
        }
        // IAM's endpoint may come from the environment, as the official SDKs read it.
        if endpoints.get(Service::Iam.name()).is_none()
            && let Some(url) = std::env::var("HUAWEICLOUD_SDK_IAM_ENDPOINT")
                .ok()
                .filter(|u| !u.trim().is_empty())
        {
            endpoints.insert(Service::Iam.name(), Endpoint::parse(&url)?);
        }
        let clock = self.options.clock.clone();
        let pipeline = Pipeline::new(self.options)?;
        for (_, endpoint) in &endpoints.0 {
            pipeline.transport().check_endpoint(endpoint)?;
        }
        let (authorizer, token_fetches, credentials): (Arc<dyn Authorizer>, _, _) = match self.auth
        {
            AuthChoice::AkSk(setting) => {
                let p = setting
                    .unwrap_or_else(crate::credentials::default_setting)
                    .into_provider(clock)?;
                (Arc::new(AkSkAuthorizer(p.clone())), None, Some(p))
            }
            AuthChoice::Token(source, make) => {
                let iam = || match endpoints.get(Service::Iam.name()) {
                    Some(e) => Ok(e.clone()),
                    None => resolve(Service::Iam, &self.region),
                };
                let token = make(
                    source,
                    TokenContext {
                        iam: &iam,
                        region: &self.region,
                        pipeline: &pipeline,
                        refresh_before: self.refresh_before,
                        clock,
                    },
                )?;
                (token.authorizer, Some(token.fetches), None)
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                #[cfg(feature = "project-discovery")]
                projects: std::sync::Mutex::new(Few::default()),
                engine: Engine::new(pipeline, HuaweiProtocol::default(), authorizer),
                region: self.region,
                project_id: self.project_id,
                language: self.language,
                endpoints: std::sync::Mutex::new(endpoints),
                token_fetches,
                credentials,
            }),
        })
    }
}

impl Client {
    /// How many tokens have been fetched (0 with AK/SK signing).
    pub fn token_fetches(&self) -> u64 {
        self.inner
            .token_fetches
            .as_ref()
            .map_or(0, |t| t.fetch_count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn few_replaces_and_finds_by_borrowed_key() {
        let mut few: Few<String, u32> = Few::default();
        assert_eq!(few.get("a"), None);
        few.insert("a".to_string(), 1);
        few.insert("b".to_string(), 2);
        few.insert("a".to_string(), 3);
        assert_eq!(
            (few.get("a"), few.get("b"), few.0.len()),
            (Some(&3), Some(&2), 2)
        );
    }

    #[test]
    fn the_last_endpoint_set_for_a_service_wins() {
        let client = Client::builder()
            .region("cn-north-4")
            .endpoint(Service::Dbss, "http://one.example.com")
            .endpoint(Service::Dbss, "http://two.example.com")
            .credentials(cloudops_core::AccessKey::new("AK", "SK"))
            .build()
            .unwrap();
        let e = client.endpoint(Service::Dbss).unwrap();
        assert_eq!(e.host(), "two.example.com");
        assert_eq!(client.token_fetches(), 0);
    }
}
