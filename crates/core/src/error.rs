//! The one error type every cloudops call returns.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::redact::{Escaped, redact_secrets};

/// How long an excerpt of an undecodable body may be, in bytes.
pub const EXCERPT_LIMIT: usize = 512;

/// Everything that can go wrong in a call.
///
/// Match on the variant for the kind, or ask the accessors ([`Error::code`],
/// [`Error::message`], [`Error::request_id`], [`Error::http_status`], [`Error::is_retryable`])
/// without matching. `Display` always names the vendor code, message and request id when there
/// are any.
///
/// No form of an error prints a secret: server text is redacted of echoed tokens and
/// signatures when it is stored and again when it is printed, and `Display` escapes control
/// characters so a server cannot forge log lines.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Error {
    /// A value broke a documented rule; nothing was sent.
    InvalidInput {
        /// The field, as the SDK names it (`cluster_id`, `charge_info.period_num`, ...).
        field: String,
        /// The rule it broke, in words.
        rule: String,
    },
    /// No usable credentials; nothing was sent.
    Credentials {
        /// What was tried and why it failed.
        message: String,
    },
    /// The connection failed.
    Transport {
        /// What failed, the cause's chain included.
        message: String,
        /// False only when the request certainly did not leave this machine (e.g. connection
        /// refused); true when the server may have received it.
        may_have_been_sent: bool,
        /// Whether the retry policy considered it safe to send again.
        retryable: bool,
        /// The underlying error (the HTTP client's), when there is one.
        source: Option<Arc<dyn std::error::Error + Send + Sync>>,
    },
    /// The server's TLS certificate was refused; the request was not sent. Verification cannot
    /// be turned off: trust a private CA with the transport's `add_root_certificates_pem`.
    Certificate {
        /// What is wrong with the certificate.
        problem: CertificateProblem,
        /// The TLS library's words.
        message: String,
    },
    /// A time limit ran out.
    Timeout {
        /// Which limit.
        phase: TimeoutPhase,
        /// The limit.
        after: Duration,
        /// Whether the server may have received the request.
        may_have_been_sent: bool,
        /// Whether the retry policy considered it safe to send again.
        retryable: bool,
    },
    /// The response body was larger than the configured cap.
    ResponseTooLarge {
        /// The HTTP status of the response.
        status: u16,
        /// The configured limit in bytes.
        limit: usize,
    },
    /// The service answered with an error.
    Service(Box<ServiceError>),
    /// The service answered with something the SDK could not understand (an HTML page from a
    /// proxy, truncated JSON, an empty body).
    Undecodable(Box<UndecodableResponse>),
    /// A waiter stopped without success: what it waited for failed, or its deadline passed
    /// first. (An error of a poll itself ends the wait with that error instead.)
    Wait(Box<WaitFailure>),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidInput { field, rule } => write!(f, "invalid input: `{field}` {rule}"),
            Error::Credentials { message } => write!(f, "credentials: {message}"),
            Error::Transport {
                message,
                may_have_been_sent,
                ..
            } => {
                let sent = if *may_have_been_sent {
                    "the request may have reached the server"
                } else {
                    "the request was not sent"
                };
                write!(f, "transport error ({sent}): {message}")
            }
            Error::Certificate { problem, message } => {
                write!(f, "TLS certificate refused ({problem}): {message}")
            }
            Error::Timeout { phase, after, .. } => write!(f, "timed out after {after:?} ({phase})"),
            Error::ResponseTooLarge { status, limit } => write!(
                f,
                "response body exceeds the {limit}-byte limit (HTTP {status})"
            ),
            Error::Service(e) => fmt::Display::fmt(e, f),
            Error::Undecodable(e) => fmt::Display::fmt(e, f),
            Error::Wait(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl std::error::Error for Error {
    /// The HTTP client's error under a transport error; nothing under the others.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport {
                source: Some(source),
                ..
            } => Some(&**source),
            _ => None,
        }
    }
}

