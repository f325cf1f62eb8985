//! The WebAssembly component: the core behind the `edgecache` WIT world (`wit/edgecache.wit`).
//!
//! Conversion only: WIT values to core values and back, errors to the WIT variant. Every cache
//! rule is the core's; the clock is the host's `clock` import.

use crate::cache::Cache;
use crate::caches::{Caches, Stores};
use crate::clock::Clock;
use crate::error::{CacheError, Warning};
use crate::expiry::Timeout;
use crate::inspect::{CullReason, Detail, EntryOrder, Inspection};
use crate::options::Options;
use crate::python;
use crate::settings::{CacheSettings, SettingsError};
use crate::value::Value;
use alloc::format;
use alloc::rc::Rc;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};

wit_bindgen::generate!({
    world: "edgecache",
    path: "wit",
});

use exports::edgecache::cache::api::{
    self, ClearAllCull, CullReport, Entry, Exception, Guest, GuestCache, GuestCaches, LruCull, Node,
};

/// The canonical ABI's allocator: the host asks for memory to pass lists and strings in.
/// (wit-bindgen's own needs its `std` feature, which would make the component import WASI.)
///
/// # Safety
/// `old` must be null with `old_len` 0, or a block this function returned for `old_len`
/// bytes with alignment `align`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cabi_realloc(
    old: *mut u8,
    old_len: usize,
    align: usize,
    new_len: usize,
) -> *mut u8 {
    use alloc::alloc::{Layout, alloc, handle_alloc_error, realloc};
    if new_len == 0 {
        return align as *mut u8;
    }
    let Ok(layout) = Layout::from_size_align(new_len, align) else {
        core::arch::wasm32::unreachable()
    };
    // SAFETY: `new_len` is not zero, and the caller vouches for `old`.
    let block = unsafe {
        if old_len == 0 {
            alloc(layout)
        } else {
            realloc(
                old,
                Layout::from_size_align_unchecked(old_len, align),
                new_len,
            )
        }
    };
    if block.is_null() {
        handle_alloc_error(layout);
    }
    block
}

/// The deepest nesting a value may have (a guard for the host's stack and the core's).
const MAX_DEPTH: usize = 512;

/// The host's clock, through the `clock` import.
struct HostClock;

impl Clock for HostClock {
    fn now(&self) -> f64 {
        edgecache::cache::clock::now()
    }
}

struct Component;

impl Guest for Component {
    type Caches = CachesResource;
    type Cache = CacheResource;
}

export!(Component);

/// `caches`: every alias of one setting.
pub struct CachesResource {
    caches: Rc<Caches>,
}

/// `cache`: one alias of a `caches`.
pub struct CacheResource {
    caches: Rc<Caches>,
    alias: String,
}

fn parse(settings: &str) -> Result<Rc<Caches>, api::Error> {
    let settings = CacheSettings::parse(settings).map_err(settings_error)?;
    Ok(Rc::new(Caches::with_stores(
        &settings,
        Arc::new(HostClock),
        &Stores::none(),
    )))
}

fn open(caches: Rc<Caches>, alias: String) -> Result<CacheResource, api::Error> {
    caches.get(&alias).map_err(error)?;
    Ok(CacheResource { caches, alias })
}

impl GuestCaches for CachesResource {
    fn parse(settings: String) -> Result<api::Caches, api::Error> {
        Ok(api::Caches::new(Self {
            caches: parse(&settings)?,
        }))
    }

    fn aliases(&self) -> Vec<String> {
        self.caches.aliases().map(String::from).collect()
    }

    fn cache(&self, alias: String) -> Result<api::Cache, api::Error> {
        open(self.caches.clone(), alias).map(api::Cache::new)
    }
}

/// A result with the warnings the call emitted.
type Reply<T> = (Result<T, api::Error>, Vec<api::Warning>);

impl CacheResource {
    fn cache(&self) -> &Cache {
        // `open` checked the alias; the caches never change after parsing.
        match self.caches.get(&self.alias) {
            Ok(cache) => cache,
            Err(_) => unreachable!("alias checked when the resource was made"),
        }
    }

