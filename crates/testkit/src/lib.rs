//! Test support for the cloudops crates: a loopback HTTP server that records requests, answers
//! from a handler or a script of faults, and verifies signatures with the core's signers; and a
//! tracing capture to prove that no secret reaches the logs.
//!
//! ```no_run
//! # async fn demo() {
//! use cloudops_testkit::{Fault, Reply, TestServer};
//! let server = TestServer::start(|_req: &cloudops_testkit::RecordedRequest| Reply::json(200, "{}")).await;
//! server.push_fault(Fault::Status(Reply::json(429, "{}")));
//! // ... point a client at server.endpoint() ...
//! assert_eq!(server.request_count(), 0);
//! # }
//! ```
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod capture;
pub mod clock;
pub mod credentials;
pub mod cynosdb;
pub mod huawei;
pub mod metadata;
pub mod ocp;
pub mod proxy;
pub mod rules;
pub mod server;
pub mod stub;
#[path = "generated/mod.rs"]
pub mod tables;
pub mod tls;
pub mod verify;

pub use capture::TraceCapture;
pub use server::{Fault, RecordedRequest, Reply, TestServer};
pub use stub::StubTransport;
