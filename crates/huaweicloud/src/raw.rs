//! Requests to any path, for what this crate does not model yet.

use cloudops_core::{
    Endpoint, Error, Idempotency, Method, OperationSpec, Request, Response, validate,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::error::VENDOR;

/// A request to any path with the client's authentication, error decoding and retries.
/// Taken as **not idempotent** unless [`RawRequest::idempotent`] says otherwise.
///
/// ```no_run
/// # async fn demo(client: cloudops_huaweicloud::Client) -> Result<(), cloudops_core::Error> {
/// use cloudops_core::Method;
/// use cloudops_huaweicloud::Service;
/// let page: serde_json::Value = client
///     .raw(Service::Dbss, Method::Get, "/v1/0123456789abcdef0123456789abcdef/dbss/audit/instances")
///     .query("limit", "10")
///     .idempotent(true)
///     .send_json()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
#[must_use = "nothing is sent until .send() is awaited"]
pub struct RawRequest {
    client: Client,
    endpoint: Result<Endpoint, Error>,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Option<Result<Vec<u8>, Error>>,
    idempotency: Idempotency,
}

const SPEC_NAME: &str = "RawRequest";

impl RawRequest {
    pub(crate) fn new(
        client: Client,
        endpoint: Result<Endpoint, Error>,
        method: Method,
        path: String,
    ) -> Self {
        RawRequest {
            client,
            endpoint,
            method,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            idempotency: Idempotency::NonIdempotent,
        }
    }

    /// Adds a query parameter (decoded; it is encoded when sent).
    pub fn query(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((key.into(), value.into()));
        self
    }

    /// Sets a header; it is signed with the others.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sends `body` as JSON.
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        self.body = Some(
            serde_json::to_vec(body)
                .map_err(|e| Error::invalid_input("body", format!("must serialize to JSON: {e}"))),
        );
        self
    }

    /// Declares the request safe to send again after a failure that may have reached the
    /// server.
    pub fn idempotent(mut self, yes: bool) -> Self {
        self.idempotency = if yes {
            Idempotency::Idempotent
        } else {
            Idempotency::NonIdempotent
        };
        self
    }

    fn build(self) -> Result<(Client, OperationSpec, Request), Error> {
        let endpoint = self.endpoint?;
        validate::request_path("path", &self.path)?;
        let mut request = Request::new(self.method, endpoint, self.path);
        request.query = self.query;
        for (n, v) in &self.headers {
            validate::header_name(n)?;
            validate::header_value(n, v)?;
            request.headers.set(n, v.clone());
        }
        if let Some(body) = self.body {
            request.body = body?;
            if !request.headers.contains("content-type") {
                request.headers.set("content-type", "application/json");
            }
        }
        let spec = OperationSpec {
            vendor: VENDOR,
            name: SPEC_NAME,
            idempotency: self.idempotency,
        };
        Ok((self.client, spec, request))
    }

    /// Sends and returns the successful response as it came.
    pub async fn send(self) -> Result<Response, Error> {
        let (client, spec, request) = self.build()?;
        client.send(&spec, request, false).await
    }

    /// Sends and decodes the JSON body.
    pub async fn send_json<O: DeserializeOwned>(self) -> Result<O, Error> {
        let (client, spec, request) = self.build()?;
        Ok(client.send_json(&spec, request, false).await?.0)
    }
}
