//! The WebAssembly component's host: loads `edgecache.wasm` in wasmtime, gives it a clock the
//! host controls, and drives its exported `cache` resources as the replay's
//! [`ReplayCache`]s and its `http` interface as the replay's [`ReplayHttp`].
//!
//! Conversion only (core values to WIT values and back, WIT errors to [`CacheError`]);
//! every cache rule runs inside the component.

use edgecache::http::{
    Fetched, Headers, HttpError, MiddlewareConfig, Request, Response, ViewDecorator,
};
use edgecache::inspect::{
    CullReason, CullReport, Detail, EntryOrder, EntryView, Inspection, Stats,
};
use edgecache::replay::{self, ReplayCache, ReplayCaches, ReplayError, ReplayHttp, Trace};
use edgecache::{CacheError, Clock, ManualClock, Options, Timeout, Value, Warning};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use wasmtime::component::{Component, HasSelf, InstancePre, Linker, ResourceAny};
use wasmtime::{Engine, Store};

/// The host side of the `edgecache` world (the full build). The in-memory build's world,
/// `edgecache-memory`, exports a subset of the same interfaces, so the same types drive it.
mod bindings {
    wasmtime::component::bindgen!({
        world: "edgecache",
        path: "../wit",
    });
}

/// The WIT interface's types as the host sees them (`Value`, `Options`, `Error`, ...).
pub use bindings::exports::edgecache::cache::api as wit;
/// The `extras` interface's functions (full build only).
pub use bindings::exports::edgecache::cache::extras as wit_extras;
/// The `http` interface's types as the host sees them (`Request`, `Response`, ...).
pub use bindings::exports::edgecache::cache::http as wit_http;
use wit::{BoolOp, ManyOp, StoreOp, ValueOp};

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

