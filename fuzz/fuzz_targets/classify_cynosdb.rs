//! Any answer to every CynosDB operation decodes into an output or an error, without panic.
#![no_main]

use cloudops_core::AccessKey;
use cloudops_fuzz::{block_on, no_retries, print_error, stub};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let client = cloudops_tencentcloud_cynosdb::Client::builder()
        .region("ap-guangzhou")
        .credentials(
            AccessKey::new("AKIDfuzz", "fuzz-secret-key").with_session_token("fuzz-secret-token"),
        )
        .transport(stub(data))
        .retry_policy(no_retries())
        .build()
        .expect("a client");
    block_on(async {
        if let Err(e) = client
            .pause_serverless("cynosdbmysql-8vcxoq75")
            .send()
            .await
        {
            print_error(&e, data);
        }
        if let Err(e) = client
            .resume_serverless("cynosdbmysql-8vcxoq75")
            .send()
            .await
        {
            print_error(&e, data);
        }
        if let Err(e) = client.describe_flow(1).send().await {
            print_error(&e, data);
        }
        if let Err(e) = client
            .action("DescribeClusters")
            .send::<_, serde_json::Value>(&())
            .await
        {
            print_error(&e, data);
        }
    });
});
