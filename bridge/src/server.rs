//! The HTTP bridge: Upstash's REST protocol in front of real Redis servers, and the same shape
//! of protocol in front of Memcached (`docs/bridge.md`).
//!
//! Routes (all `POST`, JSON bodies, `Authorization: Bearer <token>` when a token is set):
//! `/`, `/pipeline`, `/multi-exec` (the first Redis server), `/redis/<i>`, `/redis/<i>/pipeline`,
//! `/redis/<i>/multi-exec` (the i-th), `/memcached`, `/memcached/pipeline`.

// Early returns carry the HTTP response to send; boxing them would buy nothing here.
#![allow(clippy::result_large_err)]

use crate::memcache::{Cluster, McError};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value as Json, json};
use std::net::SocketAddr;
use std::sync::Arc;

/// Largest request body accepted.
pub const MAX_BODY: usize = 16 * 1024 * 1024;

/// What the bridge serves.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Where to listen (loopback by default).
    pub listen: String,
    /// Redis URLs; the i-th is `/redis/<i>`.
    pub redis: Vec<String>,
    /// Memcached `HOST:PORT`s, one cluster.
    pub memcached: Vec<String>,
    /// The bearer token; `None` accepts any request (loopback only).
    pub token: Option<String>,
}

struct Bridge {
    redis: Vec<deadpool_redis::Pool>,
    memcached: Cluster,
    token: Option<String>,
}

/// A request's encodings.
#[derive(Clone, Copy)]
struct Encoding {
    /// Command arguments are base64 (`Edgecache-Arguments: base64`).
    args_base64: bool,
    /// Result strings are base64 (`Upstash-Encoding: base64`).
    results_base64: bool,
}

impl Encoding {
    fn of(headers: &HeaderMap) -> Self {
        let is = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.eq_ignore_ascii_case("base64"))
        };
        Self {
            args_base64: is("edgecache-arguments"),
            results_base64: is("upstash-encoding"),
        }
    }

    fn text(self, bytes: &[u8]) -> Json {
        if self.results_base64 {
            Json::String(B64.encode(bytes))
        } else {
            Json::String(String::from_utf8_lossy(bytes).into_owned())
        }
    }
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, axum::Json(json!({ "error": message.into() }))).into_response()
}

