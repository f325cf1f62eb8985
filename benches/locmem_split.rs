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

use edgecache::{Blocking, Caches, ManualClock, Options, Value};
use lru::LruCache;
use std::hint::black_box;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::{Duration, Instant};

const KEYS: u64 = 10_000;
const MAX_ENTRIES: usize = 1_000;
/// Operations in one timed round; `EDGECACHE_BENCH_OPS` overrides it.
const OPS: u64 = 500_000;
/// Pairs of timed rounds (one of each side); `EDGECACHE_BENCH_PAIRS` overrides it.
const PAIRS: usize = 61;
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

/// xorshift64: the same key sequence as the Python side.
struct Sequence(u64);

impl Iterator for Sequence {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        Some(self.0)
    }
}

fn keys() -> Vec<String> {
    (0..KEYS).map(|n| format!("key{n}")).collect()
}

/// Time spent by this thread: its CPU time (`CLOCK_THREAD_CPUTIME_ID`) where Linux gives it,
/// so other processes on a shared machine don't count; wall time otherwise.
///
/// Not `/proc/thread-self/schedstat`, which this bench read before: on this machine's kernel
/// a running thread's figure there moves only at the scheduler's tick (every 4 ms), so a
/// 40–110 ms round was measured to ± 10 %; `clock_gettime` adds the time since the last tick.
#[derive(Clone, Copy)]
enum Timer {
    Cpu(u64),
    Wall(Instant),
}

impl Timer {
    fn start() -> Self {
        match thread_cpu_ns() {
            Some(ns) => Timer::Cpu(ns),
            None => Timer::Wall(Instant::now()),
        }
    }

    fn elapsed(self) -> Duration {
        match self {
            Timer::Cpu(start) => {
                Duration::from_nanos(thread_cpu_ns().unwrap_or(start).saturating_sub(start))
            }
            Timer::Wall(start) => start.elapsed(),
        }
    }
}

#[cfg(target_os = "linux")]
fn thread_cpu_ns() -> Option<u64> {
    // SAFETY: `clock_gettime` fills the `timespec` it is given.
    let time = unsafe {
        let mut time: libc::timespec = std::mem::zeroed();
        if libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut time) != 0 {
            return None;
        }
        time
    };
    Some(time.tv_sec as u64 * 1_000_000_000 + time.tv_nsec as u64)
}

#[cfg(not(target_os = "linux"))]
fn thread_cpu_ns() -> Option<u64> {
    None
}

/// This thread's run time as `/proc/thread-self/schedstat` gives it (the old timer, shown
/// next to the new one by `EDGECACHE_BENCH_VERBOSE`).
fn schedstat_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
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

/// The `q`-quantile (0 ≤ q ≤ 1) of `samples` by the nearest rank.
fn quantile(samples: &[f64], q: f64) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

/// What the kernel says about this thread: minor page faults and involuntary context
/// switches (`getrusage(RUSAGE_THREAD)`), and the CPU it is on.
#[derive(Clone, Copy, Default)]
struct ThreadState {
    schedstat_ns: u64,
    minor_faults: i64,
    preempted: i64,
    cpu: i32,
}

impl ThreadState {
    #[cfg(not(target_os = "linux"))]
    fn now() -> Self {
        Self {
            schedstat_ns: schedstat_ns(),
            ..Self::default()
        }
    }

    #[cfg(target_os = "linux")]
    fn now() -> Self {
        // SAFETY: `usage` is a plain C struct that `getrusage` fills; `sched_getcpu` takes
        // nothing.
        unsafe {
            let mut usage: libc::rusage = std::mem::zeroed();
            libc::getrusage(libc::RUSAGE_THREAD, &mut usage);
            Self {
                schedstat_ns: schedstat_ns(),
                minor_faults: usage.ru_minflt,
                preempted: usage.ru_nivcsw,
                cpu: libc::sched_getcpu(),
            }
        }
    }
}

/// Pins this thread to the CPU it is running on, so no round moves between cores (and their
/// private L1/L2 caches) half-way; the CPU, or why not.
#[cfg(not(target_os = "linux"))]
fn pin_to_current_cpu() -> Result<i32, String> {
    Err("Linux only".into())
}

#[cfg(target_os = "linux")]
fn pin_to_current_cpu() -> Result<i32, String> {
    // SAFETY: `set` is a plain bit set that the CPU_* helpers and `sched_setaffinity` read.
    unsafe {
        let cpu = libc::sched_getcpu();
        if cpu < 0 {
            return Err("sched_getcpu failed".into());
        }
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu as usize, &mut set);
        if libc::sched_setaffinity(0, size_of::<libc::cpu_set_t>(), &set) != 0 {
            return Err(std::io::Error::last_os_error().to_string());
        }
        Ok(cpu)
    }
}

