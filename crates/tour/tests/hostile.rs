//! Hostile servers, hostile settings and hostile input, through the crates' public API over
//! real loopback HTTP: every case ends in a clear, typed error by its deadline, nothing panics
//! and nothing secret is printed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use cloudops_core::{AccessKey, BasicAuth, Error, Method, Response, RetryPolicy, TimeoutPhase};
use cloudops_huaweicloud::{IamPassword, ProjectScoped, Service};
use cloudops_testkit::clock::{HeldClock, until};
use cloudops_testkit::cynosdb;
use cloudops_testkit::huawei::{self, HuaweiEmulator};
use cloudops_testkit::ocp::{self, OcpEmulator};
use cloudops_testkit::{Fault, RecordedRequest, Reply, StubTransport, TestServer, TraceCapture};

const TOKEN: &str = "SECURITYTOKENxyz0123456789/+=abcdef";

fn huawei_client(url: &str, key: AccessKey) -> cloudops_huaweicloud::Client {
    cloudops_huaweicloud::Client::builder()
        .region("cn-north-4")
        .project_id(huawei::PROJECT_ID)
        .endpoint(Service::Dbss, url)
        .endpoint(Service::Iam, url)
        .credentials(key)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
}

fn quick_retries() -> RetryPolicy {
    RetryPolicy::standard()
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
}

/// Every printed form of an error: Display, Debug, pretty Debug, the accessors and every
/// stored copy of the server's body.
fn every_printed_form(e: &Error) -> String {
    let mut out = format!("{e}\n{e:?}\n{e:#?}\n{:?}\n", e.message());
    if let Some(se) = e.service_error() {
        out.push_str(&se.raw_body);
        out.push_str(&format!("{se:?}{se}"));
    }
    if let Error::Undecodable(u) = e {
        out.push_str(&u.excerpt);
        out.push_str(&format!("{u:?}{u}"));
    }
    out
}

/// Answers from the gateway that echo the canonical request, and with it the security token.
fn echoing_bodies() -> Vec<(u16, &'static str, String)> {
    let cr = |name: &str, sep: &str| {
        format!(
            "POST{sep}/v1/x/{sep}{sep}content-type:application/json{sep}{name}:{TOKEN}{sep}host:h{sep}x-sdk-date:20260101T000000Z"
        )
    };
    vec![
        (
            401,
            "application/json",
            serde_json::json!({"error_code": "APIGW.0301", "error_msg": format!("Incorrect IAM authentication information: verify aksk signature fail, canonicalRequest: {}", cr("x-security-token", "|"))}).to_string(),
        ),
        (
            401,
            "application/json",
            serde_json::json!({"error": {"code": "APIGW.0301", "message": format!("canonicalRequest: {}", cr("X-Security-Token", "|"))}}).to_string(),
        ),
        (
            401,
            "application/json",
            serde_json::json!({"error_code": "APIGW.0301", "error_msg": format!("canonicalRequest:\n{}", cr("x-security-token", "\n"))}).to_string(),
        ),
        (
            401,
            "application/json",
            serde_json::json!({"error_code": "APIGW.0301", "error_msg": "bad", "echo": {"X-Security-Token": TOKEN}}).to_string(),
        ),
        (
            401,
            "text/plain",
            format!("APIGW.0301 verify aksk signature fail, canonicalRequest: {}", cr("x-security-token", "|")),
        ),
        (
            401,
            "text/plain",
            format!("APIGW.0301 canonicalRequest:\r\n{}", cr("X-SECURITY-TOKEN", "\r\n")),
        ),
    ]
}

#[tokio::test]
async fn a_token_echoed_by_the_gateway_is_never_printed() {
    for (status, content_type, body) in echoing_bodies() {
        let reply_body = body.clone();
        let server = TestServer::start(move |_: &RecordedRequest| Reply {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: reply_body.clone().into_bytes(),
        })
        .await;
        let client = huawei_client(
            &server.url(),
            AccessKey::new(huawei::AK, huawei::SK).with_session_token(TOKEN),
        );
        let e = client
            .stop_db_om_instance(huawei::DBSS_INSTANCE)
            .send()
            .await
            .unwrap_err();
        let printed = every_printed_form(&e);
        assert!(
            !printed.contains(TOKEN),
            "token leaked for {body}:\n{printed}"
        );
        assert!(!printed.contains("SECURITYTOKEN"), "{printed}");
    }
}

