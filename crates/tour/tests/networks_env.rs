//! Proxies taken from the environment, as curl and the vendors' own SDKs take them: the tour
//! binary runs every operation with `HTTP_PROXY` / `HTTPS_PROXY` (either case) pointing at a
//! recording loopback proxy, over HTTP and over HTTPS with a private CA; `NO_PROXY` keeps the
//! calls direct. (A child process, because the environment is the process's.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

use cloudops_testkit::proxy::TestProxy;

const PROXY_VARIABLES: [&str; 8] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// Runs the tour with exactly `vars` set among the proxy variables; returns whether every call
/// succeeded.
fn tour(tls: bool, vars: &[(&str, &str)]) -> bool {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cloudops-tour"));
    for v in PROXY_VARIABLES {
        cmd.env_remove(v);
    }
    cmd.envs(vars.iter().copied())
        .env("CLOUDOPS_TOUR_TLS", if tls { "1" } else { "0" });
    let out = cmd.output().unwrap();
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stdout));
    }
    out.status.success()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxies_come_from_the_environment() {
    // Plain HTTP through a forwarding proxy, upper and lower case.
    for var in ["HTTP_PROXY", "http_proxy", "ALL_PROXY"] {
        let proxy = TestProxy::start().await;
        let url = proxy.url();
        let ok = tokio::task::spawn_blocking(move || tour(false, &[(var, url.as_str())]))
            .await
            .unwrap();
        assert!(ok, "{var}");
        let seen = proxy.requests();
        assert!(seen.len() >= 13, "{var}: {} requests", seen.len());
        assert!(
            seen.iter().all(|r| r.method != "CONNECT"),
            "{var}: {seen:?}"
        );
    }

    // HTTPS through CONNECT tunnels.
    for var in ["HTTPS_PROXY", "https_proxy"] {
        let proxy = TestProxy::start().await;
        let url = proxy.url();
        let ok = tokio::task::spawn_blocking(move || tour(true, &[(var, url.as_str())]))
            .await
            .unwrap();
        assert!(ok, "{var}");
        let seen = proxy.requests();
        assert!(!seen.is_empty(), "{var}");
        assert!(
            seen.iter().all(|r| r.method == "CONNECT"),
            "{var}: {seen:?}"
        );
    }

    // NO_PROXY keeps every call direct.
    let proxy = TestProxy::start().await;
    let url = proxy.url();
    let ok = tokio::task::spawn_blocking(move || {
        tour(
            false,
            &[
                ("HTTP_PROXY", url.as_str()),
                ("NO_PROXY", "127.0.0.1,localhost"),
            ],
        )
    })
    .await
    .unwrap();
    assert!(ok);
    assert!(proxy.requests().is_empty(), "{:?}", proxy.requests());
}

/// A proxy variable that is set but cannot be used is refused, naming it: no call goes
/// around the proxy the environment asks for, and the value's password is not shown.
#[test]
fn an_unusable_proxy_variable_is_refused_by_name() {
    for var in ["HTTPS_PROXY", "http_proxy", "ALL_PROXY"] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cloudops-tour"));
        for v in PROXY_VARIABLES {
            cmd.env_remove(v);
        }
        let out = cmd
            .env(var, "http://user:hunter2@[::1")
            .env("CLOUDOPS_TOUR_TLS", "0")
            .output()
            .unwrap();
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.status.success(), "{var}: {printed}");
        assert!(printed.contains(var), "{var}: {printed}");
        assert!(!printed.contains("hunter2"), "{var}: {printed}");
    }
}
