//! Each signer next to its floor (see `cloudops_bench::floor`), timed with criterion and in
//! interleaved rounds; prints the median ratio, its spread and the allocations per signature.
//! Each request carries its `Host`, as every request the pipeline signs does (the endpoint's,
//! set before signing), so neither side builds one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::hint::black_box;
use std::time::{Duration, UNIX_EPOCH};

use cloudops_bench::alloc::{Counting, count};
use cloudops_bench::floor::{self, HW_AK, HW_PROJECT, HW_SK, TC_ID, TC_KEY};
use cloudops_bench::measure::{heading, interleaved};
use cloudops_core::sign::{huawei, ocp, tc3};
use cloudops_core::{AccessKey, Endpoint, Method, Request};
use criterion::{Criterion, criterion_group, criterion_main};

#[global_allocator]
static GLOBAL: Counting = Counting;

const DBSS_PATH: &str =
    "/v1/619d3e78f61b4be68bc5aa0b59edcf7b/db-om/2f1a3b5c7d9e4f60a1b2c3d4e5f60718/stop";
const OCP_PATH: &str =
    "/api/v2/ob/clusters/1000002/tenants/1000012/backup/config/backupStrategy/stopSchedule";

/// A scheme's name, the project's signer and its floor.
type Pair<'a> = (&'a str, &'a dyn Fn(), &'a dyn Fn());

fn bench(c: &mut Criterion) {
    floor::check();
    let body = br#"{"ClusterId":"cynosdbmysql-8vcxoq75","ForcePause":1}"#;
    let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let key = AccessKey::new(TC_ID, TC_KEY);
    let tc_req = Request::new(
        Method::Post,
        Endpoint::parse("https://cynosdb.tencentcloudapi.com").unwrap(),
        "/",
    )
    .with_body("application/json", body.to_vec())
    .with_header("host", "cynosdb.tencentcloudapi.com")
    .with_header("x-tc-action", "PauseServerless");
    let hw_key = AccessKey::new(HW_AK, HW_SK);
    let hw_req = Request::new(
        Method::Post,
        Endpoint::parse("https://dbss.cn-north-4.myhuaweicloud.com").unwrap(),
        DBSS_PATH,
    )
    .with_header("content-type", "application/json")
    .with_header("host", "dbss.cn-north-4.myhuaweicloud.com")
    .with_header("x-project-id", HW_PROJECT);
    let ocp_key = AccessKey::new("ocp-example-ak", "ocp-example-sk");
    let ocp_req = Request::new(
        Method::Post,
        Endpoint::parse("http://ocp.example.com:8080").unwrap(),
        OCP_PATH,
    )
    .with_header("host", "ocp.example.com:8080");

    let tc3_project = || {
        black_box(tc3::sign(
            black_box(&tc_req),
            &key,
            "cynosdb",
            now,
            tc3::SignedHeaders::ContentTypeHost,
        ));
    };
    let tc3_floor = || {
        black_box(floor::tc3(
            "application/json",
            "cynosdb.tencentcloudapi.com",
            black_box(body),
            "cynosdb",
            floor::decimal(black_box(1_700_000_000)).as_str(),
            floor::tc3_date(black_box(1_700_000_000)).as_str(),
            TC_ID,
            TC_KEY,
        ));
    };
    let hw_project = || {
        black_box(huawei::sign(black_box(&hw_req), &hw_key, now));
    };
    let hw_floor = || {
        let date = floor::sdk_date(black_box(1_700_000_000));
        let date = date.as_str();
        black_box(floor::huawei(
            DBSS_PATH,
            "",
            &[
                ("content-type", "application/json"),
                ("host", "dbss.cn-north-4.myhuaweicloud.com"),
                ("x-project-id", HW_PROJECT),
                ("x-sdk-date", date),
            ],
            black_box(b""),
            date,
            HW_AK,
            HW_SK,
        ));
    };
    let ocp_project = || {
        black_box(ocp::sign(black_box(&ocp_req), &ocp_key, now));
    };
    let ocp_floor = || {
        black_box(floor::ocp(
            floor::http_date(black_box(1_700_000_000)).as_str(),
            "ocp.example.com:8080",
            OCP_PATH,
            "ocp-example-ak",
            "ocp-example-sk",
        ));
    };

    let pairs: [Pair<'_>; 3] = [
        ("tc3 (PauseServerless)", &tc3_project, &tc3_floor),
        ("sdk-hmac-sha256 (DBSS stop)", &hw_project, &hw_floor),
        ("ocp-hmac-sha1 (stop schedule)", &ocp_project, &ocp_floor),
    ];
    let mut g = c.benchmark_group("sign");
    for (name, project, floor) in pairs {
        g.bench_function(format!("{name}/project"), |b| b.iter(project));
        g.bench_function(format!("{name}/floor"), |b| b.iter(floor));
    }
    g.finish();

    println!("\n{}", heading("allocations (project/floor)"));
    for (name, project, floor) in pairs {
        let cmp = interleaved(41, 2000, project, floor);
        let ((), p) = count(project);
        let ((), f) = count(floor);
        println!("{}", cmp.row(name, &format!("{p}/{f}")));
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
