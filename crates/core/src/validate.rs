//! Validation helpers: every documented constraint becomes an [`Error::InvalidInput`] naming
//! the field and the rule, before anything is sent.

use std::borrow::Cow;

use crate::encoding::{percent_decode, percent_encode};
use crate::error::Error;

/// Checks that `value` has between `min` and `max` characters.
pub fn length(field: &str, value: &str, min: usize, max: usize) -> Result<(), Error> {
    let n = value.chars().count();
    if n < min || n > max {
        let rule = if min == max {
            format!("must be exactly {min} characters long (got {n})")
        } else if n == 0 {
            "must not be empty".to_string()
        } else {
            format!("must be {min} to {max} characters long (got {n})")
        };
        return Err(Error::invalid_input(field, rule));
    }
    Ok(())
}

/// Checks that `value` is not empty (or only white space).
pub fn non_empty(field: &str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::invalid_input(field, "must not be empty"));
    }
    Ok(())
}

/// Checks that `value` lies in `min..=max`.
pub fn range<T: PartialOrd + std::fmt::Display>(
    field: &str,
    value: T,
    min: T,
    max: T,
) -> Result<(), Error> {
    if value < min || value > max {
        return Err(Error::invalid_input(
            field,
            format!("must be between {min} and {max} (got {value})"),
        ));
    }
    Ok(())
}

/// Checks that an integer is at least `min`; for `min` 1 the rule reads "a positive
/// integer".
pub fn at_least(field: &str, value: impl Into<i128>, min: i128) -> Result<(), Error> {
    let value = value.into();
    if value < min {
        let rule = if min == 1 {
            format!("must be a positive integer (got {value})")
        } else {
            format!("must be at least {min} (got {value})")
        };
        return Err(Error::invalid_input(field, rule));
    }
    Ok(())
}

/// Checks that an integer is at most `max`.
pub fn at_most(field: &str, value: impl Into<i128>, max: i128) -> Result<(), Error> {
    let value = value.into();
    if value > max {
        return Err(Error::invalid_input(
            field,
            format!("must be at most {max} (got {value})"),
        ));
    }
    Ok(())
}

/// Checks that every character of `value` satisfies `allowed`; `description` names the
/// allowed set in the error ("letters, digits and '-'").
pub fn charset(
    field: &str,
    value: &str,
    description: &str,
    allowed: impl Fn(char) -> bool,
) -> Result<(), Error> {
    // ASCII, the usual case, a byte at a time without decoding.
    let found = if value.is_ascii() {
        value.bytes().map(char::from).find(|c| !allowed(*c))
    } else {
        value.chars().find(|c| !allowed(*c))
    };
    if let Some(c) = found {
        return Err(Error::invalid_input(
            field,
            format!("may contain only {description} (found {c:?})"),
        ));
    }
    Ok(())
}

/// Checks that `value` is one of `allowed`.
pub fn one_of(field: &str, value: &str, allowed: &[&str]) -> Result<(), Error> {
    if !allowed.contains(&value) {
        return Err(Error::invalid_input(
            field,
            format!("must be one of {} (got {value:?})", allowed.join(", ")),
        ));
    }
    Ok(())
}

/// Checks that a list has between `min` and `max` items.
pub fn count(field: &str, len: usize, min: usize, max: usize) -> Result<(), Error> {
    if len < min || len > max {
        return Err(Error::invalid_input(
            field,
            format!("must have {min} to {max} items (got {len})"),
        ));
    }
    Ok(())
}

/// Checks that a list has no repeated item.
pub fn unique<T: PartialEq + std::fmt::Debug>(field: &str, items: &[T]) -> Result<(), Error> {
    for (i, a) in items.iter().enumerate() {
        if items[..i].contains(a) {
            return Err(Error::invalid_input(
                field,
                format!("must not repeat an item (found {a:?} twice)"),
            ));
        }
    }
    Ok(())
}

/// Percent-encodes one path segment, refusing values that could change the path's shape:
/// empty, `.` or `..`, or containing `/`, `\`, `?`, `#`, `%` or control characters. As
/// [`encoded_segment`], always as a new string.
pub fn path_segment(field: &str, value: &str) -> Result<String, Error> {
    encoded_segment(field, value).map(Cow::into_owned)
}

/// Checks and percent-encodes one path segment as [`path_segment`] does, borrowing `value`
/// when it needs no encoding (only RFC 3986 unreserved characters, the usual id).
pub fn encoded_segment<'a>(field: &str, value: &'a str) -> Result<Cow<'a, str>, Error> {
    if value.is_empty() {
        return Err(Error::invalid_input(field, "must not be empty"));
    }
    if value == "." || value == ".." {
        return Err(Error::invalid_input(field, "must not be `.` or `..`"));
    }
    if value.bytes().all(crate::encoding::is_unreserved) {
        return Ok(Cow::Borrowed(value));
    }
    if let Some(c) = value
        .chars()
        .find(|c| matches!(c, '/' | '\\' | '?' | '#' | '%') || c.is_control())
    {
        return Err(Error::invalid_input(
            field,
            format!("must not contain {c:?} (it would change the request path)"),
        ));
    }
    Ok(Cow::Owned(percent_encode(value)))
}

