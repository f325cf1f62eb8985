//! django-redis's extras on every cache: `ttl`, `pttl`, `expire`, `pexpire`, `expire_at`,
//! `persist`, `iter_keys`, `delete_pattern`, `lock` and `incr(..., ignore_key_check=True)`,
//! with the results django-redis documents (DR-1..DR-6 in docs/extras.md).

use crate::backend::extras::{BackendExtras, Expiry, Ttl};
use crate::cache::Cache;
use crate::error::CacheError;
use crate::glob;
use crate::key::{Key, KeyBuffer};
use crate::options::Options;
use crate::python;
use crate::value::Value;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// DR-1: `ttl`/`pttl`'s answer: `0` for a missing or expired key, `None` for one that never
/// expires, otherwise the time left.
fn ttl_value(ttl: Ttl) -> Value {
    match ttl {
        Ttl::Missing => Value::Int(0),
        Ttl::Persistent => Value::None,
        Ttl::Remaining(t) => Value::Int(t),
    }
}

/// django-redis's `default_reverse_key`: the part after `prefix:version:`.
fn reverse_key(full: &str) -> String {
    match full.splitn(3, ':').nth(2) {
        Some(raw) => String::from(raw),
        None => String::from(full),
    }
}

impl CacheError {
    /// redis-py's `LockNotOwnedError`, for a release whose token no longer holds the lock.
    pub fn lock_not_owned() -> Self {
        Self::Client {
            python_type: "LockNotOwnedError",
            message: String::from("Cannot release a lock that's no longer owned"),
        }
    }
}

