//! Extra trusted roots: PEM certificates read and checked before the TLS library sees them,
//! so a file that is not one is refused naming the root certificates.

use base64::Engine as _;

use crate::error::Error;
use crate::files::read_limited;

/// The largest root-certificate file read, in bytes (a whole public CA bundle is a few
/// hundred KiB).
pub const MAX_ROOTS_FILE_BYTES: u64 = 4 * 1024 * 1024;

const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
const END: &str = "-----END CERTIFICATE-----";

fn refused(rule: impl Into<String>) -> Error {
    Error::invalid_input("root certificates", rule)
}

/// The DER certificates of every PEM source, in order: the bytes given, then the files read.
pub(crate) fn certificates(
    pems: &[Vec<u8>],
    files: &[std::path::PathBuf],
) -> Result<Vec<Vec<u8>>, Error> {
    let mut out = Vec::new();
    for (i, pem) in pems.iter().enumerate() {
        out.extend(parse_pem(pem).map_err(|why| refused(format!("PEM #{}: {why}", i + 1)))?);
    }
    for path in files {
        let bytes = read_limited(path, MAX_ROOTS_FILE_BYTES)
            .map_err(|why| refused(format!("cannot read {}: {why}", path.display())))?;
        out.extend(parse_pem(&bytes).map_err(|why| refused(format!("{}: {why}", path.display())))?);
    }
    Ok(out)
}

/// The certificates of a PEM bundle, each decoded and checked to have a certificate's DER
/// shape. Text outside the blocks is ignored, as PEM allows; a block that is cut short,
/// holds what is not base64, or decodes to something that is not a certificate is refused.
fn parse_pem(pem: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let text = std::str::from_utf8(pem).map_err(|_| "is not PEM text".to_string())?;
    let mut certs = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        let body_start = start + BEGIN.len();
        let Some(len) = rest[body_start..].find(END) else {
            return Err(format!("certificate #{} has no END line", certs.len() + 1));
        };
        let body: String = rest[body_start..body_start + len]
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(body.as_bytes())
            .map_err(|_| format!("certificate #{} is not base64", certs.len() + 1))?;
        if !is_certificate_der(&der) {
            return Err(format!(
                "certificate #{} is not an X.509 certificate",
                certs.len() + 1
            ));
        }
        certs.push(der);
        rest = &rest[body_start + len + END.len()..];
    }
    if certs.is_empty() {
        return Err("must hold at least one PEM certificate".to_string());
    }
    Ok(certs)
}

/// One DER element: its tag and where its contents end, or `None` when the bytes at `at` are
/// not one.
fn element(der: &[u8], at: usize) -> Option<(u8, usize, usize)> {
    let tag = *der.get(at)?;
    let first = *der.get(at + 1)?;
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | usize::from(*der.get(at + 2 + i)?);
        }
        (len, 2 + n)
    };
    let start = at + header;
    let end = start.checked_add(len)?;
    (end <= der.len()).then_some((tag, start, end))
}

/// Whether `der` has an X.509 certificate's outer shape: a SEQUENCE that fills it, holding
/// exactly a SEQUENCE (what is signed), a SEQUENCE (the algorithm) and a BIT STRING.
fn is_certificate_der(der: &[u8]) -> bool {
    let Some((0x30, mut at, end)) = element(der, 0) else {
        return false;
    };
    if end != der.len() {
        return false;
    }
    for want in [0x30, 0x30, 0x03] {
        match element(der, at) {
            Some((tag, _, next)) if tag == want && next <= end => at = next,
            _ => return false,
        }
    }
    at == end
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A certificate's outer shape, enough for the checks here.
    fn shaped() -> Vec<u8> {
        let tbs = [0x30, 0x03, 0x02, 0x01, 0x01];
        let alg = [0x30, 0x00];
        let sig = [0x03, 0x02, 0x00, 0xff];
        let inner: Vec<u8> = [&tbs[..], &alg, &sig].concat();
        [vec![0x30, inner.len() as u8], inner].concat()
    }

    fn pem(der: &[u8]) -> String {
        format!(
            "{BEGIN}\n{}\n{END}\n",
            base64::engine::general_purpose::STANDARD.encode(der)
        )
    }

    #[test]
    fn bundles_and_junk() {
        let good = pem(&shaped());
        assert_eq!(
            parse_pem(format!("comment\n{good}{good}").as_bytes())
                .unwrap()
                .len(),
            2
        );
        for bad in [
            format!("{BEGIN}\nbm90IGEgY2VydA==\n{END}\n"),
            format!("{BEGIN}\n!!!!\n{END}\n"),
            format!("{BEGIN}\n{}\n", "MAA="),
            "no certificates here".to_string(),
            pem(&[0x30, 0x00]),
        ] {
            assert!(parse_pem(bad.as_bytes()).is_err(), "{bad}");
        }
    }
}
