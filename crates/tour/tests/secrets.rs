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
        cloudops_ocp::Client::builder()
            .endpoint("http://127.0.0.1:1")
            .credentials(AccessKey::new(ocp::ACCESS_KEY_ID, ocp::ACCESS_KEY_SECRET))
            .build()
            .unwrap(),
        cloudops_ocp::Client::builder()
            .endpoint("http://127.0.0.1:1")
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
        // Temporary keys and tokens from the emulated metadata services.
        "tmp-secret-key-",
        "tmp-session-token-",
        "tmp-sk-",
        "tmp-security-token-",
        "metadata-session-",
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

/// Every error built from a body that echoes a token, for every vendor: no form of it prints
/// the token (Display, Debug, pretty Debug, the message, the kept body or excerpt).
#[tokio::test]
async fn errors_built_from_echoing_bodies_print_no_secret() {
    use std::sync::Arc;

    use cloudops_core::{Error, Response, RetryPolicy};
    use cloudops_testkit::StubTransport;

    const SECRET: &str = "echoedSECRETtoken0123456789/+=";
    let echoes = [
        format!("canonicalRequest: POST|/|x-security-token:{SECRET}|host:h"),
        format!("canonicalRequest:\nPOST\n/\nX-TC-Token:{SECRET}\nhost:h"),
        format!("received Authorization: Basic {SECRET}"),
        format!("headers {{\"X-Auth-Token\": \"{SECRET}\"}}"),
    ];
    let mut bodies = Vec::new();
    for echo in &echoes {
        let quoted = serde_json::to_string(echo).unwrap();
        bodies.push((
            401,
            format!(r#"{{"error_code":"APIGW.0301","error_msg":{quoted}}}"#),
        ));
        bodies.push((
            401,
            format!(r#"{{"error":{{"code":"APIGW.0301","message":{quoted}}}}}"#),
        ));
        bodies.push((
            200,
            format!(
                r#"{{"Response":{{"Error":{{"Code":"AuthFailure.SignatureFailure","Message":{quoted}}},"RequestId":"r"}}}}"#
            ),
        ));
        bodies.push((
            401,
            format!(
                r#"{{"successful":false,"status":401,"traceId":"t","error":{{"code":10001,"message":{quoted},"debugMessage":{quoted},"subErrors":[{{"object":"o","field":"f","message":{quoted}}}]}}}}"#
            ),
        ));
        bodies.push((401, echo.clone()));
    }
    let printed = |e: &Error| {
        let mut s = format!("{e}\n{e:?}\n{e:#?}\n{:?}", e.message());
        if let Some(se) = e.service_error() {
            s.push_str(&se.raw_body);
            for d in &se.details {
                s.push_str(&format!("{d:?}"));
            }
            for (_, v) in &se.extra {
                s.push_str(v);
            }
        }
        if let Error::Undecodable(u) = e {
            s.push_str(&u.excerpt);
        }
        s
    };
    // Under a capture of its own: its traces are checked too, and callsites first seen here
    // stay enabled for the other test's capture.
    let capture = TraceCapture::new();
    let _guard = capture.set_default();
    for (status, body) in &bodies {
        let stub = || Arc::new(StubTransport::new(Response::new(*status, body.clone())));
        let mut errors = Vec::new();
        let ocp = cloudops_ocp::Client::builder()
            .endpoint("http://127.0.0.1:1")
            .credentials(BasicAuth::new(ocp::USERNAME, ocp::PASSWORD))
            .transport(stub())
            .retry_policy(RetryPolicy::disabled())
            .build()
            .unwrap();
        errors.push(ocp.get_task(1).send().await.unwrap_err());
        let hw = cloudops_huaweicloud::Client::builder()
            .region("cn-north-4")
            .project_id(huawei::PROJECT_ID)
            .credentials(AccessKey::new(huawei::AK, huawei::SK).with_session_token(SECRET))
            .transport(stub())
            .retry_policy(RetryPolicy::disabled())
            .build()
            .unwrap();
        errors.push(
            hw.stop_db_om_instance(huawei::DBSS_INSTANCE)
                .send()
                .await
                .unwrap_err(),
        );
        let tc = cloudops_tencentcloud_cynosdb::Client::builder()
            .region("ap-guangzhou")
            .credentials(AccessKey::new(cynosdb::SECRET_ID, cynosdb::SECRET_KEY))
            .transport(stub())
            .retry_policy(RetryPolicy::disabled())
            .build()
            .unwrap();
        errors.push(tc.describe_flow(1).send().await.unwrap_err());
        for e in &errors {
            let all = printed(e);
            assert!(!all.contains("SECRETtoken"), "{body}\n{all}");
        }
    }
    let traces = capture.text();
    assert!(traces.contains("cloudops.call"), "the capture saw nothing");
    assert!(!traces.contains("SECRETtoken"), "{traces}");
}
