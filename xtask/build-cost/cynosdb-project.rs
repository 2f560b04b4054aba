//! One PauseServerless call through cloudops-tencentcloud-cynosdb, the keys from the default
//! credential chain (the environment, and with the `credential-sources` feature the profile
//! file and the platform's sources).
use cloudops_tencentcloud_cynosdb::Client;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let endpoint = std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:1".into());
    let client = Client::builder()
        .region("ap-guangzhou")
        .endpoint(endpoint)
        .build();
    match client {
        Ok(c) => match c.pause_serverless("cynosdbmysql-8vcxoq75").force_pause(true).send().await {
            Ok(out) => println!("flow {}", out.flow_id),
            Err(e) => eprintln!("{e}"),
        },
        Err(e) => eprintln!("{e}"),
    }
}
