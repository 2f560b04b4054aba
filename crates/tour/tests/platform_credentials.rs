//! Short-lived credentials from emulated metadata services over loopback: the first call
//! fetches them, later calls reuse them, a call near expiry triggers exactly one refresh shared
//! by 100 concurrent calls, a failed refresh is a credentials error naming the source and the
//! next call recovers, and a silent metadata service makes the chain move on within the
//! provider's timeout. The vendor emulators accept only the keys the metadata services issued.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use cloudops_core::credentials::{CredentialsChain, ProvideCredentials, StaticProvider};
use cloudops_core::{AccessKey, Error, RetryPolicy};
use cloudops_huaweicloud::Service;
use cloudops_huaweicloud::credentials::EcsMetadataProvider;
use cloudops_tencentcloud_cynosdb::credentials::CvmRoleProvider;
use cloudops_testkit::cynosdb::{self, CynosDbEmulator};
use cloudops_testkit::huawei::{self, HuaweiEmulator};
use cloudops_testkit::metadata::{HuaweiMetadata, TencentMetadata};
use cloudops_testkit::{Fault, RecordedRequest, Reply, TestServer, TraceCapture};

/// Keys live 6 s: the 5-minute margin is clamped to half that, so they are refreshed after 3.
const TTL: Duration = Duration::from_secs(6);
const STALE_AFTER: Duration = Duration::from_millis(3200);

async fn concurrently<F, Fut>(n: usize, call: F) -> Vec<Result<(), Error>>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<(), Error>> + Send + 'static,
{
    let handles: Vec<_> = (0..n).map(|_| tokio::spawn(call())).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cvm_role_credentials_are_fetched_reused_refreshed_and_recovered() {
    let emu = CynosDbEmulator::start().await;
    let meta = TencentMetadata::start(&emu, TTL).await;
    let capture = TraceCapture::new();
    let _guard = capture.set_default();
    let client = cloudops_tencentcloud_cynosdb::Client::builder()
        .region("ap-guangzhou")
        .endpoint(emu.url())
        .credentials_provider(Arc::new(CvmRoleProvider::new().with_endpoint(meta.url())))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let paused = client
        .pause_serverless(cynosdb::SAMPLE_CLUSTER)
        .send()
        .await
        .unwrap();
    for _ in 0..5 {
        client.describe_flow(paused.flow_id).send().await.unwrap();
    }
    assert_eq!(meta.issued(), 1, "later calls reuse the keys");

    tokio::time::sleep(STALE_AFTER).await;
    let results = concurrently(100, || {
        let c = client.clone();
        let flow = paused.flow_id;
        async move { c.describe_flow(flow).send().await.map(|_| ()) }
    })
    .await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(meta.issued(), 2, "one refresh shared by 100 calls");

    tokio::time::sleep(STALE_AFTER).await;
    meta.set_failing(true);
    let e = client
        .describe_flow(paused.flow_id)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Credentials { .. }), "{e:?}");
    assert!(e.to_string().contains("CVM instance role"), "{e}");
    meta.set_failing(false);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    client.describe_flow(paused.flow_id).send().await.unwrap();
    assert_eq!(meta.issued(), 3);

    let traces = capture.text();
    for secret in ["tmp-secret-key-", "tmp-session-token-"] {
        assert!(!traces.contains(secret), "{secret} in traces");
        assert!(!format!("{client:?}{e:?}{e}").contains(secret), "{secret}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ecs_metadata_credentials_are_fetched_reused_refreshed_and_recovered() {
    let emu = HuaweiEmulator::start().await;
    let meta = HuaweiMetadata::start(&emu, TTL).await;
    let capture = TraceCapture::new();
    let _guard = capture.set_default();
    let client = cloudops_huaweicloud::Client::builder()
        .region("cn-north-4")
        .project_id(huawei::PROJECT_ID)
        .endpoint(Service::Dbss, emu.url())
        .credentials_provider(Arc::new(
            EcsMetadataProvider::new().with_endpoint(meta.url()),
        ))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    for _ in 0..5 {
        client
            .stop_db_om_instance(huawei::DBSS_INSTANCE)
            .send()
            .await
            .unwrap();
    }
    assert_eq!((meta.issued(), meta.sessions()), (1, 1));

    tokio::time::sleep(STALE_AFTER).await;
    let results = concurrently(100, || {
        let c = client.clone();
        async move {
            c.stop_db_om_instance(huawei::DBSS_INSTANCE)
                .send()
                .await
                .map(|_| ())
        }
    })
    .await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(meta.issued(), 2, "one refresh shared by 100 calls");

    // An expired session token is fetched again once.
    tokio::time::sleep(STALE_AFTER).await;
    meta.expire_sessions();
    client
        .stop_db_om_instance(huawei::DBSS_INSTANCE)
        .send()
        .await
        .unwrap();
    assert_eq!((meta.issued(), meta.sessions()), (3, 2));

    tokio::time::sleep(STALE_AFTER).await;
    meta.set_failing(true);
    let e = client
        .stop_db_om_instance(huawei::DBSS_INSTANCE)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Credentials { .. }), "{e:?}");
    assert!(e.to_string().contains("ECS metadata service"), "{e}");
    meta.set_failing(false);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    client
        .stop_db_om_instance(huawei::DBSS_INSTANCE)
        .send()
        .await
        .unwrap();

    let traces = capture.text();
    for secret in ["tmp-sk-", "tmp-security-token-", "metadata-session-"] {
        assert!(!traces.contains(secret), "{secret} in traces");
        assert!(!format!("{client:?}{e:?}{e}").contains(secret), "{secret}");
    }
}

