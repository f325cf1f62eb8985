//! Django's `PyMemcacheCache` (MC-1..MC-8) over the HTTP-transport seam, speaking the edgecache
//! bridge's memcached protocol (JSON command arrays shaped like Upstash's; `docs/bridge.md`).
//!
//! Values carry pymemcache's serde flags (MC-2), so a Django app using pymemcache on the same
//! servers reads them; the bridge sends each key to the server pymemcache's `HashClient` picks.

use super::{Backend, Overrides};
use crate::clock::Clock;
use crate::codec::pickle;
use crate::error::CacheError;
use crate::expiry::Timeout;
use crate::inspect::{Detail, Inspection, Stats};
use crate::key::FullKey;
use crate::key::{KeyPolicy, MEMCACHE_MAX_KEY_LENGTH};
use crate::seam::http::{Endpoint, HttpTransport, Reply, decode_bytes};
use crate::settings::MemcachedClient;
use crate::value::Value;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

/// pymemcache's serde flags (MC-2).
pub mod flags {
    /// `bytes`, stored as-is.
    pub const BYTES: u32 = 0;
    /// A pickle.
    pub const PICKLE: u32 = 1;
    /// An `int` as decimal text.
    pub const INTEGER: u32 = 2;
    /// A Python 2 `long` as decimal text (read only).
    pub const LONG: u32 = 4;
    /// A `str` as UTF-8.
    pub const TEXT: u32 = 16;
}

/// TMO-6: timeouts above this many seconds (30 days) are sent as absolute Unix times.
pub const MAX_RELATIVE_EXPTIME: i128 = 2_592_000;

/// MC-2: pymemcache's `python_memcache_serializer`: the stored bytes and their flags.
pub fn serialize(value: &Value) -> (Vec<u8>, u32) {
    match value {
        Value::Bytes(bytes) => (bytes.clone(), flags::BYTES),
        Value::Str(text) => (text.as_bytes().to_vec(), flags::TEXT),
        Value::Int(i) => (i.to_string().into_bytes(), flags::INTEGER),
        other => (pickle::dumps(other), flags::PICKLE),
    }
}

/// MC-2: pymemcache's `python_memcache_deserializer`.
pub fn deserialize(raw: &[u8], flag: u32) -> Result<Value, CacheError> {
    let int = |raw: &[u8]| {
        core::str::from_utf8(raw)
            .ok()
            .and_then(|t| t.trim().parse::<i128>().ok())
            .map(Value::Int)
            .ok_or_else(|| {
                CacheError::Value(format!(
                    "invalid literal for int() with base 10: {}",
                    crate::python::repr(&Value::Bytes(raw.to_vec()))
                ))
            })
    };
    if flag == flags::BYTES {
        Ok(Value::Bytes(raw.to_vec()))
    } else if flag & flags::TEXT != 0 {
        String::from_utf8(raw.to_vec())
            .map(Value::Str)
            .map_err(|_| CacheError::Value("'utf-8' codec can't decode the stored text".into()))
    } else if flag & (flags::INTEGER | flags::LONG) != 0 {
        int(raw)
    } else if flag & flags::PICKLE != 0 {
        pickle::loads(raw).map_err(|e| CacheError::Client {
            python_type: "UnpicklingError",
            message: format!("{e}"),
        })
    } else {
        Ok(Value::Bytes(raw.to_vec()))
    }
}