/// A compiled component, ready to be instantiated once per trace: the full build (world
/// `edgecache`) or the in-memory one (world `edgecache-memory`, no `extras` or `http`).
pub struct Host {
    engine: Engine,
    component: Component,
    instance_pre: InstancePre<State>,
    api: wit::GuestIndices,
    extras: Option<wit_extras::GuestIndices>,
    http: Option<wit_http::GuestIndices>,
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
        bindings::edgecache::cache::clock::add_to_linker::<State, HasSelf<State>>(
            &mut linker,
            |state| state,
        )
        .map_err(|e| format!("{e:#}"))?;
        let instance_pre = linker
            .instantiate_pre(&component)
            .map_err(|e| format!("{}: {e:#}", path.display()))?;
        let api = wit::GuestIndices::new(&instance_pre)
            .map_err(|e| format!("{}: {e:#}", path.display()))?;
        let extras = wit_extras::GuestIndices::new(&instance_pre).ok();
        let http = wit_http::GuestIndices::new(&instance_pre).ok();
        Ok(Self {
            engine,
            component,
            instance_pre,
            api,
            extras,
            http,
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

    /// The names of the component's exports (interfaces).
    pub fn exports(&self) -> Vec<String> {
        self.component
            .component_type()
            .exports(&self.engine)
            .map(|(name, _)| name.to_string())
            .collect()
    }

    /// A fresh instance whose clock is `clock`.
    pub fn instantiate(&self, clock: Arc<ManualClock>) -> Result<Instance, String> {
        let failed = |e: wasmtime::Error| format!("instantiating the component: {e:#}");
        let mut store = Store::new(&self.engine, State { clock });
        let instance = self.instance_pre.instantiate(&mut store).map_err(failed)?;
        let api = self.api.load(&mut store, &instance).map_err(failed)?;
        let extras = match &self.extras {
            Some(indices) => Some(indices.load(&mut store, &instance).map_err(failed)?),
            None => None,
        };
        let http = match &self.http {
            Some(indices) => Some(indices.load(&mut store, &instance).map_err(failed)?),
            None => None,
        };
        Ok(Instance {
            shared: Rc::new(Shared {
                store: RefCell::new(store),
                api,
                extras,
                http,
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
    api: wit::Guest,
    extras: Option<wit_extras::Guest>,
    http: Option<wit_http::Guest>,
}

impl Shared {
    fn http(&self) -> Result<&wit_http::Guest, CacheError> {
        self.http.as_ref().ok_or_else(|| CacheError::Http {
            python_type: "ImproperlyConfigured",
            message: "this component is the in-memory build (world edgecache-memory): it has no \
                      http interface; use the full build"
                .into(),
        })
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
                .api
                .caches()
                .call_parse(&mut *store, settings)
                .map_err(trap)?
                .map_err(|e| e.message)?
        };
        let aliases = {
            let mut store = shared.store.borrow_mut();
            shared
                .api
                .caches()
                .call_aliases(&mut *store, parsed)
                .map_err(trap)?
        };
        let mut caches = Vec::new();
        for alias in aliases {
            let opened = {
                let mut store = shared.store.borrow_mut();
                shared
                    .api
                    .caches()
                    .call_cache(&mut *store, parsed, &alias)
                    .map_err(trap)?
            };
            let cache = opened.map_err(error).map(|resource| HostCache {
                shared: shared.clone(),
                resource,
            });
            caches.push((alias, cache));
        }
        Ok(HostCaches {
            shared: shared.clone(),
            resource: parsed,
            caches,
        })
    }
}

fn trap(error: wasmtime::Error) -> String {
    format!("the component trapped: {error:#}")
}

/// Every alias of a `caches` resource.
pub struct HostCaches {
    shared: Rc<Shared>,
    resource: ResourceAny,
    caches: Vec<(String, Result<HostCache, CacheError>)>,
}

impl HostCaches {
    /// A `layer` over these caches with `settings` (a dict of Django settings by name); an
    /// error on the in-memory build, which has no `http` interface.
    pub fn layer(&self, settings: &Value) -> Result<HostHttp, CacheError> {
        let shared = &self.shared;
        let resource = {
            let mut store = shared.store.borrow_mut();
            shared
                .http()?
                .layer()
                .call_constructor(&mut *store, self.resource, &encode(settings))
                .map_err(runtime_error)?
        };
        Ok(HostHttp {
            shared: shared.clone(),
            resource,
            warnings: RefCell::new(Vec::new()),
        })
    }
}

fn runtime_error(error: wasmtime::Error) -> CacheError {
    CacheError::Http {
        python_type: "RuntimeError",
        message: trap(error),
    }
}

impl ReplayCaches for HostCaches {
    type Cache = HostCache;
    type Http = HostHttp;

    fn http(&self, settings: &Value) -> Result<HostHttp, CacheError> {
        self.layer(settings)
    }

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
        call(self.shared.api.cache(), &mut store, self.resource).map_err(runtime_error)
    }

    /// Runs `call` on the store and the `extras` interface with this cache's handle; an
    /// error on the in-memory build, which has no `extras`.
    pub fn call_extras<T>(
        &self,
        call: impl FnOnce(&wit_extras::Guest, &mut Store<State>, ResourceAny) -> Called<T>,
    ) -> Result<T, CacheError> {
        let extras = self.shared.extras.as_ref().ok_or_else(|| {
            CacheError::NotImplemented("the in-memory component has no extras interface".into())
        })?;
        let mut store = self.shared.store.borrow_mut();
        call(extras, &mut store, self.resource).map_err(runtime_error)
    }

    /// Like [`HostCache::call`], for methods that return `result<T, error>`, `T` converted.
    fn result<T, U>(
        &self,
        call: impl FnOnce(
            wit::GuestCache<'_>,
            &mut Store<State>,
            ResourceAny,
        ) -> Called<Result<T, wit::Error>>,
        convert: impl FnOnce(T) -> Result<U, CacheError>,
    ) -> Result<U, CacheError> {
        self.call(call)?.map_err(error).and_then(convert)
    }

    fn call_bool(&self, op: BoolOp, key: &Value, options: &Options) -> Result<bool, CacheError> {
        self.result(
            |c, s, r| c.call_call_bool(s, r, op, &encode(key), &opts(options)),
            Ok,
        )
    }

    fn call_value(
        &self,
        op: ValueOp,
        key: &Value,
        argument: &Value,
        options: &Options,
    ) -> Result<Value, CacheError> {
        self.result(
            |c, s, r| c.call_call_value(s, r, op, &encode(key), &encode(argument), &opts(options)),
            decode,
        )
    }

    fn call_many(
        &self,
        op: ManyOp,
        keys: &[Value],
        options: &Options,
    ) -> Result<Vec<(Value, Value)>, CacheError> {
        self.result(
            |c, s, r| c.call_call_many(s, r, op, &encode_all(keys), &opts(options)),
            decode_pairs,
        )
    }

    fn store(
        &self,
        op: StoreOp,
        key: &Value,
        value: &Value,
        options: &Options,
    ) -> Result<bool, CacheError> {
        self.result(
            |c, s, r| c.call_store(s, r, op, &encode(key), &encode(value), &opts(options)),
            Ok,
        )
    }

    fn set_many_via(
        &self,
        items: &[(Value, Value)],
        one_at_a_time: bool,
        options: &Options,
    ) -> Result<Vec<Value>, CacheError> {
        self.result(
            |c, s, r| c.call_set_many(s, r, &encode_pairs(items), one_at_a_time, &opts(options)),
            decode_all,
        )
    }
}

/// The keyword arguments as the WIT record.
pub fn opts(options: &Options) -> wit::Options {
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
        self.call(|c, s, r| c.call_take_warnings(s, r))
            .map(|warnings| warnings.into_iter().map(warning).collect())
            .unwrap_or_default()
    }
    async fn contains(&self, key: Value) -> Result<bool, CacheError> {
        self.has_key(key, Options::DEFAULT).await
    }
    async fn get(&self, key: Value, options: Options) -> Result<Option<Value>, CacheError> {
        self.result(
            |c, s, r| c.call_get(s, r, &encode(&key), &opts(&options)),
            |found| found.map(decode).transpose(),
        )
    }
    async fn set(&self, key: Value, value: Value, options: Options) -> Result<(), CacheError> {
        self.store(StoreOp::Set, &key, &value, &options).map(drop)
    }
    async fn add(&self, key: Value, value: Value, options: Options) -> Result<bool, CacheError> {
        self.store(StoreOp::Add, &key, &value, &options)
    }
    async fn get_or_set(
        &self,
        key: Value,
        default: Value,
        options: Options,
    ) -> Result<Value, CacheError> {
        self.call_value(ValueOp::GetOrSet, &key, &default, &options)
    }
    async fn get_many(
        &self,
        keys: Vec<Value>,
        options: Options,
    ) -> Result<Vec<(Value, Value)>, CacheError> {
        self.call_many(ManyOp::GetMany, &keys, &options)
    }
    async fn aget_many(
        &self,
        keys: Vec<Value>,
        options: Options,
    ) -> Result<Vec<(Value, Value)>, CacheError> {
        self.call_many(ManyOp::AgetMany, &keys, &options)
    }
    async fn set_many(
        &self,
        items: Vec<(Value, Value)>,
        options: Options,
    ) -> Result<Vec<Value>, CacheError> {
        self.set_many_via(&items, false, &options)
    }
    async fn aset_many(
        &self,
        items: Vec<(Value, Value)>,
        options: Options,
    ) -> Result<Vec<Value>, CacheError> {
        self.set_many_via(&items, true, &options)
    }
    async fn delete(&self, key: Value, options: Options) -> Result<bool, CacheError> {
        self.call_bool(BoolOp::Delete, &key, &options)
    }
    async fn delete_many(&self, keys: Vec<Value>, options: Options) -> Result<(), CacheError> {
        self.call_many(ManyOp::DeleteMany, &keys, &options)
            .map(drop)
    }
    async fn adelete_many(&self, keys: Vec<Value>, options: Options) -> Result<(), CacheError> {
        self.call_many(ManyOp::AdeleteMany, &keys, &options)
            .map(drop)
    }
    async fn has_key(&self, key: Value, options: Options) -> Result<bool, CacheError> {
        self.call_bool(BoolOp::HasKey, &key, &options)
    }
    async fn ahas_key(&self, key: Value, options: Options) -> Result<bool, CacheError> {
        self.call_bool(BoolOp::AhasKey, &key, &options)
    }
    async fn incr(&self, key: Value, delta: Value, options: Options) -> Result<Value, CacheError> {
        self.call_value(ValueOp::Incr, &key, &delta, &options)
    }
    async fn decr(&self, key: Value, delta: Value, options: Options) -> Result<Value, CacheError> {
        self.call_value(ValueOp::Decr, &key, &delta, &options)
    }
    async fn aincr(&self, key: Value, delta: Value, options: Options) -> Result<Value, CacheError> {
        self.call_value(ValueOp::Aincr, &key, &delta, &options)
    }
    async fn adecr(&self, key: Value, delta: Value, options: Options) -> Result<Value, CacheError> {
        self.call_value(ValueOp::Adecr, &key, &delta, &options)
    }
    async fn touch(&self, key: Value, options: Options) -> Result<bool, CacheError> {
        self.call_bool(BoolOp::Touch, &key, &options)
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
        self.call_value(ValueOp::IncrVersion, &key, &delta, &options)
    }
    async fn decr_version(
        &self,
        key: Value,
        delta: Value,
        options: Options,
    ) -> Result<Value, CacheError> {
        self.call_value(ValueOp::DecrVersion, &key, &delta, &options)
    }
    fn make_key(&self, key: Value, version: Option<&Value>) -> Result<Value, CacheError> {
        let version = version.map(encode);
        self.result(
            |c, s, r| c.call_make_key(s, r, &encode(&key), version.as_ref(), false),
            decode,
        )
    }
    fn make_and_validate_key(
        &self,
        key: Value,
        version: Option<&Value>,
    ) -> Result<String, CacheError> {
        let version = version.map(encode);
        self.result(
            |c, s, r| c.call_make_key(s, r, &encode(&key), version.as_ref(), true),
            |full| match decode(full)? {
                Value::Str(text) => Ok(text),
                other => Err(CacheError::Value(format!(
                    "the component sent a non-str validated key: {other:?}"
                ))),
            },
        )
    }
    fn validate_key(&self, full_key: &Value) -> Result<(), CacheError> {
        self.result(|c, s, r| c.call_validate_key(s, r, &encode(full_key)), Ok)
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

/// A core value as the WIT variant: scalars as themselves, ints beyond 64 bits and
/// containers in the encoded form (edgecache's postcard codec), as the component sends them.
pub fn encode(value: &Value) -> wit::Value {
    match value {
        Value::None => wit::Value::None,
        Value::Bool(b) => wit::Value::Boolean(*b),
        Value::Int(i) => i64::try_from(*i).map_or_else(
            |_| wit::Value::Encoded(edgecache::codec::postcard::dumps(value)),
            wit::Value::Int,
        ),
        Value::Float(x) => wit::Value::Float(*x),
        Value::Str(text) => wit::Value::Str(text.clone()),
        Value::Bytes(bytes) => wit::Value::Bytes(bytes.clone()),
        _ => wit::Value::Encoded(edgecache::codec::postcard::dumps(value)),
    }
}

/// The WIT value the component sent as a core value; the component only sends well-formed
/// encodings, but a malformed one is an error, not a panic.
pub fn decode(value: wit::Value) -> Result<Value, CacheError> {
    Ok(match value {
        wit::Value::None => Value::None,
        wit::Value::Boolean(b) => Value::Bool(b),
        wit::Value::Int(i) => Value::Int(i.into()),
        wit::Value::Float(x) => Value::Float(x),
        wit::Value::Str(text) => Value::Str(text),
        wit::Value::Bytes(bytes) => Value::Bytes(bytes),
        wit::Value::Encoded(raw) => edgecache::codec::postcard::loads(&raw)
            .map_err(|e| CacheError::Value(format!("the component sent a malformed value: {e}")))?,
    })
}

// ----- errors, warnings, introspection -----

/// A WIT error as the core's error: the same Python type and message.
pub fn error(error: wit::Error) -> CacheError {
    match error {
        wit::Error::ValueError(m) => CacheError::Value(m),
        wit::Error::TypeError(m) => CacheError::Type(m),
        wit::Error::InvalidCacheKey(m) => CacheError::InvalidKey(m),
        wit::Error::InvalidCacheBackendError(m) => CacheError::InvalidBackend(m),
        wit::Error::OverflowError(m) => CacheError::Overflow(m),
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

// ----- the HTTP layer -----

/// One `layer` resource: the component's HTTP layer, as the replay's [`ReplayHttp`].
pub struct HostHttp {
    shared: Rc<Shared>,
    resource: ResourceAny,
    warnings: RefCell<Vec<Warning>>,
}

type HttpCalled<T> = Called<Result<T, wit::Error>>;

impl HostHttp {
    /// Runs `call` on the store and the `http` interface; a trap is a `RuntimeError`, a WIT
    /// error the core's error.
    fn call<T>(
        &self,
        call: impl FnOnce(&wit_http::Guest, &mut Store<State>, ResourceAny) -> HttpCalled<T>,
    ) -> Result<T, HttpError> {
        let mut store = self.shared.store.borrow_mut();
        call(
            self.shared.http().map_err(HttpError::Cache)?,
            &mut store,
            self.resource,
        )
        .map_err(runtime_error)?
        .map_err(|e| HttpError::Cache(error(e)))
    }

    /// Like [`HostHttp::call`], for methods that return warnings next to their result.
    fn warned<T>(
        &self,
        call: impl FnOnce(
            &wit_http::Guest,
            &mut Store<State>,
            ResourceAny,
        ) -> Called<(Result<T, wit::Error>, Vec<wit::Warning>)>,
    ) -> Result<T, HttpError> {
        let (outcome, warnings) = {
            let mut store = self.shared.store.borrow_mut();
            call(
                self.shared.http().map_err(HttpError::Cache)?,
                &mut store,
                self.resource,
            )
            .map_err(runtime_error)?
        };
        self.warnings
            .borrow_mut()
            .extend(warnings.into_iter().map(warning));
        outcome.map_err(|e| HttpError::Cache(error(e)))
    }
}

fn headers_out(headers: &Headers) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect()
}

/// Headers the component sent (already checked there), into the core's model.
fn headers_in(pairs: Vec<(String, String)>) -> Result<Headers, HttpError> {
    let mut headers = Headers::new();
    for (name, value) in pairs {
        headers.set(&name, &value)?;
    }
    Ok(headers)
}

fn request_out(request: &Request) -> wit_http::Request {
    wit_http::Request {
        method: request.method.clone(),
        secure: request.secure,
        path: request.path.clone(),
        query: request.query.clone(),
        meta: request.meta.clone(),
        language_code: request.language_code.clone(),
        language: request.language.clone(),
        time_zone: request.time_zone.clone(),
    }
}

fn response_out(response: &Response) -> wit_http::Response {
    wit_http::Response {
        status: i64::try_from(response.status).unwrap_or(i64::MAX),
        headers: headers_out(&response.headers),
        content: response.content.clone(),
        cookies: response.cookies.clone(),
        streaming: response.streaming,
    }
}

fn response_in(response: wit_http::Response) -> Result<Response, HttpError> {
    let mut out = Response::new(response.status.into(), "");
    out.headers = headers_in(response.headers)?;
    out.content = response.content;
    out.cookies = response.cookies;
    out.streaming = response.streaming;
    Ok(out)
}

fn kwargs_out(kwargs: &[(String, Value)]) -> Vec<(String, wit::Value)> {
    kwargs
        .iter()
        .map(|(name, value)| (name.clone(), encode(value)))
        .collect()
}

fn decorator_out(decorator: &ViewDecorator) -> Result<wit_http::ViewDecorator, HttpError> {
    Ok(match decorator {
        ViewDecorator::CacheControl(kwargs) => {
            wit_http::ViewDecorator::CacheControl(kwargs_out(kwargs))
        }
        ViewDecorator::NeverCache => wit_http::ViewDecorator::NeverCache,
        ViewDecorator::VaryOnHeaders(headers) => {
            wit_http::ViewDecorator::VaryOnHeaders(headers.clone())
        }
        ViewDecorator::VaryOnCookie => wit_http::ViewDecorator::VaryOnCookie,
        other => {
            return Err(HttpError::Cache(CacheError::NotImplemented(format!(
                "the component has no view decorator {other:?}"
            ))));
        }
    })
}

fn middleware_out(middleware: &MiddlewareConfig) -> Result<wit_http::Middleware, HttpError> {
    Ok(match middleware {
        MiddlewareConfig::Site => wit_http::Middleware::Site,
        MiddlewareConfig::CachePage {
            timeout,
            cache,
            key_prefix,
        } => wit_http::Middleware::CachePage(wit_http::CachePage {
            timeout: encode(timeout),
            cache: cache.clone(),
            key_prefix: key_prefix.clone(),
        }),
        MiddlewareConfig::CacheMiddleware {
            cache_timeout,
            page_timeout,
            key_prefix,
            cache_alias,
        } => wit_http::Middleware::CacheMiddleware(wit_http::CacheMiddleware {
            cache_timeout: cache_timeout.as_ref().map(encode),
            page_timeout: page_timeout.as_ref().map(encode),
            key_prefix: key_prefix.clone(),
            cache_alias: cache_alias.clone(),
        }),
        other => {
            return Err(HttpError::Cache(CacheError::NotImplemented(format!(
                "the component has no middleware {other:?}"
            ))));
        }
    })
}

impl ReplayHttp for HostHttp {
    fn take_warnings(&self) -> Vec<Warning> {
        std::mem::take(&mut *self.warnings.borrow_mut())
    }
    fn make_template_fragment_key(
        &self,
        fragment_name: &str,
        vary_on: &[Value],
    ) -> Result<String, HttpError> {
        let vary_on = encode_all(vary_on);
        self.call(|h, s, _| h.call_make_template_fragment_key(s, fragment_name, &vary_on))
    }
    fn patch_cache_control(
        &self,
        headers: &mut Headers,
        kwargs: &[(String, Value)],
    ) -> Result<(), HttpError> {
        let (pairs, kwargs) = (headers_out(headers), kwargs_out(kwargs));
        *headers =
            headers_in(self.call(|h, s, _| h.call_patch_cache_control(s, &pairs, &kwargs))?)?;
        Ok(())
    }
    fn patch_vary_headers(
        &self,
        headers: &mut Headers,
        newheaders: &[String],
    ) -> Result<(), HttpError> {
        let pairs = headers_out(headers);
        *headers =
            headers_in(self.call(|h, s, _| h.call_patch_vary_headers(s, &pairs, newheaders))?)?;
        Ok(())
    }
    fn has_vary_header(&self, headers: &Headers, header_query: &str) -> Result<bool, HttpError> {
        let pairs = headers_out(headers);
        self.call(|h, s, _| h.call_has_vary_header(s, &pairs, header_query))
    }
    fn get_max_age(&self, headers: &Headers) -> Result<Option<i128>, HttpError> {
        let pairs = headers_out(headers);
        match self.call(|h, s, _| h.call_get_max_age(s, &pairs))? {
            None => Ok(None),
            Some(value) => match decode(value)? {
                Value::Int(age) => Ok(Some(age)),
                other => Err(HttpError::Cache(CacheError::Value(format!(
                    "the component sent a max-age that is not an int: {other:?}"
                )))),
            },
        }
    }
    fn patch_response_headers(
        &self,
        headers: &mut Headers,
        cache_timeout: Option<&Value>,
    ) -> Result<(), HttpError> {
        let (pairs, timeout) = (headers_out(headers), cache_timeout.map(encode));
        *headers = headers_in(self.call(|h, s, r| {
            h.layer()
                .call_patch_response_headers(s, r, &pairs, timeout.as_ref())
        })?)?;
        Ok(())
    }
    fn add_never_cache_headers(&self, headers: &mut Headers) -> Result<(), HttpError> {
        let pairs = headers_out(headers);
        *headers =
            headers_in(self.call(|h, s, r| h.layer().call_add_never_cache_headers(s, r, &pairs))?)?;
        Ok(())
    }
    fn apply_decorators(
        &self,
        response: &mut Response,
        decorators: &[ViewDecorator],
    ) -> Result<(), HttpError> {
        let wire = response_out(response);
        let decorators = decorators
            .iter()
            .map(decorator_out)
            .collect::<Result<Vec<_>, _>>()?;
        *response = response_in(
            self.call(|h, s, r| h.layer().call_apply_decorators(s, r, &wire, &decorators))?,
        )?;
        Ok(())
    }
    async fn learn_cache_key(
        &self,
        request: &Request,
        response: &Response,
        cache_timeout: Option<&Value>,
        key_prefix: Option<&str>,
    ) -> Result<String, HttpError> {
        let (request, response) = (request_out(request), response_out(response));
        let timeout = cache_timeout.map(encode);
        self.warned(|h, s, r| {
            h.layer()
                .call_learn_cache_key(s, r, &request, &response, timeout.as_ref(), key_prefix)
        })
    }
    async fn get_cache_key(
        &self,
        request: &Request,
        key_prefix: Option<&str>,
        method: &str,
    ) -> Result<Option<String>, HttpError> {
        let request = request_out(request);
        self.warned(|h, s, r| {
            h.layer()
                .call_get_cache_key(s, r, &request, key_prefix, method)
        })
    }
    async fn process_request(
        &self,
        middleware: &MiddlewareConfig,
        request: &Request,
    ) -> Result<Fetched, HttpError> {
        let (middleware, request) = (middleware_out(middleware)?, request_out(request));
        match self.warned(|h, s, r| h.layer().call_process_request(s, r, &middleware, &request))? {
            wit_http::Fetched::Hit(response) => Ok(Fetched::Hit(response_in(response)?)),
            wit_http::Fetched::Miss(update_cache) => Ok(Fetched::Miss { update_cache }),
        }
    }
    async fn process_response(
        &self,
        middleware: &MiddlewareConfig,
        request: &Request,
        response: Response,
        update_cache: bool,
    ) -> Result<Response, HttpError> {
        let (middleware, request) = (middleware_out(middleware)?, request_out(request));
        let response = response_out(&response);
        response_in(self.warned(|h, s, r| {
            h.layer()
                .call_process_response(s, r, &middleware, &request, &response, update_cache)
        })?)
    }
}
