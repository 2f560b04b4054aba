//! An emulator of CynosDB: `POST /` routed by `X-TC-Action`, TC3 signatures checked within
//! the 5-minute window, every body checked against the model's rules ([`crate::tables`]:
//! `MissingParameter`, `InvalidParameter`, `UnknownParameter`), per-cluster state for
//! PauseServerless and ResumeServerless, flows that finish after a set number of polls, the
//! documented error codes, and every other modelled action answered with its example values.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use serde_json::{Value, json};

use crate::rules::{Broken, Operation};
use crate::server::{Fault, RecordedRequest, Reply, TestServer, lock};
use crate::tables;
use crate::verify::{self, Rejection};

/// The published example SecretId the emulator accepts by default.
pub const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
/// The published example SecretKey the emulator accepts by default.
pub const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
/// The documented sample cluster, serverless and running.
pub const SAMPLE_CLUSTER: &str = "cynosdbmysql-8vcxoq75";
/// The FlowId of the documented sample response: the first flow the emulator starts.
pub const SAMPLE_FLOW_ID: i64 = 1_008_306;
/// The RequestId of the documented sample response: the first request id the emulator gives.
pub const SAMPLE_REQUEST_ID: &str = "37508f2e-23eb-11eb-a713-525400b7dd5a";

/// A cluster's serverless status (`ServerlessStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterStatus {
    /// Running.
    Resume,
    /// Paused.
    Pause,
}

#[derive(Debug, Clone)]
struct Cluster {
    serverless: bool,
    status: ClusterStatus,
}

#[derive(Debug, Clone)]
struct Flow {
    polls_left: u32,
    fail: bool,
}

#[derive(Debug)]
struct State {
    clusters: HashMap<String, Cluster>,
    flows: HashMap<i64, Flow>,
    next_flow: i64,
    next_request: u64,
    polls_to_finish: u32,
    fail_next_flow: bool,
    secrets: HashMap<String, String>,
}

impl State {
    fn request_id(&mut self) -> String {
        self.next_request += 1;
        if self.next_request == 1 {
            return SAMPLE_REQUEST_ID.to_string();
        }
        format!("00000000-0000-4000-8000-{:012x}", self.next_request)
    }

    fn error(&mut self, code: &str, message: &str) -> Value {
        json!({"Response": {"Error": {"Code": code, "Message": message}, "RequestId": self.request_id()}})
    }

    fn ok(&mut self, mut fields: Value) -> Value {
        let rid = self.request_id();
        if let Value::Object(m) = &mut fields {
            m.insert("RequestId".to_string(), Value::String(rid));
        }
        json!({ "Response": fields })
    }

    fn start_flow(&mut self) -> i64 {
        let id = self.next_flow;
        self.next_flow += 1;
        let fail = std::mem::take(&mut self.fail_next_flow);
        self.flows.insert(
            id,
            Flow {
                polls_left: self.polls_to_finish,
                fail,
            },
        );
        id
    }
}

/// The emulator. It stops when dropped.
pub struct CynosDbEmulator {
    server: TestServer,
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for CynosDbEmulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CynosDbEmulator")
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

impl CynosDbEmulator {
    /// Starts an emulator that knows the published example key pair and the documented sample
    /// cluster (serverless, running). Flows finish on the second DescribeFlow.
    pub async fn start() -> CynosDbEmulator {
        Self::start_on(None).await
    }

    /// The same emulator over HTTPS, presenting `acceptor`'s certificate (see
    /// [`crate::tls::TestCa`]).
    pub async fn start_tls(acceptor: tokio_rustls::TlsAcceptor) -> CynosDbEmulator {
        Self::start_on(Some(acceptor)).await
    }

    async fn start_on(tls: Option<tokio_rustls::TlsAcceptor>) -> CynosDbEmulator {
        let state = Arc::new(Mutex::new(State {
            clusters: HashMap::from([(
                SAMPLE_CLUSTER.to_string(),
                Cluster {
                    serverless: true,
                    status: ClusterStatus::Resume,
                },
            )]),
            flows: HashMap::new(),
            next_flow: SAMPLE_FLOW_ID,
            next_request: 0,
            polls_to_finish: 1,
            fail_next_flow: false,
            secrets: HashMap::from([(SECRET_ID.to_string(), SECRET_KEY.to_string())]),
        }));
        let s = state.clone();
        let server = match tls {
            None => TestServer::start(move |req| handle(&s, req)).await,
            Some(acceptor) => TestServer::start_tls(acceptor, move |req| handle(&s, req)).await,
        };
        CynosDbEmulator { server, state }
    }

    /// The underlying server, for fault injection and request records.
    pub fn server(&self) -> &TestServer {
        &self.server
    }

    /// The endpoint URL to point a client at.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// Adds a cluster (serverless or not) in a status.
    pub fn add_cluster(&self, id: &str, serverless: bool, status: ClusterStatus) {
        lock(&self.state)
            .clusters
            .insert(id.to_string(), Cluster { serverless, status });
    }

    /// A cluster's status.
    pub fn cluster_status(&self, id: &str) -> Option<ClusterStatus> {
        lock(&self.state).clusters.get(id).map(|c| c.status)
    }

    /// A handle that registers key pairs (as [`CynosDbEmulator::add_key`]), for an emulated
    /// issuer to hold.
    pub fn keys_handle(&self) -> impl Fn(&str, &str) + Send + Sync + 'static {
        let state = self.state.clone();
        move |secret_id, secret_key| {
            lock(&state)
                .secrets
                .insert(secret_id.to_string(), secret_key.to_string());
        }
    }

