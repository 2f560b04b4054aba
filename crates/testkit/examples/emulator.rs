//! Runs the emulators on loopback until interrupted, printing their URLs and the credentials
//! they accept, so the vendor crates' examples can be pointed at them.
//!
//! ```sh
//! cargo run -p cloudops-testkit --example emulator
//! ```

use cloudops_testkit::cynosdb::{self, CynosDbEmulator};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let cynos = CynosDbEmulator::start().await;
    println!("CynosDB  {}", cynos.url());
    println!(
        "         TENCENTCLOUD_SECRET_ID={} TENCENTCLOUD_SECRET_KEY={}  cluster {}",
        cynosdb::SECRET_ID,
        cynosdb::SECRET_KEY,
        cynosdb::SAMPLE_CLUSTER
    );
    println!("Press Ctrl-C to stop.");
    let _ = tokio::signal::ctrl_c().await;
}