    /// Runs `call` (decoding its arguments) and collects the warnings it emitted.
    fn reply<T>(&self, call: impl FnOnce(&Cache) -> Result<T, CacheError>) -> Reply<T> {
        let cache = self.cache();
        let outcome = call(cache).map_err(error);
        (
            outcome,
            cache.take_warnings().into_iter().map(warning).collect(),
        )
    }
}

/// Drives an in-memory backend's future, ready on its first poll.
fn ready<T>(future: impl Future<Output = Result<T, CacheError>>) -> Result<T, CacheError> {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => Err(CacheError::WouldBlock),
    }
}

fn options(opts: api::Options) -> Result<Options, CacheError> {
    Ok(Options {
        timeout: timeout(opts.timeout),
        version: opts.version.map(decode).transpose()?,
    })
}

fn timeout(timeout: api::Timeout) -> Timeout {
    match timeout {
        api::Timeout::Default => Timeout::Default,
        api::Timeout::Never => Timeout::Never,
        api::Timeout::Seconds(seconds) => Timeout::Seconds(seconds),
    }
}

fn decode_all(values: Vec<api::Value>) -> Result<Vec<Value>, CacheError> {
    values.into_iter().map(decode).collect()
}

fn decode_pairs(pairs: Vec<(api::Value, api::Value)>) -> Result<Vec<(Value, Value)>, CacheError> {
    pairs
        .into_iter()
        .map(|(key, value)| Ok((decode(key)?, decode(value)?)))
        .collect()
}

fn encode_pairs(pairs: Vec<(Value, Value)>) -> Vec<(api::Value, api::Value)> {
    pairs
        .iter()
        .map(|(key, value)| (encode(key), encode(value)))
        .collect()
}

impl GuestCache for CacheResource {
    fn open(settings: String, alias: String) -> Result<api::Cache, api::Error> {
        open(parse(&settings)?, alias).map(api::Cache::new)
    }

    fn alias(&self) -> String {
        self.alias.clone()
    }

    fn backend(&self) -> String {
        self.cache().backend_name().into()
    }

    fn get(&self, key: api::Value, opts: api::Options) -> Reply<Option<api::Value>> {
        let (outcome, warnings) = self.reply(|c| ready(c.get(decode(key)?, options(opts)?)));
        (outcome.map(|found| found.as_ref().map(encode)), warnings)
    }

    fn set(&self, key: api::Value, value: api::Value, opts: api::Options) -> Reply<()> {
        self.reply(|c| ready(c.set(decode(key)?, decode(value)?, options(opts)?)))
    }

    fn add(&self, key: api::Value, value: api::Value, opts: api::Options) -> Reply<bool> {
        self.reply(|c| ready(c.add(decode(key)?, decode(value)?, options(opts)?)))
    }

    fn get_or_set(
        &self,
        key: api::Value,
        default: api::Value,
        opts: api::Options,
    ) -> Reply<api::Value> {
        let (outcome, warnings) =
            self.reply(|c| ready(c.get_or_set(decode(key)?, decode(default)?, options(opts)?)));
        (outcome.map(|value| encode(&value)), warnings)
    }

    fn get_many(
        &self,
        keys: Vec<api::Value>,
        opts: api::Options,
    ) -> Reply<Vec<(api::Value, api::Value)>> {
        let (outcome, warnings) =
            self.reply(|c| ready(c.get_many(decode_all(keys)?, options(opts)?)));
        (outcome.map(encode_pairs), warnings)
    }

    fn set_many(
        &self,
        items: Vec<(api::Value, api::Value)>,
        opts: api::Options,
    ) -> Reply<Vec<api::Value>> {
        let (outcome, warnings) =
            self.reply(|c| ready(c.set_many(decode_pairs(items)?, options(opts)?)));
        (
            outcome.map(|failed| failed.iter().map(encode).collect()),
            warnings,
        )
    }

    fn delete(&self, key: api::Value, opts: api::Options) -> Reply<bool> {
        self.reply(|c| ready(c.delete(decode(key)?, options(opts)?)))
    }

    fn delete_many(&self, keys: Vec<api::Value>, opts: api::Options) -> Reply<()> {
        self.reply(|c| ready(c.delete_many(decode_all(keys)?, options(opts)?)))
    }

