#![doc = include_str!("../README.md")]
//!
//! ## Crate layout
//!
//! One module per action under [`operation`], each with its input builder, output and
//! `SPEC` (name and idempotency); [`Client`] holds the signing, envelope and retry settings
//! they share.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod client;
pub mod credentials;
mod error;
pub mod operation;
mod protocol;
mod waiter;

pub use client::{Client, ClientBuilder, DEFAULT_ENDPOINT, DOCUMENTED_RATE_LIMIT};
pub use cloudops_core::common::*;
pub use error::{ErrorCode, ErrorExt, classify};
pub use operation::{
    DescribeFlow, DescribeFlowOutput, FlowStatus, OPERATIONS, PauseServerless,
    PauseServerlessOutput, RawAction, ResumeServerless, ResumeServerlessOutput,
};
pub use protocol::{SERVICE, VENDOR, VERSION};
pub use waiter::{FlowSucceeded, FlowWaiter};
