//! Bearer tokens (an identity service's token header) and a cache that refreshes them before
//! expiry.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;

use super::SecretString;
use super::cache::RefreshCache;
use crate::error::Error;
use crate::time::Clock;

/// A token and when it stops working.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// The token.
    pub value: SecretString,
    /// When it expires.
    pub expires_at: SystemTime,
}

/// A source of tokens.
#[async_trait]
pub trait ProvideToken: Send + Sync + fmt::Debug {
    /// Fetches a token (a network call to an identity service; a copy for a static token).
    async fn fetch_token(&self) -> Result<Token, Error>;
}

#[async_trait]
impl<P: ProvideToken + ?Sized> ProvideToken for Arc<P> {
    async fn fetch_token(&self) -> Result<Token, Error> {
        (**self).fetch_token().await
    }
}

/// A token given by the caller; it never expires as far as the SDK knows.
#[derive(Clone, Debug)]
pub struct StaticToken(pub SecretString);

#[async_trait]
impl ProvideToken for StaticToken {
    async fn fetch_token(&self) -> Result<Token, Error> {
        Ok(Token {
            value: self.0.clone(),
            expires_at: SystemTime::UNIX_EPOCH + Duration::from_secs(u64::from(u32::MAX) * 16),
        })
    }
}

/// Caches the token of an inner provider and fetches a new one when the cached one is within
/// the refresh margin of its expiry, or after [`CachedTokenProvider::invalidate`]: the core's
/// one caching layer ([`RefreshCache`](super::cache::RefreshCache)) with its rules: one fetch at a
/// time shared by every waiter (failures too), a short failure back-off, and the margin
/// clamped to half of a token's lifetime.
pub struct CachedTokenProvider<P> {
    inner: Arc<P>,
    cache: RefreshCache<Token>,
}

impl<P: ProvideToken + 'static> CachedTokenProvider<P> {
    /// Caches `inner`'s tokens, refreshing 5 minutes before expiry.
    pub fn new(inner: P) -> Self {
        CachedTokenProvider {
            inner: Arc::new(inner),
            cache: RefreshCache::new(Duration::from_secs(300)),
        }
    }

    /// Refreshes this long before expiry (at most half of a token's lifetime).
    pub fn refresh_before(mut self, margin: Duration) -> Self {
        self.cache = self.cache.refresh_before(margin);
        self
    }

    /// How long a failed fetch is answered to new callers before the next fetch (default 1 s).
    pub fn failure_backoff(mut self, backoff: Duration) -> Self {
        self.cache = self.cache.failure_backoff(backoff);
        self
    }

    /// Reads the time from `clock`.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.cache = self.cache.with_clock(clock);
        self
    }

    /// A token outside its refresh margin, fetching one if needed.
    pub async fn token(&self) -> Result<SecretString, Error> {
        let inner = self.inner.clone();
        let token = self
            .cache
            .get(move || async move {
                let t = inner.fetch_token().await?;
                let expires_at = Some(t.expires_at);
                Ok((t, expires_at))
            })
            .await?;
        Ok(token.value)
    }

    /// Drops the cached token if it is still `stale` (the one a server just refused), so the
    /// next call fetches a new one. A token another caller already replaced is kept.
    pub async fn invalidate(&self, stale: &SecretString) {
        self.cache.invalidate_if(|t| &t.value == stale);
    }

    /// How many times the inner provider has been asked for a token.
    pub fn fetch_count(&self) -> u64 {
        self.cache.fetch_count()
    }
}

impl<P: fmt::Debug> fmt::Debug for CachedTokenProvider<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedTokenProvider")
            .field("inner", &self.inner)
            .field("cache", &self.cache)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::*;
    use crate::time::FixedClock;

    #[derive(Debug, Default)]
    struct Counting {
        n: AtomicU64,
        ttl: u64,
    }

    #[async_trait]
    impl ProvideToken for Counting {
        async fn fetch_token(&self) -> Result<Token, Error> {
            let n = self.n.fetch_add(1, Ordering::SeqCst) + 1;
            tokio::time::sleep(Duration::from_millis(20)).await;
            Ok(Token {
                value: SecretString::new(format!("token-{n}")),
                expires_at: SystemTime::UNIX_EPOCH + Duration::from_secs(1000 + self.ttl),
            })
        }
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_fetch() {
        let p = Arc::new(
            CachedTokenProvider::new(Counting {
                ttl: 86_400,
                ..Default::default()
            })
            .with_clock(Arc::new(FixedClock::at_unix(1000))),
        );
        let mut handles = Vec::new();
        for _ in 0..8 {
            let p = p.clone();
            handles.push(tokio::spawn(async move { p.token().await.unwrap() }));
        }
        for h in handles {
            assert_eq!(h.await.unwrap().expose(), "token-1");
        }
        assert_eq!(p.fetch_count(), 1);
    }

    #[tokio::test]
    async fn refreshes_before_expiry_and_after_invalidation() {
        // Expires 200 s after the clock, inside the 300 s margin: the margin is clamped to
        // half the lifetime (100 s), so the token is reused.
        let p = CachedTokenProvider::new(Counting {
            ttl: 200,
            ..Default::default()
        })
        .with_clock(Arc::new(FixedClock::at_unix(1000)));
        p.token().await.unwrap();
        p.token().await.unwrap();
        assert_eq!(p.fetch_count(), 1);
        // Already expired when fetched: every call fetches.
        let p = CachedTokenProvider::new(Counting {
            ttl: 0,
            ..Default::default()
        })
        .with_clock(Arc::new(FixedClock::at_unix(1000)));
        p.token().await.unwrap();
        p.token().await.unwrap();
        assert_eq!(p.fetch_count(), 2);

        let p = CachedTokenProvider::new(Counting {
            ttl: 86_400,
            ..Default::default()
        })
        .with_clock(Arc::new(FixedClock::at_unix(1000)));
        let t1 = p.token().await.unwrap();
        p.invalidate(&SecretString::new("not-the-cached-one")).await;
        assert_eq!(p.token().await.unwrap(), t1);
        p.invalidate(&t1).await;
        assert_eq!(p.token().await.unwrap().expose(), "token-2");
        assert_eq!(p.fetch_count(), 2);
    }
}
