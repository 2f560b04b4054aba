//! Redaction of secrets that a server echoes back, and escaping of server text before it is
//! shown.
//!
//! Gateways echo what they received: an API gateway's authentication error may carry its
//! canonical request, session-token line included, with `|`, real or JSON-escaped newlines
//! between lines, in any letter case, nested in an envelope or in a plain-text page. Every
//! copy of a server's text that an error keeps goes through [`redact_secrets`] first, and
//! every `Debug` and `Display` of an error redacts again when it prints.

use std::borrow::Cow;
use std::fmt;

use crate::request::SENSITIVE_HEADERS;
use crate::sign::SECRET_HEADERS;

/// Names whose values are secrets wherever a server echoes them: the sensitive headers, and
/// the keys credential endpoints and SDKs use for secrets (`Token`, `TmpSecretKey`,
/// `SecretKey`, `WebIdentityToken`, `secret`, `securitytoken`, `id_token`, `password`), in any
/// letter case. A name matches only whole, followed by `:` or `=`: `TokenCount: 3` is left
/// alone.
const SECRET_NAMES: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "secretkey",
    "secret_key",
    "secret_access_key",
    "tmpsecretkey",
    "token",
    "sessiontoken",
    "session_token",
    "securitytoken",
    "security_token",
    "webidentitytoken",
    "id_token",
    "idtoken",
    "access_token",
    "refresh_token",
    "client_secret",
    "private_key",
];

/// What replaces a secret value.
pub const REDACTED: &str = "***";

