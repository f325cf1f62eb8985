//! The `api` interface: the `caches` and `cache` resources over the core's [`Caches`].

use super::exports::edgecache::cache::api::{
    self, BoolOp, ClearAllCull, CullReport, Entry, Guest, GuestCache, GuestCaches, LruCull, ManyOp,
    StoreOp, ValueOp,
};
use super::value::{decode, decode_all, encode, encode_all, error, warning};
use super::{Component, HostClock};
use crate::cache::Cache;
use crate::caches::{Caches, Stores};
use crate::error::CacheError;
use crate::expiry::Timeout;
use crate::inspect::{CullReason, Detail, EntryOrder, Inspection};
use crate::options::Options;
use crate::settings::CacheSettings;
use crate::value::Value;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

impl Guest for Component {
    type Caches = CachesResource;
    type Cache = CacheResource;
}

/// `caches`: every alias of one setting.
pub struct CachesResource {
    pub(super) caches: Rc<Caches>,
}

/// `cache`: one alias of a `caches`.
pub struct CacheResource {
    caches: Rc<Caches>,
    alias: String,
}

impl GuestCaches for CachesResource {
    fn parse(settings: String) -> Result<api::Caches, api::SettingsError> {
        let settings = CacheSettings::parse(&settings).map_err(|error| api::SettingsError {
            alias: error.alias,
            field: error.field,
            value: error.value,
            line: error.line,
            message: error.message,
        })?;
        let caches = Caches::with_stores(&settings, Arc::new(HostClock), &Stores::none());
        Ok(api::Caches::new(Self {
            caches: Rc::new(caches),
        }))
    }

    fn aliases(&self) -> Vec<String> {
        self.caches.aliases().map(String::from).collect()
    }

    fn cache(&self, alias: String) -> Result<api::Cache, api::Error> {
        self.caches.get(&alias).map_err(error)?;
        Ok(api::Cache::new(CacheResource {
            caches: self.caches.clone(),
            alias,
        }))
    }
}

impl CacheResource {
    /// The core cache (the alias was checked when the resource was made; the caches never
    /// change after parsing).
    pub(super) fn core(&self) -> Result<&Cache, CacheError> {
        self.caches.get(&self.alias)
    }

    /// Runs `call` on the core cache, the error as the WIT variant.
    pub(super) fn run<T>(
        &self,
        call: impl FnOnce(&Cache) -> Result<T, CacheError>,
    ) -> Result<T, api::Error> {
        self.core().and_then(call).map_err(error)
    }
}

/// The keyword arguments as the core's.
pub(super) fn options(opts: api::Options) -> Result<Options, CacheError> {
    Ok(Options {
        timeout: timeout(opts.timeout),
        version: opts.version.map(decode).transpose()?,
    })
}

fn timeout(timeout: api::Timeout) -> Timeout {
    match timeout {
        api::Timeout::Default => Timeout::Default,
        api::Timeout::Never => Timeout::Never,
        api::Timeout::Seconds(seconds) => Timeout::Seconds(seconds),
    }
}

impl GuestCache for CacheResource {
    fn backend(&self) -> String {
        self.core().map_or("", |cache| cache.backend_name()).into()
    }

    fn take_warnings(&self) -> Vec<api::Warning> {
        self.core()
            .map(|cache| cache.take_warnings().into_iter().map(warning).collect())
            .unwrap_or_default()
    }

    fn get(&self, key: api::Value, opts: api::Options) -> Result<Option<api::Value>, api::Error> {
        self.run(|c| c.at_once().get(decode(key)?, options(opts)?))
            .map(|found| found.as_ref().map(encode))
    }

    fn store(
        &self,
        op: StoreOp,
        key: api::Value,
        value: api::Value,
        opts: api::Options,
    ) -> Result<bool, api::Error> {
        self.run(|c| {
            let (key, value, opts) = (decode(key)?, decode(value)?, options(opts)?);
            match op {
                StoreOp::Set => c.at_once().set(key, value, opts).map(|()| true),
                StoreOp::Add => c.at_once().add(key, value, opts),
            }
        })
    }

    fn call_bool(
        &self,
        op: BoolOp,
        key: api::Value,
        opts: api::Options,
    ) -> Result<bool, api::Error> {
        self.run(|c| {
            let (key, opts) = (decode(key)?, options(opts)?);
            match op {
                BoolOp::Delete => c.at_once().delete(key, opts),
                BoolOp::HasKey => c.at_once().has_key(key, opts),
                BoolOp::AhasKey => c.at_once().ahas_key(key, opts),
                BoolOp::Touch => c.at_once().touch(key, opts),
            }
        })
    }

    fn call_value(
        &self,
        op: ValueOp,
        key: api::Value,
        argument: api::Value,
        opts: api::Options,
    ) -> Result<api::Value, api::Error> {
        self.run(|c| {
            let (key, arg, opts) = (decode(key)?, decode(argument)?, options(opts)?);
            match op {
                ValueOp::GetOrSet => c.at_once().get_or_set(key, arg, opts),
                ValueOp::Incr => c.at_once().incr(key, arg, opts),
                ValueOp::Decr => c.at_once().decr(key, arg, opts),
                ValueOp::Aincr => c.at_once().aincr(key, arg, opts),
                ValueOp::Adecr => c.at_once().adecr(key, arg, opts),
                ValueOp::IncrVersion => c.at_once().incr_version(key, arg, opts),
                ValueOp::DecrVersion => c.at_once().decr_version(key, arg, opts),
            }
        })
        .map(|value| encode(&value))
    }

