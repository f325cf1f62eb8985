//! The WebAssembly component's host: loads `edgecache.wasm` in wasmtime, gives it a clock the
//! host controls, and drives its exported `cache` resources as the replay's
//! [`ReplayCache`]s.
//!
//! Conversion only (core values to WIT node lists and back, WIT errors to [`CacheError`]);
//! every cache rule runs inside the component.

use edgecache::inspect::{
    CullReason, CullReport, Detail, EntryOrder, EntryView, Inspection, Stats,
};
use edgecache::replay::{self, ReplayCache, ReplayCaches, ReplayError, Trace};
use edgecache::{CacheError, Clock, ManualClock, Options, Timeout, Value, Warning};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use wasmtime::component::{Component, HasSelf, Linker, ResourceAny};
use wasmtime::{Engine, Store};

/// The host side of the `edgecache` world.
mod bindings {
    wasmtime::component::bindgen!({
        world: "edgecache",
        path: "../wit",
    });
}

use bindings::Edgecache;
/// The WIT interface's types as the host sees them (`Node`, `Options`, `Error`, ...).
pub use bindings::exports::edgecache::cache::api as wit;
use wit::Node;

/// Where `cargo build -p edgecache --release --target wasm32-wasip2 --features component`
/// leaves the component, relative to the workspace root.
pub const DEFAULT_PATH: &str = "target/wasm32-wasip2/release/edgecache.wasm";

/// The store's data: the clock the component's `clock` import reads.
pub struct State {
    clock: Arc<ManualClock>,
}

impl bindings::edgecache::cache::clock::Host for State {
    fn now(&mut self) -> f64 {
        self.clock.now()
    }
}

/// A compiled component, ready to be instantiated once per trace.
pub struct Host {
    engine: Engine,
    component: Component,
    linker: Linker<State>,
}

impl Host {
    /// Loads and compiles the component at `path`; a missing or invalid file is an error.
    pub fn load(path: &Path) -> Result<Self, String> {
        let bytes = std::fs::read(path).map_err(|e| {
            format!(
                "{}: {e} (build it with `cargo build -p edgecache --release --target wasm32-wasip2 --features component`)",
                path.display()
            )
        })?;
        let engine = Engine::default();
        let component = Component::new(&engine, &bytes)
            .map_err(|e| format!("{}: not a valid component: {e:#}", path.display()))?;
        let mut linker = Linker::new(&engine);
        Edgecache::add_to_linker::<State, HasSelf<State>>(&mut linker, |state| state)
            .map_err(|e| format!("{e:#}"))?;
        Ok(Self {
            engine,
            component,
            linker,
        })
    }

    /// The names of the component's imports (only the clock interface).
    pub fn imports(&self) -> Vec<String> {
        self.component
            .component_type()
            .imports(&self.engine)
            .map(|(name, _)| name.to_string())
            .collect()
    }

    /// A fresh instance whose clock is `clock`.
    pub fn instantiate(&self, clock: Arc<ManualClock>) -> Result<Instance, String> {
        let mut store = Store::new(&self.engine, State { clock });
        let bindings = Edgecache::instantiate(&mut store, &self.component, &self.linker)
            .map_err(|e| format!("instantiating the component: {e:#}"))?;
        Ok(Instance {
            shared: Rc::new(Shared {
                store: RefCell::new(store),
                bindings,
            }),
        })
    }

    /// Replays `trace` on `backend` through the component: the oracle's output document, as
    /// [`replay::replay`] gives it natively.
    pub fn replay(&self, trace: &Trace, backend: &str) -> Result<replay::Json, String> {
        let settings = trace.settings_text(backend).map_err(|e| e.to_string())?;
        let clock = Arc::new(ManualClock::new(ManualClock::ORACLE_START));
        let instance = self.instantiate(clock.clone())?;
        let caches = instance.caches(&settings)?;
        replay::replay_via(trace, backend, &caches, &clock).map_err(|e: ReplayError| e.to_string())
    }
}

/// The workspace's default component path.
pub fn default_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or(Path::new("."))
        .join(DEFAULT_PATH)
}

struct Shared {
    store: RefCell<Store<State>>,
    bindings: Edgecache,
}

impl Shared {
    fn api(&self) -> &wit::Guest {
        self.bindings.edgecache_cache_api()
    }
}

/// One instance of the component.
pub struct Instance {
    shared: Rc<Shared>,
}

