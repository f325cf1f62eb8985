//! `Expires` plus `max-age`: Django's `patch_response_headers` (HDR-4) and
//! `add_never_cache_headers` (HDR-5).

use super::cache_control::{patch_cache_control, py_lt};
use super::date::http_date_or_error;
use super::error::HttpError;
use super::model::Headers;
use super::settings::HttpSettings;
use crate::value::Value;
use alloc::string::String;

/// Django's `patch_response_headers(response, cache_timeout)` at Unix time `now`.
/// `None` means `CACHE_MIDDLEWARE_SECONDS`; a negative timeout counts as 0.
pub fn patch_response_headers(
    headers: &mut Headers,
    cache_timeout: Option<&Value>,
    settings: &HttpSettings,
    now: f64,
) -> Result<(), HttpError> {
    // HDR-4
    let mut timeout = cache_timeout
        .cloned()
        .unwrap_or_else(|| settings.cache_middleware_seconds.clone());
    if py_lt(&timeout, &Value::Int(0))? {
        timeout = Value::Int(0);
    }
    if !headers.contains("Expires") {
        let seconds = match &timeout {
            Value::Int(i) => *i as f64,
            Value::Float(x) => *x,
            Value::Bool(b) => f64::from(u8::from(*b)),
            _ => 0.0,
        };
        // HDR-4: Python's error where the instant has no date.
        headers.set("Expires", &http_date_or_error(now + seconds)?)?;
    }
    patch_cache_control(headers, &[(String::from("max_age"), timeout)])
}

/// Django's `add_never_cache_headers(response)`: `Expires` now, then
/// `max-age=0, no-cache, no-store, must-revalidate, private` (HDR-5).
pub fn add_never_cache_headers(
    headers: &mut Headers,
    settings: &HttpSettings,
    now: f64,
) -> Result<(), HttpError> {
    patch_response_headers(headers, Some(&Value::Int(-1)), settings, now)?;
    let t = Value::Bool(true);
    patch_cache_control(
        headers,
        &[
            (String::from("no_cache"), t.clone()),
            (String::from("no_store"), t.clone()),
            (String::from("must_revalidate"), t.clone()),
            (String::from("private"), t),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_cache_from_public() {
        let mut headers = Headers::new();
        headers.set("Cache-Control", "public, max-age=60").unwrap();
        add_never_cache_headers(&mut headers, &HttpSettings::new(), 1_700_000_000.0).unwrap();
        assert_eq!(
            headers.get("Cache-Control"),
            Some("max-age=0, no-cache, no-store, must-revalidate, private")
        );
        assert_eq!(
            headers.get("Expires"),
            Some("Tue, 14 Nov 2023 22:13:20 GMT")
        );
    }

    #[test]
    fn existing_expires_and_smaller_max_age_are_kept() {
        let mut headers = Headers::new();
        headers.set("Expires", "x").unwrap();
        headers.set("Cache-Control", "max-age=5").unwrap();
        let settings = HttpSettings::new();
        patch_response_headers(&mut headers, Some(&Value::Int(30)), &settings, 0.0).unwrap();
        assert_eq!(headers.get("Expires"), Some("x"));
        assert_eq!(headers.get("Cache-Control"), Some("max-age=5"));
    }
}
