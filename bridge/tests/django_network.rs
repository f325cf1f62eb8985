//! A live Django 5.2.19 and edgecache on the same Redis and the same two Memcached servers:
//! what Django writes edgecache reads, what edgecache writes Django reads, under the same
//! keys, and the Redis bytes are the ones Django writes. With two memcached servers this also
//! checks that the bridge places each key where pymemcache's `HashClient` looks for it.
//!
//! Needs a Python with django==5.2.19, redis and pymemcache: `EDGECACHE_PYTHON`, or the
//! workspace's `.venv/bin/python` (which `scripts/test.sh` creates).

mod support;

use support::field;

use edgecache::settings::node_value;
use edgecache::{CacheSettings, Caches, Options, Stores, SystemClock, Value, literal, python};
use std::io::{Read, Write};
use std::sync::Arc;

/// Drives a future of the native transport, which never waits.
fn block<F: std::future::Future>(future: F) -> F::Output {
    edgecache::now_or_never(future).expect("the native transport never waits")
}

fn django(mode: &str, redis: &str, memcached: &str) -> String {
    support::run_django_script(
        &["django", "redis", "pymemcache"],
        "network_interop.py",
        &[mode, redis, memcached],
    )
}

fn samples() -> Vec<(&'static str, Value)> {
    let s = |text: &str| Value::Str(text.into());
    vec![
        ("none", Value::None),
        ("true", Value::Bool(true)),
        ("int", Value::Int(7)),
        ("negative", Value::Int(-5)),
        ("big", Value::Int(1 << 62)),
        ("huge", Value::Int(1 << 100)),
        ("float", Value::Float(1.5)),
        ("str", s("héllo wörld")),
        ("digits", s("5")),
        ("empty", s("")),
        ("bytes", Value::Bytes(b"\x00\xff raw".to_vec())),
        (
            "list",
            Value::List(vec![Value::Int(1), s("a"), Value::None, Value::Float(2.5)]),
        ),
        ("tuple", Value::Tuple(vec![Value::Int(1), Value::Int(2)])),
        (
            "dict",
            Value::Dict(vec![
                (
                    s("a"),
                    Value::List(vec![
                        Value::Int(1),
                        Value::Dict(vec![(s("b"), Value::Float(2.5))]),
                    ]),
                ),
                (s("c"), Value::Tuple(vec![Value::None])),
            ]),
        ),
        ("unicode-kéy", s("ünïcode")),
        ("long", s(&"x".repeat(200_000))),
    ]
}

/// Items a memcached holds (`stats` → `curr_items`).
fn curr_items(port: u16) -> u64 {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(b"stats\r\nquit\r\n").unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("STAT curr_items "))
        .and_then(|n| n.trim().parse().ok())
        .expect("curr_items")
}

#[test]
fn django_and_edgecache_share_redis_and_two_memcached_servers() {
    let redis = support::redis();
    let (mc1, mc2) = (support::memcached(), support::memcached());
    let redis_url = format!("redis://127.0.0.1:{}/0", redis.port);
    let memcached = format!("127.0.0.1:{},127.0.0.1:{}", mc1.port, mc2.port);
    let bridge = support::Bridge::start(&["--redis", &redis_url, "--memcached", &memcached]);
    let settings = CacheSettings::parse(&format!(
        "{{'default': {{'BACKEND': 'locmem'}}, 'redis': {{'BACKEND': 'django.core.cache.backends.redis.RedisCache', 'LOCATION': '{redis_url}'}},
          'memcached': {{'BACKEND': 'django.core.cache.backends.memcached.PyMemcacheCache', 'LOCATION': '{memcached}'}}}}"
    ))
    .unwrap();
    let caches = Caches::with_stores(
        &settings,
        Arc::new(SystemClock),
        &Stores::native().with_bridge(&bridge.url, ""),
    );

    // edgecache writes, then Django writes.
    for alias in ["redis", "memcached"] {
        let cache = caches.get(alias).unwrap();
        for (name, value) in samples() {
            block(cache.set(
                format!("edgecache-{name}").as_str(),
                value,
                Options::new().timeout(600),
            ))
            .unwrap();
        }
    }
    django("write", &redis_url, &memcached);

    // Django reads both sides.
    let read = node_value(&literal::parse(&django("read", &redis_url, &memcached)).unwrap());
    for alias in ["redis", "memcached"] {
        for (name, value) in samples() {
            for side in ["edgecache", "django"] {
                let seen = field(field(&read, alias), &format!("{side}-{name}"));
                assert_eq!(
                    seen.as_str(),
                    Some(python::repr(&value).as_str()),
                    "Django read {alias} {side}-{name}"
                );
            }
        }
    }
    // The Redis bytes edgecache wrote are the ones Django writes (RD-2).
    for (name, _) in samples() {
        let raw = field(&read, "redis_raw");
        assert_eq!(
            field(raw, &format!("edgecache-{name}")),
            field(raw, &format!("django-{name}")),
            "raw redis bytes of {name}"
        );
    }

    // edgecache reads what Django wrote, including with get_many (one round trip).
    for alias in ["redis", "memcached"] {
        let cache = caches.get(alias).unwrap();
        for (name, value) in samples() {
            let found = block(cache.get(format!("django-{name}").as_str(), Options::DEFAULT));
            assert_eq!(
                found.unwrap(),
                Some(value),
                "edgecache read {alias} django-{name}"
            );
        }
        let keys: Vec<String> = samples()
            .iter()
            .map(|(n, _)| format!("django-{n}"))
            .collect();
        let many =
            block(cache.get_many(keys.iter().map(String::as_str), Options::DEFAULT)).unwrap();
        assert_eq!(many.len(), samples().len(), "{alias} get_many");
    }
    // MC-2: a str of digits increments on memcached and stays a str, for both sides.
    let mc = caches.get("memcached").unwrap();
    assert_eq!(
        block(mc.incr("django-digits", 1, Options::DEFAULT)).unwrap(),
        Value::Int(6)
    );
    assert_eq!(
        block(mc.get("django-digits", Options::DEFAULT)).unwrap(),
        Some(Value::from("6"))
    );
    // Both memcached servers hold keys: the bridge spread them as HashClient does (Django
    // found every one of them above).
    let (a, b) = (curr_items(mc1.port), curr_items(mc2.port));
    assert!(a > 0 && b > 0, "keys per server: {a}, {b}");
}
