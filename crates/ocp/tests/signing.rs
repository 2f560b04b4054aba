//! The AK/SK string to sign of the documented sample request, built through the client with
//! fixed credentials and date, checked line by line against the rule:
//! `METHOD\nMd5Payload\nContentType\nDate\nHost\nOcpHeaders\nPathAndQuery`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use base64::Engine as _;
use cloudops_core::sign::ocp;
use cloudops_core::time::FixedClock;
use cloudops_core::{Response, SecretString};
use cloudops_ocp::{AccessKey, Client};
use cloudops_testkit::StubTransport;
use hmac::{KeyInit, Mac};

const SAMPLE_RESPONSE: &str = cloudops_testkit::ocp::SAMPLE_RESPONSE;

#[tokio::test]
async fn documented_sample_string_to_sign_line_by_line() {
    let stub = Arc::new(StubTransport::new(Response::new(200, SAMPLE_RESPONSE)));
    let client = Client::builder()
        .endpoint("http://ocp.example.com:8080")
        .credentials(AccessKey::new("sample-ak", SecretString::new("sample-sk")))
        .clock(Arc::new(FixedClock::at_unix(1_673_926_561))) // Tue, 17 Jan 2023 03:36:01 GMT
        .transport(stub.clone())
        .build()
        .unwrap();
    client
        .stop_tenant_backup_schedule(1000002, 1000012)
        .send()
        .await
        .unwrap();
    let sent = stub.requests().pop().unwrap();

    // Rebuild the string to sign from the request as sent, with the core's function...
    let ocp_headers: Vec<(&str, &str)> = sent
        .headers
        .iter()
        .filter(|(n, _)| n.starts_with("x-ocp-"))
        .collect();
    let sts = ocp::string_to_sign(&ocp::OcpInput {
        method: sent.method,
        body: &sent.body,
        content_type: sent.headers.get("content-type").unwrap_or(""),
        date: sent.headers.get("date").unwrap(),
        host: sent.headers.get("host").unwrap(),
        ocp_headers: &ocp_headers,
        path: &sent.full_path(),
        query: &sent.query,
    });
    // ...and check every line against the rule.
    let lines: Vec<&str> = sts.split('\n').collect();
    assert_eq!(lines.len(), 7, "{sts:?}");
    assert_eq!(lines[0], "POST", "method");
    assert_eq!(lines[1], "", "MD5 of an empty body is empty");
    assert_eq!(lines[2], "", "no Content-Type is sent without a body");
    assert_eq!(lines[3], "Tue, 17 Jan 2023 03:36:01 GMT", "RFC 1123 date");
    assert_eq!(lines[4], "ocp.example.com:8080", "host[:port] as sent");
    assert_eq!(lines[5], "", "no x-ocp-* headers");
    assert_eq!(
        lines[6],
        "/api/v2/ob/clusters/1000002/tenants/1000012/backup/config/backupStrategy/stopSchedule",
        "path, no query"
    );

    // The signature is base64(HMAC-SHA1(SK, string to sign)), computed here independently.
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(b"sample-sk").unwrap();
    mac.update(sts.as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    assert_eq!(
        sent.headers.get("authorization").unwrap(),
        format!("OCP-ACCESS-KEY-HMACSHA1 sample-ak:{expected}")
    );
    assert_eq!(
        sent.headers.get("date"),
        Some("Tue, 17 Jan 2023 03:36:01 GMT")
    );
}
