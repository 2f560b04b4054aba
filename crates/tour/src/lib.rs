#![doc = include_str!("../../../README.md")]
//!
//! ## This crate
//!
//! The tour: every operation of the cloudops crates, run through the real crates over real
//! HTTP with real signing, against the built-in emulator (or real endpoints from the
//! environment). The project README above is its front page, so its example is compiled.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod real;

use std::fmt::Debug;
use std::time::{Duration, Instant};

use cloudops_core::{AccessKey, BasicAuth, Error, RequestId};
use cloudops_huaweicloud::taurusdb::ChargeInfo;
use cloudops_huaweicloud::{IamPassword, Service};
use cloudops_testkit::cynosdb::{self, CynosDbEmulator};
use cloudops_testkit::huawei::{self, HuaweiEmulator};
use cloudops_testkit::ocp::{self, OcpEmulator};

pub use real::run_against_environment;

/// One call of the tour.
#[derive(Debug, Clone)]
pub struct Step {
    /// The vendor.
    pub vendor: &'static str,
    /// The operation.
    pub operation: &'static str,
    /// The request id the service gave, when it gave one.
    pub request_id: Option<String>,
    /// The decoded result, or the error, in words.
    pub outcome: Result<String, String>,
    /// How long the call took.
    pub elapsed: Duration,
}

/// What a tour did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The calls, in order.
    pub steps: Vec<Step>,
}

impl Report {
    /// Whether every call succeeded (and there was at least one).
    pub fn all_succeeded(&self) -> bool {
        !self.steps.is_empty() && self.steps.iter().all(|s| s.outcome.is_ok())
    }

    /// Records the outcome of a call.
    pub(crate) async fn record<T, F, R>(
        &mut self,
        vendor: &'static str,
        operation: &'static str,
        call: F,
        describe: R,
    ) -> Option<T>
    where
        F: std::future::Future<Output = Result<T, Error>>,
        R: FnOnce(&T) -> (Option<String>, String),
    {
        let started = Instant::now();
        let result = call.await;
        let elapsed = started.elapsed();
        match result {
            Ok(value) => {
                let (request_id, text) = describe(&value);
                self.steps.push(Step {
                    vendor,
                    operation,
                    request_id,
                    outcome: Ok(text),
                    elapsed,
                });
                Some(value)
            }
            Err(e) => {
                self.steps.push(Step {
                    vendor,
                    operation,
                    request_id: e.request_id().map(str::to_string),
                    outcome: Err(e.to_string()),
                    elapsed,
                });
                None
            }
        }
    }

    /// Records a step that could not run because an earlier one failed.
    pub(crate) fn skipped(&mut self, vendor: &'static str, operation: &'static str, why: &str) {
        self.steps.push(Step {
            vendor,
            operation,
            request_id: None,
            outcome: Err(format!("not run: {why}")),
            elapsed: Duration::ZERO,
        });
    }

    /// The report as text: one block per call, then a summary line.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for s in &self.steps {
            let mark = if s.outcome.is_ok() { "ok  " } else { "FAIL" };
            out.push_str(&format!(
                "{mark} {:<12} {:<28} request id {:<40} {:>6} ms\n",
                s.vendor,
                s.operation,
                s.request_id.as_deref().unwrap_or("-"),
                s.elapsed.as_millis()
            ));
            let text = match &s.outcome {
                Ok(t) | Err(t) => t,
            };
            for line in text.lines() {
                out.push_str("       ");
                out.push_str(line);
                out.push('\n');
            }
        }
        let ok = self.steps.iter().filter(|s| s.outcome.is_ok()).count();
        out.push_str(&format!(
            "\n{ok} of {} calls succeeded{}\n",
            self.steps.len(),
            if self.all_succeeded() {
                ""
            } else {
                "; see FAIL above"
            }
        ));
        out
    }
}

fn fast() -> cloudops_core::RetryPolicy {
    cloudops_core::RetryPolicy::standard()
        .initial_backoff(Duration::from_millis(50))
        .max_backoff(Duration::from_millis(500))
}

fn short<T: Debug>(v: &T) -> String {
    format!("{v:?}")
}

/// Starts the emulators on loopback and runs every operation against them.
pub async fn run_against_emulators() -> Report {
    run_against_emulators_with(false).await
}