#[tokio::test]
async fn server_text_cannot_forge_log_lines() {
    let server = TestServer::start(|_: &RecordedRequest| {
        Reply::json(
            400,
            r#"{"error_code":"DBSS.1\nFAKE","error_msg":"bad\r\n2026-01-01 INFO forged line\u001b[31m"}"#,
        )
        .with_header("x-request-id", "rid")
    })
    .await;
    let client = huawei_client(&server.url(), AccessKey::new(huawei::AK, huawei::SK));
    let e = client
        .stop_db_om_instance(huawei::DBSS_INSTANCE)
        .send()
        .await
        .unwrap_err();
    let shown = e.to_string();
    assert!(
        !shown.contains('\n') && !shown.contains('\r') && !shown.contains('\u{1b}'),
        "{shown:?}"
    );
    assert!(shown.contains("forged line"), "{shown}");
    // The accessors keep the server's text as it came.
    assert_eq!(e.code(), Some("DBSS.1\nFAKE"));
}

/// A CynosDB client pointed at `url` with the emulator's key.
fn cynos_client(url: &str) -> cloudops_tencentcloud_cynosdb::ClientBuilder {
    cloudops_tencentcloud_cynosdb::Client::builder()
        .region("ap-guangzhou")
        .endpoint(url)
        .credentials(AccessKey::new(cynosdb::SECRET_ID, cynosdb::SECRET_KEY))
}

/// A server that answers every CynosDB action with a finished flow.
async fn flow_server() -> TestServer {
    TestServer::start(|_: &RecordedRequest| {
        Reply::json(200, r#"{"Response":{"Status":0,"RequestId":"r"}}"#)
    })
    .await
}

#[tokio::test]
async fn absurd_retry_after_dates_are_ignored() {
    for retry_after in [
        "Thu, 01 Jan 99999999999999 00:00:00 GMT",
        "Thu, 01 Jan 9223372036854775807 00:00:00 GMT",
        "Thu, 01 Jan -9223372036854775808 00:00:00 GMT",
        "Thu, 01 Jan -5000 00:00:00 GMT",
        "Thu, 01 Jan 0 00:00:00 GMT",
        "99999999999999999999999",
        "-1",
    ] {
        let emu = HuaweiEmulator::start().await;
        emu.server().push_fault(Fault::Status(
            Reply::json(
                429,
                r#"{"error_code":"APIGW.0308","error_msg":"slow down"}"#,
            )
            .with_header("retry-after", retry_after),
        ));
        let client = cloudops_huaweicloud::Client::builder()
            .region("cn-north-4")
            .project_id(huawei::PROJECT_ID)
            .endpoint(Service::Dbss, emu.url())
            .credentials(AccessKey::new(huawei::AK, huawei::SK))
            .retry_policy(quick_retries())
            .build()
            .unwrap();
        let out = tokio::time::timeout(
            Duration::from_secs(10),
            client.stop_db_om_instance(huawei::DBSS_INSTANCE).send(),
        )
        .await
        .expect("the call ends");
        assert!(out.is_ok(), "{retry_after}: {out:?}");
        assert_eq!(emu.server().request_count(), 2);
    }
}

#[tokio::test]
async fn duration_max_settings_do_not_panic() {
    let emu = OcpEmulator::start().await;
    emu.server().push_fault(Fault::Status(
        Reply::json(503, "{}").with_header("retry-after", "0"),
    ));
    let policy = RetryPolicy::standard()
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::MAX)
        .max_retry_after(Duration::MAX)
        .budget(Some(Duration::MAX));
    let client = cloudops_ocp::Client::builder()
        .endpoint(emu.url())
        .credentials(BasicAuth::new(ocp::USERNAME, ocp::PASSWORD))
        .retry_policy(policy)
        .attempt_timeout(Some(Duration::MAX))
        .operation_timeout(Some(Duration::MAX))
        .build()
        .unwrap();
    let strategy = tokio::time::timeout(
        Duration::from_secs(20),
        client
            .get_tenant_backup_strategy(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT)
            .send(),
    )
    .await
    .expect("the call ends");
    assert!(strategy.is_ok(), "{strategy:?}");

    let started = client
        .start_tenant_backup_schedule(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT)
        .send()
        .await
        .unwrap();
    let task = started.data.task_ids()[0];
    emu.set_polls_to_finish(1);
    {
        let outcome = tokio::time::timeout(
            Duration::from_secs(20),
            client
                .wait_for_task(task)
                .initial_interval(Duration::from_millis(10))
                .max_interval(Duration::MAX)
                .timeout(Duration::MAX)
                .wait(),
        )
        .await
        .expect("the wait ends");
        assert!(outcome.is_ok(), "{outcome:?}");
    }

    let emu = HuaweiEmulator::start().await;
    let transport = cloudops_core::transport::HttpTransport::builder()
        .connect_timeout(Duration::MAX)
        .pool_idle_timeout(Duration::MAX)
        .build()
        .unwrap();
    let client = cloudops_huaweicloud::Client::builder()
        .region("cn-north-4")
        .project_id(huawei::PROJECT_ID)
        .endpoint(Service::Iam, emu.url())
        .endpoint(Service::Dbss, emu.url())
        .iam_password(IamPassword::new(
            huawei::IAM_USER,
            huawei::IAM_PASSWORD,
            huawei::IAM_DOMAIN,
        ))
        .token_refresh_before(Duration::MAX)
        .transport(Arc::new(transport))
        .operation_timeout(Some(Duration::MAX))
        .attempt_timeout(None)
        .build()
        .unwrap();
    for _ in 0..2 {
        client
            .stop_db_om_instance(huawei::DBSS_INSTANCE)
            .send()
            .await
            .unwrap();
    }
    assert_eq!(emu.tokens_issued(), 1);

    let server = flow_server().await;
    let client = cynos_client(&server.url())
        .operation_timeout(Some(Duration::MAX))
        .build()
        .unwrap();
    let outcome = tokio::time::timeout(
        Duration::from_secs(20),
        client
            .wait_for_flow(cynosdb::SAMPLE_FLOW_ID)
            .initial_interval(Duration::from_millis(10))
            .timeout(Duration::MAX)
            .wait(),
    )
    .await
    .expect("the wait ends");
    assert!(outcome.is_ok(), "{outcome:?}");
}

