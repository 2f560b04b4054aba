//! Waiting for a flow: DescribeFlow polled with backoff until it finishes or a deadline passes.

use cloudops_core::Error;
use cloudops_core::waiter::{PollSchedule, Progress, Subject, wait_for_success};

use crate::client::Client;
use crate::operation::{DescribeFlowOutput, FlowStatus};
use crate::protocol::VENDOR;

/// A flow that succeeded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FlowSucceeded {
    /// How many times DescribeFlow was called.
    pub polls: u32,
    /// The request id of the DescribeFlow that saw the success.
    pub request_id: String,
}

/// Polls DescribeFlow: first after `initial_interval`, then at intervals doubling up to
/// `max_interval`, the last time when `timeout` passes (defaults: 1 s, 10 s, 10 minutes).
///
/// [`wait`](FlowWaiter::wait) succeeds only when the flow does. A failed flow, and a flow
/// still running at the deadline, are an [`Error::Wait`] (whose
/// [`WaitFailure::last`](cloudops_core::WaitFailure::last) is the last
/// [`DescribeFlowOutput`]); a failed DescribeFlow call ends the wait with its own error.
///
/// ```no_run
/// # async fn demo(client: cloudops_tencentcloud_cynosdb::Client) -> Result<(), cloudops_tencentcloud_cynosdb::Error> {
/// let paused = client.pause_serverless("cynosdbmysql-8vcxoq75").send().await?;
/// let done = client.wait_for_flow(paused.flow_id).wait().await?;
/// println!("paused after {} polls", done.polls);
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
    ///
    /// Errors: [`Error::InvalidInput`] for a flow id that is not positive or a schedule
    /// without pause (nothing sent); [`Error::Wait`] when the flow failed or was still
    /// running at the deadline; the error of a DescribeFlow call that failed.
    pub async fn wait(self) -> Result<FlowSucceeded, Error> {
        if self.flow_id <= 0 {
            return Err(Error::invalid_input(
                "flow_id",
                format!("must be a positive flow id (got {})", self.flow_id),
            ));
        }
        let subject = Subject {
            vendor: VENDOR,
            name: format!("flow {}", self.flow_id),
            progress: |out: &DescribeFlowOutput| match out.status {
                FlowStatus::Succeeded => Progress::Succeeded,
                FlowStatus::Failed => Progress::Failed,
                FlowStatus::Running | FlowStatus::Unknown(_) => Progress::Running,
            },
            describe: |out| {
                let state = match out.status {
                    FlowStatus::Succeeded => "succeeded (0)".to_string(),
                    FlowStatus::Failed => "failed (1)".to_string(),
                    FlowStatus::Running => "running (2)".to_string(),
                    FlowStatus::Unknown(code) => format!("unknown ({code})"),
                };
                (state, Some(out.request_id.clone()))
            },
        };
        let (done, polls) = wait_for_success(self.schedule, subject, || {
            self.client.describe_flow(self.flow_id).send()
        })
        .await?;
        Ok(FlowSucceeded {
            polls,
            request_id: done.request_id,
        })
    }
}
