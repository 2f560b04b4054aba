//! The date parsers and `Retry-After` take any text without panic; what they accept formats
//! back to the same instant.
#![no_main]

use cloudops_core::Headers;
use cloudops_core::retry::parse_retry_after;
use cloudops_core::time::{Timestamp, UtcDateTime};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let now = data
        .get(..8)
        .and_then(|b| b.try_into().ok())
        .map(i64::from_le_bytes)
        .unwrap_or(0);
    let text = String::from_utf8_lossy(data.get(8..).unwrap_or_default());

    if let Some(t) = UtcDateTime::parse_rfc1123(&text) {
        let again = UtcDateTime::parse_rfc1123(&t.rfc1123()).expect("its own format");
        assert_eq!(again.to_unix(), t.to_unix());
    }
    if let Some(t) = UtcDateTime::parse_compact_iso8601(&text) {
        let again =
            UtcDateTime::parse_compact_iso8601(&t.compact_iso8601()).expect("its own format");
        assert_eq!(again.to_unix(), t.to_unix());
    }
    if let Some(t) = UtcDateTime::parse_rfc3339(&text) {
        let _ = t.date_dashed();
    }
    if let Some(t) = Timestamp::parse_rfc3339(&text) {
        let again = Timestamp::parse_rfc3339(&t.to_string()).expect("its own format");
        assert_eq!(again, t);
        let _ = (t.to_system_time(), t.utc().rfc1123());
    }
    let t = UtcDateTime::from_unix(now);
    let _ = (
        t.rfc1123(),
        t.compact_iso8601(),
        t.date_dashed(),
        t.to_unix(),
    );

    let mut headers = Headers::new();
    headers.set("retry-after", text.trim());
    let _ = parse_retry_after(&headers, now);
});
