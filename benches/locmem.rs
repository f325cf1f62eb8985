//! The locmem benchmark: Django's mixed workload on edgecache's locmem, on the raw `lru`
//! crate doing the same gets and sets, and on Django's own LocMemCache (Python, measured in
//! the same run by `benches/workload.py`). Prints ops/s of each and the ratios.
//!
//! Run with `scripts/bench.sh` (or `cargo bench --bench locmem`; set `EDGECACHE_PYTHON` to a
//! Python with django==5.2.19, default `.venv/bin/python`).

use edgecache::{Caches, ManualClock, Options, Value};
use lru::LruCache;
use std::hint::black_box;
use std::num::NonZeroUsize;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

const KEYS: u64 = 10_000;
const MAX_ENTRIES: usize = 1_000;
const OPS: u64 = 2_000_000;
const ROUNDS: usize = 5;

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

/// Time spent by this thread: its CPU time from `/proc/thread-self/schedstat` where Linux
/// gives it (so other processes on a shared machine don't count), wall time otherwise.
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

fn thread_cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
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

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` asks for a listing
    }
    let keys = keys();
    run_edgecache(&keys, OPS / 10);
    run_raw_lru(&keys, OPS / 10);
    // Rounds alternate between the peers, so load from other processes on a shared machine
    // falls on both alike.
    let (mut edgecache, mut raw_lru) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        edgecache.push(run_edgecache(&keys, OPS));
        raw_lru.push(run_raw_lru(&keys, OPS));
    }
    let (edgecache, raw_lru) = (median(edgecache), median(raw_lru));
    println!(
        "workload: 90% get / 10% set, {KEYS} keys, MAX_ENTRIES {MAX_ENTRIES}, {OPS} ops, median of {ROUNDS}"
    );
    let clock = match Timer::start() {
        Timer::Cpu(_) => "thread CPU time (/proc/thread-self/schedstat)",
        Timer::Wall(_) => "wall time",
    };
    println!("timed by {clock}");
    println!("edgecache locmem   {edgecache:>14.0} ops/s");
    println!("raw lru crate      {raw_lru:>14.0} ops/s");
    println!(
        "edgecache time / raw lru time = {:.2}x (goal <= 1.5x)",
        raw_lru / edgecache
    );
    match run_django(200_000) {
        Ok(django) => {
            println!("django LocMemCache {django:>14.0} ops/s");
            println!(
                "edgecache ops/s / django ops/s = {:.1}x (goal >= 50x)",
                edgecache / django
            );
        }
        Err(error) => println!("django LocMemCache: not measured ({error})"),
    }
}
