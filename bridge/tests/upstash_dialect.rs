//! The redis backend speaking Upstash's own REST dialect (text JSON arguments; pickles sent
//! through `EVAL` of a base64-decoding Lua script), against a real Redis behind the bridge
//! (which, like Upstash, runs the script in Redis). What one dialect writes, the other reads:
//! both store Django's bytes under Django's keys.

mod support;

use edgecache::{CacheSettings, Caches, ManualClock, Options, Stores, Value, now_or_never};
use std::sync::Arc;

fn caches(redis_port: u16, bridge_url: &str) -> Caches {
    let settings = format!(
        "{{
            'upstash': {{
                'BACKEND': 'django.core.cache.backends.redis.RedisCache',
                'LOCATION': '{bridge_url}/redis/0',
                'OPTIONS': {{'REST_PROTOCOL': 'upstash'}},
            }},
            'default': {{
                'BACKEND': 'django.core.cache.backends.redis.RedisCache',
                'LOCATION': 'redis://127.0.0.1:{redis_port}/0',
            }},
        }}"
    );
    let parsed = CacheSettings::parse(&settings).unwrap();
    let clock = Arc::new(ManualClock::new(1_700_000_000.0));
    Caches::with_stores(
        &parsed,
        clock,
        &Stores::native().with_bridge(bridge_url, ""),
    )
}

fn samples() -> Vec<(&'static str, Value)> {
    vec![
        ("text", Value::Str("café ☕".into())),
        ("bytes", Value::Bytes(vec![0, 0x80, 0xff, b'\n', b'"'])),
        ("int", Value::Int(42)),
        ("big", Value::Int(1 << 70)),
        ("float", Value::Float(2.5)),
        (
            "nested",
            Value::Dict(vec![(
                Value::Str("list".into()),
                Value::List(vec![Value::None, Value::Bool(true), Value::Str("x".into())]),
            )]),
        ),
    ]
}

/// The native transport never waits on a reactor: one poll finishes a request.
fn run<T>(future: impl std::future::Future<Output = T>) -> T {
    now_or_never(future).expect("the native transport is synchronous")
}

#[test]
fn upstash_dialect_and_bridge_dialect_share_entries() {
    let redis = support::redis();
    let redis_url = format!("redis://127.0.0.1:{}/0", redis.port);
    let bridge = support::Bridge::start(&["--redis", &redis_url, "--allow-scripts"]);
    let caches = caches(redis.port, &bridge.url);
    let upstash = caches.get("upstash").unwrap();
    let via_bridge = caches.get("default").unwrap();

    for (key, value) in samples() {
        run(upstash.set(key, value.clone(), Options::DEFAULT)).unwrap();
        assert_eq!(
            run(via_bridge.get(key, Options::DEFAULT)).unwrap(),
            Some(value.clone()),
            "{key} written as Upstash"
        );
        run(via_bridge.delete(key, Options::DEFAULT)).unwrap();
        run(via_bridge.set(key, value.clone(), Options::DEFAULT)).unwrap();
        assert_eq!(
            run(upstash.get(key, Options::DEFAULT)).unwrap(),
            Some(value),
            "{key} read as Upstash"
        );
    }

    // Pipelines mix text and EVAL commands in one round trip.
    let written = run(upstash.set_many(samples(), Options::DEFAULT)).unwrap();
    assert!(written.is_empty(), "{written:?}");
    let read =
        run(via_bridge.get_many(samples().into_iter().map(|(k, _)| k), Options::DEFAULT)).unwrap();
    assert_eq!(read.len(), samples().len());
    for ((key, value), (got_key, got)) in samples().into_iter().zip(read) {
        assert_eq!((Value::Str(key.into()), value), (got_key, got));
    }

    assert!(!run(upstash.add("text", Value::Bytes(vec![0x80]), Options::DEFAULT)).unwrap());
    assert!(run(upstash.add("fresh", Value::Bytes(vec![0x80]), Options::DEFAULT)).unwrap());
    assert_eq!(
        run(via_bridge.get("fresh", Options::DEFAULT)).unwrap(),
        Some(Value::Bytes(vec![0x80]))
    );
    assert_eq!(
        run(upstash.incr("int", Value::Int(8), Options::DEFAULT)).unwrap(),
        Value::Int(50)
    );
}

#[test]
fn a_bad_rest_protocol_names_the_alias_and_value() {
    let parsed = CacheSettings::parse(
        "{'default': {'BACKEND': 'django.core.cache.backends.redis.RedisCache',
          'LOCATION': 'https://eu1-x.upstash.io', 'OPTIONS': {'REST_PROTOCOL': 'resp3'}}}",
    )
    .unwrap();
    let caches = Caches::with_stores(&parsed, Arc::new(ManualClock::new(0.0)), &Stores::native());
    let error = caches.default_cache().unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("'default'")
            && message.contains("REST_PROTOCOL")
            && message.contains("'resp3'"),
        "{message}"
    );
}
