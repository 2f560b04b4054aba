//! Clocks and the date formats the vendors sign with.
//!
//! The formatting is done here from the Unix time, so signing needs no date-time crate.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A source of the current time. Signers never read the clock themselves: the caller passes
/// the time in, and the request pipeline takes it from a `Clock`.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// The system's wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock stopped at a fixed instant, for tests and reproducible snapshots.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub SystemTime);

impl FixedClock {
    /// A clock stopped at `secs` seconds after the Unix epoch.
    pub fn at_unix(secs: u64) -> Self {
        FixedClock(UNIX_EPOCH + Duration::from_secs(secs))
    }
}

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        self.0
    }
}

/// The system clock shifted by an adjustable offset, to model a machine whose clock is wrong.
#[derive(Debug, Default)]
pub struct SkewedClock {
    offset_secs: AtomicI64,
}

impl SkewedClock {
    /// A clock `offset_secs` seconds ahead of the system clock (behind when negative).
    pub fn new(offset_secs: i64) -> Arc<Self> {
        Arc::new(SkewedClock {
            offset_secs: AtomicI64::new(offset_secs),
        })
    }

    /// Changes the offset.
    pub fn set_offset(&self, offset_secs: i64) {
        self.offset_secs.store(offset_secs, Ordering::Relaxed);
    }
}

impl Clock for SkewedClock {
    fn now(&self) -> SystemTime {
        let off = self.offset_secs.load(Ordering::Relaxed);
        let now = SystemTime::now();
        if off >= 0 {
            now.checked_add(Duration::from_secs(off.unsigned_abs()))
                .unwrap_or(now)
        } else {
            now.checked_sub(Duration::from_secs(off.unsigned_abs()))
                .unwrap_or(UNIX_EPOCH)
        }
    }
}

/// Seconds since the Unix epoch (0 for times before it).
pub fn unix_seconds(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

/// A UTC calendar date and time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcDateTime {
    /// Year, e.g. 2019.
    pub year: i64,
    /// Month, 1 to 12.
    pub month: u32,
    /// Day of the month, 1 to 31.
    pub day: u32,
    /// Hour, 0 to 23.
    pub hour: u32,
    /// Minute, 0 to 59.
    pub minute: u32,
    /// Second, 0 to 59.
    pub second: u32,
    /// Day of the week, 0 = Sunday.
    pub weekday: u32,
}

const DAY_NAMES: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Appends `v` as at least two digits, as `{:02}` writes it.
fn push_two(out: &mut String, v: u32) {
    if v < 100 {
        out.push(char::from(b'0' + (v / 10) as u8));
        out.push(char::from(b'0' + (v % 10) as u8));
    } else {
        use std::fmt::Write as _;
        let _ = write!(out, "{v:02}");
    }
}

/// Appends `year` as at least four digits, as `{:04}` writes it.
fn push_year(out: &mut String, year: i64) {
    if (0..10_000).contains(&year) {
        let y = year as u32;
        push_two(out, y / 100);
        push_two(out, y % 100);
    } else {
        use std::fmt::Write as _;
        let _ = write!(out, "{year:04}");
    }
}

/// Appends the decimal digits of `v`.
#[cfg(any(feature = "tc3", test))]
pub(crate) fn push_decimal(out: &mut String, v: i64) {
    let mut digits = [0u8; 20];
    let mut n = v.unsigned_abs();
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        out.push('-');
    }
    // Digits are ASCII, so this always appends.
    if let Ok(text) = std::str::from_utf8(&digits[at..]) {
        out.push_str(text);
    }
}

impl UtcDateTime {
    /// The UTC date and time of `secs` seconds after the Unix epoch.
    pub fn from_unix(secs: i64) -> Self {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        UtcDateTime {
            year,
            month,
            day,
            hour: (rem / 3600) as u32,
            minute: (rem % 3600 / 60) as u32,
            second: (rem % 60) as u32,
            weekday: (days + 4).rem_euclid(7) as u32,
        }
    }

    /// The UTC date and time of `t`.
    pub fn from_system_time(t: SystemTime) -> Self {
        Self::from_unix(unix_seconds(t))
    }

