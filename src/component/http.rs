//! The `http` interface (full build): Django's HTTP caching layer over the caches of a
//! `caches` resource. Calls that touch a cache return the warnings every alias emitted next
//! to their result.

use super::api::{CachesResource, saturate};
use super::exports::edgecache::cache::api;
use super::exports::edgecache::cache::http as wit_http;
use super::value::{decode, decode_all, encode, error, warning};
use super::{Component, HostClock};
use crate::caches::Caches;
use crate::clock::Clock;
use crate::error::CacheError;
use crate::http::{
    self as web, Fetched, Headers, HttpError, HttpSettings, MiddlewareConfig, ViewDecorator,
};
use crate::value::Value;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};

/// A result with the warnings the call emitted.
type Reply<T> = (Result<T, api::Error>, Vec<api::Warning>);

impl wit_http::Guest for Component {
    type Layer = LayerResource;

    fn make_template_fragment_key(
        fragment_name: String,
        vary_on: Vec<api::Value>,
    ) -> Result<String, api::Error> {
        let vary_on = decode_all(vary_on).map_err(error)?;
        Ok(web::make_template_fragment_key(&fragment_name, &vary_on))
    }

    fn patch_cache_control(
        headers: wit_http::Headers,
        kwargs: Vec<(String, api::Value)>,
    ) -> Result<wit_http::Headers, api::Error> {
        let run = || {
            let mut headers = headers_in(headers)?;
            web::patch_cache_control(&mut headers, &kwargs_in(kwargs)?)?;
            Ok(headers_out(&headers))
        };
        run().map_err(http_error)
    }

    fn patch_vary_headers(
        headers: wit_http::Headers,
        newheaders: Vec<String>,
    ) -> Result<wit_http::Headers, api::Error> {
        let run = || {
            let mut headers = headers_in(headers)?;
            web::patch_vary_headers(&mut headers, &newheaders)?;
            Ok(headers_out(&headers))
        };
        run().map_err(http_error)
    }

    fn has_vary_header(
        headers: wit_http::Headers,
        header_query: String,
    ) -> Result<bool, api::Error> {
        let headers = headers_in(headers).map_err(http_error)?;
        Ok(web::has_vary_header(&headers, &header_query))
    }

    fn get_max_age(headers: wit_http::Headers) -> Result<Option<api::Value>, api::Error> {
        let headers = headers_in(headers).map_err(http_error)?;
        Ok(web::get_max_age(&headers).map(|age| encode(&Value::Int(age))))
    }
}

/// `layer`: Django settings over the caches of one `caches`.
pub struct LayerResource {
    caches: Rc<Caches>,
    settings: HttpSettings,
}

impl LayerResource {
    /// Runs `call` and collects the warnings every alias emitted.
    fn reply<T>(&self, call: impl FnOnce() -> Result<T, HttpError>) -> Reply<T> {
        let outcome = call().map_err(http_error);
        let mut warnings = Vec::new();
        for alias in self.caches.aliases() {
            if let Ok(cache) = self.caches.get(alias) {
                warnings.extend(cache.take_warnings().into_iter().map(warning));
            }
        }
        (outcome, warnings)
    }

    fn now(&self) -> f64 {
        HostClock.now()
    }
}

impl wit_http::GuestLayer for LayerResource {
    fn new(caches: api::CachesBorrow<'_>, settings: api::Value) -> Self {
        let caches = caches.get::<CachesResource>().caches.clone();
        // A malformed settings value configures nothing: Django's defaults apply.
        let settings = decode(settings).unwrap_or(Value::None);
        Self {
            caches,
            settings: HttpSettings::from_dict(&settings),
        }
    }

    fn patch_response_headers(
        &self,
        headers: wit_http::Headers,
        cache_timeout: Option<api::Value>,
    ) -> Result<wit_http::Headers, api::Error> {
        let run = || {
            let mut headers = headers_in(headers)?;
            let timeout = cache_timeout.map(decode).transpose()?;
            web::patch_response_headers(
                &mut headers,
                timeout.as_ref(),
                &self.settings,
                self.now(),
            )?;
            Ok(headers_out(&headers))
        };
        run().map_err(http_error)
    }

    fn add_never_cache_headers(
        &self,
        headers: wit_http::Headers,
    ) -> Result<wit_http::Headers, api::Error> {
        let run = || {
            let mut headers = headers_in(headers)?;
            web::add_never_cache_headers(&mut headers, &self.settings, self.now())?;
            Ok(headers_out(&headers))
        };
        run().map_err(http_error)
    }

    fn apply_decorators(
        &self,
        response: wit_http::Response,
        decorators: Vec<wit_http::ViewDecorator>,
    ) -> Result<wit_http::Response, api::Error> {
        let run = || {
            let mut response = response_in(response)?;
            let decorators = decorators
                .into_iter()
                .map(decorator_in)
                .collect::<Result<Vec<_>, _>>()?;
            web::decorators::apply_all(&decorators, &mut response, &self.settings, self.now())?;
            Ok(response_out(response))
        };
        run().map_err(http_error)
    }

    fn learn_cache_key(
        &self,
        request: wit_http::Request,
        response: wit_http::Response,
        cache_timeout: Option<api::Value>,
        key_prefix: Option<String>,
    ) -> Reply<String> {
        self.reply(|| {
            let response = response_in(response)?;
            let timeout = cache_timeout.map(decode).transpose()?;
            let cache = self.caches.get(&self.settings.cache_middleware_alias)?;
            ready_http(web::learn_cache_key(
                &request_in(request),
                response.headers.get("Vary"),
                timeout.as_ref(),
                key_prefix.as_deref(),
                cache,
                &self.settings,
            ))
        })
    }

