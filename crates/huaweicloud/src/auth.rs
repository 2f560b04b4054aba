//! The two ways Huawei's gateway accepts: AK/SK signing and `X-Auth-Token`.

use std::sync::Arc;
use std::time::SystemTime;

use async_trait::async_trait;
use cloudops_core::credentials::{CachedTokenProvider, ProvideCredentials, ProvideToken};
use cloudops_core::sign::huawei;
use cloudops_core::{Authorizer, Error, Request, SecretString};

/// A shared, caching token source.
pub(crate) type TokenCache = Arc<CachedTokenProvider<Arc<dyn ProvideToken>>>;

/// Signs each attempt: SDK-HMAC-SHA256 with an access key (adding `X-Security-Token` for
/// temporary credentials), or `X-Auth-Token` from a cached token source.
#[derive(Debug, Clone)]
pub(crate) enum HuaweiAuthorizer {
    AkSk(Arc<dyn ProvideCredentials>),
    Token {
        cache: TokenCache,
        /// Whether a rejected token can be replaced by fetching again (false for a fixed
        /// token).
        refreshable: bool,
    },
}

#[async_trait]
impl Authorizer for HuaweiAuthorizer {
    async fn authorize(&self, request: &mut Request, now: SystemTime) -> Result<(), Error> {
        match self {
            HuaweiAuthorizer::AkSk(provider) => {
                let credentials = cloudops_core::credentials::current(&**provider).await?;
                let key = credentials.access_key()?;
                // The official SDK sends and signs the credentials' project id; a project-scoped
                // operation has already set the one its path names.
                if let Some(project) = &key.project_id
                    && !request.headers.contains("x-project-id")
                {
                    request.headers.set("x-project-id", project.clone());
                }
                huawei::sign(request, key, now).apply(request);
            }
            HuaweiAuthorizer::Token { cache, .. } => {
                let token = cache.token().await?;
                huawei::sign_with_token(&token).apply(request);
            }
        }
        Ok(())
    }

    async fn on_rejected(&self, request: &Request) -> bool {
        match self {
            HuaweiAuthorizer::Token {
                cache,
                refreshable: true,
            } => match request.headers.get("x-auth-token") {
                Some(sent) => {
                    cache.invalidate(&SecretString::new(sent)).await;
                    true
                }
                None => false,
            },
            _ => false,
        }
    }
}
