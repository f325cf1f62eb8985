//! The conformance replay: runs a JSON trace of cache operations (the format of the project's
//! Django oracle) on edgecache and returns the oracle's output document.
//!
//! The clock is a [`ManualClock`] starting at 1 700 000 000.0; `advance`, `now` and `dump`
//! behave as the oracle defines them. Operations that raise are results too (an `error`
//! entry); only an unreadable trace or an unknown backend fails the whole run.
//!
//! The engine (one operation on a [`Caches`]: [`run_cache_op`], [`run_one`], [`Session`]'s
//! async face, the console's [`parse_command`], [`jsonify`]/[`encode`], [`Trace`]) builds
//! without SQLite or threads (feature `replay-core`, and the npm face): the Worker's API and
//! the playground run on it. The runners over temporary directories, SQLite, threads and real
//! servers ([`replay`], [`Session::run`]) are native only.

pub mod compare;
mod console;
mod http;
mod json;

pub use console::{HELP, parse_command};
pub use json::Json;

use crate::backend::db;
use crate::cache::Cache;
use crate::caches::Caches;
use crate::caches::Stores;
use crate::clock::ManualClock;
use crate::error::{CacheError, Warning};
use crate::expiry::Timeout;
use crate::http::HttpSettings;
use crate::inspect::{Detail, Inspection};
use crate::literal::{self, Node, NodeKind};
use crate::options::Options;
use crate::python;
use crate::seam::sql::SqlStore;
use crate::settings::{BackendKind, CacheSettings, node_value};
#[cfg(edgecache_replay)]
use crate::store::sqlite::SqliteStore;
use crate::value::Value;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
#[cfg(edgecache_replay)]
use core::future::Future;
#[cfg(edgecache_replay)]
use core::pin::pin;
#[cfg(edgecache_replay)]
use core::sync::atomic::{AtomicU64, Ordering};
#[cfg(edgecache_replay)]
use core::task::{Context, Poll};
#[cfg(edgecache_replay)]
use std::path::PathBuf;
#[cfg(edgecache_replay)]
use std::task::Wake;
#[cfg(edgecache_replay)]
use std::thread::{self, Thread};

/// Backends the replay can run in this build.
pub const BACKENDS: &[&str] = &["locmem", "dummy", "filebased", "db", "redis", "memcached"];

/// The backends whose servers expire keys by their own clocks: on them `advance` also sleeps
/// for real, as in the oracle.
pub const SERVER_BACKENDS: &[&str] = &["redis", "memcached"];

/// Where a replay on redis or memcached finds its servers: the edgecache bridge in front of
/// them, and the `LOCATION` each backend is given (the oracle's `ORACLE_REDIS_URL` /
/// `ORACLE_MEMCACHED`).
#[derive(Debug, Clone, Default)]
pub struct Network {
    /// The bridge's base URL, e.g. `http://127.0.0.1:8379`.
    pub bridge_url: String,
    /// The bridge's token.
    pub token: String,
    /// The redis `LOCATION` (the bridge's upstreams, in the same order).
    pub redis_location: String,
    /// The memcached `LOCATION`.
    pub memcached_location: String,
}

/// Operations of the oracle this build cannot run yet (none at the moment; kept so a trace
/// needing a part not built is reported as pending by name).
pub const PENDING_OPS: &[&str] = &[];

pub use http::{HTTP_OPS, NativeHttp, ReplayHttp, http_settings, oracle_settings};

/// Why a trace could not be replayed at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayError(pub String);

impl core::fmt::Display for ReplayError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(edgecache_std)]
impl std::error::Error for ReplayError {}

/// A parsed trace.
#[derive(Debug, Clone)]
pub struct Trace {
    /// The trace's name (`name`, or the file name given to [`Trace::parse`]).
    pub name: String,
    /// The backends the trace lists.
    pub backends: Vec<String>,
    ops: Vec<Value>,
    settings: Node,
    extra_caches: Vec<(String, Node)>,
    django_settings: Value,
}

