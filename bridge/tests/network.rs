//! The network backends against real servers: every conformance trace that lists redis or
//! memcached, replayed by `edgecache replay` (through its in-process bridge) and compared
//! with Django's results; a running `edgecache bridge` with a token; and typed errors when
//! the bridge or a server is down.
//!
//! Traces sleep for real on these backends (`advance`), so they run in parallel: one Redis
//! database per redis trace, one memcached per memcached trace (each trace flushes its own).

mod support;

use edgecache::replay::compare;
use edgecache::settings::node_value;
use edgecache::{Caches, ManualClock, Options, Stores, Value, literal};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use support::workspace_root;

fn parse(text: &str, what: &str) -> Value {
    node_value(&literal::parse(text).unwrap_or_else(|e| panic!("{what}: {e}")))
}

fn expected_traces(backend: &str) -> Vec<String> {
    let dir = workspace_root()
        .join("tests/conformance/expected")
        .join(backend);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| {
            let path = e.unwrap().path();
            (path.extension()? == "json").then(|| path.file_stem()?.to_str().map(String::from))?
        })
        .collect();
    names.sort();
    names
}

/// `edgecache replay --backend BACKEND ARGS TRACE`, compared with Django's result; returns
/// the problems found.
fn replay_and_compare(backend: &str, name: &str, args: &[String]) -> Vec<String> {
    let trace: PathBuf = workspace_root()
        .join("tests/conformance/traces")
        .join(format!("{name}.json"));
    let output = Command::new(env!("CARGO_BIN_EXE_edgecache"))
        .args(["replay", "--backend", backend])
        .args(args)
        .arg(&trace)
        .stdin(Stdio::null())
        .output()
        .expect("edgecache runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() || stderr.contains("panicked") {
        return vec![format!(
            "{backend}/{name}: exit {:?}: {stderr}",
            output.status
        )];
    }
    let actual = parse(&String::from_utf8_lossy(&output.stdout), "replay output");
    let expected_path = workspace_root()
        .join("tests/conformance/expected")
        .join(backend)
        .join(format!("{name}.json"));
    let expected = parse(&std::fs::read_to_string(expected_path).unwrap(), name);
    compare::diff_results(&expected, &actual)
        .into_iter()
        .map(|p| format!("{backend}/{name}: {p}"))
        .collect()
}

/// Runs every trace of `backend` in parallel, each with the arguments `args_for` gives it.
///
/// These traces sleep for real and the servers expire keys by their own clocks, and Redis
/// rounds a TTL at half seconds: on a loaded machine an operation that runs late can move a
/// TTL by one. A trace that differs is therefore run once more, alone; a real difference
/// from Django shows up both times.
fn run_all(backend: &str, args_for: impl Fn(usize) -> Vec<String>) -> usize {
    let names = expected_traces(backend);
    let threads: Vec<_> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let (backend, name, args) = (backend.to_string(), name.clone(), args_for(i));
            std::thread::spawn(move || replay_and_compare(&backend, &name, &args))
        })
        .collect();
    let outcomes: Vec<Vec<String>> = threads
        .into_iter()
        .map(|t| t.join().expect("a replay thread"))
        .collect();
    let mut problems = Vec::new();
    for (i, first) in outcomes.into_iter().enumerate() {
        if first.is_empty() {
            continue;
        }
        eprintln!(
            "{backend}/{}: differs under load, running it again alone:\n{}",
            names[i],
            first.join("\n")
        );
        problems.extend(replay_and_compare(backend, &names[i], &args_for(i)));
    }
    assert!(
        problems.is_empty(),
        "{} difference(s) from Django:\n{}",
        problems.len(),
        problems.join("\n")
    );
    eprintln!("{backend}: {} traces match Django", names.len());
    names.len()
}

#[test]
fn every_redis_trace_matches_django_through_edgecache_replay() {
    let redis = support::redis();
    let port = redis.port;
    let count = run_all("redis", |i| {
        vec![
            "--redis-url".into(),
            format!("redis://127.0.0.1:{port}/{}", i + 1),
        ]
    });
    assert!(count >= 16, "only {count} redis traces");
}

#[test]
fn every_memcached_trace_matches_django_through_edgecache_replay() {
    let count = expected_traces("memcached").len();
    let servers: Vec<support::Server> = (0..count).map(|_| support::memcached()).collect();
    let ports: Vec<u16> = servers.iter().map(|s| s.port).collect();
    let ran = run_all("memcached", |i| {
        vec!["--memcached".into(), format!("127.0.0.1:{}", ports[i])]
    });
    assert!(ran >= 13, "only {ran} memcached traces");
}

