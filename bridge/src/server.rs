//! The HTTP bridge: Upstash's REST protocol in front of real Redis servers, and the same shape
//! of protocol in front of Memcached (`docs/bridge.md`).
//!
//! Routes: `POST` `/`, `/pipeline`, `/multi-exec` (the first Redis server), `/redis/<i>`,
//! `/redis/<i>/pipeline`, `/redis/<i>/multi-exec` (the i-th), `/memcached`,
//! `/memcached/pipeline`; `GET` `/healthz` and `/metrics`.
//!
//! A request goes through, in order: the route and method (404, 405), the token (401), the
//! body and its limits (400, 413), the allow-list and the token's rights (403), and only then
//! the servers, under one deadline (504), with their failures typed (502).

use crate::auth::{Token, authenticate};
use crate::memcache::{Cluster, McError};
use crate::metrics::{self, Metrics};
use crate::protocol::{
    self, Access, Command, Encoding, Limits, Policy, Rejection, Rights, memcached_access,
    redis_access,
};
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::{Value as Json, json};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// Who may read `/metrics`.
#[derive(Debug, Clone, Default)]
pub enum MetricsAccess {
    /// An admin token (or anyone, when the bridge has no tokens).
    #[default]
    Admin,
    /// These tokens, or an admin token.
    Tokens(Vec<Token>),
    /// Anyone who can reach the port.
    Public,
}

/// What the bridge serves, and how carefully.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen (loopback by default).
    pub listen: String,
    /// Redis URLs; the i-th is `/redis/<i>`.
    pub redis: Vec<String>,
    /// Memcached `HOST:PORT`s, one cluster.
    pub memcached: Vec<String>,
    /// Accepted bearer tokens; empty accepts any request (then only on loopback).
    pub tokens: Vec<Token>,
    /// The allow-list's switches.
    pub policy: Policy,
    /// Body, command-count and value limits (413).
    pub limits: Limits,
    /// Deadline of one request, servers included (504 past it).
    pub request_timeout: Duration,
    /// Connections kept to each Redis server (commands are multiplexed over them).
    pub redis_connections: usize,
    /// Most requests waiting on one server at once (Redis) or connections to one server
    /// (Memcached).
    pub max_in_flight: usize,
    /// Who may read `/metrics`.
    pub metrics: MetricsAccess,
    /// How long a SIGTERM waits for requests in flight.
    pub shutdown_grace: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8379".into(),
            redis: Vec::new(),
            memcached: Vec::new(),
            tokens: Vec::new(),
            policy: Policy::default(),
            limits: Limits::default(),
            request_timeout: Duration::from_secs(10),
            redis_connections: 4,
            max_in_flight: 1024,
            metrics: MetricsAccess::Admin,
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// One Redis server: a few multiplexed connections, made on demand and dropped when they
/// break, so the bridge recovers by itself when the server comes back.
struct RedisServer {
    client: redis::Client,
    config: redis::AsyncConnectionConfig,
    slots: Vec<Mutex<Option<redis::aio::MultiplexedConnection>>>,
    next: AtomicUsize,
    permits: Semaphore,
    health: Health,
}

/// Whether a server is known to be down: logs the moment it goes and the moment it comes
/// back, not every failed request.
#[derive(Default)]
struct Health {
    down: AtomicBool,
}

impl Health {
    fn failed(&self, server: &str, why: &str) {
        if !self.down.swap(true, Ordering::Relaxed) {
            tracing::warn!(server, error = why, "server unreachable");
        }
    }

    fn answered(&self, server: &str) {
        if self.down.load(Ordering::Relaxed) && self.down.swap(false, Ordering::Relaxed) {
            tracing::info!(server, "server back");
        }
    }
}

/// A server's failure, before it becomes a 5xx.
struct Failure {
    status: StatusCode,
    message: String,
}

impl Failure {
    fn unreachable(message: String) -> Self {
        Self {
            status: StatusCode::BAD_GATEWAY,
            message,
        }
    }
}

impl RedisServer {
    fn new(url: &str, config: &Config) -> Result<Self, String> {
        let client = redis::Client::open(url).map_err(|e| format!("--redis {url}: {e}"))?;
        let connect = config.request_timeout.min(Duration::from_secs(5));
        Ok(Self {
            client,
            config: redis::AsyncConnectionConfig::new()
                .set_connection_timeout(Some(connect))
                .set_response_timeout(Some(config.request_timeout)),
            slots: (0..config.redis_connections.max(1))
                .map(|_| Mutex::new(None))
                .collect(),
            next: AtomicUsize::new(0),
            permits: Semaphore::new(config.max_in_flight.max(1)),
            health: Health::default(),
        })
    }