/// Why a request is refused before any command runs.
fn check(bridge: &Bridge, headers: &HeaderMap) -> Result<Encoding, Response> {
    if let Some(token) = &bridge.token {
        let given = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if !constant_time_eq(given.as_bytes(), token.as_bytes()) {
            return Err(error(StatusCode::UNAUTHORIZED, "Unauthorized"));
        }
    }
    Ok(Encoding::of(headers))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A command array's arguments as bytes.
fn arguments(command: &Json, encoding: Encoding) -> Result<Vec<Vec<u8>>, String> {
    let Json::Array(items) = command else {
        return Err("ERR a command must be a JSON array".into());
    };
    if items.is_empty() {
        return Err("ERR empty command".into());
    }
    items
        .iter()
        .map(|item| match item {
            Json::String(s) if encoding.args_base64 => B64
                .decode(s)
                .map_err(|_| "ERR an argument is not base64".to_string()),
            Json::String(s) => Ok(s.clone().into_bytes()),
            Json::Number(n) => Ok(n.to_string().into_bytes()),
            Json::Bool(b) => Ok(b.to_string().into_bytes()),
            _ => Err("ERR arguments must be strings or numbers".to_string()),
        })
        .collect()
}

fn parse_body(body: &Bytes) -> Result<Json, Response> {
    serde_json::from_slice(body).map_err(|e| {
        error(
            StatusCode::BAD_REQUEST,
            format!("ERR invalid JSON body: {e}"),
        )
    })
}

// ----- Redis -----

fn redis_json(value: redis::Value, encoding: Encoding) -> Json {
    use redis::Value as V;
    match value {
        V::Nil => Json::Null,
        V::Int(i) => json!(i),
        V::BulkString(bytes) => encoding.text(&bytes),
        V::SimpleString(s) => encoding.text(s.as_bytes()),
        V::Okay => encoding.text(b"OK"),
        V::Array(items) | V::Set(items) => {
            Json::Array(items.into_iter().map(|v| redis_json(v, encoding)).collect())
        }
        V::Map(pairs) => Json::Array(
            pairs
                .into_iter()
                .flat_map(|(k, v)| [redis_json(k, encoding), redis_json(v, encoding)])
                .collect(),
        ),
        V::Double(x) => encoding.text(x.to_string().as_bytes()),
        V::Boolean(b) => json!(i64::from(b)),
        V::VerbatimString { text, .. } => encoding.text(text.as_bytes()),
        V::Attribute { data, .. } => redis_json(*data, encoding),
        other => Json::String(format!("{other:?}")),
    }
}

/// A Redis error as its reply line (`ERR value is not an integer or out of range`).
fn redis_error(e: &redis::RedisError) -> String {
    match (e.code(), e.detail()) {
        (Some(code), Some(detail)) => format!("{code} {detail}"),
        _ => e.to_string(),
    }
}

fn is_server_error(e: &redis::RedisError) -> bool {
    e.code().is_some()
}

async fn redis_connection(
    bridge: &Bridge,
    server: usize,
) -> Result<deadpool_redis::Connection, Response> {
    let pool = bridge
        .redis
        .get(server)
        .ok_or_else(|| error(StatusCode::NOT_FOUND, format!("no Redis server {server}")))?;
    pool.get().await.map_err(|e| {
        error(
            StatusCode::BAD_GATEWAY,
            format!("Error connecting to Redis server {server}: {e}"),
        )
    })
}

async fn run_redis(
    conn: &mut deadpool_redis::Connection,
    args: &[Vec<u8>],
) -> Result<redis::Value, redis::RedisError> {
    let mut cmd = redis::cmd(&String::from_utf8_lossy(&args[0]).to_uppercase());
    for arg in &args[1..] {
        cmd.arg(arg.as_slice());
    }
    cmd.query_async(conn).await
}

async fn redis_route(
    bridge: &Bridge,
    server: usize,
    kind: &str,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let encoding = match check(bridge, &headers) {
        Ok(encoding) => encoding,
        Err(response) => return response,
    };
    let body = match parse_body(&body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let mut conn = match redis_connection(bridge, server).await {
        Ok(conn) => conn,
        Err(response) => return response,
    };
    match kind {
        "command" => {
            let args = match arguments(&body, encoding) {
                Ok(args) => args,
                Err(message) => return error(StatusCode::BAD_REQUEST, message),
            };
            match run_redis(&mut conn, &args).await {
                Ok(value) => {
                    axum::Json(json!({ "result": redis_json(value, encoding) })).into_response()
                }
                Err(e) if is_server_error(&e) => error(StatusCode::BAD_REQUEST, redis_error(&e)),
                Err(e) => error(StatusCode::BAD_GATEWAY, redis_error(&e)),
            }
        }
        _ => {
            let Json::Array(commands) = body else {
                return error(
                    StatusCode::BAD_REQUEST,
                    "ERR a pipeline must be a JSON array",
                );
            };
            let mut all = Vec::new();
            for command in &commands {
                match arguments(command, encoding) {
                    Ok(args) => all.push(args),
                    Err(message) => return error(StatusCode::BAD_REQUEST, message),
                }
            }
            if kind == "multi-exec" {
                let mut pipe = redis::pipe();
                pipe.atomic();
                for args in &all {
                    let mut cmd = redis::cmd(&String::from_utf8_lossy(&args[0]).to_uppercase());
                    for arg in &args[1..] {
                        cmd.arg(arg.as_slice());
                    }
                    pipe.add_command(cmd);
                }
                return match pipe.query_async::<Vec<redis::Value>>(&mut conn).await {
                    Ok(values) => axum::Json(Json::Array(
                        values
                            .into_iter()
                            .map(|v| json!({ "result": redis_json(v, encoding) }))
                            .collect(),
                    ))
                    .into_response(),
                    Err(e) if is_server_error(&e) => {
                        error(StatusCode::BAD_REQUEST, redis_error(&e))
                    }
                    Err(e) => error(StatusCode::BAD_GATEWAY, redis_error(&e)),
                };
            }
            let mut replies = Vec::new();
            for args in &all {
                replies.push(match run_redis(&mut conn, args).await {
                    Ok(value) => json!({ "result": redis_json(value, encoding) }),
                    Err(e) if is_server_error(&e) => json!({ "error": redis_error(&e) }),
                    Err(e) => return error(StatusCode::BAD_GATEWAY, redis_error(&e)),
                });
            }
            axum::Json(Json::Array(replies)).into_response()
        }
    }
}

// ----- Memcached -----

fn text_arg(args: &[Vec<u8>], i: usize) -> Result<String, McError> {
    let bytes = args
        .get(i)
        .ok_or_else(|| McError::IllegalInput(format!("argument {i} is missing")))?;
    String::from_utf8(bytes.clone())
        .map_err(|_| McError::IllegalInput(format!("argument {i} is not UTF-8")))
}

fn number_arg<T: std::str::FromStr>(args: &[Vec<u8>], i: usize) -> Result<T, McError> {
    text_arg(args, i)?
        .trim()
        .parse()
        .map_err(|_| McError::IllegalInput(format!("argument {i} must be an integer")))
}

fn item_json(item: Option<crate::memcache::Item>, encoding: Encoding, cas: bool) -> Json {
    match item {
        None => Json::Null,
        Some(item) if cas => json!([
            encoding.text(&item.value),
            item.flags,
            item.cas.unwrap_or(0).to_string()
        ]),
        Some(item) => json!([encoding.text(&item.value), item.flags]),
    }
}

/// Runs one memcached command array.
async fn run_memcached(
    cluster: &Cluster,
    args: &[Vec<u8>],
    encoding: Encoding,
) -> Result<Json, McError> {
    let verb = String::from_utf8_lossy(&args[0]).to_ascii_lowercase();
    Ok(match verb.as_str() {
        "get" | "gets" => item_json(
            cluster.get(&text_arg(args, 1)?, verb == "gets").await?,
            encoding,
            verb == "gets",
        ),
        "get_multi" | "get_many" => {
            let keys: Vec<String> = (1..args.len())
                .map(|i| text_arg(args, i))
                .collect::<Result<_, _>>()?;
            Json::Array(
                cluster
                    .get_multi(&keys)
                    .await?
                    .into_iter()
                    .map(|item| item_json(item, encoding, false))
                    .collect(),
            )
        }
        "set" | "add" | "replace" | "append" | "prepend" | "cas" => {
            let key = text_arg(args, 1)?;
            let value = args
                .get(2)
                .ok_or_else(|| McError::IllegalInput("the value is missing".into()))?;
            let flags: u32 = number_arg(args, 3)?;
            let exptime: i64 = number_arg(args, 4)?;
            let cas = if verb == "cas" {
                Some(number_arg::<u64>(args, 5)?)
            } else {
                None
            };
            match cluster
                .store(&verb, &key, value, flags, exptime, cas)
                .await?
            {
                Some(stored) => json!(stored),
                None => Json::Null, // cas on a missing key
            }
        }
        "delete" => json!(cluster.delete(&text_arg(args, 1)?).await?),
        "incr" | "decr" => {
            let delta: u64 = number_arg(args, 2).map_err(|_| {
                McError::Server("CLIENT_ERROR invalid numeric delta argument".into())
            })?;
            match cluster
                .arithmetic(&verb, &text_arg(args, 1)?, delta)
                .await?
            {
                Some(n) => json!(n),
                None => Json::Null,
            }
        }
        "touch" => json!(
            cluster
                .touch(&text_arg(args, 1)?, number_arg(args, 2)?)
                .await?
        ),
        "flush_all" => json!(cluster.flush_all().await?),
        other => return Err(McError::Server(format!("ERROR unknown command {other:?}"))),
    })
}

async fn memcached_route(
    bridge: &Bridge,
    pipeline: bool,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let encoding = match check(bridge, &headers) {
        Ok(encoding) => encoding,
        Err(response) => return response,
    };
    let body = match parse_body(&body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let commands = if pipeline {
        match body {
            Json::Array(commands) => commands,
            _ => return error(StatusCode::BAD_REQUEST, "a pipeline must be a JSON array"),
        }
    } else {
        vec![body]
    };
    let mut replies = Vec::new();
    for command in &commands {
        let args = match arguments(command, encoding) {
            Ok(args) => args,
            Err(message) => return error(StatusCode::BAD_REQUEST, message),
        };
        let reply = match run_memcached(&bridge.memcached, &args, encoding).await {
            Ok(result) => json!({ "result": result }),
            Err(McError::Connection(message)) => {
                return error(StatusCode::BAD_GATEWAY, format!("memcached: {message}"));
            }
            Err(e) => json!({ "error": e.reply_text() }),
        };
        replies.push(reply);
    }
    if pipeline {
        axum::Json(Json::Array(replies)).into_response()
    } else {
        let reply = replies.pop().unwrap_or(Json::Null);
        let status = if reply.get("error").is_some() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        };
        (status, axum::Json(reply)).into_response()
    }
}

fn router(bridge: Arc<Bridge>) -> Router {
    let b = bridge.clone();
    let root = move |headers: HeaderMap, body: Bytes| {
        let b = b.clone();
        async move { redis_route(&b, 0, "command", headers, body).await }
    };
    let b = bridge.clone();
    let root_pipeline = move |headers: HeaderMap, body: Bytes| {
        let b = b.clone();
        async move { redis_route(&b, 0, "pipeline", headers, body).await }
    };
    let b = bridge.clone();
    let root_multi = move |headers: HeaderMap, body: Bytes| {
        let b = b.clone();
        async move { redis_route(&b, 0, "multi-exec", headers, body).await }
    };
    Router::new()
        .route("/", post(root))
        .route("/pipeline", post(root_pipeline))
        .route("/multi-exec", post(root_multi))
        .route(
            "/redis/{server}",
            post(
                |State(b): State<Arc<Bridge>>,
                 Path(server): Path<usize>,
                 headers: HeaderMap,
                 body: Bytes| async move {
                    redis_route(&b, server, "command", headers, body).await
                },
            ),
        )
        .route(
            "/redis/{server}/{kind}",
            post(
                |State(b): State<Arc<Bridge>>,
                 Path((server, kind)): Path<(usize, String)>,
                 headers: HeaderMap,
                 body: Bytes| async move {
                    match kind.as_str() {
                        "pipeline" | "multi-exec" => {
                            redis_route(&b, server, &kind, headers, body).await
                        }
                        _ => error(StatusCode::NOT_FOUND, "no such route"),
                    }
                },
            ),
        )
        .route(
            "/memcached",
            post(
                |State(b): State<Arc<Bridge>>, headers: HeaderMap, body: Bytes| async move {
                    memcached_route(&b, false, headers, body).await
                },
            ),
        )
        .route(
            "/memcached/pipeline",
            post(
                |State(b): State<Arc<Bridge>>, headers: HeaderMap, body: Bytes| async move {
                    memcached_route(&b, true, headers, body).await
                },
            ),
        )
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(bridge)
}

/// A bound bridge, ready to serve.
pub struct Bound {
    listener: tokio::net::TcpListener,
    app: Router,
}

impl Bound {
    /// The address it listens on.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until the process ends.
    pub async fn serve(self) -> std::io::Result<()> {
        axum::serve(self.listener, self.app).await
    }
}

/// Checks `config`, makes the pools and binds the listener.
pub async fn bind(config: &Config) -> Result<Bound, String> {
    let address: SocketAddr = config
        .listen
        .parse()
        .map_err(|e| format!("--listen {}: {e}", config.listen))?;
    if config.token.is_none() && !address.ip().is_loopback() {
        return Err(format!(
            "refusing to listen on {address} without a token: give --token-file, or listen on loopback"
        ));
    }
    let mut redis = Vec::new();
    for url in &config.redis {
        let pool = deadpool_redis::Config::from_url(url.clone())
            .create_pool(Some(deadpool_redis::Runtime::Tokio1))
            .map_err(|e| format!("--redis {url}: {e}"))?;
        redis.push(pool);
    }
    let bridge = Arc::new(Bridge {
        redis,
        memcached: Cluster::new(&config.memcached),
        token: config.token.clone(),
    });
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|e| format!("--listen {address}: {e}"))?;
    Ok(Bound {
        listener,
        app: router(bridge),
    })
}

/// Starts a bridge on its own thread and runtime (the replay's in-process bridge); returns
/// its base URL.
pub fn spawn(config: Config) -> Result<String, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let bound = runtime.block_on(bind(&config))?;
    let address = bound.local_addr().map_err(|e| e.to_string())?;
    std::thread::spawn(move || {
        let _ = runtime.block_on(bound.serve());
    });
    Ok(format!("http://{address}"))
}
