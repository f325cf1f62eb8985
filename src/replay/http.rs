//! The replay of the oracle's HTTP operations: the header utilities, fragment keys,
//! `learn_cache_key` / `get_cache_key`, and `request` with the trace's view and handler
//! specs (built the way the oracle builds them with Django's `RequestFactory`).
//!
//! The oracle's specs become requests and responses here (the test fixture's job, like the
//! oracle's `build_request`); every Django rule runs behind [`ReplayHttp`]: the core's own
//! HTTP layer ([`NativeHttp`]), or a face's (the WebAssembly component's `http` interface).

use super::{decode, dict_get};
use crate::caches::Caches;
use crate::clock::Clock;
use crate::error::{CacheError, Warning};
use crate::http::decorators::{ViewDecorator, apply_all};
use crate::http::{
    self, Fetched, Headers, HttpError, HttpSettings, MiddlewareConfig, Request, Response,
};
use crate::python;
use crate::value::Value;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};

/// The oracle operations this file handles.
pub const HTTP_OPS: &[&str] = &[
    "make_template_fragment_key",
    "patch_cache_control",
    "patch_vary_headers",
    "has_vary_header",
    "get_max_age",
    "patch_response_headers",
    "add_never_cache_headers",
    "learn_cache_key",
    "get_cache_key",
    "request",
];

/// The trace's `django_settings` over the oracle's defaults (`ALLOWED_HOSTS=["*"]`), as one
/// dict of settings by name (what a face's HTTP layer is configured with).
pub fn oracle_settings(django: &Value) -> Value {
    let mut pairs = alloc::vec![(
        Value::from("ALLOWED_HOSTS"),
        Value::List(alloc::vec![Value::from("*")]),
    )];
    if let Value::Dict(given) = django {
        pairs.extend(given.iter().cloned());
    }
    Value::Dict(pairs)
}

/// Reads the trace's `django_settings` over the oracle's defaults (`ALLOWED_HOSTS=["*"]`).
pub fn http_settings(django: &Value) -> HttpSettings {
    HttpSettings::from_dict(&oracle_settings(django))
}

/// Django's HTTP caching layer as the replay drives it: each method is the `django.utils.cache`
/// function, view decorator or middleware phase of the same name, over the replay's caches
/// and Django settings.
#[allow(async_fn_in_trait)] // generic use only
pub trait ReplayHttp {
    /// The warnings every alias emitted since the last call, oldest first.
    fn take_warnings(&self) -> Vec<Warning>;
    /// `make_template_fragment_key(fragment_name, vary_on)`.
    fn make_template_fragment_key(
        &self,
        fragment_name: &str,
        vary_on: &[Value],
    ) -> Result<String, HttpError>;
    /// `patch_cache_control(response, **kwargs)`.
    fn patch_cache_control(
        &self,
        headers: &mut Headers,
        kwargs: &[(String, Value)],
    ) -> Result<(), HttpError>;
    /// `patch_vary_headers(response, newheaders)`.
    fn patch_vary_headers(
        &self,
        headers: &mut Headers,
        newheaders: &[String],
    ) -> Result<(), HttpError>;
    /// `has_vary_header(response, header_query)`.
    fn has_vary_header(&self, headers: &Headers, header_query: &str) -> Result<bool, HttpError>;
    /// `get_max_age(response)`.
    fn get_max_age(&self, headers: &Headers) -> Result<Option<i128>, HttpError>;
    /// `patch_response_headers(response, cache_timeout)`.
    fn patch_response_headers(
        &self,
        headers: &mut Headers,
        cache_timeout: Option<&Value>,
    ) -> Result<(), HttpError>;
    /// `add_never_cache_headers(response)`.
    fn add_never_cache_headers(&self, headers: &mut Headers) -> Result<(), HttpError>;
    /// The view decorators, innermost first, applied to the view's response.
    fn apply_decorators(
        &self,
        response: &mut Response,
        decorators: &[ViewDecorator],
    ) -> Result<(), HttpError>;
    /// `learn_cache_key(request, response, cache_timeout, key_prefix)` on
    /// `CACHE_MIDDLEWARE_ALIAS`.
    async fn learn_cache_key(
        &self,
        request: &Request,
        response: &Response,
        cache_timeout: Option<&Value>,
        key_prefix: Option<&str>,
    ) -> Result<String, HttpError>;
    /// `get_cache_key(request, key_prefix, method)` on `CACHE_MIDDLEWARE_ALIAS`.
    async fn get_cache_key(
        &self,
        request: &Request,
        key_prefix: Option<&str>,
        method: &str,
    ) -> Result<Option<String>, HttpError>;
    /// The middleware's fetch phase.
    async fn process_request(
        &self,
        middleware: &MiddlewareConfig,
        request: &Request,
    ) -> Result<Fetched, HttpError>;
    /// The middleware's update phase.
    async fn process_response(
        &self,
        middleware: &MiddlewareConfig,
        request: &Request,
        response: Response,
        update_cache: bool,
    ) -> Result<Response, HttpError>;
}

