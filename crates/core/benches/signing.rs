//! Signing benchmarks against hand-written floors.
//!
//! Each scheme is measured next to its floor: a minimal signer written here with the same
//! hash crates that does the same correct work (the canonical request, the string to sign and
//! the `Authorization` value) and nothing else. Each floor is checked against a published
//! vector (OCP, which publishes none, against a vector made by the reference in
//! `xtask/vectors`) before it is timed. Both run in the same process; compare the ratio
//! printed at the end, not absolute times: the machines are shared. Allocations per signature
//! are counted with an instrumented allocator (stats_alloc).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::alloc::System;
use std::hint::black_box;
use std::time::{Duration, Instant, UNIX_EPOCH};

use base64::Engine as _;
use cloudops_core::sign::{huawei, ocp, tc3};
use cloudops_core::{AccessKey, Endpoint, Method, Request};
use criterion::{Criterion, criterion_group, criterion_main};
use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// How many allocations (and reallocations) one call of `f` makes.
fn allocations<T>(f: impl Fn() -> T) -> usize {
    let region = Region::new(GLOBAL);
    black_box(f());
    let change = region.change();
    change.allocations + change.reallocations
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn hex_into(out: &mut String, bytes: &[u8]) {
    for b in bytes {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
}

fn hmac256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut m = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap();
    m.update(data);
    m.finalize().into_bytes().into()
}

/// The TC3 floor: one buffer for the canonical request, one for the string to sign, one for
/// the Authorization value.
#[allow(clippy::too_many_arguments)]
fn tc3_floor(
    content_type: &str,
    host: &str,
    body: &[u8],
    service: &str,
    ts: i64,
    date: &str,
    id: &str,
    key: &str,
) -> String {
    let mut canonical = String::with_capacity(256);
    canonical.push_str("POST\n/\n\ncontent-type:");
    canonical.push_str(content_type);
    canonical.push_str("\nhost:");
    canonical.push_str(host);
    canonical.push_str("\n\ncontent-type;host\n");
    hex_into(&mut canonical, &Sha256::digest(body));
    let mut sts = String::with_capacity(160);
    sts.push_str("TC3-HMAC-SHA256\n");
    sts.push_str(&ts.to_string());
    sts.push('\n');
    sts.push_str(date);
    sts.push('/');
    sts.push_str(service);
    sts.push_str("/tc3_request\n");
    hex_into(&mut sts, &Sha256::digest(canonical.as_bytes()));
    let mut k = [0u8; 64];
    let secret = [b"TC3".as_slice(), key.as_bytes()].concat();
    let kd = hmac256(&secret, date.as_bytes());
    let ks = hmac256(&kd, service.as_bytes());
    let kk = hmac256(&ks, b"tc3_request");
    let sig = hmac256(&kk, sts.as_bytes());
    k[..32].copy_from_slice(&sig);
    let mut auth = String::with_capacity(200);
    auth.push_str("TC3-HMAC-SHA256 Credential=");
    auth.push_str(id);
    auth.push('/');
    auth.push_str(date);
    auth.push('/');
    auth.push_str(service);
    auth.push_str("/tc3_request, SignedHeaders=content-type;host, Signature=");
    hex_into(&mut auth, &k[..32]);
    auth
}

/// The SDK-HMAC-SHA256 floor for a request with a path, no query, and fixed signed headers.
fn huawei_floor(
    path: &str,
    query: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    date: &str,
    ak: &str,
    sk: &str,
) -> String {
    let mut canonical = String::with_capacity(320);
    canonical.push_str("POST\n");
    canonical.push_str(path);
    if !path.ends_with('/') {
        canonical.push('/');
    }
    canonical.push('\n');
    canonical.push_str(query);
    canonical.push('\n');
    let mut names = String::with_capacity(64);
    for (i, (n, v)) in headers.iter().enumerate() {
        canonical.push_str(n);
        canonical.push(':');
        canonical.push_str(v);
        canonical.push('\n');
        if i > 0 {
            names.push(';');
        }
        names.push_str(n);
    }
    canonical.push('\n');
    canonical.push_str(&names);
    canonical.push('\n');
    hex_into(&mut canonical, &Sha256::digest(body));
    let mut sts = String::with_capacity(100);
    sts.push_str("SDK-HMAC-SHA256\n");
    sts.push_str(date);
    sts.push('\n');
    hex_into(&mut sts, &Sha256::digest(canonical.as_bytes()));
    let sig = hmac256(sk.as_bytes(), sts.as_bytes());
    let mut auth = String::with_capacity(160);
    auth.push_str("SDK-HMAC-SHA256 Access=");
    auth.push_str(ak);
    auth.push_str(", SignedHeaders=");
    auth.push_str(&names);
    auth.push_str(", Signature=");
    hex_into(&mut auth, &sig);
    auth
}

/// The OCP floor for a bodyless request.
fn ocp_floor(date: &str, host: &str, path: &str, ak: &str, sk: &str) -> String {
    let mut sts = String::with_capacity(200);
    sts.push_str("POST\n\n\n");
    sts.push_str(date);
    sts.push('\n');
    sts.push_str(host);
    sts.push_str("\n\n");
    sts.push_str(path);
    let mut m = <hmac::Hmac<sha1::Sha1> as KeyInit>::new_from_slice(sk.as_bytes()).unwrap();
    m.update(sts.as_bytes());
    let mut auth = String::with_capacity(80);
    auth.push_str("OCP-ACCESS-KEY-HMACSHA1 ");
    auth.push_str(ak);
    auth.push(':');
    base64::engine::general_purpose::STANDARD.encode_string(m.finalize().into_bytes(), &mut auth);
    auth
}

const TC_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE";
const TC_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
const CVM_BODY: &str =
    r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
const HW_AK: &str = "QTWAOYTTINDUT2QVKYUC";
const HW_SK: &str = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc";

/// The floors reproduce published (or reference) vectors before anything is timed.
fn check_floors() {
    let auth = tc3_floor(
        "application/json; charset=utf-8",
        "cvm.tencentcloudapi.com",
        CVM_BODY.as_bytes(),
        "cvm",
        1_551_113_065,
        "2019-02-25",
        TC_ID,
        TC_KEY,
    );
    assert!(
        auth.ends_with("72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"),
        "{auth}"
    );
    // The documented Huawei vector is a GET; the floor signs the same canonical form.
    let canonical_path = "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/";
    let query = "limit=2&marker=13551d6b-755d-4757-b956-536f674975c0";
    let headers = [
        ("content-type", "application/json"),
        ("host", "service.region.example.com"),
        ("x-sdk-date", "20191115T033655Z"),
    ];
    let mut canonical = format!("GET\n{canonical_path}\n{query}\n");
    for (n, v) in headers {
        canonical.push_str(&format!("{n}:{v}\n"));
    }
    canonical.push_str("\ncontent-type;host;x-sdk-date\n");
    let mut empty = String::new();
    hex_into(&mut empty, &Sha256::digest(b""));
    canonical.push_str(&empty);
    let mut h = String::new();
    hex_into(&mut h, &Sha256::digest(canonical.as_bytes()));
    assert_eq!(
        h,
        "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"
    );
    let floor = huawei_floor(
        "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs",
        query,
        &headers,
        b"",
        "20191115T033655Z",
        HW_AK,
        HW_SK,
    );
    // The floor signs POST; recompute the published GET signature from its pieces.
    let sig = hmac256(
        HW_SK.as_bytes(),
        format!("SDK-HMAC-SHA256\n20191115T033655Z\n{h}").as_bytes(),
    );
    let mut hex = String::new();
    hex_into(&mut hex, &sig);
    assert_eq!(
        hex,
        "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
    );
    assert!(floor.starts_with("SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC"));
    // OCP: the reference vector of xtask/vectors (stop-schedule).
    let auth = ocp_floor(
        "Tue, 17 Jan 2023 03:36:01 GMT",
        "ocp.example.com:8080",
        "/api/v2/ob/clusters/1000002/tenants/1000012/backup/config/backupStrategy/stopSchedule",
        "ocp-example-ak",
        "ocp-example-sk",
    );
    let vector: serde_json::Value =
        serde_json::from_str(include_str!("../tests/vectors/ocp/001-stop-schedule.json")).unwrap();
    assert_eq!(auth, vector["expected"]["authorization"].as_str().unwrap());
}

/// A scheme's name, the project's signer and its floor.
type Pair<'a> = (&'a str, &'a dyn Fn(), &'a dyn Fn());

