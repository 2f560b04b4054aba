//! Credentials: secret types, providers (static, environment, profile file) and a chain.
//!
//! The providers are generic: each vendor crate declares the names it reads (its
//! [`EnvNames`] and [`ProfileLayout`]) and builds its default chain from them.

pub mod cache;
pub mod metadata;
mod profile;
mod token;

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;

pub use profile::{ProfileFileProvider, ProfileLayout, parse_ini};
pub use token::{CachedTokenProvider, ProvideToken, StaticToken, Token};

use crate::error::Error;

/// A secret string. `Debug` and `Display` print `***`; read it with [`SecretString::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        SecretString(secret.into())
    }

    /// The secret itself. Use it only to sign or send.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<&str> for SecretString {
    fn from(s: &str) -> Self {
        SecretString::new(s)
    }
}

impl From<String> for SecretString {
    fn from(s: String) -> Self {
        SecretString(s)
    }
}

/// An access key pair (a key id and its secret), with an optional session token for temporary
/// credentials and an optional project id the key is scoped to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessKey {
    /// The key id (SecretId, AK). Not a secret.
    pub id: String,
    /// The secret key.
    pub secret: SecretString,
    /// The session or security token of temporary credentials.
    pub session_token: Option<SecretString>,
    /// The project id the key is scoped to, when the vendor scopes keys and it is known.
    pub project_id: Option<String>,
    /// When temporary credentials stop working (`None` for long-term keys).
    pub expires_at: Option<SystemTime>,
}

impl AccessKey {
    /// A long-term key pair.
    pub fn new(id: impl Into<String>, secret: impl Into<SecretString>) -> Self {
        AccessKey {
            id: id.into(),
            secret: secret.into(),
            session_token: None,
            project_id: None,
            expires_at: None,
        }
    }

    /// Marks the key as temporary, working until `at`.
    pub fn with_expiry(mut self, at: SystemTime) -> Self {
        self.expires_at = Some(at);
        self
    }

    /// Adds a session token (temporary credentials).
    pub fn with_session_token(mut self, token: impl Into<SecretString>) -> Self {
        self.session_token = Some(token.into());
        self
    }

    /// Adds a project id.
    pub fn with_project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }
}

/// A user name and password for HTTP Basic authentication.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BasicAuth {
    /// The user name. Not a secret.
    pub username: String,
    /// The password.
    pub password: SecretString,
}

impl BasicAuth {
    /// A user name and password.
    pub fn new(username: impl Into<String>, password: impl Into<SecretString>) -> Self {
        BasicAuth {
            username: username.into(),
            password: password.into(),
        }
    }
}

/// Credentials of either kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credentials {
    /// An access key pair.
    AccessKey(AccessKey),
    /// A user name and password.
    Basic(BasicAuth),
}

/// Checks that a value sent in a header holds only visible ASCII (no space, line break or
/// other control character).
fn check_visible(what: &str, value: &str) -> Result<(), Error> {
    if value.bytes().all(|b| b.is_ascii_graphic()) {
        return Ok(());
    }
    Err(Error::credentials(format!(
        "the {what} may contain only visible ASCII characters (it has a space, a line break, \
         another control character or a non-ASCII character)"
    )))
}

impl Credentials {
    /// Checks that the credentials can be sent: a key id and a secret that are not empty, key
    /// ids, session tokens and project ids of visible ASCII only, and a Basic user name that
    /// is not empty and has no `:` or control characters (the server would read another user
    /// name and password). The secret values themselves are never named in the error.
    pub fn check(&self) -> Result<(), Error> {
        match self {
            Credentials::AccessKey(k) => {
                if k.id.is_empty() {
                    return Err(Error::credentials("the access key id is empty"));
                }
                if k.secret.is_empty() {
                    return Err(Error::credentials("the secret key is empty"));
                }
                check_visible("access key id", &k.id)?;
                if let Some(t) = &k.session_token {
                    check_visible("session token", t.expose())?;
                }
                if let Some(p) = &k.project_id {
                    check_visible("project id", p)?;
                }
            }
            Credentials::Basic(b) => {
                if b.username.is_empty() {
                    return Err(Error::credentials("the HTTP Basic user name is empty"));
                }
                if b.username.contains(':') {
                    return Err(Error::credentials(
                        "the HTTP Basic user name must not contain ':' (the server would split \
                         the user name there)",
                    ));
                }
                if b.username.chars().any(char::is_control)
                    || b.password.expose().chars().any(char::is_control)
                {
                    return Err(Error::credentials(
                        "the HTTP Basic user name and password must not contain control characters",
                    ));
                }
            }
        }
        Ok(())
    }

    /// The access key, or a credentials error naming what was found instead.
    pub fn into_access_key(self) -> Result<AccessKey, Error> {
        match self {
            Credentials::AccessKey(k) => Ok(k),
            Credentials::Basic(_) => Err(not_an_access_key()),
        }
    }

    /// The access key, or a credentials error when these are a user name and password.
    pub fn access_key(&self) -> Result<&AccessKey, Error> {
        match self {
            Credentials::AccessKey(k) => Ok(k),
            Credentials::Basic(_) => Err(not_an_access_key()),
        }
    }
}

fn not_an_access_key() -> Error {
    Error::credentials(
        "this service signs with an access key pair, but a user name and password were provided",
    )
}

impl From<AccessKey> for Credentials {
    fn from(k: AccessKey) -> Self {
        Credentials::AccessKey(k)
    }
}

