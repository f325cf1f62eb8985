//! Per-view and per-site page caching: Django's `FetchFromCacheMiddleware`,
//! `UpdateCacheMiddleware`, `CacheMiddleware` and `cache_page` (MW-8..MW-16).
//!
//! The cache is looked up by alias in a [`Caches`] only when it is needed, as Django's
//! `cache` property does, and the time comes from the runtime's [`Clock`]. Pages are stored
//! as page entries (see [`super::entry`]); a stored value that is not one is a miss.

use super::cache_control::get_max_age;
use super::date::parse_http_date_safe;
use super::entry::{from_page_entry, to_page_entry};
use super::error::HttpError;
use super::expires::patch_response_headers;
use super::model::{Request, Response, py_lower};
use super::page_key::{get_cache_key, learn_cache_key};
use super::settings::HttpSettings;
use super::vary::{has_vary_header, patch_vary_headers};
use crate::caches::Caches;
use crate::clock::Clock;
use crate::expiry::Timeout;
use crate::options::Options;
use crate::python;
use crate::value::Value;
use alloc::format;
use alloc::string::String;

/// The outcome of the fetch phase.
#[derive(Debug, Clone, PartialEq)]
pub enum Fetched {
    /// A cached page: return it without calling the view.
    Hit(Response),
    /// Call the view; `update_cache` says whether the update phase may store the result
    /// (Django's `request._cache_update_cache`).
    Miss {
        /// Store the response on the way out (GET/HEAD misses only).
        update_cache: bool,
    },
}

/// How a cache middleware is configured in Django (MW-14..MW-16): the three ways a runtime or
/// a face (the component's `http` interface) names one, turned into a [`CacheMiddleware`] by
/// [`MiddlewareConfig::build`] over the Django settings.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum MiddlewareConfig {
    /// `UpdateCacheMiddleware` + `FetchFromCacheMiddleware` in `MIDDLEWARE` ([`CacheMiddleware::site`]).
    Site,
    /// `@cache_page(timeout, cache=..., key_prefix=...)` ([`CacheMiddleware::cache_page`]).
    CachePage {
        /// The page timeout.
        timeout: Value,
        /// `cache=`: the alias, `None` for `"default"`.
        cache: Option<String>,
        /// `key_prefix=`, `None` for `""`.
        key_prefix: Option<String>,
    },
    /// `CacheMiddleware(get_response, cache_timeout, page_timeout, **kwargs)`
    /// ([`CacheMiddleware::new`]).
    CacheMiddleware {
        /// `cache_timeout`, if passed.
        cache_timeout: Option<Value>,
        /// `page_timeout`, if passed.
        page_timeout: Option<Value>,
        /// `key_prefix=`: `None` when absent, `Some(None)` when passed as `None`.
        key_prefix: Option<Option<String>>,
        /// `cache_alias=`: `None` when absent, `Some(None)` when passed as `None`.
        cache_alias: Option<Option<String>>,
    },
}

impl MiddlewareConfig {
    /// The middleware this configuration makes under `settings`.
    pub fn build(&self, settings: &HttpSettings) -> CacheMiddleware {
        match self {
            Self::Site => CacheMiddleware::site(settings),
            Self::CachePage {
                timeout,
                cache,
                key_prefix,
            } => CacheMiddleware::cache_page(
                settings,
                timeout.clone(),
                cache.clone(),
                key_prefix.clone(),
            ),
            Self::CacheMiddleware {
                cache_timeout,
                page_timeout,
                key_prefix,
                cache_alias,
            } => CacheMiddleware::new(
                settings,
                cache_timeout.clone(),
                page_timeout.clone(),
                key_prefix.clone(),
                cache_alias.clone(),
            ),
        }
    }
}

