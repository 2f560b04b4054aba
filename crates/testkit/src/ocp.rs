//! An emulator of the OCP API v2 backup operations: Basic or AK/SK authentication (`Date`
//! within 15 minutes), per-tenant schedule state, the documented sample answer for the
//! documented sample request, asynchronous tasks (backups started now among them), the error
//! envelope for unknown ids (404) and bad credentials (401), and every other modelled
//! operation answered with its example.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use cloudops_core::time::{UtcDateTime, unix_seconds};
use serde_json::{Value, json};

use crate::rules::Operation;
use crate::server::{RecordedRequest, Reply, TestServer, lock};
use crate::tables;
use crate::verify;

/// The user name HTTP Basic accepts.
pub const USERNAME: &str = "admin";
/// Its password.
pub const PASSWORD: &str = "ocp-admin-password";
/// The access key id AK/SK signing accepts.
pub const ACCESS_KEY_ID: &str = "ocp-example-ak";
/// Its secret.
pub const ACCESS_KEY_SECRET: &str = "ocp-example-sk";
/// The cluster of the documented sample request.
pub const SAMPLE_CLUSTER: i64 = 1_000_002;
/// The tenant of the documented sample request.
pub const SAMPLE_TENANT: i64 = 1_000_012;
/// A tenant of the sample cluster whose stop fails on one of its two backup objects.
pub const PARTIAL_TENANT: i64 = 1_000_013;
/// The documented sample response, byte for byte.
pub const SAMPLE_RESPONSE: &str = r#"{
"data": {
"backupObjectOpsResultList": [
{
"beSuccessful": true,
"obBackupObjectList": [
{
"backupDimension": "TENANT",
"clusterId": 1000002,
"tenantId": 1000012
}
]
}
],
"obBackupTaskType": "STOP_BACKUP_SCHEDULE"
},
"duration": 29,
"server": "d21b8dbaea",
"status": 200,
"successful": true,
"timestamp": "2024-09-10T10:07:58.026+08:00",
"traceId": "59f6d5773e364fde"
}"#;

/// A backup schedule's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleState {
    /// Backups are scheduled.
    Running,
    /// Scheduling is stopped.
    Stopped,
}

#[derive(Debug, Clone)]
struct Task {
    polls_left: u32,
    fail: bool,
    name: String,
}

#[derive(Debug)]
struct State {
    tenants: HashMap<(i64, i64), ScheduleState>,
    tasks: HashMap<i64, Task>,
    next_task: i64,
    next_trace: u64,
    polls_to_finish: u32,
    fail_next_task: bool,
    sample_answered: bool,
}

/// The emulator. It stops when dropped.
pub struct OcpEmulator {
    server: TestServer,
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for OcpEmulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OcpEmulator")
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

impl OcpEmulator {
    /// Starts the emulator with the sample cluster's two tenants, both scheduled. Tasks finish
    /// on their second poll.
    pub async fn start() -> OcpEmulator {
        Self::start_on(None).await
    }

    /// The same emulator over HTTPS, presenting `acceptor`'s certificate (see
    /// [`crate::tls::TestCa`]).
    pub async fn start_tls(acceptor: tokio_rustls::TlsAcceptor) -> OcpEmulator {
        Self::start_on(Some(acceptor)).await
    }

    async fn start_on(tls: Option<tokio_rustls::TlsAcceptor>) -> OcpEmulator {
        let state = Arc::new(Mutex::new(State {
            tenants: HashMap::from([
                ((SAMPLE_CLUSTER, SAMPLE_TENANT), ScheduleState::Running),
                ((SAMPLE_CLUSTER, PARTIAL_TENANT), ScheduleState::Running),
            ]),
            tasks: HashMap::new(),
            next_task: 2_000_001,
            next_trace: 0,
            polls_to_finish: 1,
            fail_next_task: false,
            sample_answered: false,
        }));
        let s = state.clone();
        let server = match tls {
            None => TestServer::start(move |req| handle(&s, req)).await,
            Some(acceptor) => TestServer::start_tls(acceptor, move |req| handle(&s, req)).await,
        };
        OcpEmulator { server, state }
    }

    /// The underlying server, for fault injection and request records.
    pub fn server(&self) -> &TestServer {
        &self.server
    }

    /// The base URL.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// A tenant's schedule state.
    pub fn schedule(&self, cluster_id: i64, tenant_id: i64) -> Option<ScheduleState> {
        lock(&self.state)
            .tenants
            .get(&(cluster_id, tenant_id))
            .copied()
    }

    /// Adds a tenant.
    pub fn add_tenant(&self, cluster_id: i64, tenant_id: i64, state: ScheduleState) {
        lock(&self.state)
            .tenants
            .insert((cluster_id, tenant_id), state);
    }

