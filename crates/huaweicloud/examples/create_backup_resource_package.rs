//! Buys a TaurusDB backup resource package. It is a purchase: run it on purpose.
//!
//! ```sh
//! export HUAWEICLOUD_SDK_AK=... HUAWEICLOUD_SDK_SK=... HUAWEICLOUD_SDK_PROJECT_ID=...
//! cargo run --example create_backup_resource_package -- cn-north-4 gaussdb.mysql.backup.pkg.1tb 1
//! ```

mod common;

use std::process::ExitCode;

use cloudops_huaweicloud::taurusdb::ChargeInfo;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [region, spec_code, years] = args.as_slice() else {
        eprintln!("usage: create_backup_resource_package <region> <spec-code> <years>");
        return ExitCode::from(2);
    };
    let Ok(years) = years.parse::<u32>() else {
        eprintln!("years must be a number");
        return ExitCode::from(2);
    };
    let charge = ChargeInfo::yearly(years).auto_pay(false).auto_renew(false);
    let result = match common::client(region) {
        Ok(c) => {
            c.create_backup_resource_package(spec_code.as_str(), 1, charge)
                .send()
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(out) => {
            println!(
                "CreateBackupResourcePackage: order {} for {} x {} ({} {}) (request id {})",
                out.order_id,
                out.num,
                out.spec_code,
                out.period_num,
                out.period_type.as_str(),
                out.request_id.unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            if e.may_have_been_sent() {
                eprintln!("the order may have been placed: check your orders before trying again");
            }
            ExitCode::FAILURE
        }
    }
}
