//! Authentication over real loopback HTTP: IAM tokens (refresh, sharing), bad signatures,
//! expired signatures, temporary credentials.
#![cfg(feature = "dbss")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use cloudops_core::time::SkewedClock;
use cloudops_core::{AccessKey, Error, ServiceErrorKind};
use cloudops_huaweicloud::{Client, IamPassword};
use cloudops_testkit::huawei::{self, HuaweiEmulator};

#[tokio::test]
async fn an_expired_token_is_refreshed_once() {
    let emu = HuaweiEmulator::start().await;
    let c = common::token(&emu);
    c.stop_db_om_instance(huawei::DBSS_INSTANCE)
        .send()
        .await
        .unwrap();
    assert_eq!((emu.tokens_issued(), c.token_fetches()), (1, 1));
    emu.expire_tokens();
    c.stop_db_om_instance(huawei::DBSS_INSTANCE)
        .send()
        .await
        .unwrap();
    assert_eq!((emu.tokens_issued(), c.token_fetches()), (2, 2));
    // The refreshed token is reused.
    c.stop_db_om_instance(huawei::DBSS_INSTANCE)
        .send()
        .await
        .unwrap();
    assert_eq!(emu.tokens_issued(), 2);
}

#[tokio::test]
async fn concurrent_calls_share_one_refresh() {
    let emu = HuaweiEmulator::start().await;
    let c = common::token(&emu);
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.stop_db_om_instance(huawei::DBSS_INSTANCE).send().await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(emu.tokens_issued(), 1);

    emu.expire_tokens();
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.stop_db_om_instance(huawei::DBSS_INSTANCE).send().await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(emu.tokens_issued(), 2);
}

#[tokio::test]
async fn a_token_near_expiry_is_refreshed_before_use() {
    let emu = HuaweiEmulator::start().await;
    // A 10-minute token: the one-hour margin is clamped to half its life, 5 minutes.
    emu.set_token_ttl(std::time::Duration::from_secs(600));
    let clock = SkewedClock::new(0);
    let c = common::builder(&emu)
        .iam_password(IamPassword::new(
            huawei::IAM_USER,
            huawei::IAM_PASSWORD,
            huawei::IAM_DOMAIN,
        ))
        .clock(clock.clone())
        .build()
        .unwrap();
    for _ in 0..2 {
        c.stop_db_om_instance(huawei::DBSS_INSTANCE)
            .send()
            .await
            .unwrap();
    }
    assert_eq!(emu.tokens_issued(), 1, "reused while outside the margin");
    clock.set_offset(301);
    c.stop_db_om_instance(huawei::DBSS_INSTANCE)
        .send()
        .await
        .unwrap();
    assert_eq!(emu.tokens_issued(), 2, "refreshed inside the margin");
}

#[tokio::test]
async fn a_wrong_password_is_an_authentication_error() {
    let emu = HuaweiEmulator::start().await;
    let c = common::builder(&emu)
        .iam_password(IamPassword::new(
            huawei::IAM_USER,
            "wrong",
            huawei::IAM_DOMAIN,
        ))
        .build()
        .unwrap();
    let e = c
        .stop_db_om_instance(huawei::DBSS_INSTANCE)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.service_kind(), Some(ServiceErrorKind::Authentication));
    assert_eq!(e.message(), Some("The username or password is wrong."));
    assert!(!e.to_string().contains("wrong\""));
}

#[tokio::test]
async fn a_bad_signature_shows_the_gateways_canonical_request() {
    let emu = HuaweiEmulator::start().await;
    let c = common::builder(&emu)
        .credentials(AccessKey::new(huawei::AK, "not-the-secret"))
        .build()
        .unwrap();
    let e = c
        .stop_db_om_instance(huawei::DBSS_INSTANCE)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("APIGW.0301"));
    assert_eq!(e.service_kind(), Some(ServiceErrorKind::Authentication));
    let m = e.message().unwrap();
    assert!(
        m.contains(&format!(
            "canonicalRequest: POST|/v1/{}/db-om/{}/stop/|",
            huawei::PROJECT_ID,
            huawei::DBSS_INSTANCE
        )),
        "{m}"
    );
    assert!(!e.is_retryable());
    assert_eq!(emu.server().request_count(), 1);
}

