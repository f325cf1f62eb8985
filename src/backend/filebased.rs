//! Django's `FileBasedCache` over the key-value seam (FB-1..FB-7): one entry per full key,
//! named `md5(full key) + ".djcache"`, holding `pickle(expiry) + zlib(pickle(value))` — the
//! bytes Django itself writes, so a Django app and edgecache can share one directory.

use super::{Backend, Overrides};
use crate::clock::Clock;
use crate::codec::{self, pickle};
use crate::error::CacheError;
use crate::expiry::{Timeout, generic_expiry};
use crate::inspect::{Detail, EntryOrder, EntryView, Inspection, Stats};
use crate::key::FullKey;
use crate::seam::kv::{KvStore, MIN_NATIVE_TTL, PutOptions, list_all};
use crate::sync::Mutex;
use crate::value::Value;
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

/// The suffix of Django's cache files; other files in the directory are left alone (FB-1).
pub const SUFFIX: &str = ".djcache";

/// The entry name of a full key (FB-1).
pub fn file_name(full_key: &str) -> String {
    let mut name = codec::md5_hex(full_key.as_bytes());
    name.push_str(SUFFIX);
    name
}

/// `pickle(expiry) + zlib(pickle(value))`, as Django's `_write_content` writes it.
pub fn encode_entry(expires_at: Option<f64>, value: &Value) -> Vec<u8> {
    let mut bytes = pickle::dumps(&expires_at.map_or(Value::None, Value::Float));
    bytes.extend(codec::zlib_compress(&pickle::dumps(value)));
    bytes
}

/// The metadata written beside an entry: its expiry as Python's `repr` of the float, or
/// `None` (stores that list metadata, like Workers KV, let a cleanup skip reading values).
pub fn entry_metadata(expires_at: Option<f64>) -> String {
    match expires_at {
        Some(at) => crate::python::float_repr(at),
        None => String::from("None"),
    }
}

/// The expiry [`entry_metadata`] wrote: `Some(None)` for never, `None` when unreadable.
pub fn metadata_expiry(metadata: &str) -> Option<Option<f64>> {
    match metadata {
        "None" => Some(None),
        text => text.parse().ok().map(Some),
    }
}

/// The longest native expiry asked of a store; beyond it the entry's own expiry is the only
/// one (a safety net need not be exact).
const MAX_NATIVE_TTL: f64 = 365.0 * 24.0 * 3600.0;

/// What one [`FileBasedCache::cleanup`] removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CleanupReport {
    /// Entries past their expiry.
    pub expired: usize,
    /// Live entries culled (FB-4) because the store still held `MAX_ENTRIES` or more.
    pub culled: usize,
    /// Entries left.
    pub remaining: usize,
}

/// An entry file's expiry and where its compressed value starts. An empty file has expiry 0
/// (FB-2: "an empty file counts as expired").
fn decode_expiry(name: &str, bytes: &[u8]) -> Result<(Option<f64>, usize), CacheError> {
    if bytes.is_empty() {
        return Ok((Some(0.0), 0));
    }
    let corrupt = |why: String| CacheError::Storage(format!("cache file {name} is corrupt: {why}"));
    let (expiry, used) = pickle::loads_prefix(bytes).map_err(|e| corrupt(format!("{e}")))?;
    match expiry {
        Value::None => Ok((None, used)),
        Value::Float(at) => Ok((Some(at), used)),
        Value::Int(at) => Ok((Some(at as f64), used)),
        other => Err(corrupt(format!(
            "its expiry is {}",
            crate::python::repr(&other)
        ))),
    }
}

/// The value part of an entry file.
fn decode_value(name: &str, compressed: &[u8]) -> Result<Value, CacheError> {
    let pickled = codec::zlib_decompress(compressed).map_err(|e| {
        CacheError::Storage(format!("cache file {name} is corrupt: {}", e.message()))
    })?;
    pickle::loads(&pickled)
        .map_err(|e| CacheError::Storage(format!("cache file {name} is corrupt: {e}")))
}

