//! Every answer is parsed once: a success and an error of each vendor, decoded through the
//! public clients with a stub transport, each cost exactly one JSON parse of the body
//! (`cloudops_core::operation::json_parses` counts the core's one parse entry point).
//! One test in its own binary, so no other test parses at the same time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::future::Future;
use std::sync::Arc;

use cloudops_core::operation::json_parses;
use cloudops_core::{AccessKey, BasicAuth, Response, RetryPolicy};
use cloudops_huaweicloud::Service;
use cloudops_huaweicloud::taurusdb::ChargeInfo;
use cloudops_testkit::StubTransport;

async fn parses<T, F: Future<Output = T>>(call: F) -> (u64, T) {
    let before = json_parses();
    let out = call.await;
    (json_parses() - before, out)
}

fn stub(status: u16, body: &str) -> Arc<StubTransport> {
    let mut r = Response::new(status, body);
    r.headers.set("x-request-id", "rid");
    Arc::new(StubTransport::new(r))
}

#[tokio::test(flavor = "current_thread")]
async fn one_json_parse_per_answer() {
    let mut seen = Vec::new();

    for (status, body, ok) in [
        (200, r#"{"Response":{"FlowId":7,"RequestId":"r1"}}"#, true),
        (
            200,
            r#"{"Response":{"Error":{"Code":"ResourceNotFound.ClusterNotFoundError","Message":"m"},"RequestId":"r2"}}"#,
            false,
        ),
    ] {
        let tc = cloudops_tencentcloud_cynosdb::Client::builder()
            .region("ap-guangzhou")
            .credentials(AccessKey::new("AKIDx", "sk"))
            .transport(stub(status, body))
            .retry_policy(RetryPolicy::disabled())
            .build()
            .unwrap();
        let (n, out) = parses(tc.pause_serverless("cynosdbmysql-8vcxoq75").send()).await;
        assert_eq!(out.is_ok(), ok, "{out:?}");
        seen.push(("PauseServerless", ok, n));
    }

    for (status, body, ok) in [
        (200, r#"{"result":"success"}"#, true),
        (
            400,
            r#"{"error_code":"DBSS.10001","error_msg":"bad"}"#,
            false,
        ),
    ] {
        let hw = cloudops_huaweicloud::Client::builder()
            .region("cn-north-4")
            .project_id("619d3e78f61b4be68bc5aa0b59edcf7b")
            .credentials(AccessKey::new("AK", "SK"))
            .transport(stub(status, body))
            .retry_policy(RetryPolicy::disabled())
            .build()
            .unwrap();
        let (n, out) = parses(
            hw.stop_db_om_instance("2f1a3b5c7d9e4f60a1b2c3d4e5f60718")
                .send(),
        )
        .await;
        assert_eq!(out.is_ok(), ok, "{out:?}");
        seen.push(("StopDbOmInstance", ok, n));
    }

    for (status, body, ok) in [
        (
            200,
            r#"{"order_id":"CS1","spec_code":"s","num":1,"period_type":"year","period_num":1}"#,
            true,
        ),
        (
            400,
            r#"{"error":{"code":"DBS.280001","message":"bad"}}"#,
            false,
        ),
    ] {
        let hw = cloudops_huaweicloud::Client::builder()
            .region("cn-north-4")
            .project_id("619d3e78f61b4be68bc5aa0b59edcf7b")
            .credentials(AccessKey::new("AK", "SK"))
            .transport(stub(status, body))
            .retry_policy(RetryPolicy::disabled())
            .build()
            .unwrap();
        let (n, out) = parses(
            hw.create_backup_resource_package("s", 1, ChargeInfo::yearly(1))
                .send(),
        )
        .await;
        assert_eq!(out.is_ok(), ok, "{out:?}");
        seen.push(("CreateBackupResourcePackage", ok, n));
    }

    for (status, body, ok) in [
        (200, r#"{"error_code":"0","error_msg":"OK"}"#, true),
        (
            200,
            r#"{"error_code":"KOOPHONE.API.1001","error_msg":"no"}"#,
            false,
        ),
    ] {
        let hw = cloudops_huaweicloud::Client::builder()
            .region("cn-north-4")
            .endpoint(Service::KooPhone, "https://koophone.example.com")
            .credentials(AccessKey::new("AK", "SK"))
            .transport(stub(status, body))
            .retry_policy(RetryPolicy::disabled())
            .build()
            .unwrap();
        let (n, out) = parses(hw.batch_backup_instances(["i"]).send()).await;
        assert_eq!(out.is_ok(), ok, "{out:?}");
        seen.push(("BatchBackupInstances", ok, n));
    }

    for (status, body, ok) in [
        (
            200,
            r#"{"data":{"id":1,"status":"RUNNING"},"successful":true,"traceId":"t"}"#,
            true,
        ),
        (
            404,
            r#"{"successful":false,"status":404,"traceId":"t","error":{"code":20001,"message":"gone"}}"#,
            false,
        ),
    ] {
        let ocp = cloudops_ocp::Client::builder()
            .endpoint("http://127.0.0.1:8080")
            .credentials(BasicAuth::new("admin", "pw"))
            .transport(stub(status, body))
            .retry_policy(RetryPolicy::disabled())
            .build()
            .unwrap();
        let (n, out) = parses(ocp.get_task(1).send()).await;
        assert_eq!(out.is_ok(), ok, "{out:?}");
        seen.push(("GetTask", ok, n));
    }

    for (op, ok, n) in &seen {
        assert_eq!(
            *n,
            1,
            "{op} ({}) parsed its answer {n} times",
            if *ok { "success" } else { "error" }
        );
    }
    assert_eq!(seen.len(), 10);
}
