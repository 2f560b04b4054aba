//! TaurusDB (GaussDB for MySQL), generated from `models/huaweicloud/taurusdb.json`. Beside the
//! generated code, by hand: the billing rule the model names ([`checks`](self)) and the
//! constructors of [`ChargeInfo`].

mod charge;
mod checks;
mod generated;

/// The crate's one message-language type, also set per client.
pub use cloudops_core::Language;
pub use generated::*;
