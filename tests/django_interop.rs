//! A live Django 5.2.19 and edgecache share one cache directory and one SQLite file: what
//! Django writes edgecache reads, what edgecache writes Django reads, and the stored pickles
//! are byte for byte the ones Django writes.
//!
//! Needs a Python with django==5.2.19: `EDGECACHE_PYTHON`, or `.venv/bin/python` (which
//! `scripts/test.sh` creates).

use edgecache::backend::{db, filebased};
use edgecache::codec::{self, pickle};
use edgecache::seam::sql::SqlStore;
use edgecache::settings::node_value;
use edgecache::store::sqlite::SqliteStore;
use edgecache::{
    CacheSettings, Caches, Options, Stores, SystemClock, Timeout, Value, literal, now_or_never,
};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

fn python() -> PathBuf {
    if let Ok(path) = std::env::var("EDGECACHE_PYTHON") {
        return PathBuf::from(path);
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    assert!(
        venv.exists(),
        "no Python with Django: run scripts/test.sh (it creates .venv) or set EDGECACHE_PYTHON"
    );
    venv
}

fn django(args: &[&str]) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/django/interop.py");
    let output = Command::new(python())
        .arg(script)
        .args(args)
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "Django failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8")
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
        ("long", s(&"x".repeat(200_000))),
    ]
}

/// The JSON tagging interop.py uses, so tuples and bytes stay distinguishable.
fn tagged(value: &Value) -> Value {
    let one = |name: &str, inner: Value| Value::Dict(vec![(Value::Str(name.into()), inner)]);
    match value {
        Value::Tuple(items) => one("$tuple", Value::List(items.iter().map(tagged).collect())),
        Value::Bytes(bytes) => one(
            "$bytes",
            Value::Str(bytes.iter().map(|&b| char::from(b)).collect()),
        ),
        Value::List(items) => Value::List(items.iter().map(tagged).collect()),
        Value::Dict(pairs) => {
            Value::Dict(pairs.iter().map(|(k, v)| (k.clone(), tagged(v))).collect())
        }
        other => other.clone(),
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("edgecache-interop-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes every sample as `edgecache-<name>`, has Django read them, then reads Django's
/// `django-<name>` entries.
fn round_trip(caches: &Caches, django_args: &[&str]) {
    let cache = caches.default_cache().unwrap();
    for (name, value) in samples() {
        now_or_never(cache.set(
            format!("edgecache-{name}"),
            value,
            Options::new().timeout(Timeout::Never),
        ))
        .unwrap()
        .unwrap();
    }
    now_or_never(cache.set("edgecache-expiring", "soon", Options::new().timeout(300)))
        .unwrap()
        .unwrap();

    let mut read_args = vec!["read"];
    read_args.extend_from_slice(django_args);
    let seen = node_value(&literal::parse(&django(&read_args)).unwrap());
    for (name, value) in samples() {
        let Value::Dict(fields) = &seen else {
            panic!("{seen:?}")
        };
        let got = fields
            .iter()
            .find(|(k, _)| k.as_str() == Some(name))
            .map(|(_, v)| v.clone());
        assert_eq!(got, Some(tagged(&value)), "Django read edgecache's {name}");
    }

    let mut write_args = vec!["write"];
    write_args.extend_from_slice(django_args);
    django(&write_args);
    for (name, value) in samples() {
        let got = now_or_never(cache.get(format!("django-{name}"), Options::DEFAULT))
            .unwrap()
            .unwrap();
        assert_eq!(got, Some(value), "edgecache read Django's {name}");
    }
    let soon = now_or_never(cache.get("django-expiring", Options::DEFAULT))
        .unwrap()
        .unwrap();
    assert_eq!(soon, Some(Value::from("soon")));
}

#[test]
fn a_django_app_and_edgecache_share_a_cache_directory() {
    let dir = temp_dir("filebased");
    let location = dir.join("cache");
    let location = location.to_str().unwrap();
    let settings = CacheSettings::parse(&format!(
        "{{'default': {{'BACKEND': 'django.core.cache.backends.filebased.FileBasedCache', 'LOCATION': {location:?}}}}}"
    ))
    .unwrap();
    let caches = Caches::new(&settings, Arc::new(SystemClock));
    round_trip(&caches, &["filebased", location]);

    // The pickles inside the files are Django's, byte for byte (the zlib framing may differ).
    for (name, _) in samples() {
        let payload = |key: &str| {
            let bytes =
                std::fs::read(Path::new(location).join(filebased::file_name(&format!(":1:{key}"))))
                    .unwrap();
            let (expiry, used) = pickle::loads_prefix(&bytes).unwrap();
            assert_eq!(expiry, Value::None);
            codec::zlib_decompress(&bytes[used..]).unwrap()
        };
        assert_eq!(
            payload(&format!("edgecache-{name}")),
            payload(&format!("django-{name}")),
            "{name}"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_django_app_and_edgecache_share_a_sqlite_cache_table() {
    let dir = temp_dir("db");
    let path = dir.join("shared.sqlite3");
    let database = Arc::new(SqliteStore::open(&path).unwrap());
    let created = now_or_never(db::create_table(database.as_ref(), "shared_cache"))
        .unwrap()
        .unwrap();
    assert_eq!(created, db::CreateTable::Created);
    let settings = CacheSettings::parse("{'default': {'BACKEND': 'django.core.cache.backends.db.DatabaseCache', 'LOCATION': 'shared_cache'}}").unwrap();
    let caches = Caches::with_stores(
        &settings,
        Arc::new(SystemClock),
        &Stores::native().with_sql(database.clone()),
    );
    round_trip(&caches, &["db", path.to_str().unwrap(), "shared_cache"]);

    // DB-2: the stored rows are Django's, byte for byte.
    for (name, _) in samples() {
        let row = |key: &str| {
            let rows = now_or_never(database.query(
                "SELECT value, expires FROM shared_cache WHERE cache_key = ?",
                &[format!(":1:{key}").into()],
            ))
            .unwrap()
            .unwrap();
            rows.into_iter().next().expect("row")
        };
        assert_eq!(
            row(&format!("edgecache-{name}")),
            row(&format!("django-{name}")),
            "{name}"
        );
    }
    let only_value = now_or_never(database.query(
        "SELECT value FROM shared_cache WHERE cache_key = ':1:edgecache-int'",
        &[],
    ))
    .unwrap()
    .unwrap();
    let text = only_value[0][0].as_text().unwrap().to_string();
    assert_eq!(
        pickle::loads(&codec::base64_decode(&text).unwrap()).unwrap(),
        Value::Int(7)
    );
    let _ = std::fs::remove_dir_all(dir);
}