    fn has_key(&self, key: api::Value, opts: api::Options) -> Reply<bool> {
        self.reply(|c| ready(c.has_key(decode(key)?, options(opts)?)))
    }

    fn incr(&self, key: api::Value, delta: api::Value, opts: api::Options) -> Reply<api::Value> {
        let (outcome, warnings) =
            self.reply(|c| ready(c.incr(decode(key)?, decode(delta)?, options(opts)?)));
        (outcome.map(|value| encode(&value)), warnings)
    }

    fn decr(&self, key: api::Value, delta: api::Value, opts: api::Options) -> Reply<api::Value> {
        let (outcome, warnings) =
            self.reply(|c| ready(c.decr(decode(key)?, decode(delta)?, options(opts)?)));
        (outcome.map(|value| encode(&value)), warnings)
    }

    fn touch(&self, key: api::Value, opts: api::Options) -> Reply<bool> {
        self.reply(|c| ready(c.touch(decode(key)?, options(opts)?)))
    }

    fn clear(&self) -> Result<(), api::Error> {
        ready(self.cache().clear()).map_err(error)
    }

    fn incr_version(
        &self,
        key: api::Value,
        delta: api::Value,
        opts: api::Options,
    ) -> Reply<api::Value> {
        let (outcome, warnings) =
            self.reply(|c| ready(c.incr_version(decode(key)?, decode(delta)?, options(opts)?)));
        (outcome.map(|value| encode(&value)), warnings)
    }

    fn decr_version(
        &self,
        key: api::Value,
        delta: api::Value,
        opts: api::Options,
    ) -> Reply<api::Value> {
        let (outcome, warnings) =
            self.reply(|c| ready(c.decr_version(decode(key)?, decode(delta)?, options(opts)?)));
        (outcome.map(|value| encode(&value)), warnings)
    }

    fn make_key(
        &self,
        key: api::Value,
        version: Option<api::Value>,
    ) -> Result<api::Value, api::Error> {
        let made = || {
            let version = version.map(decode).transpose()?;
            self.cache().make_key(decode(key)?, version.as_ref())
        };
        made().map(|full| encode(&full)).map_err(error)
    }

    fn make_and_validate_key(&self, key: api::Value, version: Option<api::Value>) -> Reply<String> {
        self.reply(|c| {
            let version = version.map(decode).transpose()?;
            c.make_and_validate_key(decode(key)?, version.as_ref())
        })
    }

    fn validate_key(&self, key: api::Value) -> Reply<()> {
        self.reply(|c| c.validate_key(&decode(key)?))
    }

    fn get_backend_timeout(&self, timeout: api::Timeout) -> api::Value {
        encode(&self.cache().get_backend_timeout(self::timeout(timeout)))
    }

    fn close(&self) -> Result<(), api::Error> {
        ready(self.cache().close()).map_err(error)
    }

    fn aincr(&self, key: api::Value, delta: api::Value, opts: api::Options) -> Reply<api::Value> {
        let (outcome, warnings) =
            self.reply(|c| ready(c.aincr(decode(key)?, decode(delta)?, options(opts)?)));
        (outcome.map(|value| encode(&value)), warnings)
    }

    fn adecr(&self, key: api::Value, delta: api::Value, opts: api::Options) -> Reply<api::Value> {
        let (outcome, warnings) =
            self.reply(|c| ready(c.adecr(decode(key)?, decode(delta)?, options(opts)?)));
        (outcome.map(|value| encode(&value)), warnings)
    }

    fn ahas_key(&self, key: api::Value, opts: api::Options) -> Reply<bool> {
        self.reply(|c| ready(c.ahas_key(decode(key)?, options(opts)?)))
    }

    fn aget_many(
        &self,
        keys: Vec<api::Value>,
        opts: api::Options,
    ) -> Reply<Vec<(api::Value, api::Value)>> {
        let (outcome, warnings) =
            self.reply(|c| ready(c.aget_many(decode_all(keys)?, options(opts)?)));
        (outcome.map(encode_pairs), warnings)
    }