    fn call_many(
        &self,
        op: ManyOp,
        keys: Vec<api::Value>,
        opts: api::Options,
    ) -> Result<Vec<(api::Value, api::Value)>, api::Error> {
        let pairs = self.run(|c| {
            let (keys, opts) = (decode_all(keys)?, options(opts)?);
            match op {
                ManyOp::GetMany => c.at_once().get_many(keys, opts),
                ManyOp::AgetMany => c.at_once().aget_many(keys, opts),
                ManyOp::DeleteMany => c.at_once().delete_many(keys, opts).map(|()| Vec::new()),
                ManyOp::AdeleteMany => c.at_once().adelete_many(keys, opts).map(|()| Vec::new()),
            }
        })?;
        Ok(pairs
            .iter()
            .map(|(key, value)| (encode(key), encode(value)))
            .collect())
    }

    fn set_many(
        &self,
        items: Vec<(api::Value, api::Value)>,
        one_at_a_time: bool,
        opts: api::Options,
    ) -> Result<Vec<api::Value>, api::Error> {
        let failed = self.run(|c| {
            let mut pairs: Vec<(Value, Value)> = Vec::with_capacity(items.len());
            for (key, value) in items {
                pairs.push((decode(key)?, decode(value)?));
            }
            let opts = options(opts)?;
            if one_at_a_time {
                c.at_once().aset_many(pairs, opts)
            } else {
                c.at_once().set_many(pairs, opts)
            }
        })?;
        Ok(encode_all(&failed))
    }

    fn make_key(
        &self,
        key: api::Value,
        version: Option<api::Value>,
        validate: bool,
    ) -> Result<api::Value, api::Error> {
        self.run(|c| {
            let version = version.map(decode).transpose()?;
            let key = decode(key)?;
            if validate {
                c.make_and_validate_key(key, version.as_ref())
                    .map(Value::Str)
            } else {
                c.make_key(key, version.as_ref())
            }
        })
        .map(|full| encode(&full))
    }

    fn validate_key(&self, key: api::Value) -> Result<(), api::Error> {
        self.run(|c| c.validate_key(&decode(key)?))
    }

    fn get_backend_timeout(&self, timeout: api::Timeout) -> api::Value {
        match self.core() {
            Ok(cache) => encode(&cache.get_backend_timeout(self::timeout(timeout))),
            Err(_) => api::Value::None,
        }
    }

    fn clear(&self) -> Result<(), api::Error> {
        self.run(|c| c.at_once().clear())
    }

    fn close(&self) -> Result<(), api::Error> {
        self.run(|c| c.at_once().close())
    }

    fn inspect(&self, detail: api::Detail) -> Result<api::Inspection, api::Error> {
        let detail = match detail {
            api::Detail::Full => Detail::Full,
            api::Detail::Count => Detail::Count,
        };
        self.run(|c| c.at_once().inspect(detail)).map(inspection)
    }
}

fn inspection(inspection: Inspection) -> api::Inspection {
    api::Inspection {
        backend: inspection.backend.into(),
        now: inspection.now,
        count: inspection.count as u64,
        order: inspection.order.map(|order| match order {
            EntryOrder::MostRecentlyUsedFirst => api::EntryOrder::MostRecentlyUsedFirst,
            EntryOrder::KeyAscending => api::EntryOrder::KeyAscending,
            _ => api::EntryOrder::FileName,
        }),
        entries: inspection
            .entries
            .into_iter()
            .map(|entry| Entry {
                value: encode(&entry.value),
                key: entry.key,
                expires_at: entry.expires_at,
            })
            .collect(),
        stats: api::Stats {
            hits: inspection.stats.hits,
            misses: inspection.stats.misses,
            sets: inspection.stats.sets,
            deletes: inspection.stats.deletes,
            culled: inspection.stats.culled,
        },
        last_cull: inspection.last_cull.map(|report| CullReport {
            at: report.at,
            reason: match report.reason {
                CullReason::ClearAll { count, max_entries } => {
                    api::CullReason::ClearAll(ClearAllCull {
                        count: count as u64,
                        max_entries: saturate(max_entries),
                    })
                }
                CullReason::LeastRecentlyUsed {
                    count,
                    max_entries,
                    cull_frequency,
                } => api::CullReason::LeastRecentlyUsed(LruCull {
                    count: count as u64,
                    max_entries: saturate(max_entries),
                    cull_frequency: saturate(cull_frequency),
                }),
            },
            removed: report.removed,
        }),
    }
}

/// A setting kept in 128 bits, clamped to the 64 bits WIT carries.
pub(super) fn saturate(value: i128) -> i64 {
    i64::try_from(value).unwrap_or(if value < 0 { i64::MIN } else { i64::MAX })
}
