//! `StopDbOmInstance`: `POST /v1/{project_id}/db-om/{instance_id}/stop`.

use cloudops_core::{
    CallOptions, Error, Idempotency, Method, OperationSpec, Request, RequestId, validate,
};
use serde::Deserialize;

use crate::client::Client;
use crate::endpoint::Service;
use crate::error::VENDOR;

/// The operation as the pipeline sees it. Stopping a stopped instance leaves it stopped, so it
/// is idempotent: retried after failures that may have reached the server.
pub const SPEC: OperationSpec =
    OperationSpec::new(VENDOR, "StopDbOmInstance", Idempotency::Idempotent);

/// What StopDbOmInstance returns.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct StopDbOmInstanceOutput {
    /// The operation result (`success`).
    pub result: String,
    /// The request id (`X-Request-Id`).
    #[serde(skip)]
    pub request_id: Option<String>,
}

/// A StopDbOmInstance call being built.
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until .send() is awaited"]
pub struct StopDbOmInstance {
    client: Client,
    options: CallOptions,
    instance_id: String,
    project_id: Option<String>,
}

impl StopDbOmInstance {
    pub(crate) fn new(client: Client, instance_id: String) -> Self {
        StopDbOmInstance {
            client,
            options: CallOptions::default(),
            instance_id,
            project_id: None,
        }
    }

    cloudops_core::call_option_setters!(options);

    /// The project id for this call (default: the client's).
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Validates the input and sends it.
    ///
    /// Errors: [`Error::InvalidInput`] when `project_id` or `instance_id` is not 32 to 64
    /// characters or would change the path (nothing sent).
    pub async fn send(self) -> Result<StopDbOmInstanceOutput, Error> {
        validate::length("instance_id", &self.instance_id, 32, 64)?;
        let instance = validate::encoded_segment("instance_id", &self.instance_id)?;
        let client = &self.client;
        // The project id may have to be asked of IAM: within the call's deadline.
        let request = async {
            let project_id = client.project_id(self.project_id.as_deref()).await?;
            validate::length("project_id", &project_id, 32, 64)?;
            let project = validate::encoded_segment("project_id", &project_id)?;
            let path = ["/v1/", &project, "/db-om/", &instance, "/stop"].concat();
            // No body, but JSON's content type, as the official client sends and signs it.
            Ok(
                Request::new(Method::Post, client.endpoint(Service::Dbss)?, path)
                    .with_static_header("content-type", "application/json")
                    .with_header("x-project-id", project_id),
            )
        };
        let decoded = client
            .engine()
            .call_prepared(&SPEC, &self.options, request)
            .await?;
        let mut out: StopDbOmInstanceOutput = decoded.output;
        out.request_id = decoded.request_id;
        Ok(out)
    }
}

impl RequestId for StopDbOmInstanceOutput {
    fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
}