/// `text` with the value after every secret name (`proxy-authorization:`, `"Token": "`,
/// `Authorization=` ...) replaced by `***`, up to the end of that line (`|`, a real or
/// JSON-escaped newline) or the closing quote. Text without a secret name is returned as is.
///
/// ```
/// use cloudops_core::redact::redact_secrets;
/// let echoed = "canonicalRequest: POST|/v1/|Proxy-Authorization:abc/def=|host:h";
/// assert_eq!(
///     redact_secrets(echoed),
///     "canonicalRequest: POST|/v1/|Proxy-Authorization:***|host:h"
/// );
/// ```
pub fn redact_secrets(text: &str) -> Cow<'_, str> {
    let lower = text.to_ascii_lowercase();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for name in SENSITIVE_HEADERS
        .iter()
        .chain(SECRET_HEADERS)
        .chain(SECRET_NAMES)
    {
        let mut from = 0;
        while let Some(found) = lower[from..].find(name) {
            let start = from + found;
            from = start + name.len();
            if !at_name_start(&lower[..start]) {
                continue;
            }
            if let Some(span) = value_span(text.as_bytes(), start + name.len()) {
                spans.push(span);
            }
        }
    }
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    let order = crate::order::stable_order(spans.len(), &mut |a, b| spans[a].cmp(&spans[b]));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end) in order.iter().map(|&i| spans[i]) {
        if start < at {
            // Overlaps a span already redacted.
            if end > at {
                at = end;
            }
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(REDACTED);
        at = end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

/// Whether a name may start right after `before`: at the start, after a character that is not
/// part of a name, or after a JSON escape (`\n`, `\u000a`) that ends a line.
fn at_name_start(before: &str) -> bool {
    let b = before.as_bytes();
    let Some(&last) = b.last() else {
        return true;
    };
    if !(last.is_ascii_alphanumeric() || last == b'-' || last == b'_') {
        return true;
    }
    let n = b.len();
    let escaped_letter = n >= 2 && b[n - 2] == b'\\' && matches!(last, b'n' | b'r' | b't');
    let escaped_unicode = n >= 6
        && b[n - 6] == b'\\'
        && b[n - 5] == b'u'
        && b[n - 4..].iter().all(u8::is_ascii_hexdigit);
    escaped_letter || escaped_unicode
}

/// The byte range of the value that follows a secret name ending at `i`: after an optional
/// closing quote (plain or JSON-escaped), white space, `:` or `=`, white space and an opening
/// quote. `None` when no separator follows or the value is empty.
fn value_span(b: &[u8], mut i: usize) -> Option<(usize, usize)> {
    let skip_quote = |i: &mut usize| {
        if b.get(*i) == Some(&b'"') || b.get(*i) == Some(&b'\'') {
            *i += 1;
        } else if b.get(*i) == Some(&b'\\') && b.get(*i + 1) == Some(&b'"') {
            *i += 2;
        }
    };
    let skip_spaces = |i: &mut usize| {
        while b.get(*i).is_some_and(|c| *c == b' ' || *c == b'\t') {
            *i += 1;
        }
    };
    skip_quote(&mut i);
    skip_spaces(&mut i);
    if !matches!(b.get(i), Some(b':' | b'=')) {
        return None;
    }
    i += 1;
    skip_spaces(&mut i);
    skip_quote(&mut i);
    let start = i;
    while let Some(&c) = b.get(i) {
        match c {
            b'|' | b'\r' | b'\n' | b'"' | b'\'' => break,
            // A JSON escape that ends the line or the string; `\/` and `\\` stay inside.
            b'\\'
                if matches!(
                    b.get(i + 1),
                    Some(b'n' | b'r' | b't' | b'"' | b'u' | b'b' | b'f')
                ) =>
            {
                break;
            }
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    let end = i.min(b.len());
    (end > start).then_some((start, end))
}

/// Displays server text with control characters escaped (`\n`, `\r`, `\u{1b}` ...), so a
/// server cannot start a new log line or send terminal escapes through an error message.
#[derive(Clone, Copy)]
pub struct Escaped<'a>(pub &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                fmt::Write::write_char(f, c)?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "TOKEN/abc+def=";

    #[test]
    fn every_echoed_form_is_redacted() {
        for text in [
            format!("a|proxy-authorization:{T}|host:h"),
            format!("a|PROXY-AUTHORIZATION: {T}|host:h"),
            format!("a\nProxy-Authorization:{T}\nhost:h"),
            format!("a\r\nproxy-authorization:{T}\r\nhost:h"),
            format!(r#"{{"msg":"a\nproxy-authorization:{T}\nhost:h"}}"#),
            format!(r#"{{"msg":"a\u000aproxy-authorization:{T}\u000ahost:h"}}"#),
            format!(r#"{{"Proxy-Authorization": "{T}"}}"#),
            format!(r#"{{"msg":"{{\"cookie\":\"{T}\"}}"}}"#),
            format!("Authorization=SDK-HMAC-SHA256 Access=AK, Signature={T}"),
            format!(r#"{{"password":"{T}"}}"#),
            format!("proxy-authorization:{T}"),
            format!(r#"{{"Credentials":{{"Token":"{T}","TmpSecretId":"id"}}}}"#),
            format!(r#"{{"credential":{{"securitytoken":"{T}"}}}}"#),
            format!(r#"{{"auth":{{"id_token":{{"id":"x"}}}},"id_token":"{T}"}}"#),
            format!(r#"{{"WebIdentityToken": "{T}"}}"#),
        ] {
            let out = redact_secrets(&text);
            assert!(!out.contains("TOKEN/abc"), "{text} -> {out}");
            assert!(out.contains(REDACTED), "{text} -> {out}");
        }
    }

    #[test]
    fn the_signing_schemes_secret_headers_are_redacted() {
        for name in SECRET_HEADERS {
            let text = format!("a|{name}:{T}|host:h");
            let out = redact_secrets(&text);
            assert!(!out.contains("TOKEN/abc"), "{text} -> {out}");
        }
    }

    #[test]
    fn json_escapes_inside_a_value_are_kept_inside() {
        let text = r#"{"m":"proxy-authorization:ab\/cd\\ef\nhost:h"}"#;
        assert_eq!(
            redact_secrets(text),
            r#"{"m":"proxy-authorization:***\nhost:h"}"#
        );
    }

    #[test]
    fn other_text_is_untouched() {
        for text in [
            "no secrets here",
            "proxy-authorization-count: 3",
            "my-authorization is fine",
            "tokenizer:1",
            r#"{"TokenCount": 3}"#,
            "proxy-authorization:",
            "proxy-authorization",
        ] {
            assert!(matches!(redact_secrets(text), Cow::Borrowed(_)), "{text}");
        }
    }

    #[test]
    fn escaping_control_characters() {
        assert_eq!(
            Escaped("a\nb\r\u{1b}[31mc\td").to_string(),
            "a\\nb\\r\\u{1b}[31mc\\td"
        );
        assert_eq!(Escaped("未命名 ok").to_string(), "未命名 ok");
    }
}