#[tokio::test]
async fn a_signature_outside_the_window_is_refused_then_corrected() {
    let emu = HuaweiEmulator::start().await;
    let c = common::builder(&emu)
        .credentials(AccessKey::new(huawei::AK, huawei::SK))
        .clock(SkewedClock::new(-16 * 60))
        .build()
        .unwrap();
    // The gateway refuses the first signature as expired; the client takes its time from the
    // Date header and signs one retry right.
    c.stop_db_om_instance(huawei::DBSS_INSTANCE)
        .send()
        .await
        .unwrap();
    assert_eq!(emu.server().request_count(), 2);
    // Later calls sign with the corrected time at once.
    c.stop_db_om_instance(huawei::DBSS_INSTANCE)
        .send()
        .await
        .unwrap();
    assert_eq!(emu.server().request_count(), 3);
    let c = common::builder(&emu)
        .credentials(AccessKey::new(huawei::AK, huawei::SK))
        .clock(SkewedClock::new(-14 * 60))
        .build()
        .unwrap();
    assert!(
        c.stop_db_om_instance(huawei::DBSS_INSTANCE)
            .send()
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn temporary_credentials_sign_the_security_token() {
    let emu = HuaweiEmulator::start().await;
    let c = common::builder(&emu)
        .credentials(AccessKey::new(huawei::AK, huawei::SK).with_session_token("temp-token"))
        .build()
        .unwrap();
    c.stop_db_om_instance(huawei::DBSS_INSTANCE)
        .send()
        .await
        .unwrap();
    let sent = emu.server().requests().pop().unwrap();
    assert_eq!(sent.headers.get("x-security-token"), Some("temp-token"));
    assert!(
        sent.headers
            .get("authorization")
            .unwrap()
            .contains("x-security-token")
    );
}

#[tokio::test]
async fn a_fixed_token_is_sent_and_not_refreshed() {
    let emu = HuaweiEmulator::start().await;
    let c = common::builder(&emu)
        .token("not-issued-by-iam")
        .build()
        .unwrap();
    let e = c
        .stop_db_om_instance(huawei::DBSS_INSTANCE)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("APIGW.0301"));
    assert_eq!(emu.server().request_count(), 1);
}

#[tokio::test]
async fn project_id_comes_from_the_credentials_when_not_set() {
    let emu = HuaweiEmulator::start().await;
    let c = Client::builder()
        .region("cn-north-4")
        .endpoint(cloudops_huaweicloud::Service::Dbss, emu.url())
        .credentials_provider(Arc::new(
            cloudops_core::credentials::EnvironmentProvider::new(
                cloudops_huaweicloud::credentials::ENVIRONMENT,
            )
            .with_env(cloudops_core::credentials::EnvSource::from_pairs([
                ("HUAWEICLOUD_SDK_AK", huawei::AK),
                ("HUAWEICLOUD_SDK_SK", huawei::SK),
                ("HUAWEICLOUD_SDK_PROJECT_ID", huawei::PROJECT_ID),
            ])),
        ))
        .build()
        .unwrap();
    c.stop_db_om_instance(huawei::DBSS_INSTANCE)
        .send()
        .await
        .unwrap();

    let c = Client::builder()
        .region("cn-north-4")
        .endpoint(cloudops_huaweicloud::Service::Dbss, emu.url())
        .token("t")
        .build()
        .unwrap();
    let e = c
        .stop_db_om_instance(huawei::DBSS_INSTANCE)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidInput { ref field, .. } if field == "project_id"));
}

