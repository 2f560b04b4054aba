//! Shared pieces of the fuzz targets: a response made from fuzz bytes, a stub transport
//! answering with it, and a runtime to drive the clients.

use std::future::Future;
use std::sync::{Arc, OnceLock};

use cloudops_core::{Headers, Response, RetryPolicy};
use cloudops_testkit::StubTransport;

/// A current-thread runtime, built once per process.
pub fn block_on<F: Future>(f: F) -> F::Output {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .expect("a runtime")
        })
        .block_on(f)
}

/// A response from fuzz bytes: two bytes of status (100 to 599), one byte of flags, then
/// (with flag 1) a `Retry-After` value up to the first newline, then the body.
pub fn response(data: &[u8]) -> Response {
    let byte = |i: usize| data.get(i).copied().unwrap_or(0);
    let status = 100 + u16::from_le_bytes([byte(0), byte(1)]) % 500;
    let flags = byte(2);
    let mut rest = data.get(3..).unwrap_or_default();
    let mut headers = Headers::new();
    if flags & 1 != 0 {
        let end = rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
        headers.set("retry-after", String::from_utf8_lossy(&rest[..end]));
        rest = rest.get(end + 1..).unwrap_or_default();
    }
    if flags & 2 != 0 {
        headers.set("x-request-id", "fuzz-request-id");
    }
    if flags & 4 != 0 {
        headers.set("x-subject-token", "fuzz-token");
    }
    Response {
        status,
        headers,
        body: rest.to_vec(),
    }
}

/// A stub transport answering every request with the response made from `data`.
pub fn stub(data: &[u8]) -> Arc<StubTransport> {
    Arc::new(StubTransport::new(response(data)))
}

/// One attempt, no retries, no waiting.
pub fn no_retries() -> RetryPolicy {
    RetryPolicy::disabled().honour_retry_after(false)
}

/// The secrets the fuzzed clients hold.
pub const SECRETS: &[&str] = &["fuzz-secret-key", "fuzz-secret-token"];

/// Prints every form of `error` (none may panic) and checks that no secret appears in them
/// unless the answer itself, `data`, carried it (arbitrary server text cannot be judged; the
/// echoed forms a gateway uses are covered by the redaction tests).
pub fn print_error(error: &cloudops_core::Error, data: &[u8]) {
    let printed = format!("{error}{error:?}{error:#?}");
    for secret in SECRETS {
        let in_answer = data.windows(secret.len()).any(|w| w == secret.as_bytes());
        if !in_answer {
            assert!(!printed.contains(secret), "{printed}");
        }
    }
}
