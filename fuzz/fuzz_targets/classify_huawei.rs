//! Any answer to every Huawei operation (and the IAM token call) decodes into an output or an
//! error, without panic and without printing the session token.
#![no_main]

use cloudops_core::AccessKey;
use cloudops_fuzz::{block_on, no_retries, print_error, stub};
use cloudops_huaweicloud::Service;
use cloudops_huaweicloud::taurusdb::ChargeInfo;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let transport = stub(data);
    let client = cloudops_huaweicloud::Client::builder()
        .region("cn-north-4")
        .project_id("619d3e78f61b4be68bc5aa0b59edcf7b")
        .endpoint(Service::KooPhone, "https://koophone.example.com")
        .credentials(
            AccessKey::new("AKFUZZ", "fuzz-secret-key").with_session_token("fuzz-secret-token"),
        )
        .transport(transport.clone())
        .retry_policy(no_retries())
        .build()
        .expect("a client");
    let iam = cloudops_huaweicloud::Client::builder()
        .region("cn-north-4")
        .project_id("619d3e78f61b4be68bc5aa0b59edcf7b")
        .iam_password(cloudops_huaweicloud::IamPassword::new(
            "u",
            "fuzz-secret-token",
            "d",
        ))
        .transport(transport)
        .retry_policy(no_retries())
        .build()
        .expect("a client");
    block_on(async {
        if let Err(e) = client
            .stop_db_om_instance("2f1a3b5c7d9e4f60a1b2c3d4e5f60718")
            .send()
            .await
        {
            print_error(&e, data);
        }
        if let Err(e) = client
            .create_backup_resource_package(
                "gaussdb.mysql.backup.pkg.1tb",
                1,
                ChargeInfo::monthly(1),
            )
            .send()
            .await
        {
            print_error(&e, data);
        }
        if let Err(e) = client.batch_backup_instances(["iRJEVP9"]).send().await {
            print_error(&e, data);
        }
        if let Err(e) = iam
            .stop_db_om_instance("2f1a3b5c7d9e4f60a1b2c3d4e5f60718")
            .send()
            .await
        {
            print_error(&e, data);
        }
    });
});
