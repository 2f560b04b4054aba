//! One module per operation: its input with validation, its output, its idempotency.

pub mod get_backup_strategy;
pub mod get_task;
pub mod start_backup_schedule;
pub mod stop_backup_schedule;

pub use get_backup_strategy::GetBackupStrategy;
pub use get_task::GetTask;
pub use start_backup_schedule::StartBackupSchedule;
pub use stop_backup_schedule::StopBackupSchedule;

use cloudops_core::{Error, OperationSpec};

/// Every modelled operation of this crate: the registry the fixtures, the fault suite and the
/// coverage checks read.
pub const OPERATIONS: &[OperationSpec] = &[
    stop_backup_schedule::SPEC,
    start_backup_schedule::SPEC,
    get_backup_strategy::SPEC,
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
