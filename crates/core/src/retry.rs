//! Retry policy: how many attempts, how long to wait between them, and which failures are
//! safe to send again.

use std::time::Duration;

use crate::error::{Error, TimeoutPhase};
use crate::request::Headers;
use crate::spec::Idempotency;
use crate::time::UtcDateTime;

/// How a call retries.
///
/// The wait before retry `n` (1-based) is a random duration between zero and
/// `min(max_backoff, initial_backoff * 2^(n-1))` ("full jitter"), or the server's
/// `Retry-After` when that is longer (capped at `max_retry_after`). No retry starts when it
/// could not finish within the total budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    budget: Option<Duration>,
    honour_retry_after: bool,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::standard()
    }
}

impl RetryPolicy {
    /// Three attempts, 200 ms initial backoff, 5 s max backoff, a 30 s budget, `Retry-After`
    /// honoured up to 20 s.
    pub fn standard() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            budget: Some(Duration::from_secs(30)),
            honour_retry_after: true,
            max_retry_after: Duration::from_secs(20),
        }
    }

    /// One attempt, no retries.
    pub fn disabled() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::standard()
        }
    }

    /// The most attempts, the first included. Zero is taken as one: every call is sent once,
    /// and never again (as with [`RetryPolicy::disabled`]).
    ///
    /// ```
    /// use cloudops_core::RetryPolicy;
    /// assert_eq!(RetryPolicy::standard().max_attempts(0).attempts(), 1);
    /// ```
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// The backoff bound before the first retry.
    pub fn initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }

    /// The largest backoff bound.
    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    /// The total time retries may take, measured from the first attempt; `None` for no limit
    /// besides `max_attempts`.
    pub fn budget(mut self, d: Option<Duration>) -> Self {
        self.budget = d;
        self
    }

    /// Whether to wait as long as a `Retry-After` header asks.
    pub fn honour_retry_after(mut self, yes: bool) -> Self {
        self.honour_retry_after = yes;
        self
    }

    /// The longest `Retry-After` wait accepted; a longer one ends the retries.
    pub fn max_retry_after(mut self, d: Duration) -> Self {
        self.max_retry_after = d;
        self
    }

    /// The configured number of attempts.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The configured budget.
    pub fn total_budget(&self) -> Option<Duration> {
        self.budget
    }

    /// The upper bound of the jittered wait before retry `retry` (1-based).
    pub fn backoff_ceiling(&self, retry: u32) -> Duration {
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.initial_backoff
            .checked_mul(factor)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff)
    }

    /// The wait before retry `retry`, given the server's `Retry-After` if any. `None` when the
    /// server asked for longer than `max_retry_after`.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Option<Duration> {
        let ceiling = self.backoff_ceiling(retry);
        let jittered =
            Duration::try_from_secs_f64(ceiling.as_secs_f64() * random_unit()).unwrap_or(ceiling);
        match retry_after {
            Some(ra) if self.honour_retry_after => {
                if ra > self.max_retry_after {
                    None
                } else {
                    Some(ra.max(jittered))
                }
            }
            _ => Some(jittered),
        }
    }
}

/// Whether `error` is safe to send again for an operation of the given idempotency:
///
/// - throttling (a service error of kind throttling, or HTTP 429) is retried for every
///   operation: the request was refused before it was processed;
/// - a request that certainly did not leave (connection refused, connect timeout) is retried
///   for every operation;
/// - a failure after the request may have reached the server (reset, attempt timeout), and a
///   server error (5xx, or a vendor code classified as a server failure) are retried only for
///   idempotent operations;
/// - everything else (client errors, bodies over the cap, a 2xx that could not be decoded) is
///   not retried.
pub fn is_retry_safe(error: &Error, idempotency: Idempotency) -> bool {
    let idempotent = idempotency == Idempotency::Idempotent;
    match error {
        Error::Transport {
            may_have_been_sent, ..
        } => !may_have_been_sent || idempotent,
        Error::Timeout {
            phase,
            may_have_been_sent,
            ..
        } => match phase {
            TimeoutPhase::Connect => true,
            TimeoutPhase::Attempt => !may_have_been_sent || idempotent,
            _ => false,
        },
        Error::Service(e) => match e.kind {
            crate::ServiceErrorKind::Throttling => true,
            crate::ServiceErrorKind::Server => idempotent,
            _ => false,
        },
        Error::Undecodable(e) => e.status == 429 || (idempotent && (500..600).contains(&e.status)),
        _ => false,
    }
}

