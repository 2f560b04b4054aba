//! DBSS (Database Security Service).

pub mod stop_db_om_instance;

pub use stop_db_om_instance::{
    SPEC as STOP_DB_OM_INSTANCE, StopDbOmInstance, StopDbOmInstanceOutput,
};

impl crate::Client {
    /// Stops a database O&M instance. See [`StopDbOmInstance`].
    pub fn stop_db_om_instance(&self, instance_id: impl Into<String>) -> StopDbOmInstance {
        StopDbOmInstance::new(self.clone(), instance_id.into())
    }
}
