//! `DescribeFlow`: the status of an asynchronous flow.

use cloudops_core::{CallOptions, Error, Idempotency, OperationSpec, RequestId};
use serde::{Deserialize, Deserializer, Serialize};

use crate::client::Client;
use crate::protocol::VENDOR;

/// The operation as the pipeline sees it: a read, idempotent.
pub const SPEC: OperationSpec = OperationSpec::new(VENDOR, "DescribeFlow", Idempotency::Idempotent);

/// A flow's status (`Status`: 0 success, 1 failed, 2 running).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowStatus {
    /// Finished successfully (0).
    Succeeded,
    /// Finished with a failure (1).
    Failed,
    /// Still running (2).
    Running,
    /// A value this crate does not know.
    Unknown(i64),
}

impl FlowStatus {
    /// The status of a wire value.
    pub fn from_code(code: i64) -> Self {
        match code {
            0 => FlowStatus::Succeeded,
            1 => FlowStatus::Failed,
            2 => FlowStatus::Running,
            other => FlowStatus::Unknown(other),
        }
    }

    /// Whether the flow has finished, well or badly.
    pub fn is_finished(self) -> bool {
        matches!(self, FlowStatus::Succeeded | FlowStatus::Failed)
    }
}

impl<'de> Deserialize<'de> for FlowStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(FlowStatus::from_code(i64::deserialize(d)?))
    }
}

#[derive(Debug, Serialize)]
struct Input {
    #[serde(rename = "FlowId")]
    flow_id: i64,
}

/// What DescribeFlow returns.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct DescribeFlowOutput {
    /// The flow's status.
    #[serde(rename = "Status")]
    pub status: FlowStatus,
    /// The request id.
    #[serde(rename = "RequestId")]
    pub request_id: String,
}

/// A DescribeFlow call being built.
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send() is awaited"]
pub struct DescribeFlow {
    client: Client,
    options: CallOptions,
    flow_id: i64,
}

impl DescribeFlow {
    pub(crate) fn new(client: Client, flow_id: i64) -> Self {
        DescribeFlow {
            client,
            options: CallOptions::default(),
            flow_id,
        }
    }

    cloudops_core::call_option_setters!(options);

    /// Validates the input (a positive flow id) and sends it.
    pub async fn send(self) -> Result<DescribeFlowOutput, Error> {
        if self.flow_id <= 0 {
            return Err(Error::invalid_input(
                "flow_id",
                format!("must be a positive integer (got {})", self.flow_id),
            ));
        }
        self.client
            .invoke(
                &SPEC,
                SPEC.name.into(),
                &Input {
                    flow_id: self.flow_id,
                },
                &self.options,
            )
            .await
    }
}

impl RequestId for DescribeFlowOutput {
    fn request_id(&self) -> Option<&str> {
        Some(&self.request_id)
    }
}
