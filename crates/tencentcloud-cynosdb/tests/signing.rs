//! The documented PauseServerless sample, signed through the crate's request path with the
//! published example credentials at a fixed time, against an Authorization header computed
//! here from the TC3 rule alone.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use cloudops_core::time::FixedClock;
use cloudops_core::{AccessKey, Response};
use cloudops_tencentcloud_cynosdb::Client;
use cloudops_testkit::StubTransport;
use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};

const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
const TIMESTAMP: u64 = 1_551_113_065; // 2019-02-25 16:44:25 UTC
const SAMPLE_RESPONSE: &str =
    r#"{"Response": {"FlowId": 1008306, "RequestId": "37508f2e-23eb-11eb-a713-525400b7dd5a"}}"#;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hmac256(key: &[u8], msg: &str) -> Vec<u8> {
    let mut m = hmac::Hmac::<Sha256>::new_from_slice(key).unwrap();
    m.update(msg.as_bytes());
    m.finalize().into_bytes().to_vec()
}

/// The rule of VENDOR-NOTES.md, written out step by step.
fn expected_authorization(body: &str) -> String {
    let canonical = format!(
        "POST\n/\n\ncontent-type:application/json\nhost:cynosdb.tencentcloudapi.com\n\ncontent-type;host\n{}",
        hex(&Sha256::digest(body.as_bytes()))
    );
    let string_to_sign = format!(
        "TC3-HMAC-SHA256\n{TIMESTAMP}\n2019-02-25/cynosdb/tc3_request\n{}",
        hex(&Sha256::digest(canonical.as_bytes()))
    );
    let k_date = hmac256(format!("TC3{SECRET_KEY}").as_bytes(), "2019-02-25");
    let k_service = hmac256(&k_date, "cynosdb");
    let k_signing = hmac256(&k_service, "tc3_request");
    let signature = hex(&hmac256(&k_signing, &string_to_sign));
    format!(
        "TC3-HMAC-SHA256 Credential={SECRET_ID}/2019-02-25/cynosdb/tc3_request, SignedHeaders=content-type;host, Signature={signature}"
    )
}

#[tokio::test]
async fn documented_sample_is_signed_by_the_rule() {
    let stub = Arc::new(StubTransport::new(Response::new(200, SAMPLE_RESPONSE)));
    let client = Client::builder()
        .region("ap-guangzhou")
        .credentials(AccessKey::new(SECRET_ID, SECRET_KEY))
        .clock(Arc::new(FixedClock::at_unix(TIMESTAMP)))
        .transport(stub.clone())
        .build()
        .unwrap();
    let out = client
        .pause_serverless("cynosdbmysql-8vcxoq75")
        .force_pause(true)
        .send()
        .await
        .unwrap();
    assert_eq!(out.flow_id, 1_008_306);
    assert_eq!(out.request_id, "37508f2e-23eb-11eb-a713-525400b7dd5a");

    let sent = stub.requests().pop().unwrap();
    let body = String::from_utf8(sent.body.clone()).unwrap();
    assert_eq!(
        body,
        r#"{"ClusterId":"cynosdbmysql-8vcxoq75","ForcePause":1}"#
    );
    assert_eq!(sent.url(), "https://cynosdb.tencentcloudapi.com/");
    assert_eq!(sent.headers.get("x-tc-timestamp"), Some("1551113065"));
    assert_eq!(
        sent.headers.get("host"),
        Some("cynosdb.tencentcloudapi.com")
    );
    assert_eq!(
        sent.headers.get("authorization").unwrap(),
        expected_authorization(&body)
    );
}

#[tokio::test]
async fn regional_endpoint_is_signed_with_its_own_host() {
    let stub = Arc::new(StubTransport::new(Response::new(200, SAMPLE_RESPONSE)));
    let client = Client::builder()
        .region("ap-shanghai")
        .regional_endpoint(true)
        .credentials(AccessKey::new(SECRET_ID, SECRET_KEY))
        .transport(stub.clone())
        .build()
        .unwrap();
    client
        .pause_serverless("cynosdbmysql-8vcxoq75")
        .send()
        .await
        .unwrap();
    let sent = stub.requests().pop().unwrap();
    assert_eq!(
        sent.url(),
        "https://cynosdb.ap-shanghai.tencentcloudapi.com/"
    );
    assert_eq!(
        sent.headers.get("host"),
        Some("cynosdb.ap-shanghai.tencentcloudapi.com")
    );
}
