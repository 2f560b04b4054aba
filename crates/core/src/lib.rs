//! The shared core of the cloudops SDK crates.
//!
//! One request's path:
//!
//! ```text
//! operation builder --validate--> Request
//!    --> Authorizer (credentials + a pure signer, re-run for every attempt)
//!    --> Transport (async trait; reqwest by default)
//!    --> Protocol (the vendor's envelope, parsed once -> typed output | service error)
//!    --> retry loop (backoff with full jitter, idempotency-aware, Retry-After honoured)
//! ```
//!
//! Vendor crates build a [`Request`], declare an [`OperationSpec`] (with its
//! [`Idempotency`]) and send both through a [`Service`]: a [`Pipeline`] with their
//! [`Authorizer`] and [`Protocol`] (see [`operation`] for the recipe). A [`Classifier`] with
//! [`Pipeline::send`] serves calls that want the raw response.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod credentials;
pub mod encoding;
mod envelope;
pub mod error;
pub mod files;
pub mod id;
pub mod multipart;
pub mod operation;
mod order;
pub mod paginate;
pub mod pipeline;
pub mod rate_limit;
pub mod redact;
pub mod request;
pub mod retry;
pub mod sign;
mod spec;
pub mod time;
mod trace;
pub mod transport;
pub mod validate;
pub mod waiter;

/// The attribute that implements the crates' async traits ([`ProvideCredentials`],
/// [`Transport`], ...) for a type of yours: `#[cloudops_core::async_trait]` (or the
/// vendor crate's re-export) on the `impl` block.
pub use async_trait::async_trait;
pub use credentials::{AccessKey, BasicAuth, Credentials, ProvideCredentials, SecretString};
pub use error::{
    CertificateProblem, Error, ErrorDetail, ServiceError, ServiceErrorKind, TimeoutPhase,
    UndecodableResponse, WaitEnd, WaitFailure,
};
pub use operation::{
    CallOptions, Decoded, Download, Language, Protocol, RawRequest, RequestId, Service,
};
pub use pipeline::{Authorizer, Classifier, ClientOptions, Idempotency, OperationSpec, Pipeline};
pub use rate_limit::RateLimiter;
pub use request::{Endpoint, Headers, Method, Request, Response};
pub use retry::RetryPolicy;
pub use time::{Clock, FixedClock, SystemClock};
pub use transport::{HttpTransport, Transport};

/// What every vendor crate re-exports (`pub use cloudops_core::common::*;`), so that a program
/// depending on one vendor crate alone can pass credentials, upload a [`FormFile`](crate::multipart::FormFile) and read a [`Download`], choose a transport, a clock and a
/// retry policy, set per-call options, match on errors, and implement every public trait
/// ([`ProvideCredentials`], [`ProvideToken`](credentials::ProvideToken), [`Transport`],
/// [`Clock`]) with the [`async_trait`](macro@async_trait) attribute, without naming
/// `cloudops-core`.
pub mod common {
    pub use crate::async_trait;
    pub use crate::credentials::{
        CachingProvider, CredentialsChain, EnvSource, EnvironmentProvider, Lookup, OnceProvider,
        ProfileFileProvider, ProvideCredentials, ProvideToken, StaticProvider, StaticToken, Token,
    };
    pub use crate::multipart::FormFile;
    pub use crate::time::Timestamp;
    pub use crate::transport::{HttpTransportBuilder, Proxy};
    pub use crate::waiter::{Poll, PollOutcome, PollSchedule, poll_until};
    pub use crate::{
        AccessKey, BasicAuth, CallOptions, CertificateProblem, ClientOptions, Clock, Credentials,
        Download, Endpoint, Error, ErrorDetail, FixedClock, Headers, HttpTransport, Language,
        Method, Request, RequestId, Response, Result, RetryPolicy, SecretString, ServiceError,
        ServiceErrorKind, SystemClock, TimeoutPhase, Transport, UndecodableResponse, WaitEnd,
        WaitFailure,
    };
}

/// The result type of every cloudops call.
pub type Result<T, E = Error> = std::result::Result<T, E>;