    fn aset_many(
        &self,
        items: Vec<(api::Value, api::Value)>,
        opts: api::Options,
    ) -> Reply<Vec<api::Value>> {
        let (outcome, warnings) =
            self.reply(|c| ready(c.aset_many(decode_pairs(items)?, options(opts)?)));
        (
            outcome.map(|failed| failed.iter().map(encode).collect()),
            warnings,
        )
    }

    fn adelete_many(&self, keys: Vec<api::Value>, opts: api::Options) -> Reply<()> {
        self.reply(|c| ready(c.adelete_many(decode_all(keys)?, options(opts)?)))
    }

    fn stats_report(&self) -> api::StatsReport {
        let report = crate::now_or_never(self.cache().stats_report())
            .expect("in-memory stats are ready at once");
        let (c, l, s) = (report.counters, report.latency, report.stampede);
        api::StatsReport {
            backend: report.backend.into(),
            counters: api::Stats {
                hits: c.hits,
                misses: c.misses,
                sets: c.sets,
                deletes: c.deletes,
                culled: c.culled,
            },
            latency_count: l.count,
            latency_mean_ms: l.mean_ms,
            latency_max_ms: l.max_ms,
            stampede: api::StampedeStats {
                computed: s.computed,
                coalesced: s.coalesced,
                stale_served: s.stale_served,
                lock_waits: s.lock_waits,
                lock_timeouts: s.lock_timeouts,
            },
        }
    }

    fn inspect(&self, detail: api::Detail) -> Result<api::Inspection, api::Error> {
        let detail = match detail {
            api::Detail::Full => Detail::Full,
            api::Detail::Count => Detail::Count,
        };
        ready(self.cache().inspect(detail))
            .map(inspection)
            .map_err(error)
    }

    fn ttl(&self, key: api::Value, opts: api::Options) -> Reply<api::Value> {
        let (outcome, warnings) = self.reply(|c| ready(c.ttl(decode(key)?, options(opts)?)));
        (outcome.map(|value| encode(&value)), warnings)
    }

    fn pttl(&self, key: api::Value, opts: api::Options) -> Reply<api::Value> {
        let (outcome, warnings) = self.reply(|c| ready(c.pttl(decode(key)?, options(opts)?)));
        (outcome.map(|value| encode(&value)), warnings)
    }

    fn expire(&self, key: api::Value, seconds: i64, opts: api::Options) -> Reply<bool> {
        self.reply(|c| ready(c.expire(decode(key)?, seconds.into(), options(opts)?)))
    }

    fn pexpire(&self, key: api::Value, ms: i64, opts: api::Options) -> Reply<bool> {
        self.reply(|c| ready(c.pexpire(decode(key)?, ms.into(), options(opts)?)))
    }

    fn expire_at(&self, key: api::Value, unix_seconds: i64, opts: api::Options) -> Reply<bool> {
        self.reply(|c| ready(c.expire_at(decode(key)?, unix_seconds.into(), options(opts)?)))
    }

    fn persist(&self, key: api::Value, opts: api::Options) -> Reply<bool> {
        self.reply(|c| ready(c.persist(decode(key)?, options(opts)?)))
    }

    fn iter_keys(&self, search: String, opts: api::Options) -> Reply<Vec<api::Value>> {
        let (outcome, warnings) = self.reply(|c| ready(c.iter_keys(&search, options(opts)?)));
        (
            outcome.map(|keys| keys.iter().map(encode).collect()),
            warnings,
        )
    }

    fn delete_pattern(&self, pattern: String, opts: api::Options) -> Reply<u64> {
        let (outcome, warnings) = self.reply(|c| ready(c.delete_pattern(&pattern, options(opts)?)));
        (outcome.map(|n| n as u64), warnings)
    }

    fn lock_acquire(
        &self,
        name: api::Value,
        token: String,
        timeout_ms: Option<i64>,
        opts: api::Options,
    ) -> Reply<bool> {
        self.reply(|c| {
            ready(c.lock_acquire(
                decode(name)?,
                &token,
                timeout_ms.map(i128::from),
                options(opts)?,
            ))
        })
    }

