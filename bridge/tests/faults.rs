//! Servers that die under load, and a bridge told to stop: Redis or Memcached killed while
//! clients hammer the bridge gives typed 5xx JSON errors at once (never a hang past the
//! deadline), the core's `IGNORE_EXCEPTIONS` caches keep serving defaults, the bridge
//! reconnects by itself when the server returns, and SIGTERM lets the requests in flight
//! finish before the process exits 0.

mod support;

use edgecache::{CacheSettings, Caches, ManualClock, Options, Stores, Value, now_or_never};
use edgecache_bridge::loadgen::Client;
use serde_json::{Value as Json, json};
use std::io::{BufRead, BufReader, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const TIMEOUT_SECS: &str = "3";

async fn post(c: &mut Client, path: &str, body: &str) -> (u16, Json) {
    let (status, body) = c.post(path, body.as_bytes()).await.expect("answers");
    let json = serde_json::from_slice(&body)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&body)));
    (status, json)
}

/// Clients sending `requests` round-robin until `stop`; counts answers by class and the
/// slowest answer. Every answer must be 200, or a 5xx with a JSON `error`.
struct Hammer {
    stop: Arc<AtomicBool>,
    ok: Arc<AtomicU64>,
    failed: Arc<AtomicU64>,
    slowest_ms: Arc<AtomicU64>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Hammer {
    fn start(url: &str, clients: usize, requests: &'static [(&'static str, &'static str)]) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let ok = Arc::new(AtomicU64::new(0));
        let failed = Arc::new(AtomicU64::new(0));
        let slowest_ms = Arc::new(AtomicU64::new(0));
        let tasks = (0..clients)
            .map(|i| {
                let (url, stop, ok, failed, slowest) = (
                    url.to_string(),
                    stop.clone(),
                    ok.clone(),
                    failed.clone(),
                    slowest_ms.clone(),
                );
                tokio::spawn(async move {
                    let mut c = Client::connect(&url, None).await.unwrap();
                    let mut n = i;
                    while !stop.load(Ordering::Relaxed) {
                        let (path, body) = requests[n % requests.len()];
                        n += 1;
                        let started = Instant::now();
                        let (status, answer) = c.post(path, body.as_bytes()).await.unwrap();
                        slowest.fetch_max(started.elapsed().as_millis() as u64, Ordering::Relaxed);
                        let answer: Json = serde_json::from_slice(&answer).unwrap();
                        match status {
                            200 => ok.fetch_add(1, Ordering::Relaxed),
                            500..=599 => {
                                assert!(
                                    answer["error"].as_str().is_some_and(|e| !e.is_empty()),
                                    "{status} {answer}"
                                );
                                failed.fetch_add(1, Ordering::Relaxed)
                            }
                            other => panic!("{path} {body}: {other} {answer}"),
                        };
                    }
                })
            })
            .collect();
        Self {
            stop,
            ok,
            failed,
            slowest_ms,
            tasks,
        }
    }

    fn counts(&self) -> (u64, u64) {
        (
            self.ok.load(Ordering::Relaxed),
            self.failed.load(Ordering::Relaxed),
        )
    }

    async fn finish(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        for task in self.tasks {
            task.await.expect("a client panicked");
        }
        self.slowest_ms.load(Ordering::Relaxed)
    }
}

/// Waits until `f` says the phase is reached, or panics after `limit`.
async fn eventually(limit: Duration, what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !f() {
        assert!(
            Instant::now() < deadline,
            "{what} did not happen within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn caches(url: &str, backend: &str, location: &str, ignore: bool) -> Caches {
    let text = format!(
        "{{'default': {{'BACKEND': '{backend}', 'LOCATION': '{location}', 'OPTIONS': {{'IGNORE_EXCEPTIONS': {}}}}}}}",
        if ignore { "True" } else { "False" }
    );
    Caches::with_stores(
        &CacheSettings::parse(&text).unwrap(),
        Arc::new(ManualClock::new(1_700_000_000.0)),
        &Stores::native().with_bridge(url, ""),
    )
}

static REDIS_REQUESTS: &[(&str, &str)] = &[
    ("/", r#"["SET","fault:a","1"]"#),
    ("/", r#"["GET","fault:a"]"#),
    ("/pipeline", r#"[["INCR","fault:n"],["GET","fault:n"]]"#),
    ("/multi-exec", r#"[["INCR","fault:m"],["GET","fault:m"]]"#),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_killed_under_load_then_back() {
    let redis = support::redis();
    let port = redis.port;
    let location = format!("redis://127.0.0.1:{port}/0");
    let bridge = support::Bridge::start(&["--redis", &location, "--request-timeout", TIMEOUT_SECS]);
    let hammer = Hammer::start(&bridge.url, 20, REDIS_REQUESTS);
    eventually(Duration::from_secs(10), "traffic", || {
        hammer.counts().0 > 200
    })
    .await;

    drop(redis); // killed (SIGKILL, by PID) under load
    let failed_before = hammer.counts().1;
    eventually(Duration::from_secs(5), "5xx answers", || {
        hammer.counts().1 > failed_before + 100
    })
    .await;

    // Meanwhile: each route answers a typed error at once; pipelines fail as a whole.
    let mut c = Client::connect(&bridge.url, None).await.unwrap();
    for (path, body) in REDIS_REQUESTS {
        let started = Instant::now();
        let (status, answer) = post(&mut c, path, body).await;
        assert_eq!(status, 502, "{path}: {answer}");
        assert!(
            answer["error"].as_str().unwrap().starts_with("CONNECTION"),
            "{answer}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{path} was slow"
        );
    }
    // The core: IGNORE_EXCEPTIONS serves defaults, without it a ConnectionError.
    let url = bridge.url.clone();
    let loc = location.clone();
    tokio::task::spawn_blocking(move || {
        let tolerant_caches = caches(&url, "django_redis.cache.RedisCache", &loc, true);
        let tolerant = tolerant_caches.default_cache().unwrap();
        assert_eq!(
            now_or_never(tolerant.get("k", Options::DEFAULT))
                .unwrap()
                .unwrap(),
            None
        );
        now_or_never(tolerant.set("k", 1, Options::DEFAULT))
            .unwrap()
            .unwrap();
        let warnings = tolerant.take_warnings();
        assert!(
            warnings.iter().all(|w| w.category == "IgnoredException"),
            "{warnings:?}"
        );
        let strict_caches = caches(
            &url,
            "django.core.cache.backends.redis.RedisCache",
            &loc,
            false,
        );
        let strict = strict_caches.default_cache().unwrap();
        let error = now_or_never(strict.get("k", Options::DEFAULT))
            .unwrap()
            .unwrap_err();
        assert_eq!(error.python_type(), "ConnectionError");
    })
    .await
    .unwrap();

    // Back on the same port: the bridge reconnects by itself.
    let _redis = support::redis_on(port);
    let ok_before = hammer.counts().0;
    eventually(Duration::from_secs(10), "recovery", || {
        hammer.counts().0 > ok_before + 200
    })
    .await;
    let slowest = hammer.finish().await;
    assert!(
        slowest < 3500,
        "an answer took {slowest} ms (the deadline is {TIMEOUT_SECS} s)"
    );
    assert_eq!(
        post(&mut c, "/", r#"["SET","fault:after","yes"]"#).await,
        (200, json!({"result": "OK"}))
    );
    let url = bridge.url.clone();
    tokio::task::spawn_blocking(move || {
        let strict_caches = caches(
            &url,
            "django.core.cache.backends.redis.RedisCache",
            &location,
            false,
        );
        let strict = strict_caches.default_cache().unwrap();
        now_or_never(strict.set("k", 7, Options::DEFAULT))
            .unwrap()
            .unwrap();
        assert_eq!(
            now_or_never(strict.get("k", Options::DEFAULT))
                .unwrap()
                .unwrap(),
            Some(Value::from(7))
        );
    })
    .await
    .unwrap();
}

static MEMCACHED_REQUESTS: &[(&str, &str)] = &[
    ("/memcached", r#"["set","fault:a","1","0","0"]"#),
    ("/memcached", r#"["get","fault:a"]"#),
    (
        "/memcached/pipeline",
        r#"[["add","fault:b","1","0","0"],["get_multi","fault:a","fault:b"]]"#,
    ),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memcached_killed_under_load_then_back() {
    let memcached = support::memcached();
    let port = memcached.port;
    let location = format!("127.0.0.1:{port}");
    let bridge =
        support::Bridge::start(&["--memcached", &location, "--request-timeout", TIMEOUT_SECS]);
    let hammer = Hammer::start(&bridge.url, 20, MEMCACHED_REQUESTS);
    eventually(Duration::from_secs(10), "traffic", || {
        hammer.counts().0 > 200
    })
    .await;
    drop(memcached);
    let failed_before = hammer.counts().1;
    eventually(Duration::from_secs(5), "5xx answers", || {
        hammer.counts().1 > failed_before + 100
    })
    .await;
    let mut c = Client::connect(&bridge.url, None).await.unwrap();
    let (status, answer) = post(&mut c, "/memcached", r#"["get","fault:a"]"#).await;
    assert_eq!(status, 502, "{answer}");
    let url = bridge.url.clone();
    let loc = location.clone();
    tokio::task::spawn_blocking(move || {
        let tolerant_caches = caches(
            &url,
            "django.core.cache.backends.memcached.PyMemcacheCache",
            &loc,
            true,
        );
        let tolerant = tolerant_caches.default_cache().unwrap();
        assert_eq!(
            now_or_never(tolerant.get("k", Options::DEFAULT))
                .unwrap()
                .unwrap(),
            None
        );
        assert!(
            !now_or_never(tolerant.add("k", 1, Options::DEFAULT))
                .unwrap()
                .unwrap()
        );
    })
    .await
    .unwrap();
    let _memcached = support::memcached_on(port);
    let ok_before = hammer.counts().0;
    eventually(Duration::from_secs(10), "recovery", || {
        hammer.counts().0 > ok_before + 200
    })
    .await;
    let slowest = hammer.finish().await;
    assert!(slowest < 3500, "an answer took {slowest} ms");
}

/// A memcached stand-in that answers every `get` with a miss after `delay`.
fn slow_memcached(delay: Duration) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(16) {
            let Ok(stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut writer = stream;
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap_or(0) > 0 {
                    std::thread::sleep(delay);
                    if writer.write_all(b"END\r\n").is_err() {
                        return;
                    }
                    line.clear();
                }
            });
        }
    });
    port
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_the_requests_in_flight() {
    let port = slow_memcached(Duration::from_millis(1500));
    let location = format!("127.0.0.1:{port}");
    let mut bridge = support::Bridge::start(&["--memcached", &location]);
    let address = bridge.url.trim_start_matches("http://").to_string();
    let in_flight: Vec<_> = (0..3)
        .map(|_| {
            let url = bridge.url.clone();
            tokio::spawn(async move {
                let mut c = Client::connect(&url, None).await.unwrap();
                post(&mut c, "/memcached", r#"["get","slow"]"#).await
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let signalled = Instant::now();
    bridge.terminate();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        std::net::TcpStream::connect(&address).is_err(),
        "still accepting after SIGTERM"
    );
    for request in in_flight {
        assert_eq!(
            request.await.unwrap(),
            (200, json!({"result": null})),
            "a request in flight at SIGTERM was answered"
        );
    }
    let status = tokio::task::spawn_blocking(move || bridge.wait_exit(Duration::from_secs(10)))
        .await
        .unwrap()
        .expect("the bridge exits after draining");
    assert!(status.success(), "{status}");
    assert!(signalled.elapsed() < Duration::from_secs(5));
}
