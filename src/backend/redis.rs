//! Django's `RedisCache` (RD-1..RD-7) over the HTTP-transport seam, speaking the Upstash REST
//! protocol: to Upstash itself or to the edgecache bridge in front of real Redis servers.
//!
//! Values are stored exactly as Django's `RedisSerializer` stores them (ints as decimal text,
//! everything else pickled), so a Django app on the same Redis database reads them.

use super::{Backend, Overrides};
use crate::clock::Clock;
use crate::codec::format::ValueFormat;
use crate::codec::pickle;
use crate::error::CacheError;
use crate::expiry::Timeout;
use crate::inspect::{Detail, EntryOrder, EntryView, Inspection, Stats};
use crate::key::FullKey;
use crate::seam::http::{Endpoint, HttpTransport, Reply, decode_bytes};
use crate::value::Value;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;
use core::sync::atomic::{AtomicU64, Ordering};

/// Redis's largest string value (`proto-max-bulk-len`, 512 MB).
pub const MAX_VALUE_BYTES: usize = 512 * 1024 * 1024;

/// A Redis cache over one leader and optional replicas.
pub struct RedisCache {
    transport: Arc<dyn HttpTransport>,
    /// RD-4: the servers of `LOCATION`, in order; the first is the leader.
    servers: Vec<Endpoint>,
    default_timeout: Option<i128>,
    clock: Arc<dyn Clock>,
    random: AtomicU64,
    /// `OPTIONS["SERIALIZER"]` and `OPTIONS["COMPRESSOR"]` (pickle, uncompressed by default).
    format: ValueFormat,
}

impl fmt::Debug for RedisCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisCache")
            .field("servers", &self.servers)
            .finish_non_exhaustive()
    }
}

/// RD-2: Django's `RedisSerializer.dumps`: an exact int as decimal text, anything else pickled.
pub fn serialize(value: &Value) -> Vec<u8> {
    match value {
        Value::Int(i) => i.to_string().into_bytes(),
        other => pickle::dumps(other),
    }
}

/// RD-2: `RedisSerializer.loads`: `int(raw)` when that works, otherwise unpickle.
pub fn deserialize(raw: &[u8]) -> Result<Value, CacheError> {
    if let Some(int) = python_int(raw) {
        return int;
    }
    pickle::loads(raw).map_err(|e| CacheError::Client {
        python_type: "UnpicklingError",
        message: format!("{e}"),
    })
}

/// Python's `int(bytes)`: optional whitespace around an optional sign and decimal digits,
/// single underscores allowed between digits. `None` when Python would raise ValueError.
pub(crate) fn python_int(raw: &[u8]) -> Option<Result<Value, CacheError>> {
    let text = core::str::from_utf8(raw)
        .ok()?
        .trim_matches(|c: char| c.is_ascii_whitespace());
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let bytes = digits.as_bytes();
    if bytes.is_empty()
        || !bytes[0].is_ascii_digit()
        || !bytes[bytes.len() - 1].is_ascii_digit()
        || bytes.windows(2).any(|w| w == b"__")
        || !bytes.iter().all(|b| b.is_ascii_digit() || *b == b'_')
    {
        return None;
    }
    let mut value: i128 = 0;
    for &b in bytes.iter().filter(|b| **b != b'_') {
        let next = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i128::from(b - b'0')));
        match next {
            Some(v) => value = v,
            None => {
                return Some(Err(CacheError::Overflow(
                    "edgecache keeps ints within 128 bits; this stored int is larger".into(),
                )));
            }
        }
    }
    Some(Ok(Value::Int(if negative { -value } else { value })))
}

/// A Redis error reply as redis-py raises it: `ResponseError`, with a leading `ERR ` removed.
fn response_error(message: String) -> CacheError {
    let message = match message.strip_prefix("ERR ") {
        Some(rest) => rest.to_string(),
        None => message,
    };
    CacheError::Client {
        python_type: "ResponseError",
        message,
    }
}

fn ok(reply: Reply) -> Result<Value, CacheError> {
    reply.map_err(response_error)
}

fn integer(reply: Reply) -> Result<i128, CacheError> {
    match ok(reply)? {
        Value::Int(i) => Ok(i),
        other => Err(CacheError::Connection(format!(
            "expected an integer reply, got {}",
            crate::python::repr(&other)
        ))),
    }
}

fn bytes_arg(text: &str) -> Vec<u8> {
    text.as_bytes().to_vec()
}

