//! Waiting for a flow: DescribeFlow polled with backoff until it finishes or a deadline passes.

use std::time::Duration;

use cloudops_core::Error;
use tokio::time::Instant;

use crate::client::Client;
use crate::operation::FlowStatus;

/// How a wait ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowOutcome {
    /// The flow succeeded.
    Succeeded {
        /// How many times DescribeFlow was called.
        polls: u32,
    },
    /// The flow failed.
    Failed {
        /// How many times DescribeFlow was called.
        polls: u32,
        /// The request id of the DescribeFlow that reported the failure.
        request_id: String,
    },
    /// The deadline passed with the flow still running (or in a status this crate does not
    /// know).
    TimedOut {
        /// The last status seen.
        last_status: FlowStatus,
        /// How many times DescribeFlow was called.
        polls: u32,
    },
}

/// Polls DescribeFlow: first after `initial_interval`, then at intervals doubling up to
/// `max_interval`, until the flow finishes or `timeout` passes (defaults: 1 s, 10 s, 10
/// minutes). A failed DescribeFlow call ends the wait with its error.
///
/// ```no_run
/// # async fn demo(client: cloudops_tencentcloud_cynosdb::Client) -> Result<(), cloudops_core::Error> {
/// use cloudops_tencentcloud_cynosdb::FlowOutcome;
/// let paused = client.pause_serverless("cynosdbmysql-8vcxoq75").send().await?;
/// match client.wait_for_flow(paused.flow_id).wait().await? {
///     FlowOutcome::Succeeded { .. } => println!("paused"),
///     other => println!("not paused: {other:?}"),
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "nothing is polled until .wait() is awaited"]
pub struct FlowWaiter {
    client: Client,
    flow_id: i64,
    initial_interval: Duration,
    max_interval: Duration,
    timeout: Duration,
}

impl FlowWaiter {
    pub(crate) fn new(client: Client, flow_id: i64) -> Self {
        FlowWaiter {
            client,
            flow_id,
            initial_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(10),
            timeout: Duration::from_secs(600),
        }
    }

    /// The first wait.
    pub fn initial_interval(mut self, d: Duration) -> Self {
        self.initial_interval = d;
        self
    }

    /// The longest wait between polls.
    pub fn max_interval(mut self, d: Duration) -> Self {
        self.max_interval = d;
        self
    }

    /// The deadline, measured from the call to [`FlowWaiter::wait`].
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }

    /// Polls until the flow finishes or the deadline passes.
    pub async fn wait(self) -> Result<FlowOutcome, Error> {
        let deadline = Instant::now() + self.timeout;
        let mut interval = self.initial_interval;
        let mut polls = 0;
        let mut last_status = FlowStatus::Running;
        loop {
            let now = Instant::now();
            if now + interval > deadline {
                return Ok(FlowOutcome::TimedOut { last_status, polls });
            }
            tokio::time::sleep(interval).await;
            let out = self.client.describe_flow(self.flow_id).send().await?;
            polls += 1;
            last_status = out.status;
            match out.status {
                FlowStatus::Succeeded => return Ok(FlowOutcome::Succeeded { polls }),
                FlowStatus::Failed => {
                    return Ok(FlowOutcome::Failed {
                        polls,
                        request_id: out.request_id,
                    });
                }
                FlowStatus::Running | FlowStatus::Unknown(_) => {}
            }
            interval = (interval * 2).min(self.max_interval);
        }
    }
}
