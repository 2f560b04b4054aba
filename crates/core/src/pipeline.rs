//! The request pipeline: sign, send, classify, retry.

use std::fmt;
use std::sync::Arc;
#[cfg(feature = "tracing")]
use std::sync::atomic::AtomicBool;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

use crate::error::{Error, TimeoutPhase};
use crate::operation::{CallOptions, Decoded};
use crate::rate_limit::RateLimiter;
use crate::request::{Request, Response};
use crate::retry::{RetryPolicy, is_retry_safe, parse_retry_after};
pub use crate::spec::{Authorizer, Idempotency, OperationSpec};
use crate::time::{Clock, SystemClock, unix_seconds};
use crate::trace;
use crate::transport::Transport;

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
    /// The transport (default: [`HttpTransport`](crate::HttpTransport)).
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
    /// How the default transport is built when no transport is given: proxies, extra trusted
    /// roots, timeouts, pools. A client given a transport of its own refuses any change here,
    /// which could not apply.
    pub http: crate::transport::HttpTransportBuilder,
    /// A setting that cannot be used, reported when the pipeline is built.
    problem: Option<Error>,
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
            http: crate::transport::HttpTransportBuilder::default(),
            problem: None,
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
            .field("http", &self.http)
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

    /// Refuses these options when the pipeline is built, with `error`: for a setter that
    /// cannot fail at once (the first problem is kept).
    pub fn refuse(mut self, error: Error) -> Self {
        self.problem.get_or_insert(error);
        self
    }

    /// Changes how the default transport is built.
    pub fn http(
        mut self,
        change: impl FnOnce(
            crate::transport::HttpTransportBuilder,
        ) -> crate::transport::HttpTransportBuilder,
    ) -> Self {
        self.http = change(self.http);
        self
    }
}

/// Adds the option setters every vendor client builder shares (retry policy, per-attempt and
/// per-operation timeouts, transport, clock, rate limit, proxy, trusted roots) to an `impl`
/// block, forwarding to the builder's
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

        /// The limit on one attempt, from sending to the last body byte (default 30 s;
        /// `None` for none). Zero is refused when the client is built.
        pub fn attempt_timeout(mut self, limit: Option<::std::time::Duration>) -> Self {
            self.$field = self.$field.attempt_timeout(limit);
            self
        }

        /// The limit on a whole call, retries and waits included (default 120 s; `None` for
        /// none). Zero is refused when the client is built.
        pub fn operation_timeout(mut self, limit: Option<::std::time::Duration>) -> Self {
            self.$field = self.$field.operation_timeout(limit);
            self
        }

        /// The transport (default: reqwest, HTTPS through rustls). A client given one
        /// refuses to build when a transport setting (proxy, roots, connect timeout, ...) was
        /// also set, since it could not apply: set those on the transport instead.
        pub fn transport(mut self, transport: ::std::sync::Arc<dyn $crate::Transport>) -> Self {
            self.$field = self.$field.transport(transport);
            self
        }

        /// Every setting of the default HTTP transport at once (proxy, trusted roots, connect
        /// timeout, body cap, connection pool), replacing those set before; the setters below
        /// change one each.
        ///
        /// ```
        /// # use cloudops_core::transport::HttpTransportBuilder;
        /// let settings = HttpTransportBuilder::default()
        ///     .connect_timeout(std::time::Duration::from_secs(3))
        ///     .max_body(1 << 20);
        /// # let _ = settings;
        /// ```
        pub fn transport_settings(
            mut self,
            settings: $crate::transport::HttpTransportBuilder,
        ) -> Self {
            self.$field = self.$field.http(|_| settings);
            self
        }

        /// How long to wait for a connection (default 10 s). Zero is refused when the client
        /// is built.
        pub fn connect_timeout(mut self, limit: ::std::time::Duration) -> Self {
            self.$field = self.$field.http(|h| h.connect_timeout(limit));
            self
        }

        /// The clock signatures and dates are taken from (default: the system clock).
        pub fn clock(mut self, clock: ::std::sync::Arc<dyn $crate::Clock>) -> Self {
            self.$field = self.$field.clock(clock);
            self
        }

        /// Keeps this client (and its clones) at or under `per_second` requests in any one
        /// second; waiting for a turn counts against each call's deadline. Off by default
        /// (`None`). `Some(0)`, which would never send anything, is refused when the client is
        /// built.
        pub fn rate_limit(mut self, per_second: Option<u32>) -> Self {
            if per_second == Some(0) {
                self.$field = self.$field.refuse($crate::Error::invalid_input(
                    "rate_limit",
                    "must be at least 1 request per second (None turns the limit off)",
                ));
            }
            self.$field = self.$field.rate_limiter(
                per_second.map(|n| ::std::sync::Arc::new($crate::RateLimiter::per_second(n))),
            );
            self
        }

        /// Sends every request through `proxy`, whatever `HTTPS_PROXY`, `HTTP_PROXY`,
        /// `ALL_PROXY` and `NO_PROXY` say (they are honoured by default). Applies to the
        /// default transport, not to one given with `transport`.
        pub fn proxy(mut self, proxy: $crate::transport::Proxy) -> Self {
            self.$field = self.$field.http(|h| h.proxy(proxy));
            self
        }

        /// Sends every request straight to its endpoint, whatever the proxy variables say.
        pub fn no_proxy(mut self) -> Self {
            self.$field = self.$field.http(|h| h.no_proxy());
            self
        }

        /// Also trusts the certificate authorities in `pem`, for servers behind a private CA.
        /// Verification stays on.
        pub fn add_root_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
            self.$field = self.$field.http(|h| h.add_root_certificates_pem(pem));
            self
        }

        /// Also trusts the certificate authorities in the PEM file at `path`.
        pub fn add_root_certificates_file(mut self, path: impl Into<::std::path::PathBuf>) -> Self {
            self.$field = self.$field.http(|h| h.add_root_certificates_file(path));
            self
        }

        /// Whether the platform's trusted roots are trusted too (default true).
        pub fn platform_roots(mut self, yes: bool) -> Self {
            self.$field = self.$field.http(|h| h.platform_roots(yes));
            self
        }
    };
}