/// A file-based cache over a key-value store.
pub struct FileBasedCache {
    store: Arc<dyn KvStore>,
    max_entries: i128,
    cull_frequency: i128,
    default_timeout: Option<f64>,
    clock: Arc<dyn Clock>,
    /// xorshift state for FB-4's random choice of files to cull.
    random: Mutex<u64>,
}

impl fmt::Debug for FileBasedCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileBasedCache")
            .field("max_entries", &self.max_entries)
            .field("cull_frequency", &self.cull_frequency)
            .finish_non_exhaustive()
    }
}

impl FileBasedCache {
    /// A cache over `store` with `MAX_ENTRIES`, `CULL_FREQUENCY` and the default `TIMEOUT`.
    pub fn new(
        store: Arc<dyn KvStore>,
        max_entries: i128,
        cull_frequency: i128,
        default_timeout: Option<f64>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        let seed = clock.now().to_bits() | 1;
        Self {
            store,
            max_entries,
            cull_frequency,
            default_timeout,
            clock,
            random: Mutex::new(seed),
        }
    }

    /// The entry's compressed value if it is live; an expired entry is deleted (FB-2).
    async fn read_live(&self, name: &str) -> Result<Option<Vec<u8>>, CacheError> {
        let Some(mut bytes) = self.store.get(name).await? else {
            return Ok(None);
        };
        let (expires_at, used) = decode_expiry(name, &bytes)?;
        if expires_at.is_some_and(|at| at < self.clock.now()) {
            self.store.delete(name).await?;
            return Ok(None);
        }
        Ok(Some(bytes.split_off(used)))
    }

    async fn cache_files(&self) -> Result<Vec<String>, CacheError> {
        let mut names = list_all(self.store.as_ref(), "").await?;
        names.retain(|name| name.ends_with(SUFFIX));
        Ok(names)
    }

    /// FB-4: at the start of every write, a full directory loses `int(count / F)` random
    /// files (all of them with F = 0), expired or not.
    async fn cull(&self) -> Result<(), CacheError> {
        let mut names = self.cache_files().await?;
        let count = names.len();
        if (count as i128) < self.max_entries {
            return Ok(());
        }
        if self.cull_frequency == 0 {
            return self.clear().await;
        }
        let to_remove = (count as f64 / self.cull_frequency as f64) as i128;
        if to_remove < 0 {
            return Err(CacheError::Value(
                "Sample larger than population or is negative".into(),
            ));
        }
        for _ in 0..to_remove {
            if names.is_empty() {
                break;
            }
            let pick = (self.next_random() % names.len() as u64) as usize;
            let name = names.swap_remove(pick);
            self.store.delete(&name).await?;
        }
        Ok(())
    }

