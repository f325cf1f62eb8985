//! The npm package's face: wasm-bindgen exports over the core, for `js/` to wrap.
//!
//! Conversion only, no Django rule: JavaScript values become [`Value`]s and back, options
//! objects become [`Options`], [`CacheError`]s become the package's typed `Error`s (built by
//! a factory the JavaScript layer passes in), warnings go to its `onWarning`, and a binding
//! with the Workers KV shape becomes a [`KvStore`], one with the D1 shape a [`SqlStore`]
//! (`js/sql.rs`). Every operation is written once as an
//! async function; the synchronous export drives it with a single poll (in-memory backends
//! never wait), the `*_async` export turns it into a Promise.
//!
//! Numbers: an integral JavaScript number is a Python `int`, any other a `float`; a `bigint`
//! is an `int`; ints beyond 2^53 come back as `bigint`.

use crate::Cache;
use crate::caches::Caches;
#[cfg(not(edgecache_memory_only))]
use crate::caches::{KvOpener, Stores};
use crate::clock::Clock;
use crate::error::CacheError;
use crate::expiry::Timeout;
use crate::inspect::{CullReason, Detail, EntryOrder};
use crate::key::Key;
#[cfg(not(edgecache_memory_only))]
use crate::now_or_never;
use crate::options::Options;
use crate::python;
#[cfg(not(edgecache_memory_only))]
use crate::seam::LocalBoxFuture;
#[cfg(not(edgecache_memory_only))]
use crate::seam::kv::{KvPage, KvStore, MIN_NATIVE_TTL, PutOptions};
#[cfg(not(edgecache_memory_only))]
use crate::seam::sql::SqlStore;
#[cfg(not(edgecache_memory_only))]
use crate::settings::BackendKind;
use crate::settings::{CacheSettings, SettingsError};
use crate::text::cat;
use crate::value::Value;
#[cfg(not(edgecache_memory_only))]
use alloc::boxed::Box;
#[cfg(not(edgecache_memory_only))]
use alloc::format;
use alloc::rc::Rc;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
#[cfg(not(edgecache_memory_only))]
use core::future::Future;
use js_sys::{Array, BigInt, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
#[cfg(not(edgecache_memory_only))]
use wasm_bindgen_futures::{JsFuture, future_to_promise};

mod api_numbers;
use api_numbers::IncrKind;
#[cfg(edgecache_memory_only)]
mod call;
#[cfg(not(edgecache_memory_only))]
mod extras;
#[cfg(not(edgecache_memory_only))]
mod fetch;
mod hot;
#[cfg(not(edgecache_memory_only))]
mod http;
#[cfg(not(edgecache_memory_only))]
mod session;
#[cfg(not(edgecache_memory_only))]
mod sql;
#[cfg(not(edgecache_memory_only))]
mod stampede;

/// 2^53: JavaScript numbers are exact integers up to here.
const MAX_SAFE: i128 = 9_007_199_254_740_992;

// ----- the clock -----

/// Unix seconds from a user function, or `Date.now() / 1000`.
struct JsClock(Option<Function>);

// SAFETY: wasm32-unknown-unknown without the atomics feature runs one thread; the function
// is never reachable from another.
unsafe impl Send for JsClock {}
// SAFETY: as above.
unsafe impl Sync for JsClock {}

impl Clock for JsClock {
    fn now(&self) -> f64 {
        match &self.0 {
            Some(clock) => clock
                .call0(&JsValue::UNDEFINED)
                .ok()
                .and_then(|t| t.as_f64())
                .unwrap_or(f64::NAN),
            None => js_sys::Date::now() / 1000.0,
        }
    }
}

// ----- values -----

fn type_error(message: String) -> JsValue {
    js_sys::TypeError::new(&message).into()
}

fn number_value(x: f64) -> Value {
    if x.is_finite() && x.abs() < 1.7e38 && (x as i128) as f64 == x {
        Value::Int(x as i128)
    } else {
        Value::Float(x)
    }
}

fn bigint_value(js: &JsValue, path: &str) -> Result<Value, JsValue> {
    let text: String = BigInt::unchecked_from_js_ref(js)
        .to_string(10)
        .map(String::from)
        .unwrap_or_default();
    text.parse::<i128>().map(Value::Int).map_err(|_| {
        JsValue::from(js_sys::RangeError::new(&cat(&[
            "edgecache keeps ints within 128 bits; ",
            path,
            " is larger",
        ])))
    })
}

fn is_plain_object(js: &JsValue) -> bool {
    if !js.is_object() || js.is_function() {
        return false;
    }
    let proto = Object::get_prototype_of(js);
    proto.is_null() || Object::get_prototype_of(&proto).is_null()
}

/// `path[n]`, naming an item in an error.
fn indexed(path: &str, n: usize) -> String {
    let mut out = cat(&[path, "["]);
    crate::text::push_uint(&mut out, n as u128);
    out.push(']');
    out
}

fn describe(js: &JsValue) -> String {
    if js.is_undefined() {
        return "undefined".into();
    }
    if js.is_function() {
        return "a function".into();
    }
    if js.is_symbol() {
        return "a symbol".into();
    }
    let name = Reflect::get(js, &"constructor".into())
        .ok()
        .and_then(|c| Reflect::get(&c, &"name".into()).ok())
        .and_then(|n| n.as_string());
    match name {
        Some(name) if !name.is_empty() => cat(&["a ", &name]),
        _ => "an object with a custom prototype".into(),
    }
}

/// A JavaScript value as a cache value; `path` names it in the error.
fn to_value(js: &JsValue, path: &str) -> Result<Value, JsValue> {
    if let Some(text) = js.as_string() {
        return Ok(Value::Str(text));
    }
    if let Some(x) = js.as_f64() {
        return Ok(number_value(x));
    }
    if js.is_null() {
        return Ok(Value::None);
    }
    if let Some(b) = js.as_bool() {
        return Ok(Value::Bool(b));
    }
    if js.is_bigint() {
        return bigint_value(js, path);
    }
    if let Some(bytes) = js.dyn_ref::<Uint8Array>() {
        return Ok(Value::Bytes(bytes.to_vec()));
    }
    if Array::is_array(js) {
        let array = Array::unchecked_from_js_ref(js);
        let mut items = Vec::with_capacity(array.length() as usize);
        for (n, item) in array.iter().enumerate() {
            items.push(to_value(&item, &indexed(path, n))?);
        }
        return Ok(Value::List(items));
    }
    if is_plain_object(js) {
        let mut pairs = Vec::new();
        for entry in Object::entries(Object::unchecked_from_js_ref(js)).iter() {
            let entry: Array = Array::unchecked_from_js(entry);
            let name = entry.get(0).as_string().unwrap_or_default();
            let value = to_value(&entry.get(1), &cat(&[path, ".", &name]))?;
            python::dict_insert(&mut pairs, Value::Str(name), value);
        }
        return Ok(Value::Dict(pairs));
    }
    Err(type_error(cat(&[
        "edgecache cannot store ",
        &describe(js),
        " (at ",
        path,
        "): values are null, booleans, numbers, bigints, strings, Uint8Arrays, arrays and \
         plain objects",
    ])))
}

/// A cache value as a JavaScript value: tuples become arrays, dict keys strings.
fn to_js(value: &Value) -> JsValue {
    match value {
        Value::None => JsValue::NULL,
        Value::Bool(b) => JsValue::from_bool(*b),
        Value::Int(i) if (-MAX_SAFE..=MAX_SAFE).contains(i) => JsValue::from_f64(*i as f64),
        Value::Int(i) => BigInt::new(&JsValue::from_str(&crate::text::int(*i)))
            .map_or(JsValue::NULL, JsValue::from),
        Value::Float(x) => JsValue::from_f64(*x),
        Value::Str(s) => JsValue::from_str(s),
        Value::Bytes(bytes) => Uint8Array::from(bytes.as_slice()).into(),
        Value::List(items) | Value::Tuple(items) => {
            items.iter().map(to_js).collect::<Array>().into()
        }
        Value::Dict(pairs) => {
            let object = Object::new();
            for (key, value) in pairs {
                let _ = Reflect::set(
                    &object,
                    &JsValue::from_str(&python::str(key)),
                    &to_js(value),
                );
            }
            object.into()
        }
    }
}

/// `value` as JSON text when it is a list, tuple or dict that `JSON.parse` turns into what
/// [`to_js`] builds: no bytes, no ints beyond 2^53, no non-finite floats.
fn container_json(value: &Value) -> Option<String> {
    if !matches!(value, Value::List(_) | Value::Tuple(_) | Value::Dict(_)) {
        return None;
    }
    let mut out = String::new();
    write_json(value, &mut out).then_some(out)
}

fn write_json(value: &Value, out: &mut String) -> bool {
    match value {
        Value::None => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) if (-MAX_SAFE..=MAX_SAFE).contains(i) => crate::text::push_int(out, *i),
        // Display is the shortest text that reads back as the same f64. The in-memory build
        // has no core float formatting: a float there takes the `JsValue` path.
        #[cfg(not(edgecache_memory_only))]
        Value::Float(x) if x.is_finite() => {
            use core::fmt::Write;
            let _ = write!(out, "{x}");
        }
        Value::Str(text) => write_json_str(text, out),
        Value::List(items) | Value::Tuple(items) => {
            out.push('[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                if !write_json(item, out) {
                    return false;
                }
            }
            out.push(']');
        }
        Value::Dict(pairs) => {
            out.push('{');
            for (n, (key, item)) in pairs.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                match key {
                    Value::Str(text) => write_json_str(text, out),
                    other => write_json_str(&python::str(other), out),
                }
                out.push(':');
                if !write_json(item, out) {
                    return false;
                }
            }
            out.push('}');
        }
        _ => return false,
    }
    true
}

