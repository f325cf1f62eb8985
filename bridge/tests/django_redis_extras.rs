//! Live django-redis 7.0.0 and edgecache on one real Redis (through the bridge, with
//! `--allow-scripts` for the lock's release script): the extras answer the same for the same
//! steps, a lock taken on one side holds on the other, and values written with django-redis's
//! JSONSerializer (with and without ZlibCompressor) and its pickle default are read on both
//! sides, the JSON and pickle bytes identical.
//!
//! Needs a Python with django==5.2.19, redis==8.1.0 and django-redis==7.0.0:
//! `EDGECACHE_PYTHON`, or the workspace's `.venv/bin/python` (which `scripts/test.sh` makes).

mod support;

use support::field;

use edgecache::settings::node_value;
use edgecache::{
    CacheError, CacheSettings, Caches, Options, Stores, SystemClock, Timeout, Value, literal,
    python,
};
use std::sync::Arc;

fn block<F: std::future::Future>(future: F) -> F::Output {
    edgecache::now_or_never(future).expect("the native transport never waits")
}

fn django(args: &[&str]) -> String {
    support::run_django_script(
        &["django", "redis", "django_redis"],
        "redis_extras.py",
        args,
    )
}

const JSON: &str = "django_redis.serializers.json.JSONSerializer";
const ZLIB: &str = "django_redis.compressors.zlib.ZlibCompressor";

fn caches(redis_url: &str, bridge: &support::Bridge) -> Caches {
    let alias = |prefix: &str, options: &str| {
        format!(
            "'{prefix}': {{'BACKEND': 'django_redis.cache.RedisCache', 'LOCATION': '{redis_url}', \
             'KEY_PREFIX': '{prefix}', 'TIMEOUT': 300, 'OPTIONS': {{{options}}}}}"
        )
    };
    let text = format!(
        "{{'default': {{'BACKEND': 'locmem'}}, {}, {}, {}, {}, {}}}",
        alias("ec", ""),
        alias("shared", ""),
        alias("pickle", ""),
        alias("json", &format!("'SERIALIZER': '{JSON}'")),
        alias(
            "jsonzlib",
            &format!("'SERIALIZER': '{JSON}', 'COMPRESSOR': '{ZLIB}'")
        ),
    );
    let settings = CacheSettings::parse(&text).unwrap();
    Caches::with_stores(
        &settings,
        Arc::new(SystemClock),
        &Stores::native().with_bridge(&bridge.url, ""),
    )
}