impl From<BasicAuth> for Credentials {
    fn from(b: BasicAuth) -> Self {
        Credentials::Basic(b)
    }
}

/// What a provider found.
#[derive(Debug, Clone)]
pub enum Lookup {
    /// Credentials.
    Found(Credentials),
    /// Nothing configured in this source, and why (e.g. "EXAMPLE_KEY_ID is not set").
    NotFound(String),
}

/// A source of credentials.
#[async_trait]
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Looks the credentials up. `Ok(NotFound)` means this source has none configured;
    /// `Err` means it has them configured wrongly (e.g. an id without a key).
    async fn lookup(&self) -> Result<Lookup, Error>;

    /// A short description of the source, for error messages.
    fn source(&self) -> String;

    /// The credentials, checked with [`Credentials::check`], or a credentials error saying
    /// why there are none.
    async fn provide(&self) -> Result<Credentials, Error> {
        let found = self.lookup().await;
        checked(found, &|| self.source())
    }

    /// The credentials as [`provide`](Self::provide) gives them, shared: a cache (such as
    /// [`CachingProvider`]) hands out what it holds without copying it. The default wraps
    /// [`provide`](Self::provide).
    async fn provide_shared(&self) -> Result<Arc<Credentials>, Error> {
        Ok(Arc::new(self.provide().await?))
    }

    /// The credentials a cache holds and still counts fresh, at once: no lookup, no refresh
    /// and no wait. `None` when [`provide_shared`](Self::provide_shared) has work to do, and
    /// always for a provider that keeps no cache (the default). See [`current`].
    fn cached(&self) -> Option<Arc<Credentials>> {
        None
    }
}

/// What [`ProvideCredentials::provide`] makes of a lookup: found credentials, checked, or a
/// credentials error naming the source. One function for every provider.
fn checked(
    found: Result<Lookup, Error>,
    source: &(dyn Fn() -> String + Sync),
) -> Result<Credentials, Error> {
    match found? {
        Lookup::Found(c) => {
            c.check()?;
            Ok(c)
        }
        Lookup::NotFound(why) => Err(Error::credentials(format!(
            "no credentials in {}: {why}",
            source()
        ))),
    }
}

/// The credentials of `provider` for a request: what its cache holds while fresh
/// ([`ProvideCredentials::cached`]), else [`ProvideCredentials::provide_shared`]. Every
/// authorizer takes its credentials through this.
pub async fn current(provider: &dyn ProvideCredentials) -> Result<Arc<Credentials>, Error> {
    match provider.cached() {
        Some(credentials) => Ok(credentials),
        None => provider.provide_shared().await,
    }
}

/// Caches what an inner provider finds, through the core's one caching layer
/// ([`cache::RefreshCache`]): credentials without an expiry (static keys, the environment, a
/// profile file) are looked up once; temporary ones are refreshed ahead of their expiry (at
/// `refresh_before`, clamped to half their lifetime), one refresh at a time shared by every
/// caller, a failure answered only for a short back-off. Every client wraps its provider in
/// one.
pub struct CachingProvider {
    inner: Arc<dyn ProvideCredentials>,
    cache: cache::RefreshCache<Arc<Credentials>>,
}

impl CachingProvider {
    /// Caches `inner`, refreshing temporary credentials 5 minutes before they expire.
    pub fn new(inner: Arc<dyn ProvideCredentials>) -> Self {
        CachingProvider {
            inner,
            cache: cache::RefreshCache::new(Duration::from_secs(300)),
        }
    }

    /// Refreshes temporary credentials this long before they expire (at most half their
    /// lifetime).
    pub fn refresh_before(mut self, margin: Duration) -> Self {
        self.cache = self.cache.refresh_before(margin);
        self
    }

    /// Reads the time from `clock`.
    pub fn with_clock(mut self, clock: Arc<dyn crate::Clock>) -> Self {
        self.cache = self.cache.with_clock(clock);
        self
    }

    /// How many times the inner provider has been asked.
    pub fn fetch_count(&self) -> u64 {
        self.cache.fetch_count()
    }

    /// Drops the cached credentials, so the next call looks them up again.
    pub fn invalidate(&self) {
        self.cache.invalidate_if(|_| true);
    }
}

impl fmt::Debug for CachingProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachingProvider")
            .field("inner", &self.inner)
            .field("cache", &self.cache)
            .finish()
    }
}

#[async_trait]
impl ProvideCredentials for CachingProvider {
    async fn lookup(&self) -> Result<Lookup, Error> {
        let found = self.provide_shared().await?;
        Ok(Lookup::Found(Arc::unwrap_or_clone(found)))
    }

    async fn provide(&self) -> Result<Credentials, Error> {
        // What the cache holds was checked when it was looked up.
        Ok(Arc::unwrap_or_clone(self.provide_shared().await?))
    }

    fn cached(&self) -> Option<Arc<Credentials>> {
        self.cache.get_fresh()
    }

    async fn provide_shared(&self) -> Result<Arc<Credentials>, Error> {
        let inner = self.inner.clone();
        self.cache
            .get(move || async move {
                let source = inner.source();
                let looked = inner.lookup().await.map_err(|e| match e {
                    Error::Credentials { .. } => e,
                    other => Error::credentials(format!("{source} failed: {other}")),
                })?;
                match looked {
                    Lookup::Found(c) => {
                        c.check()?;
                        let expires_at = match &c {
                            Credentials::AccessKey(k) => k.expires_at,
                            Credentials::Basic(_) => None,
                        };
                        Ok((Arc::new(c), expires_at))
                    }
                    Lookup::NotFound(why) => Err(Error::credentials(format!(
                        "no credentials in {source}: {why}"
                    ))),
                }
            })
            .await
    }

