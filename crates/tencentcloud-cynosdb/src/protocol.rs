//! Tencent Cloud API 3.0 on the wire: TC3 signing and the `{"Response": ...}` envelope.

use std::sync::Arc;
use std::time::SystemTime;

use async_trait::async_trait;
use cloudops_core::credentials::ProvideCredentials;
use cloudops_core::sign::tc3;
use cloudops_core::{
    Authorizer, Classifier, Error, OperationSpec, Request, Response, ServiceError,
};
use serde_json::Value;

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
}

#[async_trait]
impl Authorizer for Tc3Authorizer {
    async fn authorize(&self, request: &mut Request, now: SystemTime) -> Result<(), Error> {
        let key = self.credentials.provide().await?.into_access_key()?;
        tc3::sign(request, &key, SERVICE, now, self.signed_headers).apply(request);
        Ok(())
    }
}

/// Reads the Tencent envelope: HTTP 200 with either the action's fields or an `Error`.
pub(crate) struct EnvelopeClassifier;

fn response_object(body: &[u8]) -> Option<Value> {
    let v: Value = serde_json::from_slice(body).ok()?;
    match v {
        Value::Object(mut m) => m.remove("Response"),
        _ => None,
    }
}

impl Classifier for EnvelopeClassifier {
    fn classify(&self, op: &OperationSpec, r: &Response) -> Result<(), Error> {
        let Some(resp) = response_object(&r.body) else {
            let cause = if r.body.is_empty() {
                "empty body"
            } else {
                "not a Tencent Cloud API response (no \"Response\" object)"
            };
            return Err(Error::undecodable(
                op.vendor, op.name, r.status, &r.body, cause,
            ));
        };
        if let Some(err) = resp.get("Error") {
            let code = err
                .get("Code")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let mut e = ServiceError::new(op.vendor, op.name, r.status, classify(&code));
            e.code = (!code.is_empty()).then_some(code);
            e.message = err
                .get("Message")
                .and_then(Value::as_str)
                .map(str::to_string);
            e.request_id = resp
                .get("RequestId")
                .and_then(Value::as_str)
                .map(str::to_string);
            e = e.with_raw_body(&r.body);
            return Err(Error::Service(Box::new(e)));
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
        Ok(())
    }

    fn request_id(&self, r: &Response) -> Option<String> {
        response_object(&r.body)?
            .get("RequestId")?
            .as_str()
            .map(str::to_string)
    }
}

/// The `Response` object of a successful answer, decoded into `T`.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(
    op: &OperationSpec,
    r: &Response,
) -> Result<T, Error> {
    let resp = response_object(&r.body).ok_or_else(|| {
        Error::undecodable(
            op.vendor,
            op.name,
            r.status,
            &r.body,
            "no \"Response\" object",
        )
    })?;
    serde_json::from_value(resp).map_err(|e| {
        Error::undecodable(
            op.vendor,
            op.name,
            r.status,
            &r.body,
            format!("unexpected response shape: {e}"),
        )
    })
}
