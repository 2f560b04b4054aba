//! A private certificate authority for HTTPS emulators: a CA certificate a client can be told
//! to trust, and server certificates it signs (valid, for another name, or expired).

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// Which server certificate a TLS test server presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerCert {
    /// Valid now, for `localhost` and `127.0.0.1`.
    Valid,
    /// Valid now, but for `other.example` only.
    WrongName,
    /// For `localhost` and `127.0.0.1`, but expired a year ago.
    Expired,
}

/// A certificate authority generated for the test run.
pub struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    pem: String,
}

impl std::fmt::Debug for TestCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestCa").finish_non_exhaustive()
    }
}

/// A TLS setup failure in the test kit.
pub type TlsError = Box<dyn std::error::Error + Send + Sync>;

impl TestCa {
    /// A new CA with a fresh key.
    pub fn new() -> Result<TestCa, TlsError> {
        let key = KeyPair::generate()?;
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params
            .distinguished_name
            .push(DnType::CommonName, "cloudops test CA");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let cert = params.self_signed(&key)?;
        Ok(TestCa {
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
        })
    }

    /// The CA certificate, PEM: what a client adds to trust the servers this CA signs.
    pub fn pem(&self) -> &str {
        &self.pem
    }

    /// A TLS acceptor presenting a server certificate of `kind` signed by this CA.
    pub fn acceptor(&self, kind: ServerCert) -> Result<TlsAcceptor, TlsError> {
        let names = match kind {
            ServerCert::WrongName => vec!["other.example".to_string()],
            _ => vec!["localhost".to_string(), "127.0.0.1".to_string()],
        };
        let mut params = CertificateParams::new(names)?;
        params
            .distinguished_name
            .push(DnType::CommonName, "cloudops test server");
        if kind == ServerCert::Expired {
            let now = std::time::SystemTime::now();
            let year = std::time::Duration::from_secs(365 * 86_400);
            params.not_before = (now - 2 * year).into();
            params.not_after = (now - year).into();
        }
        let key = KeyPair::generate()?;
        let cert = params.signed_by(&key, &self.issuer)?;
        let chain = vec![CertificateDer::from(cert.der().to_vec())];
        let private = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(chain, private)?;
        Ok(TlsAcceptor::from(Arc::new(config)))
    }
}