    fn source(&self) -> String {
        self.inner.source()
    }
}

/// `provider` behind a [`CachingProvider`] dated by `clock`: what every client signs with.
pub fn cached(
    provider: Arc<dyn ProvideCredentials>,
    clock: Arc<dyn crate::Clock>,
) -> Arc<dyn ProvideCredentials> {
    Arc::new(CachingProvider::new(provider).with_clock(clock))
}

/// Looks the credentials of an inner provider up at the first call and keeps them, for
/// sources whose credentials do not expire: fixed keys, and the environment when it is the
/// whole default chain. Credentials that do carry an expiry are not kept (they are looked up
/// again at each call), and neither is a failure. Unlike [`CachingProvider`] there is no
/// refresh ahead of expiry and no background task: a client links this alone when nothing
/// it was given can expire.
pub struct OnceProvider {
    inner: OnceSource,
    kept: std::sync::OnceLock<Arc<Credentials>>,
}

/// Where a [`OnceProvider`] looks.
enum OnceSource {
    Provider(Arc<dyn ProvideCredentials>),
    /// The process environment's variables, read without a provider of their own.
    Environment(EnvNames),
}

impl OnceProvider {
    /// Keeps what `inner` finds first.
    pub fn new(inner: Arc<dyn ProvideCredentials>) -> Self {
        OnceProvider {
            inner: OnceSource::Provider(inner),
            kept: std::sync::OnceLock::new(),
        }
    }

    /// Keeps what the process environment's variables `names` hold, read as
    /// [`EnvironmentProvider`] reads them.
    pub fn environment(names: EnvNames) -> Self {
        OnceProvider {
            inner: OnceSource::Environment(names),
            kept: std::sync::OnceLock::new(),
        }
    }
}

impl fmt::Debug for OnceProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("OnceProvider");
        match &self.inner {
            OnceSource::Provider(p) => d.field("inner", p),
            OnceSource::Environment(names) => d.field("environment", names),
        };
        d.field("kept", &self.kept.get().is_some()).finish()
    }
}

#[async_trait]
impl ProvideCredentials for OnceProvider {
    async fn lookup(&self) -> Result<Lookup, Error> {
        Ok(Lookup::Found(Arc::unwrap_or_clone(
            self.provide_shared().await?,
        )))
    }

    async fn provide(&self) -> Result<Credentials, Error> {
        // What is kept was checked when it was looked up.
        Ok(Arc::unwrap_or_clone(self.provide_shared().await?))
    }

    async fn provide_shared(&self) -> Result<Arc<Credentials>, Error> {
        if let Some(kept) = self.kept.get() {
            return Ok(kept.clone());
        }
        let found = Arc::new(match &self.inner {
            OnceSource::Provider(p) => p.provide().await?,
            OnceSource::Environment(names) => {
                checked(environment_lookup(names, &process_var), &|| {
                    ENVIRONMENT_SOURCE.to_string()
                })?
            }
        });
        let expires = match &*found {
            Credentials::AccessKey(k) => k.expires_at.is_some(),
            Credentials::Basic(_) => false,
        };
        if expires {
            return Ok(found);
        }
        // Two first calls may both look up; the first to finish is kept, and both are equal.
        Ok(self.kept.get_or_init(|| found).clone())
    }

    fn cached(&self) -> Option<Arc<Credentials>> {
        self.kept.get().cloned()
    }

    fn source(&self) -> String {
        match &self.inner {
            OnceSource::Provider(p) => p.source(),
            OnceSource::Environment(_) => ENVIRONMENT_SOURCE.to_string(),
        }
    }
}

/// The credentials a client builder was given, and how the client keeps what they yield:
/// fixed credentials and sources that cannot expire behind a [`OnceProvider`], any other
/// provider behind a [`CachingProvider`]. The caching layer and its refresh task are reached
/// only through [`CredentialsSetting::provider`], so a program that never sets a provider
/// links none of them; the environment alone ([`CredentialsSetting::environment`]) is read
/// without any provider of its own.
pub struct CredentialsSetting(Setting);

enum Setting {
    /// Fixed credentials, checked when the client is built.
    Fixed(Credentials),
    Provider {
        provider: Arc<dyn ProvideCredentials>,
        keep: KeepCredentials,
    },
    Environment(EnvNames),
}

/// Wraps a client's provider: the clock dates a cache's expiries.
type KeepCredentials =
    fn(Arc<dyn ProvideCredentials>, Arc<dyn crate::Clock>) -> Arc<dyn ProvideCredentials>;

impl CredentialsSetting {
    /// Fixed credentials: checked when the client is built ([`into_provider`] refuses them
    /// as invalid input), then shared by every call.
    ///
    /// [`into_provider`]: CredentialsSetting::into_provider
    pub fn fixed(credentials: impl Into<Credentials>) -> Self {
        CredentialsSetting(Setting::Fixed(credentials.into()))
    }

    /// Credentials from `provider`, kept in a [`CachingProvider`]: temporary ones are
    /// refreshed ahead of their expiry.
    pub fn provider(provider: Arc<dyn ProvideCredentials>) -> Self {
        CredentialsSetting(Setting::Provider {
            provider,
            keep: cached,
        })
    }