impl Trace {
    /// Reads a trace; `fallback_name` is used when the trace has no `name`.
    pub fn parse(text: &str, fallback_name: &str) -> Result<Self, ReplayError> {
        let root = literal::parse(text)
            .map_err(|e| ReplayError(format!("trace is not valid JSON: {e}")))?;
        let NodeKind::Dict(fields) = &root.kind else {
            return Err(ReplayError("a trace must be a JSON object".into()));
        };
        let field = |name: &str| {
            fields
                .iter()
                .rev()
                .find(|(k, _)| matches!(&k.kind, NodeKind::Str(s) if s == name))
                .map(|(_, v)| v)
        };
        let name = match field("name").map(|n| &n.kind) {
            Some(NodeKind::Str(name)) => name.clone(),
            _ => fallback_name.to_string(),
        };
        let backends = match field("backends").map(node_value) {
            Some(Value::List(items)) => items
                .iter()
                .filter_map(|b| b.as_str().map(String::from))
                .collect(),
            _ => Vec::new(),
        };
        let ops = match field("ops").map(node_value) {
            Some(Value::List(ops)) => ops,
            _ => return Err(ReplayError("a trace needs an \"ops\" array".into())),
        };
        let empty = Node {
            kind: NodeKind::Dict(Vec::new()),
            line: 1,
            col: 1,
        };
        let settings = field("settings").cloned().unwrap_or(empty);
        if !matches!(settings.kind, NodeKind::Dict(_)) {
            return Err(ReplayError("\"settings\" must be an object".into()));
        }
        let extra_caches = match field("extra_caches").map(|n| &n.kind) {
            Some(NodeKind::Dict(pairs)) => pairs
                .iter()
                .filter_map(|(k, v)| match (&k.kind, &v.kind) {
                    (NodeKind::Str(alias), NodeKind::Dict(_)) => Some((alias.clone(), v.clone())),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let django_settings = field("django_settings").map_or(Value::None, node_value);
        Ok(Self {
            name,
            backends,
            ops,
            settings,
            extra_caches,
            django_settings,
        })
    }

    /// The operations of this trace that need a part of edgecache not built yet.
    pub fn pending_ops(&self) -> Vec<String> {
        let mut pending: Vec<String> = Vec::new();
        for op in &self.ops {
            if let Some(name) = op_name(op) {
                if PENDING_OPS.contains(&name) && !pending.iter().any(|p| p == name) {
                    pending.push(name.to_string());
                }
            }
        }
        pending
    }

    /// Builds the `CACHES` setting the oracle would: `settings` as `default` with `BACKEND`
    /// and `LOCATION` filled in, and each extra alias inheriting from it.
    ///
    /// `location` overrides every alias's `LOCATION` (locmem aliases naming their own keep
    /// it), as the oracle does for the storing backends; `None` keeps the trace's.
    fn cache_settings(
        &self,
        backend: BackendKind,
        location: Option<&str>,
    ) -> Result<CacheSettings, ReplayError> {
        CacheSettings::from_node(&self.caches_node(backend, location)?)
            .map_err(|e| ReplayError(format!("trace settings: {e}")))
    }

    /// The `CACHES` setting the oracle builds for `backend` (`locmem`, `filebased`, ...);
    /// `location` replaces the storing backends' `LOCATION` (a KV binding, a table name).
    pub fn settings_for(
        &self,
        backend: &str,
        location: Option<&str>,
    ) -> Result<CacheSettings, ReplayError> {
        self.cache_settings(backend_kind(backend)?, location)
    }

    /// The `CACHES` setting the oracle builds for `backend`, as a Python dict literal, with
    /// `location` as the `LOCATION` of every alias (or the trace's own, as the oracle keeps
    /// it: a locmem name, `""` elsewhere).
    pub fn caches_text(
        &self,
        backend: &str,
        location: Option<&str>,
    ) -> Result<String, ReplayError> {
        let kind = backend_kind(backend)?;
        let text = python::repr(&node_value(&self.caches_node(kind, location)?));
        // The text must read back as the same setting.
        CacheSettings::parse(&text).map_err(|e| ReplayError(format!("trace settings: {e}")))?;
        Ok(text)
    }

    /// The operations, in order.
    pub fn ops(&self) -> &[Value] {
        &self.ops
    }

    /// The trace's `django_settings` over the oracle's defaults, for the HTTP operations.
    pub fn http_settings(&self) -> HttpSettings {
        http::http_settings(&self.django_settings)
    }

    /// The oracle's output document for this trace on `backend`, around `results` (entries
    /// made by [`result_entry`]).
    pub fn document(&self, backend: &str, results: Vec<Json>) -> Result<Json, ReplayError> {
        Ok(output_document(self, backend_kind(backend)?, results))
    }

    /// The `CACHES` setting [`replay`] builds for `backend` (an in-memory one), as the Python
    /// dict literal a settings.py would hold: what [`replay_via`]'s caches are made from.
    pub fn settings_text(&self, backend: &str) -> Result<String, ReplayError> {
        let kind = backend_kind(backend)?;
        if !matches!(kind, BackendKind::LocMem | BackendKind::Dummy) {
            return Err(ReplayError(format!(
                "backend '{backend}' keeps its entries outside memory; only locmem and dummy \
                 can be replayed through another face yet"
            )));
        }
        let text = python::repr(&node_value(&self.caches_node(kind, None)?));
        // The text must read back as the same setting.
        CacheSettings::parse(&text).map_err(|e| ReplayError(format!("trace settings: {e}")))?;
        Ok(text)
    }

    fn caches_node(
        &self,
        backend: BackendKind,
        location: Option<&str>,
    ) -> Result<Node, ReplayError> {
        let NodeKind::Dict(base) = &self.settings.kind else {
            return Err(ReplayError("\"settings\" must be an object".into()));
        };
        let with = |mut pairs: Vec<(Node, Node)>, name: &str, value: NodeKind| {
            pairs.retain(|(k, _)| !matches!(&k.kind, NodeKind::Str(s) if s == name));
            pairs.push((
                str_node(name),
                Node {
                    kind: value,
                    line: 1,
                    col: 1,
                },
            ));
            pairs
        };
        let location_of = |pairs: &[(Node, Node)]| {
            pairs
                .iter()
                .rev()
                .find(|(k, _)| matches!(&k.kind, NodeKind::Str(s) if s == "LOCATION"))
                .map(|(_, v)| v.kind.clone())
        };
        let default_location = match (backend, location) {
            (_, Some(location)) => NodeKind::Str(location.into()),
            (BackendKind::LocMem, None) => {
                location_of(base).unwrap_or(NodeKind::Str("oracle".into()))
            }
            (_, None) => location_of(base).unwrap_or(NodeKind::Str(String::new())),
        };
        let path = NodeKind::Str(backend.django_path().into());
        let base = with(
            with(base.clone(), "BACKEND", path.clone()),
            "LOCATION",
            default_location.clone(),
        );
        let mut aliases = alloc::vec![(str_node("default"), dict_node(base.clone()))];
        for (alias, extra) in &self.extra_caches {
            let NodeKind::Dict(extra) = &extra.kind else {
                continue;
            };
            let mut merged = base.clone();
            for (k, v) in extra {
                merged.retain(|(existing, _)| existing.kind != k.kind);
                merged.push((k.clone(), v.clone()));
            }
            merged = with(merged, "BACKEND", path.clone());
            let keep_own_location = backend == BackendKind::LocMem && location_of(extra).is_some();
            if !keep_own_location {
                merged = with(merged, "LOCATION", default_location.clone());
            }
            aliases.push((str_node(alias), dict_node(merged)));
        }
        Ok(dict_node(aliases))
    }
}

fn str_node(text: &str) -> Node {
    Node {
        kind: NodeKind::Str(text.into()),
        line: 1,
        col: 1,
    }
}

fn dict_node(pairs: Vec<(Node, Node)>) -> Node {
    Node {
        kind: NodeKind::Dict(pairs),
        line: 1,
        col: 1,
    }
}

fn op_name(op: &Value) -> Option<&str> {
    dict_get(op, "op").and_then(Value::as_str)
}

fn dict_get<'a>(dict: &'a Value, name: &str) -> Option<&'a Value> {
    match dict {
        Value::Dict(pairs) => pairs
            .iter()
            .rev()
            .find(|(k, _)| k.as_str() == Some(name))
            .map(|(_, v)| v),
        _ => None,
    }
}

#[cfg(edgecache_replay)]
/// Replays `trace` on `backend` (`locmem`, `dummy`, ...) and returns the oracle's output
/// document.
pub fn replay(trace: &Trace, backend: &str) -> Result<Json, ReplayError> {
    replay_on(trace, backend, None)
}

#[cfg(edgecache_replay)]
/// [`replay`], with the servers of the network backends (redis, memcached): their traces
/// start from a flushed server, and `advance` sleeps for real.
pub fn replay_on(
    trace: &Trace,
    backend: &str,
    network: Option<&Network>,
) -> Result<Json, ReplayError> {
    let kind = backend_kind(backend)?;
    let workspace = Workspace::new(kind, network)?;
    let server = SERVER_BACKENDS.contains(&kind.short_name());
    // The oracle keeps the real clock for memcached: its >30-day timeouts are absolute times.
    let start = if matches!(kind, BackendKind::Memcached(_)) {
        crate::clock::Clock::now(&crate::clock::SystemClock)
    } else {
        ManualClock::ORACLE_START
    };
    let settings = trace.cache_settings(kind, workspace.location.as_deref())?;
    let mut session = Session::with_stores(&settings, start, workspace.stores()?)
        .with_http_settings(http::http_settings(&trace.django_settings));
    session
        .create_tables()
        .map_err(|e| ReplayError(format!("createcachetable: {e}")))?;
    if server {
        session.real_sleep = true;
        // Each trace starts from an empty server, as the oracle's does.
        let cache = session
            .caches
            .default_cache()
            .map_err(|e| ReplayError(format!("{}: {e}", kind.short_name())))?;
        block_on(cache.clear())
            .map_err(|e| ReplayError(format!("{}: flushing the server: {e}", kind.short_name())))?;
    }
    let results = trace
        .ops
        .iter()
        .enumerate()
        .map(|(index, op)| {
            let (outcome, warnings) = session.run(op);
            result_entry(index, op, outcome, warnings)
        })
        .collect();
    Ok(output_document(trace, kind, results))
}

#[cfg(edgecache_replay)]
/// Replays `trace` on caches outside this process's core (the WebAssembly component through
/// its interface): `caches` holds every alias of [`Trace::settings_text`] on `backend`, and
/// reads its time from `clock`, which `advance` moves. Same output as [`replay`]; the HTTP
/// operations go through the face's HTTP layer ([`ReplayCaches::http`]).
pub fn replay_via<C: ReplayCaches>(
    trace: &Trace,
    backend: &str,
    caches: &C,
    clock: &ManualClock,
) -> Result<Json, ReplayError> {
    let kind = backend_kind(backend)?;
    let view_calls = AtomicU64::new(0);
    let mut layer: Option<Result<C::Http, CacheError>> = None;
    let results = trace
        .ops
        .iter()
        .enumerate()
        .map(|(index, op)| {
            let name = op_name(op).unwrap_or("?");
            let alias = dict_get(op, "cache")
                .and_then(Value::as_str)
                .unwrap_or("default");
            let (outcome, warnings) = if HTTP_OPS.contains(&name) {
                let layer = layer
                    .get_or_insert_with(|| caches.http(&oracle_settings(&trace.django_settings)));
                match layer {
                    Ok(layer) => block_on(http::run(layer, &view_calls, name, op)),
                    Err(error) => (Err(error.clone()), Vec::new()),
                }
            } else {
                match caches.cache(alias) {
                    Ok(cache) => {
                        let outcome = block_on(run_cache_op(name, op, cache, Some(clock), None));
                        (outcome, cache.take_warnings())
                    }
                    Err(error) => (Err(error), Vec::new()),
                }
            };
            result_entry(index, op, outcome, warnings)
        })
        .collect();
    Ok(output_document(trace, kind, results))
}

/// The caches a [`replay_via`] drives, by alias.
pub trait ReplayCaches {
    /// One alias's cache.
    type Cache: ReplayCache;
    /// The HTTP layer over these caches.
    type Http: ReplayHttp;
    /// `caches[alias]`.
    fn cache(&self, alias: &str) -> Result<&Self::Cache, CacheError>;
    /// Django's HTTP caching layer over these caches, configured by `settings` (a dict of
    /// Django settings by name, over Django's defaults).
    fn http(&self, settings: &Value) -> Result<Self::Http, CacheError>;
}

/// The cache API the replay drives: the core's [`Cache`], or a cache behind another face (the
/// WebAssembly component's interface). Each method is [`Cache`]'s method of the same name.
#[allow(async_fn_in_trait, missing_docs)] // generic use only; documented on `Cache`
pub trait ReplayCache {
    /// The warnings emitted since the last call, oldest first.
    fn take_warnings(&self) -> Vec<Warning>;
    /// What `clear()` returns in Django: `None`, or `True` on redis (API-12).
    fn clear_return_value(&self) -> Value {
        Value::None
    }
    async fn contains(&self, key: Value) -> Result<bool, CacheError>;
    async fn get(&self, key: Value, options: Options) -> Result<Option<Value>, CacheError>;
    async fn set(&self, key: Value, value: Value, options: Options) -> Result<(), CacheError>;
    async fn add(&self, key: Value, value: Value, options: Options) -> Result<bool, CacheError>;
    async fn get_or_set(
        &self,
        key: Value,
        default: Value,
        options: Options,
    ) -> Result<Value, CacheError>;
    async fn get_many(
        &self,
        keys: Vec<Value>,
        options: Options,
    ) -> Result<Vec<(Value, Value)>, CacheError>;
    async fn aget_many(
        &self,
        keys: Vec<Value>,
        options: Options,
    ) -> Result<Vec<(Value, Value)>, CacheError>;
    async fn set_many(
        &self,
        items: Vec<(Value, Value)>,
        options: Options,
    ) -> Result<Vec<Value>, CacheError>;
    async fn aset_many(
        &self,
        items: Vec<(Value, Value)>,
        options: Options,
    ) -> Result<Vec<Value>, CacheError>;
    async fn delete(&self, key: Value, options: Options) -> Result<bool, CacheError>;
    async fn delete_many(&self, keys: Vec<Value>, options: Options) -> Result<(), CacheError>;
    async fn adelete_many(&self, keys: Vec<Value>, options: Options) -> Result<(), CacheError>;
    async fn has_key(&self, key: Value, options: Options) -> Result<bool, CacheError>;
    async fn ahas_key(&self, key: Value, options: Options) -> Result<bool, CacheError>;
    async fn incr(&self, key: Value, delta: Value, options: Options) -> Result<Value, CacheError>;
    async fn decr(&self, key: Value, delta: Value, options: Options) -> Result<Value, CacheError>;
    async fn aincr(&self, key: Value, delta: Value, options: Options) -> Result<Value, CacheError>;
    async fn adecr(&self, key: Value, delta: Value, options: Options) -> Result<Value, CacheError>;
    async fn touch(&self, key: Value, options: Options) -> Result<bool, CacheError>;
    async fn clear(&self) -> Result<(), CacheError>;
    async fn close(&self) -> Result<(), CacheError>;
    async fn incr_version(
        &self,
        key: Value,
        delta: Value,
        options: Options,
    ) -> Result<Value, CacheError>;
    async fn decr_version(
        &self,
        key: Value,
        delta: Value,
        options: Options,
    ) -> Result<Value, CacheError>;
    fn make_key(&self, key: Value, version: Option<&Value>) -> Result<Value, CacheError>;
    fn make_and_validate_key(
        &self,
        key: Value,
        version: Option<&Value>,
    ) -> Result<String, CacheError>;
    fn validate_key(&self, full_key: &Value) -> Result<(), CacheError>;
    fn get_backend_timeout(&self, timeout: Timeout) -> Value;
    async fn inspect(&self, detail: Detail) -> Result<Inspection, CacheError>;
}

impl ReplayCache for Cache {
    fn take_warnings(&self) -> Vec<Warning> {
        Cache::take_warnings(self)
    }
    fn clear_return_value(&self) -> Value {
        Cache::clear_return_value(self)
    }
    async fn contains(&self, key: Value) -> Result<bool, CacheError> {
        Cache::contains(self, key).await
    }
    async fn get(&self, key: Value, options: Options) -> Result<Option<Value>, CacheError> {
        Cache::get(self, key, options).await
    }
    async fn set(&self, key: Value, value: Value, options: Options) -> Result<(), CacheError> {
        Cache::set(self, key, value, options).await
    }
    async fn add(&self, key: Value, value: Value, options: Options) -> Result<bool, CacheError> {
        Cache::add(self, key, value, options).await
    }
    async fn get_or_set(
        &self,
        key: Value,
        default: Value,
        options: Options,
    ) -> Result<Value, CacheError> {
        Cache::get_or_set(self, key, default, options).await
    }
    async fn get_many(
        &self,
        keys: Vec<Value>,
        options: Options,
    ) -> Result<Vec<(Value, Value)>, CacheError> {
        Cache::get_many(self, keys, options).await
    }
    async fn aget_many(
        &self,
        keys: Vec<Value>,
        options: Options,
    ) -> Result<Vec<(Value, Value)>, CacheError> {
        Cache::aget_many(self, keys, options).await
    }
    async fn set_many(
        &self,
        items: Vec<(Value, Value)>,
        options: Options,
    ) -> Result<Vec<Value>, CacheError> {
        Cache::set_many(self, items, options).await
    }
    async fn aset_many(
        &self,
        items: Vec<(Value, Value)>,
        options: Options,
    ) -> Result<Vec<Value>, CacheError> {
        Cache::aset_many(self, items, options).await
    }
    async fn delete(&self, key: Value, options: Options) -> Result<bool, CacheError> {
        Cache::delete(self, key, options).await
    }
    async fn delete_many(&self, keys: Vec<Value>, options: Options) -> Result<(), CacheError> {
        Cache::delete_many(self, keys, options).await
    }
    async fn adelete_many(&self, keys: Vec<Value>, options: Options) -> Result<(), CacheError> {
        Cache::adelete_many(self, keys, options).await
    }
    async fn has_key(&self, key: Value, options: Options) -> Result<bool, CacheError> {
        Cache::has_key(self, key, options).await
    }
    async fn ahas_key(&self, key: Value, options: Options) -> Result<bool, CacheError> {
        Cache::ahas_key(self, key, options).await
    }
    async fn incr(&self, key: Value, delta: Value, options: Options) -> Result<Value, CacheError> {
        Cache::incr(self, key, delta, options).await
    }
    async fn decr(&self, key: Value, delta: Value, options: Options) -> Result<Value, CacheError> {
        Cache::decr(self, key, delta, options).await
    }
    async fn aincr(&self, key: Value, delta: Value, options: Options) -> Result<Value, CacheError> {
        Cache::aincr(self, key, delta, options).await
    }
    async fn adecr(&self, key: Value, delta: Value, options: Options) -> Result<Value, CacheError> {
        Cache::adecr(self, key, delta, options).await
    }
    async fn touch(&self, key: Value, options: Options) -> Result<bool, CacheError> {
        Cache::touch(self, key, options).await
    }
    async fn clear(&self) -> Result<(), CacheError> {
        Cache::clear(self).await
    }
    async fn close(&self) -> Result<(), CacheError> {
        Cache::close(self).await
    }
    async fn incr_version(
        &self,
        key: Value,
        delta: Value,
        options: Options,
    ) -> Result<Value, CacheError> {
        Cache::incr_version(self, key, delta, options).await
    }
    async fn decr_version(
        &self,
        key: Value,
        delta: Value,
        options: Options,
    ) -> Result<Value, CacheError> {
        Cache::decr_version(self, key, delta, options).await
    }
    fn make_key(&self, key: Value, version: Option<&Value>) -> Result<Value, CacheError> {
        Cache::make_key(self, key, version)
    }
    fn make_and_validate_key(
        &self,
        key: Value,
        version: Option<&Value>,
    ) -> Result<String, CacheError> {
        Cache::make_and_validate_key(self, key, version)
    }
    fn validate_key(&self, full_key: &Value) -> Result<(), CacheError> {
        Cache::validate_key(self, full_key)
    }
    fn get_backend_timeout(&self, timeout: Timeout) -> Value {
        Cache::get_backend_timeout(self, timeout)
    }
    async fn inspect(&self, detail: Detail) -> Result<Inspection, CacheError> {
        Cache::inspect(self, detail).await
    }
}

fn backend_kind(backend: &str) -> Result<BackendKind, ReplayError> {
    BackendKind::from_name(backend)
        .filter(|kind| BACKENDS.contains(&kind.short_name()))
        .ok_or_else(|| {
            ReplayError(format!(
                "backend '{backend}' cannot be replayed by this build; available: {}",
                BACKENDS.join(", ")
            ))
        })
}

/// One operation's entry in the oracle's output: `i`, `op`, then [`outcome_fields`].
pub fn result_entry(
    index: usize,
    op: &Value,
    outcome: Result<Value, CacheError>,
    warnings: Vec<Warning>,
) -> Json {
    let name = op_name(op).unwrap_or("?");
    let mut entry = alloc::vec![
        ("i".to_string(), Json::Int(index as i128)),
        ("op".to_string(), Json::Str(name.into()))
    ];
    entry.extend(outcome_fields(outcome, warnings));
    Json::Object(entry)
}

/// An operation's outcome as the oracle writes it: `result` (or `error` with Python's
/// `type` and `message`), then `warnings`.
pub fn outcome_fields(
    outcome: Result<Value, CacheError>,
    warnings: Vec<Warning>,
) -> Vec<(String, Json)> {
    let mut entry = Vec::new();
    match outcome {
        Ok(result) => entry.push(("result".into(), jsonify(&result))),
        Err(error) => entry.push((
            "error".into(),
            Json::object([
                ("type", Json::Str(error.python_type().into())),
                ("message", Json::Str(error.message().into())),
            ]),
        )),
    }
    let warnings = warnings
        .into_iter()
        .map(|w| {
            Json::object([
                ("category", Json::Str(w.category.into())),
                ("message", Json::Str(w.message)),
            ])
        })
        .collect();
    entry.push(("warnings".into(), Json::Array(warnings)));
    entry
}

/// The oracle's output document around `results`.
fn output_document(trace: &Trace, kind: BackendKind, results: Vec<Json>) -> Json {
    Json::object([
        ("trace", Json::Str(trace.name.clone())),
        ("backend", Json::Str(kind.short_name().into())),
        (
            "implementation",
            Json::Str(format!("edgecache {}", env!("CARGO_PKG_VERSION"))),
        ),
        ("clock", Json::Str("fake".into())),
        ("results", Json::Array(results)),
    ])
}

#[cfg(edgecache_replay)]
/// Where a replay of a storing backend keeps its files: a fresh temporary directory (the
/// filebased directory, or the SQLite file), removed afterwards.
struct Workspace {
    kind: BackendKind,
    dir: Option<PathBuf>,
    /// The `LOCATION` the oracle gives this backend, if it overrides the trace's.
    location: Option<String>,
    /// The bridge URL and token, for redis and memcached.
    bridge: Option<(String, String)>,
}

#[cfg(edgecache_replay)]
fn need_network(network: Option<&Network>, kind: BackendKind) -> Result<&Network, ReplayError> {
    network.ok_or_else(|| {
        ReplayError(format!(
            "the {} backend replays against real servers through the edgecache bridge: give --redis-url / --memcached (or --bridge)",
            kind.short_name()
        ))
    })
}

#[cfg(edgecache_replay)]
impl Workspace {
    fn new(kind: BackendKind, network: Option<&Network>) -> Result<Self, ReplayError> {
        let needs_dir = matches!(kind, BackendKind::FileBased | BackendKind::Database);
        let dir = if needs_dir {
            static COUNTER: AtomicU64 = AtomicU64::new(0);
            let dir = std::env::temp_dir().join(format!(
                "edgecache-replay-{}-{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::create_dir_all(&dir)
                .map_err(|e| ReplayError(format!("{}: {e}", dir.display())))?;
            Some(dir)
        } else {
            None
        };
        let location = match (kind, &dir) {
            (BackendKind::FileBased, Some(dir)) => {
                Some(dir.join("filecache").display().to_string())
            }
            (BackendKind::Database, _) => Some(String::from("oracle_cache_table")),
            (BackendKind::Redis(_), _) => Some(need_network(network, kind)?.redis_location.clone()),
            (BackendKind::Memcached(_), _) => {
                Some(need_network(network, kind)?.memcached_location.clone())
            }
            _ => None,
        };
        Ok(Self {
            kind,
            dir,
            location,
            bridge: network.map(|n| (n.bridge_url.clone(), n.token.clone())),
        })
    }

    fn stores(&self) -> Result<Stores, ReplayError> {
        let mut stores = Stores::native();
        if let Some((url, token)) = &self.bridge {
            stores = stores.with_bridge(url, token);
        }
        match (&self.dir, self.kind) {
            (Some(dir), BackendKind::Database) => {
                let database = SqliteStore::open_scratch(dir.join("oracle.sqlite3"))
                    .map_err(|e| ReplayError(e.to_string()))?;
                Ok(stores.with_sql(Arc::new(database)))
            }
            _ => Ok(stores),
        }
    }
}

#[cfg(edgecache_replay)]
impl Drop for Workspace {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Caches on a manual clock, driven one trace operation at a time: the replay's engine, and
/// the CLI console's.
pub struct Session {
    caches: Caches,
    clock: Arc<ManualClock>,
    sql: Option<Arc<dyn SqlStore>>,
    tables: Vec<String>,
    http: HttpSettings,
    /// Views called so far (the oracle stamps each view's content `#n`).
    view_calls: core::sync::atomic::AtomicU64,
    /// `advance` also sleeps (redis, memcached: their servers expire keys by their clocks).
    pub real_sleep: bool,
}

impl core::fmt::Debug for Session {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Session")
            .field("caches", &self.caches)
            .field("tables", &self.tables)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// Builds every alias of `settings` on a manual clock standing at `start`, with the native
    /// default storage.
    pub fn new(settings: &CacheSettings, start: f64) -> Self {
        Self::with_stores(settings, start, Stores::native())
    }

    /// Builds every alias of `settings` over `stores` on a manual clock standing at `start`.
    pub fn with_stores(settings: &CacheSettings, start: f64, stores: Stores) -> Self {
        let clock = Arc::new(ManualClock::new(start));
        let caches = Caches::with_stores(settings, clock.clone(), &stores);
        let mut tables: Vec<String> = Vec::new();
        for config in &settings.caches {
            let table = python::str(&config.location);
            if config.backend == BackendKind::Database && !tables.contains(&table) {
                tables.push(table);
            }
        }
        Self {
            caches,
            clock,
            sql: stores.sql,
            tables,
            http: HttpSettings::oracle(),
            view_calls: core::sync::atomic::AtomicU64::new(0),
            real_sleep: false,
        }
    }

    /// `createcachetable` for every db alias (the oracle runs it before a db trace).
    #[cfg(edgecache_replay)]
    pub fn create_tables(&self) -> Result<(), CacheError> {
        block_on(self.create_tables_async())
    }

    /// [`Session::create_tables`], for runtimes whose database answers asynchronously (D1).
    pub async fn create_tables_async(&self) -> Result<(), CacheError> {
        if let Some(sql) = &self.sql {
            for table in &self.tables {
                db::create_table(sql.as_ref(), table).await?;
            }
        }
        Ok(())
    }

    /// The db tables of this session's aliases.
    pub fn tables(&self) -> &[String] {
        &self.tables
    }

    /// Uses `settings` (a trace's `django_settings`) for the HTTP operations.
    pub fn with_http_settings(mut self, settings: HttpSettings) -> Self {
        self.http = settings;
        self
    }

    /// The caches.
    pub fn caches(&self) -> &Caches {
        &self.caches
    }

    /// The clock (`advance` moves it).
    pub fn clock(&self) -> &ManualClock {
        &self.clock
    }

    /// Runs one operation in the trace format (`{"op": ..., "args": [...], "kwargs": {...},
    /// "cache": alias}`); returns its result or error and the warnings it emitted.
    #[cfg(edgecache_replay)]
    pub fn run(&self, op: &Value) -> (Result<Value, CacheError>, Vec<Warning>) {
        let outcome = block_on(self.run_async(op));
        if self.real_sleep && op_name(op) == Some("advance") {
            let seconds = advance_seconds(op);
            if seconds > 0.0 {
                std::thread::sleep(std::time::Duration::from_secs_f64(seconds));
            }
        }
        outcome
    }

    /// [`Session::run`] without blocking (and without `real_sleep`): for runtimes whose
    /// storage answers on an event loop (the Worker).
    pub async fn run_async(&self, op: &Value) -> (Result<Value, CacheError>, Vec<Warning>) {
        let name = op_name(op).unwrap_or("?");
        if HTTP_OPS.contains(&name) {
            let layer = NativeHttp {
                caches: &self.caches,
                settings: &self.http,
                clock: self.clock.as_ref(),
            };
            return http::run(&layer, &self.view_calls, name, op).await;
        }
        match self.caches.get(op_alias(op)) {
            Ok(cache) => {
                let sql = self.sql.as_deref();
                let outcome = run_cache_op(name, op, cache, Some(&self.clock), sql).await;
                (outcome, cache.take_warnings())
            }
            Err(error) => (Err(error), Vec::new()),
        }
    }
}

/// Runs one cache operation in the trace format (`{"op": ..., "args": [...], "kwargs": {...},
/// "cache": alias}`, or `advance` / `now` / `dump` / `createcachetable_sql`) on `caches`, whose
/// clock is `clock` (`advance` moves it); `sql` is the database of the db aliases. Returns its
/// result or error and the warnings it emitted. The HTTP operations are [`Session::run`]'s.
pub async fn run_one(
    caches: &Caches,
    clock: &ManualClock,
    sql: Option<&dyn SqlStore>,
    op: &Value,
) -> (Result<Value, CacheError>, Vec<Warning>) {
    let name = op_name(op).unwrap_or("?");
    match caches.get(op_alias(op)) {
        Ok(cache) => {
            let outcome = run_cache_op(name, op, cache, Some(clock), sql).await;
            (outcome, cache.take_warnings())
        }
        Err(error) => (Err(error), Vec::new()),
    }
}

/// The alias an operation runs on (`cache`, default `"default"`).
pub fn op_alias(op: &Value) -> &str {
    dict_get(op, "cache")
        .and_then(Value::as_str)
        .unwrap_or("default")
}

/// The full keys (`make_key`) an operation names, to show beside its result: the key of the
/// single-key methods, every key of the `*_many` ones; none for the others, or when the
/// arguments do not bind.
pub fn op_keys(caches: &Caches, op: &Value) -> Vec<Value> {
    let Ok(cache) = caches.get(op_alias(op)) else {
        return Vec::new();
    };
    let name = op_name(op).unwrap_or("");
    // (parameters, index of `version`, how the keys are given)
    let (params, version, many): (&[&str], usize, u8) = match name {
        "get" | "aget" => (&["*key", "default", "version"], 2, 0),
        "set" | "aset" | "add" | "aadd" | "get_or_set" | "aget_or_set" => {
            (&["*key", "*value", "timeout", "version"], 3, 0)
        }
        "delete" | "adelete" | "has_key" | "ahas_key" | "make_key" | "make_and_validate_key" => {
            (&["*key", "version"], 1, 0)
        }
        "incr" | "decr" | "aincr" | "adecr" | "incr_version" | "decr_version" | "aincr_version"
        | "adecr_version" => (&["*key", "delta", "version"], 2, 0),
        "touch" | "atouch" => (&["*key", "timeout", "version"], 2, 0),
        "contains" => (&["*key", "version"], 1, 0),
        "get_many" | "aget_many" | "delete_many" | "adelete_many" => (&["*keys", "version"], 1, 1),
        "set_many" | "aset_many" => (&["*data", "timeout", "version"], 2, 2),
        _ => return Vec::new(),
    };
    let Ok(args) = Args::bind("make_key", params, op) else {
        return Vec::new();
    };
    let keys = match many {
        0 => alloc::vec![args.value(0)],
        1 => args.items(0).unwrap_or_default(),
        _ => args
            .mapping(0)
            .map(|pairs| pairs.into_iter().map(|(k, _)| k).collect())
            .unwrap_or_default(),
    };
    let version = args.version(version);
    keys.into_iter()
        .filter_map(|key| cache.make_key(key, version.as_ref()).ok())
        .collect()
}

/// A value in the trace's argument encoding (what the replay decodes): tuples as
/// `{"$tuple": [...]}`, bytes as `{"$bytes": latin-1 text}`, non-finite floats as
/// `{"$float": ...}`; dict keys become their `str()`.
pub fn encode(value: &Value) -> Json {
    match value {
        Value::Tuple(items) => {
            Json::object([("$tuple", Json::Array(items.iter().map(encode).collect()))])
        }
        Value::List(items) => Json::Array(items.iter().map(encode).collect()),
        Value::Dict(pairs) => {
            let mut fields: Vec<(String, Json)> = Vec::with_capacity(pairs.len());
            for (key, value) in pairs {
                let key = python::str(key);
                let value = encode(value);
                match fields.iter_mut().find(|(existing, _)| *existing == key) {
                    Some(field) => field.1 = value,
                    None => fields.push((key, value)),
                }
            }
            Json::Object(fields)
        }
        other => jsonify(other),
    }
}

#[cfg(edgecache_replay)]
/// Runs `future` to completion on this thread.
fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Arc::new(Unpark(thread::current())).into();
    let mut context = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut context) {
            return output;
        }
        thread::park();
    }
}

/// An operation's arguments bound to a Python signature.
struct Args {
    bound: Vec<Option<Value>>,
}

impl Args {
    /// Binds positional `args` and keyword `kwargs` to `params` as Python would; a leading
    /// `*` on a name marks it required.
    fn bind(method: &'static str, params: &[&str], op: &Value) -> Result<Self, CacheError> {
        let args = match dict_get(op, "args") {
            Some(Value::List(args)) => args.clone(),
            _ => Vec::new(),
        };
        let kwargs = match dict_get(op, "kwargs") {
            Some(Value::Dict(pairs)) => pairs.clone(),
            _ => Vec::new(),
        };
        if args.len() > params.len() {
            return Err(CacheError::Type(format!(
                "{method}() takes {} positional arguments but {} were given",
                params.len() + 1,
                args.len() + 1
            )));
        }
        let mut bound: Vec<Option<Value>> = alloc::vec![None; params.len()];
        for (slot, arg) in bound.iter_mut().zip(args) {
            *slot = Some(arg);
        }
        for (key, value) in kwargs {
            let key = python::str(&key);
            let Some(position) = params.iter().position(|p| p.trim_start_matches('*') == key)
            else {
                return Err(CacheError::Type(format!(
                    "{method}() got an unexpected keyword argument '{key}'"
                )));
            };
            if bound[position].is_some() {
                return Err(CacheError::Type(format!(
                    "{method}() got multiple values for argument '{key}'"
                )));
            }
            bound[position] = Some(value);
        }
        for (param, slot) in params.iter().zip(&bound) {
            if let (Some(name), None) = (param.strip_prefix('*'), slot) {
                return Err(CacheError::Type(format!(
                    "{method}() missing 1 required positional argument: '{name}'"
                )));
            }
        }
        Ok(Self { bound })
    }

