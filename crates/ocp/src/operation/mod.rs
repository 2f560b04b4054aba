//! One module per operation, generated from `models/ocp/backup.json`: its input with the
//! model's constraints, its path, its idempotency and the client's method. The answers' data
//! types are in [`crate::model`].

mod generated;

pub use generated::*;
