//! The cache HTTP API, `/api/…`: every cache operation and the introspection view over the
//! configured caches, JSON in and out, bearer-token auth, CORS, Django's exceptions as JSON.
//!
//! | route | what |
//! |---|---|
//! | `GET /api` | this table, as JSON |
//! | `GET /api/config` | the chosen `CACHES` (secrets redacted), where it came from, the bindings |
//! | `GET /api/caches` | the aliases and their backends |
//! | `POST /api/caches/<alias>/<op>` | one operation: `get`, `set`, `add`, `get_or_set`, `get_many`, `set_many`, `delete`, `delete_many`, `has_key`, `incr`, `decr`, `touch`, `clear`, `incr_version`, `decr_version`, `close`, `make_key`, `validate_key`, `get_backend_timeout`, the `a…` async forms, and `dump`; body `{"args": [...], "kwargs": {...}}` bound as Python binds Django's signature |
//! | `GET /api/caches/<alias>/inspect` | entries (full key, value, time to live), counters, the last cull |
//! | `POST /api/caches/<alias>/cleanup` | the scheduled KV cleanup, now |
//! | `GET`/`POST /api/session` | the Django session of the request's cookie, read or changed ([`crate::session`]) |
//! | `GET /api/caches/<alias>/stats` | counters, latency and stampede figures ([`crate::warm`]) |
//! | `POST /api/caches/<alias>/warm` | store a batch of items ([`crate::warm`]) |
//!
//! Values use the conformance oracle's encoding (`{"$bytes": ...}`, `{"$tuple": [...]}`,
//! `{"$float": "inf"}`). A result is `{"result": ..., "warnings": [...]}`; an exception is
//! `{"error": {"type": "ValueError", "message": "Key ':1:n' not found"}, "warnings": [...]}`
//! with 400 (Django's exceptions), 404 (unknown alias or route), 413 (body too large), 429
//! (the store's write limit), 401 (token), 500 (a misconfigured alias), 501, or 503 (the
//! store or server behind the cache is down).
//!
//! With `EDGECACHE_TEST_CLOCK` set (tests only), `/api/_test/setup` rebuilds the caches from a
//! conformance trace, `/api/_test/op` runs any trace operation (`advance`, `now`, the HTTP
//! ones), and `/api/_test/panic` panics.

use crate::config::{Config, Source, is_secret_option, redact_url};
use crate::json::{self, error_body, error_object, parse_body};
use edgecache::clock::ManualClock;
use edgecache::python;
use edgecache::replay::{self, Json, Session, Trace, jsonify, outcome_fields};
use edgecache::seam::kv::list_all;
use edgecache::seam::sql::SqlStore;
use edgecache::settings::BackendKind;
use edgecache::{CacheError, Caches, Value};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

/// One API request, as plain data.
#[derive(Debug, Clone, Default)]
pub struct ApiRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The URL path (`/api/caches/default/get`).
    pub path: String,
    /// The URL query (`a=1&b=2`, without `?`).
    pub query: String,
    /// The `Authorization` header.
    pub authorization: Option<String>,
    /// The `Cookie` header (read by `/api/session`).
    pub cookie: Option<String>,
    /// The body (read up to the configured limit plus one byte).
    pub body: Vec<u8>,
}

/// One API response.
#[derive(Debug, Clone)]
pub struct ApiResponse {
    /// The status.
    pub status: u16,
    /// The JSON body.
    pub body: String,
    /// `Access-Control-Allow-Origin`.
    pub cors_origin: String,
    /// A `Set-Cookie` line (a session created by `POST /api/session`).
    pub set_cookie: Option<String>,
}

/// The caches the API serves: live ones on the Worker's clock, or a test session on a manual
/// clock.
enum Engine {
    Live {
        caches: Caches,
        sql: Option<Arc<dyn SqlStore>>,
    },
    Test {
        // Boxed: a session is several times the size of the live caches.
        session: Box<Session>,
        trace: Option<String>,
    },
}

/// The API's state: the configuration and the caches built from it, kept for the isolate's
/// life (locmem lives here).
pub struct State {
    config: Result<Config, CacheError>,
    engine: Option<Engine>,
    tables_ready: core::cell::Cell<bool>,
}

