//! Per-alias statistics beyond the operation counters: the latency of operations that await
//! storage, and what stampede protection did (see `docs/stats.md`).
//!
//! Latency is recorded only by the asynchronous API over a backend that does I/O (filebased,
//! db, redis, memcached): the in-memory backends' operations never read the clock for it, so
//! the synchronous locmem path costs nothing extra.

use crate::inspect::Stats;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};

/// Upper bounds (milliseconds) of the latency histogram's buckets; the last bucket is open.
pub const LATENCY_BUCKETS_MS: [f64; 7] = [1.0, 5.0, 10.0, 50.0, 100.0, 500.0, 1000.0];

/// The clock a cache times operations with.
pub(crate) struct StatsClock(pub(crate) alloc::sync::Arc<dyn crate::clock::Clock>);

impl core::fmt::Debug for StatsClock {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("StatsClock")
    }
}

/// Running latency figures of one alias (lock-free: relaxed atomics).
#[derive(Debug, Default)]
pub(crate) struct Latency {
    count: AtomicU64,
    total_us: AtomicU64,
    max_us: AtomicU64,
    buckets: [AtomicU64; LATENCY_BUCKETS_MS.len() + 1],
}

impl Latency {
    /// Records one operation that took `seconds`.
    #[cfg_attr(edgecache_memory_only, allow(dead_code))] // timed operations only
    pub(crate) fn record(&self, seconds: f64) {
        let micros = if seconds.is_finite() && seconds > 0.0 {
            (seconds * 1e6) as u64
        } else {
            0
        };
        self.count.fetch_add(1, Ordering::Relaxed);
        self.total_us.fetch_add(micros, Ordering::Relaxed);
        self.max_us.fetch_max(micros, Ordering::Relaxed);
        let ms = micros as f64 / 1000.0;
        let at = LATENCY_BUCKETS_MS
            .iter()
            .position(|&bound| ms <= bound)
            .unwrap_or(LATENCY_BUCKETS_MS.len());
        self.buckets[at].fetch_add(1, Ordering::Relaxed);
    }

    /// The figures so far.
    pub(crate) fn snapshot(&self) -> LatencyStats {
        let count = self.count.load(Ordering::Relaxed);
        let total = self.total_us.load(Ordering::Relaxed);
        LatencyStats {
            count,
            mean_ms: if count == 0 {
                0.0
            } else {
                total as f64 / count as f64 / 1000.0
            },
            max_ms: self.max_us.load(Ordering::Relaxed) as f64 / 1000.0,
            buckets: self
                .buckets
                .iter()
                .map(|bucket| bucket.load(Ordering::Relaxed))
                .collect(),
        }
    }
}

/// Latency of the operations that awaited storage.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LatencyStats {
    /// Operations timed.
    pub count: u64,
    /// Their mean duration in milliseconds.
    pub mean_ms: f64,
    /// The longest, in milliseconds.
    pub max_ms: f64,
    /// How many took at most each bound of [`LATENCY_BUCKETS_MS`], in order; the last count
    /// is everything slower than the last bound.
    pub buckets: Vec<u64>,
}

/// What stampede protection did on one alias (`get_or_set`; see `docs/stampede.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StampedeStats {
    /// Times a `get_or_set` default was computed (called).
    pub computed: u64,
    /// Callers that missed while another caller in this process computed the same key, and
    /// were given its result instead of computing.
    pub coalesced: u64,
    /// Callers served a stale value during its grace period (`STALE_GRACE`).
    pub stale_served: u64,
    /// Times a caller found another process's lock entry (`STAMPEDE_LOCK_TIMEOUT`) held.
    pub lock_waits: u64,
    /// Times a caller gave up waiting for a held lock and computed anyway.
    pub lock_timeouts: u64,
}

/// Everything [`crate::Cache::stats_report`] knows about one alias.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsReport {
    /// The backend's short name.
    pub backend: &'static str,
    /// hit/miss/set/delete/cull counters.
    pub counters: Stats,
    /// Latency of operations that awaited storage (empty for locmem and dummy).
    pub latency: LatencyStats,
    /// Stampede protection's counters.
    pub stampede: StampedeStats,
}
