//! TaurusDB over real loopback HTTP: CreateBackupResourcePackage against the emulator, and a
//! listing read page by page.
#![cfg(feature = "taurusdb")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

#[cfg(feature = "taurusdb-instances")]
use cloudops_core::AccessKey;
use cloudops_core::{Error, ServiceErrorKind};
use cloudops_huaweicloud::taurusdb::{ChargeInfo, Language, PeriodType};
#[cfg(feature = "taurusdb-instances")]
use cloudops_huaweicloud::{Client, Service};
use cloudops_testkit::Fault;
use cloudops_testkit::huawei::{self, HuaweiEmulator};
use serde_json::json;

fn sample_charge() -> ChargeInfo {
    ChargeInfo::yearly(1).auto_pay(false).auto_renew(false)
}

#[tokio::test]
async fn documented_sample_with_aksk_and_token() {
    for mode in ["ak/sk", "token"] {
        let emu = HuaweiEmulator::start().await;
        let c = if mode == "token" {
            common::token(&emu)
        } else {
            common::aksk(&emu)
        };
        let out = c
            .create_backup_resource_package("gaussdb.mysql.backup.pkg.1tb", 1, sample_charge())
            .language(Language::EnUs)
            .send()
            .await
            .unwrap();
        assert_eq!(out.order_id, huawei::SAMPLE_ORDER_ID, "{mode}");
        assert_eq!(out.spec_code, "gaussdb.mysql.backup.pkg.1tb");
        assert_eq!(
            (out.num, out.period_type, out.period_num),
            (1, PeriodType::Year, 1)
        );
        assert!(out.request_id.is_some());
        let sent = emu.server().requests().pop().unwrap();
        assert_eq!(
            sent.path,
            format!("/v3/{}/backups/resource-package", huawei::PROJECT_ID)
        );
        assert_eq!(sent.headers.get("x-language"), Some("en-us"));
        assert_eq!(
            sent.json(),
            json!({"spec_code": "gaussdb.mysql.backup.pkg.1tb", "num": 1,
                   "charge_info": {"period_type": "year", "period_num": 1, "is_auto_pay": false, "is_auto_renew": false}})
        );
        assert_eq!(emu.orders().len(), 1);
    }
}

#[tokio::test]
async fn a_purchase_is_sent_exactly_once_when_the_connection_drops_after_the_request() {
    let emu = HuaweiEmulator::start().await;
    emu.server().push_fault(Fault::ResetAfterRead);
    let e = common::aksk(&emu)
        .create_backup_resource_package("gaussdb.mysql.backup.pkg.1tb", 1, sample_charge())
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Transport {
                may_have_been_sent: true,
                retryable: false,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.may_have_been_sent());
    assert_eq!(emu.server().request_count(), 1);
}

#[tokio::test]
async fn a_purchase_is_not_retried_after_a_server_error() {
    let emu = HuaweiEmulator::start().await;
    emu.server()
        .push_fault(Fault::Status(cloudops_testkit::Reply::json(
            503,
            r#"{"error_code":"DBS.200000","error_msg":"busy"}"#,
        )));
    let e = common::aksk(&emu)
        .create_backup_resource_package("gaussdb.mysql.backup.pkg.1tb", 1, sample_charge())
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.service_kind(), Some(ServiceErrorKind::Server));
    assert!(!e.is_retryable());
    assert_eq!(emu.server().request_count(), 1);
}

#[tokio::test]
async fn throttling_refused_before_processing_is_retried_and_buys_once() {
    let emu = HuaweiEmulator::start().await;
    emu.throttle_next(1);
    let out = common::aksk(&emu)
        .create_backup_resource_package("gaussdb.mysql.backup.pkg.1tb", 1, sample_charge())
        .send()
        .await
        .unwrap();
    assert_eq!(out.order_id, huawei::SAMPLE_ORDER_ID);
    assert_eq!(emu.orders().len(), 1);
}

