//! TaurusDB (GaussDB for MySQL).

pub mod create_backup_resource_package;

/// The crate's one message-language type, also set per client.
pub use cloudops_core::Language;
pub use create_backup_resource_package::{
    ChargeInfo, CreateBackupResourcePackage, CreateBackupResourcePackageOutput, PeriodType,
    SPEC as CREATE_BACKUP_RESOURCE_PACKAGE,
};

impl crate::Client {
    /// Buys a yearly or monthly backup resource package. **Not idempotent**: see
    /// [`CreateBackupResourcePackage`].
    pub fn create_backup_resource_package(
        &self,
        spec_code: impl Into<String>,
        num: u32,
        charge_info: ChargeInfo,
    ) -> CreateBackupResourcePackage {
        CreateBackupResourcePackage::new(self.clone(), spec_code.into(), num, charge_info)
    }
}
