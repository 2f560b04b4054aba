//! PauseServerless and its workflow over real loopback HTTP against the emulator.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use cloudops_core::time::SkewedClock;
use cloudops_core::{AccessKey, Error, RetryPolicy, ServiceErrorKind};
use cloudops_tencentcloud_cynosdb::{Client, ErrorCode, ErrorExt, FlowStatus, Language, WaitEnd};
use cloudops_testkit::cynosdb::{
    ClusterStatus, CynosDbEmulator, SAMPLE_CLUSTER, SAMPLE_FLOW_ID, SAMPLE_REQUEST_ID, SECRET_ID,
    SECRET_KEY,
};
use cloudops_testkit::{Fault, Reply};

fn client(emu: &CynosDbEmulator) -> Client {
    client_with(emu, |b| b)
}

fn client_with(
    emu: &CynosDbEmulator,
    f: impl FnOnce(
        cloudops_tencentcloud_cynosdb::ClientBuilder,
    ) -> cloudops_tencentcloud_cynosdb::ClientBuilder,
) -> Client {
    let b = Client::builder()
        .region("ap-guangzhou")
        .endpoint(emu.url())
        .credentials(AccessKey::new(SECRET_ID, SECRET_KEY))
        .retry_policy(
            RetryPolicy::standard()
                .initial_backoff(Duration::from_millis(5))
                .max_backoff(Duration::from_millis(20)),
        );
    f(b).build().unwrap()
}

#[tokio::test]
async fn pause_answers_the_documented_sample() {
    let emu = CynosDbEmulator::start().await;
    let out = client(&emu)
        .pause_serverless(SAMPLE_CLUSTER)
        .force_pause(true)
        .send()
        .await
        .unwrap();
    assert_eq!(out.flow_id, SAMPLE_FLOW_ID);
    assert_eq!(out.request_id, SAMPLE_REQUEST_ID);
    assert_eq!(
        emu.cluster_status(SAMPLE_CLUSTER),
        Some(ClusterStatus::Pause)
    );

    let sent = &emu.server().requests()[0];
    assert_eq!(
        sent.json(),
        serde_json::json!({"ClusterId": SAMPLE_CLUSTER, "ForcePause": 1})
    );
    assert_eq!(sent.headers.get("x-tc-action"), Some("PauseServerless"));
    assert_eq!(sent.headers.get("x-tc-version"), Some("2019-01-07"));
    assert_eq!(sent.headers.get("x-tc-region"), Some("ap-guangzhou"));
    assert_eq!(sent.headers.get("content-type"), Some("application/json"));
    // The client names itself in its User-Agent only.
    assert!(sent.headers.get("x-tc-requestclient").is_none());
    assert!(
        sent.headers
            .get("user-agent")
            .unwrap()
            .starts_with("cloudops-core/")
    );
    assert!(sent.headers.get("x-tc-token").is_none());
    assert!(sent.headers.get("x-tc-language").is_none());
}

#[tokio::test]
async fn force_pause_goes_on_the_wire_as_0_or_1_or_not_at_all() {
    let emu = CynosDbEmulator::start().await;
    let c = client(&emu);
    emu.add_cluster("cynosdbmysql-a1", true, ClusterStatus::Resume);
    emu.add_cluster("cynosdbmysql-a2", true, ClusterStatus::Resume);
    c.pause_serverless("cynosdbmysql-a1")
        .force_pause(false)
        .send()
        .await
        .unwrap();
    c.pause_serverless("cynosdbmysql-a2").send().await.unwrap();
    let reqs = emu.server().requests();
    assert_eq!(reqs[0].json()["ForcePause"], 0);
    assert!(reqs[1].json().get("ForcePause").is_none());
}