impl State {
    /// Reads the configuration from `env` and builds the caches.
    pub fn new(env: &worker::Env) -> Self {
        let config = Config::from_env(env);
        let engine = config.as_ref().ok().map(|config| match config.test_clock {
            Some(start) => Engine::Test {
                session: Box::new(Session::with_stores(
                    &config.settings,
                    start,
                    config.stores(env),
                )),
                trace: None,
            },
            None => {
                let stores = config.stores(env);
                let sql = stores.sql.clone();
                let caches = edgecache::Caches::with_stores(
                    &config.settings,
                    Arc::new(crate::clock::WorkerClock),
                    &stores,
                );
                Engine::Live { caches, sql }
            }
        });
        Self {
            config,
            engine,
            tables_ready: core::cell::Cell::new(false),
        }
    }

    /// Creates the db aliases' tables that do not exist yet (Django's `createcachetable`),
    /// once per isolate: the table exists from the wrangler migration or from first use.
    async fn ensure_tables(&self) {
        if self.tables_ready.replace(true) {
            return;
        }
        let (Ok(config), Some(Engine::Live { sql: Some(sql), .. })) = (&self.config, &self.engine)
        else {
            return;
        };
        for cache in &config.settings.caches {
            if cache.backend == BackendKind::Database {
                let table = python::str(&cache.location);
                if let Err(error) = edgecache::backend::db::create_table(sql.as_ref(), &table).await
                {
                    worker::console_error!("createcachetable {table}: {error}");
                    self.tables_ready.set(false);
                }
            }
        }
    }

    /// The configuration, or why it could not be read.
    pub fn config(&self) -> Result<&Config, CacheError> {
        self.config.as_ref().map_err(Clone::clone)
    }

    /// The caches.
    pub fn caches(&self) -> Result<&Caches, CacheError> {
        match &self.engine {
            Some(Engine::Live { caches, .. }) => Ok(caches),
            Some(Engine::Test { session, .. }) => Ok(session.caches()),
            None => Err(self.config().err().unwrap_or(CacheError::WouldBlock)),
        }
    }
}

thread_local! {
    static STATE: RefCell<Option<Rc<State>>> = const { RefCell::new(None) };
}

/// The isolate's state, built from `env` on first use.
pub fn state(env: &worker::Env) -> Rc<State> {
    STATE.with(|cell| {
        cell.borrow_mut()
            .get_or_insert_with(|| Rc::new(State::new(env)))
            .clone()
    })
}

fn replace_state(state: State) {
    STATE.with(|cell| *cell.borrow_mut() = Some(Rc::new(state)));
}

/// The HTTP status of a cache exception.
pub fn status_of(error: &CacheError) -> u16 {
    match error {
        CacheError::InvalidBackend(message) if message.ends_with("doesn't exist.") => 404,
        CacheError::InvalidBackend(_) | CacheError::WouldBlock => 500,
        CacheError::NotImplemented(_) => 501,
        CacheError::RateLimited(_) => 429,
        CacheError::Storage(_) | CacheError::Database(_) | CacheError::Connection(_) => 503,
        _ => 400,
    }
}

fn reply(status: u16, body: Json) -> (u16, Json) {
    (status, body)
}

fn failure(status: u16, python_type: &str, message: &str) -> (u16, Json) {
    (
        status,
        Json::object([("error", error_object(python_type, message))]),
    )
}

fn from_error(error: &CacheError) -> (u16, Json) {
    (status_of(error), error_body(error))
}

/// Handles one request under `/api`.
pub async fn handle(env: &worker::Env, request: ApiRequest) -> ApiResponse {
    let state = state(env);
    state.ensure_tables().await;
    let cors_origin = state
        .config
        .as_ref()
        .map_or_else(|_| "*".into(), |c| c.cors_origin.clone());
    let (status, body, set_cookie) = if request.path.trim_end_matches('/') == "/api/session" {
        session_route(&state, &request).await
    } else {
        let (status, body) = route(env, &state, &request).await;
        (status, body, None)
    };
    ApiResponse {
        status,
        body: body.to_text(),
        cors_origin,
        set_cookie,
    }
}

