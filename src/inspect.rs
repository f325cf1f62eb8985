//! Introspection: what a cache holds and what it has done, as public API.
//!
//! The replay's `dump`, the playground's live table, the npm package's `inspect()` and the
//! component all read this; none of them re-derives cache state.

use crate::value::Value;
use alloc::string::String;
use alloc::vec::Vec;

/// How much of a store to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detail {
    /// Entries, counts, counters and the last cull.
    #[default]
    Full,
    /// Only the number of entries.
    Count,
}

/// The order of [`Inspection::entries`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EntryOrder {
    /// locmem: the next entry to be culled comes last.
    MostRecentlyUsedFirst,
    /// Sorted by full key (the db backend's `cache_key` column).
    KeyAscending,
    /// Sorted by entry file name (filebased: `md5(full key).djcache`).
    FileName,
}

impl EntryOrder {
    /// The wording the conformance oracle uses, where it names the order.
    pub fn describe(self) -> Option<&'static str> {
        match self {
            Self::MostRecentlyUsedFirst => Some("most-recently-used first"),
            Self::KeyAscending => Some("cache_key ascending"),
            Self::FileName => None,
        }
    }
}

/// One stored entry.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryView {
    /// The full key (prefix, version and raw key).
    pub key: String,
    /// The stored value.
    pub value: Value,
    /// Unix time at which it expires; `None` never.
    pub expires_at: Option<f64>,
}

/// Why the last cull removed what it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CullReason {
    /// `CULL_FREQUENCY` 0: the store held `count >= MAX_ENTRIES` entries and was emptied.
    ClearAll {
        /// Entries before the cull.
        count: usize,
        /// The `MAX_ENTRIES` in force.
        max_entries: i128,
    },
    /// `count // CULL_FREQUENCY` least-recently-used entries were removed.
    LeastRecentlyUsed {
        /// Entries before the cull.
        count: usize,
        /// The `MAX_ENTRIES` in force.
        max_entries: i128,
        /// The `CULL_FREQUENCY` in force.
        cull_frequency: i128,
    },
}

/// The entries the last cull removed, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct CullReport {
    /// When it happened (Unix seconds).
    pub at: f64,
    /// Why.
    pub reason: CullReason,
    /// The full keys removed, in removal order.
    pub removed: Vec<String>,
}

/// Operation counters of one cache alias.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats {
    /// Reads that found a live entry.
    pub hits: u64,
    /// Reads that found nothing (or an expired entry).
    pub misses: u64,
    /// Values written (`set`, a successful `add`, each `set_many` item, `incr`).
    pub sets: u64,
    /// Entries removed by `delete`/`delete_many`.
    pub deletes: u64,
    /// Entries removed by culling.
    pub culled: u64,
}

/// A snapshot of a cache's store.
#[derive(Debug, Clone, PartialEq)]
pub struct Inspection {
    /// The backend's short name (`locmem`, `dummy`, ...).
    pub backend: &'static str,
    /// Unix time of the snapshot.
    pub now: f64,
    /// Number of entries present, expired ones included.
    pub count: usize,
    /// The order of `entries`, where the backend has one.
    pub order: Option<EntryOrder>,
    /// The entries (empty with [`Detail::Count`]).
    pub entries: Vec<EntryView>,
    /// This alias's counters.
    pub stats: Stats,
    /// The store's most recent cull.
    pub last_cull: Option<CullReport>,
}
