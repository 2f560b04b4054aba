#![doc = include_str!("../README.md")]
//!
//! ## Crate layout
//!
//! One module per operation under [`operation`], each with its `SPEC` (name and
//! idempotency); the shared data types in [`model`]; the envelope in [`OcpResponse`].
//!
//! ## Plain `http://` servers
//!
//! OCP servers often run on plain HTTP inside a data centre, so `http://` base URLs are
//! allowed with every kind of credentials. HTTP Basic then sends the password in clear text,
//! and an AK/SK signature can be replayed by whoever reads it while its `Date` is fresh. When
//! credentials go over plain HTTP to a host that is not a loopback address, the client logs
//! one `tracing` warning (the first time, naming the host); use `https://` unless the network
//! in between is trusted.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod client;
pub mod model;
pub mod operation;
mod protocol;
mod waiter;

pub use client::{Client, ClientBuilder, ENVIRONMENT};
pub use cloudops_core::common::*;
/// A request to any path: see [`Client::raw`].
pub type RawRequest = cloudops_core::RawRequest<OcpProtocol>;
pub use model::{
    BackupCommonResponse, BackupObject, BackupObjectOpsResult, BackupStrategy, BackupTaskType,
    FailedBackupObjects, Task, TaskStatus,
};
pub use operation::OPERATIONS;
pub use protocol::{OcpProtocol, OcpResponse, VENDOR};
pub use waiter::TaskWaiter;
