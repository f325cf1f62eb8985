//! The backends: one file per Django backend, each holding only that backend's own rules.
//!
//! A backend works on full keys (already made and validated by [`crate::Cache`]) and talks to
//! its storage through a seam. Django's generic `BaseCache` behaviour lives in `cache.rs`; a
//! backend that overrides one of those methods in Django returns `Some` from the matching
//! optional method here, and `None` means "use the generic behaviour".

#[cfg(edgecache_storage_backends)]
pub mod db;
pub mod dummy;
#[cfg(edgecache_storage_backends)]
pub mod filebased;
pub mod locmem;
#[cfg(edgecache_storage_backends)]
pub mod memcached;
#[cfg(edgecache_storage_backends)]
pub mod redis;

use crate::error::CacheError;
use crate::expiry::Timeout;
use crate::inspect::{Detail, Inspection};
use crate::key::{FullKey, KeyPolicy};
use crate::lru_map::Ticket;
use crate::value::Value;
use alloc::string::String;
use alloc::vec::Vec;

/// What every backend provides. Methods are `async` because most storage (Workers KV, D1,
/// `fetch`, IndexedDB) is; the in-memory backends complete without ever waiting.
#[allow(async_fn_in_trait)] // backends run on one thread per isolate; no `Send` bound wanted
pub trait Backend {
    /// The short name: `locmem`, `dummy`, ...
    fn name(&self) -> &'static str;

    /// Whether every future this backend returns completes on its first poll, so the
    /// synchronous API ([`crate::Cache::blocking`]) may drive it.
    fn is_in_memory(&self) -> bool;

    /// How invalid keys are reported (warnings, or memcached's `InvalidCacheKey`).
    fn key_policy(&self) -> KeyPolicy {
        KeyPolicy::Warn
    }

    /// Django's `get_backend_timeout(timeout)`, in the backend's own terms.
    fn backend_timeout(&self, timeout: Timeout) -> Value;

