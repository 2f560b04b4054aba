//! Polling with backoff until something finishes or a deadline passes: the loop every vendor
//! waiter (CynosDB flows, OCP tasks) runs.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::Error;

/// When to poll: first after `initial`, then at intervals doubling up to `max`, giving up when
/// the next poll would start after `timeout`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollSchedule {
    /// The first wait.
    pub initial: Duration,
    /// The longest wait between polls.
    pub max: Duration,
    /// The deadline, from the start of the wait.
    pub timeout: Duration,
}

impl Default for PollSchedule {
    /// 1 s, doubling up to 10 s, for at most 10 minutes.
    fn default() -> Self {
        PollSchedule {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(10),
            timeout: Duration::from_secs(600),
        }
    }
}

/// Adds `initial_interval`, `max_interval` and `timeout` setters to a waiter's `impl` block,
/// forwarding to its [`PollSchedule`] field named by the argument.
///
/// ```
/// struct Waiter {
///     schedule: cloudops_core::waiter::PollSchedule,
/// }
///
/// impl Waiter {
///     cloudops_core::poll_schedule_setters!(schedule);
/// }
///
/// let w = Waiter { schedule: Default::default() }.timeout(std::time::Duration::from_secs(5));
/// assert_eq!(w.schedule.timeout, std::time::Duration::from_secs(5));
/// ```
#[macro_export]
macro_rules! poll_schedule_setters {
    ($field:ident) => {
        /// The wait before the first poll (default 1 s).
        pub fn initial_interval(mut self, interval: ::std::time::Duration) -> Self {
            self.$field.initial = interval;
            self
        }

        /// The longest wait between polls; waits double up to it (default 10 s).
        pub fn max_interval(mut self, interval: ::std::time::Duration) -> Self {
            self.$field.max = interval;
            self
        }

        /// The deadline, from the start of the wait (default 10 minutes).
        pub fn timeout(mut self, limit: ::std::time::Duration) -> Self {
            self.$field.timeout = limit;
            self
        }
    };
}

/// What one poll saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Poll<T, S> {
    /// Finished, with the final value.
    Done(T),
    /// Not yet, with the state seen.
    Pending(S),
}

/// How a wait ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollOutcome<T, S> {
    /// A poll saw the end.
    Finished {
        /// The final value.
        value: T,
        /// How many polls ran.
        polls: u32,
    },
    /// The deadline passed first.
    TimedOut {
        /// The last state seen, if any poll ran.
        last: Option<S>,
        /// How many polls ran.
        polls: u32,
    },
}

/// Runs `poll` on `schedule` until it returns [`Poll::Done`], an error, or the deadline.
pub async fn poll_until<T, S, F, Fut>(
    schedule: PollSchedule,
    mut poll: F,
) -> Result<PollOutcome<T, S>, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Poll<T, S>, Error>>,
{
    // A timeout too long to represent is no deadline at all.
    let deadline = Instant::now().checked_add(schedule.timeout);
    let mut interval = schedule.initial;
    let mut polls: u32 = 0;
    let mut last = None;
    loop {
        if let Some(deadline) = deadline {
            let next = Instant::now().checked_add(interval);
            if next.is_none_or(|next| next > deadline) {
                return Ok(PollOutcome::TimedOut { last, polls });
            }
        }
        tokio::time::sleep(interval).await;
        polls = polls.saturating_add(1);
        match poll().await? {
            Poll::Done(value) => return Ok(PollOutcome::Finished { value, polls }),
            Poll::Pending(state) => last = Some(state),
        }
        interval = interval.saturating_mul(2).min(schedule.max);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn finishes_times_out_and_backs_off() {
        let schedule = PollSchedule {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(4),
            timeout: Duration::from_secs(60),
        };
        let mut n = 0;
        let out = poll_until(schedule, || {
            n += 1;
            let v = n;
            async move {
                Ok(if v == 3 {
                    Poll::Done(v)
                } else {
                    Poll::Pending(v)
                })
            }
        })
        .await
        .unwrap();
        assert_eq!(out, PollOutcome::Finished { value: 3, polls: 3 });

        let started = Instant::now();
        let out: PollOutcome<(), u32> = poll_until(schedule, || async { Ok(Poll::Pending(7)) })
            .await
            .unwrap();
        // 1 + 2 + 4 * 14 = 59 s of waits fit in 60 s: 16 polls.
        assert_eq!(
            out,
            PollOutcome::TimedOut {
                last: Some(7),
                polls: 16
            }
        );
        assert!(started.elapsed() <= Duration::from_secs(60));

        let e =
            poll_until::<(), (), _, _>(schedule, || async { Err(Error::credentials("x")) }).await;
        assert!(e.is_err());

        let endless = PollSchedule {
            initial: Duration::from_secs(1),
            max: Duration::MAX,
            timeout: Duration::MAX,
        };
        let mut n = 0;
        let out = poll_until(endless, || {
            n += 1;
            let v = n;
            async move {
                Ok(if v == 5 {
                    Poll::Done(v)
                } else {
                    Poll::Pending(v)
                })
            }
        })
        .await
        .unwrap();
        assert_eq!(out, PollOutcome::Finished { value: 5, polls: 5 });
    }
}