/// A configured cache middleware: the fetch and update phases with their timeout, key
/// prefix and cache alias.
#[derive(Debug, Clone, PartialEq)]
pub struct CacheMiddleware {
    /// `cache_timeout`: used when there is no page timeout and no `max-age` (MW-11).
    pub cache_timeout: Value,
    /// `page_timeout`: `cache_page`'s timeout, which beats `max-age` (MW-11).
    pub page_timeout: Option<Value>,
    /// The key prefix of page and header-list keys.
    pub key_prefix: String,
    /// The cache alias pages are stored in.
    pub cache_alias: String,
}

impl CacheMiddleware {
    /// MW-14: `UpdateCacheMiddleware` + `FetchFromCacheMiddleware` as site middleware, from
    /// `CACHE_MIDDLEWARE_SECONDS`, `CACHE_MIDDLEWARE_KEY_PREFIX` and `CACHE_MIDDLEWARE_ALIAS`.
    pub fn site(settings: &HttpSettings) -> Self {
        Self {
            cache_timeout: settings.cache_middleware_seconds.clone(),
            page_timeout: None,
            key_prefix: settings.cache_middleware_key_prefix.clone(),
            cache_alias: settings.cache_middleware_alias.clone(),
        }
    }

    /// MW-15: `CacheMiddleware(get_response, cache_timeout, page_timeout, **kwargs)`.
    /// `key_prefix` / `cache_alias` are `None` when the keyword is absent (the setting is
    /// used) and `Some(None)` when it is passed as `None` (`""` / `"default"`).
    pub fn new(
        settings: &HttpSettings,
        cache_timeout: Option<Value>,
        page_timeout: Option<Value>,
        key_prefix: Option<Option<String>>,
        cache_alias: Option<Option<String>>,
    ) -> Self {
        let mut middleware = Self::site(settings);
        if let Some(prefix) = key_prefix {
            middleware.key_prefix = prefix.unwrap_or_default();
        }
        if let Some(alias) = cache_alias {
            middleware.cache_alias = alias.unwrap_or_else(|| String::from("default"));
        }
        if let Some(timeout) = cache_timeout.filter(|t| *t != Value::None) {
            middleware.cache_timeout = timeout;
        }
        middleware.page_timeout = page_timeout.filter(|t| *t != Value::None);
        middleware
    }

    /// MW-16: `cache_page(timeout, cache=..., key_prefix=...)`. It always passes its
    /// keywords, so the `CACHE_MIDDLEWARE_KEY_PREFIX` / `_ALIAS` settings are ignored.
    pub fn cache_page(
        settings: &HttpSettings,
        timeout: Value,
        cache: Option<String>,
        key_prefix: Option<String>,
    ) -> Self {
        Self::new(settings, None, Some(timeout), Some(key_prefix), Some(cache))
    }

    /// The fetch phase (`FetchFromCacheMiddleware.process_request`, MW-8, MW-9).
    pub async fn process_request(
        &self,
        caches: &Caches,
        request: &Request,
        settings: &HttpSettings,
        clock: &dyn Clock,
    ) -> Result<Fetched, HttpError> {
        // MW-8: only GET and HEAD are looked up (and later stored).
        if request.method != "GET" && request.method != "HEAD" {
            return Ok(Fetched::Miss {
                update_cache: false,
            });
        }
        let cache = caches.get(&self.cache_alias)?;
        let miss = Fetched::Miss { update_cache: true };
        let Some(key) =
            get_cache_key(request, Some(&self.key_prefix), "GET", cache, settings).await?
        else {
            return Ok(miss);
        };
        let mut found = cache.get(key.as_str(), Options::DEFAULT).await?;
        if matches!(found, None | Some(Value::None)) && request.method == "HEAD" {
            // MW-8: a HEAD also tries the HEAD page key.
            found = match get_cache_key(request, Some(&self.key_prefix), "HEAD", cache, settings)
                .await?
            {
                Some(key) => cache.get(key.as_str(), Options::DEFAULT).await?,
                None => None,
            };
        }
        let Some(mut response) = found.as_ref().and_then(from_page_entry) else {
            return Ok(miss);
        };
        // MW-9: Age = max(0, max_age - (expires - int(now))).
        let now = clock.now();
        if let Some(max_age) = get_max_age(&response.headers) {
            let expires = response
                .headers
                .get("Expires")
                .and_then(|date| parse_http_date_safe(date, now));
            if let Some(expires) = expires {
                let remaining = i128::from(expires).saturating_sub(now as i128);
                let age = max_age.saturating_sub(remaining).max(0);
                response.headers.set("Age", &format!("{age}"))?;
            }
        }
        Ok(Fetched::Hit(response))
    }

