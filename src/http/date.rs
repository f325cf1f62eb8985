//! HTTP dates: Django's `http_date` (HDR-4's `Expires`) and `parse_http_date_safe` (MW-9's
//! `Age` computation).

use super::error::HttpError;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

use crate::datetime::{civil_from_days, days_from_civil};

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// The whole seconds of a Unix time as Python's `datetime.fromtimestamp` sees them.
fn whole_seconds(unix: f64) -> Option<i64> {
    crate::datetime::timestamp_parts(unix).map(|(seconds, _)| seconds)
}

/// Django's `http_date(epoch_seconds)`: RFC 5322 format in GMT, whole seconds, e.g.
/// `Tue, 14 Nov 2023 22:13:20 GMT` (HDR-4). `None` when the instant is outside
/// Python's `datetime` range (years 1..=9999), where Django raises.
pub fn http_date(unix: f64) -> Option<String> {
    let seconds = whole_seconds(unix)?;
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    if !(1..=9999).contains(&year) {
        return None;
    }
    let weekday = WEEKDAYS[(days + 3).rem_euclid(7) as usize];
    Some(format!(
        "{weekday}, {day:02} {} {year:04} {:02}:{:02}:{:02} GMT",
        MONTHS[(month - 1) as usize],
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    ))
}

/// Django's `http_date(epoch_seconds)` with the error Python raises where there is no date
/// (HDR-4): `datetime.fromtimestamp(t, timezone.utc)`'s `OverflowError`, `OSError` or
/// `ValueError: year N is out of range` ([`crate::datetime::from_timestamp_utc`]).
pub fn http_date_or_error(unix: f64) -> Result<String, HttpError> {
    use crate::datetime::{TimestampError, from_timestamp_utc};
    let error = match from_timestamp_utc(unix) {
        Ok(_) => match http_date(unix) {
            Some(date) => return Ok(date),
            None => TimestampError::Value(String::from("year is out of range")),
        },
        Err(error) => error,
    };
    Err(match error {
        TimestampError::Value(message) => HttpError::Value(message),
        TimestampError::Overflow => HttpError::Overflow(error.message()),
        TimestampError::Os => HttpError::Os(error.message()),
    })
}

/// Python's `\w` for one character (Unicode word characters).
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn digits(text: &[char], n: usize) -> Option<u32> {
    if text.len() != n || !text.iter().all(char::is_ascii_digit) {
        return None;
    }
    text.iter()
        .try_fold(0u32, |acc, c| Some(acc * 10 + c.to_digit(10)?))
}

/// `[ 0-9][0-9]`, read as Python's `int()` would (a leading space is allowed).
fn day_2(text: &[char]) -> Option<u32> {
    match text {
        [' ', d] if d.is_ascii_digit() => d.to_digit(10),
        _ => digits(text, 2),
    }
}

fn time_of(text: &[char]) -> Option<(u32, u32, u32)> {
    if text.len() != 8 || text[2] != ':' || text[5] != ':' {
        return None;
    }
    Some((
        digits(&text[0..2], 2)?,
        digits(&text[3..5], 2)?,
        digits(&text[6..8], 2)?,
    ))
}

fn month_of(text: &[char]) -> Option<u32> {
    if text.len() != 3 || !text.iter().all(|c| is_word(*c)) {
        return None;
    }
    let lower: String = text.iter().flat_map(|c| c.to_lowercase()).collect();
    MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(&lower))
        .map(|i| i as u32 + 1)
}

struct Parts {
    year: i64,
    two_digit_year: bool,
    month: u32,
    day: u32,
    time: (u32, u32, u32),
}

fn match_rfc1123(c: &[char]) -> Option<Parts> {
    // ^\w{3}, DD Mon YYYY HH:MM:SS GMT$
    if c.len() != 29 || !c[..3].iter().all(|x| is_word(*x)) || c[3..5] != [',', ' '] {
        return None;
    }
    let rest = &c[5..];
    if rest[2] != ' ' || rest[6] != ' ' || rest[11] != ' ' || rest[20..] != [' ', 'G', 'M', 'T'] {
        return None;
    }
    Some(Parts {
        day: digits(&rest[0..2], 2)?,
        month: month_of(&rest[3..6])?,
        year: i64::from(digits(&rest[7..11], 4)?),
        two_digit_year: false,
        time: time_of(&rest[12..20])?,
    })
}