#[tokio::test]
async fn unknown_region_is_an_error_value() {
    let c = Client::builder()
        .region("mars-north-1")
        .credentials(AccessKey::new("a", "b"))
        .build()
        .unwrap();
    let e = c
        .stop_db_om_instance(huawei::DBSS_INSTANCE)
        .project_id(huawei::PROJECT_ID)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.invalid_field(), Some("region"));
    // IAM answers for every region from its global endpoint, as the official SDKs use it
    // where a region has no IAM of its own; DBSS does not.
    let c = Client::builder()
        .region("mars-north-1")
        .iam_password(IamPassword::new("u", "p", "d"))
        .build()
        .unwrap();
    assert_eq!(
        c.endpoint(cloudops_huaweicloud::Service::Iam)
            .unwrap()
            .host(),
        "iam.myhuaweicloud.com"
    );
    assert_eq!(
        c.endpoint(cloudops_huaweicloud::Service::Dbss)
            .unwrap_err()
            .invalid_field(),
        Some("region")
    );
}

/// A client with an access key and no project id, IAM and DBSS at `emu`.
fn without_project_id(emu: &HuaweiEmulator) -> Client {
    Client::builder()
        .region("cn-north-4")
        .endpoint(cloudops_huaweicloud::Service::Iam, emu.url())
        .endpoint(cloudops_huaweicloud::Service::Dbss, emu.url())
        .credentials(AccessKey::new(huawei::AK, huawei::SK))
        .build()
        .unwrap()
}

#[cfg(not(feature = "project-discovery"))]
#[tokio::test]
async fn without_discovery_a_missing_project_id_is_invalid_input_and_nothing_is_sent() {
    let emu = HuaweiEmulator::start().await;
    let c = without_project_id(&emu);
    let e = c
        .stop_db_om_instance(huawei::DBSS_INSTANCE)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.invalid_field(), Some("project_id"));
    assert!(e.to_string().contains("project-discovery feature"), "{e}");
    assert_eq!(emu.server().request_count(), 0);
}

#[cfg(feature = "project-discovery")]
#[tokio::test]
async fn a_missing_project_id_is_discovered_once_and_kept() {
    let emu = HuaweiEmulator::start().await;
    let c = without_project_id(&emu);
    let calls: Vec<_> = (0..10)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.stop_db_om_instance(huawei::DBSS_INSTANCE).send().await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    c.stop_db_om_instance(huawei::DBSS_INSTANCE)
        .send()
        .await
        .unwrap();
    assert_eq!(emu.project_lookups(), 1);
    let lookup = emu
        .server()
        .requests()
        .into_iter()
        .find(|r| r.path == "/v3/projects")
        .unwrap();
    assert_eq!(lookup.query, "name=cn-north-4");
    assert!(
        lookup
            .headers
            .get("authorization")
            .unwrap()
            .starts_with("SDK-HMAC-SHA256 ")
    );
    let stop = emu
        .server()
        .requests()
        .into_iter()
        .find(|r| r.path.contains("/db-om/"))
        .unwrap();
    assert!(stop.path.contains(huawei::PROJECT_ID), "{}", stop.path);

    // A region where the account has no project is a clear error.
    let c = Client::builder()
        .region("ap-southeast-1")
        .endpoint(cloudops_huaweicloud::Service::Iam, emu.url())
        .endpoint(cloudops_huaweicloud::Service::Dbss, emu.url())
        .credentials(AccessKey::new(huawei::AK, huawei::SK))
        .build()
        .unwrap();
    let e = c
        .stop_db_om_instance(huawei::DBSS_INSTANCE)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.invalid_field(), Some("project_id"), "{e}");
    assert!(e.to_string().contains("no project named"), "{e}");
}