/// Runs `n` calls at once and returns each one's result and how long it took.
async fn concurrently<F, Fut, T>(n: usize, call: F) -> Vec<(Result<T, Error>, Duration)>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, Error>> + Send + 'static,
    T: Send + 'static,
{
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let fut = call();
            tokio::spawn(async move {
                let started = Instant::now();
                let out = fut.await;
                (out, started.elapsed())
            })
        })
        .collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

fn token_client(
    iam_url: &str,
    dbss_url: &str,
    operation_timeout: Duration,
) -> cloudops_huaweicloud::Client {
    cloudops_huaweicloud::Client::builder()
        .region("cn-north-4")
        .project_id(huawei::PROJECT_ID)
        .endpoint(Service::Iam, iam_url)
        .endpoint(Service::Dbss, dbss_url)
        .iam_password(IamPassword::new(
            huawei::IAM_USER,
            huawei::IAM_PASSWORD,
            huawei::IAM_DOMAIN,
        ))
        .retry_policy(quick_retries())
        .operation_timeout(Some(operation_timeout))
        .build()
        .unwrap()
}

// The tests that measure time run on tokio's paused clock, servers and clients on one thread:
// time moves only when every task waits, so a deadline is met exactly, however busy the
// machine is.
// The tests that time a call out run on tokio's paused clock held still
// (`cloudops_testkit::clock::HeldClock`): the clock moves past the deadline once the call is
// waiting where the test means it to wait, so the deadline fires then, and never because the
// machine is busy.
#[tokio::test(start_paused = true)]
async fn the_operation_timeout_bounds_a_silent_token_endpoint() {
    let _clock = HeldClock::hold();
    let emu = HuaweiEmulator::start().await;
    let silent = TestServer::start(|_: &RecordedRequest| Reply::json(200, "{}")).await;
    silent.push_faults(Fault::Hang, 100);
    let client = token_client(&silent.url(), &emu.url(), Duration::from_secs(1));
    let started = Instant::now();
    let calls: Vec<_> = (0..10)
        .map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.stop_db_om_instance(huawei::DBSS_INSTANCE).send().await })
        })
        .collect();
    // Every call waits for the one login the token cache started.
    until(|| silent.request_count() == 1).await;
    tokio::time::advance(Duration::from_secs(1)).await;
    for call in calls {
        let e = call.await.unwrap().unwrap_err();
        assert!(
            matches!(
                e,
                Error::Timeout {
                    phase: TimeoutPhase::Operation,
                    ..
                }
            ),
            "{e:?}"
        );
    }
    assert_eq!(started.elapsed(), Duration::from_secs(1));
    assert_eq!(silent.request_count(), 1);
    assert_eq!(emu.server().request_count(), 0);
}

