//! The playground's console session: every alias of a `CACHES` setting on a virtual clock,
//! driven by console lines (`set k v 30`, `advance 10`) or conformance-trace operations
//! through the core's own replay engine ([`replay::run_one`]), so the page shows what the CLI
//! and the conformance replay compute; plus the trace import and export.

use super::{Hooks, JsResult, create_tables, db_tables, inspection_js, js_stores, set_field};
use crate::caches::Caches;
use crate::clock::{Clock, ManualClock};
use crate::inspect::Detail;
use crate::literal;
use crate::python;
use crate::replay::{self, Json, Trace};
use crate::seam::sql::SqlStore;
use crate::settings::{BackendKind, CacheConfig, CacheSettings, node_value};
use crate::value::Value;
use alloc::format;
use alloc::rc::Rc;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::cell::Cell;
use js_sys::{Array, Function, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

fn syntax_error(message: &str) -> JsValue {
    js_sys::SyntaxError::new(message).into()
}

/// Caches on a virtual clock, run one trace operation at a time.
#[wasm_bindgen]
pub struct Session {
    caches: Rc<Caches>,
    clock: Arc<ManualClock>,
    sql: Option<Arc<dyn SqlStore>>,
    tables: Rc<Vec<String>>,
    hooks: Rc<Hooks>,
    /// Operations run so far (the index of the next one).
    count: Rc<Cell<usize>>,
}

#[wasm_bindgen]
impl Session {
    /// Builds every alias of `settings` on a clock standing at `start` (Unix seconds; the
    /// oracle's 1 700 000 000 when omitted, so an exported trace replays at the same instants).
    #[wasm_bindgen(constructor)]
    pub fn new(
        settings: &str,
        start: Option<f64>,
        stores: JsValue,
        database: JsValue,
        on_warning: Function,
        make_error: Function,
    ) -> Result<Session, JsValue> {
        let hooks = Rc::new(Hooks {
            on_warning,
            make_error,
        });
        let settings = CacheSettings::parse(settings).map_err(|e| hooks.settings_error(&e))?;
        let (stores, sql) = js_stores(stores, &database);
        let clock = Arc::new(ManualClock::new(start.unwrap_or(ManualClock::ORACLE_START)));
        let caches = Caches::with_stores(&settings, clock.clone(), &stores);
        Ok(Session {
            caches: Rc::new(caches),
            clock,
            sql,
            tables: Rc::new(db_tables(&settings)),
            hooks,
            count: Rc::default(),
        })
    }

    /// The aliases, in the order configured.
    pub fn aliases(&self) -> Vec<String> {
        self.caches.aliases().map(String::from).collect()
    }

    /// The backend's short name of `alias`; the error Django raises when the alias cannot be
    /// built (say, why a backend is unavailable here).
    pub fn backend(&self, alias: &str) -> Result<String, JsValue> {
        self.caches
            .get(alias)
            .map(|cache| cache.backend_name().to_string())
            .map_err(|e| self.hooks.error(&e))
    }

    /// The virtual clock (Unix seconds).
    pub fn now(&self) -> f64 {
        self.clock.now()
    }

    /// Operations run so far.
    #[wasm_bindgen(getter)]
    pub fn count(&self) -> usize {
        self.count.get()
    }

    /// A console line as a trace operation (JSON text); `undefined` for a blank line or a
    /// comment; a `SyntaxError` for a line the console cannot read.
    pub fn parse(line: &str) -> Result<JsValue, JsValue> {
        match replay::parse_command(line) {
            Ok(Some(op)) => Ok(JsValue::from_str(&replay::encode(&op).to_text())),
            Ok(None) => Ok(JsValue::UNDEFINED),
            Err(message) => Err(syntax_error(&message)),
        }
    }

    /// What the console understands.
    pub fn help() -> String {
        String::from(replay::HELP)
    }

    /// Runs one operation (JSON text in the trace format). Resolves to `{ op, name, alias,
    /// entry, repr, error, warnings, keys }`: the operation as run, its entry in the oracle's
    /// output (JSON text), the result as Python's `repr`, Django's error `{ type, message }`,
    /// the warnings, and the full keys it names.
    pub fn run(&self, op: &str) -> Promise {
        let op = match literal::parse(op) {
            Ok(node) => node_value(&node),
            Err(e) => return Promise::reject(&syntax_error(&format!("operation: {e}"))),
        };
        if !matches!(&op, Value::Dict(_)) {
            return Promise::reject(&syntax_error("an operation is an object {\"op\": ...}"));
        }
        let caches = self.caches.clone();
        let clock = self.clock.clone();
        let sql = self.sql.clone();
        let count = self.count.clone();
        future_to_promise(async move {
            // The sync gets of `createCaches` aliases are the core's before the maps change.
            super::hot::drain();
            let index = count.get();
            count.set(index + 1);
            let keys: Array = replay::op_keys(&caches, &op)
                .iter()
                .map(|key| JsValue::from_str(&python::str(key)))
                .collect();
            let (outcome, warnings) = replay::run_one(&caches, &clock, sql.as_deref(), &op).await;
            let out = Object::new();
            let name = match &op {
                Value::Dict(pairs) => pairs
                    .iter()
                    .find(|(k, _)| k.as_str() == Some("op"))
                    .and_then(|(_, v)| v.as_str()),
                _ => None,
            };
            set_field(&out, "op", replay::encode(&op).to_text().into());
            set_field(&out, "name", name.map_or(JsValue::NULL, JsValue::from_str));
            set_field(&out, "alias", replay::op_alias(&op).into());
            set_field(&out, "keys", keys.into());
            let shown: Array = warnings
                .iter()
                .map(|w| {
                    let o = Object::new();
                    set_field(&o, "category", w.category.into());
                    set_field(&o, "message", w.message.as_str().into());
                    JsValue::from(o)
                })
                .collect();
            set_field(&out, "warnings", shown.into());
            match &outcome {
                Ok(value) => {
                    set_field(&out, "repr", python::repr(value).into());
                    set_field(&out, "error", JsValue::NULL);
                }
                Err(error) => {
                    let e = Object::new();
                    set_field(&e, "type", error.python_type().into());
                    set_field(&e, "message", error.message().into());
                    set_field(&out, "repr", JsValue::NULL);
                    set_field(&out, "error", e.into());
                }
            }
            let entry = replay::result_entry(index, &op, outcome, warnings);
            set_field(&out, "entry", entry.to_text().into());
            JsResult::Ok(out.into())
        })
    }

    /// `cache.inspect()` of `alias`: entries (LRU order for locmem) with full keys and
    /// time-to-live on the virtual clock, counters and the store's last cull.
    pub fn inspect(&self, alias: &str) -> Promise {
        let caches = self.caches.clone();
        let hooks = self.hooks.clone();
        let alias = String::from(alias);
        future_to_promise(async move {
            let cache = caches.get(&alias).map_err(|e| hooks.error(&e))?;
            let inspection = cache.inspect(Detail::Full).await;
            let _ = cache.take_warnings();
            inspection
                .map(|i| inspection_js(&i))
                .map_err(|e| hooks.error(&e))
        })
    }

    /// `cache.stats()` of `alias`: counters, latency and stampede figures (docs/stats.md).
    pub fn stats(&self, alias: &str) -> Promise {
        let caches = self.caches.clone();
        let hooks = self.hooks.clone();
        let alias = String::from(alias);
        future_to_promise(async move {
            let cache = caches.get(&alias).map_err(|e| hooks.error(&e))?;
            Ok(super::stampede::report_js(&cache.stats_report().await))
        })
    }

    /// Django's `createcachetable` for the db aliases; resolves to `[{ table, created }]`.
    pub fn create_tables(&self) -> Promise {
        future_to_promise(create_tables(
            self.sql.clone(),
            self.tables.clone(),
            self.hooks.clone(),
        ))
    }
}

/// Where an imported trace's stores live in the page: the oracle's names.
fn import_location(kind: BackendKind) -> Option<&'static str> {
    match kind {
        BackendKind::FileBased => Some("filecache"),
        BackendKind::Database => Some("oracle_cache_table"),
        _ => None,
    }
}

