//! The `extras` interface (full build): django-redis's extras and the stats report, as free
//! functions on a borrowed `cache`.

use super::api::{CacheResource, options};
use super::exports::edgecache::cache::api::{self, CacheBorrow};
use super::exports::edgecache::cache::extras::{self as wit, Guest};
use super::value::{decode, encode, encode_all};
use super::{Component, ready};
use alloc::string::String;
use alloc::vec::Vec;

type Reply<T> = Result<T, api::Error>;

fn resource<'a>(cache: &'a CacheBorrow<'_>) -> &'a CacheResource {
    cache.get::<CacheResource>()
}

impl Guest for Component {
    fn ttl(cache: CacheBorrow<'_>, key: api::Value, opts: api::Options) -> Reply<api::Value> {
        resource(&cache)
            .run(|c| ready(c.ttl(decode(key)?, options(opts)?)))
            .map(|value| encode(&value))
    }

    fn pttl(cache: CacheBorrow<'_>, key: api::Value, opts: api::Options) -> Reply<api::Value> {
        resource(&cache)
            .run(|c| ready(c.pttl(decode(key)?, options(opts)?)))
            .map(|value| encode(&value))
    }

    fn expire(
        cache: CacheBorrow<'_>,
        key: api::Value,
        seconds: i64,
        opts: api::Options,
    ) -> Reply<bool> {
        resource(&cache).run(|c| ready(c.expire(decode(key)?, seconds.into(), options(opts)?)))
    }

    fn pexpire(
        cache: CacheBorrow<'_>,
        key: api::Value,
        ms: i64,
        opts: api::Options,
    ) -> Reply<bool> {
        resource(&cache).run(|c| ready(c.pexpire(decode(key)?, ms.into(), options(opts)?)))
    }

    fn expire_at(
        cache: CacheBorrow<'_>,
        key: api::Value,
        unix_seconds: i64,
        opts: api::Options,
    ) -> Reply<bool> {
        resource(&cache)
            .run(|c| ready(c.expire_at(decode(key)?, unix_seconds.into(), options(opts)?)))
    }

    fn persist(cache: CacheBorrow<'_>, key: api::Value, opts: api::Options) -> Reply<bool> {
        resource(&cache).run(|c| ready(c.persist(decode(key)?, options(opts)?)))
    }

    fn iter_keys(
        cache: CacheBorrow<'_>,
        search: String,
        opts: api::Options,
    ) -> Reply<Vec<api::Value>> {
        resource(&cache)
            .run(|c| ready(c.iter_keys(&search, options(opts)?)))
            .map(|keys| encode_all(&keys))
    }

    fn delete_pattern(cache: CacheBorrow<'_>, pattern: String, opts: api::Options) -> Reply<u64> {
        resource(&cache)
            .run(|c| ready(c.delete_pattern(&pattern, options(opts)?)))
            .map(|n| n as u64)
    }

    fn lock_acquire(
        cache: CacheBorrow<'_>,
        name: api::Value,
        token: String,
        timeout_ms: Option<i64>,
        opts: api::Options,
    ) -> Reply<bool> {
        resource(&cache).run(|c| {
            ready(c.lock_acquire(
                decode(name)?,
                &token,
                timeout_ms.map(i128::from),
                options(opts)?,
            ))
        })
    }

    fn lock_release(
        cache: CacheBorrow<'_>,
        name: api::Value,
        token: String,
        opts: api::Options,
    ) -> Reply<bool> {
        resource(&cache).run(|c| ready(c.lock_release(decode(name)?, &token, options(opts)?)))
    }

    fn incr_ignore_key_check(
        cache: CacheBorrow<'_>,
        key: api::Value,
        delta: api::Value,
        opts: api::Options,
    ) -> Reply<api::Value> {
        resource(&cache)
            .run(|c| ready(c.incr_ignoring_key_check(decode(key)?, decode(delta)?, options(opts)?)))
            .map(|value| encode(&value))
    }

    fn stats_report(cache: CacheBorrow<'_>) -> wit::Report {
        // In-memory stats are ready at once, and the alias was checked on `caches.cache`.
        let Some(report) = resource(&cache)
            .core()
            .ok()
            .and_then(|c| crate::now_or_never(c.stats_report()))
        else {
            return wit::Report {
                backend: String::new(),
                counters: wit::Counters {
                    hits: 0,
                    misses: 0,
                    sets: 0,
                    deletes: 0,
                    culled: 0,
                },
                latency_count: 0,
                latency_mean_ms: 0.0,
                latency_max_ms: 0.0,
                stampede: wit::StampedeStats {
                    computed: 0,
                    coalesced: 0,
                    stale_served: 0,
                    lock_waits: 0,
                    lock_timeouts: 0,
                },
            };
        };
        let (c, l, s) = (report.counters, report.latency, report.stampede);
        wit::Report {
            backend: report.backend.into(),
            counters: wit::Counters {
                hits: c.hits,
                misses: c.misses,
                sets: c.sets,
                deletes: c.deletes,
                culled: c.culled,
            },
            latency_count: l.count,
            latency_mean_ms: l.mean_ms,
            latency_max_ms: l.max_ms,
            stampede: wit::StampedeStats {
                computed: s.computed,
                coalesced: s.coalesced,
                stale_served: s.stale_served,
                lock_waits: s.lock_waits,
                lock_timeouts: s.lock_timeouts,
            },
        }
    }
}
