//! `cargo xtask tour-proxy`: runs the tour through a real, off-the-shelf proxy (tinyproxy):
//! once over HTTP with `HTTP_PROXY`, once over HTTPS (a private CA) with `HTTPS_PROXY`, and
//! shows from tinyproxy's own log that every call went through it.

use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::Duration;

/// The calls the tour makes (it prints one line each); every one must pass the proxy.
const TOUR_CALLS: usize = 13;

fn free_port() -> Option<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").ok()?;
    Some(listener.local_addr().ok()?.port())
}

pub fn run(root: &Path) -> ExitCode {
    if Command::new("tinyproxy").arg("-v").output().is_err() {
        eprintln!("tinyproxy is not installed (apt-get install tinyproxy)");
        return ExitCode::FAILURE;
    }
    let Some(port) = free_port() else {
        eprintln!("no free loopback port");
        return ExitCode::FAILURE;
    };
    let dir = root.join("target/tinyproxy");
    let log = dir.join("tinyproxy.log");
    let conf = dir.join("tinyproxy.conf");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::remove_file(&log);
    // No ConnectPort line: CONNECT may reach any port (the emulators' are random).
    let config = format!(
        "Port {port}\nListen 127.0.0.1\nTimeout 60\nMaxClients 200\nAllow 127.0.0.1\n\
         LogFile \"{}\"\nLogLevel Connect\n",
        log.display()
    );
    if let Err(e) = std::fs::write(&conf, config) {
        eprintln!("cannot write {}: {e}", conf.display());
        return ExitCode::FAILURE;
    }
    let mut proxy = match Command::new("tinyproxy")
        .arg("-d")
        .arg("-c")
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(p) => p,
        Err(e) => {
            eprintln!("cannot start tinyproxy: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Wait for it to listen.
    let ready = (0..50).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    let url = format!("http://127.0.0.1:{port}");
    let mut ok = ready;
    if !ready {
        eprintln!("tinyproxy did not start listening on {url}");
    }
    for (tls, variable) in [(false, "HTTP_PROXY"), (true, "HTTPS_PROXY")] {
        if !ok {
            break;
        }
        let before = requests_logged(&log).len();
        eprintln!(
            "==> the tour over {} through tinyproxy ({variable}={url})",
            if tls { "HTTPS" } else { "HTTP" }
        );
        let status = Command::new("cargo")
            .args(["run", "--quiet", "-p", "cloudops-tour"])
            .env(variable, &url)
            .env_remove("NO_PROXY")
            .env_remove("no_proxy")
            .env("CLOUDOPS_TOUR_TLS", if tls { "1" } else { "0" })
            .status();
        let logged: Vec<String> = requests_logged(&log).split_off(before);
        let passed = matches!(status, Ok(s) if s.success());
        ok = if tls {
            // Requests go inside keep-alive tunnels: one CONNECT per connection, and every
            // emulator (three hosts) reached through one.
            let targets: std::collections::BTreeSet<&str> = logged
                .iter()
                .filter_map(|l| l.strip_prefix("CONNECT "))
                .filter_map(|t| t.split_whitespace().next())
                .collect();
            eprintln!(
                "==> tinyproxy tunnelled {} CONNECTs to {} emulator hosts: {targets:?}",
                logged.len(),
                targets.len()
            );
            passed && targets.len() == 3 && logged.iter().all(|l| l.starts_with("CONNECT "))
        } else {
            eprintln!(
                "==> tinyproxy forwarded {} plain HTTP requests for the tour's {TOUR_CALLS} calls",
                logged.len()
            );
            passed && logged.len() >= TOUR_CALLS
        };
    }
    let _ = proxy.kill();
    let _ = proxy.wait();
    if ok {
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "the tour did not go through tinyproxy; its log is {}",
            log.display()
        );
        ExitCode::FAILURE
    }
}

/// The requests tinyproxy has logged, as `METHOD target HTTP/1.1` (its log lines read
/// `LEVEL date [pid]: Request (file descriptor N): METHOD target HTTP/1.1`).
fn requests_logged(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .map(|t| {
            t.lines()
                .filter(|l| l.contains("Request (file descriptor"))
                .filter_map(|l| l.split("): ").nth(1))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}
