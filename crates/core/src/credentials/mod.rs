//! Credentials: secret types, providers (static, environment, profile file) and a chain.
//!
//! The providers are generic: each vendor crate declares the names it reads (its
//! [`EnvNames`] and [`ProfileLayout`]) and builds its default chain from them.
//!
//! - [`secrets`](self): [`SecretString`], [`AccessKey`], [`BasicAuth`], [`Credentials`];
//! - providers: the [`ProvideCredentials`] trait, [`StaticProvider`], [`OnceProvider`],
//!   [`CachingProvider`];
//! - the environment ([`EnvironmentProvider`], [`EnvNames`], [`EnvSource`]) and profile files
//!   ([`ProfileFileProvider`]);
//! - [`CredentialsChain`];
//! - [`CredentialsSetting`], what a client builder keeps;
//! - bearer tokens ([`ProvideToken`]) and instance metadata services ([`metadata`]).

pub mod cache;
mod chain;
mod environment;
pub mod metadata;
mod profile;
mod provider;
mod secrets;
mod settings;
mod token;

pub use chain::CredentialsChain;
pub use environment::{EnvNames, EnvSource, EnvironmentProvider};
pub use profile::{ProfileFileProvider, ProfileLayout, parse_ini};
pub use provider::{
    CachingProvider, Lookup, OnceProvider, ProvideCredentials, StaticProvider, cached, current,
};
pub use secrets::{AccessKey, BasicAuth, Credentials, SecretString};
pub use settings::CredentialsSetting;
pub use token::{CachedTokenProvider, ProvideToken, StaticToken, Token};

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::{Duration, SystemTime};

    use async_trait::async_trait;

    use super::*;
    use crate::error::Error;

    /// Names of the kind a vendor declares: keys with a session token and a project.
    const KEYS: EnvNames = EnvNames {
        id: "EXAMPLE_KEY_ID",
        secret: "EXAMPLE_KEY_SECRET",
        token: Some("EXAMPLE_SESSION_TOKEN"),
        attributes: &[("project", "EXAMPLE_PROJECT_ID")],
        username: None,
        password: None,
    };

    /// Keys, or a user name and password.
    const BASIC: EnvNames = EnvNames {
        id: "EXAMPLE_KEY_ID",
        secret: "EXAMPLE_KEY_SECRET",
        token: None,
        attributes: &[],
        username: Some("EXAMPLE_USERNAME"),
        password: Some("EXAMPLE_PASSWORD"),
    };

    const PROFILE: ProfileLayout = profile::EXAMPLE_LAYOUT;

    #[tokio::test]
    async fn environment_reads_the_named_variables() {
        let env = EnvSource::from_pairs([
            ("EXAMPLE_KEY_ID", "AKIDx"),
            ("EXAMPLE_KEY_SECRET", "sk"),
            ("EXAMPLE_SESSION_TOKEN", "tok"),
        ]);
        let c = EnvironmentProvider::new(KEYS)
            .with_env(env)
            .provide()
            .await
            .unwrap();
        let k = c.into_access_key().unwrap();
        assert_eq!(k.id, "AKIDx");
        assert_eq!(k.secret.expose(), "sk");
        assert_eq!(k.session_token.unwrap().expose(), "tok");
    }

    /// A provider that counts its lookups and answers what it is given.
    #[derive(Debug)]
    struct Counting {
        lookups: std::sync::atomic::AtomicU32,
        answer: fn() -> Lookup,
    }

    #[async_trait]
    impl ProvideCredentials for Counting {
        async fn lookup(&self) -> Result<Lookup, Error> {
            self.lookups
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Ok((self.answer)())
        }

        fn source(&self) -> String {
            "a counting source".to_string()
        }
    }

    fn counting(answer: fn() -> Lookup) -> Arc<Counting> {
        Arc::new(Counting {
            lookups: Default::default(),
            answer,
        })
    }

    fn lookups(c: &Counting) -> u32 {
        c.lookups.load(std::sync::atomic::Ordering::Relaxed)
    }

    #[tokio::test]
    async fn once_keeps_the_first_credentials_found() {
        let inner = counting(|| Lookup::Found(AccessKey::new("AKIDx", "sk").into()));
        let once = OnceProvider::new(inner.clone());
        assert!(once.cached().is_none());
        let a = current(&once).await.unwrap();
        let b = current(&once).await.unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(lookups(&inner), 1);
        assert_eq!(
            once.provide().await.unwrap().access_key().unwrap().id,
            "AKIDx"
        );
        assert_eq!(lookups(&inner), 1);
        assert_eq!(once.source(), "a counting source");
        assert!(format!("{once:?}").contains("kept: true"));
    }

    #[tokio::test]
    async fn once_keeps_neither_expiring_credentials_nor_failures() {
        let expiring = counting(|| {
            let mut k = AccessKey::new("AKIDx", "sk");
            k.expires_at = Some(SystemTime::UNIX_EPOCH + Duration::from_secs(4_000_000_000));
            Lookup::Found(k.into())
        });
        let once = OnceProvider::new(expiring.clone());
        current(&once).await.unwrap();
        current(&once).await.unwrap();
        assert_eq!(lookups(&expiring), 2);
        assert!(once.cached().is_none());

        let missing = counting(|| Lookup::NotFound("nothing set".to_string()));
        let once = OnceProvider::new(missing.clone());
        for _ in 0..2 {
            let e = current(&once).await.unwrap_err();
            assert!(e.to_string().contains("nothing set"), "{e}");
        }
        assert_eq!(lookups(&missing), 2);

        // Found but invalid: a credentials error, looked up again next time.
        let invalid = counting(|| Lookup::Found(AccessKey::new("AK\nID", "sk").into()));
        let once = OnceProvider::new(invalid.clone());
        assert!(matches!(
            current(&once).await,
            Err(Error::Credentials { .. })
        ));
        assert!(current(&once).await.is_err());
        assert_eq!(lookups(&invalid), 2);
    }

    /// Variable names no environment sets.
    const UNSET: EnvNames = EnvNames {
        id: "CLOUDOPS_TEST_UNSET_ID",
        secret: "CLOUDOPS_TEST_UNSET_SECRET",
        token: None,
        attributes: &[],
        username: Some("CLOUDOPS_TEST_UNSET_USER"),
        password: Some("CLOUDOPS_TEST_UNSET_PASSWORD"),
    };

    #[tokio::test]
    async fn the_environment_setting_reads_the_process_environment_once() {
        let clock: Arc<dyn crate::Clock> = Arc::new(crate::SystemClock);
        let setting = CredentialsSetting::environment(UNSET);
        assert!(format!("{setting:?}").contains("CLOUDOPS_TEST_UNSET_ID"));
        let p = setting.into_provider(clock.clone()).unwrap();
        assert!(format!("{p:?}").starts_with("OnceProvider"));
        assert_eq!(p.source(), "environment variables");
        // As EnvironmentProvider reads it: nothing set is a credentials error naming both.
        let e = current(&*p).await.unwrap_err();
        let from_provider = EnvironmentProvider::new(UNSET).provide().await.unwrap_err();
        assert!(matches!(e, Error::Credentials { .. }));
        assert_eq!(e.to_string(), from_provider.to_string());
        assert!(
            e.to_string()
                .contains("neither CLOUDOPS_TEST_UNSET_ID nor CLOUDOPS_TEST_UNSET_USER is set"),
            "{e}"
        );
        assert!(p.cached().is_none());

        // A variable every process has, read as both halves of a key, is found and kept.
        let Some(path) = std::env::var("PATH").ok().filter(|v| !v.trim().is_empty()) else {
            return;
        };
        let names = EnvNames {
            id: "PATH",
            secret: "PATH",
            ..UNSET
        };
        let p = CredentialsSetting::environment(names)
            .into_provider(clock)
            .unwrap();
        let a = current(&*p).await.unwrap();
        assert_eq!(a.access_key().unwrap().id, path);
        assert!(Arc::ptr_eq(&a, &current(&*p).await.unwrap()));
        assert!(p.cached().is_some());
    }

    #[tokio::test]
    async fn settings_keep_fixed_credentials_once_and_providers_in_the_cache() {
        let clock: Arc<dyn crate::Clock> = Arc::new(crate::SystemClock);
        let fixed = CredentialsSetting::fixed(AccessKey::new("AKIDx", "sk"));
        assert!(format!("{fixed:?}").contains("AKIDx"));
        assert!(!format!("{fixed:?}").contains("\"sk\""));
        let p = fixed.into_provider(clock.clone()).unwrap();
        assert!(format!("{p:?}").starts_with("OnceProvider"));
        let a = current(&*p).await.unwrap();
        assert!(Arc::ptr_eq(&a, &current(&*p).await.unwrap()));

        let inner = counting(|| Lookup::Found(AccessKey::new("AKIDy", "sk").into()));
        let p = CredentialsSetting::provider(inner.clone())
            .into_provider(clock.clone())
            .unwrap();
        assert!(format!("{p:?}").starts_with("CachingProvider"));
        current(&*p).await.unwrap();
        current(&*p).await.unwrap();
        assert_eq!(lookups(&inner), 1);

        let p = CredentialsSetting::once(inner.clone())
            .into_provider(clock)
            .unwrap();
        assert!(format!("{p:?}").starts_with("OnceProvider"));
    }

    #[tokio::test]
    async fn the_cache_shares_what_it_holds() {
        let cache = CachingProvider::new(Arc::new(StaticProvider(Credentials::AccessKey(
            AccessKey::new("AKIDx", "sk"),
        ))));
        let a = cache.provide_shared().await.unwrap();
        let b = cache.provide_shared().await.unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(cache.fetch_count(), 1);
        assert_eq!(a.access_key().unwrap().id, "AKIDx");
        // The owned forms are copies of the same.
        let owned = cache.provide().await.unwrap().into_access_key().unwrap();
        assert_eq!(owned.secret.expose(), "sk");
        let basic = Credentials::Basic(BasicAuth::new("admin", "pw"));
        let e = basic.access_key().unwrap_err();
        assert!(e.to_string().contains("access key pair"), "{e}");
    }

    #[tokio::test]
    async fn the_cache_answers_at_once_only_while_fresh() {
        let clock = crate::time::SkewedClock::new(0);
        let expires = SystemTime::now() + Duration::from_secs(3600);
        let cache = CachingProvider::new(Arc::new(StaticProvider(Credentials::AccessKey(
            AccessKey::new("AKIDx", "sk").with_expiry(expires),
        ))))
        .with_clock(clock.clone());
        // Nothing looked up yet: the caller has to wait for a lookup.
        assert!(cache.cached().is_none());
        let first = current(&cache).await.unwrap();
        assert_eq!(cache.fetch_count(), 1);
        let at_once = cache
            .cached()
            .expect("fresh credentials are answered at once");
        assert!(Arc::ptr_eq(&first, &at_once));
        // Inside the refresh margin (five minutes before expiry) they are no longer answered
        // at once, and `current` refreshes them.
        clock.set_offset(3400);
        assert!(cache.cached().is_none());
        current(&cache).await.unwrap();
        assert_eq!(cache.fetch_count(), 2);
        // A provider without a cache never answers at once.
        let plain = StaticProvider(Credentials::AccessKey(AccessKey::new("AKIDx", "sk")));
        assert!(plain.cached().is_none());
        assert_eq!(
            current(&plain).await.unwrap().access_key().unwrap().id,
            "AKIDx"
        );
    }

    #[tokio::test]
    async fn environment_half_configured_is_an_error() {
        let env = EnvSource::from_pairs([("EXAMPLE_KEY_ID", "ak")]);
        let e = EnvironmentProvider::new(KEYS)
            .with_env(env)
            .lookup()
            .await
            .unwrap_err();
        assert!(e.to_string().contains("EXAMPLE_KEY_SECRET"), "{e}");
    }

    #[tokio::test]
    async fn access_keys_win_over_basic_credentials() {
        let env =
            EnvSource::from_pairs([("EXAMPLE_USERNAME", "admin"), ("EXAMPLE_PASSWORD", "pw")]);
        let c = EnvironmentProvider::new(BASIC)
            .with_env(env)
            .provide()
            .await
            .unwrap();
        assert!(matches!(c, Credentials::Basic(ref b) if b.username == "admin"));
        let env = EnvSource::from_pairs([
            ("EXAMPLE_USERNAME", "admin"),
            ("EXAMPLE_PASSWORD", "pw"),
            ("EXAMPLE_KEY_ID", "ak"),
            ("EXAMPLE_KEY_SECRET", "sk"),
        ]);
        let c = EnvironmentProvider::new(BASIC)
            .with_env(env)
            .provide()
            .await
            .unwrap();
        assert!(matches!(c, Credentials::AccessKey(ref k) if k.id == "ak"));
    }

    #[tokio::test]
    async fn chain_reports_every_source_tried() {
        let env = EnvSource::from_pairs([("HOME", "/nonexistent-home")]);
        let chain = CredentialsChain::new(vec![
            Arc::new(EnvironmentProvider::new(KEYS).with_env(env.clone())),
            Arc::new(ProfileFileProvider::new(PROFILE).with_env(env)),
        ]);
        let e = chain.provide().await.unwrap_err();
        let s = e.to_string();
        assert!(
            s.contains("environment variables (EXAMPLE_KEY_ID is not set)"),
            "{s}"
        );
        assert!(s.contains("/nonexistent-home/.example/credentials"), "{s}");
    }

    #[tokio::test]
    async fn chain_returns_first_found() {
        let chain = CredentialsChain::new(vec![
            Arc::new(
                EnvironmentProvider::new(KEYS).with_env(EnvSource::from_pairs::<&str, &str>([])),
            ),
            Arc::new(StaticProvider(AccessKey::new("id", "secret").into())),
        ]);
        let k = chain.provide().await.unwrap().into_access_key().unwrap();
        assert_eq!(k.id, "id");
    }

    #[test]
    fn credentials_that_cannot_be_sent_are_refused() {
        for bad in [
            Credentials::from(AccessKey::new("AK\r\nX: 1", "sk")),
            AccessKey::new("AK", "sk").with_session_token("t\nk").into(),
            AccessKey::new("AK", "sk")
                .with_attribute("project", "p 1")
                .into(),
            BasicAuth::new("admin:x", "pw").into(),
            BasicAuth::new("admin", "p\nw").into(),
        ] {
            let e = bad.check().unwrap_err();
            assert!(matches!(e, Error::Credentials { .. }), "{e:?}");
        }
        assert!(
            Credentials::from(BasicAuth::new("admin", "p:w ü"))
                .check()
                .is_ok()
        );
    }

    /// Temporary keys that live `ttl` seconds from the clock's time, counted.
    #[derive(Debug)]
    struct Temporary {
        clock: Arc<crate::time::SkewedClock>,
        ttl: u64,
        fetches: std::sync::atomic::AtomicU64,
        failing: std::sync::atomic::AtomicBool,
    }

    #[async_trait]
    impl ProvideCredentials for Temporary {
        async fn lookup(&self) -> Result<Lookup, Error> {
            use std::sync::atomic::Ordering::SeqCst;
            let n = self.fetches.fetch_add(1, SeqCst) + 1;
            tokio::time::sleep(Duration::from_millis(30)).await;
            if self.failing.load(SeqCst) {
                return Err(Error::transport(
                    "the metadata service did not answer",
                    false,
                ));
            }
            let now = crate::Clock::now(&*self.clock);
            Ok(Lookup::Found(
                AccessKey::new(format!("TMPKEY{n}"), format!("secret-{n}"))
                    .with_session_token(format!("token-{n}"))
                    .with_expiry(now + Duration::from_secs(self.ttl))
                    .into(),
            ))
        }

        fn source(&self) -> String {
            "the test metadata service".to_string()
        }
    }

    #[tokio::test]
    async fn temporary_credentials_are_cached_refreshed_once_and_recovered() {
        use std::sync::atomic::Ordering::SeqCst;
        let clock = crate::time::SkewedClock::new(0);
        let inner = Arc::new(Temporary {
            clock: clock.clone(),
            ttl: 3600,
            fetches: Default::default(),
            failing: Default::default(),
        });
        let p = Arc::new(CachingProvider::new(inner.clone()).with_clock(clock.clone()));
        let first = p.provide().await.unwrap().into_access_key().unwrap();
        for _ in 0..5 {
            assert_eq!(p.provide().await.unwrap().into_access_key().unwrap(), first);
        }
        assert_eq!(inner.fetches.load(SeqCst), 1);

        // Inside the 5-minute margin: 100 concurrent callers share one refresh, and each gets
        // a key and token from the same refresh.
        clock.set_offset(3600 - 200);
        let calls: Vec<_> = (0..100)
            .map(|_| {
                let p = p.clone();
                tokio::spawn(async move { p.provide().await })
            })
            .collect();
        for c in calls {
            let k = c.await.unwrap().unwrap().into_access_key().unwrap();
            assert_eq!(k.id, "TMPKEY2");
            assert_eq!(k.session_token.unwrap().expose(), "token-2");
        }
        assert_eq!(inner.fetches.load(SeqCst), 2);

        // A failed refresh is a credentials error naming the source; after the back-off the
        // next call recovers.
        clock.set_offset(2 * 3600);
        inner.failing.store(true, SeqCst);
        let e = p.provide().await.unwrap_err();
        assert!(matches!(e, Error::Credentials { .. }), "{e:?}");
        assert!(e.to_string().contains("the test metadata service"), "{e}");
        inner.failing.store(false, SeqCst);
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let k = p.provide().await.unwrap().into_access_key().unwrap();
        assert_eq!(k.id, "TMPKEY4");
    }

    #[tokio::test]
    async fn long_term_credentials_are_looked_up_once() {
        let env =
            EnvSource::from_pairs([("EXAMPLE_KEY_ID", "AKIDx"), ("EXAMPLE_KEY_SECRET", "sk")]);
        let p = CachingProvider::new(Arc::new(EnvironmentProvider::new(KEYS).with_env(env)));
        for _ in 0..10 {
            p.provide().await.unwrap();
        }
        assert_eq!(p.fetch_count(), 1);
    }

    #[test]
    fn secrets_never_print() {
        let k = AccessKey::new("AKID", "topsecret").with_session_token("tokentoken");
        let b = BasicAuth::new("admin", "hunter2");
        let all = format!(
            "{k:?} {b:?} {} {:?}",
            k.secret,
            Credentials::from(k.clone())
        );
        for s in ["topsecret", "tokentoken", "hunter2"] {
            assert!(!all.contains(s), "{all}");
        }
        assert!(all.contains("AKID"));
    }
}
