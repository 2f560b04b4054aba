//! Every Huawei Cloud operation in the registry, sent through the public client to the
//! emulator with its fixture's inputs, once signed with AK/SK and once with an IAM token: each
//! is answered, decoded, and carried the authorization it was sent with. The emulator checks
//! each request's path, query and body against the model before it answers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use cloudops_core::{AccessKey, RetryPolicy};
use cloudops_huaweicloud::{Client, IamPassword, Service};
use cloudops_testkit::huawei::{self, HuaweiEmulator};

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
