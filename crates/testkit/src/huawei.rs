//! An emulator of the Huawei Cloud APIs the cloudops crates call: IAM password tokens, DBSS
//! StopDbOmInstance and StartDbOmInstance, TaurusDB CreateBackupResourcePackage and KooPhone
//! BatchBackupInstances with their state, and every other modelled operation
//! ([`crate::tables`]) with its body checked and its example answered, behind one gateway that
//! accepts either an SDK-HMAC-SHA256 signature (15-minute window) or a token it issued.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use cloudops_core::time::{UtcDateTime, unix_seconds};
use serde_json::{Value, json};

use crate::rules::{self, Operation};
use crate::server::{Fault, RecordedRequest, Reply, TestServer, lock};
use crate::tables;
use crate::verify;

/// The published example access key the emulator accepts.
pub const AK: &str = "QTWAOYTTINDUT2QVKYUC";
/// The published example secret key the emulator accepts.
pub const SK: &str = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc";
/// The project of the TaurusDB sample request.
pub const PROJECT_ID: &str = "619d3e78f61b4be68bc5aa0b59edcf7b";
/// A running DBSS O&M instance.
pub const DBSS_INSTANCE: &str = "2f1a3b5c7d9e4f60a1b2c3d4e5f60718";
/// A DBSS instance the caller may not stop (403 with `details` and
/// `encoded_authorization_message`).
pub const DBSS_FORBIDDEN_INSTANCE: &str = "f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0";
/// A DBSS instance whose stop fails inside the service (500, `code`/`message` envelope).
pub const DBSS_BROKEN_INSTANCE: &str = "5005005005005005005005005005005a";
/// The KooPhone instance of the page's example.
pub const KOOPHONE_INSTANCE: &str = "iRJEVP9";
/// The IAM user the emulator knows.
pub const IAM_USER: &str = "cloudops-user";
/// Its password.
pub const IAM_PASSWORD: &str = "cloudops-password";
/// Its account (domain).
pub const IAM_DOMAIN: &str = "cloudops-domain";
/// The order id of the documented TaurusDB sample response: the first order placed.
pub const SAMPLE_ORDER_ID: &str = "CS26032015513W796";

#[derive(Debug)]
struct State {
    tokens: HashMap<String, SystemTime>,
    token_ttl: Duration,
    tokens_issued: u64,
    orders: Vec<Value>,
    dbss_stopped: HashSet<String>,
    koophone_instances: HashSet<String>,
    backups: u64,
    next_request: u64,
    project_lookups: u64,
    /// Temporary keys issued elsewhere (metadata, IAM): secret key, security token, expiry.
    temporary: HashMap<String, (String, String, SystemTime)>,
    security_tokens_issued: u64,
    /// How long IAM's temporary keys live, when a test fixes it.
    security_token_ttl: Option<Duration>,
}

/// The emulator. It stops when dropped.
pub struct HuaweiEmulator {
    server: TestServer,
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for HuaweiEmulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HuaweiEmulator")
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

fn err(status: u16, code: &str, msg: &str) -> (u16, Value) {
    (status, json!({"error_code": code, "error_msg": msg}))
}

impl HuaweiEmulator {
    /// Starts the emulator with the example keys, the sample project, one DBSS instance and
    /// the page's KooPhone instance. Tokens live 24 hours.
    pub async fn start() -> HuaweiEmulator {
        Self::start_on(None).await
    }

    /// The same emulator over HTTPS, presenting `acceptor`'s certificate (see
    /// [`crate::tls::TestCa`]).
    pub async fn start_tls(acceptor: tokio_rustls::TlsAcceptor) -> HuaweiEmulator {
        Self::start_on(Some(acceptor)).await
    }