/// Checks a header value: no CR, LF or other control characters besides tab.
pub fn header_value(field: &str, value: &str) -> Result<(), Error> {
    if has_control(value) {
        return Err(Error::invalid_input(
            field,
            "must not contain CR, LF or other control characters",
        ));
    }
    Ok(())
}

/// Whether a header of `name` and `value` can be sent as it is: the checks of
/// [`header_name`] and [`header_value`] as one answer, without building an error.
#[inline]
pub(crate) fn sendable_header(name: &str, value: &str) -> bool {
    is_token(name) && !has_control(value)
}

/// Whether `value` holds a control character other than tab: C0 (and DEL) as one byte, C1
/// as `0xC2 0x80..=0x9F` in UTF-8.
#[inline]
fn has_control(value: &str) -> bool {
    let b = value.as_bytes();
    // Printable ASCII and tab, the usual case, checked first in a form the compiler vectorizes.
    if printable_ascii(b) {
        return false;
    }
    b.iter().enumerate().any(|(i, &c)| {
        (c < 0x20 && c != b'\t')
            || c == 0x7f
            || (c == 0xc2 && b.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)))
    })
}

/// Whether `b` holds only printable ASCII and tab: one pass that ORs a flag per byte, with no
/// branch, so it runs as vector instructions (header values are short and nearly always
/// valid, so stopping early would gain nothing).
#[inline]
pub(crate) fn printable_ascii(b: &[u8]) -> bool {
    let bad = |c: u8| (c.wrapping_sub(0x20) >= 0x5f) & (c != b'\t');
    !b.iter().fold(false, |any, &c| any | bad(c))
}

/// The characters a path may hold as they are (RFC 3986 `pchar` without `%`, and `/`), by
/// byte.
const PATH_CHARS: [bool; 256] = crate::encoding::ascii_table(b"-_.~!$&'()*+,;=:@/");

/// The RFC 9110 token characters, by byte.
const TOKEN: [bool; 256] = crate::encoding::ascii_table(b"!#$%&'*+-.^_`|~");

/// Checks a header name: one or more RFC 9110 token characters (letters, digits and
/// ``!#$%&'*+-.^_`|~``).
pub fn header_name(name: &str) -> Result<(), Error> {
    if !is_token(name) {
        return Err(Error::invalid_input(
            "header name",
            format!(
                "must be letters, digits and !#$%&'*+-.^_`|~ only (got {:?})",
                name
            ),
        ));
    }
    Ok(())
}

/// Whether `name` is a non-empty RFC 9110 token. Without a branch per byte: names are short,
/// and nearly always valid.
#[inline]
pub(crate) fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .fold(true, |all, b| all & TOKEN[usize::from(b)])
}