    /// How many polls see a new task running before it ends.
    pub fn set_polls_to_finish(&self, n: u32) {
        lock(&self.state).polls_to_finish = n;
    }

    /// Makes the next task started end `FAILED`.
    pub fn fail_next_task(&self) {
        lock(&self.state).fail_next_task = true;
    }
}

fn now_rfc3339() -> String {
    let t = UtcDateTime::from_unix(unix_seconds(SystemTime::now()));
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.000+00:00",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    )
}

impl State {
    /// A new task named `name`, finishing after the set number of polls (failing if asked).
    fn start_task(&mut self, name: String) -> i64 {
        let id = self.next_task;
        self.next_task += 1;
        let fail = std::mem::take(&mut self.fail_next_task);
        self.tasks.insert(
            id,
            Task {
                polls_left: self.polls_to_finish,
                fail,
                name,
            },
        );
        id
    }

    fn trace(&mut self) -> String {
        self.next_trace += 1;
        format!("{:016x}", 0x0c0f_fee0_0000_0000_u64 + self.next_trace)
    }

    fn ok(&mut self, data: Value) -> (u16, Value) {
        let trace = self.trace();
        (
            200,
            json!({"data": data, "duration": 3, "server": "emulator", "status": 200, "successful": true,
                   "timestamp": now_rfc3339(), "traceId": trace}),
        )
    }

