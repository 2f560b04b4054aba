//! Tencent Cloud API 3.0 on the wire: TC3 signing and the `{"Response": ...}` envelope.

use std::sync::Arc;
use std::time::SystemTime;

use async_trait::async_trait;
use cloudops_core::credentials::ProvideCredentials;
use cloudops_core::operation::{from_value, parse_json};
use cloudops_core::sign::tc3;
use cloudops_core::{
    Authorizer, Decoded, Error, OperationSpec, Protocol, Request, Response, ServiceError,
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::classify;

/// The vendor name errors and traces carry.
pub const VENDOR: &str = "tencentcloud";
/// The signing service name.
pub const SERVICE: &str = "cynosdb";
/// The API version.
pub const VERSION: &str = "2019-01-07";

/// Signs each attempt with TC3-HMAC-SHA256.
#[derive(Debug, Clone)]
pub(crate) struct Tc3Authorizer {
    pub(crate) credentials: Arc<dyn ProvideCredentials>,
    pub(crate) signed_headers: tc3::SignedHeaders,
    /// The signing service name (`cynosdb`, `sts`).
    pub(crate) service: &'static str,
}

#[async_trait]
impl Authorizer for Tc3Authorizer {
    async fn authorize(&self, request: &mut Request, now: SystemTime) -> Result<(), Error> {
        let credentials = self.credentials.provide_shared().await?;
        let key = credentials.access_key()?;
        tc3::sign(request, key, self.service, now, self.signed_headers).apply(request);
        Ok(())
    }
}

/// Reads the Tencent envelope, `{"Response": {...}}`: HTTP 200 with either the action's
/// fields and `RequestId`, or an `Error` and `RequestId`. The body is parsed once.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Tc3Protocol;

impl Protocol for Tc3Protocol {
    fn decode<T: DeserializeOwned>(
        &self,
        op: &OperationSpec,
        r: &Response,
    ) -> Result<Decoded<T>, Error> {
        let mut outer: Map<String, Value> =
            parse_json(op, r, "a Tencent Cloud API response object")?;
        let Some(Value::Object(resp)) = outer.remove("Response") else {
            return Err(Error::undecodable(
                op.vendor,
                op.name,
                r.status,
                &r.body,
                "not a Tencent Cloud API response (no \"Response\" object)",
            ));
        };
        let request_id = resp
            .get("RequestId")
            .and_then(Value::as_str)
            .map(str::to_string);
        if let Some(err) = resp.get("Error") {
            let code = err.get("Code").and_then(Value::as_str).unwrap_or("");
            let mut e = ServiceError::new(op.vendor, op.name, r.status, classify(code));
            e.code = (!code.is_empty()).then(|| code.to_string());
            e.message = err
                .get("Message")
                .and_then(Value::as_str)
                .map(str::to_string);
            e.request_id = request_id;
            return Err(Error::Service(Box::new(e.with_raw_body(&r.body))));
        }
        if !r.is_success() {
            return Err(Error::undecodable(
                op.vendor,
                op.name,
                r.status,
                &r.body,
                format!("HTTP {} without an error in the envelope", r.status),
            ));
        }
        let output = from_value(op, r, Value::Object(resp))?;
        Ok(Decoded::new(output, request_id))
    }
}
