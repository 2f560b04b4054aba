//! What the pipeline knows of an operation before it sends it: its name, whether it may be
//! sent twice ([`Idempotency`]), and how its requests are authorized ([`Authorizer`]). The
//! pipeline, the retry policy and the vendor recipe all read these; none of them defines them.

use std::fmt;
use std::time::SystemTime;

use async_trait::async_trait;

use crate::error::Error;
use crate::request::Request;

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
#[non_exhaustive]
pub struct OperationSpec {
    /// The vendor, as its crate names itself (`VENDOR`).
    pub vendor: &'static str,
    /// The operation's name as the vendor spells it.
    pub name: &'static str,
    /// Whether it may be sent again.
    pub idempotency: Idempotency,
    /// Whether its answers carry secrets (a credential endpoint's keys or tokens): an error
    /// then keeps no copy of the answer's body, not even redacted.
    pub secret_answer: bool,
}

impl OperationSpec {
    /// An operation of `vendor` named `name`.
    pub const fn new(vendor: &'static str, name: &'static str, idempotency: Idempotency) -> Self {
        OperationSpec {
            vendor,
            name,
            idempotency,
            secret_answer: false,
        }
    }

    /// The same operation, whose answers carry secrets ([`OperationSpec::secret_answer`]).
    pub const fn with_secret_answer(mut self) -> Self {
        self.secret_answer = true;
        self
    }
}

/// Adds authentication to a request: resolves credentials and runs a pure signer. Called
/// before every attempt, so every attempt carries a fresh signature and timestamp.
#[async_trait]
pub trait Authorizer: Send + Sync + fmt::Debug {
    /// Adds the authentication headers to `request`, signing at `now`. Only the headers may
    /// change: before each new attempt the pipeline puts back the headers the request had
    /// before it was first signed, and signs again.
    async fn authorize(&self, request: &mut Request, now: SystemTime) -> Result<(), Error>;

    /// Signs `request` at once when nothing needs to be waited for (the credentials are
    /// cached and fresh): `Some` with what [`authorize`](Authorizer::authorize) would return,
    /// without a future. `None` sends the pipeline to `authorize`. The default is `None`.
    fn authorize_now(&self, request: &mut Request, now: SystemTime) -> Option<Result<(), Error>> {
        let _ = (request, now);
        None
    }

    /// The names (lowercase) of the headers [`authorize`](Authorizer::authorize) sets, replacing
    /// a value the request already has; any other header it adds must be appended, and only
    /// when the request lacks it. A new attempt starts again from the request's own headers:
    /// when the request has none of these, the pipeline drops what signing appended rather
    /// than keeping a copy of every header. The default, none declared, keeps a copy.
    fn sets_headers(&self) -> &'static [&'static str] {
        &[]
    }

    /// Called once per call when the service rejected the authentication of `request`.
    /// Returns true when a new attempt may succeed (a cached token was dropped and will be
    /// fetched again). The default returns false.
    async fn on_rejected(&self, request: &Request) -> bool {
        let _ = request;
        false
    }
}