impl Cache {
    async fn ttl_in<'k>(
        &self,
        key: Key<'k>,
        options: Options,
        millis: bool,
    ) -> Result<Value, CacheError> {
        let mut buffer = KeyBuffer::new();
        let full = self.full_key(&key, options.version.as_ref(), &mut buffer)?;
        let ttl = self.absorb(
            self.backend().ttl(full, millis).await.map(ttl_value),
            Value::None,
        )?;
        Ok(ttl)
    }

    /// DR-1: seconds left before `key` expires (Redis rounds to the nearest second); `None`
    /// when it never expires; `0` when it is missing.
    pub async fn ttl<'k>(
        &self,
        key: impl Into<Key<'k>>,
        options: Options,
    ) -> Result<Value, CacheError> {
        self.ttl_in(key.into(), options, false).await
    }

    /// DR-1: [`Cache::ttl`] in milliseconds.
    pub async fn pttl<'k>(
        &self,
        key: impl Into<Key<'k>>,
        options: Options,
    ) -> Result<Value, CacheError> {
        self.ttl_in(key.into(), options, true).await
    }

    async fn expire_with(
        &self,
        key: Key<'_>,
        expiry: Expiry,
        options: Options,
    ) -> Result<bool, CacheError> {
        let mut buffer = KeyBuffer::new();
        let full = self.full_key(&key, options.version.as_ref(), &mut buffer)?;
        self.absorb(self.backend().expire(full, expiry).await, false)
    }

    /// DR-2: `EXPIRE`: the live entry at `key` now expires in `seconds` (zero or less deletes
    /// it); whether there was one.
    pub async fn expire<'k>(
        &self,
        key: impl Into<Key<'k>>,
        seconds: i128,
        options: Options,
    ) -> Result<bool, CacheError> {
        self.expire_with(key.into(), Expiry::Seconds(seconds), options)
            .await
    }

    /// DR-2: `PEXPIRE`: [`Cache::expire`] in milliseconds.
    pub async fn pexpire<'k>(
        &self,
        key: impl Into<Key<'k>>,
        millis: i128,
        options: Options,
    ) -> Result<bool, CacheError> {
        self.expire_with(key.into(), Expiry::Millis(millis), options)
            .await
    }

    /// DR-2: `EXPIREAT`: the live entry at `key` expires at Unix time `when` (a time already
    /// past deletes it); whether there was one.
    pub async fn expire_at<'k>(
        &self,
        key: impl Into<Key<'k>>,
        when: i128,
        options: Options,
    ) -> Result<bool, CacheError> {
        self.expire_with(key.into(), Expiry::AtSeconds(when), options)
            .await
    }

    /// DR-2: `PERSIST`: removes the live entry's expiry; whether it had one.
    pub async fn persist<'k>(
        &self,
        key: impl Into<Key<'k>>,
        options: Options,
    ) -> Result<bool, CacheError> {
        let key = key.into();
        let mut buffer = KeyBuffer::new();
        let full = self.full_key(&key, options.version.as_ref(), &mut buffer)?;
        self.absorb(self.backend().persist(full).await, false)
    }

    /// django-redis's `make_pattern`: the key function over `search` with the prefix and
    /// version glob-escaped.
    pub fn make_pattern(
        &self,
        search: &str,
        version: Option<&Value>,
    ) -> Result<String, CacheError> {
        let keys = self.keys();
        let version = version.unwrap_or(keys.version());
        let pattern = keys.function().apply(
            &Value::from(search),
            &Value::Str(glob::escape(&python::str(keys.prefix()))),
            &Value::Str(glob::escape(&python::str(version))),
        )?;
        Ok(python::str(&pattern))
    }

    /// DR-3: the raw keys of this cache's version matching the Redis glob `search`
    /// (`SCAN ... MATCH` on Redis, emulated elsewhere), each with its `prefix:version:`
    /// removed. Order is the store's.
    pub async fn iter_keys(
        &self,
        search: &str,
        options: Options,
    ) -> Result<Vec<Value>, CacheError> {
        let pattern = self.make_pattern(search, options.version.as_ref())?;
        let found = self.absorb(self.backend().scan(&pattern).await, Vec::new())?;
        Ok(found
            .iter()
            .map(|full| Value::Str(reverse_key(full)))
            .collect())
    }

    /// DR-3: deletes every key of this cache's version matching the glob `pattern`; how many
    /// it found.
    pub async fn delete_pattern(
        &self,
        pattern: &str,
        options: Options,
    ) -> Result<usize, CacheError> {
        let pattern = self.make_pattern(pattern, options.version.as_ref())?;
        let found = self.absorb(self.backend().scan(&pattern).await, Vec::new())?;
        self.absorb(self.backend().delete_found(&found).await, 0)
    }

    /// DR-4: takes the lock named `name` for `token` (a random string the caller keeps) if
    /// no one holds it: `SET key token NX PX timeout` on Redis, `add` elsewhere. `timeout_ms`
    /// bounds how long it is held; `None` holds it until released.
    pub async fn lock_acquire<'k>(
        &self,
        name: impl Into<Key<'k>>,
        token: &str,
        timeout_ms: Option<i128>,
        options: Options,
    ) -> Result<bool, CacheError> {
        if let Some(ms) = timeout_ms.filter(|ms| *ms <= 0) {
            return Err(CacheError::Value(format!(
                "a lock's timeout must be positive, not {ms} ms"
            )));
        }
        let name = name.into();
        let mut buffer = KeyBuffer::new();
        let full = self.full_key(&name, options.version.as_ref(), &mut buffer)?;
        self.backend().lock_acquire(full, token, timeout_ms).await
    }

    /// DR-4: releases the lock named `name` only if `token` still holds it (a Lua script on
    /// Redis, so another holder's lock is never deleted); whether it did. A `false` is
    /// redis-py's [`CacheError::lock_not_owned`].
    pub async fn lock_release<'k>(
        &self,
        name: impl Into<Key<'k>>,
        token: &str,
        options: Options,
    ) -> Result<bool, CacheError> {
        let name = name.into();
        let mut buffer = KeyBuffer::new();
        let full = self.full_key(&name, options.version.as_ref(), &mut buffer)?;
        self.backend().lock_release(full, token).await
    }

    /// DR-5: `incr(key, delta, ignore_key_check=True)`: a missing key counts from zero and
    /// then never expires (as `INCRBY` leaves it); otherwise [`Cache::incr`].
    pub async fn incr_ignoring_key_check<'k>(
        &self,
        key: impl Into<Key<'k>>,
        delta: impl Into<Value>,
        options: Options,
    ) -> Result<Value, CacheError> {
        let (key, delta) = (key.into(), delta.into());
        {
            let mut buffer = KeyBuffer::new();
            let full = self.full_key(&key, options.version.as_ref(), &mut buffer)?;
            if let Some(value) = self.absorb(
                self.backend().incr_unchecked(full, &delta).await,
                Some(Value::None),
            )? {
                return Ok(value);
            }
        }
        let never = Options {
            timeout: crate::expiry::Timeout::Never,
            version: options.version.clone(),
        };
        if self.add(key.clone(), delta.clone(), never).await? {
            return Ok(delta);
        }
        self.incr(key, delta, options).await
    }
}
