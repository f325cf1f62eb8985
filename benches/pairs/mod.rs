//! What the locmem benches share (`benches/locmem.rs`, `benches/locmem_split.rs`): the
//! workload's keys and key sequence, the per-thread timer, pinning to one CPU, and the paired
//! rounds with their report.

use std::time::{Duration, Instant};

/// Distinct keys the workload draws from.
pub const KEYS: u64 = 10_000;
/// The caches' `MAX_ENTRIES` (and the raw `lru` crate's capacity).
pub const MAX_ENTRIES: usize = 1_000;
/// Operations in one timed round; `EDGECACHE_BENCH_OPS` overrides it.
const OPS: u64 = 500_000;
/// Pairs of timed rounds (one of each side); `EDGECACHE_BENCH_PAIRS` overrides it.
const PAIRS: usize = 61;

/// xorshift64: the same key sequence as the Python side (`benches/workload.py`).
pub struct Sequence(pub u64);

impl Iterator for Sequence {
    type Item = u64;
    fn next(&mut self) -> Option<u64> {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        Some(self.0)
    }
}

/// The workload's keys, `key0` to `key9999`, each its own allocation.
pub fn keys() -> Vec<String> {
    (0..KEYS).map(|n| format!("key{n}")).collect()
}

/// Time spent by this thread: its CPU time (`CLOCK_THREAD_CPUTIME_ID`) where Linux gives it,
/// so other processes on a shared machine don't count; wall time otherwise.
///
/// Not `/proc/thread-self/schedstat`, which this bench read before: on this machine's kernel
/// a running thread's figure there moves only at the scheduler's tick (every 4 ms), so a
/// 40–110 ms round was measured to ± 10 %; `clock_gettime` adds the time since the last tick.
#[derive(Clone, Copy)]
pub enum Timer {
    Cpu(u64),
    Wall(Instant),
}

impl Timer {
    pub fn start() -> Self {
        match thread_cpu_ns() {
            Some(ns) => Timer::Cpu(ns),
            None => Timer::Wall(Instant::now()),
        }
    }

    pub fn elapsed(self) -> Duration {
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

/// The knobs every run reads from the environment: `EDGECACHE_BENCH_PAIRS`,
/// `EDGECACHE_BENCH_OPS`, `EDGECACHE_BENCH_VERBOSE`, `EDGECACHE_BENCH_NO_PIN` (pinning
/// happens here, unless that says not to).
pub struct Knobs {
    pub pairs: usize,
    pub ops: u64,
    verbose: bool,
    pinned: Result<i32, String>,
}

impl Knobs {
    pub fn from_env() -> Self {
        let number = |name: &str| {
            std::env::var(name)
                .ok()
                .and_then(|n| n.parse::<u64>().ok())
                .filter(|&n| n > 0)
        };
        Self {
            pairs: number("EDGECACHE_BENCH_PAIRS").map_or(PAIRS, |n| n as usize),
            ops: number("EDGECACHE_BENCH_OPS").unwrap_or(OPS),
            verbose: std::env::var_os("EDGECACHE_BENCH_VERBOSE").is_some(),
            pinned: if std::env::var_os("EDGECACHE_BENCH_NO_PIN").is_some() {
                Err("EDGECACHE_BENCH_NO_PIN".into())
            } else {
                pin_to_current_cpu()
            },
        }
    }
}

/// Both sides' rates (ops/s) round by round, and each pair's ratio (raw ÷ edgecache rate,
/// i.e. edgecache's time ÷ the raw crate's).
pub struct Rounds {
    edgecache: Vec<f64>,
    raw_lru: Vec<f64>,
    ratios: Vec<f64>,
}

/// One timed round of `run` (ops/s) with the faults and preemptions it saw.
fn round<W: ?Sized>(run: fn(&W, u64) -> f64, work: &W, ops: u64) -> (f64, ThreadState) {
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

/// One untimed round of each side, then `knobs.pairs` pairs of timed rounds on `work`.
pub fn run_pairs<W: ?Sized>(
    knobs: &Knobs,
    work: &W,
    run_edgecache: fn(&W, u64) -> f64,
    run_raw_lru: fn(&W, u64) -> f64,
) -> Rounds {
    let ops = knobs.ops;
    // The untimed rounds: both sides' code, keys and allocator pages warm.
    run_edgecache(work, ops);
    run_raw_lru(work, ops);
    // The order is swapped in every other pair, so a drift of the machine's speed (other
    // processes, the shared L3) falls on both sides alike; each pair's ratio compares two
    // rounds run next to each other.
    let mut rounds = Rounds {
        edgecache: Vec::new(),
        raw_lru: Vec::new(),
        ratios: Vec::new(),
    };
    for pair in 0..knobs.pairs {
        let (e, r) = if pair % 2 == 0 {
            let e = round(run_edgecache, work, ops);
            (e, round(run_raw_lru, work, ops))
        } else {
            let r = round(run_raw_lru, work, ops);
            (round(run_edgecache, work, ops), r)
        };
        if knobs.verbose {
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
        rounds.edgecache.push(e.0);
        rounds.raw_lru.push(r.0);
        rounds.ratios.push(r.0 / e.0);
    }
    rounds
}

/// Prints the run's settings, both sides' median rates and the ratio with its spread;
/// edgecache's median rate (ops/s).
pub fn report(knobs: &Knobs, workload: &str, rounds: &Rounds) -> f64 {
    println!(
        "workload: {workload}, {KEYS} keys, MAX_ENTRIES {MAX_ENTRIES}, {} ops a round, {} pairs of rounds",
        knobs.ops, knobs.pairs
    );
    let clock = match Timer::start() {
        Timer::Cpu(_) => "thread CPU time (CLOCK_THREAD_CPUTIME_ID)",
        Timer::Wall(_) => "wall time",
    };
    match &knobs.pinned {
        Ok(cpu) => println!("timed by {clock}, pinned to CPU {cpu}"),
        Err(why) => println!("timed by {clock}, not pinned ({why})"),
    }
    let edgecache_median = quantile(&rounds.edgecache, 0.5);
    println!("edgecache locmem   {edgecache_median:>14.0} ops/s (median)");
    println!(
        "raw lru crate      {:>14.0} ops/s (median)",
        quantile(&rounds.raw_lru, 0.5)
    );
    let ratios = &rounds.ratios;
    println!(
        "edgecache time / raw lru time = {:.2}x (goal <= 1.5x), median of the pairs' ratios; quartiles {:.2}-{:.2}, range {:.2}-{:.2}",
        quantile(ratios, 0.5),
        quantile(ratios, 0.25),
        quantile(ratios, 0.75),
        quantile(ratios, 0.0),
        quantile(ratios, 1.0),
    );
    edgecache_median
}