    async fn start_on(tls: Option<tokio_rustls::TlsAcceptor>) -> HuaweiEmulator {
        let state = Arc::new(Mutex::new(State {
            tokens: HashMap::new(),
            token_ttl: Duration::from_secs(24 * 3600),
            tokens_issued: 0,
            orders: Vec::new(),
            dbss_stopped: HashSet::new(),
            koophone_instances: HashSet::from([KOOPHONE_INSTANCE.to_string()]),
            backups: 0,
            next_request: 0,
            project_lookups: 0,
            temporary: HashMap::new(),
            security_tokens_issued: 0,
            security_token_ttl: None,
        }));
        let s = state.clone();
        let server = match tls {
            None => TestServer::start(move |req| handle(&s, req)).await,
            Some(acceptor) => TestServer::start_tls(acceptor, move |req| handle(&s, req)).await,
        };
        HuaweiEmulator { server, state }
    }

    /// The underlying server, for fault injection and request records.
    pub fn server(&self) -> &TestServer {
        &self.server
    }

    /// The URL every service (and IAM) answers at.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// Makes every issued token expire now.
    pub fn expire_tokens(&self) {
        let past = SystemTime::now() - Duration::from_secs(1);
        for exp in lock(&self.state).tokens.values_mut() {
            *exp = past;
        }
    }

    /// How long new tokens live.
    pub fn set_token_ttl(&self, ttl: Duration) {
        lock(&self.state).token_ttl = ttl;
    }

    /// A handle that registers temporary keys (as [`HuaweiEmulator::add_temporary_key`]),
    /// for an emulated issuer to hold.
    pub fn keys_handle(&self) -> impl Fn(&str, &str, &str, SystemTime) + Send + Sync + 'static {
        let state = self.state.clone();
        move |ak, sk, token, expires_at| {
            lock(&state).temporary.insert(
                ak.to_string(),
                (sk.to_string(), token.to_string(), expires_at),
            );
        }
    }

    /// Accepts a temporary key (issued by an emulated metadata service or IAM) until
    /// `expires_at`, with its security token.
    pub fn add_temporary_key(&self, ak: &str, sk: &str, token: &str, expires_at: SystemTime) {
        lock(&self.state).temporary.insert(
            ak.to_string(),
            (sk.to_string(), token.to_string(), expires_at),
        );
    }

    /// How many temporary keys IAM has issued for tokens (`OS-CREDENTIAL/securitytokens`).
    pub fn security_tokens_issued(&self) -> u64 {
        lock(&self.state).security_tokens_issued
    }

    /// Makes IAM's temporary keys live `ttl`, whatever duration is asked.
    pub fn set_security_token_ttl(&self, ttl: Duration) {
        lock(&self.state).security_token_ttl = Some(ttl);
    }

    /// How many times IAM's project list was asked for.
    pub fn project_lookups(&self) -> u64 {
        lock(&self.state).project_lookups
    }

    /// How many tokens IAM has issued.
    pub fn tokens_issued(&self) -> u64 {
        lock(&self.state).tokens_issued
    }

    /// The orders placed (request bodies of successful purchases).
    pub fn orders(&self) -> Vec<Value> {
        lock(&self.state).orders.clone()
    }

    /// Whether a DBSS instance has been stopped.
    pub fn dbss_stopped(&self, instance_id: &str) -> bool {
        lock(&self.state).dbss_stopped.contains(instance_id)
    }

    /// Adds a KooPhone instance the tenant owns.
    pub fn add_koophone_instance(&self, id: &str) {
        lock(&self.state).koophone_instances.insert(id.to_string());
    }

    /// Answers the next `n` requests with the gateway's throttling error (HTTP 429,
    /// `APIGW.0308`).
    pub fn throttle_next(&self, n: usize) {
        let reply = Reply::json(
            429,
            r#"{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached: policy user over ratelimit,limit:5,time:1 second"}"#,
        )
        .with_header("x-request-id", "throttled-request");
        self.server.push_faults(Fault::Status(reply), n);
    }
}

