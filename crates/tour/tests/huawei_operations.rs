//! Every Huawei Cloud operation in the registry, sent through the public client to the
//! emulator with its fixture's inputs, once signed with AK/SK and once with an IAM token: each
//! is answered, decoded, and carried the authorization it was sent with. The emulator checks
//! each request's path, query and body against the model before it answers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use cloudops_core::{AccessKey, Error, Method, RetryPolicy};
use cloudops_huaweicloud::{Client, IamPassword, Service};
use cloudops_testkit::huawei::{self, HuaweiEmulator};
use serde_json::Value;

fn builder(emu: &HuaweiEmulator) -> cloudops_huaweicloud::ClientBuilder {
    Client::builder()
        .region("cn-north-4")
        .project_id(huawei::PROJECT_ID)
        .endpoint(Service::Iam, emu.url())
        .endpoint(Service::Dbss, emu.url())
        .endpoint(Service::TaurusDb, emu.url())
        .endpoint(Service::KooPhone, emu.url())
        .retry_policy(
            RetryPolicy::standard()
                .initial_backoff(Duration::ZERO)
                .max_backoff(Duration::ZERO),
        )
}

/// The operations a client calls (the IAM login runs inside the token authorizer).
fn operations() -> Vec<&'static str> {
    cloudops_huaweicloud::operations()
        .iter()
        .map(|s| s.name)
        .filter(|n| *n != "KeystoneCreateUserTokenByPassword")
        .collect()
}

/// Calls every operation with `client`; returns the failures, and checks that each request
/// the emulator received for a call carried `authorization` (a prefix of its header).
async fn call_all(emu: &HuaweiEmulator, client: &Client, authorization: &str) -> Vec<String> {
    let mut failures = Vec::new();
    for op in operations() {
        let mut inputs =
            cloudops_fixtures::calls::huaweicloud_examples(op).expect("a modelled operation");
        if op.ends_with("DbOmInstance") {
            inputs["instance_id"] = huawei::DBSS_INSTANCE.into();
        }
        if op == "BatchBackupInstances" {
            inputs["instance_ids"] = serde_json::json!([huawei::KOOPHONE_INSTANCE]);
        }
        let before = emu.server().request_count();
        let out = cloudops_fixtures::calls::huaweicloud(client, op, &inputs)
            .await
            .expect("a modelled operation");
        if let Err(e) = out {
            failures.push(format!("{op}: {e}"));
            continue;
        }
        let sent = emu.server().requests();
        let last = &sent[sent.len() - 1];
        let auth = if authorization == "x-auth-token" {
            last.headers.get("x-auth-token").map(|_| "x-auth-token")
        } else {
            last.headers.get("authorization")
        };
        if emu.server().request_count() <= before
            || !auth.is_some_and(|a| a.starts_with(authorization))
        {
            failures.push(format!("{op}: not sent with {authorization}"));
        }
    }
    failures
}

#[tokio::test]
async fn every_operation_with_an_access_key() {
    let emu = HuaweiEmulator::start().await;
    let client = builder(&emu)
        .credentials(AccessKey::new(huawei::AK, huawei::SK))
        .build()
        .unwrap();
    let failures = call_all(&emu, &client, "SDK-HMAC-SHA256").await;
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    // Every operation with a fixture folder is in the registry, and called above.
    let root = cloudops_fixtures::workspace_root();
    let folders = cloudops_fixtures::fixture_dirs(&root)
        .unwrap()
        .into_iter()
        .filter(|(vendor, op)| vendor == "huaweicloud" && op != "KeystoneCreateUserTokenByPassword")
        .count();
    assert_eq!(operations().len(), folders);
}

#[tokio::test]
async fn every_operation_with_an_iam_token() {
    let emu = HuaweiEmulator::start().await;
    let client = builder(&emu)
        .iam_password(IamPassword::new(
            huawei::IAM_USER,
            huawei::IAM_PASSWORD,
            huawei::IAM_DOMAIN,
        ))
        .build()
        .unwrap();
    let failures = call_all(&emu, &client, "x-auth-token").await;
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    assert_eq!(emu.tokens_issued(), 1, "one token serves every call");
}

