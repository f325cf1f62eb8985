//! The locmem benchmark: Django's mixed workload on edgecache's locmem, on the raw `lru`
//! crate doing the same gets and sets, and on Django's own LocMemCache (Python, measured in
//! the same run by `benches/workload.py`). Prints ops/s of each and the ratios.
//!
//! Run with `scripts/bench.sh` (or `cargo bench --bench locmem`; set `EDGECACHE_PYTHON` to a
//! Python with django==5.2.19, default `.venv/bin/python`).
//!
//! The figure is the median of per-pair ratios: each timed edgecache round against the raw
//! round run next to it (the order swapped every other pair), with the quartiles and range
//! printed as the spread. The process pins itself to the CPU it starts on and times each
//! round by its thread's CPU time. Knobs: `EDGECACHE_BENCH_PAIRS` (default 61),
//! `EDGECACHE_BENCH_OPS` (operations a round, default 500,000), `EDGECACHE_BENCH_NO_PIN`,
//! `EDGECACHE_BENCH_VERBOSE` (one line per pair: both rounds' times, their page faults,
//! preemptions and CPU).
//!
//! `benches/locmem_split.rs` times the same workload one kind of operation at a time (gets,
//! sets, hits, misses).

use edgecache::{Caches, ManualClock, Options, Value};
use lru::LruCache;
use std::hint::black_box;
use std::num::NonZeroUsize;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

const KEYS: u64 = 10_000;
const MAX_ENTRIES: usize = 1_000;
/// Operations in one timed round; `EDGECACHE_BENCH_OPS` overrides it.
const OPS: u64 = 500_000;
/// Pairs of timed rounds (one of each side); `EDGECACHE_BENCH_PAIRS` overrides it.
const PAIRS: usize = 61;

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

fn run_edgecache(keys: &[String], ops: u64) -> f64 {
    let clock = Arc::new(ManualClock::new(ManualClock::ORACLE_START));
    let settings = format!(
        "{{'default': {{'BACKEND': 'locmem', 'LOCATION': 'bench', 'OPTIONS': {{'MAX_ENTRIES': {MAX_ENTRIES}}}}}}}"
    );
    let caches = Caches::from_text(&settings, clock).expect("settings");
    let cache = caches
        .default_cache()
        .expect("default")
        .blocking()
        .expect("in-memory");
    let started = Timer::start();
    for (n, state) in Sequence(0x9E37_79B9_7F4A_7C15)
        .take(ops as usize)
        .enumerate()
    {
        let key = keys[(state % KEYS) as usize].as_str();
        if state % 10 == 0 {
            cache
                .set(key, Value::Int(n as i128), Options::DEFAULT)
                .expect("set");
        } else {
            black_box(cache.get(key, Options::DEFAULT).expect("get"));
        }
    }
    ops as f64 / started.elapsed().as_secs_f64()
}

fn run_raw_lru(keys: &[String], ops: u64) -> f64 {
    let mut lru: LruCache<String, Value> =
        LruCache::new(NonZeroUsize::new(MAX_ENTRIES).expect("non-zero"));
    let started = Timer::start();
    for (n, state) in Sequence(0x9E37_79B9_7F4A_7C15)
        .take(ops as usize)
        .enumerate()
    {
        let key = &keys[(state % KEYS) as usize];
        if state % 10 == 0 {
            lru.put(key.clone(), Value::Int(n as i128));
        } else {
            black_box(lru.get(key.as_str()).cloned());
        }
    }
    ops as f64 / started.elapsed().as_secs_f64()
}

fn run_django(ops: u64) -> Result<f64, String> {
    let python = std::env::var("EDGECACHE_PYTHON").unwrap_or_else(|_| ".venv/bin/python".into());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/workload.py");
    let output = Command::new(&python)
        .arg(script)
        .arg(ops.to_string())
        .output()
        .map_err(|e| format!("{python}: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    let text = String::from_utf8_lossy(&output.stdout);
    text.split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("unexpected output: {text}"))
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
fn round(run: fn(&[String], u64) -> f64, keys: &[String], ops: u64) -> (f64, ThreadState) {
    let before = ThreadState::now();
    let ops = run(keys, ops);
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
    // One untimed round of each first: both sides' code, keys and allocator pages warm.
    run_edgecache(&keys, ops);
    run_raw_lru(&keys, ops);
    // Pairs of rounds, the order swapped in every other pair, so a drift of the machine's
    // speed (other processes, the shared L3) falls on both sides alike; each pair's ratio
    // compares two rounds run next to each other.
    let (mut edgecache, mut raw_lru, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for pair in 0..pairs {
        let (e, r) = if pair % 2 == 0 {
            let e = round(run_edgecache, &keys, ops);
            (e, round(run_raw_lru, &keys, ops))
        } else {
            let r = round(run_raw_lru, &keys, ops);
            (round(run_edgecache, &keys, ops), r)
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
    println!(
        "workload: 90% get / 10% set, {KEYS} keys, MAX_ENTRIES {MAX_ENTRIES}, {ops} ops a round, {pairs} pairs of rounds"
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
    match run_django(200_000) {
        Ok(django) => {
            println!("django LocMemCache {django:>14.0} ops/s");
            println!(
                "edgecache ops/s / django ops/s = {:.1}x (goal >= 50x)",
                edgecache_median / django
            );
        }
        Err(error) => println!("django LocMemCache: not measured ({error})"),
    }
}