fn write_json_str(text: &str, out: &mut String) {
    crate::codec::json::write_string(out, text, crate::codec::json::Escaping::Controls);
}

fn to_key(js: &JsValue) -> Result<Key<'static>, JsValue> {
    Ok(Key::from(to_value(js, "key")?))
}

fn to_keys(js: &JsValue) -> Result<Vec<Value>, JsValue> {
    if !Array::is_array(js) {
        return Err(type_error(cat(&[
            "keys must be an array, not ",
            &describe(js),
        ])));
    }
    Array::unchecked_from_js_ref(js)
        .iter()
        .enumerate()
        .map(|(n, key)| to_value(&key, &indexed("keys", n)))
        .collect()
}

/// `setMany`'s data: a plain object, a `Map` or an array of `[key, value]` pairs (the last
/// two keep their order and their keys' types).
fn to_pairs(js: &JsValue) -> Result<Vec<(Value, Value)>, JsValue> {
    if is_plain_object(js) {
        return match to_value(js, "data")? {
            Value::Dict(pairs) => Ok(pairs),
            _ => Ok(Vec::new()),
        };
    }
    let entries = if js.is_instance_of::<js_sys::Map>() {
        Array::from(js)
    } else if Array::is_array(js) {
        Array::unchecked_from_js_ref(js).clone()
    } else {
        return Err(type_error(cat(&[
            "setMany takes a plain object, a Map or [key, value] pairs, not ",
            &describe(js),
        ])));
    };
    let mut pairs = Vec::with_capacity(entries.length() as usize);
    for (n, entry) in entries.iter().enumerate() {
        let pair: Array = entry
            .dyn_into()
            .map_err(|_| type_error(cat(&[&indexed("data", n), " is not a [key, value] pair"])))?;
        let key = to_value(&pair.get(0), &cat(&[&indexed("data", n), "[0]"]))?;
        let value = to_value(&pair.get(1), &cat(&[&indexed("data", n), "[1]"]))?;
        python::dict_insert(&mut pairs, key, value);
    }
    Ok(pairs)
}

fn to_version(js: &JsValue) -> Result<Option<Value>, JsValue> {
    if js.is_undefined() || js.is_null() {
        Ok(None)
    } else {
        to_value(js, "version").map(Some)
    }
}

fn to_timeout(js: &JsValue) -> Result<Timeout, CacheError> {
    if js.is_undefined() {
        return Ok(Timeout::Default);
    }
    let value = to_value(js, "timeout").map_err(|_| {
        CacheError::Type("unsupported operand type(s) for +: 'float' and 'object'".into())
    })?;
    Timeout::from_value(&value)
}

/// What a raw argument is, for an error about it: its type, or its constructor's name.
fn describe_arg(js: &JsValue) -> String {
    let kind = if js.as_f64().is_some() {
        "a number out of range"
    } else if js.as_string().is_some() {
        "a string"
    } else if js.as_bool().is_some() {
        "a boolean"
    } else if js.is_null() {
        "null"
    } else if js.is_bigint() {
        "a bigint"
    } else {
        return describe(js);
    };
    kind.into()
}

/// `js` as an integer from 0 to `below - 1`, if it is a number that is one.
fn small_int(js: &JsValue, below: usize) -> Option<u8> {
    let x = js.as_f64()?;
    (x >= 0.0 && x < below as f64 && x == (x as u8) as f64).then_some(x as u8)
}