    /// A connection (a new one if its slot is empty) and the slot it came from.
    async fn connection(
        &self,
        server: usize,
    ) -> Result<(redis::aio::MultiplexedConnection, usize), Failure> {
        let slot = self.next.fetch_add(1, Ordering::Relaxed) % self.slots.len();
        if let Some(conn) = self.slots[slot].lock().unwrap().as_ref() {
            return Ok((conn.clone(), slot));
        }
        let conn = self
            .client
            .get_multiplexed_async_connection_with_config(&self.config)
            .await
            .map_err(|e| Failure {
                status: if e.is_timeout() {
                    StatusCode::GATEWAY_TIMEOUT
                } else {
                    StatusCode::BAD_GATEWAY
                },
                message: format!("CONNECTION Redis server {server} is unreachable: {e}"),
            })?;
        *self.slots[slot].lock().unwrap() = Some(conn.clone());
        Ok((conn, slot))
    }

    /// Forgets a broken connection.
    fn drop_connection(&self, slot: usize) {
        *self.slots[slot].lock().unwrap() = None;
    }
}

struct Bridge {
    redis: Vec<RedisServer>,
    memcached: Cluster,
    memcached_health: Health,
    tokens: Vec<Token>,
    policy: Policy,
    limits: Limits,
    request_timeout: Duration,
    metrics_access: MetricsAccess,
    metrics: Metrics,
    shutting_down: AtomicBool,
}

fn encoding_of(headers: &HeaderMap) -> Encoding {
    let is = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("base64"))
    };
    Encoding {
        args_base64: is("edgecache-arguments"),
        results_base64: is("upstash-encoding"),
    }
}

fn text(encoding: Encoding, bytes: &[u8]) -> Json {
    if encoding.results_base64 {
        Json::String(B64.encode(bytes))
    } else {
        Json::String(String::from_utf8_lossy(bytes).into_owned())
    }
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, axum::Json(json!({ "error": message.into() }))).into_response()
}

fn rejection(r: Rejection) -> Response {
    let status = match r {
        Rejection::BadRequest(_) => StatusCode::BAD_REQUEST,
        Rejection::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        Rejection::Forbidden(_) => StatusCode::FORBIDDEN,
    };
    error(status, r.message())
}

// ----- Redis -----

/// Writes a result string: base64, or the bytes as (lossy) UTF-8 text.
fn write_text(out: &mut Vec<u8>, bytes: &[u8], encoding: Encoding) {
    if encoding.results_base64 {
        out.push(b'"');
        let start = out.len();
        out.resize(
            start + base64::encoded_len(bytes.len(), true).unwrap_or(0),
            0,
        );
        let written = B64.encode_slice(bytes, &mut out[start..]).unwrap_or(0);
        out.truncate(start + written);
        out.push(b'"');
    } else {
        // Serializing a str into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, &*String::from_utf8_lossy(bytes));
    }
}

/// Writes a reply value as JSON straight into the response body (no intermediate tree: a
/// 100-key MGET is 100 strings copied once).
fn write_value(out: &mut Vec<u8>, value: &redis::Value, encoding: Encoding) {
    use redis::Value as V;
    match value {
        V::Nil => out.extend_from_slice(b"null"),
        V::Int(i) => out.extend_from_slice(i.to_string().as_bytes()),
        V::BulkString(bytes) => write_text(out, bytes, encoding),
        V::SimpleString(s) => write_text(out, s.as_bytes(), encoding),
        V::Okay => write_text(out, b"OK", encoding),
        V::Array(items) | V::Set(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(out, item, encoding);
            }
            out.push(b']');
        }
        V::Map(pairs) => {
            out.push(b'[');
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(out, k, encoding);
                out.push(b',');
                write_value(out, v, encoding);
            }
            out.push(b']');
        }
        V::Double(x) => write_text(out, x.to_string().as_bytes(), encoding),
        V::Boolean(b) => out.push(if *b { b'1' } else { b'0' }),
        V::VerbatimString { text: t, .. } => write_text(out, t.as_bytes(), encoding),
        V::Attribute { data, .. } => write_value(out, data, encoding),
        V::ServerError(e) => {
            let _ = serde_json::to_writer(&mut *out, &server_error_text(e));
        }
        other => {
            let _ = serde_json::to_writer(&mut *out, &format!("{other:?}"));
        }
    }
}

