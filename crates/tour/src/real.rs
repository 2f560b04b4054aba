//! The tour against real endpoints, configured from the environment. Nothing here is tested:
//! it needs the vendors' clouds.
//!
//! | vendor | runs when set | also reads |
//! |---|---|---|
//! | OCP | `OCP_BASE_URL`, `OCP_CLUSTER_ID`, `OCP_TENANT_ID` | `OCP_ACCESS_KEY_ID`/`OCP_ACCESS_KEY_SECRET` or `OCP_USERNAME`/`OCP_PASSWORD` |
//! | Huawei | `HUAWEICLOUD_REGION`, `DBSS_INSTANCE_ID`, `KOOPHONE_ENDPOINT`, `KOOPHONE_INSTANCE_IDS` (comma-separated) | `HUAWEICLOUD_SDK_AK`/`_SK`/`_PROJECT_ID`; `HUAWEICLOUD_IAM_USER`/`_PASSWORD`/`_DOMAIN` for the token calls; `TAURUSDB_SPEC_CODE` and `CLOUDOPS_TOUR_BUY=yes` to buy a package |
//! | Tencent | `CYNOSDB_REGION`, `CYNOSDB_CLUSTER_ID` | `TENCENTCLOUD_SECRET_ID`/`_SECRET_KEY`/`_SESSION_TOKEN`, `CYNOSDB_ENDPOINT` |

use std::time::Duration;

use cloudops_huaweicloud::{IamPassword, Service};

use crate::Report;

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Runs the tour against the endpoints the environment names. Fails when it names none.
pub async fn run_against_environment() -> Result<Report, String> {
    let mut report = Report::default();
    let mut ran = false;
    if let (Some(url), Some(cluster), Some(tenant)) = (
        var("OCP_BASE_URL"),
        var("OCP_CLUSTER_ID"),
        var("OCP_TENANT_ID"),
    ) {
        ran = true;
        let (Ok(cluster), Ok(tenant)) = (cluster.parse(), tenant.parse()) else {
            return Err("OCP_CLUSTER_ID and OCP_TENANT_ID must be integers".into());
        };
        let client = cloudops_ocp::Client::from_env(url).map_err(|e| e.to_string())?;
        crate::ocp_steps(
            &mut report,
            &client,
            &client,
            cluster,
            tenant,
            Duration::from_secs(2),
        )
        .await;
    }
    if let (Some(region), Some(dbss), Some(koophone), Some(ids)) = (
        var("HUAWEICLOUD_REGION"),
        var("DBSS_INSTANCE_ID"),
        var("KOOPHONE_ENDPOINT"),
        var("KOOPHONE_INSTANCE_IDS"),
    ) {
        ran = true;
        let aksk = cloudops_huaweicloud::Client::builder()
            .region(region.clone())
            .endpoint(Service::KooPhone, koophone.clone())
            .build()
            .map_err(|e| e.to_string())?;
        let token = match (
            var("HUAWEICLOUD_IAM_USER"),
            var("HUAWEICLOUD_IAM_PASSWORD"),
            var("HUAWEICLOUD_IAM_DOMAIN"),
        ) {
            (Some(u), Some(p), Some(d)) => {
                let mut b = cloudops_huaweicloud::Client::builder()
                    .region(region)
                    .endpoint(Service::KooPhone, koophone)
                    .iam_password(IamPassword::new(u, p, d));
                if let Some(project) = var("HUAWEICLOUD_SDK_PROJECT_ID") {
                    b = b.project_id(project);
                }
                b.build().map_err(|e| e.to_string())?
            }
            _ => aksk.clone(),
        };
        let ids: Vec<String> = ids.split(',').map(|s| s.trim().to_string()).collect();
        let buy = var("CLOUDOPS_TOUR_BUY").as_deref() == Some("yes");
        let spec =
            var("TAURUSDB_SPEC_CODE").unwrap_or_else(|| "gaussdb.mysql.backup.pkg.1tb".to_string());
        crate::huawei_steps(&mut report, &aksk, &token, &dbss, &spec, &ids, buy).await;
    }
    if let (Some(region), Some(cluster)) = (var("CYNOSDB_REGION"), var("CYNOSDB_CLUSTER_ID")) {
        ran = true;
        let mut b = cloudops_tencentcloud_cynosdb::Client::builder().region(region);
        if let Some(e) = var("CYNOSDB_ENDPOINT") {
            b = b.endpoint(e);
        }
        let client = b.build().map_err(|e| e.to_string())?;
        crate::cynosdb_steps(&mut report, &client, &cluster, Duration::from_secs(5)).await;
    }
    if ran {
        Ok(report)
    } else {
        Err("no vendor is configured in the environment; see the table in the README".into())
    }
}
