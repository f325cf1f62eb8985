//! The HTTP layer's face: the header utilities, template-fragment keys, page keys and page
//! caching of [`crate::http`], for `js/` to wrap.
//!
//! Conversion only, no Django rule. Headers, cookies and cache-control directives arrive as
//! `[name, value]` pairs (the JavaScript layer flattens objects, `Map`s and `Headers`) and
//! headers go back the same way, in Django's order and spelling. A request is a plain object
//! `{method, path, query, scheme, host, headers, meta, languageCode, language, timeZone}` and
//! a response `{status, content, headers, cookies, streaming}`: the request is built the way
//! Django's test `RequestFactory` builds one for that target, the response is
//! `HttpResponse(content, status=status)` with `headers` then set in order. Values are
//! Python values (`str()` where Django takes text).

use super::{Core, Hooks, hot, set_field, to_js, to_value, type_error};
use crate::caches::Caches;
use crate::clock::Clock;
use crate::http::{self, CacheMiddleware, Fetched, Headers, HttpError, HttpSettings};
use crate::http::{Request, Response};
use crate::python;
use crate::value::Value;
use alloc::format;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// An [`HttpError`] as the package's typed `Error` (Django's exception name and message).
fn http_error(make_error: &Function, error: &HttpError) -> JsValue {
    make_error
        .call2(
            &JsValue::UNDEFINED,
            &JsValue::from_str(error.python_type()),
            &JsValue::from_str(error.message()),
        )
        .unwrap_or_else(|thrown| thrown)
}

fn given(js: &JsValue) -> bool {
    !js.is_undefined() && !js.is_null()
}

fn field(object: &JsValue, name: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// A field as a Python value; `None` when it is `undefined` or `null`.
fn value_field(object: &JsValue, name: &str, what: &str) -> Result<Option<Value>, JsValue> {
    let js = field(object, name);
    if given(&js) {
        to_value(&js, &format!("{what}.{name}")).map(Some)
    } else {
        Ok(None)
    }
}

/// `[[name, value], ...]`: names as `str()`, values as Python values.
fn pairs(js: &JsValue, what: &str) -> Result<Vec<(String, Value)>, JsValue> {
    if !given(js) {
        return Ok(Vec::new());
    }
    if !Array::is_array(js) {
        return Err(type_error(format!("{what} must be [name, value] pairs")));
    }
    let mut out = Vec::new();
    let array: &Array = Array::unchecked_from_js_ref(js);
    for (n, entry) in array.iter().enumerate() {
        let entry: JsValue = entry;
        let pair: Array = entry
            .dyn_into()
            .map_err(|_| type_error(format!("{what}[{n}] is not a [name, value] pair")))?;
        let name = to_value(&pair.get(0), &format!("{what}[{n}][0]"))?;
        let value = to_value(&pair.get(1), &format!("{what}[{n}][1]"))?;
        out.push((python::str(&name), value));
    }
    Ok(out)
}

/// Python iteration of a list argument given as an array: its items' `str()`.
fn str_items(js: &JsValue, what: &str) -> Result<Vec<String>, JsValue> {
    if !Array::is_array(js) {
        return Err(type_error(format!("{what} must be an array")));
    }
    Array::unchecked_from_js_ref(js)
        .iter()
        .enumerate()
        .map(|(n, item)| to_value(&item, &format!("{what}[{n}]")).map(|v| python::str(&v)))
        .collect()
}

/// Headers from pairs, set one by one as `response[name] = value` does.
fn to_headers(js: &JsValue, make_error: &Function) -> Result<Headers, JsValue> {
    let mut headers = Headers::new();
    for (name, value) in pairs(js, "headers")? {
        headers
            .set_value(&name, &value)
            .map_err(|e| http_error(make_error, &e))?;
    }
    Ok(headers)
}

fn pairs_js<'a>(items: impl Iterator<Item = (&'a str, &'a str)>) -> Array {
    items
        .map(|(name, value)| JsValue::from(Array::of2(&name.into(), &value.into())))
        .collect()
}