/// Parses a `Retry-After` header: delay seconds, or an HTTP date relative to `now_unix` (a
/// date in the past is no wait). Anything else, a date outside the years 1 to 9999 included,
/// is `None`: the header is ignored.
pub fn parse_retry_after(headers: &Headers, now_unix: i64) -> Option<Duration> {
    let v = headers.get("retry-after")?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = UtcDateTime::parse_rfc1123(v)?.to_unix();
    let wait = at.checked_sub(now_unix)?;
    Some(Duration::from_secs(u64::try_from(wait).unwrap_or(0)))
}

/// A uniformly distributed number in `[0, 1)`; jitter needs no cryptographic quality.
fn random_unit() -> f64 {
    (crate::id::random_u64() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        let p = RetryPolicy::standard()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_secs(1));
        assert_eq!(p.backoff_ceiling(1), Duration::from_millis(100));
        assert_eq!(p.backoff_ceiling(2), Duration::from_millis(200));
        assert_eq!(p.backoff_ceiling(4), Duration::from_millis(800));
        assert_eq!(p.backoff_ceiling(5), Duration::from_secs(1));
        assert_eq!(p.backoff_ceiling(200), Duration::from_secs(1));
        for retry in 1..10 {
            let d = p.delay(retry, None).unwrap();
            assert!(d <= p.backoff_ceiling(retry));
        }
    }

    #[test]
    fn duration_max_never_panics() {
        let p = RetryPolicy::standard()
            .initial_backoff(Duration::MAX)
            .max_backoff(Duration::MAX)
            .max_retry_after(Duration::MAX);
        for retry in [1, 2, 64, u32::MAX] {
            assert!(p.delay(retry, None).is_some());
            assert!(p.delay(retry, Some(Duration::MAX)).is_some());
        }
    }

    #[test]
    fn jitter_spreads() {
        let p = RetryPolicy::standard().initial_backoff(Duration::from_secs(1));
        let delays: Vec<_> = (0..64).map(|_| p.delay(1, None).unwrap()).collect();
        let distinct: std::collections::HashSet<_> = delays.iter().collect();
        assert!(distinct.len() > 32);
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        let p = RetryPolicy::standard().initial_backoff(Duration::from_millis(1));
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(2))),
            Some(Duration::from_secs(2))
        );
        assert_eq!(p.delay(1, Some(Duration::from_secs(60))), None);
        let p = p.honour_retry_after(false);
        assert!(p.delay(1, Some(Duration::from_secs(2))).unwrap() <= Duration::from_millis(1));
    }

    #[test]
    fn parses_retry_after() {
        let mut h = Headers::new();
        h.set("Retry-After", "3");
        assert_eq!(parse_retry_after(&h, 0), Some(Duration::from_secs(3)));
        h.set("Retry-After", "Thu, 01 Jan 1970 00:00:10 GMT");
        assert_eq!(parse_retry_after(&h, 4), Some(Duration::from_secs(6)));
        h.set("Retry-After", "soon");
        assert_eq!(parse_retry_after(&h, 0), None);
        for absurd in [
            "Thu, 01 Jan 99999999999999 00:00:00 GMT",
            "Thu, 01 Jan -9223372036854775808 00:00:00 GMT",
            "-1",
            "99999999999999999999999",
        ] {
            h.set("Retry-After", absurd);
            assert_eq!(parse_retry_after(&h, 0), None, "{absurd}");
        }
        h.set("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT");
        assert!(parse_retry_after(&h, i64::MIN).is_none());
        assert!(parse_retry_after(&h, i64::MAX).is_some());
    }

    #[test]
    fn safety_rules() {
        use Idempotency::*;
        let sent = Error::transport("", true);
        let unsent = Error::transport("", false);
        assert!(is_retry_safe(&sent, Idempotent));
        assert!(!is_retry_safe(&sent, NonIdempotent));
        assert!(is_retry_safe(&unsent, NonIdempotent));
        let throttled = Error::Service(Box::new(crate::ServiceError::new(
            "v",
            "op",
            429,
            crate::ServiceErrorKind::Throttling,
        )));
        assert!(is_retry_safe(&throttled, NonIdempotent));
        let server = Error::Service(Box::new(crate::ServiceError::new(
            "v",
            "op",
            503,
            crate::ServiceErrorKind::Server,
        )));
        assert!(is_retry_safe(&server, Idempotent));
        assert!(!is_retry_safe(&server, NonIdempotent));
        let html = Error::undecodable("v", "op", 502, b"<html>", "not JSON");
        assert!(is_retry_safe(&html, Idempotent));
        assert!(!is_retry_safe(&html, NonIdempotent));
        let ok_but_bad = Error::undecodable("v", "op", 200, b"{", "truncated");
        assert!(!is_retry_safe(&ok_but_bad, Idempotent));
    }
}