fn server_error_text(e: &redis::ServerError) -> String {
    match e.details() {
        Some(detail) => format!("{} {detail}", e.code()),
        None => e.code().to_string(),
    }
}

/// Writes one `{"result": ...}` or `{"error": ...}` object.
fn write_reply(out: &mut Vec<u8>, value: &redis::Value, encoding: Encoding) {
    if let redis::Value::ServerError(e) = value {
        out.extend_from_slice(b"{\"error\":");
        let _ = serde_json::to_writer(&mut *out, &server_error_text(e));
    } else {
        out.extend_from_slice(b"{\"result\":");
        write_value(out, value, encoding);
    }
    out.push(b'}');
}

fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// A Redis error as its reply line (`ERR value is not an integer or out of range`).
fn redis_error(e: &redis::RedisError) -> String {
    match (e.code(), e.detail()) {
        (Some(code), Some(detail)) => format!("{code} {detail}"),
        _ => e.to_string(),
    }
}

fn redis_cmd(args: &Command) -> redis::Cmd {
    let mut cmd = redis::cmd(&String::from_utf8_lossy(&args[0]).to_ascii_uppercase());
    for arg in &args[1..] {
        cmd.arg(arg.as_slice());
    }
    cmd
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Command,
    Pipeline,
    MultiExec,
}

/// Runs authorized commands on a Redis server: the response, or a server failure.
async fn run_redis(
    bridge: &Bridge,
    index: usize,
    kind: Kind,
    commands: Vec<Command>,
    encoding: Encoding,
) -> Result<Response, Failure> {
    let server = &bridge.redis[index];
    let _permit = server.permits.acquire().await.map_err(|_| Failure {
        status: StatusCode::SERVICE_UNAVAILABLE,
        message: "BUSY the bridge is shutting down".into(),
    })?;
    let name = format!("redis/{index}");
    let (mut conn, slot) = server.connection(index).await.inspect_err(|f| {
        bridge.metrics.upstream_error(metrics::Server::Redis);
        server.health.failed(&name, &f.message);
    })?;
    bridge.metrics.commands(commands.len());
    let started = Instant::now();
    let answer = match kind {
        Kind::Command => {
            let cmd = redis_cmd(&commands[0]);
            cmd.query_async::<redis::Value>(&mut conn).await.map(|v| {
                let status = match v {
                    redis::Value::ServerError(_) => StatusCode::BAD_REQUEST,
                    _ => StatusCode::OK,
                };
                let mut out = Vec::with_capacity(64);
                write_reply(&mut out, &v, encoding);
                (status, out)
            })
        }
        Kind::Pipeline | Kind::MultiExec => {
            let mut pipe = redis::pipe();
            if kind == Kind::MultiExec {
                pipe.atomic();
            }
            pipe.ignore_errors();
            for args in &commands {
                pipe.add_command(redis_cmd(args));
            }
            pipe.query_async::<Vec<redis::Value>>(&mut conn)
                .await
                .map(|values| {
                    let mut out = Vec::with_capacity(32 * values.len() + 2);
                    out.push(b'[');
                    for (i, v) in values.iter().enumerate() {
                        if i > 0 {
                            out.push(b',');
                        }
                        write_reply(&mut out, v, encoding);
                    }
                    out.push(b']');
                    (StatusCode::OK, out)
                })
        }
    };
    bridge
        .metrics
        .latency(metrics::Server::Redis, started.elapsed());
    match answer {
        Ok((status, body)) => {
            server.health.answered(&name);
            Ok(json_response(status, body))
        }
        // The server answered with an error (an aborted transaction, a bad command).
        Err(e) if e.code().is_some() => Ok(error(StatusCode::BAD_REQUEST, redis_error(&e))),
        Err(e) => {
            server.drop_connection(slot);
            bridge.metrics.upstream_error(metrics::Server::Redis);
            server.health.failed(&name, &e.to_string());
            let status = if e.is_timeout() {
                StatusCode::GATEWAY_TIMEOUT
            } else {
                StatusCode::BAD_GATEWAY
            };
            Err(Failure {
                status,
                message: format!("CONNECTION Redis server {index}: {e}"),
            })
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
            text(encoding, &item.value),
            item.flags,
            item.cas.unwrap_or(0).to_string()
        ]),
        Some(item) => json!([text(encoding, &item.value), item.flags]),
    }
}

