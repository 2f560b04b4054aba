//! Whole-call benchmark.
//!
//! The cost of one whole PauseServerless call inside the SDK (validation, JSON encoding,
//! signing, envelope classification, decoding) with a transport that answers at once, against
//! a baseline measured in the same run: encoding the input and decoding the sample answer with
//! serde_json alone. Compare the ratio, not absolute times.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::sync::Arc;

use cloudops_core::{AccessKey, Response};
use cloudops_tencentcloud_cynosdb::Client;
use cloudops_testkit::StubTransport;
use criterion::{Criterion, criterion_group, criterion_main};

const SAMPLE: &str =
    r#"{"Response": {"FlowId": 1008306, "RequestId": "37508f2e-23eb-11eb-a713-525400b7dd5a"}}"#;

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = Client::builder()
        .region("ap-guangzhou")
        .credentials(AccessKey::new(
            "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
            "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
        ))
        .transport(Arc::new(StubTransport::new(Response::new(200, SAMPLE))))
        .build()
        .unwrap();

    let mut g = c.benchmark_group("pause_serverless");
    g.bench_function("baseline_serde_json_round_trip", |b| {
        b.iter(|| {
            let body = serde_json::to_vec(
                &serde_json::json!({"ClusterId": "cynosdbmysql-8vcxoq75", "ForcePause": 1}),
            )
            .unwrap();
            let v: serde_json::Value = serde_json::from_str(black_box(SAMPLE)).unwrap();
            black_box((body, v))
        })
    });
    g.bench_function("sdk_call_with_stub_transport", |b| {
        b.iter(|| {
            runtime
                .block_on(
                    client
                        .pause_serverless(black_box("cynosdbmysql-8vcxoq75"))
                        .force_pause(true)
                        .send(),
                )
                .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