    /// Credentials from `provider`, whose credentials never expire, kept in a
    /// [`OnceProvider`].
    pub fn once(provider: Arc<dyn ProvideCredentials>) -> Self {
        CredentialsSetting(Setting::Provider {
            provider,
            keep: |p, _| Arc::new(OnceProvider::new(p)),
        })
    }

    /// The process environment's variables `names`, read at the first call as
    /// [`EnvironmentProvider`] reads them and kept ([`OnceProvider::environment`]): a
    /// vendor's default when its chain is the environment alone.
    pub fn environment(names: EnvNames) -> Self {
        CredentialsSetting(Setting::Environment(names))
    }

    /// A vendor's default chain: behind a [`CachingProvider`] when `temporary` (the chain has
    /// sources of expiring credentials), else looked up once. Pass a constant (the vendor
    /// crate's `cfg!(feature = ...)`): inlined, the branch not taken links nothing.
    #[inline]
    pub fn default_chain(chain: CredentialsChain, temporary: bool) -> Self {
        if temporary {
            CredentialsSetting::provider(Arc::new(chain))
        } else {
            CredentialsSetting::once(Arc::new(chain))
        }
    }

    /// The provider a client signs with, its cache dated by `clock`. Fixed credentials that
    /// cannot be sent ([`Credentials::check`]) are an invalid-input error on `credentials`,
    /// so that a client is never built to send them.
    pub fn into_provider(
        self,
        clock: Arc<dyn crate::Clock>,
    ) -> Result<Arc<dyn ProvideCredentials>, Error> {
        Ok(match self.0 {
            Setting::Fixed(credentials) => {
                credentials.check().map_err(|e| match e {
                    Error::Credentials { message } => Error::invalid_input("credentials", message),
                    other => other,
                })?;
                Arc::new(OnceProvider::new(Arc::new(StaticProvider(credentials))))
            }
            Setting::Provider { provider, keep } => keep(provider, clock),
            Setting::Environment(names) => Arc::new(OnceProvider::environment(names)),
        })
    }
}

impl fmt::Debug for CredentialsSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_tuple("CredentialsSetting");
        match &self.0 {
            Setting::Fixed(credentials) => d.field(credentials),
            Setting::Provider { provider, .. } => d.field(provider),
            Setting::Environment(names) => d.field(names),
        };
        d.finish()
    }
}

/// Fixed credentials.
#[derive(Debug, Clone)]
pub struct StaticProvider(pub Credentials);

#[async_trait]
impl ProvideCredentials for StaticProvider {
    async fn lookup(&self) -> Result<Lookup, Error> {
        Ok(Lookup::Found(self.0.clone()))
    }

    fn source(&self) -> String {
        "static credentials".to_string()
    }
}

#[async_trait]
impl<P: ProvideCredentials + ?Sized> ProvideCredentials for Arc<P> {
    async fn lookup(&self) -> Result<Lookup, Error> {
        (**self).lookup().await
    }

    async fn provide(&self) -> Result<Credentials, Error> {
        (**self).provide().await
    }

    async fn provide_shared(&self) -> Result<Arc<Credentials>, Error> {
        (**self).provide_shared().await
    }

    fn cached(&self) -> Option<Arc<Credentials>> {
        (**self).cached()
    }

    fn source(&self) -> String {
        (**self).source()
    }
}

/// Where environment variables are read from: the process, or a fixed map (for tests and for
/// callers that manage their own configuration).
#[derive(Clone, Default)]
pub enum EnvSource {
    /// The process environment.
    #[default]
    Process,
    /// A fixed set of variables.
    Map(HashMap<String, String>),
}

impl EnvSource {
    /// A fixed set of variables.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        EnvSource::Map(
            pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }

    /// The non-empty value of `name`.
    pub fn get(&self, name: &str) -> Option<String> {
        match self {
            EnvSource::Process => process_var(name),
            EnvSource::Map(m) => m.get(name).filter(|v| !v.trim().is_empty()).cloned(),
        }
    }

    /// The home directory (`HOME`, or `USERPROFILE` on Windows).
    pub fn home_dir(&self) -> Option<PathBuf> {
        self.get("HOME")
            .or_else(|| self.get("USERPROFILE"))
            .map(PathBuf::from)
    }
}

impl fmt::Debug for EnvSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvSource::Process => f.write_str("Process"),
            EnvSource::Map(m) => {
                let keys: Vec<&String> = m.keys().collect();
                let order =
                    crate::order::stable_order(keys.len(), &mut |a, b| keys[a].cmp(keys[b]));
                let sorted: Vec<&String> = order.into_iter().map(|i| keys[i]).collect();
                f.debug_tuple("Map").field(&sorted).finish()
            }
        }
    }
}

/// The environment variable names of one vendor; each vendor crate declares its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvNames {
    /// The key id variable.
    pub id: &'static str,
    /// The secret key variable.
    pub secret: &'static str,
    /// The session token variable.
    pub token: Option<&'static str>,
    /// The project id variable.
    pub project_id: Option<&'static str>,
    /// The user name variable (HTTP Basic).
    pub username: Option<&'static str>,
    /// The password variable (HTTP Basic).
    pub password: Option<&'static str>,
}

/// Credentials from environment variables.
#[derive(Debug, Clone)]
pub struct EnvironmentProvider {
    names: EnvNames,
    env: EnvSource,
}

