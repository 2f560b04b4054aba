//! `BatchBackupInstances`: `POST /v1/instances/backup`.
//!
//! The page contradicts itself: its parameter table says the body is
//! `{"instance_ids": [...]}` (1 to 100 ids, each at most 32 characters) while its example shows
//! `{"user_id": .., "instance_id": ..}`. This crate follows the parameter table, the
//! normative part of the page.

use cloudops_core::{
    CallOptions, Error, Idempotency, Method, OperationSpec, Request, RequestId, validate,
};
use serde::{Deserialize, Deserializer, Serialize};

use crate::client::Client;
use crate::endpoint::Service;
use crate::error::{HuaweiProtocol, VENDOR};

/// The operation as the pipeline sees it. Each call carries an `x-request-id` that stays the
/// same across its retries, so the service can recognise a repeat; backing up instances whose
/// data is already backed up changes nothing more. Retried like an idempotent operation.
pub const SPEC: OperationSpec =
    OperationSpec::new(VENDOR, "BatchBackupInstances", Idempotency::Idempotent);

fn string_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Ok(s),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!(
            "expected a string or a number, got {other}"
        ))),
    }
}

/// One backup job.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct CmdJob {
    /// The instance.
    #[serde(deserialize_with = "string_or_number")]
    pub instance_id: String,
    /// The job backing it up.
    #[serde(deserialize_with = "string_or_number")]
    pub job_id: String,
}

/// The task the backups run in.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct BackupData {
    /// The task id.
    #[serde(deserialize_with = "string_or_number")]
    pub task_id: String,
    /// One job per instance.
    #[serde(default)]
    pub cmd_jobs: Vec<CmdJob>,
}

/// What BatchBackupInstances returns on success (`error_code` `"0"`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct BatchBackupInstancesOutput {
    /// `"0"`.
    pub error_code: String,
    /// The service's message (`OK`).
    pub error_msg: String,
    /// The task and its jobs, when the service returns them.
    #[serde(default)]
    pub data: Option<BackupData>,
    /// The `x-request-id` this call chose and sent (the same on every retry).
    #[serde(skip)]
    pub client_request_id: String,
    /// The server's request id (`X-Request-Id` of the answer).
    #[serde(skip)]
    pub request_id: Option<String>,
}

#[derive(Debug, Serialize)]
struct Input<'a> {
    instance_ids: &'a [String],
}

/// A BatchBackupInstances call being built.
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send() is awaited"]
pub struct BatchBackupInstances {
    client: Client,
    options: CallOptions,
    instance_ids: Vec<String>,
    client_request_id: Option<String>,
}

impl BatchBackupInstances {
    pub(crate) fn new(client: Client, instance_ids: Vec<String>) -> Self {
        BatchBackupInstances {
            client,
            options: CallOptions::default(),
            instance_ids,
            client_request_id: None,
        }
    }

    cloudops_core::call_option_setters!(options);

    /// The `x-request-id` to send (default: a new random UUID per call). It is the same on
    /// every retry of the call, and kept in the output as `client_request_id`.
    pub fn client_request_id(mut self, id: impl Into<String>) -> Self {
        self.client_request_id = Some(id.into());
        self
    }

    /// Validates the input and sends it.
    ///
    /// Errors: [`Error::InvalidInput`] for no ids, more than 100, an id longer than 32
    /// characters or empty, a repeated id, or a bad request id (nothing sent). A 200 answer
    /// whose `error_code` is not `"0"` is a service error with that code (see
    /// [`crate::KooPhoneErrorCode`]).
    pub async fn send(self) -> Result<BatchBackupInstancesOutput, Error> {
        validate::count("instance_ids", self.instance_ids.len(), 1, 100)?;
        for (i, id) in self.instance_ids.iter().enumerate() {
            validate::length(&format!("instance_ids[{i}]"), id, 1, 32)?;
        }
        validate::unique("instance_ids", &self.instance_ids)?;
        let client_request_id = self
            .client_request_id
            .unwrap_or_else(cloudops_core::id::uuid_v4);
        validate::non_empty("client_request_id", &client_request_id)?;
        validate::header_value("client_request_id", &client_request_id)?;
        let body = serde_json::to_vec(&Input {
            instance_ids: &self.instance_ids,
        })
        .map_err(|e| Error::invalid_input("instance_ids", format!("cannot be encoded: {e}")))?;
        let request = Request::new(
            Method::Post,
            self.client.endpoint(Service::KooPhone)?,
            "/v1/instances/backup",
        )
        .with_body("application/json", body)
        .with_header("x-request-id", client_request_id.clone());
        // KooPhone reports failures in a 200 body's error_code.
        let engine = self
            .client
            .engine()
            .with_protocol(HuaweiProtocol::with_body_error_code());
        let decoded = engine.call(&SPEC, request, &self.options).await?;
        let mut out: BatchBackupInstancesOutput = decoded.output;
        out.client_request_id = client_request_id;
        out.request_id = decoded.request_id;
        Ok(out)
    }
}

impl RequestId for BatchBackupInstancesOutput {
    fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}
