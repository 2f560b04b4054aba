//! The request pipeline: sign, send, classify, retry.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use tokio::time::Instant;
use tracing::Instrument as _;

use crate::error::{Error, TimeoutPhase};
use crate::rate_limit::RateLimiter;
use crate::request::{Request, Response};
use crate::retry::{RetryPolicy, is_retry_safe, parse_retry_after};
use crate::time::{Clock, SystemClock, unix_seconds};
use crate::transport::{HttpTransport, Transport};

/// Whether sending an operation twice has the same effect as sending it once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// Safe to send again after a failure that may have reached the server.
    Idempotent,
    /// Never sent again once it may have reached the server (e.g. a purchase).
    NonIdempotent,
}

/// What the pipeline needs to know about an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationSpec {
    /// The vendor (`tencentcloud`, `huaweicloud`, `ocp`).
    pub vendor: &'static str,
    /// The operation's name as the vendor spells it.
    pub name: &'static str,
    /// Whether it may be sent again.
    pub idempotency: Idempotency,
}

/// Adds authentication to a request: resolves credentials and runs a pure signer. Called
/// before every attempt, so every attempt carries a fresh signature and timestamp.
#[async_trait]
pub trait Authorizer: Send + Sync + fmt::Debug {
    /// Adds the authentication headers to `request`, signing at `now`.
    async fn authorize(&self, request: &mut Request, now: SystemTime) -> Result<(), Error>;

    /// Called once per call when the service rejected the authentication of `request`.
    /// Returns true when a new attempt may succeed (a cached token was dropped and will be
    /// fetched again). The default returns false.
    async fn on_rejected(&self, request: &Request) -> bool {
        let _ = request;
        false
    }
}

/// Reads a vendor's response envelope.
pub trait Classifier: Send + Sync {
    /// `Ok` when `response` is a success; otherwise the service error (with its kind, so the
    /// retry policy can judge it) or an undecodable-response error.
    fn classify(&self, operation: &OperationSpec, response: &Response) -> Result<(), Error>;

    /// The request id the response carries, if any.
    fn request_id(&self, response: &Response) -> Option<String>;
}

/// The settings every vendor client shares.
#[derive(Clone)]
pub struct ClientOptions {
    /// The transport (default: [`HttpTransport`]).
    pub transport: Option<Arc<dyn Transport>>,
    /// The retry policy (default: [`RetryPolicy::standard`]).
    pub retry: RetryPolicy,
    /// The limit on one attempt, from sending to the last body byte (default 30 s).
    pub attempt_timeout: Option<Duration>,
    /// The limit on the whole call, retries and waits included (default 120 s).
    pub operation_timeout: Option<Duration>,
    /// The clock signatures are dated with (default: the system clock).
    pub clock: Arc<dyn Clock>,
    /// A client-side rate limit (default: none).
    pub rate_limiter: Option<Arc<RateLimiter>>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            transport: None,
            retry: RetryPolicy::standard(),
            attempt_timeout: Some(Duration::from_secs(30)),
            operation_timeout: Some(Duration::from_secs(120)),
            clock: Arc::new(SystemClock),
            rate_limiter: None,
        }
    }
}

impl fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientOptions")
            .field("transport", &self.transport)
            .field("retry", &self.retry)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("operation_timeout", &self.operation_timeout)
            .field("clock", &self.clock)
            .field("rate_limiter", &self.rate_limiter)
            .finish()
    }
}

impl ClientOptions {
    /// Sends through `transport`.
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// Retries with `policy`.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Limits each attempt.
    pub fn attempt_timeout(mut self, d: Option<Duration>) -> Self {
        self.attempt_timeout = d;
        self
    }

    /// Limits the whole call.
    pub fn operation_timeout(mut self, d: Option<Duration>) -> Self {
        self.operation_timeout = d;
        self
    }

    /// Dates signatures with `clock`.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Keeps the client under `limiter`'s rate.
    pub fn rate_limiter(mut self, limiter: Option<Arc<RateLimiter>>) -> Self {
        self.rate_limiter = limiter;
        self
    }
}