/// One timed round of `run` (ops/s) with the faults and preemptions it saw.
fn round(run: fn(&Work, u64) -> f64, work: &Work, ops: u64) -> (f64, ThreadState) {
    let before = ThreadState::now();
    let ops = run(work, ops);
    let after = ThreadState::now();
    (
        ops,
        ThreadState {
            schedstat_ns: after.schedstat_ns - before.schedstat_ns,
            minor_faults: after.minor_faults - before.minor_faults,
            preempted: after.preempted - before.preempted,
            cpu: after.cpu,
        },
    )
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` asks for a listing
    }
    let pairs: usize = std::env::var("EDGECACHE_BENCH_PAIRS")
        .ok()
        .and_then(|n| n.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(PAIRS);
    let ops: u64 = std::env::var("EDGECACHE_BENCH_OPS")
        .ok()
        .and_then(|n| n.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(OPS);
    let verbose = std::env::var_os("EDGECACHE_BENCH_VERBOSE").is_some();
    let pinned = if std::env::var_os("EDGECACHE_BENCH_NO_PIN").is_some() {
        Err("EDGECACHE_BENCH_NO_PIN".into())
    } else {
        pin_to_current_cpu()
    };
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
    // One untimed round of each first: both sides' code, keys and allocator pages warm.
    run_edgecache(&work, ops);
    run_raw_lru(&work, ops);
    // Pairs of rounds, the order swapped in every other pair, so a drift of the machine's
    // speed (other processes, the shared L3) falls on both sides alike; each pair's ratio
    // compares two rounds run next to each other.
    let (mut edgecache, mut raw_lru, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for pair in 0..pairs {
        let (e, r) = if pair % 2 == 0 {
            let e = round(run_edgecache, &work, ops);
            (e, round(run_raw_lru, &work, ops))
        } else {
            let r = round(run_raw_lru, &work, ops);
            (round(run_edgecache, &work, ops), r)
        };
        if verbose {
            let ms = |rate: f64| ops as f64 / rate * 1e3;
            let schedstat_ms = |state: ThreadState| state.schedstat_ns as f64 / 1e6;
            println!(
                "pair {pair:>2}: edgecache {:6.2} ms (schedstat {:6.2}, faults {}, preempted {}, cpu {}), raw lru {:6.2} ms (schedstat {:6.2}, faults {}, preempted {}, cpu {}), ratio {:.3}",
                ms(e.0),
                schedstat_ms(e.1),
                e.1.minor_faults,
                e.1.preempted,
                e.1.cpu,
                ms(r.0),
                schedstat_ms(r.1),
                r.1.minor_faults,
                r.1.preempted,
                r.1.cpu,
                r.0 / e.0
            );
        }
        edgecache.push(e.0);
        raw_lru.push(r.0);
        ratios.push(r.0 / e.0);
    }
    let workload = match mix {
        Mix::Mixed => "90% get / 10% set".into(),
        other => format!("{other:?} only (EDGECACHE_BENCH_MIX), after {PREFILL} mixed ops untimed"),
    };
    println!(
        "workload: {workload}, {KEYS} keys, MAX_ENTRIES {MAX_ENTRIES}, {ops} ops a round, {pairs} pairs of rounds"
    );
    let clock = match Timer::start() {
        Timer::Cpu(_) => "thread CPU time (CLOCK_THREAD_CPUTIME_ID)",
        Timer::Wall(_) => "wall time",
    };
    match pinned {
        Ok(cpu) => println!("timed by {clock}, pinned to CPU {cpu}"),
        Err(why) => println!("timed by {clock}, not pinned ({why})"),
    }
    let edgecache_median = quantile(&edgecache, 0.5);
    println!("edgecache locmem   {edgecache_median:>14.0} ops/s (median)");
    println!(
        "raw lru crate      {:>14.0} ops/s (median)",
        quantile(&raw_lru, 0.5)
    );
    println!(
        "edgecache time / raw lru time = {:.2}x (goal <= 1.5x), median of the pairs' ratios; quartiles {:.2}-{:.2}, range {:.2}-{:.2}",
        quantile(&ratios, 0.5),
        quantile(&ratios, 0.25),
        quantile(&ratios, 0.75),
        quantile(&ratios, 0.0),
        quantile(&ratios, 1.0),
    );
}