impl Instance {
    /// `caches.parse(settings)`, with a handle on every alias.
    pub fn caches(&self, settings: &str) -> Result<HostCaches, String> {
        let shared = &self.shared;
        let parsed = {
            let mut store = shared.store.borrow_mut();
            shared
                .api()
                .caches()
                .call_parse(&mut *store, settings)
                .map_err(trap)?
                .map_err(|e| error(e).to_string())?
        };
        let aliases = {
            let mut store = shared.store.borrow_mut();
            shared
                .api()
                .caches()
                .call_aliases(&mut *store, parsed)
                .map_err(trap)?
        };
        let mut caches = Vec::new();
        for alias in aliases {
            let opened = {
                let mut store = shared.store.borrow_mut();
                shared
                    .api()
                    .caches()
                    .call_cache(&mut *store, parsed, &alias)
                    .map_err(trap)?
            };
            let cache = opened.map_err(error).map(|resource| HostCache {
                shared: shared.clone(),
                resource,
                warnings: RefCell::new(Vec::new()),
            });
            caches.push((alias, cache));
        }
        Ok(HostCaches { caches })
    }
}

fn trap(error: wasmtime::Error) -> String {
    format!("the component trapped: {error:#}")
}

/// Every alias of a `caches` resource.
pub struct HostCaches {
    caches: Vec<(String, Result<HostCache, CacheError>)>,
}

impl ReplayCaches for HostCaches {
    type Cache = HostCache;

    fn cache(&self, alias: &str) -> Result<&HostCache, CacheError> {
        match self.caches.iter().find(|(name, _)| name == alias) {
            Some((_, Ok(cache))) => Ok(cache),
            Some((_, Err(error))) => Err(error.clone()),
            None => Err(CacheError::InvalidBackend(format!(
                "The connection '{alias}' doesn't exist."
            ))),
        }
    }
}

/// One `cache` resource.
pub struct HostCache {
    shared: Rc<Shared>,
    resource: ResourceAny,
    warnings: RefCell<Vec<Warning>>,
}

/// A call's result: a trap is an error of its own (`RuntimeError`), never a panic.
type Called<T> = wasmtime::Result<T>;

