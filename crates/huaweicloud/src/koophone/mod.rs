//! KooPhone (cloud phones), generated from `models/huaweicloud/koophone.json`, a model
//! written by hand from the documentation page (no official SDK carries it).

mod generated;

pub use generated::*;
