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

/// Everything an error shows of itself.
fn every_form(e: &cloudops_core::Error) -> String {
    let mut s = format!("{e}\n{e:?}\n{e:#?}");
    if let Some(se) = e.service_error() {
        s.push_str(&se.raw_body);
    }
    if let cloudops_core::Error::Undecodable(u) = e {
        s.push_str(&u.excerpt);
        s.push_str(&u.cause);
    }
    s
}

/// A credential endpoint's answer that cannot be read whole (a field of the wrong type) keeps
/// no copy of itself in the error, whatever its secrets are called: Tencent STS's `Token`,
/// Huawei IAM's `securitytoken`, a value the decoder would quote.
#[tokio::test]
async fn unreadable_credential_answers_are_never_shown() {
    use std::sync::Arc;

    use cloudops_core::credentials::{EnvSource, ProvideCredentials, StaticProvider};
    use cloudops_testkit::{Reply, TestServer};

    let sts = TestServer::start(|_| {
        Reply::json(
            200,
            r#"{"Response":{"Credentials":{"TmpSecretId":"AKIDtmp","TmpSecretKey":"stsSECRETkey","Token":"stsSECRETtoken"},"ExpiredTime":"1700000000","Expiration":"2023-11-14T22:13:20Z","RequestId":"r-1"}}"#,
        )
    })
    .await;
    let base: Arc<dyn ProvideCredentials> = Arc::new(StaticProvider(
        AccessKey::new(cynosdb::SECRET_ID, cynosdb::SECRET_KEY).into(),
    ));
    let assume = cloudops_tencentcloud_cynosdb::credentials::AssumeRoleProvider::new(
        base,
        "qcs::cam::uin/100000000001:roleName/ops",
        "cloudops-test",
    )
    .sts_endpoint(sts.url(), "ap-guangzhou");
    let e = assume.provide().await.unwrap_err();
    let shown = every_form(&e);
    assert!(shown.contains("AssumeRole"), "{shown}");
    assert!(!shown.contains("SECRET"), "{shown}");

    // Through a client, whose cache words the failure its own way.
    let client = cloudops_tencentcloud_cynosdb::Client::builder()
        .region("ap-guangzhou")
        .endpoint("http://127.0.0.1:1")
        .credentials_provider(Arc::new(assume))
        .build()
        .unwrap();
    let e = client.describe_flow(1).send().await.unwrap_err();
    let shown = every_form(&e);
    assert!(!shown.contains("SECRET"), "{shown}");

    // Huawei: the id-token exchange, then temporary keys whose expiry is not a time string.
    let iam = TestServer::start(|req| {
        if req.path.ends_with("/id-token/tokens") {
            Reply::json(201, "{}").with_header("x-subject-token", "hwSECRETunscoped")
        } else {
            Reply::json(
                201,
                r#"{"credential":{"access":"AKtmp","secret":"hwSECRETkey","securitytoken":"hwSECRETtoken","expires_at":1700000000}}"#,
            )
        }
    })
    .await;
    let dir = std::env::temp_dir().join(format!("cloudops-idp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let token_file = dir.join("id-token");
    std::fs::write(&token_file, "eyJpZC10b2tlbi1mb3ItdGVzdHMifQ").unwrap();
    let idp = cloudops_huaweicloud::credentials::IdpProvider::new()
        .with_env(EnvSource::from_pairs([
            ("HUAWEICLOUD_SDK_IDP_ID", "idp-test".to_string()),
            (
                "HUAWEICLOUD_SDK_ID_TOKEN_FILE",
                token_file.display().to_string(),
            ),
        ]))
        .iam_endpoint(iam.url());
    let e = idp.provide().await.unwrap_err();
    let shown = every_form(&e);
    assert!(!shown.contains("SECRET"), "{shown}");
    assert_eq!(iam.request_count(), 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A logger that keeps every record of every crate: what reqwest and its stack log.
struct KeepLog(std::sync::Mutex<Vec<String>>);

impl log::Log for KeepLog {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        let line = format!("{} {}", record.target(), record.args());
        self.0.lock().unwrap().push(line);
    }

    fn flush(&self) {}
}

static KEPT_LOG: KeepLog = KeepLog(std::sync::Mutex::new(Vec::new()));

/// A proxy password appears nowhere: not in `Proxy`'s `Debug` nor in the error of a URL that
/// cannot be used, whatever its form (no scheme, an unencoded `@`, a URL that does not
/// parse), and not in the HTTP stack's own debug log of a call through the proxy, which
/// still authenticates with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxy_passwords_appear_nowhere() {
    use cloudops_core::transport::Proxy;
    use cloudops_testkit::ocp::OcpEmulator;
    use cloudops_testkit::proxy::TestProxy;

    let _ = log::set_logger(&KEPT_LOG);
    log::set_max_level(log::LevelFilter::Trace);

    let proxy = TestProxy::start_with_basic_auth("u", "p@ss-hunter2").await;
    let port = proxy.url().rsplit(':').next().unwrap().to_string();
    let emu = OcpEmulator::start().await;
    for url in [
        format!("http://u:p@ss-hunter2@127.0.0.1:{port}"),
        format!("u:p@ss-hunter2@127.0.0.1:{port}"),
        format!("http://u:p%40ss-hunter2@127.0.0.1:{port}"),
    ] {
        let p = Proxy::new(&url);
        assert!(!format!("{p:?}").contains("hunter2"), "{p:?}");
        let client = cloudops_ocp::Client::builder()
            .endpoint(emu.url())
            .credentials(BasicAuth::new(ocp::USERNAME, ocp::PASSWORD))
            .proxy(p)
            .build()
            .unwrap();
        assert!(!format!("{client:?}").contains("hunter2"));
        client
            .get_tenant_backup_strategy(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{url}: {e}"));
    }
    assert_eq!(proxy.refused(), 0);
    assert_eq!(proxy.requests().len(), 3);

    for url in [
        "u:hunter2@[::1",
        "http://u:hunter2@",
        "socks5://u:hunter2@h:1080",
    ] {
        let p = Proxy::new(url);
        assert!(!format!("{p:?}").contains("hunter2"), "{p:?}");
        let e = cloudops_ocp::Client::builder()
            .endpoint(emu.url())
            .proxy(p)
            .build()
            .unwrap_err();
        assert_eq!(e.invalid_field(), Some("proxy"), "{e}");
        assert!(!every_form(&e).contains("hunter2"), "{e:?}");
    }
    let logged = KEPT_LOG.0.lock().unwrap().join("\n");
    assert!(
        logged.contains("proxy"),
        "the HTTP stack logged nothing:\n{logged}"
    );
    assert!(!logged.contains("hunter2"), "{logged}");
}
