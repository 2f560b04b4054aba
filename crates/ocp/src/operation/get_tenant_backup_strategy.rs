//! Query a tenant's backup strategy:
//! `GET /api/v2/ob/clusters/{id}/tenants/{tenantId}/backup/config/backupStrategy`.

use cloudops_core::{CallOptions, Error, Idempotency, Method, OperationSpec};

use crate::client::Client;
use crate::model::BackupStrategy;
use crate::protocol::{OcpResponse, VENDOR};

/// The operation as the pipeline sees it: a read.
pub const SPEC: OperationSpec =
    OperationSpec::new(VENDOR, "GetTenantBackupStrategy", Idempotency::Idempotent);

/// A backup-strategy query being built.
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send() is awaited"]
pub struct GetTenantBackupStrategy {
    pub(crate) client: Client,
    pub(crate) options: CallOptions,
    pub(crate) cluster_id: i64,
    pub(crate) tenant_id: i64,
}

impl GetTenantBackupStrategy {
    cloudops_core::call_option_setters!(options);

    /// Validates the ids and sends the request.
    pub async fn send(self) -> Result<OcpResponse<BackupStrategy>, Error> {
        let path = super::strategy_path(self.cluster_id, self.tenant_id)?;
        self.client
            .call(&SPEC, Method::Get, path, &self.options)
            .await
    }
}