fn match_rfc850(c: &[char]) -> Option<Parts> {
    // ^\w{6,9}, DD-Mon-YY HH:MM:SS GMT$
    let comma = c.iter().position(|x| *x == ',')?;
    if !(6..=9).contains(&comma) || !c[..comma].iter().all(|x| is_word(*x)) {
        return None;
    }
    let rest = &c[comma + 1..];
    if rest.len() != 23 || rest[0] != ' ' || rest[3] != '-' || rest[7] != '-' || rest[10] != ' ' {
        return None;
    }
    if rest[19..] != [' ', 'G', 'M', 'T'] {
        return None;
    }
    Some(Parts {
        day: digits(&rest[1..3], 2)?,
        month: month_of(&rest[4..7])?,
        year: i64::from(digits(&rest[8..10], 2)?),
        two_digit_year: true,
        time: time_of(&rest[11..19])?,
    })
}

fn match_asctime(c: &[char]) -> Option<Parts> {
    // ^\w{3} Mon DD HH:MM:SS YYYY$
    if c.len() != 24 || !c[..3].iter().all(|x| is_word(*x)) || c[3] != ' ' {
        return None;
    }
    if c[7] != ' ' || c[10] != ' ' || c[19] != ' ' {
        return None;
    }
    Some(Parts {
        month: month_of(&c[4..7])?,
        day: day_2(&c[8..10])?,
        time: time_of(&c[11..19])?,
        year: i64::from(digits(&c[20..24], 4)?),
        two_digit_year: false,
    })
}

/// Django's `parse_http_date_safe`: the Unix time of an RFC 1123, RFC 850 or asctime date,
/// or `None`. `now` (Unix seconds) gives the current year for two-digit years.
pub fn parse_http_date_safe(date: &str, now: f64) -> Option<i64> {
    let chars: Vec<char> = date.chars().collect();
    let parts = match_rfc1123(&chars)
        .or_else(|| match_rfc850(&chars))
        .or_else(|| match_asctime(&chars))?;
    let mut year = parts.year;
    if parts.two_digit_year {
        let current = civil_from_days(whole_seconds(now)?.div_euclid(86_400)).0;
        let century = current - current % 100;
        year += if year - current % 100 > 50 {
            century - 100
        } else {
            century
        };
    }
    let (hour, minute, second) = parts.time;
    if !(1..=9999).contains(&year)
        || parts.day == 0
        || parts.day > days_in_month(year, parts.month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    Some(
        days_from_civil(year, parts.month, parts.day) * 86_400
            + i64::from(hour * 3600 + minute * 60 + second),
    )
}

/// `datetime.fromisoformat(text)` for `YYYY-MM-DD[T ]HH:MM[:SS[.ffffff]][Z|±HH:MM]`: the
/// instant in Unix microseconds (a naive time is read as UTC) and whether it had an offset.
pub fn parse_iso_datetime(text: &str) -> Option<(i128, bool)> {
    let b = text.as_bytes();
    let num = |s: &[u8]| -> Option<i64> {
        if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        core::str::from_utf8(s).ok()?.parse().ok()
    };
    if b.len() < 16
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b' ')
        || b[13] != b':'
    {
        return None;
    }
    let (year, month, day) = (
        num(&b[0..4])?,
        num(&b[5..7])? as u32,
        num(&b[8..10])? as u32,
    );
    let (hour, minute) = (num(&b[11..13])?, num(&b[14..16])?);
    let mut rest = &b[16..];
    let mut second = 0;
    let mut micros = 0i64;
    if rest.first() == Some(&b':') {
        second = num(rest.get(1..3)?)?;
        rest = &rest[3..];
        if rest.first() == Some(&b'.') {
            let end = rest
                .iter()
                .skip(1)
                .position(|c| !c.is_ascii_digit())
                .map_or(rest.len(), |p| p + 1);
            let digits = &rest[1..end];
            if digits.len() != 3 && digits.len() != 6 {
                return None;
            }
            micros = num(digits)? * if digits.len() == 3 { 1000 } else { 1 };
            rest = &rest[end..];
        }
    }
    let (offset, aware) = match rest {
        [] => (0, false),
        [b'Z'] => (0, true),
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let minutes = num(&[*h1, *h2])? * 60 + num(&[*m1, *m2])?;
            (if *sign == b'-' { -minutes } else { minutes }, true)
        }
        _ => return None,
    };
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
        - offset * 60;
    Some((i128::from(seconds) * 1_000_000 + i128::from(micros), aware))
}

