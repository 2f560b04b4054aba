//! A transport that never touches the network: it records each request and answers with a
//! canned response. For snapshots of the exact wire request and for unit tests.

use std::collections::VecDeque;
use std::sync::Mutex;

use async_trait::async_trait;
use cloudops_core::{Error, Request, Response, Transport};

/// Records requests and answers from a queue (the last response repeats when the queue runs
/// down to one).
#[derive(Debug)]
pub struct StubTransport {
    responses: Mutex<VecDeque<Response>>,
    requests: Mutex<Vec<Request>>,
}

impl StubTransport {
    /// Answers every request with `response`.
    pub fn new(response: Response) -> Self {
        Self::with_responses(vec![response])
    }

    /// Answers with `responses` in order, repeating the last.
    pub fn with_responses(responses: Vec<Response>) -> Self {
        StubTransport {
            responses: Mutex::new(responses.into()),
            requests: Mutex::new(Vec::new()),
        }
    }

    /// Every request sent, as signed.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

#[async_trait]
impl Transport for StubTransport {
    async fn send(&self, request: &Request) -> Result<Response, Error> {
        if let Ok(mut r) = self.requests.lock() {
            r.push(request.clone());
        }
        let mut q = self
            .responses
            .lock()
            .map_err(|_| Error::transport("stub transport poisoned", false))?;
        let response = if q.len() > 1 {
            q.pop_front()
        } else {
            q.front().cloned()
        };
        response.ok_or_else(|| Error::transport("stub transport has no response", false))
    }
}
