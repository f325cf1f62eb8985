//! The HTTP-transport seam the network backends (redis, memcached) run on: one request in,
//! one response out. The runtime supplies it: a small HTTP/1.1 client natively
//! ([`crate::store::http::NativeHttp`]), `fetch` in JavaScript and in the Worker.
//!
//! Also here: the wire format both backends speak, shaped like Upstash's REST API: a JSON
//! array of strings is one command, `{"result": ...}` / `{"error": ...}` is its answer, and a
//! JSON array of commands posted to `/pipeline` answers with an array of those objects.

use super::{LocalBoxFuture, MaybeSendSync};
use crate::error::CacheError;
use crate::literal;
use crate::settings::node_value;
use crate::value::Value;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// One HTTP request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// `GET`, `POST`, ...
    pub method: &'static str,
    /// The absolute URL (`http://127.0.0.1:8080/redis/0/pipeline`).
    pub url: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body (empty for none).
    pub body: Vec<u8>,
}

/// One HTTP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
}

/// Sends HTTP requests. A transport failure (refused connection, timeout) is
/// [`CacheError::Connection`]; any status code is a response.
pub trait HttpTransport: MaybeSendSync {
    /// Sends `request` and waits for the whole response.
    fn send<'a>(
        &'a self,
        request: HttpRequest,
    ) -> LocalBoxFuture<'a, Result<HttpResponse, CacheError>>;
}

/// The request header asking the server to base64-encode every string in its results
/// (Upstash's `Upstash-Encoding: base64`), so binary pickles survive JSON.
pub const RESPONSE_ENCODING: (&str, &str) = ("Upstash-Encoding", "base64");

/// The request header saying every string argument of the commands is base64 (an
/// edgecache bridge extension: Upstash's JSON commands carry text only).
pub const ARGUMENT_ENCODING: (&str, &str) = ("Edgecache-Arguments", "base64");

/// How a REST endpoint takes binary arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// The edgecache bridge: every argument base64, announced by [`ARGUMENT_ENCODING`].
    Bridge,
    /// Upstash's own REST API, whose JSON strings are text: text arguments go as they are; a
    /// command with a binary argument (a pickle) runs as `EVAL` of [`UPSTASH_BINARY_SCRIPT`],
    /// which base64-decodes its arguments inside Redis.
    Upstash,
}

/// The Lua script (the Lua 5.1 inside Redis, no libraries) that runs `ARGV[1]` with every further
/// argument base64-decoded: binary-safe writes through a text-only REST API.
pub const UPSTASH_BINARY_SCRIPT: &str = "\
local alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
local function decode(text)
  local out = {}
  for i = 1, #text, 4 do
    local n, sextets = 0, 0
    for j = i, i + 3 do
      local c = text:sub(j, j)
      local digit = (c ~= '' and c ~= '=') and alphabet:find(c, 1, true) or nil
      if digit then n = n * 64 + digit - 1; sextets = sextets + 1 else n = n * 64 end
    end
    local bytes = { math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256 }
    for k = 1, sextets - 1 do out[#out + 1] = string.char(bytes[k]) end
  end
  return table.concat(out)
end
local args = { ARGV[1] }
for i = 2, #ARGV do args[i] = decode(ARGV[i]) end
return redis.call(unpack(args))
";

/// A JSON string literal for `text`.
pub fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    crate::codec::json::write_string(&mut out, text, crate::codec::json::Escaping::Controls);
    out
}

/// One command as a JSON array of strings, each argument base64-encoded
/// ([`ARGUMENT_ENCODING`]).
pub fn command_json(args: &[Vec<u8>]) -> String {
    let mut out = String::from("[");
    for (n, arg) in args.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push('"');
        out.push_str(&crate::codec::base64_encode(arg));
        out.push('"');
    }
    out.push(']');
    out
}

/// One command for Upstash ([`Dialect::Upstash`]): text arguments as JSON strings; a
/// command with a non-UTF-8 argument becomes `EVAL` of [`UPSTASH_BINARY_SCRIPT`] with the
/// command name and its base64-encoded arguments.
pub fn upstash_command_json(args: &[Vec<u8>]) -> String {
    let texts: Option<Vec<&str>> = args
        .iter()
        .map(|arg| core::str::from_utf8(arg).ok())
        .collect();
    let mut out = String::from("[");
    match texts {
        Some(texts) => {
            for (n, text) in texts.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                out.push_str(&json_string(text));
            }
        }
        None => {
            out.push_str("\"EVAL\",");
            out.push_str(&json_string(UPSTASH_BINARY_SCRIPT));
            out.push_str(",\"0\"");
            for (n, arg) in args.iter().enumerate() {
                out.push_str(",\"");
                if n == 0 {
                    out.push_str(&String::from_utf8_lossy(arg));
                } else {
                    out.push_str(&crate::codec::base64_encode(arg));
                }
                out.push('"');
            }
        }
    }
    out.push(']');
    out
}

