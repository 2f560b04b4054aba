//! What a program sees of its calls with the usual `tracing-subscriber` set-up at `info`, the
//! level programs turn on: one line per call, naming the vendor, the operation (as the
//! method that sent it is named), its outcome and its request id.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::sync::{Arc, Mutex};

use cloudops_core::{AccessKey, BasicAuth};
use cloudops_testkit::cynosdb::{self, CynosDbEmulator};
use cloudops_testkit::ocp::{self, OcpEmulator};
use tracing_subscriber::util::SubscriberInitExt as _;

#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<u8>>>);

impl Write for Lines {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn one_line_per_call_at_info() {
    let lines = Lines::default();
    let writer = lines.clone();
    let _guard = tracing_subscriber::fmt()
        .with_max_level(tracing_subscriber::filter::LevelFilter::INFO)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish()
        .set_default();

    let emu = CynosDbEmulator::start().await;
    let tc = cloudops_tencentcloud_cynosdb::Client::builder()
        .region("ap-guangzhou")
        .endpoint(emu.url())
        .credentials(AccessKey::new(cynosdb::SECRET_ID, cynosdb::SECRET_KEY))
        .build()
        .unwrap();
    let paused = tc
        .pause_serverless(cynosdb::SAMPLE_CLUSTER)
        .send()
        .await
        .unwrap();
    let emu = OcpEmulator::start().await;
    let ocp = cloudops_ocp::Client::builder()
        .endpoint(emu.url())
        .credentials(BasicAuth::new(ocp::USERNAME, ocp::PASSWORD))
        .build()
        .unwrap();
    ocp.stop_tenant_backup_schedule(ocp::SAMPLE_CLUSTER, 999)
        .send()
        .await
        .unwrap_err();

    let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
    let calls: Vec<&str> = text.lines().collect();
    assert_eq!(calls.len(), 2, "{text}");
    assert!(
        calls[0].contains(" INFO ")
            && calls[0].contains("tencentcloud PauseServerless succeeded")
            && calls[0].contains(&paused.request_id),
        "{text}"
    );
    assert!(
        calls[1].contains("ocp StopTenantBackupSchedule failed") && calls[1].contains("status=404"),
        "{text}"
    );
    assert!(!text.contains(cynosdb::SECRET_KEY) && !text.contains(ocp::PASSWORD));
}
