//! Waiting for a task: `GET /api/v2/tasks/{id}` polled with backoff until `SUCCESSFUL`,
//! `FAILED` or a deadline.

use cloudops_core::Error;
use cloudops_core::waiter::{PollSchedule, Progress, Subject, wait_for_success};

use crate::client::Client;
use crate::model::{Task, TaskStatus};
use crate::protocol::{OcpResponse, VENDOR};

/// Polls a task: first after `initial_interval`, doubling up to `max_interval`, the last time
/// when `timeout` passes (defaults 1 s, 10 s, 10 minutes).
///
/// [`wait`](TaskWaiter::wait) returns the task only when it ends `SUCCESSFUL`. A task that
/// ends `FAILED`, and one still under way at the deadline, are an [`Error::Wait`] (whose
/// [`WaitFailure::last`](cloudops_core::WaitFailure::last) is the last answer seen, an
/// [`OcpResponse`] of its [`Task`]); a failed poll ends the wait with its own error.
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
        cloudops_core::validate::at_least("task_id", self.task_id, 1)?;
        let subject = Subject {
            vendor: VENDOR,
            name: format!("task {}", self.task_id),
            progress: |answer: &OcpResponse<Task>| match answer.data.status {
                TaskStatus::Successful => Progress::Succeeded,
                TaskStatus::Failed => Progress::Failed,
                _ => Progress::Running,
            },
            describe: |answer| {
                let state = match &answer.data.status {
                    TaskStatus::Pending => "PENDING",
                    TaskStatus::Running => "RUNNING",
                    TaskStatus::Successful => "SUCCESSFUL",
                    TaskStatus::Failed => "FAILED",
                    TaskStatus::Unknown(s) => s.as_str(),
                };
                (state.to_string(), answer.trace_id.clone())
            },
        };
        let (done, _) = wait_for_success(self.schedule, subject, || {
            self.client.get_task(self.task_id).send()
        })
        .await?;
        Ok(done.data)
    }
}
