//! `cargo xtask wire`: what goes on the wire, judged by the vendors' own clients.
//!
//! `xtask/wire/compare.py` starts a loopback capture server, sends each operation that has an
//! official Python client (every CynosDB action with a fixture, every DBSS and TaurusDB
//! operation) through that client and through this project's client
//! (`cargo xtask wire-client URL`, below) with the same inputs, and compares method, path,
//! query, body as JSON, the headers each sends and signs, and recomputes the signature of the
//! project's request as the server received it with the official signer.

use std::path::Path;
use std::process::ExitCode;

use cloudops_core::{AccessKey, RetryPolicy};

/// The CynosDB actions sent through the official typed client; every other one goes through
/// `CommonClient` with its documented request.
const TC_TYPED: &[&str] = &["PauseServerless", "DescribeServerlessStrategy"];

/// The inputs both sides use.
pub const TC_SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
/// The Tencent secret key.
pub const TC_SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
/// The Huawei access key.
pub const HW_AK: &str = "QTWAOYTTINDUT2QVKYUC";
/// The Huawei secret key.
pub const HW_SK: &str = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc";
/// The Huawei project id (carried by the credentials).
pub const HW_PROJECT: &str = "619d3e78f61b4be68bc5aa0b59edcf7b";

pub fn run(args: &[String], root: &Path) -> ExitCode {
    if !args.is_empty() {
        eprintln!("usage: cargo xtask wire");
        return ExitCode::FAILURE;
    }
    let Ok(me) = std::env::current_exe() else {
        eprintln!("cannot find the xtask binary");
        return ExitCode::FAILURE;
    };
    crate::python::run_script(root, "xtask/wire/compare.py", &[me.into_os_string()])
}

/// `cargo xtask wire-client URL`: the project's side, each operation once against `URL`.
pub fn client(args: &[String]) -> ExitCode {
    let [url] = args else {
        eprintln!("usage: cargo xtask wire-client URL");
        return ExitCode::FAILURE;
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("no runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(calls(url)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wire-client: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `fixtures/<vendor>/<op>/meta.json`.
fn read_meta(
    root: &Path,
    vendor: &str,
    op: &str,
) -> Result<serde_json::Value, cloudops_core::Error> {
    std::fs::read_to_string(
        root.join("fixtures")
            .join(vendor)
            .join(op)
            .join("meta.json"),
    )
    .ok()
    .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
    .ok_or_else(|| cloudops_core::Error::invalid_input("fixtures", format!("{op}: no meta.json")))
}

async fn calls(url: &str) -> Result<(), cloudops_core::Error> {
    use cloudops_huaweicloud::{ProjectScoped, Service};
    let tc = cloudops_tencentcloud_cynosdb::Client::builder()
        .region("ap-guangzhou")
        .endpoint(url)
        .credentials(AccessKey::new(TC_SECRET_ID, TC_SECRET_KEY))
        .retry_policy(RetryPolicy::disabled())
        .build()?;
    tc.pause_serverless("cynosdbmysql-8vcxoq75").send().await?;
    tc.describe_serverless_strategy("cynosdbmysql-8vcxoq75")
        .send()
        .await?;
    // Every other CynosDB action with a fixture, from its documented inputs.
    let root = cloudops_fixtures::workspace_root();
    let dirs = cloudops_fixtures::fixture_dirs(&root)
        .map_err(|e| cloudops_core::Error::invalid_input("fixtures", e))?;
    for (vendor, op) in dirs {
        if vendor != "tencentcloud" || TC_TYPED.contains(&op.as_str()) {
            continue;
        }
        let meta = read_meta(&root, &vendor, &op)?;
        cloudops_fixtures::calls::tencentcloud(&tc, &op, &meta["inputs"])
            .await
            .ok_or_else(|| {
                cloudops_core::Error::invalid_input("fixtures", format!("{op} is not modelled"))
            })??;
    }

    let hw = cloudops_huaweicloud::Client::builder()
        .region("cn-north-4")
        .endpoint(Service::Dbss, url)
        .endpoint(Service::TaurusDb, url)
        .credentials(AccessKey::new(HW_AK, HW_SK).with_project_id(HW_PROJECT))
        .retry_policy(RetryPolicy::disabled())
        .build()?;
    // Every DBSS and TaurusDB operation, in name order (as the official side sends them), from
    // its fixture's inputs.
    let mut names: Vec<&str> = cloudops_huaweicloud::dbss::OPERATIONS
        .iter()
        .chain(cloudops_huaweicloud::taurusdb::OPERATIONS)
        .map(|s| s.name)
        .collect();
    names.sort_unstable();
    for op in names {
        let meta = read_meta(&root, "huaweicloud", op)?;
        cloudops_fixtures::calls::huaweicloud(&hw, op, &meta["inputs"])
            .await
            .ok_or_else(|| {
                cloudops_core::Error::invalid_input("fixtures", format!("{op} is not modelled"))
            })??;
    }
    Ok(())
}