    /// A required argument, decoded.
    fn value(&self, index: usize) -> Value {
        self.bound
            .get(index)
            .cloned()
            .flatten()
            .map(|v| decode(&v))
            .unwrap_or(Value::None)
    }

    /// An optional argument, decoded; `None` when omitted.
    fn optional(&self, index: usize) -> Option<Value> {
        self.bound.get(index).cloned().flatten().map(|v| decode(&v))
    }

    /// `version=`: omitted and `None` both mean the cache's `VERSION`.
    fn version(&self, index: usize) -> Option<Value> {
        self.optional(index).filter(|v| *v != Value::None)
    }

    /// `timeout=`: omitted means the default timeout.
    fn timeout(&self, index: usize) -> Result<Timeout, CacheError> {
        self.optional(index)
            .map_or(Ok(Timeout::Default), |t| Timeout::from_value(&t))
    }

    fn options(&self, timeout: Option<usize>, version: usize) -> Result<Options, CacheError> {
        Ok(Options {
            timeout: timeout.map_or(Ok(Timeout::Default), |i| self.timeout(i))?,
            version: self.version(version),
        })
    }

    /// `delta=`, default 1.
    fn delta(&self, index: usize) -> Value {
        self.optional(index).unwrap_or(Value::Int(1))
    }

