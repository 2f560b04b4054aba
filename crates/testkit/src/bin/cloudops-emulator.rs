//! Runs the emulators on loopback until interrupted, printing their URLs and the credentials
//! they accept, so the vendor crates' examples can be pointed at them.
//!
//! ```sh
//! cargo run -p cloudops-testkit --example emulator
//! ```

use cloudops_testkit::cynosdb::{self, CynosDbEmulator};
use cloudops_testkit::huawei::{self, HuaweiEmulator};
use cloudops_testkit::ocp::{self, OcpEmulator};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let cynos = CynosDbEmulator::start().await;
    let hw = HuaweiEmulator::start().await;
    let ocp_emu = OcpEmulator::start().await;
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
    println!("OCP      {}", ocp_emu.url());
    println!(
        "         OCP_ACCESS_KEY_ID={} OCP_ACCESS_KEY_SECRET={}  (or OCP_USERNAME={} OCP_PASSWORD={})  cluster {} tenant {}",
        ocp::ACCESS_KEY_ID,
        ocp::ACCESS_KEY_SECRET,
        ocp::USERNAME,
        ocp::PASSWORD,
        ocp::SAMPLE_CLUSTER,
        ocp::SAMPLE_TENANT
    );
    println!("Press Ctrl-C to stop.");
    let _ = tokio::signal::ctrl_c().await;
}