/// The core's own HTTP layer over caches in this process.
pub struct NativeHttp<'a> {
    /// The caches.
    pub caches: &'a Caches,
    /// The Django settings.
    pub settings: &'a HttpSettings,
    /// The time.
    pub clock: &'a dyn Clock,
}

impl ReplayHttp for NativeHttp<'_> {
    fn take_warnings(&self) -> Vec<Warning> {
        let mut warnings = Vec::new();
        for alias in self.caches.aliases() {
            if let Ok(cache) = self.caches.get(alias) {
                warnings.extend(cache.take_warnings());
            }
        }
        warnings
    }
    fn make_template_fragment_key(
        &self,
        fragment_name: &str,
        vary_on: &[Value],
    ) -> Result<String, HttpError> {
        Ok(http::make_template_fragment_key(fragment_name, vary_on))
    }
    fn patch_cache_control(
        &self,
        headers: &mut Headers,
        kwargs: &[(String, Value)],
    ) -> Result<(), HttpError> {
        http::patch_cache_control(headers, kwargs)
    }
    fn patch_vary_headers(
        &self,
        headers: &mut Headers,
        newheaders: &[String],
    ) -> Result<(), HttpError> {
        http::patch_vary_headers(headers, newheaders)
    }
    fn has_vary_header(&self, headers: &Headers, header_query: &str) -> Result<bool, HttpError> {
        Ok(http::has_vary_header(headers, header_query))
    }
    fn get_max_age(&self, headers: &Headers) -> Result<Option<i128>, HttpError> {
        Ok(http::get_max_age(headers))
    }
    fn patch_response_headers(
        &self,
        headers: &mut Headers,
        cache_timeout: Option<&Value>,
    ) -> Result<(), HttpError> {
        http::patch_response_headers(headers, cache_timeout, self.settings, self.clock.now())
    }
    fn add_never_cache_headers(&self, headers: &mut Headers) -> Result<(), HttpError> {
        http::add_never_cache_headers(headers, self.settings, self.clock.now())
    }
    fn apply_decorators(
        &self,
        response: &mut Response,
        decorators: &[ViewDecorator],
    ) -> Result<(), HttpError> {
        apply_all(decorators, response, self.settings, self.clock.now())
    }
    async fn learn_cache_key(
        &self,
        request: &Request,
        response: &Response,
        cache_timeout: Option<&Value>,
        key_prefix: Option<&str>,
    ) -> Result<String, HttpError> {
        let cache = self.caches.get(&self.settings.cache_middleware_alias)?;
        http::learn_cache_key(
            request,
            response.headers.get("Vary"),
            cache_timeout,
            key_prefix,
            cache,
            self.settings,
        )
        .await
    }
    async fn get_cache_key(
        &self,
        request: &Request,
        key_prefix: Option<&str>,
        method: &str,
    ) -> Result<Option<String>, HttpError> {
        let cache = self.caches.get(&self.settings.cache_middleware_alias)?;
        http::get_cache_key(request, key_prefix, method, cache, self.settings).await
    }
    async fn process_request(
        &self,
        middleware: &MiddlewareConfig,
        request: &Request,
    ) -> Result<Fetched, HttpError> {
        middleware
            .build(self.settings)
            .process_request(self.caches, request, self.settings, self.clock)
            .await
    }
    async fn process_response(
        &self,
        middleware: &MiddlewareConfig,
        request: &Request,
        response: Response,
        update_cache: bool,
    ) -> Result<Response, HttpError> {
        middleware
            .build(self.settings)
            .process_response(
                self.caches,
                request,
                response,
                update_cache,
                self.settings,
                self.clock,
            )
            .await
    }
}

fn to_cache_error(error: HttpError) -> CacheError {
    match error {
        HttpError::Cache(error) => error,
        other => CacheError::Http {
            python_type: other.python_type(),
            message: String::from(other.message()),
        },
    }
}