/// `/api/session` ([`crate::session`]), behind the same gate as the cache operations.
async fn session_route(state: &State, request: &ApiRequest) -> crate::session::SessionReply {
    let config = match state.config() {
        Ok(config) => config,
        Err(error) => {
            let (status, body) = failure(500, "ImproperlyConfigured", error.message());
            return (status, body, None);
        }
    };
    if request.method == "OPTIONS" {
        return (204, Json::Null, None);
    }
    let denied = if !matches!(request.method.as_str(), "GET" | "POST") {
        Err(failure(
            405,
            "MethodNotAllowed",
            "GET or POST /api/session; see GET /api",
        ))
    } else if request.body.len() > config.max_body {
        Err(failure(
            413,
            "RequestDataTooBig",
            &format!(
                "the request body exceeds EDGECACHE_MAX_BODY_BYTES ({} bytes)",
                config.max_body
            ),
        ))
    } else {
        authorized(config, request)
    };
    if let Err((status, body)) = denied {
        return (status, body, None);
    }
    match state.caches() {
        Ok(caches) => crate::session::handle(caches, &config.http, request).await,
        Err(error) => {
            let (status, body) = from_error(&error);
            (status, body, None)
        }
    }
}

fn authorized(config: &Config, request: &ApiRequest) -> Result<(), (u16, Json)> {
    let Some(token) = &config.api_token else {
        if config.environment == edgecache::defaults::Environment::Development
            || config.test_clock.is_some()
        {
            return Ok(());
        }
        return Err(failure(
            401,
            "PermissionDenied",
            "the cache API is closed: set the EDGECACHE_API_TOKEN secret \
             (`wrangler secret put EDGECACHE_API_TOKEN`) and send it as `Authorization: Bearer <token>`",
        ));
    };
    let given = request
        .authorization
        .as_deref()
        .and_then(|h| h.strip_prefix("Bearer "))
        .unwrap_or("");
    // Compare every byte, so timing does not tell how much of the token matched.
    let same = given.len() == token.len()
        && given
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if same {
        Ok(())
    } else {
        Err(failure(
            401,
            "PermissionDenied",
            "missing or wrong bearer token (Authorization: Bearer <EDGECACHE_API_TOKEN>)",
        ))
    }
}

fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (key == name).then(|| percent_decode(&value.replace('+', " ")))
    })
}

/// Decodes `%XX` escapes.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = core::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(byte) => {
                        out.push(byte);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn route(env: &worker::Env, state: &State, request: &ApiRequest) -> (u16, Json) {
    let segments: Vec<String> = request
        .path
        .trim_matches('/')
        .split('/')
        .map(percent_decode)
        .collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let method = request.method.as_str();
    if method == "OPTIONS" {
        return reply(204, Json::Null);
    }
    let config = match state.config() {
        Ok(config) => config,
        Err(error) => return failure(500, "ImproperlyConfigured", error.message()),
    };
    if request.body.len() > config.max_body {
        return failure(
            413,
            "RequestDataTooBig",
            &format!(
                "the request body exceeds EDGECACHE_MAX_BODY_BYTES ({} bytes)",
                config.max_body
            ),
        );
    }
    match (method, &segments[..]) {
        ("GET", ["api"]) => return reply(200, index()),
        ("GET", ["api", "config"]) => return reply(200, config_view(config, state)),
        _ => {}
    }
    if let Err(denied) = authorized(config, request) {
        return denied;
    }
    if let Ok(caches) = state.caches() {
        crate::warm::poll_mode(caches);
    }
    match (method, &segments[..]) {
        ("GET", ["api", "caches"]) => match state.caches() {
            Ok(caches) => reply(200, aliases_view(caches)),
            Err(error) => from_error(&error),
        },
        ("GET", ["api", "caches", alias, "inspect"]) => inspect(state, alias, request).await,
        ("POST", ["api", "caches", alias, "cleanup"]) => cleanup(state, alias).await,
        ("GET", ["api", "caches", alias, "stats"]) => {
            match state.caches().and_then(|c| c.get(alias)) {
                Ok(cache) => crate::warm::stats(alias, cache).await,
                Err(error) => from_error(&error),
            }
        }
        ("POST", ["api", "caches", alias, "warm"]) => match (
            state.caches().and_then(|c| c.get(alias)),
            parse_body(&request.body),
        ) {
            (Ok(cache), Ok(body)) => crate::warm::warm_batch(cache, &body).await,
            (Err(error), _) => from_error(&error),
            (_, Err(e)) => failure(400, "JSONDecodeError", &e),
        },
        ("POST", ["api", "caches", alias, op]) => cache_op(state, alias, op, request).await,
        ("POST", ["api", "_test", rest @ ..]) | ("GET", ["api", "_test", rest @ ..])
            if config.test_clock.is_some() =>
        {
            test_route(env, state, config, rest, request).await
        }
        (_, ["api", "caches", ..]) => failure(
            405,
            "MethodNotAllowed",
            &format!("{method} is not allowed here; see GET /api"),
        ),
        _ => failure(
            404,
            "NotFound",
            &format!("no route {method} {}; see GET /api", request.path),
        ),
    }
}

