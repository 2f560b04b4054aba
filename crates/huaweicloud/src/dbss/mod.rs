//! DBSS (Database Security Service), generated from `models/huaweicloud/dbss.json`: one
//! module per operation with its input builder, output, idempotency and the client's method.

mod generated;

pub use generated::*;
