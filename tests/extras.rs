//! django-redis's extras and the SERIALIZER/COMPRESSOR options on the in-process backends
//! (the Redis side, against live django-redis, is bridge/tests/django_redis_extras.rs).

use edgecache::{
    Cache, CacheError, CacheSettings, Caches, ManualClock, Options, Stores, Value, now_or_never,
};
use std::sync::Arc;

fn run<T>(
    future: impl std::future::Future<Output = Result<T, CacheError>>,
) -> Result<T, CacheError> {
    now_or_never(future).expect("in-memory backends answer at once")
}

fn caches(text: &str) -> (Caches, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(1_700_000_000.0));
    let caches = Caches::from_text(text, clock.clone()).unwrap();
    (caches, clock)
}

/// DR-1 on an empty cache: a missing key's ttl is 0, `a` set for 100 s has 100 left, and
/// `forever` (no timeout) has none.
fn ttl_of_a_fresh_and_a_forever_entry(cache: &Cache) {
    let d = || Options::DEFAULT;
    assert_eq!(run(cache.ttl("missing", d())).unwrap(), Value::Int(0));
    run(cache.set("a", 1, Options::new().timeout(100))).unwrap();
    run(cache.set(
        "forever",
        1,
        Options::new().timeout(edgecache::Timeout::Never),
    ))
    .unwrap();
    assert_eq!(run(cache.ttl("a", d())).unwrap(), Value::Int(100));
    assert_eq!(run(cache.ttl("forever", d())).unwrap(), Value::None);
}

#[test]
fn locmem_ttl_expire_persist_follow_redis() {
    let (caches, clock) = caches("{'default': {'BACKEND': 'locmem', 'TIMEOUT': 300}}");
    let cache = caches.default_cache().unwrap();
    let d = || Options::DEFAULT;
    ttl_of_a_fresh_and_a_forever_entry(cache);
    assert_eq!(run(cache.pttl("a", d())).unwrap(), Value::Int(100_000));
    clock.advance(10.4);
    assert_eq!(
        run(cache.ttl("a", d())).unwrap(),
        Value::Int(90),
        "rounded to nearest"
    );
    clock.advance(0.2);
    assert_eq!(run(cache.ttl("a", d())).unwrap(), Value::Int(89));
    assert!(run(cache.expire("a", 5, d())).unwrap());
    assert_eq!(run(cache.ttl("a", d())).unwrap(), Value::Int(5));
    assert!(run(cache.pexpire("a", 1500, d())).unwrap());
    assert_eq!(run(cache.pttl("a", d())).unwrap(), Value::Int(1500));
    assert!(!run(cache.expire("missing", 5, d())).unwrap());
    assert!(run(cache.persist("a", d())).unwrap());
    assert!(
        !run(cache.persist("a", d())).unwrap(),
        "no expiry left to remove"
    );
    assert!(!run(cache.persist("missing", d())).unwrap());
    assert_eq!(run(cache.ttl("a", d())).unwrap(), Value::None);
    let now = 1_700_000_000 + 11;
    assert!(run(cache.expire_at("a", now + 20, d())).unwrap());
    assert_eq!(run(cache.ttl("a", d())).unwrap(), Value::Int(20));
    // A past time or a non-positive timeout deletes the entry and answers True.
    assert!(run(cache.expire_at("a", now - 1, d())).unwrap());
    assert_eq!(run(cache.get("a", d())).unwrap(), None);
    assert!(run(cache.expire("forever", 0, d())).unwrap());
    assert!(!run(cache.has_key("forever", d())).unwrap());
    // An expired entry is missing.
    run(cache.set("short", 1, Options::new().timeout(1))).unwrap();
    clock.advance(1.0);
    assert_eq!(run(cache.ttl("short", d())).unwrap(), Value::Int(0));
    assert!(!run(cache.expire("short", 10, d())).unwrap());
}

#[test]
fn locmem_iter_keys_and_delete_pattern_stay_in_their_version() {
    let (caches, _clock) = caches(
        "{'default': {'BACKEND': 'locmem', 'KEY_PREFIX': 'p*'}, 'other': {'BACKEND': 'locmem', 'KEY_PREFIX': 'px'}}",
    );
    let cache = caches.default_cache().unwrap();
    let other = caches.get("other").unwrap();
    for key in ["user:1", "user:2", "session:1"] {
        run(cache.set(key, 1, Options::DEFAULT)).unwrap();
        run(other.set(key, 1, Options::DEFAULT)).unwrap();
    }
    run(cache.set("user:9", 1, Options::new().version(2))).unwrap();
    let mut keys = run(cache.iter_keys("user:*", Options::DEFAULT)).unwrap();
    keys.sort_by_key(|k| k.as_str().unwrap().to_owned());
    assert_eq!(keys, vec![Value::from("user:1"), Value::from("user:2")]);
    assert_eq!(
        run(cache.iter_keys("*", Options::new().version(2))).unwrap(),
        vec![Value::from("user:9")]
    );
    assert_eq!(cache.make_pattern("u?", None).unwrap(), "p[*]:1:u?");
    assert_eq!(
        run(cache.delete_pattern("user:*", Options::DEFAULT)).unwrap(),
        2
    );
    assert_eq!(
        run(cache.delete_pattern("user:*", Options::DEFAULT)).unwrap(),
        0
    );
    assert!(run(cache.has_key("session:1", Options::DEFAULT)).unwrap());
    // The 'px' prefix is not matched by the escaped 'p*'.
    assert_eq!(
        run(other.iter_keys("*", Options::DEFAULT)).unwrap().len(),
        3
    );
}