/// Runs one memcached command array.
async fn run_memcached_command(
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

async fn run_memcached(
    bridge: &Bridge,
    pipeline: bool,
    commands: Vec<Command>,
    encoding: Encoding,
) -> Result<Response, Failure> {
    let mut replies = Vec::with_capacity(commands.len());
    bridge.metrics.commands(commands.len());
    for args in &commands {
        let started = Instant::now();
        let answer = run_memcached_command(&bridge.memcached, args, encoding).await;
        bridge
            .metrics
            .latency(metrics::Server::Memcached, started.elapsed());
        replies.push(match answer {
            Ok(result) => json!({ "result": result }),
            Err(McError::Connection(message)) => {
                bridge.metrics.upstream_error(metrics::Server::Memcached);
                bridge.memcached_health.failed("memcached", &message);
                return Err(Failure::unreachable(format!(
                    "CONNECTION memcached: {message}"
                )));
            }
            Err(e) => json!({ "error": e.reply_text() }),
        });
    }
    bridge.memcached_health.answered("memcached");
    if pipeline {
        return Ok(axum::Json(Json::Array(replies)).into_response());
    }
    let reply = replies.pop().unwrap_or(Json::Null);
    let status = if reply.get("error").is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok((status, axum::Json(reply)).into_response())
}

// ----- Routing -----

/// What a path names.
#[derive(Clone, Copy)]
enum Target {
    Redis(usize, Kind),
    Memcached { pipeline: bool },
    Health,
    Metrics,
}

fn target_of(path: &str) -> Option<Target> {
    let kind = |rest: &str| match rest {
        "" => Some(Kind::Command),
        "/pipeline" => Some(Kind::Pipeline),
        "/multi-exec" => Some(Kind::MultiExec),
        _ => None,
    };
    match path {
        "/" => return Some(Target::Redis(0, Kind::Command)),
        "/pipeline" => return Some(Target::Redis(0, Kind::Pipeline)),
        "/multi-exec" => return Some(Target::Redis(0, Kind::MultiExec)),
        "/memcached" => return Some(Target::Memcached { pipeline: false }),
        "/memcached/pipeline" => return Some(Target::Memcached { pipeline: true }),
        "/healthz" => return Some(Target::Health),
        "/metrics" => return Some(Target::Metrics),
        _ => {}
    }
    let rest = path.strip_prefix("/redis/")?;
    let digits = rest.find('/').unwrap_or(rest.len());
    let index: usize = rest[..digits].parse().ok()?;
    if rest[..digits].starts_with('+') {
        return None;
    }
    Some(Target::Redis(index, kind(&rest[digits..])?))
}

fn metric_route(target: Option<Target>) -> metrics::Route {
    match target {
        Some(Target::Redis(_, Kind::Command)) => metrics::Route::Redis,
        Some(Target::Redis(_, Kind::Pipeline)) => metrics::Route::RedisPipeline,
        Some(Target::Redis(_, Kind::MultiExec)) => metrics::Route::RedisMultiExec,
        Some(Target::Memcached { pipeline: false }) => metrics::Route::Memcached,
        Some(Target::Memcached { pipeline: true }) => metrics::Route::MemcachedPipeline,
        _ => metrics::Route::Other,
    }
}

/// Reads the body, refusing it past `max` bytes.
async fn read_body(body: Body, max: usize) -> Result<axum::body::Bytes, Rejection> {
    match Limited::new(body, max).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<LengthLimitError>() => Err(Rejection::TooLarge(format!(
            "ERR the body is over {max} bytes"
        ))),
        Err(e) => Err(Rejection::BadRequest(format!(
            "ERR could not read the body: {e}"
        ))),
    }
}

/// The rights of the request's token (any request when the bridge has no tokens).
fn rights(bridge: &Bridge, headers: &HeaderMap) -> Option<Rights> {
    if bridge.tokens.is_empty() {
        return Some(Rights::Admin);
    }
    authenticate(
        &bridge.tokens,
        headers.get(header::AUTHORIZATION).map(|v| v.as_bytes()),
    )
}

fn unauthorized() -> Response {
    let mut response = error(StatusCode::UNAUTHORIZED, "Unauthorized");
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Bearer"),
    );
    response
}

fn method_not_allowed(allow: &'static str) -> Response {
    let mut response = error(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("ERR method not allowed; use {allow}"),
    );
    response
        .headers_mut()
        .insert(header::ALLOW, header::HeaderValue::from_static(allow));
    response
}

