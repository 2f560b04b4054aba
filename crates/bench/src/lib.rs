//! Benchmarks of the cloudops crates against hand-written floors.
//!
//! A floor is a minimal program written for the benchmark with the same crates (the same hash
//! crates, reqwest, serde_json) that does the same correct work as the measured code and
//! nothing else. Every floor is checked against a published vector before it is timed, and
//! floor and project are measured in the same run, interleaved, so the ratio between them is
//! what a run reports: the machines are shared and absolute times drift.
//!
//! ## The rule for floors
//!
//! A floor does the least correct work for its task, with the same crates:
//!
//! - the same crates as the project (the hash crates, reqwest, serde_json, tokio), used as a
//!   careful hand would use them: a constant header name or value as a constant
//!   (`HeaderName::from_static`), a request built whole rather than through a builder that
//!   parses each header, no buffer the task does not need;
//! - no work the task does not need: the documented request with its required headers only,
//!   the answer read into what the caller gets and nothing more, and a reqwest client without
//!   layers the task does not use (no proxy lookup, no redirects, no retry layer);
//! - a date or number the task must format is formatted the cheapest correct way, on the
//!   stack ([`floor::Text`]), as the project formats its own;
//! - project and floor run in the same process, in rounds whose first side alternates, and the
//!   median of the per-round ratios is reported with its spread.
//!
//! A later change that makes a floor do more says, in its commit, why the floor must.
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
