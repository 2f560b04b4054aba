//! Backs up KooPhone instances. KooPhone has no public regional host: set KOOPHONE_ENDPOINT.
//!
//! ```sh
//! export HUAWEICLOUD_AUTH_TOKEN=...   # or HUAWEICLOUD_SDK_AK / _SK
//! KOOPHONE_ENDPOINT=https://<your-koophone-endpoint> \
//! cargo run --example batch_backup_instances -- cn-north-4 <instance-id>...
//! ```

mod common;

use std::process::ExitCode;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((region, ids)) = args.split_first().filter(|(_, ids)| !ids.is_empty()) else {
        eprintln!("usage: batch_backup_instances <region> <instance-id>...");
        return ExitCode::from(2);
    };
    let result = match common::client(region) {
        Ok(c) => c.batch_backup_instances(ids.iter().cloned()).send().await,
        Err(e) => Err(e),
    };
    match result {
        Ok(out) => {
            println!(
                "BatchBackupInstances: {} {} (x-request-id {})",
                out.error_code, out.error_msg, out.client_request_id
            );
            if let Some(data) = out.data {
                println!("task {}", data.task_id);
                for job in data.cmd_jobs {
                    println!("  {} -> job {}", job.instance_id, job.job_id);
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
