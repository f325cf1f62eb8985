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

mod pairs;

use edgecache::{Caches, ManualClock, Options, Value};
use lru::LruCache;
use pairs::{KEYS, Knobs, MAX_ENTRIES, Sequence, Timer, keys, report, run_pairs};
use std::hint::black_box;
use std::num::NonZeroUsize;
use std::process::Command;
use std::sync::Arc;

/// One round of the workload on edgecache's locmem (ops/s). Out of line, as its raw twin, so
/// that both loops compile the same whatever the harness around them.
#[inline(never)]
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

/// One round of the workload on the raw `lru` crate (ops/s).
#[inline(never)]
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

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` asks for a listing
    }
    let knobs = Knobs::from_env();
    let keys = keys();
    let rounds = run_pairs(&knobs, keys.as_slice(), run_edgecache, run_raw_lru);
    let edgecache_median = report(&knobs, "90% get / 10% set", &rounds);
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