    /// An argument that must be iterable (a list of keys).
    fn items(&self, index: usize) -> Result<Vec<Value>, CacheError> {
        match self.value(index) {
            Value::List(items) | Value::Tuple(items) => Ok(items),
            Value::Dict(pairs) => Ok(pairs.into_iter().map(|(k, _)| k).collect()),
            Value::Str(s) => Ok(s.chars().map(|c| Value::Str(c.into())).collect()),
            other => Err(CacheError::Type(format!(
                "'{}' object is not iterable",
                python::type_name(&other)
            ))),
        }
    }

    /// An argument that must be a dict (`set_many`'s data).
    fn mapping(&self, index: usize) -> Result<Vec<(Value, Value)>, CacheError> {
        match self.value(index) {
            Value::Dict(pairs) => Ok(pairs),
            other => Err(CacheError::Type(format!(
                "'{}' object has no attribute 'items'",
                python::type_name(&other)
            ))),
        }
    }

    /// `get_or_set`'s default: `{"$callable": X}` is a callable returning X.
    fn default_or_callable(&self, index: usize) -> Value {
        let raw = self
            .bound
            .get(index)
            .cloned()
            .flatten()
            .unwrap_or(Value::None);
        match dict_get(&raw, "$callable") {
            Some(inner) if matches!(&raw, Value::Dict(p) if p.len() == 1) => decode(inner),
            _ => decode(&raw),
        }
    }
}

/// Decodes the trace argument encoding: `$tuple`, `$bytes` (latin-1 text), `$float`; other objects are
/// dicts.
pub fn decode(value: &Value) -> Value {
    match value {
        Value::Dict(pairs) if pairs.len() == 1 => {
            let (key, inner) = &pairs[0];
            match (key.as_str(), inner) {
                (Some("$tuple"), Value::List(items)) => {
                    Value::Tuple(items.iter().map(decode).collect())
                }
                (Some("$bytes"), Value::Str(text)) => {
                    Value::Bytes(text.chars().map(|c| c as u32 as u8).collect())
                }
                (Some("$float"), Value::Str(text)) => Value::Float(match text.as_str() {
                    "inf" => f64::INFINITY,
                    "-inf" => f64::NEG_INFINITY,
                    _ => text.parse().unwrap_or(f64::NAN),
                }),
                (Some("$callable"), inner) => decode(inner),
                _ => Value::Dict(alloc::vec![(key.clone(), decode(inner))]),
            }
        }
        Value::Dict(pairs) => {
            let mut dict = Vec::with_capacity(pairs.len());
            for (k, v) in pairs {
                python::dict_insert(&mut dict, decode(k), decode(v));
            }
            Value::Dict(dict)
        }
        Value::List(items) => Value::List(items.iter().map(decode).collect()),
        other => other.clone(),
    }
}

/// A result as the oracle's `jsonify` writes it.
pub fn jsonify(value: &Value) -> Json {
    match value {
        Value::None => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::Int(*i),
        Value::Float(x) if x.is_finite() => Json::Float(*x),
        Value::Float(x) => Json::object([("$float", Json::Str(python::float_repr(*x)))]),
        Value::Str(s) => Json::Str(s.clone()),
        Value::Bytes(bytes) => Json::object([(
            "$bytes",
            Json::Str(bytes.iter().map(|&b| char::from(b)).collect()),
        )]),
        Value::List(items) | Value::Tuple(items) => {
            Json::Array(items.iter().map(jsonify).collect())
        }
        Value::Dict(pairs) => {
            let mut fields: Vec<(String, Json)> = Vec::with_capacity(pairs.len());
            for (key, value) in pairs {
                let key = python::str(key);
                let value = jsonify(value);
                match fields.iter_mut().find(|(existing, _)| *existing == key) {
                    Some(field) => field.1 = value,
                    None => fields.push((key, value)),
                }
            }
            Json::Object(fields)
        }
    }
}

fn advance_seconds(op: &Value) -> f64 {
    match dict_get(op, "seconds") {
        Some(Value::Int(i)) => *i as f64,
        Some(Value::Float(x)) => *x,
        _ => 0.0,
    }
}

fn manual_clock<'c>(
    clock: Option<&'c ManualClock>,
    op: &str,
) -> Result<&'c ManualClock, CacheError> {
    clock.ok_or_else(|| {
        CacheError::Value(format!(
            "'{op}' moves a test clock, and these caches run on the real one"
        ))
    })
}

