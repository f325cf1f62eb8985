//! The npm package's stampede and stats faces: `getOrSet` with a `setTimeout` sleep for lock
//! waiters (docs/stampede.md), and `stats()` (docs/stats.md). Conversion only.

use super::{Handle, JsResult, Thrown, set_field};
use crate::Cache;
use crate::key::Key;
use crate::options::Options;
use crate::stampede::{NoSleep, Sleep};
use crate::stats::{LATENCY_BUCKETS_MS, StatsReport};
use crate::value::Value;
use core::future::Future;
use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, future_to_promise};

/// Sleeps with the global `setTimeout` (Node, browsers, workerd); `false` where there is none.
struct TimerSleep;

impl Sleep for TimerSleep {
    fn sleep(&self, seconds: f64) -> impl Future<Output = bool> {
        let timer = Reflect::get(&js_sys::global(), &JsValue::from_str("setTimeout"))
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok());
        async move {
            let Some(timer) = timer else {
                return false;
            };
            let promise = Promise::new(&mut |resolve, _reject| {
                let _ = timer.call2(
                    &JsValue::UNDEFINED,
                    &resolve,
                    &JsValue::from_f64(seconds * 1000.0),
                );
            });
            // The sync gets JavaScript made meanwhile are the core's before it goes on (hot.rs).
            JsFuture::from(promise)
                .await
                .inspect(|_| super::hot::drain())
                .is_ok()
        }
    }
}

/// Whether this is workerd (`navigator.userAgent`, as Cloudflare documents it), where one
/// request must not resume another's task.
fn is_workerd() -> bool {
    Reflect::get(&js_sys::global(), &JsValue::from_str("navigator"))
        .and_then(|navigator| Reflect::get(&navigator, &JsValue::from_str("userAgent")))
        .ok()
        .and_then(|agent| agent.as_string())
        .is_some_and(|agent| agent == "Cloudflare-Workers")
}

/// `getOrSet` through stampede protection: the Promise face lets lock waiters sleep, the
/// synchronous face cannot wait and computes at once.
pub(super) async fn get_or_set<F, Fut>(
    cache: &Cache,
    key: Key<'_>,
    compute: F,
    options: Options,
    wait: bool,
) -> Result<Value, Thrown>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Value, Thrown>>,
{
    if is_workerd() {
        cache.wait_by_polling(true);
    }
    if wait {
        cache
            .get_or_set_sleeping(key, compute, options, &TimerSleep)
            .await
    } else {
        cache
            .get_or_set_sleeping(key, compute, options, &NoSleep)
            .await
    }
}

/// `{ backend, hits, misses, sets, deletes, culled, latency: { count, meanMs, maxMs,
/// buckets: [{ leMs, count }] }, stampede: { computed, coalesced, staleServed, lockWaits,
/// lockTimeouts } }`.
pub(super) fn report_js(report: &StatsReport) -> JsValue {
    let out = Object::new();
    set_field(&out, "backend", report.backend.into());
    let c = report.counters;
    for (name, n) in [
        ("hits", c.hits),
        ("misses", c.misses),
        ("sets", c.sets),
        ("deletes", c.deletes),
        ("culled", c.culled),
    ] {
        set_field(&out, name, (n as f64).into());
    }
    let latency = Object::new();
    let l = &report.latency;
    set_field(&latency, "count", (l.count as f64).into());
    set_field(&latency, "meanMs", l.mean_ms.into());
    set_field(&latency, "maxMs", l.max_ms.into());
    let buckets: Array = l
        .buckets
        .iter()
        .enumerate()
        .map(|(at, n)| {
            let bucket = Object::new();
            let bound = LATENCY_BUCKETS_MS
                .get(at)
                .map_or(JsValue::from_f64(f64::INFINITY), |b| (*b).into());
            set_field(&bucket, "leMs", bound);
            set_field(&bucket, "count", (*n as f64).into());
            JsValue::from(bucket)
        })
        .collect();
    set_field(&latency, "buckets", buckets.into());
    set_field(&out, "latency", latency.into());
    let stampede = Object::new();
    let s = report.stampede;
    for (name, n) in [
        ("computed", s.computed),
        ("coalesced", s.coalesced),
        ("staleServed", s.stale_served),
        ("lockWaits", s.lock_waits),
        ("lockTimeouts", s.lock_timeouts),
    ] {
        set_field(&stampede, name, (n as f64).into());
    }
    set_field(&out, "stampede", stampede.into());
    out.into()
}

async fn stats(h: Handle) -> JsResult {
    let report = h.cache().stats_report().await;
    h.finish(Ok(report_js(&report)))
}

#[wasm_bindgen]
impl Handle {
    /// This alias's counters, latency and stampede figures (in-memory backends).
    pub fn stats(&self) -> JsResult {
        self.run_sync(stats(self.clone()))
    }

    /// [`Handle::stats`] as a Promise (every backend).
    pub fn stats_async(&self) -> Promise {
        future_to_promise(stats(self.clone()))
    }
}