/// Adds the option setters every vendor client builder shares (retry policy, per-attempt and
/// per-operation timeouts, transport, clock) to an `impl` block, forwarding to the builder's
/// [`ClientOptions`] field named by the argument.
///
/// ```
/// struct MyBuilder {
///     options: cloudops_core::ClientOptions,
/// }
///
/// impl MyBuilder {
///     cloudops_core::client_option_setters!(options);
/// }
///
/// let b = MyBuilder { options: Default::default() }.retry_policy(cloudops_core::RetryPolicy::disabled());
/// assert_eq!(b.options.retry.attempts(), 1);
/// ```
#[macro_export]
macro_rules! client_option_setters {
    ($field:ident) => {
        /// The retry policy (default: three attempts with full-jitter backoff;
        /// `RetryPolicy::disabled()` turns retries off).
        pub fn retry_policy(mut self, policy: $crate::RetryPolicy) -> Self {
            self.$field = self.$field.retry(policy);
            self
        }

        /// The limit on one attempt, from sending to the last body byte (default 30 s).
        pub fn attempt_timeout(mut self, limit: Option<::std::time::Duration>) -> Self {
            self.$field = self.$field.attempt_timeout(limit);
            self
        }

        /// The limit on a whole call, retries and waits included (default 120 s).
        pub fn operation_timeout(mut self, limit: Option<::std::time::Duration>) -> Self {
            self.$field = self.$field.operation_timeout(limit);
            self
        }

        /// The transport (default: reqwest, HTTPS through rustls).
        pub fn transport(mut self, transport: ::std::sync::Arc<dyn $crate::Transport>) -> Self {
            self.$field = self.$field.transport(transport);
            self
        }

        /// The clock signatures and dates are taken from (default: the system clock).
        pub fn clock(mut self, clock: ::std::sync::Arc<dyn $crate::Clock>) -> Self {
            self.$field = self.$field.clock(clock);
            self
        }
    };
}

/// Runs calls: signs each attempt, sends it, classifies the answer and retries what is safe
/// to retry.
#[derive(Clone, Debug)]
pub struct Pipeline {
    transport: Arc<dyn Transport>,
    retry: RetryPolicy,
    attempt_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    clock: Arc<dyn Clock>,
    rate_limiter: Option<Arc<RateLimiter>>,
}

impl Pipeline {
    /// A pipeline with `options`; builds the default transport when none is given.
    pub fn new(options: ClientOptions) -> Result<Self, Error> {
        let transport = match options.transport {
            Some(t) => t,
            None => Arc::new(HttpTransport::new()?),
        };
        Ok(Pipeline {
            transport,
            retry: options.retry,
            attempt_timeout: options.attempt_timeout,
            operation_timeout: options.operation_timeout,
            clock: options.clock,
            rate_limiter: options.rate_limiter,
        })
    }

    /// The clock signatures are dated with.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// The transport.
    pub fn transport(&self) -> &Arc<dyn Transport> {
        &self.transport
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Sends `request` for `operation` and returns the successful response.
    pub async fn send(
        &self,
        operation: &OperationSpec,
        request: Request,
        authorizer: &dyn Authorizer,
        classifier: &dyn Classifier,
    ) -> Result<Response, Error> {
        let span = tracing::info_span!(
            "cloudops.call",
            vendor = operation.vendor,
            operation = operation.name,
            idempotent = operation.idempotency == Idempotency::Idempotent,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
            outcome = tracing::field::Empty,
        );
        let started = Instant::now();
        let result = self
            .run(operation, request, authorizer, classifier, &span)
            .instrument(span.clone())
            .await;
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        match &result {
            Ok(_) => span.record("outcome", "success"),
            Err(e) => span.record("outcome", tracing::field::display(error_kind(e))),
        };
        result
    }

    async fn run(
        &self,
        operation: &OperationSpec,
        request: Request,
        authorizer: &dyn Authorizer,
        classifier: &dyn Classifier,
        call_span: &tracing::Span,
    ) -> Result<Response, Error> {
        let started = Instant::now();
        let deadline = self.operation_timeout.map(|d| started + d);
        let budget_end = self.retry.total_budget().map(|d| started + d);
        let mut attempt: u32 = 0;
        let mut auth_retried = false;
        loop {
            attempt += 1;
            call_span.record("attempts", attempt);
            if let Some(rl) = &self.rate_limiter {
                rl.acquire().await;
            }
            let mut signed = request.clone();
            authorizer.authorize(&mut signed, self.clock.now()).await?;
            let outcome = self
                .attempt(operation, &signed, classifier, attempt, deadline, call_span)
                .await;
            let mut error = match outcome {
                Ok(response) => return Ok(response),
                Err(e) => e,
            };

            if !auth_retried
                && error.service_kind() == Some(crate::ServiceErrorKind::Authentication)
                && authorizer.on_rejected(&signed).await
            {
                auth_retried = true;
                tracing::debug!(
                    attempt,
                    "authentication rejected; retrying with fresh credentials"
                );
                continue;
            }

            let safe = is_retry_safe(&error, operation.idempotency);
            error.set_retryable(safe);
            if !safe || attempt >= self.retry.attempts() {
                return Err(error);
            }
            let retry_after = match &error {
                Error::Service(e) => e.retry_after,
                _ => None,
            };
            let Some(delay) = self.retry.delay(attempt, retry_after) else {
                tracing::debug!(
                    attempt,
                    "server asked to wait longer than the policy allows"
                );
                return Err(error);
            };
            let resume = Instant::now() + delay;
            if deadline.is_some_and(|d| resume >= d) || budget_end.is_some_and(|b| resume >= b) {
                tracing::debug!(attempt, "no time left for another attempt");
                return Err(error);
            }
            tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, error = %error, "retrying");
            tokio::time::sleep(delay).await;
        }
    }

