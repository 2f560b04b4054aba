//! Runs the emulators on loopback until interrupted, printing their URLs and the credentials
//! they accept, so the vendor crates' examples can be pointed at them.
//!
//! ```sh
//! cargo run -p cloudops-testkit --example emulator
//! ```

use cloudops_testkit::cynosdb::{self, CynosDbEmulator};
use cloudops_testkit::huawei::{self, HuaweiEmulator};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let cynos = CynosDbEmulator::start().await;
    let hw = HuaweiEmulator::start().await;
    println!("CynosDB  {}", cynos.url());
    println!(
        "         TENCENTCLOUD_SECRET_ID={} TENCENTCLOUD_SECRET_KEY={}  cluster {}",
        cynosdb::SECRET_ID,
        cynosdb::SECRET_KEY,
        cynosdb::SAMPLE_CLUSTER
    );
    println!("Huawei   {}   (IAM, DBSS, TaurusDB, KooPhone)", hw.url());
    println!(
        "         HUAWEICLOUD_SDK_AK={} HUAWEICLOUD_SDK_SK={} HUAWEICLOUD_SDK_PROJECT_ID={}",
        huawei::AK,
        huawei::SK,
        huawei::PROJECT_ID
    );
    println!(
        "         DBSS instance {}, KooPhone instance {}",
        huawei::DBSS_INSTANCE,
        huawei::KOOPHONE_INSTANCE
    );
    println!("Press Ctrl-C to stop.");
    let _ = tokio::signal::ctrl_c().await;
}
