//! `ResumeServerless`: resume a paused serverless cluster.

use cloudops_core::{CallOptions, Error, Idempotency, OperationSpec, RequestId};
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::protocol::VENDOR;

/// The operation as the pipeline sees it. Idempotent for transport retries on the same
/// argument as PauseServerless: resuming a running cluster is refused
/// (`OperationDenied.ServerlessClusterStatusDenied`), never repeated.
pub const SPEC: OperationSpec =
    OperationSpec::new(VENDOR, "ResumeServerless", Idempotency::Idempotent);

#[derive(Debug, Serialize)]
struct Input<'a> {
    #[serde(rename = "ClusterId")]
    cluster_id: &'a str,
}

/// What ResumeServerless returns.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ResumeServerlessOutput {
    /// The asynchronous flow resuming the cluster.
    #[serde(rename = "FlowId")]
    pub flow_id: i64,
    /// The request id.
    #[serde(rename = "RequestId")]
    pub request_id: String,
}

/// A ResumeServerless call being built.
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send() is awaited"]
pub struct ResumeServerless {
    client: Client,
    options: CallOptions,
    cluster_id: String,
}

impl ResumeServerless {
    pub(crate) fn new(client: Client, cluster_id: String) -> Self {
        ResumeServerless {
            client,
            options: CallOptions::default(),
            cluster_id,
        }
    }

    cloudops_core::call_option_setters!(options);

    /// Validates the input and sends it.
    pub async fn send(self) -> Result<ResumeServerlessOutput, Error> {
        super::validate_cluster_id(&self.cluster_id)?;
        let input = Input {
            cluster_id: &self.cluster_id,
        };
        self.client
            .invoke(&SPEC, SPEC.name.into(), &input, &self.options)
            .await
    }
}

impl RequestId for ResumeServerlessOutput {
    fn request_id(&self) -> Option<&str> {
        Some(&self.request_id)
    }
}
