//! The one recipe every operation of every vendor follows.
//!
//! A vendor crate supplies a [`Protocol`] (how its answers are read: one JSON parse per
//! response, into the typed output or its error envelope) and an
//! [`Authorizer`] (how requests are signed); its client holds them in a
//! [`Service`] with a [`Pipeline`]. Each operation is a module, generated from the vendor's
//! model, with a `SPEC` ([`OperationSpec`]), an input builder whose `send` validates, builds a
//! [`Request`] and hands it to [`Service::call`], and an output type that
//! implements [`RequestId`]. Every builder takes [`CallOptions`] through
//! [`call_option_setters!`](crate::call_option_setters). A protocol reads its envelope with
//! [`parse_json`] or [`parse_json_seed`] and [`read_through`], re-exported here.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;

pub use crate::envelope::{
    EnvelopeFields, ObjectKey, Scalar, ScalarDeserializer, Taken, from_value, json_parses,
    parse_json, parse_json_seed, read_through,
};
use crate::error::Error;
use crate::pipeline::Pipeline;
use crate::request::{Request, Response};
use crate::retry::RetryPolicy;
use crate::spec::{Authorizer, OperationSpec};

/// What a decoded answer carried: the output and the server's request id.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Decoded<T> {
    /// The typed output.
    pub output: T,
    /// The request id the server assigned, from the body or a header.
    pub request_id: Option<String>,
}

impl<T> Decoded<T> {
    /// An output and its request id.
    pub fn new(output: T, request_id: Option<String>) -> Self {
        Decoded { output, request_id }
    }
}

/// A successful answer's body as it came: the file an operation downloads.
///
/// The body is read whole, within the transport's limit on an answer
/// ([`HttpTransportBuilder::max_body`](crate::transport::HttpTransportBuilder::max_body), 10 MiB by
/// default). `Debug` shows its size and headers, never its bytes.
#[derive(Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Download {
    /// The file's bytes.
    pub body: Vec<u8>,
    /// The answer's `Content-Type`, when it has one.
    pub content_type: Option<String>,
    /// The answer's `Content-Disposition`, when it has one (it may name the file).
    pub content_disposition: Option<String>,
}

impl Download {
    /// The body and the headers that describe it, taken from `response`.
    pub fn take(response: &mut Response) -> Self {
        Download {
            content_type: response.headers.get("content-type").map(str::to_string),
            content_disposition: response
                .headers
                .get("content-disposition")
                .map(str::to_string),
            body: std::mem::take(&mut response.body),
        }
    }

    /// The file name `Content-Disposition` gives (`attachment; filename="report.pdf"`), when
    /// it gives a plain one; the path components of a name are dropped, so it can never
    /// point outside a directory it is joined to.
    pub fn file_name(&self) -> Option<&str> {
        let header = self.content_disposition.as_deref()?;
        let value = header.split(';').map(str::trim).find_map(|p| {
            let (key, value) = p.split_once('=')?;
            key.trim()
                .eq_ignore_ascii_case("filename")
                .then(|| value.trim().trim_matches('"'))
        })?;
        let name = value.rsplit(['/', '\\']).next().unwrap_or(value);
        (!name.is_empty() && name != "." && name != "..").then_some(name)
    }
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("bytes", &self.body.len())
            .field("content_type", &self.content_type)
            .field("content_disposition", &self.content_disposition)
            .finish()
    }
}

/// The server's request id of an output: every output of every vendor answers it the same
/// way.
pub trait RequestId {
    /// The id the server gave this request (`RequestId`, `X-Request-Id`, `traceId`), when it
    /// gave one.
    fn request_id(&self) -> Option<&str>;
}

/// Settings for one call that override the client's: stricter or looser time limits, another
/// retry policy. A call's policy can make retries stricter or turn them off; it can never make
/// a non-idempotent operation retry after the request may have reached the server (that is
/// judged by the operation's [`Idempotency`](crate::Idempotency), not the policy).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallOptions {
    /// The limit on one attempt (`Some(None)` for none); the client's when unset.
    pub attempt_timeout: Option<Option<Duration>>,
    /// The limit on the whole call; the client's when unset.
    pub operation_timeout: Option<Option<Duration>>,
    /// The retry policy; the client's when unset.
    pub retry: Option<RetryPolicy>,
}