/// The same, with `tls` over HTTPS: the emulators present certificates of a private CA
/// generated for the run, which every client is told to trust (and nothing else changes).
/// Proxies are taken from the environment either way (`HTTPS_PROXY`, `HTTP_PROXY`,
/// `NO_PROXY`...).
pub async fn run_against_emulators_with(tls: bool) -> Report {
    let mut report = Report::default();
    let (ca, acceptor) = if tls {
        match cloudops_testkit::tls::TestCa::new().and_then(|ca| {
            let acceptor = ca.acceptor(cloudops_testkit::tls::ServerCert::Valid)?;
            Ok((ca, acceptor))
        }) {
            Ok((ca, acceptor)) => (Some(ca), Some(acceptor)),
            Err(e) => {
                report.skipped("tour", "private CA", &e.to_string());
                return report;
            }
        }
    } else {
        (None, None)
    };
    let roots = ca.as_ref().map(|ca| ca.pem().to_string());
    let (ocp_emu, hw, tc) = match acceptor {
        Some(a) => (
            OcpEmulator::start_tls(a.clone()).await,
            HuaweiEmulator::start_tls(a.clone()).await,
            CynosDbEmulator::start_tls(a).await,
        ),
        None => (
            OcpEmulator::start().await,
            HuaweiEmulator::start().await,
            CynosDbEmulator::start().await,
        ),
    };
    ocp_tour(&mut report, &ocp_emu, roots.as_deref()).await;
    huawei_tour(&mut report, &hw, roots.as_deref()).await;
    cynosdb_tour(&mut report, &tc, roots.as_deref()).await;
    role_credentials_tour(&mut report, &hw, &tc, roots.as_deref()).await;
    report
}

/// One call per cloud vendor with the role credentials an instance gets from its metadata
/// service (emulated on loopback, keys valid for an hour), as on a CVM or ECS host.
async fn role_credentials_tour(
    report: &mut Report,
    hw: &HuaweiEmulator,
    tc: &CynosDbEmulator,
    roots: Option<&str>,
) {
    use cloudops_testkit::metadata::{HuaweiMetadata, TencentMetadata};
    let hour = Duration::from_secs(3600);
    let tc_meta = TencentMetadata::start(tc, hour).await;
    let hw_meta = HuaweiMetadata::start(hw, hour).await;

    let mut tb = cloudops_tencentcloud_cynosdb::Client::builder()
        .region("ap-guangzhou")
        .endpoint(tc.url())
        .credentials_provider(std::sync::Arc::new(
            cloudops_tencentcloud_cynosdb::credentials::CvmRoleProvider::new()
                .with_endpoint(tc_meta.url()),
        ))
        .retry_policy(fast());
    let mut hb = cloudops_huaweicloud::Client::builder()
        .region("cn-north-4")
        .project_id(huawei::PROJECT_ID)
        .endpoint(Service::Dbss, hw.url())
        .credentials_provider(std::sync::Arc::new(
            cloudops_huaweicloud::credentials::EcsMetadataProvider::new()
                .with_endpoint(hw_meta.url()),
        ))
        .retry_policy(fast());
    if let Some(pem) = roots {
        tb = tb.add_root_certificates_pem(pem);
        hb = hb.add_root_certificates_pem(pem);
    }
    match tb.build() {
        Ok(c) => {
            report
                .record(
                    "tencentcloud",
                    "DescribeFlow (CVM role)",
                    c.describe_flow(cynosdb::SAMPLE_FLOW_ID).send(),
                    |o| {
                        (
                            o.request_id().map(str::to_string),
                            format!("{:?} with the instance role's temporary key", o.status),
                        )
                    },
                )
                .await;
        }
        Err(e) => report.skipped("tencentcloud", "DescribeFlow (CVM role)", &e.to_string()),
    }
    match hb.build() {
        Ok(c) => {
            report
                .record(
                    "huaweicloud",
                    "StopDbOmInstance (ECS agency)",
                    c.stop_db_om_instance(huawei::DBSS_INSTANCE).send(),
                    |o| {
                        (
                            o.request_id().map(str::to_string),
                            format!("{} with the agency's temporary key", o.result),
                        )
                    },
                )
                .await;
        }
        Err(e) => report.skipped(
            "huaweicloud",
            "StopDbOmInstance (ECS agency)",
            &e.to_string(),
        ),
    }
}

async fn ocp_tour(report: &mut Report, emu: &OcpEmulator, roots: Option<&str>) {
    let builder = || {
        let b = cloudops_ocp::Client::builder()
            .endpoint(emu.url())
            .retry_policy(fast());
        match roots {
            Some(pem) => b.add_root_certificates_pem(pem),
            None => b,
        }
    };
    let built = builder()
        .credentials(AccessKey::new(ocp::ACCESS_KEY_ID, ocp::ACCESS_KEY_SECRET))
        .build();
    let basic = builder()
        .credentials(BasicAuth::new(ocp::USERNAME, ocp::PASSWORD))
        .build();
    let (client, basic) = match (built, basic) {
        (Ok(c), Ok(b)) => (c, b),
        (Err(e), _) | (_, Err(e)) => {
            report.skipped("ocp", "client", &e.to_string());
            return;
        }
    };
    ocp_steps(
        report,
        &client,
        &basic,
        ocp::SAMPLE_CLUSTER,
        ocp::SAMPLE_TENANT,
        Duration::from_millis(100),
    )
    .await;
}

