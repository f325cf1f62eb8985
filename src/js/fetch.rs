//! The HTTP transport of the npm package: the redis and memcached backends' requests go
//! through `fetch` (the global one, or one the caller passes), to Upstash or the edgecache
//! bridge. A rejected `fetch` (refused connection, DNS, abort on timeout) is a
//! `ConnectionError`; every status code is a response for the core to judge.

use crate::error::CacheError;
use crate::seam::LocalBoxFuture;
use crate::seam::http::{HttpRequest, HttpResponse, HttpTransport};
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// How long a request may take before it is aborted, unless the caller says otherwise.
pub(super) const DEFAULT_TIMEOUT_MS: f64 = 10_000.0;

/// `fetch` with a per-request timeout.
pub(super) struct JsFetch {
    /// The caller's `fetch`, or `None` for `globalThis.fetch`.
    pub(super) fetch: Option<Function>,
    /// Milliseconds before a request is aborted (`AbortSignal.timeout`, where it exists).
    pub(super) timeout_ms: f64,
}

// SAFETY: wasm32-unknown-unknown without the atomics feature runs one thread; the function
// is never reachable from another.
unsafe impl Send for JsFetch {}
// SAFETY: as above.
unsafe impl Sync for JsFetch {}

fn thrown_message(thrown: &JsValue) -> String {
    let message = Reflect::get(thrown, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| thrown.as_string())
        .unwrap_or_else(|| String::from("fetch failed"));
    // Node's undici hides the reason (ECONNREFUSED, ...) in `cause`.
    let cause = Reflect::get(thrown, &"cause".into())
        .ok()
        .filter(|c| c.is_object())
        .and_then(|c| Reflect::get(&c, &"message".into()).ok())
        .and_then(|m| m.as_string());
    match cause {
        Some(cause) => format!("{message} ({cause})"),
        None => message,
    }
}

fn field(target: &Object, name: &str, value: &JsValue) {
    // Setting a field on a fresh plain object cannot fail.
    let _ = Reflect::set(target, &name.into(), value);
}

impl JsFetch {
    fn function(&self) -> Result<Function, CacheError> {
        if let Some(fetch) = &self.fetch {
            return Ok(fetch.clone());
        }
        Reflect::get(&js_sys::global(), &"fetch".into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
            .ok_or_else(|| {
                CacheError::Connection(
                    "this runtime has no global fetch(): pass createCaches(CACHES, { fetch })"
                        .into(),
                )
            })
    }

    fn timeout_signal(&self) -> Option<JsValue> {
        let abort_signal = Reflect::get(&js_sys::global(), &"AbortSignal".into()).ok()?;
        let timeout: Function = Reflect::get(&abort_signal, &"timeout".into())
            .ok()?
            .dyn_into()
            .ok()?;
        timeout
            .call1(&abort_signal, &JsValue::from_f64(self.timeout_ms))
            .ok()
    }

    async fn fetch(&self, request: HttpRequest) -> Result<HttpResponse, CacheError> {
        let connection = |thrown: JsValue| {
            CacheError::Connection(format!(
                "{} {}: {}",
                request.method,
                request.url,
                thrown_message(&thrown)
            ))
        };
        let init = Object::new();
        field(&init, "method", &request.method.into());
        let headers = Object::new();
        for (name, value) in &request.headers {
            field(&headers, name, &value.as_str().into());
        }
        field(&init, "headers", &headers);
        if !request.body.is_empty() {
            field(&init, "body", &Uint8Array::from(request.body.as_slice()));
        }
        if let Some(signal) = self.timeout_signal() {
            field(&init, "signal", &signal);
        }
        let started = self
            .function()?
            .call2(&JsValue::UNDEFINED, &request.url.as_str().into(), &init)
            .map_err(connection)?;
        let response = JsFuture::from(Promise::resolve(&started))
            .await
            .map_err(connection)?;
        let status = Reflect::get(&response, &"status".into())
            .ok()
            .and_then(|s| s.as_f64())
            .ok_or_else(|| CacheError::Connection("fetch() gave no Response".into()))?;
        let read: Function = Reflect::get(&response, &"arrayBuffer".into())
            .ok()
            .and_then(|f| f.dyn_into().ok())
            .ok_or_else(|| CacheError::Connection("the Response has no arrayBuffer()".into()))?;
        let buffer = read.call0(&response).map_err(connection)?;
        let buffer = JsFuture::from(Promise::resolve(&buffer))
            .await
            .map_err(connection)?;
        Ok(HttpResponse {
            status: status as u16,
            body: Uint8Array::new(&buffer).to_vec(),
        })
    }
}

impl HttpTransport for JsFetch {
    fn send<'a>(
        &'a self,
        request: HttpRequest,
    ) -> LocalBoxFuture<'a, Result<HttpResponse, CacheError>> {
        Box::pin(self.fetch(request))
    }
}
