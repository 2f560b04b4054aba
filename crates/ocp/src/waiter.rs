//! Waiting for a task: `GET /api/v2/tasks/{id}` polled with backoff until `SUCCESSFUL`,
//! `FAILED` or a deadline.

use cloudops_core::waiter::{Poll, PollOutcome, PollSchedule, poll_until};
use cloudops_core::{Error, WaitEnd, WaitFailure};

use crate::client::Client;
use crate::model::{Task, TaskStatus};
use crate::protocol::VENDOR;

/// Polls a task: first after `initial_interval`, doubling up to `max_interval`, the last time
/// when `timeout` passes (defaults 1 s, 10 s, 10 minutes).
///
/// [`wait`](TaskWaiter::wait) returns the task only when it ends `SUCCESSFUL`. A task that
/// ends `FAILED`, and one still under way at the deadline, are an [`Error::Wait`] (whose
/// [`WaitFailure::last`] is the last [`Task`] seen); a failed poll ends the wait with its
/// own error.
///
/// ```no_run
/// # async fn demo(client: cloudops_ocp::Client) -> Result<(), cloudops_ocp::Error> {
/// let started = client.start_tenant_backup_schedule(1000002, 1000012).send().await?;
/// for task in started.data.task_ids() {
///     let done = client.wait_for_task(task).wait().await?;
///     println!("task {} ended {:?}", done.id, done.status);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "nothing is polled until .wait() is awaited"]
pub struct TaskWaiter {
    client: Client,
    task_id: i64,
    schedule: PollSchedule,
}

impl TaskWaiter {
    pub(crate) fn new(client: Client, task_id: i64) -> Self {
        TaskWaiter {
            client,
            task_id,
            schedule: PollSchedule::default(),
        }
    }

    cloudops_core::poll_schedule_setters!(schedule);

    /// Polls until the task ends or the deadline passes.
    ///
    /// Errors: [`Error::InvalidInput`] for a task id that is not positive or a schedule
    /// without pause (nothing sent); [`Error::Wait`] when the task failed or was still under
    /// way at the deadline; the error of a poll that failed.
    pub async fn wait(self) -> Result<Task, Error> {
        crate::operation::positive("task_id", self.task_id)?;
        let outcome = poll_until(self.schedule, || async {
            let answer = self.client.get_task(self.task_id).send().await?;
            let request_id = answer.trace_id.clone();
            let task = answer.data;
            Ok(if task.status.is_finished() {
                Poll::Done((task, request_id))
            } else {
                Poll::Pending((task, request_id))
            })
        })
        .await?;
        let ((task, request_id), polls, end) = match outcome {
            PollOutcome::Finished { value, .. } if value.0.status == TaskStatus::Successful => {
                return Ok(value.0);
            }
            PollOutcome::Finished { value, polls } => (value, polls, WaitEnd::Failed),
            PollOutcome::TimedOut { last, polls } => (
                last,
                polls,
                WaitEnd::TimedOut {
                    after: self.schedule.timeout,
                },
            ),
        };
        let state = match &task.status {
            TaskStatus::Pending => "PENDING",
            TaskStatus::Running => "RUNNING",
            TaskStatus::Successful => "SUCCESSFUL",
            TaskStatus::Failed => "FAILED",
            TaskStatus::Unknown(s) => s.as_str(),
        }
        .to_string();
        Err(Error::Wait(Box::new(
            WaitFailure::new(VENDOR, format!("task {}", self.task_id), end, state, polls)
                .with_request_id(request_id)
                .with_last(task),
        )))
    }
}
