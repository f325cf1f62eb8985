//! One configured cache: Django's `BaseCache` behaviour over a backend.
//!
//! Keys are made and validated here (KEY-4..KEY-6); every method Django implements
//! generically in `BaseCache` (API-4..API-10, API-13) is implemented here once, on top of the
//! backend's primitives, so backends hold only what they do differently.
//!
//! A rule that calls the backend is written once, in a `rule!` method: `async` where storage
//! backends are compiled, synchronous in the in-memory builds (`edgecache_memory_only`); the
//! public `async` methods and the synchronous face ([`crate::Blocking`]) call those.

use crate::backend::{AnyBackend, Backend, InMemory};
use crate::error::{CacheError, Warning};
use crate::expiry::Timeout;
use crate::inspect::{Detail, Inspection, Stats};
use crate::key::{self, FullKey, Key, KeyBuffer, KeyMaker};
use crate::lru_map::Ticket;
use crate::options::Options;
use crate::python;
use crate::sync::Mutex;
use crate::value::Value;
use alloc::string::String;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};

/// Warnings kept for [`Cache::take_warnings`] before the oldest are dropped.
const WARNING_BUFFER: usize = 1024;

#[derive(Debug, Default)]
struct Counters {
    hits: AtomicU64,
    misses: AtomicU64,
    sets: AtomicU64,
    deletes: AtomicU64,
}