#[tokio::test]
async fn documented_constraints_are_checked_before_sending() {
    let emu = HuaweiEmulator::start().await;
    let c = common::aksk(&emu);
    let cases: Vec<(
        cloudops_huaweicloud::taurusdb::CreateBackupResourcePackage,
        &str,
    )> = vec![
        (
            c.create_backup_resource_package("spec", 0, sample_charge()),
            "num",
        ),
        (
            c.create_backup_resource_package("spec", 11, sample_charge()),
            "num",
        ),
        (
            c.create_backup_resource_package("", 1, sample_charge()),
            "spec_code",
        ),
        (
            c.create_backup_resource_package("spec", 1, ChargeInfo::monthly(10)),
            "charge_info.period_num",
        ),
        (
            c.create_backup_resource_package("spec", 1, ChargeInfo::monthly(0)),
            "charge_info.period_num",
        ),
        (
            c.create_backup_resource_package("spec", 1, ChargeInfo::yearly(4)),
            "charge_info.period_num",
        ),
        (
            c.create_backup_resource_package("spec", 1, sample_charge())
                .project_id("x".repeat(33)),
            "project_id",
        ),
        (
            c.create_backup_resource_package("spec", 1, sample_charge())
                .project_id(format!("{}-", "a".repeat(31))),
            "project_id",
        ),
    ];
    for (call, field) in cases {
        let e = call.send().await.unwrap_err();
        assert_eq!(e.invalid_field(), Some(field), "{e}");
    }
    assert!(
        c.create_backup_resource_package("spec", 1, ChargeInfo::monthly(9))
            .send()
            .await
            .is_ok()
    );
    assert_eq!(emu.server().request_count(), 1);
}

#[tokio::test]
async fn the_server_validates_too() {
    // With validation bypassed by a raw request, the emulator answers the documented 400 shape.
    let emu = HuaweiEmulator::start().await;
    let c = common::aksk(&emu);
    let e = c
        .raw(cloudops_huaweicloud::Service::TaurusDb, cloudops_core::Method::Post, format!("/v3/{}/backups/resource-package", huawei::PROJECT_ID))
        .json(&json!({"spec_code": "s", "num": 11, "charge_info": {"period_type": "year", "period_num": 1}}))
        .send::<serde_json::Value>()
        .await
        .unwrap_err();
    assert_eq!(e.http_status(), Some(400));
    assert_eq!(e.code(), Some("DBS.280001"));
    assert_eq!(e.service_kind(), Some(ServiceErrorKind::InvalidRequest));
}

/// A TaurusDB listing of 5 instances that answers each page from its `offset` and `limit`.
#[cfg(feature = "taurusdb-instances")]
async fn five_instances() -> cloudops_testkit::server::TestServer {
    cloudops_testkit::server::TestServer::start(|req| {
        let q = req.query_pairs();
        let get = |k: &str| {
            q.iter()
                .find(|(n, _)| n == k)
                .and_then(|(_, v)| v.parse::<usize>().ok())
        };
        let (offset, limit) = (get("offset").unwrap_or(0), get("limit").unwrap_or(100));
        let instances: Vec<serde_json::Value> = (offset..5.min(offset + limit))
            .map(|i| serde_json::json!({"id": format!("i-{i}")}))
            .collect();
        cloudops_testkit::server::Reply::json_value(
            200,
            &serde_json::json!({"instances": instances, "total_count": 5}),
        )
    })
    .await
}

#[cfg(feature = "taurusdb-instances")]
#[tokio::test]
async fn a_listing_is_read_page_by_page_until_the_total() {
    let server = five_instances().await;
    let client = Client::builder()
        .region("cn-north-4")
        .project_id(huawei::PROJECT_ID)
        .endpoint(Service::TaurusDb, server.url())
        .credentials(AccessKey::new(huawei::AK, huawei::SK))
        .build()
        .unwrap();
    let items = client
        .list_gauss_my_sql_instances()
        .limit(2)
        .into_items()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<_> = items.iter().filter_map(|i| i.id.as_deref()).collect();
    assert_eq!(ids, ["i-0", "i-1", "i-2", "i-3", "i-4"]);
    let offsets: Vec<String> = server
        .requests()
        .iter()
        .flat_map(|r| r.query_pairs())
        .filter(|(k, _)| k == "offset")
        .map(|(_, v)| v)
        .collect();
    assert_eq!(offsets, ["0", "2", "4"]);

    // Bounded: a listing stops with an error after `max_pages` pages.
    let mut pages = client
        .list_gauss_my_sql_instances()
        .limit(1)
        .into_pages()
        .max_pages(2);
    assert!(pages.next().await.unwrap().is_ok());
    assert!(pages.next().await.unwrap().is_ok());
    let e = pages.next().await.unwrap().unwrap_err();
    assert_eq!(e.invalid_field(), Some("max_pages"));
}