    fn next_random(&self) -> u64 {
        let mut state = self.random.lock();
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    fn expiry(&self, timeout: Timeout) -> Option<f64> {
        generic_expiry(timeout, self.default_timeout, self.clock.now())
    }

    /// How an entry expiring at `expires_at` is written: its expiry as metadata, and a native
    /// expiry no shorter than the store's floor ([`MIN_NATIVE_TTL`]) as a safety net. The
    /// entry's own pickled expiry stays what decides (FB-2), so an entry expiring within a
    /// minute is still a miss on time.
    fn put_options(&self, expires_at: Option<f64>) -> PutOptions {
        let native_ttl = expires_at.and_then(|at| {
            let remaining = (at - self.clock.now()).max(0.0);
            (remaining <= MAX_NATIVE_TTL).then(|| {
                let truncated = remaining as u64;
                let whole = truncated + u64::from((truncated as f64) < remaining);
                whole.max(MIN_NATIVE_TTL)
            })
        });
        PutOptions {
            native_ttl,
            metadata: Some(entry_metadata(expires_at)),
        }
    }

    /// A scheduled cleanup, for stores that do not cull on every write (Workers KV): deletes
    /// expired entries (found from their metadata where the store lists it), then culls once
    /// (FB-4) if `MAX_ENTRIES` or more remain.
    pub async fn cleanup(&self) -> Result<CleanupReport, CacheError> {
        let now = self.clock.now();
        let mut report = CleanupReport::default();
        let mut cursor = None;
        loop {
            let page = self.store.list_with_metadata("", cursor).await?;
            for (name, metadata) in page.entries {
                if !name.ends_with(SUFFIX) {
                    continue;
                }
                let expires_at = match metadata.as_deref().and_then(metadata_expiry) {
                    Some(expires_at) => expires_at,
                    None => match self.store.get(&name).await? {
                        Some(bytes) => decode_expiry(&name, &bytes)?.0,
                        None => continue,
                    },
                };
                if expires_at.is_some_and(|at| at < now) {
                    self.store.delete(&name).await?;
                    report.expired += 1;
                } else {
                    report.remaining += 1;
                }
            }
            match page.cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        if report.remaining as i128 >= self.max_entries {
            let before = report.remaining;
            self.cull().await?;
            report.remaining = self.cache_files().await?.len();
            report.culled = before.saturating_sub(report.remaining);
        }
        Ok(report)
    }
}

impl Backend for FileBasedCache {
    fn name(&self) -> &'static str {
        "filebased"
    }

    fn is_in_memory(&self) -> bool {
        false
    }

    /// FB-3: `add` is `has_key`, then `set` (each validating the key).
    fn overrides(&self) -> Overrides {
        Overrides {
            add_is_has_key_then_set: true,
            ..Overrides::default()
        }
    }

    fn backend_timeout(&self, timeout: Timeout) -> Value {
        self.expiry(timeout).map_or(Value::None, Value::Float)
    }

    async fn get(&self, key: FullKey<'_>) -> Result<Option<Value>, CacheError> {
        let key = &*key.joined();
        let name = file_name(key);
        match self.read_live(&name).await? {
            Some(compressed) => decode_value(&name, &compressed).map(Some),
            None => Ok(None),
        }
    }

    /// FB-1, FB-4: cull, then write the whole entry at once.
    async fn set(
        &self,
        key: FullKey<'_>,
        value: Value,
        timeout: Timeout,
    ) -> Result<(), CacheError> {
        let key = &*key.joined();
        let name = file_name(key);
        if self.store.cull_on_write() {
            self.cull().await?;
        }
        let expires_at = self.expiry(timeout);
        let entry = encode_entry(expires_at, &value);
        self.store
            .put(&name, entry, self.put_options(expires_at))
            .await
    }

    async fn add(
        &self,
        key: FullKey<'_>,
        value: Value,
        timeout: Timeout,
    ) -> Result<bool, CacheError> {
        let key = &*key.joined();
        if self.has_key(key.into()).await? {
            return Ok(false);
        }
        self.set(key.into(), value, timeout).await?;
        Ok(true)
    }

    /// FB-5: an expired entry is deleted and Django 5.2.19 then fails with
    /// `ValueError: I/O operation on closed file`; a live one gets the new expiry.
    async fn touch(&self, key: FullKey<'_>, timeout: Timeout) -> Result<bool, CacheError> {
        let key = &*key.joined();
        let name = file_name(key);
        let Some(bytes) = self.store.get(&name).await? else {
            return Ok(false);
        };
        let (expires_at, used) = decode_expiry(&name, &bytes)?;
        if expires_at.is_some_and(|at| at < self.clock.now()) {
            self.store.delete(&name).await?;
            return Err(CacheError::Value("I/O operation on closed file".into()));
        }
        let value = decode_value(&name, bytes.get(used..).unwrap_or_default())?;
        let expires_at = self.expiry(timeout);
        let entry = encode_entry(expires_at, &value);
        self.store
            .put(&name, entry, self.put_options(expires_at))
            .await?;
        Ok(true)
    }

    /// FB-6: true when the file existed, expired or not.
    async fn delete(&self, key: FullKey<'_>) -> Result<bool, CacheError> {
        let key = &*key.joined();
        self.store.delete(&file_name(key)).await
    }

    async fn has_key(&self, key: FullKey<'_>) -> Result<bool, CacheError> {
        let key = &*key.joined();
        Ok(self.read_live(&file_name(key)).await?.is_some())
    }

    /// FB-6: every `*.djcache` file goes; other files stay.
    async fn clear(&self) -> Result<(), CacheError> {
        for name in self.cache_files().await? {
            self.store.delete(&name).await?;
        }
        Ok(())
    }

    async fn inspect(&self, detail: Detail) -> Result<Inspection, CacheError> {
        let mut names = self.cache_files().await?;
        names.sort();
        let mut entries = Vec::new();
        if detail == Detail::Full {
            for name in &names {
                let Some(bytes) = self.store.get(name).await? else {
                    continue;
                };
                let (expires_at, used) = decode_expiry(name, &bytes)?;
                let value = match bytes.get(used..) {
                    Some(rest) if !rest.is_empty() => decode_value(name, rest)?,
                    _ => Value::None,
                };
                entries.push(EntryView {
                    key: name.clone(),
                    value,
                    expires_at,
                });
            }
        }
        Ok(Inspection {
            backend: "filebased",
            now: self.clock.now(),
            count: names.len(),
            order: Some(EntryOrder::FileName),
            entries,
            stats: Stats::default(),
            last_cull: None,
        })
    }
}

/// django-redis's extras that a file per key allows: an entry's expiry can be read and
/// rewritten. Keys cannot be listed (files are named by the key's MD5), so `iter_keys` and
/// `delete_pattern` stay `NotImplementedError`.
impl super::extras::BackendExtras for FileBasedCache {
    async fn ttl(&self, key: FullKey<'_>, millis: bool) -> Result<super::extras::Ttl, CacheError> {
        let name = file_name(&key.joined());
        let Some(bytes) = self.store.get(&name).await? else {
            return Ok(super::extras::Ttl::Missing);
        };
        let now = self.clock.now();
        let (expires_at, _) = decode_expiry(&name, &bytes)?;
        if expires_at.is_some_and(|at| at < now) {
            return Ok(super::extras::Ttl::Missing);
        }
        Ok(super::extras::remaining(expires_at, now, millis))
    }

