//! `PauseServerless`: pause a serverless cluster.

use cloudops_core::{CallOptions, Error, Idempotency, OperationSpec, RequestId};
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::protocol::VENDOR;

/// The operation as the pipeline sees it.
///
/// **Idempotent, for transport retries.** Pausing is a state change the server refuses to
/// repeat: once a cluster is paused (or pausing), a second PauseServerless answers
/// `OperationDenied.ServerlessClusterStatusDenied` instead of pausing again, so a retry after a
/// lost response cannot pause twice or create a second flow. The cost of a retry is an error
/// in place of a flow id when the first attempt did arrive: if a retried call ends with
/// `ServerlessClusterStatusDenied`, the cluster was paused, and `DescribeClusters` shows it.
pub const SPEC: OperationSpec =
    OperationSpec::new(VENDOR, "PauseServerless", Idempotency::Idempotent);

#[derive(Debug, Serialize)]
struct Input<'a> {
    #[serde(rename = "ClusterId")]
    cluster_id: &'a str,
    #[serde(rename = "ForcePause", skip_serializing_if = "Option::is_none")]
    force_pause: Option<u8>,
}

/// What PauseServerless returns.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct PauseServerlessOutput {
    /// The asynchronous flow pausing the cluster; follow it with
    /// [`Client::wait_for_flow`].
    #[serde(rename = "FlowId")]
    pub flow_id: i64,
    /// The request id.
    #[serde(rename = "RequestId")]
    pub request_id: String,
}

/// A PauseServerless call being built. Nothing is sent until [`PauseServerless::send`].
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send() is awaited"]
pub struct PauseServerless {
    client: Client,
    options: CallOptions,
    cluster_id: String,
    force_pause: Option<bool>,
}

impl PauseServerless {
    pub(crate) fn new(client: Client, cluster_id: String) -> Self {
        PauseServerless {
            client,
            options: CallOptions::default(),
            cluster_id,
            force_pause: None,
        }
    }

    /// Pause even with user connections open (`ForcePause` 1) or not (0). Unset, the server's
    /// default applies (documented as 1).
    pub fn force_pause(mut self, force: bool) -> Self {
        self.force_pause = Some(force);
        self
    }

    cloudops_core::call_option_setters!(options);

    /// Validates the input and sends it.
    ///
    /// Errors: [`Error::InvalidInput`] for a malformed cluster id (nothing sent); service
    /// errors with the documented codes (see [`crate::ErrorCode`]).
    pub async fn send(self) -> Result<PauseServerlessOutput, Error> {
        super::validate_cluster_id(&self.cluster_id)?;
        let input = Input {
            cluster_id: &self.cluster_id,
            force_pause: self.force_pause.map(u8::from),
        };
        self.client
            .invoke(&SPEC, SPEC.name.into(), &input, &self.options)
            .await
    }
}

impl RequestId for PauseServerlessOutput {
    fn request_id(&self) -> Option<&str> {
        Some(&self.request_id)
    }
}
