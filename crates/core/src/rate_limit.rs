//! A client-side rate limit, to keep a client under a documented request rate.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// A sliding-window limit: at most `max` requests start in any `window` of time. A documented
/// "20 requests per second" is [`RateLimiter::per_second(20)`](RateLimiter::per_second): no
/// second, wherever it starts, sees a 21st request.
///
/// Callers are given start times in arrival order; a caller waits until its time. A caller
/// with a deadline that its time would miss is refused at once and takes no slot, so waiting
/// for the limiter never outlasts a call's deadline.
pub struct RateLimiter {
    max: usize,
    window: Duration,
    /// Start times given out, oldest first (some may lie in the future).
    starts: Mutex<VecDeque<Instant>>,
    /// [`RateLimiter::acquire_before`], reached through the limiter itself: a program that
    /// makes no limiter links none of its waiting.
    acquire: Acquire,
}

/// How the pipeline waits for a turn.
type Acquire = for<'a> fn(
    &'a RateLimiter,
    Option<Instant>,
) -> Pin<Box<dyn Future<Output = Result<(), Instant>> + Send + 'a>>;

impl fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimiter")
            .field("max", &self.max)
            .field("window", &self.window)
            .finish_non_exhaustive()
    }
}

impl RateLimiter {
    /// At most `per_second` requests in any one second. A rate of zero is taken as one.
    pub fn per_second(per_second: u32) -> Self {
        Self::per_window(per_second, Duration::from_secs(1))
    }

    /// On average `rate` requests a second, at most `burst` at once: at most `burst` requests
    /// in any window of `burst / rate` seconds. Zero is taken as one.
    pub fn new(rate: u32, burst: u32) -> Self {
        let (rate, burst) = (rate.max(1), burst.max(1));
        let window = Duration::from_secs_f64(f64::from(burst) / f64::from(rate));
        Self::per_window(burst, window)
    }

    /// At most `max` requests in any `window`. Zero is taken as one.
    pub fn per_window(max: u32, window: Duration) -> Self {
        let max = usize::try_from(max.max(1)).unwrap_or(usize::MAX);
        RateLimiter {
            max,
            window,
            starts: Mutex::new(VecDeque::with_capacity(max.min(1024))),
            acquire: |limiter, deadline| Box::pin(limiter.acquire_before(deadline)),
        }
    }

    /// [`RateLimiter::acquire_before`], boxed: what the pipeline waits on.
    pub(crate) fn acquire_boxed(
        &self,
        deadline: Option<Instant>,
    ) -> Pin<Box<dyn Future<Output = Result<(), Instant>> + Send + '_>> {
        (self.acquire)(self, deadline)
    }

    /// Waits for this caller's turn.
    pub async fn acquire(&self) {
        // Without a deadline a turn is always given.
        let _ = self.acquire_before(None).await;
    }

    /// Waits for this caller's turn if it comes by `deadline`. When it would come later, the
    /// caller is refused at once (`Err` with the time its turn would have come) and no turn is
    /// used up.
    pub async fn acquire_before(&self, deadline: Option<Instant>) -> Result<(), Instant> {
        let turn = {
            let mut starts = self.starts.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            // A start older than a window constrains nothing any more.
            while starts.len() > self.max
                || starts
                    .front()
                    .is_some_and(|t| now.saturating_duration_since(*t) >= self.window)
            {
                starts.pop_front();
            }
            let turn = if starts.len() < self.max {
                now
            } else {
                // The max-th most recent start must be a whole window old.
                let oldest = starts[starts.len() - self.max];
                oldest.checked_add(self.window).unwrap_or(oldest).max(now)
            };
            if deadline.is_some_and(|d| turn > d) {
                return Err(turn);
            }
            starts.push_back(turn);
            turn
        };
        tokio::time::sleep_until(turn).await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn no_window_sees_more_than_the_limit() {
        let rl = RateLimiter::per_second(20);
        let start = Instant::now();
        let mut at = Vec::new();
        for _ in 0..60 {
            rl.acquire().await;
            at.push(start.elapsed());
        }
        for (i, t) in at.iter().enumerate() {
            let in_window = at[i..]
                .iter()
                .take_while(|u| **u - *t < Duration::from_secs(1))
                .count();
            assert!(in_window <= 20, "{in_window} at {t:?}");
        }
        // 20 at once, 20 more a second later, 20 more a second after that.
        assert_eq!(at[59], Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn a_turn_past_the_deadline_is_refused_and_not_used_up() {
        let rl = RateLimiter::per_second(2);
        let deadline = Instant::now() + Duration::from_millis(500);
        assert!(rl.acquire_before(Some(deadline)).await.is_ok());
        assert!(rl.acquire_before(Some(deadline)).await.is_ok());
        let refused = rl.acquire_before(Some(deadline)).await.unwrap_err();
        assert_eq!(refused - deadline, Duration::from_millis(500));
        // The refusal took no turn: the next caller gets the same time.
        let started = Instant::now();
        rl.acquire().await;
        assert_eq!(started.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn new_spreads_the_burst_over_its_window() {
        let rl = RateLimiter::new(10, 5);
        let start = Instant::now();
        for _ in 0..10 {
            rl.acquire().await;
        }
        assert_eq!(start.elapsed(), Duration::from_millis(500));
    }
}
