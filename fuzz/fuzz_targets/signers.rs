//! Every signer signs any request (any method, path, query, headers, body, credentials and
//! time) without panic, and its `Debug` never prints the secret or the token.
#![no_main]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cloudops_core::sign::{basic, huawei, ocp, tc3};
use cloudops_core::{AccessKey, BasicAuth, Endpoint, Method, Request};
use libfuzzer_sys::fuzz_target;

/// Splits fuzz bytes into text fields at 0xFF bytes.
fn fields(data: &[u8]) -> Vec<String> {
    data.split(|b| *b == 0xff)
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let f = fields(data);
    let get = |i: usize| f.get(i).cloned().unwrap_or_default();
    let selector = data.first().copied().unwrap_or(0);
    let method =
        [Method::Get, Method::Post, Method::Put, Method::Delete][usize::from(selector % 4)];
    let endpoint = Endpoint::parse(&get(1)).unwrap_or_else(|_| {
        Endpoint::parse("https://service.region.example.com").expect("a fixed endpoint")
    });
    let mut request = Request::new(method, endpoint, get(2));
    for pair in get(3).split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        request.query.push((k.to_string(), v.to_string()));
    }
    for line in get(4).lines() {
        if let Some((n, v)) = line.split_once(':') {
            request.headers.append(n, v);
        }
    }
    request.body = get(5).into_bytes();
    let secs = u64::from_le_bytes(
        data.get(..8)
            .and_then(|b| b.try_into().ok())
            .unwrap_or([0; 8]),
    );
    let time = UNIX_EPOCH
        .checked_add(Duration::from_secs(secs % (400 * 365 * 86_400)))
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let key = AccessKey::new(get(6), "fuzz-secret-key").with_session_token("fuzz-secret-token");

    let signatures = [
        tc3::sign(
            &request,
            &key,
            "cynosdb",
            time,
            tc3::SignedHeaders::ContentTypeHost,
        ),
        tc3::sign(
            &request,
            &key,
            "cynosdb",
            time,
            tc3::SignedHeaders::WithAction,
        ),
        huawei::sign(&request, &key, time),
        ocp::sign(&request, &key, time),
        basic::sign(&BasicAuth::new(get(6), "fuzz-secret-key")),
    ];
    for s in signatures {
        let shown = format!("{s:?}");
        assert!(!shown.contains("fuzz-secret-token"), "{shown}");
        let mut signed = request.clone();
        s.apply(&mut signed);
        let shown = format!("{signed:?}");
        assert!(!shown.contains("fuzz-secret-token"), "{shown}");
    }
});