/// The same steps as `redis_extras.py ops`, on edgecache, as "name=repr" lines.
fn edgecache_ops(caches: &Caches) -> Vec<String> {
    let cache = caches.get("ec").unwrap();
    let d = || Options::DEFAULT;
    let mut out = Vec::new();
    let mut step = |name: &str, value: Value| out.push(format!("{name}={}", python::repr(&value)));
    let int = |v: Value| match v {
        Value::Int(i) => i,
        other => panic!("not an int: {other:?}"),
    };
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i128
    };
    let sorted = |mut keys: Vec<Value>| {
        keys.sort_by_key(|k| k.as_str().unwrap().to_owned());
        Value::List(keys)
    };
    step("ttl-missing", block(cache.ttl("missing", d())).unwrap());
    step("pttl-missing", block(cache.pttl("missing", d())).unwrap());
    block(cache.set("a", 1, Options::new().timeout(1000))).unwrap();
    step("ttl-a", block(cache.ttl("a", d())).unwrap());
    let pttl = int(block(cache.pttl("a", d())).unwrap());
    step(
        "pttl-a-close",
        Value::Bool((999_000..=1_000_000).contains(&pttl)),
    );
    block(cache.set("p", "x", Options::new().timeout(Timeout::Never))).unwrap();
    step("ttl-persistent", block(cache.ttl("p", d())).unwrap());
    step("pttl-persistent", block(cache.pttl("p", d())).unwrap());
    step(
        "expire-a",
        Value::Bool(block(cache.expire("a", 50, d())).unwrap()),
    );
    step("ttl-a-50", block(cache.ttl("a", d())).unwrap());
    step(
        "expire-missing",
        Value::Bool(block(cache.expire("missing", 50, d())).unwrap()),
    );
    step(
        "persist-a",
        Value::Bool(block(cache.persist("a", d())).unwrap()),
    );
    step(
        "persist-a-again",
        Value::Bool(block(cache.persist("a", d())).unwrap()),
    );
    step(
        "persist-missing",
        Value::Bool(block(cache.persist("missing", d())).unwrap()),
    );
    step("ttl-a-persisted", block(cache.ttl("a", d())).unwrap());
    step(
        "expire-at-a",
        Value::Bool(block(cache.expire_at("a", now() + 100, d())).unwrap()),
    );
    let ttl = int(block(cache.ttl("a", d())).unwrap());
    step("ttl-a-at", Value::Bool(ttl == 99 || ttl == 100));
    step(
        "pexpire-a",
        Value::Bool(block(cache.pexpire("a", 5000, d())).unwrap()),
    );
    let pttl = int(block(cache.pttl("a", d())).unwrap());
    step("pttl-a-5000", Value::Bool(pttl > 4000 && pttl <= 5000));
    step(
        "expire-at-past",
        Value::Bool(block(cache.expire_at("a", now() - 10, d())).unwrap()),
    );
    step(
        "get-a-gone",
        block(cache.get("a", d())).unwrap().unwrap_or(Value::None),
    );
    block(cache.set("b", 2, Options::new().timeout(100))).unwrap();
    step(
        "expire-zero",
        Value::Bool(block(cache.expire("b", 0, d())).unwrap()),
    );
    step(
        "has-b",
        Value::Bool(block(cache.has_key("b", d())).unwrap()),
    );
    for key in ["user:1", "user:2", "session:1", "us[er"] {
        block(cache.set(key, 1, d())).unwrap();
    }
    block(cache.set("user:9", 1, Options::new().version(2))).unwrap();
    step(
        "iter-user",
        sorted(block(cache.iter_keys("user:*", d())).unwrap()),
    );
    step(
        "iter-v2",
        sorted(block(cache.iter_keys("*", Options::new().version(2))).unwrap()),
    );
    step(
        "iter-bracket",
        sorted(block(cache.iter_keys("us[[]er", d())).unwrap()),
    );
    step(
        "iter-question",
        sorted(block(cache.iter_keys("user:?", d())).unwrap()),
    );
    let count = |n: usize| Value::Int(n as i128);
    step(
        "delete-pattern",
        count(block(cache.delete_pattern("user:*", d())).unwrap()),
    );
    step(
        "delete-pattern-again",
        count(block(cache.delete_pattern("user:*", d())).unwrap()),
    );
    step(
        "has-session",
        Value::Bool(block(cache.has_key("session:1", d())).unwrap()),
    );
    step(
        "incr-ignore",
        block(cache.incr_ignoring_key_check("n", 5, d())).unwrap(),
    );
    step("ttl-n", block(cache.ttl("n", d())).unwrap());
    step(
        "incr-ignore-again",
        block(cache.incr_ignoring_key_check("n", 2, d())).unwrap(),
    );
    step(
        "get-n",
        block(cache.get("n", d())).unwrap().unwrap_or(Value::None),
    );
    let missing: Result<Value, CacheError> = block(cache.incr("missing", 1, d()));
    step(
        "incr-missing",
        Value::from(missing.unwrap_err().python_type()),
    );
    step(
        "lock-first",
        Value::Bool(block(cache.lock_acquire("job", "token-1", Some(10_000), d())).unwrap()),
    );
    step(
        "lock-second",
        Value::Bool(block(cache.lock_acquire("job", "token-2", Some(10_000), d())).unwrap()),
    );
    let pttl = int(block(cache.pttl("job", d())).unwrap());
    step(
        "lock-pttl-close",
        Value::Bool(pttl > 9000 && pttl <= 10_000),
    );
    step(
        "lock-release-foreign",
        Value::Bool(block(cache.lock_release("job", "not-the-token", d())).unwrap()),
    );
    // redis-py's release() returns None; edgecache's true is that success.
    let released = block(cache.lock_release("job", "token-1", d())).unwrap();
    step(
        "lock-release",
        if released {
            Value::None
        } else {
            Value::Bool(false)
        },
    );
    step(
        "lock-second-again",
        Value::Bool(block(cache.lock_acquire("job", "token-2", Some(10_000), d())).unwrap()),
    );
    assert!(block(cache.lock_release("job", "token-2", d())).unwrap());
    step(
        "has-job",
        Value::Bool(block(cache.has_key("job", d())).unwrap()),
    );
    out
}

