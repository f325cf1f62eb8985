//! The API's stampede, stats and warm routes (docs/stats.md, docs/stampede.md):
//!
//! - `GET /api/caches/<alias>/stats` — this isolate's counters, latency of awaited storage
//!   operations and stampede figures for the alias.
//! - `POST /api/caches/<alias>/warm` — body `{"items": [{"key", "value", "timeout",
//!   "version"}, ...]}` (at most [`MAX_BATCH`] items; values in the oracle's encoding);
//!   stores the good items and reports the bad ones by index.
//! - `POST /api/_test/slow_get_or_set` (tests only) — `get_or_set` whose default is computed
//!   after a real delay, counting computations, so concurrent requests can show coalescing.
//!
//! Conversion only: the warm run and stampede protection are the core's.

use crate::json::error_object;
use edgecache::replay::{Json, decode, jsonify};
use edgecache::stats::{LATENCY_BUCKETS_MS, StatsReport};
use edgecache::warm::{self, WarmItem};
use edgecache::{Cache, CacheError, Options, Value};
use std::cell::Cell;

/// Most items one warm request may carry.
pub const MAX_BATCH: usize = 1000;

fn int(n: u64) -> Json {
    Json::Int(i128::from(n))
}

fn bad_request(message: &str) -> (u16, Json) {
    (
        400,
        Json::object([("error", error_object("ValueError", message))]),
    )
}

/// `{"result": {...}}` of a stats report.
pub fn stats_json(alias: &str, report: &StatsReport) -> Json {
    let c = report.counters;
    let l = &report.latency;
    let s = report.stampede;
    let buckets = l
        .buckets
        .iter()
        .enumerate()
        .map(|(at, n)| {
            Json::object([
                (
                    "le_ms",
                    LATENCY_BUCKETS_MS
                        .get(at)
                        .map_or(Json::Null, |bound| Json::Float(*bound)),
                ),
                ("count", int(*n)),
            ])
        })
        .collect();
    Json::object([(
        "result",
        Json::object([
            ("alias", Json::Str(alias.into())),
            ("backend", Json::Str(report.backend.into())),
            ("hits", int(c.hits)),
            ("misses", int(c.misses)),
            ("sets", int(c.sets)),
            ("deletes", int(c.deletes)),
            ("culled", int(c.culled)),
            (
                "latency",
                Json::object([
                    ("count", int(l.count)),
                    ("mean_ms", Json::Float(l.mean_ms)),
                    ("max_ms", Json::Float(l.max_ms)),
                    ("buckets", Json::Array(buckets)),
                ]),
            ),
            (
                "stampede",
                Json::object([
                    ("computed", int(s.computed)),
                    ("coalesced", int(s.coalesced)),
                    ("stale_served", int(s.stale_served)),
                    ("lock_waits", int(s.lock_waits)),
                    ("lock_timeouts", int(s.lock_timeouts)),
                ]),
            ),
        ]),
    )])
}

/// `GET /api/caches/<alias>/stats`.
pub async fn stats(alias: &str, cache: &Cache) -> (u16, Json) {
    (200, stats_json(alias, &cache.stats_report().await))
}

/// `POST /api/caches/<alias>/warm` with the parsed body.
pub async fn warm_batch(cache: &Cache, body: &Value) -> (u16, Json) {
    let items = match body {
        Value::Dict(fields) => fields
            .iter()
            .find(|(k, _)| *k == Value::Str("items".into()))
            .map(|(_, v)| v),
        _ => None,
    };
    let Some(Value::List(items)) = items else {
        return bad_request("the body must be {\"items\": [{\"key\": ..., \"value\": ...}, ...]}");
    };
    if items.len() > MAX_BATCH {
        return bad_request(&format!(
            "at most {MAX_BATCH} items a request ({} given); send batches",
            items.len()
        ));
    }
    let mut good = Vec::new();
    let mut failed = Vec::new();
    for (index, item) in items.iter().enumerate() {
        match WarmItem::from_value(&decode(item)) {
            Ok(item) => good.push((index, item)),
            Err(error) => failed.push(warm::WarmFailure { at: index, error }),
        }
    }
    let mut report = warm::warm(cache, good).await;
    report.failed.extend(failed);
    report.failed.sort_by_key(|f| f.at);
    let failed = report
        .failed
        .iter()
        .map(|f| {
            Json::object([
                ("index", Json::Int(f.at as i128)),
                ("error", Json::Str(f.error.clone())),
            ])
        })
        .collect();
    (
        200,
        Json::object([(
            "result",
            Json::object([
                ("stored", Json::Int(report.stored as i128)),
                ("failed", Json::Array(failed)),
            ]),
        )]),
    )
}

/// A sleep on the Worker's timers, for stampede waiters (`edgecache::stampede::Sleep`).
pub struct WorkerSleep;

impl edgecache::stampede::Sleep for WorkerSleep {
    fn sleep(&self, seconds: f64) -> impl core::future::Future<Output = bool> {
        let duration = std::time::Duration::from_secs_f64(seconds.max(0.0));
        async move {
            worker::Delay::from(duration).await;
            true
        }
    }
}

/// In workerd one request must not resume another's task: waiters poll on their own timers
/// (or, without a sleep, compute as Django would). See docs/stampede.md.
pub fn poll_mode(caches: &edgecache::Caches) {
    for alias in caches.aliases() {
        if let Ok(cache) = caches.get(alias) {
            cache.wait_by_polling(true);
        }
    }
}

thread_local! {
    static COMPUTED: Cell<u64> = const { Cell::new(0) };
}

/// `POST /api/_test/slow_get_or_set` body `{"alias", "key", "value", "ms"}`: `get_or_set`
/// whose default takes `ms` of real time; `computed` counts this isolate's computations.
pub async fn slow_get_or_set(caches: &edgecache::Caches, body: &Value) -> (u16, Json) {
    let field = |name: &str| match body {
        Value::Dict(fields) => fields
            .iter()
            .find(|(k, _)| *k == Value::Str(name.into()))
            .map(|(_, v)| v.clone()),
        _ => None,
    };
    let alias = match field("alias") {
        Some(Value::Str(alias)) => alias,
        _ => "default".into(),
    };
    let (Some(key), Some(value)) = (field("key"), field("value")) else {
        return bad_request("needs \"key\" and \"value\"");
    };
    let ms = match field("ms") {
        Some(Value::Int(ms)) => u64::try_from(ms).unwrap_or(0),
        _ => 50,
    };
    let cache = match caches.get(&alias) {
        Ok(cache) => cache,
        Err(error) => return (404, crate::json::error_body(&error)),
    };
    let compute = || async move {
        COMPUTED.with(|c| c.set(c.get() + 1));
        worker::Delay::from(std::time::Duration::from_millis(ms)).await;
        Ok::<_, CacheError>(decode(&value))
    };
    match cache
        .get_or_set_sleeping(&key, compute, Options::default(), &WorkerSleep)
        .await
    {
        Ok(result) => (
            200,
            Json::object([
                ("result", jsonify(&result)),
                ("computed", int(COMPUTED.with(Cell::get))),
            ]),
        ),
        Err(error) => (400, crate::json::error_body(&error)),
    }
}
