//! Benchmarks of the cloudops crates against hand-written floors.
//!
//! A floor is a minimal program written for the benchmark with the same crates (the same hash
//! crates, reqwest, serde_json) that does the same correct work as the measured code and
//! nothing else. Every floor is checked against a published vector before it is timed, and
//! floor and project are measured in the same run, interleaved, so the ratio between them is
//! what a run reports: the machines are shared and absolute times drift.
//!
//! - [`alloc`]: an allocator that counts the allocations of one thread.
//! - [`floor`]: the floors: signers and whole calls.
//! - [`server`]: a minimal keep-alive HTTP/1.1 server on loopback that counts connections.
//! - [`measure`]: medians of interleaved rounds and the printed table.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod alloc;
pub mod floor;
pub mod measure;
pub mod server;