impl RedisCache {
    /// A cache over `servers` (the leader first, then replicas) reached through `transport`.
    pub fn new(
        transport: Arc<dyn HttpTransport>,
        servers: Vec<Endpoint>,
        default_timeout: Option<i128>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, CacheError> {
        if servers.is_empty() {
            return Err(CacheError::InvalidBackend(
                "the redis backend needs at least one server in LOCATION".into(),
            ));
        }
        let seed = clock.now().to_bits() | 1;
        Ok(Self {
            transport,
            servers,
            default_timeout,
            clock,
            random: AtomicU64::new(seed),
            format: ValueFormat::default(),
        })
    }

    /// The same cache storing values in `format` (the `SERIALIZER`/`COMPRESSOR` options).
    pub fn with_format(mut self, format: ValueFormat) -> Self {
        self.format = format;
        self
    }

    /// The stored bytes of `value`: Redis refuses strings over 512 MB.
    fn encode(&self, value: &Value) -> Result<Vec<u8>, CacheError> {
        self.format.encode(value, MAX_VALUE_BYTES, "Redis")
    }

    /// RD-4: writes go to the leader.
    fn writer(&self) -> &Endpoint {
        &self.servers[0]
    }

    /// RD-4: reads go to the leader when it is alone, otherwise to a random replica.
    fn reader(&self) -> &Endpoint {
        let n = self.servers.len();
        if n == 1 {
            return &self.servers[0];
        }
        // xorshift64*: any uniform-enough choice will do; Django uses `random.randint`.
        let mut x = self.random.load(Ordering::Relaxed);
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.random.store(x, Ordering::Relaxed);
        let r = x.wrapping_mul(0x2545_F491_4F6C_DD1D);
        &self.servers[1 + (r % (n as u64 - 1)) as usize]
    }

    async fn command(&self, server: &Endpoint, args: &[Vec<u8>]) -> Result<Reply, CacheError> {
        server.command(self.transport.as_ref(), args).await
    }

    /// TMO-5: `None` → persistent, otherwise `max(0, int(t))` (floats truncate).
    fn seconds(&self, timeout: Timeout) -> Option<i128> {
        let seconds = match timeout {
            Timeout::Default => return self.default_timeout.map(|t| t.max(0)),
            Timeout::Never => return None,
            Timeout::Seconds(s) => s,
        };
        Some(if seconds.is_nan() {
            0
        } else {
            (seconds as i128).max(0)
        })
    }
}

impl Backend for RedisCache {
    fn name(&self) -> &'static str {
        "redis"
    }

    fn is_in_memory(&self) -> bool {
        false
    }

    fn backend_timeout(&self, timeout: Timeout) -> Value {
        self.seconds(timeout).map_or(Value::None, Value::Int)
    }

    async fn get(&self, key: FullKey<'_>) -> Result<Option<Value>, CacheError> {
        let key = &*key.joined();
        let reply = self
            .command(self.reader(), &[bytes_arg("GET"), bytes_arg(key)])
            .await?;
        match decode_bytes(&ok(reply)?)? {
            Some(raw) => self.format.decode(&raw).map(Some),
            None => Ok(None),
        }
    }

    async fn set(
        &self,
        key: FullKey<'_>,
        value: Value,
        timeout: Timeout,
    ) -> Result<(), CacheError> {
        let key = &*key.joined();
        // RD-3: timeout 0 deletes; None sets without EX (clearing any TTL).
        let args = match self.seconds(timeout) {
            Some(0) => alloc::vec![bytes_arg("DEL"), bytes_arg(key)],
            Some(t) => alloc::vec![
                bytes_arg("SET"),
                bytes_arg(key),
                self.encode(&value)?,
                bytes_arg("EX"),
                bytes_arg(&t.to_string())
            ],
            None => alloc::vec![bytes_arg("SET"), bytes_arg(key), self.encode(&value)?],
        };
        ok(self.command(self.writer(), &args).await?)?;
        Ok(())
    }

    async fn add(
        &self,
        key: FullKey<'_>,
        value: Value,
        timeout: Timeout,
    ) -> Result<bool, CacheError> {
        let key = &*key.joined();
        let mut args = alloc::vec![bytes_arg("SET"), bytes_arg(key), self.encode(&value)?];
        let seconds = self.seconds(timeout);
        if let Some(t) = seconds.filter(|t| *t != 0) {
            args.push(bytes_arg("EX"));
            args.push(bytes_arg(&t.to_string()));
        }
        args.push(bytes_arg("NX"));
        let stored = ok(self.command(self.writer(), &args).await?)? != Value::None;
        if stored && seconds == Some(0) {
            // RD-3: add with timeout 0 stores with NX, then deletes what it stored.
            ok(self
                .command(self.writer(), &[bytes_arg("DEL"), bytes_arg(key)])
                .await?)?;
        }
        Ok(stored)
    }