/// Adds `credentials` (fixed [`Credentials`](crate::Credentials): an access key or a user
/// name and password) and `credentials_provider` (any provider) setters to a client builder's
/// `impl` block, forwarding to its `Option<`[`CredentialsSetting`](crate::credentials::CredentialsSetting)`>`
/// field named by the argument. `$default` names the provider used when neither is called,
/// for the docs.
#[macro_export]
macro_rules! credential_setters {
    ($field:ident, $default:literal) => {
        /// Fixed credentials: an [`AccessKey`](cloudops_core::AccessKey), or for services
        /// that take one a [`BasicAuth`](cloudops_core::BasicAuth).
        pub fn credentials(mut self, credentials: impl Into<$crate::Credentials>) -> Self {
            self.$field = Some($crate::credentials::CredentialsSetting::fixed(credentials));
            self
        }

        #[doc = concat!("Credentials from any provider (environment, profile file, a chain, your own). The default is ", $default, ".")]
        pub fn credentials_provider(
            mut self,
            provider: ::std::sync::Arc<dyn $crate::credentials::ProvideCredentials>,
        ) -> Self {
            self.$field = Some($crate::credentials::CredentialsSetting::provider(provider));
            self
        }
    };
}

/// Runs calls: signs each attempt, sends it, classifies the answer and retries what is safe
/// to retry.
///
/// Every wait of a call counts against its operation timeout: the rate limiter, credential
/// and token resolution, each attempt and each backoff. No attempt runs past the retry
/// policy's budget either.
///
/// Before anything is sent, the request's path and headers are checked: a path with a dot
/// segment (`.`, `..`, also percent-encoded) or a backslash, and a header name or value that
/// cannot go on the wire, are invalid input; a header the authorizer added that cannot go on
/// the wire (a key id or token with a line break) is a credentials error. Neither is retried.
///
/// Credentials may be sent over plain `http://` (self-hosted servers often run without TLS): when an
/// `Authorization`, token or Basic header goes to a host that is not a loopback address, the
/// pipeline logs one `warn` event per client, naming the host (with the `tracing` feature).
#[derive(Clone, Debug)]
pub struct Pipeline {
    transport: Arc<dyn Transport>,
    /// The same transport when it is the built-in one, sent through without a boxed future.
    http: Option<Arc<crate::transport::HttpTransport>>,
    retry: RetryPolicy,
    attempt_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    clock: Arc<dyn Clock>,
    rate_limiter: Option<Arc<RateLimiter>>,
    #[cfg(feature = "tracing")]
    warned_plain_http: Arc<AtomicBool>,
    /// How far the servers' clocks are ahead of ours, in seconds, as last measured.
    clock_offset: Arc<AtomicI64>,
}

