//! A minimal keep-alive HTTP/1.1 server on loopback that gives one canned answer to every
//! request and counts the connections it accepts.
//!
//! It runs on the runtime it is started on, the client's own: with a separate server thread
//! the time of a round trip over loopback is mostly how soon the scheduler wakes the other
//! thread, which on a shared two-core machine varies fourfold with where the threads land. On
//! one runtime a round trip is the CPU work of both ends, the same for project and floor. The
//! server does the least a server can: find the end of the head, read `Content-Length` bytes
//! of body, write the prepared answer, with one buffer per connection.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A running loopback server; it stops with its runtime.
#[derive(Debug)]
pub struct Loopback {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
}

impl Loopback {
    /// Starts a server on `runtime` that answers every request with status 200, `headers`
    /// (each a full `Name: value` line) and the JSON `body`.
    pub fn start(runtime: &tokio::runtime::Handle, headers: &[&str], body: &str) -> Loopback {
        let mut answer = String::from("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n");
        answer.push_str("date: Tue, 14 Nov 2023 22:13:20 GMT\r\n");
        for h in headers {
            answer.push_str(h);
            answer.push_str("\r\n");
        }
        answer.push_str(&format!("content-length: {}\r\n\r\n{body}", body.len()));
        let answer: Arc<[u8]> = Arc::from(answer.into_bytes());
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(AtomicUsize::new(0));
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        std_listener.set_nonblocking(true).unwrap();
        let addr = std_listener.local_addr().unwrap();
        let (c, r) = (connections.clone(), requests.clone());
        runtime.spawn(async move {
            let listener = TcpListener::from_std(std_listener).unwrap();
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                c.fetch_add(1, Ordering::Relaxed);
                tokio::spawn(serve(stream, answer.clone(), r.clone()));
            }
        });
        Loopback {
            addr,
            connections,
            requests,
        }
    }

    /// Starts a server like [`Loopback::start`] on a runtime of its own, on its own thread:
    /// for many calls in flight, where the server's work should not take turns with the
    /// client's on the client's workers.
    pub fn start_on_own_thread(headers: &[&str], body: &str) -> Loopback {
        let (tx, rx) = std::sync::mpsc::channel();
        let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        let body = body.to_string();
        std::thread::Builder::new()
            .name("loopback-server".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
                tx.send(Loopback::start(runtime.handle(), &headers, &body))
                    .unwrap();
                runtime.block_on(std::future::pending::<()>());
            })
            .unwrap();
        rx.recv().unwrap()
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many connections it has accepted.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::Relaxed)
    }

    /// How many requests it has answered.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }
}

async fn serve(mut stream: TcpStream, answer: Arc<[u8]>, requests: Arc<AtomicUsize>) {
    let _ = stream.set_nodelay(true);
    let mut buf = vec![0u8; 16 * 1024];
    let mut filled = 0;
    loop {
        // The end of the head, then the body's length.
        let (head_end, body_len) = loop {
            if let Some(end) = find(&buf[..filled], b"\r\n\r\n") {
                break (end + 4, content_length(&buf[..end]));
            }
            if filled == buf.len() {
                return;
            }
            match stream.read(&mut buf[filled..]).await {
                Ok(0) | Err(_) => return,
                Ok(n) => filled += n,
            }
        };
        let total = head_end + body_len;
        if total > buf.len() {
            return;
        }
        while filled < total {
            match stream.read(&mut buf[filled..]).await {
                Ok(0) | Err(_) => return,
                Ok(n) => filled += n,
            }
        }
        requests.fetch_add(1, Ordering::Relaxed);
        if stream.write_all(&answer).await.is_err() {
            return;
        }
        buf.copy_within(total..filled, 0);
        filled -= total;
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn content_length(head: &[u8]) -> usize {
    let head = std::str::from_utf8(head).unwrap_or("");
    head.split("\r\n")
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0)
}