/// A memcached cache behind the bridge.
pub struct MemcachedCache {
    transport: Arc<dyn HttpTransport>,
    endpoint: Endpoint,
    client: MemcachedClient,
    default_timeout: Option<i128>,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for MemcachedCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemcachedCache")
            .field("endpoint", &self.endpoint)
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

/// A bridge error reply as pymemcache raises it: `CLIENT_ERROR x` → `MemcacheClientError`
/// with `b'x'`, `SERVER_ERROR x` → `MemcacheServerError`.
fn memcache_error(message: String) -> CacheError {
    let (python_type, rest) = if let Some(rest) = message.strip_prefix("CLIENT_ERROR ") {
        ("MemcacheClientError", rest)
    } else if let Some(rest) = message.strip_prefix("SERVER_ERROR ") {
        ("MemcacheServerError", rest)
    } else if message.starts_with("ERROR") {
        ("MemcacheUnknownCommandError", message.as_str())
    } else if let Some(rest) = message.strip_prefix("ILLEGAL_INPUT ") {
        // MC-4: pymemcache's own key check, after Django's, counts UTF-8 bytes (a key of 200
        // "ü" passes Django's 250 characters but is 400 bytes): `MemcacheIllegalInputError`
        // with pymemcache's str message.
        return CacheError::Client {
            python_type: "MemcacheIllegalInputError",
            message: String::from(rest),
        };
    } else {
        return CacheError::Connection(message);
    };
    CacheError::Client {
        python_type,
        message: crate::python::repr(&Value::Bytes(rest.as_bytes().to_vec())),
    }
}

/// MC-4: pymemcache's key check counts UTF-8 bytes against the same limit Django counts
/// characters against.
fn check_key_bytes(key: &str) -> Result<(), CacheError> {
    if key.len() <= MEMCACHE_MAX_KEY_LENGTH {
        return Ok(());
    }
    Err(CacheError::Client {
        python_type: "MemcacheIllegalInputError",
        message: format!(
            "Key is too long: {}",
            crate::python::repr(&Value::Bytes(key.as_bytes().to_vec()))
        ),
    })
}

fn ok(reply: Reply) -> Result<Value, CacheError> {
    reply.map_err(memcache_error)
}

fn truthy(reply: Reply) -> Result<bool, CacheError> {
    Ok(matches!(ok(reply)?, Value::Bool(true)))
}

fn arg(text: &str) -> Vec<u8> {
    text.as_bytes().to_vec()
}

/// A `[value, flags]` result, or `None` for a miss.
fn entry(value: &Value) -> Result<Option<Value>, CacheError> {
    match value {
        Value::None => Ok(None),
        Value::List(pair) if pair.len() == 2 => {
            let raw = decode_bytes(&pair[0])?.unwrap_or_default();
            let Value::Int(flag) = pair[1] else {
                return Err(CacheError::Connection("flags must be an integer".into()));
            };
            deserialize(&raw, u32::try_from(flag).unwrap_or(0)).map(Some)
        }
        other => Err(CacheError::Connection(format!(
            "unexpected memcached entry {}",
            crate::python::repr(other)
        ))),
    }
}

impl MemcachedCache {
    /// A cache reached at `endpoint` (the bridge's `/memcached` route) through `transport`.
    pub fn new(
        transport: Arc<dyn HttpTransport>,
        endpoint: Endpoint,
        client: MemcachedClient,
        default_timeout: Option<i128>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            transport,
            endpoint,
            client,
            default_timeout,
            clock,
        }
    }

    async fn command(&self, args: &[Vec<u8>]) -> Result<Reply, CacheError> {
        self.endpoint.command(self.transport.as_ref(), args).await
    }

    /// TMO-6: the exptime memcached gets.
    fn exptime(&self, timeout: Timeout) -> i128 {
        let seconds = match timeout {
            Timeout::Default => match self.default_timeout {
                None => return 0,
                Some(t) => t as f64,
            },
            Timeout::Never => return 0,
            Timeout::Seconds(s) => s,
        };
        let truncated = if seconds.is_nan() { 0 } else { seconds as i128 };
        if truncated == 0 {
            // `int(t) == 0` (0, 0.5, -0.9) → -1: expire at once.
            return -1;
        }
        if seconds > MAX_RELATIVE_EXPTIME as f64 {
            // MC-3: absolute Unix time from the client's clock.
            return (seconds + (self.clock.now() as i128) as f64) as i128;
        }
        truncated
    }

    fn store_args(&self, verb: &str, key: &str, value: &Value, exptime: i128) -> Vec<Vec<u8>> {
        let (raw, flag) = serialize(value);
        alloc::vec![
            arg(verb),
            arg(key),
            raw,
            arg(&flag.to_string()),
            arg(&exptime.to_string())
        ]
    }
}

