//! The loopback server answers each request once, on one connection, whichever way it is run.
#![allow(clippy::unwrap_used, missing_docs)]

use std::io::{Read, Write};

use cloudops_bench::server::Loopback;

fn exchange(server: &Loopback) {
    let mut s = std::net::TcpStream::connect(server.url().trim_start_matches("http://")).unwrap();
    for i in 0..3 {
        s.write_all(b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}")
            .unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 512];
        while !String::from_utf8_lossy(&got).ends_with("{\"a\":1}") {
            let n = s.read(&mut buf).unwrap();
            assert!(n > 0);
            got.extend_from_slice(&buf[..n]);
        }
        assert!(got.starts_with(b"HTTP/1.1 200 OK\r\n"));
        assert_eq!(server.requests(), i + 1);
    }
    assert_eq!(server.connections(), 1);
}

#[test]
fn on_its_own_thread() {
    exchange(&Loopback::start_on_own_thread(&["x-a: b"], r#"{"a":1}"#));
}

#[test]
fn on_a_runtime_driven_elsewhere() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = Loopback::start(rt.handle(), &[], r#"{"a":1}"#);
    exchange(&server);
}