    async fn touch(&self, key: FullKey<'_>, timeout: Timeout) -> Result<bool, CacheError> {
        let key = &*key.joined();
        // RD-3: None → PERSIST (False when there was no TTL); otherwise EXPIRE.
        let args = match self.seconds(timeout) {
            None => alloc::vec![bytes_arg("PERSIST"), bytes_arg(key)],
            Some(t) => alloc::vec![
                bytes_arg("EXPIRE"),
                bytes_arg(key),
                bytes_arg(&t.to_string())
            ],
        };
        Ok(integer(self.command(self.writer(), &args).await?)? != 0)
    }

    async fn delete(&self, key: FullKey<'_>) -> Result<bool, CacheError> {
        let key = &*key.joined();
        let reply = self
            .command(self.writer(), &[bytes_arg("DEL"), bytes_arg(key)])
            .await?;
        Ok(integer(reply)? != 0)
    }

    async fn has_key(&self, key: FullKey<'_>) -> Result<bool, CacheError> {
        let key = &*key.joined();
        let reply = self
            .command(self.reader(), &[bytes_arg("EXISTS"), bytes_arg(key)])
            .await?;
        Ok(integer(reply)? != 0)
    }

    async fn clear(&self) -> Result<(), CacheError> {
        // RD-3 / API-12: FLUSHDB wipes the whole logical database, whatever the prefix.
        ok(self.command(self.writer(), &[bytes_arg("FLUSHDB")]).await?)?;
        Ok(())
    }

    fn overrides(&self) -> Overrides {
        Overrides {
            incr: true,
            get_many: true,
            set_many: true,
            delete_many: true,
            clear_returns_true: true,
            ..Overrides::default()
        }
    }

    async fn incr(&self, key: FullKey<'_>, delta: &Value) -> Result<Value, CacheError> {
        let key = &*key.joined();
        // RD-3: EXISTS on the leader, then INCRBY (not atomic together, as in Django).
        let exists = self
            .command(self.writer(), &[bytes_arg("EXISTS"), bytes_arg(key)])
            .await?;
        if integer(exists)? == 0 {
            // RD-3: the full key, and a trailing period.
            return Err(CacheError::Value(format!("Key '{key}' not found.")));
        }
        let delta = match delta {
            Value::Int(i) => i.to_string(),
            Value::Bool(_) => {
                return Err(CacheError::Client {
                    python_type: "DataError",
                    message: "Invalid input of type: 'bool'. Convert to a bytes, string, int or float first.".into(),
                });
            }
            other => crate::python::str(other),
        };
        // RD-6: INCRBY keeps the TTL; the server's errors are redis-py's ResponseError.
        let reply = self
            .command(
                self.writer(),
                &[bytes_arg("INCRBY"), bytes_arg(key), bytes_arg(&delta)],
            )
            .await?;
        Ok(Value::Int(integer(reply)?))
    }

    async fn get_many(&self, keys: &[String]) -> Result<Vec<(String, Value)>, CacheError> {
        // RD-3: one MGET on a read connection.
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let mut args = alloc::vec![bytes_arg("MGET")];
        args.extend(keys.iter().map(|k| bytes_arg(k)));
        let Value::List(values) = ok(self.command(self.reader(), &args).await?)? else {
            return Err(CacheError::Connection("MGET did not answer a list".into()));
        };
        let mut found = Vec::new();
        for (key, value) in keys.iter().zip(values) {
            if let Some(raw) = decode_bytes(&value)? {
                found.push((key.clone(), self.format.decode(&raw)?));
            }
        }
        Ok(found)
    }

    async fn set_many(
        &self,
        items: &[(String, Value)],
        timeout: Timeout,
    ) -> Result<Vec<String>, CacheError> {
        // RD-3: a pipeline of MSET plus EXPIRE per key unless the timeout is None; one round
        // trip. Empty → no I/O.
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let mut mset = alloc::vec![bytes_arg("MSET")];
        for (key, value) in items {
            mset.push(bytes_arg(key));
            mset.push(self.encode(value)?);
        }
        let mut commands = alloc::vec![mset];
        if let Some(t) = self.seconds(timeout) {
            for (key, _) in items {
                commands.push(alloc::vec![
                    bytes_arg("EXPIRE"),
                    bytes_arg(key),
                    bytes_arg(&t.to_string())
                ]);
            }
        }
        let replies = self
            .writer()
            .pipeline(self.transport.as_ref(), &commands)
            .await?;
        for reply in replies {
            ok(reply)?;
        }
        Ok(Vec::new())
    }

