//! Stop backup scheduling for a tenant:
//! `POST /api/v2/ob/clusters/{id}/tenants/{tenantId}/backup/config/backupStrategy/stopSchedule`.

use cloudops_core::{CallOptions, Error, Idempotency, Method, OperationSpec};

use crate::client::Client;
use crate::model::BackupCommonResponse;
use crate::protocol::{OcpResponse, VENDOR};

/// The operation as the pipeline sees it. Stopping a stopped schedule leaves it stopped:
/// idempotent, so retried after failures that may have reached the server.
pub const SPEC: OperationSpec =
    OperationSpec::new(VENDOR, "StopTenantBackupSchedule", Idempotency::Idempotent);

/// A stop-schedule call being built.
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send() is awaited"]
pub struct StopTenantBackupSchedule {
    pub(crate) client: Client,
    pub(crate) options: CallOptions,
    pub(crate) cluster_id: i64,
    pub(crate) tenant_id: i64,
}

impl StopTenantBackupSchedule {
    cloudops_core::call_option_setters!(options);

    /// Validates the ids (positive integers) and sends the request.
    ///
    /// The answer may be a partial success: check
    /// [`OcpResponse::failures`](crate::OcpResponse::failures).
    pub async fn send(self) -> Result<OcpResponse<BackupCommonResponse>, Error> {
        let path = format!(
            "{}/stopSchedule",
            super::strategy_path(self.cluster_id, self.tenant_id)?
        );
        self.client
            .call(&SPEC, Method::Post, path, &self.options)
            .await
    }
}
