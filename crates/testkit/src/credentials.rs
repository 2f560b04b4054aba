//! Checks of credential chains.

use cloudops_core::credentials::CredentialsChain;

/// Panics unless `chain` tries exactly as many providers as `expected` names, in that order,
/// each [`source`](cloudops_core::credentials::ProvideCredentials::source) starting with its
/// entry (a source may add a path or URL of its own).
pub fn assert_chain_sources(chain: &CredentialsChain, expected: &[&str]) {
    let sources = chain.sources();
    let matches = sources.len() == expected.len()
        && sources.iter().zip(expected).all(|(s, e)| s.starts_with(e));
    assert!(matches, "the chain tries {sources:?}, not {expected:?}");
}