/// How a wait ended without success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitEnd {
    /// What was waited for ended in failure.
    Failed,
    /// The deadline passed while it was still under way.
    TimedOut {
        /// The waiter's timeout.
        after: Duration,
    },
}

/// What an [`Error::Wait`] knows: what was waited for, how it ended, the last state seen and
/// the last answer itself.
#[derive(Clone)]
#[non_exhaustive]
pub struct WaitFailure {
    /// The vendor.
    pub vendor: &'static str,
    /// What was waited for, in words (`flow 9056`, `task 2000001`).
    pub subject: String,
    /// How the wait ended.
    pub end: WaitEnd,
    /// The last state a poll saw, in words (`failed`, `RUNNING`).
    pub last_state: String,
    /// How many polls ran.
    pub polls: u32,
    /// The request id of the last poll.
    pub request_id: Option<String>,
    /// The last poll's answer, as the vendor crate typed it.
    last: Option<Arc<dyn std::any::Any + Send + Sync>>,
}

impl WaitFailure {
    /// A failure of the wait for `subject`, whose last poll saw `last_state`.
    pub fn new(
        vendor: &'static str,
        subject: impl Into<String>,
        end: WaitEnd,
        last_state: impl Into<String>,
        polls: u32,
    ) -> Self {
        WaitFailure {
            vendor,
            subject: subject.into(),
            end,
            last_state: last_state.into(),
            polls,
            request_id: None,
            last: None,
        }
    }

    /// With the request id of the last poll.
    pub fn with_request_id(mut self, request_id: Option<String>) -> Self {
        self.request_id = request_id;
        self
    }

    /// With the last poll's answer, for [`WaitFailure::last`].
    pub fn with_last<T: std::any::Any + Send + Sync>(mut self, answer: T) -> Self {
        self.last = Some(Arc::new(answer));
        self
    }

    /// The last poll's answer, when it is a `T` (the vendor crate's waiter says which).
    pub fn last<T: std::any::Any>(&self) -> Option<&T> {
        self.last.as_deref().and_then(|a| a.downcast_ref())
    }
}

impl fmt::Debug for WaitFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitFailure")
            .field("vendor", &self.vendor)
            .field("subject", &self.subject)
            .field("end", &self.end)
            .field("last_state", &Redacted(&self.last_state))
            .field("polls", &self.polls)
            .field("request_id", &self.request_id.as_deref().map(Redacted))
            .finish_non_exhaustive()
    }
}

impl fmt::Display for WaitFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ", self.vendor, self.subject)?;
        match self.end {
            WaitEnd::Failed => f.write_str("failed")?,
            WaitEnd::TimedOut { after } => write!(f, "did not finish within {after:?}")?,
        }
        f.write_str(" (last status ")?;
        write_server_text(f, &self.last_state)?;
        write!(
            f,
            " after {} poll{}",
            self.polls,
            if self.polls == 1 { "" } else { "s" }
        )?;
        if let Some(r) = &self.request_id {
            f.write_str(", request id ")?;
            write_server_text(f, r)?;
        }
        f.write_str(")")
    }
}

/// What is wrong with a server's certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertificateProblem {
    /// Not signed by a trusted authority (a private CA not added, or self-signed).
    UnknownIssuer,
    /// Not valid for the host name the request went to.
    NameMismatch,
    /// Past its validity period.
    Expired,
    /// Before its validity period.
    NotYetValid,
    /// Anything else the verifier refused.
    Other,
}

impl fmt::Display for CertificateProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CertificateProblem::UnknownIssuer => "unknown issuer",
            CertificateProblem::NameMismatch => "name mismatch",
            CertificateProblem::Expired => "expired",
            CertificateProblem::NotYetValid => "not yet valid",
            CertificateProblem::Other => "refused",
        })
    }
}

/// Which time limit ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutPhase {
    /// Establishing the connection.
    Connect,
    /// One attempt (sending the request and reading the response).
    Attempt,
    /// The whole operation, retries included.
    Operation,
    /// The retry policy's total budget, measured from the first attempt.
    RetryBudget,
}

