//! Bearer tokens (Huawei IAM `X-Auth-Token`) and a cache that refreshes them before expiry.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;

use super::SecretString;
use crate::error::Error;
use crate::time::{Clock, SystemClock};

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
    /// Fetches a token (a network call for IAM; a copy for a static token).
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
/// `refresh_before` of its expiry, or after [`CachedTokenProvider::invalidate`].
///
/// At most one fetch runs at a time: callers that find the token stale while a fetch is under
/// way wait for that fetch and share its result.
pub struct CachedTokenProvider<P> {
    inner: P,
    refresh_before: Duration,
    clock: Arc<dyn Clock>,
    slot: tokio::sync::Mutex<Option<Token>>,
    fetches: AtomicU64,
}

impl<P: ProvideToken> CachedTokenProvider<P> {
    /// Caches `inner`'s tokens, refreshing 5 minutes before expiry.
    pub fn new(inner: P) -> Self {
        CachedTokenProvider {
            inner,
            refresh_before: Duration::from_secs(300),
            clock: Arc::new(SystemClock),
            slot: tokio::sync::Mutex::new(None),
            fetches: AtomicU64::new(0),
        }
    }

    /// Refreshes this long before expiry.
    pub fn refresh_before(mut self, margin: Duration) -> Self {
        self.refresh_before = margin;
        self
    }

    /// Reads the time from `clock`.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// A token that is valid for at least `refresh_before`, fetching one if needed.
    pub async fn token(&self) -> Result<SecretString, Error> {
        let mut slot = self.slot.lock().await;
        if let Some(t) = slot.as_ref() {
            let fresh_until = t
                .expires_at
                .checked_sub(self.refresh_before)
                .unwrap_or(SystemTime::UNIX_EPOCH);
            if self.clock.now() < fresh_until {
                return Ok(t.value.clone());
            }
        }
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let t = self.inner.fetch_token().await?;
        let value = t.value.clone();
        *slot = Some(t);
        Ok(value)
    }

    /// Drops the cached token if it is still `stale` (the one a server just refused), so the
    /// next call fetches a new one. A token another caller already replaced is kept.
    pub async fn invalidate(&self, stale: &SecretString) {
        let mut slot = self.slot.lock().await;
        if slot.as_ref().is_some_and(|t| &t.value == stale) {
            *slot = None;
        }
    }

    /// How many times the inner provider has been asked for a token.
    pub fn fetch_count(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }
}

impl<P: fmt::Debug> fmt::Debug for CachedTokenProvider<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedTokenProvider")
            .field("inner", &self.inner)
            .field("refresh_before", &self.refresh_before)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
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
        // Expires 200 s after the clock, inside the 300 s margin: every call refreshes.
        let p = CachedTokenProvider::new(Counting {
            ttl: 200,
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
