//! A loopback HTTP/1.1 server with scripted faults.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cloudops_core::encoding::decode_query;
use cloudops_core::{Endpoint, Headers, Method, Request};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// The largest request head the server reads.
const MAX_HEAD: usize = 64 * 1024;
/// The largest request body the server reads.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// The method, as sent.
    pub method: String,
    /// The path, still percent-encoded.
    pub path: String,
    /// The raw query string (without `?`).
    pub query: String,
    /// The headers, lowercase names.
    pub headers: Headers,
    /// The body.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The body as text.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// The decoded query pairs.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        decode_query(&self.query)
    }

    /// The path's segments, decoded (the first, before the leading `/`, is dropped).
    pub fn segments(&self) -> Vec<String> {
        self.path
            .split('/')
            .skip(1)
            .map(cloudops_core::encoding::percent_decode)
            .collect()
    }

    /// The request rebuilt as a core [`Request`] (with every header it carried), so a server
    /// can recompute its signature. `None` for an unknown method or a bad `Host`.
    pub fn to_core_request(&self) -> Option<Request> {
        let method = Method::parse(&self.method)?;
        let host = self.headers.get("host")?;
        let endpoint = Endpoint::parse(&format!("http://{host}")).ok()?;
        let mut req = Request::new(method, endpoint, self.path.clone());
        req.query = self.query_pairs();
        req.headers = self.headers.clone();
        req.body = self.body.clone();
        Some(req)
    }
}

/// A response the server sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// Headers besides `Content-Length`.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Reply {
    /// A reply with a JSON body.
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Reply {
            status,
            headers: vec![("content-type".to_string(), "application/json".to_string())],
            body: body.into().into_bytes(),
        }
    }

    /// A reply with a JSON value as its body.
    pub fn json_value(status: u16, body: &serde_json::Value) -> Self {
        Reply::json(status, body.to_string())
    }

    /// A reply with an HTML body, as a proxy would send.
    pub fn html(status: u16, body: impl Into<String>) -> Self {
        Reply {
            status,
            headers: vec![("content-type".to_string(), "text/html".to_string())],
            body: body.into().into_bytes(),
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_ascii_lowercase(), value.into()));
        self
    }
}

/// A fault the server injects into the next request (or, for
/// [`Fault::ResetBeforeRead`], the next connection).
#[derive(Debug, Clone)]
pub enum Fault {
    /// Resets the connection once the request has arrived but before reading it: the client
    /// has sent it, the server never processes it.
    ResetBeforeRead,
    /// Reads the request (it is recorded), then resets the connection without answering.
    ResetAfterRead,
    /// Waits before sending the status line and headers.
    DelayHeaders(Duration),
    /// Reads the request (it is recorded) and never answers: the connection stays open until
    /// the client gives up. With tokio's paused clock, the client's time limit is what ends
    /// the wait, at exactly its deadline.
    Hang,
    /// Sends the headers at once, then the body one byte at a time with this pause.
    SlowBody(Duration),
    /// Answers this instead of asking the handler.
    Status(Reply),
    /// Sends the handler's answer with only the first half of the body, then closes.
    Truncate,
}

type Handler = dyn Fn(&RecordedRequest) -> Reply + Send + Sync;

struct Shared {
    handler: Box<Handler>,
    faults: Mutex<VecDeque<Fault>>,
    requests: Mutex<Vec<RecordedRequest>>,
    connections: AtomicUsize,
}

/// A loopback HTTP/1.1 server (keep-alive, `Content-Length` bodies) bound to a free port on
/// 127.0.0.1. It stops when dropped.
pub struct TestServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
    https: bool,
}

