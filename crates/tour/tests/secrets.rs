//! No secret reaches a trace line or a Debug string, across every vendor: the whole tour runs
//! under a tracing capture, and every client it builds is printed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cloudops_core::{AccessKey, BasicAuth};
use cloudops_huaweicloud::{IamPassword, Service};
use cloudops_testkit::{TraceCapture, cynosdb, huawei, ocp};

#[tokio::test]
async fn the_tour_logs_no_secret() {
    let capture = TraceCapture::new();
    let report = {
        let _guard = capture.set_default();
        cloudops_tour::run_against_emulators().await
    };
    assert!(report.all_succeeded(), "{}", report.render());

    let clients = format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        cloudops_ocp::Client::builder("http://127.0.0.1:1")
            .credentials(AccessKey::new(ocp::ACCESS_KEY_ID, ocp::ACCESS_KEY_SECRET))
            .build()
            .unwrap(),
        cloudops_ocp::Client::builder("http://127.0.0.1:1")
            .credentials(BasicAuth::new(ocp::USERNAME, ocp::PASSWORD))
            .build()
            .unwrap(),
        cloudops_huaweicloud::Client::builder()
            .region("cn-north-4")
            .endpoint(Service::Iam, "http://127.0.0.1:1")
            .iam_password(IamPassword::new(
                huawei::IAM_USER,
                huawei::IAM_PASSWORD,
                huawei::IAM_DOMAIN
            ))
            .build()
            .unwrap(),
        cloudops_huaweicloud::Client::builder()
            .region("cn-north-4")
            .credentials(
                AccessKey::new(huawei::AK, huawei::SK).with_session_token("security-token-value")
            )
            .build()
            .unwrap(),
        cloudops_tencentcloud_cynosdb::Client::builder()
            .region("ap-guangzhou")
            .credentials(
                AccessKey::new(cynosdb::SECRET_ID, cynosdb::SECRET_KEY)
                    .with_session_token("tc-session-token")
            )
            .build()
            .unwrap(),
    );
    let traces = capture.text();
    assert!(traces.contains("cloudops.call"), "the capture saw nothing");
    for secret in [
        ocp::ACCESS_KEY_SECRET,
        ocp::PASSWORD,
        huawei::SK,
        huawei::IAM_PASSWORD,
        "MIIemulatedtoken",
        "security-token-value",
        cynosdb::SECRET_KEY,
        "tc-session-token",
    ] {
        assert!(!traces.contains(secret), "{secret} is in the traces");
        assert!(
            !clients.contains(secret),
            "{secret} is in a client's Debug output"
        );
    }
    // The key ids are not secrets and are what a user needs to see.
    assert!(clients.contains(huawei::AK));
}