    /// The live value at `key`, or `None`.
    async fn get(&self, key: FullKey<'_>) -> Result<Option<Value>, CacheError>;

    /// Stores `value` at `key`, replacing value and expiry.
    async fn set(&self, key: FullKey<'_>, value: Value, timeout: Timeout)
    -> Result<(), CacheError>;

    /// Stores only if `key` is missing or expired; returns whether it stored.
    async fn add(
        &self,
        key: FullKey<'_>,
        value: Value,
        timeout: Timeout,
    ) -> Result<bool, CacheError>;

    /// Replaces the expiry of a live entry; returns whether it did.
    async fn touch(&self, key: FullKey<'_>, timeout: Timeout) -> Result<bool, CacheError>;

    /// Removes `key`; returns whether something was removed.
    async fn delete(&self, key: FullKey<'_>) -> Result<bool, CacheError>;

    /// Whether a live entry is at `key`.
    async fn has_key(&self, key: FullKey<'_>) -> Result<bool, CacheError>;

    /// Removes everything in the store, whatever its prefix or version.
    async fn clear(&self) -> Result<(), CacheError>;

    /// Which of `BaseCache`'s generic methods this backend replaces with its own.
    fn overrides(&self) -> Overrides {
        Overrides::default()
    }

    /// The backend's own `incr`; called only when [`Overrides::incr`] is set.
    async fn incr(&self, key: FullKey<'_>, delta: &Value) -> Result<Value, CacheError> {
        let _ = (key, delta);
        Err(CacheError::NotImplemented(crate::text::cat(&[
            self.name(),
            " has no incr of its own",
        ])))
    }

    /// The backend's own `get_many` over unique full keys; called only when
    /// [`Overrides::get_many`] is set. Returns the live entries found.
    async fn get_many(&self, keys: &[String]) -> Result<Vec<(String, Value)>, CacheError> {
        let _ = keys;
        Err(CacheError::NotImplemented(crate::text::cat(&[
            self.name(),
            " has no get_many of its own",
        ])))
    }

    /// The backend's own `set_many` over full keys; called only when [`Overrides::set_many`]
    /// is set. Returns the full keys that could not be stored (MC-7).
    async fn set_many(
        &self,
        items: &[(String, Value)],
        timeout: Timeout,
    ) -> Result<Vec<String>, CacheError> {
        let _ = (items, timeout);
        Err(CacheError::NotImplemented(crate::text::cat(&[
            self.name(),
            " has no set_many of its own",
        ])))
    }

    /// The backend's own `delete_many`; called only when [`Overrides::delete_many`] is set.
    async fn delete_many(&self, keys: &[String]) -> Result<(), CacheError> {
        let _ = keys;
        Err(CacheError::NotImplemented(crate::text::cat(&[
            self.name(),
            " has no delete_many of its own",
        ])))
    }

    /// Releases connections (Django's `close`).
    async fn close(&self) -> Result<(), CacheError> {
        Ok(())
    }

    /// The store's contents and its last cull; `stats` other than `culled` are filled in by
    /// the cache.
    async fn inspect(&self, detail: Detail) -> Result<Inspection, CacheError>;
}

/// The synchronous core of a backend that never waits (locmem, dummy): its async [`Backend`]
/// methods of the same name return these, and [`crate::Blocking`] calls them directly, so
/// the hot path of the synchronous API builds no future.
pub trait InMemory {
    /// [`Backend::get`], now.
    fn get_now(&self, key: FullKey<'_>) -> Result<Option<Value>, CacheError>;
    /// [`Backend::set`], now.
    fn set_now(&self, key: FullKey<'_>, value: Value, timeout: Timeout) -> Result<(), CacheError>;
    /// [`InMemory::get_now`], with a [`Ticket`] for the entry a hit read (none from a
    /// backend that keeps nothing).
    fn get_ticketed(
        &self,
        key: FullKey<'_>,
    ) -> Result<(Option<Value>, Option<Ticket>), CacheError> {
        Ok((self.get_now(key)?, None))
    }
    /// A `get` hit on the entry `ticket` was issued for, under the same recency and expiry
    /// rules as [`InMemory::get_now`] but without the key: `true` (and the entry promoted)
    /// when that entry is unchanged and live, `false` (and nothing done) when the ticket has
    /// lapsed or the entry has expired; the caller then makes a full `get`. `now` is the
    /// backend's clock as the caller just read it, or `None` for the backend to read it.
    fn hit_ticket(&self, _ticket: Ticket, _now: Option<f64>) -> bool {
        false
    }
    /// Hits already made (by the npm package's sync get, src/js/hot.rs), applied in order
    /// as [`InMemory::hit_ticket`] would without its expiry check (each happened at its
    /// time): `indices` are the [`Ticket::index`]es of entries that have not changed since
    /// their tickets were issued (the caller's check). The number applied; none for a
    /// backend that gives no tickets.
    fn apply_hits(&self, _indices: &[u32]) -> u64 {
        0
    }
}

/// The generic `BaseCache` methods a backend replaces, as in Django's class hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Overrides {
    /// `incr`/`decr` are the backend's own (locmem, redis, memcached), not get + set.
    pub incr: bool,
    /// `add` is the backend's `has_key` then `set`, each making and validating the key
    /// (filebased), so a new key warns twice.
    pub add_is_has_key_then_set: bool,
    /// `get_many` is one backend call for all keys, validated first (db, redis, memcached).
    pub get_many: bool,
    /// `delete_many` is one backend call for all keys (db, redis, memcached).
    pub delete_many: bool,
    /// `set_many` is one backend call for all keys, validated first (redis, memcached).
    pub set_many: bool,
    /// `clear()` returns `True` instead of `None` (redis, API-12).
    pub clear_returns_true: bool,
    /// `get(k)` is `get_many([k]).get(k)` (db, DB-4), so an unhashable raw key raises
    /// `TypeError` once the rows are read, found or not.
    pub get_is_get_many: bool,
}

/// Every backend this build knows, so a cache can choose one at run time without boxing.
#[derive(Debug)]
#[non_exhaustive]
// An explicit tag byte: telling the variants apart is one compare (with the default layout
// the tag hid in a 128-bit niche, a dozen instructions on every locmem `get`).
#[repr(u8)]
pub enum AnyBackend {
    /// [`locmem::LocMemCache`].
    LocMem(locmem::LocMemCache),
    /// [`dummy::DummyCache`].
    Dummy(dummy::DummyCache),
    /// [`filebased::FileBasedCache`].
    #[cfg(edgecache_storage_backends)]
    FileBased(filebased::FileBasedCache),
    /// [`db::DatabaseCache`].
    #[cfg(edgecache_storage_backends)]
    Database(db::DatabaseCache),
    /// [`redis::RedisCache`].
    #[cfg(edgecache_storage_backends)]
    Redis(redis::RedisCache),
    /// [`memcached::MemcachedCache`].
    #[cfg(edgecache_storage_backends)]
    Memcached(memcached::MemcachedCache),
}

macro_rules! each_backend {
    ($self:ident, $b:ident => $body:expr) => {
        match $self {
            AnyBackend::LocMem($b) => $body,
            AnyBackend::Dummy($b) => $body,
            #[cfg(edgecache_storage_backends)]
            AnyBackend::FileBased($b) => $body,
            #[cfg(edgecache_storage_backends)]
            AnyBackend::Database($b) => $body,
            #[cfg(edgecache_storage_backends)]
            AnyBackend::Redis($b) => $body,
            #[cfg(edgecache_storage_backends)]
            AnyBackend::Memcached($b) => $body,
        }
    };
}

pub mod extras;

impl AnyBackend {
    /// The backend's synchronous core, if it is in memory.
    #[inline]
    pub fn in_memory(&self) -> Option<&dyn InMemory> {
        match self {
            Self::LocMem(b) => Some(b),
            Self::Dummy(b) => Some(b),
            #[allow(unreachable_patterns)] // the in-memory component has no other backend
            _ => None,
        }
    }
}

/// The in-memory backends' synchronous cores without a virtual call (the hot path's
/// dispatch); any other backend would block.
impl InMemory for AnyBackend {
    // Forced natively (the locmem hot path); in wasm, size comes first.
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    #[cfg_attr(target_family = "wasm", inline)]
    fn get_now(&self, key: FullKey<'_>) -> Result<Option<Value>, CacheError> {
        match self {
            Self::LocMem(b) => b.get_now(key),
            Self::Dummy(b) => b.get_now(key),
            #[allow(unreachable_patterns)] // the in-memory component has no other backend
            _ => Err(CacheError::WouldBlock),
        }
    }

    // Forced natively (the locmem hot path); in wasm, size comes first.
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    #[cfg_attr(target_family = "wasm", inline)]
    fn set_now(&self, key: FullKey<'_>, value: Value, timeout: Timeout) -> Result<(), CacheError> {
        match self {
            Self::LocMem(b) => b.set_now(key, value, timeout),
            Self::Dummy(b) => b.set_now(key, value, timeout),
            #[allow(unreachable_patterns)] // the in-memory component has no other backend
            _ => Err(CacheError::WouldBlock),
        }
    }

    fn get_ticketed(
        &self,
        key: FullKey<'_>,
    ) -> Result<(Option<Value>, Option<Ticket>), CacheError> {
        match self.in_memory() {
            Some(b) => b.get_ticketed(key),
            None => Err(CacheError::WouldBlock),
        }
    }

    fn hit_ticket(&self, ticket: Ticket, now: Option<f64>) -> bool {
        self.in_memory().is_some_and(|b| b.hit_ticket(ticket, now))
    }

    fn apply_hits(&self, indices: &[u32]) -> u64 {
        self.in_memory().map_or(0, |b| b.apply_hits(indices))
    }
}

impl Backend for AnyBackend {
    fn name(&self) -> &'static str {
        each_backend!(self, b => b.name())
    }
    fn is_in_memory(&self) -> bool {
        each_backend!(self, b => b.is_in_memory())
    }
    fn key_policy(&self) -> KeyPolicy {
        each_backend!(self, b => b.key_policy())
    }
    fn backend_timeout(&self, timeout: Timeout) -> Value {
        each_backend!(self, b => b.backend_timeout(timeout))
    }
    async fn get(&self, key: FullKey<'_>) -> Result<Option<Value>, CacheError> {
        each_backend!(self, b => b.get(key).await)
    }
    async fn set(
        &self,
        key: FullKey<'_>,
        value: Value,
        timeout: Timeout,
    ) -> Result<(), CacheError> {
        each_backend!(self, b => b.set(key, value, timeout).await)
    }
    async fn add(
        &self,
        key: FullKey<'_>,
        value: Value,
        timeout: Timeout,
    ) -> Result<bool, CacheError> {
        each_backend!(self, b => b.add(key, value, timeout).await)
    }
    async fn touch(&self, key: FullKey<'_>, timeout: Timeout) -> Result<bool, CacheError> {
        each_backend!(self, b => b.touch(key, timeout).await)
    }
    async fn delete(&self, key: FullKey<'_>) -> Result<bool, CacheError> {
        each_backend!(self, b => b.delete(key).await)
    }
    async fn has_key(&self, key: FullKey<'_>) -> Result<bool, CacheError> {
        each_backend!(self, b => b.has_key(key).await)
    }
    async fn clear(&self) -> Result<(), CacheError> {
        each_backend!(self, b => b.clear().await)
    }
    fn overrides(&self) -> Overrides {
        each_backend!(self, b => b.overrides())
    }
    async fn incr(&self, key: FullKey<'_>, delta: &Value) -> Result<Value, CacheError> {
        each_backend!(self, b => b.incr(key, delta).await)
    }
    async fn get_many(&self, keys: &[String]) -> Result<Vec<(String, Value)>, CacheError> {
        each_backend!(self, b => b.get_many(keys).await)
    }
    async fn set_many(
        &self,
        items: &[(String, Value)],
        timeout: Timeout,
    ) -> Result<Vec<String>, CacheError> {
        each_backend!(self, b => b.set_many(items, timeout).await)
    }
    async fn delete_many(&self, keys: &[String]) -> Result<(), CacheError> {
        each_backend!(self, b => b.delete_many(keys).await)
    }
    async fn close(&self) -> Result<(), CacheError> {
        each_backend!(self, b => b.close().await)
    }
    async fn inspect(&self, detail: Detail) -> Result<Inspection, CacheError> {
        each_backend!(self, b => b.inspect(detail).await)
    }
}