#[tokio::test(start_paused = true)]
async fn the_operation_timeout_bounds_a_failing_token_endpoint() {
    let emu = HuaweiEmulator::start().await;
    let failing = TestServer::start(|_: &RecordedRequest| {
        Reply::json(503, r#"{"error_code":"IAM.503","error_msg":"unavailable"}"#)
    })
    .await;
    // Each answer takes 100 ms.
    failing.push_faults(Fault::DelayHeaders(Duration::from_millis(100)), 10_000);
    let client = token_client(&failing.url(), &emu.url(), Duration::from_secs(2));
    let results = concurrently(20, || {
        let c = client.clone();
        async move { c.stop_db_om_instance(huawei::DBSS_INSTANCE).send().await }
    })
    .await;
    for (out, took) in results {
        assert!(out.is_err());
        assert!(took <= Duration::from_secs(2), "a 2 s call took {took:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_token_fetch_is_shared_and_recovered_from() {
    let dbss =
        TestServer::start(|_: &RecordedRequest| Reply::json(200, r#"{"result":"success"}"#)).await;
    let healthy = Arc::new(AtomicBool::new(false));
    let logins = Arc::new(AtomicUsize::new(0));
    let (h, l) = (healthy.clone(), logins.clone());
    let iam = TestServer::start(move |_: &RecordedRequest| {
        l.fetch_add(1, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(200));
        if h.load(Ordering::SeqCst) {
            Reply::json(
                201,
                r#"{"token":{"expires_at":"2999-01-01T00:00:00.000000Z"}}"#,
            )
            .with_header("x-subject-token", "MIIemulatedtoken-recovered")
        } else {
            Reply::json(
                401,
                r#"{"error":{"code":401,"message":"The username or password is wrong."}}"#,
            )
        }
    })
    .await;
    let client = token_client(&iam.url(), &dbss.url(), Duration::from_secs(30));
    let results = concurrently(100, || {
        let c = client.clone();
        async move { c.stop_db_om_instance(huawei::DBSS_INSTANCE).send().await }
    })
    .await;
    for (out, _) in &results {
        let e = out.as_ref().unwrap_err();
        assert_eq!(e.http_status(), Some(401), "{e:?}");
    }
    assert_eq!(logins.load(Ordering::SeqCst), 1, "100 callers, one login");

    // After the back-off, a working IAM is asked again and the calls recover.
    healthy.store(true, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let results = concurrently(20, || {
        let c = client.clone();
        async move { c.stop_db_om_instance(huawei::DBSS_INSTANCE).send().await }
    })
    .await;
    for (out, _) in &results {
        assert!(out.is_ok(), "{out:?}");
    }
    assert_eq!(logins.load(Ordering::SeqCst), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_lived_tokens_are_reused() {
    let emu = HuaweiEmulator::start().await;
    emu.set_token_ttl(Duration::from_secs(30 * 60));
    // The default refresh margin (1 hour) is longer than the token's whole life.
    let client = token_client(&emu.url(), &emu.url(), Duration::from_secs(30));
    for _ in 0..5 {
        client
            .stop_db_om_instance(huawei::DBSS_INSTANCE)
            .send()
            .await
            .unwrap();
    }
    assert_eq!(emu.tokens_issued(), 1);
}

/// A transport that answers every CynosDB action with a finished flow at once, noting when
/// each request arrived: the rate limit's tests need no network, so the paused clock moves
/// only when every call waits for its turn.
#[derive(Debug, Default)]
struct Arrivals(Mutex<Vec<Instant>>);

#[cloudops_core::async_trait]
impl cloudops_core::Transport for Arrivals {
    async fn send(&self, _: &cloudops_core::Request) -> Result<Response, Error> {
        self.0.lock().unwrap().push(Instant::now());
        Ok(Response::new(
            200,
            r#"{"Response":{"Status":0,"RequestId":"r"}}"#.as_bytes().to_vec(),
        ))
    }
}

#[tokio::test(start_paused = true)]
async fn the_rate_limiter_wait_is_bounded_by_the_deadline() {
    let arrivals = Arc::new(Arrivals::default());
    let client = cynos_client("http://cynosdb.example.com")
        .transport(arrivals.clone())
        .rate_limit(Some(2))
        .operation_timeout(Some(Duration::from_secs(1)))
        .build()
        .unwrap();
    let results = concurrently(10, || {
        let c = client.clone();
        async move { c.describe_flow(cynosdb::SAMPLE_FLOW_ID).send().await }
    })
    .await;
    let mut timeouts = 0;
    for (out, took) in results {
        assert!(took <= Duration::from_secs(1), "a 1 s call took {took:?}");
        if let Err(e) = out {
            assert!(
                matches!(
                    e,
                    Error::Timeout {
                        phase: TimeoutPhase::Operation,
                        ..
                    }
                ),
                "{e:?}"
            );
            timeouts += 1;
        }
    }
    // Two calls start at once and two more at the deadline, a second later, where their
    // answers are already there; the other six would start after it and end at once.
    assert_eq!(timeouts, 6, "{timeouts} of 10 timed out");
    assert_eq!(arrivals.0.lock().unwrap().len(), 4);
}

#[tokio::test(start_paused = true)]
async fn the_rate_limit_holds_in_every_second() {
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    let a = arrivals.clone();
    let front = TestServer::start(move |_: &RecordedRequest| {
        a.lock().unwrap().push(Instant::now());
        Reply::json(200, r#"{"Response":{"Status":0,"RequestId":"r"}}"#)
    })
    .await;
    let client = cynos_client(&front.url())
        .rate_limit(Some(20))
        .build()
        .unwrap();
    let results = concurrently(45, || {
        let c = client.clone();
        async move { c.describe_flow(cynosdb::SAMPLE_FLOW_ID).send().await }
    })
    .await;
    for (out, _) in &results {
        assert!(out.is_ok(), "{out:?}");
    }
    let mut times = arrivals.lock().unwrap().clone();
    times.sort();
    for (i, t) in times.iter().enumerate() {
        let in_window = times[i..]
            .iter()
            .take_while(|u| u.duration_since(*t) < Duration::from_secs(1))
            .count();
        assert!(in_window <= 20, "{in_window} requests within one second");
    }
}

#[tokio::test]
async fn dot_segments_and_backslashes_never_reach_the_server() {
    let server = TestServer::start(|_: &RecordedRequest| Reply::json(200, "{}")).await;
    let client = huawei_client(&server.url(), AccessKey::new(huawei::AK, huawei::SK));
    for path in [
        "/v1/%2e%2e/admin",
        "/v1/%2E%2E/admin",
        "/v1/.%2e/admin",
        "/v1/%2e./admin",
        "/v1/../admin",
        "/v1/./admin",
        "/v1/%2e/admin",
        "/v1/\\..\\admin",
        "/v1/a%5cb",
        "/v1/a%5C..%5Cb",
        "/v1/..",
        "/v1/.",
    ] {
        let e = client
            .raw(Service::Dbss, Method::Get, path)
            .send::<serde_json::Value>()
            .await
            .unwrap_err();
        assert_eq!(e.invalid_field(), Some("path"), "{path}: {e}");
    }
    assert_eq!(server.request_count(), 0);
    // What stays allowed: dots inside a segment, encoded slashes in a name.
    client
        .raw(Service::Dbss, Method::Get, "/v1/a.b/...x/%2Fy")
        .send::<serde_json::Value>()
        .await
        .unwrap();
}

#[tokio::test]
async fn control_characters_in_credentials_or_header_names_are_refused_up_front() {
    let server = TestServer::start(|_: &RecordedRequest| Reply::json(200, "{}")).await;
    for key in [
        AccessKey::new("AK\r\nX-Evil: 1", huawei::SK),
        AccessKey::new(huawei::AK, huawei::SK).with_session_token("tok\nen"),
        AccessKey::new(huawei::AK, huawei::SK).with_project_id("p\r1"),
    ] {
        let builder = || {
            cloudops_huaweicloud::Client::builder()
                .region("cn-north-4")
                .project_id(huawei::PROJECT_ID)
                .endpoint(Service::Dbss, server.url())
                .retry_policy(quick_retries())
        };
        // Given fixed: refused when the client is built.
        let e = builder().credentials(key.clone()).build().unwrap_err();
        assert_eq!(e.invalid_field(), Some("credentials"), "{e:?}");
        // From a provider: refused before the call is sent.
        let client = builder()
            .credentials_provider(Arc::new(cloudops_core::credentials::StaticProvider(
                key.into(),
            )))
            .build()
            .unwrap();
        let e = client
            .stop_db_om_instance(huawei::DBSS_INSTANCE)
            .send()
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Credentials { .. }), "{e:?}");
        assert!(!e.is_retryable());
    }
    let e = cynos_client(&server.url())
        .credentials(AccessKey::new("AKID\n", cynosdb::SECRET_KEY))
        .build()
        .unwrap_err();
    assert_eq!(e.invalid_field(), Some("credentials"), "{e:?}");

    let client = huawei_client(&server.url(), AccessKey::new(huawei::AK, huawei::SK));
    for name in ["bad header", "x:y", "x\r\ny", ""] {
        let e = client
            .raw(Service::Dbss, Method::Get, "/v1/x")
            .header(name, "v")
            .send::<serde_json::Value>()
            .await
            .unwrap_err();
        assert!(matches!(e, Error::InvalidInput { .. }), "{name:?}: {e:?}");
    }
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn a_basic_user_name_with_a_colon_is_refused() {
    let emu = OcpEmulator::start().await;
    let e = cloudops_ocp::Client::builder()
        .endpoint(emu.url())
        .credentials(BasicAuth::new("admin:x", "pw"))
        .build()
        .unwrap_err();
    assert_eq!(e.invalid_field(), Some("credentials"), "{e:?}");
    assert!(e.to_string().contains(':'), "{e}");
    let client = cloudops_ocp::Client::builder()
        .endpoint(emu.url())
        .credentials_provider(Arc::new(cloudops_core::credentials::StaticProvider(
            BasicAuth::new("admin:x", "pw").into(),
        )))
        .build()
        .unwrap();
    let e = client
        .get_tenant_backup_strategy(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Credentials { .. }), "{e:?}");
    assert_eq!(emu.server().request_count(), 0);
}

#[tokio::test(start_paused = true)]
async fn no_attempt_runs_past_the_retry_budget() {
    let _clock = HeldClock::hold();
    let server = TestServer::start(|_: &RecordedRequest| Reply::json(200, "{}")).await;
    server.push_faults(Fault::Hang, 3);
    let emu_client = cynos_client(&server.url())
        .retry_policy(quick_retries().budget(Some(Duration::from_secs(1))))
        .attempt_timeout(Some(Duration::from_secs(4)))
        .build()
        .unwrap();
    let started = Instant::now();
    let call = tokio::spawn(async move { emu_client.describe_flow(1).send().await });
    until(|| server.request_count() == 1).await;
    tokio::time::advance(Duration::from_secs(1)).await;
    let e = call.await.unwrap().unwrap_err();
    assert!(
        matches!(
            e,
            Error::Timeout {
                phase: TimeoutPhase::RetryBudget,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(started.elapsed(), Duration::from_secs(1));
}

#[tokio::test]
async fn plain_http_with_credentials_to_a_remote_host_warns_once_per_client() {
    let capture = TraceCapture::new();
    let _guard = capture.set_default();
    let ok = Response::new(
        200,
        r#"{"data":{"backupObjectOpsResultList":[]},"successful":true,"traceId":"t"}"#,
    );
    let remote = cloudops_ocp::Client::builder()
        .endpoint("http://ocp.example.internal:8080")
        .credentials(BasicAuth::new(ocp::USERNAME, ocp::PASSWORD))
        .transport(Arc::new(StubTransport::new(ok.clone())))
        .build()
        .unwrap();
    for _ in 0..3 {
        remote
            .stop_tenant_backup_schedule(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT)
            .send()
            .await
            .unwrap();
    }
    let local = cloudops_ocp::Client::builder()
        .endpoint("http://127.0.0.1:8080")
        .credentials(BasicAuth::new(ocp::USERNAME, ocp::PASSWORD))
        .transport(Arc::new(StubTransport::new(ok)))
        .build()
        .unwrap();
    local
        .stop_tenant_backup_schedule(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT)
        .send()
        .await
        .unwrap();
    let text = capture.text();
    assert_eq!(
        text.matches("plain http").count(),
        1,
        "one warning for the remote client, none for loopback:\n{text}"
    );
    assert!(!text.contains(ocp::PASSWORD));
}

/// Settings and input that cannot work are refused when the client is built or the call is
/// made, naming the setting, and nothing reaches the server: zero timeouts, a zero rate, an
/// empty access key, transport settings beside a transport they could not apply to, a root
/// certificate file that is not one.
#[tokio::test]
async fn unusable_settings_and_input_are_refused_before_sending() {
    let emu = OcpEmulator::start().await;
    let builder = || {
        cloudops_ocp::Client::builder()
            .endpoint(emu.url())
            .credentials(BasicAuth::new(ocp::USERNAME, ocp::PASSWORD))
    };
    let refused = |e: Error, field: &str| {
        assert_eq!(e.invalid_field(), Some(field), "{e}");
    };
    refused(
        builder()
            .attempt_timeout(Some(Duration::ZERO))
            .build()
            .unwrap_err(),
        "attempt_timeout",
    );
    refused(
        builder()
            .operation_timeout(Some(Duration::ZERO))
            .build()
            .unwrap_err(),
        "operation_timeout",
    );
    refused(
        builder().rate_limit(Some(0)).build().unwrap_err(),
        "rate_limit",
    );
    refused(
        builder()
            .connect_timeout(Duration::ZERO)
            .build()
            .unwrap_err(),
        "connect_timeout",
    );
    refused(
        cloudops_ocp::Client::builder()
            .endpoint(emu.url())
            .credentials(AccessKey::new("", ""))
            .build()
            .unwrap_err(),
        "credentials",
    );
    let e = cloudops_huaweicloud::Client::builder()
        .region("cn-north-4")
        .credentials(AccessKey::new("AK", ""))
        .build()
        .unwrap_err();
    refused(e, "credentials");
    let e = cloudops_tencentcloud_cynosdb::Client::builder()
        .region("ap-guangzhou")
        .credentials(AccessKey::new("", "key"))
        .build()
        .unwrap_err();
    refused(e, "credentials");
    let e = cloudops_huaweicloud::Client::builder()
        .region("cn-north-4")
        .credentials(BasicAuth::new("user", "password"))
        .build()
        .unwrap_err();
    refused(e, "credentials");

    // A transport of one's own, with settings only the default transport could apply.
    let transport: Arc<dyn cloudops_core::Transport> =
        Arc::new(cloudops_core::HttpTransport::new().unwrap());
    let e = builder()
        .transport(transport.clone())
        .proxy(cloudops_core::transport::Proxy::new(
            "http://proxy.example:3128",
        ))
        .add_root_certificates_file("/nonexistent.pem")
        .build()
        .unwrap_err();
    refused(e.clone(), "transport");
    let shown = e.to_string();
    assert!(
        shown.contains("proxy") && shown.contains("add_root_certificates_file"),
        "{shown}"
    );
    refused(
        builder()
            .transport(transport)
            .connect_timeout(Duration::from_secs(1))
            .build()
            .unwrap_err(),
        "transport",
    );

    // Root certificates: a missing file, a device, a PEM block with junk inside.
    let dir = std::env::temp_dir().join(format!("cloudops-roots-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let junk = dir.join("junk.pem");
    std::fs::write(
        &junk,
        "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGUgYXQgYWxs\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    for path in [
        std::path::PathBuf::from("/nonexistent.pem"),
        std::path::PathBuf::from("/dev/zero"),
        junk,
    ] {
        let e = builder()
            .add_root_certificates_file(&path)
            .build()
            .unwrap_err();
        refused(e, "root certificates");
    }
    std::fs::remove_dir_all(&dir).unwrap();

    // Per call: a zero limit.
    let client = builder().build().unwrap();
    let e = client
        .get_task(1)
        .attempt_timeout(Some(Duration::ZERO))
        .send()
        .await
        .unwrap_err();
    refused(e, "attempt_timeout");
    let e = client
        .get_task(1)
        .operation_timeout(Some(Duration::ZERO))
        .send()
        .await
        .unwrap_err();
    refused(e, "operation_timeout");
    assert_eq!(emu.server().request_count(), 0);
}