/// The OCP steps, shared with the real-endpoint tour.
pub(crate) async fn ocp_steps(
    report: &mut Report,
    client: &cloudops_ocp::Client,
    basic: &cloudops_ocp::Client,
    cluster: i64,
    tenant: i64,
    poll: Duration,
) {
    let describe_backup = |o: &cloudops_ocp::OcpResponse<cloudops_ocp::BackupCommonResponse>| {
        let objects: Vec<String> = o
            .data
            .backup_object_ops_result_list
            .iter()
            .flat_map(|r| {
                r.ob_backup_object_list.iter().map(move |b| {
                    format!(
                        "{} {}/{} {}",
                        b.backup_dimension.as_deref().unwrap_or("?"),
                        b.cluster_id.unwrap_or_default(),
                        b.tenant_id.map_or("-".to_string(), |t| t.to_string()),
                        if r.be_successful { "ok" } else { "failed" }
                    )
                })
            })
            .collect();
        (
            o.request_id().map(str::to_string),
            format!(
                "{} on {}; tasks {:?}; failures {}",
                o.data
                    .ob_backup_task_type
                    .as_ref()
                    .map_or("?", |t| t.as_str()),
                objects.join(", "),
                o.data.task_ids(),
                o.failures().len()
            ),
        )
    };
    report
        .record(
            "ocp",
            "StopTenantBackupSchedule",
            client.stop_tenant_backup_schedule(cluster, tenant).send(),
            describe_backup,
        )
        .await;
    report
        .record(
            "ocp",
            "GetTenantBackupStrategy",
            basic.get_tenant_backup_strategy(cluster, tenant).send(),
            |o| {
                (
                    o.request_id().map(str::to_string),
                    format!(
                        "strategy {:?} for tenant {:?} ({:?}, {:?}), {} other fields",
                        o.data.id,
                        o.data.tenant_name,
                        o.data.kind,
                        o.data.backup_mode,
                        o.data.extra.len()
                    ),
                )
            },
        )
        .await;
    let started = report
        .record(
            "ocp",
            "StartTenantBackupSchedule",
            client.start_tenant_backup_schedule(cluster, tenant).send(),
            describe_backup,
        )
        .await;
    match started.map(|s| s.data.task_ids()) {
        Some(tasks) if !tasks.is_empty() => {
            for task in tasks {
                report
                    .record(
                        "ocp",
                        "GetTask (wait)",
                        client.wait_for_task(task).initial_interval(poll).wait(),
                        |t| {
                            (
                                None,
                                format!(
                                    "task {} {:?}: {:?}",
                                    t.id,
                                    t.name.as_deref().unwrap_or(""),
                                    t.status
                                ),
                            )
                        },
                    )
                    .await;
            }
        }
        Some(_) => {}
        None => report.skipped("ocp", "GetTask (wait)", "StartTenantBackupSchedule failed"),
    }
}

async fn huawei_tour(report: &mut Report, emu: &HuaweiEmulator, roots: Option<&str>) {
    let builder = || {
        let b = cloudops_huaweicloud::Client::builder()
            .region("cn-north-4")
            .project_id(huawei::PROJECT_ID)
            .endpoint(Service::Iam, emu.url())
            .endpoint(Service::Dbss, emu.url())
            .endpoint(Service::TaurusDb, emu.url())
            .endpoint(Service::KooPhone, emu.url())
            .retry_policy(fast());
        match roots {
            Some(pem) => b.add_root_certificates_pem(pem),
            None => b,
        }
    };
    let aksk = builder()
        .credentials(AccessKey::new(huawei::AK, huawei::SK))
        .build();
    let token = builder()
        .iam_password(IamPassword::new(
            huawei::IAM_USER,
            huawei::IAM_PASSWORD,
            huawei::IAM_DOMAIN,
        ))
        .build();
    let (aksk, token) = match (aksk, token) {
        (Ok(a), Ok(t)) => (a, t),
        (Err(e), _) | (_, Err(e)) => {
            report.skipped("huaweicloud", "client", &e.to_string());
            return;
        }
    };
    huawei_steps(
        report,
        &aksk,
        &token,
        huawei::DBSS_INSTANCE,
        "gaussdb.mysql.backup.pkg.1tb",
        &[huawei::KOOPHONE_INSTANCE.to_string()],
        true,
    )
    .await;
}