fn index() -> Json {
    let routes = [
        (
            "GET /api/config",
            "the chosen CACHES (secrets redacted) and where it came from",
        ),
        ("GET /api/caches", "the aliases and their backends"),
        (
            "POST /api/caches/<alias>/<op>",
            "one cache operation; body {\"args\": [...], \"kwargs\": {...}}",
        ),
        (
            "GET /api/caches/<alias>/inspect",
            "entries, counters and the last cull",
        ),
        (
            "POST /api/caches/<alias>/cleanup",
            "delete expired entries and cull (KV)",
        ),
        (
            "GET /api/session",
            "the Django session of the request's session cookie",
        ),
        (
            "POST /api/session",
            "change and save it: {\"set\": {...}, \"delete\": [...]}",
        ),
        (
            "GET /api/caches/<alias>/stats",
            "counters, latency and stampede figures (this isolate)",
        ),
        (
            "POST /api/caches/<alias>/warm",
            "store a batch {\"items\": [{\"key\", \"value\", \"timeout\"}]}",
        ),
    ];
    Json::object([
        ("service", Json::Str("edgecache".into())),
        (
            "routes",
            Json::Object(
                routes
                    .iter()
                    .map(|(route, what)| (String::from(*route), Json::Str((*what).into())))
                    .collect(),
            ),
        ),
    ])
}

fn redacted(name: &str, value: &Value) -> Json {
    if is_secret_option(name) {
        return Json::Str("***".into());
    }
    match value {
        Value::Str(text) => Json::Str(redact_url(text)),
        Value::Dict(pairs) => Json::Object(
            pairs
                .iter()
                .map(|(k, v)| {
                    let key = python::str(k);
                    let json = redacted(&key, v);
                    (key, json)
                })
                .collect(),
        ),
        Value::List(items) | Value::Tuple(items) => {
            Json::Array(items.iter().map(|v| redacted("", v)).collect())
        }
        other => jsonify(other),
    }
}

fn config_view(config: &Config, state: &State) -> Json {
    let caches = config
        .settings
        .caches
        .iter()
        .map(|c| {
            let status = match state.caches().and_then(|caches| caches.get(&c.alias)) {
                Ok(_) => Json::Str("ok".into()),
                Err(error) => Json::object([(
                    "error",
                    error_object(error.python_type(), &redact_url(error.message())),
                )]),
            };
            let options = Json::Object(
                c.options
                    .iter()
                    .map(|(name, value)| (name.clone(), redacted(name, value)))
                    .collect(),
            );
            (
                c.alias.clone(),
                Json::object([
                    ("BACKEND", Json::Str(c.backend_path.clone())),
                    ("backend", Json::Str(c.backend.short_name().into())),
                    ("LOCATION", redacted("", &c.location)),
                    ("TIMEOUT", c.timeout.map_or(Json::Null, Json::Int)),
                    ("KEY_PREFIX", jsonify(&c.key_prefix)),
                    ("VERSION", jsonify(&c.version)),
                    ("OPTIONS", options),
                    ("status", status),
                ]),
            )
        })
        .collect();
    let (source, reason) = match &config.source {
        Source::Variable => ("EDGECACHE_CACHES", Json::Null),
        Source::Defaults(reason) => ("defaults", Json::Str(reason.clone())),
    };
    Json::object([
        ("environment", Json::Str(config.environment.name().into())),
        ("source", Json::Str(source.into())),
        ("reason", reason),
        ("caches", Json::Object(caches)),
        (
            "bindings",
            Json::object([
                ("kv", Json::Str(config.kv_binding.clone())),
                ("d1", Json::Str(config.d1_binding.clone())),
                (
                    "bridge",
                    config
                        .bridge
                        .as_ref()
                        .map_or(Json::Null, |(url, _)| Json::Str(redact_url(url))),
                ),
            ]),
        ),
        (
            "kv_cull",
            Json::Str(
                if config.kv_cull_on_write {
                    "write"
                } else {
                    "scheduled"
                }
                .into(),
            ),
        ),
        ("auth", Json::Bool(config.api_token.is_some())),
        (
            "clock",
            Json::Str(
                if config.test_clock.is_some() {
                    "test"
                } else {
                    "real"
                }
                .into(),
            ),
        ),
    ])
}

