//! Whole calls over loopback, each next to its floor (see `cloudops_bench::floor`): sequential
//! calls (time and allocations per call) and 64 calls in flight through one client (calls per
//! second and TCP connections opened), and what building a client costs: a default client of each
//! vendor after the first (they share the process's transport), next to one with a transport
//! of its own. Project and floor each talk to their own
//! `cloudops_bench::server::Loopback`, so connections are counted apart. For sequential calls
//! the servers run on the client's runtime, so a round trip is the CPU work of both ends and
//! not how soon the scheduler wakes another thread; with 64 in flight they run on their own
//! threads.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::future::Future;
use std::time::Instant;

use cloudops_bench::alloc::{Counting, count};
use cloudops_bench::floor::{
    self, CLUSTER, DBSS_INSTANCE, DbssStopFloor, HW_AK, HW_PROJECT, HW_SK, PauseServerlessFloor,
    TC_ID, TC_KEY,
};
use cloudops_bench::measure::{heading, interleaved, median};
use cloudops_bench::server::Loopback;
use cloudops_core::AccessKey;
use cloudops_huaweicloud::ProjectScoped;
use criterion::{Criterion, criterion_group, criterion_main};
use tokio::runtime::Runtime;

#[global_allocator]
static GLOBAL: Counting = Counting;

const PAUSE_ANSWER: &str =
    r#"{"Response": {"FlowId": 1008306, "RequestId": "37508f2e-23eb-11eb-a713-525400b7dd5a"}}"#;
const STOP_ANSWER: &str = r#"{"result": "success"}"#;
const STOP_HEADERS: &[&str] = &["x-request-id: 0c1e5b1c9a2f4bde8c3a61b1e8f1a0d7"];

/// Interleaved rounds (of 1000 calls each) for sequential calls.
const SEQUENTIAL_ROUNDS: usize = 31;

/// How many calls are in flight at once in the concurrent measurement.
const IN_FLIGHT: usize = 64;

fn cynosdb(url: &str) -> cloudops_tencentcloud_cynosdb::Client {
    cloudops_tencentcloud_cynosdb::Client::builder()
        .region("ap-guangzhou")
        .endpoint(url)
        .credentials(AccessKey::new(TC_ID, TC_KEY))
        .build()
        .unwrap()
}

fn dbss(url: &str) -> cloudops_huaweicloud::Client {
    cloudops_huaweicloud::Client::builder()
        .region("cn-north-4")
        .endpoint(cloudops_huaweicloud::Service::Dbss, url)
        .credentials(AccessKey::new(HW_AK, HW_SK).with_project_id(HW_PROJECT))
        .build()
        .unwrap()
}

