//! Polling with backoff until something finishes or a deadline passes: the loop every vendor
//! waiter (an asynchronous flow, a server task) runs.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::Error;

/// When to poll: first after `initial`, then at intervals doubling up to `max`, and a last
/// time at the deadline, `timeout` after the wait starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollSchedule {
    /// The first wait (more than zero).
    pub initial: Duration,
    /// The longest wait between polls (at least `initial`).
    pub max: Duration,
    /// The deadline, from the start of the wait. Zero polls once, at once.
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

impl PollSchedule {
    /// Refuses a schedule that would poll without pause: an invalid-input error naming the
    /// setter.
    pub fn check(&self) -> Result<(), Error> {
        if self.initial.is_zero() {
            return Err(Error::invalid_input(
                "initial_interval",
                "must be more than zero",
            ));
        }
        if self.max < self.initial {
            return Err(Error::invalid_input(
                "max_interval",
                format!("must be at least the initial interval ({:?})", self.initial),
            ));
        }
        Ok(())
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
        /// The wait before the first poll (default 1 s). Zero is refused when the wait
        /// starts, before anything is sent.
        pub fn initial_interval(mut self, interval: ::std::time::Duration) -> Self {
            self.$field.initial = interval;
            self
        }

        /// The longest wait between polls; waits double up to it (default 10 s). Less than
        /// the initial interval is refused when the wait starts.
        pub fn max_interval(mut self, interval: ::std::time::Duration) -> Self {
            self.$field.max = interval;
            self
        }

        /// The deadline, from the start of the wait (default 10 minutes). The last poll is
        /// at the deadline; zero polls once, at once.
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

/// How a wait ended. Every wait polls at least once, so a wait that timed out has seen a
/// state.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "a wait that timed out did not finish"]
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
        /// The last state seen.
        last: S,
        /// How many polls ran.
        polls: u32,
    },
}

/// Runs `poll` on `schedule` until it returns [`Poll::Done`], an error, or the deadline: the
/// first poll after `initial` (or at the deadline, if that comes first), then at doubling
/// intervals, the last one at the deadline. A schedule that fails [`PollSchedule::check`] is
/// refused before the first poll.
pub async fn poll_until<T, S, F, Fut>(
    schedule: PollSchedule,
    mut poll: F,
) -> Result<PollOutcome<T, S>, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Poll<T, S>, Error>>,
{
    schedule.check()?;
    // A timeout too long to represent is no deadline at all.
    let deadline = Instant::now().checked_add(schedule.timeout);
    let mut interval = schedule.initial;
    let mut polls: u32 = 0;
    loop {
        let next = Instant::now().checked_add(interval);
        let wake = match (next, deadline) {
            (Some(next), Some(deadline)) => next.min(deadline),
            (Some(next), None) => next,
            (None, Some(deadline)) => deadline,
            // Neither can be represented: wait for as long as can be.
            (None, None) => Instant::now()
                .checked_add(Duration::from_secs(86_400 * 365 * 30))
                .unwrap_or_else(Instant::now),
        };
        tokio::time::sleep_until(wake).await;
        polls = polls.saturating_add(1);
        match poll().await? {
            Poll::Done(value) => return Ok(PollOutcome::Finished { value, polls }),
            Poll::Pending(last) => {
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    return Ok(PollOutcome::TimedOut { last, polls });
                }
            }
        }
        interval = interval.saturating_mul(2).min(schedule.max);
    }
}

/// Where what a waiter polls stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Still under way.
    Running,
    /// Finished well.
    Succeeded,
    /// Finished badly.
    Failed,
}

/// What a vendor waiter waits for: its vendor, its name in words (`flow 9056`), and how each
/// answer it polls reads.
pub struct Subject<T> {
    /// The vendor.
    pub vendor: &'static str,
    /// What is waited for, in words.
    pub name: String,
    /// Where an answer says it stands.
    pub progress: fn(&T) -> Progress,
    /// An answer's state in words (`running (2)`, `FAILED`), and its request id.
    pub describe: fn(&T) -> (String, Option<String>),
}