    async fn expire(
        &self,
        key: FullKey<'_>,
        expiry: super::extras::Expiry,
    ) -> Result<bool, CacheError> {
        let now = self.clock.now();
        let at = expiry.at(now);
        self.rewrite_expiry(key, if at <= now { None } else { Some(Some(at)) })
            .await
    }

    async fn persist(&self, key: FullKey<'_>) -> Result<bool, CacheError> {
        self.rewrite_expiry(key, Some(None)).await
    }
}

impl FileBasedCache {
    /// Gives a live entry the expiry `to` (`None` deletes it); whether it was live. `persist`
    /// (`Some(None)`) answers false for an entry that had no expiry.
    async fn rewrite_expiry(
        &self,
        key: FullKey<'_>,
        to: Option<Option<f64>>,
    ) -> Result<bool, CacheError> {
        let name = file_name(&key.joined());
        let Some(value) = self.read_live(&name).await? else {
            return Ok(false);
        };
        let Some(expires_at) = to else {
            self.store.delete(&name).await?;
            return Ok(true);
        };
        if expires_at.is_none() {
            let bytes = self.store.get(&name).await?.unwrap_or_default();
            if decode_expiry(&name, &bytes)?.0.is_none() {
                return Ok(false);
            }
        }
        let value = decode_value(&name, &value)?;
        let entry = encode_entry(expires_at, &value);
        self.store
            .put(&name, entry, self.put_options(expires_at))
            .await?;
        Ok(true)
    }
}
