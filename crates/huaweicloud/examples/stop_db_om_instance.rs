//! Stops a DBSS database O&M instance.
//!
//! ```sh
//! export HUAWEICLOUD_SDK_AK=... HUAWEICLOUD_SDK_SK=... HUAWEICLOUD_SDK_PROJECT_ID=...
//! cargo run --example stop_db_om_instance -- cn-north-4 <instance-id>
//! ```

mod common;

use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [region, instance_id] = args.as_slice() else {
        eprintln!("usage: stop_db_om_instance <region> <instance-id>");
        return ExitCode::from(2);
    };
    let result = match common::client(region) {
        Ok(c) => c.stop_db_om_instance(instance_id.as_str()).send().await,
        Err(e) => Err(e),
    };
    match result {
        Ok(out) => {
            println!(
                "StopDbOmInstance: {} (request id {})",
                out.result,
                out.request_id.unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
