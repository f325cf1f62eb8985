//! Django's `LocMemCache`: an in-process LRU store per `LOCATION` (LM-1..LM-7).

use super::{Backend, InMemory, Overrides};
use crate::clock::Clock;
use crate::error::CacheError;
use crate::expiry::{Timeout, generic_expiry};
use crate::inspect::{CullReason, CullReport, Detail, EntryOrder, EntryView, Inspection, Stats};
use crate::key::FullKey;
use crate::lru_map::{LruMap, Slot, Ticket};
use crate::python;
use crate::sync::ShortMutex;
use crate::value::Value;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

#[derive(Debug, Clone)]
struct Entry {
    value: Value,
    expires_at: Option<f64>,
}

/// What a free node of the store's map holds ([`LruMap`]): nothing to drop.
impl Default for Entry {
    fn default() -> Self {
        Self {
            value: Value::None,
            expires_at: None,
        }
    }
}

impl Entry {
    /// LM-4: expired when `expiry is not None and expiry <= now`.
    fn is_expired(&self, now: f64) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }
}

struct StoreState {
    /// Full key → entry; the LRU end is the next to be culled (LM-2).
    entries: LruMap<Entry>,
    last_cull: Option<LastCull>,
    culled: u64,
}

/// The last cull as the store keeps it: the removed keys one after another in one buffer, so
/// that a cull allocates nothing per entry (each culled node keeps its key's allocation for
/// the insert that takes it next). [`CullReport`] is built from it when the store is inspected.
struct LastCull {
    at: f64,
    reason: CullReason,
    /// The removed full keys, in removal order, joined.
    keys: String,
    /// Where each key of `keys` ends.
    ends: Vec<usize>,
}

impl LastCull {
    fn report(&self) -> CullReport {
        let mut start = 0;
        let removed = self
            .ends
            .iter()
            .map(|&end| {
                // `get`, not indexing: the ends are char boundaries, and a `str` index's
                // panic path would link `core::fmt` into the wasm builds (+2.8 KB gzip).
                let key = String::from(self.keys.get(start..end).unwrap_or_default());
                start = end;
                key
            })
            .collect();
        CullReport {
            at: self.at,
            reason: self.reason,
            removed,
        }
    }
}

/// One locmem store: what every cache naming the same `LOCATION` shares (LM-1).
pub struct LocMemStore {
    state: ShortMutex<StoreState>,
    /// The map's hash seed (fixed for its life), read without the lock: a `get` hashes its
    /// key before taking the lock, so the hash's work overlaps the lock's atomic instead of
    /// following it (native only).
    #[cfg(not(target_family = "wasm"))]
    seed: u64,
}

impl LocMemStore {
    /// An empty store.
    pub fn new() -> Self {
        let entries = LruMap::new();
        Self {
            #[cfg(not(target_family = "wasm"))]
            seed: entries.seed(),
            state: ShortMutex::new(StoreState {
                entries,
                last_cull: None,
                culled: 0,
            }),
        }
    }

    /// Number of entries, expired ones included.
    pub fn len(&self) -> usize {
        self.state.lock().entries.len()
    }

    /// Whether the store holds no entry at all.
    pub fn is_empty(&self) -> bool {
        self.state.lock().entries.is_empty()
    }
}

impl Default for LocMemStore {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for LocMemStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocMemStore")
            .field("len", &self.len())
            .finish()
    }
}

/// A locmem cache: a shared store plus this alias's own limits and default timeout.
pub struct LocMemCache {
    store: Arc<LocMemStore>,
    max_entries: i128,
    cull_frequency: i128,
    default_timeout: Option<f64>,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for LocMemCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocMemCache")
            .field("store", &self.store)
            .field("max_entries", &self.max_entries)
            .field("cull_frequency", &self.cull_frequency)
            .field("default_timeout", &self.default_timeout)
            .finish_non_exhaustive()
    }
}