#[test]
fn locks_are_exclusive_and_released_only_by_their_token() {
    let (caches, clock) = caches("{'default': {'BACKEND': 'locmem'}}");
    let cache = caches.default_cache().unwrap();
    let d = || Options::DEFAULT;
    assert!(run(cache.lock_acquire("job", "t1", Some(2000), d())).unwrap());
    assert!(!run(cache.lock_acquire("job", "t2", Some(2000), d())).unwrap());
    assert!(!run(cache.lock_release("job", "t2", d())).unwrap());
    assert!(run(cache.lock_release("job", "t1", d())).unwrap());
    assert!(run(cache.lock_acquire("job", "t2", Some(2000), d())).unwrap());
    clock.advance(2.0);
    assert!(
        run(cache.lock_acquire("job", "t3", None, d())).unwrap(),
        "t2's lock expired"
    );
    assert!(!run(cache.lock_release("job", "t2", d())).unwrap());
    assert!(matches!(
        run(cache.lock_acquire("job", "t4", Some(0), d())),
        Err(CacheError::Value(_))
    ));
    assert_eq!(
        CacheError::lock_not_owned().python_type(),
        "LockNotOwnedError"
    );
}

#[test]
fn incr_ignore_key_check_starts_missing_keys_at_zero_without_expiry() {
    let (caches, _clock) = caches("{'default': {'BACKEND': 'locmem', 'TIMEOUT': 60}}");
    let cache = caches.default_cache().unwrap();
    assert!(matches!(
        run(cache.incr("n", 5, Options::DEFAULT)),
        Err(CacheError::Value(_))
    ));
    assert_eq!(
        run(cache.incr_ignoring_key_check("n", 5, Options::DEFAULT)).unwrap(),
        Value::Int(5)
    );
    assert_eq!(run(cache.ttl("n", Options::DEFAULT)).unwrap(), Value::None);
    assert_eq!(
        run(cache.incr_ignoring_key_check("n", 2, Options::DEFAULT)).unwrap(),
        Value::Int(7)
    );
}

#[test]
fn dummy_holds_nothing_and_memcached_cannot_list_keys() {
    let (caches, _clock) = caches("{'default': {'BACKEND': 'dummy'}}");
    let cache = caches.default_cache().unwrap();
    assert_eq!(
        run(cache.ttl("k", Options::DEFAULT)).unwrap(),
        Value::Int(0)
    );
    assert!(!run(cache.expire("k", 5, Options::DEFAULT)).unwrap());
    assert_eq!(run(cache.iter_keys("*", Options::DEFAULT)).unwrap(), vec![]);
    assert_eq!(run(cache.delete_pattern("*", Options::DEFAULT)).unwrap(), 0);

    let settings = CacheSettings::parse(
        "{'default': {'BACKEND': 'django.core.cache.backends.memcached.PyMemcacheCache', 'LOCATION': '127.0.0.1:1'}}",
    )
    .unwrap();
    let clock = Arc::new(ManualClock::new(0.0));
    let caches = Caches::with_stores(
        &settings,
        clock,
        &Stores::native().with_bridge("http://127.0.0.1:1", ""),
    );
    let memcached = caches.default_cache().unwrap();
    for error in [
        run(memcached.iter_keys("*", Options::DEFAULT))
            .map(|_| ())
            .unwrap_err(),
        run(memcached.ttl("k", Options::DEFAULT))
            .map(|_| ())
            .unwrap_err(),
        run(memcached.persist("k", Options::DEFAULT))
            .map(|_| ())
            .unwrap_err(),
    ] {
        assert_eq!(error.python_type(), "NotImplementedError", "{error:?}");
        assert!(error.message().contains("memcached"), "{error:?}");
    }
}