fn handle(state: &Mutex<State>, req: &RecordedRequest) -> Reply {
    let mut st = lock(state);
    st.next_request += 1;
    let request_id = format!("{:032x}", 0x5eed_0000_0000_u64 + st.next_request);
    let (status, answer, extra) = route(&mut st, req);
    let mut reply = match answer {
        Answer::Json(body) => Reply::json_value(status, &body),
        Answer::File { name, text } => Reply {
            status,
            headers: vec![
                (
                    "content-type".to_string(),
                    "application/octet-stream".to_string(),
                ),
                (
                    "content-disposition".to_string(),
                    format!("attachment; filename=\"{name}.txt\""),
                ),
            ],
            body: text.as_bytes().to_vec(),
        },
    }
    .with_header("x-request-id", request_id);
    if let Some((n, v)) = extra {
        reply = reply.with_header(&n, v);
    }
    reply
}

type Routed = (u16, Value, Option<(String, String)>);

/// What an answer's body is.
enum Answer {
    /// A JSON value.
    Json(Value),
    /// A downloaded file: the operation's name and the file's text.
    File {
        name: &'static str,
        text: &'static str,
    },
}

fn route(st: &mut State, req: &RecordedRequest) -> (u16, Answer, Option<(String, String)>) {
    let seg = req.segments();
    let seg: Vec<&str> = seg.iter().map(String::as_str).collect();
    let json = |(s, b, extra): Routed| (s, Answer::Json(b), extra);
    if req.method == "POST" && seg == ["v3", "auth", "tokens"] {
        return json(issue_token(st, req));
    }
    if req.method == "POST" && seg == ["v3.0", "OS-AUTH", "id-token", "tokens"] {
        return json(exchange_id_token(st, req));
    }
    if req.method == "POST" && seg == ["v3.0", "OS-CREDENTIAL", "securitytokens"] {
        return json(issue_security_token(st, req));
    }
    if let Err((s, b)) = authenticate(st, req) {
        return (s, Answer::Json(b), None);
    }
    let (s, b) = match (req.method.as_str(), seg.as_slice()) {
        ("POST", ["v1", project, "db-om", instance, "stop"]) => dbss_stop(st, project, instance),
        ("POST", ["v3", project, "backups", "resource-package"]) => taurusdb_buy(st, project, req),
        ("POST", ["v1", "instances", "backup"]) => koophone_backup(st, req),
        ("POST", ["v1", project, "db-om", instance, "start"]) => dbss_start(st, project, instance),
        ("GET", ["v3", "projects"]) => list_projects(st, req),
        (method, segments) => return modelled(method, segments, req),
    };
    (s, Answer::Json(b), None)
}

/// IAM's `GET /v3/projects?name=<region>`: the emulated account has one project, in
/// `cn-north-4`.
fn list_projects(st: &mut State, req: &RecordedRequest) -> (u16, Value) {
    st.project_lookups += 1;
    let name = req
        .query_pairs()
        .into_iter()
        .find(|(k, _)| k == "name")
        .map(|(_, v)| v);
    let projects = match name.as_deref() {
        Some("cn-north-4") | None => {
            json!([{"id": PROJECT_ID, "name": "cn-north-4", "enabled": true}])
        }
        Some(_) => json!([]),
    };
    (200, json!({"projects": projects}))
}

/// The identity provider and id token the emulated workload holds.
pub const IDP_ID: &str = "cloudops-idp";
/// The OIDC id token the emulated workload holds.
pub const ID_TOKEN: &str = "eyJ-huawei-id-token";

/// `POST /v3.0/OS-AUTH/id-token/tokens`: an id token for an unscoped IAM token.
fn exchange_id_token(st: &mut State, req: &RecordedRequest) -> Routed {
    let body = req.json();
    if req.headers.get("x-idp-id") != Some(IDP_ID) || body["auth"]["id_token"]["id"] != ID_TOKEN {
        return (
            401,
            json!({"error": {"code": 401, "message": "The id token is invalid.", "title": "Unauthorized"}}),
            None,
        );
    }
    st.tokens_issued += 1;
    let token = format!("MIIunscoped{}", st.tokens_issued);
    st.tokens
        .insert(token.clone(), SystemTime::now() + st.token_ttl);
    (
        201,
        json!({"token": {"methods": ["mapped"]}}),
        Some(("x-subject-token".to_string(), token)),
    )
}

