//! Stampede protection on the native core (docs/stampede.md): many concurrent `get_or_set`
//! callers on one key, driven by a small round-robin executor, count the computations;
//! jittered timeouts; stale-while-revalidate on a manual clock; option errors; stats.

use edgecache::inspect::Detail;
use edgecache::{CacheError, Caches, ManualClock, Options, Value};
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

const START: f64 = 1_700_000_000.0;

/// Runs every future to completion, polling them in turn (a noop waker: the round-robin
/// polls again anyway). Panics if they stop making progress.
fn run_all<T>(mut futures: Vec<Pin<Box<dyn Future<Output = T> + '_>>>) -> Vec<T> {
    let mut results: Vec<Option<T>> = futures.iter().map(|_| None).collect();
    let mut context = Context::from_waker(Waker::noop());
    for _round in 0..10_000 {
        let mut pending = 0;
        for (at, future) in futures.iter_mut().enumerate() {
            if results[at].is_some() {
                continue;
            }
            match future.as_mut().poll(&mut context) {
                Poll::Ready(out) => results[at] = Some(out),
                Poll::Pending => pending += 1,
            }
        }
        if pending == 0 {
            return results.into_iter().map(Option::unwrap).collect();
        }
    }
    panic!("futures stopped making progress");
}

/// A future that is pending `n` times before it is ready (an await on I/O).
struct YieldTimes(u32);

impl Future for YieldTimes {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if self.0 == 0 {
            Poll::Ready(())
        } else {
            self.0 -= 1;
            Poll::Pending
        }
    }
}

fn caches(options: &str) -> (Caches, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(START));
    let text = format!(
        "{{'default': {{'BACKEND': 'django.core.cache.backends.locmem.LocMemCache', 'TIMEOUT': 300, 'OPTIONS': {{{options}}}}}}}"
    );
    (Caches::from_text(&text, clock.clone()).unwrap(), clock)
}

#[test]
fn concurrent_misses_of_one_key_compute_once() {
    let (caches, _) = caches("");
    let cache = caches.default_cache().unwrap();
    let calls = Rc::new(Cell::new(0));
    let futures = (0..50)
        .map(|_| {
            let calls = calls.clone();
            Box::pin(cache.get_or_set_async(
                "report",
                move || async move {
                    calls.set(calls.get() + 1);
                    YieldTimes(5).await;
                    Ok::<_, CacheError>(Value::from("built"))
                },
                Options::DEFAULT,
            )) as Pin<Box<dyn Future<Output = Result<Value, CacheError>>>>
        })
        .collect();
    let results = run_all(futures);
    assert_eq!(calls.get(), 1, "one computation for 50 concurrent misses");
    assert!(
        results
            .iter()
            .all(|r| r.as_ref().unwrap() == &Value::from("built"))
    );
    let report = edgecache::now_or_never(cache.stats_report()).unwrap();
    assert_eq!(report.stampede.computed, 1);
    assert_eq!(report.stampede.coalesced, 49);
    // Different keys are not coalesced.
    let calls = Rc::new(Cell::new(0));
    let futures = (0..10)
        .map(|i| {
            let calls = calls.clone();
            Box::pin(cache.get_or_set_async(
                format!("k{i}"),
                move || async move {
                    calls.set(calls.get() + 1);
                    YieldTimes(2).await;
                    Ok::<_, CacheError>(Value::Int(i))
                },
                Options::DEFAULT,
            )) as Pin<Box<dyn Future<Output = Result<Value, CacheError>>>>
        })
        .collect();
    run_all(futures);
    assert_eq!(calls.get(), 10);
}

#[test]
fn a_failing_leader_hands_over_to_one_waiter() {
    let (caches, _) = caches("");
    let cache = caches.default_cache().unwrap();
    let calls = Rc::new(Cell::new(0));
    let futures = (0..20)
        .map(|_| {
            let calls = calls.clone();
            Box::pin(cache.get_or_set_async(
                "flaky",
                move || async move {
                    calls.set(calls.get() + 1);
                    YieldTimes(3).await;
                    if calls.get() == 1 {
                        Err(Down)
                    } else {
                        Ok(Value::Int(7))
                    }
                },
                Options::DEFAULT,
            )) as Pin<Box<dyn Future<Output = Result<Value, Down>>>>
        })
        .collect();
    let results = run_all(futures);
    assert_eq!(calls.get(), 2, "the failure, then one retry");
    assert_eq!(results.iter().filter(|r| r.is_err()).count(), 1);
    assert_eq!(
        results.iter().filter(|r| r == &&Ok(Value::Int(7))).count(),
        19
    );
}