impl LocMemCache {
    /// A cache over `store` with `MAX_ENTRIES`, `CULL_FREQUENCY` and the default `TIMEOUT`.
    pub fn new(
        store: Arc<LocMemStore>,
        max_entries: i128,
        cull_frequency: i128,
        default_timeout: Option<f64>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            store,
            max_entries,
            cull_frequency,
            default_timeout,
            clock,
        }
    }

    fn expiry(&self, timeout: Timeout, now: f64) -> Option<f64> {
        generic_expiry(timeout, self.default_timeout, now)
    }

    /// LM-3: before every internal write, a full store loses `len // CULL_FREQUENCY`
    /// least-recently-used entries (all of them with frequency 0), expired or not.
    fn cull_if_full(&self, state: &mut StoreState, now: f64) {
        let count = state.entries.len();
        if (count as i128) < self.max_entries {
            return;
        }
        // Reuse the previous cull's buffers: culls come often on a full cache.
        let (mut keys, mut ends) = state
            .last_cull
            .take()
            .map(|last| (last.keys, last.ends))
            .unwrap_or_default();
        keys.clear();
        ends.clear();
        let reason = if self.cull_frequency == 0 {
            while state.entries.pop_lru_into(&mut keys).is_some() {
                ends.push(keys.len());
            }
            CullReason::ClearAll {
                count,
                max_entries: self.max_entries,
            }
        } else {
            // Python's floor division: a negative frequency culls nothing.
            // (A frequency beyond `usize` culls nothing either; a `usize` division keeps
            // compiler-rt's 128-bit one out of the wasm builds.)
            let to_remove = match usize::try_from(self.cull_frequency) {
                Ok(frequency) if frequency > 0 => count / frequency,
                _ => 0,
            };
            for _ in 0..to_remove {
                if state.entries.pop_lru_into(&mut keys).is_none() {
                    break;
                }
                ends.push(keys.len());
            }
            CullReason::LeastRecentlyUsed {
                count,
                max_entries: self.max_entries,
                cull_frequency: self.cull_frequency,
            }
        };
        state.culled += ends.len() as u64;
        state.last_cull = Some(LastCull {
            at: now,
            reason,
            keys,
            ends,
        });
    }

    /// Django's `_set`: cull, then insert at the most-recent end.
    fn store_value(
        &self,
        state: &mut StoreState,
        key: FullKey<'_>,
        value: Value,
        timeout: Timeout,
        now: f64,
    ) {
        self.cull_if_full(state, now);
        let expires_at = self.expiry(timeout, now);
        state.entries.insert(key, Entry { value, expires_at });
    }

    /// `get`'s work: a live entry moves to the most-recent end; an expired one is deleted
    /// (LM-2, LM-4).
    // Forced natively (the locmem hot path); in wasm, size comes first.
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    #[cfg_attr(target_family = "wasm", inline)]
    fn get_live(&self, key: FullKey<'_>) -> Option<(Value, Ticket)> {
        // Natively the key is hashed before the lock is taken (the usual head is the map's
        // anchor, whose hash is the tail's); the lock's atomic then waits for the key's bytes
        // with the hash already under way.
        #[cfg(not(target_family = "wasm"))]
        let tail_hash = crate::lru_map::tail_hash(self.store.seed, key.parts().1);
        let mut state = self.store.state.lock();
        let entries = &mut state.entries;
        #[cfg(not(target_family = "wasm"))]
        let slot = entries.find_with_tail_hash(key, tail_hash)?;
        #[cfg(target_family = "wasm")]
        let slot = entries.find(key)?;
        if !self.keep_if_live(entries, slot) {
            return None;
        }
        let entry = entries.value(slot);
        let ticket = Ticket {
            // LM-4: live while `now < expiry`.
            live_until: entry.expires_at.unwrap_or(f64::INFINITY),
            ..entries.ticket(slot)
        };
        Some((entry.value.clone(), ticket))
    }

    /// The synchronous `get`'s work, split at the probe (native only, `Cache::get_now`):
    /// `None` when nothing is stored under `key` (a miss decided by the hash, the lock and
    /// the probe alone, with no value or ticket built), else what [`InMemory::get_now`]
    /// answers: the live entry's value, moved to the most-recent end, or `None` for an
    /// expired entry, deleted (LM-2, LM-4).
    #[cfg(not(target_family = "wasm"))]
    #[inline(always)]
    pub(crate) fn get_unless_missing(&self, key: FullKey<'_>) -> Option<Option<Value>> {
        let tail_hash = crate::lru_map::tail_hash(self.store.seed, key.parts().1);
        let mut state = self.store.state.lock();
        let entries = &mut state.entries;
        let slot = entries.find_with_tail_hash(key, tail_hash)?;
        Some(
            self.keep_if_live(entries, slot)
                .then(|| entries.value(slot).value.clone()),
        )
    }

    /// A found entry as `get` leaves it (LM-2, LM-4): an expired one is deleted (`false`), a
    /// live one moves to the most-recent end (`true`). The clock is read only here, for a key
    /// that is there (a miss, most `get`s on a full store, needs no time), under the lock as
    /// in Django's `get`.
    #[cfg_attr(not(target_family = "wasm"), inline(always))]
    #[cfg_attr(target_family = "wasm", inline)]
    fn keep_if_live(&self, entries: &mut LruMap<Entry>, slot: Slot) -> bool {
        if entries.value(slot).is_expired(self.clock.now()) {
            entries.remove(slot);
            return false;
        }
        entries.promote(slot);
        true
    }

    /// Whether `key` is missing or expired (LM-4).
    fn has_expired(state: &StoreState, key: FullKey<'_>, now: f64) -> bool {
        state
            .entries
            .peek(key)
            .is_none_or(|entry| entry.is_expired(now))
    }
}

