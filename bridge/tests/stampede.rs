//! Stampede protection across processes, against a real Redis through a running bridge:
//! several "processes" (threads, each with its own `Caches` and so its own in-flight
//! registry) miss one key at once; with `STAMPEDE_LOCK_TIMEOUT` only the lock holder
//! computes and the others poll until the value appears; without it each computes.
//! Also: operations that await storage are timed in the alias's stats.

mod support;

use edgecache::stampede::Sleep;
use edgecache::{CacheError, CacheSettings, Caches, Options, Stores, SystemClock, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

/// A sleep for a thread that owns its process' cache: blocks the thread.
struct ThreadSleep;

impl Sleep for ThreadSleep {
    fn sleep(&self, seconds: f64) -> impl std::future::Future<Output = bool> {
        std::thread::sleep(Duration::from_secs_f64(seconds));
        std::future::ready(true)
    }
}

/// `processes` threads call `get_or_set` on one key at the same time; returns how many
/// computed, and the values they got.
fn race(bridge_url: &str, settings: &str, key: &str, processes: usize) -> (usize, Vec<Value>) {
    let computed = Arc::new(AtomicUsize::new(0));
    let barrier = Arc::new(Barrier::new(processes));
    let threads: Vec<_> = (0..processes)
        .map(|n| {
            let (computed, barrier) = (computed.clone(), barrier.clone());
            let settings = CacheSettings::parse(settings).unwrap();
            let url = bridge_url.to_string();
            let key = key.to_string();
            std::thread::spawn(move || {
                let stores = Stores::native().with_bridge(&url, "");
                let caches = Caches::with_stores(&settings, Arc::new(SystemClock), &stores);
                let cache = caches.default_cache().unwrap();
                barrier.wait();
                let compute = || async {
                    computed.fetch_add(1, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(400));
                    Ok::<_, CacheError>(Value::from(format!("from process {n}")))
                };
                edgecache::now_or_never(cache.get_or_set_sleeping(
                    key.as_str(),
                    compute,
                    Options::new().timeout(60),
                    &ThreadSleep,
                ))
                .expect("native I/O is synchronous")
                .unwrap()
            })
        })
        .collect();
    let values = threads.into_iter().map(|t| t.join().unwrap()).collect();
    (computed.load(Ordering::SeqCst), values)
}

#[test]
fn the_redis_lock_lets_one_process_compute_and_the_others_wait_for_its_value() {
    let redis = support::redis();
    let redis_url = format!("redis://127.0.0.1:{}/0", redis.port);
    let bridge = support::Bridge::start(&["--redis", &redis_url]);
    let settings = |options: &str| {
        format!(
            "{{'default': {{'BACKEND': 'django.core.cache.backends.redis.RedisCache', 'LOCATION': '{redis_url}', 'OPTIONS': {{{options}}}}}}}"
        )
    };
    let locked = settings("'STAMPEDE_LOCK_TIMEOUT': 5, 'STAMPEDE_LOCK_POLL': 0.05");
    let (computed, values) = race(&bridge.url, &locked, "report", 6);
    assert_eq!(computed, 1, "one process computes under the lock");
    assert!(values.iter().all(|v| *v == values[0]), "{values:?}");
    // The lock entry is gone once the value is stored.
    let parsed = CacheSettings::parse(&locked).unwrap();
    let stores = Stores::native().with_bridge(&bridge.url, "");
    let caches = Caches::with_stores(&parsed, Arc::new(SystemClock), &stores);
    let cache = caches.default_cache().unwrap();
    let lock = edgecache::now_or_never(cache.has_key("report:edgecache-lock", Options::DEFAULT))
        .unwrap()
        .unwrap();
    assert!(!lock, "the lock was released");

    // Without the lock, separate processes each compute (coalescing is per process).
    let (computed, _) = race(&bridge.url, &settings(""), "unlocked", 6);
    assert!(computed > 1, "without a lock {computed} computed");

    // Awaited storage operations are timed.
    edgecache::now_or_never(cache.set("t", 1, Options::DEFAULT))
        .unwrap()
        .unwrap();
    let report = edgecache::now_or_never(cache.stats_report()).unwrap();
    assert!(report.latency.count >= 2, "{report:?}");
    assert!(report.latency.max_ms > 0.0 && report.latency.mean_ms > 0.0);
    assert_eq!(
        report.latency.buckets.iter().sum::<u64>(),
        report.latency.count
    );
}