/// Runs one cache operation in the trace format (`{"op": "set", "args": [...], "kwargs":
/// {...}}`, arguments in the oracle's encoding: `$tuple`, `$bytes`, `$float`) on `cache`,
/// binding the arguments as Python binds them to Django's signature. `advance` and `now` need
/// a test `clock`; `createcachetable_sql` needs `sql`. This is the dispatch every face that
/// takes operations as data shares (the replay, the console, the Worker's HTTP API).
pub async fn run_cache_op<C: ReplayCache>(
    name: &str,
    op: &Value,
    cache: &C,
    clock: Option<&ManualClock>,
    sql: Option<&dyn SqlStore>,
) -> Result<Value, CacheError> {
    let bind = |method: &'static str, params: &[&str]| Args::bind(method, params, op);
    Ok(match name {
        "advance" => {
            manual_clock(clock, name)?.advance(advance_seconds(op));
            Value::None
        }
        "now" => Value::Float(clock_now(manual_clock(clock, name)?) - ManualClock::ORACLE_START),
        "dump" => {
            let detail = match dict_get(op, "detail").and_then(Value::as_str) {
                Some("count") => Detail::Count,
                _ => Detail::Full,
            };
            dump(cache, detail).await?
        }
        "contains" => Value::Bool(
            cache
                .contains(bind("__contains__", &["*key"])?.value(0))
                .await?,
        ),
        "get" | "aget" => {
            let a = bind("get", &["*key", "default", "version"])?;
            let found = cache.get(a.value(0), a.options(None, 2)?).await?;
            found.unwrap_or_else(|| a.value(1))
        }
        "set" | "aset" => {
            let a = bind("set", &["*key", "*value", "timeout", "version"])?;
            cache
                .set(a.value(0), a.value(1), a.options(Some(2), 3)?)
                .await?;
            Value::None
        }
        "add" | "aadd" => {
            let a = bind("add", &["*key", "*value", "timeout", "version"])?;
            Value::Bool(
                cache
                    .add(a.value(0), a.value(1), a.options(Some(2), 3)?)
                    .await?,
            )
        }
        "get_or_set" | "aget_or_set" => {
            let a = bind("get_or_set", &["*key", "*default", "timeout", "version"])?;
            let default = a.default_or_callable(1);
            cache
                .get_or_set(a.value(0), default, a.options(Some(2), 3)?)
                .await?
        }
        "get_many" | "aget_many" => {
            let a = bind("get_many", &["*keys", "version"])?;
            let keys = a.items(0)?;
            let options = a.options(None, 1)?;
            let found = if name == "get_many" {
                cache.get_many(keys, options).await?
            } else {
                cache.aget_many(keys, options).await?
            };
            Value::Dict(found)
        }
        "set_many" | "aset_many" => {
            let a = bind("set_many", &["*data", "timeout", "version"])?;
            let data = a.mapping(0)?;
            let options = a.options(Some(1), 2)?;
            let failed = if name == "set_many" {
                cache.set_many(data, options).await?
            } else {
                cache.aset_many(data, options).await?
            };
            Value::List(failed)
        }
        "delete" | "adelete" => {
            let a = bind("delete", &["*key", "version"])?;
            Value::Bool(cache.delete(a.value(0), a.options(None, 1)?).await?)
        }
        "delete_many" | "adelete_many" => {
            let a = bind("delete_many", &["*keys", "version"])?;
            let keys = a.items(0)?;
            let options = a.options(None, 1)?;
            if name == "delete_many" {
                cache.delete_many(keys, options).await?
            } else {
                cache.adelete_many(keys, options).await?
            };
            Value::None
        }
        "has_key" => {
            let a = bind("has_key", &["*key", "version"])?;
            Value::Bool(cache.has_key(a.value(0), a.options(None, 1)?).await?)
        }
        "ahas_key" => {
            let a = bind("ahas_key", &["*key", "version"])?;
            Value::Bool(cache.ahas_key(a.value(0), a.options(None, 1)?).await?)
        }
        "incr" | "decr" | "aincr" | "adecr" => {
            let a = bind("incr", &["*key", "delta", "version"])?;
            let (key, delta, options) = (a.value(0), a.delta(1), a.options(None, 2)?);
            match name {
                "incr" => cache.incr(key, delta, options).await?,
                "decr" => cache.decr(key, delta, options).await?,
                "aincr" => cache.aincr(key, delta, options).await?,
                _ => cache.adecr(key, delta, options).await?,
            }
        }
        "touch" | "atouch" => {
            let a = bind("touch", &["*key", "timeout", "version"])?;
            Value::Bool(cache.touch(a.value(0), a.options(Some(1), 2)?).await?)
        }
        "clear" | "aclear" => {
            bind("clear", &[])?;
            cache.clear().await?;
            cache.clear_return_value()
        }
        "close" => {
            cache.close().await?;
            Value::None
        }
        "aclose" => Value::None,
        "incr_version" | "decr_version" | "aincr_version" | "adecr_version" => {
            let a = bind("incr_version", &["*key", "delta", "version"])?;
            let (key, delta, options) = (a.value(0), a.delta(1), a.options(None, 2)?);
            if name.ends_with("incr_version") {
                cache.incr_version(key, delta, options).await?
            } else {
                cache.decr_version(key, delta, options).await?
            }
        }
        "make_key" => {
            let a = bind("make_key", &["*key", "version"])?;
            cache.make_key(a.value(0), a.version(1).as_ref())?
        }
        "make_and_validate_key" => {
            let a = bind("make_and_validate_key", &["*key", "version"])?;
            Value::Str(cache.make_and_validate_key(a.value(0), a.version(1).as_ref())?)
        }
        "validate_key" => {
            let a = bind("validate_key", &["*key"])?;
            cache.validate_key(&a.value(0))?;
            Value::None
        }
        "get_backend_timeout" => {
            let a = bind("get_backend_timeout", &["timeout"])?;
            cache.get_backend_timeout(a.timeout(0)?)
        }
        "createcachetable_sql" => {
            let a = bind("createcachetable", &["*table"])?;
            Value::Str(createcachetable_dry_run(sql, &python::str(&a.value(0))).await?)
        }
        other if PENDING_OPS.contains(&other) => {
            return Err(CacheError::NotImplemented(format!(
                "'{other}' needs a part of edgecache not built yet (the db backend)"
            )));
        }
        other => return Err(CacheError::Value(format!("unknown op '{other}'"))),
    })
}