fn headers_js(headers: &Headers) -> Array {
    pairs_js(headers.iter())
}

/// A request object as Django's `RequestFactory` builds it for the same target.
fn to_request(js: &JsValue) -> Result<Request, JsValue> {
    if !js.is_object() {
        return Err(type_error(String::from("a request must be an object")));
    }
    let text = |name: &str| -> Result<Option<String>, JsValue> {
        Ok(value_field(js, name, "request")?.map(|v| python::str(&v)))
    };
    let method = text("method")?.unwrap_or_else(|| String::from("GET"));
    let mut target = text("path")?.unwrap_or_else(|| String::from("/"));
    if let Some(query) = value_field(js, "query", "request")?.filter(python::truthy) {
        target = format!("{target}?{}", python::str(&query));
    }
    let secure = text("scheme")?.as_deref() == Some("https");
    let mut request = Request::from_target(&method, &target, secure);
    let mut has_cookie = false;
    for (key, value) in pairs(&field(js, "meta"), "request.meta")? {
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
    let mut headers = pairs(&field(js, "headers"), "request.headers")?;
    if let Some(host) = value_field(js, "host", "request")? {
        headers.retain(|(name, _)| name != "Host");
        headers.push((String::from("Host"), host));
    }
    for (name, value) in headers {
        has_cookie |= name.eq_ignore_ascii_case("cookie");
        request.set_header(&name, &python::str(&value));
    }
    if !has_cookie {
        request.meta.retain(|(key, _)| key != "HTTP_COOKIE");
    }
    request.language_code = text("languageCode")?;
    let active = |name: &str| -> Result<Option<String>, JsValue> {
        Ok(value_field(js, name, "request")?
            .filter(python::truthy)
            .map(|v| python::str(&v)))
    };
    request.language = active("language")?;
    request.time_zone = active("timeZone")?;
    Ok(request)
}

/// A response object as `HttpResponse(content, status=status)` (or a streaming response)
/// with its headers and cookies then set in order.
fn to_response(js: &JsValue, make_error: &Function) -> Result<Response, JsValue> {
    if !js.is_object() {
        return Err(type_error(String::from(
            "a view must return a response object { status, content, headers }",
        )));
    }
    let content = value_field(js, "content", "response")?.map_or_else(String::new, |v| match v {
        Value::Str(text) => text,
        other => python::str(&other),
    });
    let status = value_field(js, "status", "response")?.unwrap_or(Value::Int(200));
    let fail = |e: HttpError| http_error(make_error, &e);
    let mut response = if field(js, "streaming").is_truthy() {
        let mut response = Response::new(200, &content);
        response.streaming = true;
        response.status = python::int(&status).unwrap_or(200);
        response
    } else {
        let status = python::int(&status).map_err(|_| {
            fail(HttpError::Type(String::from(
                "HTTP status code must be an integer.",
            )))
        })?;
        if !(100..=599).contains(&status) {
            return Err(fail(HttpError::Value(String::from(
                "HTTP status code must be an integer from 100 to 599.",
            ))));
        }
        Response::new(status, &content)
    };
    for (name, value) in pairs(&field(js, "headers"), "response.headers")? {
        response.headers.set_value(&name, &value).map_err(fail)?;
    }
    for (name, value) in pairs(&field(js, "cookies"), "response.cookies")? {
        response.set_cookie(&name, &python::str(&value));
    }
    Ok(response)
}

/// `{status, headers, cookies, content | streaming}` (headers and cookies as pairs).
fn response_js(response: &Response) -> JsValue {
    let out = js_sys::Object::new();
    set_field(&out, "status", to_js(&Value::Int(response.status)));
    set_field(&out, "headers", headers_js(&response.headers).into());
    let cookies = response
        .cookies
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()));
    set_field(&out, "cookies", pairs_js(cookies).into());
    if response.streaming {
        set_field(&out, "streaming", JsValue::TRUE);
    } else {
        set_field(&out, "content", response.content.as_str().into());
    }
    out.into()
}

// ----- the pure header utilities -----