async fn handle_commands(
    bridge: &Bridge,
    target: Target,
    method: &Method,
    headers: &HeaderMap,
    body: Body,
) -> Response {
    if method != Method::POST {
        return method_not_allowed("POST");
    }
    let Some(rights) = rights(bridge, headers) else {
        return unauthorized();
    };
    if let Some(length) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
    {
        if length > bridge.limits.max_body {
            return rejection(Rejection::TooLarge(format!(
                "ERR the body is over {} bytes",
                bridge.limits.max_body
            )));
        }
    }
    // A slow upload gets the same deadline as a slow server.
    let body = match tokio::time::timeout(
        bridge.request_timeout,
        read_body(body, bridge.limits.max_body),
    )
    .await
    {
        Ok(Ok(body)) => body,
        Ok(Err(r)) => return rejection(r),
        Err(_) => {
            return error(
                StatusCode::REQUEST_TIMEOUT,
                "ERR the request body did not arrive in time",
            );
        }
    };
    let encoding = encoding_of(headers);
    let (batch, access_of): (bool, fn(&Command) -> Access) = match target {
        Target::Redis(index, kind) => {
            if index >= bridge.redis.len() {
                return error(
                    StatusCode::NOT_FOUND,
                    format!("ERR no Redis server {index} on this bridge"),
                );
            }
            (kind != Kind::Command, redis_access)
        }
        Target::Memcached { pipeline } => {
            if bridge.memcached.is_empty() {
                return error(StatusCode::NOT_FOUND, "ERR no memcached on this bridge");
            }
            (pipeline, memcached_access)
        }
        Target::Health | Target::Metrics => unreachable!("not a command route"),
    };
    let commands = match protocol::parse_body(&body, batch, encoding, &bridge.limits) {
        Ok(commands) => commands,
        Err(r) => return rejection(r),
    };
    for command in &commands {
        if let Err(r) = bridge
            .policy
            .permit(rights, access_of(command), &command[0])
        {
            return rejection(r);
        }
    }
    let run = async {
        match target {
            Target::Redis(index, kind) => run_redis(bridge, index, kind, commands, encoding).await,
            Target::Memcached { pipeline } => {
                run_memcached(bridge, pipeline, commands, encoding).await
            }
            Target::Health | Target::Metrics => unreachable!(),
        }
    };
    match tokio::time::timeout(bridge.request_timeout, run).await {
        Ok(Ok(response)) => response,
        Ok(Err(failure)) => error(failure.status, failure.message),
        Err(_) => {
            let server = match target {
                Target::Memcached { .. } => metrics::Server::Memcached,
                _ => metrics::Server::Redis,
            };
            bridge.metrics.upstream_error(server);
            error(
                StatusCode::GATEWAY_TIMEOUT,
                format!(
                    "TIMEOUT no answer from the server within {:?}",
                    bridge.request_timeout
                ),
            )
        }
    }
}

fn handle_metrics(bridge: &Bridge, method: &Method, headers: &HeaderMap) -> Response {
    if method != Method::GET {
        return method_not_allowed("GET");
    }
    let allowed = match &bridge.metrics_access {
        MetricsAccess::Public => true,
        MetricsAccess::Admin => rights(bridge, headers) == Some(Rights::Admin),
        MetricsAccess::Tokens(tokens) => {
            rights(bridge, headers) == Some(Rights::Admin)
                || authenticate(
                    tokens,
                    headers.get(header::AUTHORIZATION).map(|v| v.as_bytes()),
                )
                .is_some()
        }
    };
    if !allowed {
        return unauthorized();
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        bridge.metrics.render(),
    )
        .into_response()
}

async fn handle(State(bridge): State<Arc<Bridge>>, request: Request) -> Response {
    let started = Instant::now();
    let _in_flight = bridge.metrics.enter();
    let (parts, body) = request.into_parts();
    let target = target_of(parts.uri.path());
    let response = match target {
        None => error(StatusCode::NOT_FOUND, "ERR no such route"),
        Some(Target::Health) => match parts.method {
            Method::GET | Method::HEAD if bridge.shutting_down.load(Ordering::Relaxed) => (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(json!({ "status": "shutting down" })),
            )
                .into_response(),
            Method::GET | Method::HEAD => axum::Json(json!({ "status": "ok" })).into_response(),
            _ => method_not_allowed("GET, HEAD"),
        },
        Some(Target::Metrics) => handle_metrics(&bridge, &parts.method, &parts.headers),
        Some(target) => handle_commands(&bridge, target, &parts.method, &parts.headers, body).await,
    };
    let status = response.status().as_u16();
    bridge.metrics.request(metric_route(target), status);
    let micros = started.elapsed().as_micros() as u64;
    let path = parts.uri.path();
    // Per request at debug only: an outage or a scan must not flood the log (servers going
    // down and coming back are logged once each, at warn and info).
    if status >= 500 {
        tracing::debug!(method = %parts.method, path, status, micros, "request failed upstream");
    } else if status == 401 || status == 403 || status == 413 {
        tracing::debug!(method = %parts.method, path, status, micros, "request refused");
    } else {
        tracing::debug!(method = %parts.method, path, status, micros, "request");
    }
    response
}

