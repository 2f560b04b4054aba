//! DBSS StopDbOmInstance over real loopback HTTP against the emulator.
#![cfg(feature = "dbss")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use cloudops_core::{Error, ServiceErrorKind};
use cloudops_huaweicloud::ErrorExt;
use cloudops_testkit::huawei::{self, HuaweiEmulator};

#[tokio::test]
async fn stop_with_aksk_and_with_token() {
    for mode in ["ak/sk", "token"] {
        let emu = HuaweiEmulator::start().await;
        let client = if mode == "token" {
            common::token(&emu)
        } else {
            common::aksk(&emu)
        };
        let out = client
            .stop_db_om_instance(huawei::DBSS_INSTANCE)
            .send()
            .await
            .unwrap();
        assert_eq!(out.result, "success", "{mode}");
        assert!(out.request_id.is_some(), "{mode}");
        assert!(emu.dbss_stopped(huawei::DBSS_INSTANCE));
        let sent = emu.server().requests().pop().unwrap();
        assert_eq!(
            sent.path,
            format!(
                "/v1/{}/db-om/{}/stop",
                huawei::PROJECT_ID,
                huawei::DBSS_INSTANCE
            )
        );
        match mode {
            "token" => assert!(
                sent.headers.get("x-auth-token").is_some()
                    && sent.headers.get("authorization").is_none()
            ),
            _ => assert!(
                sent.headers
                    .get("authorization")
                    .unwrap()
                    .starts_with("SDK-HMAC-SHA256 ")
            ),
        }
    }
}

#[tokio::test]
async fn documented_error_shapes() {
    let emu = HuaweiEmulator::start().await;
    let c = common::aksk(&emu);
    // error_code / error_msg, 404.
    let e = c
        .stop_db_om_instance("0".repeat(32))
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.http_status(), Some(404));
    assert_eq!(e.service_kind(), Some(ServiceErrorKind::NotFound));
    assert_eq!(e.code(), Some("DBSS.00010404"));
    assert!(e.request_id().is_some());
    // 403 with details[] and encoded_authorization_message.
    let e = c
        .stop_db_om_instance(huawei::DBSS_FORBIDDEN_INSTANCE)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.service_kind(), Some(ServiceErrorKind::PermissionDenied));
    let se = e.service_error().unwrap();
    assert_eq!(se.details.len(), 1);
    assert_eq!(se.details[0].code.as_deref(), Some("PDP.0001"));
    assert_eq!(
        e.encoded_authorization_message(),
        Some("ZW5jb2RlZC1hdXRob3JpemF0aW9uLW1lc3NhZ2U=")
    );
    // code / message, 500: retried (idempotent), then reported.
    let before = emu.server().request_count();
    let e = c
        .stop_db_om_instance(huawei::DBSS_BROKEN_INSTANCE)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("DBSS.00019999"));
    assert_eq!(e.message(), Some("Internal server error."));
    assert_eq!(e.service_kind(), Some(ServiceErrorKind::Server));
    assert!(e.is_retryable());
    assert_eq!(emu.server().request_count() - before, 3);
}

#[tokio::test]
async fn ids_are_validated_before_sending() {
    let emu = HuaweiEmulator::start().await;
    let c = common::aksk(&emu);
    for (id, field) in [
        ("short", "instance_id"),
        (&*"x".repeat(65), "instance_id"),
        (&*format!("{}/..", "a".repeat(30)), "instance_id"),
    ] {
        let e = c.stop_db_om_instance(id).send().await.unwrap_err();
        assert!(
            matches!(e, Error::InvalidInput { field: ref f, .. } if f == field),
            "{id}: {e}"
        );
    }
    let e = c
        .stop_db_om_instance(huawei::DBSS_INSTANCE)
        .project_id("p")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.invalid_field(), Some("project_id"));
    assert_eq!(emu.server().request_count(), 0);
}

#[tokio::test]
async fn throttling_is_retried() {
    let emu = HuaweiEmulator::start().await;
    emu.throttle_next(2);
    let out = common::aksk(&emu)
        .stop_db_om_instance(huawei::DBSS_INSTANCE)
        .send()
        .await
        .unwrap();
    assert_eq!(out.result, "success");
    assert_eq!(emu.server().request_count(), 3);
}