    fn lock_release(&self, name: api::Value, token: String, opts: api::Options) -> Reply<bool> {
        self.reply(|c| ready(c.lock_release(decode(name)?, &token, options(opts)?)))
    }

    fn incr_ignore_key_check(
        &self,
        key: api::Value,
        delta: api::Value,
        opts: api::Options,
    ) -> Reply<api::Value> {
        let (outcome, warnings) = self.reply(|c| {
            ready(c.incr_ignoring_key_check(decode(key)?, decode(delta)?, options(opts)?))
        });
        (outcome.map(|value| encode(&value)), warnings)
    }
}

// ----- values -----

/// A WIT node list to a core value: built bottom-up (children come first), so deep or
/// malformed input is an error, never a stack overflow or a trap.
fn decode(nodes: api::Value) -> Result<Value, CacheError> {
    let bad = |message: String| CacheError::Value(format!("malformed value: {message}"));
    if nodes.is_empty() {
        return Err(bad("no nodes".into()));
    }
    let count = nodes.len();
    // Each slot holds a built value until its parent takes it (exactly once).
    let mut built: Vec<Option<(Value, usize)>> = Vec::with_capacity(count);
    for (position, node) in nodes.into_iter().enumerate() {
        let mut take = |index: u32| -> Result<(Value, usize), CacheError> {
            let index = index as usize;
            if index >= position {
                return Err(bad(format!(
                    "node {position} names node {index}, which does not come before it"
                )));
            }
            built[index]
                .take()
                .ok_or_else(|| bad(format!("node {index} is used twice")))
        };
        let (value, depth) = match node {
            Node::None => (Value::None, 1),
            Node::Boolean(b) => (Value::Bool(b), 1),
            Node::Int(i) => (Value::Int(i128::from(i)), 1),
            Node::BigInt(text) => (
                Value::Int(
                    text.parse::<i128>()
                        .map_err(|_| bad(format!("big-int {text:?} is not a 128-bit integer")))?,
                ),
                1,
            ),
            Node::Float(x) => (Value::Float(x), 1),
            Node::Str(text) => (Value::Str(text), 1),
            Node::Bytes(bytes) => (Value::Bytes(bytes), 1),
            Node::List(items) => {
                let (values, depth) = children(&items, &mut take)?;
                (Value::List(values), depth + 1)
            }
            Node::Tuple(items) => {
                let (values, depth) = children(&items, &mut take)?;
                (Value::Tuple(values), depth + 1)
            }
            Node::Dict(pairs) => {
                let mut dict = Vec::with_capacity(pairs.len());
                let mut depth = 0;
                for (key, value) in pairs {
                    let (key, dk) = take(key)?;
                    let (value, dv) = take(value)?;
                    depth = depth.max(dk).max(dv);
                    python::dict_insert(&mut dict, key, value);
                }
                (Value::Dict(dict), depth + 1)
            }
        };
        if depth > MAX_DEPTH {
            return Err(bad(format!("nested deeper than {MAX_DEPTH}")));
        }
        built.push(Some((value, depth)));
    }
    let root = built.pop().flatten();
    if let Some(unused) = built.iter().position(Option::is_some) {
        return Err(bad(format!("node {unused} is not part of the value")));
    }
    root.map(|(value, _)| value)
        .ok_or_else(|| bad("the root is missing".into()))
}

/// A container's items, taken from their slots, and the deepest item's depth.
fn children(
    items: &[u32],
    take: &mut impl FnMut(u32) -> Result<(Value, usize), CacheError>,
) -> Result<(Vec<Value>, usize), CacheError> {
    let mut values = Vec::with_capacity(items.len());
    let mut depth = 0;
    for &index in items {
        let (value, item_depth) = take(index)?;
        depth = depth.max(item_depth);
        values.push(value);
    }
    Ok((values, depth))
}

/// A core value to a WIT node list (children first, the root last).
fn encode(value: &Value) -> api::Value {
    let mut nodes = Vec::new();
    push(value, &mut nodes);
    nodes
}