/// Several commands as a JSON array of command arrays (a `/pipeline` body).
pub fn pipeline_json(commands: &[Vec<Vec<u8>>]) -> String {
    pipeline_json_in(Dialect::Bridge, commands)
}

fn command_json_in(dialect: Dialect, args: &[Vec<u8>]) -> String {
    match dialect {
        Dialect::Bridge => command_json(args),
        Dialect::Upstash => upstash_command_json(args),
    }
}

fn pipeline_json_in(dialect: Dialect, commands: &[Vec<Vec<u8>>]) -> String {
    let mut out = String::from("[");
    for (n, command) in commands.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(&command_json_in(dialect, command));
    }
    out.push(']');
    out
}

/// A parsed reply: a result, or the server's error message.
pub type Reply = Result<Value, String>;

/// Parses a JSON body into a [`Value`] (`null` → `None`, objects → dicts).
pub fn parse_json(body: &[u8]) -> Result<Value, CacheError> {
    let text = core::str::from_utf8(body)
        .map_err(|_| CacheError::Connection("the server answered with non-UTF-8 JSON".into()))?;
    let node = literal::parse(text).map_err(|e| {
        CacheError::Connection(format!("the server answered with invalid JSON: {e}"))
    })?;
    Ok(node_value(&node))
}

/// One `{"result": ...}` / `{"error": ...}` object as a [`Reply`].
pub fn reply_of(object: &Value) -> Result<Reply, CacheError> {
    let Value::Dict(pairs) = object else {
        return Err(CacheError::Connection(format!(
            "unexpected reply from the server: {}",
            crate::python::repr(object)
        )));
    };
    for (key, value) in pairs {
        match key.as_str() {
            Some("result") => return Ok(Ok(value.clone())),
            Some("error") => return Ok(Err(crate::python::str(value))),
            _ => {}
        }
    }
    Err(CacheError::Connection(
        "a reply without \"result\" or \"error\"".into(),
    ))
}

/// Decodes a base64 string of a result (see [`RESPONSE_ENCODING`]); `None` stays `None`.
pub fn decode_bytes(value: &Value) -> Result<Option<Vec<u8>>, CacheError> {
    match value {
        Value::None => Ok(None),
        Value::Str(text) => crate::codec::base64_decode(text)
            .map(Some)
            .map_err(|_| CacheError::Connection("a result string is not base64".into())),
        other => Err(CacheError::Connection(format!(
            "expected a string result, got {}",
            crate::python::repr(other)
        ))),
    }
}

/// A REST endpoint (Upstash, or one route of the edgecache bridge) with its token.
#[derive(Clone)]
pub struct Endpoint {
    /// The base URL, without a trailing `/` (`https://x.upstash.io`,
    /// `http://127.0.0.1:8080/redis/0`).
    pub url: String,
    /// The bearer token (empty: none sent).
    pub token: String,
    /// How binary arguments travel.
    pub dialect: Dialect,
}

impl core::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Endpoint")
            .field("url", &self.url)
            .field("dialect", &self.dialect)
            .finish_non_exhaustive()
    }
}

impl Endpoint {
    /// An edgecache bridge endpoint at `url` (a trailing `/` is dropped).
    pub fn new(url: &str, token: &str) -> Self {
        Self::with_dialect(url, token, Dialect::Bridge)
    }

    /// An endpoint at `url` speaking `dialect`.
    pub fn with_dialect(url: &str, token: &str, dialect: Dialect) -> Self {
        Self {
            url: String::from(url.trim_end_matches('/')),
            token: String::from(token),
            dialect,
        }
    }