/// The Huawei steps, shared with the real-endpoint tour. `buy` gates the purchase.
pub(crate) async fn huawei_steps(
    report: &mut Report,
    aksk: &cloudops_huaweicloud::Client,
    token: &cloudops_huaweicloud::Client,
    dbss_instance: &str,
    spec_code: &str,
    koophone_instances: &[String],
    buy: bool,
) {
    report
        .record(
            "huaweicloud",
            "StopDbOmInstance (AK/SK)",
            aksk.stop_db_om_instance(dbss_instance).send(),
            |o| (o.request_id.clone(), format!("result {}", o.result)),
        )
        .await;
    if buy {
        report
            .record(
                "huaweicloud",
                "CreateBackupResourcePackage",
                token
                    .create_backup_resource_package(
                        spec_code,
                        1,
                        ChargeInfo::yearly(1).auto_pay(false).auto_renew(false),
                    )
                    .send(),
                |o| {
                    (
                        o.request_id.clone(),
                        format!(
                            "order {}: {} x {} for {} {}",
                            o.order_id,
                            o.num,
                            o.spec_code,
                            o.period_num,
                            o.period_type.as_str()
                        ),
                    )
                },
            )
            .await;
    }
    report
        .record(
            "huaweicloud",
            "BatchBackupInstances (token)",
            token
                .batch_backup_instances(koophone_instances.iter().cloned())
                .send(),
            |o| {
                let jobs = o.data.as_ref().map_or(String::new(), |d| {
                    let jobs: Vec<String> = d
                        .cmd_jobs
                        .iter()
                        .map(|j| format!("{} -> {}", j.instance_id, j.job_id))
                        .collect();
                    format!("; task {}: {}", d.task_id, jobs.join(", "))
                });
                (
                    o.request_id().map(str::to_string),
                    format!(
                        "{} {}{jobs} (sent x-request-id {})",
                        o.error_code, o.error_msg, o.client_request_id
                    ),
                )
            },
        )
        .await;
}

async fn cynosdb_tour(report: &mut Report, emu: &CynosDbEmulator, roots: Option<&str>) {
    let mut builder = cloudops_tencentcloud_cynosdb::Client::builder()
        .region("ap-guangzhou")
        .endpoint(emu.url())
        .credentials(AccessKey::new(cynosdb::SECRET_ID, cynosdb::SECRET_KEY))
        .retry_policy(fast());
    if let Some(pem) = roots {
        builder = builder.add_root_certificates_pem(pem);
    }
    let client = builder.build();
    let client = match client {
        Ok(c) => c,
        Err(e) => {
            report.skipped("tencentcloud", "client", &e.to_string());
            return;
        }
    };
    cynosdb_steps(
        report,
        &client,
        cynosdb::SAMPLE_CLUSTER,
        Duration::from_millis(100),
    )
    .await;
}

/// The CynosDB steps, shared with the real-endpoint tour.
pub(crate) async fn cynosdb_steps(
    report: &mut Report,
    client: &cloudops_tencentcloud_cynosdb::Client,
    cluster: &str,
    poll: Duration,
) {
    let wait = |flow: i64| client.wait_for_flow(flow).initial_interval(poll).wait();
    let paused = report
        .record(
            "tencentcloud",
            "PauseServerless",
            client.pause_serverless(cluster).force_pause(true).send(),
            |o| (Some(o.request_id.clone()), format!("flow {}", o.flow_id)),
        )
        .await;
    let Some(paused) = paused else {
        report.skipped(
            "tencentcloud",
            "DescribeFlow (wait)",
            "PauseServerless failed",
        );
        return;
    };
    report
        .record(
            "tencentcloud",
            "DescribeFlow (wait)",
            wait(paused.flow_id),
            |o| (None, short(o)),
        )
        .await;
    let resumed = report
        .record(
            "tencentcloud",
            "ResumeServerless",
            client.resume_serverless(cluster).send(),
            |o| (Some(o.request_id.clone()), format!("flow {}", o.flow_id)),
        )
        .await;
    match resumed {
        Some(r) => {
            report
                .record(
                    "tencentcloud",
                    "DescribeFlow (wait)",
                    wait(r.flow_id),
                    |o| (None, short(o)),
                )
                .await;
        }
        None => report.skipped(
            "tencentcloud",
            "DescribeFlow (wait)",
            "ResumeServerless failed",
        ),
    }
}
