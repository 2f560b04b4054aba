//! Everything through `cloudops_huaweicloud` alone: a credentials provider of one's own, a
//! transport of one's own (a stub with a canned answer, and one that wraps the HTTP
//! transport), a retry policy, per-call options, the request id and matching on errors. No
//! `cloudops-core` or `async-trait` dependency is needed.
//!
//! ```sh
//! cloudops-emulator                 # (cargo install cloudops-testkit) prints the emulator's URL
//! cargo run --example huawei_one_crate -- http://127.0.0.1:PORT
//! ```

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cloudops_huaweicloud::{
    AccessKey, Client, Error, HttpTransport, Lookup, ProjectScoped, ProvideCredentials, Request,
    RequestId, Response, RetryPolicy, Service, ServiceErrorKind, Transport, async_trait,
};

/// Keys from a secret store of the program's own (here, the strings it was given).
#[derive(Debug)]
struct SecretStore {
    ak: String,
    sk: String,
    project_id: String,
}

#[async_trait]
impl ProvideCredentials for SecretStore {
    async fn lookup(&self) -> Result<Lookup, Error> {
        Ok(Lookup::Found(
            AccessKey::new(self.ak.clone(), self.sk.clone())
                .with_project_id(self.project_id.clone())
                .into(),
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
    let store = || {
        Arc::new(SecretStore {
            ak: "QTWAOYTTINDUT2QVKYUC".to_string(),
            sk: "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc".to_string(),
            project_id: "619d3e78f61b4be68bc5aa0b59edcf7b".to_string(),
        })
    };

    // A canned answer, decoded as the service's would be.
    let offline = Client::builder()
        .region("cn-north-4")
        .credentials_provider(store())
        .transport(Arc::new(Canned(r#"{"result": "success"}"#)))
        .build()?;
    let canned = offline
        .stop_db_om_instance("2f1a3b5c7d9e4f60a1b2c3d4e5f60718")
        .send()
        .await?;
    assert_eq!(canned.result, "success");

    // The emulator, through a transport that counts.
    let transport = Arc::new(Counting {
        inner: HttpTransport::builder()
            .connect_timeout(Duration::from_secs(3))
            .build()?,
        sent: AtomicUsize::new(0),
    });
    let client = Client::builder()
        .region("cn-north-4")
        .endpoint(Service::Dbss, endpoint)
        .credentials_provider(store())
        .transport(transport.clone())
        .retry_policy(RetryPolicy::standard().max_attempts(4))
        .build()?;
    let stopped = client
        .stop_db_om_instance("2f1a3b5c7d9e4f60a1b2c3d4e5f60718")
        .operation_timeout(Some(Duration::from_secs(10)))
        .send()
        .await?;
    println!(
        "{}; request id {}; {} request(s) sent",
        stopped.result,
        stopped.request_id().unwrap_or("-"),
        transport.sent.load(Ordering::Relaxed)
    );
    Ok(())
}