// On tokio's paused clock held still: the clock moves past each deadline once the lookup is
// under way, so every call ends at exactly its own deadline, however busy the machine is.
#[cfg(feature = "project-discovery")]
#[tokio::test(start_paused = true)]
async fn project_discovery_waits_within_each_calls_deadline_and_is_shared() {
    use std::time::Duration;
    use tokio::time::Instant;

    let _clock = cloudops_testkit::clock::HeldClock::hold();
    let emu = HuaweiEmulator::start().await;
    let silent_iam = cloudops_testkit::TestServer::start(|_| {
        cloudops_testkit::Reply::json(200, r#"{"projects": []}"#)
    })
    .await;
    silent_iam.push_faults(cloudops_testkit::Fault::Hang, 100);
    let c = Client::builder()
        .region("cn-north-4")
        .endpoint(cloudops_huaweicloud::Service::Iam, silent_iam.url())
        .endpoint(cloudops_huaweicloud::Service::Dbss, emu.url())
        .credentials(AccessKey::new(huawei::AK, huawei::SK))
        .attempt_timeout(Some(Duration::from_secs(5)))
        .operation_timeout(Some(Duration::from_secs(5)))
        .build()
        .unwrap();
    let started = Instant::now();
    let calls: Vec<_> = (0..3)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move {
                let e = c
                    .stop_db_om_instance(huawei::DBSS_INSTANCE)
                    .send()
                    .await
                    .unwrap_err();
                (e, started.elapsed())
            })
        })
        .collect();
    let short = {
        let c = c.clone();
        tokio::spawn(async move {
            c.stop_db_om_instance(huawei::DBSS_INSTANCE)
                .operation_timeout(Some(Duration::from_secs(1)))
                .send()
                .await
                .unwrap_err()
        })
    };
    cloudops_testkit::clock::until(|| silent_iam.request_count() == 1).await;
    tokio::time::advance(Duration::from_secs(1)).await;
    let short = short.await.unwrap();
    assert_eq!(started.elapsed(), Duration::from_secs(1));
    assert!(
        matches!(
            short,
            Error::Timeout {
                phase: cloudops_core::TimeoutPhase::Operation,
                ..
            }
        ),
        "{short}"
    );
    tokio::time::advance(Duration::from_secs(4)).await;
    for call in calls {
        let (e, after) = call.await.unwrap();
        assert!(matches!(e, Error::Timeout { .. }), "{e}");
        assert_eq!(after, Duration::from_secs(5));
    }
    // One IAM request for every caller; nothing reached DBSS.
    assert_eq!(silent_iam.request_count(), 1);
    assert_eq!(emu.server().request_count(), 0);
}

#[test]
fn default_chain_sources_follow_the_feature() {
    let expected: &[&str] = if cfg!(feature = "credential-sources") {
        &[
            "the IAM identity provider",
            "environment variables",
            "profile file",
            "the ECS metadata service",
        ]
    } else {
        &["environment variables"]
    };
    cloudops_testkit::credentials::assert_chain_sources(
        &cloudops_huaweicloud::credentials::default_chain(),
        expected,
    );
}

/// Built without TLS, a client refuses an `https://` endpoint when it is built (one set on the
/// builder) or before anything is sent (one resolved from the region), naming the feature.
#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
#[tokio::test]
async fn without_tls_https_is_refused_naming_the_feature() {
    let e = Client::builder()
        .region("cn-north-4")
        .endpoint(
            cloudops_huaweicloud::Service::Dbss,
            "https://dbss.example.com",
        )
        .credentials(AccessKey::new(huawei::AK, huawei::SK))
        .build()
        .unwrap_err();
    assert_eq!(e.invalid_field(), Some("endpoint"), "{e}");
    assert!(e.to_string().contains("rustls"), "{e}");
    let c = Client::builder()
        .region("cn-north-4")
        .project_id(huawei::PROJECT_ID)
        .credentials(AccessKey::new(huawei::AK, huawei::SK))
        .build()
        .unwrap();
    let e = c
        .stop_db_om_instance(huawei::DBSS_INSTANCE)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.invalid_field(), Some("endpoint"), "{e}");
    assert!(!e.may_have_been_sent());
}