/// Adds the per-call option setters (attempt timeout, operation timeout, retry policy) to an
/// operation builder's `impl` block, forwarding to its [`CallOptions`] field named by the
/// argument.
///
/// ```
/// struct MyCall {
///     options: cloudops_core::CallOptions,
/// }
///
/// impl MyCall {
///     cloudops_core::call_option_setters!(options);
/// }
///
/// let call = MyCall { options: Default::default() }
///     .operation_timeout(Some(std::time::Duration::from_secs(5)));
/// assert_eq!(call.options.operation_timeout, Some(Some(std::time::Duration::from_secs(5))));
/// ```
#[macro_export]
macro_rules! call_option_setters {
    ($field:ident) => {
        /// The limit on each attempt of this call (`None` for none), instead of the client's.
        pub fn attempt_timeout(mut self, limit: Option<::std::time::Duration>) -> Self {
            self.$field.attempt_timeout = Some(limit);
            self
        }

        /// The limit on this whole call, retries and waits included (`None` for none),
        /// instead of the client's.
        pub fn operation_timeout(mut self, limit: Option<::std::time::Duration>) -> Self {
            self.$field.operation_timeout = Some(limit);
            self
        }

        /// The retry policy of this call instead of the client's. It cannot make a
        /// non-idempotent operation retry after the request may have reached the server.
        pub fn retry_policy(mut self, policy: $crate::RetryPolicy) -> Self {
            self.$field.retry = Some(policy);
            self
        }
    };
}

/// How a vendor reads its answers.
pub trait Protocol: Send + Sync + fmt::Debug + 'static {
    /// Turns a response into the typed output `T` and the request id, or into the vendor's
    /// service error (with its kind, so the pipeline can judge retries) or an
    /// undecodable-response error. It parses the body at most once, with [`parse_json`].
    fn decode<T: DeserializeOwned>(
        &self,
        spec: &OperationSpec,
        response: &Response,
    ) -> Result<Decoded<T>, Error>;

    /// The request id of an answer, from its headers (for answers whose body is not read as
    /// JSON); none unless the protocol says where it is.
    fn request_id(&self, response: &Response) -> Option<String> {
        let _ = response;
        None
    }

    /// Turns a response into the file it downloads, or into the vendor's error as
    /// [`Protocol::decode`] reads it: a 2xx answer's body is taken as it came.
    fn decode_download(
        &self,
        spec: &OperationSpec,
        response: &mut Response,
    ) -> Result<Decoded<Download>, Error> {
        if response.is_success() {
            let request_id = self.request_id(response);
            return Ok(Decoded::new(Download::take(response), request_id));
        }
        match self.decode::<serde::de::IgnoredAny>(spec, response) {
            Err(e) => Err(e),
            Ok(_) => Err(Error::undecodable(
                spec.vendor,
                spec.name,
                response.status,
                &response.body,
                format!("HTTP {} read as a success", response.status),
            )),
        }
    }
}

/// The language a vendor writes its messages in, for the vendors that take one (each in its
/// own header, `Accept-Language` or the like).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Language {
    /// Chinese (simplified).
    ZhCn,
    /// English.
    EnUs,
}

impl Language {
    /// The tag as `zh-CN` / `en-US`.
    pub fn tag(self) -> &'static str {
        match self {
            Language::ZhCn => "zh-CN",
            Language::EnUs => "en-US",
        }
    }

    /// The tag in lower case, `zh-cn` / `en-us`, as some services take it.
    pub fn lowercase_tag(self) -> &'static str {
        match self {
            Language::ZhCn => "zh-cn",
            Language::EnUs => "en-us",
        }
    }
}

/// A vendor client's engine: the pipeline, the vendor's protocol and its authorizer. Every
/// operation of every vendor is sent through [`Service::call`].
#[derive(Debug, Clone)]
pub struct Service<P> {
    pipeline: Pipeline,
    protocol: P,
    authorizer: Arc<dyn Authorizer>,
}

