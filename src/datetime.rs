//! UTC calendar arithmetic, done as Python's `datetime` does it, without a time-zone
//! database: the db backend's `expires` column (DB-2, DB-3) and HTTP dates (HDR-4).

use alloc::format;
use alloc::string::String;

/// Days from 1970-01-01 to the proleptic Gregorian date.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian date `days` after 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Python's `datetime.fromtimestamp(t, timezone.utc)`: whole seconds and microseconds, the
/// fraction rounded half to even to a microsecond first (so 0.9999996 s becomes 1 s).
/// `None` for a time no `datetime` can hold (not finite, or absurdly far).
pub fn timestamp_parts(t: f64) -> Option<(i64, u32)> {
    if !t.is_finite() || t.abs() > 1e15 {
        return None;
    }
    let whole = libm_floor(t);
    let mut seconds = whole as i64;
    let mut micros = round_half_even((t - whole) * 1e6) as i64;
    if micros >= 1_000_000 {
        seconds += 1;
        micros -= 1_000_000;
    }
    Some((seconds, micros as u32))
}

/// Why CPython 3.11's `datetime.fromtimestamp(t, timezone.utc)` fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimestampError {
    /// `ValueError`, with CPython's message (`year 10262 is out of range`, or NaN's).
    Value(String),
    /// `OverflowError: timestamp out of range for platform time_t` (infinite, or beyond a
    /// signed 64-bit count of seconds).
    Overflow,
    /// `OSError: [Errno 75] Value too large for defined data type`: the C library's
    /// `gmtime` can't hold the year in an `int`.
    Os,
}

impl TimestampError {
    /// CPython's message for the failure (the db backend's and `http_date`'s errors).
    pub fn message(self) -> String {
        match self {
            Self::Value(message) => message,
            Self::Overflow => String::from("timestamp out of range for platform time_t"),
            Self::Os => String::from("[Errno 75] Value too large for defined data type"),
        }
    }
}

/// [`timestamp_parts`] with CPython's failures, in its order: NaN, then the `time_t` range,
/// then `gmtime`'s `int` year, then `datetime`'s years 1..=9999 (the db backend's `expires`
/// of a huge timeout, DB-2; `http_date`'s `Expires`, HDR-4).
pub fn from_timestamp_utc(t: f64) -> Result<(i64, u32), TimestampError> {
    if t.is_nan() {
        return Err(TimestampError::Value(
            "Invalid value NaN (not a number)".into(),
        ));
    }
    // time_t's range as CPython compares it, in doubles: [-2**63, 2**63] (i64::MAX rounds
    // up to 2**63, which still passes).
    const TIME_T: f64 = 9_223_372_036_854_775_808.0;
    if !t.is_finite() || !(-TIME_T..=TIME_T).contains(&t) {
        return Err(TimestampError::Overflow);
    }
    let whole = libm_floor(t);
    let mut seconds = whole as i64;
    let mut micros = round_half_even((t - whole) * 1e6) as i64;
    if micros >= 1_000_000 {
        seconds = seconds.saturating_add(1);
        micros -= 1_000_000;
    }
    let (year, _, _) = civil_from_days(seconds.div_euclid(86_400));
    if i32::try_from(year - 1900).is_err() {
        return Err(TimestampError::Os);
    }
    if !(1..=9999).contains(&year) {
        return Err(TimestampError::Value(format!(
            "year {year} is out of range"
        )));
    }
    Ok((seconds, micros as u32))
}

fn libm_floor(x: f64) -> f64 {
    let truncated = x as i64 as f64;
    if truncated > x {
        truncated - 1.0
    } else {
        truncated
    }
}

fn round_half_even(x: f64) -> f64 {
    let floor = libm_floor(x);
    let diff = x - floor;
    if diff > 0.5 || (diff == 0.5 && (floor as i64) % 2 != 0) {
        floor + 1.0
    } else {
        floor
    }
}

/// The largest time Python's `datetime` can hold, truncated to seconds: 9999-12-31 23:59:59.
pub const MAX_SECONDS: i64 = 253_402_300_799;