#[tokio::test]
async fn pausing_a_paused_cluster_is_a_typed_conflict() {
    let emu = CynosDbEmulator::start().await;
    let c = client(&emu);
    c.pause_serverless(SAMPLE_CLUSTER).send().await.unwrap();
    let e = c.pause_serverless(SAMPLE_CLUSTER).send().await.unwrap_err();
    assert_eq!(
        e.cynosdb_code(),
        Some(ErrorCode::ServerlessClusterStatusDenied)
    );
    assert_eq!(e.service_kind(), Some(ServiceErrorKind::Conflict));
    assert_eq!(e.http_status(), Some(200));
    assert!(!e.is_retryable());
    assert!(e.request_id().is_some());
    assert!(
        e.to_string()
            .contains("OperationDenied.ServerlessClusterStatusDenied"),
        "{e}"
    );
    assert_eq!(emu.server().request_count(), 2);
}

#[tokio::test]
async fn unknown_and_non_serverless_clusters() {
    let emu = CynosDbEmulator::start().await;
    let c = client(&emu);
    let e = c
        .pause_serverless("cynosdbmysql-nosuch1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.cynosdb_code(), Some(ErrorCode::ClusterNotFoundError));
    assert_eq!(e.service_kind(), Some(ServiceErrorKind::NotFound));
    emu.add_cluster("cynosdbmysql-prov1", false, ClusterStatus::Resume);
    let e = c
        .pause_serverless("cynosdbmysql-prov1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.cynosdb_code(), Some(ErrorCode::DbModeNotServerlessError));
}

#[tokio::test]
async fn throttling_then_success() {
    let emu = CynosDbEmulator::start().await;
    emu.throttle_next(2);
    let out = client(&emu)
        .pause_serverless(SAMPLE_CLUSTER)
        .send()
        .await
        .unwrap();
    assert_eq!(out.flow_id, SAMPLE_FLOW_ID);
    assert_eq!(emu.server().request_count(), 3);
}

#[tokio::test]
async fn throttling_past_the_attempts_is_a_retryable_error() {
    let emu = CynosDbEmulator::start().await;
    emu.throttle_next(5);
    let e = client(&emu)
        .pause_serverless(SAMPLE_CLUSTER)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.service_kind(), Some(ServiceErrorKind::Throttling));
    assert!(e.is_retryable());
    assert_eq!(emu.server().request_count(), 3);
}

#[tokio::test]
async fn bad_signature_unknown_key_and_expired_timestamp_are_rejected() {
    let emu = CynosDbEmulator::start().await;
    let wrong = client_with(&emu, |b| {
        b.credentials(AccessKey::new(SECRET_ID, "not-the-key"))
    });
    let e = wrong
        .pause_serverless(SAMPLE_CLUSTER)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("AuthFailure.SignatureFailure"));
    assert_eq!(e.service_kind(), Some(ServiceErrorKind::Authentication));
    assert!(!e.is_retryable());

    let unknown = client_with(&emu, |b| {
        b.credentials(AccessKey::new("AKIDunknown", SECRET_KEY))
    });
    let e = unknown
        .pause_serverless(SAMPLE_CLUSTER)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("AuthFailure.SecretIdNotFound"));

    // Nothing was paused by the refused calls.
    assert_eq!(
        emu.cluster_status(SAMPLE_CLUSTER),
        Some(ClusterStatus::Resume)
    );

    // A clock 6 minutes off: the server refuses the first signature as expired, the client
    // takes the server's time from its Date header, and one corrected retry pauses.
    let skewed = client_with(&emu, |b| b.clock(SkewedClock::new(6 * 60)));
    let before = emu.server().request_count();
    skewed
        .pause_serverless(SAMPLE_CLUSTER)
        .send()
        .await
        .unwrap();
    assert_eq!(emu.server().request_count() - before, 2);
    assert_eq!(
        emu.cluster_status(SAMPLE_CLUSTER),
        Some(ClusterStatus::Pause)
    );
}

