//! A client-side token bucket, to keep a client under a documented request rate.

use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// A token bucket: up to `burst` requests at once, refilled at `rate` per second. Callers wait
/// in [`RateLimiter::acquire`] until a token is free; nothing is refused.
#[derive(Debug)]
pub struct RateLimiter {
    rate: f64,
    burst: f64,
    state: Mutex<(f64, Instant)>,
}

impl RateLimiter {
    /// `per_second` requests a second with a burst of the same size. A rate of zero is taken
    /// as one.
    pub fn per_second(per_second: u32) -> Self {
        Self::new(per_second, per_second)
    }

    /// `rate` requests a second, at most `burst` at once.
    pub fn new(rate: u32, burst: u32) -> Self {
        let rate = f64::from(rate.max(1));
        let burst = f64::from(burst.max(1));
        RateLimiter {
            rate,
            burst,
            state: Mutex::new((burst, Instant::now())),
        }
    }

    /// Waits for a token and takes it.
    pub async fn acquire(&self) {
        // The lock is held while waiting so callers are served in arrival order.
        let mut state = self.state.lock().await;
        let (tokens, last) = &mut *state;
        let now = Instant::now();
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * self.rate).min(self.burst);
        *last = now;
        if *tokens < 1.0 {
            let wait = Duration::from_secs_f64((1.0 - *tokens) / self.rate);
            tokio::time::sleep(wait).await;
            *tokens = 1.0;
            *last = Instant::now();
        }
        *tokens -= 1.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn holds_the_rate() {
        let rl = RateLimiter::per_second(20);
        let start = Instant::now();
        for _ in 0..60 {
            rl.acquire().await;
        }
        // 20 from the burst, then 40 more at 20/s: two seconds of (virtual) time.
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_millis(1990), "{elapsed:?}");
        assert!(elapsed <= Duration::from_millis(2100), "{elapsed:?}");
    }
}