    fn get_cache_key(
        &self,
        request: wit_http::Request,
        key_prefix: Option<String>,
        method: String,
    ) -> Reply<Option<String>> {
        self.reply(|| {
            let cache = self.caches.get(&self.settings.cache_middleware_alias)?;
            ready_http(web::get_cache_key(
                &request_in(request),
                key_prefix.as_deref(),
                &method,
                cache,
                &self.settings,
            ))
        })
    }

    fn process_request(
        &self,
        middleware: wit_http::Middleware,
        request: wit_http::Request,
    ) -> Reply<wit_http::Fetched> {
        self.reply(|| {
            let middleware = middleware_in(middleware)?.build(&self.settings);
            let fetched = ready_http(middleware.process_request(
                &self.caches,
                &request_in(request),
                &self.settings,
                &HostClock,
            ))?;
            Ok(match fetched {
                Fetched::Hit(response) => wit_http::Fetched::Hit(response_out(response)),
                Fetched::Miss { update_cache } => wit_http::Fetched::Miss(update_cache),
            })
        })
    }

    fn process_response(
        &self,
        middleware: wit_http::Middleware,
        request: wit_http::Request,
        response: wit_http::Response,
        update_cache: bool,
    ) -> Reply<wit_http::Response> {
        self.reply(|| {
            let middleware = middleware_in(middleware)?.build(&self.settings);
            let response = ready_http(middleware.process_response(
                &self.caches,
                &request_in(request),
                response_in(response)?,
                update_cache,
                &self.settings,
                &HostClock,
            ))?;
            Ok(response_out(response))
        })
    }
}

/// Drives an HTTP-layer future over in-memory caches, ready on its first poll.
fn ready_http<T>(future: impl Future<Output = Result<T, HttpError>>) -> Result<T, HttpError> {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => Err(HttpError::Cache(CacheError::WouldBlock)),
    }
}

fn http_error(error: HttpError) -> api::Error {
    match error {
        HttpError::Cache(error) => self::error(error),
        HttpError::Type(message) => api::Error::TypeError(message),
        HttpError::Value(message) => api::Error::ValueError(message),
        other => api::Error::Other(api::Exception {
            python_type: other.python_type().into(),
            message: other.message().into(),
        }),
    }
}

/// Headers set one by one with Django's checks.
fn headers_in(pairs: wit_http::Headers) -> Result<Headers, HttpError> {
    let mut headers = Headers::new();
    for (name, value) in pairs {
        headers.set(&name, &value)?;
    }
    Ok(headers)
}

fn headers_out(headers: &Headers) -> wit_http::Headers {
    headers
        .iter()
        .map(|(name, value)| (String::from(name), String::from(value)))
        .collect()
}

fn kwargs_in(kwargs: Vec<(String, api::Value)>) -> Result<Vec<(String, Value)>, CacheError> {
    kwargs
        .into_iter()
        .map(|(name, value)| Ok((name, decode(value)?)))
        .collect()
}

fn request_in(request: wit_http::Request) -> web::Request {
    web::Request {
        method: request.method,
        secure: request.secure,
        path: request.path,
        query: request.query,
        meta: request.meta,
        language_code: request.language_code,
        language: request.language,
        time_zone: request.time_zone,
    }
}

fn response_in(response: wit_http::Response) -> Result<web::Response, HttpError> {
    let mut out = web::Response::new(i128::from(response.status), "");
    out.headers = headers_in(response.headers)?;
    out.content = response.content;
    out.cookies = response.cookies;
    out.streaming = response.streaming;
    Ok(out)
}

fn response_out(response: web::Response) -> wit_http::Response {
    wit_http::Response {
        status: saturate(response.status),
        headers: headers_out(&response.headers),
        content: response.content,
        cookies: response.cookies,
        streaming: response.streaming,
    }
}

fn decorator_in(decorator: wit_http::ViewDecorator) -> Result<ViewDecorator, CacheError> {
    Ok(match decorator {
        wit_http::ViewDecorator::CacheControl(kwargs) => {
            ViewDecorator::CacheControl(kwargs_in(kwargs)?)
        }
        wit_http::ViewDecorator::NeverCache => ViewDecorator::NeverCache,
        wit_http::ViewDecorator::VaryOnHeaders(headers) => ViewDecorator::VaryOnHeaders(headers),
        wit_http::ViewDecorator::VaryOnCookie => ViewDecorator::VaryOnCookie,
    })
}

fn middleware_in(middleware: wit_http::Middleware) -> Result<MiddlewareConfig, CacheError> {
    Ok(match middleware {
        wit_http::Middleware::Site => MiddlewareConfig::Site,
        wit_http::Middleware::CachePage(page) => MiddlewareConfig::CachePage {
            timeout: decode(page.timeout)?,
            cache: page.cache,
            key_prefix: page.key_prefix,
        },
        wit_http::Middleware::CacheMiddleware(config) => MiddlewareConfig::CacheMiddleware {
            cache_timeout: config.cache_timeout.map(decode).transpose()?,
            page_timeout: config.page_timeout.map(decode).transpose()?,
            key_prefix: config.key_prefix,
            cache_alias: config.cache_alias,
        },
    })
}