    /// The update phase (`UpdateCacheMiddleware.process_response`, MW-10..MW-12): returns
    /// the response, with caching headers when it is cacheable, after storing it when the
    /// timeout is truthy and the status is 200.
    pub async fn process_response(
        &self,
        caches: &Caches,
        request: &Request,
        response: Response,
        update_cache: bool,
        settings: &HttpSettings,
        clock: &dyn Clock,
    ) -> Result<Response, HttpError> {
        self.update(caches, request, response, update_cache, settings, clock)
            .await
            .map(|(response, _)| response)
    }

    /// [`Self::process_response`], also saying whether the page was stored.
    pub async fn update(
        &self,
        caches: &Caches,
        request: &Request,
        mut response: Response,
        update_cache: bool,
        settings: &HttpSettings,
        clock: &dyn Clock,
    ) -> Result<(Response, bool), HttpError> {
        // MW-10 1..2
        if !update_cache || response.streaming || !matches!(response.status, 200 | 304) {
            return Ok((response, false));
        }
        // MW-10 3: a cookie-setting response that varies on Cookie.
        if !response.cookies.is_empty() && has_vary_header(&response.headers, "Cookie") {
            return Ok((response, false));
        }
        // MW-10 4: substring tests on the lower-cased Cache-Control.
        let cache_control = py_lower(response.headers.get("Cache-Control").unwrap_or(""));
        if ["private", "no-cache", "no-store"]
            .iter()
            .any(|d| cache_control.contains(d))
        {
            return Ok((response, false));
        }
        // MW-10 5
        if has_vary_header(&response.headers, "*") {
            return Ok((response, false));
        }
        // MW-11: page timeout, else max-age (0 → not stored), else cache_timeout.
        let timeout = match &self.page_timeout {
            Some(timeout) => timeout.clone(),
            None => match get_max_age(&response.headers) {
                None => self.cache_timeout.clone(),
                Some(0) => return Ok((response, false)), // MW-10 6
                Some(max_age) => Value::Int(max_age),
            },
        };
        // MW-12
        let given = (timeout != Value::None).then_some(&timeout);
        patch_response_headers(&mut response.headers, given, settings, clock.now())?;
        if request
            .header("Authorization")
            .is_some_and(|a| !a.is_empty())
            && !cache_control.contains("public")
        {
            patch_vary_headers(&mut response.headers, &["Authorization"])?;
        }
        let stored = python::truthy(&timeout) && response.status == 200;
        if stored {
            let cache = caches.get(&self.cache_alias)?;
            let key = learn_cache_key(
                request,
                response.headers.get("Vary"),
                Some(&timeout),
                Some(&self.key_prefix),
                cache,
                settings,
            )
            .await?;
            cache
                .set(
                    key.as_str(),
                    to_page_entry(&response),
                    Options::new().timeout(Timeout::from_value(&timeout)?),
                )
                .await?;
        }
        Ok((response, stored))
    }

    /// Runs `view` behind this middleware: a cached page, or the view's response after the
    /// update phase.
    pub async fn handle<V>(
        &self,
        caches: &Caches,
        request: &Request,
        settings: &HttpSettings,
        clock: &dyn Clock,
        view: V,
    ) -> Result<Response, HttpError>
    where
        V: FnOnce(&Request) -> Result<Response, HttpError>,
    {
        match self
            .process_request(caches, request, settings, clock)
            .await?
        {
            Fetched::Hit(response) => Ok(response),
            Fetched::Miss { update_cache } => {
                let response = view(request)?;
                self.process_response(caches, request, response, update_cache, settings, clock)
                    .await
            }
        }
    }
}