impl fmt::Display for TimeoutPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutPhase::Connect => "connect timeout",
            TimeoutPhase::Attempt => "attempt timeout",
            TimeoutPhase::Operation => "operation timeout",
            TimeoutPhase::RetryBudget => "retry budget",
        })
    }
}

/// The kind of a service error, as the vendor's classifier sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServiceErrorKind {
    /// Bad, expired or missing signature, token or key.
    Authentication,
    /// Authenticated but not allowed.
    PermissionDenied,
    /// Rate limited; the request was rejected before it was processed.
    Throttling,
    /// The resource does not exist.
    NotFound,
    /// The resource is in a state that does not allow the operation.
    Conflict,
    /// The request was refused as invalid.
    InvalidRequest,
    /// A server-side failure that may be transient.
    Server,
    /// Anything else.
    Other,
}

impl fmt::Display for ServiceErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ServiceErrorKind::Authentication => "authentication",
            ServiceErrorKind::PermissionDenied => "permission denied",
            ServiceErrorKind::Throttling => "throttling",
            ServiceErrorKind::NotFound => "not found",
            ServiceErrorKind::Conflict => "conflict",
            ServiceErrorKind::InvalidRequest => "invalid request",
            ServiceErrorKind::Server => "server",
            ServiceErrorKind::Other => "other",
        })
    }
}

/// One item of an error's detail list (an envelope's `details[]` or `subErrors[]`).
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorDetail {
    /// A code, when the item has one.
    pub code: Option<String>,
    /// The message.
    pub message: Option<String>,
    /// The field or object the item is about, when it names one.
    pub target: Option<String>,
}

impl ErrorDetail {
    /// A detail item.
    pub fn new(code: Option<String>, message: Option<String>, target: Option<String>) -> Self {
        ErrorDetail {
            code,
            message,
            target,
        }
    }

    fn redact(&mut self) {
        for field in [&mut self.code, &mut self.message, &mut self.target]
            .into_iter()
            .flatten()
        {
            redact_in_place(field);
        }
    }
}

impl fmt::Debug for ErrorDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ErrorDetail")
            .field("code", &self.code.as_deref().map(Redacted))
            .field("message", &self.message.as_deref().map(Redacted))
            .field("target", &self.target.as_deref().map(Redacted))
            .finish()
    }
}

/// Prints a string through [`redact_secrets`], quoted as `Debug` quotes it.
struct Redacted<'a>(&'a str);

impl fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*redact_secrets(self.0), f)
    }
}

fn redact_in_place(s: &mut String) {
    if let std::borrow::Cow::Owned(r) = redact_secrets(s) {
        *s = r;
    }
}

/// An error the service answered with.
///
/// Its text fields are what the server sent, with echoed secrets replaced by `***`; its
/// `Debug` output redacts again, so a value set by hand is safe to print too.
#[derive(Clone)]
#[non_exhaustive]
pub struct ServiceError {
    /// The vendor, as its crate names itself (`VENDOR`).
    pub vendor: &'static str,
    /// The operation (`PauseServerless`, ...).
    pub operation: &'static str,
    /// The HTTP status (200 for envelopes that carry errors in a 200).
    pub status: u16,
    /// The vendor's error code.
    pub code: Option<String>,
    /// The vendor's message.
    pub message: Option<String>,
    /// The request id the vendor assigned.
    pub request_id: Option<String>,
    /// The classification.
    pub kind: ServiceErrorKind,
    /// Detail items, when the envelope carries them.
    pub details: Vec<ErrorDetail>,
    /// Other named values from the envelope worth keeping (an encoded authorization message,
    /// say).
    pub extra: Vec<(String, String)>,
    /// How long the server asked the client to wait (`Retry-After`).
    pub retry_after: Option<Duration>,
    /// The server's clock when it answered (its `Date` header), in seconds since the Unix
    /// epoch.
    pub server_time: Option<i64>,
    /// Whether the retry policy considered it safe to send again.
    pub retryable: bool,
    /// The response body as text, with echoed secrets replaced by `***`.
    pub raw_body: String,
}