fn aliases_view(caches: &Caches) -> Json {
    Json::Object(
        caches
            .aliases()
            .map(|alias| {
                let backend = match caches.get(alias) {
                    Ok(cache) => Json::Str(cache.backend_name().into()),
                    Err(error) => error_body(&error),
                };
                (String::from(alias), backend)
            })
            .collect(),
    )
}

async fn inspect(state: &State, alias: &str, request: &ApiRequest) -> (u16, Json) {
    let detail = match query_param(&request.query, "detail").as_deref() {
        Some("count") => edgecache::inspect::Detail::Count,
        _ => edgecache::inspect::Detail::Full,
    };
    let cache = match state.caches().and_then(|caches| caches.get(alias)) {
        Ok(cache) => cache,
        Err(error) => return from_error(&error),
    };
    match cache.inspect(detail).await {
        Ok(inspection) => reply(200, json::inspection(alias, &inspection)),
        Err(error) => from_error(&error),
    }
}

async fn cleanup(state: &State, alias: &str) -> (u16, Json) {
    let cache = match state.caches().and_then(|caches| caches.get(alias)) {
        Ok(cache) => cache,
        Err(error) => return from_error(&error),
    };
    match cache.cleanup().await {
        Ok(report) => reply(
            200,
            Json::object([(
                "result",
                Json::object([
                    ("expired", Json::Int(report.expired as i128)),
                    ("culled", Json::Int(report.culled as i128)),
                    ("remaining", Json::Int(report.remaining as i128)),
                ]),
            )]),
        ),
        Err(error) => from_error(&error),
    }
}

/// The op document of a request body: the body's fields, `op` and `cache` set from the path.
fn op_document(op: &str, alias: &str, body: &[u8]) -> Result<Value, (u16, Json)> {
    let parsed = parse_body(body).map_err(|e| {
        failure(
            400,
            "JSONDecodeError",
            &format!("the body is not valid JSON: {e}"),
        )
    })?;
    let Value::Dict(mut pairs) = parsed else {
        return Err(failure(
            400,
            "TypeError",
            "the body must be a JSON object: {\"args\": [...], \"kwargs\": {...}}",
        ));
    };
    pairs.retain(|(k, _)| !matches!(k.as_str(), Some("op" | "cache")));
    pairs.push((Value::from("op"), Value::from(op)));
    pairs.push((Value::from("cache"), Value::from(alias)));
    Ok(Value::Dict(pairs))
}

/// Operations that are not the cache's (the clock, the HTTP layer): test routes only.
const NOT_CACHE_OPS: &[&str] = &["advance", "now", "createcachetable_sql"];

async fn cache_op(state: &State, alias: &str, op: &str, request: &ApiRequest) -> (u16, Json) {
    let document = match op_document(op, alias, &request.body) {
        Ok(document) => document,
        Err(failure) => return failure,
    };
    if NOT_CACHE_OPS.contains(&op) || replay::HTTP_OPS.contains(&op) {
        return failure(404, "NotFound", &format!("'{op}' is not a cache operation"));
    }
    let (outcome, warnings) = match &state.engine {
        Some(Engine::Test { session, .. }) => session.run_async(&document).await,
        Some(Engine::Live { caches, sql }) => match caches.get(alias) {
            Ok(cache) => {
                let outcome = match crate::extras::run(op, &document, cache).await {
                    Some(outcome) => outcome,
                    None => replay::run_cache_op(op, &document, cache, None, sql.as_deref()).await,
                };
                (outcome, cache.take_warnings())
            }
            Err(error) => (Err(error), Vec::new()),
        },
        None => (
            Err(state.caches().err().unwrap_or(CacheError::WouldBlock)),
            Vec::new(),
        ),
    };
    let status = outcome.as_ref().map_or_else(status_of, |_| 200);
    (status, Json::Object(outcome_fields(outcome, warnings)))
}