#[test]
fn a_running_bridge_serves_replays_and_refuses_a_wrong_token() {
    let redis = support::redis();
    let memcached = support::memcached();
    let dir = std::env::temp_dir().join(format!("edgecache-bridge-token-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let token_file = dir.join("token");
    std::fs::write(&token_file, "s3cret-token-0123456789\n").unwrap();
    let redis_url = format!("redis://127.0.0.1:{}/0", redis.port);
    let memcached_location = format!("127.0.0.1:{}", memcached.port);
    let bridge = support::Bridge::start(&[
        "--redis",
        &redis_url,
        "--memcached",
        &memcached_location,
        "--token-file",
        token_file.to_str().unwrap(),
        // The traces' `dump` lists keys with KEYS.
        "--allow-keys",
    ]);
    let via = |token: &str, location: (&str, &str)| {
        vec![
            "--bridge".to_string(),
            bridge.url.clone(),
            "--token".into(),
            token.into(),
            location.0.into(),
            location.1.into(),
        ]
    };
    for (backend, trace, location) in [
        (
            "redis",
            "redis_serializer",
            ("--redis-url", redis_url.as_str()),
        ),
        (
            "memcached",
            "many_ops",
            ("--memcached", memcached_location.as_str()),
        ),
    ] {
        let problems =
            replay_and_compare(backend, trace, &via("s3cret-token-0123456789", location));
        assert!(problems.is_empty(), "{problems:#?}");
        let refused = replay_and_compare(backend, trace, &via("wrong", location));
        assert!(
            refused.len() == 1
                && refused[0].contains("ConnectionError")
                && refused[0].contains("401"),
            "{refused:?}"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

fn settings(backend: &str, location: &str) -> String {
    format!(
        "{{'default': {{'BACKEND': 'django.core.cache.backends.{backend}', 'LOCATION': '{location}'}}}}"
    )
}

#[test]
fn a_down_bridge_or_server_is_a_connection_error_not_a_panic() {
    let closed = support::free_port();
    let clock = Arc::new(ManualClock::new(1_700_000_000.0));
    // No bridge listening at all.
    let stores = Stores::native().with_bridge(&format!("http://127.0.0.1:{closed}"), "");
    for backend in ["redis.RedisCache", "memcached.PyMemcacheCache"] {
        let parsed =
            edgecache::CacheSettings::parse(&settings(backend, "redis://127.0.0.1:1/0")).unwrap();
        let caches = Caches::with_stores(&parsed, clock.clone(), &stores);
        let cache = caches.default_cache().unwrap();
        let error = edgecache::now_or_never(cache.get("k", Options::DEFAULT))
            .unwrap()
            .unwrap_err();
        assert_eq!(error.python_type(), "ConnectionError", "{backend}: {error}");
    }
    // A bridge whose servers are down.
    let down_redis = format!("redis://127.0.0.1:{}/0", support::free_port());
    let down_memcached = format!("127.0.0.1:{}", support::free_port());
    let bridge = support::Bridge::start(&["--redis", &down_redis, "--memcached", &down_memcached]);
    let stores = Stores::native().with_bridge(&bridge.url, "");
    for (backend, location) in [
        ("redis.RedisCache", down_redis.as_str()),
        ("memcached.PyMemcacheCache", down_memcached.as_str()),
    ] {
        let parsed = edgecache::CacheSettings::parse(&settings(backend, location)).unwrap();
        let caches = Caches::with_stores(&parsed, clock.clone(), &stores);
        let cache = caches.default_cache().unwrap();
        let error = edgecache::now_or_never(cache.set("k", 1, Options::DEFAULT))
            .unwrap()
            .unwrap_err();
        assert_eq!(error.python_type(), "ConnectionError", "{backend}: {error}");
    }
}

#[test]
fn memcached_cache_path_removed_in_django_5_is_an_error() {
    let parsed =
        edgecache::CacheSettings::parse(&settings("memcached.MemcachedCache", "127.0.0.1:1"))
            .unwrap();
    let caches = Caches::with_stores(
        &parsed,
        Arc::new(ManualClock::new(0.0)),
        &Stores::native().with_bridge("http://127.0.0.1:1", ""),
    );
    let error = caches.default_cache().unwrap_err();
    assert_eq!(error.python_type(), "InvalidCacheBackendError");
    assert!(error.message().contains("MemcachedCache"), "{error}");
}

#[test]
fn ignore_exceptions_turns_a_down_server_into_misses_and_dropped_writes() {
    let closed = support::free_port();
    let clock = Arc::new(ManualClock::new(1_700_000_000.0));
    let stores = Stores::native().with_bridge(&format!("http://127.0.0.1:{closed}"), "");
    for (backend, location) in [
        ("django_redis.cache.RedisCache", "redis://127.0.0.1:1/0"),
        (
            "django.core.cache.backends.memcached.PyMemcacheCache",
            "127.0.0.1:1",
        ),
    ] {
        let text = format!(
            "{{'default': {{'BACKEND': '{backend}', 'LOCATION': '{location}', 'OPTIONS': {{'IGNORE_EXCEPTIONS': True}}}}}}"
        );
        let parsed = edgecache::CacheSettings::parse(&text).unwrap();
        let caches = Caches::with_stores(&parsed, clock.clone(), &stores);
        let cache = caches.default_cache().unwrap();
        assert_eq!(
            edgecache::now_or_never(cache.get("k", Options::DEFAULT))
                .unwrap()
                .unwrap(),
            None,
            "{backend}: reads miss"
        );
        edgecache::now_or_never(cache.set("k", 1, Options::DEFAULT))
            .unwrap()
            .unwrap();
        assert!(
            !edgecache::now_or_never(cache.add("k", 1, Options::DEFAULT))
                .unwrap()
                .unwrap()
        );
        assert!(
            !edgecache::now_or_never(cache.has_key("k", Options::DEFAULT))
                .unwrap()
                .unwrap()
        );
        assert!(
            !edgecache::now_or_never(cache.delete("k", Options::DEFAULT))
                .unwrap()
                .unwrap()
        );
        let warnings = cache.take_warnings();
        assert!(
            !warnings.is_empty() && warnings.iter().all(|w| w.category == "IgnoredException"),
            "{warnings:?}"
        );
        assert!(
            warnings[0].message.contains("ConnectionError"),
            "{warnings:?}"
        );
    }
}
