//! django-redis's extras on a [`Handle`]: thin exports over [`crate::Cache`]'s methods;
//! `js/extras.js` gives them JavaScript's names and the `lock()` object.

use super::{Handle, JsResult, opts, to_js, to_key, to_value, type_error};
use crate::value::Value;
use alloc::format;
use alloc::string::String;
use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// A whole number argument (`seconds`, `ms`, `when`, `delta`) as an int, or a `TypeError`
/// naming it.
fn int_arg(js: &JsValue, name: &str) -> Result<i128, JsValue> {
    match to_value(js, name)? {
        Value::Int(i) => Ok(i),
        Value::Float(x) if x.is_finite() && x == (x as i128) as f64 => Ok(x as i128),
        other => Err(type_error(format!(
            "{name} must be a whole number, not {}",
            crate::python::repr(&other)
        ))),
    }
}

/// An optional lock timeout in milliseconds (`undefined`/`null` → none).
fn optional_ms(js: &JsValue) -> Result<Option<i128>, JsValue> {
    if js.is_undefined() || js.is_null() {
        Ok(None)
    } else {
        int_arg(js, "timeout").map(Some)
    }
}

async fn ttl(h: Handle, key: JsValue, version: JsValue, millis: bool) -> JsResult {
    let key = to_key(&key)?;
    let o = opts(&h, &JsValue::UNDEFINED, &version)?;
    let found = if millis {
        h.cache().pttl(key, o).await
    } else {
        h.cache().ttl(key, o).await
    };
    h.finish(found.map(|v| to_js(&v)))
}

/// `which`: 0 `expire` (seconds), 1 `pexpire` (ms), 2 `expire_at` (Unix seconds).
async fn expire(h: Handle, which: u8, key: JsValue, amount: JsValue, version: JsValue) -> JsResult {
    let key = to_key(&key)?;
    let amount = int_arg(&amount, if which == 2 { "when" } else { "timeout" })?;
    let o = opts(&h, &JsValue::UNDEFINED, &version)?;
    let c = h.cache();
    let done = match which {
        0 => c.expire(key, amount, o).await,
        1 => c.pexpire(key, amount, o).await,
        _ => c.expire_at(key, amount, o).await,
    };
    h.finish(done.map(JsValue::from_bool))
}

async fn persist(h: Handle, key: JsValue, version: JsValue) -> JsResult {
    let key = to_key(&key)?;
    let o = opts(&h, &JsValue::UNDEFINED, &version)?;
    let done = h.cache().persist(key, o).await;
    h.finish(done.map(JsValue::from_bool))
}

async fn iter_keys(h: Handle, search: String, version: JsValue) -> JsResult {
    let o = opts(&h, &JsValue::UNDEFINED, &version)?;
    let found = h.cache().iter_keys(&search, o).await;
    h.finish(found.map(|keys| keys.iter().map(to_js).collect::<Array>().into()))
}

async fn delete_pattern(h: Handle, pattern: String, version: JsValue) -> JsResult {
    let o = opts(&h, &JsValue::UNDEFINED, &version)?;
    let count = h.cache().delete_pattern(&pattern, o).await;
    h.finish(count.map(|n| JsValue::from_f64(n as f64)))
}

async fn lock_acquire(
    h: Handle,
    name: JsValue,
    token: String,
    timeout_ms: JsValue,
    version: JsValue,
) -> JsResult {
    let name = to_key(&name)?;
    let timeout_ms = optional_ms(&timeout_ms)?;
    let o = opts(&h, &JsValue::UNDEFINED, &version)?;
    let taken = h.cache().lock_acquire(name, &token, timeout_ms, o).await;
    h.finish(taken.map(JsValue::from_bool))
}

async fn lock_release(h: Handle, name: JsValue, token: String, version: JsValue) -> JsResult {
    let name = to_key(&name)?;
    let o = opts(&h, &JsValue::UNDEFINED, &version)?;
    let released = h.cache().lock_release(name, &token, o).await;
    h.finish(released.map(JsValue::from_bool))
}

async fn incr_unchecked(h: Handle, key: JsValue, delta: JsValue, version: JsValue) -> JsResult {
    let key = to_key(&key)?;
    let delta = if delta.is_undefined() {
        Value::Int(1)
    } else {
        to_value(&delta, "delta")?
    };
    let o = opts(&h, &JsValue::UNDEFINED, &version)?;
    let value = h.cache().incr_ignoring_key_check(key, delta, o).await;
    h.finish(value.map(|v| to_js(&v)))
}

#[wasm_bindgen]
impl Handle {
    /// `ttl` (`millis` false) or `pttl`.
    pub fn ttl_async(&self, key: JsValue, version: JsValue, millis: bool) -> Promise {
        future_to_promise(ttl(self.clone(), key, version, millis))
    }

    /// `expire` (0), `pexpire` (1) or `expire_at` (2).
    pub fn expire_async(
        &self,
        which: u8,
        key: JsValue,
        amount: JsValue,
        version: JsValue,
    ) -> Promise {
        future_to_promise(expire(self.clone(), which, key, amount, version))
    }

    /// `persist`.
    pub fn persist_async(&self, key: JsValue, version: JsValue) -> Promise {
        future_to_promise(persist(self.clone(), key, version))
    }

    /// `iter_keys` (all keys at once).
    pub fn iter_keys_async(&self, search: String, version: JsValue) -> Promise {
        future_to_promise(iter_keys(self.clone(), search, version))
    }

    /// `delete_pattern`.
    pub fn delete_pattern_async(&self, pattern: String, version: JsValue) -> Promise {
        future_to_promise(delete_pattern(self.clone(), pattern, version))
    }

    /// Takes a lock for `token`; `timeout_ms` bounds its life.
    pub fn lock_acquire_async(
        &self,
        name: JsValue,
        token: String,
        timeout_ms: JsValue,
        version: JsValue,
    ) -> Promise {
        future_to_promise(lock_acquire(self.clone(), name, token, timeout_ms, version))
    }

    /// Releases a lock if `token` holds it.
    pub fn lock_release_async(&self, name: JsValue, token: String, version: JsValue) -> Promise {
        future_to_promise(lock_release(self.clone(), name, token, version))
    }

    /// `incr(key, delta, ignore_key_check=True)`.
    pub fn incr_unchecked_async(&self, key: JsValue, delta: JsValue, version: JsValue) -> Promise {
        future_to_promise(incr_unchecked(self.clone(), key, delta, version))
    }
}
