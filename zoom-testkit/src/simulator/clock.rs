//! UTC date arithmetic (ISO-8601, next midnight) and random opaque ids.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const DAY: u64 = 86_400;

fn unix_seconds(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Days since 1970-01-01 (UTC) of `at`.
pub(crate) fn unix_day(at: SystemTime) -> u64 {
    unix_seconds(at) / DAY
}

/// The first instant of the UTC day after `at`.
pub(crate) fn next_utc_midnight(at: SystemTime) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs((unix_day(at) + 1) * DAY)
}

/// `at` as `YYYY-MM-DDTHH:MM:SSZ` (whole seconds, UTC).
pub(crate) fn iso8601(at: SystemTime) -> String {
    let secs = unix_seconds(at);
    let (year, month, day) = civil_from_days(secs / DAY);
    let rem = secs % DAY;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Howard Hinnant's `civil_from_days`, for days on or after 1970-01-01.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// A fresh, unpredictable-enough 64-bit value (not cryptographic).
pub(crate) fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.finish()
}

/// `words` random 64-bit values as lowercase hex.
pub(crate) fn random_hex(words: usize) -> String {
    (0..words)
        .map(|_| format!("{:016x}", random_u64()))
        .collect()
}

/// Unix milliseconds of `at` (0 before 1970).
pub(crate) fn unix_millis(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_iso8601_and_midnight() {
        let at = UNIX_EPOCH + Duration::from_secs(1_590_883_200 - 1);
        assert_eq!(iso8601(at), "2020-05-30T23:59:59Z");
        assert_eq!(iso8601(next_utc_midnight(at)), "2020-05-31T00:00:00Z");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(iso8601(leap), "2000-02-29T00:00:00Z");
        assert_eq!(iso8601(UNIX_EPOCH), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn random_ids_differ() {
        assert_ne!(random_hex(2), random_hex(2));
        assert_eq!(random_hex(3).len(), 48);
    }
}
