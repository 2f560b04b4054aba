//! Bearer tokens (Huawei IAM `X-Auth-Token`) and a cache that refreshes them before expiry.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use tokio::sync::watch;

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
/// the refresh margin of its expiry, or after [`CachedTokenProvider::invalidate`].
///
/// - One fetch at a time: it runs as a task of its own, so a caller whose deadline passes
///   leaves it running for the others. Every caller that finds the token stale while a fetch
///   is under way waits for that fetch and shares its result, failure included.
/// - A failed fetch is answered to new callers for a short back-off (default 1 s), then the
///   next caller fetches again.
/// - The margin is clamped to half of a token's lifetime, so a token that lives shorter than
///   the margin (30-minute tokens, a 1-hour margin) is still reused.
pub struct CachedTokenProvider<P> {
    inner: Arc<P>,
    refresh_before: Duration,
    failure_backoff: Duration,
    clock: Arc<dyn Clock>,
    state: Arc<Mutex<State>>,
    fetches: Arc<AtomicU64>,
}

type Outcome = Option<Result<Token, Error>>;

#[derive(Default)]
struct State {
    /// The token and when it was fetched.
    token: Option<(Token, SystemTime)>,
    /// The fetch under way: its result arrives on this channel.
    fetching: Option<watch::Receiver<Outcome>>,
    /// The last failure and when it happened.
    failed: Option<(tokio::time::Instant, Error)>,
}

fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}

impl<P: ProvideToken + 'static> CachedTokenProvider<P> {
    /// Caches `inner`'s tokens, refreshing 5 minutes before expiry.
    pub fn new(inner: P) -> Self {
        CachedTokenProvider {
            inner: Arc::new(inner),
            refresh_before: Duration::from_secs(300),
            failure_backoff: Duration::from_secs(1),
            clock: Arc::new(SystemClock),
            state: Arc::new(Mutex::new(State::default())),
            fetches: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Refreshes this long before expiry (at most half of a token's lifetime).
    pub fn refresh_before(mut self, margin: Duration) -> Self {
        self.refresh_before = margin;
        self
    }

    /// How long a failed fetch is answered to new callers before the next fetch (default 1 s).
    pub fn failure_backoff(mut self, backoff: Duration) -> Self {
        self.failure_backoff = backoff;
        self
    }

    /// Reads the time from `clock`.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Whether `token`, fetched at `fetched_at`, is still outside its refresh margin.
    fn is_fresh(&self, token: &Token, fetched_at: SystemTime) -> bool {
        let lifetime = token
            .expires_at
            .duration_since(fetched_at)
            .unwrap_or_default();
        let margin = self.refresh_before.min(lifetime / 2);
        let fresh_until = token
            .expires_at
            .checked_sub(margin)
            .unwrap_or(SystemTime::UNIX_EPOCH);
        self.clock.now() < fresh_until
    }

    /// A token outside its refresh margin, fetching one if needed.
    pub async fn token(&self) -> Result<SecretString, Error> {
        let mut result = {
            let mut state = lock(&self.state);
            if let Some((t, at)) = &state.token
                && self.is_fresh(t, *at)
            {
                return Ok(t.value.clone());
            }
            match &state.fetching {
                // A fetch whose task ended without an answer (it panicked) is not waited for.
                Some(rx) if rx.has_changed().is_ok() || rx.borrow().is_some() => rx.clone(),
                _ => {
                    if let Some((at, e)) = &state.failed
                        && at.elapsed() < self.failure_backoff
                    {
                        return Err(e.clone());
                    }
                    self.start_fetch(&mut state)
                }
            }
        };
        let outcome = result
            .wait_for(Option::is_some)
            .await
            .map(|o| o.clone())
            .ok()
            .flatten();
        match outcome {
            Some(Ok(t)) => Ok(t.value),
            Some(Err(e)) => Err(e),
            None => Err(Error::credentials(
                "the token fetch ended without an answer",
            )),
        }
    }

    fn start_fetch(&self, state: &mut State) -> watch::Receiver<Outcome> {
        let (tx, rx) = watch::channel(None);
        state.fetching = Some(rx.clone());
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let inner = self.inner.clone();
        let shared = self.state.clone();
        let clock = self.clock.clone();
        tokio::spawn(async move {
            let result = inner.fetch_token().await;
            {
                let mut state = lock(&shared);
                state.fetching = None;
                match &result {
                    Ok(t) => {
                        state.token = Some((t.clone(), clock.now()));
                        state.failed = None;
                    }
                    Err(e) => state.failed = Some((tokio::time::Instant::now(), e.clone())),
                }
            }
            let _ = tx.send(Some(result));
        });
        rx
    }

    /// Drops the cached token if it is still `stale` (the one a server just refused), so the
    /// next call fetches a new one. A token another caller already replaced is kept.
    pub async fn invalidate(&self, stale: &SecretString) {
        let mut state = lock(&self.state);
        if state.token.as_ref().is_some_and(|(t, _)| &t.value == stale) {
            state.token = None;
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
            .field("failure_backoff", &self.failure_backoff)
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