/// `YYYY-MM-DD HH:MM:SS` for Unix seconds, as Django's SQLite backend stores datetimes.
/// `None` beyond year 9999 (Python raises "year is out of range").
pub fn format_sql(seconds: i64) -> Option<String> {
    if !(-62_135_596_800..=MAX_SECONDS).contains(&seconds) {
        return None;
    }
    let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
    let in_day = seconds.rem_euclid(86_400);
    Some(format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        in_day / 3600,
        in_day % 3600 / 60,
        in_day % 60
    ))
}

/// Unix seconds of a `YYYY-MM-DD HH:MM:SS` text (anything after the seconds is ignored).
pub fn parse_sql(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let number = |range: core::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        if part.bytes().all(|b| b.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    if bytes.len() < 19
        || bytes.get(4) != Some(&b'-')
        || bytes.get(7) != Some(&b'-')
        || bytes.get(13) != Some(&b':')
    {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let days = days_from_civil(year, month as u32, day as u32);
    Some(days * 86_400 + hour * 3600 + minute * 60 + second)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_timestamp_fails_as_cpython_does() {
        // Each case run through CPython 3.11.7's datetime.fromtimestamp(t, timezone.utc).
        let value = |m: &str| Err(TimestampError::Value(m.into()));
        assert_eq!(from_timestamp_utc(0.5), Ok((0, 500_000)));
        assert_eq!(from_timestamp_utc(253_402_300_799.0), Ok((MAX_SECONDS, 0)));
        assert_eq!(
            from_timestamp_utc(253_402_300_800.0),
            value("year 10000 is out of range")
        );
        assert_eq!(
            from_timestamp_utc(261_700_000_000.0),
            value("year 10262 is out of range")
        );
        assert_eq!(
            from_timestamp_utc(-1e12),
            value("year -29719 is out of range")
        );
        assert_eq!(
            from_timestamp_utc(6e16),
            value("year 1901326280 is out of range")
        );
        assert_eq!(
            from_timestamp_utc(6.7e16),
            value("year 2123147449 is out of range")
        );
        assert_eq!(
            from_timestamp_utc(f64::NAN),
            value("Invalid value NaN (not a number)")
        );
        for t in [6.8e16, -6.8e16, 1e18, 9.22e18] {
            assert_eq!(from_timestamp_utc(t), Err(TimestampError::Os), "{t}");
        }
        for t in [
            9.3e18,
            1e19,
            1e300,
            -1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            assert_eq!(from_timestamp_utc(t), Err(TimestampError::Overflow), "{t}");
        }
    }

    #[test]
    fn round_trips_and_python_examples() {
        assert_eq!(
            format_sql(1_700_000_000).as_deref(),
            Some("2023-11-14 22:13:20")
        );
        assert_eq!(
            format_sql(MAX_SECONDS).as_deref(),
            Some("9999-12-31 23:59:59")
        );
        assert_eq!(format_sql(MAX_SECONDS + 1), None);
        assert_eq!(format_sql(0).as_deref(), Some("1970-01-01 00:00:00"));
        assert_eq!(
            format_sql(951_782_400).as_deref(),
            Some("2000-02-29 00:00:00")
        );
        for seconds in [
            0,
            951_782_400,
            1_700_000_000,
            MAX_SECONDS,
            -86_400 * 365 * 100,
        ] {
            assert_eq!(parse_sql(&format_sql(seconds).unwrap()), Some(seconds));
        }
        assert_eq!(parse_sql("2023-11-14 22:13:30+00:00"), Some(1_700_000_010));
        assert_eq!(parse_sql("garbage"), None);
        // DB-2: a set at 1700000000.75 with timeout 10 stores 22:13:30.
        assert_eq!(
            timestamp_parts(1_700_000_010.75),
            Some((1_700_000_010, 750_000))
        );
        assert_eq!(timestamp_parts(1.999_999_6), Some((2, 0)));
        assert_eq!(timestamp_parts(0.000_000_5), Some((0, 0)));
        assert_eq!(timestamp_parts(0.000_001_5), Some((0, 2)));
        assert_eq!(timestamp_parts(f64::NAN), None);
    }
}