// On tokio's paused clock, the silent service and the chain on one thread: time moves only
// when both wait, so the provider's timeout is met exactly.
#[tokio::test(start_paused = true)]
async fn a_silent_metadata_service_makes_the_chain_move_on_within_its_timeout() {
    let silent = TestServer::start(|_: &RecordedRequest| Reply::json(200, "{}")).await;
    silent.push_faults(Fault::Hang, 10);
    let fallback: Arc<dyn ProvideCredentials> = Arc::new(StaticProvider(
        AccessKey::new(cynosdb::SECRET_ID, cynosdb::SECRET_KEY).into(),
    ));
    let chain = CredentialsChain::new(vec![
        Arc::new(
            CvmRoleProvider::new()
                .with_endpoint(silent.url())
                .timeout(Duration::from_millis(300)),
        ),
        fallback.clone(),
    ]);
    let started = tokio::time::Instant::now();
    let found = chain.provide().await.unwrap();
    assert_eq!(started.elapsed(), Duration::from_millis(300));
    assert_eq!(found.into_access_key().unwrap().id, cynosdb::SECRET_ID);

    let chain = CredentialsChain::new(vec![
        Arc::new(
            EcsMetadataProvider::new()
                .with_endpoint(silent.url())
                .timeout(Duration::from_millis(300)),
        ),
        fallback,
    ]);
    let started = tokio::time::Instant::now();
    chain.provide().await.unwrap();
    // The session-token request, then the key's, each waited for up to 300 ms.
    assert!(
        started.elapsed() <= Duration::from_millis(600),
        "{:?}",
        started.elapsed()
    );

    // With nothing after it, the chain's error lists the silent source.
    let alone = CredentialsChain::new(vec![Arc::new(
        CvmRoleProvider::new()
            .with_endpoint(silent.url())
            .timeout(Duration::from_millis(300)),
    )]);
    let e = alone.provide().await.unwrap_err();
    assert!(e.to_string().contains("did not answer"), "{e}");
}

