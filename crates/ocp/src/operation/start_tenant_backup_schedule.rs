//! Start backup scheduling for a tenant:
//! `POST /api/v2/ob/clusters/{id}/tenants/{tenantId}/backup/config/backupStrategy/startSchedule`.

use cloudops_core::{CallOptions, Error, Idempotency, Method, OperationSpec};

use crate::client::Client;
use crate::model::BackupCommonResponse;
use crate::protocol::{OcpResponse, VENDOR};

/// The operation as the pipeline sees it. Starting a started schedule leaves it started:
/// idempotent.
pub const SPEC: OperationSpec =
    OperationSpec::new(VENDOR, "StartTenantBackupSchedule", Idempotency::Idempotent);

/// A start-schedule call being built.
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send() is awaited"]
pub struct StartTenantBackupSchedule {
    pub(crate) client: Client,
    pub(crate) options: CallOptions,
    pub(crate) cluster_id: i64,
    pub(crate) tenant_id: i64,
}

impl StartTenantBackupSchedule {
    cloudops_core::call_option_setters!(options);

    /// Validates the ids (positive integers) and sends the request.
    pub async fn send(self) -> Result<OcpResponse<BackupCommonResponse>, Error> {
        let path = format!(
            "{}/startSchedule",
            super::strategy_path(self.cluster_id, self.tenant_id)?
        );
        self.client
            .call(&SPEC, Method::Post, path, &self.options)
            .await
    }
}
