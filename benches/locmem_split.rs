//! The locmem benchmark (`benches/locmem.rs`) split by operation: the same keys, sequence,
//! cache settings, timer, pinning and pairing, but each timed round makes one kind of
//! operation, on edgecache's locmem and on the raw `lru` crate alike.
//!
//! `EDGECACHE_BENCH_MIX`: `mixed` (the default: the 90 % get / 10 % set from an empty
//! cache), `get` (gets only), `set` (sets only), `hit` (gets of keys the cache holds) and
//! `miss` (gets of keys it does not hold). All but `mixed` first fill each round's cache,
//! untimed, with `PREFILL` operations of the mixed workload; the keys then come from the same
//! xorshift sequence (`get`, `set`), or from that sequence keeping only the keys that side holds
//! after the fill (`hit`) or does not hold (`miss`), read from a list made once per side (gets
//! do not change which keys a cache holds). Other knobs as in `benches/locmem.rs`:
//! `EDGECACHE_BENCH_PAIRS`, `EDGECACHE_BENCH_OPS`, `EDGECACHE_BENCH_NO_PIN`,
//! `EDGECACHE_BENCH_VERBOSE`.
//!
//! A separate binary, so that `benches/locmem.rs` (the figure) is compiled as before:
//! here each side's calls sit in several loops, and LLVM no longer inlines `Cache::get_now`
//! or `LruCache::get` into them, which moves this bench's `mixed` figure by a few per cent
//! against `benches/locmem.rs` (BENCHMARKS.md, ninth round). Compare ratios within one binary.
//!
//! Run with `EDGECACHE_BENCH_MIX=miss cargo bench --bench locmem_split` (or
//! `scripts/bench.sh split`).

mod pairs;

use edgecache::{Blocking, Caches, ManualClock, Options, Value};
use lru::LruCache;
use pairs::{KEYS, Knobs, MAX_ENTRIES, Sequence, Timer, keys, report, run_pairs};
use std::hint::black_box;
use std::num::NonZeroUsize;
use std::sync::Arc;

/// Mixed operations that fill a cache, untimed, before a round of any other mix.
const PREFILL: u64 = 100_000;

/// `EDGECACHE_BENCH_MIX`: which operations a timed round makes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mix {
    /// 90 % get / 10 % set, from an empty cache (the workload).
    Mixed,
    /// Gets only, on a filled cache.
    Get,
    /// Sets only, on a filled cache.
    Set,
    /// Gets of keys the filled cache holds.
    Hit,
    /// Gets of keys the filled cache does not hold.
    Miss,
}

impl Mix {
    fn from_env() -> Self {
        match std::env::var("EDGECACHE_BENCH_MIX").as_deref() {
            Ok("get") => Mix::Get,
            Ok("set") => Mix::Set,
            Ok("hit") => Mix::Hit,
            Ok("miss") => Mix::Miss,
            Ok("mixed") | Err(_) => Mix::Mixed,
            Ok(other) => panic!("EDGECACHE_BENCH_MIX={other}: mixed, get, set, hit or miss"),
        }
    }
}

/// Kinds of timed loop (const parameters of the loops, so the default one is compiled as
/// it was before the split).
const MIXED: u8 = 0;
const GETS: u8 = 1;
const SETS: u8 = 2;
const LISTED: u8 = 3;

/// What a round works on: the keys, the mix, and per side the key indices of `hit` / `miss`.
struct Work {
    keys: Vec<String>,
    mix: Mix,
    edgecache_list: Vec<u32>,
    raw_lru_list: Vec<u32>,
}

fn edgecache_cache(clock: Arc<ManualClock>) -> Caches {
    let settings = format!(
        "{{'default': {{'BACKEND': 'locmem', 'LOCATION': 'bench', 'OPTIONS': {{'MAX_ENTRIES': {MAX_ENTRIES}}}}}}}"
    );
    Caches::from_text(&settings, clock).expect("settings")
}

/// The timed loop on edgecache: `ops` operations of kind `KIND`.
#[inline(never)]
fn edgecache_ops<const KIND: u8>(cache: &Blocking<'_>, keys: &[String], ops: u64, list: &[u32]) {
    if KIND == LISTED {
        for &index in &list[..ops as usize] {
            black_box(
                cache
                    .get(keys[index as usize].as_str(), Options::DEFAULT)
                    .expect("get"),
            );
        }
        return;
    }
    for (n, state) in Sequence(0x9E37_79B9_7F4A_7C15)
        .take(ops as usize)
        .enumerate()
    {
        let key = keys[(state % KEYS) as usize].as_str();
        let is_set = match KIND {
            MIXED => state % 10 == 0,
            GETS => false,
            _ => true,
        };
        if is_set {
            cache
                .set(key, Value::Int(n as i128), Options::DEFAULT)
                .expect("set");
        } else {
            black_box(cache.get(key, Options::DEFAULT).expect("get"));
        }
    }
}