/// Runs one HTTP operation on `layer`; returns its result and the warnings of every alias.
/// `view_calls` counts the views called so far (the oracle stamps each view's content `#n`).
pub async fn run<H: ReplayHttp>(
    layer: &H,
    view_calls: &AtomicU64,
    name: &str,
    op: &Value,
) -> (Result<Value, CacheError>, Vec<Warning>) {
    let outcome = run_op(layer, view_calls, name, op)
        .await
        .map_err(to_cache_error);
    (outcome, layer.take_warnings())
}

fn field<'a>(op: &'a Value, name: &str) -> Option<&'a Value> {
    dict_get(op, name)
}

fn pairs(value: Option<&Value>) -> Vec<(Value, Value)> {
    match value.map(decode) {
        Some(Value::Dict(pairs)) => pairs,
        _ => Vec::new(),
    }
}

fn args(op: &Value) -> Vec<Value> {
    match field(op, "args").map(decode) {
        Some(Value::List(items)) => items,
        _ => Vec::new(),
    }
}

fn kwargs(op: &Value) -> Vec<(String, Value)> {
    pairs(field(op, "kwargs"))
        .into_iter()
        .map(|(k, v)| (python::str(&k), v))
        .collect()
}

fn kwarg<'a>(kwargs: &'a [(String, Value)], name: &str) -> Option<&'a Value> {
    kwargs.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// An argument or keyword argument at `position` / `name`.
fn arg(op_args: &[Value], kw: &[(String, Value)], position: usize, name: &str) -> Option<Value> {
    op_args
        .get(position)
        .cloned()
        .or_else(|| kwarg(kw, name).cloned())
}

/// Python iteration of an argument: a list/tuple's items, a str's characters.
fn items(value: &Value) -> Result<Vec<Value>, HttpError> {
    match value {
        Value::List(items) | Value::Tuple(items) => Ok(items.clone()),
        Value::Str(s) => Ok(s.chars().map(|c| Value::Str(c.into())).collect()),
        Value::Dict(pairs) => Ok(pairs.iter().map(|(k, _)| k.clone()).collect()),
        other => Err(HttpError::Type(format!(
            "'{}' object is not iterable",
            python::type_name(other)
        ))),
    }
}

fn str_items(value: &Value) -> Result<Vec<String>, HttpError> {
    Ok(items(value)?.iter().map(python::str).collect())
}

/// The oracle's `response_from_headers`: `HttpResponse("")` with the given headers set.
fn response_from_headers(op: &Value) -> Result<Response, HttpError> {
    let mut response = Response::new(200, "");
    for (name, value) in pairs(field(op, "headers")) {
        response.headers.set_value(&python::str(&name), &value)?;
    }
    Ok(response)
}

fn headers_value(headers: &Headers) -> Value {
    Value::Dict(
        headers
            .iter()
            .map(|(n, v)| (Value::from(n), Value::from(v)))
            .collect(),
    )
}

/// The oracle's `build_request(spec)`.
fn build_request(spec: Option<&Value>) -> Request {
    let spec = spec.map(decode).unwrap_or(Value::Dict(Vec::new()));
    let get = |name: &str| dict_get(&spec, name);
    let method = get("method").map_or(String::from("GET"), python::str);
    let mut target = get("path").map_or(String::from("/"), python::str);
    if let Some(query) = get("query").filter(|q| python::truthy(q)) {
        target = format!("{target}?{}", python::str(query));
    }
    let secure = get("scheme").is_some_and(|s| s.as_str() == Some("https"));
    let mut request = Request::from_target(&method, &target, secure);
    let mut has_cookie = false;
    for (key, value) in pairs(get("meta")) {
        let key = python::str(&key);
        let value = python::str(&value);
        if key == "QUERY_STRING" {
            if !value.is_empty() {
                request.query = value;
            }
            continue;
        }
        has_cookie |= key == "HTTP_COOKIE";
        request.set_meta(&key, &value);
    }
    let mut headers = pairs(get("headers"));
    if let Some(host) = get("host") {
        headers.retain(|(k, _)| k.as_str() != Some("Host"));
        headers.push((Value::from("Host"), host.clone()));
    }
    for (name, value) in headers {
        let name = python::str(&name);
        has_cookie |= name.eq_ignore_ascii_case("cookie");
        request.set_header(&name, &python::str(&value));
    }
    if !has_cookie {
        request.meta.retain(|(k, _)| k != "HTTP_COOKIE");
    }
    request.language_code = get("language_code").map(python::str);
    request.language = get("language")
        .filter(|l| python::truthy(l))
        .map(python::str);
    request.time_zone = get("timezone")
        .filter(|t| python::truthy(t))
        .map(python::str);
    request
}

