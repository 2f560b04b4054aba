//! Everything through `cloudops_huaweicloud` alone: static keys, a tuned transport, a retry
//! policy, per-call options, the request id and matching on errors.
//!
//! ```sh
//! cloudops-emulator                 # (cargo install cloudops-testkit) prints the emulator's URL
//! cargo run --example huawei_one_crate -- http://127.0.0.1:PORT
//! ```

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use cloudops_huaweicloud::{
    AccessKey, Client, Error, HttpTransport, RequestId, RetryPolicy, Service, ServiceErrorKind,
};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let Some(endpoint) = std::env::args().nth(1) else {
        eprintln!("usage: huawei_one_crate <dbss-endpoint-url>");
        return ExitCode::from(2);
    };
    match run(&endpoint).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(Error::Service(e)) if e.kind == ServiceErrorKind::Authentication => {
            eprintln!("the gateway refused the signature: {e}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(endpoint: &str) -> Result<(), Error> {
    let transport = HttpTransport::builder()
        .connect_timeout(Duration::from_secs(3))
        .build()?;
    let client = Client::builder()
        .region("cn-north-4")
        .endpoint(Service::Dbss, endpoint)
        .credentials(
            AccessKey::new(
                "QTWAOYTTINDUT2QVKYUC",
                "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc",
            )
            .with_project_id("619d3e78f61b4be68bc5aa0b59edcf7b"),
        )
        .transport(Arc::new(transport))
        .retry_policy(RetryPolicy::standard().max_attempts(4))
        .build()?;
    let stopped = client
        .stop_db_om_instance("2f1a3b5c7d9e4f60a1b2c3d4e5f60718")
        .operation_timeout(Some(Duration::from_secs(10)))
        .send()
        .await?;
    println!(
        "{}; request id {}",
        stopped.result,
        stopped.request_id().unwrap_or("-")
    );
    Ok(())
}