/// Django's `patch_cache_control(response, **directives)`; the new headers.
#[wasm_bindgen]
pub fn patch_cache_control(
    headers: JsValue,
    directives: JsValue,
    make_error: &Function,
) -> Result<Array, JsValue> {
    let mut headers = to_headers(&headers, make_error)?;
    let directives = pairs(&directives, "directives")?;
    http::patch_cache_control(&mut headers, &directives).map_err(|e| http_error(make_error, &e))?;
    Ok(headers_js(&headers))
}

/// Django's `patch_vary_headers(response, newheaders)`; the new headers.
#[wasm_bindgen]
pub fn patch_vary_headers(
    headers: JsValue,
    new_headers: JsValue,
    make_error: &Function,
) -> Result<Array, JsValue> {
    let mut headers = to_headers(&headers, make_error)?;
    let new_headers = str_items(&new_headers, "newHeaders")?;
    http::patch_vary_headers(&mut headers, &new_headers).map_err(|e| http_error(make_error, &e))?;
    Ok(headers_js(&headers))
}

/// Django's `has_vary_header(response, header_query)`.
#[wasm_bindgen]
pub fn has_vary_header(
    headers: JsValue,
    header_query: JsValue,
    make_error: &Function,
) -> Result<bool, JsValue> {
    let headers = to_headers(&headers, make_error)?;
    let query = python::str(&to_value(&header_query, "header")?);
    Ok(http::has_vary_header(&headers, &query))
}

/// Django's `get_max_age(response)`: the `max-age` as a number, or `null`.
#[wasm_bindgen]
pub fn get_max_age(headers: JsValue, make_error: &Function) -> Result<JsValue, JsValue> {
    let headers = to_headers(&headers, make_error)?;
    Ok(http::get_max_age(&headers).map_or(JsValue::NULL, |age| to_js(&Value::Int(age))))
}

/// Django's `make_template_fragment_key(fragment_name, vary_on)`.
#[wasm_bindgen]
pub fn make_template_fragment_key(
    fragment_name: JsValue,
    vary_on: JsValue,
) -> Result<String, JsValue> {
    let name = python::str(&to_value(&fragment_name, "fragmentName")?);
    let vary_on = if given(&vary_on) {
        if !Array::is_array(&vary_on) {
            return Err(type_error(String::from("varyOn must be an array")));
        }
        match to_value(&vary_on, "varyOn")? {
            Value::List(items) => items,
            _ => Vec::new(),
        }
    } else {
        Vec::new()
    };
    Ok(http::make_template_fragment_key(&name, &vary_on))
}

// ----- the layer bound to a set of caches -----

/// The HTTP layer over the caches of one [`Core`], with Django's HTTP settings.
#[wasm_bindgen]
#[derive(Clone)]
pub struct Http {
    caches: Rc<Caches>,
    hooks: Rc<Hooks>,
    clock: Arc<dyn Clock>,
    settings: Rc<HttpSettings>,
}

#[wasm_bindgen]
impl Core {
    /// The HTTP layer with `settings` (Django's names: `USE_I18N`, `ALLOWED_HOSTS`, ...) over
    /// Django's defaults.
    pub fn http(&self, settings: JsValue) -> Result<Http, JsValue> {
        let mut http_settings = HttpSettings::new();
        if given(&settings) {
            if let Value::Dict(items) = to_value(&settings, "settings")? {
                for (name, value) in items {
                    http_settings.set(&python::str(&name), &value);
                }
            }
        }
        Ok(Http {
            caches: self.caches.clone(),
            hooks: self.hooks.clone(),
            clock: self.clock.clone(),
            settings: Rc::new(http_settings),
        })
    }
}

impl Http {
    fn error(&self, error: &HttpError) -> JsValue {
        http_error(&self.hooks.make_error, error)
    }

    /// Reports the warnings every alias collected during the last operation.
    fn report_warnings(&self) {
        for alias in self.caches.aliases() {
            let Ok(cache) = self.caches.get(alias) else {
                continue;
            };
            for warning in cache.take_warnings() {
                let _ = self.hooks.on_warning.call2(
                    &JsValue::UNDEFINED,
                    &JsValue::from_str(warning.category),
                    &JsValue::from_str(&warning.message),
                );
            }
        }
    }