impl ServiceError {
    /// A service error with the given status and kind and nothing else.
    pub fn new(
        vendor: &'static str,
        operation: &'static str,
        status: u16,
        kind: ServiceErrorKind,
    ) -> Self {
        ServiceError {
            vendor,
            operation,
            status,
            code: None,
            message: None,
            request_id: None,
            kind,
            details: Vec::new(),
            extra: Vec::new(),
            retry_after: None,
            server_time: None,
            retryable: false,
            raw_body: String::new(),
        }
    }

    /// Keeps `body` as [`ServiceError::raw_body`], lossily decoded and redacted.
    pub fn with_raw_body(mut self, body: &[u8]) -> Self {
        self.raw_body = redact_secrets(&String::from_utf8_lossy(body)).into_owned();
        self
    }

    /// Replaces every echoed secret in the stored server text with `***`.
    pub fn redact(&mut self) {
        for field in [&mut self.code, &mut self.message, &mut self.request_id]
            .into_iter()
            .flatten()
        {
            redact_in_place(field);
        }
        redact_in_place(&mut self.raw_body);
        for (_, v) in &mut self.extra {
            redact_in_place(v);
        }
        for d in &mut self.details {
            d.redact();
        }
    }

    /// The value of an `extra` entry.
    pub fn extra(&self, name: &str) -> Option<&str> {
        self.extra
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let extra: Vec<(&str, Redacted<'_>)> = self
            .extra
            .iter()
            .map(|(n, v)| (n.as_str(), Redacted(v)))
            .collect();
        f.debug_struct("ServiceError")
            .field("vendor", &self.vendor)
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("code", &self.code.as_deref().map(Redacted))
            .field("message", &self.message.as_deref().map(Redacted))
            .field("request_id", &self.request_id.as_deref().map(Redacted))
            .field("kind", &self.kind)
            .field("details", &self.details)
            .field("extra", &extra)
            .field("retry_after", &self.retry_after)
            .field("server_time", &self.server_time)
            .field("retryable", &self.retryable)
            .field("raw_body", &Redacted(&self.raw_body))
            .finish()
    }
}

/// Writes server text redacted and with control characters escaped.
fn write_server_text(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    write!(f, "{}", Escaped(&redact_secrets(text)))
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} failed with HTTP {} ({})",
            self.vendor, self.operation, self.status, self.kind
        )?;
        if let Some(code) = &self.code {
            f.write_str(", code ")?;
            write_server_text(f, code)?;
        }
        if let Some(m) = &self.message {
            f.write_str(": ")?;
            write_server_text(f, m)?;
        }
        if let Some(r) = &self.request_id {
            f.write_str(" (request id ")?;
            write_server_text(f, r)?;
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// A response the SDK could not decode.
#[derive(Clone)]
#[non_exhaustive]
pub struct UndecodableResponse {
    /// The vendor.
    pub vendor: &'static str,
    /// The operation.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// The start of the body, at most [`EXCERPT_LIMIT`] bytes, lossily decoded, with echoed
    /// secrets replaced by `***`.
    pub excerpt: String,
    /// Why it could not be decoded.
    pub cause: String,
    /// The request id, when a header carried one.
    pub request_id: Option<String>,
    /// Whether the retry policy considered it safe to send again.
    pub retryable: bool,
}

impl UndecodableResponse {
    /// Replaces every echoed secret in the stored server text with `***`.
    pub fn redact(&mut self) {
        redact_in_place(&mut self.excerpt);
        redact_in_place(&mut self.cause);
        if let Some(r) = &mut self.request_id {
            redact_in_place(r);
        }
    }
}

impl fmt::Debug for UndecodableResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UndecodableResponse")
            .field("vendor", &self.vendor)
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("excerpt", &Redacted(&self.excerpt))
            .field("cause", &Redacted(&self.cause))
            .field("request_id", &self.request_id.as_deref().map(Redacted))
            .field("retryable", &self.retryable)
            .finish()
    }
}

