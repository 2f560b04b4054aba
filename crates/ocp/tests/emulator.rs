//! The OCP backup operations over real loopback HTTP against the emulator.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use cloudops_core::time::SkewedClock;
use cloudops_core::{Error, RetryPolicy, ServiceErrorKind};
use cloudops_ocp::{
    AccessKey, BackupTaskType, BasicAuth, Client, Language, OcpResponse, RequestId, Task,
    TaskStatus, WaitEnd,
};
use cloudops_testkit::ocp::{self, OcpEmulator, ScheduleState};
use cloudops_testkit::{Fault, Reply};

fn retries() -> RetryPolicy {
    RetryPolicy::standard()
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
}

fn basic(emu: &OcpEmulator) -> Client {
    Client::builder()
        .endpoint(emu.url())
        .credentials(BasicAuth::new(ocp::USERNAME, ocp::PASSWORD))
        .retry_policy(retries())
        .build()
        .unwrap()
}

fn aksk(emu: &OcpEmulator) -> Client {
    Client::builder()
        .endpoint(emu.url())
        .credentials(AccessKey::new(ocp::ACCESS_KEY_ID, ocp::ACCESS_KEY_SECRET))
        .retry_policy(retries())
        .build()
        .unwrap()
}

#[tokio::test]
async fn stop_with_basic_answers_the_documented_sample() {
    let emu = OcpEmulator::start().await;
    let out = basic(&emu)
        .stop_tenant_backup_schedule(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT)
        .send()
        .await
        .unwrap();
    assert!(out.successful);
    assert_eq!(out.request_id(), Some("59f6d5773e364fde"));
    let at = out.timestamp.expect("the sample has a timestamp");
    assert_eq!(
        (at.unix_seconds(), at.subsec_nanos(), at.offset_seconds()),
        (1_725_934_078, 26_000_000, 8 * 3600)
    );
    assert_eq!(at.to_string(), "2024-09-10T10:07:58.026+08:00");
    assert_eq!(
        (out.duration, out.status, out.server.as_deref()),
        (Some(29), Some(200), Some("d21b8dbaea"))
    );
    assert_eq!(
        out.data.ob_backup_task_type,
        Some(BackupTaskType::StopBackupSchedule)
    );
    let result = &out.data.backup_object_ops_result_list[0];
    assert!(result.be_successful);
    assert_eq!(
        result.ob_backup_object_list[0].tenant_id,
        Some(ocp::SAMPLE_TENANT)
    );
    assert_eq!(
        result.ob_backup_object_list[0].backup_dimension.as_deref(),
        Some("TENANT")
    );
    assert!(out.failures().is_empty());
    assert_eq!(
        emu.schedule(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT),
        Some(ScheduleState::Stopped)
    );
    let sent = emu.server().requests().pop().unwrap();
    assert_eq!(sent.method, "POST");
    assert_eq!(
        sent.path,
        "/api/v2/ob/clusters/1000002/tenants/1000012/backup/config/backupStrategy/stopSchedule"
    );
    assert!(
        sent.headers
            .get("authorization")
            .unwrap()
            .starts_with("Basic ")
    );
}

#[tokio::test]
async fn stop_with_aksk() {
    let emu = OcpEmulator::start().await;
    let out = aksk(&emu)
        .stop_tenant_backup_schedule(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT)
        .send()
        .await
        .unwrap();
    assert!(out.successful);
    let sent = emu.server().requests().pop().unwrap();
    assert!(
        sent.headers
            .get("authorization")
            .unwrap()
            .starts_with("OCP-ACCESS-KEY-HMACSHA1 ocp-example-ak:")
    );
    assert!(sent.headers.get("date").unwrap().ends_with(" GMT"));
}

#[tokio::test]
async fn stop_then_start_then_wait_for_the_task() {
    let emu = OcpEmulator::start().await;
    let c = aksk(&emu);
    c.stop_tenant_backup_schedule(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT)
        .send()
        .await
        .unwrap();
    let strategy = c
        .get_tenant_backup_strategy(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT)
        .send()
        .await
        .unwrap();
    assert_eq!(strategy.data.tenant_id, Some(ocp::SAMPLE_TENANT));
    assert_eq!(strategy.data.kind.as_deref(), Some("BACKUP"));
    // Fields this crate does not name are kept.
    assert_eq!(strategy.data.extra["scheduleStatus"], "STOPPED");
    assert!(
        strategy
            .data
            .extra
            .contains_key("obBackupServiceStorageConfig")
    );

    let started = c
        .start_tenant_backup_schedule(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT)
        .send()
        .await
        .unwrap();
    assert_eq!(
        started.data.ob_backup_task_type,
        Some(BackupTaskType::StartBackupSchedule)
    );
    assert_eq!(
        emu.schedule(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT),
        Some(ScheduleState::Running)
    );
    let tasks = started.data.task_ids();
    assert_eq!(tasks.len(), 1);
    let task = c
        .wait_for_task(tasks[0])
        .initial_interval(Duration::from_millis(5))
        .wait()
        .await
        .unwrap();
    assert_eq!(task.id, tasks[0]);
    assert_eq!(task.status, TaskStatus::Successful);
    assert_eq!(task.extra["executor"], "emulator");
}