/// A flag of the raw exports (`twin`, `count_only`): a boolean, or `undefined` for false.
fn to_flag(js: &JsValue, name: &str) -> Result<bool, JsValue> {
    if js.is_undefined() {
        return Ok(false);
    }
    js.as_bool()
        .ok_or_else(|| bad_arg(&cat(&[name, " must be a boolean"]), js))
}

/// `incr`'s `which`: 0 incr, 1 decr, 2 aincr, 3 adecr, 4 incr_version, 5 decr_version.
fn to_which(js: &JsValue) -> Result<IncrKind, JsValue> {
    small_int(js, api_numbers::INCR_KIND_COUNT)
        .and_then(IncrKind::from_which)
        .ok_or_else(|| {
            bad_arg(
                "incr's which must be an integer from 0 to 5 (incr, decr, aincr, adecr, \
             incr_version, decr_version)",
                js,
            )
        })
}

/// The `TypeError` for a raw argument: `edgecache: <what it must be>, not <what it is>`.
fn bad_arg(must: &str, js: &JsValue) -> JsValue {
    type_error(cat(&["edgecache: ", must, ", not ", &describe_arg(js)]))
}

// ----- the caches -----

struct Hooks {
    on_warning: Function,
    make_error: Function,
}

impl Hooks {
    /// `ImproperlyConfigured` for a rejected `CACHES`, with the `alias`, `field`, `value` and
    /// `line` the core names (each `null` when unknown).
    fn settings_error(&self, error: &SettingsError) -> JsValue {
        let made = self
            .make_error
            .call2(
                &JsValue::UNDEFINED,
                &"ImproperlyConfigured".into(),
                &error.to_string().into(),
            )
            .unwrap_or_else(|thrown| thrown);
        let text = |s: &Option<String>| s.as_deref().map_or(JsValue::NULL, JsValue::from_str);
        if made.is_object() {
            let made = Object::unchecked_from_js_ref(&made);
            set_field(made, "alias", text(&error.alias));
            set_field(made, "field", text(&error.field));
            set_field(made, "value", text(&error.value));
            set_field(
                made,
                "line",
                error.line.map_or(JsValue::NULL, |l| f64::from(l).into()),
            );
            set_field(made, "detail", JsValue::from_str(&error.message));
        }
        made
    }

    fn error(&self, error: &CacheError) -> JsValue {
        self.make_error
            .call2(
                &JsValue::UNDEFINED,
                &JsValue::from_str(error.python_type()),
                &JsValue::from_str(error.message()),
            )
            .unwrap_or_else(|thrown| thrown)
    }
}

