//! The signing vectors in `tests/vectors/`, one JSON file per case, whose expected values were
//! computed by the vendors' own SDK code (`cargo xtask vectors`): every signer must reproduce
//! each case's canonical request, string to sign and `Authorization` exactly. A failure names
//! every case that differs and the first line that does.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use cloudops_core::sign::{Signature, huawei, ocp, tc3};
use cloudops_core::{AccessKey, Endpoint, Method, Request};
use serde_json::Value;

fn cases(scheme: &str) -> Vec<(PathBuf, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(scheme);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let v = serde_json::from_str(&std::fs::read_to_string(&p).unwrap())
                .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, v)
        })
        .collect()
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_default()
}

fn method(v: &Value) -> Method {
    Method::parse(s(v, "method")).expect("a known method")
}

fn pairs(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|p| (s_at(p, 0).to_string(), s_at(p, 1).to_string()))
                .collect()
        })
        .unwrap_or_default()
}

fn s_at(v: &Value, i: usize) -> &str {
    v[i].as_str().unwrap_or_default()
}

fn key(case: &Value) -> AccessKey {
    let c = &case["credentials"];
    let mut k = AccessKey::new(s(c, "id"), s(c, "secret"));
    if let Some(t) = c["token"].as_str() {
        k = k.with_session_token(t);
    }
    k
}

fn request(case: &Value, scheme: &str) -> Request {
    let r = &case["request"];
    let endpoint = Endpoint::parse(&format!("{scheme}://{}", s(r, "host"))).unwrap();
    assert_eq!(
        endpoint.host_header(),
        s(r, "host"),
        "a vector's host must be kept as is"
    );
    let mut req = Request::new(method(r), endpoint, s(r, "path").to_string());
    req.query = pairs(&r["query"]);
    for (n, v) in pairs(&r["headers"]) {
        req.headers.append(&n, v);
    }
    req.body = s(r, "body").as_bytes().to_vec();
    req
}

fn time(case: &Value) -> std::time::SystemTime {
    UNIX_EPOCH + Duration::from_secs(case["time"].as_u64().expect("a time"))
}

/// Compares what a signer produced with the case's expected values; `None` when equal.
fn compare(path: &Path, case: &Value, sig: &Signature) -> Option<String> {
    let expected = &case["expected"];
    for (what, got) in [
        ("canonical_request", sig.canonical_request.as_str()),
        ("string_to_sign", sig.string_to_sign.as_str()),
        ("authorization", sig.authorization().unwrap_or_default()),
    ] {
        let want = s(expected, what);
        if got != want {
            let line = want
                .lines()
                .zip(got.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| want.lines().count().min(got.lines().count()));
            return Some(format!(
                "{}: {what} differs at line {}:\n  expected {:?}\n  got      {:?}",
                path.display(),
                line + 1,
                want.lines().nth(line).unwrap_or(""),
                got.lines().nth(line).unwrap_or("")
            ));
        }
    }
    None
}

fn check_all(scheme: &str, sign: impl Fn(&Value) -> Vec<Signature>) {
    let all = cases(scheme);
    assert!(all.len() >= 50, "{scheme}: only {} vectors", all.len());
    let mut failures = Vec::new();
    for (path, case) in &all {
        for sig in sign(case) {
            if let Some(f) = compare(path, case, &sig) {
                failures.push(f);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} {scheme} vectors differ:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

#[test]
fn huawei_vectors() {
    check_all("huawei", |case| {
        vec![huawei::sign(
            &request(case, "https"),
            &key(case),
            time(case),
        )]
    });
}

#[test]
fn ocp_vectors() {
    check_all("ocp", |case| {
        vec![ocp::sign(&request(case, "http"), &key(case), time(case))]
    });
}

#[test]
fn tc3_vectors() {
    check_all("tc3", |case| {
        let r = &case["request"];
        let spec = &case["tc3"];
        let c = &case["credentials"];
        let headers = pairs(&r["headers"]);
        let content_type = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        let signed_headers = if s(spec, "signed_headers").contains("x-tc-action") {
            tc3::SignedHeaders::WithAction
        } else {
            tc3::SignedHeaders::ContentTypeHost
        };
        let m = method(r);
        let input = tc3::Tc3Input {
            method: m,
            query: if m == Method::Get {
                s(r, "query_string")
            } else {
                ""
            },
            content_type,
            host: s(r, "host"),
            action: s(spec, "action"),
            body: s(r, "body").as_bytes(),
            service: s(spec, "service"),
            timestamp: case["time"].as_i64().unwrap(),
            signed_headers,
        };
        let mut sigs = vec![tc3::sign_parts(&input, s(c, "id"), s(c, "secret"))];
        if m == Method::Post {
            // The same through a whole request, as the client signs it.
            let mut req = request(case, "https");
            req.headers.set("x-tc-action", s(spec, "action"));
            sigs.push(tc3::sign(
                &req,
                &key(case),
                s(spec, "service"),
                time(case),
                signed_headers,
            ));
        }
        sigs
    });
}