impl std::fmt::Debug for TestServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Locks `m`, going on with the data when another test thread panicked while holding it.
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl TestServer {
    /// Starts a server answering every request with `handler`.
    ///
    /// # Panics
    ///
    /// When no loopback port can be bound.
    pub async fn start<F>(handler: F) -> TestServer
    where
        F: Fn(&RecordedRequest) -> Reply + Send + Sync + 'static,
    {
        Self::start_with(None, handler).await
    }

    /// Starts an HTTPS server answering with `handler`, presenting `acceptor`'s certificate
    /// (see [`crate::tls::TestCa`]).
    ///
    /// # Panics
    ///
    /// When no loopback port can be bound.
    pub async fn start_tls<F>(acceptor: tokio_rustls::TlsAcceptor, handler: F) -> TestServer
    where
        F: Fn(&RecordedRequest) -> Reply + Send + Sync + 'static,
    {
        Self::start_with(Some(acceptor), handler).await
    }

    async fn start_with<F>(tls: Option<tokio_rustls::TlsAcceptor>, handler: F) -> TestServer
    where
        F: Fn(&RecordedRequest) -> Reply + Send + Sync + 'static,
    {
        #[allow(clippy::expect_used)]
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        #[allow(clippy::expect_used)]
        let addr = listener.local_addr().expect("a bound address");
        let shared = Arc::new(Shared {
            handler: Box::new(handler),
            faults: Mutex::new(VecDeque::new()),
            requests: Mutex::new(Vec::new()),
            connections: AtomicUsize::new(0),
        });
        let s = shared.clone();
        let accept_tls = tls.clone();
        let task = tokio::spawn(async move {
            let tls = accept_tls;
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let s = s.clone();
                let tls = tls.clone();
                tokio::spawn(async move {
                    s.connections.fetch_add(1, Ordering::Relaxed);
                    match tls {
                        None => {
                            let _ = serve(stream, s).await;
                        }
                        Some(acceptor) => {
                            if let Ok(stream) = acceptor.accept(stream).await {
                                let _ = serve(stream, s).await;
                            }
                        }
                    }
                });
            }
        });
        let https = tls.is_some();
        TestServer {
            addr,
            shared,
            task,
            https,
        }
    }

    /// The server's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`, or `https://` for a TLS server.
    pub fn url(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    /// The server as a core [`Endpoint`].
    pub fn endpoint(&self) -> Endpoint {
        #[allow(clippy::expect_used)]
        Endpoint::parse(&self.url()).expect("a loopback URL is a valid endpoint")
    }

    /// Queues a fault for the next request.
    pub fn push_fault(&self, fault: Fault) {
        lock(&self.shared.faults).push_back(fault);
    }

    /// Queues `n` copies of a fault.
    pub fn push_faults(&self, fault: Fault, n: usize) {
        let mut q = lock(&self.shared.faults);
        for _ in 0..n {
            q.push_back(fault.clone());
        }
    }

    /// Faults queued and not yet used.
    pub fn pending_faults(&self) -> usize {
        lock(&self.shared.faults).len()
    }

    /// Every request read so far.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    /// How many requests were read.
    pub fn request_count(&self) -> usize {
        lock(&self.shared.requests).len()
    }

    /// How many connections were accepted.
    pub fn connection_count(&self) -> usize {
        self.shared.connections.load(Ordering::Relaxed)
    }
}

/// A connection the server answers on: plain TCP or TLS over it.
trait Conn: AsyncRead + AsyncWrite + Unpin + Send {
    fn tcp(&self) -> &TcpStream;

    /// Whether the next request's first bytes show in the TCP stream: not over TLS, whose
    /// library may already hold a request it read with the end of the handshake.
    fn plain(&self) -> bool;
}

impl Conn for TcpStream {
    fn tcp(&self) -> &TcpStream {
        self
    }

    fn plain(&self) -> bool {
        true
    }
}

impl Conn for tokio_rustls::server::TlsStream<TcpStream> {
    fn tcp(&self) -> &TcpStream {
        self.get_ref().0
    }

    fn plain(&self) -> bool {
        false
    }
}