/// A bound bridge, ready to serve.
pub struct Bound {
    listener: tokio::net::TcpListener,
    bridge: Arc<Bridge>,
    grace: Duration,
}

impl Bound {
    /// The address it listens on.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    fn app(&self) -> Router {
        Router::new()
            .fallback(handle)
            .with_state(self.bridge.clone())
    }

    /// Serves until the process ends.
    pub async fn serve(self) -> std::io::Result<()> {
        use axum::serve::ListenerExt as _;
        let app = self.app();
        let listener = self.listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        axum::serve(listener, app).await
    }

    /// Serves until `signal` completes, then stops accepting, finishes the requests in
    /// flight (at most the grace period) and returns.
    pub async fn serve_until(
        self,
        signal: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        use axum::serve::ListenerExt as _;
        let app = self.app();
        let bridge = self.bridge.clone();
        let grace = self.grace;
        let (tx, mut rx) = tokio::sync::watch::channel(false);
        let shutdown = async move {
            signal.await;
            bridge.shutting_down.store(true, Ordering::Relaxed);
            tracing::info!("shutting down: finishing the requests in flight");
            let _ = tx.send(true);
        };
        let listener = self.listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let server = axum::serve(listener, app).with_graceful_shutdown(shutdown);
        let deadline = async move {
            let _ = rx.wait_for(|started| *started).await;
            tokio::time::sleep(grace).await;
        };
        tokio::select! {
            result = server.into_future() => {
                tracing::info!("stopped");
                result
            }
            () = deadline => {
                tracing::warn!(?grace, "grace period over; abandoning the requests still in flight");
                Ok(())
            }
        }
    }
}

/// SIGTERM or SIGINT (Ctrl-C).
pub async fn termination() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Checks `config`, makes the pools and binds the listener.
pub async fn bind(config: &Config) -> Result<Bound, String> {
    let address: SocketAddr = config
        .listen
        .parse()
        .map_err(|e| format!("--listen {}: {e}", config.listen))?;
    if config.tokens.is_empty() && !address.ip().is_loopback() {
        return Err(format!(
            "refusing to listen on {address} without a token: give --token-file, or listen on loopback"
        ));
    }
    let redis = config
        .redis
        .iter()
        .map(|url| RedisServer::new(url, config))
        .collect::<Result<Vec<_>, _>>()?;
    let bridge = Arc::new(Bridge {
        redis,
        memcached: Cluster::with_limits(&config.memcached, config.max_in_flight),
        memcached_health: Health::default(),
        tokens: config.tokens.clone(),
        policy: config.policy,
        limits: config.limits,
        request_timeout: config.request_timeout,
        metrics_access: config.metrics.clone(),
        metrics: Metrics::default(),
        shutting_down: AtomicBool::new(false),
    });
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|e| format!("--listen {address}: {e}"))?;
    tracing::info!(
        %address,
        redis = config.redis.len(),
        memcached = config.memcached.len(),
        tokens = config.tokens.len(),
        allow_keys = config.policy.allow_keys,
        allow_scripts = config.policy.allow_scripts,
        "edgecache bridge ready"
    );
    Ok(Bound {
        listener,
        bridge,
        grace: config.shutdown_grace,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_targets() {
        assert!(matches!(
            target_of("/"),
            Some(Target::Redis(0, Kind::Command))
        ));
        assert!(matches!(
            target_of("/redis/3/multi-exec"),
            Some(Target::Redis(3, Kind::MultiExec))
        ));
        assert!(matches!(
            target_of("/redis/12"),
            Some(Target::Redis(12, Kind::Command))
        ));
        for bad in [
            "/redis/",
            "/redis/x",
            "/redis/+1",
            "/redis/1/",
            "/redis/1/exec",
            "/get/k",
        ] {
            assert!(target_of(bad).is_none(), "{bad}");
        }
    }
}
