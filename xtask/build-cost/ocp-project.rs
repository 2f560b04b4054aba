//! One StopTenantBackupSchedule call through cloudops-ocp, the keys from the default credential
//! chain (the environment).
use cloudops_ocp::Client;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let base_url = std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:1".into());
    let client = Client::builder().endpoint(base_url).build();
    match client {
        Ok(c) => match c.stop_tenant_backup_schedule(1_000_002, 1_000_012).send().await {
            Ok(out) => println!("{} failed objects", out.failures().len()),
            Err(e) => eprintln!("{e}"),
        },
        Err(e) => eprintln!("{e}"),
    }
}