fn clock_now(clock: &ManualClock) -> f64 {
    crate::clock::Clock::now(clock)
}

/// `manage.py createcachetable --dry-run TABLE`'s output (DB-1).
async fn createcachetable_dry_run(
    sql: Option<&dyn SqlStore>,
    table: &str,
) -> Result<String, CacheError> {
    let sql = sql.ok_or_else(|| {
        CacheError::InvalidBackend("createcachetable needs the db backend".into())
    })?;
    db::check_table_name(table)?;
    if db::table_exists(sql, table).await? {
        return Ok(format!("Cache table '{table}' already exists.\n"));
    }
    let mut out = String::new();
    for statement in db::create_table_sql(table) {
        out.push_str(&statement);
        out.push('\n');
    }
    Ok(out)
}

/// The oracle's `dump` for this backend, built from [`Cache::inspect`].
async fn dump<C: ReplayCache>(cache: &C, detail: Detail) -> Result<Value, CacheError> {
    let inspection = cache.inspect(detail).await?;
    let field = |name: &str, value: Value| (Value::Str(name.into()), value);
    let backend = inspection.backend;
    if backend == "dummy" {
        return Ok(Value::Dict(alloc::vec![field("count", Value::Int(0))]));
    }
    if backend == "memcached" {
        return Ok(Value::Dict(alloc::vec![field(
            "unsupported",
            Value::from("memcached")
        )]));
    }
    if backend == "redis" {
        // The oracle's redis dump: keys ascending with TTL and how the value is stored (RD-2).
        let mut fields = alloc::vec![
            field("count", Value::Int(inspection.count as i128)),
            field("order", Value::from("key ascending")),
        ];
        if detail == Detail::Full {
            let entries = inspection
                .entries
                .iter()
                .map(|entry| {
                    let ttl = entry
                        .expires_at
                        .map_or(Value::None, |at| Value::Int((at - inspection.now) as i128));
                    let stored = match &entry.value {
                        Value::Int(i) => field("raw_int", Value::Str(i.to_string())),
                        other => field(
                            "pickled_bytes",
                            Value::Int(crate::codec::pickle::dumps(other).len() as i128),
                        ),
                    };
                    Value::Dict(alloc::vec![
                        field("key", Value::Str(entry.key.clone())),
                        field("ttl", ttl),
                        stored
                    ])
                })
                .collect();
            fields.push(field("entries", Value::List(entries)));
        }
        return Ok(Value::Dict(fields));
    }
    let mut fields = alloc::vec![field("count", Value::Int(inspection.count as i128))];
    if let Some(order) = inspection.order.and_then(|order| order.describe()) {
        fields.push(field("order", Value::Str(order.into())));
    }
    if detail == Detail::Full {
        let entries = inspection
            .entries
            .iter()
            .map(|entry| {
                let value = field("value", entry.value.clone());
                Value::Dict(match backend {
                    "db" => {
                        let expires = entry.expires_at.map_or(String::from(db::NEVER), |at| {
                            crate::datetime::format_sql(at as i64).unwrap_or_default()
                        });
                        alloc::vec![
                            field("key", Value::Str(entry.key.clone())),
                            value,
                            field("expires", Value::Str(expires))
                        ]
                    }
                    _ => {
                        let expires_in = entry.expires_at.map_or(Value::None, |at| {
                            Value::Float(python::round6(at - inspection.now))
                        });
                        let name = if backend == "filebased" {
                            "file"
                        } else {
                            "key"
                        };
                        alloc::vec![
                            field(name, Value::Str(entry.key.clone())),
                            value,
                            field("expires_in", expires_in)
                        ]
                    }
                })
            })
            .collect();
        fields.push(field("entries", Value::List(entries)));
    }
    Ok(Value::Dict(fields))
}