/// Reads a conformance trace for the playground: `{ name, backend, caches, ops }` with the
/// `CACHES` the oracle builds (a Python dict literal) and each operation as JSON text.
/// `backend` picks one of the trace's backends (default: its first, or locmem).
#[wasm_bindgen(js_name = importTrace)]
pub fn import_trace(text: &str, backend: Option<String>) -> Result<JsValue, JsValue> {
    let trace = Trace::parse(text, "imported").map_err(|e| syntax_error(&e.0))?;
    let backend = backend
        .or_else(|| trace.backends.first().cloned())
        .unwrap_or_else(|| String::from("locmem"));
    let kind = BackendKind::from_name(&backend)
        .ok_or_else(|| syntax_error(&format!("unknown backend '{backend}'")))?;
    let caches = trace
        .caches_text(kind.short_name(), import_location(kind))
        .map_err(|e| syntax_error(&e.0))?;
    let out = Object::new();
    set_field(&out, "name", trace.name.as_str().into());
    set_field(&out, "backend", kind.short_name().into());
    set_field(&out, "caches", caches.into());
    let ops: Array = trace
        .ops()
        .iter()
        .map(|op| JsValue::from_str(&replay::encode(op).to_text()))
        .collect();
    set_field(&out, "ops", ops.into());
    Ok(out.into())
}

