//! The one caching layer every expiring credential goes through: tokens and access keys alike.
//!
//! - A value is refreshed ahead of its expiry, at the configured margin clamped to half of
//!   its lifetime (a token that lives shorter than the margin is still reused).
//! - One refresh at a time: it runs as a task of its own, so a caller whose deadline passes
//!   leaves it running for the others; every caller that finds the value stale while a refresh
//!   is under way waits for it and shares its result, failure included.
//! - A failure is answered to new callers only for a short back-off, then the next caller
//!   refreshes again.
//! - A value is replaced whole: never a key from one refresh with a token from another.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use tokio::sync::watch;

use crate::error::Error;
use crate::time::{Clock, SystemClock};

/// What a refresh produced: the value and when it stops working (`None`: never, as far as
/// the SDK knows).
pub type Fetched<T> = (T, Option<SystemTime>);

type Outcome<T> = Option<Result<Fetched<T>, Error>>;

struct Cached<T> {
    value: T,
    expires_at: Option<SystemTime>,
    fetched_at: SystemTime,
}

struct State<T> {
    cached: Option<Cached<T>>,
    fetching: Option<watch::Receiver<Outcome<T>>>,
    failed: Option<(tokio::time::Instant, Error)>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A single-flight cache of one expiring value.
pub struct RefreshCache<T> {
    refresh_before: Duration,
    failure_backoff: Duration,
    clock: Arc<dyn Clock>,
    state: Arc<Mutex<State<T>>>,
    fetches: Arc<AtomicU64>,
}

impl<T> std::fmt::Debug for RefreshCache<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RefreshCache")
            .field("refresh_before", &self.refresh_before)
            .field("failure_backoff", &self.failure_backoff)
            .field("fetches", &self.fetches.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl<T: Clone + Send + Sync + 'static> RefreshCache<T> {
    /// A cache refreshing `refresh_before` expiry (clamped to half a value's lifetime),
    /// answering a failure for one second.
    pub fn new(refresh_before: Duration) -> Self {
        RefreshCache {
            refresh_before,
            failure_backoff: Duration::from_secs(1),
            clock: Arc::new(SystemClock),
            state: Arc::new(Mutex::new(State {
                cached: None,
                fetching: None,
                failed: None,
            })),
            fetches: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Refreshes this long before expiry (at most half of a value's lifetime).
    pub fn refresh_before(mut self, margin: Duration) -> Self {
        self.refresh_before = margin;
        self
    }

    /// How long a failed refresh is answered to new callers before the next refresh.
    pub fn failure_backoff(mut self, backoff: Duration) -> Self {
        self.failure_backoff = backoff;
        self
    }

    /// Reads the time from `clock`.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// How many refreshes have started.
    pub fn fetch_count(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    fn is_fresh(&self, c: &Cached<T>) -> bool {
        let Some(expires_at) = c.expires_at else {
            return true;
        };
        let lifetime = expires_at.duration_since(c.fetched_at).unwrap_or_default();
        let margin = self.refresh_before.min(lifetime / 2);
        let fresh_until = expires_at
            .checked_sub(margin)
            .unwrap_or(SystemTime::UNIX_EPOCH);
        self.clock.now() < fresh_until
    }

    /// The cached value while it is outside its refresh margin, without waiting; `None` when
    /// [`get`](Self::get) would refresh.
    pub fn get_fresh(&self) -> Option<T> {
        let state = lock(&self.state);
        state
            .cached
            .as_ref()
            .filter(|c| self.is_fresh(c))
            .map(|c| c.value.clone())
    }

    /// The cached value while it is outside its refresh margin; otherwise the result of the
    /// refresh under way, or of a new one made with `fetch`.
    pub async fn get<F, Fut>(&self, fetch: F) -> Result<T, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Fetched<T>, Error>> + Send + 'static,
    {
        let mut result = {
            let mut state = lock(&self.state);
            if let Some(c) = &state.cached
                && self.is_fresh(c)
            {
                return Ok(c.value.clone());
            }
            match &state.fetching {
                // A refresh whose task ended without an answer (it panicked) is not waited for.
                Some(rx) if rx.has_changed().is_ok() || rx.borrow().is_some() => rx.clone(),
                _ => {
                    if let Some((at, e)) = &state.failed
                        && at.elapsed() < self.failure_backoff
                    {
                        return Err(e.clone());
                    }
                    self.start(&mut state, fetch())
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
            Some(Ok((value, _))) => Ok(value),
            Some(Err(e)) => Err(e),
            None => Err(Error::credentials("the refresh ended without an answer")),
        }
    }

    fn start<Fut>(&self, state: &mut State<T>, fetch: Fut) -> watch::Receiver<Outcome<T>>
    where
        Fut: Future<Output = Result<Fetched<T>, Error>> + Send + 'static,
    {
        let (tx, rx) = watch::channel(None);
        state.fetching = Some(rx.clone());
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let shared = self.state.clone();
        let clock = self.clock.clone();
        tokio::spawn(async move {
            let result = fetch.await;
            {
                let mut state = lock(&shared);
                state.fetching = None;
                match &result {
                    Ok((value, expires_at)) => {
                        state.cached = Some(Cached {
                            value: value.clone(),
                            expires_at: *expires_at,
                            fetched_at: clock.now(),
                        });
                        state.failed = None;
                    }
                    Err(e) => state.failed = Some((tokio::time::Instant::now(), e.clone())),
                }
            }
            let _ = tx.send(Some(result));
        });
        rx
    }

    /// Drops the cached value if `stale` says it is the one a server just refused, so the
    /// next caller refreshes. A value another caller already replaced is kept.
    pub fn invalidate_if(&self, stale: impl Fn(&T) -> bool) {
        let mut state = lock(&self.state);
        if state.cached.as_ref().is_some_and(|c| stale(&c.value)) {
            state.cached = None;
        }
    }
}