    async fn delete_many(&self, keys: &[String]) -> Result<(), CacheError> {
        // RD-3: one DEL for every key; nothing for an empty list.
        if keys.is_empty() {
            return Ok(());
        }
        let mut args = alloc::vec![bytes_arg("DEL")];
        args.extend(keys.iter().map(|k| bytes_arg(k)));
        ok(self.command(self.writer(), &args).await?)?;
        Ok(())
    }

    async fn inspect(&self, detail: Detail) -> Result<Inspection, CacheError> {
        let now = self.clock.now();
        let keys = ok(self
            .command(self.writer(), &[bytes_arg("KEYS"), bytes_arg("*")])
            .await?)?;
        let Value::List(keys) = keys else {
            return Err(CacheError::Connection("KEYS did not answer a list".into()));
        };
        let mut names = Vec::new();
        for key in &keys {
            let raw = decode_bytes(key)?.unwrap_or_default();
            names.push(String::from_utf8_lossy(&raw).into_owned());
        }
        names.sort();
        let mut entries = Vec::new();
        if detail == Detail::Full && !names.is_empty() {
            let mut commands = Vec::new();
            for name in &names {
                commands.push(alloc::vec![bytes_arg("GET"), bytes_arg(name)]);
                commands.push(alloc::vec![bytes_arg("TTL"), bytes_arg(name)]);
            }
            let replies = self
                .writer()
                .pipeline(self.transport.as_ref(), &commands)
                .await?;
            let mut replies = replies.into_iter();
            for name in &names {
                let (Some(value), Some(ttl)) = (replies.next(), replies.next()) else {
                    break;
                };
                let Some(raw) = decode_bytes(&ok(value)?)? else {
                    continue; // expired between KEYS and GET
                };
                let ttl = integer(ttl)?;
                entries.push(EntryView {
                    key: name.clone(),
                    value: self.format.decode(&raw)?,
                    expires_at: (ttl >= 0).then_some(now + ttl as f64),
                });
            }
        }
        Ok(Inspection {
            backend: "redis",
            now,
            count: names.len(),
            order: Some(EntryOrder::KeyAscending),
            entries,
            stats: Stats::default(),
            last_cull: None,
        })
    }
}

/// redis-py's `Lock.release` script: delete the key only while it holds our token.
const RELEASE_SCRIPT: &str = "local token = redis.call('get', KEYS[1]) \
if not token or token ~= ARGV[1] then return 0 end \
redis.call('del', KEYS[1]) return 1";

/// django-redis's `SCAN` page size (`DJANGO_REDIS_SCAN_ITERSIZE`).
const SCAN_COUNT: &str = "10";

/// django-redis's extras as the Redis commands it sends.
impl super::extras::BackendExtras for RedisCache {
    async fn ttl(&self, key: FullKey<'_>, millis: bool) -> Result<super::extras::Ttl, CacheError> {
        use super::extras::Ttl;
        let key = &*key.joined();
        // django-redis asks EXISTS first (0 → missing), then TTL or PTTL.
        let command = if millis { "PTTL" } else { "TTL" };
        let replies = self
            .reader()
            .pipeline(
                self.transport.as_ref(),
                &[
                    alloc::vec![bytes_arg("EXISTS"), bytes_arg(key)],
                    alloc::vec![bytes_arg(command), bytes_arg(key)],
                ],
            )
            .await?;
        let mut replies = replies.into_iter();
        let (Some(exists), Some(ttl)) = (replies.next(), replies.next()) else {
            return Err(CacheError::Connection("a short pipeline reply".into()));
        };
        if integer(exists)? == 0 {
            return Ok(Ttl::Missing);
        }
        Ok(match integer(ttl)? {
            -1 => Ttl::Persistent,
            t if t < 0 => Ttl::Missing,
            t => Ttl::Remaining(t),
        })
    }

    async fn expire(
        &self,
        key: FullKey<'_>,
        expiry: super::extras::Expiry,
    ) -> Result<bool, CacheError> {
        use super::extras::Expiry;
        let key = &*key.joined();
        let (command, amount) = match expiry {
            Expiry::Seconds(s) => ("EXPIRE", s),
            Expiry::Millis(ms) => ("PEXPIRE", ms),
            Expiry::AtSeconds(at) => ("EXPIREAT", at),
        };
        let args = [
            bytes_arg(command),
            bytes_arg(key),
            bytes_arg(&amount.to_string()),
        ];
        Ok(integer(self.command(self.writer(), &args).await?)? != 0)
    }

