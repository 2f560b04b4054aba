//! KooPhone BatchBackupInstances over real loopback HTTP against the emulator.
#![cfg(feature = "koophone")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use cloudops_core::{AccessKey, ServiceErrorKind};
use cloudops_huaweicloud::{Client, ErrorExt, KooPhoneErrorCode, RequestId};
use cloudops_testkit::huawei::{self, HuaweiEmulator};
use serde_json::json;

#[tokio::test]
async fn backup_with_aksk_and_token() {
    for mode in ["ak/sk", "token"] {
        let emu = HuaweiEmulator::start().await;
        let c = if mode == "token" {
            common::token(&emu)
        } else {
            common::aksk(&emu)
        };
        let out = c
            .batch_backup_instances([huawei::KOOPHONE_INSTANCE])
            .send()
            .await
            .unwrap();
        assert_eq!(
            (out.error_code.as_str(), out.error_msg.as_str()),
            ("0", "OK"),
            "{mode}"
        );
        let data = out.data.clone().unwrap();
        assert_eq!(data.cmd_jobs[0].instance_id, huawei::KOOPHONE_INSTANCE);
        let sent = emu.server().requests().pop().unwrap();
        assert_eq!(
            sent.json(),
            json!({"instance_ids": [huawei::KOOPHONE_INSTANCE]})
        );
        assert_eq!(
            sent.headers.get("x-request-id"),
            Some(out.client_request_id.as_str())
        );
        assert_eq!(out.client_request_id.len(), 36);
        // The server's own request id, from its answer's X-Request-Id.
        assert!(out.request_id().is_some(), "{mode}");
    }
}

#[tokio::test]
async fn request_id_is_unique_per_call_stable_across_retries_and_settable() {
    let emu = HuaweiEmulator::start().await;
    let c = common::aksk(&emu);
    let a = c
        .batch_backup_instances([huawei::KOOPHONE_INSTANCE])
        .send()
        .await
        .unwrap();
    let b = c
        .batch_backup_instances([huawei::KOOPHONE_INSTANCE])
        .send()
        .await
        .unwrap();
    assert_ne!(a.client_request_id, b.client_request_id);

    emu.throttle_next(2);
    let before = emu.server().request_count();
    let out = c
        .batch_backup_instances([huawei::KOOPHONE_INSTANCE])
        .client_request_id("my-id-1")
        .send()
        .await
        .unwrap();
    assert_eq!(out.client_request_id, "my-id-1");
    let ids: Vec<String> = emu.server().requests()[before..]
        .iter()
        .map(|r| r.headers.get("x-request-id").unwrap().to_string())
        .collect();
    assert_eq!(ids, vec!["my-id-1"; 3]);
}

#[tokio::test]
async fn a_failure_code_in_a_200_is_a_typed_service_error() {
    let emu = HuaweiEmulator::start().await;
    let e = common::aksk(&emu)
        .batch_backup_instances(["someone-elses"])
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.http_status(), Some(200));
    assert_eq!(
        e.koophone_code(),
        Some(KooPhoneErrorCode::InsufficientPermission)
    );
    assert_eq!(e.service_kind(), Some(ServiceErrorKind::PermissionDenied));
    assert!(e.request_id().is_some());
}

#[tokio::test]
async fn a_400_is_a_typed_service_error() {
    let emu = HuaweiEmulator::start().await;
    let e = common::aksk(&emu)
        .raw(
            cloudops_huaweicloud::Service::KooPhone,
            cloudops_core::Method::Post,
            "/v1/instances/backup",
        )
        .header("x-request-id", "r1")
        .json(&json!({"instance_ids": []}))
        .send::<serde_json::Value>()
        .await
        .unwrap_err();
    assert_eq!(e.http_status(), Some(400));
    assert_eq!(e.koophone_code(), Some(KooPhoneErrorCode::InvalidParameter));
}

#[tokio::test]
async fn the_parameter_table_is_validated_before_sending() {
    let emu = HuaweiEmulator::start().await;
    let c = common::aksk(&emu);
    let too_many: Vec<String> = (0..101).map(|i| format!("i{i}")).collect();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec![], "instance_ids"),
        (too_many, "instance_ids"),
        (vec!["x".repeat(33)], "instance_ids[0]"),
        (vec!["a".into(), String::new()], "instance_ids[1]"),
        (vec!["a".into(), "a".into()], "instance_ids"),
    ];
    for (ids, field) in cases {
        let e = c.batch_backup_instances(ids).send().await.unwrap_err();
        assert_eq!(e.invalid_field(), Some(field), "{e}");
    }
    let e = c
        .batch_backup_instances(["a"])
        .client_request_id("x\r\nInjected: 1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.invalid_field(), Some("client_request_id"));
    assert_eq!(emu.server().request_count(), 0);
}

#[tokio::test]
async fn koophone_needs_an_explicit_endpoint() {
    let c = Client::builder()
        .region("cn-north-4")
        .credentials(AccessKey::new("ak", "sk"))
        .build()
        .unwrap();
    let e = c.batch_backup_instances(["a"]).send().await.unwrap_err();
    assert_eq!(e.invalid_field(), Some("endpoint.koophone"));
}
