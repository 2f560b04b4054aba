//! `cloudops-emulator`: runs the emulators on loopback until interrupted, printing their URLs
//! and the credentials they accept, so the vendor crates' examples can be pointed at them.
//!
//! ```sh
//! cargo install cloudops-testkit    # then: cloudops-emulator
//! ```
//!
//! The first three lines are `NAME=url` assignments a script can read
//! (`CLOUDOPS_CYNOSDB_URL`, `CLOUDOPS_HUAWEI_URL`, `CLOUDOPS_OCP_URL`); the rest is for people.

use cloudops_testkit::cynosdb::{self, CynosDbEmulator};
use cloudops_testkit::huawei::{self, HuaweiEmulator};
use cloudops_testkit::ocp::{self, OcpEmulator};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let cynos = CynosDbEmulator::start().await;
    let hw = HuaweiEmulator::start().await;
    let ocp_emu = OcpEmulator::start().await;
    println!("CLOUDOPS_CYNOSDB_URL={}", cynos.url());
    println!("CLOUDOPS_HUAWEI_URL={}", hw.url());
    println!("CLOUDOPS_OCP_URL={}", ocp_emu.url());
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
        "         IAM login (token calls): user {} password {} domain {}",
        huawei::IAM_USER,
        huawei::IAM_PASSWORD,
        huawei::IAM_DOMAIN
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
    // Whoever reads the URLs from a pipe sees them now, not when the buffer fills.
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
    let _ = tokio::signal::ctrl_c().await;
}
