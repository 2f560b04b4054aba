//! What a credentials source is ([`ProvideCredentials`]), and the providers every client can
//! use: fixed credentials, a source read once, and a cache that refreshes temporary ones.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use super::cache;
use super::environment::{ENVIRONMENT_SOURCE, EnvNames, environment_lookup, process_var};
use super::secrets::Credentials;
use crate::error::Error;

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
    /// [`EnvironmentProvider`](super::EnvironmentProvider) reads them.
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
