//! Zoom's rate-limit headers and `Retry-After` in all three forms Zoom uses.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderName};

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
        // Names, not `&str`: a lookup by `&str` parses the name each time.
        const CATEGORY: HeaderName = HeaderName::from_static("x-ratelimit-category");
        const TYPE: HeaderName = HeaderName::from_static("x-ratelimit-type");
        const LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
        const REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
        let text = |name: HeaderName| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let number = |name: HeaderName| text(name).and_then(|v| v.parse().ok());
        Self {
            category: text(CATEGORY),
            limit_type: text(TYPE),
            limit: number(LIMIT),
            remaining: number(REMAINING),
        }
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

/// A parsed `Retry-After` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    /// Delta-seconds (`Retry-After: 30`).
    Delay(Duration),
    /// A point in time: an HTTP-date or an ISO-8601 UTC date-time such as
    /// `2020-05-31T00:00:00Z` (what Zoom sends for daily limits).
    At(SystemTime),
}

impl RetryAfter {
    /// Parses seconds, an HTTP-date or an ISO-8601 date-time; `None` for anything else.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use zoom_core::RetryAfter;
    ///
    /// assert_eq!(RetryAfter::parse("30"), Some(RetryAfter::Delay(Duration::from_secs(30))));
    /// let at = UNIX_EPOCH + Duration::from_secs(1_590_883_200);
    /// assert_eq!(RetryAfter::parse("2020-05-31T00:00:00Z"), Some(RetryAfter::At(at)));
    /// assert_eq!(RetryAfter::parse("Sun, 31 May 2020 00:00:00 GMT"), Some(RetryAfter::At(at)));
    /// assert_eq!(RetryAfter::parse("soon"), None);
    /// ```
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        if let Ok(seconds) = value.parse::<u64>() {
            return Some(RetryAfter::Delay(Duration::from_secs(seconds)));
        }
        if let Ok(at) = httpdate::parse_http_date(value) {
            return Some(RetryAfter::At(at));
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

    /// The wait from the current wall-clock time.
    pub fn delay_from_now(&self) -> Duration {
        self.delay_from(SystemTime::now())
    }

    /// The wall-clock time to come back, taking a delay from now.
    pub fn at_from_now(&self) -> SystemTime {
        match self {
            RetryAfter::Delay(d) => SystemTime::now() + *d,
            RetryAfter::At(at) => *at,
        }
    }

    pub(crate) fn to_display_string(self) -> String {
        match self {
            RetryAfter::Delay(d) => format!("{} s", d.as_secs()),
            RetryAfter::At(at) => httpdate::fmt_http_date(at),
        }
    }
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)`: the form Zoom uses for daily-limit resets.
fn parse_iso8601(value: &str) -> Option<SystemTime> {
    let bytes = value.as_bytes();
    if bytes.len() < 20 || !matches!(bytes[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = value.get(range)?;
        if part.bytes().all(|b| b.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    if bytes[4] != b'-' || bytes[7] != b'-' || bytes[13] != b':' || bytes[16] != b':' {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    if second > 60 {
        return None;
    }
    let mut rest = &value[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &fraction[digits..];
    }
    let offset_seconds = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && matches!(&rest[3..4], ":") => {
            let sign = match &rest[..1] {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            let hours: i64 = rest[1..3].parse().ok()?;
            let minutes: i64 = rest[4..6].parse().ok()?;
            sign * (hours * 3600 + minutes * 60)
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_seconds;
    let seconds = u64::try_from(seconds).ok()?;
    Some(UNIX_EPOCH + Duration::from_secs(seconds))
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
}
