//! One module per action: its input builder with validation, its output, its idempotency.

pub mod describe_flow;
pub mod pause_serverless;
pub mod raw;
pub mod resume_serverless;

pub use describe_flow::{DescribeFlow, DescribeFlowOutput, FlowStatus};
pub use pause_serverless::{PauseServerless, PauseServerlessOutput};
pub use raw::RawAction;
pub use resume_serverless::{ResumeServerless, ResumeServerlessOutput};

use cloudops_core::{Error, OperationSpec, validate};

/// Every modelled action of this crate: the registry the fixtures, the fault suite and the
/// coverage checks read.
pub const OPERATIONS: &[OperationSpec] = &[
    pause_serverless::SPEC,
    resume_serverless::SPEC,
    describe_flow::SPEC,
];

/// Checks a cluster id: the documented shape is a lowercase product prefix, `-`, then letters
/// and digits (`cynosdbmysql-8vcxoq75`), at most 64 characters.
pub(crate) fn validate_cluster_id(cluster_id: &str) -> Result<(), Error> {
    validate::length("cluster_id", cluster_id, 1, 64)?;
    validate::charset("cluster_id", cluster_id, "letters, digits and '-'", |c| {
        c.is_ascii_alphanumeric() || c == '-'
    })?;
    let shaped = cluster_id.split_once('-').is_some_and(|(prefix, rest)| {
        !prefix.is_empty()
            && prefix.bytes().all(|b| b.is_ascii_lowercase())
            && !rest.is_empty()
            && !rest.contains('-')
    });
    if !shaped {
        return Err(Error::invalid_input(
            "cluster_id",
            format!(
                "must look like `cynosdbmysql-8vcxoq75`: a lowercase prefix, '-', then letters and digits (got {cluster_id:?})"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_ids() {
        for ok in [
            "cynosdbmysql-8vcxoq75",
            "cynosdbpg-abc123",
            "cynosdbmysql-ABC9",
        ] {
            assert!(validate_cluster_id(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "8vcxoq75",
            "cynosdbmysql-",
            "-abc",
            "cynosdbmysql-8vc/x",
            "cynosdb mysql-1",
            "a-b-c",
            "Cynos-1",
        ] {
            let e = validate_cluster_id(bad).unwrap_err();
            assert_eq!(e.invalid_field(), Some("cluster_id"), "{bad}");
        }
        assert!(validate_cluster_id(&format!("cynosdbmysql-{}", "a".repeat(60))).is_err());
    }
}