impl InMemory for LocMemCache {
    /// A live entry moves to the most-recent end; an expired one is deleted (LM-2, LM-4).
    fn get_now(&self, key: FullKey<'_>) -> Result<Option<Value>, CacheError> {
        Ok(self.get_live(key).map(|(value, _)| value))
    }

    fn get_ticketed(
        &self,
        key: FullKey<'_>,
    ) -> Result<(Option<Value>, Option<Ticket>), CacheError> {
        Ok(match self.get_live(key) {
            Some((value, ticket)) => (Some(value), Some(ticket)),
            None => (None, None),
        })
    }

    /// LM-2, LM-4 as in `get_now`: a live, unchanged entry moves to the most-recent end; an
    /// expired one is left for the full `get` that follows to delete.
    fn hit_ticket(&self, ticket: Ticket, now: Option<f64>) -> bool {
        let now = now.unwrap_or_else(|| self.clock.now());
        let mut state = self.store.state.lock();
        let entries = &mut state.entries;
        match entries.redeem(ticket) {
            Some(slot) if !entries.value(slot).is_expired(now) => {
                entries.promote(slot);
                true
            }
            _ => false,
        }
    }

    /// LM-2 for hits already decided (src/js/hot.rs): each entry moves to the most-recent
    /// end, in order, under one lock. `indices` are the tickets' node indices, read while the
    /// store has not changed since (the caller's check); one past the end is skipped.
    fn apply_hits(&self, indices: &[u32]) -> u64 {
        let mut state = self.store.state.lock();
        let entries = &mut state.entries;
        let mut applied = 0;
        for &index in indices {
            if let Some(slot) = entries.slot_at(index) {
                entries.promote(slot);
                applied += 1;
            }
        }
        applied
    }

    fn set_now(&self, key: FullKey<'_>, value: Value, timeout: Timeout) -> Result<(), CacheError> {
        let now = self.clock.now();
        let mut state = self.store.state.lock();
        self.store_value(&mut state, key, value, timeout, now);
        Ok(())
    }
}

