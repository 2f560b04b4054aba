//! Pauses a CynosDB serverless cluster and waits for the flow.
//!
//! ```sh
//! export TENCENTCLOUD_SECRET_ID=... TENCENTCLOUD_SECRET_KEY=...
//! cargo run --example pause_serverless -- ap-guangzhou cynosdbmysql-8vcxoq75
//! # against another endpoint (an emulator, a proxy):
//! CYNOSDB_ENDPOINT=http://127.0.0.1:8080 cargo run --example pause_serverless -- ap-guangzhou cynosdbmysql-8vcxoq75
//! ```

use std::process::ExitCode;
use std::time::Duration;

use cloudops_tencentcloud_cynosdb::{Client, ErrorCode, ErrorExt};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [region, cluster_id] = args.as_slice() else {
        eprintln!(
            "usage: pause_serverless <region> <cluster-id>   (CYNOSDB_ENDPOINT overrides the endpoint)"
        );
        return ExitCode::from(2);
    };
    let mut builder = Client::builder().region(region.as_str());
    if let Ok(endpoint) = std::env::var("CYNOSDB_ENDPOINT") {
        builder = builder.endpoint(endpoint);
    }
    let client = match builder.build() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let paused = match client.pause_serverless(cluster_id.as_str()).send().await {
        Ok(p) => p,
        Err(e) if e.cynosdb_code() == Some(ErrorCode::ServerlessClusterStatusDenied) => {
            println!("{cluster_id} is not running (already paused or pausing): {e}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "PauseServerless: flow {} (request id {})",
        paused.flow_id, paused.request_id
    );
    match client
        .wait_for_flow(paused.flow_id)
        .timeout(Duration::from_secs(600))
        .wait()
        .await
    {
        Ok(done) => {
            println!("{cluster_id} paused ({} polls)", done.polls);
            ExitCode::SUCCESS
        }
        Err(e) => {
            // A failed flow, or one still running at the deadline, is an error too.
            eprintln!("not paused: {e}");
            ExitCode::FAILURE
        }
    }
}
