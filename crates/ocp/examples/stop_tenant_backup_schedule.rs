//! Stops backup scheduling for a tenant on your OCP server.
//!
//! ```sh
//! export OCP_ACCESS_KEY_ID=... OCP_ACCESS_KEY_SECRET=...     # or OCP_USERNAME / OCP_PASSWORD
//! cargo run --example stop_tenant_backup_schedule -- http://ocp.example.internal:8080 1000002 1000012
//! ```

use std::process::ExitCode;

use cloudops_ocp::{Client, RequestId};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base_url, cluster, tenant] = args.as_slice() else {
        eprintln!("usage: stop_tenant_backup_schedule <base-url> <cluster-id> <tenant-id>");
        return ExitCode::from(2);
    };
    let (Ok(cluster), Ok(tenant)) = (cluster.parse::<i64>(), tenant.parse::<i64>()) else {
        eprintln!("cluster and tenant ids must be integers");
        return ExitCode::from(2);
    };
    let result = match Client::from_env(base_url.as_str()) {
        Ok(c) => c.stop_tenant_backup_schedule(cluster, tenant).send().await,
        Err(e) => Err(e),
    };
    match result {
        Ok(out) => {
            let task_type = out
                .data
                .ob_backup_task_type
                .as_ref()
                .map_or("?", |t| t.as_str());
            println!("{task_type} (trace id {})", out.request_id().unwrap_or("-"));
            for r in &out.data.backup_object_ops_result_list {
                for o in &r.ob_backup_object_list {
                    println!(
                        "  {} cluster {:?} tenant {:?}: {}",
                        o.backup_dimension.as_deref().unwrap_or("?"),
                        o.cluster_id,
                        o.tenant_id,
                        if r.be_successful { "ok" } else { "FAILED" }
                    );
                }
            }
            let failures = out.failures();
            for f in &failures {
                eprintln!(
                    "failed: {:?} error {:?}: {}",
                    f.objects,
                    f.error_code,
                    f.hint.unwrap_or("")
                );
            }
            if failures.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
