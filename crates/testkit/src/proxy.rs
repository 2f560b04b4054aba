//! A loopback HTTP proxy for tests: it tunnels `CONNECT host:port` (HTTPS through a proxy),
//! forwards absolute-form requests (`GET http://host/path`, plain HTTP through a proxy), can
//! require HTTP Basic proxy credentials, and records what it saw.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use crate::server::lock;

/// One request the proxy handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxiedRequest {
    /// `CONNECT`, or the forwarded request's method.
    pub method: String,
    /// `host:port` for `CONNECT`, the absolute URL for a forwarded request.
    pub target: String,
    /// The `Proxy-Authorization` header it carried, if any.
    pub proxy_authorization: Option<String>,
}

struct Shared {
    seen: Mutex<Vec<ProxiedRequest>>,
    credentials: Option<String>,
    refused: AtomicUsize,
}

/// A loopback HTTP proxy. It stops when dropped.
pub struct TestProxy {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl std::fmt::Debug for TestProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestProxy")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Drop for TestProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TestProxy {
    /// A proxy that lets everyone through.
    ///
    /// # Panics
    ///
    /// When no loopback port can be bound.
    pub async fn start() -> TestProxy {
        Self::start_with(None).await
    }

    /// A proxy that answers `407` unless the request carries these Basic credentials.
    ///
    /// # Panics
    ///
    /// When no loopback port can be bound.
    pub async fn start_with_basic_auth(username: &str, password: &str) -> TestProxy {
        let token =
            cloudops_core::sign::basic::sign(&cloudops_core::BasicAuth::new(username, password));
        let value = token.authorization().unwrap_or_default().to_string();
        Self::start_with(Some(value)).await
    }

    async fn start_with(credentials: Option<String>) -> TestProxy {
        #[allow(clippy::expect_used)]
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        #[allow(clippy::expect_used)]
        let addr = listener.local_addr().expect("a bound address");
        let shared = Arc::new(Shared {
            seen: Mutex::new(Vec::new()),
            credentials,
            refused: AtomicUsize::new(0),
        });
        let s = shared.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let s = s.clone();
                tokio::spawn(async move {
                    let _ = handle(stream, s).await;
                });
            }
        });
        TestProxy { addr, shared, task }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request the proxy let through.
    pub fn requests(&self) -> Vec<ProxiedRequest> {
        lock(&self.shared.seen).clone()
    }

    /// How many requests it refused for missing or wrong credentials.
    pub fn refused(&self) -> usize {
        self.shared.refused.load(Ordering::Relaxed)
    }
}

/// Reads up to the end of a request head; returns the head and any bytes after it.
async fn read_head(stream: &mut TcpStream) -> std::io::Result<Option<(String, Vec<u8>)>> {
    let mut buf = Vec::with_capacity(2048);
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).into_owned();
            return Ok(Some((head, buf[end + 4..].to_vec())));
        }
        if buf.len() > 64 * 1024 {
            return Ok(None);
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

async fn handle(mut client: TcpStream, shared: Arc<Shared>) -> std::io::Result<()> {
    let Some((head, rest)) = read_head(&mut client).await? else {
        return Ok(());
    };
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_string();
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let proxy_authorization = header("proxy-authorization");
    if let Some(expected) = &shared.credentials
        && proxy_authorization.as_deref() != Some(expected.as_str())
    {
        shared.refused.fetch_add(1, Ordering::Relaxed);
        client
            .write_all(
                b"HTTP/1.1 407 Proxy Authentication Required\r\nproxy-authenticate: Basic realm=\"test\"\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
            )
            .await?;
        return Ok(());
    }
    lock(&shared.seen).push(ProxiedRequest {
        method: method.clone(),
        target: target.clone(),
        proxy_authorization: proxy_authorization.clone(),
    });

    if method == "CONNECT" {
        let mut upstream = match TcpStream::connect(target.as_str()).await {
            Ok(s) => s,
            Err(_) => {
                client
                    .write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
                    .await?;
                return Ok(());
            }
        };
        client
            .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            .await?;
        upstream.write_all(&rest).await?;
        let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
        return Ok(());
    }

    // A forwarded request: `METHOD http://host:port/path HTTP/1.1`. It is sent upstream in
    // origin form with `connection: close`, the answer relayed as it comes, and the client's
    // connection closed after it.
    let Some(after_scheme) = target.strip_prefix("http://") else {
        client
            .write_all(
                b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
            )
            .await?;
        return Ok(());
    };
    let (authority, path) = match after_scheme.find('/') {
        Some(i) => (&after_scheme[..i], &after_scheme[i..]),
        None => (after_scheme, "/"),
    };
    let mut upstream = match TcpStream::connect(authority).await {
        Ok(s) => s,
        Err(_) => {
            client
                .write_all(
                    b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                )
                .await?;
            return Ok(());
        }
    };
    let length: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = rest;
    while body.len() < length {
        let mut chunk = [0u8; 8192];
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let mut out = format!("{method} {path} HTTP/1.1\r\n");
    for (n, v) in &headers {
        let lower = n.to_ascii_lowercase();
        if lower == "proxy-authorization" || lower == "proxy-connection" || lower == "connection" {
            continue;
        }
        out.push_str(&format!("{n}: {v}\r\n"));
    }
    out.push_str("connection: close\r\n\r\n");
    upstream.write_all(out.as_bytes()).await?;
    upstream.write_all(&body).await?;
    let mut answer = Vec::new();
    upstream.read_to_end(&mut answer).await?;
    client.write_all(&closing(&answer)).await?;
    client.shutdown().await?;
    Ok(())
}

/// `answer` with its head saying `connection: close`, as this proxy closes the client's
/// connection after it: a client that took the connection for keep-alive could send its next
/// request on it as it closes.
fn closing(answer: &[u8]) -> Vec<u8> {
    let Some(end) = answer.windows(4).position(|w| w == b"\r\n\r\n") else {
        return answer.to_vec();
    };
    let head = String::from_utf8_lossy(&answer[..end]);
    let mut out = String::with_capacity(end + 24);
    for line in head.split("\r\n") {
        let is_connection = line
            .split_once(':')
            .is_some_and(|(n, _)| n.trim().eq_ignore_ascii_case("connection"));
        if !is_connection {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("connection: close\r\n\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&answer[end + 4..]);
    bytes
}

#[cfg(test)]
mod tests {
    use super::closing;

    #[test]
    fn a_relayed_answer_says_the_connection_closes() {
        let answer = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n{}";
        assert_eq!(
            closing(answer),
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nconnection: close\r\n\r\n{}".to_vec()
        );
        assert_eq!(closing(b"garbage"), b"garbage".to_vec());
    }
}
