//! Tencent Cloud API 3.0 on the wire: TC3 signing and the `{"Response": ...}` envelope.

use std::sync::Arc;
use std::time::SystemTime;

use async_trait::async_trait;
use cloudops_core::credentials::ProvideCredentials;
use cloudops_core::operation::parse_json_seed;
use cloudops_core::sign::tc3;
use cloudops_core::{
    Authorizer, Decoded, Error, OperationSpec, Protocol, Request, Response, ServiceError,
};
use serde::de::DeserializeOwned;

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
    fn sets_headers(&self) -> &'static [&'static str] {
        &["x-tc-timestamp", "x-tc-token", "authorization"]
    }

    fn authorize_now(&self, request: &mut Request, now: SystemTime) -> Option<Result<(), Error>> {
        let credentials = self.credentials.cached()?;
        Some(self.sign(request, &credentials, now))
    }

    async fn authorize(&self, request: &mut Request, now: SystemTime) -> Result<(), Error> {
        let credentials = cloudops_core::credentials::current(&*self.credentials).await?;
        self.sign(request, &credentials, now)
    }
}

impl Tc3Authorizer {
    fn sign(
        &self,
        request: &mut Request,
        credentials: &cloudops_core::Credentials,
        now: SystemTime,
    ) -> Result<(), Error> {
        let key = credentials.access_key()?;
        tc3::sign(request, key, self.service, now, self.signed_headers).apply(request);
        Ok(())
    }
}

/// Reads the Tencent envelope, `{"Response": {...}}`: HTTP 200 with either the action's
/// fields and `RequestId`, or an `Error` and `RequestId`. The body is parsed once, straight
/// into the output: `Error` and `RequestId` are taken out on the way (see [`envelope`]).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Tc3Protocol;

impl Protocol for Tc3Protocol {
    fn decode<T: DeserializeOwned>(
        &self,
        op: &OperationSpec,
        r: &Response,
    ) -> Result<Decoded<T>, Error> {
        let mut caught = envelope::Caught::default();
        let parsed = parse_json_seed(
            op,
            r,
            "a Tencent Cloud API response object",
            envelope::Outer::<T>::new(&mut caught),
        );
        // An error in the envelope is the answer, whatever else did not fit.
        if let Some(err) = caught.error {
            let code = err.code.unwrap_or_default();
            let mut e = ServiceError::new(op.vendor, op.name, r.status, classify(&code));
            e.code = (!code.is_empty()).then_some(code);
            e.message = err.message;
            e.request_id = caught.request_id;
            return Err(Error::Service(Box::new(e.with_raw_body(&r.body))));
        }
        let undecodable =
            |why: String| Error::undecodable(op.vendor, op.name, r.status, &r.body, why);
        match parsed? {
            None => Err(undecodable(
                "not a Tencent Cloud API response (no \"Response\" object)".to_string(),
            )),
            Some(_) if !r.is_success() => Err(undecodable(format!(
                "HTTP {} without an error in the envelope",
                r.status
            ))),
            Some(output) => Ok(Decoded::new(output, caught.request_id)),
        }
    }
}

/// The envelope read in one pass: the `Response` object's fields go to the output's own
/// deserializer ([`read_through`](cloudops_core::operation::read_through)), except that
/// `Error` is taken out and `RequestId` is kept as well as passed on.
mod envelope {
    use std::fmt;
    use std::marker::PhantomData;

    use cloudops_core::operation::{EnvelopeFields, ObjectKey, Scalar, Taken, read_through};
    use serde::Deserialize;
    use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

    /// `Error` as Tencent writes it.
    #[derive(Debug, Deserialize)]
    pub(super) struct ErrorBody {
        #[serde(rename = "Code")]
        pub(super) code: Option<String>,
        #[serde(rename = "Message")]
        pub(super) message: Option<String>,
    }

    /// What was taken out of the `Response` object, kept even when the output did not fit.
    #[derive(Debug, Default)]
    pub(super) struct Caught {
        pub(super) request_id: Option<String>,
        pub(super) error: Option<ErrorBody>,
    }

    impl<'de> EnvelopeFields<'de> for Caught {
        fn take<A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<Taken, A::Error> {
            Ok(match key {
                "Error" => {
                    self.error = Some(map.next_value()?);
                    Taken::Kept
                }
                "RequestId" => {
                    self.request_id = map.next_value()?;
                    Taken::PassOn(match &self.request_id {
                        Some(id) => Scalar::Text(id.clone()),
                        None => Scalar::Null,
                    })
                }
                _ => Taken::Other,
            })
        }
    }

