//! Cache-backed sessions against Django's own stored form.
//!
//! The expected keys, values and expiries below were printed by `tests/django/session_forms.py`
//! (Django 5.2.19, `SESSION_ENGINE = "django.contrib.sessions.backends.cache"`, a locmem cache
//! with `KEY_PREFIX = "site"`, `VERSION = 2`, `SESSION_COOKIE_AGE = 3600`, session keys taken
//! from a fixed list, `time.time()` fixed at 1700000000.0). Re-run it to re-check.

use edgecache::http::HttpSettings;
use edgecache::http::session::{KeySource, RandomKeys, SessionError, SessionStore};
use edgecache::inspect::Detail;
use edgecache::{Caches, ManualClock, Value, now_or_never};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

/// Session keys from the same fixed list the Django script used, shared by every store (as
/// Django's stores share one random source).
#[derive(Clone)]
struct Fixed(Rc<RefCell<std::vec::IntoIter<&'static str>>>);

impl KeySource for Fixed {
    fn new_key(&mut self) -> String {
        self.0
            .borrow_mut()
            .next()
            .expect("the test ran out of session keys")
            .into()
    }
}

fn keys() -> Fixed {
    Fixed(Rc::new(RefCell::new(
        vec![
            "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk",
            "abcdefgh12345678abcdefgh12345678",
            "zz000000000000000000000000000000",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        ]
        .into_iter(),
    )))
}

fn run<F: std::future::Future>(future: F) -> F::Output {
    now_or_never(future).expect("locmem answers synchronously")
}

fn dict(pairs: &[(&str, Value)]) -> Value {
    Value::Dict(
        pairs
            .iter()
            .map(|(k, v)| (Value::from(*k), v.clone()))
            .collect(),
    )
}

/// (full key, stored value, seconds until expiry), most recently used first.
fn state(caches: &Caches, clock: &ManualClock) -> Vec<(String, Value, f64)> {
    let cache = caches.default_cache().unwrap();
    let inspection = run(cache.inspect(Detail::Full)).unwrap();
    let now = edgecache::Clock::now(clock);
    inspection
        .entries
        .into_iter()
        .map(|e| (e.key, e.value, e.expires_at.unwrap() - now))
        .collect()
}

#[test]
fn sessions_match_djangos_stored_form() {
    let clock = Arc::new(ManualClock::new(1_700_000_000.0));
    let caches = Caches::from_text(
        r#"{"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "sessions", "KEY_PREFIX": "site", "VERSION": 2}}"#,
        clock.clone(),
    )
    .unwrap();
    let cache = caches.default_cache().unwrap();
    let mut settings = HttpSettings::new();
    settings.session_cookie_age = Value::Int(3600);
    let now = || edgecache::Clock::now(&*clock);
    let keys = keys();
    let flags = Value::List(vec![Value::Int(1), Value::Int(2)]);
    let first = dict(&[
        ("user", Value::Int(42)),
        ("name", Value::from("Zoë")),
        ("flags", flags.clone()),
    ]);

    // save new: create() stores the data with add under a new key.
    let mut s = SessionStore::new(cache, None, &settings, keys.clone());
    run(s.set("user", Value::Int(42))).unwrap();
    run(s.set("name", Value::from("Zoë"))).unwrap();
    run(s.set("flags", flags.clone())).unwrap();
    run(s.save(now())).unwrap();
    assert_eq!(s.session_key(), Some("kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"));
    assert_eq!(
        state(&caches, &clock),
        [(
            "site:2:django.contrib.sessions.cachekkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk".into(),
            first.clone(),
            3600.0
        )]
    );

    // load from another store, ten seconds later.
    clock.advance(10.0);
    let mut s2 = SessionStore::new(cache, s.session_key(), &settings, keys.clone());
    let Value::Dict(first_pairs) = &first else {
        unreachable!()
    };
    assert_eq!(&run(s2.items()).unwrap(), first_pairs);
    assert!(run(s2.exists("kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk")).unwrap());
    assert_eq!(run(s2.get_expiry_age(now())).unwrap(), Value::Int(3600));

    // set_expiry(60) and save.
    run(s2.set_expiry(Value::Int(60))).unwrap();
    run(s2.set("user", Value::Int(43))).unwrap();
    run(s2.save(now())).unwrap();
    let second = dict(&[
        ("user", Value::Int(43)),
        ("name", Value::from("Zoë")),
        ("flags", flags.clone()),
        ("_session_expiry", Value::Int(60)),
    ]);
    assert_eq!(
        state(&caches, &clock),
        [(
            "site:2:django.contrib.sessions.cachekkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk".into(),
            second.clone(),
            60.0
        )]
    );

    // cycle_key: same data under the next key, the old entry gone.
    run(s2.cycle_key(now())).unwrap();
    assert_eq!(s2.session_key(), Some("abcdefgh12345678abcdefgh12345678"));
    assert_eq!(
        state(&caches, &clock),
        [(
            "site:2:django.contrib.sessions.cacheabcdefgh12345678abcdefgh12345678".into(),
            second.clone(),
            60.0
        )]
    );
    assert!(!run(s2.exists("kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk")).unwrap());

    // A key shorter than 8 characters is no key.
    let mut s3 = SessionStore::new(cache, Some("short"), &settings, RandomKeys(|| 0));
    assert_eq!(s3.session_key(), None);
    assert!(run(s3.items()).unwrap().is_empty());

    // An unknown key loads as an empty session and forgets the key; saving creates one.
    let mut s4 = SessionStore::new(
        cache,
        Some("yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"),
        &settings,
        keys.clone(),
    );
    assert!(run(s4.items()).unwrap().is_empty());
    assert_eq!(s4.session_key(), None);
    run(s4.set("a", Value::Int(1))).unwrap();
    run(s4.save(now())).unwrap();
    assert_eq!(s4.session_key(), Some("zz000000000000000000000000000000"));
    assert_eq!(
        state(&caches, &clock),
        [
            (
                "site:2:django.contrib.sessions.cachezz000000000000000000000000000000".into(),
                dict(&[("a", Value::Int(1))]),
                3600.0
            ),
            (
                "site:2:django.contrib.sessions.cacheabcdefgh12345678abcdefgh12345678".into(),
                second,
                60.0
            )
        ]
    );

    // flush: entry deleted, key forgotten.
    run(s2.flush()).unwrap();
    assert_eq!(s2.session_key(), None);
    assert_eq!(state(&caches, &clock).len(), 1);

    // Saving a session whose entry is gone is Django's UpdateError.
    let mut s5 = SessionStore::new(
        cache,
        Some("qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"),
        &settings,
        RandomKeys(|| 7),
    );
    assert_eq!(run(s5.save(now())), Err(SessionError::Update));
}

#[test]
fn random_keys_are_32_chars_of_a_z_0_9() {
    let mut state = 12345u32;
    let mut keys = RandomKeys(move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state
    });
    let key = keys.new_key();
    assert_eq!(key.len(), 32);
    assert!(
        key.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    );
    assert_ne!(key, keys.new_key());
}

#[test]
fn expiry_from_an_iso_datetime() {
    let clock = Arc::new(ManualClock::new(1_700_000_000.0));
    let caches = Caches::from_text(
        r#"{"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}"#,
        clock.clone(),
    )
    .unwrap();
    let settings = HttpSettings::new();
    let cache = caches.default_cache().unwrap();
    let mut s = SessionStore::new(cache, None, &settings, RandomKeys(|| 3));
    // 1700000000 is 2023-11-14T22:13:20Z; Django's timedelta gives whole seconds, floored.
    run(s.set_expiry(Value::from("2023-11-14T22:15:00.500000+00:00"))).unwrap();
    assert_eq!(
        run(s.get_expiry_age(1_700_000_000.0)).unwrap(),
        Value::Int(100)
    );
    run(s.set_expiry(Value::from("2023-11-14T23:13:20+01:00"))).unwrap();
    assert_eq!(
        run(s.get_expiry_age(1_700_000_000.25)).unwrap(),
        Value::Int(-1)
    );
    run(s.set_expiry(Value::from("2023-11-14T22:15:00"))).unwrap();
    assert!(run(s.get_expiry_age(1_700_000_000.0)).is_err()); // naive vs aware
}