impl Counters {
    fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// A cache alias, as `django.core.cache.caches[alias]` gives it.
#[derive(Debug)]
pub struct Cache {
    alias: String,
    keys: KeyMaker,
    backend: AnyBackend,
    warnings: Mutex<Vec<Warning>>,
    counters: Counters,
    /// django-redis's `IGNORE_EXCEPTIONS`: a server that cannot be reached reads as a miss and
    /// drops writes (with a warning) instead of raising.
    ignore_exceptions: bool,
    /// Stampede protection for `get_or_set` (`src/stampede.rs`).
    stampede: crate::stampede::Stampede,
    /// The clock stampede protection reads, and latency's clock on backends that await
    /// storage (`with_stampede`).
    clock: Option<crate::stats::StatsClock>,
    /// Whether operations are timed (backends that do I/O only, never the in-memory ones).
    timed: bool,
    latency: crate::stats::Latency,
}

/// [`Cache::full_key`] for the synchronous hot paths, spelled out in place: no `Result` around
/// the clean key (natively, building and reading back that `Result` on the stack stalled
/// store-to-load forwarding), and `$buffer` (declared by the caller, uninitialised) filled only
/// for a key that is not clean. A macro, not a function taking a closure: the closure form
/// cost ~19 instructions per operation in the locmem bench (cachegrind).
macro_rules! full_key_now {
    ($cache:expr, $key:expr, $version:expr, $buffer:ident) => {
        match $cache.keys.clean_default_key($key, $version) {
            Some(full) => full,
            None => {
                $buffer = KeyBuffer::new();
                $cache.full_key_checked($key, $version, &mut $buffer)?
            }
        }
    };
}

/// Declares a method that holds a Django rule over backend calls, once for both kinds of
/// build: `async` where storage backends exist, synchronous in the in-memory builds (build.rs,
/// `edgecache_memory_only`), whose backends all answer at once, so that no operation there
/// builds a future. Its steps are [`step!`] (another such method), [`timed!`] and [`io!`] (a
/// backend call).
#[cfg(not(edgecache_memory_only))]
macro_rules! rule {
    ($(#[$attr:meta])* $vis:vis fn $($rest:tt)*) => { $(#[$attr])* $vis async fn $($rest)* };
}
#[cfg(edgecache_memory_only)]
macro_rules! rule {
    ($(#[$attr:meta])* $vis:vis fn $($rest:tt)*) => { $(#[$attr])* $vis fn $($rest)* };
}

/// A call of a [`rule!`] method: awaited, or (in-memory builds) made.
#[cfg(not(edgecache_memory_only))]
macro_rules! step {
    ($call:expr) => {
        $call.await
    };
}
#[cfg(edgecache_memory_only)]
macro_rules! step {
    ($call:expr) => {
        $call
    };
}

/// A backend call in a [`rule!`] method: awaited, or (in-memory builds, where every backend
/// future is ready at once) polled once, `WouldBlock` if it were not ready.
#[cfg(not(edgecache_memory_only))]
macro_rules! io {
    ($call:expr) => {
        $call.await
    };
}
#[cfg(edgecache_memory_only)]
macro_rules! io {
    ($call:expr) => {
        crate::blocking::poll_once($call)
    };
}

/// [`io!`] for a storage operation, timed where the backend does I/O.
#[cfg(not(edgecache_memory_only))]
macro_rules! timed {
    ($cache:expr, $call:expr) => {
        $cache.timed($call).await
    };
}
#[cfg(edgecache_memory_only)]
macro_rules! timed {
    ($cache:expr, $call:expr) => {
        crate::blocking::poll_once($call)
    };
}

impl Cache {
    /// A cache named `alias` with a key recipe over a backend.
    pub fn new(alias: impl Into<String>, keys: KeyMaker, backend: AnyBackend) -> Self {
        Self {
            alias: alias.into(),
            keys,
            backend,
            warnings: Mutex::new(Vec::new()),
            counters: Counters::default(),
            ignore_exceptions: false,
            stampede: crate::stampede::Stampede::new(Default::default(), None, 0),
            clock: None,
            timed: false,
            latency: crate::stats::Latency::default(),
        }
    }

    /// Stampede protection's settings (`get_or_set`), the alias's default timeout in seconds
    /// (`None`: never) and the clock; operations that await storage are timed from now on.
    pub fn with_stampede(
        mut self,
        config: crate::stampede::StampedeConfig,
        default_timeout: Option<f64>,
        clock: alloc::sync::Arc<dyn crate::clock::Clock>,
    ) -> Self {
        let seed = clock.now().to_bits() ^ self.alias.len() as u64;
        self.stampede = crate::stampede::Stampede::new(config, default_timeout, seed);
        self.timed = self.backend.in_memory().is_none();
        self.clock = Some(crate::stats::StatsClock(clock));
        self
    }

    #[cfg_attr(edgecache_memory_only, allow(dead_code))]
    pub(crate) fn stampede(&self) -> &crate::stampede::Stampede {
        &self.stampede
    }

    /// Stampede protection's settings in force.
    pub fn stampede_config(&self) -> &crate::stampede::StampedeConfig {
        self.stampede.config()
    }

    /// Makes concurrent `get_or_set` waiters poll the leader's result with the runtime's sleep
    /// instead of being woken by it (workerd, where one request must not resume another);
    /// without a sleep they then compute themselves, as in Django. See docs/stampede.md.
    pub fn wait_by_polling(&self, polling: bool) {
        self.stampede.set_polling(polling);
    }

    /// Reseeds the `TIMEOUT_JITTER` generator from a runtime's random source.
    pub fn seed_jitter(&self, seed: u64) {
        self.stampede.reseed(seed);
    }

    /// The clock's time (0 when this cache was built without one).
    #[cfg_attr(edgecache_memory_only, allow(dead_code))]
    pub(crate) fn now(&self) -> f64 {
        self.clock.as_ref().map_or(0.0, |clock| clock.0.now())
    }

    /// Awaits a storage operation, timing it where this backend does I/O.
    #[cfg(not(edgecache_memory_only))]
    async fn timed<T>(&self, operation: impl core::future::Future<Output = T>) -> T {
        match (&self.clock, self.timed) {
            (Some(clock), true) => {
                let start = clock.0.now();
                let out = operation.await;
                self.latency.record(clock.0.now() - start);
                out
            }
            _ => operation.await,
        }
    }

    /// Counters, the latency of operations that awaited storage, and stampede protection's
    /// counters (the store's cull count comes from a count-only inspection).
    pub async fn stats_report(&self) -> crate::stats::StatsReport {
        let culled = self
            .backend
            .inspect(Detail::Count)
            .await
            .map_or(0, |inspection| inspection.stats.culled);
        crate::stats::StatsReport {
            backend: self.backend.name(),
            counters: Stats {
                culled,
                ..self.stats()
            },
            latency: self.latency.snapshot(),
            stampede: self.stampede.stats(),
        }
    }

    /// Honours django-redis's `IGNORE_EXCEPTIONS` (edgecache applies it to both network
    /// backends and to filebased, whose Workers KV store has write limits; Django's own
    /// backends have no such option): a `ConnectionError` or `RateLimitError` becomes
    /// Django's default result — reads miss, writes are dropped — and a warning is recorded.
    pub fn ignoring_exceptions(mut self, ignore: bool) -> Self {
        self.ignore_exceptions = ignore;
        self
    }

    /// `result`, or `fallback` when it is a connection failure this cache ignores.
    // Forced natively (the locmem hot path); in wasm, size comes first.
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    #[cfg_attr(target_family = "wasm", inline)]
    pub(crate) fn absorb<T>(
        &self,
        result: Result<T, CacheError>,
        fallback: T,
    ) -> Result<T, CacheError> {
        // The in-memory builds ignore nothing (their settings never set it, build_cache).
        match result {
            Err(error @ (CacheError::Connection(_) | CacheError::RateLimited(_)))
                if self.ignore_exceptions && !cfg!(edgecache_memory_only) =>
            {
                self.ignored(&error);
                Ok(fallback)
            }
            other => other,
        }
    }

    /// Records the warning for an error `IGNORE_EXCEPTIONS` turned into a default result.
    #[inline(never)]
    fn ignored(&self, error: &CacheError) {
        self.warn(alloc::vec![Warning {
            category: "IgnoredException",
            message: crate::text::cat(&[
                error.python_type(),
                " ignored (IGNORE_EXCEPTIONS): ",
                error.message(),
            ]),
        }]);
    }

    /// The alias this cache was configured under.
    pub fn alias(&self) -> &str {
        &self.alias
    }

    /// Periodic maintenance for stores that cannot afford Django's per-write bookkeeping:
    /// on filebased, deletes expired entries and culls once if the store is full (what a
    /// Worker's cron trigger runs over Workers KV); nothing to do on the other backends.
    #[cfg(edgecache_storage_backends)]
    pub async fn cleanup(&self) -> Result<crate::backend::filebased::CleanupReport, CacheError> {
        match &self.backend {
            AnyBackend::FileBased(backend) => backend.cleanup().await,
            _ => Ok(crate::backend::filebased::CleanupReport::default()),
        }
    }

    /// The backend's short name (`locmem`, `dummy`, ...).
    pub fn backend_name(&self) -> &'static str {
        self.backend.name()
    }

    /// The key recipe (`KEY_FUNCTION`, `KEY_PREFIX`, `VERSION`).
    pub fn keys(&self) -> &KeyMaker {
        &self.keys
    }

    /// The warnings emitted since the last call (Django's `CacheKeyWarning`s), oldest first.
    pub fn take_warnings(&self) -> Vec<Warning> {
        core::mem::take(&mut *self.warnings.lock())
    }

    fn warn(&self, new: Vec<Warning>) {
        if new.is_empty() {
            return;
        }
        let mut buffer = self.warnings.lock();
        buffer.extend(new);
        let excess = buffer.len().saturating_sub(WARNING_BUFFER);
        buffer.drain(..excess);
    }

    /// This alias's counters (the store's cull count included).
    pub fn stats(&self) -> Stats {
        Stats {
            hits: self.counters.hits.load(Ordering::Relaxed),
            misses: self.counters.misses.load(Ordering::Relaxed),
            sets: self.counters.sets.load(Ordering::Relaxed),
            deletes: self.counters.deletes.load(Ordering::Relaxed),
            culled: 0,
        }
    }

    /// A snapshot of the store, with this alias's counters.
    pub async fn inspect(&self, detail: Detail) -> Result<Inspection, CacheError> {
        step!(self.inspect_raw(detail))
    }

    rule! {
        pub(crate) fn inspect_raw(&self, detail: Detail) -> Result<Inspection, CacheError> {
            let mut inspection = io!(self.backend.inspect(detail))?;
            let culled = inspection.stats.culled;
            inspection.stats = Stats {
                culled,
                ..self.stats()
            };
            Ok(inspection)
        }
    }

    // ----- keys (KEY-1..KEY-7) -----

    /// Django's `make_key`: the full key, never validated. Usually a str; the identity key
    /// function returns the raw key as it is.
    pub fn make_key<'k>(
        &self,
        key: impl Into<Key<'k>>,
        version: Option<&Value>,
    ) -> Result<Value, CacheError> {
        self.keys.make_key(&key.into(), version)
    }

    /// Django's `validate_key` on a full key: warnings are recorded, or memcached's error
    /// is returned.
    pub fn validate_key(&self, full_key: &Value) -> Result<(), CacheError> {
        let Value::Str(text) = full_key else {
            return key::require_str_key(full_key.clone()).map(|_| ());
        };
        let warnings = key::validate_key(text, self.backend.key_policy())?;
        self.warn(warnings);
        Ok(())
    }

    /// Django's `make_and_validate_key`.
    pub fn make_and_validate_key<'k>(
        &self,
        key: impl Into<Key<'k>>,
        version: Option<&Value>,
    ) -> Result<String, CacheError> {
        self.full_key(&key.into(), version, &mut KeyBuffer::new())
            .map(|full| full.to_owned_key())
    }

    /// Makes and validates the full key in `buffer`, recording any warnings. The common key
    /// (a clean str key, the cache's own version) is inlined into the hot path; anything
    /// else goes through [`Cache::full_key_checked`].
    // Forced natively (the locmem hot path); in wasm, size comes first.
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    #[cfg_attr(target_family = "wasm", inline)]
    pub(crate) fn full_key<'b>(
        &'b self,
        key: &'b Key<'_>,
        version: Option<&Value>,
        buffer: &'b mut KeyBuffer,
    ) -> Result<FullKey<'b>, CacheError> {
        match self.keys.clean_default_key(key, version) {
            Some(full) => Ok(full),
            None => self.full_key_checked(key, version, buffer),
        }
    }

