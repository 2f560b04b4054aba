//! The secrets themselves: a string that never prints, access keys, Basic credentials, and
//! what a provider yields.

use std::fmt;
use std::time::SystemTime;

use crate::error::Error;

/// A secret string. `Debug` and `Display` print `***`; read it with [`SecretString::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        SecretString(secret.into())
    }

    /// The secret itself. Use it only to sign or send.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<&str> for SecretString {
    fn from(s: &str) -> Self {
        SecretString::new(s)
    }
}

impl From<String> for SecretString {
    fn from(s: String) -> Self {
        SecretString(s)
    }
}

/// An access key pair (a key id and its secret), with an optional session token for temporary
/// credentials and the named attributes a vendor reads beside the key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessKey {
    /// The key id (SecretId, AK). Not a secret.
    pub id: String,
    /// The secret key.
    pub secret: SecretString,
    /// The session or security token of temporary credentials.
    pub session_token: Option<SecretString>,
    /// Values a vendor reads beside the key, by the names its crate declares (a project the
    /// key is scoped to, say): not secrets, visible ASCII only. Read them with
    /// [`AccessKey::attribute`].
    pub attributes: Vec<(&'static str, String)>,
    /// When temporary credentials stop working (`None` for long-term keys).
    pub expires_at: Option<SystemTime>,
}

impl AccessKey {
    /// A long-term key pair.
    pub fn new(id: impl Into<String>, secret: impl Into<SecretString>) -> Self {
        AccessKey {
            id: id.into(),
            secret: secret.into(),
            session_token: None,
            attributes: Vec::new(),
            expires_at: None,
        }
    }

    /// Marks the key as temporary, working until `at`.
    pub fn with_expiry(mut self, at: SystemTime) -> Self {
        self.expires_at = Some(at);
        self
    }

    /// Adds a session token (temporary credentials).
    pub fn with_session_token(mut self, token: impl Into<SecretString>) -> Self {
        self.session_token = Some(token.into());
        self
    }

    /// Sets the attribute `name` to `value`, replacing an earlier value of the same name.
    pub fn with_attribute(mut self, name: &'static str, value: impl Into<String>) -> Self {
        let value = value.into();
        match self.attributes.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.attributes.push((name, value)),
        }
        self
    }

    /// The value of the attribute `name`, when the key has one.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A user name and password for HTTP Basic authentication.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BasicAuth {
    /// The user name. Not a secret.
    pub username: String,
    /// The password.
    pub password: SecretString,
}

impl BasicAuth {
    /// A user name and password.
    pub fn new(username: impl Into<String>, password: impl Into<SecretString>) -> Self {
        BasicAuth {
            username: username.into(),
            password: password.into(),
        }
    }
}

/// Credentials of either kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credentials {
    /// An access key pair.
    AccessKey(AccessKey),
    /// A user name and password.
    Basic(BasicAuth),
}

/// Checks that a value sent in a header holds only visible ASCII (no space, line break or
/// other control character).
fn check_visible(what: &str, value: &str) -> Result<(), Error> {
    if value.bytes().all(|b| b.is_ascii_graphic()) {
        return Ok(());
    }
    Err(Error::credentials(format!(
        "the {what} may contain only visible ASCII characters (it has a space, a line break, \
         another control character or a non-ASCII character)"
    )))
}

impl Credentials {
    /// Checks that the credentials can be sent: a key id and a secret that are not empty, key
    /// ids, session tokens and attributes of visible ASCII only, and a Basic user name that
    /// is not empty and has no `:` or control characters (the server would read another user
    /// name and password). The secret values themselves are never named in the error.
    pub fn check(&self) -> Result<(), Error> {
        match self {
            Credentials::AccessKey(k) => {
                if k.id.is_empty() {
                    return Err(Error::credentials("the access key id is empty"));
                }
                if k.secret.is_empty() {
                    return Err(Error::credentials("the secret key is empty"));
                }
                check_visible("access key id", &k.id)?;
                if let Some(t) = &k.session_token {
                    check_visible("session token", t.expose())?;
                }
                for (name, value) in &k.attributes {
                    check_visible(name, value)?;
                }
            }
            Credentials::Basic(b) => {
                if b.username.is_empty() {
                    return Err(Error::credentials("the HTTP Basic user name is empty"));
                }
                if b.username.contains(':') {
                    return Err(Error::credentials(
                        "the HTTP Basic user name must not contain ':' (the server would split \
                         the user name there)",
                    ));
                }
                if b.username.chars().any(char::is_control)
                    || b.password.expose().chars().any(char::is_control)
                {
                    return Err(Error::credentials(
                        "the HTTP Basic user name and password must not contain control characters",
                    ));
                }
            }
        }
        Ok(())
    }

    /// The access key, or a credentials error naming what was found instead.
    pub fn into_access_key(self) -> Result<AccessKey, Error> {
        match self {
            Credentials::AccessKey(k) => Ok(k),
            Credentials::Basic(_) => Err(not_an_access_key()),
        }
    }

    /// The access key, or a credentials error when these are a user name and password.
    pub fn access_key(&self) -> Result<&AccessKey, Error> {
        match self {
            Credentials::AccessKey(k) => Ok(k),
            Credentials::Basic(_) => Err(not_an_access_key()),
        }
    }
}

fn not_an_access_key() -> Error {
    Error::credentials(
        "this service signs with an access key pair, but a user name and password were provided",
    )
}

impl From<AccessKey> for Credentials {
    fn from(k: AccessKey) -> Self {
        Credentials::AccessKey(k)
    }
}

impl From<BasicAuth> for Credentials {
    fn from(b: BasicAuth) -> Self {
        Credentials::Basic(b)
    }
}
