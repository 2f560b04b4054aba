//! Byte-level encodings shared by the signers and the URL builder.

const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";
const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// The two lowercase hexadecimal digits of every byte value, in order.
static HEX_PAIRS: [[u8; 2]; 256] = {
    let mut pairs = [[0u8; 2]; 256];
    let mut b = 0;
    while b < 256 {
        pairs[b] = [HEX_LOWER[b >> 4], HEX_LOWER[b & 15]];
        b += 1;
    }
    pairs
};

/// Appends the lowercase hexadecimal of `bytes` to `out`.
pub fn push_hex_lower(out: &mut String, bytes: &[u8]) {
    out.reserve(bytes.len() * 2);
    // A digest at a time through a buffer on the stack, a byte's two digits from one table
    // entry, appended as one piece.
    for block in bytes.chunks(32) {
        let mut digits = [[0u8; 2]; 32];
        for (pair, &b) in digits.iter_mut().zip(block) {
            *pair = HEX_PAIRS[usize::from(b)];
        }
        push_ascii(out, digits[..block.len()].as_flattened());
    }
}

/// Lowercase hexadecimal of `bytes`.
pub fn hex_lower(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    push_hex_lower(&mut out, bytes);
    out
}

/// Uppercase hexadecimal of `bytes`.
pub fn hex_upper(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(HEX_UPPER[usize::from(b >> 4)]));
        out.push(char::from(HEX_UPPER[usize::from(b & 15)]));
    }
    out
}

/// Appends `input` percent-encoded (every byte but the unreserved characters, uppercase hex)
/// to `out`.
pub fn push_percent_encoded(out: &mut String, input: &str) {
    let bytes = input.as_bytes();
    out.reserve(bytes.len());
    // Runs of unreserved characters are copied whole; they are ASCII, so each run is text
    // of its own.
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if is_unreserved(b) {
            continue;
        }
        push_ascii(out, &bytes[run..i]);
        out.push('%');
        out.push(char::from(HEX_UPPER[usize::from(b >> 4)]));
        out.push(char::from(HEX_UPPER[usize::from(b & 15)]));
        run = i + 1;
    }
    push_ascii(out, bytes.get(run..).unwrap_or_default());
}

/// Appends bytes known to be ASCII.
fn push_ascii(out: &mut String, ascii: &[u8]) {
    if let Ok(text) = std::str::from_utf8(ascii) {
        out.push_str(text);
    }
}

/// Whether `b` is an RFC 3986 unreserved character (`A-Z a-z 0-9 - _ . ~`).
pub fn is_unreserved(b: u8) -> bool {
    UNRESERVED[usize::from(b)]
}

/// The RFC 3986 unreserved characters, by byte.
const UNRESERVED: [bool; 256] = ascii_table(b"-_.~");

/// A table by byte that holds the ASCII letters and digits and the bytes of `extra`.
pub(crate) const fn ascii_table(extra: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = (i as u8).is_ascii_alphanumeric();
        i += 1;
    }
    let mut j = 0;
    while j < extra.len() {
        t[extra[j] as usize] = true;
        j += 1;
    }
    t
}

/// Percent-encodes every byte of `input` except the RFC 3986 unreserved characters, with
/// uppercase hex digits. A space becomes `%20`, never `+`.
///
/// ```
/// assert_eq!(cloudops_core::encoding::percent_encode("a b/ü"), "a%20b%2F%C3%BC");
/// ```
pub fn percent_encode(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    push_percent_encoded(&mut out, input);
    out
}

/// Decodes `%XX` escapes in `input`. Malformed escapes are kept as they are; `+` is not a space.
/// Invalid UTF-8 in the result is replaced with U+FFFD.
pub fn percent_decode(input: &str) -> String {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex_val(bytes[i + 1]), hex_val(bytes[i + 2]))
        {
            out.push(h << 4 | l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Encodes query pairs as `k=v&k=v` in the given order, each key and value percent-encoded.
pub fn encode_query(pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&percent_encode(k));
        out.push('=');
        out.push_str(&percent_encode(v));
    }
    out
}

