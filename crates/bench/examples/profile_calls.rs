#![allow(clippy::unwrap_used, missing_docs)]
use cloudops_bench::floor::{
    self, CLUSTER, DBSS_INSTANCE, HW_AK, HW_PROJECT, HW_SK, TC_ID, TC_KEY,
};
use cloudops_bench::server::Loopback;
use cloudops_core::AccessKey;

fn main() {
    let which = std::env::args().nth(1).unwrap_or_default();
    let n: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let pause = Loopback::start(
        rt.handle(),
        &[],
        r#"{"Response": {"FlowId": 1008306, "RequestId": "37508f2e-23eb-11eb-a713-525400b7dd5a"}}"#,
    );
    let stop = Loopback::start(
        rt.handle(),
        &["x-request-id: 0c1e5b1c9a2f4bde8c3a61b1e8f1a0d7"],
        r#"{"result": "success"}"#,
    );
    let tc = cloudops_tencentcloud_cynosdb::Client::builder()
        .region("ap-guangzhou")
        .endpoint(pause.url())
        .credentials(AccessKey::new(TC_ID, TC_KEY))
        .build()
        .unwrap();
    let hw = cloudops_huaweicloud::Client::builder()
        .region("cn-north-4")
        .endpoint(cloudops_huaweicloud::Service::Dbss, stop.url())
        .credentials(AccessKey::new(HW_AK, HW_SK).with_project_id(HW_PROJECT))
        .build()
        .unwrap();
    let tcf = floor::PauseServerlessFloor::new(floor::http_client(), &pause.url());
    let hwf = floor::DbssStopFloor::new(floor::http_client(), &stop.url());
    for _ in 0..n {
        match which.as_str() {
            "pause" => {
                rt.block_on(tc.pause_serverless(CLUSTER).force_pause(true).send())
                    .unwrap();
            }
            "pause-floor" => {
                rt.block_on(tcf.pause(CLUSTER)).unwrap();
            }
            "stop" => {
                rt.block_on(hw.stop_db_om_instance(DBSS_INSTANCE).send())
                    .unwrap();
            }
            "stop-floor" => {
                rt.block_on(hwf.stop(HW_PROJECT, DBSS_INSTANCE)).unwrap();
            }
            _ => panic!("pause|pause-floor|stop|stop-floor"),
        }
    }
}