/// `POST /v3.0/OS-CREDENTIAL/securitytokens`: temporary keys for a token.
fn issue_security_token(st: &mut State, req: &RecordedRequest) -> Routed {
    let body = req.json();
    let token = body["auth"]["identity"]["token"]["id"]
        .as_str()
        .unwrap_or_default();
    let live = st
        .tokens
        .get(token)
        .is_some_and(|exp| *exp > SystemTime::now());
    if body["auth"]["identity"]["methods"] != json!(["token"]) || !live {
        return (
            401,
            json!({"error": {"code": 401, "message": "The token is invalid.", "title": "Unauthorized"}}),
            None,
        );
    }
    let seconds = body["auth"]["identity"]["token"]["duration_seconds"]
        .as_u64()
        .unwrap_or(900);
    st.security_tokens_issued += 1;
    let n = st.security_tokens_issued;
    let expires = SystemTime::now()
        + st.security_token_ttl
            .unwrap_or(Duration::from_secs(seconds));
    let (ak, sk, token) = (
        format!("OIDCAK{n:014}"),
        format!("oidc-sk-{n}"),
        format!("oidc-security-token-{n}"),
    );
    st.temporary
        .insert(ak.clone(), (sk.clone(), token.clone(), expires));
    (
        201,
        json!({"credential": {
            "access": ak,
            "secret": sk,
            "securitytoken": token,
            "expires_at": iam_time(expires),
        }}),
        None,
    )
}

/// `t` as Huawei IAM writes an `expires_at`: `2026-11-23T21:55:27.000000Z`.
pub(crate) fn iam_time(t: SystemTime) -> String {
    let at = UtcDateTime::from_unix(unix_seconds(t));
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.000000Z",
        at.year, at.month, at.day, at.hour, at.minute, at.second
    )
}

fn issue_token(st: &mut State, req: &RecordedRequest) -> Routed {
    let body = req.json();
    let user = &body["auth"]["identity"]["password"]["user"];
    let ok = body["auth"]["identity"]["methods"] == json!(["password"])
        && user["name"] == IAM_USER
        && user["password"] == IAM_PASSWORD
        && user["domain"]["name"] == IAM_DOMAIN;
    if !ok {
        return (
            401,
            json!({"error": {"code": 401, "message": "The username or password is wrong.", "title": "Unauthorized"}}),
            None,
        );
    }
    st.tokens_issued += 1;
    let token = format!("MIIemulatedtoken{:08}", st.tokens_issued);
    let expires = SystemTime::now() + st.token_ttl;
    st.tokens.insert(token.clone(), expires);
    let expires_at = iam_time(expires);
    let project = body["auth"]["scope"]["project"]["name"].clone();
    (
        201,
        json!({"token": {"expires_at": expires_at, "methods": ["password"], "project": {"name": project}}}),
        Some(("x-subject-token".to_string(), token)),
    )
}