/// The oracle's `build_response(spec, stamp_counter)`.
fn build_response(
    view_calls: &AtomicU64,
    spec: Option<&Value>,
    stamp_counter: bool,
) -> Result<Response, HttpError> {
    let spec = spec.map(decode).unwrap_or(Value::Dict(Vec::new()));
    let get = |name: &str| dict_get(&spec, name);
    let mut content = get("content").map_or(String::from("content"), python::str);
    if stamp_counter && get("stamp").is_none_or(python::truthy) {
        let n = view_calls.fetch_add(1, Ordering::SeqCst) + 1;
        content = format!("{content}#{n}");
    }
    let status = get("status").cloned().unwrap_or(Value::Int(200));
    let mut response = if get("streaming").is_some_and(python::truthy) {
        let mut response = Response::new(200, &content);
        response.streaming = true;
        response.status = python::int(&status).unwrap_or(200);
        response
    } else {
        let status = python::int(&status)
            .map_err(|_| HttpError::Type(String::from("HTTP status code must be an integer.")))?;
        if !(100..=599).contains(&status) {
            return Err(HttpError::Value(String::from(
                "HTTP status code must be an integer from 100 to 599.",
            )));
        }
        Response::new(status, &content)
    };
    for (name, value) in pairs(get("headers")) {
        response.headers.set_value(&python::str(&name), &value)?;
    }
    for (name, value) in pairs(get("cookies")) {
        response.set_cookie(&python::str(&name), &python::str(&value));
    }
    Ok(response)
}

/// The decorators of a view spec, innermost first, each dict's keys in the oracle's order.
fn view_decorators(spec: &Value) -> Result<Vec<ViewDecorator>, HttpError> {
    let mut decorators = Vec::new();
    let list = match dict_get(spec, "decorators") {
        Some(Value::List(list)) => list.clone(),
        _ => Vec::new(),
    };
    for deco in &list {
        if let Some(kw) = dict_get(deco, "cache_control") {
            let kw = pairs(Some(kw))
                .into_iter()
                .map(|(k, v)| (python::str(&k), v))
                .collect();
            decorators.push(ViewDecorator::CacheControl(kw));
        }
        if dict_get(deco, "never_cache").is_some_and(python::truthy) {
            decorators.push(ViewDecorator::NeverCache);
        }
        if let Some(headers) = dict_get(deco, "vary_on_headers") {
            decorators.push(ViewDecorator::VaryOnHeaders(str_items(headers)?));
        }
        if dict_get(deco, "vary_on_cookie").is_some_and(python::truthy) {
            decorators.push(ViewDecorator::VaryOnCookie);
        }
    }
    Ok(decorators)
}

/// The oracle's `response_to_json`.
fn response_value(response: &Response) -> Vec<(Value, Value)> {
    let mut out = alloc::vec![
        (Value::from("status"), Value::Int(response.status)),
        (Value::from("headers"), headers_value(&response.headers)),
    ];
    if !response.cookies.is_empty() {
        let mut cookies = response.cookies.clone();
        cookies.sort();
        out.push((
            Value::from("cookies"),
            Value::Dict(
                cookies
                    .into_iter()
                    .map(|(n, v)| (Value::Str(n), Value::Str(v)))
                    .collect(),
            ),
        ));
    }
    if response.streaming {
        out.push((Value::from("streaming"), Value::Bool(true)));
    } else {
        out.push((
            Value::from("content"),
            Value::from(response.content.as_str()),
        ));
    }
    out
}

fn optional_str(value: Option<&Value>) -> Option<String> {
    value.filter(|v| **v != Value::None).map(python::str)
}