#[cfg(not(edgecache_memory_only))]
fn network_field(network: &JsValue, name: &str) -> JsValue {
    if network.is_object() {
        Reflect::get(network, &name.into()).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

/// `fetch` (the caller's or the global one) as the HTTP transport, and the bridge if given.
#[cfg(not(edgecache_memory_only))]
fn with_network(stores: Stores, network: &JsValue) -> Result<Stores, JsValue> {
    let fetch = network_field(network, "fetch");
    let fetch = match fetch.dyn_into::<Function>() {
        Ok(fetch) => Some(fetch),
        Err(other) if other.is_undefined() || other.is_null() => None,
        Err(other) => {
            return Err(type_error(format!(
                "options.fetch must be a function, not {}",
                describe(&other)
            )));
        }
    };
    let timeout_ms = match network_field(network, "timeoutMs") {
        missing if missing.is_undefined() || missing.is_null() => fetch::DEFAULT_TIMEOUT_MS,
        given => match given.as_f64() {
            Some(ms) if ms > 0.0 && ms.is_finite() => ms,
            _ => {
                return Err(type_error(format!(
                    "options.timeoutMs must be a positive number of milliseconds, not {}",
                    describe(&given)
                )));
            }
        },
    };
    let stores = stores.with_http(Arc::new(fetch::JsFetch { fetch, timeout_ms }));
    let bridge = network_field(network, "bridge");
    if bridge.is_undefined() || bridge.is_null() {
        return Ok(stores);
    }
    let url = network_field(&bridge, "url").as_string().ok_or_else(|| {
        type_error(
            "options.bridge.url must be the bridge's URL, e.g. 'http://127.0.0.1:8379'".into(),
        )
    })?;
    let token = network_field(&bridge, "token")
        .as_string()
        .unwrap_or_default();
    Ok(stores.with_bridge(&url, &token))
}

/// The storage a runtime lends the caches: `stores` maps a filebased `LOCATION` to a binding
/// with the Workers KV shape; `database` (the D1 shape) holds every db alias's table.
#[cfg(not(edgecache_memory_only))]
fn js_stores(stores: JsValue, database: &JsValue) -> (Stores, Option<Arc<dyn SqlStore>>) {
    let opener: KvOpener = Box::new(move |location: &str| {
        let binding = if stores.is_object() {
            Reflect::get(&stores, &JsValue::from_str(location)).unwrap_or(JsValue::UNDEFINED)
        } else {
            JsValue::UNDEFINED
        };
        if binding.is_undefined() || binding.is_null() {
            return Err(CacheError::InvalidBackend(format!(
                "no store was given for LOCATION '{location}': pass createCaches(CACHES, \
                 {{ stores: {{ '{location}': binding }} }}) with a Workers KV namespace or \
                 anything with its get/put/delete/list shape"
            )));
        }
        Ok(Arc::new(JsKv(binding)) as Arc<dyn KvStore>)
    });
    let mut out = Stores::none().with_kv(opener);
    let sql = if database.is_object() {
        let sql: Arc<dyn SqlStore> = Arc::new(sql::JsSql(database.clone()));
        out = out.with_sql(sql.clone());
        Some(sql)
    } else {
        None
    };
    (out, sql)
}

/// The tables of the db aliases (their `LOCATION`s), each once.
#[cfg(not(edgecache_memory_only))]
fn db_tables(settings: &CacheSettings) -> Vec<String> {
    let mut tables: Vec<String> = Vec::new();
    for config in &settings.caches {
        let table = python::str(&config.location);
        if config.backend == BackendKind::Database && !tables.contains(&table) {
            tables.push(table);
        }
    }
    tables
}

/// Django's `createcachetable` for `tables` on `sql`: `{ table, created }` for each.
#[cfg(not(edgecache_memory_only))]
async fn create_tables(
    sql: Option<Arc<dyn SqlStore>>,
    tables: Rc<Vec<String>>,
    hooks: Rc<Hooks>,
) -> JsResult {
    let out = Array::new();
    if tables.is_empty() {
        return Ok(out.into());
    }
    let Some(sql) = sql else {
        return Err(hooks.error(&CacheError::InvalidBackend(
            "the db backend needs a database: pass createCaches(CACHES, { database }) with a \
             D1 binding or anything with its prepare/bind/all/run/batch shape"
                .into(),
        )));
    };
    for table in tables.iter() {
        let done = crate::backend::db::create_table(sql.as_ref(), table)
            .await
            .map_err(|e| hooks.error(&e))?;
        let created = done == crate::backend::db::CreateTable::Created;
        out.push(&sql::created_js(table, created));
    }
    Ok(out.into())
}

/// Every alias of one `CACHES` setting.
#[wasm_bindgen]
pub struct Core {
    caches: Rc<Caches>,
    hooks: Rc<Hooks>,
    #[cfg_attr(edgecache_memory_only, allow(dead_code))] // the HTTP layer's clock
    clock: Arc<dyn Clock>,
    #[cfg(not(edgecache_memory_only))]
    sql: Option<Arc<dyn SqlStore>>,
    #[cfg(not(edgecache_memory_only))]
    tables: Rc<Vec<String>>,
}

#[wasm_bindgen]
impl Core {
    /// Reads `settings` (JSON or a Python dict literal) and builds every alias. `stores` maps
    /// a filebased `LOCATION` to a binding with the Workers KV shape; `database` (the D1
    /// shape) holds the db aliases' tables; `network` is `{ fetch, timeoutMs, bridge: { url,
    /// token } }` for the redis and memcached backends.
    #[wasm_bindgen(constructor)]
    pub fn new(
        settings: &str,
        clock: Option<Function>,
        stores: JsValue,
        database: JsValue,
        on_warning: Function,
        make_error: Function,
        network: JsValue,
    ) -> Result<Core, JsValue> {
        let hooks = Rc::new(Hooks {
            on_warning,
            make_error,
        });
        let settings = CacheSettings::parse(settings).map_err(|e| hooks.settings_error(&e))?;
        let clock: Arc<dyn Clock> = Arc::new(JsClock(clock));
        // The in-memory build has no storage to lend: only locmem and dummy aliases.
        #[cfg(edgecache_memory_only)]
        {
            let _ = (stores, database, network);
            let caches = Caches::new(&settings, clock.clone());
            Ok(Core {
                caches: Rc::new(caches),
                hooks,
                clock,
            })
        }
        #[cfg(not(edgecache_memory_only))]
        {
            let (stores, sql) = js_stores(stores, &database);
            let stores = with_network(stores, &network)?;
            let caches = Caches::with_stores(&settings, clock.clone(), &stores);
            Ok(Core {
                caches: Rc::new(caches),
                hooks,
                clock,
                sql,
                tables: Rc::new(db_tables(&settings)),
            })
        }
    }

    /// Django's `createcachetable`: makes each db alias's table (and its index) unless it
    /// exists; resolves to `[{ table, created }]`.
    #[cfg(not(edgecache_memory_only))]
    pub fn create_tables_async(&self) -> Promise {
        future_to_promise(create_tables(
            self.sql.clone(),
            self.tables.clone(),
            self.hooks.clone(),
        ))
    }

    /// The aliases, in the order configured (an array built here: smaller than the glue for
    /// a returned `Vec<String>`).
    pub fn aliases(&self) -> Array {
        self.caches.aliases().map(JsValue::from_str).collect()
    }

    /// The cache under `alias`, or the error Django raises for it.
    pub fn cache(&self, alias: &str) -> Result<Handle, JsValue> {
        let cache = self.caches.get(alias).map_err(|e| self.hooks.error(&e))?;
        let in_memory = cache.blocking().is_ok();
        let position = self.caches.position(alias).unwrap_or(usize::MAX);
        Ok(Handle {
            backend: cache.backend_name().into(),
            in_memory,
            hot: in_memory
                .then(|| hot::Slot::take(&self.caches, position))
                .flatten()
                .map(Rc::new),
            caches: self.caches.clone(),
            hooks: self.hooks.clone(),
            position,
            json: Rc::default(),
            ticket: Rc::default(),
        })
    }
}

/// One alias: Django's cache API. `js/` gives it JavaScript's names and conventions.
#[wasm_bindgen]
#[derive(Clone)]
pub struct Handle {
    caches: Rc<Caches>,
    hooks: Rc<Hooks>,
    /// Where the alias is in `caches`.
    position: usize,
    backend: Rc<str>,
    in_memory: bool,
    /// Whether the last `get_str` returned its value as JSON text.
    json: Rc<core::cell::Cell<bool>>,
    /// The ticket of the last `get_str` hit, if it gave one.
    ticket: Rc<core::cell::Cell<Option<crate::Ticket>>>,
    /// An in-memory alias's slot for `hit_at`, freed with the last clone.
    hot: Option<Rc<hot::Slot>>,
}

type JsResult = Result<JsValue, JsValue>;

impl Handle {
    fn cache(&self) -> &Cache {
        // Hits the sync get served without the core are applied before any operation.
        hot::drain();
        // The alias was looked up successfully when this handle was made.
        self.caches
            .get_at(self.position)
            .expect("a handle names a built cache")
    }

    /// Reports the warnings of the last operation and converts its error.
    fn finish(&self, result: Result<JsValue, CacheError>) -> JsResult {
        let warnings = self.cache().take_warnings();
        for warning in warnings {
            let _ = self.hooks.on_warning.call2(
                &JsValue::UNDEFINED,
                &JsValue::from_str(warning.category),
                &JsValue::from_str(&warning.message),
            );
        }
        result.map_err(|e| self.hooks.error(&e))
    }

    #[cfg(not(edgecache_memory_only))]
    fn run_sync(&self, future: impl Future<Output = JsResult>) -> JsResult {
        now_or_never(future).unwrap_or_else(|| Err(self.hooks.error(&CacheError::WouldBlock)))
    }
}

/// `{ timeout, version }`: a version that cannot be a value is a JavaScript `TypeError`; a
/// timeout Python could not add to a float is the Python `TypeError` Django raises.
fn opts(h: &Handle, timeout: &JsValue, version: &JsValue) -> Result<Options, JsValue> {
    let version = to_version(version)?;
    match to_timeout(timeout) {
        Ok(timeout) => Ok(Options { timeout, version }),
        Err(e) => Err(h.hooks.error(&e)),
    }
}

/// The operations over the [`Cache`] API, `async` (the full build's storage backends wait).
/// The in-memory build (`edgecache_memory_only`) decodes and runs its operations in
/// [`Handle::call`] over the synchronous face ([`crate::Blocking`]), and `getOrSet` in
/// [`get_or_set_now`].
#[cfg(not(edgecache_memory_only))]
mod ops {
    use super::*;

    pub async fn get(h: &Handle, key: &JsValue, version: &JsValue) -> JsResult {
        let key = to_key(key)?;
        let o = opts(h, &JsValue::UNDEFINED, version)?;
        let found = h.cache().get(key, o).await;
        h.finish(found.map(|f| f.as_ref().map_or(JsValue::UNDEFINED, to_js)))
    }

    /// `set`'s and `add`'s arguments, decoded in the order Django reads them.
    fn entry(
        h: &Handle,
        key: &JsValue,
        value: &JsValue,
        t: &JsValue,
        v: &JsValue,
    ) -> Result<(Key<'static>, Value, Options), JsValue> {
        Ok((to_key(key)?, to_value(value, "value")?, opts(h, t, v)?))
    }

    pub async fn set(
        h: &Handle,
        key: &JsValue,
        value: &JsValue,
        t: &JsValue,
        v: &JsValue,
    ) -> JsResult {
        let (key, value, o) = entry(h, key, value, t, v)?;
        let done = h.cache().set(key, value, o).await;
        h.finish(done.map(|()| JsValue::UNDEFINED))
    }

    pub async fn add(
        h: &Handle,
        key: &JsValue,
        value: &JsValue,
        t: &JsValue,
        v: &JsValue,
    ) -> JsResult {
        let (key, value, o) = entry(h, key, value, t, v)?;
        let added = h.cache().add(key, value, o).await;
        h.finish(added.map(JsValue::from_bool))
    }

    /// `default` is a value, or a function (possibly async) called only on a miss.
    pub async fn get_or_set(
        h: &Handle,
        key: &JsValue,
        default: &JsValue,
        t: &JsValue,
        v: &JsValue,
        wait: bool,
    ) -> JsResult {
        let key = to_key(key)?;
        let o = opts(h, t, v)?;
        let compute = || async {
            let produced = match default.dyn_ref::<Function>() {
                Some(f) => f.call0(&JsValue::UNDEFINED).map_err(Thrown::Js)?,
                None => default.clone(),
            };
            let produced = if produced.has_type::<Promise>() {
                if !wait {
                    return Err(Thrown::Js(type_error(
                        "getOrSet on the synchronous API needs a synchronous function".into(),
                    )));
                }
                JsFuture::from(Promise::unchecked_from_js(produced))
                    .await
                    .map_err(Thrown::Js)?
            } else {
                produced
            };
            // The sync gets JavaScript made meanwhile are the core's before the add (hot.rs).
            to_value(&produced, "value")
                .map_err(Thrown::Js)
                .inspect(|_| hot::drain())
        };
        let result = stampede::get_or_set(h.cache(), key, compute, o, wait).await;
        match result {
            Ok(value) => h.finish(Ok(to_js(&value))),
            Err(Thrown::Cache(e)) => h.finish(Err(e)),
            Err(Thrown::Js(js)) => thrown(h, js),
        }
    }

    /// `getMany`'s and `deleteMany`'s arguments: the twin flag, the keys, the version.
    fn many(
        h: &Handle,
        keys: &JsValue,
        version: &JsValue,
        twin: &JsValue,
    ) -> Result<(Vec<Value>, Options, bool), JsValue> {
        let twin = to_flag(twin, "twin")?;
        Ok((to_keys(keys)?, opts(h, &JsValue::UNDEFINED, version)?, twin))
    }

    pub async fn get_many(h: &Handle, k: &JsValue, v: &JsValue, twin: &JsValue) -> JsResult {
        let (keys, o, twin) = many(h, k, v, twin)?;
        let found = if twin {
            h.cache().aget_many(keys, o).await
        } else {
            h.cache().get_many(keys, o).await
        };
        h.finish(found.map(|pairs| to_js(&Value::Dict(pairs))))
    }

    pub async fn set_many(h: &Handle, data: &JsValue, t: &JsValue, v: &JsValue) -> JsResult {
        let data = to_pairs(data)?;
        let o = opts(h, t, v)?;
        let failed = h.cache().set_many(data, o).await;
        h.finish(failed.map(|keys| to_js(&Value::List(keys))))
    }

    pub async fn delete(h: &Handle, key: &JsValue, version: &JsValue) -> JsResult {
        let key = to_key(key)?;
        let o = opts(h, &JsValue::UNDEFINED, version)?;
        let removed = h.cache().delete(key, o).await;
        h.finish(removed.map(JsValue::from_bool))
    }

    pub async fn delete_many(h: &Handle, k: &JsValue, v: &JsValue, twin: &JsValue) -> JsResult {
        let (keys, o, twin) = many(h, k, v, twin)?;
        let done = if twin {
            h.cache().adelete_many(keys, o).await
        } else {
            h.cache().delete_many(keys, o).await
        };
        h.finish(done.map(|()| JsValue::UNDEFINED))
    }

    pub async fn has_key(h: &Handle, key: &JsValue, version: &JsValue, twin: &JsValue) -> JsResult {
        let twin = to_flag(twin, "twin")?;
        let key = to_key(key)?;
        let o = opts(h, &JsValue::UNDEFINED, version)?;
        let found = if twin {
            h.cache().ahas_key(key, o).await
        } else {
            h.cache().has_key(key, o).await
        };
        h.finish(found.map(JsValue::from_bool))
    }

    /// `which`: the kind's place in js/api.js's `INCR_KINDS` (src/js/api_numbers.rs).
    pub async fn incr(
        h: &Handle,
        which: &JsValue,
        key: &JsValue,
        delta: &JsValue,
        v: &JsValue,
    ) -> JsResult {
        let which = to_which(which)?;
        let key = to_key(key)?;
        let delta = if delta.is_undefined() {
            Value::Int(1)
        } else {
            to_value(delta, "delta")?
        };
        let o = opts(h, &JsValue::UNDEFINED, v)?;
        let result = match which {
            IncrKind::Incr => h.cache().incr(key, delta, o).await,
            IncrKind::Decr => h.cache().decr(key, delta, o).await,
            IncrKind::Aincr => h.cache().aincr(key, delta, o).await,
            IncrKind::Adecr => h.cache().adecr(key, delta, o).await,
            IncrKind::IncrVersion => h.cache().incr_version(key, delta, o).await,
            IncrKind::DecrVersion => h.cache().decr_version(key, delta, o).await,
        };
        h.finish(result.map(|value| to_js(&value)))
    }

    pub async fn touch(h: &Handle, key: &JsValue, t: &JsValue, v: &JsValue) -> JsResult {
        let key = to_key(key)?;
        let o = opts(h, t, v)?;
        let touched = h.cache().touch(key, o).await;
        h.finish(touched.map(JsValue::from_bool))
    }

    pub async fn clear(h: &Handle) -> JsResult {
        let done = h.cache().clear().await;
        h.finish(done.map(|()| JsValue::UNDEFINED))
    }

    pub async fn close(h: &Handle) -> JsResult {
        let done = h.cache().close().await;
        h.finish(done.map(|()| JsValue::UNDEFINED))
    }

    pub async fn inspect(h: &Handle, count_only: &JsValue) -> JsResult {
        let detail = if to_flag(count_only, "count_only")? {
            Detail::Count
        } else {
            Detail::Full
        };
        let inspection = h.cache().inspect(detail).await;
        h.finish(inspection.map(|i| inspection_js(&i)))
    }

    /// Django's `make_key`.
    pub fn make_key(h: &Handle, key: &JsValue, version: &JsValue) -> JsResult {
        let key = to_key(key)?;
        let version = opts(h, &JsValue::UNDEFINED, version)?.version;
        let made = h.cache().make_key(key, version.as_ref());
        h.finish(made.map(|v| to_js(&v)))
    }

    /// Django's `make_and_validate_key`.
    pub fn make_and_validate_key(h: &Handle, key: &JsValue, version: &JsValue) -> JsResult {
        let key = to_key(key)?;
        let version = opts(h, &JsValue::UNDEFINED, version)?.version;
        let made = h.cache().make_and_validate_key(key, version.as_ref());
        h.finish(made.map(|s| JsValue::from_str(&s)))
    }

    /// Django's `validate_key` (on a full key).
    pub fn validate_key(h: &Handle, key: &JsValue) -> JsResult {
        let key = to_value(key, "key")?;
        let checked = h.cache().validate_key(&key);
        h.finish(checked.map(|()| JsValue::UNDEFINED))
    }

    /// Django's `get_backend_timeout`.
    pub fn get_backend_timeout(h: &Handle, timeout: &JsValue) -> JsResult {
        let result = to_timeout(timeout).map(|t| to_js(&h.cache().get_backend_timeout(t)));
        h.finish(result)
    }
}

#[cfg(edgecache_memory_only)]
#[wasm_bindgen]
extern "C" {
    /// A Promise, seen only for its `then`.
    type Thenable;
    /// `promise.then(f)`, `f` made by `Closure::once_into_js`.
    #[wasm_bindgen(method)]
    fn then(this: &Thenable, f: &JsValue) -> JsValue;
}

/// The in-memory build's `getOrSet`: Django's `get_or_set` (API-4, [`Cache::plain_get_or_set`])
/// without a Rust future. On a miss `default` is called if it is a function; a Promise it
/// returns (`wait`: the Promise face) is answered with a Promise that stores its value when
/// it settles ([`get_or_set_store`]); the synchronous face refuses it.
#[cfg(edgecache_memory_only)]
fn get_or_set_now(
    h: &Handle,
    key: &JsValue,
    default: &JsValue,
    t: &JsValue,
    v: &JsValue,
    wait: bool,
) -> JsResult {
    let key = to_key(key)?;
    let o = opts(h, t, v)?;
    match h.cache().get_raw(&key, o.version.as_ref()) {
        Ok(Some(found)) => return h.finish(Ok(to_js(&found))),
        Ok(None) => {}
        Err(e) => return h.finish(Err(e)),
    }
    let produced = match default.dyn_ref::<Function>() {
        Some(f) => f.call0(&JsValue::UNDEFINED),
        None => Ok(default.clone()),
    };
    match produced {
        Ok(produced) if produced.has_type::<Promise>() => {
            if !wait {
                return thrown(
                    h,
                    type_error(
                        "getOrSet on the synchronous API needs a synchronous function".into(),
                    ),
                );
            }
            // The lookup's warnings now: the Promise may never settle.
            let _ = h.finish(Ok(JsValue::UNDEFINED));
            let h = h.clone();
            let store =
                Closure::once_into_js(move |value: JsValue| get_or_set_store(&h, &key, &value, &o));
            Ok(produced.unchecked_ref::<Thenable>().then(&store))
        }
        Ok(produced) => get_or_set_store(h, &key, &produced, &o),
        Err(error) => thrown(h, error),
    }
}

/// `getOrSet`'s last steps once the default is known: `add` it and read back
/// ([`Cache::get_or_set_store`]).
#[cfg(edgecache_memory_only)]
fn get_or_set_store(h: &Handle, key: &Key<'_>, produced: &JsValue, o: &Options) -> JsResult {
    match to_value(produced, "value") {
        Ok(value) => h.finish(h.cache().get_or_set_store(key, value, o).map(|v| to_js(&v))),
        Err(error) => thrown(h, error),
    }
}

/// An error thrown by the user's `getOrSet` function (or about its value): the operation's
/// warnings are reported, then the error is rethrown as it is. Both builds' `getOrSet`.
fn thrown(h: &Handle, error: JsValue) -> JsResult {
    let _ = h.finish(Ok(JsValue::UNDEFINED));
    Err(error)
}

/// An error from a user's `getOrSet` function, or the cache's own.
#[cfg(not(edgecache_memory_only))]
enum Thrown {
    Js(JsValue),
    Cache(CacheError),
}

#[cfg(not(edgecache_memory_only))]
impl From<CacheError> for Thrown {
    fn from(error: CacheError) -> Self {
        Self::Cache(error)
    }
}

fn set_field(object: &Object, name: &str, value: JsValue) {
    let _ = Reflect::set(object, &JsValue::from_str(name), &value);
}

fn inspection_js(inspection: &crate::inspect::Inspection) -> JsValue {
    let out = Object::new();
    set_field(&out, "backend", inspection.backend.into());
    set_field(&out, "now", inspection.now.into());
    set_field(&out, "count", (inspection.count as f64).into());
    let order = match inspection.order {
        Some(EntryOrder::MostRecentlyUsedFirst) => JsValue::from_str("most-recently-used first"),
        Some(EntryOrder::KeyAscending) => JsValue::from_str("key ascending"),
        Some(EntryOrder::FileName) => JsValue::from_str("file name"),
        _ => JsValue::NULL,
    };
    set_field(&out, "order", order);
    let entries: Array = inspection
        .entries
        .iter()
        .map(|entry| {
            let e = Object::new();
            set_field(&e, "key", entry.key.as_str().into());
            set_field(&e, "value", to_js(&entry.value));
            let (at, ttl) = entry
                .expires_at
                .map_or((JsValue::NULL, JsValue::NULL), |at| {
                    (at.into(), (at - inspection.now).into())
                });
            set_field(&e, "expiresAt", at);
            set_field(&e, "ttl", ttl);
            JsValue::from(e)
        })
        .collect();
    set_field(&out, "entries", entries.into());
    let stats = Object::new();
    let s = inspection.stats;
    for (name, n) in [
        ("hits", s.hits),
        ("misses", s.misses),
        ("sets", s.sets),
        ("deletes", s.deletes),
        ("culled", s.culled),
    ] {
        set_field(&stats, name, (n as f64).into());
    }
    set_field(&out, "stats", stats.into());
    let last_cull = inspection.last_cull.as_ref().map_or(JsValue::NULL, |cull| {
        let c = Object::new();
        set_field(&c, "at", cull.at.into());
        let (reason, count, max, freq) = match cull.reason {
            CullReason::ClearAll { count, max_entries } => ("clear-all", count, max_entries, 0),
            CullReason::LeastRecentlyUsed {
                count,
                max_entries,
                cull_frequency,
            } => ("least-recently-used", count, max_entries, cull_frequency),
        };
        set_field(&c, "reason", reason.into());
        set_field(&c, "count", (count as f64).into());
        set_field(&c, "maxEntries", (max as f64).into());
        set_field(&c, "cullFrequency", (freq as f64).into());
        let removed: Array = cull.removed.iter().map(|k| JsValue::from_str(k)).collect();
        set_field(&c, "removed", removed.into());
        c.into()
    });
    set_field(&out, "lastCull", last_cull);
    out.into()
}

/// Generates the synchronous and the Promise export of each operation.
#[cfg(not(edgecache_memory_only))]
macro_rules! faces {
    ($($op:ident: $sync:ident / $promise:ident ($($arg:ident: $ty:ty),*);)*) => {
        #[wasm_bindgen]
        impl Handle {
            $(
                #[allow(missing_docs)]
                pub fn $sync(&self, $($arg: $ty),*) -> JsResult {
                    self.run_sync(ops::$op(self, $(&$arg,)* false))
                }
                #[allow(missing_docs)]
                pub fn $promise(&self, $($arg: $ty),*) -> Promise {
                    let h = self.clone();
                    future_to_promise(async move { ops::$op(&h, $(&$arg,)* true).await })
                }
            )*
        }
    };
}

// `getOrSet`: the synchronous face cannot wait for a Promise its function returns. The
// in-memory build reaches both faces through `Handle::call`.
#[cfg(not(edgecache_memory_only))]
faces! {
    get_or_set: get_or_set / get_or_set_async (key: JsValue, default: JsValue, timeout: JsValue, version: JsValue);
}

macro_rules! plain_faces {
    ($($op:ident: $sync:ident / $promise:ident ($($arg:ident: $ty:ty),*);)*) => {
        #[wasm_bindgen]
        impl Handle {
            $(
                // The in-memory build reaches it through `Handle::call`.
                #[allow(missing_docs)]
                #[cfg(not(edgecache_memory_only))]
                pub fn $sync(&self, $($arg: $ty),*) -> JsResult {
                    self.run_sync(ops::$op(self, $(&$arg),*))
                }
                // Not in the in-memory build: its caches answer at once and js/api.js
                // calls only their synchronous face.
                #[allow(missing_docs)]
                #[cfg(not(edgecache_memory_only))]
                pub fn $promise(&self, $($arg: $ty),*) -> Promise {
                    let h = self.clone();
                    future_to_promise(async move { ops::$op(&h, $(&$arg),*).await })
                }
            )*
        }
    };
}

plain_faces! {
    get: get / get_async (key: JsValue, version: JsValue);
    set: set / set_async (key: JsValue, value: JsValue, timeout: JsValue, version: JsValue);
    add: add / add_async (key: JsValue, value: JsValue, timeout: JsValue, version: JsValue);
    set_many: set_many / set_many_async (data: JsValue, timeout: JsValue, version: JsValue);
    delete: delete / delete_async (key: JsValue, version: JsValue);
    incr: incr / incr_async (which: JsValue, key: JsValue, delta: JsValue, version: JsValue);
    touch: touch / touch_async (key: JsValue, timeout: JsValue, version: JsValue);
    get_many: get_many / get_many_async (keys: JsValue, version: JsValue, twin: JsValue);
    delete_many: delete_many / delete_many_async (keys: JsValue, version: JsValue, twin: JsValue);
    has_key: has_key / has_key_async (key: JsValue, version: JsValue, twin: JsValue);
    inspect: inspect / inspect_async (count_only: JsValue);
    clear: clear / clear_async ();
    close: close / close_async ();
}

#[wasm_bindgen]
impl Handle {
    /// The backend's short name (`locmem`, `dummy`, `filebased`, ...).
    #[wasm_bindgen(getter)]
    pub fn backend(&self) -> JsValue {
        JsValue::from_str(&self.backend)
    }

    /// Whether the synchronous API works (the backend keeps everything in memory).
    #[wasm_bindgen(getter)]
    pub fn in_memory(&self) -> bool {
        self.in_memory
    }

    /// Has the same fields as a (sync) `get` hit on a str key with the default version: the
    /// hot path, with the key passed as a string and no options.
    /// A list or dict that JSON carries exactly comes back as JSON text (one string for the
    /// JavaScript layer to `JSON.parse`, instead of one boundary crossing per item and field),
    /// and `returned_json` says so. A hit leaves its entry's ticket in `ticket_index` /
    /// `ticket_stamp` (when the core gives one) for `hit_at`.
    pub fn get_str(&self, key: &str) -> JsResult {
        self.json.set(false);
        self.ticket.set(None);
        let found = self.cache().get_ticketed(key);
        let (json, ticket) = (&self.json, &self.ticket);
        self.finish(found.map(|(found, issued)| {
            ticket.set(issued);
            match found.as_ref().map(|v| (v, container_json(v))) {
                None => JsValue::UNDEFINED,
                Some((_, Some(text))) => {
                    json.set(true);
                    JsValue::from_str(&text)
                }
                Some((value, None)) => to_js(value),
            }
        }))
    }

    /// Whether the last `get_str` returned JSON text.
    #[wasm_bindgen(getter)]
    pub fn returned_json(&self) -> bool {
        self.json.get()
    }

    /// The index of the last `get_str` hit's ticket; `u32::MAX` when it gave none.
    #[wasm_bindgen(getter)]
    pub fn ticket_index(&self) -> u32 {
        self.ticket.get().map_or(u32::MAX, |t| t.index)
    }

    /// The stamp of the last `get_str` hit's ticket (an exact integer); -1 when it gave none.
    #[wasm_bindgen(getter)]
    pub fn ticket_stamp(&self) -> f64 {
        self.ticket.get().map_or(-1.0, |t| t.stamp as f64)
    }

    /// The instant from which the last `get_str` hit's entry is expired (LM-4, Unix
    /// seconds; `Infinity` for none); NaN when it gave no ticket.
    #[wasm_bindgen(getter)]
    pub fn ticket_live_until(&self) -> f64 {
        self.ticket.get().map_or(f64::NAN, |t| t.live_until)
    }

    /// This alias's slot number for `hit_at`, the hot path's ticket check; `u32::MAX` when
    /// it has none (not in memory).
    #[wasm_bindgen(getter)]
    pub fn hot_slot(&self) -> u32 {
        self.hot.as_ref().map_or(u32::MAX, |slot| slot.number())
    }

    /// Django's `make_key`.
    #[cfg(not(edgecache_memory_only))]
    pub fn make_key(&self, key: JsValue, version: JsValue) -> JsResult {
        ops::make_key(self, &key, &version)
    }

    /// Django's `make_and_validate_key`.
    #[cfg(not(edgecache_memory_only))]
    pub fn make_and_validate_key(&self, key: JsValue, version: JsValue) -> JsResult {
        ops::make_and_validate_key(self, &key, &version)
    }

    /// Django's `validate_key` (on a full key).
    #[cfg(not(edgecache_memory_only))]
    pub fn validate_key(&self, key: JsValue) -> JsResult {
        ops::validate_key(self, &key)
    }

    /// Django's `get_backend_timeout`.
    #[cfg(not(edgecache_memory_only))]
    pub fn get_backend_timeout(&self, timeout: JsValue) -> JsResult {
        ops::get_backend_timeout(self, &timeout)
    }
}

// ----- stores -----

/// A binding with the Workers KV shape: `get(key, {type: "arrayBuffer"})`,
/// `put(key, value, {expirationTtl, metadata})`, `delete(key)`, `list({prefix, cursor})`.
#[cfg(not(edgecache_memory_only))]
struct JsKv(JsValue);

#[cfg(not(edgecache_memory_only))]
fn storage_error(what: &str, thrown: &JsValue) -> CacheError {
    let message = Reflect::get(thrown, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| thrown.as_string())
        .unwrap_or_else(|| "the store failed".into());
    CacheError::Storage(format!("{what}: {message}"))
}

#[cfg(not(edgecache_memory_only))]
impl JsKv {
    async fn call(&self, method: &str, args: &[JsValue]) -> Result<JsValue, CacheError> {
        let function: Function = Reflect::get(&self.0, &method.into())
            .ok()
            .and_then(|f| f.dyn_into().ok())
            .ok_or_else(|| CacheError::Storage(format!("the store has no {method}() method")))?;
        let array: Array = args.iter().collect();
        let returned = function
            .apply(&self.0, &array)
            .map_err(|e| storage_error(method, &e))?;
        if returned.has_type::<Promise>() {
            JsFuture::from(Promise::unchecked_from_js(returned))
                .await
                .map_err(|e| storage_error(method, &e))
        } else {
            Ok(returned)
        }
    }

    async fn get_bytes(&self, key: &str) -> Result<Option<Vec<u8>>, CacheError> {
        let options = Object::new();
        set_field(&options, "type", "arrayBuffer".into());
        let found = self.call("get", &[key.into(), options.into()]).await?;
        if found.is_null() || found.is_undefined() {
            Ok(None)
        } else if let Some(buffer) = found.dyn_ref::<js_sys::ArrayBuffer>() {
            Ok(Some(Uint8Array::new(buffer).to_vec()))
        } else if let Some(bytes) = found.dyn_ref::<Uint8Array>() {
            Ok(Some(bytes.to_vec()))
        } else {
            Err(CacheError::Storage(
                "the store's get() must give an ArrayBuffer or a Uint8Array".into(),
            ))
        }
    }
}

#[cfg(not(edgecache_memory_only))]
impl KvStore for JsKv {
    fn get<'a>(&'a self, key: &'a str) -> LocalBoxFuture<'a, Result<Option<Vec<u8>>, CacheError>> {
        Box::pin(self.get_bytes(key))
    }

    fn put<'a>(
        &'a self,
        key: &'a str,
        value: Vec<u8>,
        options: PutOptions,
    ) -> LocalBoxFuture<'a, Result<(), CacheError>> {
        Box::pin(async move {
            let put = Object::new();
            if let Some(ttl) = options.native_ttl {
                set_field(
                    &put,
                    "expirationTtl",
                    (ttl.max(MIN_NATIVE_TTL) as f64).into(),
                );
            }
            if let Some(metadata) = &options.metadata {
                set_field(&put, "metadata", metadata.as_str().into());
            }
            let bytes = Uint8Array::from(value.as_slice());
            self.call("put", &[key.into(), bytes.into(), put.into()])
                .await
                .map(|_| ())
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> LocalBoxFuture<'a, Result<bool, CacheError>> {
        Box::pin(async move {
            // Workers KV's delete() says nothing; ask first.
            let present = self.get_bytes(key).await?.is_some();
            let said = self.call("delete", &[key.into()]).await?;
            Ok(said.as_bool().unwrap_or(present))
        })
    }

    fn list<'a>(
        &'a self,
        prefix: &'a str,
        cursor: Option<String>,
    ) -> LocalBoxFuture<'a, Result<KvPage, CacheError>> {
        Box::pin(async move {
            let options = Object::new();
            set_field(&options, "prefix", prefix.into());
            if let Some(cursor) = &cursor {
                set_field(&options, "cursor", cursor.as_str().into());
            }
            let page = self.call("list", &[options.into()]).await?;
            let field = |name: &str| Reflect::get(&page, &name.into()).unwrap_or_default();
            let keys = field("keys");
            if !Array::is_array(&keys) {
                return Err(CacheError::Storage(
                    "the store's list() must give { keys: [{ name }], list_complete, cursor }"
                        .into(),
                ));
            }
            let keys = Array::unchecked_from_js(keys)
                .iter()
                .filter_map(|k: JsValue| {
                    k.as_string()
                        .or_else(|| Reflect::get(&k, &"name".into()).ok()?.as_string())
                })
                .collect();
            let complete = field("list_complete").as_bool().unwrap_or(true);
            let cursor = if complete {
                None
            } else {
                field("cursor").as_string().filter(|c| !c.is_empty())
            };
            Ok(KvPage { keys, cursor })
        })
    }
}