fn authenticate(st: &State, req: &RecordedRequest) -> Result<(), (u16, Value)> {
    if let Some(token) = req.headers.get("x-auth-token") {
        return match st.tokens.get(token) {
            Some(exp) if *exp > SystemTime::now() => Ok(()),
            Some(_) => Err(err(
                401,
                "APIGW.0301",
                "Incorrect IAM authentication information: token expired",
            )),
            None => Err(err(
                401,
                "APIGW.0301",
                "Incorrect IAM authentication information: token invalid",
            )),
        };
    }
    if req.headers.get("authorization").is_none() {
        return Err(err(
            401,
            "APIGW.0301",
            "Incorrect IAM authentication information: no token or signature",
        ));
    }
    let now = SystemTime::now();
    if let Some(ak) = req
        .headers
        .get("authorization")
        .and_then(cloudops_core::sign::huawei::parse_authorization)
        .map(|(ak, _, _)| ak)
        && let Some((_, token, expires)) = st.temporary.get(&ak)
    {
        if *expires <= now {
            return Err(err(
                401,
                "APIGW.0301",
                "Incorrect IAM authentication information: the security token has expired",
            ));
        }
        if req.headers.get("x-security-token") != Some(token.as_str()) {
            return Err(err(
                401,
                "APIGW.0301",
                "Incorrect IAM authentication information: the security token does not match",
            ));
        }
    }
    verify::huawei(
        req,
        |ak| {
            if ak == AK {
                return Some(SK.to_string());
            }
            st.temporary.get(ak).map(|(sk, _, _)| sk.clone())
        },
        now,
        900,
    )
    .map(|_| ())
    .map_err(|r| {
        err(
            401,
            "APIGW.0301",
            &format!("Incorrect IAM authentication information: {}", r.message()),
        )
    })
}

fn dbss_stop(st: &mut State, project: &str, instance: &str) -> (u16, Value) {
    let len_ok = |s: &str| (32..=64).contains(&s.chars().count());
    if !len_ok(project) || !len_ok(instance) {
        return err(
            400,
            "DBSS.00010001",
            "project_id and instance_id must be 32 to 64 characters",
        );
    }
    if project != PROJECT_ID {
        return err(
            403,
            "DBSS.00010003",
            "the project does not belong to the caller",
        );
    }
    match instance {
        DBSS_INSTANCE => {
            st.dbss_stopped.insert(instance.to_string());
            (200, json!({"result": "success"}))
        }
        DBSS_FORBIDDEN_INSTANCE => (
            403,
            json!({
                "error_code": "DBSS.00010403",
                "error_msg": "Policy doesn't allow dbss:dbOmInstance:stop to be performed.",
                "details": [{"error_code": "PDP.0001", "error_msg": "explicit deny in identity policy"}],
                "encoded_authorization_message": "ZW5jb2RlZC1hdXRob3JpemF0aW9uLW1lc3NhZ2U="
            }),
        ),
        DBSS_BROKEN_INSTANCE => (
            500,
            json!({"code": "DBSS.00019999", "message": "Internal server error."}),
        ),
        _ => err(
            404,
            "DBSS.00010404",
            &format!("The O&M instance {instance} does not exist."),
        ),
    }
}

fn dbss_start(st: &mut State, project: &str, instance: &str) -> (u16, Value) {
    let (status, body) = dbss_stop(st, project, instance);
    if status == 200 {
        st.dbss_stopped.remove(instance);
    }
    (status, body)
}

/// Any other modelled operation: its query and body (JSON or `multipart/form-data`) checked
/// against the model's rules (a broken rule answers HTTP 400 with the emulator's own code
/// `EMULATOR.0400`), then its example answer: JSON, or a file for an operation that downloads
/// one.
fn modelled(
    method: &str,
    segments: &[&str],
    req: &RecordedRequest,
) -> (u16, Answer, Option<(String, String)>) {
    let tables = [
        tables::HUAWEICLOUD_DBSS,
        tables::HUAWEICLOUD_TAURUSDB,
        tables::HUAWEICLOUD_KOOPHONE,
    ];
    let refuse = |(s, b): (u16, Value)| (s, Answer::Json(b), None);
    let Some(op) = tables
        .into_iter()
        .find_map(|t| Operation::route(t, method, segments))
    else {
        return refuse(err(
            404,
            "APIGW.0101",
            "The API does not exist or has not been published in the environment",
        ));
    };
    let content_type = req.headers.get("content-type").unwrap_or("");
    let checked = if op.form.is_empty() {
        let body = if req.body.is_empty() {
            json!({})
        } else {
            req.json()
        };
        op.check_query(&req.query_pairs())
            .and_then(|()| op.check(&body))
            .map_err(|broken| broken.message())
    } else {
        match rules::parse_form(content_type, &req.body) {
            Ok(parts) => op
                .check_query(&req.query_pairs())
                .and_then(|()| op.check_form(&parts))
                .map_err(|broken| broken.message()),
            Err(e) => Err(format!("the body is not multipart/form-data: {e}")),
        }
    };
    if let Err(message) = checked {
        return refuse(err(400, "EMULATOR.0400", &message));
    }
    if op.download {
        return (
            200,
            Answer::File {
                name: op.name,
                text: op.example,
            },
            None,
        );
    }
    (200, Answer::Json(op.example()), None)
}