fn run_edgecache(work: &Work, ops: u64) -> f64 {
    let clock = Arc::new(ManualClock::new(ManualClock::ORACLE_START));
    let caches = edgecache_cache(clock);
    let cache = caches
        .default_cache()
        .expect("default")
        .blocking()
        .expect("in-memory");
    let keys = work.keys.as_slice();
    if work.mix != Mix::Mixed {
        edgecache_ops::<MIXED>(&cache, keys, PREFILL, &[]);
    }
    let started = Timer::start();
    match work.mix {
        Mix::Mixed => edgecache_ops::<MIXED>(&cache, keys, ops, &[]),
        Mix::Get => edgecache_ops::<GETS>(&cache, keys, ops, &[]),
        Mix::Set => edgecache_ops::<SETS>(&cache, keys, ops, &[]),
        Mix::Hit | Mix::Miss => edgecache_ops::<LISTED>(&cache, keys, ops, &work.edgecache_list),
    }
    ops as f64 / started.elapsed().as_secs_f64()
}

/// Which keys edgecache's cache holds after the fill.
fn edgecache_holds(keys: &[String]) -> Vec<bool> {
    let caches = edgecache_cache(Arc::new(ManualClock::new(ManualClock::ORACLE_START)));
    let cache = caches.default_cache().expect("default");
    let cache = cache.blocking().expect("in-memory");
    edgecache_ops::<MIXED>(&cache, keys, PREFILL, &[]);
    keys.iter()
        .map(|key| {
            cache
                .get(key.as_str(), Options::DEFAULT)
                .expect("get")
                .is_some()
        })
        .collect()
}

/// The timed loop on the raw `lru` crate: `ops` operations of kind `KIND`.
#[inline(never)]
fn raw_lru_ops<const KIND: u8>(
    lru: &mut LruCache<String, Value>,
    keys: &[String],
    ops: u64,
    list: &[u32],
) {
    if KIND == LISTED {
        for &index in &list[..ops as usize] {
            black_box(lru.get(keys[index as usize].as_str()).cloned());
        }
        return;
    }
    for (n, state) in Sequence(0x9E37_79B9_7F4A_7C15)
        .take(ops as usize)
        .enumerate()
    {
        let key = &keys[(state % KEYS) as usize];
        let is_set = match KIND {
            MIXED => state % 10 == 0,
            GETS => false,
            _ => true,
        };
        if is_set {
            lru.put(key.clone(), Value::Int(n as i128));
        } else {
            black_box(lru.get(key.as_str()).cloned());
        }
    }
}

fn raw_lru_cache() -> LruCache<String, Value> {
    LruCache::new(NonZeroUsize::new(MAX_ENTRIES).expect("non-zero"))
}

fn run_raw_lru(work: &Work, ops: u64) -> f64 {
    let mut lru = raw_lru_cache();
    let keys = work.keys.as_slice();
    if work.mix != Mix::Mixed {
        raw_lru_ops::<MIXED>(&mut lru, keys, PREFILL, &[]);
    }
    let started = Timer::start();
    match work.mix {
        Mix::Mixed => raw_lru_ops::<MIXED>(&mut lru, keys, ops, &[]),
        Mix::Get => raw_lru_ops::<GETS>(&mut lru, keys, ops, &[]),
        Mix::Set => raw_lru_ops::<SETS>(&mut lru, keys, ops, &[]),
        Mix::Hit | Mix::Miss => raw_lru_ops::<LISTED>(&mut lru, keys, ops, &work.raw_lru_list),
    }
    ops as f64 / started.elapsed().as_secs_f64()
}

/// Which keys the raw `lru` crate holds after the fill.
fn raw_lru_holds(keys: &[String]) -> Vec<bool> {
    let mut lru = raw_lru_cache();
    raw_lru_ops::<MIXED>(&mut lru, keys, PREFILL, &[]);
    keys.iter().map(|key| lru.contains(key.as_str())).collect()
}

/// The first `ops` keys of the sequence that `holds` says are held (`held`) or not.
fn listed(holds: &[bool], held: bool, ops: u64) -> Vec<u32> {
    Sequence(0x9E37_79B9_7F4A_7C15)
        .map(|state| (state % KEYS) as u32)
        .filter(|&index| holds[index as usize] == held)
        .take(ops as usize)
        .collect()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` asks for a listing
    }
    let knobs = Knobs::from_env();
    let ops = knobs.ops;
    let keys = keys();
    let mix = Mix::from_env();
    let (edgecache_list, raw_lru_list) = match mix {
        Mix::Hit | Mix::Miss => {
            let held = mix == Mix::Hit;
            let (edgecache, raw_lru) = (edgecache_holds(&keys), raw_lru_holds(&keys));
            let count = |holds: &[bool]| holds.iter().filter(|&&held| held).count();
            println!(
                "after the fill: edgecache holds {} keys, raw lru {}",
                count(&edgecache),
                count(&raw_lru)
            );
            (listed(&edgecache, held, ops), listed(&raw_lru, held, ops))
        }
        _ => (Vec::new(), Vec::new()),
    };
    let work = Work {
        keys,
        mix,
        edgecache_list,
        raw_lru_list,
    };
    let rounds = run_pairs(&knobs, &work, run_edgecache, run_raw_lru);
    let workload = match mix {
        Mix::Mixed => "90% get / 10% set".into(),
        other => format!("{other:?} only (EDGECACHE_BENCH_MIX), after {PREFILL} mixed ops untimed"),
    };
    report(&knobs, &workload, &rounds);
}