impl HostCache {
    /// Runs `call` on the store and the `cache` interface (any method, with raw WIT values);
    /// a trap is a `RuntimeError`.
    pub fn call<T>(
        &self,
        call: impl FnOnce(wit::GuestCache<'_>, &mut Store<State>, ResourceAny) -> Called<T>,
    ) -> Result<T, CacheError> {
        let mut store = self.shared.store.borrow_mut();
        call(self.shared.api().cache(), &mut store, self.resource).map_err(|e| CacheError::Http {
            python_type: "RuntimeError",
            message: trap(e),
        })
    }

    /// Like [`HostCache::call`], for methods that return warnings next to their result.
    fn warned<T, U>(
        &self,
        call: impl FnOnce(
            wit::GuestCache<'_>,
            &mut Store<State>,
            ResourceAny,
        ) -> Called<(Result<T, wit::Error>, Vec<wit::Warning>)>,
        convert: impl FnOnce(T) -> Result<U, CacheError>,
    ) -> Result<U, CacheError> {
        let (outcome, warnings) = self.call(call)?;
        self.warnings
            .borrow_mut()
            .extend(warnings.into_iter().map(warning));
        outcome.map_err(error).and_then(convert)
    }
}

fn opts(options: &Options) -> wit::Options {
    wit::Options {
        timeout: timeout(options.timeout),
        version: options.version.as_ref().map(encode),
    }
}

fn timeout(timeout: Timeout) -> wit::Timeout {
    match timeout {
        Timeout::Default => wit::Timeout::Default,
        Timeout::Never => wit::Timeout::Never,
        Timeout::Seconds(seconds) => wit::Timeout::Seconds(seconds),
    }
}

fn encode_all(values: &[Value]) -> Vec<wit::Value> {
    values.iter().map(encode).collect()
}

fn encode_pairs(pairs: &[(Value, Value)]) -> Vec<(wit::Value, wit::Value)> {
    pairs.iter().map(|(k, v)| (encode(k), encode(v))).collect()
}

fn decode_pairs(pairs: Vec<(wit::Value, wit::Value)>) -> Result<Vec<(Value, Value)>, CacheError> {
    pairs
        .into_iter()
        .map(|(k, v)| Ok((decode(k)?, decode(v)?)))
        .collect()
}

fn decode_all(values: Vec<wit::Value>) -> Result<Vec<Value>, CacheError> {
    values.into_iter().map(decode).collect()
}

impl ReplayCache for HostCache {
    fn take_warnings(&self) -> Vec<Warning> {
        std::mem::take(&mut *self.warnings.borrow_mut())
    }
    async fn contains(&self, key: Value) -> Result<bool, CacheError> {
        self.has_key(key, Options::DEFAULT).await
    }
    async fn get(&self, key: Value, options: Options) -> Result<Option<Value>, CacheError> {
        self.warned(
            |c, s, r| c.call_get(s, r, &encode(&key), &opts(&options)),
            |found| found.map(decode).transpose(),
        )
    }
    async fn set(&self, key: Value, value: Value, options: Options) -> Result<(), CacheError> {
        self.warned(
            |c, s, r| c.call_set(s, r, &encode(&key), &encode(&value), &opts(&options)),
            Ok,
        )
    }
    async fn add(&self, key: Value, value: Value, options: Options) -> Result<bool, CacheError> {
        self.warned(
            |c, s, r| c.call_add(s, r, &encode(&key), &encode(&value), &opts(&options)),
            Ok,
        )
    }
    async fn get_or_set(
        &self,
        key: Value,
        default: Value,
        options: Options,
    ) -> Result<Value, CacheError> {
        self.warned(
            |c, s, r| c.call_get_or_set(s, r, &encode(&key), &encode(&default), &opts(&options)),
            decode,
        )
    }
    async fn get_many(
        &self,
        keys: Vec<Value>,
        options: Options,
    ) -> Result<Vec<(Value, Value)>, CacheError> {
        self.warned(
            |c, s, r| c.call_get_many(s, r, &encode_all(&keys), &opts(&options)),
            decode_pairs,
        )
    }
    async fn aget_many(
        &self,
        keys: Vec<Value>,
        options: Options,
    ) -> Result<Vec<(Value, Value)>, CacheError> {
        self.warned(
            |c, s, r| c.call_aget_many(s, r, &encode_all(&keys), &opts(&options)),
            decode_pairs,
        )
    }
    async fn set_many(
        &self,
        items: Vec<(Value, Value)>,
        options: Options,
    ) -> Result<Vec<Value>, CacheError> {
        self.warned(
            |c, s, r| c.call_set_many(s, r, &encode_pairs(&items), &opts(&options)),
            decode_all,
        )
    }
    async fn aset_many(
        &self,
        items: Vec<(Value, Value)>,
        options: Options,
    ) -> Result<Vec<Value>, CacheError> {
        self.warned(
            |c, s, r| c.call_aset_many(s, r, &encode_pairs(&items), &opts(&options)),
            decode_all,
        )
    }
    async fn delete(&self, key: Value, options: Options) -> Result<bool, CacheError> {
        self.warned(
            |c, s, r| c.call_delete(s, r, &encode(&key), &opts(&options)),
            Ok,
        )
    }
    async fn delete_many(&self, keys: Vec<Value>, options: Options) -> Result<(), CacheError> {
        self.warned(
            |c, s, r| c.call_delete_many(s, r, &encode_all(&keys), &opts(&options)),
            Ok,
        )
    }
    async fn adelete_many(&self, keys: Vec<Value>, options: Options) -> Result<(), CacheError> {
        self.warned(
            |c, s, r| c.call_adelete_many(s, r, &encode_all(&keys), &opts(&options)),
            Ok,
        )
    }
    async fn has_key(&self, key: Value, options: Options) -> Result<bool, CacheError> {
        self.warned(
            |c, s, r| c.call_has_key(s, r, &encode(&key), &opts(&options)),
            Ok,
        )
    }
    async fn ahas_key(&self, key: Value, options: Options) -> Result<bool, CacheError> {
        self.warned(
            |c, s, r| c.call_ahas_key(s, r, &encode(&key), &opts(&options)),
            Ok,
        )
    }
    async fn incr(&self, key: Value, delta: Value, options: Options) -> Result<Value, CacheError> {
        self.warned(
            |c, s, r| c.call_incr(s, r, &encode(&key), &encode(&delta), &opts(&options)),
            decode,
        )
    }
    async fn decr(&self, key: Value, delta: Value, options: Options) -> Result<Value, CacheError> {
        self.warned(
            |c, s, r| c.call_decr(s, r, &encode(&key), &encode(&delta), &opts(&options)),
            decode,
        )
    }
    async fn aincr(&self, key: Value, delta: Value, options: Options) -> Result<Value, CacheError> {
        self.warned(
            |c, s, r| c.call_aincr(s, r, &encode(&key), &encode(&delta), &opts(&options)),
            decode,
        )
    }
    async fn adecr(&self, key: Value, delta: Value, options: Options) -> Result<Value, CacheError> {
        self.warned(
            |c, s, r| c.call_adecr(s, r, &encode(&key), &encode(&delta), &opts(&options)),
            decode,
        )
    }
    async fn touch(&self, key: Value, options: Options) -> Result<bool, CacheError> {
        self.warned(
            |c, s, r| c.call_touch(s, r, &encode(&key), &opts(&options)),
            Ok,
        )
    }
    async fn clear(&self) -> Result<(), CacheError> {
        self.call(|c, s, r| c.call_clear(s, r))?.map_err(error)
    }
    async fn close(&self) -> Result<(), CacheError> {
        self.call(|c, s, r| c.call_close(s, r))?.map_err(error)
    }
    async fn incr_version(
        &self,
        key: Value,
        delta: Value,
        options: Options,
    ) -> Result<Value, CacheError> {
        self.warned(
            |c, s, r| c.call_incr_version(s, r, &encode(&key), &encode(&delta), &opts(&options)),
            decode,
        )
    }
    async fn decr_version(
        &self,
        key: Value,
        delta: Value,
        options: Options,
    ) -> Result<Value, CacheError> {
        self.warned(
            |c, s, r| c.call_decr_version(s, r, &encode(&key), &encode(&delta), &opts(&options)),
            decode,
        )
    }
    fn make_key(&self, key: Value, version: Option<&Value>) -> Result<Value, CacheError> {
        let version = version.map(encode);
        self.call(|c, s, r| c.call_make_key(s, r, &encode(&key), version.as_ref()))?
            .map_err(error)
            .and_then(decode)
    }
    fn make_and_validate_key(
        &self,
        key: Value,
        version: Option<&Value>,
    ) -> Result<String, CacheError> {
        let version = version.map(encode);
        self.warned(
            |c, s, r| c.call_make_and_validate_key(s, r, &encode(&key), version.as_ref()),
            Ok,
        )
    }
    fn validate_key(&self, full_key: &Value) -> Result<(), CacheError> {
        self.warned(|c, s, r| c.call_validate_key(s, r, &encode(full_key)), Ok)
    }
    fn get_backend_timeout(&self, timeout: Timeout) -> Value {
        self.call(|c, s, r| c.call_get_backend_timeout(s, r, self::timeout(timeout)))
            .and_then(decode)
            .unwrap_or_else(|error| Value::Str(error.to_string()))
    }
    async fn inspect(&self, detail: Detail) -> Result<Inspection, CacheError> {
        let detail = match detail {
            Detail::Count => wit::Detail::Count,
            _ => wit::Detail::Full,
        };
        self.call(|c, s, r| c.call_inspect(s, r, detail))?
            .map_err(error)
            .and_then(inspection)
    }
}

// ----- values -----

/// A core value to the WIT node list (children first, the root last).
pub fn encode(value: &Value) -> wit::Value {
    fn push(value: &Value, nodes: &mut Vec<Node>) -> u32 {
        let node = match value {
            Value::None => Node::None,
            Value::Bool(b) => Node::Boolean(*b),
            Value::Int(i) => {
                i64::try_from(*i).map_or_else(|_| Node::BigInt(i.to_string()), Node::Int)
            }
            Value::Float(x) => Node::Float(*x),
            Value::Str(text) => Node::Str(text.clone()),
            Value::Bytes(bytes) => Node::Bytes(bytes.clone()),
            Value::List(items) => Node::List(items.iter().map(|v| push(v, nodes)).collect()),
            Value::Tuple(items) => Node::Tuple(items.iter().map(|v| push(v, nodes)).collect()),
            Value::Dict(pairs) => Node::Dict(
                pairs
                    .iter()
                    .map(|(k, v)| (push(k, nodes), push(v, nodes)))
                    .collect(),
            ),
            other => Node::Str(edgecache::python::repr(other)),
        };
        nodes.push(node);
        u32::try_from(nodes.len() - 1).unwrap_or(u32::MAX)
    }
    let mut nodes = Vec::new();
    push(value, &mut nodes);
    nodes
}

/// The WIT node list the component sent to a core value; the component only sends well-formed
/// lists, but a malformed one is an error, not a panic.
pub fn decode(nodes: wit::Value) -> Result<Value, CacheError> {
    let bad =
        |what: &str| CacheError::Value(format!("the component sent a malformed value: {what}"));
    let mut built: Vec<Option<Value>> = Vec::with_capacity(nodes.len());
    for (position, node) in nodes.into_iter().enumerate() {
        let mut take = |index: u32| {
            let index = index as usize;
            if index >= position {
                return Err(bad("an item after its container"));
            }
            built[index].take().ok_or_else(|| bad("an item used twice"))
        };
        let value = match node {
            Node::None => Value::None,
            Node::Boolean(b) => Value::Bool(b),
            Node::Int(i) => Value::Int(i.into()),
            Node::BigInt(text) => Value::Int(text.parse().map_err(|_| bad("a big-int"))?),
            Node::Float(x) => Value::Float(x),
            Node::Str(text) => Value::Str(text),
            Node::Bytes(bytes) => Value::Bytes(bytes),
            Node::List(items) => {
                Value::List(items.into_iter().map(&mut take).collect::<Result<_, _>>()?)
            }
            Node::Tuple(items) => {
                Value::Tuple(items.into_iter().map(&mut take).collect::<Result<_, _>>()?)
            }
            Node::Dict(pairs) => {
                let mut dict = Vec::with_capacity(pairs.len());
                for (k, v) in pairs {
                    // The component already collapsed repeated keys.
                    dict.push((take(k)?, take(v)?));
                }
                Value::Dict(dict)
            }
        };
        built.push(Some(value));
    }
    let root = built.pop().flatten().ok_or_else(|| bad("no nodes"))?;
    if built.iter().any(Option::is_some) {
        return Err(bad("a node outside the value"));
    }
    Ok(root)
}

// ----- errors, warnings, introspection -----

/// A WIT error as the core's error: the same Python type and message.
fn error(error: wit::Error) -> CacheError {
    match error {
        wit::Error::ValueError(m) => CacheError::Value(m),
        wit::Error::TypeError(m) => CacheError::Type(m),
        wit::Error::InvalidCacheKey(m) => CacheError::InvalidKey(m),
        wit::Error::InvalidCacheBackendError(m) => CacheError::InvalidBackend(m),
        wit::Error::OverflowError(m) => CacheError::Overflow(m),
        wit::Error::Settings(e) => CacheError::Http {
            python_type: "ImproperlyConfigured",
            message: e.message,
        },
        wit::Error::Other(e) => match e.python_type.as_str() {
            "NotImplementedError" => CacheError::NotImplemented(e.message),
            "OSError" => CacheError::Storage(e.message),
            "DatabaseError" => CacheError::Database(e.message),
            "BlockingIOError" => CacheError::WouldBlock,
            other => CacheError::Http {
                // Exception class names are few; keeping each one is a bounded cost.
                python_type: Box::leak(other.to_string().into_boxed_str()),
                message: e.message,
            },
        },
    }
}

fn warning(warning: wit::Warning) -> Warning {
    Warning {
        category: match warning.category.as_str() {
            "CacheKeyWarning" => "CacheKeyWarning",
            other => Box::leak(other.to_string().into_boxed_str()),
        },
        message: warning.message,
    }
}

fn inspection(inspection: wit::Inspection) -> Result<Inspection, CacheError> {
    let backend = match inspection.backend.as_str() {
        "locmem" => "locmem",
        "dummy" => "dummy",
        "filebased" => "filebased",
        "db" => "db",
        "redis" => "redis",
        "memcached" => "memcached",
        _ => "unknown",
    };
    let entries = inspection
        .entries
        .into_iter()
        .map(|entry| {
            Ok(EntryView {
                key: entry.key,
                value: decode(entry.value)?,
                expires_at: entry.expires_at,
            })
        })
        .collect::<Result<_, CacheError>>()?;
    Ok(Inspection {
        backend,
        now: inspection.now,
        count: inspection.count as usize,
        order: inspection.order.map(|order| match order {
            wit::EntryOrder::MostRecentlyUsedFirst => EntryOrder::MostRecentlyUsedFirst,
            wit::EntryOrder::KeyAscending => EntryOrder::KeyAscending,
            wit::EntryOrder::FileName => EntryOrder::FileName,
        }),
        entries,
        stats: Stats {
            hits: inspection.stats.hits,
            misses: inspection.stats.misses,
            sets: inspection.stats.sets,
            deletes: inspection.stats.deletes,
            culled: inspection.stats.culled,
        },
        last_cull: inspection.last_cull.map(|report| CullReport {
            at: report.at,
            reason: match report.reason {
                wit::CullReason::ClearAll(c) => CullReason::ClearAll {
                    count: c.count as usize,
                    max_entries: c.max_entries.into(),
                },
                wit::CullReason::LeastRecentlyUsed(c) => CullReason::LeastRecentlyUsed {
                    count: c.count as usize,
                    max_entries: c.max_entries.into(),
                    cull_frequency: c.cull_frequency.into(),
                },
            },
            removed: report.removed,
        }),
    })
}