async fn serve<S: Conn>(mut stream: S, shared: Arc<Shared>) -> std::io::Result<()> {
    // Head and body go out in separate writes; without this, Nagle's algorithm and delayed
    // ACKs add tens of milliseconds to every answer.
    let _ = stream.tcp().set_nodelay(true);
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    loop {
        // Wait for the next request's first bytes, so that a fault injected while this
        // connection stood idle in a client's pool applies to it too.
        if buf.is_empty() && stream.plain() {
            let mut probe = [0u8; 1];
            match stream.tcp().peek(&mut probe).await {
                Ok(0) | Err(_) => return Ok(()),
                Ok(_) => {}
            }
        }
        // A reset-before-read fault applies to whatever arrives next on this connection.
        let reset_first = {
            let mut q = lock(&shared.faults);
            if matches!(q.front(), Some(Fault::ResetBeforeRead)) {
                q.pop_front();
                true
            } else {
                false
            }
        };
        if reset_first {
            // Once the request's first bytes have arrived, the client has certainly sent it:
            // reset without reading them.
            let mut probe = [0u8; 1];
            let _ = stream.tcp().peek(&mut probe).await;
            let _ = stream.tcp().set_zero_linger();
            return Ok(());
        }
        let Some(request) = read_request(&mut stream, &mut buf).await? else {
            return Ok(());
        };
        lock(&shared.requests).push(request.clone());
        let close = request
            .headers
            .get("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let fault = lock(&shared.faults).pop_front();
        match fault {
            Some(Fault::ResetAfterRead) | Some(Fault::ResetBeforeRead) => {
                let _ = stream.tcp().set_zero_linger();
                return Ok(());
            }
            Some(Fault::Status(reply)) => write_reply(&mut stream, &reply, None, false).await?,
            Some(Fault::Hang) => {
                let mut sink = [0u8; 1024];
                while stream.read(&mut sink).await? > 0 {}
                return Ok(());
            }
            Some(Fault::DelayHeaders(d)) => {
                tokio::time::sleep(d).await;
                let reply = (shared.handler)(&request);
                write_reply(&mut stream, &reply, None, false).await?;
            }
            Some(Fault::SlowBody(d)) => {
                let reply = (shared.handler)(&request);
                write_reply(&mut stream, &reply, Some(d), false).await?;
            }
            Some(Fault::Truncate) => {
                let reply = (shared.handler)(&request);
                write_reply(&mut stream, &reply, None, true).await?;
                return Ok(());
            }
            None => {
                let reply = (shared.handler)(&request);
                write_reply(&mut stream, &reply, None, false).await?;
            }
        }
        if close {
            return Ok(());
        }
    }
}

fn find_head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n")
}

async fn read_request<S: AsyncRead + Unpin>(
    stream: &mut S,
    buf: &mut Vec<u8>,
) -> std::io::Result<Option<RecordedRequest>> {
    let bad = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_string());
    let head_end = loop {
        if let Some(i) = find_head_end(buf) {
            break i;
        }
        if buf.len() > MAX_HEAD {
            return Err(bad("request head too large"));
        }
        if buf.first().is_some_and(|b| !b.is_ascii_uppercase()) {
            // Not HTTP/1.1 (a TLS ClientHello, say): hang up as a plain HTTP server would.
            return Err(bad("not an HTTP/1.1 request"));
        }
        let mut chunk = [0u8; 4096];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default();
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (target.to_string(), String::new()),
    };
    let mut headers = Headers::new();
    for line in lines {
        if let Some((n, v)) = line.split_once(':') {
            headers.append(n.trim(), v.trim());
        }
    }
    let len: usize = match headers.get("content-length") {
        Some(v) => v.trim().parse().map_err(|_| bad("bad content-length"))?,
        None => 0,
    };
    if len > MAX_BODY {
        return Err(bad("request body too large"));
    }
    let body_start = head_end + 4;
    while buf.len() < body_start + len {
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = buf[body_start..body_start + len].to_vec();
    buf.drain(..body_start + len);
    Ok(Some(RecordedRequest {
        method,
        path,
        query,
        headers,
        body,
    }))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

async fn write_reply<S: AsyncWrite + Unpin>(
    stream: &mut S,
    reply: &Reply,
    drip: Option<Duration>,
    truncate: bool,
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (n, v) in &reply.headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    if !reply.headers.iter().any(|(n, _)| n == "date") {
        let now = cloudops_core::time::UtcDateTime::from_system_time(std::time::SystemTime::now());
        head.push_str(&format!("date: {}\r\n", now.rfc1123()));
    }
    head.push_str(&format!("content-length: {}\r\n", reply.body.len()));
    if truncate {
        head.push_str("connection: close\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    let body: &[u8] = if truncate {
        &reply.body[..reply.body.len() / 2]
    } else {
        &reply.body
    };
    match drip {
        Some(d) => {
            for b in body {
                stream.write_all(&[*b]).await?;
                stream.flush().await?;
                tokio::time::sleep(d).await;
            }
        }
        None => stream.write_all(body).await?,
    }
    stream.flush().await?;
    if truncate {
        stream.shutdown().await?;
    }
    Ok(())
}