#[tokio::test]
async fn pause_describe_flow_resume_and_wait() {
    let emu = CynosDbEmulator::start().await;
    emu.set_polls_to_finish(2);
    let c = client(&emu);
    let paused = c.pause_serverless(SAMPLE_CLUSTER).send().await.unwrap();
    assert_eq!(
        c.describe_flow(paused.flow_id).send().await.unwrap().status,
        FlowStatus::Running
    );
    let outcome = c
        .wait_for_flow(paused.flow_id)
        .initial_interval(Duration::from_millis(5))
        .timeout(Duration::from_secs(5))
        .wait()
        .await
        .unwrap();
    assert_eq!(outcome.polls, 2);

    let resumed = c.resume_serverless(SAMPLE_CLUSTER).send().await.unwrap();
    assert_eq!(resumed.flow_id, SAMPLE_FLOW_ID + 1);
    assert_eq!(
        emu.cluster_status(SAMPLE_CLUSTER),
        Some(ClusterStatus::Resume)
    );
    let e = c
        .resume_serverless(SAMPLE_CLUSTER)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        e.cynosdb_code(),
        Some(ErrorCode::ServerlessClusterStatusDenied)
    );
}

#[tokio::test]
async fn wait_for_flow_fails_on_a_failed_flow_and_at_the_deadline() {
    let emu = CynosDbEmulator::start().await;
    let c = client(&emu);
    emu.set_polls_to_finish(0);
    emu.fail_next_flow();
    let paused = c.pause_serverless(SAMPLE_CLUSTER).send().await.unwrap();
    let e = c
        .wait_for_flow(paused.flow_id)
        .initial_interval(Duration::from_millis(5))
        .wait()
        .await
        .unwrap_err();
    let failure = e.wait_failure().expect("a wait failure");
    assert_eq!(failure.end, WaitEnd::Failed);
    assert_eq!(failure.polls, 1);
    assert_eq!(
        failure
            .last::<cloudops_tencentcloud_cynosdb::operation::DescribeFlowOutput>()
            .map(|o| o.status),
        Some(FlowStatus::Failed)
    );
    assert!(
        e.to_string()
            .contains(&format!("flow {} failed", paused.flow_id)),
        "{e}"
    );

    emu.set_polls_to_finish(1000);
    let resumed = c.resume_serverless(SAMPLE_CLUSTER).send().await.unwrap();
    let e = c
        .wait_for_flow(resumed.flow_id)
        .initial_interval(Duration::from_millis(10))
        .max_interval(Duration::from_millis(20))
        .timeout(Duration::from_millis(200))
        .wait()
        .await
        .unwrap_err();
    let failure = e.wait_failure().expect("a wait failure");
    assert_eq!(
        failure.end,
        WaitEnd::TimedOut {
            after: Duration::from_millis(200)
        }
    );
    assert!(failure.polls >= 1);
    assert_eq!(failure.last_state, "running (2)");

    // A zero timeout polls once, at once; a flow id that cannot be is refused unsent.
    let before = emu.server().request_count();
    let e = c
        .wait_for_flow(resumed.flow_id)
        .timeout(Duration::ZERO)
        .wait()
        .await
        .unwrap_err();
    assert_eq!(e.wait_failure().map(|f| f.polls), Some(1));
    assert_eq!(emu.server().request_count() - before, 1);
    for bad in [0, -1] {
        let e = c.wait_for_flow(bad).wait().await.unwrap_err();
        assert_eq!(e.invalid_field(), Some("flow_id"));
    }
    let e = c
        .wait_for_flow(resumed.flow_id)
        .initial_interval(Duration::ZERO)
        .wait()
        .await
        .unwrap_err();
    assert_eq!(e.invalid_field(), Some("initial_interval"));
    assert_eq!(emu.server().request_count() - before, 1);
}