/// Encodes query pairs as `k=v&k=v` sorted by *decoded* key, then decoded value (code-point
/// order), and only then percent-encoded: the canonical query the SDK-HMAC-SHA256 and the
/// HMAC-SHA1 access-key signatures cover, as the vendors' own code computes it. (Sorting the
/// encoded forms gives another order when an encoded character meets an unreserved one:
/// `t=100&t=10%3A00`, not the reverse.)
///
/// ```
/// let q = [("t".to_string(), "10:00".to_string()), ("t".to_string(), "100".to_string())];
/// assert_eq!(cloudops_core::encoding::encode_query_sorted(&q), "t=100&t=10%3A00");
/// ```
pub fn encode_query_sorted(pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    push_query_sorted(&mut out, pairs);
    out
}

/// Appends the canonical query of [`encode_query_sorted`] to `out`.
pub fn push_query_sorted(out: &mut String, pairs: &[(String, String)]) {
    if pairs.is_empty() {
        return;
    }
    let order = crate::order::stable_order(pairs.len(), &mut |a, b| pairs[a].cmp(&pairs[b]));
    for (i, (k, v)) in order.iter().map(|&i| &pairs[i]).enumerate() {
        if i > 0 {
            out.push('&');
        }
        push_percent_encoded(out, k);
        out.push('=');
        push_percent_encoded(out, v);
    }
}

/// Splits a query string (without the leading `?`) into decoded pairs. A key without `=` has an
/// empty value.
pub fn decode_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (percent_decode(k), percent_decode(v)),
            None => (percent_decode(p), String::new()),
        })
        .collect()
}

/// Reads a JSON string, or a number as its decimal text, as a `String`: for identifiers a
/// service documents as strings but sometimes sends as numbers (`#[serde(deserialize_with)]`).
pub fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    struct Text;
    impl serde::de::Visitor<'_> for Text {
        type Value = String;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string or a number")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_string<E: serde::de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<String, E> {
            Ok(v.to_string())
        }
    }
    d.deserialize_any(Text)
}

/// A number type [`number_or_string`] reads: `i64`, `u64` or `f64`.
pub trait LenientNumber: std::str::FromStr + Sized {
    /// The value of a JSON integer, when it fits.
    fn from_i64(v: i64) -> Option<Self>;
    /// The value of a JSON unsigned integer, when it fits.
    fn from_u64(v: u64) -> Option<Self>;
    /// The value of a JSON float, when the type holds it exactly.
    fn from_f64(v: f64) -> Option<Self>;
}

impl LenientNumber for i64 {
    fn from_i64(v: i64) -> Option<Self> {
        Some(v)
    }
    fn from_u64(v: u64) -> Option<Self> {
        i64::try_from(v).ok()
    }
    fn from_f64(_: f64) -> Option<Self> {
        None
    }
}

impl LenientNumber for u64 {
    fn from_i64(v: i64) -> Option<Self> {
        u64::try_from(v).ok()
    }
    fn from_u64(v: u64) -> Option<Self> {
        Some(v)
    }
    fn from_f64(_: f64) -> Option<Self> {
        None
    }
}

impl LenientNumber for f64 {
    #[allow(clippy::cast_precision_loss)]
    fn from_i64(v: i64) -> Option<Self> {
        Some(v as f64)
    }
    #[allow(clippy::cast_precision_loss)]
    fn from_u64(v: u64) -> Option<Self> {
        Some(v as f64)
    }
    fn from_f64(v: f64) -> Option<Self> {
        Some(v)
    }
}

struct Lenient<T>(std::marker::PhantomData<T>);

