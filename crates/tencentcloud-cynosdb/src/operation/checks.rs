//! Checks the model names (`"check"`) beyond its length, range and list rules.

use cloudops_core::{Error, validate};

/// A cluster id's documented shape: a lowercase product prefix, `-`, then letters and digits
/// (`cynosdbmysql-8vcxoq75`). The length is the model's rule, checked before this.
pub(crate) fn cluster_id(cluster_id: &str) -> Result<(), Error> {
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
            assert!(cluster_id(ok).is_ok(), "{ok}");
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
            let e = cluster_id(bad).unwrap_err();
            assert_eq!(e.invalid_field(), Some("cluster_id"), "{bad}");
        }
    }
}