/// Unix time in whole microseconds, rounded half to even as `datetime.fromtimestamp` does.
pub(crate) fn unix_micros(unix: f64) -> i128 {
    crate::datetime::timestamp_parts(unix).map_or(0, |(seconds, micros)| {
        i128::from(seconds) * 1_000_000 + i128::from(micros)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_django() {
        assert_eq!(
            http_date(1_700_000_000.0).unwrap(),
            "Tue, 14 Nov 2023 22:13:20 GMT"
        );
        assert_eq!(
            http_date(1_700_000_030.0).unwrap(),
            "Tue, 14 Nov 2023 22:13:50 GMT"
        );
        assert_eq!(http_date(0.0).unwrap(), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(
            http_date(951_782_400.0).unwrap(),
            "Tue, 29 Feb 2000 00:00:00 GMT"
        );
        assert_eq!(
            http_date(1_700_000_000.9999999).unwrap(),
            "Tue, 14 Nov 2023 22:13:21 GMT"
        );
        assert_eq!(
            http_date(1_700_000_000.75).unwrap(),
            "Tue, 14 Nov 2023 22:13:20 GMT"
        );
        assert!(http_date(1e18).is_none());
    }

    /// HDR-4: the errors of `datetime.fromtimestamp(t, timezone.utc)` past year 9999, as
    /// Django 5.2.19 on CPython 3.11 raises them (a `max-age` of 99999999999999999999 under
    /// the site middleware gives the `OverflowError`).
    #[test]
    fn out_of_range_instants_raise_what_python_raises() {
        let error = |t: f64| {
            let e = http_date_or_error(t).unwrap_err();
            (e.python_type(), String::from(e.message()))
        };
        assert_eq!(
            http_date_or_error(253_402_300_799.0).unwrap(),
            "Fri, 31 Dec 9999 23:59:59 GMT"
        );
        let year = |n: &str| ("ValueError", format!("year {n} is out of range"));
        assert_eq!(error(253_402_300_800.0), year("10000"));
        assert_eq!(error(1e12), year("33658"));
        assert_eq!(error(-62_135_596_801.0), year("0"));
        assert_eq!(error(-1e12), year("-29719"));
        assert_eq!(error(6.7e16), year("2123147449"));
        let os = (
            "OSError",
            String::from("[Errno 75] Value too large for defined data type"),
        );
        assert_eq!(error(6.78e16), os);
        assert_eq!(error(9.2e18), os);
        let overflow = (
            "OverflowError",
            String::from("timestamp out of range for platform time_t"),
        );
        assert_eq!(error(9.3e18), overflow);
        assert_eq!(error(1_700_000_000.0 + 1e20), overflow);
        assert_eq!(error(-1e20), overflow);
    }

    #[test]
    fn parses_the_three_formats() {
        let now = 1_700_000_000.0;
        assert_eq!(
            parse_http_date_safe("Tue, 14 Nov 2023 22:13:20 GMT", now),
            Some(1_700_000_000)
        );
        assert_eq!(
            parse_http_date_safe("Tuesday, 14-Nov-23 22:13:20 GMT", now),
            Some(1_700_000_000)
        );
        assert_eq!(
            parse_http_date_safe("Tue Nov 14 22:13:20 2023", now),
            Some(1_700_000_000)
        );
        assert_eq!(
            parse_http_date_safe("Tue, 30 Feb 2023 22:13:20 GMT", now),
            None
        );
        assert_eq!(parse_http_date_safe("x", now), None);
        assert_eq!(parse_http_date_safe("", now), None);
    }
}