/// Appends `value`'s nodes; returns the index of its own node.
fn push(value: &Value, nodes: &mut Vec<Node>) -> u32 {
    let node = match value {
        Value::None => Node::None,
        Value::Bool(b) => Node::Boolean(*b),
        Value::Int(i) => match i64::try_from(*i) {
            Ok(small) => Node::Int(small),
            Err(_) => Node::BigInt(i.to_string()),
        },
        Value::Float(x) => Node::Float(*x),
        Value::Str(text) => Node::Str(text.clone()),
        Value::Bytes(bytes) => Node::Bytes(bytes.clone()),
        Value::List(items) => Node::List(items.iter().map(|item| push(item, nodes)).collect()),
        Value::Tuple(items) => Node::Tuple(items.iter().map(|item| push(item, nodes)).collect()),
        Value::Dict(pairs) => Node::Dict(
            pairs
                .iter()
                .map(|(key, value)| (push(key, nodes), push(value, nodes)))
                .collect(),
        ),
        // `Value` may grow; a new kind is sent by its repr until WIT names it.
        #[allow(unreachable_patterns)]
        other => Node::Str(python::repr(other)),
    };
    nodes.push(node);
    (nodes.len() - 1) as u32
}

// ----- errors, warnings, introspection -----

fn error(error: CacheError) -> api::Error {
    match error {
        CacheError::Value(message) => api::Error::ValueError(message),
        CacheError::Type(message) => api::Error::TypeError(message),
        CacheError::InvalidKey(message) => api::Error::InvalidCacheKey(message),
        CacheError::InvalidBackend(message) => api::Error::InvalidCacheBackendError(message),
        CacheError::Overflow(message) => api::Error::OverflowError(message),
        other => api::Error::Other(Exception {
            python_type: other.python_type().into(),
            message: other.message().into(),
        }),
    }
}

fn settings_error(error: SettingsError) -> api::Error {
    api::Error::Settings(api::SettingsError {
        alias: error.alias,
        field: error.field,
        value: error.value,
        line: error.line,
        message: error.message,
    })
}

fn warning(warning: Warning) -> api::Warning {
    api::Warning {
        category: warning.category.into(),
        message: warning.message,
    }
}

fn inspection(inspection: Inspection) -> api::Inspection {
    let now = inspection.now;
    api::Inspection {
        backend: inspection.backend.into(),
        now,
        count: inspection.count as u64,
        order: inspection.order.map(|order| match order {
            EntryOrder::MostRecentlyUsedFirst => api::EntryOrder::MostRecentlyUsedFirst,
            EntryOrder::KeyAscending => api::EntryOrder::KeyAscending,
            _ => api::EntryOrder::FileName,
        }),
        entries: inspection
            .entries
            .into_iter()
            .map(|entry| Entry {
                value: encode(&entry.value),
                key: entry.key,
                expires_at: entry.expires_at,
                time_to_live: entry.expires_at.map(|at| at - now),
            })
            .collect(),
        stats: api::Stats {
            hits: inspection.stats.hits,
            misses: inspection.stats.misses,
            sets: inspection.stats.sets,
            deletes: inspection.stats.deletes,
            culled: inspection.stats.culled,
        },
        last_cull: inspection.last_cull.map(|report| CullReport {
            at: report.at,
            reason: match report.reason {
                CullReason::ClearAll { count, max_entries } => {
                    api::CullReason::ClearAll(ClearAllCull {
                        count: count as u64,
                        max_entries: saturate(max_entries),
                    })
                }
                CullReason::LeastRecentlyUsed {
                    count,
                    max_entries,
                    cull_frequency,
                } => api::CullReason::LeastRecentlyUsed(LruCull {
                    count: count as u64,
                    max_entries: saturate(max_entries),
                    cull_frequency: saturate(cull_frequency),
                }),
            },
            removed: report.removed,
        }),
    }
}

/// A setting kept in 128 bits, clamped to the 64 bits WIT carries.
fn saturate(value: i128) -> i64 {
    i64::try_from(value).unwrap_or(if value < 0 { i64::MIN } else { i64::MAX })
}

// ----- the HTTP layer (`http` interface) -----

use crate::http::{
    self as web, Fetched, Headers, HttpError, HttpSettings, MiddlewareConfig, ViewDecorator,
};
use exports::edgecache::cache::http as wit_http;

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
        other => api::Error::Other(Exception {
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
