//! Signing benchmarks.
//!
//! Signing cost per scheme, each against a baseline measured in the same run: the SHA-256 of
//! the same body, the least work any body-hashing signer must do. Compare the ratios, not the
//! absolute times: the machines are shared.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use cloudops_core::sign::{huawei, ocp, tc3};
use cloudops_core::time::FixedClock;
use cloudops_core::{AccessKey, Clock, Endpoint, Method, Request};
use criterion::{Criterion, criterion_group, criterion_main};
use sha2::{Digest, Sha256};

fn request(body: &[u8]) -> Request {
    Request::new(
        Method::Post,
        Endpoint::parse("https://gaussdb.cn-north-4.myhuaweicloud.com").unwrap(),
        "/v3/619d3e78f61b4be68bc5aa0b59edcf7b/backups/resource-package",
    )
    .with_body("application/json", body.to_vec())
    .with_header("x-tc-action", "PauseServerless")
}

fn bench(c: &mut Criterion) {
    let body = br#"{"spec_code":"gaussdb.mysql.backup.pkg.1tb","num":1,"charge_info":{"period_type":"year","period_num":1,"is_auto_pay":false,"is_auto_renew":false}}"#;
    let req = request(body);
    let key = AccessKey::new(
        "QTWAOYTTINDUT2QVKYUC",
        "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc",
    );
    let now = FixedClock::at_unix(1_700_000_000).now();

    let mut g = c.benchmark_group("sign");
    g.bench_function("baseline_sha256_body", |b| {
        b.iter(|| Sha256::digest(black_box(&body[..])))
    });
    g.bench_function("tc3", |b| {
        b.iter(|| {
            tc3::sign(
                black_box(&req),
                &key,
                "cynosdb",
                now,
                tc3::SignedHeaders::ContentTypeHost,
            )
        })
    });
    g.bench_function("huawei_sdk_hmac_sha256", |b| {
        b.iter(|| huawei::sign(black_box(&req), &key, now))
    });
    g.bench_function("ocp_hmac_sha1", |b| {
        b.iter(|| ocp::sign(black_box(&req), &key, now))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
