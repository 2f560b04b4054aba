//! Time in tests without wall-clock margins.
//!
//! tokio's paused clock (`#[tokio::test(start_paused = true)]`) jumps to the next timer
//! whenever the runtime has nothing to do. That is exact when nothing else is under way, but
//! with real sockets the runtime also waits for the kernel, and a busy machine can make the
//! clock jump past a time limit while an answer is still on its way. [`HeldClock`] keeps the
//! paused clock still, so that it moves only when the test moves it, at a point the test
//! chooses by what happened ([`until`]) rather than by how long it took.
//!
//! ```no_run
//! # async fn demo(server: cloudops_testkit::TestServer) {
//! use std::time::Duration;
//! use cloudops_testkit::clock::{HeldClock, until};
//! let _clock = HeldClock::hold();
//! // ... start a call whose first attempt the server holds (Fault::Hang) ...
//! until(|| server.request_count() == 1).await;
//! tokio::time::advance(Duration::from_millis(300)).await; // the attempt times out now
//! # }
//! ```

use tokio::task::JoinHandle;

/// Keeps tokio's paused clock from moving by itself, while it lives: a task of its own keeps
/// the runtime from ever being idle, so the clock moves only with `tokio::time::advance`.
/// Every timer due at the current time still fires. The runtime must be a current-thread one
/// with its clock paused.
#[derive(Debug)]
pub struct HeldClock(JoinHandle<()>);

impl HeldClock {
    /// Holds the current runtime's clock still.
    pub fn hold() -> HeldClock {
        HeldClock(tokio::spawn(async {
            loop {
                tokio::task::yield_now().await;
            }
        }))
    }
}

impl Drop for HeldClock {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Waits, without moving the clock, until `done` says so.
pub async fn until(done: impl Fn() -> bool) {
    while !done() {
        tokio::task::yield_now().await;
    }
}