    fn error(&mut self, status: u16, code: i64, message: &str) -> (u16, Value) {
        let trace = self.trace();
        (
            status,
            json!({"successful": false, "status": status, "timestamp": now_rfc3339(), "traceId": trace,
                   "duration": 1, "server": "emulator", "error": {"code": code, "message": message}}),
        )
    }
}

fn handle(state: &Mutex<State>, req: &RecordedRequest) -> Reply {
    let mut st = lock(state);
    let (status, body) = match authenticate(req) {
        Err(message) => st.error(401, 30001, &message),
        Ok(()) => route(&mut st, req),
    };
    match body {
        Value::String(raw) => Reply::json(status, raw),
        other => Reply::json_value(status, &other),
    }
}

fn authenticate(req: &RecordedRequest) -> Result<(), String> {
    let auth = req.headers.get("authorization").unwrap_or("");
    let result = if auth.starts_with("Basic ") {
        verify::basic(req, |u| (u == USERNAME).then(|| PASSWORD.to_string()))
    } else {
        verify::ocp(
            req,
            |ak| (ak == ACCESS_KEY_ID).then(|| ACCESS_KEY_SECRET.to_string()),
            SystemTime::now(),
            900,
        )
    };
    result
        .map(|_| ())
        .map_err(|r| format!("Authentication failed: {}", r.message()))
}

fn route(st: &mut State, req: &RecordedRequest) -> (u16, Value) {
    let seg = req.segments();
    let seg: Vec<&str> = seg.iter().map(String::as_str).collect();
    let id = |s: &str| s.parse::<i64>().ok().filter(|n| *n > 0);
    match (req.method.as_str(), seg.as_slice()) {
        ("GET", ["api", "v2", "tasks", task]) => match id(task) {
            Some(t) => get_task(st, t),
            None => st.error(400, 10001, "the task id must be a positive integer"),
        },
        (
            method,
            [
                "api",
                "v2",
                "ob",
                "clusters",
                c,
                "tenants",
                t,
                "backup",
                rest @ ..,
            ],
        ) => {
            let (Some(c), Some(t)) = (id(c), id(t)) else {
                return st.error(
                    400,
                    10001,
                    "cluster and tenant ids must be positive integers",
                );
            };
            if !st.tenants.contains_key(&(c, t)) {
                return st.error(404, 60001, &format!("tenant {t} of cluster {c} not found"));
            }
            match (method, rest) {
                ("POST", ["backupNow"]) => backup_now(st, c, t),
                ("POST", ["config", "backupStrategy", "stopSchedule"]) => {
                    set_schedule(st, c, t, ScheduleState::Stopped)
                }
                ("POST", ["config", "backupStrategy", "startSchedule"]) => {
                    set_schedule(st, c, t, ScheduleState::Running)
                }
                ("GET", ["config", "backupStrategy"]) => strategy(st, c, t),
                _ => modelled(st, method, req),
            }
        }
        (method, _) => modelled(st, method, req),
    }
}

/// Any other modelled operation ([`crate::tables::OCP_BACKUP`]): its example answer.
fn modelled(st: &mut State, method: &str, req: &RecordedRequest) -> (u16, Value) {
    let seg = req.segments();
    let seg: Vec<&str> = seg.iter().map(String::as_str).collect();
    match Operation::route(tables::OCP_BACKUP, method, &seg) {
        Some(op) => st.ok(op.example()),
        None => st.error(404, 10004, "no such operation"),
    }
}

fn set_schedule(st: &mut State, cluster: i64, tenant: i64, to: ScheduleState) -> (u16, Value) {
    st.tenants.insert((cluster, tenant), to);
    let stop = to == ScheduleState::Stopped;
    if stop && (cluster, tenant) == (SAMPLE_CLUSTER, SAMPLE_TENANT) && !st.sample_answered {
        st.sample_answered = true;
        return (200, Value::String(SAMPLE_RESPONSE.to_string()));
    }
    let object = json!({"backupDimension": "TENANT", "clusterId": cluster, "tenantId": tenant});
    let task_type = if stop {
        "STOP_BACKUP_SCHEDULE"
    } else {
        "START_BACKUP_SCHEDULE"
    };
    let mut results = vec![json!({"beSuccessful": true, "obBackupObjectList": [object]})];
    if !stop {
        let id = st.start_task(format!("Start backup schedule of tenant {tenant}"));
        results[0]["taskIdList"] = json!([id]);
    }
    if tenant == PARTIAL_TENANT {
        results.push(json!({
            "beSuccessful": false,
            "obBackupObjectList": [{"backupDimension": "CLUSTER", "clusterId": cluster}],
            "errorCode": 60025,
            "hint": "The cluster-level backup schedule is managed by another strategy."
        }));
    }
    st.ok(json!({"obBackupTaskType": task_type, "backupObjectOpsResultList": results}))
}

/// A backup of the tenant, started now: a new task to poll.
fn backup_now(st: &mut State, cluster: i64, tenant: i64) -> (u16, Value) {
    let id = st.start_task(format!("Backup of tenant {tenant}"));
    let object = json!({"backupDimension": "TENANT", "clusterId": cluster, "tenantId": tenant});
    st.ok(json!({"backupObjectOpsResultList": [
        {"beSuccessful": true, "obBackupObjectList": [object], "taskIdList": [id]}
    ]}))
}

fn strategy(st: &mut State, cluster: i64, tenant: i64) -> (u16, Value) {
    let schedule = match st.tenants.get(&(cluster, tenant)) {
        Some(ScheduleState::Stopped) => "STOPPED",
        _ => "RUNNING",
    };
    st.ok(json!({
        "id": 3001, "clusterId": cluster, "clusterName": "obcluster", "obClusterId": 1,
        "tenantId": tenant, "tenantName": "tenant1", "obTenantId": 1002, "backupDimension": "TENANT",
        "type": "BACKUP", "backupMode": "FULL_AND_INCREMENTAL",
        "createTime": "2024-09-01T08:00:00.000+08:00", "updateTime": "2024-09-10T10:07:58.026+08:00",
        "scheduleStatus": schedule,
        "obBackupServiceStorageConfig": {"storageType": "OSS"}
    }))
}

fn get_task(st: &mut State, id: i64) -> (u16, Value) {
    let Some(task) = st.tasks.get_mut(&id) else {
        return st.error(404, 20001, &format!("task {id} not found"));
    };
    let status = if task.polls_left > 0 {
        task.polls_left -= 1;
        "RUNNING"
    } else if task.fail {
        "FAILED"
    } else {
        "SUCCESSFUL"
    };
    let name = task.name.clone();
    st.ok(json!({"id": id, "name": name, "status": status, "createTime": "2024-09-10T10:08:00.000+08:00", "executor": "emulator"}))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> State {
        State {
            tenants: HashMap::new(),
            tasks: HashMap::new(),
            next_task: 1,
            next_trace: 0,
            polls_to_finish: 0,
            fail_next_task: false,
            sample_answered: false,
        }
    }

    fn request(method: &str, path: &str) -> RecordedRequest {
        RecordedRequest {
            method: method.into(),
            path: path.into(),
            query: String::new(),
            headers: cloudops_core::Headers::new(),
            body: Vec::new(),
        }
    }

    #[test]
    fn a_modelled_operation_without_state_answers_its_example() {
        let mut st = state();
        let path = "/api/v2/ob/clusters/1/tenants/2/backup/backupNow";
        let (status, body) = modelled(&mut st, "POST", &request("POST", path));
        assert_eq!(status, 200);
        assert_eq!(body["successful"], true);
        assert!(body["data"].is_object(), "{body}");
        let (status, body) = modelled(&mut st, "POST", &request("POST", "/api/v2/nothing"));
        assert_eq!(status, 404);
        assert_eq!(body["error"]["code"], 10004);
    }
}