/// Calls per second of `IN_FLIGHT` tasks making `per_task` calls each with `call`.
fn throughput<F, Fut>(rt: &Runtime, per_task: usize, call: F) -> f64
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    rt.block_on(async {
        let started = Instant::now();
        let tasks: Vec<_> = (0..IN_FLIGHT)
            .map(|_| {
                let call = call.clone();
                tokio::spawn(async move {
                    for _ in 0..per_task {
                        call().await;
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        (IN_FLIGHT * per_task) as f64 / started.elapsed().as_secs_f64()
    })
}

/// How many calls the allocation count takes the median of.
const ALLOCATION_SAMPLES: usize = 21;

/// Rounds (of 1000 builds each) for building clients.
const BUILD_ROUNDS: usize = 15;

/// Building one client with `build`: the median time per build over rounds of 1000, and the
/// median allocations of one build.
fn build_cost(build: impl Fn()) -> (std::time::Duration, u64) {
    let mut times: Vec<_> = (0..BUILD_ROUNDS)
        .map(|_| cloudops_bench::measure::per_call(1000, &build))
        .collect();
    (median(&mut times), allocations_per_call(build))
}

/// The median allocations of one call made by `call` on this thread.
fn allocations_per_call(call: impl Fn()) -> u64 {
    let mut counts: Vec<u64> = (0..ALLOCATION_SAMPLES).map(|_| count(&call).1).collect();
    median(&mut counts)
}

fn bench(c: &mut Criterion) {
    floor::check();
    // Counted before anything else builds a client: one program, clients of three vendors.
    client_builds();
    let current = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let threaded = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    let on = current.handle();
    let pause_server = Loopback::start(on, &[], PAUSE_ANSWER);
    let pause_floor_server = Loopback::start(on, &[], PAUSE_ANSWER);
    let stop_server = Loopback::start(on, STOP_HEADERS, STOP_ANSWER);
    let stop_floor_server = Loopback::start(on, STOP_HEADERS, STOP_ANSWER);

    let tc = cynosdb(&pause_server.url());
    let tc_floor = PauseServerlessFloor::new(floor::http_client(), &pause_floor_server.url());
    let hw = dbss(&stop_server.url());
    let hw_floor = DbssStopFloor::new(floor::http_client(), &stop_floor_server.url());

    // Both answer correctly before anything is timed.
    let out = current
        .block_on(tc.pause_serverless(CLUSTER).force_pause(true).send())
        .unwrap();
    assert_eq!(out.flow_id, 1008306);
    let out = current.block_on(tc_floor.pause(CLUSTER)).unwrap();
    assert_eq!(out.flow_id, 1008306);
    let out = current
        .block_on(hw.stop_db_om_instance(DBSS_INSTANCE).send())
        .unwrap();
    assert_eq!(out.result, "success");
    let out = current
        .block_on(hw_floor.stop(HW_PROJECT, DBSS_INSTANCE))
        .unwrap();
    assert_eq!(out.result, "success");

    let pause_project = || {
        current
            .block_on(tc.pause_serverless(CLUSTER).force_pause(true).send())
            .unwrap();
    };
    let pause_floor = || {
        current.block_on(tc_floor.pause(CLUSTER)).unwrap();
    };
    let stop_project = || {
        current
            .block_on(hw.stop_db_om_instance(DBSS_INSTANCE).send())
            .unwrap();
    };
    let stop_floor = || {
        current
            .block_on(hw_floor.stop(HW_PROJECT, DBSS_INSTANCE))
            .unwrap();
    };

    let mut g = c.benchmark_group("call");
    g.bench_function("PauseServerless sequential/project", |b| {
        b.iter(pause_project)
    });
    g.bench_function("PauseServerless sequential/floor", |b| b.iter(pause_floor));
    g.bench_function("DBSS stop sequential/project", |b| b.iter(stop_project));
    g.bench_function("DBSS stop sequential/floor", |b| b.iter(stop_floor));
    g.finish();

    println!("\n{}", heading("allocations per call (project/floor)"));
    let pause = interleaved(SEQUENTIAL_ROUNDS, 1000, pause_project, pause_floor);
    let pa = allocations_per_call(pause_project);
    let pf = allocations_per_call(pause_floor);
    println!(
        "{}",
        pause.row("PauseServerless, sequential", &format!("{pa}/{pf}"))
    );
    let stop = interleaved(SEQUENTIAL_ROUNDS, 1000, stop_project, stop_floor);
    let sa = allocations_per_call(stop_project);
    let sf = allocations_per_call(stop_floor);
    println!(
        "{}",
        stop.row("DBSS stop, sequential", &format!("{sa}/{sf}"))
    );

    // 64 in flight through one client, on a two-worker runtime: calls per second, in
    // interleaved rounds, and the connections each side opened.
    let pause_server = Loopback::start_on_own_thread(&[], PAUSE_ANSWER);
    let pause_floor_server = Loopback::start_on_own_thread(&[], PAUSE_ANSWER);
    let tc_threaded = cynosdb(&pause_server.url());
    let floor_threaded = PauseServerlessFloor::new(floor::http_client(), &pause_floor_server.url());
    let project_call = {
        let client = tc_threaded.clone();
        move || {
            let client = client.clone();
            async move {
                client
                    .pause_serverless(CLUSTER)
                    .force_pause(true)
                    .send()
                    .await
                    .unwrap();
            }
        }
    };
    let floor_call = {
        let f = floor_threaded.clone();
        move || {
            let f = f.clone();
            async move {
                f.pause(CLUSTER).await.unwrap();
            }
        }
    };
    // Warm-up opens the connections both sides keep.
    throughput(&threaded, 20, project_call.clone());
    throughput(&threaded, 20, floor_call.clone());
    let (pc, fc) = (pause_server.connections(), pause_floor_server.connections());
    let mut ratios = Vec::new();
    let (mut ps, mut fs) = (Vec::new(), Vec::new());
    for round in 0..15 {
        // The side that goes first alternates from round to round.
        let (p, f) = if round % 2 == 0 {
            let p = throughput(&threaded, 40, project_call.clone());
            (p, throughput(&threaded, 40, floor_call.clone()))
        } else {
            let f = throughput(&threaded, 40, floor_call.clone());
            (throughput(&threaded, 40, project_call.clone()), f)
        };
        ratios.push(p / f);
        ps.push(p as u64);
        fs.push(f as u64);
    }
    ratios.sort_by(f64::total_cmp);
    println!(
        "{:<34} {:>7} c/s {:>7} c/s {:>6.2}x ({:.2}-{:.2}) connections after warm-up {}/{}, \
         opened in the rounds {}/{}",
        "PauseServerless, 64 in flight",
        median(&mut ps),
        median(&mut fs),
        ratios[ratios.len() / 2],
        ratios[0],
        ratios[ratios.len() - 1],
        pc,
        fc,
        pause_server.connections() - pc,
        pause_floor_server.connections() - fc,
    );
}

/// What building a client costs: a default client of each vendor after the first, three
/// vendors in one program (one HTTP client built, the platform's roots loaded once), and a
/// client with a transport of its own for comparison.
fn client_builds() {
    use cloudops_core::transport::{clients_built, platform_root_loads};
    let tencent = || {
        cloudops_tencentcloud_cynosdb::Client::builder()
            .region("ap-guangzhou")
            .credentials(AccessKey::new(TC_ID, TC_KEY))
            .build()
            .unwrap();
    };
    let huawei = || {
        cloudops_huaweicloud::Client::builder()
            .region("cn-north-4")
            .credentials(AccessKey::new(HW_AK, HW_SK).with_project_id(HW_PROJECT))
            .build()
            .unwrap();
    };
    let ocp = || {
        cloudops_ocp::Client::builder()
            .endpoint("https://ocp.example.internal:8443")
            .credentials(cloudops_core::BasicAuth::new("admin", "password"))
            .build()
            .unwrap();
    };
    let started = Instant::now();
    tencent();
    let first = started.elapsed();
    let (t, ta) = build_cost(tencent);
    let (h, ha) = build_cost(huawei);
    let (o, oa) = build_cost(ocp);
    let (built, loads) = (clients_built(), platform_root_loads());
    // A transport of its own: what every client cost before they shared one.
    let (own, owna) = build_cost(|| {
        cloudops_tencentcloud_cynosdb::Client::builder()
            .region("ap-guangzhou")
            .credentials(AccessKey::new(TC_ID, TC_KEY))
            .connect_timeout(std::time::Duration::from_secs(5))
            .build()
            .unwrap();
    });
    println!("\nbuilding a client (median per build, allocations per build)");
    println!("{:<34} {first:>9.2?}", "the first default client");
    for (name, time, allocs) in [
        ("default CynosDB client, after it", t, ta),
        ("default Huawei client, after it", h, ha),
        ("default OCP client, after it", o, oa),
        ("a client with its own transport", own, owna),
    ] {
        println!("{name:<34} {time:>9.2?} {allocs:>6} allocations");
    }
    println!(
        "{:<34} {built} HTTP client built, platform roots loaded {loads} time(s)",
        format!(
            "{} default clients",
            1 + 3 * (BUILD_ROUNDS * 1000 + ALLOCATION_SAMPLES)
        )
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
