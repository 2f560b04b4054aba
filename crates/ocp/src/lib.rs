#![doc = include_str!("../README.md")]
//!
//! ## Crate layout
//!
//! One module per operation under [`operation`], each with its `SPEC` (name and
//! idempotency); the shared data types in [`model`]; the envelope in [`OcpResponse`].
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod client;
pub mod model;
pub mod operation;
mod protocol;
mod waiter;

pub use client::{Client, ClientBuilder};
pub use cloudops_core::{AccessKey, BasicAuth, Error, RetryPolicy};
pub use model::{
    BackupCommonResponse, BackupObject, BackupObjectOpsResult, BackupStrategy, BackupTaskType,
    FailedBackupObjects, Task, TaskStatus,
};
pub use protocol::{OcpResponse, VENDOR};
pub use waiter::{TaskOutcome, TaskWaiter};
