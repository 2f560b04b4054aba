//! Waiting for a flow: DescribeFlow polled with backoff until it finishes or a deadline passes.

use cloudops_core::Error;
use cloudops_core::waiter::{Poll, PollOutcome, PollSchedule, poll_until};

use crate::client::Client;
use crate::operation::FlowStatus;

/// How a wait ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
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
/// # async fn demo(client: cloudops_tencentcloud_cynosdb::Client) -> Result<(), cloudops_tencentcloud_cynosdb::Error> {
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
    schedule: PollSchedule,
}

impl FlowWaiter {
    pub(crate) fn new(client: Client, flow_id: i64) -> Self {
        FlowWaiter {
            client,
            flow_id,
            schedule: PollSchedule::default(),
        }
    }

    cloudops_core::poll_schedule_setters!(schedule);

    /// Polls until the flow finishes or the deadline passes.
    pub async fn wait(self) -> Result<FlowOutcome, Error> {
        let outcome = poll_until(self.schedule, || async {
            let out = self.client.describe_flow(self.flow_id).send().await?;
            Ok(match out.status {
                FlowStatus::Succeeded | FlowStatus::Failed => Poll::Done(out),
                status => Poll::Pending(status),
            })
        })
        .await?;
        Ok(match outcome {
            PollOutcome::Finished { value, polls } if value.status == FlowStatus::Succeeded => {
                FlowOutcome::Succeeded { polls }
            }
            PollOutcome::Finished { value, polls } => FlowOutcome::Failed {
                polls,
                request_id: value.request_id,
            },
            PollOutcome::TimedOut { last, polls } => FlowOutcome::TimedOut {
                last_status: last.unwrap_or(FlowStatus::Running),
                polls,
            },
        })
    }
}