    fn request(&self, path: &str, body: String) -> HttpRequest {
        let mut headers = alloc::vec![
            (
                String::from("Content-Type"),
                String::from("application/json")
            ),
            (
                String::from(RESPONSE_ENCODING.0),
                String::from(RESPONSE_ENCODING.1)
            ),
        ];
        if self.dialect == Dialect::Bridge {
            headers.push((
                String::from(ARGUMENT_ENCODING.0),
                String::from(ARGUMENT_ENCODING.1),
            ));
        }
        if !self.token.is_empty() {
            headers.push((
                String::from("Authorization"),
                format!("Bearer {}", self.token),
            ));
        }
        HttpRequest {
            method: "POST",
            url: format!("{}{path}", self.url),
            headers,
            body: body.into_bytes(),
        }
    }

    /// Sends one command; returns its reply.
    pub async fn command(
        &self,
        transport: &dyn HttpTransport,
        args: &[Vec<u8>],
    ) -> Result<Reply, CacheError> {
        let body = command_json_in(self.dialect, args);
        let response = transport.send(self.request("", body)).await?;
        let body = check_status(&response)?;
        reply_of(&body)
    }

    /// Sends commands as one `/pipeline` round trip; returns each one's reply.
    pub async fn pipeline(
        &self,
        transport: &dyn HttpTransport,
        commands: &[Vec<Vec<u8>>],
    ) -> Result<Vec<Reply>, CacheError> {
        let response = transport
            .send(self.request("/pipeline", pipeline_json_in(self.dialect, commands)))
            .await?;
        let body = check_status(&response)?;
        let Value::List(items) = body else {
            return Err(CacheError::Connection(
                "a pipeline answer must be a JSON array".into(),
            ));
        };
        if items.len() != commands.len() {
            return Err(CacheError::Connection(format!(
                "the pipeline sent {} commands and got {} replies",
                commands.len(),
                items.len()
            )));
        }
        items.iter().map(reply_of).collect()
    }
}

/// The JSON body of a response the protocol defines (200, or 400 with an error object);
/// other statuses are connection-level failures.
fn check_status(response: &HttpResponse) -> Result<Value, CacheError> {
    match response.status {
        200 | 400 => parse_json(&response.body),
        401 => Err(CacheError::Connection(
            "the server refused the token (401 Unauthorized)".into(),
        )),
        status => Err(CacheError::Connection(format!(
            "the server answered HTTP {status}: {}",
            String::from_utf8_lossy(&response.body)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_base64_json_arrays() {
        assert_eq!(
            command_json(&[b"GET".to_vec(), b":1:k".to_vec()]),
            r#"["R0VU","OjE6aw=="]"#
        );
        assert_eq!(json_string("a\"b\\\u{1}"), r#""a\"b\\\u0001""#);
    }

    #[test]
    fn upstash_commands_are_text_unless_binary() {
        assert_eq!(
            upstash_command_json(&[b"SET".to_vec(), b":1:k".to_vec(), b"caf\xc3\xa9".to_vec()]),
            "[\"SET\",\":1:k\",\"caf\u{e9}\"]"
        );
        let binary =
            upstash_command_json(&[b"SET".to_vec(), b":1:k".to_vec(), b"\x80\x05".to_vec()]);
        assert!(binary.starts_with("[\"EVAL\",\""), "{binary}");
        assert!(
            binary.ends_with(",\"0\",\"SET\",\"OjE6aw==\",\"gAU=\"]"),
            "{binary}"
        );
    }

    #[test]
    fn only_the_bridge_gets_base64_arguments() {
        let bridge = Endpoint::new("http://127.0.0.1:1/redis/0/", "t");
        let request = bridge.request("", String::new());
        assert_eq!(request.url, "http://127.0.0.1:1/redis/0");
        assert!(
            request
                .headers
                .iter()
                .any(|(name, _)| name == ARGUMENT_ENCODING.0)
        );
        let upstash = Endpoint::with_dialect("https://x.upstash.io", "t", Dialect::Upstash);
        let request = upstash.request("", String::new());
        assert!(
            !request
                .headers
                .iter()
                .any(|(name, _)| name == ARGUMENT_ENCODING.0)
        );
        assert!(
            request
                .headers
                .contains(&("Authorization".into(), "Bearer t".into()))
        );
    }

    #[test]
    fn replies_are_results_or_errors() {
        let body = parse_json(br#"[{"result": 1}, {"error": "ERR x"}, {"result": null}]"#).unwrap();
        let Value::List(items) = body else { panic!() };
        assert_eq!(reply_of(&items[0]).unwrap(), Ok(Value::Int(1)));
        assert_eq!(reply_of(&items[1]).unwrap(), Err("ERR x".into()));
        assert_eq!(reply_of(&items[2]).unwrap(), Ok(Value::None));
    }
}
