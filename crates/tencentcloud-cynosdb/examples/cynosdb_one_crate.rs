//! Everything through `cloudops_tencentcloud_cynosdb` alone: a credentials provider of one's
//! own, a transport of one's own (a stub with a canned answer, and one that wraps the HTTP
//! transport), a retry policy, a rate limit, per-call options, the request id and matching on
//! errors. No `cloudops-core` or `async-trait` dependency is needed.
//!
//! ```sh
//! cloudops-emulator                 # (cargo install cloudops-testkit) prints the emulator's URL
//! cargo run --example cynosdb_one_crate -- http://127.0.0.1:PORT
//! ```

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cloudops_tencentcloud_cynosdb::{
    AccessKey, Client, DOCUMENTED_RATE_LIMIT, Error, ErrorCode, ErrorExt, HttpTransport, Lookup,
    ProvideCredentials, Request, RequestId, Response, RetryPolicy, Transport, async_trait,
};

/// Keys from a secret store of the program's own (here, two strings it was given).
#[derive(Debug)]
struct SecretStore {
    id: String,
    key: String,
}

#[async_trait]
impl ProvideCredentials for SecretStore {
    async fn lookup(&self) -> Result<Lookup, Error> {
        Ok(Lookup::Found(
            AccessKey::new(self.id.clone(), self.key.clone()).into(),
        ))
    }

    fn source(&self) -> String {
        "the program's secret store".to_string()
    }
}

/// A transport that answers every request with the same body: for tests without a network.
#[derive(Debug)]
struct Canned(&'static str);

#[async_trait]
impl Transport for Canned {
    async fn send(&self, _request: &Request) -> Result<Response, Error> {
        Ok(Response::new(200, self.0.as_bytes().to_vec()))
    }
}

/// A transport that counts what it sends through the HTTP transport.
#[derive(Debug)]
struct Counting {
    inner: HttpTransport,
    sent: AtomicUsize,
}

#[async_trait]
impl Transport for Counting {
    async fn send(&self, request: &Request) -> Result<Response, Error> {
        self.sent.fetch_add(1, Ordering::Relaxed);
        self.inner.send(request).await
    }
}

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
    let store = || {
        Arc::new(SecretStore {
            id: "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE".to_string(),
            key: "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE".to_string(),
        })
    };

    // A canned answer, decoded as the service's would be.
    let offline = Client::builder()
        .region("ap-guangzhou")
        .credentials_provider(store())
        .transport(Arc::new(Canned(
            r#"{"Response": {"FlowId": 7, "RequestId": "canned-1"}}"#,
        )))
        .build()?;
    let canned = offline
        .pause_serverless("cynosdbmysql-8vcxoq75")
        .send()
        .await?;
    assert_eq!((canned.flow_id, canned.request_id()), (7, Some("canned-1")));

    // The emulator, through a transport that counts.
    let transport = Arc::new(Counting {
        inner: HttpTransport::builder()
            .connect_timeout(Duration::from_secs(3))
            .build()?,
        sent: AtomicUsize::new(0),
    });
    let client = Client::builder()
        .region("ap-guangzhou")
        .endpoint(endpoint)
        .credentials_provider(store())
        .transport(transport.clone())
        .retry_policy(RetryPolicy::standard().max_attempts(4))
        .rate_limit(Some(DOCUMENTED_RATE_LIMIT))
        .build()?;
    let paused = client
        .pause_serverless("cynosdbmysql-8vcxoq75")
        .operation_timeout(Some(Duration::from_secs(10)))
        .send()
        .await?;
    println!(
        "pausing in flow {}; request id {}; {} request(s) sent",
        paused.flow_id,
        paused.request_id().unwrap_or("-"),
        transport.sent.load(Ordering::Relaxed)
    );
    Ok(())
}
