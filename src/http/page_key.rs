//! Page-cache keys: Django's `learn_cache_key` and `get_cache_key` and the key recipes behind
//! them (MW-1..MW-7).

use super::error::HttpError;
use super::model::{Request, py_lower, py_upper, split_header_list};
use super::settings::HttpSettings;
use crate::cache::Cache;
use crate::codec::md5::{Md5, md5_hex};
use crate::expiry::Timeout;
use crate::options::Options;
use crate::value::Value;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// `translation.to_language`: `pt_BR` → `pt-br`.
fn to_language(locale: &str) -> String {
    match locale.split_once('_') {
        Some((lang, country)) => format!("{}-{}", py_lower(lang), py_lower(country)),
        None => py_lower(locale),
    }
}

/// MW-5: `.<lang>` when `USE_I18N`, then `.<time zone>` when `USE_TZ`.
pub fn i18n_suffix(request: &Request, settings: &HttpSettings) -> String {
    let mut suffix = String::new();
    if settings.use_i18n {
        let language = match (&request.language_code, &request.language) {
            (Some(code), _) => code.clone(),
            (None, Some(active)) => to_language(active),
            (None, None) => settings.language_code.clone(),
        };
        suffix.push('.');
        suffix.push_str(&language);
    }
    if settings.use_tz {
        suffix.push('.');
        // MW-5: `get_current_timezone_name()`, a fixed zone's abbreviation.
        suffix.push_str(super::zone::time_zone_name(
            request.time_zone.as_deref().unwrap_or(&settings.time_zone),
        ));
    }
    suffix
}

fn url_hash(request: &Request, settings: &HttpSettings) -> Result<String, HttpError> {
    // MW-3: the absolute URI, ASCII by construction.
    Ok(md5_hex(request.build_absolute_uri(settings)?.as_bytes()))
}

/// MW-1: `views.decorators.cache.cache_header.<prefix>.<md5(url)><suffix>`.
pub fn header_list_key(
    key_prefix: &str,
    request: &Request,
    settings: &HttpSettings,
) -> Result<String, HttpError> {
    Ok(format!(
        "views.decorators.cache.cache_header.{key_prefix}.{}{}",
        url_hash(request, settings)?,
        i18n_suffix(request, settings)
    ))
}

/// MW-2 / MW-4: `views.decorators.cache.cache_page.<prefix>.<METHOD>.<md5(url)>.
/// <md5(header values)><suffix>`, hashing the request's values of `header_list` (META
/// names) in order, `-,` for an absent one.
pub fn page_key(
    request: &Request,
    method: &str,
    header_list: &[Value],
    key_prefix: &str,
    settings: &HttpSettings,
) -> Result<String, HttpError> {
    let mut values = Md5::new();
    for name in header_list {
        match name.as_str().and_then(|name| request.meta(name)) {
            Some(value) => values.update(value.as_bytes()),
            None => values.update(b"-,"), // MW-4: the absent-header marker
        }
    }
    Ok(format!(
        "views.decorators.cache.cache_page.{key_prefix}.{method}.{}.{}{}",
        url_hash(request, settings)?,
        values.hexdigest(),
        i18n_suffix(request, settings)
    ))
}

/// MW-6: the `META` names a `Vary` value stands for, sorted, `Accept-Language` dropped when
/// `USE_I18N`.
pub fn header_list_from_vary(vary: &str, settings: &HttpSettings) -> Vec<String> {
    let mut list: Vec<String> = split_header_list(vary)
        .into_iter()
        .map(|name| py_upper(name).replace('-', "_"))
        .filter(|name| name != "ACCEPT_LANGUAGE" || !settings.use_i18n)
        .map(|name| format!("HTTP_{name}"))
        .collect();
    list.sort();
    list
}

/// Django's `learn_cache_key(request, response, cache_timeout, key_prefix, cache)` (MW-6):
/// stores the header list of `vary` (the response's `Vary`, if any) for the URL and returns
/// the page key for `request.method`. `None` arguments take the `CACHE_MIDDLEWARE_*`
/// settings.
pub async fn learn_cache_key(
    request: &Request,
    vary: Option<&str>,
    cache_timeout: Option<&Value>,
    key_prefix: Option<&str>,
    cache: &Cache,
    settings: &HttpSettings,
) -> Result<String, HttpError> {
    let key_prefix = key_prefix.unwrap_or(&settings.cache_middleware_key_prefix);
    let timeout = cache_timeout.unwrap_or(&settings.cache_middleware_seconds);
    let key = header_list_key(key_prefix, request, settings)?;
    let list: Vec<Value> = vary
        .map(|vary| header_list_from_vary(vary, settings))
        .unwrap_or_default()
        .into_iter()
        .map(Value::Str)
        .collect();
    cache
        .set(
            key.as_str(),
            Value::List(list.clone()),
            Options::new().timeout(Timeout::from_value(timeout)?),
        )
        .await?;
    page_key(request, &request.method, &list, key_prefix, settings)
}

/// Django's `get_cache_key(request, key_prefix, method, cache)` (MW-7): the page key for
/// `method` from the stored header list, or `None` when no list is stored.
pub async fn get_cache_key(
    request: &Request,
    key_prefix: Option<&str>,
    method: &str,
    cache: &Cache,
    settings: &HttpSettings,
) -> Result<Option<String>, HttpError> {
    let key_prefix = key_prefix.unwrap_or(&settings.cache_middleware_key_prefix);
    let key = header_list_key(key_prefix, request, settings)?;
    let list = match cache.get(key.as_str(), Options::DEFAULT).await? {
        None | Some(Value::None) => return Ok(None),
        Some(Value::List(items) | Value::Tuple(items)) => items,
        Some(_) => Vec::new(),
    };
    page_key(request, method, &list, key_prefix, settings).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_url_hashes() {
        let settings = HttpSettings::oracle();
        let mut request = Request::from_target("GET", "/cache/test/", false);
        request.set_header("Host", "www.example.com");
        assert_eq!(
            url_hash(&request, &settings).unwrap(),
            "18a03f9c9649f7d684af5db3524f5c99"
        );
        let mut request = Request::from_target("GET", "/cache/test/?test=1", false);
        request.set_header("Host", "www.example.com");
        assert_eq!(
            url_hash(&request, &settings).unwrap(),
            "beaf87a9a99ee81c673ea2d67ccbec2a"
        );
    }

    #[test]
    fn header_lists_and_values() {
        let mut settings = HttpSettings::oracle();
        assert_eq!(
            header_list_from_vary("Accept-Language, Cookie, accept-encoding", &settings),
            ["HTTP_ACCEPT_ENCODING", "HTTP_COOKIE"]
        );
        settings.use_i18n = false;
        settings.use_tz = false;
        let mut request = Request::new("GET", "/");
        request.set_header("Cookie", "a=b");
        let list = [
            Value::from("HTTP_ACCEPT_ENCODING"),
            Value::from("HTTP_COOKIE"),
        ];
        let key = page_key(&request, "GET", &list, "", &settings).unwrap();
        assert!(key.ends_with(&md5_hex(b"-,a=b")), "{key}");
    }
}