impl EnvironmentProvider {
    /// Reads the variables `names` from the process environment.
    pub fn new(names: EnvNames) -> Self {
        EnvironmentProvider {
            names,
            env: EnvSource::Process,
        }
    }

    /// Reads from `env` instead of the process environment.
    pub fn with_env(mut self, env: EnvSource) -> Self {
        self.env = env;
        self
    }
}

#[async_trait]
impl ProvideCredentials for EnvironmentProvider {
    async fn lookup(&self) -> Result<Lookup, Error> {
        environment_lookup(&self.names, &|name| self.env.get(name))
    }

    fn source(&self) -> String {
        ENVIRONMENT_SOURCE.to_string()
    }
}

/// What [`EnvironmentProvider`] calls its source.
const ENVIRONMENT_SOURCE: &str = "environment variables";

/// The non-empty value of the process environment's variable `name`.
fn process_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The credentials the variables `names` hold, each read with `get`.
fn environment_lookup(
    n: &EnvNames,
    get: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Result<Lookup, Error> {
    let id = get(n.id);
    let secret = get(n.secret);
    match (id, secret) {
        (Some(id), Some(secret)) => {
            let mut key = AccessKey::new(id, secret);
            key.session_token = n.token.and_then(get).map(SecretString::new);
            key.project_id = n.project_id.and_then(get);
            return Ok(Lookup::Found(key.into()));
        }
        (Some(_), None) => {
            return Err(Error::credentials(format!(
                "{} is set but {} is not",
                n.id, n.secret
            )));
        }
        (None, Some(_)) => {
            return Err(Error::credentials(format!(
                "{} is set but {} is not",
                n.secret, n.id
            )));
        }
        (None, None) => {}
    }
    if let (Some(un), Some(pn)) = (n.username, n.password) {
        match (get(un), get(pn)) {
            (Some(u), Some(p)) => return Ok(Lookup::Found(BasicAuth::new(u, p).into())),
            (Some(_), None) => {
                return Err(Error::credentials(format!("{un} is set but {pn} is not")));
            }
            (None, Some(_)) => {
                return Err(Error::credentials(format!("{pn} is set but {un} is not")));
            }
            (None, None) => {
                return Ok(Lookup::NotFound(format!(
                    "neither {} nor {un} is set",
                    n.id
                )));
            }
        }
    }
    Ok(Lookup::NotFound(format!("{} is not set", n.id)))
}

/// Tries providers in order and returns the first credentials found. A provider that has
/// credentials configured wrongly stops the search with its error. When none has any, the
/// error lists every source tried and why it had none.
#[derive(Debug, Clone)]
pub struct CredentialsChain {
    providers: Vec<Arc<dyn ProvideCredentials>>,
}

impl CredentialsChain {
    /// A chain of `providers`, tried in order.
    pub fn new(providers: Vec<Arc<dyn ProvideCredentials>>) -> Self {
        CredentialsChain { providers }
    }

    /// What each provider reads ([`ProvideCredentials::source`]), in the order they are tried.
    pub fn sources(&self) -> Vec<String> {
        self.providers.iter().map(|p| p.source()).collect()
    }
}

#[async_trait]
impl ProvideCredentials for CredentialsChain {
    async fn lookup(&self) -> Result<Lookup, Error> {
        let mut tried = Vec::with_capacity(self.providers.len());
        for p in &self.providers {
            match p.lookup().await {
                Ok(Lookup::Found(c)) => return Ok(Lookup::Found(c)),
                Ok(Lookup::NotFound(why)) => tried.push(format!("{} ({why})", p.source())),
                // A source configured wrongly stops the search; its error says what the
                // sources before it lacked, so the one a user meant to set is named too.
                Err(e) if tried.is_empty() => return Err(e),
                Err(Error::Credentials { message }) => {
                    return Err(Error::credentials(format!(
                        "tried {}; then {message}",
                        tried.join("; ")
                    )));
                }
                Err(other) => {
                    return Err(Error::credentials(format!(
                        "tried {}; then {} failed: {other}",
                        tried.join("; "),
                        p.source()
                    )));
                }
            }
        }
        Ok(Lookup::NotFound(format!("tried {}", tried.join("; "))))
    }

    fn source(&self) -> String {
        "the credentials chain".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names of the kind a vendor declares: keys with a session token and a project.
    const KEYS: EnvNames = EnvNames {
        id: "EXAMPLE_KEY_ID",
        secret: "EXAMPLE_KEY_SECRET",
        token: Some("EXAMPLE_SESSION_TOKEN"),
        project_id: Some("EXAMPLE_PROJECT_ID"),
        username: None,
        password: None,
    };

    /// Keys, or a user name and password.
    const BASIC: EnvNames = EnvNames {
        id: "EXAMPLE_KEY_ID",
        secret: "EXAMPLE_KEY_SECRET",
        token: None,
        project_id: None,
        username: Some("EXAMPLE_USERNAME"),
        password: Some("EXAMPLE_PASSWORD"),
    };

    /// A profile file of the kind a vendor declares.
    const PROFILE: ProfileLayout = ProfileLayout {
        path_var: "EXAMPLE_CREDENTIALS_FILE",
        default_relative: ".example/credentials",
        section: "default",
        id: "secret_id",
        secret: "secret_key",
        token: "token",
        project_id: None,
    };

    #[tokio::test]
    async fn environment_reads_the_named_variables() {
        let env = EnvSource::from_pairs([
            ("EXAMPLE_KEY_ID", "AKIDx"),
            ("EXAMPLE_KEY_SECRET", "sk"),
            ("EXAMPLE_SESSION_TOKEN", "tok"),
        ]);
        let c = EnvironmentProvider::new(KEYS)
            .with_env(env)
            .provide()
            .await
            .unwrap();
        let k = c.into_access_key().unwrap();
        assert_eq!(k.id, "AKIDx");
        assert_eq!(k.secret.expose(), "sk");
        assert_eq!(k.session_token.unwrap().expose(), "tok");
    }

    /// A provider that counts its lookups and answers what it is given.
    #[derive(Debug)]
    struct Counting {
        lookups: std::sync::atomic::AtomicU32,
        answer: fn() -> Lookup,
    }

    #[async_trait]
    impl ProvideCredentials for Counting {
        async fn lookup(&self) -> Result<Lookup, Error> {
            self.lookups
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Ok((self.answer)())
        }

        fn source(&self) -> String {
            "a counting source".to_string()
        }
    }

    fn counting(answer: fn() -> Lookup) -> Arc<Counting> {
        Arc::new(Counting {
            lookups: Default::default(),
            answer,
        })
    }

    fn lookups(c: &Counting) -> u32 {
        c.lookups.load(std::sync::atomic::Ordering::Relaxed)
    }

    #[tokio::test]
    async fn once_keeps_the_first_credentials_found() {
        let inner = counting(|| Lookup::Found(AccessKey::new("AKIDx", "sk").into()));
        let once = OnceProvider::new(inner.clone());
        assert!(once.cached().is_none());
        let a = current(&once).await.unwrap();
        let b = current(&once).await.unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(lookups(&inner), 1);
        assert_eq!(
            once.provide().await.unwrap().access_key().unwrap().id,
            "AKIDx"
        );
        assert_eq!(lookups(&inner), 1);
        assert_eq!(once.source(), "a counting source");
        assert!(format!("{once:?}").contains("kept: true"));
    }

    #[tokio::test]
    async fn once_keeps_neither_expiring_credentials_nor_failures() {
        let expiring = counting(|| {
            let mut k = AccessKey::new("AKIDx", "sk");
            k.expires_at = Some(SystemTime::UNIX_EPOCH + Duration::from_secs(4_000_000_000));
            Lookup::Found(k.into())
        });
        let once = OnceProvider::new(expiring.clone());
        current(&once).await.unwrap();
        current(&once).await.unwrap();
        assert_eq!(lookups(&expiring), 2);
        assert!(once.cached().is_none());

        let missing = counting(|| Lookup::NotFound("nothing set".to_string()));
        let once = OnceProvider::new(missing.clone());
        for _ in 0..2 {
            let e = current(&once).await.unwrap_err();
            assert!(e.to_string().contains("nothing set"), "{e}");
        }
        assert_eq!(lookups(&missing), 2);

        // Found but invalid: a credentials error, looked up again next time.
        let invalid = counting(|| Lookup::Found(AccessKey::new("AK\nID", "sk").into()));
        let once = OnceProvider::new(invalid.clone());
        assert!(matches!(
            current(&once).await,
            Err(Error::Credentials { .. })
        ));
        assert!(current(&once).await.is_err());
        assert_eq!(lookups(&invalid), 2);
    }

    /// Variable names no environment sets.
    const UNSET: EnvNames = EnvNames {
        id: "CLOUDOPS_TEST_UNSET_ID",
        secret: "CLOUDOPS_TEST_UNSET_SECRET",
        token: None,
        project_id: None,
        username: Some("CLOUDOPS_TEST_UNSET_USER"),
        password: Some("CLOUDOPS_TEST_UNSET_PASSWORD"),
    };

    #[tokio::test]
    async fn the_environment_setting_reads_the_process_environment_once() {
        let clock: Arc<dyn crate::Clock> = Arc::new(crate::SystemClock);
        let setting = CredentialsSetting::environment(UNSET);
        assert!(format!("{setting:?}").contains("CLOUDOPS_TEST_UNSET_ID"));
        let p = setting.into_provider(clock.clone()).unwrap();
        assert!(format!("{p:?}").starts_with("OnceProvider"));
        assert_eq!(p.source(), "environment variables");
        // As EnvironmentProvider reads it: nothing set is a credentials error naming both.
        let e = current(&*p).await.unwrap_err();
        let from_provider = EnvironmentProvider::new(UNSET).provide().await.unwrap_err();
        assert!(matches!(e, Error::Credentials { .. }));
        assert_eq!(e.to_string(), from_provider.to_string());
        assert!(
            e.to_string()
                .contains("neither CLOUDOPS_TEST_UNSET_ID nor CLOUDOPS_TEST_UNSET_USER is set"),
            "{e}"
        );
        assert!(p.cached().is_none());

        // A variable every process has, read as both halves of a key, is found and kept.
        let Some(path) = std::env::var("PATH").ok().filter(|v| !v.trim().is_empty()) else {
            return;
        };
        let names = EnvNames {
            id: "PATH",
            secret: "PATH",
            ..UNSET
        };
        let p = CredentialsSetting::environment(names)
            .into_provider(clock)
            .unwrap();
        let a = current(&*p).await.unwrap();
        assert_eq!(a.access_key().unwrap().id, path);
        assert!(Arc::ptr_eq(&a, &current(&*p).await.unwrap()));
        assert!(p.cached().is_some());
    }

    #[tokio::test]
    async fn settings_keep_fixed_credentials_once_and_providers_in_the_cache() {
        let clock: Arc<dyn crate::Clock> = Arc::new(crate::SystemClock);
        let fixed = CredentialsSetting::fixed(AccessKey::new("AKIDx", "sk"));
        assert!(format!("{fixed:?}").contains("AKIDx"));
        assert!(!format!("{fixed:?}").contains("\"sk\""));
        let p = fixed.into_provider(clock.clone()).unwrap();
        assert!(format!("{p:?}").starts_with("OnceProvider"));
        let a = current(&*p).await.unwrap();
        assert!(Arc::ptr_eq(&a, &current(&*p).await.unwrap()));

        let inner = counting(|| Lookup::Found(AccessKey::new("AKIDy", "sk").into()));
        let p = CredentialsSetting::provider(inner.clone())
            .into_provider(clock.clone())
            .unwrap();
        assert!(format!("{p:?}").starts_with("CachingProvider"));
        current(&*p).await.unwrap();
        current(&*p).await.unwrap();
        assert_eq!(lookups(&inner), 1);

        let p = CredentialsSetting::once(inner.clone())
            .into_provider(clock)
            .unwrap();
        assert!(format!("{p:?}").starts_with("OnceProvider"));
    }

    #[tokio::test]
    async fn the_cache_shares_what_it_holds() {
        let cache = CachingProvider::new(Arc::new(StaticProvider(Credentials::AccessKey(
            AccessKey::new("AKIDx", "sk"),
        ))));
        let a = cache.provide_shared().await.unwrap();
        let b = cache.provide_shared().await.unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(cache.fetch_count(), 1);
        assert_eq!(a.access_key().unwrap().id, "AKIDx");
        // The owned forms are copies of the same.
        let owned = cache.provide().await.unwrap().into_access_key().unwrap();
        assert_eq!(owned.secret.expose(), "sk");
        let basic = Credentials::Basic(BasicAuth::new("admin", "pw"));
        let e = basic.access_key().unwrap_err();
        assert!(e.to_string().contains("access key pair"), "{e}");
    }

    #[tokio::test]
    async fn the_cache_answers_at_once_only_while_fresh() {
        let clock = crate::time::SkewedClock::new(0);
        let expires = SystemTime::now() + Duration::from_secs(3600);
        let cache = CachingProvider::new(Arc::new(StaticProvider(Credentials::AccessKey(
            AccessKey::new("AKIDx", "sk").with_expiry(expires),
        ))))
        .with_clock(clock.clone());
        // Nothing looked up yet: the caller has to wait for a lookup.
        assert!(cache.cached().is_none());
        let first = current(&cache).await.unwrap();
        assert_eq!(cache.fetch_count(), 1);
        let at_once = cache
            .cached()
            .expect("fresh credentials are answered at once");
        assert!(Arc::ptr_eq(&first, &at_once));
        // Inside the refresh margin (five minutes before expiry) they are no longer answered
        // at once, and `current` refreshes them.
        clock.set_offset(3400);
        assert!(cache.cached().is_none());
        current(&cache).await.unwrap();
        assert_eq!(cache.fetch_count(), 2);
        // A provider without a cache never answers at once.
        let plain = StaticProvider(Credentials::AccessKey(AccessKey::new("AKIDx", "sk")));
        assert!(plain.cached().is_none());
        assert_eq!(
            current(&plain).await.unwrap().access_key().unwrap().id,
            "AKIDx"
        );
    }

    #[tokio::test]
    async fn environment_half_configured_is_an_error() {
        let env = EnvSource::from_pairs([("EXAMPLE_KEY_ID", "ak")]);
        let e = EnvironmentProvider::new(KEYS)
            .with_env(env)
            .lookup()
            .await
            .unwrap_err();
        assert!(e.to_string().contains("EXAMPLE_KEY_SECRET"), "{e}");
    }

    #[tokio::test]
    async fn access_keys_win_over_basic_credentials() {
        let env =
            EnvSource::from_pairs([("EXAMPLE_USERNAME", "admin"), ("EXAMPLE_PASSWORD", "pw")]);
        let c = EnvironmentProvider::new(BASIC)
            .with_env(env)
            .provide()
            .await
            .unwrap();
        assert!(matches!(c, Credentials::Basic(ref b) if b.username == "admin"));
        let env = EnvSource::from_pairs([
            ("EXAMPLE_USERNAME", "admin"),
            ("EXAMPLE_PASSWORD", "pw"),
            ("EXAMPLE_KEY_ID", "ak"),
            ("EXAMPLE_KEY_SECRET", "sk"),
        ]);
        let c = EnvironmentProvider::new(BASIC)
            .with_env(env)
            .provide()
            .await
            .unwrap();
        assert!(matches!(c, Credentials::AccessKey(ref k) if k.id == "ak"));
    }

    #[tokio::test]
    async fn chain_reports_every_source_tried() {
        let env = EnvSource::from_pairs([("HOME", "/nonexistent-home")]);
        let chain = CredentialsChain::new(vec![
            Arc::new(EnvironmentProvider::new(KEYS).with_env(env.clone())),
            Arc::new(ProfileFileProvider::new(PROFILE).with_env(env)),
        ]);
        let e = chain.provide().await.unwrap_err();
        let s = e.to_string();
        assert!(
            s.contains("environment variables (EXAMPLE_KEY_ID is not set)"),
            "{s}"
        );
        assert!(s.contains("/nonexistent-home/.example/credentials"), "{s}");
    }

    #[tokio::test]
    async fn chain_returns_first_found() {
        let chain = CredentialsChain::new(vec![
            Arc::new(
                EnvironmentProvider::new(KEYS).with_env(EnvSource::from_pairs::<&str, &str>([])),
            ),
            Arc::new(StaticProvider(AccessKey::new("id", "secret").into())),
        ]);
        let k = chain.provide().await.unwrap().into_access_key().unwrap();
        assert_eq!(k.id, "id");
    }

    #[test]
    fn credentials_that_cannot_be_sent_are_refused() {
        for bad in [
            Credentials::from(AccessKey::new("AK\r\nX: 1", "sk")),
            AccessKey::new("AK", "sk").with_session_token("t\nk").into(),
            AccessKey::new("AK", "sk").with_project_id("p 1").into(),
            BasicAuth::new("admin:x", "pw").into(),
            BasicAuth::new("admin", "p\nw").into(),
        ] {
            let e = bad.check().unwrap_err();
            assert!(matches!(e, Error::Credentials { .. }), "{e:?}");
        }
        assert!(
            Credentials::from(BasicAuth::new("admin", "p:w ü"))
                .check()
                .is_ok()
        );
    }

    /// Temporary keys that live `ttl` seconds from the clock's time, counted.
    #[derive(Debug)]
    struct Temporary {
        clock: Arc<crate::time::SkewedClock>,
        ttl: u64,
        fetches: std::sync::atomic::AtomicU64,
        failing: std::sync::atomic::AtomicBool,
    }

    #[async_trait]
    impl ProvideCredentials for Temporary {
        async fn lookup(&self) -> Result<Lookup, Error> {
            use std::sync::atomic::Ordering::SeqCst;
            let n = self.fetches.fetch_add(1, SeqCst) + 1;
            tokio::time::sleep(Duration::from_millis(30)).await;
            if self.failing.load(SeqCst) {
                return Err(Error::transport(
                    "the metadata service did not answer",
                    false,
                ));
            }
            let now = crate::Clock::now(&*self.clock);
            Ok(Lookup::Found(
                AccessKey::new(format!("TMPKEY{n}"), format!("secret-{n}"))
                    .with_session_token(format!("token-{n}"))
                    .with_expiry(now + Duration::from_secs(self.ttl))
                    .into(),
            ))
        }

        fn source(&self) -> String {
            "the test metadata service".to_string()
        }
    }

    #[tokio::test]
    async fn temporary_credentials_are_cached_refreshed_once_and_recovered() {
        use std::sync::atomic::Ordering::SeqCst;
        let clock = crate::time::SkewedClock::new(0);
        let inner = Arc::new(Temporary {
            clock: clock.clone(),
            ttl: 3600,
            fetches: Default::default(),
            failing: Default::default(),
        });
        let p = Arc::new(CachingProvider::new(inner.clone()).with_clock(clock.clone()));
        let first = p.provide().await.unwrap().into_access_key().unwrap();
        for _ in 0..5 {
            assert_eq!(p.provide().await.unwrap().into_access_key().unwrap(), first);
        }
        assert_eq!(inner.fetches.load(SeqCst), 1);

        // Inside the 5-minute margin: 100 concurrent callers share one refresh, and each gets
        // a key and token from the same refresh.
        clock.set_offset(3600 - 200);
        let calls: Vec<_> = (0..100)
            .map(|_| {
                let p = p.clone();
                tokio::spawn(async move { p.provide().await })
            })
            .collect();
        for c in calls {
            let k = c.await.unwrap().unwrap().into_access_key().unwrap();
            assert_eq!(k.id, "TMPKEY2");
            assert_eq!(k.session_token.unwrap().expose(), "token-2");
        }
        assert_eq!(inner.fetches.load(SeqCst), 2);

        // A failed refresh is a credentials error naming the source; after the back-off the
        // next call recovers.
        clock.set_offset(2 * 3600);
        inner.failing.store(true, SeqCst);
        let e = p.provide().await.unwrap_err();
        assert!(matches!(e, Error::Credentials { .. }), "{e:?}");
        assert!(e.to_string().contains("the test metadata service"), "{e}");
        inner.failing.store(false, SeqCst);
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let k = p.provide().await.unwrap().into_access_key().unwrap();
        assert_eq!(k.id, "TMPKEY4");
    }

    #[tokio::test]
    async fn long_term_credentials_are_looked_up_once() {
        let env =
            EnvSource::from_pairs([("EXAMPLE_KEY_ID", "AKIDx"), ("EXAMPLE_KEY_SECRET", "sk")]);
        let p = CachingProvider::new(Arc::new(EnvironmentProvider::new(KEYS).with_env(env)));
        for _ in 0..10 {
            p.provide().await.unwrap();
        }
        assert_eq!(p.fetch_count(), 1);
    }

    #[test]
    fn secrets_never_print() {
        let k = AccessKey::new("AKID", "topsecret").with_session_token("tokentoken");
        let b = BasicAuth::new("admin", "hunter2");
        let all = format!(
            "{k:?} {b:?} {} {:?}",
            k.secret,
            Credentials::from(k.clone())
        );
        for s in ["topsecret", "tokentoken", "hunter2"] {
            assert!(!all.contains(s), "{all}");
        }
        assert!(all.contains("AKID"));
    }
}
