//! IAM password tokens: `POST /v3/auth/tokens`, the token in `X-Subject-Token`.

use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use cloudops_core::credentials::{ProvideToken, Token};
use cloudops_core::operation::parse_json;
use cloudops_core::time::UtcDateTime;
use cloudops_core::{
    Authorizer, CallOptions, Decoded, Endpoint, Error, Idempotency, Method, OperationSpec,
    Pipeline, Protocol, Request, SecretString,
};
use serde_json::{Value, json};

use crate::error::{HuaweiProtocol, VENDOR};

/// The token request as the pipeline sees it: issuing another token changes nothing, so it is
/// idempotent.
pub const SPEC: OperationSpec = OperationSpec::new(
    VENDOR,
    "KeystoneCreateUserTokenByPassword",
    Idempotency::Idempotent,
)
.with_secret_answer();

/// How long a token lives when the response does not say.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// An IAM user's password login, scoped to a project (by region name).
#[derive(Clone, Debug)]
pub struct IamPassword {
    /// The IAM user name.
    pub user: String,
    /// The password.
    pub password: SecretString,
    /// The account (domain) name.
    pub domain: String,
}

impl IamPassword {
    /// A password login.
    pub fn new(
        user: impl Into<String>,
        password: impl Into<SecretString>,
        domain: impl Into<String>,
    ) -> Self {
        IamPassword {
            user: user.into(),
            password: password.into(),
            domain: domain.into(),
        }
    }
}

/// Fetches tokens from IAM with a user's password. Wrap it in
/// [`cloudops_core::credentials::CachedTokenProvider`] (the client does) so a token is reused
/// until shortly before it expires.
#[derive(Debug)]
pub struct IamTokenProvider {
    endpoint: Endpoint,
    login: IamPassword,
    project: String,
    pipeline: Pipeline,
}

#[derive(Debug)]
struct NoAuth;

#[async_trait]
impl Authorizer for NoAuth {
    async fn authorize(&self, _: &mut Request, _: SystemTime) -> Result<(), Error> {
        Ok(())
    }
}

impl IamTokenProvider {
    /// A provider that logs `login` in at `endpoint`, scoped to the project named `project`
    /// (the region name, e.g. `cn-north-4`), sending through `pipeline`.
    pub fn new(
        endpoint: Endpoint,
        login: IamPassword,
        project: impl Into<String>,
        pipeline: Pipeline,
    ) -> Self {
        IamTokenProvider {
            endpoint,
            login,
            project: project.into(),
            pipeline,
        }
    }
}

#[async_trait]
impl ProvideToken for IamTokenProvider {
    async fn fetch_token(&self) -> Result<Token, Error> {
        let body = json!({"auth": {
            "identity": {
                "methods": ["password"],
                "password": {"user": {
                    "name": self.login.user,
                    "password": self.login.password.expose(),
                    "domain": {"name": self.login.domain},
                }},
            },
            "scope": {"project": {"name": self.project}},
        }});
        let bytes = serde_json::to_vec(&body)
            .map_err(|e| Error::invalid_input("iam_password", format!("cannot be encoded: {e}")))?;
        let request = Request::new(Method::Post, self.endpoint.clone(), "/v3/auth/tokens")
            .with_body("application/json;charset=utf8", bytes);
        // The token is a header; its expiry is in the body (parsed once), and a body without one
        // leaves the documented 24 hours.
        let decode = |spec: &OperationSpec, response: &mut cloudops_core::Response| {
            if !response.is_success() {
                // An error status is always the vendor's error.
                HuaweiProtocol::default().decode::<Value>(spec, response)?;
            }
            let expires_at = parse_json::<Value>(spec, response, "JSON")
                .ok()
                .and_then(|v| v["token"]["expires_at"].as_str().map(str::to_string));
            let token = response
                .headers
                .get("x-subject-token")
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .ok_or_else(|| {
                    Error::undecodable(
                        VENDOR,
                        SPEC.name,
                        response.status,
                        b"",
                        "no X-Subject-Token header in the IAM response",
                    )
                })?;
            Ok(Decoded::new(
                (token, expires_at),
                crate::error::request_id(response),
            ))
        };
        let (value, expires_at) = self
            .pipeline
            .call(&SPEC, request, &NoAuth, &CallOptions::default(), decode)
            .await?
            .output;
        let now = self.pipeline.clock().now();
        let expires_at = expires_at
            .as_deref()
            .and_then(UtcDateTime::parse_rfc3339)
            .and_then(|t| u64::try_from(t.to_unix()).ok())
            .map(|secs| SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
            .unwrap_or(now + TOKEN_LIFETIME);
        Ok(Token {
            value: SecretString::new(value),
            expires_at,
        })
    }
}