#[tokio::test]
async fn invalid_input_sends_nothing() {
    let emu = CynosDbEmulator::start().await;
    let c = client(&emu);
    for bad in ["", "8vcxoq75", "cynosdbmysql-../x", "cynosdbmysql-a b"] {
        let e = c.pause_serverless(bad).send().await.unwrap_err();
        assert!(
            matches!(e, Error::InvalidInput { ref field, .. } if field == "cluster_id"),
            "{bad}: {e}"
        );
    }
    let e = c.describe_flow(0).send().await.unwrap_err();
    assert_eq!(e.invalid_field(), Some("flow_id"));
    assert_eq!(emu.server().request_count(), 0);

    for region in ["", "AP-Guangzhou", "ap guangzhou"] {
        let e = Client::builder()
            .region(region)
            .credentials(AccessKey::new("a", "b"))
            .build()
            .unwrap_err();
        assert_eq!(e.invalid_field(), Some("region"), "{region}");
    }
}

#[tokio::test]
async fn session_token_language_and_action_signing() {
    let emu = CynosDbEmulator::start().await;
    let c = client_with(&emu, |b| {
        b.credentials(AccessKey::new(SECRET_ID, SECRET_KEY).with_session_token("session-tok"))
            .language(Language::EnUs)
            .sign_action_header(true)
    });
    c.pause_serverless(SAMPLE_CLUSTER).send().await.unwrap();
    let sent = &emu.server().requests()[0];
    assert_eq!(sent.headers.get("x-tc-token"), Some("session-tok"));
    assert_eq!(sent.headers.get("x-tc-language"), Some("en-US"));
    assert!(
        sent.headers
            .get("authorization")
            .unwrap()
            .contains("SignedHeaders=content-type;host;x-tc-action,")
    );
}

#[tokio::test]
async fn raw_actions_share_signing_and_errors() {
    let emu = CynosDbEmulator::start().await;
    let c = client(&emu);
    let paused = c.pause_serverless(SAMPLE_CLUSTER).send().await.unwrap();
    let v: serde_json::Value = c
        .action("DescribeFlow")
        .idempotent(true)
        .send(&serde_json::json!({"FlowId": paused.flow_id}))
        .await
        .unwrap();
    assert_eq!(v["Status"], 2);
    assert!(v["RequestId"].is_string());

    #[derive(serde::Deserialize)]
    struct Flow {
        #[serde(rename = "Status")]
        status: i64,
    }
    let f: Flow = c
        .action("DescribeFlow")
        .send(&serde_json::json!({"FlowId": paused.flow_id}))
        .await
        .unwrap();
    assert_eq!(f.status, 0);

    let e = c
        .action("DescribeNothingAtAll")
        .send::<_, serde_json::Value>(&serde_json::json!({}))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("InvalidAction"));

    // Every modelled action's body is checked against the model, and a good one is answered
    // with the documented example.
    for (body, code) in [
        (serde_json::json!({}), "MissingParameter"),
        (serde_json::json!({"ClusterId": 5}), "InvalidParameter"),
        (
            serde_json::json!({"ClusterId": "cynosdbmysql-8vcxoq75", "Nope": 1}),
            "UnknownParameter",
        ),
    ] {
        let e = c
            .action("DescribeClusterDetail")
            .send::<_, serde_json::Value>(&body)
            .await
            .unwrap_err();
        assert_eq!(e.code(), Some(code), "{body}");
    }
    let detail: serde_json::Value = c
        .action("DescribeClusterDetail")
        .send(&serde_json::json!({"ClusterId": "cynosdbmysql-8vcxoq75"}))
        .await
        .unwrap();
    assert_eq!(detail["Detail"]["ClusterId"], "cynosdbmysql-sgvwu2is");

    let e = c
        .action("Bad Action")
        .send::<_, serde_json::Value>(&())
        .await
        .unwrap_err();
    assert_eq!(e.invalid_field(), Some("action"));
}

