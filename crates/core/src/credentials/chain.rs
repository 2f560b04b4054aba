//! A chain of credentials sources, tried in order.

use std::sync::Arc;

use async_trait::async_trait;

use super::provider::{Lookup, ProvideCredentials};
use crate::error::Error;

/// Tries providers in order and returns the first credentials found. A provider that has
/// credentials configured wrongly stops the search with its error. When none has any, the
/// error lists every source tried and why it had none.
#[derive(Debug, Clone)]
pub struct CredentialsChain {
    providers: Vec<Arc<dyn ProvideCredentials>>,
}

impl CredentialsChain {
    /// A chain of `providers`, tried in order.
    pub fn new(providers: Vec<Arc<dyn ProvideCredentials>>) -> Self {
        CredentialsChain { providers }
    }

    /// What each provider reads ([`ProvideCredentials::source`]), in the order they are tried.
    pub fn sources(&self) -> Vec<String> {
        self.providers.iter().map(|p| p.source()).collect()
    }
}

#[async_trait]
impl ProvideCredentials for CredentialsChain {
    async fn lookup(&self) -> Result<Lookup, Error> {
        let mut tried = Vec::with_capacity(self.providers.len());
        for p in &self.providers {
            match p.lookup().await {
                Ok(Lookup::Found(c)) => return Ok(Lookup::Found(c)),
                Ok(Lookup::NotFound(why)) => tried.push(format!("{} ({why})", p.source())),
                // A source configured wrongly stops the search; its error says what the
                // sources before it lacked, so the one a user meant to set is named too.
                Err(e) if tried.is_empty() => return Err(e),
                Err(Error::Credentials { message }) => {
                    return Err(Error::credentials(format!(
                        "tried {}; then {message}",
                        tried.join("; ")
                    )));
                }
                Err(other) => {
                    return Err(Error::credentials(format!(
                        "tried {}; then {} failed: {other}",
                        tried.join("; "),
                        p.source()
                    )));
                }
            }
        }
        Ok(Lookup::NotFound(format!("tried {}", tried.join("; "))))
    }

    fn source(&self) -> String {
        "the credentials chain".to_string()
    }
}