async fn run_request<H: ReplayHttp>(
    layer: &H,
    view_calls: &AtomicU64,
    op: &Value,
) -> Result<Value, HttpError> {
    let request = build_request(field(op, "request"));
    let view_spec = field(op, "view")
        .map(decode)
        .unwrap_or(Value::Dict(Vec::new()));
    let handler = field(op, "handler").map_or(String::from("cache_page"), python::str);
    let hk: Vec<(String, Value)> = pairs(field(op, "handler_kwargs"))
        .into_iter()
        .map(|(k, v)| (python::str(&k), v))
        .collect();
    let present = |name: &str| kwarg(&hk, name).map(|v| optional_str(Some(v)));
    let middleware = match handler.as_str() {
        "cache_page" => MiddlewareConfig::CachePage {
            timeout: kwarg(&hk, "timeout").cloned().unwrap_or(Value::Int(60)),
            cache: present("cache").flatten(),
            key_prefix: present("key_prefix").flatten(),
        },
        "site" => MiddlewareConfig::Site,
        "cache_middleware" => MiddlewareConfig::CacheMiddleware {
            cache_timeout: kwarg(&hk, "cache_timeout").cloned(),
            page_timeout: kwarg(&hk, "page_timeout").cloned(),
            key_prefix: present("key_prefix"),
            cache_alias: present("cache_alias"),
        },
        other => {
            return Err(HttpError::Value(format!(
                "unknown handler {}",
                python::repr_str(other)
            )));
        }
    };
    // The middleware around the view (Django's `CacheMiddleware.__call__` / `cache_page`).
    let (response, called) = match layer.process_request(&middleware, &request).await? {
        Fetched::Hit(response) => (response, false),
        Fetched::Miss { update_cache } => {
            let spec = dict_get(&view_spec, "response").unwrap_or(&view_spec);
            let mut response = build_response(view_calls, Some(spec), true)?;
            let decorators = view_decorators(&view_spec)?;
            layer.apply_decorators(&mut response, &decorators)?;
            let response = layer
                .process_response(&middleware, &request, response, update_cache)
                .await?;
            (response, true)
        }
    };
    let mut out = response_value(&response);
    out.push((Value::from("view_called"), Value::Bool(called)));
    Ok(Value::Dict(out))
}

async fn run_op<H: ReplayHttp>(
    layer: &H,
    view_calls: &AtomicU64,
    name: &str,
    op: &Value,
) -> Result<Value, HttpError> {
    let a = args(op);
    let kw = kwargs(op);
    Ok(match name {
        "make_template_fragment_key" => {
            let fragment = arg(&a, &kw, 0, "fragment_name").unwrap_or(Value::None);
            let vary_on = match arg(&a, &kw, 1, "vary_on") {
                None | Some(Value::None) => Vec::new(),
                Some(v) => items(&v)?,
            };
            Value::Str(layer.make_template_fragment_key(&python::str(&fragment), &vary_on)?)
        }
        "patch_cache_control" => {
            let mut response = response_from_headers(op)?;
            layer.patch_cache_control(&mut response.headers, &kw)?;
            response
                .headers
                .get("Cache-Control")
                .map_or(Value::None, Value::from)
        }
        "patch_vary_headers" => {
            let mut response = response_from_headers(op)?;
            let new = arg(&a, &kw, 0, "newheaders").unwrap_or(Value::List(Vec::new()));
            layer.patch_vary_headers(&mut response.headers, &str_items(&new)?)?;
            response
                .headers
                .get("Vary")
                .map_or(Value::None, Value::from)
        }
        "has_vary_header" => {
            let response = response_from_headers(op)?;
            let query = arg(&a, &kw, 0, "header_query").unwrap_or(Value::None);
            Value::Bool(layer.has_vary_header(&response.headers, &python::str(&query))?)
        }
        "get_max_age" => {
            let response = response_from_headers(op)?;
            layer
                .get_max_age(&response.headers)?
                .map_or(Value::None, Value::Int)
        }
        "patch_response_headers" => {
            let mut response = response_from_headers(op)?;
            let timeout = arg(&a, &kw, 0, "cache_timeout").filter(|t| *t != Value::None);
            layer.patch_response_headers(&mut response.headers, timeout.as_ref())?;
            headers_value(&response.headers)
        }
        "add_never_cache_headers" => {
            let mut response = response_from_headers(op)?;
            layer.add_never_cache_headers(&mut response.headers)?;
            headers_value(&response.headers)
        }
        "learn_cache_key" => {
            let request = build_request(field(op, "request"));
            let response = build_response(view_calls, field(op, "response"), false)?;
            let timeout = kwarg(&kw, "cache_timeout").filter(|t| **t != Value::None);
            let prefix = optional_str(kwarg(&kw, "key_prefix"));
            Value::Str(
                layer
                    .learn_cache_key(&request, &response, timeout, prefix.as_deref())
                    .await?,
            )
        }
        "get_cache_key" => {
            let request = build_request(field(op, "request"));
            let prefix = optional_str(kwarg(&kw, "key_prefix"));
            let method = kwarg(&kw, "method").map_or(String::from("GET"), python::str);
            layer
                .get_cache_key(&request, prefix.as_deref(), &method)
                .await?
                .map_or(Value::None, Value::Str)
        }
        "request" => run_request(layer, view_calls, op).await?,
        other => return Err(HttpError::Value(format!("unknown op '{other}'"))),
    })
}
