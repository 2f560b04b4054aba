//! Everything through `cloudops_ocp` alone: static keys, a tuned transport, a retry policy,
//! per-call options, the request id and matching on errors.
//!
//! ```sh
//! cloudops-emulator                 # (cargo install cloudops-testkit) prints the OCP emulator's URL
//! cargo run --example ocp_one_crate -- http://127.0.0.1:PORT
//! ```

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use cloudops_ocp::{
    AccessKey, Client, Error, HttpTransport, RequestId, RetryPolicy, ServiceErrorKind,
};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let Some(base_url) = std::env::args().nth(1) else {
        eprintln!("usage: ocp_one_crate <ocp-base-url>");
        return ExitCode::from(2);
    };
    match run(&base_url).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(Error::Service(e)) if e.kind == ServiceErrorKind::Authentication => {
            eprintln!("the server refused the credentials: {e}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(base_url: &str) -> Result<(), Error> {
    let transport = HttpTransport::builder()
        .connect_timeout(Duration::from_secs(3))
        .build()?;
    let client = Client::builder()
        .endpoint(base_url)
        .credentials(AccessKey::new("ocp-example-ak", "ocp-example-sk"))
        .transport(Arc::new(transport))
        .retry_policy(RetryPolicy::standard().max_attempts(4))
        .build()?;
    let stopped = client
        .stop_tenant_backup_schedule(1_000_002, 1_000_012)
        .operation_timeout(Some(Duration::from_secs(10)))
        .send()
        .await?;
    println!(
        "stopped; trace id {}, {} failed objects",
        stopped.request_id().unwrap_or("-"),
        stopped.failures().len()
    );
    Ok(())
}
