//! No panic on any server response: every operation decodes thousands of random and mutated
//! answers (random statuses, bytes, truncations and edits of the real envelopes) into an
//! output or an error value.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use cloudops_core::id::random_u64;
use cloudops_core::{AccessKey, Headers, Response, RetryPolicy};
use cloudops_huaweicloud::Service;
use cloudops_huaweicloud::taurusdb::ChargeInfo;
use cloudops_testkit::StubTransport;

const SEEDS: &[&str] = &[
    r#"{"Response": {"FlowId": 1008306, "RequestId": "37508f2e-23eb-11eb-a713-525400b7dd5a"}}"#,
    r#"{"Response": {"Status": 0, "RequestId": "r"}}"#,
    r#"{"Response": {"Error": {"Code": "ResourceNotFound.ClusterNotFoundError", "Message": "m"}, "RequestId": "r"}}"#,
    r#"{"result": "success"}"#,
    r#"{"order_id": "CS1", "spec_code": "s", "num": 1, "period_type": "year", "period_num": 1}"#,
    r#"{"error_code": "0", "error_msg": "OK", "data": {"task_id": "t", "cmd_jobs": [{"instance_id": "i", "job_id": 7}]}}"#,
    r#"{"error_code": "APIGW.0301", "error_msg": "x", "details": [{"error_code": 1}], "encoded_authorization_message": 5}"#,
    r#"{"error": {"code": 401, "message": "m"}}"#,
    r#"{"data": {"backupObjectOpsResultList": [{"beSuccessful": false, "obBackupObjectList": [{"clusterId": 1}], "taskIdList": ["5"], "errorCode": 6, "hint": "h"}], "obBackupTaskType": "X"}, "successful": true, "timestamp": "2024-09-10T10:07:58.026+08:00", "traceId": "t"}"#,
    r#"{"data": {"id": 1, "status": "RUNNING"}, "successful": true}"#,
    r#"{"successful": false, "status": 409, "error": {"code": "60018", "message": "m", "subErrors": [{"object": "o"}]}}"#,
    "<html>502</html>",
    "",
];

fn random_answer(i: usize) -> Response {
    let r = random_u64();
    let statuses = [
        200, 201, 204, 400, 401, 403, 404, 409, 429, 500, 502, 503, 504, 302, 100,
    ];
    let status = statuses[(r % statuses.len() as u64) as usize];
    let seed = SEEDS[i % SEEDS.len()].as_bytes();
    let body: Vec<u8> = match (r >> 8) % 5 {
        0 => seed.to_vec(),
        // Truncated at a random byte.
        1 => seed[..(((r >> 16) as usize) % (seed.len() + 1))].to_vec(),
        // One byte replaced.
        2 if !seed.is_empty() => {
            let mut b = seed.to_vec();
            let at = ((r >> 16) as usize) % b.len();
            b[at] = (r >> 40) as u8;
            b
        }
        // Random bytes.
        3 => (0..((r >> 16) % 64))
            .map(|k| (random_u64() >> (k % 8)) as u8)
            .collect(),
        // Deeply nested JSON.
        _ => format!("{}{}", "[".repeat(200), "]".repeat(200)).into_bytes(),
    };
    let mut headers = Headers::new();
    if r & (1 << 50) != 0 {
        headers.set("x-subject-token", "tok");
        headers.set("x-request-id", "rid");
        headers.set("retry-after", "0");
    }
    Response {
        status,
        headers,
        body,
    }
}

#[tokio::test]
async fn random_and_mutated_answers_never_panic() {
    for i in 0..600 {
        let stub = Arc::new(StubTransport::new(random_answer(i)));
        let key = AccessKey::new("ak", "sk");
        let tc = cloudops_tencentcloud_cynosdb::Client::builder()
            .region("ap-guangzhou")
            .credentials(key.clone())
            .transport(stub.clone())
            .retry_policy(RetryPolicy::disabled())
            .build()
            .unwrap();
        let hw = cloudops_huaweicloud::Client::builder()
            .region("cn-north-4")
            .project_id("619d3e78f61b4be68bc5aa0b59edcf7b")
            .endpoint(Service::KooPhone, "https://koophone.example.com")
            .credentials(key.clone())
            .transport(stub.clone())
            .retry_policy(RetryPolicy::disabled())
            .build()
            .unwrap();
        let ocp = cloudops_ocp::Client::builder()
            .endpoint("http://ocp.example.com")
            .credentials(key)
            .transport(stub.clone())
            .retry_policy(RetryPolicy::disabled())
            .build()
            .unwrap();
        // Every call returns; which way it goes depends on the answer.
        let _ = tc.pause_serverless("cynosdbmysql-8vcxoq75").send().await;
        let _ = tc.resume_serverless("cynosdbmysql-8vcxoq75").send().await;
        let _ = tc.describe_flow(1).send().await;
        let _ = tc
            .action("DescribeClusters")
            .send::<_, serde_json::Value>(&())
            .await;
        let _ = hw
            .stop_db_om_instance("2f1a3b5c7d9e4f60a1b2c3d4e5f60718")
            .send()
            .await;
        let _ = hw
            .create_backup_resource_package("s", 1, ChargeInfo::monthly(1))
            .send()
            .await;
        let _ = hw.batch_backup_instances(["i"]).send().await;
        let _ = ocp.stop_tenant_backup_schedule(1, 2).send().await;
        let _ = ocp.start_tenant_backup_schedule(1, 2).send().await;
        let _ = ocp.get_tenant_backup_strategy(1, 2).send().await;
        let _ = ocp.get_task(3).send().await;
        let pipeline = cloudops_core::Pipeline::new(
            cloudops_core::ClientOptions::default()
                .transport(stub.clone())
                .retry(RetryPolicy::disabled()),
        )
        .unwrap();
        let iam = cloudops_huaweicloud::iam::IamTokenProvider::new(
            cloudops_core::Endpoint::parse("https://iam.cn-north-4.myhuaweicloud.com").unwrap(),
            cloudops_huaweicloud::IamPassword::new("u", "p", "d"),
            "cn-north-4",
            pipeline,
        );
        let _ = cloudops_core::credentials::ProvideToken::fetch_token(&iam).await;
    }
}