impl<P: Protocol> Service<P> {
    /// An engine of `pipeline`, `protocol` and `authorizer`.
    pub fn new(pipeline: Pipeline, protocol: P, authorizer: Arc<dyn Authorizer>) -> Self {
        Service {
            pipeline,
            protocol,
            authorizer,
        }
    }

    /// The pipeline.
    pub fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// The protocol.
    pub fn protocol(&self) -> &P {
        &self.protocol
    }

    /// The authorizer.
    pub fn authorizer(&self) -> &Arc<dyn Authorizer> {
        &self.authorizer
    }

    /// Sends `request` for `spec` with `options` and decodes the answer into `T`, dropping the
    /// request id (for outputs that carry their own).
    pub async fn send<T: DeserializeOwned + Send>(
        &self,
        spec: &OperationSpec,
        request: Request,
        options: &CallOptions,
    ) -> Result<T, Error> {
        Ok(self.call(spec, request, options).await?.output)
    }

    /// Sends `request` for `spec` with `options` and decodes the answer into `T`.
    pub async fn call<T: DeserializeOwned + Send>(
        &self,
        spec: &OperationSpec,
        request: Request,
        options: &CallOptions,
    ) -> Result<Decoded<T>, Error> {
        self.pipeline
            .call(
                spec,
                request,
                &*self.authorizer,
                options,
                |spec, response| self.protocol.decode(spec, response),
            )
            .await
    }
}

impl<P: Protocol> Service<P> {
    /// [`Service::call`] for a request that must wait for something first, within the call's
    /// operation timeout (see [`Pipeline::call_prepared`]).
    pub async fn call_prepared<T, F>(
        &self,
        spec: &OperationSpec,
        options: &CallOptions,
        prepare: F,
    ) -> Result<Decoded<T>, Error>
    where
        T: DeserializeOwned + Send,
        F: std::future::Future<Output = Result<Request, Error>> + Send,
    {
        self.call_decoding(spec, options, prepare, |spec, response| {
            self.protocol.decode(spec, response)
        })
        .await
    }

    /// The pipeline's call with this engine's authorizer and `decode`.
    async fn call_decoding<T, F, D>(
        &self,
        spec: &OperationSpec,
        options: &CallOptions,
        prepare: F,
        decode: D,
    ) -> Result<Decoded<T>, Error>
    where
        T: Send,
        F: std::future::Future<Output = Result<Request, Error>> + Send,
        D: Fn(&OperationSpec, &mut Response) -> Result<Decoded<T>, Error> + Send + Sync,
    {
        self.pipeline
            .call_prepared(spec, prepare, &*self.authorizer, options, decode)
            .await
    }
}

impl<P: Protocol> Service<P> {
    /// [`Service::call_prepared`] for an operation that downloads a file: a 2xx answer's body
    /// is the output, as it came ([`Protocol::decode_download`]).
    pub async fn call_prepared_download<F>(
        &self,
        spec: &OperationSpec,
        options: &CallOptions,
        prepare: F,
    ) -> Result<Decoded<Download>, Error>
    where
        F: std::future::Future<Output = Result<Request, Error>> + Send,
    {
        self.call_decoding(spec, options, prepare, |spec, response| {
            self.protocol.decode_download(spec, response)
        })
        .await
    }

    /// [`Service::call`] for an operation that downloads a file.
    pub async fn call_download(
        &self,
        spec: &OperationSpec,
        request: Request,
        options: &CallOptions,
    ) -> Result<Decoded<Download>, Error> {
        self.call_prepared_download(spec, options, std::future::ready(Ok(request)))
            .await
    }
}

impl<P> Service<P> {
    /// The same pipeline and authorizer with another protocol (a service whose answers are
    /// read differently, an error code in a 200 answer's body for one).
    pub fn with_protocol<Q>(&self, protocol: Q) -> Service<Q> {
        Service {
            pipeline: self.pipeline.clone(),
            protocol,
            authorizer: self.authorizer.clone(),
        }
    }
}

