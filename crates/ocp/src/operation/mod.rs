//! One module per operation: its input with validation, its output, its idempotency.

pub mod get_task;
pub mod get_tenant_backup_strategy;
pub mod start_tenant_backup_schedule;
pub mod stop_tenant_backup_schedule;

pub use get_task::GetTask;
pub use get_tenant_backup_strategy::GetTenantBackupStrategy;
pub use start_tenant_backup_schedule::StartTenantBackupSchedule;
pub use stop_tenant_backup_schedule::StopTenantBackupSchedule;

use cloudops_core::{Error, OperationSpec};

/// Every modelled operation of this crate: the registry the fixtures, the fault suite and the
/// coverage checks read.
pub const OPERATIONS: &[OperationSpec] = &[
    stop_tenant_backup_schedule::SPEC,
    start_tenant_backup_schedule::SPEC,
    get_tenant_backup_strategy::SPEC,
    get_task::SPEC,
];

/// Checks an id: a positive integer.
pub(crate) fn positive(field: &str, id: i64) -> Result<(), Error> {
    if id <= 0 {
        return Err(Error::invalid_input(
            field,
            format!("must be a positive integer (got {id})"),
        ));
    }
    Ok(())
}

/// The path of a tenant's backup strategy resource.
pub(crate) fn strategy_path(cluster_id: i64, tenant_id: i64) -> Result<String, Error> {
    positive("cluster_id", cluster_id)?;
    positive("tenant_id", tenant_id)?;
    Ok(format!(
        "/api/v2/ob/clusters/{cluster_id}/tenants/{tenant_id}/backup/config/backupStrategy"
    ))
}