    async fn persist(&self, key: FullKey<'_>) -> Result<bool, CacheError> {
        let key = &*key.joined();
        let args = [bytes_arg("PERSIST"), bytes_arg(key)];
        Ok(integer(self.command(self.writer(), &args).await?)? != 0)
    }

    async fn scan(&self, pattern: &str) -> Result<Vec<String>, CacheError> {
        // redis-py's scan_iter: SCAN from cursor 0 until the server answers cursor 0.
        let mut cursor = String::from("0");
        let mut keys = Vec::new();
        loop {
            let args = [
                bytes_arg("SCAN"),
                bytes_arg(&cursor),
                bytes_arg("MATCH"),
                bytes_arg(pattern),
                bytes_arg("COUNT"),
                bytes_arg(SCAN_COUNT),
            ];
            let reply = ok(self.command(self.reader(), &args).await?)?;
            let Value::List(parts) = reply else {
                return Err(CacheError::Connection("SCAN did not answer a list".into()));
            };
            let [next, Value::List(page)] = parts.as_slice() else {
                return Err(CacheError::Connection(
                    "SCAN did not answer [cursor, keys]".into(),
                ));
            };
            for key in page {
                let raw = decode_bytes(key)?.unwrap_or_default();
                keys.push(String::from_utf8_lossy(&raw).into_owned());
            }
            let next = decode_bytes(next)?.unwrap_or_default();
            cursor = String::from_utf8_lossy(&next).into_owned();
            if cursor == "0" {
                return Ok(keys);
            }
        }
    }

    async fn delete_found(&self, keys: &[String]) -> Result<usize, CacheError> {
        // django-redis's delete_pattern: one DEL per key found, in one pipeline.
        if keys.is_empty() {
            return Ok(0);
        }
        let commands: Vec<Vec<Vec<u8>>> = keys
            .iter()
            .map(|key| alloc::vec![bytes_arg("DEL"), bytes_arg(key)])
            .collect();
        for reply in self
            .writer()
            .pipeline(self.transport.as_ref(), &commands)
            .await?
        {
            ok(reply)?;
        }
        Ok(keys.len())
    }

    async fn lock_acquire(
        &self,
        key: FullKey<'_>,
        token: &str,
        timeout_ms: Option<i128>,
    ) -> Result<bool, CacheError> {
        // redis-py's Lock.do_acquire: SET name token NX [PX ms]; the token is stored raw.
        let key = &*key.joined();
        let mut args = alloc::vec![
            bytes_arg("SET"),
            bytes_arg(key),
            bytes_arg(token),
            bytes_arg("NX")
        ];
        if let Some(ms) = timeout_ms {
            args.push(bytes_arg("PX"));
            args.push(bytes_arg(&ms.to_string()));
        }
        Ok(ok(self.command(self.writer(), &args).await?)? != Value::None)
    }

    async fn lock_release(&self, key: FullKey<'_>, token: &str) -> Result<bool, CacheError> {
        let key = &*key.joined();
        let args = [
            bytes_arg("EVAL"),
            bytes_arg(RELEASE_SCRIPT),
            bytes_arg("1"),
            bytes_arg(key),
            bytes_arg(token),
        ];
        Ok(integer(self.command(self.writer(), &args).await?)? == 1)
    }

    async fn incr_unchecked(
        &self,
        key: FullKey<'_>,
        delta: &Value,
    ) -> Result<Option<Value>, CacheError> {
        // django-redis with ignore_key_check: INCRBY alone (a missing key starts at 0).
        let key = &*key.joined();
        let Value::Int(delta) = delta else {
            return Err(CacheError::Type(format!(
                "incr with ignore_key_check needs an int delta, not {}",
                crate::python::type_name(delta)
            )));
        };
        let args = [
            bytes_arg("INCRBY"),
            bytes_arg(key),
            bytes_arg(&delta.to_string()),
        ];
        Ok(Some(Value::Int(integer(
            self.command(self.writer(), &args).await?,
        )?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_are_raw_and_everything_else_pickled() {
        assert_eq!(serialize(&Value::Int(-5)), b"-5");
        assert_eq!(
            serialize(&Value::Bool(true)),
            pickle::dumps(&Value::Bool(true))
        );
        assert_eq!(
            serialize(&Value::from("5")),
            pickle::dumps(&Value::from("5"))
        );
        assert_eq!(deserialize(b" 1_000\n").unwrap(), Value::Int(1000));
        assert_eq!(
            deserialize(&pickle::dumps(&Value::from("x"))).unwrap(),
            Value::from("x")
        );
        assert!(python_int(b"1__0").is_none());
        assert!(python_int(b"_1").is_none());
    }
}