async fn test_route(
    env: &worker::Env,
    state: &State,
    config: &Config,
    rest: &[&str],
    request: &ApiRequest,
) -> (u16, Json) {
    match rest {
        ["panic"] => panic!("a panic requested by /api/_test/panic"),
        ["slow_get_or_set"] => match (state.caches(), parse_body(&request.body)) {
            (Ok(caches), Ok(body)) => crate::warm::slow_get_or_set(caches, &body).await,
            (Err(error), _) => from_error(&error),
            (_, Err(e)) => failure(400, "JSONDecodeError", &e),
        },
        ["op"] => {
            let Some(Engine::Test { session, .. }) = &state.engine else {
                return failure(500, "RuntimeError", "no test session");
            };
            let op = match parse_body(&request.body) {
                Ok(op) => op,
                Err(e) => return failure(400, "JSONDecodeError", &e),
            };
            let (outcome, warnings) = session.run_async(&op).await;
            (200, Json::Object(outcome_fields(outcome, warnings)))
        }
        ["setup"] => match setup(env, config, request).await {
            Ok((engine, header)) => {
                replace_state(State {
                    config: Ok(config.clone()),
                    engine: Some(engine),
                    tables_ready: core::cell::Cell::new(true),
                });
                (200, header)
            }
            Err(error) => from_error(&error),
        },
        ["trace"] => match &state.engine {
            Some(Engine::Test { trace, .. }) => (
                200,
                trace.as_ref().map_or(Json::Null, |t| Json::Str(t.clone())),
            ),
            _ => (200, Json::Null),
        },
        _ => failure(404, "NotFound", "no such test route"),
    }
}

/// Rebuilds the caches as the oracle would for a trace on one backend, from empty stores:
/// `POST /api/_test/setup?backend=B[&location=L]` with the trace as the body.
async fn setup(
    env: &worker::Env,
    config: &Config,
    request: &ApiRequest,
) -> Result<(Engine, Json), CacheError> {
    let bad = |message: String| CacheError::Value(message);
    let backend = query_param(&request.query, "backend").unwrap_or_else(|| "locmem".into());
    let text =
        core::str::from_utf8(&request.body).map_err(|_| bad("the trace is not UTF-8".into()))?;
    let name = query_param(&request.query, "name").unwrap_or_else(|| "trace".into());
    let trace = Trace::parse(text, &name).map_err(|e| bad(e.0))?;
    let kind = BackendKind::from_name(&backend)
        .ok_or_else(|| bad(format!("unknown backend {backend:?}")))?;
    let location = match kind {
        BackendKind::FileBased => Some(config.kv_binding.clone()),
        BackendKind::Database => Some("oracle_cache_table".to_string()),
        _ => query_param(&request.query, "location"),
    };
    let settings = trace
        .settings_for(&backend, location.as_deref())
        .map_err(|e| bad(e.0))?;
    let stores = config.stores(env);
    // Empty stores, as the oracle's fresh directory and database.
    if kind == BackendKind::FileBased {
        let kv = crate::kv::WorkersKv::open(env, &config.kv_binding)?;
        for key in list_all(&kv, "").await? {
            edgecache::seam::kv::KvStore::delete(&kv, &key).await?;
        }
    }
    let start = config.test_clock.unwrap_or(ManualClock::ORACLE_START);
    let session =
        Session::with_stores(&settings, start, stores).with_http_settings(trace.http_settings());
    if kind == BackendKind::Database {
        if let Some(sql) = &config.stores(env).sql {
            for table in session.tables() {
                sql.execute(&format!("DROP TABLE IF EXISTS \"{table}\""), &[])
                    .await?;
            }
        }
        session.create_tables_async().await?;
    }
    if matches!(kind, BackendKind::Redis(_) | BackendKind::Memcached(_)) {
        session.caches().default_cache()?.clear().await?;
    }
    let header = trace.document(&backend, Vec::new()).map_err(|e| bad(e.0))?;
    Ok((
        Engine::Test {
            session: Box::new(session),
            trace: Some(trace.name.clone()),
        },
        header,
    ))
}
