//! Credentials from environment variables, under the names each vendor crate declares.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

use async_trait::async_trait;

use super::provider::{Lookup, ProvideCredentials};
use super::secrets::{AccessKey, BasicAuth, SecretString};
use crate::error::Error;

/// Where environment variables are read from: the process, or a fixed map (for tests and for
/// callers that manage their own configuration).
#[derive(Clone, Default)]
pub enum EnvSource {
    /// The process environment.
    #[default]
    Process,
    /// A fixed set of variables.
    Map(HashMap<String, String>),
}

impl EnvSource {
    /// A fixed set of variables.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        EnvSource::Map(
            pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }

    /// The non-empty value of `name`.
    pub fn get(&self, name: &str) -> Option<String> {
        match self {
            EnvSource::Process => process_var(name),
            EnvSource::Map(m) => m.get(name).filter(|v| !v.trim().is_empty()).cloned(),
        }
    }

    /// The home directory (`HOME`, or `USERPROFILE` on Windows).
    pub fn home_dir(&self) -> Option<PathBuf> {
        self.get("HOME")
            .or_else(|| self.get("USERPROFILE"))
            .map(PathBuf::from)
    }
}

impl fmt::Debug for EnvSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvSource::Process => f.write_str("Process"),
            EnvSource::Map(m) => {
                let keys: Vec<&String> = m.keys().collect();
                let order =
                    crate::order::stable_order(keys.len(), &mut |a, b| keys[a].cmp(keys[b]));
                let sorted: Vec<&String> = order.into_iter().map(|i| keys[i]).collect();
                f.debug_tuple("Map").field(&sorted).finish()
            }
        }
    }
}

/// The environment variable names of one vendor; each vendor crate declares its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvNames {
    /// The key id variable.
    pub id: &'static str,
    /// The secret key variable.
    pub secret: &'static str,
    /// The session token variable.
    pub token: Option<&'static str>,
    /// The key's attributes ([`AccessKey::attributes`]) and the variables they are read from:
    /// `(attribute, variable)`.
    pub attributes: &'static [(&'static str, &'static str)],
    /// The user name variable (HTTP Basic).
    pub username: Option<&'static str>,
    /// The password variable (HTTP Basic).
    pub password: Option<&'static str>,
}

/// Credentials from environment variables.
#[derive(Debug, Clone)]
pub struct EnvironmentProvider {
    names: EnvNames,
    env: EnvSource,
}

impl EnvironmentProvider {
    /// Reads the variables `names` from the process environment.
    pub fn new(names: EnvNames) -> Self {
        EnvironmentProvider {
            names,
            env: EnvSource::Process,
        }
    }

    /// Reads from `env` instead of the process environment.
    pub fn with_env(mut self, env: EnvSource) -> Self {
        self.env = env;
        self
    }
}

#[async_trait]
impl ProvideCredentials for EnvironmentProvider {
    async fn lookup(&self) -> Result<Lookup, Error> {
        environment_lookup(&self.names, &|name| self.env.get(name))
    }

    fn source(&self) -> String {
        ENVIRONMENT_SOURCE.to_string()
    }
}

/// What [`EnvironmentProvider`] calls its source.
pub(super) const ENVIRONMENT_SOURCE: &str = "environment variables";

/// The non-empty value of the process environment's variable `name`.
pub(super) fn process_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The credentials the variables `names` hold, each read with `get`.
pub(super) fn environment_lookup(
    n: &EnvNames,
    get: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Result<Lookup, Error> {
    let id = get(n.id);
    let secret = get(n.secret);
    match (id, secret) {
        (Some(id), Some(secret)) => {
            let mut key = AccessKey::new(id, secret);
            key.session_token = n.token.and_then(get).map(SecretString::new);
            for (name, var) in n.attributes {
                if let Some(value) = get(var) {
                    key = key.with_attribute(name, value);
                }
            }
            return Ok(Lookup::Found(key.into()));
        }
        (Some(_), None) => {
            return Err(Error::credentials(format!(
                "{} is set but {} is not",
                n.id, n.secret
            )));
        }
        (None, Some(_)) => {
            return Err(Error::credentials(format!(
                "{} is set but {} is not",
                n.secret, n.id
            )));
        }
        (None, None) => {}
    }
    if let (Some(un), Some(pn)) = (n.username, n.password) {
        match (get(un), get(pn)) {
            (Some(u), Some(p)) => return Ok(Lookup::Found(BasicAuth::new(u, p).into())),
            (Some(_), None) => {
                return Err(Error::credentials(format!("{un} is set but {pn} is not")));
            }
            (None, Some(_)) => {
                return Err(Error::credentials(format!("{pn} is set but {un} is not")));
            }
            (None, None) => {
                return Ok(Lookup::NotFound(format!(
                    "neither {} nor {un} is set",
                    n.id
                )));
            }
        }
    }
    Ok(Lookup::NotFound(format!("{} is not set", n.id)))
}
