//! Everything through `cloudops_ocp` alone: a credentials provider of one's own, a transport
//! of one's own (a stub with a canned answer, and one that wraps the HTTP transport), a retry
//! policy, per-call options, the request id and matching on errors. No `cloudops-core` or
//! `async-trait` dependency is needed.
//!
//! ```sh
//! cloudops-emulator                 # (cargo install cloudops-testkit) prints the OCP emulator's URL
//! cargo run --example ocp_one_crate -- http://127.0.0.1:PORT
//! ```

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cloudops_ocp::{
    AccessKey, Client, Error, HttpTransport, Lookup, ProvideCredentials, Request, RequestId,
    Response, RetryPolicy, ServiceErrorKind, Transport, async_trait,
};

/// Keys from a secret store of the program's own (here, two strings it was given).
#[derive(Debug)]
struct SecretStore {
    id: String,
    secret: String,
}

#[async_trait]
impl ProvideCredentials for SecretStore {
    async fn lookup(&self) -> Result<Lookup, Error> {
        Ok(Lookup::Found(
            AccessKey::new(self.id.clone(), self.secret.clone()).into(),
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
    let store = || {
        Arc::new(SecretStore {
            id: "ocp-example-ak".to_string(),
            secret: "ocp-example-sk".to_string(),
        })
    };

    // A canned answer, decoded as the server's would be.
    let offline = Client::builder()
        .endpoint("http://ocp.example.internal:8080")
        .credentials_provider(store())
        .transport(Arc::new(Canned(
            r#"{"data": {"id": 7, "status": "SUCCESSFUL"}, "successful": true, "traceId": "canned-1"}"#,
        )))
        .build()?;
    let canned = offline.get_task(7).send().await?;
    assert_eq!(canned.request_id(), Some("canned-1"));

    // The emulator, through a transport that counts.
    let transport = Arc::new(Counting {
        inner: HttpTransport::builder()
            .connect_timeout(Duration::from_secs(3))
            .build()?,
        sent: AtomicUsize::new(0),
    });
    let client = Client::builder()
        .endpoint(base_url)
        .credentials_provider(store())
        .transport(transport.clone())
        .retry_policy(RetryPolicy::standard().max_attempts(4))
        .build()?;
    let stopped = client
        .stop_tenant_backup_schedule(1_000_002, 1_000_012)
        .operation_timeout(Some(Duration::from_secs(10)))
        .send()
        .await?;
    println!(
        "stopped; trace id {}, {} failed objects; {} request(s) sent",
        stopped.request_id().unwrap_or("-"),
        stopped.failures().len(),
        transport.sent.load(Ordering::Relaxed)
    );
    Ok(())
}
