//! One DBSS stop call through cloudops-huaweicloud (features `rustls` and `dbss` alone).
use cloudops_huaweicloud::{AccessKey, Client, Service};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let endpoint = std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:1".into());
    let client = Client::builder()
        .region("cn-north-4")
        .endpoint(Service::Dbss, endpoint)
        .credentials(AccessKey::new("AKEXAMPLE", "SKEXAMPLE").with_project_id("619d3e78f61b4be68bc5aa0b59edcf7b"))
        .build();
    match client {
        Ok(c) => match c.stop_db_om_instance("2f1a3b5c7d9e4f60a1b2c3d4e5f60718").send().await {
            Ok(out) => println!("{}", out.result),
            Err(e) => eprintln!("{e}"),
        },
        Err(e) => eprintln!("{e}"),
    }
}