    fn finish(&self, result: Result<JsValue, HttpError>) -> Result<JsValue, JsValue> {
        self.report_warnings();
        result.map_err(|e| self.error(&e))
    }

    fn now(&self) -> f64 {
        self.clock.now()
    }

    /// The cache under `alias`, or `CACHE_MIDDLEWARE_ALIAS`.
    fn alias(&self, alias: &JsValue) -> Result<String, JsValue> {
        Ok(match value_field_of(alias)? {
            Some(alias) => python::str(&alias),
            None => self.settings.cache_middleware_alias.clone(),
        })
    }

    fn middleware(&self, middleware: CacheMiddleware) -> PageCache {
        PageCache {
            http: self.clone(),
            middleware: Rc::new(middleware),
        }
    }
}

/// An optional argument as a Python value: `None` for `undefined` and `null`.
fn value_field_of(js: &JsValue) -> Result<Option<Value>, JsValue> {
    if given(js) {
        to_value(js, "argument").map(Some)
    } else {
        Ok(None)
    }
}

/// An optional text argument: `None` for `undefined` and `null`, else its `str()`.
fn optional_str(js: &JsValue) -> Result<Option<String>, JsValue> {
    Ok(value_field_of(js)?.map(|v| python::str(&v)))
}

/// A keyword that may be absent (`undefined`: the setting applies) or `None` (`null`).
fn keyword_str(js: &JsValue) -> Result<Option<Option<String>>, JsValue> {
    if js.is_undefined() {
        Ok(None)
    } else {
        optional_str(js).map(Some)
    }
}

#[wasm_bindgen]
impl Http {
    /// Django's `patch_response_headers(response, cache_timeout)`; the new headers.
    pub fn patch_response_headers(
        &self,
        headers: JsValue,
        cache_timeout: JsValue,
    ) -> Result<Array, JsValue> {
        let mut headers = to_headers(&headers, &self.hooks.make_error)?;
        let timeout = value_field_of(&cache_timeout)?;
        http::patch_response_headers(&mut headers, timeout.as_ref(), &self.settings, self.now())
            .map_err(|e| self.error(&e))?;
        Ok(headers_js(&headers))
    }

    /// Django's `add_never_cache_headers(response)`; the new headers.
    pub fn add_never_cache_headers(&self, headers: JsValue) -> Result<Array, JsValue> {
        let mut headers = to_headers(&headers, &self.hooks.make_error)?;
        http::add_never_cache_headers(&mut headers, &self.settings, self.now())
            .map_err(|e| self.error(&e))?;
        Ok(headers_js(&headers))
    }

    /// Django's `learn_cache_key(request, response, cache_timeout, key_prefix, cache)`: stores
    /// the header list; a Promise of the page key.
    pub fn learn_cache_key(
        &self,
        request: JsValue,
        response: JsValue,
        cache_timeout: JsValue,
        key_prefix: JsValue,
        cache: JsValue,
    ) -> Result<Promise, JsValue> {
        let request = to_request(&request)?;
        let response = to_response(&response, &self.hooks.make_error)?;
        let timeout = value_field_of(&cache_timeout)?;
        let prefix = optional_str(&key_prefix)?;
        let alias = self.alias(&cache)?;
        let this = self.clone();
        Ok(future_to_promise(async move {
            let learned = async {
                hot::drain();
                let cache = this.caches.get(&alias)?;
                let vary = response.headers.get("Vary");
                http::learn_cache_key(
                    &request,
                    vary,
                    timeout.as_ref(),
                    prefix.as_deref(),
                    cache,
                    &this.settings,
                )
                .await
            }
            .await;
            this.finish(learned.map(JsValue::from))
        }))
    }