#[tokio::test]
async fn html_from_a_proxy_and_an_empty_body_are_undecodable() {
    let emu = CynosDbEmulator::start().await;
    let c = client_with(&emu, |b| b.retry_policy(RetryPolicy::disabled()));
    emu.server()
        .push_fault(Fault::Status(Reply::html(502, "<html>bad gateway</html>")));
    let e = c.pause_serverless(SAMPLE_CLUSTER).send().await.unwrap_err();
    assert!(
        matches!(e, Error::Undecodable(ref u) if u.status == 502 && u.excerpt.contains("bad gateway")),
        "{e:?}"
    );
    emu.server().push_fault(Fault::Status(Reply::json(200, "")));
    let e = c.pause_serverless(SAMPLE_CLUSTER).send().await.unwrap_err();
    assert!(
        matches!(e, Error::Undecodable(ref u) if u.cause.contains("empty body")),
        "{e:?}"
    );
}

#[tokio::test]
async fn the_rate_limit_spaces_requests() {
    let emu = CynosDbEmulator::start().await;
    let c = client_with(&emu, |b| b.rate_limit(Some(4)));
    let started = std::time::Instant::now();
    for _ in 0..6 {
        c.describe_flow(1).send().await.unwrap_err();
    }
    // 4 from the burst, 2 more at 4 a second: at least half a second.
    assert!(
        started.elapsed() >= Duration::from_millis(450),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(emu.server().request_count(), 6);
}

#[tokio::test]
async fn from_env_uses_the_credentials_chain() {
    // The chain reports every source it tried when none has credentials.
    let c = Client::builder()
        .region("ap-guangzhou")
        .endpoint("http://127.0.0.1:9")
        .credentials_provider(Arc::new(cloudops_core::credentials::CredentialsChain::new(
            vec![Arc::new(
                cloudops_core::credentials::EnvironmentProvider::new(
                    cloudops_tencentcloud_cynosdb::credentials::ENVIRONMENT,
                )
                .with_env(cloudops_core::credentials::EnvSource::from_pairs::<
                    &str,
                    &str,
                >([])),
            )],
        )))
        .build()
        .unwrap();
    let e = c.pause_serverless(SAMPLE_CLUSTER).send().await.unwrap_err();
    assert!(matches!(e, Error::Credentials { .. }));
    assert!(
        e.to_string().contains("TENCENTCLOUD_SECRET_ID is not set"),
        "{e}"
    );
}

#[test]
fn default_chain_sources_follow_the_feature() {
    let expected: &[&str] = if cfg!(feature = "credential-sources") {
        &[
            "environment variables",
            "profile file",
            "the CVM instance role",
            "TKE OIDC",
        ]
    } else {
        &["environment variables"]
    };
    cloudops_testkit::credentials::assert_chain_sources(
        &cloudops_tencentcloud_cynosdb::credentials::default_chain(),
        expected,
    );
}

/// The poll schedule to the millisecond: a stub transport answers every DescribeFlow with a
/// running flow at once, with no network, so tokio's paused clock moves only while the waiter
/// sleeps.
#[tokio::test(start_paused = true)]
async fn wait_for_flow_polls_on_schedule_up_to_the_deadline() {
    let running = cloudops_core::Response::new(
        200,
        r#"{"Response":{"Status":2,"RequestId":"r-running"}}"#
            .as_bytes()
            .to_vec(),
    );
    let stub = std::sync::Arc::new(cloudops_testkit::StubTransport::new(running));
    let c = Client::builder()
        .region("ap-guangzhou")
        .credentials(AccessKey::new(SECRET_ID, SECRET_KEY))
        .transport(stub.clone())
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    let e = c
        .wait_for_flow(SAMPLE_FLOW_ID)
        .initial_interval(Duration::from_millis(10))
        .max_interval(Duration::from_millis(20))
        .timeout(Duration::from_millis(200))
        .wait()
        .await
        .unwrap_err();
    let failure = e.wait_failure().expect("a wait failure");
    // At 10, 30, 50, ... 190 ms, and the last at the deadline.
    assert_eq!(failure.polls, 11);
    assert_eq!(stub.requests().len(), 11);
    assert_eq!(failure.request_id.as_deref(), Some("r-running"));
    assert_eq!(started.elapsed(), Duration::from_millis(200));
}
