//! Company networks over loopback: explicit proxies (forwarding and `CONNECT`), proxy
//! credentials, a private certificate authority, named certificate errors, connection reuse
//! under load, and a plain reqwest client living in the same program.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use cloudops_core::transport::Proxy;
use cloudops_core::{AccessKey, BasicAuth, CertificateProblem, Error, RetryPolicy};
use cloudops_huaweicloud::Service;
use cloudops_huaweicloud::taurusdb::ChargeInfo;
use cloudops_testkit::cynosdb::{self, CynosDbEmulator};
use cloudops_testkit::huawei::{self, HuaweiEmulator};
use cloudops_testkit::ocp::{self, OcpEmulator};
use cloudops_testkit::proxy::TestProxy;
use cloudops_testkit::tls::{ServerCert, TestCa};
use cloudops_testkit::{RecordedRequest, Reply, TestServer, TraceCapture};

/// Every vendor's operations through `proxy`, trusting `roots` when the emulators speak
/// HTTPS. Returns how many calls were made.
async fn every_vendor_through(proxy: Proxy, tls: Option<&TestCa>) -> usize {
    let acceptor = tls.map(|ca| ca.acceptor(ServerCert::Valid).unwrap());
    let (o, h, c) = match acceptor {
        Some(a) => (
            OcpEmulator::start_tls(a.clone()).await,
            HuaweiEmulator::start_tls(a.clone()).await,
            CynosDbEmulator::start_tls(a).await,
        ),
        None => (
            OcpEmulator::start().await,
            HuaweiEmulator::start().await,
            CynosDbEmulator::start().await,
        ),
    };
    let pem = tls.map(|ca| ca.pem().to_string()).unwrap_or_default();
    let mut calls = 0;

    let mut ob = cloudops_ocp::Client::builder()
        .endpoint(o.url())
        .credentials(BasicAuth::new(ocp::USERNAME, ocp::PASSWORD))
        .proxy(proxy.clone());
    if tls.is_some() {
        ob = ob.add_root_certificates_pem(pem.clone());
    }
    let oc = ob.build().unwrap();
    oc.stop_tenant_backup_schedule(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT)
        .send()
        .await
        .unwrap();
    oc.start_tenant_backup_schedule(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT)
        .send()
        .await
        .unwrap();
    oc.get_tenant_backup_strategy(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT)
        .send()
        .await
        .unwrap();
    calls += 3;

    let mut hb = cloudops_huaweicloud::Client::builder()
        .region("cn-north-4")
        .project_id(huawei::PROJECT_ID)
        .endpoint(Service::Dbss, h.url())
        .endpoint(Service::TaurusDb, h.url())
        .endpoint(Service::KooPhone, h.url())
        .credentials(AccessKey::new(huawei::AK, huawei::SK))
        .proxy(proxy.clone());
    if tls.is_some() {
        hb = hb.add_root_certificates_pem(pem.clone());
    }
    let hc = hb.build().unwrap();
    hc.stop_db_om_instance(huawei::DBSS_INSTANCE)
        .send()
        .await
        .unwrap();
    hc.create_backup_resource_package("gaussdb.mysql.backup.pkg.1tb", 1, ChargeInfo::yearly(1))
        .send()
        .await
        .unwrap();
    hc.batch_backup_instances([huawei::KOOPHONE_INSTANCE])
        .send()
        .await
        .unwrap();
    calls += 3;

    let mut cb = cloudops_tencentcloud_cynosdb::Client::builder()
        .region("ap-guangzhou")
        .endpoint(c.url())
        .credentials(AccessKey::new(cynosdb::SECRET_ID, cynosdb::SECRET_KEY))
        .proxy(proxy);
    if tls.is_some() {
        cb = cb.add_root_certificates_pem(pem);
    }
    let cc = cb.build().unwrap();
    let paused = cc
        .pause_serverless(cynosdb::SAMPLE_CLUSTER)
        .send()
        .await
        .unwrap();
    cc.describe_flow(paused.flow_id).send().await.unwrap();
    calls += 2;
    calls
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_vendor_through_an_explicit_proxy_over_http() {
    let proxy = TestProxy::start().await;
    let calls = every_vendor_through(Proxy::new(proxy.url()), None).await;
    let seen = proxy.requests();
    assert_eq!(seen.len(), calls, "{seen:?}");
    for r in &seen {
        assert_ne!(r.method, "CONNECT", "{r:?}");
        assert!(r.target.starts_with("http://127.0.0.1:"), "{r:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_vendor_through_an_explicit_proxy_over_https() {
    let ca = TestCa::new().unwrap();
    let proxy = TestProxy::start().await;
    every_vendor_through(Proxy::new(proxy.url()), Some(&ca)).await;
    let seen = proxy.requests();
    assert!(!seen.is_empty());
    for r in &seen {
        assert_eq!(r.method, "CONNECT", "{r:?}");
        assert!(r.target.starts_with("127.0.0.1:"), "{r:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_proxies_turned_off_nothing_reaches_the_proxy() {
    let proxy = TestProxy::start().await;
    let emu = OcpEmulator::start().await;
    cloudops_ocp::Client::builder()
        .endpoint(emu.url())
        .credentials(BasicAuth::new(ocp::USERNAME, ocp::PASSWORD))
        .proxy(Proxy::new(proxy.url()))
        .no_proxy()
        .build()
        .unwrap()
        .get_tenant_backup_strategy(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT)
        .send()
        .await
        .unwrap();
    // An explicit no-proxy list keeps the host direct too.
    cloudops_ocp::Client::builder()
        .endpoint(emu.url())
        .credentials(BasicAuth::new(ocp::USERNAME, ocp::PASSWORD))
        .proxy(Proxy::new(proxy.url()).no_proxy("127.0.0.1"))
        .build()
        .unwrap()
        .get_tenant_backup_strategy(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT)
        .send()
        .await
        .unwrap();
    assert!(proxy.requests().is_empty(), "{:?}", proxy.requests());
    assert_eq!(emu.server().request_count(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxy_credentials_are_sent_and_never_printed() {
    const PASSWORD: &str = "proxy-password-do-not-log";
    let proxy = TestProxy::start_with_basic_auth("svc", PASSWORD).await;
    let capture = TraceCapture::new();
    let _guard = capture.set_default();
    let emu = OcpEmulator::start().await;
    // Without credentials the proxy refuses.
    let refused = cloudops_ocp::Client::builder()
        .endpoint(emu.url())
        .credentials(BasicAuth::new(ocp::USERNAME, ocp::PASSWORD))
        .proxy(Proxy::new(proxy.url()))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let e = refused.get_task(1).send().await.unwrap_err();
    assert!(proxy.refused() >= 1, "{e}");
    // With them it lets the call through; neither the client nor a trace shows them.
    let client = cloudops_ocp::Client::builder()
        .endpoint(emu.url())
        .credentials(BasicAuth::new(ocp::USERNAME, ocp::PASSWORD))
        .proxy(Proxy::new(proxy.url()).basic_auth("svc", PASSWORD))
        .build()
        .unwrap();
    client
        .get_tenant_backup_strategy(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT)
        .send()
        .await
        .unwrap();
    assert!(proxy.requests()[0].proxy_authorization.is_some());
    let shown = format!(
        "{client:?}{:?}{e}{e:?}{}",
        Proxy::new(format!("http://svc:{PASSWORD}@127.0.0.1:1")).basic_auth("svc", PASSWORD),
        capture.text()
    );
    assert!(!shown.contains(PASSWORD), "{shown}");
}

#[tokio::test]
async fn a_private_ca_is_refused_by_default_and_trusted_once_added() {
    let ca = TestCa::new().unwrap();
    let emu = OcpEmulator::start_tls(ca.acceptor(ServerCert::Valid).unwrap()).await;
    let client = |pem: Option<&str>| {
        let b = cloudops_ocp::Client::builder()
            .endpoint(emu.url())
            .credentials(BasicAuth::new(ocp::USERNAME, ocp::PASSWORD))
            .retry_policy(RetryPolicy::disabled());
        match pem {
            Some(p) => b.add_root_certificates_pem(p),
            None => b,
        }
        .build()
        .unwrap()
    };
    let e = client(None).get_task(1).send().await.unwrap_err();
    assert!(
        matches!(
            e,
            Error::Certificate {
                problem: CertificateProblem::UnknownIssuer,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("unknown issuer"), "{e}");
    assert!(!e.may_have_been_sent() && !e.is_retryable());
    assert_eq!(emu.server().request_count(), 0);

    client(Some(ca.pem()))
        .get_tenant_backup_strategy(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT)
        .send()
        .await
        .unwrap();

    // Only the added roots, the platform's left out.
    let dir = std::env::temp_dir().join(format!("cloudops-ca-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("ca.pem");
    std::fs::write(&file, ca.pem()).unwrap();
    cloudops_ocp::Client::builder()
        .endpoint(emu.url())
        .credentials(BasicAuth::new(ocp::USERNAME, ocp::PASSWORD))
        .add_root_certificates_file(&file)
        .platform_roots(false)
        .build()
        .unwrap()
        .get_tenant_backup_strategy(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT)
        .send()
        .await
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();

    let e = cloudops_ocp::Client::builder()
        .endpoint(emu.url())
        .add_root_certificates_pem("not a certificate")
        .build()
        .unwrap_err();
    assert_eq!(e.invalid_field(), Some("root certificates"), "{e}");
}

#[tokio::test]
async fn certificate_problems_are_named() {
    let ca = TestCa::new().unwrap();
    for (kind, problem) in [
        (ServerCert::WrongName, CertificateProblem::NameMismatch),
        (ServerCert::Expired, CertificateProblem::Expired),
    ] {
        let emu = OcpEmulator::start_tls(ca.acceptor(kind).unwrap()).await;
        let e = cloudops_ocp::Client::builder()
            .endpoint(emu.url())
            .credentials(BasicAuth::new(ocp::USERNAME, ocp::PASSWORD))
            .add_root_certificates_pem(ca.pem())
            .retry_policy(RetryPolicy::disabled())
            .build()
            .unwrap()
            .get_task(1)
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(e, Error::Certificate { problem: p, .. } if p == problem),
            "{kind:?}: {e:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_calls_in_flight_open_no_new_connection_after_warm_up() {
    let server = TestServer::start(|_: &RecordedRequest| {
        Reply::json(200, r#"{"Response":{"Status":0,"RequestId":"r"}}"#)
    })
    .await;
    let client = cloudops_tencentcloud_cynosdb::Client::builder()
        .region("ap-guangzhou")
        .endpoint(server.url())
        .credentials(AccessKey::new(cynosdb::SECRET_ID, cynosdb::SECRET_KEY))
        .build()
        .unwrap();
    let round = || async {
        let calls: Vec<_> = (0..64)
            .map(|_| {
                let c = client.clone();
                tokio::spawn(async move { c.describe_flow(1).send().await })
            })
            .collect();
        for call in calls {
            call.await.unwrap().unwrap();
        }
    };
    // Warm-up: each answer waits a little, so all 64 calls are in flight at once.
    server.push_faults(
        cloudops_testkit::Fault::DelayHeaders(Duration::from_millis(50)),
        64,
    );
    round().await;
    let warm = server.connection_count();
    assert_eq!(warm, 64, "64 calls in flight need 64 connections");
    for _ in 0..10 {
        round().await;
    }
    assert_eq!(
        server.connection_count(),
        warm,
        "new connections opened after warm-up"
    );
}

#[tokio::test]
async fn a_plain_reqwest_client_in_the_same_program_still_works() {
    // cloudops's TLS choice is reqwest's own default, so a client built the plain way neither
    // panics ("No rustls crypto provider") nor behaves differently.
    let server = TestServer::start(|_: &RecordedRequest| Reply::json(200, r#"{"ok":true}"#)).await;
    let _cloudops = cloudops_ocp::Client::builder()
        .endpoint(server.url())
        .build()
        .unwrap();
    let plain = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let answer = plain.get(server.url()).send().await.unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    let default = reqwest::Client::new();
    assert_eq!(
        default
            .get(server.url())
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        200
    );
}

/// A proxy that does not answer: the error names it (without its user info), not only the
/// endpoint the call was for.
#[tokio::test]
async fn a_dead_proxy_is_named_in_the_error() {
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let emu = OcpEmulator::start().await;
    let e = cloudops_ocp::Client::builder()
        .endpoint(emu.url())
        .credentials(BasicAuth::new(ocp::USERNAME, ocp::PASSWORD))
        .proxy(Proxy::new(format!("http://svc:hunter2@{closed}")))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
        .get_task(1)
        .send()
        .await
        .unwrap_err();
    let shown = format!("{e}");
    assert!(
        shown.contains(&format!("proxy http://{closed}/")),
        "{shown}"
    );
    assert!(!format!("{e}{e:?}").contains("hunter2"), "{e:?}");
    assert!(!e.may_have_been_sent(), "{e}");
}