    /// Django's `get_cache_key(request, key_prefix, method, cache)`: a Promise of the page
    /// key, or `null` when no header list is stored.
    pub fn get_cache_key(
        &self,
        request: JsValue,
        key_prefix: JsValue,
        method: JsValue,
        cache: JsValue,
    ) -> Result<Promise, JsValue> {
        let request = to_request(&request)?;
        let prefix = optional_str(&key_prefix)?;
        let method = if method.is_undefined() {
            String::from("GET")
        } else {
            python::str(&to_value(&method, "method")?)
        };
        let alias = self.alias(&cache)?;
        let this = self.clone();
        Ok(future_to_promise(async move {
            let found = async {
                hot::drain();
                let cache = this.caches.get(&alias)?;
                http::get_cache_key(&request, prefix.as_deref(), &method, cache, &this.settings)
                    .await
            }
            .await;
            this.finish(found.map(|key| key.map_or(JsValue::NULL, JsValue::from)))
        }))
    }

    /// `cache_page(timeout, cache=cache, key_prefix=key_prefix)`.
    pub fn cache_page(
        &self,
        timeout: JsValue,
        cache: JsValue,
        key_prefix: JsValue,
    ) -> Result<PageCache, JsValue> {
        let timeout = value_field_of(&timeout)?.unwrap_or(Value::None);
        let middleware = CacheMiddleware::cache_page(
            &self.settings,
            timeout,
            optional_str(&cache)?,
            optional_str(&key_prefix)?,
        );
        Ok(self.middleware(middleware))
    }

    /// `CacheMiddleware(view, cache_timeout, page_timeout, key_prefix=..., cache_alias=...)`;
    /// `undefined` keywords are absent (the settings apply), `null` ones are `None`.
    pub fn cache_middleware(
        &self,
        cache_timeout: JsValue,
        page_timeout: JsValue,
        key_prefix: JsValue,
        cache_alias: JsValue,
    ) -> Result<PageCache, JsValue> {
        let middleware = CacheMiddleware::new(
            &self.settings,
            value_field_of(&cache_timeout)?,
            value_field_of(&page_timeout)?,
            keyword_str(&key_prefix)?,
            keyword_str(&cache_alias)?,
        );
        Ok(self.middleware(middleware))
    }

    /// The site middleware (`UpdateCacheMiddleware` + `FetchFromCacheMiddleware`), from the
    /// `CACHE_MIDDLEWARE_*` settings.
    pub fn site(&self) -> PageCache {
        self.middleware(CacheMiddleware::site(&self.settings))
    }
}

/// One configured page cache: the fetch and update phases around a view.
#[wasm_bindgen]
pub struct PageCache {
    http: Http,
    middleware: Rc<CacheMiddleware>,
}

#[wasm_bindgen]
impl PageCache {
    /// The fetch phase: a Promise of the cached response, or on a miss of whether the update
    /// phase may store the view's response.
    pub fn fetch(&self, request: JsValue) -> Result<Promise, JsValue> {
        let request = to_request(&request)?;
        let http = self.http.clone();
        let middleware = self.middleware.clone();
        Ok(future_to_promise(async move {
            hot::drain();
            let clock = http.clock.clone();
            let fetched = middleware
                .process_request(&http.caches, &request, &http.settings, clock.as_ref())
                .await;
            http.finish(fetched.map(|fetched| match fetched {
                Fetched::Hit(response) => response_js(&response),
                Fetched::Miss { update_cache } => JsValue::from_bool(update_cache),
            }))
        }))
    }

    /// The update phase over the view's response: a Promise of the response to send.
    pub fn update(
        &self,
        request: JsValue,
        response: JsValue,
        update_cache: bool,
    ) -> Result<Promise, JsValue> {
        let request = to_request(&request)?;
        let response = to_response(&response, &self.http.hooks.make_error)?;
        let http = self.http.clone();
        let middleware = self.middleware.clone();
        Ok(future_to_promise(async move {
            hot::drain();
            let clock = http.clock.clone();
            let updated = middleware
                .process_response(
                    &http.caches,
                    &request,
                    response,
                    update_cache,
                    &http.settings,
                    clock.as_ref(),
                )
                .await;
            http.finish(updated.map(|response| response_js(&response)))
        }))
    }
}
