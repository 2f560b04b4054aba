#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
//!
//! ## Crate layout
//!
//! One module per service (`dbss`, `taurusdb`, `koophone`), each behind its cargo feature, with one module per operation inside. Authentication, endpoint resolution, the
//! error envelope and request ids are shared by all of them and live once in this crate.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod auth;
mod client;
pub mod credentials;
pub mod endpoint;
mod error;
pub mod iam;
pub mod regions;

#[cfg(feature = "dbss")]
#[cfg_attr(docsrs, doc(cfg(feature = "dbss")))]
pub mod dbss;
#[cfg(feature = "koophone")]
#[cfg_attr(docsrs, doc(cfg(feature = "koophone")))]
pub mod koophone;
#[cfg(feature = "taurusdb")]
#[cfg_attr(docsrs, doc(cfg(feature = "taurusdb")))]
pub mod taurusdb;

pub use client::{Client, ClientBuilder};
pub use cloudops_core::common::*;
pub use credentials::ProjectScoped;
pub use endpoint::Service;
pub use error::{
    APIGW_AUTH, APIGW_THROTTLED, ErrorExt, HuaweiProtocol, KooPhoneErrorCode, VENDOR, classify,
};
pub use iam::IamPassword;
/// Every modelled operation of this crate with the features it was built with, and the IAM
/// token call: the registry the fixtures, the fault suite and the coverage checks read.
pub fn operations() -> Vec<cloudops_core::OperationSpec> {
    #[allow(unused_mut)]
    let mut ops = vec![iam::SPEC];
    #[cfg(feature = "dbss")]
    ops.extend_from_slice(dbss::OPERATIONS);
    #[cfg(feature = "taurusdb")]
    ops.extend_from_slice(taurusdb::OPERATIONS);
    #[cfg(feature = "koophone")]
    ops.extend_from_slice(koophone::OPERATIONS);
    ops
}

/// A request to any path: see [`Client::raw`].
pub type RawRequest = cloudops_core::RawRequest<HuaweiProtocol>;