    /// [`Cache::full_key`] for a key that may warn or fail.
    #[inline(never)]
    fn full_key_checked<'b>(
        &'b self,
        key: &'b Key<'_>,
        version: Option<&Value>,
        buffer: &'b mut KeyBuffer,
    ) -> Result<FullKey<'b>, CacheError> {
        let (full, warnings) =
            self.keys
                .make_valid_key(key, version, self.backend.key_policy(), buffer)?;
        if !warnings.is_empty() {
            self.warn(warnings);
        }
        Ok(full)
    }

    /// Django's `get_backend_timeout`: what the backend would store for `timeout`.
    pub fn get_backend_timeout(&self, timeout: Timeout) -> Value {
        self.backend.backend_timeout(timeout)
    }

    // ----- the backend's own methods -----

    /// API-1: the value, or `None` on a miss. A stored `None` is `Some(Value::None)`.
    pub async fn get<'k>(
        &self,
        key: impl Into<Key<'k>>,
        options: Options,
    ) -> Result<Option<Value>, CacheError> {
        step!(self.get_raw(&key.into(), options.version.as_ref()))
    }

    rule! {
        pub(crate) fn get_raw(
            &self,
            key: &Key<'_>,
            version: Option<&Value>,
        ) -> Result<Option<Value>, CacheError> {
            let mut buffer = KeyBuffer::new();
            let full = self.full_key(key, version, &mut buffer)?;
            let found = self.absorb(timed!(self, self.backend.get(full)), None)?;
            // DB-4: the db `get` is `get_many([key]).get(key)`, a dict lookup by the raw key.
            if let Key::Value(raw) = key {
                if self.backend.overrides().get_is_get_many {
                    python::hashable(raw)?;
                }
            }
            self.count_read(&found);
            Ok(found)
        }
    }

    /// [`Cache::get`] on an in-memory backend, without a future (the synchronous API's hot
    /// path): the same steps, the backend's synchronous core. Only [`crate::Blocking`] calls
    /// it, and only in-memory caches have one; any other backend answers `WouldBlock`.
    pub(crate) fn get_now(
        &self,
        key: &Key<'_>,
        version: Option<&Value>,
    ) -> Result<Option<Value>, CacheError> {
        let mut buffer;
        let full = full_key_now!(self, key, version, buffer);
        // Natively, locmem's miss is answered as soon as the probe finds nothing: the miss
        // counted, no value, ticket or backend `Result` built (a locmem `get` never errs,
        // so `absorb` has nothing to do there).
        #[cfg(not(target_family = "wasm"))]
        if let AnyBackend::LocMem(locmem) = &self.backend {
            let Some(found) = locmem.get_unless_missing(full) else {
                Counters::bump(&self.counters.misses);
                return Ok(None);
            };
            self.count_read(&found);
            return Ok(found);
        }
        let found = self.absorb(InMemory::get_now(&self.backend, full), None)?;
        self.count_read(&found);
        Ok(found)
    }

    /// [`Cache::get`] of a str key with the cache's own version, on an in-memory backend,
    /// plus a [`Ticket`] for the entry a hit read. The ticket is given only when the key drew
    /// no warning (KEY-5: a key's warnings depend on nothing but the key and the settings,
    /// so a key that drew none never will), so [`Cache::hit_ticket`] needs neither key nor
    /// validation to answer the same `get` again.
    pub fn get_ticketed(&self, key: &str) -> Result<(Option<Value>, Option<Ticket>), CacheError> {
        let Some(backend) = self.backend.in_memory() else {
            return Err(CacheError::WouldBlock);
        };
        let mut buffer = KeyBuffer::new();
        let key = Key::Str(key);
        let (full, warnings) =
            self.keys
                .make_valid_key(&key, None, self.backend.key_policy(), &mut buffer)?;
        let clean = warnings.is_empty();
        self.warn(warnings);
        let (found, ticket) = backend.get_ticketed(full)?;
        self.count_read(&found);
        Ok((found, ticket.filter(|_| clean)))
    }

    /// The `get` that issued `ticket` again, as a hit (counted, the entry promoted) when the
    /// entry it read is unchanged and live; `false` with nothing done or counted otherwise,
    /// and the caller makes the full [`Cache::get`] (which applies the miss and expiry rules).
    /// `now` is the backend's clock as the caller just read it, or `None` for the backend to
    /// read it.
    #[inline]
    pub fn hit_ticket(&self, ticket: Ticket, now: Option<f64>) -> bool {
        let hit = self
            .backend
            .in_memory()
            .is_some_and(|backend| backend.hit_ticket(ticket, now));
        if hit {
            Counters::bump(&self.counters.hits);
        }
        hit
    }

    /// Hits already decided by [`Cache::hit_ticket`]'s rules without calling it (the npm
    /// package's sync get, src/js/hot.rs), applied in order: promoted and counted. `indices`
    /// are the [`Ticket::index`]es of the entries hit; the caller guarantees that no store
    /// has changed since those tickets were issued (src/js/hot.rs checks the change count),
    /// so each still names the entry its ticket read.
    pub fn apply_hits(&self, indices: &[u32]) {
        if let Some(backend) = self.backend.in_memory() {
            let applied = backend.apply_hits(indices);
            self.counters.hits.fetch_add(applied, Ordering::Relaxed);
        }
    }

    #[inline]
    fn count_read(&self, found: &Option<Value>) {
        Counters::bump(if found.is_some() {
            &self.counters.hits
        } else {
            &self.counters.misses
        });
    }

    /// API-2: stores the value, replacing value and expiry.
    pub async fn set<'k>(
        &self,
        key: impl Into<Key<'k>>,
        value: impl Into<Value>,
        options: Options,
    ) -> Result<(), CacheError> {
        step!(self.set_raw(
            &key.into(),
            value.into(),
            options.timeout,
            options.version.as_ref(),
        ))
    }

    rule! {
        pub(crate) fn set_raw(
            &self,
            key: &Key<'_>,
            value: Value,
            timeout: Timeout,
            version: Option<&Value>,
        ) -> Result<(), CacheError> {
            let mut buffer = KeyBuffer::new();
            let full = self.full_key(key, version, &mut buffer)?;
            self.absorb(timed!(self, self.backend.set(full, value, timeout)), ())?;
            Counters::bump(&self.counters.sets);
            Ok(())
        }
    }

    /// [`Cache::set`] on an in-memory backend, without a future (see [`Cache::get_now`]).
    pub(crate) fn set_now(
        &self,
        key: &Key<'_>,
        value: Value,
        timeout: Timeout,
        version: Option<&Value>,
    ) -> Result<(), CacheError> {
        let mut buffer;
        let full = full_key_now!(self, key, version, buffer);
        self.absorb(InMemory::set_now(&self.backend, full, value, timeout), ())?;
        Counters::bump(&self.counters.sets);
        Ok(())
    }

    /// API-3: stores only when the key is missing or expired; returns whether it stored.
    pub async fn add<'k>(
        &self,
        key: impl Into<Key<'k>>,
        value: impl Into<Value>,
        options: Options,
    ) -> Result<bool, CacheError> {
        step!(self.add_raw(
            &key.into(),
            value.into(),
            options.timeout,
            options.version.as_ref(),
        ))
    }

    rule! {
        pub(crate) fn add_raw(
            &self,
            key: &Key<'_>,
            value: Value,
            timeout: Timeout,
            version: Option<&Value>,
        ) -> Result<bool, CacheError> {
            let stored = if self.backend.overrides().add_is_has_key_then_set {
                // FB-3: Django's filebased `add` calls its own `has_key` and `set`.
                let present = step!(self.has_key_raw(key, version))?;
                if !present {
                    step!(self.set_raw(key, value, timeout, version))?;
                }
                !present
            } else {
                let mut buffer = KeyBuffer::new();
                let full = self.full_key(key, version, &mut buffer)?;
                self.absorb(timed!(self, self.backend.add(full, value, timeout)), false)?
            };
            if stored {
                Counters::bump(&self.counters.sets);
            }
            Ok(stored)
        }
    }

    /// API-11: gives a live entry a new expiry; returns whether it did.
    pub async fn touch<'k>(
        &self,
        key: impl Into<Key<'k>>,
        options: Options,
    ) -> Result<bool, CacheError> {
        step!(self.touch_raw(&key.into(), options.timeout, options.version.as_ref()))
    }

    rule! {
        pub(crate) fn touch_raw(
            &self,
            key: &Key<'_>,
            timeout: Timeout,
            version: Option<&Value>,
        ) -> Result<bool, CacheError> {
            let mut buffer = KeyBuffer::new();
            let full = self.full_key(key, version, &mut buffer)?;
            self.absorb(timed!(self, self.backend.touch(full, timeout)), false)
        }
    }

    /// API-7: removes the entry; returns whether one was there.
    pub async fn delete<'k>(
        &self,
        key: impl Into<Key<'k>>,
        options: Options,
    ) -> Result<bool, CacheError> {
        step!(self.delete_raw(&key.into(), options.version.as_ref()))
    }

    rule! {
        pub(crate) fn delete_raw(
            &self,
            key: &Key<'_>,
            version: Option<&Value>,
        ) -> Result<bool, CacheError> {
            let mut buffer = KeyBuffer::new();
            let full = self.full_key(key, version, &mut buffer)?;
            let removed = self.absorb(timed!(self, self.backend.delete(full)), false)?;
            if removed {
                Counters::bump(&self.counters.deletes);
            }
            Ok(removed)
        }
    }

    /// API-8: whether a live entry is there.
    pub async fn has_key<'k>(
        &self,
        key: impl Into<Key<'k>>,
        options: Options,
    ) -> Result<bool, CacheError> {
        step!(self.has_key_raw(&key.into(), options.version.as_ref()))
    }

    rule! {
        pub(crate) fn has_key_raw(
            &self,
            key: &Key<'_>,
            version: Option<&Value>,
        ) -> Result<bool, CacheError> {
            let mut buffer = KeyBuffer::new();
            let full = self.full_key(key, version, &mut buffer)?;
            self.absorb(timed!(self, self.backend.has_key(full)), false)
        }
    }

    /// `key in cache`: `has_key` with the default version (API-8).
    pub async fn contains<'k>(&self, key: impl Into<Key<'k>>) -> Result<bool, CacheError> {
        step!(self.has_key_raw(&key.into(), None))
    }

    /// API-12: empties the whole store, other aliases' entries included.
    pub async fn clear(&self) -> Result<(), CacheError> {
        step!(self.clear_raw())
    }

    rule! {
        pub(crate) fn clear_raw(&self) -> Result<(), CacheError> {
            self.absorb(io!(self.backend.clear()), ())
        }
    }

    /// What Django's `clear()` returns: `None`, or `True` on redis (API-12).
    pub fn clear_return_value(&self) -> Value {
        if self.backend.overrides().clear_returns_true {
            Value::Bool(true)
        } else {
            Value::None
        }
    }

    /// CFG-6: releases connections; a no-op for in-memory backends.
    pub async fn close(&self) -> Result<(), CacheError> {
        step!(self.close_raw())
    }

    rule! {
        pub(crate) fn close_raw(&self) -> Result<(), CacheError> {
            io!(self.backend.close())
        }
    }

    // ----- BaseCache's generic methods -----

    /// API-9: adds `delta`, using the backend's own `incr` where Django has one, otherwise
    /// the generic get + set (which resets the expiry to the default timeout).
    pub async fn incr<'k>(
        &self,
        key: impl Into<Key<'k>>,
        delta: impl Into<Value>,
        options: Options,
    ) -> Result<Value, CacheError> {
        step!(self.incr_raw(&key.into(), &delta.into(), options.version.as_ref()))
    }

    rule! {
        pub(crate) fn incr_raw(
            &self,
            key: &Key<'_>,
            delta: &Value,
            version: Option<&Value>,
        ) -> Result<Value, CacheError> {
            if !self.backend.overrides().incr {
                return step!(self.generic_incr(key, delta, version));
            }
            let mut buffer = KeyBuffer::new();
            let full = self.full_key(key, version, &mut buffer)?;
            let value = self.absorb(timed!(self, self.backend.incr(full, delta)), Value::None)?;
            Counters::bump(&self.counters.sets);
            Ok(value)
        }
    }

    rule! {
        /// `BaseCache.incr`: get + set with the default timeout; Django's `aincr` everywhere.
        pub(crate) fn generic_incr(
            &self,
            key: &Key<'_>,
            delta: &Value,
            version: Option<&Value>,
        ) -> Result<Value, CacheError> {
            let Some(value) = step!(self.get_raw(key, version))? else {
                return Err(not_found(key));
            };
            let new_value = python::add(&value, delta)?;
            step!(self.set_raw(key, new_value.clone(), Timeout::Default, version))?;
            Ok(new_value)
        }
    }

    /// `decr(key, delta)` is `incr(key, -delta)` (API-9).
    pub async fn decr<'k>(
        &self,
        key: impl Into<Key<'k>>,
        delta: impl Into<Value>,
        options: Options,
    ) -> Result<Value, CacheError> {
        let negated = python::neg(&delta.into())?;
        step!(self.incr_raw(&key.into(), &negated, options.version.as_ref()))
    }

    /// API-4: the stored value, or `default` added and read back.
    pub async fn get_or_set<'k>(
        &self,
        key: impl Into<Key<'k>>,
        default: impl Into<Value>,
        options: Options,
    ) -> Result<Value, CacheError> {
        let default = default.into();
        self.get_or_set_with(key, || default, options).await
    }

    /// API-4 with a callable default: `compute` runs once, only on a miss.
    pub async fn get_or_set_with<'k, F>(
        &self,
        key: impl Into<Key<'k>>,
        compute: F,
        options: Options,
    ) -> Result<Value, CacheError>
    where
        F: FnOnce() -> Value,
    {
        self.get_or_set_async(key, || async { Ok::<_, CacheError>(compute()) }, options)
            .await
    }

    /// API-4 with a default computed asynchronously (a JavaScript `async` function, a
    /// fetch): `compute` runs once, only on a miss, and its error is returned as it is.
    pub async fn get_or_set_async<'k, F, Fut, E>(
        &self,
        key: impl Into<Key<'k>>,
        compute: F,
        options: Options,
    ) -> Result<Value, E>
    where
        F: FnOnce() -> Fut,
        Fut: core::future::Future<Output = Result<Value, E>>,
        E: From<CacheError>,
    {
        // Callers that find another process's lock held compute at once (no sleep).
        self.get_or_set_sleeping(key, compute, options, &crate::stampede::NoSleep)
            .await
    }

    /// API-4 exactly as Django's `BaseCache.get_or_set`: get; on a miss compute, `add`, and
    /// read back (the value computed if the entry is already gone). The in-memory build's
    /// `get_or_set`: no stampede protection there (build.rs, `edgecache_memory_only`), and
    /// the only future is `compute`'s.
    #[cfg(edgecache_memory_only)]
    async fn plain_get_or_set<F, Fut, E>(
        &self,
        key: Key<'_>,
        compute: F,
        options: Options,
    ) -> Result<Value, E>
    where
        F: FnOnce() -> Fut,
        Fut: core::future::Future<Output = Result<Value, E>>,
        E: From<CacheError>,
    {
        if let Some(found) = self.get_raw(&key, options.version.as_ref())? {
            return Ok(found);
        }
        let value = compute().await?;
        Ok(self.get_or_set_store(&key, value, &options)?)
    }

    /// API-4 after a miss, once the default is computed: `add` it, and read back (the value
    /// computed if the entry is already gone). [`Cache::plain_get_or_set`]'s last steps; the
    /// in-memory npm build calls them itself when a JavaScript function's Promise settles,
    /// so that no Rust future waits for it.
    #[cfg(edgecache_memory_only)]
    pub(crate) fn get_or_set_store(
        &self,
        key: &Key<'_>,
        value: Value,
        options: &Options,
    ) -> Result<Value, CacheError> {
        let version = options.version.as_ref();
        self.add_raw(key, value.clone(), options.timeout, version)?;
        Ok(self.get_raw(key, version)?.unwrap_or(value))
    }

    /// [`Cache::get_or_set_async`] whose callers, finding another process's stampede lock
    /// held (`STAMPEDE_LOCK_TIMEOUT`), poll with `sleep` instead of computing at once.
    pub async fn get_or_set_sleeping<'k, F, Fut, E, S>(
        &self,
        key: impl Into<Key<'k>>,
        compute: F,
        options: Options,
        sleep: &S,
    ) -> Result<Value, E>
    where
        F: FnOnce() -> Fut,
        Fut: core::future::Future<Output = Result<Value, E>>,
        E: From<CacheError>,
        S: crate::stampede::Sleep,
    {
        #[cfg(not(edgecache_memory_only))]
        return crate::stampede::get_or_set(self, key.into(), compute, options, sleep).await;
        #[cfg(edgecache_memory_only)]
        {
            let _ = sleep;
            self.plain_get_or_set(key.into(), compute, options).await
        }
    }

    /// API-5: the found entries as `(raw key, value)` pairs; duplicates collapse as in a
    /// Python dict.
    pub async fn get_many<'k, K: Into<Key<'k>>>(
        &self,
        keys: impl IntoIterator<Item = K>,
        options: Options,
    ) -> Result<Vec<(Value, Value)>, CacheError> {
        step!(self.get_many_raw(keys, options.version.as_ref()))
    }

    rule! {
        pub(crate) fn get_many_raw<'k, K: Into<Key<'k>>>(
            &self,
            keys: impl IntoIterator<Item = K>,
            version: Option<&Value>,
        ) -> Result<Vec<(Value, Value)>, CacheError> {
            if !self.backend.overrides().get_many {
                return step!(self.generic_get_many(keys, version));
            }
            // The backend's own get_many: every key is made and validated first, and duplicates
            // collapse (the last raw key naming a full key wins), as Django's `key_map` does.
            let mut key_map: Vec<(String, Value)> = Vec::new();
            for key in keys {
                let key = key.into();
                let full = self
                    .full_key(&key, version, &mut KeyBuffer::new())?
                    .to_owned_key();
                match key_map.iter_mut().find(|(existing, _)| *existing == full) {
                    Some(slot) => slot.1 = key.to_value(),
                    None => key_map.push((full, key.to_value())),
                }
            }
            let fulls: Vec<String> = key_map.iter().map(|(full, _)| full.clone()).collect();
            let rows = self.absorb(timed!(self, self.backend.get_many(&fulls)), Vec::new())?;
            let mut found: Vec<(Value, Value)> = Vec::new();
            for (full, value) in rows {
                if let Some((_, raw)) = key_map.iter().find(|(existing, _)| *existing == full) {
                    // API-5: the result is a dict keyed by the raw keys.
                    python::hashable(raw)?;
                    python::dict_insert(&mut found, raw.clone(), value);
                }
            }
            let hits = found.len() as u64;
            self.counters.hits.fetch_add(hits, Ordering::Relaxed);
            self.counters.misses.fetch_add(
                key_map.len() as u64 - hits.min(key_map.len() as u64),
                Ordering::Relaxed,
            );
            Ok(found)
        }
    }

    rule! {
        /// `BaseCache.get_many`: one `get` per key; Django's `aget_many` everywhere.
        pub(crate) fn generic_get_many<'k, K: Into<Key<'k>>>(
            &self,
            keys: impl IntoIterator<Item = K>,
            version: Option<&Value>,
        ) -> Result<Vec<(Value, Value)>, CacheError> {
            let mut found: Vec<(Value, Value)> = Vec::new();
            for key in keys {
                let key = key.into();
                if let Some(value) = step!(self.get_raw(&key, version))? {
                    // API-5: `d[k] = val`, so a found unhashable raw key raises TypeError.
                    let raw = key.to_value();
                    python::hashable(&raw)?;
                    python::dict_insert(&mut found, raw, value);
                }
            }
            Ok(found)
        }
    }

    /// API-6: stores every pair; returns the raw keys that could not be stored.
    pub async fn set_many<'k, K: Into<Key<'k>>, V: Into<Value>>(
        &self,
        items: impl IntoIterator<Item = (K, V)>,
        options: Options,
    ) -> Result<Vec<Value>, CacheError> {
        step!(self.set_many_raw(items, options))
    }

    rule! {
        pub(crate) fn set_many_raw<'k, K: Into<Key<'k>>, V: Into<Value>>(
            &self,
            items: impl IntoIterator<Item = (K, V)>,
            options: Options,
        ) -> Result<Vec<Value>, CacheError> {
            if self.backend.overrides().set_many {
                return step!(self.own_set_many(items, options));
            }
            step!(self.generic_set_many(items, options))
        }
    }

    rule! {
        /// `BaseCache.set_many`: one `set` per key; returns `[]`. Django's `aset_many`
        /// everywhere.
        pub(crate) fn generic_set_many<'k, K: Into<Key<'k>>, V: Into<Value>>(
            &self,
            items: impl IntoIterator<Item = (K, V)>,
            options: Options,
        ) -> Result<Vec<Value>, CacheError> {
            for (key, value) in items {
                step!(self.set_raw(
                    &key.into(),
                    value.into(),
                    options.timeout,
                    options.version.as_ref(),
                ))?;
            }
            Ok(Vec::new())
        }
    }

    rule! {
        /// The backend's own `set_many` (redis, memcached): every key made and validated first
        /// (the last raw key naming a full key wins, as in Django's dict), one backend call, and
        /// the failed full keys mapped back to raw keys (MC-7).
        fn own_set_many<'k, K: Into<Key<'k>>, V: Into<Value>>(
            &self,
            items: impl IntoIterator<Item = (K, V)>,
            options: Options,
        ) -> Result<Vec<Value>, CacheError> {
            let mut safe: Vec<(String, Value)> = Vec::new();
            let mut originals: Vec<Value> = Vec::new();
            for (key, value) in items {
                let key = key.into();
                let full = self
                    .full_key(&key, options.version.as_ref(), &mut KeyBuffer::new())?
                    .to_owned_key();
                match safe.iter().position(|(existing, _)| *existing == full) {
                    Some(at) => {
                        safe[at].1 = value.into();
                        originals[at] = key.to_value();
                    }
                    None => {
                        safe.push((full, value.into()));
                        originals.push(key.to_value());
                    }
                }
            }
            let failed = self.absorb(
                timed!(self, self.backend.set_many(&safe, options.timeout)),
                Vec::new(),
            )?;
            self.counters.sets.fetch_add(
                (safe.len() - failed.len().min(safe.len())) as u64,
                Ordering::Relaxed,
            );
            Ok(failed
                .iter()
                .filter_map(|full| {
                    safe.iter()
                        .position(|(existing, _)| existing == full)
                        .map(|at| originals[at].clone())
                })
                .collect())
        }
    }

    /// API-7: removes every key.
    pub async fn delete_many<'k, K: Into<Key<'k>>>(
        &self,
        keys: impl IntoIterator<Item = K>,
        options: Options,
    ) -> Result<(), CacheError> {
        step!(self.delete_many_raw(keys, options.version.as_ref()))
    }

    rule! {
        pub(crate) fn delete_many_raw<'k, K: Into<Key<'k>>>(
            &self,
            keys: impl IntoIterator<Item = K>,
            version: Option<&Value>,
        ) -> Result<(), CacheError> {
            if !self.backend.overrides().delete_many {
                return step!(self.generic_delete_many(keys, version));
            }
            let mut fulls = Vec::new();
            for key in keys {
                let key = key.into();
                fulls.push(
                    self.full_key(&key, version, &mut KeyBuffer::new())?
                        .to_owned_key(),
                );
            }
            self.absorb(timed!(self, self.backend.delete_many(&fulls)), ())
        }
    }

    rule! {
        /// `BaseCache.delete_many`: one `delete` per key; Django's `adelete_many` everywhere.
        pub(crate) fn generic_delete_many<'k, K: Into<Key<'k>>>(
            &self,
            keys: impl IntoIterator<Item = K>,
            version: Option<&Value>,
        ) -> Result<(), CacheError> {
            for key in keys {
                step!(self.delete_raw(&key.into(), version))?;
            }
            Ok(())
        }
    }

    /// API-10: moves the entry to `version + delta` (re-set with the default timeout) and
    /// returns the new version.
    pub async fn incr_version<'k>(
        &self,
        key: impl Into<Key<'k>>,
        delta: impl Into<Value>,
        options: Options,
    ) -> Result<Value, CacheError> {
        step!(self.incr_version_raw(&key.into(), &delta.into(), options.version))
    }

    rule! {
        pub(crate) fn incr_version_raw(
            &self,
            key: &Key<'_>,
            delta: &Value,
            version: Option<Value>,
        ) -> Result<Value, CacheError> {
            let version = version.unwrap_or_else(|| self.keys.version().clone());
            let Some(value) = step!(self.get_raw(key, Some(&version)))? else {
                return Err(not_found(key));
            };
            let new_version = python::add(&version, delta)?;
            step!(self.set_raw(key, value, Timeout::Default, Some(&new_version)))?;
            step!(self.delete_raw(key, Some(&version)))?;
            Ok(new_version)
        }
    }

    /// API-10: `incr_version(key, -delta)`.
    pub async fn decr_version<'k>(
        &self,
        key: impl Into<Key<'k>>,
        delta: impl Into<Value>,
        options: Options,
    ) -> Result<Value, CacheError> {
        let negated = python::neg(&delta.into())?;
        step!(self.incr_version_raw(&key.into(), &negated, options.version))
    }

    // ----- Django's async twins that differ from their sync methods (API-13) -----

    /// Django's `aincr`: always the generic get + set, even where `incr` is the backend's own,
    /// so the expiry is reset to the default timeout.
    pub async fn aincr<'k>(
        &self,
        key: impl Into<Key<'k>>,
        delta: impl Into<Value>,
        options: Options,
    ) -> Result<Value, CacheError> {
        step!(self.generic_incr(&key.into(), &delta.into(), options.version.as_ref()))
    }

    /// Django's `adecr`: `aincr(key, -delta)`.
    pub async fn adecr<'k>(
        &self,
        key: impl Into<Key<'k>>,
        delta: impl Into<Value>,
        options: Options,
    ) -> Result<Value, CacheError> {
        let negated = python::neg(&delta.into())?;
        step!(self.generic_incr(&key.into(), &negated, options.version.as_ref()))
    }

    /// Django's `ahas_key`: built on `get`, so on locmem it refreshes recency, unlike `has_key`.
    pub async fn ahas_key<'k>(
        &self,
        key: impl Into<Key<'k>>,
        options: Options,
    ) -> Result<bool, CacheError> {
        Ok(step!(self.get_raw(&key.into(), options.version.as_ref()))?.is_some())
    }

    /// Django's `aget_many`: one `get` per key.
    pub async fn aget_many<'k, K: Into<Key<'k>>>(
        &self,
        keys: impl IntoIterator<Item = K>,
        options: Options,
    ) -> Result<Vec<(Value, Value)>, CacheError> {
        step!(self.generic_get_many(keys, options.version.as_ref()))
    }

    /// Django's `aset_many`: one `set` per key; always returns `[]`.
    pub async fn aset_many<'k, K: Into<Key<'k>>, V: Into<Value>>(
        &self,
        items: impl IntoIterator<Item = (K, V)>,
        options: Options,
    ) -> Result<Vec<Value>, CacheError> {
        step!(self.generic_set_many(items, options))
    }

    /// Django's `adelete_many`: one `delete` per key.
    pub async fn adelete_many<'k, K: Into<Key<'k>>>(
        &self,
        keys: impl IntoIterator<Item = K>,
        options: Options,
    ) -> Result<(), CacheError> {
        step!(self.generic_delete_many(keys, options.version.as_ref()))
    }

    pub(crate) fn backend(&self) -> &AnyBackend {
        &self.backend
    }
}

/// The generic `ValueError` for a missing key, naming the raw key (API-9, API-10); Django
/// formats it with `%`, so a tuple key makes it a `TypeError` instead.
fn not_found(raw_key: &Key<'_>) -> CacheError {
    match raw_key {
        Key::Str(text) => CacheError::Value(crate::text::cat(&["Key '", text, "' not found"])),
        Key::Value(value) => match crate::python::percent_s("Key '", value, "' not found") {
            Ok(message) => CacheError::Value(message),
            Err(error) => error.into(),
        },
    }
}
