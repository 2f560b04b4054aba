//! Runs N sequential calls of one kind (the project's or its floor's) over loopback, for a
//! heap or CPU profiler to look at one side alone:
//!
//! ```sh
//! cargo build --release -p cloudops-bench --example profile_calls
//! valgrind --tool=dhat target/release/examples/profile_calls pause 2000
//! valgrind --tool=dhat target/release/examples/profile_calls pause-floor 2000
//! ```
//!
//! Kinds: `pause`, `pause-floor`, `stop`, `stop-floor`; `compare` prints quick interleaved
//! ratios of both calls, N calls a round; `in-flight` the throughput ratio of 64 PauseServerless
//! calls in flight on a runtime of N worker threads; `in-flight-project` and `in-flight-floor`
//! run N rounds of one side alone, on one worker.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::process::ExitCode;

use cloudops_bench::floor::{
    self, CLUSTER, DBSS_INSTANCE, DbssStopFloor, HW_AK, HW_PROJECT, HW_SK, PauseServerlessFloor,
    TC_ID, TC_KEY,
};
use cloudops_bench::server::Loopback;
use cloudops_core::AccessKey;
use cloudops_huaweicloud::ProjectScoped;

const PAUSE_ANSWER: &str =
    r#"{"Response": {"FlowId": 1008306, "RequestId": "37508f2e-23eb-11eb-a713-525400b7dd5a"}}"#;

fn main() -> ExitCode {
    let kind = std::env::args().nth(1).unwrap_or_default();
    let n: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let pause = Loopback::start(rt.handle(), &[], PAUSE_ANSWER);
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
    let tc_floor = PauseServerlessFloor::new(floor::http_client(), &pause.url());
    let hw_floor = DbssStopFloor::new(floor::http_client(), &stop.url());
    if kind == "in-flight" {
        in_flight(n, None);
        return ExitCode::SUCCESS;
    }
    if let Some(side) = kind.strip_prefix("in-flight-") {
        in_flight(1, Some((side == "project", n)));
        return ExitCode::SUCCESS;
    }
    if kind == "compare" {
        // Quick interleaved ratios, project over floor, for trying a change.
        let pause = cloudops_bench::measure::interleaved(
            21,
            u32::try_from(n).unwrap_or(1000),
            || {
                rt.block_on(tc.pause_serverless(CLUSTER).force_pause(true).send())
                    .unwrap();
            },
            || {
                rt.block_on(tc_floor.pause(CLUSTER)).unwrap();
            },
        );
        println!("{}", pause.row("PauseServerless", ""));
        let stop = cloudops_bench::measure::interleaved(
            21,
            u32::try_from(n).unwrap_or(1000),
            || {
                rt.block_on(hw.stop_db_om_instance(DBSS_INSTANCE).send())
                    .unwrap();
            },
            || {
                rt.block_on(hw_floor.stop(HW_PROJECT, DBSS_INSTANCE))
                    .unwrap();
            },
        );
        println!("{}", stop.row("DBSS stop", ""));
        return ExitCode::SUCCESS;
    }
    for _ in 0..n {
        match kind.as_str() {
            "pause" => {
                rt.block_on(tc.pause_serverless(CLUSTER).force_pause(true).send())
                    .unwrap();
            }
            "pause-floor" => {
                rt.block_on(tc_floor.pause(CLUSTER)).unwrap();
            }
            "stop" => {
                rt.block_on(hw.stop_db_om_instance(DBSS_INSTANCE).send())
                    .unwrap();
            }
            "stop-floor" => {
                rt.block_on(hw_floor.stop(HW_PROJECT, DBSS_INSTANCE))
                    .unwrap();
            }
            _ => {
                eprintln!("usage: profile_calls pause|pause-floor|stop|stop-floor [N]");
                return ExitCode::from(2);
            }
        }
    }
    ExitCode::SUCCESS
}

/// 64 calls in flight through one client on a runtime of `workers` threads, the server on a
/// thread of its own: calls per second of project and floor in alternating rounds.
fn in_flight(workers: usize, only: Option<(bool, usize)>) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers.max(1))
        .enable_all()
        .build()
        .unwrap();
    let server = Loopback::start_on_own_thread(&[], PAUSE_ANSWER);
    let floor_server = Loopback::start_on_own_thread(&[], PAUSE_ANSWER);
    let tc = cloudops_tencentcloud_cynosdb::Client::builder()
        .region("ap-guangzhou")
        .endpoint(server.url())
        .credentials(AccessKey::new(TC_ID, TC_KEY))
        .build()
        .unwrap();
    let tc_floor = PauseServerlessFloor::new(floor::http_client(), &floor_server.url());
    let run = |project: bool, per_task: usize| -> f64 {
        rt.block_on(async {
            let started = std::time::Instant::now();
            let tasks: Vec<_> = (0..64)
                .map(|_| {
                    let (tc, tc_floor) = (tc.clone(), tc_floor.clone());
                    tokio::spawn(async move {
                        for _ in 0..per_task {
                            if project {
                                tc.pause_serverless(CLUSTER)
                                    .force_pause(true)
                                    .send()
                                    .await
                                    .unwrap();
                            } else {
                                tc_floor.pause(CLUSTER).await.unwrap();
                            }
                        }
                    })
                })
                .collect();
            for t in tasks {
                t.await.unwrap();
            }
            (64 * per_task) as f64 / started.elapsed().as_secs_f64()
        })
    };
    if let Some((project, rounds)) = only {
        for _ in 0..rounds {
            run(project, 40);
        }
        return;
    }
    run(true, 20);
    run(false, 20);
    let mut ratios = Vec::new();
    for round in 0..11 {
        let (p, f) = if round % 2 == 0 {
            let p = run(true, 40);
            (p, run(false, 40))
        } else {
            let f = run(false, 40);
            (run(true, 40), f)
        };
        ratios.push(p / f);
    }
    ratios.sort_by(f64::total_cmp);
    println!(
        "64 in flight on {workers} worker(s): {:.2}x ({:.2}-{:.2}); connections {}/{}",
        ratios[ratios.len() / 2],
        ratios[0],
        ratios[ratios.len() - 1],
        server.connections(),
        floor_server.connections()
    );
}