#[test]
fn unknown_serializer_or_compressor_names_alias_field_and_value() {
    let error = CacheSettings::parse(
        "{'default': {'BACKEND': 'django_redis.cache.RedisCache', 'LOCATION': 'redis://x', 'OPTIONS': {'SERIALIZER': 'django_redis.serializers.msgpack.MSGPackSerializer'}}}",
    )
    .unwrap_err();
    assert_eq!(error.alias.as_deref(), Some("default"));
    assert_eq!(error.field.as_deref(), Some("OPTIONS.SERIALIZER"));
    assert_eq!(
        error.value.as_deref(),
        Some("'django_redis.serializers.msgpack.MSGPackSerializer'")
    );
    assert!(error.message.contains("JSONSerializer"), "{error}");
    let error = CacheSettings::parse(
        "{'default': {'BACKEND': 'locmem'}, 'r': {'BACKEND': 'django_redis.cache.RedisCache', 'OPTIONS': {'COMPRESSOR': 'django_redis.compressors.lz4.Lz4Compressor'}}}",
    )
    .unwrap_err();
    assert_eq!(error.alias.as_deref(), Some("r"));
    assert_eq!(error.field.as_deref(), Some("OPTIONS.COMPRESSOR"));
    let error = CacheSettings::parse(
        "{'default': {'BACKEND': 'locmem', 'OPTIONS': {'SERIALIZER': 'django_redis.serializers.json.JSONSerializer'}}}",
    )
    .unwrap_err();
    assert!(
        error.message.contains("only by the redis backends"),
        "{error}"
    );
    CacheSettings::parse(
        "{'default': {'BACKEND': 'django_redis.cache.RedisCache', 'OPTIONS': {'SERIALIZER': 'edgecache.serializers.postcard.PostcardSerializer', 'COMPRESSOR': 'django_redis.compressors.zlib.ZlibCompressor'}}}",
    )
    .unwrap();
}

#[test]
fn db_emulates_ttl_expire_persist_and_iter_keys_over_sqlite() {
    use edgecache::store::sqlite::SqliteStore;
    let store = Arc::new(SqliteStore::in_memory().unwrap());
    run(edgecache::backend::db::create_table(
        store.as_ref(),
        "cache_t",
    ))
    .unwrap();
    let settings = CacheSettings::parse(
        "{'default': {'BACKEND': 'db', 'LOCATION': 'cache_t', 'KEY_PREFIX': 'd'}}",
    )
    .unwrap();
    let clock = Arc::new(ManualClock::new(1_700_000_000.0));
    let caches = Caches::with_stores(&settings, clock.clone(), &Stores::none().with_sql(store));
    let cache = caches.default_cache().unwrap();
    let d = || Options::DEFAULT;
    ttl_of_a_fresh_and_a_forever_entry(cache);
    assert!(run(cache.expire("a", 30, d())).unwrap());
    assert_eq!(run(cache.ttl("a", d())).unwrap(), Value::Int(30));
    assert!(!run(cache.expire("missing", 30, d())).unwrap());
    assert!(run(cache.persist("a", d())).unwrap());
    assert!(!run(cache.persist("a", d())).unwrap());
    assert_eq!(run(cache.ttl("a", d())).unwrap(), Value::None);
    run(cache.set("user:1", 1, d())).unwrap();
    run(cache.set("user:2", 1, Options::new().timeout(5))).unwrap();
    assert_eq!(
        run(cache.iter_keys("user:*", d())).unwrap(),
        vec![Value::from("user:1"), Value::from("user:2")]
    );
    clock.advance(5.0);
    assert_eq!(
        run(cache.iter_keys("user:*", d())).unwrap(),
        vec![Value::from("user:1")],
        "an expired row is not listed"
    );
    assert_eq!(run(cache.delete_pattern("*", d())).unwrap(), 3);
    assert_eq!(run(cache.get("forever", d())).unwrap(), None);
    run(cache.set("b", 1, d())).unwrap();
    assert!(run(cache.expire("b", 0, d())).unwrap());
    assert_eq!(run(cache.get("b", d())).unwrap(), None);
    assert!(run(cache.lock_acquire("job", "t", Some(1000), d())).unwrap());
    assert!(!run(cache.lock_acquire("job", "u", Some(1000), d())).unwrap());
    assert!(run(cache.lock_release("job", "t", d())).unwrap());
}

#[test]
fn filebased_rewrites_expiries_but_cannot_list_hashed_file_names() {
    let dir = std::env::temp_dir().join(format!("edgecache-extras-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let settings = CacheSettings::parse(&format!(
        "{{'default': {{'BACKEND': 'filebased', 'LOCATION': {:?}}}}}",
        dir.to_str().unwrap()
    ))
    .unwrap();
    let clock = Arc::new(ManualClock::new(1_700_000_000.0));
    let caches = Caches::new(&settings, clock.clone());
    let cache = caches.default_cache().unwrap();
    let d = || Options::DEFAULT;
    assert_eq!(run(cache.ttl("k", d())).unwrap(), Value::Int(0));
    run(cache.set("k", "v", Options::new().timeout(100))).unwrap();
    assert_eq!(run(cache.ttl("k", d())).unwrap(), Value::Int(100));
    assert!(run(cache.expire("k", 10, d())).unwrap());
    assert_eq!(run(cache.pttl("k", d())).unwrap(), Value::Int(10_000));
    assert!(run(cache.persist("k", d())).unwrap());
    assert!(!run(cache.persist("k", d())).unwrap());
    assert_eq!(run(cache.ttl("k", d())).unwrap(), Value::None);
    assert_eq!(run(cache.get("k", d())).unwrap(), Some(Value::from("v")));
    assert!(run(cache.expire("k", -1, d())).unwrap());
    assert_eq!(run(cache.get("k", d())).unwrap(), None);
    let error = run(cache.iter_keys("*", d())).unwrap_err();
    assert_eq!(error.python_type(), "NotImplementedError");
    assert!(error.message().contains("filebased"), "{error}");
    let _ = std::fs::remove_dir_all(&dir);
}