/// The one loop of every vendor waiter: polls on `schedule` until an answer finishes, and
/// returns it with the number of polls when it succeeded. An answer that finished otherwise,
/// and the last one seen when the deadline passed, are an [`Error::Wait`] that keeps it
/// ([`WaitFailure::last`](crate::WaitFailure::last)); an error of a poll ends the wait with
/// that error.
pub async fn wait_for_success<T, F, Fut>(
    schedule: PollSchedule,
    subject: Subject<T>,
    mut poll: F,
) -> Result<(T, u32), Error>
where
    T: std::any::Any + Send + Sync,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let progress = subject.progress;
    let outcome = poll_until(schedule, || {
        let answer = poll();
        async move {
            let answer = answer.await?;
            Ok(match progress(&answer) {
                Progress::Running => Poll::Pending(answer),
                Progress::Succeeded | Progress::Failed => Poll::Done(answer),
            })
        }
    })
    .await?;
    let (last, polls, end) = match outcome {
        PollOutcome::Finished { value, polls } => {
            if progress(&value) == Progress::Succeeded {
                return Ok((value, polls));
            }
            (value, polls, crate::WaitEnd::Failed)
        }
        PollOutcome::TimedOut { last, polls } => (
            last,
            polls,
            crate::WaitEnd::TimedOut {
                after: schedule.timeout,
            },
        ),
    };
    let (state, request_id) = (subject.describe)(&last);
    Err(Error::Wait(Box::new(
        crate::WaitFailure::new(subject.vendor, subject.name, end, state, polls)
            .with_request_id(request_id)
            .with_last(last),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(timeout: u64) -> PollSchedule {
        PollSchedule {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(4),
            timeout: Duration::from_secs(timeout),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn finishes_times_out_and_backs_off() {
        let mut n = 0;
        let out = poll_until(schedule(60), || {
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
        let mut at = Vec::new();
        let out: PollOutcome<(), u32> = poll_until(schedule(60), || {
            at.push(started.elapsed().as_secs());
            async { Ok(Poll::Pending(7)) }
        })
        .await
        .unwrap();
        // 1, 3, 7, then every 4 s up to 59, and the last poll at the deadline.
        assert_eq!(
            at,
            [
                1, 3, 7, 11, 15, 19, 23, 27, 31, 35, 39, 43, 47, 51, 55, 59, 60
            ]
        );
        assert_eq!(out, PollOutcome::TimedOut { last: 7, polls: 17 });

        let e = poll_until::<(), (), _, _>(schedule(60), || async { Err(Error::credentials("x")) })
            .await;
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

    #[tokio::test(start_paused = true)]
    async fn a_zero_timeout_polls_once_at_once() {
        let started = Instant::now();
        let out: PollOutcome<(), &str> =
            poll_until(schedule(0), || async { Ok(Poll::Pending("running")) })
                .await
                .unwrap();
        assert_eq!(
            out,
            PollOutcome::TimedOut {
                last: "running",
                polls: 1
            }
        );
        assert_eq!(started.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_schedule_without_pause_is_refused_before_polling() {
        for (bad, field) in [
            (
                PollSchedule {
                    initial: Duration::ZERO,
                    ..PollSchedule::default()
                },
                "initial_interval",
            ),
            (
                PollSchedule {
                    max: Duration::from_millis(10),
                    ..PollSchedule::default()
                },
                "max_interval",
            ),
        ] {
            let mut polled = false;
            let e = poll_until::<(), (), _, _>(bad, || {
                polled = true;
                async { Ok(Poll::Pending(())) }
            })
            .await
            .unwrap_err();
            assert_eq!(e.invalid_field(), Some(field));
            assert!(!polled);
        }
    }
}