    /// Seconds since the Unix epoch (saturating at the ends of `i64` for absurd years).
    pub fn to_unix(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day)
            .saturating_mul(86_400)
            .saturating_add(
                i64::from(self.hour) * 3600 + i64::from(self.minute) * 60 + i64::from(self.second),
            )
    }

    /// `YYYY-MM-DD`, the date of a TC3 credential scope.
    pub fn date_dashed(&self) -> String {
        let mut out = String::with_capacity(10);
        self.push_date_dashed(&mut out);
        out
    }

    /// Appends `YYYY-MM-DD` to `out`.
    pub(crate) fn push_date_dashed(&self, out: &mut String) {
        push_year(out, self.year);
        out.push('-');
        push_two(out, self.month);
        out.push('-');
        push_two(out, self.day);
    }

    /// `YYYYMMDDTHHMMSSZ`, the basic ISO 8601 form SDK-HMAC-SHA256 signs its date in.
    pub fn compact_iso8601(&self) -> String {
        let mut out = String::with_capacity(16);
        push_year(&mut out, self.year);
        for v in [self.month, self.day] {
            push_two(&mut out, v);
        }
        out.push('T');
        for v in [self.hour, self.minute, self.second] {
            push_two(&mut out, v);
        }
        out.push('Z');
        out
    }

    /// RFC 1123 (`Tue, 17 Jan 2023 03:36:01 GMT`), the HTTP `Date` format.
    pub fn rfc1123(&self) -> String {
        let mut out = String::with_capacity(29);
        out.push_str(DAY_NAMES[self.weekday as usize % 7]);
        out.push_str(", ");
        push_two(&mut out, self.day);
        out.push(' ');
        out.push_str(MONTH_NAMES[(self.month as usize + 11) % 12]);
        out.push(' ');
        push_year(&mut out, self.year);
        out.push(' ');
        push_two(&mut out, self.hour);
        out.push(':');
        push_two(&mut out, self.minute);
        out.push(':');
        push_two(&mut out, self.second);
        out.push_str(" GMT");
        out
    }

    /// Parses `YYYYMMDDTHHMMSSZ`.
    pub fn parse_compact_iso8601(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = s.get(r)?;
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            part.parse().ok()
        };
        Self::checked(
            i64::from(num(0..4)?),
            num(4..6)?,
            num(6..8)?,
            num(9..11)?,
            num(11..13)?,
            num(13..15)?,
        )
    }

    /// Parses an RFC 3339 time such as `2026-11-23T21:55:27.000000Z` or
    /// `2026-11-23T21:55:27+08:00` into its UTC date and time (fractions of a second are
    /// dropped; the offset is applied). [`Timestamp::parse_rfc3339`] keeps both.
    pub fn parse_rfc3339(s: &str) -> Option<Self> {
        Timestamp::parse_rfc3339(s).map(|t| Self::from_unix(t.unix_seconds()))
    }

    /// Parses an RFC 1123 date such as `Tue, 17 Jan 2023 03:36:01 GMT`. The weekday is not
    /// checked against the date.
    pub fn parse_rfc1123(s: &str) -> Option<Self> {
        let mut parts = s.split_ascii_whitespace();
        let wd = parts.next()?.strip_suffix(',')?;
        if !DAY_NAMES.contains(&wd) {
            return None;
        }
        let day: u32 = parts.next()?.parse().ok()?;
        let mon = parts.next()?;
        let month = MONTH_NAMES.iter().position(|m| *m == mon)? as u32 + 1;
        let year: i64 = parts.next()?.parse().ok()?;
        let mut hms = parts.next()?.split(':');
        let hour: u32 = hms.next()?.parse().ok()?;
        let minute: u32 = hms.next()?.parse().ok()?;
        let second: u32 = hms.next()?.parse().ok()?;
        if hms.next().is_some() || parts.next()? != "GMT" || parts.next().is_some() {
            return None;
        }
        Self::checked(year, month, day, hour, minute, second)
    }

    fn checked(
        year: i64,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
        second: u32,
    ) -> Option<Self> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year)
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
        {
            return None;
        }
        if hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        let secs = days_from_civil(year, month, day) * 86_400
            + i64::from(hour) * 3600
            + i64::from(minute) * 60
            + i64::from(second.min(59));
        Some(Self::from_unix(secs))
    }
}

