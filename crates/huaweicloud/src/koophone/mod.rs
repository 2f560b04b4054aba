//! KooPhone (cloud phones).

pub mod batch_backup_instances;

pub use batch_backup_instances::{
    BackupData, BatchBackupInstances, BatchBackupInstancesOutput, CmdJob,
    SPEC as BATCH_BACKUP_INSTANCES,
};

impl crate::Client {
    /// Backs up instances to OBS and releases their physical machines. See
    /// [`BatchBackupInstances`].
    pub fn batch_backup_instances<I, S>(&self, instance_ids: I) -> BatchBackupInstances
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        BatchBackupInstances::new(
            self.clone(),
            instance_ids.into_iter().map(Into::into).collect(),
        )
    }
}
