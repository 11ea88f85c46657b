//! Zoom's rate-limit headers and `Retry-After` in all three forms Zoom uses.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, HeaderValue};

use crate::time::{SystemTimeSource, TimeSource, since_unix_epoch, unix_time};

/// The rate-limit state Zoom reported on an answer (`X-RateLimit-*` headers).
///
/// Every field is optional: some answers, 429s included, carry none of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateLimit {
    /// `X-RateLimit-Category`, for example `Light`.
    pub category: Option<String>,
    /// `X-RateLimit-Type`, for example `Daily-limit` or `QPS`.
    pub limit_type: Option<String>,
    /// `X-RateLimit-Limit`.
    pub limit: Option<u64>,
    /// `X-RateLimit-Remaining`.
    pub remaining: Option<u64>,
}

impl RateLimit {
    /// Reads the `X-RateLimit-*` headers; malformed values are treated as absent.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        ZoomHeaders::scan(headers).rate_limit()
    }

    /// Whether the answer is about the account's daily limit (`X-RateLimit-Type: Daily-limit`).
    pub fn is_daily(&self) -> bool {
        self.limit_type
            .as_deref()
            .is_some_and(|t| t.to_ascii_lowercase().contains("daily"))
    }

    /// Whether no rate-limit header was present.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The header Zoom puts on every answer; Zoom support asks for it.
pub const TRACKING_ID_HEADER: &str = "x-zm-trackingid";

/// The headers every answer is read for (the tracking id and the four rate-limit headers),
/// found in one pass over the answer's headers: a hashed lookup per name would hash each
/// custom name anew, five times per answer. Each holds the first value of its name, as
/// `HeaderMap::get` gives it.
#[derive(Debug, Default)]
pub(crate) struct ZoomHeaders<'h> {
    pub(crate) tracking_id: Option<&'h HeaderValue>,
    category: Option<&'h HeaderValue>,
    limit_type: Option<&'h HeaderValue>,
    limit: Option<&'h HeaderValue>,
    remaining: Option<&'h HeaderValue>,
}

impl<'h> ZoomHeaders<'h> {
    pub(crate) fn scan(headers: &'h HeaderMap) -> Self {
        let mut found = Self::default();
        for (name, value) in headers {
            let slot = match name.as_str() {
                TRACKING_ID_HEADER => &mut found.tracking_id,
                "x-ratelimit-category" => &mut found.category,
                "x-ratelimit-type" => &mut found.limit_type,
                "x-ratelimit-limit" => &mut found.limit,
                "x-ratelimit-remaining" => &mut found.remaining,
                _ => continue,
            };
            slot.get_or_insert(value);
        }
        found
    }

    /// The rate-limit state: each value trimmed, blank or malformed ones absent.
    pub(crate) fn rate_limit(&self) -> RateLimit {
        fn text(value: Option<&HeaderValue>) -> Option<&str> {
            let text = value?.to_str().ok()?.trim();
            (!text.is_empty()).then_some(text)
        }
        RateLimit {
            category: text(self.category).map(str::to_owned),
            limit_type: text(self.limit_type).map(str::to_owned),
            limit: text(self.limit).and_then(|v| v.parse().ok()),
            remaining: text(self.remaining).and_then(|v| v.parse().ok()),
        }
    }

    /// The tracking id, as sent (text only).
    pub(crate) fn tracking_id(&self) -> Option<String> {
        self.tracking_id
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
}

/// A parsed `Retry-After` header.
///
/// What a server says is bounded before it is kept: a delay is clamped to
/// [`RetryAfter::MAX_DELAY`], and a date must lie between 1970 and the end of the year 9999
/// (what an HTTP-date can say), so no value can overflow a clock or fail to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    /// Delta-seconds (`Retry-After: 30`).
    Delay(Duration),
    /// A point in time: an HTTP-date or an ISO-8601 UTC date-time such as
    /// `2020-05-31T00:00:00Z` (what Zoom sends for daily limits).
    At(SystemTime),
}

/// Seconds from the Unix epoch to 9999-12-31T23:59:59Z, the last instant an HTTP-date can
/// express.
const LAST_HTTP_DATE_SECS: u64 = 253_402_300_799;

