//! Bad storage gives typed errors (or a miss, where Django treats it as one), never a panic:
//! an unwritable cache directory, empty, truncated and garbage entry files, a missing table.

use edgecache::backend::filebased;
use edgecache::store::sqlite::SqliteStore;
use edgecache::{
    CacheError, CacheSettings, Caches, Options, Stores, SystemClock, Value, now_or_never,
};
use std::path::PathBuf;
use std::sync::Arc;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("edgecache-faults-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn filebased_caches(location: &std::path::Path) -> Caches {
    let settings = CacheSettings::parse(&format!(
        "{{'default': {{'BACKEND': 'filebased', 'LOCATION': {:?}}}}}",
        location.to_str().unwrap()
    ))
    .unwrap();
    Caches::new(&settings, Arc::new(SystemClock))
}

fn run<T>(
    future: impl std::future::Future<Output = Result<T, CacheError>>,
) -> Result<T, CacheError> {
    now_or_never(future).expect("local stores answer at once")
}

#[test]
fn an_unwritable_directory_is_a_typed_error() {
    let dir = temp_dir("unwritable");
    let blocker = dir.join("a-file");
    std::fs::write(&blocker, b"not a directory").unwrap();
    let caches = filebased_caches(&blocker.join("cache"));
    let cache = caches.default_cache().unwrap();
    let error = run(cache.set("k", 1, Options::DEFAULT)).unwrap_err();
    assert_eq!(error.python_type(), "OSError");
    assert!(error.message().contains("a-file"), "{error}");
    // Django's `open()` raises NotADirectoryError here too: an error, not a miss.
    assert_eq!(
        run(cache.get("k", Options::DEFAULT))
            .unwrap_err()
            .python_type(),
        "OSError"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn damaged_entry_files_are_misses_or_typed_errors() {
    let dir = temp_dir("damaged");
    let caches = filebased_caches(&dir);
    let cache = caches.default_cache().unwrap();
    let path_of = |key: &str| dir.join(filebased::file_name(&format!(":1:{key}")));

    // FB-2: an empty file counts as expired: a miss, and the file is removed.
    std::fs::write(path_of("empty"), b"").unwrap();
    assert_eq!(run(cache.get("empty", Options::DEFAULT)).unwrap(), None);
    assert!(!path_of("empty").exists());

    // Garbage and truncated entries: typed errors naming the file, never a panic.
    run(cache.set(
        "truncated",
        "a value long enough to be cut",
        Options::DEFAULT,
    ))
    .unwrap();
    let whole = std::fs::read(path_of("truncated")).unwrap();
    std::fs::write(path_of("truncated"), &whole[..whole.len() - 5]).unwrap();
    std::fs::write(path_of("garbage"), b"\x00\x01 this is not a pickle").unwrap();
    for key in ["truncated", "garbage"] {
        let error = run(cache.get(key, Options::DEFAULT)).unwrap_err();
        assert_eq!(error.python_type(), "OSError", "{key}: {error}");
        assert!(error.message().contains("corrupt"), "{error}");
    }
    // The damaged entries can be replaced.
    run(cache.set("garbage", "fixed", Options::DEFAULT)).unwrap();
    assert_eq!(
        run(cache.get("garbage", Options::DEFAULT)).unwrap(),
        Some(Value::from("fixed"))
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_missing_table_is_a_database_error() {
    let store = Arc::new(SqliteStore::in_memory().unwrap());
    let settings =
        CacheSettings::parse("{'default': {'BACKEND': 'db', 'LOCATION': 'no_such_table'}}")
            .unwrap();
    let caches = Caches::with_stores(
        &settings,
        Arc::new(SystemClock),
        &Stores::none().with_sql(store),
    );
    let cache = caches.default_cache().unwrap();
    let error = run(cache.get("k", Options::DEFAULT)).unwrap_err();
    assert_eq!(error.python_type(), "DatabaseError");
    assert!(error.message().contains("no_such_table"), "{error}");
    assert!(run(cache.set("k", 1, Options::DEFAULT)).is_err());
}

#[test]
fn a_db_alias_without_a_database_says_so() {
    let settings = CacheSettings::parse("{'default': {'BACKEND': 'db', 'LOCATION': 't'}}").unwrap();
    let caches = Caches::with_stores(&settings, Arc::new(SystemClock), &Stores::none());
    let error = caches.default_cache().unwrap_err();
    assert!(error.message().contains("no database was given"), "{error}");
}

#[test]
fn a_read_only_database_fails_writes_as_django_does() {
    let dir = temp_dir("read-only");
    let path = dir.join("cache.sqlite3");
    let settings =
        CacheSettings::parse("{'default': {'BACKEND': 'db', 'LOCATION': 'cache_table'}}").unwrap();
    {
        let writable = Arc::new(SqliteStore::open(&path).unwrap());
        run(edgecache::backend::db::create_table(
            writable.as_ref(),
            "cache_table",
        ))
        .unwrap();
        let caches = Caches::with_stores(
            &settings,
            Arc::new(SystemClock),
            &Stores::none().with_sql(writable),
        );
        run(caches
            .default_cache()
            .unwrap()
            .set("kept", "before", Options::DEFAULT))
        .unwrap();
    }
    let read_only = Arc::new(SqliteStore::open_read_only(&path).unwrap());
    let caches = Caches::with_stores(
        &settings,
        Arc::new(SystemClock),
        &Stores::none().with_sql(read_only),
    );
    let cache = caches.default_cache().unwrap();
    assert_eq!(
        run(cache.get("kept", Options::DEFAULT)).unwrap(),
        Some(Value::from("before"))
    );
    // DB-5: Django swallows a DatabaseError from the write itself: set stores nothing,
    // add and touch say False.
    run(cache.set("new", 1, Options::DEFAULT)).unwrap();
    assert_eq!(run(cache.get("new", Options::DEFAULT)).unwrap(), None);
    assert!(!run(cache.add("other", 1, Options::DEFAULT)).unwrap());
    assert!(!run(cache.touch("kept", Options::DEFAULT)).unwrap());
    // Other writes raise, typed.
    let error = run(cache.clear()).unwrap_err();
    assert_eq!(error.python_type(), "DatabaseError");
    assert!(error.message().contains("readonly"), "{error}");
    let _ = std::fs::remove_dir_all(dir);
}
