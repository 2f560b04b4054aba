//! The documented SDK-HMAC-SHA256 example, reproduced through this crate's request path (the
//! client, its authorizer and the pipeline), not only the core signer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use cloudops_core::time::FixedClock;
use cloudops_core::{AccessKey, Method, Response};
use cloudops_huaweicloud::Client;
use cloudops_testkit::StubTransport;

#[tokio::test]
async fn documented_example_through_the_client() {
    let stub = Arc::new(StubTransport::new(Response::new(200, "{}")));
    let client = Client::builder()
        .region("cn-north-4")
        .credentials(AccessKey::new(
            "QTWAOYTTINDUT2QVKYUC",
            "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc",
        ))
        .clock(Arc::new(FixedClock::at_unix(1_573_789_015))) // 2019-11-15T03:36:55Z
        .transport(stub.clone())
        .build()
        .unwrap();
    client
        .raw_at(
            "https://service.region.example.com",
            Method::Get,
            "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs",
        )
        .query("limit", "2")
        .query("marker", "13551d6b-755d-4757-b956-536f674975c0")
        .header("Content-Type", "application/json")
        .send::<serde_json::Value>()
        .await
        .unwrap();
    let sent = stub.requests().pop().unwrap();
    assert_eq!(
        sent.url(),
        "https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0"
    );
    assert_eq!(sent.headers.get("x-sdk-date"), Some("20191115T033655Z"));
    assert_eq!(
        sent.headers.get("authorization"),
        Some(
            "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, \
             Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
        )
    );
}
