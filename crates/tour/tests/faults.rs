//! The fault suite: every operation of the tour against every fault the testkit injects,
//! over real loopback HTTP. Each case asserts the exact outcome: the result or error kind,
//! whether the error was judged retryable, how many requests reached the server, and that the
//! non-idempotent purchase never reached it twice.
//!
//! No test depends on how fast the machine is. The calls have no attempt timeout, except in
//! the two tests of one: those run on tokio's paused clock held still
//! ([`cloudops_testkit::clock::HeldClock`]), and the clock moves past the attempt timeout once
//! every server holds its first request back, so the timeout fires then and never because the
//! machine is busy.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use cloudops_core::time::SkewedClock;
use cloudops_core::transport::HttpTransport;
use cloudops_core::{
    AccessKey, Clock, Error, Idempotency, RetryPolicy, ServiceErrorKind, TimeoutPhase, Transport,
};
use cloudops_huaweicloud::Service;
use cloudops_testkit::clock::{HeldClock, until};
use cloudops_testkit::cynosdb::{self, CynosDbEmulator};
use cloudops_testkit::huawei::{self, HuaweiEmulator};
use cloudops_testkit::ocp::{self, OcpEmulator};
use cloudops_testkit::{Fault, Reply, TestServer};
use tokio::task::JoinSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// An OCP operation, called through the model's generated caller with its example
    /// inputs.
    Ocp(&'static str),
    /// A Huawei operation (DBSS, TaurusDB, KooPhone), called through the models' generated
    /// callers with their example inputs.
    Huawei(&'static str),
    /// A CynosDB action, called through the model's generated caller with its example
    /// inputs.
    Cynos(&'static str),
}

/// The operations under test, read from the crates' registries: an operation a crate adds
/// fails this suite until it has a case here.
fn operations() -> Vec<Op> {
    let mut specs = cloudops_tencentcloud_cynosdb::OPERATIONS.to_vec();
    specs.extend(cloudops_huaweicloud::operations());
    specs.extend_from_slice(cloudops_ocp::OPERATIONS);
    specs
        .into_iter()
        .filter_map(|spec| match spec.name {
            _ if spec.vendor == cloudops_tencentcloud_cynosdb::VENDOR => Some(Op::Cynos(spec.name)),
            // The IAM token call runs inside every token-authenticated case (KooPhone's).
            "KeystoneCreateUserTokenByPassword" => None,
            _ if spec.vendor == cloudops_huaweicloud::VENDOR => Some(Op::Huawei(spec.name)),
            _ if spec.vendor == cloudops_ocp::VENDOR => Some(Op::Ocp(spec.name)),
            other => panic!("{}/{other} has no case in the fault suite", spec.vendor),
        })
        .collect()
}

/// The purchase, which must never reach the server twice.
const TAURUS_BUY: Op = Op::Huawei("CreateBackupResourcePackage");
/// The Huawei operations modelled by hand, whose answers have required members.
const HAND_WRITTEN: &[Op] = &[
    TAURUS_BUY,
    Op::Huawei("StopDbOmInstance"),
    Op::Huawei("StartDbOmInstance"),
];
/// Whether the Huawei operation's answer (its fixture's `response.json`) is a JSON object.
fn answer_is_an_object(name: &str) -> bool {
    let path = cloudops_fixtures::workspace_root()
        .join("fixtures/huaweicloud")
        .join(name)
        .join("response.json");
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .is_some_and(|v| v.is_object())
}

/// Whether a converted Huawei operation downloads a file: its fixture's answer is not JSON, and
/// any 2xx body is the file.
fn answer_is_a_file(name: &str) -> bool {
    let path = cloudops_fixtures::workspace_root()
        .join("fixtures/huaweicloud")
        .join(name)
        .join("meta.json");
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| {
            v["response"]["file"]
                .as_str()
                .map(|f| !f.ends_with(".json"))
        })
        .unwrap_or(false)
}

/// The one Huawei operation that reports failures in a 200 body.
const KOOPHONE_BACKUP: Op = Op::Huawei("BatchBackupInstances");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Vendor {
    Ocp,
    Huawei,
    Tencent,
}

impl Op {
    fn vendor(self) -> Vendor {
        match self {
            Op::Ocp(_) => Vendor::Ocp,
            Op::Huawei(_) => Vendor::Huawei,
            Op::Cynos(_) => Vendor::Tencent,
        }
    }

    fn idempotent(self) -> bool {
        match self {
            Op::Cynos(name) => cloudops_tencentcloud_cynosdb::OPERATIONS
                .iter()
                .any(|s| s.name == name && s.idempotency == Idempotency::Idempotent),
            Op::Huawei(name) => cloudops_huaweicloud::operations()
                .iter()
                .any(|s| s.name == name && s.idempotency == Idempotency::Idempotent),
            Op::Ocp(name) => cloudops_ocp::OPERATIONS
                .iter()
                .any(|s| s.name == name && s.idempotency == Idempotency::Idempotent),
        }
    }

    /// Whether the server refuses to repeat the change (pausing a paused cluster), so a retry
    /// after the first attempt was processed ends in a conflict.
    fn refuses_repeats(self) -> bool {
        matches!(self, Op::Cynos("PauseServerless" | "ResumeServerless"))
    }
}

enum Emu {
    Ocp(OcpEmulator),
    Huawei(HuaweiEmulator),
    Tencent(CynosDbEmulator),
}

struct Case {
    op: Op,
    emu: Emu,
    task_id: i64,
    flow_id: i64,
}

#[derive(Default, Clone)]
struct Opts {
    endpoint: Option<String>,
    clock: Option<Arc<dyn Clock>>,
    transport: Option<Arc<dyn Transport>>,
    attempt_timeout: Option<Duration>,
}

/// Three attempts with no wait between them, so a retry needs no time to pass.
fn retries() -> RetryPolicy {
    RetryPolicy::standard()
        .max_attempts(3)
        .initial_backoff(Duration::ZERO)
        .max_backoff(Duration::ZERO)
}

/// The attempt timeout of the tests that time an attempt out.
const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(300);

impl Case {
    async fn prepare(op: Op) -> Case {
        let emu = match op.vendor() {
            Vendor::Ocp => Emu::Ocp(OcpEmulator::start().await),
            Vendor::Huawei => Emu::Huawei(HuaweiEmulator::start().await),
            Vendor::Tencent => Emu::Tencent(CynosDbEmulator::start().await),
        };
        let mut case = Case {
            op,
            emu,
            task_id: 0,
            flow_id: 0,
        };
        // Set-up calls, without faults.
        match op {
            Op::Ocp("GetTask") => {
                let started = case
                    .ocp_client(&Opts::default())
                    .start_tenant_backup_schedule(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT);
                case.task_id = started.send().await.unwrap().data.task_ids()[0];
            }
            Op::Cynos("ResumeServerless" | "DescribeFlow") => {
                let paused = case
                    .tencent_client(&Opts::default())
                    .pause_serverless(cynosdb::SAMPLE_CLUSTER);
                case.flow_id = paused.send().await.unwrap().flow_id;
            }
            _ => {}
        }
        case
    }

    fn server(&self) -> &TestServer {
        match &self.emu {
            Emu::Ocp(e) => e.server(),
            Emu::Huawei(e) => e.server(),
            Emu::Tencent(e) => e.server(),
        }
    }

    fn url(&self, opts: &Opts) -> String {
        opts.endpoint.clone().unwrap_or_else(|| self.server().url())
    }

    fn orders(&self) -> usize {
        match &self.emu {
            Emu::Huawei(e) => e.orders().len(),
            _ => 0,
        }
    }

    fn ocp_client(&self, opts: &Opts) -> cloudops_ocp::Client {
        let mut b = cloudops_ocp::Client::builder()
            .endpoint(self.url(opts))
            .credentials(AccessKey::new(ocp::ACCESS_KEY_ID, ocp::ACCESS_KEY_SECRET))
            .retry_policy(retries())
            .attempt_timeout(opts.attempt_timeout);
        if let Some(c) = &opts.clock {
            b = b.clock(c.clone());
        }
        if let Some(t) = &opts.transport {
            b = b.transport(t.clone());
        }
        b.build().unwrap()
    }

    fn huawei_client(&self, opts: &Opts) -> cloudops_huaweicloud::Client {
        let url = self.url(opts);
        let mut b = cloudops_huaweicloud::Client::builder()
            .region("cn-north-4")
            .project_id(huawei::PROJECT_ID)
            .endpoint(Service::Dbss, url.clone())
            .endpoint(Service::TaurusDb, url.clone())
            .endpoint(Service::KooPhone, url)
            .credentials(AccessKey::new(huawei::AK, huawei::SK))
            .retry_policy(retries())
            .attempt_timeout(opts.attempt_timeout);
        if let Some(c) = &opts.clock {
            b = b.clock(c.clone());
        }
        if let Some(t) = &opts.transport {
            b = b.transport(t.clone());
        }
        b.build().unwrap()
    }

    fn tencent_client(&self, opts: &Opts) -> cloudops_tencentcloud_cynosdb::Client {
        let mut b = cloudops_tencentcloud_cynosdb::Client::builder()
            .region("ap-guangzhou")
            .endpoint(self.url(opts))
            .credentials(AccessKey::new(cynosdb::SECRET_ID, cynosdb::SECRET_KEY))
            .retry_policy(retries())
            .attempt_timeout(opts.attempt_timeout);
        if let Some(c) = &opts.clock {
            b = b.clock(c.clone());
        }
        if let Some(t) = &opts.transport {
            b = b.transport(t.clone());
        }
        b.build().unwrap()
    }

    async fn call(&self, opts: &Opts) -> Result<(), Error> {
        match self.op {
            Op::Ocp(name) => {
                let mut inputs =
                    cloudops_fixtures::calls::ocp_examples(name).expect("a modelled operation");
                if inputs.get("cluster_id").is_some() {
                    inputs["cluster_id"] = ocp::SAMPLE_CLUSTER.into();
                    inputs["tenant_id"] = ocp::SAMPLE_TENANT.into();
                }
                if inputs.get("task_id").is_some() {
                    inputs["task_id"] = self.task_id.into();
                }
                let client = self.ocp_client(opts);
                cloudops_fixtures::calls::ocp(&client, name, &inputs)
                    .await
                    .expect("a modelled operation")
                    .map(drop)
            }
            Op::Huawei(name) => {
                let mut inputs = cloudops_fixtures::calls::huaweicloud_examples(name)
                    .expect("a modelled operation");
                if inputs.get("instance_id").is_some() {
                    inputs["instance_id"] = huawei::DBSS_INSTANCE.into();
                }
                if inputs.get("instance_ids").is_some() {
                    inputs["instance_ids"] = serde_json::json!([huawei::KOOPHONE_INSTANCE]);
                }
                let client = self.huawei_client(opts);
                cloudops_fixtures::calls::huaweicloud(&client, name, &inputs)
                    .await
                    .expect("a modelled operation")
                    .map(drop)
            }
            Op::Cynos(name) => {
                let mut inputs = cloudops_fixtures::calls::tencentcloud_examples(name)
                    .expect("a modelled action");
                if inputs.get("cluster_id").is_some() {
                    inputs["cluster_id"] = cynosdb::SAMPLE_CLUSTER.into();
                }
                if inputs.get("flow_id").is_some() {
                    inputs["flow_id"] = self.flow_id.into();
                }
                let client = self.tencent_client(opts);
                cloudops_fixtures::calls::tencentcloud(&client, name, &inputs)
                    .await
                    .expect("a modelled action")
                    .map(drop)
            }
        }
    }
}

// ------------------------------------------------------------------ vendor-shaped answers

fn throttled(vendor: Vendor, retry_after: Option<u64>) -> Reply {
    let reply = match vendor {
        Vendor::Tencent => Reply::json(
            200,
            r#"{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"too many requests"},"RequestId":"rid-throttled"}}"#,
        ),
        Vendor::Huawei => Reply::json(
            429,
            r#"{"error_code":"APIGW.0308","error_msg":"throttled"}"#,
        ),
        Vendor::Ocp => Reply::json(
            429,
            r#"{"successful":false,"status":429,"traceId":"t-throttled","error":{"code":10029,"message":"too many requests"}}"#,
        ),
    };
    match retry_after {
        Some(s) => reply.with_header("retry-after", s.to_string()),
        None => reply,
    }
}

fn server_error(vendor: Vendor, retry_after: Option<u64>) -> Reply {
    let reply = match vendor {
        Vendor::Tencent => Reply::json(
            503,
            r#"{"Response":{"Error":{"Code":"InternalError","Message":"busy"},"RequestId":"rid-503"}}"#,
        ),
        Vendor::Huawei => Reply::json(503, r#"{"error_code":"SYS.0503","error_msg":"busy"}"#),
        Vendor::Ocp => Reply::json(
            503,
            r#"{"successful":false,"status":503,"traceId":"t-503","error":{"code":10503,"message":"busy"}}"#,
        ),
    };
    match retry_after {
        Some(s) => reply.with_header("retry-after", s.to_string()),
        None => reply,
    }
}

fn error_in_a_200(op: Op) -> Reply {
    match op.vendor() {
        Vendor::Tencent => Reply::json(
            200,
            r#"{"Response":{"Error":{"Code":"ResourceNotFound.ClusterNotFoundError","Message":"gone"},"RequestId":"rid-404"}}"#,
        ),
        Vendor::Ocp => Reply::json(
            200,
            r#"{"successful":false,"status":404,"traceId":"t-404","error":{"code":60001,"message":"gone"}}"#,
        ),
        Vendor::Huawei if op == KOOPHONE_BACKUP => Reply::json(
            200,
            r#"{"error_code":"KOOPHONE.API.1001","error_msg":"Insufficient instance permissions."}"#,
        ),
        Vendor::Huawei => Reply::json(200, r#"{"error_code":"DBS.280001","error_msg":"in a 200"}"#),
    }
}

// ------------------------------------------------------------------ expectations

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    Success,
    Transport { sent: bool },
    Timeout,
    Service(ServiceErrorKind),
    Undecodable(u16),
    TooLarge,
}

#[derive(Debug, Clone, Copy)]
struct Expect {
    want: Want,
    retryable: bool,
    reached: usize,
}

fn ok(reached: usize) -> Expect {
    Expect {
        want: Want::Success,
        retryable: false,
        reached,
    }
}

fn err(want: Want, retryable: bool, reached: usize) -> Expect {
    Expect {
        want,
        retryable,
        reached,
    }
}

fn classify(result: &Result<(), Error>) -> (Want, bool) {
    match result {
        Ok(()) => (Want::Success, false),
        Err(e) => {
            let want = match e {
                Error::Transport {
                    may_have_been_sent, ..
                } => Want::Transport {
                    sent: *may_have_been_sent,
                },
                Error::Timeout { phase, .. } => {
                    assert_eq!(*phase, TimeoutPhase::Attempt, "{e}");
                    Want::Timeout
                }
                Error::Service(s) => Want::Service(s.kind),
                Error::Undecodable(u) => Want::Undecodable(u.status),
                Error::ResponseTooLarge { .. } => Want::TooLarge,
                other => panic!("unexpected error {other:?}"),
            };
            (want, e.is_retryable())
        }
    }
}

/// A case set up, its fault injected, ready to be called.
struct Ready {
    case: Case,
    opts: Opts,
    expected: Expect,
    before: usize,
    orders_before: usize,
}

/// Sets `op` up and applies `inject` to its emulator.
async fn ready<I, E>(op: Op, inject: I, opts: Opts, expect: E) -> Ready
where
    I: FnOnce(&Case) -> Opts,
    E: FnOnce(Op) -> Expect,
{
    let case = Case::prepare(op).await;
    let extra = inject(&case);
    let opts = Opts {
        endpoint: extra.endpoint.or(opts.endpoint),
        clock: extra.clock.or(opts.clock),
        transport: extra.transport.or(opts.transport),
        attempt_timeout: extra.attempt_timeout.or(opts.attempt_timeout),
    };
    Ready {
        before: case.server().request_count(),
        orders_before: case.orders(),
        expected: expect(op),
        case,
        opts,
    }
}

impl Ready {
    /// Whether the server has received the call's first request.
    fn reached(&self) -> bool {
        self.case.server().request_count() > self.before
    }

    /// Makes the call and checks its outcome.
    async fn run(&self) -> Result<(), String> {
        let op = self.case.op;
        let result = self.case.call(&self.opts).await;
        let reached = self.case.server().request_count() - self.before;
        let (want, retryable) = classify(&result);
        let expected = self.expected;
        let mut problems = Vec::new();
        if want != expected.want {
            problems.push(format!(
                "outcome {want:?}, expected {:?} ({result:?})",
                expected.want
            ));
        }
        if result.is_err() && retryable != expected.retryable {
            problems.push(format!(
                "retryable {retryable}, expected {}",
                expected.retryable
            ));
        }
        if reached != expected.reached {
            problems.push(format!(
                "{reached} requests reached the server, expected {}",
                expected.reached
            ));
        }
        if op == TAURUS_BUY {
            if reached > 1 && !matches!(want, Want::Success) {
                problems.push(format!("the purchase reached the server {reached} times"));
            }
            let placed = self.case.orders() - self.orders_before;
            if placed > 1 || (want == Want::Success && placed != 1) {
                problems.push(format!("{placed} orders were placed"));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!("{op:?}: {}", problems.join("; ")))
        }
    }
}

/// Runs every operation concurrently under one fault.
async fn suite<I, E>(inject: I, opts: Opts, expect: E)
where
    I: Fn(&Case) -> Opts + Clone,
    E: Fn(Op) -> Expect + Clone,
{
    run_all(prepare_all(inject, opts, expect).await).await;
}

/// Every operation set up under one fault.
async fn prepare_all<I, E>(inject: I, opts: Opts, expect: E) -> Vec<Arc<Ready>>
where
    I: Fn(&Case) -> Opts + Clone,
    E: Fn(Op) -> Expect + Clone,
{
    let mut cases = Vec::new();
    for op in operations() {
        cases.push(Arc::new(
            ready(op, inject.clone(), opts.clone(), expect.clone()).await,
        ));
    }
    cases
}

/// Calls every case at once and checks every outcome.
async fn run_all(cases: Vec<Arc<Ready>>) {
    let mut set = JoinSet::new();
    for r in cases {
        set.spawn(async move { r.run().await });
    }
    let mut failures = Vec::new();
    while let Some(r) = set.join_next().await {
        if let Err(e) = r.unwrap() {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Every operation under a fault that holds its first answer back, with `ATTEMPT_TIMEOUT` on
/// each attempt: on a held clock that moves past the timeout once every server has received
/// its first request, so the first attempts time out then, and the retries run with the
/// clock still.
async fn suite_timing_out<I, E>(inject: I, expect: E)
where
    I: Fn(&Case) -> Opts + Clone,
    E: Fn(Op) -> Expect + Clone,
{
    let _clock = HeldClock::hold();
    let opts = Opts {
        attempt_timeout: Some(ATTEMPT_TIMEOUT),
        ..Opts::default()
    };
    let cases = prepare_all(inject, opts, expect).await;
    let waiting = cases.clone();
    let calls = tokio::spawn(run_all(cases));
    until(|| waiting.iter().all(|r| r.reached())).await;
    tokio::time::advance(ATTEMPT_TIMEOUT).await;
    calls.await.unwrap();
}

fn none(_: &Case) -> Opts {
    Opts::default()
}

// ------------------------------------------------------------------ the faults

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_refused_is_retried_for_every_operation() {
    // A port held on 127.0.0.1 for the whole test, reached on 127.0.0.2 where nothing
    // listens: refused every time, and no other test's server can take it meanwhile (they
    // bind 127.0.0.1).
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = format!("http://127.0.0.2:{}", held.local_addr().unwrap().port());
    let opts = Opts {
        endpoint: Some(closed),
        ..Opts::default()
    };
    suite(none, opts, |_| {
        err(Want::Transport { sent: false }, true, 0)
    })
    .await;
    drop(held);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_before_the_request_is_read() {
    suite(
        |c: &Case| {
            c.server().push_fault(Fault::ResetBeforeRead);
            Opts::default()
        },
        Opts::default(),
        |op| {
            if op.idempotent() {
                ok(1)
            } else {
                err(Want::Transport { sent: true }, false, 0)
            }
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_after_the_request_is_read() {
    suite(
        |c: &Case| {
            c.server().push_fault(Fault::ResetAfterRead);
            Opts::default()
        },
        Opts::default(),
        |op| {
            if op.idempotent() {
                ok(2)
            } else {
                err(Want::Transport { sent: true }, false, 1)
            }
        },
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn slow_headers_time_out_the_attempt() {
    suite_timing_out(
        |c: &Case| {
            c.server().push_fault(Fault::Hang);
            Opts::default()
        },
        |op| {
            if op.idempotent() {
                ok(2)
            } else {
                err(Want::Timeout, false, 1)
            }
        },
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_slow_body_times_out_the_attempt() {
    // The first attempt was processed; only its answer was slow.
    suite_timing_out(
        |c: &Case| {
            c.server()
                .push_fault(Fault::SlowBody(Duration::from_millis(100)));
            Opts::default()
        },
        |op| {
            if !op.idempotent() {
                err(Want::Timeout, false, 1)
            } else if op.refuses_repeats() {
                err(Want::Service(ServiceErrorKind::Conflict), false, 2)
            } else {
                ok(2)
            }
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_throttling_is_retried_for_every_operation() {
    suite(
        |c: &Case| {
            c.server()
                .push_faults(Fault::Status(throttled(c.op.vendor(), None)), 2);
            Opts::default()
        },
        Opts::default(),
        |_| ok(3),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_with_retry_after_waits_as_asked() {
    let started = Instant::now();
    suite(
        |c: &Case| {
            c.server()
                .push_fault(Fault::Status(throttled(c.op.vendor(), Some(1))));
            Opts::default()
        },
        Opts::default(),
        |_| ok(2),
    )
    .await;
    assert!(started.elapsed() >= Duration::from_secs(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_5xx_is_retried_only_when_idempotent() {
    suite(
        |c: &Case| {
            c.server()
                .push_faults(Fault::Status(server_error(c.op.vendor(), None)), 2);
            Opts::default()
        },
        Opts::default(),
        |op| {
            if op.idempotent() {
                ok(3)
            } else {
                err(Want::Service(ServiceErrorKind::Server), false, 1)
            }
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_5xx_with_retry_after_waits_when_idempotent() {
    let started = Instant::now();
    suite(
        |c: &Case| {
            c.server()
                .push_fault(Fault::Status(server_error(c.op.vendor(), Some(1))));
            Opts::default()
        },
        Opts::default(),
        |op| {
            if op.idempotent() {
                ok(2)
            } else {
                err(Want::Service(ServiceErrorKind::Server), false, 1)
            }
        },
    )
    .await;
    assert!(started.elapsed() >= Duration::from_secs(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_cut_short_by_the_connection() {
    // The server processed the request, then closed the connection halfway through the body.
    suite(
        |c: &Case| {
            c.server().push_fault(Fault::Truncate);
            Opts::default()
        },
        Opts::default(),
        |op| {
            if !op.idempotent() {
                err(Want::Transport { sent: true }, false, 1)
            } else if op.refuses_repeats() {
                err(Want::Service(ServiceErrorKind::Conflict), false, 2)
            } else {
                ok(2)
            }
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn truncated_json_is_undecodable_and_not_retried() {
    suite(
        |c: &Case| {
            c.server().push_fault(Fault::Status(Reply::json(
                200,
                r#"{"Response": {"FlowId": 10"#,
            )));
            Opts::default()
        },
        Opts::default(),
        |op| match op {
            // A download takes any 2xx body as the file.
            Op::Huawei(name) if answer_is_a_file(name) => ok(1),
            _ => err(Want::Undecodable(200), false, 1),
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_html_error_page_is_undecodable_and_retried_only_when_idempotent() {
    suite(
        |c: &Case| {
            c.server().push_fault(Fault::Status(Reply::html(
                502,
                "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
            )));
            Opts::default()
        },
        Opts::default(),
        |op| {
            if op.idempotent() {
                ok(2)
            } else {
                err(Want::Undecodable(502), false, 1)
            }
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_cap_is_refused() {
    let transport: Arc<dyn Transport> = Arc::new(
        HttpTransport::builder()
            .max_body(16 * 1024)
            .build()
            .unwrap(),
    );
    let opts = Opts {
        transport: Some(transport),
        ..Opts::default()
    };
    suite(
        |c: &Case| {
            c.server().push_fault(Fault::Status(Reply::json(
                200,
                format!("\"{}\"", "x".repeat(64 * 1024)),
            )));
            Opts::default()
        },
        opts,
        |_| err(Want::TooLarge, false, 1),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_envelope_in_a_200() {
    suite(
        |c: &Case| {
            c.server().push_fault(Fault::Status(error_in_a_200(c.op)));
            Opts::default()
        },
        Opts::default(),
        |op| match (op, op.vendor()) {
            (_, Vendor::Tencent | Vendor::Ocp) => {
                err(Want::Service(ServiceErrorKind::NotFound), false, 1)
            }
            (KOOPHONE_BACKUP, _) => {
                err(Want::Service(ServiceErrorKind::PermissionDenied), false, 1)
            }
            // DBSS and TaurusDB document no error in a 200: the body lacks the output's fields.
            _ if HAND_WRITTEN.contains(&op) => err(Want::Undecodable(200), false, 1),
            // An operation converted from the SDK reads every answer member as optional (the
            // SDK promises none), so such a body is an answer with none of them; unless its
            // answer is one value that is not an object (a list, a string).
            (Op::Huawei(name), _) if answer_is_an_object(name) || answer_is_a_file(name) => ok(1),
            _ => err(Want::Undecodable(200), false, 1),
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clock_20_minutes_off_is_corrected_with_one_retry() {
    // The client's clock is 20 minutes ahead of the servers': each server refuses the first
    // signature's time, the client takes the server's time from its Date header and signs the
    // one retry right. The purchase is ordered exactly once.
    let clock: Arc<dyn Clock> = SkewedClock::new(20 * 60);
    let opts = Opts {
        clock: Some(clock),
        ..Opts::default()
    };
    suite(none, opts, |_| ok(2)).await;
}
