//! The data types several operations share. The types themselves are generated from the
//! model (`models/ocp/backup.json`, in [`crate::operation`]) and re-exported here; this module
//! adds what the model does not say: the decoder of task ids sent in either form, the failure
//! views of a backup answer and whether a task has ended.

use serde::{Deserialize, Deserializer};

pub use crate::operation::{
    BackupCommonResponse, BackupObject, BackupObjectOpsResult, BackupStrategy, BackupTaskType,
    Task, TaskStatus,
};
use crate::protocol::{OcpResponse, lenient_string};

/// Reads `taskIdList`: each id an integer or a string of digits; null reads as empty.
pub(crate) fn task_ids<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
    /// One id, read as [`lenient_string`] reads text.
    struct Text(Option<String>);
    impl<'de> Deserialize<'de> for Text {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            lenient_string(d).map(Text)
        }
    }
    let values = Option::<Vec<Text>>::deserialize(d)?.unwrap_or_default();
    values
        .into_iter()
        .map(|Text(v)| {
            v.as_deref().and_then(|s| s.parse().ok()).ok_or_else(|| {
                let got = v.as_deref().unwrap_or("null, an object or an array");
                serde::de::Error::custom(format!("a task id must be an integer, got {got}"))
            })
        })
        .collect()
}

/// A group of objects the operation failed on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FailedBackupObjects<'a> {
    /// The objects.
    pub objects: &'a [BackupObject],
    /// The error code, when the server gave one.
    pub error_code: Option<&'a str>,
    /// The hint, when the server gave one.
    pub hint: Option<&'a str>,
}

impl BackupCommonResponse {
    /// The groups of objects the operation failed on; empty when it succeeded everywhere.
    pub fn failures(&self) -> Vec<FailedBackupObjects<'_>> {
        self.backup_object_ops_result_list
            .iter()
            .filter(|r| !r.be_successful)
            .map(|r| FailedBackupObjects {
                objects: &r.ob_backup_object_list,
                error_code: r.error_code.as_deref(),
                hint: r.hint.as_deref(),
            })
            .collect()
    }

    /// Whether some objects succeeded and others failed.
    pub fn is_partial_failure(&self) -> bool {
        let failed = self.failures().len();
        failed > 0 && failed < self.backup_object_ops_result_list.len()
    }

    /// Every task id started, across the results.
    pub fn task_ids(&self) -> Vec<i64> {
        self.backup_object_ops_result_list
            .iter()
            .flat_map(|r| r.task_id_list.iter().copied())
            .collect()
    }
}

impl OcpResponse<BackupCommonResponse> {
    /// The groups of objects the operation failed on (see [`BackupCommonResponse::failures`]).
    pub fn failures(&self) -> Vec<FailedBackupObjects<'_>> {
        self.data.failures()
    }
}

impl TaskStatus {
    /// Whether the task has ended.
    pub fn is_finished(&self) -> bool {
        matches!(self, TaskStatus::Successful | TaskStatus::Failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(task_ids: &str, error_code: &str) -> Result<BackupObjectOpsResult, String> {
        let body =
            format!(r#"{{"beSuccessful":false,"taskIdList":{task_ids},"errorCode":{error_code}}}"#);
        serde_json::from_str(&body).map_err(|e| e.to_string())
    }

    #[test]
    fn task_ids_are_integers_or_integer_strings() {
        let r = result(r#"[7, "8", -9]"#, "null").unwrap();
        assert_eq!(r.task_id_list, [7, 8, -9]);
        assert_eq!(
            result("null", "null").unwrap().task_id_list,
            Vec::<i64>::new()
        );
        for (bad, shown) in [
            (r#"["x"]"#, "got x"),
            ("[1.5]", "got 1.5"),
            ("[true]", "got true"),
            ("[null]", "got null, an object or an array"),
            ("[{}]", "got null, an object or an array"),
        ] {
            let e = result(bad, "null").unwrap_err();
            assert!(
                e.contains("a task id must be an integer") && e.contains(shown),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn codes_are_read_as_text_whatever_their_type() {
        for (code, expected) in [
            (r#""E1""#, Some("E1")),
            ("10004", Some("10004")),
            ("-3", Some("-3")),
            ("2.0", Some("2.0")),
            ("1.5e3", Some("1500.0")),
            ("true", Some("true")),
            ("null", None),
            (r#"{"nested":[1,{"a":2}]}"#, None),
            ("[1,2]", None),
        ] {
            let r = result("[]", code).unwrap();
            assert_eq!(r.error_code.as_deref(), expected, "{code}");
        }
    }
}