impl RetryAfter {
    /// The longest delay kept from a delta-seconds `Retry-After`: one day, the longest Zoom
    /// makes anyone wait (a daily limit resets at the next midnight UTC). Larger values,
    /// `u64::MAX` or more digits included, are clamped to it.
    pub const MAX_DELAY: Duration = Duration::from_secs(86_400);

    /// Parses seconds, an HTTP-date or an ISO-8601 date-time; `None` for anything else.
    ///
    /// Delays are clamped to [`RetryAfter::MAX_DELAY`]; dates outside 1970–9999 (after the
    /// offset is applied), impossible dates and offsets beyond ±18:00 are rejected.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use zoom_core::RetryAfter;
    ///
    /// assert_eq!(RetryAfter::parse("30"), Some(RetryAfter::Delay(Duration::from_secs(30))));
    /// let at = UNIX_EPOCH + Duration::from_secs(1_590_883_200);
    /// assert_eq!(RetryAfter::parse("2020-05-31T00:00:00Z"), Some(RetryAfter::At(at)));
    /// assert_eq!(RetryAfter::parse("Sun, 31 May 2020 00:00:00 GMT"), Some(RetryAfter::At(at)));
    /// assert_eq!(RetryAfter::parse("18446744073709551615"), Some(RetryAfter::Delay(RetryAfter::MAX_DELAY)));
    /// assert_eq!(RetryAfter::parse("2021-02-29T00:00:00Z"), None);
    /// assert_eq!(RetryAfter::parse("soon"), None);
    /// ```
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
            // Too many digits for a u64 is still "a very long time".
            let seconds = value.parse::<u64>().unwrap_or(u64::MAX);
            let delay = Duration::from_secs(seconds).min(Self::MAX_DELAY);
            return Some(RetryAfter::Delay(delay));
        }
        if let Ok(at) = httpdate::parse_http_date(value) {
            // httpdate only accepts years 1970..=9999; checked again so Display cannot fail.
            return http_date_secs(at).map(|_| RetryAfter::At(at));
        }
        parse_iso8601(value).map(RetryAfter::At)
    }

    /// Reads the `Retry-After` header of an answer.
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        Self::parse(headers.get(http::header::RETRY_AFTER)?.to_str().ok()?)
    }

    /// The wait from `now` (zero if the time is already past).
    pub fn delay_from(&self, now: SystemTime) -> Duration {
        match self {
            RetryAfter::Delay(d) => *d,
            RetryAfter::At(at) => at.duration_since(now).unwrap_or(Duration::ZERO),
        }
    }

    /// The wait from the current wall-clock time, as [`SystemTimeSource`] reads it; a
    /// client's own clock goes through [`RetryAfter::delay_from`].
    pub fn delay_from_now(&self) -> Duration {
        self.delay_from(SystemTimeSource.system_time())
    }

    /// The wall-clock time to come back, taking a delay from `now`; `None` only if that
    /// time cannot be represented (never for a parsed value and a sane clock).
    pub fn at_from(&self, now: SystemTime) -> Option<SystemTime> {
        match self {
            RetryAfter::Delay(d) => now.checked_add(*d),
            RetryAfter::At(at) => Some(*at),
        }
    }

    /// The wall-clock time to come back, taking a delay from now as [`SystemTimeSource`]
    /// reads it (see [`RetryAfter::at_from`]).
    pub fn at_from_now(&self) -> Option<SystemTime> {
        self.at_from(SystemTimeSource.system_time())
    }

    /// For `Display`: an HTTP-date only for instants an HTTP-date can express (httpdate
    /// panics on the others; a hand-built `At` may hold one).
    pub(crate) fn to_display_string(self) -> String {
        match self {
            RetryAfter::Delay(d) => format!("{} s", d.as_secs()),
            RetryAfter::At(at) => match http_date_secs(at) {
                Some(_) => httpdate::fmt_http_date(at),
                None => match since_unix_epoch(at) {
                    Ok(after) => format!("{} s after the Unix epoch", after.as_secs()),
                    Err(before) => format!("{} s before the Unix epoch", before.as_secs()),
                },
            },
        }
    }
}