#[derive(Debug, PartialEq)]
struct Down;

impl From<CacheError> for Down {
    fn from(_: CacheError) -> Self {
        Down
    }
}

fn expiries(cache: &edgecache::Cache) -> Vec<f64> {
    let inspection = edgecache::now_or_never(cache.inspect(Detail::Full))
        .unwrap()
        .unwrap();
    inspection
        .entries
        .iter()
        .map(|e| e.expires_at.unwrap() - inspection.now)
        .collect()
}

#[test]
fn timeout_jitter_shortens_get_or_set_timeouts_deterministically() {
    let run = || {
        let (caches, _) = caches("'TIMEOUT_JITTER': 0.5, 'JITTER_SEED': 42");
        let cache = caches.default_cache().unwrap().blocking().unwrap();
        for i in 0..40 {
            cache
                .get_or_set(format!("j{i}"), i, Options::new().timeout(100))
                .unwrap();
        }
        // A plain set is not jittered.
        cache.set("plain", 1, Options::new().timeout(100)).unwrap();
        expiries(caches.default_cache().unwrap())
    };
    let first = run();
    assert_eq!(first, run(), "same seed, same timeouts");
    let plain = first.iter().filter(|&&ttl| ttl == 100.0).count();
    assert_eq!(plain, 1, "only the plain set keeps 100: {first:?}");
    assert!(first.iter().all(|&ttl| (50.0..=100.0).contains(&ttl)));
    let spread = first.iter().cloned().fold(f64::MAX, f64::min);
    assert!(spread < 70.0, "jitter spreads expiries: {first:?}");
    // Default timeout (TIMEOUT 300) is jittered too.
    let (caches, _) = caches("'TIMEOUT_JITTER': 0.2");
    let cache = caches.default_cache().unwrap().blocking().unwrap();
    cache.get_or_set("d", 1, Options::DEFAULT).unwrap();
    let ttl = expiries(caches.default_cache().unwrap())[0];
    assert!((240.0..=300.0).contains(&ttl), "{ttl}");
}

#[test]
fn stale_values_are_served_while_exactly_one_caller_refreshes() {
    let (caches, clock) = caches("'STALE_GRACE': 30");
    let cache = caches.default_cache().unwrap();
    let calls = Rc::new(Cell::new(0));
    let get = |calls: Rc<Cell<i32>>| {
        Box::pin(cache.get_or_set_async(
            "page",
            move || async move {
                calls.set(calls.get() + 1);
                YieldTimes(4).await;
                Ok::<_, CacheError>(Value::Int(calls.get().into()))
            },
            Options::new().timeout(10),
        )) as Pin<Box<dyn Future<Output = Result<Value, CacheError>>>>
    };
    let first = run_all(vec![get(calls.clone())]);
    assert_eq!(first[0].as_ref().unwrap(), &Value::Int(1));
    // The stored form is the opt-in envelope, kept 10 + 30 seconds.
    let stored = edgecache::now_or_never(cache.get("page", Options::DEFAULT))
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(matches!(&stored, Value::Tuple(items) if items[0] == Value::from("edgecache.swr")));
    assert_eq!(expiries(cache), vec![40.0]);
    clock.advance(5.0);
    let fresh = run_all((0..5).map(|_| get(calls.clone())).collect());
    assert!(fresh.iter().all(|r| r.as_ref().unwrap() == &Value::Int(1)));
    assert_eq!(calls.get(), 1);
    // Stale, within the grace: one caller refreshes, the others get the stale value at once.
    clock.advance(10.0);
    let results = run_all((0..20).map(|_| get(calls.clone())).collect());
    assert_eq!(calls.get(), 2, "exactly one refresh");
    let values: Vec<Value> = results.into_iter().map(Result::unwrap).collect();
    assert_eq!(values.iter().filter(|v| **v == Value::Int(2)).count(), 1);
    assert_eq!(values.iter().filter(|v| **v == Value::Int(1)).count(), 19);
    let report = edgecache::now_or_never(cache.stats_report()).unwrap();
    assert_eq!(report.stampede.stale_served, 19);
    // Past the grace: a plain miss.
    clock.advance(41.0);
    let late = run_all(vec![get(calls.clone())]);
    assert_eq!(late[0].as_ref().unwrap(), &Value::Int(3));
}

