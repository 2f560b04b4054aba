//! Read an asynchronous task: `GET /api/v2/tasks/{id}`.

use cloudops_core::{CallOptions, Error, Idempotency, Method, OperationSpec};

use crate::client::Client;
use crate::model::Task;
use crate::protocol::{OcpResponse, VENDOR};

/// The operation as the pipeline sees it: a read.
pub const SPEC: OperationSpec = OperationSpec::new(VENDOR, "GetTask", Idempotency::Idempotent);

/// A task query being built.
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send() is awaited"]
pub struct GetTask {
    pub(crate) client: Client,
    pub(crate) options: CallOptions,
    pub(crate) task_id: i64,
}

impl GetTask {
    cloudops_core::call_option_setters!(options);

    /// Validates the id and sends the request.
    pub async fn send(self) -> Result<OcpResponse<Task>, Error> {
        super::positive("task_id", self.task_id)?;
        self.client
            .call(
                &SPEC,
                Method::Get,
                format!("/api/v2/tasks/{}", self.task_id),
                &self.options,
            )
            .await
    }
}