/// Seconds since the epoch of `at`, if an HTTP-date can express it (1970 to 9999).
fn http_date_secs(at: SystemTime) -> Option<u64> {
    let secs = since_unix_epoch(at).ok()?.as_secs();
    (secs <= LAST_HTTP_DATE_SECS).then_some(secs)
}

/// The value of an all-digit, non-empty ASCII field.
fn digits(field: &[u8]) -> Option<i64> {
    if field.is_empty() || field.len() > 9 || !field.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(field.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
}

fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)`: the form Zoom uses for daily-limit resets.
///
/// Every field is range-checked (the day against its month, leap years included; a leap
/// second `:60` is allowed), offsets are at most ±18:00, and the instant must lie within
/// 1970–9999 so that it can be shown as an HTTP-date. Works on bytes of ASCII-only input,
/// so no text can split a character.
fn parse_iso8601(value: &str) -> Option<SystemTime> {
    if !value.is_ascii() {
        return None;
    }
    let b = value.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (year, month, day) = (digits(&b[0..4])?, digits(&b[5..7])?, digits(&b[8..10])?);
    let (hour, minute, second) = (
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    );
    if !(1..=12).contains(&month)
        || !(1..=days_in_month(year, month)).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &b[19..];
    if let Some(fraction) = rest.strip_prefix(b".") {
        let count = fraction.iter().take_while(|d| d.is_ascii_digit()).count();
        if count == 0 {
            return None;
        }
        rest = &fraction[count..];
    }
    let offset_seconds = match rest {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (hours, minutes) = (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?);
            let offset = hours * 3600 + minutes * 60;
            if minutes > 59 || offset > 18 * 3600 {
                return None;
            }
            if *sign == b'-' { -offset } else { offset }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_seconds;
    let seconds = u64::try_from(seconds).ok()?;
    if seconds > LAST_HTTP_DATE_SECS {
        return None;
    }
    unix_time(seconds)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;

    fn at(seconds: u64) -> Option<RetryAfter> {
        Some(RetryAfter::At(UNIX_EPOCH + Duration::from_secs(seconds)))
    }

    #[test]
    fn iso8601_utc_offsets_and_fractions_resolve_to_the_same_instant() {
        assert_eq!(RetryAfter::parse("2020-05-31T00:00:00Z"), at(1_590_883_200));
        assert_eq!(
            RetryAfter::parse("2020-05-31T02:00:00+02:00"),
            at(1_590_883_200)
        );
        assert_eq!(
            RetryAfter::parse("2020-05-30T19:00:00-05:00"),
            at(1_590_883_200)
        );
        assert_eq!(
            RetryAfter::parse("2020-05-31T00:00:00.250Z"),
            at(1_590_883_200)
        );
        assert_eq!(RetryAfter::parse("2024-02-29T12:00:00Z"), at(1_709_208_000));
    }

    #[test]
    fn malformed_retry_after_values_are_rejected() {
        for bad in [
            "",
            "-1",
            "1.5",
            "2020-13-01T00:00:00Z",
            "2020-05-31T00:00:00",
            "2020-05-31",
            "2020-05-31T24:00:00Z",
            "2020-05-31T00:00:00+0200",
            "tomorrow",
        ] {
            assert_eq!(RetryAfter::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn impossible_dates_offsets_and_years_are_rejected() {
        for bad in [
            "2021-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2020-04-31T00:00:00Z",
            "2020-00-10T00:00:00Z",
            "2020-05-00T00:00:00Z",
            "2020-05-31T00:60:00Z",
            "2020-05-31T00:00:61Z",
            "2020-05-31T00:00:00+18:01",
            "2020-05-31T00:00:00-19:00",
            "2020-05-31T00:00:00+01:60",
            "9999-12-31T23:59:59-99:99",
            "9999-12-31T23:59:59-00:01",
            "1970-01-01T00:00:00+00:01",
            "1969-12-31T23:59:59Z",
            "2020-05-31T00:00:00.Z",
            "2020-05-31T00:00:00+1:000",
        ] {
            assert_eq!(RetryAfter::parse(bad), None, "{bad:?}");
        }
        assert_eq!(RetryAfter::parse("2000-02-29T00:00:00Z"), at(951_782_400));
        assert_eq!(
            RetryAfter::parse("9999-12-31T23:59:59Z"),
            at(LAST_HTTP_DATE_SECS)
        );
        assert_eq!(
            RetryAfter::parse("2020-05-31T18:00:00+18:00"),
            at(1_590_883_200)
        );
    }

    #[test]
    fn non_ascii_text_is_a_clean_failure() {
        for bad in [
            "2020-05-31T00:00:00ééé",
            "2020-05-31T00:00:00+é:00",
            "2020-05-31T00:00:00.9é",
            "2020-05-31T00:00:0é",
            "é020-05-31T00:00:00Z",
            "2020-05-31T00:00:00+00:0é",
            "会議会議会議会議会議会議会議",
        ] {
            assert_eq!(RetryAfter::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn huge_delays_are_clamped_and_never_overflow_a_clock() {
        for huge in [
            "86401",
            "18446744073709551615",
            "99999999999999999999999999",
        ] {
            assert_eq!(
                RetryAfter::parse(huge),
                Some(RetryAfter::Delay(RetryAfter::MAX_DELAY)),
                "{huge}"
            );
        }
        let delay = RetryAfter::Delay(Duration::MAX);
        assert_eq!(delay.at_from(SystemTimeSource.system_time()), None);
        assert_eq!(delay.to_display_string(), format!("{} s", u64::MAX));
    }

    #[test]
    fn instants_an_http_date_cannot_hold_are_shown_without_httpdate() {
        let far = UNIX_EPOCH + Duration::from_secs(LAST_HTTP_DATE_SECS + 1);
        assert!(RetryAfter::At(far).to_display_string().contains("after"));
        let before = UNIX_EPOCH - Duration::from_secs(1);
        assert!(
            RetryAfter::At(before)
                .to_display_string()
                .contains("before")
        );
        let last = UNIX_EPOCH + Duration::from_secs(LAST_HTTP_DATE_SECS);
        assert_eq!(
            RetryAfter::At(last).to_display_string(),
            "Fri, 31 Dec 9999 23:59:59 GMT"
        );
    }

    #[test]
    fn a_date_in_the_past_means_no_wait() {
        let past = RetryAfter::parse("2000-01-01T00:00:00Z").unwrap();
        assert_eq!(past.delay_from_now(), Duration::ZERO);
    }

    #[test]
    fn rate_limit_headers_are_read_and_daily_limits_recognised() {
        let mut headers = HeaderMap::new();
        headers.insert("X-RateLimit-Category", "Light".parse().unwrap());
        headers.insert("X-RateLimit-Type", "Daily-limit".parse().unwrap());
        headers.insert("X-RateLimit-Limit", "6000".parse().unwrap());
        headers.insert("X-RateLimit-Remaining", "oops".parse().unwrap());
        let limit = RateLimit::from_headers(&headers);
        assert_eq!(limit.category.as_deref(), Some("Light"));
        assert_eq!(limit.limit, Some(6000));
        assert_eq!(limit.remaining, None);
        assert!(limit.is_daily());
        assert!(RateLimit::from_headers(&HeaderMap::new()).is_empty());
    }

    #[test]
    fn one_pass_reads_what_a_lookup_per_name_would() {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", "application/json".parse().unwrap());
        headers.append("X-Zm-TrackingId", "first".parse().unwrap());
        headers.append("x-zm-trackingid", "second".parse().unwrap());
        headers.append("x-ratelimit-limit", " 30 ".parse().unwrap());
        headers.append("x-ratelimit-limit", "99".parse().unwrap());
        headers.insert("x-ratelimit-category", "  ".parse().unwrap());
        headers.insert("x-ratelimit-type", "QPS".parse().unwrap());
        headers.insert("x-ratelimit-remaining", "29".parse().unwrap());
        let found = ZoomHeaders::scan(&headers);
        let by_name = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        assert_eq!(found.tracking_id().as_deref(), Some("first"));
        let limit = found.rate_limit();
        assert_eq!(limit.category, by_name("x-ratelimit-category"));
        assert_eq!(limit.category, None, "blank");
        assert_eq!(limit.limit_type, by_name("x-ratelimit-type"));
        assert_eq!(limit.limit, Some(30), "the first value, trimmed");
        assert_eq!(limit.remaining, Some(29));
    }
}
