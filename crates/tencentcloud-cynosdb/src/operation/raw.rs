//! Any action, for what this crate does not model yet.

use cloudops_core::{CallOptions, Error, Idempotency, OperationSpec};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::protocol::VENDOR;

/// A call of any CynosDB 2019-01-07 action with a serializable input. Signing, error
/// decoding and retries are the same as for the modelled actions.
///
/// Raw actions are taken as **not idempotent** unless you say otherwise with
/// [`RawAction::idempotent`]: only throttling and failures before sending are retried.
///
/// ```no_run
/// # async fn demo(client: cloudops_tencentcloud_cynosdb::Client) -> Result<(), cloudops_tencentcloud_cynosdb::Error> {
/// let clusters: serde_json::Value = client
///     .action("DescribeClusters")
///     .idempotent(true)
///     .send(&serde_json::json!({"Limit": 10}))
///     .await?;
/// println!("{}", clusters["TotalCount"]);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send() is awaited"]
pub struct RawAction {
    client: Client,
    options: CallOptions,
    action: String,
    idempotency: Idempotency,
}

impl RawAction {
    pub(crate) fn new(client: Client, action: String) -> Self {
        RawAction {
            client,
            options: CallOptions::default(),
            action,
            idempotency: Idempotency::NonIdempotent,
        }
    }

    cloudops_core::call_option_setters!(options);

    /// Declares the action safe to send again after a failure that may have reached the
    /// server (reads are; most writes are not).
    pub fn idempotent(mut self, yes: bool) -> Self {
        self.idempotency = if yes {
            Idempotency::Idempotent
        } else {
            Idempotency::NonIdempotent
        };
        self
    }

    /// Sends `input` as the action's parameters and decodes the `Response` object (with its
    /// `RequestId`) into `O`: a `serde_json::Value` or your own type.
    pub async fn send<I: Serialize + ?Sized, O: DeserializeOwned + Send>(
        self,
        input: &I,
    ) -> Result<O, Error> {
        let valid =
            !self.action.is_empty() && self.action.bytes().all(|b| b.is_ascii_alphanumeric());
        if !valid {
            return Err(Error::invalid_input(
                "action",
                format!(
                    "must be a non-empty action name of letters and digits (got {:?})",
                    self.action
                ),
            ));
        }
        // Errors and traces name the operation `RawAction`; the action itself is in the
        // request's `X-TC-Action` header.
        let spec = OperationSpec::new(VENDOR, "RawAction", self.idempotency);
        self.client
            .invoke(&spec, self.action.clone().into(), input, &self.options)
            .await
    }
}