impl Pipeline {
    /// A pipeline with `options`: the transport given, else the process's shared transport
    /// ([`transport::shared`](crate::transport::shared)) when the transport settings are the
    /// defaults, else a transport of its own built from them.
    ///
    /// Fails with an invalid-input error, before anything is sent, when a setting cannot be
    /// used: a zero attempt or operation timeout, a transport given together with transport
    /// settings it would ignore (named), or a transport setting that cannot be used.
    pub fn new(options: ClientOptions) -> Result<Self, Error> {
        if let Some(problem) = options.problem {
            return Err(problem);
        }
        check_timeouts(options.attempt_timeout, options.operation_timeout)?;
        let (transport, http): (Arc<dyn Transport>, _) = match options.transport {
            Some(t) => {
                let ignored = options.http.changed_settings();
                if !ignored.is_empty() {
                    return Err(Error::invalid_input(
                        "transport",
                        format!(
                            "is given, so the transport settings {} cannot apply: set them on \
                             the transport given, or leave the transport out",
                            ignored.join(", ")
                        ),
                    ));
                }
                (t, None)
            }
            // Default settings: the process's one transport, built at the first such client.
            None => {
                let http = if options.http.changed_settings().is_empty() {
                    crate::transport::shared()?
                } else {
                    Arc::new(options.http.build()?)
                };
                (http.clone() as Arc<dyn Transport>, Some(http))
            }
        };
        Ok(Pipeline {
            transport,
            http,
            retry: options.retry,
            attempt_timeout: options.attempt_timeout,
            operation_timeout: options.operation_timeout,
            clock: options.clock,
            rate_limiter: options.rate_limiter,
            #[cfg(feature = "tracing")]
            warned_plain_http: Arc::new(AtomicBool::new(false)),
            clock_offset: Arc::new(AtomicI64::new(0)),
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

    /// Sends `request` for `operation` and returns the successful response, judged by
    /// `classifier`.
    pub async fn send(
        &self,
        operation: &OperationSpec,
        request: Request,
        authorizer: &dyn Authorizer,
        classifier: &dyn Classifier,
    ) -> Result<Response, Error> {
        let decode = |op: &OperationSpec, r: &mut Response| {
            let request_id = classifier.request_id(r);
            match classifier.classify(op, r) {
                Ok(()) => Ok(Decoded {
                    output: std::mem::replace(r, Response::new(r.status, Vec::new())),
                    request_id,
                }),
                Err(mut e) => {
                    match &mut e {
                        Error::Service(se) if se.request_id.is_none() => se.request_id = request_id,
                        Error::Undecodable(u) if u.request_id.is_none() => {
                            u.request_id = request_id
                        }
                        _ => {}
                    }
                    Err(e)
                }
            }
        };
        self.call(
            operation,
            request,
            authorizer,
            &CallOptions::default(),
            decode,
        )
        .await
        .map(|d| d.output)
    }

    /// Sends `request` for `operation` with `options` for this call, and turns the answer into
    /// the output, or the vendor's error, with `decode`: one decode per response, which judges
    /// success and failure and reads the request id in the same pass. `decode` gets the
    /// response mutably and may take its body or headers into a successful output; for an
    /// error, the pipeline reads `X-Request-Id`, `Retry-After` and `Date` from what is left.
    /// Errors are redacted and judged retryable here, never by the caller.
    pub async fn call<T, D>(
        &self,
        operation: &OperationSpec,
        request: Request,
        authorizer: &dyn Authorizer,
        options: &CallOptions,
        decode: D,
    ) -> Result<Decoded<T>, Error>
    where
        D: Fn(&OperationSpec, &mut Response) -> Result<Decoded<T>, Error> + Send + Sync,
        T: Send,
    {
        self.call_prepared(
            operation,
            std::future::ready(Ok(request)),
            authorizer,
            options,
            decode,
        )
        .await
    }

    /// [`Pipeline::call`] for a request that must wait for something first (a project id looked
    /// up in an identity service, say): `prepare` runs within the call's operation timeout, which
    /// starts before it, and its error ends the call before anything is sent.
    pub async fn call_prepared<T, D, F>(
        &self,
        operation: &OperationSpec,
        prepare: F,
        authorizer: &dyn Authorizer,
        options: &CallOptions,
        decode: D,
    ) -> Result<Decoded<T>, Error>
    where
        D: Fn(&OperationSpec, &mut Response) -> Result<Decoded<T>, Error> + Send + Sync,
        F: std::future::Future<Output = Result<Request, Error>> + Send,
        T: Send,
    {
        let prepare = std::pin::pin!(prepare);
        // The retry loop is compiled once for every output type: it sees the decoder through
        // a `dyn` that keeps the output here and hands back only the request id.
        let mut output = None;
        let mut keep = |op: &OperationSpec, r: &mut Response| {
            let decoded = decode(op, r)?;
            output = Some(decoded.output);
            Ok(decoded.request_id)
        };
        let call = self.call_dyn(operation, prepare, authorizer, options, &mut keep);
        let request_id = Outlined { inner: call }.await?;
        match output {
            Some(output) => Ok(Decoded { output, request_id }),
            // `call_dyn` succeeds only after a successful decode, which kept the output.
            None => Err(Error::undecodable(
                operation.vendor,
                operation.name,
                0,
                &[],
                "the answer was not decoded",
            )),
        }
    }

    /// [`Pipeline::call`] with the decoder behind a `dyn`: it keeps the output itself and
    /// returns the request id.
    async fn call_dyn(
        &self,
        operation: &OperationSpec,
        request: PendingRequest<'_>,
        authorizer: &dyn Authorizer,
        options: &CallOptions,
        decode: &mut DynDecode<'_>,
    ) -> Result<Option<String>, Error> {
        let span = trace::span!(
            info_span,
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
        let run = self.run(
            operation,
            request,
            authorizer,
            options,
            decode,
            (&span, started),
        );
        let result = trace::instrument(run, &span).await;
        // With no subscriber listening, the clock is not read again.
        #[cfg(feature = "tracing")]
        if !span.is_disabled() {
            let duration_ms = millis(started.elapsed());
            span.record("duration_ms", duration_ms);
            match &result {
                Ok(_) => span.record("outcome", "success"),
                Err(e) => span.record("outcome", tracing::field::display(error_kind(e))),
            };
            // One line per call at `info`, the level programs turn on: the call span's fields
            // (vendor, operation, status, request id, attempts) come with it.
            span.in_scope(|| match &result {
                Ok(request_id) => tracing::info!(
                    duration_ms,
                    request_id = request_id.as_deref(),
                    "{} {} succeeded",
                    operation.vendor,
                    operation.name
                ),
                Err(e) => tracing::info!(
                    duration_ms,
                    error = %e,
                    "{} {} failed",
                    operation.vendor,
                    operation.name
                ),
            });
        }
        result
    }

    async fn run(
        &self,
        operation: &OperationSpec,
        prepare: PendingRequest<'_>,
        authorizer: &dyn Authorizer,
        options: &CallOptions,
        decode: &mut DynDecode<'_>,
        (call_span, started): (&trace::Span, Instant),
    ) -> Result<Option<String>, Error> {
        check_timeouts(
            options.attempt_timeout.unwrap_or(None),
            options.operation_timeout.unwrap_or(None),
        )?;
        let retry = options.retry.as_ref().unwrap_or(&self.retry);
        let operation_timeout = options.operation_timeout.unwrap_or(self.operation_timeout);
        let attempt_timeout = options.attempt_timeout.unwrap_or(self.attempt_timeout);
        // A limit too long to represent is no limit.
        let deadline = operation_timeout
            .and_then(|d| started.checked_add(d))
            .map(|at| (at, TimeoutPhase::Operation, operation_timeout));
        let budget_end = retry
            .total_budget()
            .and_then(|d| started.checked_add(d))
            .map(|at| (at, TimeoutPhase::RetryBudget, retry.total_budget()));
        let mut timer = std::pin::pin!(None);
        // What the request needs first (a project id looked up, say) is waited for within the
        // call's deadline; a request built already is taken at once.
        let mut request = within(deadline, timer.as_mut(), prepare)
            .await
            .unwrap_or_else(|| Err(operation_timed_out(operation_timeout)))?;
        check_request(&request)?;
        self.transport.check_endpoint(&request.endpoint)?;
        // `Host` is the endpoint's, one value every request to it shares; signers sign the
        // request's own.
        if request.headers.get_lowercase("host").is_none() {
            request.set_endpoint_host();
        }
        // Each attempt is signed in place; only the headers change, so they are what a new
        // attempt starts again from: the request's own, once what signing added is dropped,
        // or a copy when signing may replace one of them.
        let sets = authorizer.sets_headers();
        let unsigned = if !sets.is_empty()
            && !sets
                .iter()
                .any(|n| request.headers.get_lowercase(n).is_some())
        {
            Unsigned::First(request.headers.len())
        } else {
            Unsigned::Copy(request.headers.clone())
        };
        let mut attempt: u32 = 0;
        let mut auth_retried = false;
        let mut skew_retried = false;
        loop {
            attempt = attempt.saturating_add(1);
            call_span.record("attempts", attempt);
            if let Some(rl) = &self.rate_limiter
                && rl.acquire_boxed(deadline.map(|(at, ..)| at)).await.is_err()
            {
                trace::event!(
                    debug,
                    attempt,
                    "the rate limiter's next turn is after the deadline"
                );
                return Err(operation_timed_out(operation_timeout));
            }
            if attempt > 1 {
                match &unsigned {
                    Unsigned::First(n) => request.headers.truncate(*n),
                    Unsigned::Copy(headers) => request.headers.clone_from(headers),
                }
            }
            let signed = &mut request;
            let now = self.signing_time();
            match authorizer.authorize_now(signed, now) {
                Some(signed) => signed?,
                None => within(deadline, timer.as_mut(), authorizer.authorize(signed, now))
                    .await
                    .unwrap_or_else(|| Err(operation_timed_out(operation_timeout)))?,
            }
            check_signed_headers(signed, unsigned.checked())?;
            #[cfg(debug_assertions)]
            if attempt == 1 {
                // What signing appended is known only when the request's own headers came first.
                let appended_from = match &unsigned {
                    Unsigned::First(n) => *n,
                    Unsigned::Copy(_) => usize::MAX,
                };
                check_declared_headers(signed, sets, appended_from)?;
            }
            #[cfg(feature = "tracing")]
            self.warn_plain_http(signed);
            let limit = earliest(deadline, budget_end);
            let outcome = self
                .attempt(
                    operation,
                    signed,
                    decode,
                    attempt,
                    (limit, attempt_timeout),
                    (call_span, timer.as_mut()),
                )
                .await;
            let mut error = match outcome {
                Ok(response) => return Ok(response),
                Err(e) => e,
            };
            error.redact();
            if operation.secret_answer {
                error.forget_answer();
            }

            if !skew_retried && self.measure_skew(&error, now) {
                // The server refused the signature's time before processing the request, so a
                // corrected retry is safe for every operation, a purchase included.
                skew_retried = true;
                continue;
            }

            if !auth_retried
                && error.service_kind() == Some(crate::ServiceErrorKind::Authentication)
                && within(deadline, timer.as_mut(), authorizer.on_rejected(&request))
                    .await
                    .unwrap_or(false)
            {
                auth_retried = true;
                trace::event!(
                    debug,
                    attempt,
                    "authentication rejected; retrying with fresh credentials"
                );
                continue;
            }

            let safe = is_retry_safe(&error, operation.idempotency);
            error.set_retryable(safe);
            if !safe || attempt >= retry.attempts() {
                return Err(error);
            }
            let retry_after = match &error {
                Error::Service(e) => e.retry_after,
                _ => None,
            };
            let Some(delay) = retry.delay(attempt, retry_after) else {
                trace::event!(
                    debug,
                    attempt,
                    "server asked to wait longer than the policy allows"
                );
                return Err(error);
            };
            if let Some((end, ..)) = limit {
                let resume = Instant::now().checked_add(delay);
                if resume.is_none_or(|r| r >= end) {
                    trace::event!(debug, attempt, "no time left for another attempt");
                    return Err(error);
                }
            }
            trace::event!(debug, attempt, delay_ms = millis(delay), error = %error, "retrying");
            // A delay too long to represent is waited out as the longest that is.
            let now = Instant::now();
            let resume = now
                .checked_add(delay)
                .or_else(|| now.checked_add(Duration::from_secs(30 * 365 * 86_400)))
                .unwrap_or(now);
            arm(&mut timer, resume);
            if let Some(sleep) = timer.as_mut().as_pin_mut() {
                sleep.await;
            }
        }
    }

    /// The time signatures are dated with: the clock, corrected by the last measured offset
    /// of the servers' clocks.
    fn signing_time(&self) -> SystemTime {
        let now = self.clock.now();
        let offset = self.clock_offset.load(Ordering::Relaxed);
        let shift = Duration::from_secs(offset.unsigned_abs());
        let shifted = if offset >= 0 {
            now.checked_add(shift)
        } else {
            now.checked_sub(shift)
        };
        shifted.unwrap_or(now)
    }

    /// Whether `error` is a refusal of the signature's time: an authentication error from a
    /// server whose `Date` differs from the time the request was signed with by more than
    /// [`CLOCK_SKEW_TOLERANCE`] (an expired-signature code, or a 401 for a skewed `Date`, as the
    /// vendor's protocol classifies it). If so, the
    /// offset is kept for the client's later calls and traced at `warn`.
    fn measure_skew(&self, error: &Error, signed_at: SystemTime) -> bool {
        let Some(se) = error.service_error() else {
            return false;
        };
        let (crate::ServiceErrorKind::Authentication, Some(server)) = (se.kind, se.server_time)
        else {
            return false;
        };
        let signed = unix_seconds(signed_at);
        if server.abs_diff(signed) <= CLOCK_SKEW_TOLERANCE.as_secs() {
            return false;
        }
        let offset = server.saturating_sub(unix_seconds(self.clock.now()));
        self.clock_offset.store(offset, Ordering::Relaxed);
        trace::event!(
            warn,
            offset_secs = offset,
            "the server refused the signature's time; its clock is {offset} s from this \
             machine's: signing with the server's time from now on"
        );
        true
    }

    /// Logs once per client that credentials went over plain HTTP to a remote host.
    #[cfg(feature = "tracing")]
    fn warn_plain_http(&self, signed: &Request) {
        if signed.endpoint.scheme() != "http"
            || signed.endpoint.is_loopback()
            || !signed
                .headers
                .iter()
                .any(|(name, _)| crate::request::is_sensitive_header(name))
            || self.warned_plain_http.swap(true, Ordering::Relaxed)
        {
            return;
        }
        trace::event!(
            warn,
            host = signed.endpoint.host(),
            "credentials are sent over plain http to a host that is not loopback; use https \
             unless the network between is trusted"
        );
    }

    async fn attempt(
        &self,
        operation: &OperationSpec,
        signed: &Request,
        decode: &mut DynDecode<'_>,
        attempt: u32,
        (limit, attempt_timeout): (Option<Limit>, Option<Duration>),
        (call_span, timer): (&trace::Span, Timer<'_>),
    ) -> Result<Option<String>, Error> {
        let span = trace::span!(
            debug_span,
            "cloudops.attempt",
            vendor = operation.vendor,
            operation = operation.name,
            attempt,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        // Only the span names the attempt.
        #[cfg(not(feature = "tracing"))]
        let _ = attempt;
        let started = Instant::now();
        let remaining =
            limit.map(|(at, phase, after)| (at.saturating_duration_since(started), phase, after));
        let (limit, phase, after) = match (attempt_timeout, remaining) {
            (Some(a), Some((r, phase, after))) if r < a => (Some(r), phase, after),
            (Some(a), _) => (Some(a), TimeoutPhase::Attempt, Some(a)),
            (None, Some((r, phase, after))) => (Some(r), phase, after),
            (None, None) => (None, TimeoutPhase::Attempt, None),
        };
        let send = trace::instrument(
            async {
                match &self.http {
                    Some(http) => http.send_request(signed).await,
                    None => self.transport.send(signed).await,
                }
            },
            &span,
        );
        // Dated from `started`, read once above; a limit too far off to represent is none.
        let limit = limit.and_then(|l| Some((l, started.checked_add(l)?)));
        let result = match within_at(limit.map(|(_, at)| at), timer, send).await {
            Some(r) => r,
            None => Err(Error::Timeout {
                phase,
                after: after.or(limit.map(|(l, _)| l)).unwrap_or_default(),
                may_have_been_sent: true,
                retryable: false,
            }),
        };
        if !span.is_disabled() {
            span.record("duration_ms", millis(started.elapsed()));
        }
        let mut response = result?;
        span.record("status", response.status);
        call_span.record("status", response.status);
        let result = decode(operation, &mut response);
        let request_id = match &result {
            Ok(id) => id.as_deref(),
            Err(e) => e.request_id(),
        };
        if let Some(rid) = request_id {
            span.record("request_id", rid);
            call_span.record("request_id", rid);
        }
        // What only an error needs from the headers is read only for an error.
        result.map_err(|mut e| {
            let header_request_id = || response.headers.get("x-request-id").map(str::to_string);
            match &mut e {
                Error::Service(se) => {
                    if se.request_id.is_none() {
                        se.request_id = header_request_id();
                    }
                    if se.retry_after.is_none() {
                        se.retry_after =
                            parse_retry_after(&response.headers, unix_seconds(self.clock.now()));
                    }
                    if se.server_time.is_none() {
                        se.server_time = response
                            .headers
                            .get("date")
                            .and_then(crate::time::UtcDateTime::parse_rfc1123)
                            .map(|t| t.to_unix());
                    }
                }
                Error::Undecodable(u) if u.request_id.is_none() => {
                    u.request_id = header_request_id()
                }
                _ => {}
            }
            e
        })
    }
}

pin_project_lite::pin_project! {
    /// A future polled through a function that is never inlined: the retry loop is compiled
    /// once, however many output types a program decodes.
    struct Outlined<F> {
        #[pin]
        inner: F,
    }
}

impl<F: std::future::Future> std::future::Future for Outlined<F> {
    type Output = F::Output;

    #[inline(never)]
    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<F::Output> {
        self.project().inner.poll(cx)
    }
}

/// The headers a new attempt starts again from.
enum Unsigned {
    /// The request's first headers, all it had before signing appended the rest.
    First(usize),
    /// A copy of the request's headers before signing.
    Copy(crate::request::Headers),
}

impl Unsigned {
    /// How many of a signed request's first headers are the request's own, checked before
    /// signing (none are known to be when signing may have replaced them).
    fn checked(&self) -> usize {
        match self {
            Unsigned::First(n) => *n,
            Unsigned::Copy(_) => 0,
        }
    }
}

/// A request still to be built, seen through a `dyn` so that the retry loop is compiled once.
type PendingRequest<'a> =
    std::pin::Pin<&'a mut (dyn std::future::Future<Output = Result<Request, Error>> + Send + 'a)>;

/// A decoder seen through a `dyn`: it keeps the output and returns the request id.
type DynDecode<'a> =
    dyn FnMut(&OperationSpec, &mut Response) -> Result<Option<String>, Error> + Send + 'a;

/// The operation-timeout error of a call that ran out of time before sending.
fn operation_timed_out(limit: Option<Duration>) -> Error {
    Error::Timeout {
        phase: TimeoutPhase::Operation,
        after: limit.unwrap_or_default(),
        may_have_been_sent: false,
        retryable: false,
    }
}

/// How far a server's `Date` may be from a request's signing time before an authentication
/// error is taken as the server refusing the signature's time.
pub const CLOCK_SKEW_TOLERANCE: Duration = Duration::from_secs(60);

/// When a limit ends, which limit it is, and its configured length.
type Limit = (Instant, TimeoutPhase, Option<Duration>);

/// The limit that ends first.
fn earliest(a: Option<Limit>, b: Option<Limit>) -> Option<Limit> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.0 < a.0 { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// The one timer a call waits with, whatever it waits for (credentials, a token, an attempt,
/// a backoff): created at the first wait that has a limit, and set again for each later one.
type Timer<'t> = std::pin::Pin<&'t mut Option<tokio::time::Sleep>>;

/// Sets `timer` to fire at `at`.
fn arm(timer: &mut Timer<'_>, at: Instant) {
    match timer.as_mut().as_pin_mut() {
        Some(sleep) => sleep.reset(at),
        None => timer.set(Some(tokio::time::sleep_until(at))),
    }
}

/// Runs `fut` until the limit; `None` when the limit came first. As with a timeout, a future
/// that is ready when first polled wins; such a future (an authorizer whose credentials are
/// cached) is answered without setting the timer.
fn within<'t, F: std::future::Future>(
    limit: Option<Limit>,
    timer: Timer<'t>,
    fut: F,
) -> Within<'t, F> {
    within_at(limit.map(|(at, ..)| at), timer, fut)
}

/// [`within`] an instant, if any.
fn within_at<'t, F: std::future::Future>(
    at: Option<Instant>,
    timer: Timer<'t>,
    fut: F,
) -> Within<'t, F> {
    Within {
        fut,
        at,
        timer,
        armed: false,
    }
}

pin_project_lite::pin_project! {
    /// The future [`within`] returns.
    struct Within<'t, F> {
        #[pin]
        fut: F,
        at: Option<Instant>,
        timer: Timer<'t>,
        // The timer is set for `at`: done the first time `fut` is not ready.
        armed: bool,
    }
}

impl<F: std::future::Future> std::future::Future for Within<'_, F> {
    type Output = Option<F::Output>;

    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<F::Output>> {
        use std::task::Poll;
        let this = self.project();
        if let Poll::Ready(out) = this.fut.poll(cx) {
            return Poll::Ready(Some(out));
        }
        let Some(at) = *this.at else {
            return Poll::Pending;
        };
        if !*this.armed {
            arm(this.timer, at);
            *this.armed = true;
        }
        match this.timer.as_mut().as_pin_mut().map(|sleep| sleep.poll(cx)) {
            Some(Poll::Pending) => Poll::Pending,
            _ => Poll::Ready(None),
        }
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Refuses a zero time limit: it would end every call before it starts (`None` is no limit).
fn check_timeouts(attempt: Option<Duration>, operation: Option<Duration>) -> Result<(), Error> {
    for (field, limit) in [
        ("attempt_timeout", attempt),
        ("operation_timeout", operation),
    ] {
        if limit.is_some_and(|d| d.is_zero()) {
            return Err(Error::invalid_input(
                field,
                "must be more than zero (None turns the limit off)",
            ));
        }
    }
    Ok(())
}

/// Refuses a request whose path or headers cannot be sent as they are.
fn check_request(request: &Request) -> Result<(), Error> {
    crate::validate::request_path("path", &request.path)?;
    for (name, value) in request.headers.iter() {
        if !crate::validate::sendable_header(name, value) {
            crate::validate::header_name(name)?;
            crate::validate::header_value(name, value)?;
        }
    }
    Ok(())
}

/// Refuses a signed request when a header the authorizer set cannot be sent: a key id, token
/// or project id with a line break or another character HTTP does not carry. The caller's own
/// headers passed [`check_request`] (the first `checked` are known to be those), so a header
/// that fails here is the authorizer's.
fn check_signed_headers(signed: &Request, checked: usize) -> Result<(), Error> {
    for (name, value) in signed.headers.iter().skip(checked) {
        if !crate::validate::sendable_header(name, value) {
            return Err(Error::credentials(format!(
                "the credentials put a character that HTTP cannot carry into the `{}` header \
                 (a line break or another control character in a key id, token or project id?)",
                crate::redact::Escaped(name)
            )));
        }
    }
    Ok(())
}

/// Every header an authorizer declares it sets, and every header signing appended after the
/// request's own first `appended_from`, is a known secret or a known public header: one that is
/// neither (a new scheme's token, say) would print in clear in `Debug` output for want of being
/// listed. Checked in debug builds, on a call's first attempt, before anything is sent.
#[cfg(debug_assertions)]
fn check_declared_headers(
    signed: &Request,
    sets: &[&str],
    appended_from: usize,
) -> Result<(), Error> {
    let appended = signed
        .headers
        .iter()
        .skip(appended_from)
        .map(|(name, _)| name);
    for name in sets.iter().copied().chain(appended) {
        let known = crate::request::is_sensitive_header(name)
            || crate::sign::PUBLIC_HEADERS
                .iter()
                .any(|p| p.eq_ignore_ascii_case(name));
        if !known {
            return Err(Error::invalid_input(
                "authorizer",
                format!(
                    "sets the `{}` header, which is neither a secret header \
                     (cloudops_core::sign::SECRET_HEADERS) nor a public one \
                     (cloudops_core::sign::PUBLIC_HEADERS): list it where it belongs",
                    crate::redact::Escaped(name)
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(feature = "tracing")]
fn error_kind(e: &Error) -> &'static str {
    match e {
        Error::InvalidInput { .. } => "invalid_input",
        Error::Credentials { .. } => "credentials",
        Error::Certificate { .. } => "certificate",
        Error::Transport { .. } => "transport",
        Error::Timeout { .. } => "timeout",
        Error::ResponseTooLarge { .. } => "response_too_large",
        Error::Service(_) => "service",
        Error::Undecodable(_) => "undecodable",
        Error::Wait(_) => "wait",
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