#[test]
fn bad_options_name_alias_field_and_value() {
    for (option, needle) in [
        ("'TIMEOUT_JITTER': 1.5", "TIMEOUT_JITTER must be a fraction"),
        (
            "'TIMEOUT_JITTER': 'lots'",
            "TIMEOUT_JITTER must be a fraction",
        ),
        (
            "'STALE_GRACE': 0",
            "STALE_GRACE must be a number of seconds",
        ),
        (
            "'STAMPEDE_LOCK_TIMEOUT': None",
            "STAMPEDE_LOCK_TIMEOUT must be a number",
        ),
        (
            "'JITTER_SEED': -1",
            "JITTER_SEED must be a non-negative int",
        ),
    ] {
        let text = format!("{{'pages': {{'BACKEND': 'locmem', 'OPTIONS': {{{option}}}}}}}");
        let error = Caches::from_text(&text, Arc::new(ManualClock::new(START))).unwrap_err();
        assert_eq!(error.alias.as_deref(), Some("pages"));
        assert!(error.field.as_deref().unwrap().starts_with("OPTIONS."));
        let shown = error.to_string();
        assert!(shown.contains(needle), "{shown}");
        assert!(shown.contains("CACHES['pages']['OPTIONS']"), "{shown}");
        assert!(shown.contains(" = "), "the value is shown: {shown}");
    }
}

#[test]
fn stats_report_counts_hits_misses_sets_deletes_and_culls() {
    let clock = Arc::new(ManualClock::new(START));
    let caches = Caches::from_text(
        "{'default': {'BACKEND': 'locmem', 'OPTIONS': {'MAX_ENTRIES': 2, 'CULL_FREQUENCY': 2}}}",
        clock,
    )
    .unwrap();
    let cache = caches.default_cache().unwrap().blocking().unwrap();
    for i in 0..3 {
        cache.set(format!("k{i}"), i, Options::DEFAULT).unwrap();
    }
    cache.get("k2", Options::DEFAULT).unwrap();
    cache.get("nope", Options::DEFAULT).unwrap();
    cache.delete("k2", Options::DEFAULT).unwrap();
    let report = edgecache::now_or_never(caches.default_cache().unwrap().stats_report()).unwrap();
    assert_eq!(report.backend, "locmem");
    assert_eq!(
        (
            report.counters.hits,
            report.counters.misses,
            report.counters.sets,
            report.counters.deletes,
            report.counters.culled
        ),
        (1, 1, 3, 1, 1)
    );
    assert_eq!(report.latency.count, 0, "locmem is never timed");
}

/// A sleep that yields to the round-robin once.
struct YieldSleep;

impl edgecache::stampede::Sleep for YieldSleep {
    async fn sleep(&self, _seconds: f64) -> bool {
        YieldTimes(1).await;
        true
    }
}

#[test]
fn polling_waiters_coalesce_with_a_sleep_and_compute_without_one() {
    let (caches, _) = caches("");
    let cache = caches.default_cache().unwrap();
    cache.wait_by_polling(true);
    let calls = Rc::new(Cell::new(0));
    let compute = |calls: Rc<Cell<i32>>| {
        move || async move {
            calls.set(calls.get() + 1);
            YieldTimes(5).await;
            Ok::<_, CacheError>(Value::from("v"))
        }
    };
    let futures = (0..10)
        .map(|_| {
            Box::pin(cache.get_or_set_sleeping(
                "polled",
                compute(calls.clone()),
                Options::DEFAULT,
                &YieldSleep,
            )) as Pin<Box<dyn Future<Output = Result<Value, CacheError>>>>
        })
        .collect();
    assert!(run_all(futures).iter().all(|r| r == &Ok(Value::from("v"))));
    assert_eq!(calls.get(), 1);
    // No sleep: nobody waits, each computes and Django's add keeps the first value.
    let calls = Rc::new(Cell::new(0));
    let futures = (0..4)
        .map(|_| {
            Box::pin(cache.get_or_set_async("unslept", compute(calls.clone()), Options::DEFAULT))
                as Pin<Box<dyn Future<Output = Result<Value, CacheError>>>>
        })
        .collect();
    assert!(run_all(futures).iter().all(|r| r == &Ok(Value::from("v"))));
    assert_eq!(calls.get(), 4);
}
