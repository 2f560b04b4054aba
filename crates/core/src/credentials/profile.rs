//! The vendors' INI profile files.

use std::collections::HashMap;
use std::path::PathBuf;

use async_trait::async_trait;

use super::{AccessKey, EnvSource, Lookup, ProvideCredentials, SecretString};
use crate::error::Error;

/// Parses INI text into `section -> key -> value`. Keys outside any section go in the section
/// named `""`. Lines starting with `#` or `;` are comments; keys are lowercased; values are
/// trimmed and may be wrapped in double quotes.
pub fn parse_ini(text: &str) -> HashMap<String, HashMap<String, String>> {
    let mut out: HashMap<String, HashMap<String, String>> = HashMap::new();
    let mut section = String::new();
    // A byte order mark (as Windows editors write) would otherwise hide the first section.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.trim().to_string();
            continue;
        }
        if let Some((k, v)) = line.split_once('=') {
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(v);
            out.entry(section.clone())
                .or_default()
                .insert(k.trim().to_ascii_lowercase(), v.to_string());
        }
    }
    out
}

/// The largest profile file read, in bytes; a larger one is a credentials error.
pub const MAX_PROFILE_BYTES: u64 = 1024 * 1024;

/// Reads a profile file ([`crate::files::read_limited_text`]): `Ok(None)` when it does not
/// exist; an error when it is not a regular file (a FIFO or a device would block or never
/// end), is larger than [`MAX_PROFILE_BYTES`], or cannot be read.
fn read_profile(path: &std::path::Path) -> Result<Option<String>, String> {
    match crate::files::read_limited_text(path, MAX_PROFILE_BYTES) {
        Ok(text) => Ok(Some(text)),
        Err(crate::files::FileProblem::Missing) => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

/// Where a vendor's profile file is and how it names its keys; each vendor crate declares its
/// own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProfileLayout {
    /// The variable that overrides the file's path.
    pub path_var: &'static str,
    /// The file's path under the home directory.
    pub default_relative: &'static str,
    /// The section read unless another is chosen.
    pub section: &'static str,
    /// The key id's key.
    pub id: &'static str,
    /// The secret key's key.
    pub secret: &'static str,
    /// The session token's key.
    pub token: &'static str,
    /// The key's attributes ([`AccessKey::attributes`]) and the profile keys they are read
    /// from: `(attribute, profile key)`.
    pub attributes: &'static [(&'static str, &'static str)],
}

/// Credentials from a vendor's profile file.
#[derive(Debug, Clone)]
pub struct ProfileFileProvider {
    layout: ProfileLayout,
    env: EnvSource,
    section: Option<String>,
}

impl ProfileFileProvider {
    /// Reads the profile file `layout` describes: `$<path_var>`, else
    /// `~/<default_relative>`, section `[<section>]`.
    pub fn new(layout: ProfileLayout) -> Self {
        ProfileFileProvider {
            layout,
            env: EnvSource::Process,
            section: None,
        }
    }

    /// Reads the path override and home directory from `env`.
    pub fn with_env(mut self, env: EnvSource) -> Self {
        self.env = env;
        self
    }

    /// Reads another section than the vendor's default.
    pub fn with_section(mut self, section: impl Into<String>) -> Self {
        self.section = Some(section.into());
        self
    }

    /// The file this provider reads, when a path can be worked out.
    pub fn path(&self) -> Option<PathBuf> {
        self.env
            .get(self.layout.path_var)
            .map(PathBuf::from)
            .or_else(|| {
                self.env
                    .home_dir()
                    .map(|h| h.join(self.layout.default_relative))
            })
    }
}

#[async_trait]
impl ProvideCredentials for ProfileFileProvider {
    async fn lookup(&self) -> Result<Lookup, Error> {
        let Some(path) = self.path() else {
            return Ok(Lookup::NotFound(format!(
                "neither {} nor HOME is set",
                self.layout.path_var
            )));
        };
        // File I/O runs on the blocking pool, never on an async worker thread.
        let read_path = path.clone();
        let read = tokio::task::spawn_blocking(move || read_profile(&read_path))
            .await
            .unwrap_or_else(|e| Err(format!("the read failed: {e}")));
        let text = match read {
            Ok(Some(t)) => t,
            Ok(None) => {
                return Ok(Lookup::NotFound(format!(
                    "{} does not exist",
                    path.display()
                )));
            }
            Err(why) => {
                return Err(Error::credentials(format!(
                    "cannot read {}: {why}",
                    path.display()
                )));
            }
        };
        let section = self.section.as_deref().unwrap_or(self.layout.section);
        let ini = parse_ini(&text);
        let Some(values) = ini.get(section) else {
            return Ok(Lookup::NotFound(format!(
                "{} has no [{section}] section",
                path.display()
            )));
        };
        let get = |k: &str| values.get(k).filter(|v| !v.is_empty()).cloned();
        match (get(self.layout.id), get(self.layout.secret)) {
            (Some(id), Some(secret)) => {
                let mut key = AccessKey::new(id, secret);
                key.session_token = get(self.layout.token).map(SecretString::new);
                for (name, k) in self.layout.attributes {
                    if let Some(value) = get(k) {
                        key = key.with_attribute(name, value);
                    }
                }
                Ok(Lookup::Found(key.into()))
            }
            (None, None) => Ok(Lookup::NotFound(format!(
                "[{section}] in {} has no {}",
                path.display(),
                self.layout.id
            ))),
            _ => Err(Error::credentials(format!(
                "[{section}] in {} needs both {} and {}",
                path.display(),
                self.layout.id,
                self.layout.secret
            ))),
        }
    }

    fn source(&self) -> String {
        match self.path() {
            Some(p) => format!("profile file {}", p.display()),
            None => format!(
                "profile file (${} or ~/{})",
                self.layout.path_var, self.layout.default_relative
            ),
        }
    }
}

/// A layout of the kind a vendor declares (a key id, a secret and a token), for the tests.
#[cfg(test)]
pub(super) const EXAMPLE_LAYOUT: ProfileLayout = ProfileLayout {
    path_var: "EXAMPLE_CREDENTIALS_FILE",
    default_relative: ".example/credentials",
    section: "default",
    id: "secret_id",
    secret: "secret_key",
    token: "token",
    attributes: &[],
};

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: ProfileLayout = EXAMPLE_LAYOUT;

    /// Keys scoped to a project, in their own section.
    const SCOPED: ProfileLayout = ProfileLayout {
        path_var: "SCOPED_CREDENTIALS_FILE",
        default_relative: ".scoped/credentials",
        section: "basic",
        id: "ak",
        secret: "sk",
        token: "security_token",
        attributes: &[("project", "project_id")],
    };

    #[tokio::test(flavor = "current_thread")]
    async fn hostile_profile_files_end_in_a_clear_error() {
        let dir = std::env::temp_dir().join(format!("cloudops-hostile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let big = dir.join("big");
        std::fs::write(&big, vec![b'a'; MAX_PROFILE_BYTES as usize + 10]).unwrap();
        let fifo = dir.join("fifo");
        let made_fifo = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        let mut paths = vec![big.clone(), dir.clone()];
        if std::path::Path::new("/dev/zero").exists() {
            paths.push("/dev/zero".into());
        }
        if made_fifo {
            paths.push(fifo);
        }
        for path in paths {
            let env = EnvSource::from_pairs([("EXAMPLE_CREDENTIALS_FILE", path.to_str().unwrap())]);
            let e = tokio::time::timeout(
                std::time::Duration::from_secs(5),
                ProfileFileProvider::new(KEYS).with_env(env).lookup(),
            )
            .await
            .expect("a hostile file does not stall the runtime")
            .unwrap_err();
            assert!(matches!(e, Error::Credentials { .. }), "{path:?}: {e:?}");
        }

        let bom = dir.join("bom");
        std::fs::write(
            &bom,
            "\u{feff}[default]\r\nsecret_id = AKID\r\nsecret_key = SK\r\n",
        )
        .unwrap();
        let env = EnvSource::from_pairs([("EXAMPLE_CREDENTIALS_FILE", bom.to_str().unwrap())]);
        let k = ProfileFileProvider::new(KEYS)
            .with_env(env)
            .provide()
            .await
            .unwrap();
        assert_eq!(k.into_access_key().unwrap().id, "AKID");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn ini_parsing() {
        let ini =
            parse_ini("# c\n[default]\nsecret_id = a\nSECRET_KEY=\"b c\"\n; x\n[other]\nk=v=w\n");
        assert_eq!(ini["default"]["secret_id"], "a");
        assert_eq!(ini["default"]["secret_key"], "b c");
        assert_eq!(ini["other"]["k"], "v=w");
    }

    #[tokio::test]
    async fn reads_a_scoped_profile_with_its_override_variable() {
        let dir = std::env::temp_dir().join(format!("cloudops-profile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("hw");
        std::fs::write(
            &file,
            "[basic]\nak = AK1\nsk = SK1\nproject_id = p1\nsecurity_token = st\n",
        )
        .unwrap();
        let env = EnvSource::from_pairs([("SCOPED_CREDENTIALS_FILE", file.to_str().unwrap())]);
        let k = ProfileFileProvider::new(SCOPED)
            .with_env(env)
            .provide()
            .await
            .unwrap()
            .into_access_key()
            .unwrap();
        assert_eq!((k.id.as_str(), k.secret.expose()), ("AK1", "SK1"));
        assert_eq!(k.attribute("project"), Some("p1"));
        assert_eq!(k.session_token.unwrap().expose(), "st");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[tokio::test]
    async fn reads_a_profile_from_home() {
        let home = std::env::temp_dir().join(format!("cloudops-home-{}", std::process::id()));
        std::fs::create_dir_all(home.join(".example")).unwrap();
        std::fs::write(
            home.join(".example/credentials"),
            "[default]\nsecret_id=AKID\nsecret_key=SK\n",
        )
        .unwrap();
        let env = EnvSource::from_pairs([("HOME", home.to_str().unwrap())]);
        let k = ProfileFileProvider::new(KEYS)
            .with_env(env.clone())
            .provide()
            .await
            .unwrap();
        assert_eq!(k.into_access_key().unwrap().id, "AKID");
        let missing = ProfileFileProvider::new(KEYS)
            .with_env(env)
            .with_section("prod")
            .lookup()
            .await
            .unwrap();
        assert!(matches!(missing, Lookup::NotFound(ref s) if s.contains("[prod]")));
        std::fs::remove_dir_all(&home).ok();
    }
}
