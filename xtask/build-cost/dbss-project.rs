//! One DBSS stop call through cloudops-huaweicloud, the keys (and project id) from the default
//! credential chain (the environment, and with the `credential-sources` feature the profile
//! file and the platform's sources).
use cloudops_huaweicloud::{Client, Service};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let endpoint = std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:1".into());
    let client = Client::builder()
        .region("cn-north-4")
        .endpoint(Service::Dbss, endpoint)
        .build();
    match client {
        Ok(c) => match c.stop_db_om_instance("2f1a3b5c7d9e4f60a1b2c3d4e5f60718").send().await {
            Ok(out) => println!("{}", out.result),
            Err(e) => eprintln!("{e}"),
        },
        Err(e) => eprintln!("{e}"),
    }
}