/// A request to any path, for what a vendor crate does not model yet: the same signing,
/// error decoding, retries and per-call options as the modelled operations. Taken as **not
/// idempotent** unless [`RawRequest::idempotent`] says otherwise, so only failures that
/// certainly did not reach the server (and throttling) are retried.
#[derive(Debug)]
#[must_use = "nothing is sent until .send() is awaited"]
pub struct RawRequest<P> {
    service: Service<P>,
    endpoint: Result<crate::Endpoint, Error>,
    vendor: &'static str,
    method: crate::Method,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Option<Result<Vec<u8>, Error>>,
    idempotency: crate::Idempotency,
    options: CallOptions,
}

impl<P: Protocol> RawRequest<P> {
    /// A request through `service` to `path` (encoded, starting with `/`) at `endpoint`, named
    /// `RawRequest` of `vendor` in errors and traces.
    pub fn new(
        service: Service<P>,
        endpoint: Result<crate::Endpoint, Error>,
        vendor: &'static str,
        method: crate::Method,
        path: impl Into<String>,
    ) -> Self {
        RawRequest {
            service,
            endpoint,
            vendor,
            method,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            idempotency: crate::Idempotency::NonIdempotent,
            options: CallOptions::default(),
        }
    }

    /// Adds a query parameter (decoded; it is encoded when sent).
    pub fn query(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((key.into(), value.into()));
        self
    }

    /// Sets a header; it is signed with the others where the scheme signs headers.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sends `body` as JSON (`Content-Type: application/json` unless a header says otherwise).
    pub fn json<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Self {
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
            crate::Idempotency::Idempotent
        } else {
            crate::Idempotency::NonIdempotent
        };
        self
    }

    crate::call_option_setters!(options);

    /// Validates the path and headers, sends, and decodes the answer (through the vendor's
    /// protocol, as for a modelled operation) into `O`: a `serde_json::Value` or a type of
    /// yours.
    pub async fn send<O: DeserializeOwned + Send>(self) -> Result<O, Error> {
        let endpoint = self.endpoint?;
        crate::validate::request_path("path", &self.path)?;
        let mut request = Request::new(self.method, endpoint, self.path);
        request.query = self.query;
        for (n, v) in &self.headers {
            crate::validate::header_name(n)?;
            crate::validate::header_value(n, v)?;
            request.headers.set(n, v.clone());
        }
        if let Some(body) = self.body {
            request.body = body?;
            if !request.headers.contains("content-type") {
                request.headers.set("content-type", "application/json");
            }
        }
        let spec = OperationSpec::new(self.vendor, RAW_REQUEST, self.idempotency);
        self.service.send(&spec, request, &self.options).await
    }
}

/// The operation name raw requests carry in errors and traces.
pub const RAW_REQUEST: &str = "RawRequest";

#[cfg(test)]
mod tests {
    use super::*;

    fn download(disposition: &str) -> Download {
        Download {
            content_disposition: Some(disposition.to_string()),
            ..Download::default()
        }
    }

    #[test]
    fn a_download_names_its_file_without_a_path() {
        assert_eq!(
            download("attachment; filename=\"report.pdf\"").file_name(),
            Some("report.pdf")
        );
        assert_eq!(
            download("attachment;FileName=agent.zip").file_name(),
            Some("agent.zip")
        );
        assert_eq!(
            download("attachment; filename=\"../../etc/passwd\"").file_name(),
            Some("passwd")
        );
        assert_eq!(
            download("attachment; filename=\"a\\\\..\"").file_name(),
            None
        );
        assert_eq!(download("inline").file_name(), None);
        assert_eq!(Download::default().file_name(), None);
    }

    #[test]
    fn a_download_takes_the_body_and_shows_only_its_size() {
        let mut r = Response::new(200, b"secret bytes".to_vec());
        r.headers.set("content-type", "application/zip");
        let d = Download::take(&mut r);
        assert!(r.body.is_empty());
        assert_eq!(d.body, b"secret bytes");
        assert_eq!(d.content_type.as_deref(), Some("application/zip"));
        let shown = format!("{d:?}");
        assert!(shown.contains("bytes: 12") && !shown.contains("secret"));
    }
}