impl Backend for LocMemCache {
    fn name(&self) -> &'static str {
        "locmem"
    }

    fn is_in_memory(&self) -> bool {
        true
    }

    fn overrides(&self) -> Overrides {
        Overrides {
            incr: true,
            ..Overrides::default()
        }
    }

    fn backend_timeout(&self, timeout: Timeout) -> Value {
        self.expiry(timeout, self.clock.now())
            .map_or(Value::None, Value::Float)
    }

    async fn get(&self, key: FullKey<'_>) -> Result<Option<Value>, CacheError> {
        self.get_now(key)
    }

    async fn set(
        &self,
        key: FullKey<'_>,
        value: Value,
        timeout: Timeout,
    ) -> Result<(), CacheError> {
        self.set_now(key, value, timeout)
    }

    /// LM-4: an expired entry is overwritten; a live one is left alone, recency unchanged.
    async fn add(
        &self,
        key: FullKey<'_>,
        value: Value,
        timeout: Timeout,
    ) -> Result<bool, CacheError> {
        let now = self.clock.now();
        let mut state = self.store.state.lock();
        if Self::has_expired(&state, key, now) {
            self.store_value(&mut state, key, value, timeout, now);
            return Ok(true);
        }
        Ok(false)
    }

    /// LM-5: a live entry gets a new expiry; recency is unchanged; an expired one stays put.
    async fn touch(&self, key: FullKey<'_>, timeout: Timeout) -> Result<bool, CacheError> {
        let now = self.clock.now();
        let expires_at = self.expiry(timeout, now);
        let mut state = self.store.state.lock();
        match state.entries.find(key) {
            Some(slot) if !state.entries.value(slot).is_expired(now) => {
                state.entries.value_mut(slot).expires_at = expires_at;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// LM-7: true when the key was present, expired or not.
    async fn delete(&self, key: FullKey<'_>) -> Result<bool, CacheError> {
        Ok(self.store.state.lock().entries.pop(key).is_some())
    }

    /// LM-4: an expired entry is deleted; recency is unchanged.
    async fn has_key(&self, key: FullKey<'_>) -> Result<bool, CacheError> {
        let now = self.clock.now();
        let mut state = self.store.state.lock();
        let entries = &mut state.entries;
        match entries.find(key) {
            Some(slot) if !entries.value(slot).is_expired(now) => Ok(true),
            Some(slot) => {
                entries.remove(slot);
                Ok(false)
            }
            None => Ok(false),
        }
    }

    async fn clear(&self) -> Result<(), CacheError> {
        self.store.state.lock().entries.clear();
        Ok(())
    }

    /// LM-6: atomic, keeps the expiry, moves the key to the most-recent end; a missing key
    /// reports the *full* key.
    async fn incr(&self, key: FullKey<'_>, delta: &Value) -> Result<Value, CacheError> {
        let now = self.clock.now();
        let mut state = self.store.state.lock();
        let entries = &mut state.entries;
        let slot = match entries.find(key) {
            Some(slot) if !entries.value(slot).is_expired(now) => slot,
            found => {
                if let Some(slot) = found {
                    entries.remove(slot);
                }
                let (head, tail) = key.parts();
                return Err(CacheError::Value(crate::text::cat(&[
                    "Key '",
                    head,
                    tail,
                    "' not found",
                ])));
            }
        };
        let new_value = python::add(&entries.value(slot).value, delta)?;
        entries.value_mut(slot).value = new_value.clone();
        entries.promote(slot);
        Ok(new_value)
    }

    async fn inspect(&self, detail: Detail) -> Result<Inspection, CacheError> {
        let state = self.store.state.lock();
        let entries = match detail {
            Detail::Count => Vec::new(),
            Detail::Full => state
                .entries
                .iter()
                .map(|(key, entry)| EntryView {
                    key: String::from(key),
                    value: entry.value.clone(),
                    expires_at: entry.expires_at,
                })
                .collect(),
        };
        Ok(Inspection {
            backend: "locmem",
            now: self.clock.now(),
            count: state.entries.len(),
            order: Some(EntryOrder::MostRecentlyUsedFirst),
            entries,
            stats: Stats {
                culled: state.culled,
                ..Stats::default()
            },
            last_cull: state.last_cull.as_ref().map(LastCull::report),
        })
    }
}

/// django-redis's extras, emulated over the store: the same answers Redis gives.
impl super::extras::BackendExtras for LocMemCache {
    async fn ttl(&self, key: FullKey<'_>, millis: bool) -> Result<super::extras::Ttl, CacheError> {
        let now = self.clock.now();
        let state = self.store.state.lock();
        Ok(match state.entries.peek(key) {
            Some(entry) if !entry.is_expired(now) => {
                super::extras::remaining(entry.expires_at, now, millis)
            }
            _ => super::extras::Ttl::Missing,
        })
    }

    async fn expire(
        &self,
        key: FullKey<'_>,
        expiry: super::extras::Expiry,
    ) -> Result<bool, CacheError> {
        let now = self.clock.now();
        let at = expiry.at(now);
        let mut state = self.store.state.lock();
        match state.entries.find(key) {
            Some(slot) if !state.entries.value(slot).is_expired(now) => {
                if at <= now {
                    // EXPIRE with a time already past deletes the key (and answers 1).
                    state.entries.remove(slot);
                } else {
                    state.entries.value_mut(slot).expires_at = Some(at);
                }
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn persist(&self, key: FullKey<'_>) -> Result<bool, CacheError> {
        let now = self.clock.now();
        let mut state = self.store.state.lock();
        match state.entries.find(key) {
            Some(slot) if !state.entries.value(slot).is_expired(now) => {
                Ok(state.entries.value_mut(slot).expires_at.take().is_some())
            }
            _ => Ok(false),
        }
    }

    async fn scan(&self, pattern: &str) -> Result<Vec<String>, CacheError> {
        let now = self.clock.now();
        let state = self.store.state.lock();
        Ok(state
            .entries
            .iter()
            .filter(|(key, entry)| !entry.is_expired(now) && crate::glob::matches(pattern, key))
            .map(|(key, _)| String::from(key))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use crate::clock::ManualClock;
    use crate::inspect::{CullReason, Detail};
    use crate::{Caches, Options, Value};
    use alloc::sync::Arc;
    use alloc::vec::Vec;

    fn caches(options: &str) -> (Caches, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::new(1_000.0));
        let text = alloc::format!(
            "{{'default': {{'BACKEND': 'locmem', 'TIMEOUT': 10, 'OPTIONS': {options}}}, 'v2': {{'BACKEND': 'locmem', 'VERSION': 2}}}}"
        );
        (Caches::from_text(&text, clock.clone()).unwrap(), clock)
    }

    #[test]
    fn the_last_cull_is_reported_with_its_reason() {
        // LM-3's example: MAX_ENTRIES 9, CULL_FREQUENCY 3, keys 0..8, get(0..2), set(9).
        let (caches, _) = caches("{'MAX_ENTRIES': 9, 'CULL_FREQUENCY': 3}");
        let cache = caches.default_cache().unwrap().blocking().unwrap();
        for n in 0..9 {
            cache.set(n, n, Options::DEFAULT).unwrap();
        }
        for n in 0..3 {
            cache.get(n, Options::DEFAULT).unwrap();
        }
        cache.set(9, 9, Options::DEFAULT).unwrap();
        let inspection = cache.inspect(Detail::Full).unwrap();
        let cull = inspection.last_cull.expect("a cull happened");
        assert_eq!(cull.removed, [":1:3", ":1:4", ":1:5"]);
        assert_eq!(
            cull.reason,
            CullReason::LeastRecentlyUsed {
                count: 9,
                max_entries: 9,
                cull_frequency: 3
            }
        );
        let order: Vec<&str> = inspection.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(
            order,
            [":1:9", ":1:2", ":1:1", ":1:0", ":1:8", ":1:7", ":1:6"]
        );
        assert_eq!(
            (
                inspection.stats.hits,
                inspection.stats.sets,
                inspection.stats.culled
            ),
            (3, 10, 3)
        );
        // The culled nodes are reused, keys of other lengths included; the next cull reports
        // only its own keys.
        for key in ["a-longer-key-than-before", "b", "c"] {
            cache.set(key, 0, Options::DEFAULT).unwrap();
        }
        let inspection = cache.inspect(Detail::Full).unwrap();
        let order: Vec<&str> = inspection.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(
            order,
            [
                ":1:c",
                ":1:b",
                ":1:a-longer-key-than-before",
                ":1:9",
                ":1:2",
                ":1:1",
                ":1:0"
            ]
        );
        let cull = inspection.last_cull.expect("a second cull happened");
        assert_eq!(cull.removed, [":1:6", ":1:7", ":1:8"]);
        assert_eq!(inspection.stats.culled, 6);
        assert_eq!(
            cache
                .get("a-longer-key-than-before", Options::DEFAULT)
                .unwrap(),
            Some(Value::Int(0))
        );
    }

    #[test]
    fn aliases_naming_one_location_share_a_store() {
        let (caches, clock) = caches("{}");
        let default = caches.default_cache().unwrap().blocking().unwrap();
        let v2 = caches.get("v2").unwrap().blocking().unwrap();
        default.set("k", "one", Options::DEFAULT).unwrap();
        assert_eq!(v2.get("k", Options::DEFAULT).unwrap(), None);
        assert_eq!(
            v2.get("k", Options::new().version(1)).unwrap(),
            Some(Value::from("one"))
        );
        let entry = &v2.inspect(Detail::Full).unwrap().entries[0];
        assert_eq!(entry.expires_at, Some(1_010.0));
        clock.advance(10.0);
        assert_eq!(
            default.get("k", Options::DEFAULT).unwrap(),
            None,
            "LM-4: expired at expiry <= now"
        );
        v2.clear().unwrap();
        assert_eq!(default.inspect(Detail::Count).unwrap().count, 0);
    }

    #[test]
    fn recorded_hits_promote_in_order_and_count() {
        let (caches, _) = caches("{}");
        let cache = caches.default_cache().unwrap();
        let blocking = cache.blocking().unwrap();
        for key in ["a", "b", "c"] {
            blocking.set(key, key, Options::DEFAULT).unwrap();
        }
        let ticket = |key| cache.get_ticketed(key).unwrap().1.unwrap();
        let (a, b, c) = (ticket("a"), ticket("b"), ticket("c"));
        assert_eq!(a.live_until, 1_010.0, "LM-4: live until the expiry");
        cache.apply_hits(&[b.index, a.index, c.index, b.index, 7]);
        let order: Vec<_> = blocking.inspect(Detail::Full).unwrap().entries;
        let keys: Vec<_> = order.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, [":1:b", ":1:c", ":1:a"]);
        assert_eq!(
            cache.stats().hits,
            3 + 4,
            "three gets, four hits on entries (index 7 names none)"
        );
    }

    #[test]
    fn incr_keeps_the_expiry_and_reports_the_full_key() {
        let (caches, clock) = caches("{}");
        let cache = caches.default_cache().unwrap().blocking().unwrap();
        cache.set("n", 1, Options::new().timeout(5)).unwrap();
        assert_eq!(cache.incr("n", 2, Options::DEFAULT).unwrap(), Value::Int(3));
        clock.advance(5.0);
        let error = cache.incr("n", 1, Options::DEFAULT).unwrap_err();
        assert_eq!(error.message(), "Key ':1:n' not found");
    }

    /// The synchronous `get` answers a clean key's miss at the probe (`Cache::get_now`,
    /// natively); the async `get` takes the backend's full path. Over random keys, clean and
    /// not (KEY-5's warnings, a long key, int keys, another version, a key prefix), with
    /// sets, expiries and culls between, both give the same results, warnings and counters.
    #[test]
    fn the_early_miss_answers_as_the_full_path() {
        use crate::Key;
        use crate::blocking::poll_once;
        for options in [
            "{'MAX_ENTRIES': 20}",
            "{'MAX_ENTRIES': 20}, 'KEY_PREFIX': 'p'",
        ] {
            let clock = Arc::new(ManualClock::new(1_000.0));
            let text = alloc::format!(
                "{{'default': {{'BACKEND': 'locmem', 'LOCATION': 'f', 'TIMEOUT': 5, 'OPTIONS': {options}}}, \
                  'full': {{'BACKEND': 'locmem', 'LOCATION': 'g', 'TIMEOUT': 5, 'OPTIONS': {options}}}}}"
            );
            let caches = Caches::from_text(&text, clock.clone()).unwrap();
            let (fast, full) = (caches.default_cache().unwrap(), caches.get("full").unwrap());
            let blocking = fast.blocking().unwrap();
            let mut state = 0x2545_F491_4F6C_DD1Du64;
            let (mut hits, mut misses) = (0, 0);
            for n in 0..4_000 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let id = state % 40;
                let text = match (state >> 8) % 5 {
                    0 => alloc::format!("k {id}"),
                    1 => alloc::format!("{id}{}", "x".repeat(250)),
                    _ => alloc::format!("k{id}"),
                };
                let key = || -> Key<'_> {
                    if (state >> 12).is_multiple_of(7) {
                        Key::from(id as i64)
                    } else {
                        Key::Str(&text)
                    }
                };
                let options = || {
                    if (state >> 16).is_multiple_of(9) {
                        Options::new().version(2)
                    } else {
                        Options::DEFAULT
                    }
                };
                if (state >> 20).is_multiple_of(4) {
                    let timeout = ((state >> 24) % 8) as u32;
                    blocking.set(key(), n, options().timeout(timeout)).unwrap();
                    poll_once(full.set(key(), n, options().timeout(timeout))).unwrap();
                } else {
                    let got = blocking.get(key(), options()).unwrap();
                    let want = poll_once(full.get(key(), options())).unwrap();
                    assert_eq!(got, want, "get #{n} of {:?}", key());
                    if got.is_some() {
                        hits += 1;
                    } else {
                        misses += 1;
                    }
                }
                assert_eq!(fast.take_warnings(), full.take_warnings(), "op #{n}");
                assert_eq!(fast.stats(), full.stats(), "op #{n}");
                if (state >> 28).is_multiple_of(10) {
                    clock.advance(1.0);
                }
            }
            let stats = fast.stats();
            assert_eq!((stats.hits, stats.misses), (hits, misses));
            assert!(hits > 100 && misses > 100, "{hits} hits, {misses} misses");
        }
    }
}
