//! How a client builder keeps the credentials it was given.

use std::fmt;
use std::sync::Arc;

use super::chain::CredentialsChain;
use super::environment::EnvNames;
use super::provider::{OnceProvider, ProvideCredentials, StaticProvider, cached};
use super::secrets::Credentials;
use crate::error::Error;

/// The credentials a client builder was given, and how the client keeps what they yield:
/// fixed credentials and sources that cannot expire behind a [`OnceProvider`], any other
/// provider behind a [`CachingProvider`](super::CachingProvider). The caching layer and its refresh task are reached
/// only through [`CredentialsSetting::provider`], so a program that never sets a provider
/// links none of them; the environment alone ([`CredentialsSetting::environment`]) is read
/// without any provider of its own.
pub struct CredentialsSetting(Setting);

enum Setting {
    /// Fixed credentials, checked when the client is built.
    Fixed(Credentials),
    Provider {
        provider: Arc<dyn ProvideCredentials>,
        keep: KeepCredentials,
    },
    Environment(EnvNames),
}

/// Wraps a client's provider: the clock dates a cache's expiries.
type KeepCredentials =
    fn(Arc<dyn ProvideCredentials>, Arc<dyn crate::Clock>) -> Arc<dyn ProvideCredentials>;

impl CredentialsSetting {
    /// Fixed credentials: checked when the client is built ([`into_provider`] refuses them
    /// as invalid input), then shared by every call.
    ///
    /// [`into_provider`]: CredentialsSetting::into_provider
    pub fn fixed(credentials: impl Into<Credentials>) -> Self {
        CredentialsSetting(Setting::Fixed(credentials.into()))
    }

    /// Credentials from `provider`, kept in a [`CachingProvider`](super::CachingProvider): temporary ones are
    /// refreshed ahead of their expiry.
    pub fn provider(provider: Arc<dyn ProvideCredentials>) -> Self {
        CredentialsSetting(Setting::Provider {
            provider,
            keep: cached,
        })
    }

    /// Credentials from `provider`, whose credentials never expire, kept in a
    /// [`OnceProvider`].
    pub fn once(provider: Arc<dyn ProvideCredentials>) -> Self {
        CredentialsSetting(Setting::Provider {
            provider,
            keep: |p, _| Arc::new(OnceProvider::new(p)),
        })
    }

    /// The process environment's variables `names`, read at the first call as
    /// [`EnvironmentProvider`](super::EnvironmentProvider) reads them and kept ([`OnceProvider::environment`]): a
    /// vendor's default when its chain is the environment alone.
    pub fn environment(names: EnvNames) -> Self {
        CredentialsSetting(Setting::Environment(names))
    }

    /// A vendor's default chain: behind a [`CachingProvider`](super::CachingProvider) when `temporary` (the chain has
    /// sources of expiring credentials), else looked up once. Pass a constant (the vendor
    /// crate's `cfg!(feature = ...)`): inlined, the branch not taken links nothing.
    #[inline]
    pub fn default_chain(chain: CredentialsChain, temporary: bool) -> Self {
        if temporary {
            CredentialsSetting::provider(Arc::new(chain))
        } else {
            CredentialsSetting::once(Arc::new(chain))
        }
    }

    /// The provider a client signs with, its cache dated by `clock`. Fixed credentials that
    /// cannot be sent ([`Credentials::check`]) are an invalid-input error on `credentials`,
    /// so that a client is never built to send them.
    pub fn into_provider(
        self,
        clock: Arc<dyn crate::Clock>,
    ) -> Result<Arc<dyn ProvideCredentials>, Error> {
        Ok(match self.0 {
            Setting::Fixed(credentials) => {
                credentials.check().map_err(|e| match e {
                    Error::Credentials { message } => Error::invalid_input("credentials", message),
                    other => other,
                })?;
                Arc::new(OnceProvider::new(Arc::new(StaticProvider(credentials))))
            }
            Setting::Provider { provider, keep } => keep(provider, clock),
            Setting::Environment(names) => Arc::new(OnceProvider::environment(names)),
        })
    }
}

impl fmt::Debug for CredentialsSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_tuple("CredentialsSetting");
        match &self.0 {
            Setting::Fixed(credentials) => d.field(credentials),
            Setting::Provider { provider, .. } => d.field(provider),
            Setting::Environment(names) => d.field(names),
        };
        d.finish()
    }
}