fn samples() -> Vec<(&'static str, Value)> {
    let s = |text: &str| Value::Str(text.into());
    vec![
        ("none", Value::None),
        ("true", Value::Bool(true)),
        ("int", Value::Int(7)),
        ("negative", Value::Int(-5)),
        ("float", Value::Float(1.5)),
        ("str", s("héllo wörld 😀")),
        ("short", s("ab")),
        ("empty", s("")),
        (
            "list",
            Value::List(vec![
                Value::Int(1),
                s("a"),
                Value::None,
                Value::Float(2.5),
                Value::Bool(false),
            ]),
        ),
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
                (s("c"), Value::None),
            ]),
        ),
        ("long", s(&"x".repeat(5000))),
    ]
}

#[test]
fn django_redis_and_edgecache_agree_on_extras_locks_and_serializers() {
    let redis = support::redis();
    let redis_url = format!("redis://127.0.0.1:{}/0", redis.port);
    let bridge = support::Bridge::start(&["--redis", &redis_url, "--allow-scripts"]);
    let caches = caches(&redis_url, &bridge);

    // The same steps answer the same on both sides.
    let theirs: Vec<String> = django(&["ops", &redis_url])
        .lines()
        .map(String::from)
        .collect();
    let ours = edgecache_ops(&caches);
    assert_eq!(ours.len(), theirs.len(), "{ours:#?}\n{theirs:#?}");
    for (ours, theirs) in ours.iter().zip(&theirs) {
        assert_eq!(ours, theirs, "edgecache vs django-redis");
    }

    // A lock either side holds, the other cannot take.
    let shared = caches.get("shared").unwrap();
    assert!(
        block(shared.lock_acquire("deploy", "edge-token", Some(30_000), Options::DEFAULT)).unwrap()
    );
    assert_eq!(django(&["lock", &redis_url, "deploy"]).trim(), "False");
    assert_eq!(django(&["lock", &redis_url, "migrate"]).trim(), "True");
    assert!(
        !block(shared.lock_acquire("migrate", "edge-token", Some(30_000), Options::DEFAULT))
            .unwrap()
    );
    assert!(!block(shared.lock_release("migrate", "edge-token", Options::DEFAULT)).unwrap());
    assert!(block(shared.lock_release("deploy", "edge-token", Options::DEFAULT)).unwrap());
    assert_eq!(django(&["lock", &redis_url, "deploy"]).trim(), "True");

    // Serializers and compression: each side reads the other's values.
    let setups = ["pickle", "json", "jsonzlib"];
    for setup in setups {
        let cache = caches.get(setup).unwrap();
        for (name, value) in samples() {
            block(cache.set(
                format!("edgecache-{name}").as_str(),
                value,
                Options::new().timeout(600),
            ))
            .unwrap();
        }
    }
    django(&["write", &redis_url]);
    let read = node_value(&literal::parse(&django(&["read", &redis_url])).unwrap());
    for setup in setups {
        for (name, value) in samples() {
            for side in ["edgecache", "django"] {
                let seen = field(field(&read, setup), &format!("{side}-{name}"));
                assert_eq!(
                    seen.as_str(),
                    Some(python::repr(&value).as_str()),
                    "django-redis read {setup} {side}-{name}"
                );
            }
        }
        let cache = caches.get(setup).unwrap();
        for (name, value) in samples() {
            let found = block(cache.get(format!("django-{name}").as_str(), Options::DEFAULT));
            assert_eq!(
                found.unwrap(),
                Some(value),
                "edgecache read {setup} django-{name}"
            );
        }
    }
    // The stored bytes are identical for JSONSerializer and for PickleSerializer, whose
    // protocol is pickle.DEFAULT_PROTOCOL (4); zlib streams may differ.
    for format in ["json_raw", "pickle_raw"] {
        let raw = field(&read, format);
        for (name, _) in samples() {
            assert_eq!(
                field(raw, &format!("edgecache-{name}")),
                field(raw, &format!("django-{name}")),
                "{format} bytes of {name}"
            );
        }
    }
    // A value a serializer cannot write is the TypeError Python raises, before any I/O.
    let json = caches.get("json").unwrap();
    let error = block(json.set("bytes", Value::Bytes(vec![1]), Options::DEFAULT)).unwrap_err();
    assert_eq!(error.python_type(), "TypeError", "{error:?}");
}