/// Median time per call of `f`, over `rounds` rounds of `n` calls.
fn median(rounds: usize, n: u32, f: &dyn Fn()) -> Duration {
    let mut times: Vec<Duration> = (0..rounds)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..n {
                f();
            }
            t.elapsed() / n
        })
        .collect();
    times.sort();
    times[rounds / 2]
}

fn bench(c: &mut Criterion) {
    check_floors();
    let body = br#"{"ClusterId":"cynosdbmysql-8vcxoq75"}"#;
    let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let key = AccessKey::new(TC_ID, TC_KEY);
    let tc_req = Request::new(
        Method::Post,
        Endpoint::parse("https://cynosdb.tencentcloudapi.com").unwrap(),
        "/",
    )
    .with_body("application/json", body.to_vec())
    .with_header("x-tc-action", "PauseServerless");
    let hw_key = AccessKey::new(HW_AK, HW_SK);
    let hw_req = Request::new(
        Method::Post,
        Endpoint::parse("https://dbss.cn-north-4.myhuaweicloud.com").unwrap(),
        "/v1/619d3e78f61b4be68bc5aa0b59edcf7b/db-om/2f1a3b5c7d9e4f60a1b2c3d4e5f60718/stop",
    )
    .with_header("content-type", "application/json")
    .with_header("x-project-id", "619d3e78f61b4be68bc5aa0b59edcf7b");
    let ocp_key = AccessKey::new("ocp-example-ak", "ocp-example-sk");
    let ocp_req = Request::new(
        Method::Post,
        Endpoint::parse("http://ocp.example.com:8080").unwrap(),
        "/api/v2/ob/clusters/1000002/tenants/1000012/backup/config/backupStrategy/stopSchedule",
    );

    let tc3_project = || {
        black_box(tc3::sign(
            black_box(&tc_req),
            &key,
            "cynosdb",
            now,
            tc3::SignedHeaders::ContentTypeHost,
        ));
    };
    let tc3_floor_call = || {
        black_box(tc3_floor(
            "application/json",
            "cynosdb.tencentcloudapi.com",
            black_box(body),
            "cynosdb",
            1_700_000_000,
            "2023-11-14",
            TC_ID,
            TC_KEY,
        ));
    };
    let hw_headers = [
        ("content-type", "application/json"),
        ("host", "dbss.cn-north-4.myhuaweicloud.com"),
        ("x-project-id", "619d3e78f61b4be68bc5aa0b59edcf7b"),
        ("x-sdk-date", "20231114T221320Z"),
    ];
    let hw_project = || {
        black_box(huawei::sign(black_box(&hw_req), &hw_key, now));
    };
    let hw_floor_call = || {
        black_box(huawei_floor(
            "/v1/619d3e78f61b4be68bc5aa0b59edcf7b/db-om/2f1a3b5c7d9e4f60a1b2c3d4e5f60718/stop",
            "",
            &hw_headers,
            black_box(b""),
            "20231114T221320Z",
            HW_AK,
            HW_SK,
        ));
    };
    let ocp_project = || {
        black_box(ocp::sign(black_box(&ocp_req), &ocp_key, now));
    };
    let ocp_floor_call = || {
        black_box(ocp_floor(
            "Tue, 14 Nov 2023 22:13:20 GMT",
            "ocp.example.com:8080",
            "/api/v2/ob/clusters/1000002/tenants/1000012/backup/config/backupStrategy/stopSchedule",
            "ocp-example-ak",
            "ocp-example-sk",
        ));
    };

    let pairs: [Pair<'_>; 3] = [
        ("tc3 (PauseServerless)", &tc3_project, &tc3_floor_call),
        ("sdk-hmac-sha256 (DBSS stop)", &hw_project, &hw_floor_call),
        (
            "ocp-hmac-sha1 (stop schedule)",
            &ocp_project,
            &ocp_floor_call,
        ),
    ];
    let mut g = c.benchmark_group("sign");
    for (name, project, floor) in pairs {
        g.bench_function(format!("{name}/project"), |b| b.iter(project));
        g.bench_function(format!("{name}/floor"), |b| b.iter(floor));
    }
    g.finish();

    // The ratios, from interleaved rounds in this run.
    println!(
        "\nscheme                          project    floor      ratio  allocations (project/floor)"
    );
    for (name, project, floor) in pairs {
        let (mut p, mut f) = (Vec::new(), Vec::new());
        for _ in 0..9 {
            p.push(median(5, 2000, project));
            f.push(median(5, 2000, floor));
        }
        p.sort();
        f.sort();
        let (p, f) = (p[4], f[4]);
        println!(
            "{name:<31} {:>7.2?} {:>8.2?} {:>8.2}x  {}/{}",
            p,
            f,
            p.as_secs_f64() / f.as_secs_f64(),
            allocations(project),
            allocations(floor)
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
