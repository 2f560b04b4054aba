//! Everything through `cloudops_tencentcloud_cynosdb` alone: static keys, a tuned transport, a
//! retry policy, a rate limit, per-call options, the request id and matching on errors.
//!
//! ```sh
//! cloudops-emulator                 # (cargo install cloudops-testkit) prints the emulator's URL
//! cargo run --example cynosdb_one_crate -- http://127.0.0.1:PORT
//! ```

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use cloudops_tencentcloud_cynosdb::{
    AccessKey, Client, DOCUMENTED_RATE_LIMIT, Error, ErrorCode, ErrorExt, HttpTransport, RequestId,
    RetryPolicy,
};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let Some(endpoint) = std::env::args().nth(1) else {
        eprintln!("usage: cynosdb_one_crate <cynosdb-endpoint-url>");
        return ExitCode::from(2);
    };
    match run(&endpoint).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.cynosdb_code() == Some(ErrorCode::ServerlessClusterStatusDenied) => {
            eprintln!("the cluster is already paused or pausing");
            ExitCode::SUCCESS
        }
        Err(Error::Service(e)) => {
            eprintln!("the service refused: {e}");
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
        .region("ap-guangzhou")
        .endpoint(endpoint)
        .credentials(AccessKey::new(
            "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
            "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
        ))
        .transport(Arc::new(transport))
        .retry_policy(RetryPolicy::standard().max_attempts(4))
        .rate_limit(Some(DOCUMENTED_RATE_LIMIT))
        .build()?;
    let paused = client
        .pause_serverless("cynosdbmysql-8vcxoq75")
        .operation_timeout(Some(Duration::from_secs(10)))
        .send()
        .await?;
    println!(
        "pausing in flow {}; request id {}",
        paused.flow_id,
        paused.request_id().unwrap_or("-")
    );
    Ok(())
}
