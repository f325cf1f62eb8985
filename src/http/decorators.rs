//! View decorators that patch the response: `cache_control`, `never_cache`,
//! `vary_on_headers` and `vary_on_cookie` (DEC-1). `cache_page` is
//! [`super::CacheMiddleware::cache_page`]; it wraps these (DEC-2).

use super::cache_control::patch_cache_control;
use super::error::HttpError;
use super::expires::add_never_cache_headers;
use super::model::Response;
use super::settings::HttpSettings;
use super::vary::patch_vary_headers;
use crate::value::Value;
use alloc::string::String;
use alloc::vec::Vec;

/// One view decorator.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ViewDecorator {
    /// `@cache_control(**kwargs)`: `patch_cache_control(response, **kwargs)`.
    CacheControl(Vec<(String, Value)>),
    /// `@never_cache`: `add_never_cache_headers(response)`.
    NeverCache,
    /// `@vary_on_headers(*headers)`: `patch_vary_headers(response, headers)`.
    VaryOnHeaders(Vec<String>),
    /// `@vary_on_cookie`: `patch_vary_headers(response, ("Cookie",))`.
    VaryOnCookie,
}

impl ViewDecorator {
    /// Applies the decorator to the view's response (`now` is for `never_cache`'s Expires).
    pub fn apply(
        &self,
        response: &mut Response,
        settings: &HttpSettings,
        now: f64,
    ) -> Result<(), HttpError> {
        // DEC-1
        match self {
            Self::CacheControl(kwargs) => patch_cache_control(&mut response.headers, kwargs),
            Self::NeverCache => add_never_cache_headers(&mut response.headers, settings, now),
            Self::VaryOnHeaders(headers) => patch_vary_headers(&mut response.headers, headers),
            Self::VaryOnCookie => patch_vary_headers(&mut response.headers, &["Cookie"]),
        }
    }
}

/// Applies `decorators` innermost first (the order Python applies stacked decorators to a
/// response, bottom to top).
pub fn apply_all(
    decorators: &[ViewDecorator],
    response: &mut Response,
    settings: &HttpSettings,
    now: f64,
) -> Result<(), HttpError> {
    for decorator in decorators {
        decorator.apply(response, settings, now)?;
    }
    Ok(())
}