impl<T: LenientNumber> serde::de::Visitor<'_> for Lenient<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a number, or a string holding one")
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        T::from_i64(v)
            .map(Some)
            .ok_or_else(|| E::custom(format!("{v} is out of range")))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::from_u64(v)
            .map(Some)
            .ok_or_else(|| E::custom(format!("{v} is out of range")))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        T::from_f64(v)
            .map(Some)
            .ok_or_else(|| E::custom(format!("{v} is not an integer")))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        v.trim()
            .parse()
            .map(Some)
            .map_err(|_| E::custom(format!("{v:?} is not a number")))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// Reads a JSON number, or a string holding one (`"8"`, `"1.0"`), as `T`: for numbers a
/// service documents as numbers but shows as strings in its examples
/// (`#[serde(deserialize_with)]`). Null is an error.
pub fn number_or_string<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: LenientNumber,
{
    d.deserialize_any(Lenient::<T>(std::marker::PhantomData))?
        .ok_or_else(|| serde::de::Error::custom("a number, or a string holding one, not null"))
}

/// [`number_or_string`] for a member that may be null or absent (with `#[serde(default)]`).
pub fn number_or_string_opt<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: LenientNumber,
{
    d.deserialize_any(Lenient::<T>(std::marker::PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_from_numbers_or_text() {
        #[derive(serde::Deserialize)]
        struct N {
            #[serde(deserialize_with = "number_or_string")]
            i: i64,
            #[serde(default, deserialize_with = "number_or_string_opt")]
            f: Option<f64>,
        }
        let n: N = serde_json::from_str(r#"{"i":"147283","f":"1.5"}"#).unwrap();
        assert_eq!((n.i, n.f), (147_283, Some(1.5)));
        let n: N = serde_json::from_str(r#"{"i":-3,"f":null}"#).unwrap();
        assert_eq!((n.i, n.f), (-3, None));
        let n: N = serde_json::from_str(r#"{"i":7}"#).unwrap();
        assert_eq!(n.f, None);
        for bad in [
            r#"{"i":"x"}"#,
            r#"{"i":1.5}"#,
            r#"{"i":null}"#,
            r#"{"i":true}"#,
        ] {
            assert!(serde_json::from_str::<N>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn encodes_reserved_and_unicode() {
        assert_eq!(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
        assert_eq!(percent_encode("a b"), "a%20b");
        assert_eq!(percent_encode("/%?#&="), "%2F%25%3F%23%26%3D");
        assert_eq!(percent_encode("未"), "%E6%9C%AA");
    }

    #[test]
    fn decode_round_trips_and_tolerates_malformed_escapes() {
        for s in ["a b", "/%?#", "未命名", "x+y"] {
            assert_eq!(percent_decode(&percent_encode(s)), s);
        }
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("a%41"), "aA");
        assert_eq!(percent_decode("x+y"), "x+y");
    }

    #[test]
    fn query_round_trip() {
        let pairs = vec![
            ("k".to_string(), "a b".to_string()),
            ("k".to_string(), "/".to_string()),
            ("e".to_string(), String::new()),
        ];
        let q = encode_query(&pairs);
        assert_eq!(q, "k=a%20b&k=%2F&e=");
        assert_eq!(decode_query(&q), pairs);
        assert_eq!(
            decode_query("flag&&x=1"),
            vec![
                ("flag".to_string(), String::new()),
                ("x".to_string(), "1".to_string())
            ]
        );
    }

    #[test]
    fn hex() {
        assert_eq!(hex_lower(&[0, 0xab, 0xff]), "00abff");
        assert_eq!(hex_upper(&[0, 0xab, 0xff]), "00ABFF");
    }

    #[test]
    fn strings_or_numbers() {
        #[derive(serde::Deserialize)]
        struct Id {
            #[serde(deserialize_with = "super::string_or_number")]
            id: String,
        }
        for (json, want) in [
            (r#"{"id":"a7"}"#, "a7"),
            (r#"{"id":42}"#, "42"),
            (r#"{"id":-3}"#, "-3"),
        ] {
            let got: Id = serde_json::from_str(json).unwrap();
            assert_eq!(got.id, want);
        }
        assert!(serde_json::from_str::<Id>(r#"{"id":true}"#).is_err());
        assert!(serde_json::from_str::<Id>(r#"{"id":null}"#).is_err());
    }
}
