//! One module per action, generated from `models/tencentcloud/cynosdb.json`: its input
//! builder with the model's constraints, its output, its idempotency and the client's method.
//! Beside them, by hand: the checks the model names ([`checks`](self)), what a type does
//! beyond its wire form ([`FlowStatus::is_finished`]) and [`RawAction`] for any other action.
//!
//! Every generated builder and output is here (`operation::DescribeServerlessStrategy`);
//! the crate root re-exports those of PauseServerless, ResumeServerless and DescribeFlow.

mod checks;
mod flow;
mod generated;
pub mod raw;

pub use generated::*;
pub use raw::RawAction;
