//! Waiting for a task: `GET /api/v2/tasks/{id}` polled with backoff until `SUCCESSFUL`,
//! `FAILED` or a deadline.

use cloudops_core::Error;
use cloudops_core::waiter::{Poll, PollOutcome, PollSchedule, poll_until};

use crate::client::Client;
use crate::model::{Task, TaskStatus};

/// How a wait ended.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum TaskOutcome {
    /// The task ended `SUCCESSFUL`.
    Succeeded(Task),
    /// The task ended `FAILED`.
    Failed(Task),
    /// The deadline passed first.
    TimedOut {
        /// The task as last seen, if any poll ran.
        last: Option<Task>,
        /// How many polls ran.
        polls: u32,
    },
}

/// Polls a task: first after `initial_interval`, doubling up to `max_interval`, until it
/// finishes or `timeout` passes (defaults 1 s, 10 s, 10 minutes). A failed poll ends the wait
/// with its error.
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

    /// Polls until the task finishes or the deadline passes.
    pub async fn wait(self) -> Result<TaskOutcome, Error> {
        let outcome = poll_until(self.schedule, || async {
            let task = self.client.get_task(self.task_id).send().await?.data;
            Ok(if task.status.is_finished() {
                Poll::Done(task)
            } else {
                Poll::Pending(task)
            })
        })
        .await?;
        Ok(match outcome {
            PollOutcome::Finished { value, .. } if value.status == TaskStatus::Successful => {
                TaskOutcome::Succeeded(value)
            }
            PollOutcome::Finished { value, .. } => TaskOutcome::Failed(value),
            PollOutcome::TimedOut { last, polls } => TaskOutcome::TimedOut { last, polls },
        })
    }
}