/// Checks an encoded request path: it starts with `/`, holds only RFC 3986 path characters
/// (letters, digits, ``-._~!$&'()*+,;=:@``, `/` and `%` with two hex digits), and has no
/// segment that is, or percent-decodes to, `.` or `..` or contains a backslash. Any other path
/// would be read differently by the server, a proxy or the URL parser than it was signed, or
/// reach another resource than the one named.
pub fn request_path(field: &str, path: &str) -> Result<(), Error> {
    if !path.starts_with('/') {
        return Err(Error::invalid_input(field, "must start with '/'"));
    }
    let b = path.as_bytes();
    // The usual path holds only plain path characters: checked without a branch per byte,
    // and only a path with something else is walked to find and check it.
    let plain = b
        .iter()
        .fold(true, |all, &c| all & PATH_CHARS[usize::from(c)]);
    if !plain {
        for (i, &c) in b.iter().enumerate() {
            let ok = PATH_CHARS[usize::from(c)]
                || (c == b'%'
                    && b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                    && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit));
            if !ok {
                let shown = path[i..].chars().next().unwrap_or('?');
                return Err(Error::invalid_input(
                    field,
                    format!(
                        "must be percent-encoded, with only RFC 3986 path characters (found {shown:?}; \
                         use the query setters for a query)"
                    ),
                ));
            }
        }
    }
    if !b.contains(&b'.') && !b.contains(&b'%') {
        return Ok(());
    }
    for segment in path.split('/') {
        if !segment.contains(['.', '%']) {
            continue;
        }
        let decoded = percent_decode(segment);
        if decoded == "." || decoded == ".." {
            return Err(Error::invalid_input(
                field,
                format!("must not have a `.` or `..` segment, encoded or not (found {segment:?})"),
            ));
        }
        if decoded.contains('\\') {
            return Err(Error::invalid_input(
                field,
                format!("must not contain an encoded backslash (found {segment:?})"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_and_ranges() {
        assert!(length("id", "abc", 1, 3).is_ok());
        let e = length("id", "abcd", 1, 3).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid input: `id` must be 1 to 3 characters long (got 4)"
        );
        assert!(
            length("id", "", 1, 3)
                .unwrap_err()
                .to_string()
                .contains("must not be empty")
        );
        assert!(
            length("p", "x", 32, 32)
                .unwrap_err()
                .to_string()
                .contains("exactly 32")
        );
        assert!(range("num", 10, 1, 10).is_ok());
        assert!(
            range("num", 11, 1, 10)
                .unwrap_err()
                .to_string()
                .contains("between 1 and 10 (got 11)")
        );
        assert!(count("ids", 0, 1, 100).is_err());
        assert!(
            unique("ids", &["a", "b", "a"])
                .unwrap_err()
                .to_string()
                .contains("\"a\" twice")
        );
        assert!(one_of("period_type", "week", &["month", "year"]).is_err());
        assert!(
            charset("id", "ab-1", "letters, digits and '-'", |c| c
                .is_ascii_alphanumeric()
                || c == '-')
            .is_ok()
        );
        assert!(
            charset("id", "ab_1", "letters, digits and '-'", |c| c
                .is_ascii_alphanumeric()
                || c == '-')
            .is_err()
        );
    }

    #[test]
    fn path_segments() {
        assert_eq!(path_segment("id", "a b").unwrap(), "a%20b");
        assert_eq!(path_segment("id", "未").unwrap(), "%E6%9C%AA");
        for bad in ["", ".", "..", "a/b", "a?b", "a#b", "a%2Fb", "a\nb", "a\\b"] {
            let e = path_segment("instance_id", bad).unwrap_err();
            assert_eq!(e.invalid_field(), Some("instance_id"), "{bad}");
        }
        assert!(path_segment("id", "...").is_ok());
        // An id of unreserved characters is borrowed; anything else is encoded, or refused.
        let id = "2f1a3b5c-7d9e_4f60.a1b2~c3d4";
        assert!(matches!(encoded_segment("id", id), Ok(Cow::Borrowed(b)) if b == id));
        assert!(matches!(encoded_segment("id", "a b"), Ok(Cow::Owned(o)) if o == "a%20b"));
        for bad in ["", ".", "..", "a/b", "a%2Fb", "a\u{85}b"] {
            assert!(encoded_segment("id", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn request_paths() {
        for ok in ["/", "/v1/a.b/...x/%2Fy", "/a%20b/c", "/v1/.well-known"] {
            assert!(request_path("path", ok).is_ok(), "{ok}");
        }
        for bad in [
            "v1/x",
            "/v1/%2e%2e/admin",
            "/v1/%2E%2e/admin",
            "/v1/.%2e/admin",
            "/v1/../admin",
            "/v1/./a",
            "/v1/..",
            "/v1/\\..\\admin",
            "/v1/a%5cb",
            "/v1/a b",
            "/v1/a?b",
            "/v1/a#b",
            "/v1/\r\n",
            "/v1/{x}",
            "/v1/ü",
            "/v1/%zz",
            "/v1/%4",
            "/v1/a^b",
        ] {
            let e = request_path("path", bad).expect_err(bad);
            assert_eq!(e.invalid_field(), Some("path"), "{bad}");
        }
    }

    #[test]
    fn header_names() {
        assert!(header_name("x-request-id").is_ok());
        for bad in ["", "bad header", "x:y", "x\r\ny", "ü"] {
            assert!(header_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn header_values() {
        assert!(header_value("x-request-id", "abc\tdef").is_ok());
        assert!(header_value("x-request-id", "abc\r\nX-Evil: 1").is_err());
    }

    #[test]
    fn printable_ascii_is_visible_ascii_space_and_tab() {
        for b in 0..=u8::MAX {
            let expected = b == b'\t' || (0x20..0x7f).contains(&b);
            // Alone, and at every position of a longer run of valid bytes.
            assert_eq!(printable_ascii(&[b]), expected, "byte {b:#04x}");
            for at in [0, 15, 16, 31, 40] {
                let mut run = vec![b'a'; 41];
                run[at] = b;
                assert_eq!(printable_ascii(&run), expected, "byte {b:#04x} at {at}");
            }
        }
        assert!(printable_ascii(b""));
    }

    #[test]
    fn control_characters_are_those_unicode_names() {
        for c in (0..=0x10_ffff).filter_map(char::from_u32) {
            let s = format!("a{c}b");
            assert_eq!(
                has_control(&s),
                c.is_control() && c != '\t',
                "U+{:04X}",
                u32::from(c)
            );
        }
    }

    #[test]
    fn token_table_is_rfc_9110() {
        for b in 0..=255u8 {
            let rfc = b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
            assert_eq!(TOKEN[usize::from(b)], rfc, "{b}");
        }
    }
}
