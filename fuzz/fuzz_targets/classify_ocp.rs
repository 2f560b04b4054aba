//! Any answer to every OCP operation decodes into an output or an error, without panic.
#![no_main]

use cloudops_core::{AccessKey, BasicAuth};
use cloudops_fuzz::{block_on, no_retries, print_error, stub};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let transport = stub(data);
    let signed = cloudops_ocp::Client::builder().endpoint("http://127.0.0.1:8080")
        .credentials(AccessKey::new("ocp-ak", "fuzz-secret-key"))
        .transport(transport.clone())
        .retry_policy(no_retries())
        .build()
        .expect("a client");
    let basic = cloudops_ocp::Client::builder().endpoint("http://127.0.0.1:8080")
        .credentials(BasicAuth::new("admin", "fuzz-secret-token"))
        .transport(transport)
        .retry_policy(no_retries())
        .build()
        .expect("a client");
    block_on(async {
        if let Err(e) = signed.stop_tenant_backup_schedule(1, 2).send().await {
            print_error(&e, data);
        }
        if let Err(e) = signed.start_tenant_backup_schedule(1, 2).send().await {
            print_error(&e, data);
        }
        if let Err(e) = basic.get_tenant_backup_strategy(1, 2).send().await {
            print_error(&e, data);
        }
        if let Err(e) = basic.get_task(3).send().await {
            print_error(&e, data);
        }
    });
});