/// An instant a server wrote in RFC 3339, such as `2024-09-10T10:07:58.026+08:00`: the
/// instant to the nanosecond, and the UTC offset it was written in.
///
/// `Display` and `Debug` write it back in RFC 3339 in its own offset. Two timestamps are equal
/// when both the instant and the offset are; compare [`Timestamp::unix_seconds`] and
/// [`Timestamp::subsec_nanos`] (or [`Timestamp::to_system_time`]) for the instant alone.
///
/// ```
/// use cloudops_core::time::Timestamp;
///
/// let t = Timestamp::parse_rfc3339("2024-09-10T10:07:58.026+08:00").unwrap();
/// assert_eq!(t.unix_seconds(), 1_725_934_078);
/// assert_eq!(t.subsec_nanos(), 26_000_000);
/// assert_eq!(t.offset_seconds(), 8 * 3600);
/// assert_eq!(t.to_string(), "2024-09-10T10:07:58.026+08:00");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timestamp {
    unix_seconds: i64,
    nanos: u32,
    offset_seconds: i32,
}

impl Timestamp {
    /// Parses an RFC 3339 date and time. The date must be a real one in years
    /// [`MIN_YEAR`]..=[`MAX_YEAR`], the offset `Z` or `±HH:MM` with at most 23 hours and 59
    /// minutes; digits of a fraction past the ninth are dropped.
    pub fn parse_rfc3339(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        if b.len() < 20
            || b[4] != b'-'
            || b[7] != b'-'
            || !matches!(b[10], b'T' | b't' | b' ')
            || b[13] != b':'
            || b[16] != b':'
        {
            return None;
        }
        let num = |part: &str| -> Option<u32> {
            part.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        let local = UtcDateTime::checked(
            i64::from(num(s.get(0..4)?)?),
            num(s.get(5..7)?)?,
            num(s.get(8..10)?)?,
            num(s.get(11..13)?)?,
            num(s.get(14..16)?)?,
            num(s.get(17..19)?)?,
        )?;
        let mut rest = s.get(19..)?;
        let mut nanos = 0u32;
        if let Some(frac) = rest.strip_prefix('.') {
            let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return None;
            }
            for (i, c) in frac
                .bytes()
                .take(9)
                .take_while(u8::is_ascii_digit)
                .enumerate()
            {
                nanos += u32::from(c - b'0') * 10u32.pow(8 - i as u32);
            }
            rest = &frac[digits..];
        }
        let offset_seconds = match rest {
            "Z" | "z" => 0,
            _ => {
                let sign = match rest.as_bytes().first()? {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return None,
                };
                let hm = &rest[1..];
                if hm.len() != 5 || hm.as_bytes()[2] != b':' {
                    return None;
                }
                let (h, m) = (num(&hm[..2])?, num(&hm[3..])?);
                if h > 23 || m > 59 {
                    return None;
                }
                sign * (h as i32 * 3600 + m as i32 * 60)
            }
        };
        Some(Timestamp {
            // Years 1..=9999 and offsets under a day: no overflow.
            unix_seconds: local.to_unix() - i64::from(offset_seconds),
            nanos,
            offset_seconds,
        })
    }

    /// Whole seconds since the Unix epoch (negative before it).
    pub fn unix_seconds(&self) -> i64 {
        self.unix_seconds
    }

    /// Nanoseconds past [`Timestamp::unix_seconds`], below one billion.
    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// The UTC offset the server wrote the time in, in seconds east of UTC.
    pub fn offset_seconds(&self) -> i32 {
        self.offset_seconds
    }

    /// The instant as a `SystemTime`, or `None` where the platform cannot hold it.
    pub fn to_system_time(&self) -> Option<SystemTime> {
        let secs = Duration::from_secs(self.unix_seconds.unsigned_abs());
        let whole = if self.unix_seconds >= 0 {
            UNIX_EPOCH.checked_add(secs)?
        } else {
            UNIX_EPOCH.checked_sub(secs)?
        };
        whole.checked_add(Duration::from_nanos(u64::from(self.nanos)))
    }