/// One alias as the trace's `settings` give it: every field explicit (the oracle lets extra
/// aliases inherit the default's fields), `KEY_FUNCTION` by the oracle's names.
fn alias_json(config: &CacheConfig, with_location: bool) -> Json {
    let mut fields: Vec<(String, Json)> = alloc::vec![(
        "BACKEND".into(),
        Json::Str(config.backend.short_name().into())
    )];
    if with_location {
        fields.push(("LOCATION".into(), replay::jsonify(&config.location)));
    }
    fields.push((
        "TIMEOUT".into(),
        config.timeout.map_or(Json::Null, Json::Int),
    ));
    fields.push(("KEY_PREFIX".into(), replay::jsonify(&config.key_prefix)));
    fields.push(("VERSION".into(), replay::jsonify(&config.version)));
    fields.push((
        "KEY_FUNCTION".into(),
        Json::Str(config.key_function.name().into()),
    ));
    let options = config
        .options
        .iter()
        .map(|(k, v)| (k.clone(), replay::jsonify(v)))
        .collect();
    fields.push(("OPTIONS".into(), Json::Object(options)));
    Json::Object(fields)
}

/// The session as a conformance trace in the oracle's format: the `CACHES` of `settings`
/// (the default alias as `settings`, the others as `extra_caches`) and `ops` (JSON texts).
/// Resolves to `{ trace, notes }`: the trace's JSON text, and what the oracle would run
/// differently from the page (it puts every alias on the default's backend and, except for
/// locmem, on one store).
#[wasm_bindgen(js_name = exportTrace)]
pub fn export_trace(settings: &str, name: &str, ops: Vec<String>) -> Result<JsValue, JsValue> {
    let parsed = CacheSettings::parse(settings).map_err(|e| syntax_error(&e.to_string()))?;
    let default = parsed
        .get("default")
        .ok_or_else(|| syntax_error("no 'default' alias"))?;
    let kind = default.backend;
    let own_location = kind == BackendKind::LocMem;
    let mut notes: Vec<String> = Vec::new();
    let mut extra: Vec<(String, Json)> = Vec::new();
    for config in parsed.caches.iter().filter(|c| c.alias != "default") {
        if config.backend != kind {
            notes.push(format!(
                "alias '{}' uses {}; the oracle runs every alias on the default's backend ({})",
                config.alias,
                config.backend.short_name(),
                kind.short_name()
            ));
        } else if !own_location && config.location != default.location {
            notes.push(format!(
                "alias '{}' has its own LOCATION; the oracle puts every {} alias on one store",
                config.alias,
                kind.short_name()
            ));
        }
        extra.push((config.alias.clone(), alias_json(config, own_location)));
    }
    let mut ops_text = Vec::with_capacity(ops.len());
    for op in &ops {
        let node = literal::parse(op).map_err(|e| syntax_error(&format!("operation: {e}")))?;
        ops_text.push(replay::encode(&node_value(&node)).to_text());
    }
    let head = Json::object([
        ("name", Json::Str(name.into())),
        (
            "description",
            Json::Str("exported from the edgecache playground".into()),
        ),
        (
            "backends",
            Json::Array(alloc::vec![Json::Str(kind.short_name().into())]),
        ),
        ("settings", alias_json(default, own_location)),
        ("extra_caches", Json::Object(extra)),
    ])
    .to_text();
    // The head's fields, then one operation per line.
    let mut trace = String::from(head.strip_suffix('}').unwrap_or(&head));
    trace.push_str(",\"ops\":[");
    for (n, op) in ops_text.iter().enumerate() {
        trace.push_str(if n == 0 { "\n " } else { ",\n " });
        trace.push_str(op);
    }
    trace.push_str("\n]}\n");
    let out = Object::new();
    set_field(&out, "trace", trace.into());
    let notes: Array = notes.iter().map(|n| JsValue::from_str(n)).collect();
    set_field(&out, "notes", notes.into());
    Ok(out.into())
}