    /// The outer object: `Some(output)` from `Response`, `None` when there is none.
    pub(super) struct Outer<'c, T> {
        caught: &'c mut Caught,
        output: PhantomData<T>,
    }

    impl<'c, T> Outer<'c, T> {
        pub(super) fn new(caught: &'c mut Caught) -> Self {
            Outer {
                caught,
                output: PhantomData,
            }
        }
    }

    impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Outer<'_, T> {
        type Value = Option<T>;

        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
            d.deserialize_map(self)
        }
    }

    impl<'de, T: Deserialize<'de>> Visitor<'de> for Outer<'_, T> {
        type Value = Option<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object with a \"Response\" object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<T>, A::Error> {
            let mut output = None;
            while let Some(key) = map.next_key::<ObjectKey<'de>>()? {
                if key.as_str() == "Response" && output.is_none() {
                    output = Some(map.next_value_seed(Inner {
                        caught: &mut *self.caught,
                        output: PhantomData::<T>,
                    })?);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(output)
        }
    }

    /// The `Response` object, handed to `T` through [`read_through`].
    struct Inner<'c, T> {
        caught: &'c mut Caught,
        output: PhantomData<T>,
    }

    impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Inner<'_, T> {
        type Value = T;

        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
            d.deserialize_map(self)
        }
    }

    impl<'de, T: Deserialize<'de>> Visitor<'de> for Inner<'_, T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a \"Response\" object")
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            read_through(map, self.caught)
        }
    }
}

#[cfg(test)]
mod tests {
    use cloudops_core::{Idempotency, ServiceErrorKind};
    use serde::Deserialize;

    use super::*;

    const OP: OperationSpec =
        OperationSpec::new(VENDOR, "PauseServerless", Idempotency::Idempotent);

    #[derive(Debug, Deserialize, PartialEq)]
    struct Out {
        #[serde(rename = "FlowId")]
        flow_id: i64,
        #[serde(rename = "RequestId")]
        request_id: String,
    }

    fn decode<T: DeserializeOwned>(status: u16, body: &str) -> Result<Decoded<T>, Error> {
        Tc3Protocol.decode(&OP, &Response::new(status, body))
    }

    #[test]
    fn the_output_and_the_request_id_come_from_one_pass() {
        let d: Decoded<Out> = decode(
            200,
            r#"{"Response": {"RequestId": "r-1", "FlowId": 7, "Extra": [1, {"a": null}]}}"#,
        )
        .unwrap();
        assert_eq!(d.request_id.as_deref(), Some("r-1"));
        assert_eq!(
            d.output,
            Out {
                flow_id: 7,
                request_id: "r-1".into()
            }
        );
        // Keys with escapes, and the request id last.
        let d: Decoded<Out> = decode(
            200,
            r#"{"Response": {"Flow\u0049d": 8, "Request\u0049d": "r-2"}}"#,
        )
        .unwrap();
        assert_eq!(d.output.flow_id, 8);
        assert_eq!(d.request_id.as_deref(), Some("r-2"));
        // An output that does not want the request id still gets the rest.
        let d: Decoded<serde_json::Value> =
            decode(200, r#"{"Response": {"A": 1, "RequestId": "r-3"}}"#).unwrap();
        assert_eq!(d.output["A"], 1);
        assert_eq!(d.output["RequestId"], "r-3");
    }

    #[test]
    fn an_error_is_the_answer_wherever_it_stands() {
        for body in [
            r#"{"Response": {"Error": {"Code": "ResourceNotFound", "Message": "no such cluster"}, "RequestId": "r-4"}}"#,
            r#"{"Response": {"RequestId": "r-4", "Error": {"Code": "ResourceNotFound", "Message": "no such cluster"}}}"#,
            // A field of the wrong type after it does not hide it (reading stops there, so
            // what follows such a field, in an answer no service sends, is not seen).
            r#"{"Response": {"RequestId": "r-4", "Error": {"Code": "ResourceNotFound", "Message": "no such cluster"}, "FlowId": "x"}}"#,
        ] {
            let e = decode::<Out>(200, body).unwrap_err();
            let se = e.service_error().unwrap_or_else(|| panic!("{body}: {e:?}"));
            assert_eq!(se.code.as_deref(), Some("ResourceNotFound"), "{body}");
            assert_eq!(se.message.as_deref(), Some("no such cluster"));
            assert_eq!(se.kind, ServiceErrorKind::NotFound);
            assert_eq!(e.request_id(), Some("r-4"), "{body}");
        }
    }

    #[test]
    fn what_is_not_an_envelope_is_undecodable() {
        for (status, body, says) in [
            (200, r#"{"Other": {}}"#, "no \"Response\" object"),
            (200, r#"{"Response": 5}"#, "unexpected response shape"),
            (
                200,
                r#"{"Response": {"FlowId": "x", "RequestId": "r"}}"#,
                "unexpected response shape",
            ),
            (200, r#"{"Response": {"RequestId": "r"}}"#, "FlowId"),
            (
                200,
                r#"{"Response": {"FlowId": 1, "RequestId": "r"}"#,
                "invalid JSON",
            ),
            (200, "", "empty body"),
            (
                502,
                "<html>bad gateway</html>",
                "HTTP 502 with a body that is not",
            ),
            (
                500,
                r#"{"Response": {"FlowId": 1, "RequestId": "r"}}"#,
                "HTTP 500 without an error",
            ),
        ] {
            let e = decode::<Out>(status, body).unwrap_err();
            assert!(matches!(e, Error::Undecodable(_)), "{body}: {e:?}");
            assert!(e.to_string().contains(says), "{body}: {e}");
        }
    }
}
