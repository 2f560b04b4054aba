//! The data types several operations share.

use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::protocol::{OcpResponse, lenient_string};

/// The type of a backup operation (`obBackupTaskType`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupTaskType {
    /// `STOP_BACKUP_SCHEDULE`
    StopBackupSchedule,
    /// `START_BACKUP_SCHEDULE`
    StartBackupSchedule,
    /// `CREATE_BACKUP_STRATEGY`
    CreateBackupStrategy,
    /// `UPDATE_BACKUP_STRATEGY`
    UpdateBackupStrategy,
    /// `DELETE_BACKUP_STRATEGY`
    DeleteBackupStrategy,
    /// A value this crate does not know, as sent.
    Unknown(String),
}

impl BackupTaskType {
    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            BackupTaskType::StopBackupSchedule => "STOP_BACKUP_SCHEDULE",
            BackupTaskType::StartBackupSchedule => "START_BACKUP_SCHEDULE",
            BackupTaskType::CreateBackupStrategy => "CREATE_BACKUP_STRATEGY",
            BackupTaskType::UpdateBackupStrategy => "UPDATE_BACKUP_STRATEGY",
            BackupTaskType::DeleteBackupStrategy => "DELETE_BACKUP_STRATEGY",
            BackupTaskType::Unknown(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for BackupTaskType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(match s.as_str() {
            "STOP_BACKUP_SCHEDULE" => BackupTaskType::StopBackupSchedule,
            "START_BACKUP_SCHEDULE" => BackupTaskType::StartBackupSchedule,
            "CREATE_BACKUP_STRATEGY" => BackupTaskType::CreateBackupStrategy,
            "UPDATE_BACKUP_STRATEGY" => BackupTaskType::UpdateBackupStrategy,
            "DELETE_BACKUP_STRATEGY" => BackupTaskType::DeleteBackupStrategy,
            _ => BackupTaskType::Unknown(s),
        })
    }
}

/// One backup object: a tenant or a cluster.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct BackupObject {
    /// `TENANT` or `CLUSTER`.
    #[serde(default)]
    pub backup_dimension: Option<String>,
    /// The cluster id.
    #[serde(default)]
    pub cluster_id: Option<i64>,
    /// The tenant id (absent for a cluster).
    #[serde(default)]
    pub tenant_id: Option<i64>,
}

/// Task ids: integers, or integers written as strings.
fn task_ids<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
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

/// The result of the operation on some backup objects.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct BackupObjectOpsResult {
    /// Whether the operation succeeded on these objects.
    pub be_successful: bool,
    /// The objects.
    #[serde(default)]
    pub ob_backup_object_list: Vec<BackupObject>,
    /// The asynchronous tasks started, when there are any (poll them with
    /// [`crate::Client::wait_for_task`]).
    #[serde(default, deserialize_with = "task_ids")]
    pub task_id_list: Vec<i64>,
    /// Why it failed, when it did.
    #[serde(default, deserialize_with = "lenient_string")]
    pub error_code: Option<String>,
    /// What to do about it.
    #[serde(default)]
    pub hint: Option<String>,
}

/// `BackupCommonResponse`: what the backup operations return.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct BackupCommonResponse {
    /// The operation performed.
    #[serde(default)]
    pub ob_backup_task_type: Option<BackupTaskType>,
    /// One result per group of objects.
    #[serde(default)]
    pub backup_object_ops_result_list: Vec<BackupObjectOpsResult>,
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

/// A tenant's backup strategy (`OcpBackupStrategy`). Fields this crate does not name are kept
/// in `extra`, so a newer server never breaks decoding.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct BackupStrategy {
    /// The strategy id.
    #[serde(default)]
    pub id: Option<i64>,
    /// The cluster id in OCP.
    #[serde(default)]
    pub cluster_id: Option<i64>,
    /// The cluster name.
    #[serde(default)]
    pub cluster_name: Option<String>,
    /// The OceanBase cluster id.
    #[serde(default)]
    pub ob_cluster_id: Option<i64>,
    /// The tenant id in OCP.
    #[serde(default)]
    pub tenant_id: Option<i64>,
    /// The tenant name.
    #[serde(default)]
    pub tenant_name: Option<String>,
    /// The OceanBase tenant id.
    #[serde(default)]
    pub ob_tenant_id: Option<i64>,
    /// `TENANT` or `CLUSTER`.
    #[serde(default)]
    pub backup_dimension: Option<String>,
    /// The destination type.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// The backup mode.
    #[serde(default)]
    pub backup_mode: Option<String>,
    /// When it was created, as sent.
    #[serde(default)]
    pub create_time: Option<String>,
    /// When it was last changed, as sent.
    #[serde(default)]
    pub update_time: Option<String>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A task's status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskStatus {
    /// `PENDING`
    Pending,
    /// `RUNNING`
    Running,
    /// `SUCCESSFUL`
    Successful,
    /// `FAILED`
    Failed,
    /// A value this crate does not know, as sent.
    Unknown(String),
}

impl TaskStatus {
    /// Whether the task has ended.
    pub fn is_finished(&self) -> bool {
        matches!(self, TaskStatus::Successful | TaskStatus::Failed)
    }
}

impl<'de> Deserialize<'de> for TaskStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(match s.as_str() {
            "PENDING" => TaskStatus::Pending,
            "RUNNING" => TaskStatus::Running,
            "SUCCESSFUL" => TaskStatus::Successful,
            "FAILED" => TaskStatus::Failed,
            _ => TaskStatus::Unknown(s),
        })
    }
}

/// An asynchronous task (`GET /api/v2/tasks/{id}`). Unnamed fields are kept in `extra`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
#[serde(rename_all = "camelCase")]
pub struct Task {
    /// The task id.
    pub id: i64,
    /// The task's name.
    #[serde(default)]
    pub name: Option<String>,
    /// Its status.
    pub status: TaskStatus,
    /// When it was created, as sent.
    #[serde(default)]
    pub create_time: Option<String>,
    /// When it finished, as sent.
    #[serde(default)]
    pub finish_time: Option<String>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
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