fn taurusdb_buy(st: &mut State, project: &str, req: &RecordedRequest) -> (u16, Value) {
    if project.len() != 32 || !project.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return err(
            400,
            "DBS.280005",
            "The project ID must contain 32 letters and digits.",
        );
    }
    if !req
        .headers
        .get("content-type")
        .is_some_and(|c| c.starts_with("application/json"))
    {
        return err(400, "DBS.280001", "Content-Type must be application/json.");
    }
    if let Some(lang) = req.headers.get("x-language")
        && lang != "en-us"
        && lang != "zh-cn"
    {
        return err(400, "DBS.280001", "X-Language must be en-us or zh-cn.");
    }
    let body = req.json();
    let spec = body["spec_code"].as_str().unwrap_or("");
    let num = body["num"].as_i64().unwrap_or(0);
    let ci = &body["charge_info"];
    let period_type = ci["period_type"].as_str().unwrap_or("");
    let period_num = ci["period_num"].as_i64().unwrap_or(0);
    let period_ok = match period_type {
        "month" => (1..=9).contains(&period_num),
        "year" => (1..=3).contains(&period_num),
        _ => false,
    };
    let bools_ok = ["is_auto_renew", "is_auto_pay"]
        .iter()
        .all(|k| ci.get(*k).is_none_or(|v| v.is_boolean()));
    if spec.is_empty() || !(1..=10).contains(&num) || !period_ok || !bools_ok {
        return err(
            400,
            "DBS.280001",
            "Invalid parameter: check spec_code, num and charge_info.",
        );
    }
    let order_id = if st.orders.is_empty() {
        SAMPLE_ORDER_ID.to_string()
    } else {
        format!("CS{:015}", 26_032_015_513_000 + st.orders.len() as u64)
    };
    st.orders.push(body.clone());
    (
        200,
        json!({"order_id": order_id, "spec_code": spec, "num": num, "period_type": period_type, "period_num": period_num}),
    )
}

fn koophone_backup(st: &mut State, req: &RecordedRequest) -> (u16, Value) {
    let bad = |m: &str| err(400, "KOOPHONE.API.1000", m);
    if req.headers.get("x-request-id").is_none_or(str::is_empty) {
        return bad("x-request-id is required.");
    }
    let body = req.json();
    let Some(ids) = body["instance_ids"].as_array() else {
        return bad("instance_ids is required.");
    };
    let ids: Vec<&str> = ids.iter().filter_map(Value::as_str).collect();
    let unique: HashSet<&&str> = ids.iter().collect();
    if ids.is_empty()
        || ids.len() > 100
        || ids.iter().any(|i| i.is_empty() || i.len() > 32)
        || unique.len() != ids.len()
    {
        return bad("instance_ids must hold 1 to 100 distinct ids of at most 32 characters.");
    }
    if let Some(foreign) = ids.iter().find(|i| !st.koophone_instances.contains(**i)) {
        return (
            200,
            json!({"error_code": "KOOPHONE.API.1001", "error_msg": format!("Insufficient instance permissions: {foreign}.")}),
        );
    }
    st.backups += 1;
    let task_id = format!("task-{:06}", st.backups);
    let jobs: Vec<Value> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| json!({"instance_id": id, "job_id": format!("{task_id}-job-{}", i + 1)}))
        .collect();
    (
        200,
        json!({"error_code": "0", "error_msg": "OK", "data": {"task_id": task_id, "cmd_jobs": jobs}}),
    )
}