    /// The UTC date and time of the instant, to the second.
    pub fn utc(&self) -> UtcDateTime {
        UtcDateTime::from_unix(self.unix_seconds)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let local = UtcDateTime::from_unix(self.unix_seconds + i64::from(self.offset_seconds));
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            local.year, local.month, local.day, local.hour, local.minute, local.second
        )?;
        if self.nanos != 0 {
            let digits = format!("{:09}", self.nanos);
            write!(f, ".{}", digits.trim_end_matches('0'))?;
        }
        if self.offset_seconds == 0 {
            return f.write_str("Z");
        }
        let sign = if self.offset_seconds < 0 { '-' } else { '+' };
        let off = self.offset_seconds.unsigned_abs();
        write!(f, "{sign}{:02}:{:02}", off / 3600, off % 3600 / 60)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Timestamp::parse_rfc3339(&text).ok_or_else(|| {
            serde::de::Error::custom(
                "expected an RFC 3339 date and time such as 2024-09-10T10:07:58.026+08:00",
            )
        })
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The first year a parsed date may have.
pub const MIN_YEAR: i64 = 1;
/// The last year a parsed date may have; anything later is taken as garbage.
pub const MAX_YEAR: i64 = 9999;

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

// Howard Hinnant's days-from-civil algorithms (proleptic Gregorian calendar).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    // i128 inside: no year a caller can put in a `UtcDateTime` overflows.
    let y = i128::from(y) - i128::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i128::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i128::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    i64::try_from(days).unwrap_or(if days < 0 { i64::MIN } else { i64::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writers_match_the_formatter() {
        let mut instants = vec![
            i64::MIN,
            i64::MAX,
            -1,
            0,
            1,
            253_402_300_799,
            253_402_300_800,
        ];
        instants.extend((0..2000).map(|i: i64| i * 7_919_993_117 - 5_000_000_000_000));
        for secs in instants {
            let t = UtcDateTime::from_unix(secs);
            assert_eq!(
                t.date_dashed(),
                format!("{:04}-{:02}-{:02}", t.year, t.month, t.day)
            );
            assert_eq!(
                t.compact_iso8601(),
                format!(
                    "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
                    t.year, t.month, t.day, t.hour, t.minute, t.second
                )
            );
            let mut out = String::new();
            push_decimal(&mut out, secs);
            assert_eq!(out, secs.to_string());
        }
        let odd = UtcDateTime {
            year: 12_345,
            month: 123,
            day: 7,
            hour: 100,
            minute: 0,
            second: 5,
            weekday: 9,
        };
        assert_eq!(odd.compact_iso8601(), "1234512307T1000005Z");
    }

    #[test]
    fn formats_known_instants() {
        let t = UtcDateTime::from_unix(1_551_113_065);
        assert_eq!(t.date_dashed(), "2019-02-25");
        let t = UtcDateTime::from_unix(1_573_788_615);
        assert_eq!(t.compact_iso8601(), "20191115T033015Z");
        let t = UtcDateTime::from_unix(1_673_926_561);
        assert_eq!(t.rfc1123(), "Tue, 17 Jan 2023 03:36:01 GMT");
        assert_eq!(
            UtcDateTime::from_unix(0).rfc1123(),
            "Thu, 01 Jan 1970 00:00:00 GMT"
        );
    }

    #[test]
    fn parses_what_it_formats() {
        for secs in [0, 951_782_400, 1_551_113_065, 1_673_926_561, 4_102_444_800] {
            let t = UtcDateTime::from_unix(secs);
            assert_eq!(
                UtcDateTime::parse_rfc1123(&t.rfc1123()).map(|t| t.to_unix()),
                Some(secs)
            );
            assert_eq!(
                UtcDateTime::parse_compact_iso8601(&t.compact_iso8601()).map(|t| t.to_unix()),
                Some(secs)
            );
        }
    }

    #[test]
    fn absurd_years_never_overflow() {
        for year in [i64::MIN, -1, 0, i64::MAX] {
            let t = UtcDateTime {
                year,
                month: 2,
                day: 29,
                hour: 23,
                minute: 59,
                second: 59,
                weekday: 0,
            };
            let _ = t.to_unix();
            let _ = t.rfc1123();
        }
        for secs in [i64::MIN, i64::MAX, -1] {
            let _ = UtcDateTime::from_unix(secs).rfc1123();
        }
        assert!(UtcDateTime::parse_rfc1123("Fri, 31 Dec 9999 23:59:59 GMT").is_some());
    }

    #[test]
    fn parses_rfc3339() {
        let t = UtcDateTime::parse_rfc3339("2019-11-15T03:36:55.123456Z").unwrap();
        assert_eq!(t.compact_iso8601(), "20191115T033655Z");
        let t = UtcDateTime::parse_rfc3339("2024-09-10T10:07:58.026+08:00").unwrap();
        assert_eq!(t.compact_iso8601(), "20240910T020758Z");
        for bad in [
            "",
            "2024-09-10",
            "2024-09-10T10:07:58",
            "2024-09-10T10:07:58.Z",
            "2024-13-10T10:07:58Z",
            "2024-09-10T10:07:58+0800",
        ] {
            assert!(UtcDateTime::parse_rfc3339(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn timestamps_keep_the_fraction_and_the_offset() {
        for text in [
            "2024-09-10T10:07:58.026+08:00",
            "2019-11-15T03:36:55.123456Z",
            "1969-12-31T23:59:59.999999999-05:30",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59+23:59",
        ] {
            let t = Timestamp::parse_rfc3339(text).unwrap();
            assert_eq!(t.to_string(), text);
            assert_eq!(Timestamp::parse_rfc3339(&t.to_string()), Some(t));
        }
        let t = Timestamp::parse_rfc3339("2024-09-10T02:07:58.0260Z").unwrap();
        assert_eq!(
            (t.unix_seconds(), t.subsec_nanos()),
            (1_725_934_078, 26_000_000)
        );
        assert_eq!(t.to_string(), "2024-09-10T02:07:58.026Z");
        let far = Timestamp::parse_rfc3339("2024-09-10T02:07:58.1234567891234Z").unwrap();
        assert_eq!(far.subsec_nanos(), 123_456_789);
        let before = Timestamp::parse_rfc3339("1969-12-31T23:59:59.5Z").unwrap();
        assert_eq!(
            before.to_system_time(),
            UNIX_EPOCH.checked_sub(Duration::from_millis(500))
        );
        for bad in [
            "2024-09-10T10:07:58+24:00",
            "2024-09-10T10:07:58+08:60",
            "2024-09-10T10:07:58++8:00",
            "2024-09-10T10:07:58+0a:00",
            "2024-09-10T10:07:58.",
            "+024-09-10T10:07:58Z",
            "2024-09-10T10:07:58Zjunk",
        ] {
            assert!(Timestamp::parse_rfc3339(bad).is_none(), "{bad}");
        }
        let json: Timestamp = serde_json::from_str("\"2024-09-10T10:07:58.026+08:00\"").unwrap();
        assert_eq!(
            serde_json::to_string(&json).unwrap(),
            "\"2024-09-10T10:07:58.026+08:00\""
        );
        let err = serde_json::from_str::<Timestamp>("\"yesterday\"").unwrap_err();
        assert!(err.to_string().contains("RFC 3339"), "{err}");
    }

    #[test]
    fn rejects_malformed_dates() {
        for s in [
            "",
            "20191315T000000Z",
            "20190230T000000Z",
            "2019111T0336550Z",
            "20191115T336550Z",
        ] {
            assert!(UtcDateTime::parse_compact_iso8601(s).is_none(), "{s}");
        }
        for s in [
            "Tue, 17 Jan 2023 03:36:01",
            "Thu, 01 Jan 99999999999999 00:00:00 GMT",
            "Thu, 01 Jan 10000 00:00:00 GMT",
            "Thu, 01 Jan 0 00:00:00 GMT",
            "Thu, 01 Jan -5000 00:00:00 GMT",
            "Thu, 01 Jan -9223372036854775808 00:00:00 GMT",
            "Xyz, 17 Jan 2023 03:36:01 GMT",
            "Tue, 32 Jan 2023 03:36:01 GMT",
            "Tue, 17 Foo 2023 03:36:01 GMT",
            "Tue, 17 Jan 2023 25:36:01 GMT",
        ] {
            assert!(UtcDateTime::parse_rfc1123(s).is_none(), "{s}");
        }
    }
}