/// A policy with the characters URL decoding would change.
const POLICY: &str = r#"{"version":"2.0","statement":[{"effect":"allow","action":["cynosdb:Describe*"],"resource":["*"],"condition":{"string_equal":{"qcs:resource_tag":["team&ops+dba=1"]}}}]}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sts_assume_role_credentials_are_fetched_reused_refreshed_and_recovered() {
    use cloudops_tencentcloud_cynosdb::credentials::AssumeRoleProvider;
    use cloudops_testkit::metadata::TencentSts;
    let emu = CynosDbEmulator::start().await;
    let sts = TencentSts::start(&emu, TTL).await;
    let capture = TraceCapture::new();
    let _guard = capture.set_default();
    let base: Arc<dyn ProvideCredentials> = Arc::new(StaticProvider(
        AccessKey::new(cynosdb::SECRET_ID, cynosdb::SECRET_KEY).into(),
    ));
    let provider = AssumeRoleProvider::new(
        base,
        "qcs::cam::uin/100000000001:roleName/cloudops-ops",
        "cloudops-test",
    )
    .sts_endpoint(sts.url(), "ap-guangzhou")
    .policy(POLICY);
    let client = cloudops_tencentcloud_cynosdb::Client::builder()
        .region("ap-guangzhou")
        .endpoint(emu.url())
        .credentials_provider(Arc::new(provider))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let paused = client
        .pause_serverless(cynosdb::SAMPLE_CLUSTER)
        .send()
        .await
        .unwrap();
    for _ in 0..5 {
        client.describe_flow(paused.flow_id).send().await.unwrap();
    }
    assert_eq!(sts.issued(), 1);
    let first = &sts.server().requests()[0];
    assert!(
        first
            .headers
            .get("authorization")
            .unwrap()
            .contains("/sts/tc3_request")
    );
    assert_eq!(first.json()["RoleSessionName"], "cloudops-test");
    // The policy goes URL-encoded, as documented: a `+` survives the service's decoding.
    let sent = first.json()["Policy"].as_str().unwrap().to_string();
    assert!(!sent.contains('+') && sent.contains("%2B"), "{sent}");
    assert_eq!(cloudops_core::encoding::percent_decode(&sent), POLICY);

    tokio::time::sleep(STALE_AFTER).await;
    let results = concurrently(100, || {
        let c = client.clone();
        let flow = paused.flow_id;
        async move { c.describe_flow(flow).send().await.map(|_| ()) }
    })
    .await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(sts.issued(), 2, "one refresh shared by 100 calls");

    tokio::time::sleep(STALE_AFTER).await;
    sts.server().push_faults(
        Fault::Status(Reply::json(
            200,
            r#"{"Response":{"Error":{"Code":"InternalError","Message":"down"},"RequestId":"x"}}"#,
        )),
        3,
    );
    let e = client
        .describe_flow(paused.flow_id)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Credentials { .. }), "{e:?}");
    assert!(e.to_string().contains("AssumeRole"), "{e}");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    client.describe_flow(paused.flow_id).send().await.unwrap();
    assert_eq!(sts.issued(), 3);
    let shown = format!("{client:?}{e:?}{e}{}", capture.text());
    for secret in ["sts-secret-key-", "sts-session-token-", cynosdb::SECRET_KEY] {
        assert!(!shown.contains(secret), "{secret}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tke_oidc_credentials_read_the_token_file_at_each_refresh() {
    use cloudops_core::credentials::EnvSource;
    use cloudops_tencentcloud_cynosdb::credentials::WebIdentityProvider;
    use cloudops_testkit::metadata::{TKE_WEB_IDENTITY_TOKEN, TencentSts};
    let emu = CynosDbEmulator::start().await;
    let sts = TencentSts::start(&emu, TTL).await;
    let capture = TraceCapture::new();
    let _guard = capture.set_default();
    let dir = std::env::temp_dir().join(format!("cloudops-tke-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let token_file = dir.join("token");
    std::fs::write(&token_file, TKE_WEB_IDENTITY_TOKEN).unwrap();
    let env = EnvSource::from_pairs([
        ("TKE_REGION", "ap-guangzhou"),
        ("TKE_PROVIDER_ID", "oidc-provider"),
        ("TKE_WEB_IDENTITY_TOKEN_FILE", token_file.to_str().unwrap()),
        ("TKE_ROLE_ARN", "qcs::cam::uin/100000000001:roleName/pod"),
    ]);
    let provider = WebIdentityProvider::new()
        .with_env(env)
        .sts_endpoint(sts.url());
    let client = cloudops_tencentcloud_cynosdb::Client::builder()
        .region("ap-guangzhou")
        .endpoint(emu.url())
        .credentials_provider(Arc::new(provider))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let paused = client
        .pause_serverless(cynosdb::SAMPLE_CLUSTER)
        .send()
        .await
        .unwrap();
    client.describe_flow(paused.flow_id).send().await.unwrap();
    assert_eq!(sts.issued(), 1);
    assert_eq!(
        sts.server().requests()[0].headers.get("authorization"),
        Some("SKIP")
    );

    // The token file is rotated to one STS refuses: the next refresh fails, naming the source.
    tokio::time::sleep(STALE_AFTER).await;
    std::fs::write(&token_file, "a-revoked-token").unwrap();
    let e = client
        .describe_flow(paused.flow_id)
        .send()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("TKE OIDC"), "{e}");
    // Rotated back: the file is read again and the call recovers.
    std::fs::write(&token_file, TKE_WEB_IDENTITY_TOKEN).unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    client.describe_flow(paused.flow_id).send().await.unwrap();
    assert_eq!(sts.issued(), 2);
    let shown = format!("{client:?}{e:?}{e}{}", capture.text());
    for secret in [
        "sts-secret-key-",
        "sts-session-token-",
        TKE_WEB_IDENTITY_TOKEN,
    ] {
        assert!(!shown.contains(secret), "{secret}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huawei_oidc_credentials_are_fetched_reused_refreshed_and_recovered() {
    use cloudops_core::credentials::EnvSource;
    use cloudops_huaweicloud::credentials::IdpProvider;
    let emu = HuaweiEmulator::start().await;
    emu.set_security_token_ttl(TTL);
    let capture = TraceCapture::new();
    let _guard = capture.set_default();
    let dir = std::env::temp_dir().join(format!("cloudops-idp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let token_file = dir.join("id-token");
    std::fs::write(&token_file, huawei::ID_TOKEN).unwrap();
    let env = EnvSource::from_pairs([
        ("HUAWEICLOUD_SDK_IDP_ID", huawei::IDP_ID.to_string()),
        (
            "HUAWEICLOUD_SDK_ID_TOKEN_FILE",
            token_file.to_str().unwrap().to_string(),
        ),
        ("HUAWEICLOUD_SDK_IAM_ENDPOINT", emu.url()),
    ]);
    let client = cloudops_huaweicloud::Client::builder()
        .region("cn-north-4")
        .project_id(huawei::PROJECT_ID)
        .endpoint(Service::Dbss, emu.url())
        .credentials_provider(Arc::new(IdpProvider::new().with_env(env)))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    for _ in 0..5 {
        client
            .stop_db_om_instance(huawei::DBSS_INSTANCE)
            .send()
            .await
            .unwrap();
    }
    assert_eq!(emu.security_tokens_issued(), 1);
    let exchange = emu
        .server()
        .requests()
        .into_iter()
        .find(|r| r.path == "/v3.0/OS-AUTH/id-token/tokens")
        .unwrap();
    assert_eq!(exchange.headers.get("x-idp-id"), Some(huawei::IDP_ID));

    tokio::time::sleep(STALE_AFTER).await;
    let results = concurrently(100, || {
        let c = client.clone();
        async move {
            c.stop_db_om_instance(huawei::DBSS_INSTANCE)
                .send()
                .await
                .map(|_| ())
        }
    })
    .await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(
        emu.security_tokens_issued(),
        2,
        "one refresh shared by 100 calls"
    );

    // The id token file is read again at each refresh: a revoked one fails, naming the source.
    tokio::time::sleep(STALE_AFTER).await;
    std::fs::write(&token_file, "a-revoked-id-token").unwrap();
    let e = client
        .stop_db_om_instance(huawei::DBSS_INSTANCE)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Credentials { .. }), "{e:?}");
    assert!(e.to_string().contains("identity provider"), "{e}");
    std::fs::write(&token_file, huawei::ID_TOKEN).unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    client
        .stop_db_om_instance(huawei::DBSS_INSTANCE)
        .send()
        .await
        .unwrap();
    assert_eq!(emu.security_tokens_issued(), 3);
    for secret in [
        "oidc-sk-",
        "oidc-security-token-",
        huawei::ID_TOKEN,
        "MIIunscoped",
    ] {
        assert!(!format!("{client:?}{e:?}{e}").contains(secret), "{secret}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// A server no agency is bound to answers the security key with a 401 that says so: the
/// provider stops at once (no new session token, no second try) and keeps the reason.
#[tokio::test]
async fn an_ecs_server_without_an_agency_stops_at_once_with_the_reason() {
    let meta = TestServer::start(|req: &RecordedRequest| {
        if req.method == "PUT" {
            Reply::json(200, "metadata-session-1")
        } else {
            Reply::json(
                401,
                r#"{"error": "Please configure Cloud Service Agency first"}"#,
            )
        }
    })
    .await;
    let e = EcsMetadataProvider::new()
        .with_endpoint(meta.url())
        .provide()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Credentials { .. }), "{e:?}");
    assert!(
        e.to_string()
            .contains("Please configure Cloud Service Agency first"),
        "{e}"
    );
    let paths: Vec<String> = meta
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        paths,
        [
            "PUT /meta-data/latest/api/token",
            "GET /openstack/latest/securitykey"
        ]
    );
}

/// When the last source of a chain fails, the error still says what every source before it
/// lacked: the variable a user meant to set is named.
#[tokio::test]
async fn a_chain_error_names_every_source_tried() {
    use cloudops_core::credentials::{EnvSource, EnvironmentProvider, ProfileFileProvider};
    use cloudops_huaweicloud::credentials::IdpProvider;

    let meta = TestServer::start(|_| Reply::json(403, r#"{"error": "forbidden"}"#)).await;
    let empty = || EnvSource::from_pairs([("HOME", "/nonexistent/cloudops")]);
    let chain = CredentialsChain::new(vec![
        Arc::new(IdpProvider::new().with_env(empty())),
        Arc::new(
            EnvironmentProvider::new(cloudops_huaweicloud::credentials::ENVIRONMENT)
                .with_env(empty()),
        ),
        Arc::new(
            ProfileFileProvider::new(cloudops_huaweicloud::credentials::PROFILE).with_env(empty()),
        ),
        Arc::new(EcsMetadataProvider::new().with_endpoint(meta.url())),
    ]);
    let e = chain.provide().await.unwrap_err();
    let shown = e.to_string();
    for named in [
        "HUAWEICLOUD_SDK_IDP_ID",
        "HUAWEICLOUD_SDK_AK",
        "profile file",
        "ECS metadata service",
        "403",
    ] {
        assert!(shown.contains(named), "{named}: {shown}");
    }
}

/// Id-token files are untrusted input: a device, a FIFO or a file of megabytes is refused
/// with a clear error, at once and without reading it whole.
#[tokio::test]
async fn id_token_files_that_are_not_small_regular_files_are_refused() {
    use cloudops_core::credentials::EnvSource;
    use cloudops_huaweicloud::credentials::IdpProvider;
    use cloudops_tencentcloud_cynosdb::credentials::WebIdentityProvider;

    let iam = TestServer::start(|_| Reply::json(500, "{}")).await;
    let dir = std::env::temp_dir().join(format!("cloudops-tokens-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let big = dir.join("big-token");
    std::fs::write(&big, vec![b'a'; 16 * 1024 * 1024]).unwrap();
    let fifo = dir.join("fifo-token");
    let mut files = vec![
        ("/dev/zero".to_string(), "regular file"),
        (big.display().to_string(), "larger than"),
    ];
    if std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        files.push((fifo.display().to_string(), "regular file"));
    }
    for (file, why) in &files {
        let e = IdpProvider::new()
            .with_env(EnvSource::from_pairs([
                ("HUAWEICLOUD_SDK_IDP_ID", "idp"),
                ("HUAWEICLOUD_SDK_ID_TOKEN_FILE", file.as_str()),
            ]))
            .iam_endpoint(iam.url())
            .provide()
            .await
            .unwrap_err();
        assert!(e.to_string().contains(why), "{file}: {e}");
        let e = WebIdentityProvider::new()
            .with_env(EnvSource::from_pairs([
                ("TKE_REGION", "ap-guangzhou"),
                ("TKE_PROVIDER_ID", "provider"),
                ("TKE_WEB_IDENTITY_TOKEN_FILE", file.as_str()),
                ("TKE_ROLE_ARN", "qcs::cam::uin/1:roleName/r"),
            ]))
            .sts_endpoint(iam.url())
            .provide()
            .await
            .unwrap_err();
        assert!(e.to_string().contains(why), "{file}: {e}");
    }
    assert_eq!(iam.request_count(), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}
