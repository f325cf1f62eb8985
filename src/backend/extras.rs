//! django-redis's extras (`ttl`, `expire`, `persist`, `iter_keys`, `lock`, ...) as optional
//! backend methods: Redis runs them as the commands django-redis sends, the in-memory
//! backends emulate them, and a backend that cannot do one answers a typed
//! `NotImplementedError` naming itself and the method.

use super::{AnyBackend, Backend};
use crate::error::CacheError;
use crate::expiry::Timeout;
use crate::key::FullKey;
use crate::value::Value;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// What `TTL`/`PTTL` find at a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ttl {
    /// No live entry (Redis's `-2`).
    Missing,
    /// A live entry that never expires (Redis's `-1`).
    Persistent,
    /// A live entry expiring after this many seconds or milliseconds.
    Remaining(i128),
}

/// A new expiry for `expire`-like methods, as the Redis command that sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// `EXPIRE key seconds`: zero or less deletes the key.
    Seconds(i128),
    /// `PEXPIRE key milliseconds`.
    Millis(i128),
    /// `EXPIREAT key unix-seconds`: a time in the past deletes the key.
    AtSeconds(i128),
}

impl Expiry {
    /// The absolute expiry in Unix seconds, seen at `now`.
    pub fn at(self, now: f64) -> f64 {
        match self {
            Self::Seconds(s) => now + s as f64,
            Self::Millis(ms) => now + ms as f64 / 1000.0,
            Self::AtSeconds(at) => at as f64,
        }
    }
}

/// Redis's answer for an entry expiring at `expires_at` seen at `now`: milliseconds left, or
/// seconds rounded to the nearest (`(ms + 500) / 1000`), as `TTL` rounds.
pub fn remaining(expires_at: Option<f64>, now: f64, millis: bool) -> Ttl {
    let Some(at) = expires_at else {
        return Ttl::Persistent;
    };
    let ms = ((at - now) * 1000.0) as i128;
    if ms < 0 {
        return Ttl::Missing;
    }
    Ttl::Remaining(if millis { ms } else { (ms + 500) / 1000 })
}

fn unsupported<T>(backend: &str, method: &str) -> Result<T, CacheError> {
    Err(CacheError::NotImplemented(format!(
        "the {backend} backend cannot {method}"
    )))
}

/// The extras a backend may offer beyond Django's API. Every method has a default: the lock
/// and `ignore_key_check` defaults are built on `add`/`get`/`delete`/`incr`, the rest answer
/// [`CacheError::NotImplemented`].
#[allow(async_fn_in_trait)]
pub trait BackendExtras: Backend {
    /// `TTL` (seconds) or `PTTL` (`millis`) of `key`.
    async fn ttl(&self, key: FullKey<'_>, millis: bool) -> Result<Ttl, CacheError> {
        let _ = (key, millis);
        unsupported(self.name(), "tell an entry's time to live")
    }

    /// Gives a live entry a new expiry; whether there was one.
    async fn expire(&self, key: FullKey<'_>, expiry: Expiry) -> Result<bool, CacheError> {
        let _ = (key, expiry);
        unsupported(self.name(), "change an entry's expiry")
    }

    /// Removes a live entry's expiry; whether it had one.
    async fn persist(&self, key: FullKey<'_>) -> Result<bool, CacheError> {
        let _ = key;
        unsupported(self.name(), "make an entry persistent")
    }

    /// The full keys of live entries matching the Redis glob `pattern`.
    async fn scan(&self, pattern: &str) -> Result<Vec<String>, CacheError> {
        let _ = pattern;
        unsupported(self.name(), "list its keys")
    }

    /// Deletes the full keys [`BackendExtras::scan`] found; how many it was given.
    async fn delete_found(&self, keys: &[String]) -> Result<usize, CacheError> {
        for key in keys {
            self.delete(FullKey::whole(key)).await?;
        }
        Ok(keys.len())
    }

    /// Takes the lock at `key` for `token` unless it is held; `timeout_ms` bounds its life.
    async fn lock_acquire(
        &self,
        key: FullKey<'_>,
        token: &str,
        timeout_ms: Option<i128>,
    ) -> Result<bool, CacheError> {
        let timeout = match timeout_ms {
            Some(ms) => Timeout::Seconds(ms as f64 / 1000.0),
            None => Timeout::Never,
        };
        self.add(key, Value::from(token), timeout).await
    }

    /// Releases the lock at `key` if `token` still holds it; whether it did.
    async fn lock_release(&self, key: FullKey<'_>, token: &str) -> Result<bool, CacheError> {
        if self.get(key).await?.as_ref().and_then(Value::as_str) != Some(token) {
            return Ok(false);
        }
        self.delete(key).await
    }

    /// `incr(key, delta, ignore_key_check=True)`: a missing key starts from zero and, as
    /// `INCRBY` leaves it, never expires. `None` asks the cache to do it generically.
    async fn incr_unchecked(
        &self,
        key: FullKey<'_>,
        delta: &Value,
    ) -> Result<Option<Value>, CacheError> {
        let _ = (key, delta);
        Ok(None)
    }
}

impl BackendExtras for AnyBackend {
    async fn ttl(&self, key: FullKey<'_>, millis: bool) -> Result<Ttl, CacheError> {
        each_backend!(self, b => b.ttl(key, millis).await)
    }
    async fn expire(&self, key: FullKey<'_>, expiry: Expiry) -> Result<bool, CacheError> {
        each_backend!(self, b => b.expire(key, expiry).await)
    }
    async fn persist(&self, key: FullKey<'_>) -> Result<bool, CacheError> {
        each_backend!(self, b => b.persist(key).await)
    }
    async fn scan(&self, pattern: &str) -> Result<Vec<String>, CacheError> {
        each_backend!(self, b => b.scan(pattern).await)
    }
    async fn delete_found(&self, keys: &[String]) -> Result<usize, CacheError> {
        each_backend!(self, b => b.delete_found(keys).await)
    }
    async fn lock_acquire(
        &self,
        key: FullKey<'_>,
        token: &str,
        timeout_ms: Option<i128>,
    ) -> Result<bool, CacheError> {
        each_backend!(self, b => b.lock_acquire(key, token, timeout_ms).await)
    }
    async fn lock_release(&self, key: FullKey<'_>, token: &str) -> Result<bool, CacheError> {
        each_backend!(self, b => b.lock_release(key, token).await)
    }
    async fn incr_unchecked(
        &self,
        key: FullKey<'_>,
        delta: &Value,
    ) -> Result<Option<Value>, CacheError> {
        each_backend!(self, b => b.incr_unchecked(key, delta).await)
    }
}

#[cfg(edgecache_storage_backends)]
impl BackendExtras for super::memcached::MemcachedCache {}