    async fn attempt(
        &self,
        operation: &OperationSpec,
        signed: &Request,
        classifier: &dyn Classifier,
        attempt: u32,
        deadline: Option<Instant>,
        call_span: &tracing::Span,
    ) -> Result<Response, Error> {
        let span = tracing::debug_span!(
            "cloudops.attempt",
            vendor = operation.vendor,
            operation = operation.name,
            attempt,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let now = Instant::now();
        let remaining = deadline.map(|d| d.saturating_duration_since(now));
        let (limit, phase) = match (self.attempt_timeout, remaining) {
            (Some(a), Some(r)) if r < a => (Some(r), TimeoutPhase::Operation),
            (Some(a), _) => (Some(a), TimeoutPhase::Attempt),
            (None, Some(r)) => (Some(r), TimeoutPhase::Operation),
            (None, None) => (None, TimeoutPhase::Attempt),
        };
        let send = self.transport.send(signed).instrument(span.clone());
        let result = match limit {
            Some(limit) => match tokio::time::timeout(limit, send).await {
                Ok(r) => r,
                Err(_) => Err(Error::Timeout {
                    phase,
                    after: match phase {
                        TimeoutPhase::Operation => self.operation_timeout.unwrap_or(limit),
                        _ => limit,
                    },
                    may_have_been_sent: true,
                    retryable: false,
                }),
            },
            None => send.await,
        };
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        let response = result?;
        span.record("status", response.status);
        call_span.record("status", response.status);
        let request_id = classifier.request_id(&response);
        if let Some(rid) = &request_id {
            span.record("request_id", rid.as_str());
            call_span.record("request_id", rid.as_str());
        }
        match classifier.classify(operation, &response) {
            Ok(()) => Ok(response),
            Err(mut e) => {
                match &mut e {
                    Error::Service(se) => {
                        if se.request_id.is_none() {
                            se.request_id = request_id;
                        }
                        if se.retry_after.is_none() {
                            se.retry_after = parse_retry_after(
                                &response.headers,
                                unix_seconds(self.clock.now()),
                            );
                        }
                    }
                    Error::Undecodable(u) if u.request_id.is_none() => u.request_id = request_id,
                    _ => {}
                }
                Err(e)
            }
        }
    }
}

fn error_kind(e: &Error) -> &'static str {
    match e {
        Error::InvalidInput { .. } => "invalid_input",
        Error::Credentials { .. } => "credentials",
        Error::Transport { .. } => "transport",
        Error::Timeout { .. } => "timeout",
        Error::ResponseTooLarge { .. } => "response_too_large",
        Error::Service(_) => "service",
        Error::Undecodable(_) => "undecodable",
    }
}

/// Decodes a JSON body into `T`, or an undecodable-response error with an excerpt of it.
pub fn decode_json<T: serde::de::DeserializeOwned>(
    operation: &OperationSpec,
    response: &Response,
) -> Result<T, Error> {
    serde_json::from_slice(&response.body).map_err(|e| {
        Error::undecodable(
            operation.vendor,
            operation.name,
            response.status,
            &response.body,
            format!("invalid JSON: {e}"),
        )
    })
}