#[tokio::test]
async fn task_polling_fails_on_a_failed_task_and_at_the_deadline() {
    let emu = OcpEmulator::start().await;
    let c = basic(&emu);
    emu.fail_next_task();
    let started = c
        .start_tenant_backup_schedule(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT)
        .send()
        .await
        .unwrap();
    let e = c
        .wait_for_task(started.data.task_ids()[0])
        .initial_interval(Duration::from_millis(5))
        .wait()
        .await
        .unwrap_err();
    let failure = e.wait_failure().expect("a wait failure");
    assert_eq!(failure.end, WaitEnd::Failed);
    assert_eq!(failure.last_state, "FAILED");
    assert_eq!(
        failure
            .last::<OcpResponse<Task>>()
            .map(|r| &r.data)
            .map(|t| t.status.clone()),
        Some(TaskStatus::Failed)
    );
    assert!(e.to_string().contains("failed"), "{e}");

    emu.set_polls_to_finish(1000);
    let started = c
        .start_tenant_backup_schedule(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT)
        .send()
        .await
        .unwrap();
    let e = c
        .wait_for_task(started.data.task_ids()[0])
        .initial_interval(Duration::from_millis(10))
        .max_interval(Duration::from_millis(20))
        .timeout(Duration::from_millis(150))
        .wait()
        .await
        .unwrap_err();
    let failure = e.wait_failure().expect("a wait failure");
    assert_eq!(
        failure.end,
        WaitEnd::TimedOut {
            after: Duration::from_millis(150)
        }
    );
    assert!(failure.polls >= 1);
    assert_eq!(
        failure
            .last::<OcpResponse<Task>>()
            .map(|r| &r.data)
            .map(|t| t.status.clone()),
        Some(TaskStatus::Running)
    );

    // A task id that cannot be is refused, and nothing is sent.
    let before = emu.server().request_count();
    for bad in [0, -1] {
        let e = c.wait_for_task(bad).wait().await.unwrap_err();
        assert_eq!(e.invalid_field(), Some("task_id"));
    }
    assert_eq!(emu.server().request_count(), before);
}

#[tokio::test]
async fn unknown_tenant_is_a_not_found_service_error() {
    let emu = OcpEmulator::start().await;
    let e = basic(&emu)
        .stop_tenant_backup_schedule(ocp::SAMPLE_CLUSTER, 999)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.http_status(), Some(404));
    assert_eq!(e.service_kind(), Some(ServiceErrorKind::NotFound));
    assert_eq!(e.code(), Some("60001"));
    assert!(e.request_id().is_some());
    assert!(!e.is_retryable());
    let e = basic(&emu).get_task(424242).send().await.unwrap_err();
    assert_eq!(e.code(), Some("20001"));
}

#[tokio::test]
async fn bad_credentials_and_a_skewed_clock_are_authentication_errors() {
    let emu = OcpEmulator::start().await;
    for c in [
        Client::builder()
            .endpoint(emu.url())
            .credentials(BasicAuth::new(ocp::USERNAME, "nope"))
            .build()
            .unwrap(),
        Client::builder()
            .endpoint(emu.url())
            .credentials(AccessKey::new(ocp::ACCESS_KEY_ID, "nope"))
            .build()
            .unwrap(),
    ] {
        let e = c
            .stop_tenant_backup_schedule(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT)
            .send()
            .await
            .unwrap_err();
        assert_eq!(e.http_status(), Some(401));
        assert_eq!(e.service_kind(), Some(ServiceErrorKind::Authentication));
        assert_eq!(e.code(), Some("30001"));
    }
    assert_eq!(
        emu.schedule(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT),
        Some(ScheduleState::Running)
    );

    // A Date 16 minutes off is refused with a 401; the client takes the server's time from
    // its Date header and one corrected retry stops the schedule.
    let skewed = Client::builder()
        .endpoint(emu.url())
        .credentials(AccessKey::new(ocp::ACCESS_KEY_ID, ocp::ACCESS_KEY_SECRET))
        .clock(SkewedClock::new(16 * 60))
        .build()
        .unwrap();
    let before = emu.server().request_count();
    skewed
        .stop_tenant_backup_schedule(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT)
        .send()
        .await
        .unwrap();
    assert_eq!(emu.server().request_count() - before, 2);
    assert_eq!(
        emu.schedule(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT),
        Some(ScheduleState::Stopped)
    );
}