    /// Accepts another key pair.
    pub fn add_key(&self, secret_id: &str, secret_key: &str) {
        lock(&self.state)
            .secrets
            .insert(secret_id.to_string(), secret_key.to_string());
    }

    /// How many DescribeFlow calls see a new flow running before it finishes.
    pub fn set_polls_to_finish(&self, n: u32) {
        lock(&self.state).polls_to_finish = n;
    }

    /// Makes the next flow started end in failure.
    pub fn fail_next_flow(&self) {
        lock(&self.state).fail_next_flow = true;
    }

    /// Answers the next `n` requests with `RequestLimitExceeded` (in the 200 envelope).
    pub fn throttle_next(&self, n: usize) {
        let body = json!({"Response": {
            "Error": {"Code": "RequestLimitExceeded", "Message": "Your current request times equals to `21` in a second, which exceeds the frequency limit `20` for a second. Please reduce the frequency of calls."},
            "RequestId": "00000000-0000-4000-8000-throttled000"
        }});
        self.server
            .push_faults(Fault::Status(Reply::json_value(200, &body)), n);
    }
}

fn handle(state: &Mutex<State>, req: &RecordedRequest) -> Reply {
    let mut st = lock(state);
    let body = route(&mut st, req);
    Reply::json_value(200, &body)
}

fn route(st: &mut State, req: &RecordedRequest) -> Value {
    if req.method != "POST" || req.path != "/" {
        return st.error("InvalidAction", "only POST / is served");
    }
    let secrets = st.secrets.clone();
    if let Err(r) = verify::tc3(
        req,
        "cynosdb",
        |id| secrets.get(id).cloned(),
        SystemTime::now(),
        300,
    ) {
        let code = match &r {
            Rejection::Missing(_) => "AuthFailure.InvalidAuthorization",
            Rejection::UnknownKey(_) => "AuthFailure.SecretIdNotFound",
            Rejection::Expired(_) => "AuthFailure.SignatureExpire",
            Rejection::Mismatch(_) => "AuthFailure.SignatureFailure",
        };
        return st.error(code, r.message());
    }
    if req.headers.get("x-tc-version") != Some("2019-01-07") {
        return st.error("NoSuchVersion", "X-TC-Version must be 2019-01-07");
    }
    if req.headers.get("x-tc-region").is_none_or(str::is_empty) {
        return st.error("MissingParameter", "X-TC-Region is required");
    }
    let input = req.json();
    let action = req.headers.get("x-tc-action").unwrap_or("");
    let Some(rules) = Operation::find(tables::TENCENTCLOUD_CYNOSDB, action) else {
        return st.error(
            "InvalidAction",
            &format!("the action {action} is not served"),
        );
    };
    if let Err(broken) = rules.check(&input) {
        let code = match broken {
            Broken::Missing(_) => "MissingParameter",
            Broken::Unknown(_) => "UnknownParameter",
            _ => "InvalidParameter",
        };
        return st.error(code, &broken.message());
    }
    match action {
        "PauseServerless" => pause(st, &input),
        "ResumeServerless" => resume(st, &input),
        "DescribeFlow" => describe_flow(st, &input),
        // Every other modelled action answers its model's example values.
        _ => st.ok(rules.example()),
    }
}

fn cluster<'a>(
    st: &'a mut State,
    input: &Value,
) -> Result<(String, &'a mut Cluster), (&'static str, String)> {
    let Some(id) = input.get("ClusterId").and_then(Value::as_str) else {
        return Err((
            "InvalidParameterValue.ParamError",
            "ClusterId is required".to_string(),
        ));
    };
    let id = id.to_string();
    match st.clusters.get_mut(&id) {
        Some(c) if !c.serverless => Err((
            "InvalidParameterValue.DbModeNotServerlessError",
            format!("cluster {id} is not serverless"),
        )),
        Some(c) => Ok((id, c)),
        None => Err((
            "ResourceNotFound.ClusterNotFoundError",
            format!("cluster {id} does not exist"),
        )),
    }
}

fn pause(st: &mut State, input: &Value) -> Value {
    match input.get("ForcePause") {
        None | Some(Value::Null) => {}
        Some(v) if v.as_i64() == Some(0) || v.as_i64() == Some(1) => {}
        Some(_) => {
            return st.error(
                "InvalidParameterValue.ParamError",
                "ForcePause must be 0 or 1",
            );
        }
    }
    change_status(st, input, ClusterStatus::Resume, ClusterStatus::Pause)
}

fn resume(st: &mut State, input: &Value) -> Value {
    change_status(st, input, ClusterStatus::Pause, ClusterStatus::Resume)
}

fn change_status(st: &mut State, input: &Value, from: ClusterStatus, to: ClusterStatus) -> Value {
    match cluster(st, input) {
        Ok((id, c)) => {
            if c.status != from {
                let message = format!("cluster {id} is in status {:?}", c.status);
                return st.error("OperationDenied.ServerlessClusterStatusDenied", &message);
            }
            c.status = to;
            let flow = st.start_flow();
            st.ok(json!({ "FlowId": flow }))
        }
        Err((code, message)) => st.error(code, &message),
    }
}

fn describe_flow(st: &mut State, input: &Value) -> Value {
    let Some(id) = input.get("FlowId").and_then(Value::as_i64) else {
        return st.error("InvalidParameterValue.ParamError", "FlowId is required");
    };
    let Some(flow) = st.flows.get_mut(&id) else {
        return st.error(
            "ResourceNotFound.FlowNotFoundError",
            &format!("flow {id} does not exist"),
        );
    };
    let status = if flow.polls_left > 0 {
        flow.polls_left -= 1;
        2
    } else if flow.fail {
        1
    } else {
        0
    };
    st.ok(json!({ "Status": status }))
}