impl Backend for MemcachedCache {
    fn name(&self) -> &'static str {
        "memcached"
    }

    fn is_in_memory(&self) -> bool {
        false
    }

    fn key_policy(&self) -> KeyPolicy {
        // MC-4 / KEY-7: invalid keys raise InvalidCacheKey.
        KeyPolicy::Raise
    }

    fn backend_timeout(&self, timeout: Timeout) -> Value {
        Value::Int(self.exptime(timeout))
    }

    async fn get(&self, key: FullKey<'_>) -> Result<Option<Value>, CacheError> {
        let key = &*key.joined();
        entry(&ok(self.command(&[arg("get"), arg(key)]).await?)?)
    }

    async fn set(
        &self,
        key: FullKey<'_>,
        value: Value,
        timeout: Timeout,
    ) -> Result<(), CacheError> {
        let key = &*key.joined();
        let args = self.store_args("set", key, &value, self.exptime(timeout));
        if !truthy(self.command(&args).await?)? {
            // MC-6: a failed set deletes the key so the old value can't be read.
            ok(self.command(&[arg("delete"), arg(key)]).await?)?;
        }
        Ok(())
    }

    async fn add(
        &self,
        key: FullKey<'_>,
        value: Value,
        timeout: Timeout,
    ) -> Result<bool, CacheError> {
        let key = &*key.joined();
        let args = self.store_args("add", key, &value, self.exptime(timeout));
        truthy(self.command(&args).await?)
    }

    async fn touch(&self, key: FullKey<'_>, timeout: Timeout) -> Result<bool, CacheError> {
        let key = &*key.joined();
        if self.client == MemcachedClient::PyLibMc && self.exptime(timeout) == -1 {
            // MC-6: PyLibMCCache's touch(k, 0) deletes.
            return self.delete(key.into()).await;
        }
        let exptime = self.exptime(timeout).to_string();
        truthy(
            self.command(&[arg("touch"), arg(key), arg(&exptime)])
                .await?,
        )
    }

    async fn delete(&self, key: FullKey<'_>) -> Result<bool, CacheError> {
        let key = &*key.joined();
        truthy(self.command(&[arg("delete"), arg(key)]).await?)
    }

    async fn has_key(&self, key: FullKey<'_>) -> Result<bool, CacheError> {
        let key = &*key.joined();
        // MC-8: generic, `get(key, sentinel) is not sentinel`.
        Ok(self.get(key.into()).await?.is_some())
    }

    async fn clear(&self) -> Result<(), CacheError> {
        // MC-6: flush_all on every server.
        ok(self.command(&[arg("flush_all")]).await?)?;
        Ok(())
    }

    fn overrides(&self) -> Overrides {
        Overrides {
            incr: true,
            get_many: true,
            set_many: true,
            delete_many: true,
            ..Overrides::default()
        }
    }

    async fn incr(&self, key: FullKey<'_>, delta: &Value) -> Result<Value, CacheError> {
        let key = &*key.joined();
        // MC-5: pymemcache checks the key, then sends the delta as `str(delta)`: a bool goes
        // out as `True`/`False`, which the server refuses before it looks the key up.
        check_key_bytes(key)?;
        let delta = match delta {
            Value::Int(i) => *i,
            Value::Bool(_) => {
                return Err(CacheError::Client {
                    python_type: "MemcacheClientError",
                    message: "b'invalid numeric delta argument'".into(),
                });
            }
            other => {
                return Err(CacheError::Client {
                    python_type: "MemcacheIllegalInputError",
                    message: format!(
                        "delta must be integer, got bad value: {}",
                        crate::python::repr(other)
                    ),
                });
            }
        };
        // MC-5: a negative delta is a decr; arithmetic is the server's unsigned 64-bit.
        let (verb, amount) = if delta < 0 {
            ("decr", -delta)
        } else {
            ("incr", delta)
        };
        let reply = self
            .command(&[arg(verb), arg(key), arg(&amount.to_string())])
            .await?;
        match ok(reply)? {
            Value::None => Err(CacheError::Value(format!("Key '{key}' not found"))),
            Value::Int(i) => Ok(Value::Int(i)),
            Value::Str(text) => text
                .parse::<i128>()
                .map(Value::Int)
                .map_err(|_| CacheError::Connection(format!("incr answered {text:?}"))),
            other => Err(CacheError::Connection(format!(
                "incr answered {}",
                crate::python::repr(&other)
            ))),
        }
    }

    async fn get_many(&self, keys: &[String]) -> Result<Vec<(String, Value)>, CacheError> {
        // MC-6: one get_multi.
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut args = alloc::vec![arg("get_multi")];
        args.extend(keys.iter().map(|k| arg(k)));
        let Value::List(found) = ok(self.command(&args).await?)? else {
            return Err(CacheError::Connection(
                "get_multi did not answer a list".into(),
            ));
        };
        let mut out = Vec::new();
        for (key, value) in keys.iter().zip(found) {
            if let Some(value) = entry(&value)? {
                out.push((key.clone(), value));
            }
        }
        Ok(out)
    }

    async fn set_many(
        &self,
        items: &[(String, Value)],
        timeout: Timeout,
    ) -> Result<Vec<String>, CacheError> {
        // MC-7: one set_multi (a pipeline of sets, one round trip); the keys not stored.
        if items.is_empty() {
            return Ok(Vec::new());
        }
        // MC-4: pymemcache checks every key of a set_many before it sends any, so one key
        // over 250 UTF-8 bytes (which Django's 250-character check lets through) stores none.
        for (key, _) in items {
            check_key_bytes(key)?;
        }
        let exptime = self.exptime(timeout);
        let commands: Vec<Vec<Vec<u8>>> = items
            .iter()
            .map(|(key, value)| self.store_args("set", key, value, exptime))
            .collect();
        let replies = self
            .endpoint
            .pipeline(self.transport.as_ref(), &commands)
            .await?;
        let mut failed = Vec::new();
        for ((key, _), reply) in items.iter().zip(replies) {
            if !truthy(reply)? {
                failed.push(key.clone());
            }
        }
        Ok(failed)
    }

    async fn delete_many(&self, keys: &[String]) -> Result<(), CacheError> {
        // MC-6: delete_multi, one round trip.
        if keys.is_empty() {
            return Ok(());
        }
        let commands: Vec<Vec<Vec<u8>>> = keys
            .iter()
            .map(|key| alloc::vec![arg("delete"), arg(key)])
            .collect();
        for reply in self
            .endpoint
            .pipeline(self.transport.as_ref(), &commands)
            .await?
        {
            ok(reply)?;
        }
        Ok(())
    }

    async fn close(&self) -> Result<(), CacheError> {
        // CFG-6: pymemcache disconnects; over HTTP there is nothing held open.
        Ok(())
    }

    async fn inspect(&self, _detail: Detail) -> Result<Inspection, CacheError> {
        // Memcached cannot list its keys; the oracle's dump says "unsupported".
        Ok(Inspection {
            backend: "memcached",
            now: self.clock.now(),
            count: 0,
            order: None,
            entries: Vec::new(),
            stats: Stats::default(),
            last_cull: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    struct Down;
    impl HttpTransport for Down {
        fn send<'a>(
            &'a self,
            _: crate::seam::http::HttpRequest,
        ) -> crate::seam::LocalBoxFuture<'a, Result<crate::seam::http::HttpResponse, CacheError>>
        {
            alloc::boxed::Box::pin(async { Err(CacheError::Connection("down".into())) })
        }
    }

    fn cache(default: Option<i128>) -> MemcachedCache {
        MemcachedCache::new(
            Arc::new(Down),
            Endpoint::new("http://x", ""),
            MemcachedClient::PyMemcache,
            default,
            Arc::new(ManualClock::new(1_700_000_000.5)),
        )
    }

    #[test]
    fn exptimes_follow_the_thirty_day_rule() {
        let c = cache(Some(300));
        let t = |s: f64| c.exptime(Timeout::Seconds(s));
        assert_eq!(c.exptime(Timeout::Default), 300);
        assert_eq!(c.exptime(Timeout::Never), 0);
        assert_eq!((t(0.0), t(0.5), t(-0.9), t(-5.0)), (-1, -1, -1, -5));
        assert_eq!(t(2_592_000.0), 2_592_000);
        assert_eq!(t(2_592_001.0), 2_592_001 + 1_700_000_000);
        assert_eq!(cache(None).exptime(Timeout::Default), 0);
        assert_eq!(cache(Some(0)).exptime(Timeout::Default), -1);
    }

    #[test]
    fn bridge_errors_become_pymemcache_exceptions() {
        let kind = |m: &str| match memcache_error(m.into()) {
            CacheError::Client {
                python_type,
                message,
            } => (python_type.to_string(), message),
            other => (other.python_type().to_string(), other.message().to_string()),
        };
        assert_eq!(
            kind("ILLEGAL_INPUT Key is too long: b'x'"),
            (
                "MemcacheIllegalInputError".into(),
                "Key is too long: b'x'".into()
            )
        );
        assert_eq!(
            kind("CLIENT_ERROR bad data chunk"),
            ("MemcacheClientError".into(), "b'bad data chunk'".into())
        );
        assert_eq!(kind("ERROR").0, "MemcacheUnknownCommandError");
        assert_eq!(kind("connection refused").0, "ConnectionError");
    }

    #[test]
    fn values_carry_pymemcache_flags() {
        assert_eq!(serialize(&Value::from("é")), ("é".as_bytes().to_vec(), 16));
        assert_eq!(serialize(&Value::Int(7)), (b"7".to_vec(), 2));
        assert_eq!(serialize(&Value::Bytes(b"x".to_vec())), (b"x".to_vec(), 0));
        assert_eq!(serialize(&Value::Bool(true)).1, 1);
        for v in [
            Value::from("é"),
            Value::Int(-7),
            Value::Float(1.5),
            Value::Bytes(b"\0".to_vec()),
        ] {
            let (raw, flag) = serialize(&v);
            assert_eq!(deserialize(&raw, flag).unwrap(), v);
        }
    }

    #[test]
    fn a_down_bridge_is_a_connection_error() {
        let error = crate::now_or_never(cache(None).get(":1:k".into()))
            .unwrap()
            .unwrap_err();
        assert_eq!(error.python_type(), "ConnectionError");
    }
}
