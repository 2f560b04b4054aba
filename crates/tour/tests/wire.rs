//! What reaches the server over real loopback HTTP, beyond what the snapshots show: headers the
//! transport adds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cloudops_core::{AccessKey, BasicAuth};
use cloudops_huaweicloud::{ProjectScoped, Service};
use cloudops_testkit::huawei::{self, HuaweiEmulator};
use cloudops_testkit::ocp::{self, OcpEmulator};

#[tokio::test]
async fn bodyless_posts_carry_content_length_zero() {
    let emu = OcpEmulator::start().await;
    for credentials in [
        cloudops_core::Credentials::from(BasicAuth::new(ocp::USERNAME, ocp::PASSWORD)),
        AccessKey::new(ocp::ACCESS_KEY_ID, ocp::ACCESS_KEY_SECRET).into(),
    ] {
        let client = cloudops_ocp::Client::builder()
            .endpoint(emu.url())
            .credentials(credentials)
            .build()
            .unwrap();
        client
            .stop_tenant_backup_schedule(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT)
            .send()
            .await
            .unwrap();
        client
            .start_tenant_backup_schedule(ocp::SAMPLE_CLUSTER, ocp::SAMPLE_TENANT)
            .send()
            .await
            .unwrap();
    }

    let hw = HuaweiEmulator::start().await;
    for key in [
        AccessKey::new(huawei::AK, huawei::SK),
        AccessKey::new(huawei::AK, huawei::SK).with_session_token("temporary-token"),
    ] {
        let client = cloudops_huaweicloud::Client::builder()
            .region("cn-north-4")
            .project_id(huawei::PROJECT_ID)
            .endpoint(Service::Dbss, hw.url())
            .credentials(key)
            .build()
            .unwrap();
        client
            .stop_db_om_instance(huawei::DBSS_INSTANCE)
            .send()
            .await
            .unwrap();
    }

    let posts: Vec<_> = emu
        .server()
        .requests()
        .into_iter()
        .chain(hw.server().requests())
        .filter(|r| r.method == "POST")
        .collect();
    assert_eq!(posts.len(), 6);
    for r in posts {
        assert!(r.body.is_empty(), "{}", r.path);
        assert_eq!(r.headers.get("content-length"), Some("0"), "{}", r.path);
        assert!(!r.headers.contains("transfer-encoding"), "{}", r.path);
    }
}

#[tokio::test]
async fn dbss_stop_sends_and_signs_json_content_type_and_project_id() {
    let hw = HuaweiEmulator::start().await;
    let client = cloudops_huaweicloud::Client::builder()
        .region("cn-north-4")
        .endpoint(Service::Dbss, hw.url())
        .credentials(AccessKey::new(huawei::AK, huawei::SK).with_project_id(huawei::PROJECT_ID))
        .build()
        .unwrap();
    client
        .stop_db_om_instance(huawei::DBSS_INSTANCE)
        .send()
        .await
        .unwrap();
    let r = &hw.server().requests()[0];
    assert_eq!(r.headers.get("content-type"), Some("application/json"));
    assert_eq!(r.headers.get("x-project-id"), Some(huawei::PROJECT_ID));
    let auth = r.headers.get("authorization").unwrap();
    assert!(
        auth.contains("SignedHeaders=content-type;host;x-project-id;x-sdk-date"),
        "{auth}"
    );
}