impl fmt::Display for UndecodableResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} returned an undecodable response (HTTP {}): ",
            self.vendor, self.operation, self.status
        )?;
        write_server_text(f, &self.cause)?;
        if let Some(r) = &self.request_id {
            f.write_str(" (request id ")?;
            write_server_text(f, r)?;
            f.write_str(")")?;
        }
        if self.excerpt.is_empty() {
            return Ok(());
        }
        write!(f, "; body starts {:?}", redact_secrets(&self.excerpt))
    }
}

/// The first [`EXCERPT_LIMIT`] bytes of `body`, cut at a character boundary, with echoed
/// secrets replaced by `***` (the whole body is redacted before it is cut, so a secret that
/// straddles the cut is not half kept).
pub fn excerpt(body: &[u8]) -> String {
    // The excerpt is cut from the redacted text; the first four times the limit is plenty.
    let text = String::from_utf8_lossy(&body[..body.len().min(EXCERPT_LIMIT * 4)]);
    let redacted = redact_secrets(&text);
    let mut end = redacted.len().min(EXCERPT_LIMIT);
    while !redacted.is_char_boundary(end) {
        end -= 1;
    }
    redacted[..end].trim_end_matches('\u{fffd}').to_string()
}

impl Error {
    /// An invalid-input error for `field` breaking `rule`.
    pub fn invalid_input(field: impl Into<String>, rule: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            rule: rule.into(),
        }
    }

    /// A transport error without an underlying cause.
    pub fn transport(message: impl Into<String>, may_have_been_sent: bool) -> Self {
        Error::Transport {
            message: message.into(),
            may_have_been_sent,
            retryable: false,
            source: None,
        }
    }

    /// A transport error caused by `source`.
    pub fn transport_caused_by(
        message: impl Into<String>,
        may_have_been_sent: bool,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::Transport {
            message: message.into(),
            may_have_been_sent,
            retryable: false,
            source: Some(Arc::new(source)),
        }
    }

    /// A credentials error.
    pub fn credentials(message: impl Into<String>) -> Self {
        Error::Credentials {
            message: message.into(),
        }
    }

    /// An undecodable-response error.
    pub fn undecodable(
        vendor: &'static str,
        operation: &'static str,
        status: u16,
        body: &[u8],
        cause: impl Into<String>,
    ) -> Self {
        Error::Undecodable(Box::new(UndecodableResponse {
            vendor,
            operation,
            status,
            excerpt: excerpt(body),
            cause: cause.into(),
            request_id: None,
            retryable: false,
        }))
    }

    /// The vendor's error code, for service errors.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Service(e) => e.code.as_deref(),
            _ => None,
        }
    }

    /// The vendor's message, for service errors.
    pub fn message(&self) -> Option<&str> {
        match self {
            Error::Service(e) => e.message.as_deref(),
            _ => None,
        }
    }

    /// The vendor's request id, when the response carried one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Service(e) => e.request_id.as_deref(),
            Error::Undecodable(e) => e.request_id.as_deref(),
            Error::Wait(e) => e.request_id.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status, when a response arrived.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Service(e) => Some(e.status),
            Error::Undecodable(e) => Some(e.status),
            Error::ResponseTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The service error, if this is one.
    pub fn service_error(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(e) => Some(e),
            _ => None,
        }
    }

    /// The service error's kind, if this is one.
    pub fn service_kind(&self) -> Option<ServiceErrorKind> {
        self.service_error().map(|e| e.kind)
    }

    /// The waiter's failure, if this is one.
    pub fn wait_failure(&self) -> Option<&WaitFailure> {
        match self {
            Error::Wait(w) => Some(w),
            _ => None,
        }
    }

    /// The field named by an invalid-input error.
    pub fn invalid_field(&self) -> Option<&str> {
        match self {
            Error::InvalidInput { field, .. } => Some(field),
            _ => None,
        }
    }

    /// Whether the SDK's retry policy judged this error safe to retry for the operation that
    /// produced it. (It is false for every error the policy had no say in.)
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { retryable, .. } | Error::Timeout { retryable, .. } => *retryable,
            Error::Service(e) => e.retryable,
            Error::Undecodable(e) => e.retryable,
            _ => false,
        }
    }

    /// Whether the request may have reached the server.
    pub fn may_have_been_sent(&self) -> bool {
        match self {
            Error::InvalidInput { .. } | Error::Credentials { .. } | Error::Certificate { .. } => {
                false
            }
            Error::Transport {
                may_have_been_sent, ..
            }
            | Error::Timeout {
                may_have_been_sent, ..
            } => *may_have_been_sent,
            _ => true,
        }
    }

    /// Replaces every echoed secret in the server text this error keeps with `***`.
    pub fn redact(&mut self) {
        match self {
            Error::Service(e) => e.redact(),
            Error::Undecodable(e) => e.redact(),
            _ => {}
        }
    }

    /// Drops every copy of the server's answer this error keeps (a body's text or excerpt,
    /// and a decoder's words about it, which may quote a value): for the answers of
    /// credential endpoints, whose secrets may go by names no redaction knows.
    pub fn forget_answer(&mut self) {
        match self {
            Error::Service(e) => e.raw_body.clear(),
            Error::Undecodable(e) => {
                e.excerpt.clear();
                e.cause = "the answer is not what was expected (it carries secrets, so it is \
                           not shown)"
                    .to_string();
            }
            _ => {}
        }
    }

    pub(crate) fn set_retryable(&mut self, value: bool) {
        match self {
            Error::Transport { retryable, .. } | Error::Timeout { retryable, .. } => {
                *retryable = value
            }
            Error::Service(e) => e.retryable = value,
            Error::Undecodable(e) => e.retryable = value,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_displays_its_words_and_only_a_transport_error_has_a_source() {
        use std::error::Error as _;
        let cause = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let transport = Error::transport_caused_by("connect failed", false, cause);
        assert_eq!(
            transport.to_string(),
            "transport error (the request was not sent): connect failed"
        );
        assert_eq!(
            transport.source().map(|s| s.to_string()).as_deref(),
            Some("refused")
        );
        let input = Error::invalid_input("cluster_id", "must not be empty");
        assert_eq!(
            input.to_string(),
            "invalid input: `cluster_id` must not be empty"
        );
        assert!(input.source().is_none());
        let sent = Error::transport("reset", true);
        assert_eq!(
            sent.to_string(),
            "transport error (the request may have reached the server): reset"
        );
        assert!(sent.source().is_none());
        let big = Error::ResponseTooLarge {
            status: 200,
            limit: 10,
        };
        assert_eq!(
            big.to_string(),
            "response body exceeds the 10-byte limit (HTTP 200)"
        );
    }

    #[test]
    fn display_names_code_message_and_request_id() {
        let mut e = ServiceError::new(
            "examplecloud",
            "PauseServerless",
            200,
            ServiceErrorKind::Conflict,
        );
        e.code = Some("OperationDenied.ServerlessClusterStatusDenied".into());
        e.message = Some("cluster paused".into());
        e.request_id = Some("rid-1".into());
        let s = Error::Service(Box::new(e)).to_string();
        assert!(
            s.contains("OperationDenied.ServerlessClusterStatusDenied"),
            "{s}"
        );
        assert!(s.contains("cluster paused") && s.contains("rid-1"), "{s}");
    }

    #[test]
    fn excerpt_is_bounded_and_char_safe() {
        let body = "é".repeat(400);
        let x = excerpt(body.as_bytes());
        assert!(x.len() <= EXCERPT_LIMIT);
        assert!(x.chars().all(|c| c == 'é'));
    }

    #[test]
    fn invalid_input_names_field_and_rule() {
        let e = Error::invalid_input("num", "must be between 1 and 10 (got 11)");
        assert_eq!(
            e.to_string(),
            "invalid input: `num` must be between 1 and 10 (got 11)"
        );
        assert!(!e.may_have_been_sent());
    }
}