/// A request the model refuses, sent raw (the typed client would refuse it before sending):
/// the emulator's error envelope, naming the member.
async fn refused(
    client: &Client,
    method: Method,
    path: String,
    query: &[(&str, &str)],
    body: Option<Value>,
) -> Error {
    let mut raw = client.raw(Service::TaurusDb, method, path);
    for (k, v) in query {
        raw = raw.query(*k, *v);
    }
    if let Some(b) = body {
        raw = raw.json(&b);
    }
    raw.send::<Value>().await.unwrap_err()
}

#[tokio::test]
async fn the_emulator_checks_query_and_body_against_the_model() {
    let emu = HuaweiEmulator::start().await;
    let client = builder(&emu)
        .credentials(AccessKey::new(huawei::AK, huawei::SK))
        .build()
        .unwrap();
    let instances = format!("/v3/{}/instances", huawei::PROJECT_ID);
    let e = refused(
        &client,
        Method::Get,
        instances.clone(),
        &[("limit", "ten")],
        None,
    )
    .await;
    assert_eq!(
        (e.http_status(), e.code()),
        (Some(400), Some("EMULATOR.0400"))
    );
    assert_eq!(e.message(), Some("limit must be an integer"));
    let e = refused(&client, Method::Get, instances, &[("bogus", "1")], None).await;
    assert_eq!(e.message(), Some("the parameter bogus is not recognized"));

    // A TaurusDB POST on the project alone with a required body member, sent without it.
    let op = cloudops_testkit::tables::HUAWEICLOUD_TAURUSDB
        .iter()
        .find(|o| {
            o.method == "POST"
                && o.path.matches('{').count() == 1
                && o.members.iter().any(|m| m.required)
        })
        .expect("such an operation");
    let required = op.members.iter().find(|m| m.required).unwrap().wire;
    let path = op.path.replace("{project_id}", huawei::PROJECT_ID);
    let e = refused(
        &client,
        Method::Post,
        path,
        &[],
        Some(serde_json::json!({})),
    )
    .await;
    assert_eq!(e.http_status(), Some(400), "{}", op.name);
    assert_eq!(
        e.message().map(str::to_string),
        Some(format!("the required parameter {required} is missing")),
        "{}",
        op.name
    );
}

#[tokio::test]
async fn an_upload_sends_a_form_and_a_download_answers_the_file() {
    use cloudops_huaweicloud::{FormFile, RequestId};
    let emu = HuaweiEmulator::start().await;
    let client = builder(&emu)
        .credentials(AccessKey::new(huawei::AK, huawei::SK))
        .build()
        .unwrap();

    let file = FormFile::new("tables.xlsx", b"col\r\nvalue\r\n".to_vec())
        .with_content_type("application/vnd.ms-excel");
    let uploaded = client
        .upload_import_excel_template("instance-1", file, "db1", "sync")
        .is_instance_level("true")
        .send()
        .await
        .unwrap();
    assert!(uploaded.request_id().is_some());
    let sent = emu.server().requests();
    let form = sent.last().unwrap();
    assert_eq!(
        form.headers.get("x-sdk-content-sha256"),
        Some("UNSIGNED-PAYLOAD")
    );
    let content_type = form.headers.get("content-type").unwrap();
    let parts = cloudops_testkit::rules::parse_form(content_type, &form.body).unwrap();
    let file = parts.iter().find(|p| p.name == "file").unwrap();
    assert_eq!(file.file_name.as_deref(), Some("tables.xlsx"));
    assert_eq!(
        file.content_type.as_deref(),
        Some("application/vnd.ms-excel")
    );
    assert_eq!(file.content, b"col\r\nvalue\r\n");
    let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        ["file", "selected_dbs", "template_type", "is_instance_level"]
    );

    let report = client
        .download_audit_report("instance-1", "report-1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        report.file.body,
        b"DownloadAuditReport: the file the answer holds (synthesised)\n"
    );
    assert_eq!(report.file.file_name(), Some("DownloadAuditReport.txt"));
    assert_eq!(
        report.file.content_type.as_deref(),
        Some("application/octet-stream")
    );

    // An error answer to a download is the service's error, as for any other operation.
    emu.throttle_next(1);
    let e = client
        .download_audit_report("instance-1", "report-1")
        .retry_policy(RetryPolicy::disabled())
        .send()
        .await
        .unwrap_err();
    assert_eq!((e.http_status(), e.code()), (Some(429), Some("APIGW.0308")));
}
