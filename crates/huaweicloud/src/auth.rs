//! The two ways Huawei's gateway accepts: AK/SK signing and `X-Auth-Token`.
//!
//! Each is an authorizer of its own. The token one, with its cache and refresh task, is built
//! only by [`token_auth`], which the builder reaches through the token setters alone: a
//! program that signs with AK/SK links none of it.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use cloudops_core::credentials::{
    CachedTokenProvider, ProvideCredentials, ProvideToken, StaticToken,
};
use cloudops_core::sign::huawei;
use cloudops_core::{Authorizer, Clock, Endpoint, Error, Pipeline, Request, SecretString};

use crate::credentials::ProjectScoped;
use crate::iam::IamPassword;

/// SDK-HMAC-SHA256 with an access key, adding `X-Security-Token` for temporary credentials.
#[derive(Debug)]
pub(crate) struct AkSkAuthorizer(pub(crate) Arc<dyn ProvideCredentials>);

#[async_trait]
impl Authorizer for AkSkAuthorizer {
    fn sets_headers(&self) -> &'static [&'static str] {
        // `X-Project-Id` is appended only when the request has none, never replaced.
        &["x-sdk-date", "x-security-token", "authorization"]
    }

    fn authorize_now(&self, request: &mut Request, now: SystemTime) -> Option<Result<(), Error>> {
        let credentials = self.0.cached()?;
        Some(sign_aksk(request, &credentials, now))
    }

    async fn authorize(&self, request: &mut Request, now: SystemTime) -> Result<(), Error> {
        let credentials = cloudops_core::credentials::current(&*self.0).await?;
        sign_aksk(request, &credentials, now)
    }
}

/// Signs `request` with the access key `credentials` hold.
fn sign_aksk(
    request: &mut Request,
    credentials: &cloudops_core::Credentials,
    now: SystemTime,
) -> Result<(), Error> {
    let key = credentials.access_key()?;
    // The official SDK sends and signs the credentials' project id; a project-scoped
    // operation has already set the one its path names.
    if let Some(project) = key.project_id()
        && !request.headers.contains("x-project-id")
    {
        request.headers.set("x-project-id", project.to_string());
    }
    huawei::sign(request, key, now).apply(request);
    Ok(())
}

/// Where a token comes from, as the builder's token setters chose.
#[derive(Debug)]
pub(crate) enum TokenSource {
    /// A fixed token: sent as is, never replaced.
    Fixed(SecretString),
    /// Any token provider.
    Provider(Arc<dyn ProvideToken>),
    /// An IAM password login, and what turns it into a token provider. The IAM client is
    /// reached only through this function, set by `iam_password`, so a program that never
    /// logs in with a password links none of it.
    IamPassword(IamPassword, IamLogin),
}

/// Makes the token provider of an IAM password login: endpoint, login, project, pipeline.
pub(crate) type IamLogin = fn(Endpoint, IamPassword, String, Pipeline) -> Arc<dyn ProvideToken>;

/// What a token authorizer is built with, beside its source.
pub(crate) struct TokenContext<'a> {
    /// The IAM endpoint, for a password login.
    pub(crate) iam: &'a dyn Fn() -> Result<Endpoint, Error>,
    pub(crate) region: &'a str,
    pub(crate) pipeline: &'a Pipeline,
    pub(crate) refresh_before: Duration,
    pub(crate) clock: Arc<dyn Clock>,
}

/// Builds the token authorizer of a [`TokenSource`]; set by the token setters.
pub(crate) type MakeTokenAuth = fn(TokenSource, TokenContext<'_>) -> Result<TokenAuth, Error>;

/// A token authorizer, seen through `dyn` so that naming it links none of its code.
pub(crate) struct TokenAuth {
    pub(crate) authorizer: Arc<dyn Authorizer>,
    pub(crate) fetches: Arc<dyn FetchCount>,
}

/// How many tokens a token authorizer has fetched.
pub(crate) trait FetchCount: Send + Sync + std::fmt::Debug {
    fn fetch_count(&self) -> u64;
}

impl FetchCount for TokenAuthorizer {
    fn fetch_count(&self) -> u64 {
        self.cache.fetch_count()
    }
}

/// `X-Auth-Token` from a cached token source.
#[derive(Debug)]
struct TokenAuthorizer {
    cache: CachedTokenProvider<Arc<dyn ProvideToken>>,
    /// Whether a rejected token can be replaced by fetching again (false for a fixed token).
    refreshable: bool,
}

/// The token authorizer of `source`: cached, refreshed `refresh_before` expiry.
pub(crate) fn token_auth(
    source: TokenSource,
    context: TokenContext<'_>,
) -> Result<TokenAuth, Error> {
    let (provider, refreshable): (Arc<dyn ProvideToken>, bool) = match source {
        TokenSource::Fixed(token) => (Arc::new(StaticToken(token)), false),
        TokenSource::Provider(p) => (p, true),
        TokenSource::IamPassword(login, make) => (
            make(
                (context.iam)()?,
                login,
                context.region.to_string(),
                context.pipeline.clone(),
            ),
            true,
        ),
    };
    let authorizer = Arc::new(TokenAuthorizer {
        cache: CachedTokenProvider::new(provider)
            .refresh_before(context.refresh_before)
            .with_clock(context.clock),
        refreshable,
    });
    Ok(TokenAuth {
        fetches: authorizer.clone(),
        authorizer,
    })
}

#[async_trait]
impl Authorizer for TokenAuthorizer {
    fn sets_headers(&self) -> &'static [&'static str] {
        &["x-auth-token"]
    }

    async fn authorize(&self, request: &mut Request, _now: SystemTime) -> Result<(), Error> {
        let token = self.cache.token().await?;
        huawei::sign_with_token(&token).apply(request);
        Ok(())
    }

    async fn on_rejected(&self, request: &Request) -> bool {
        if !self.refreshable {
            return false;
        }
        match request.headers.get("x-auth-token") {
            Some(sent) => {
                self.cache.invalidate(&SecretString::new(sent)).await;
                true
            }
            None => false,
        }
    }
}