#[tokio::test]
async fn a_partial_failure_is_visible_without_digging() {
    let emu = OcpEmulator::start().await;
    let out = basic(&emu)
        .stop_tenant_backup_schedule(ocp::SAMPLE_CLUSTER, ocp::PARTIAL_TENANT)
        .send()
        .await
        .unwrap();
    assert!(out.successful);
    assert!(out.data.is_partial_failure());
    let failures = out.failures();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].error_code, Some("60025"));
    assert!(failures[0].hint.unwrap().contains("another strategy"));
    assert_eq!(
        failures[0].objects[0].backup_dimension.as_deref(),
        Some("CLUSTER")
    );
}

#[tokio::test]
async fn a_proxys_html_502_is_undecodable_and_retried_for_this_idempotent_call() {
    let emu = OcpEmulator::start().await;
    let page = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";
    emu.server()
        .push_faults(Fault::Status(Reply::html(502, page)), 3);
    let e = basic(&emu)
        .stop_tenant_backup_schedule(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT)
        .send()
        .await
        .unwrap_err();
    match &e {
        Error::Undecodable(u) => {
            assert_eq!(u.status, 502);
            assert!(u.excerpt.contains("502 Bad Gateway"));
            assert!(u.retryable);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(emu.server().request_count(), 3);

    // One bad page, then the real answer.
    emu.server()
        .push_fault(Fault::Status(Reply::html(502, page)));
    let out = basic(&emu)
        .stop_tenant_backup_schedule(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT)
        .send()
        .await
        .unwrap();
    assert!(out.successful);
}

#[tokio::test]
async fn ids_and_base_urls_are_validated_before_sending() {
    let emu = OcpEmulator::start().await;
    let c = basic(&emu);
    let e = c
        .stop_tenant_backup_schedule(0, ocp::SAMPLE_TENANT)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.invalid_field(), Some("cluster_id"));
    let e = c
        .start_tenant_backup_schedule(ocp::SAMPLE_CLUSTER, -5)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.invalid_field(), Some("tenant_id"));
    let e = c.get_task(0).send().await.unwrap_err();
    assert_eq!(e.invalid_field(), Some("task_id"));
    assert_eq!(emu.server().request_count(), 0);
    for bad in ["ocp.example.com", "ftp://x", "http://", "http://h:99999"] {
        let e = Client::builder().endpoint(bad).build().unwrap_err();
        assert_eq!(e.invalid_field(), Some("endpoint"), "{bad}");
    }
    let e = Client::builder().build().unwrap_err();
    assert_eq!(e.invalid_field(), Some("endpoint"));
}

#[tokio::test]
async fn accept_language_is_sent() {
    let emu = OcpEmulator::start().await;
    let c = Client::builder()
        .endpoint(emu.url())
        .credentials(BasicAuth::new(ocp::USERNAME, ocp::PASSWORD))
        .language(Language::ZhCn)
        .build()
        .unwrap();
    c.get_tenant_backup_strategy(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT)
        .send()
        .await
        .unwrap();
    assert_eq!(
        emu.server().requests()[0].headers.get("accept-language"),
        Some("zh-CN")
    );
}

/// The poll schedule to the millisecond: a stub transport answers every poll with a running
/// task at once, with no network, so tokio's paused clock moves only while the waiter sleeps.
#[tokio::test(start_paused = true)]
async fn task_polling_runs_on_schedule_up_to_the_deadline() {
    let running = cloudops_core::Response::new(
        200,
        r#"{"data":{"id":7,"status":"RUNNING"},"successful":true,"traceId":"t-running"}"#
            .as_bytes()
            .to_vec(),
    );
    let stub = std::sync::Arc::new(cloudops_testkit::StubTransport::new(running));
    let c = Client::builder()
        .endpoint("http://ocp.example.internal:8080")
        .credentials(BasicAuth::new(ocp::USERNAME, ocp::PASSWORD))
        .transport(stub.clone())
        .build()
        .unwrap();
    let started = tokio::time::Instant::now();
    let e = c
        .wait_for_task(7)
        .initial_interval(Duration::from_millis(10))
        .max_interval(Duration::from_millis(20))
        .timeout(Duration::from_millis(150))
        .wait()
        .await
        .unwrap_err();
    let failure = e.wait_failure().expect("a wait failure");
    // At 10, 30, ... 130 ms, and the last at the deadline.
    assert_eq!(failure.polls, 8);
    assert_eq!(stub.requests().len(), 8);
    assert_eq!(failure.request_id.as_deref(), Some("t-running"));
    assert_eq!(started.elapsed(), Duration::from_millis(150));
}
