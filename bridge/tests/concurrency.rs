//! Two `edgecache` processes writing one cache directory or one SQLite file at the same time:
//! no reader sees half an entry, no write is lost (the last writer wins, as in Django), and
//! every entry left is readable.

use edgecache::inspect::Detail;
use edgecache::store::sqlite::SqliteStore;
use edgecache::{CacheSettings, Caches, Options, Stores, SystemClock, Value, now_or_never};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

const KEYS: usize = 60;
const ROUNDS: usize = 8;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "edgecache-concurrency-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A script of `ROUNDS` passes over every key, values naming the writer and the round, with
/// reads mixed in (a read must never fail on a half-written entry).
fn script(dir: &Path, writer: &str) -> PathBuf {
    let mut text = String::new();
    for round in 0..ROUNDS {
        for key in 0..KEYS {
            text.push_str(&format!(
                "set k{key} '{writer}-{round}'\nget k{}\n",
                (key * 7) % KEYS
            ));
        }
    }
    let path = dir.join(format!("{writer}.txt"));
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs both writers at once and checks neither reported an error.
fn run_writers(dir: &Path, settings: &Path, extra: &[&str]) {
    let children: Vec<_> = ["A", "B"]
        .iter()
        .map(|writer| {
            let script = script(dir, writer);
            Command::new(env!("CARGO_BIN_EXE_edgecache"))
                .arg("run")
                .arg("--settings")
                .arg(settings)
                .arg("--script")
                .arg(&script)
                .args(extra)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "writer failed: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        for line in stdout.lines() {
            assert!(
                !line.contains("Error:") && !line.starts_with("OSError"),
                "a writer saw an error: {line}"
            );
        }
    }
}

/// Every key holds one of the two last writes.
fn check_last_writer_wins(caches: &Caches) {
    let cache = caches.default_cache().unwrap();
    let last = ROUNDS - 1;
    for key in 0..KEYS {
        let value = now_or_never(cache.get(format!("k{key}"), Options::DEFAULT))
            .unwrap()
            .unwrap();
        let allowed = [
            Value::from(format!("A-{last}")),
            Value::from(format!("B-{last}")),
        ];
        assert!(
            value.as_ref().is_some_and(|v| allowed.contains(v)),
            "k{key} = {value:?}"
        );
    }
    let inspection = now_or_never(cache.inspect(Detail::Full)).unwrap().unwrap();
    assert_eq!(inspection.count, KEYS, "one entry per key, nothing else");
}

#[test]
fn two_processes_share_a_cache_directory() {
    let dir = temp_dir("filebased");
    let location = dir.join("cache");
    let settings_text = format!(
        "{{'default': {{'BACKEND': 'django.core.cache.backends.filebased.FileBasedCache', 'LOCATION': {:?}, 'OPTIONS': {{'MAX_ENTRIES': 100000}}}}}}",
        location.to_str().unwrap()
    );
    let settings_path = dir.join("settings.py");
    std::fs::write(&settings_path, &settings_text).unwrap();
    run_writers(&dir, &settings_path, &[]);
    let caches = Caches::new(
        &CacheSettings::parse(&settings_text).unwrap(),
        Arc::new(SystemClock),
    );
    check_last_writer_wins(&caches);
    let leftovers: Vec<_> = std::fs::read_dir(&location)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| !name.ends_with(".djcache"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary files left behind: {leftovers:?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn two_processes_share_a_sqlite_table() {
    let dir = temp_dir("db");
    let database = dir.join("cache.sqlite3");
    let settings_text = "{'default': {'BACKEND': 'django.core.cache.backends.db.DatabaseCache', 'LOCATION': 'cache_table', 'OPTIONS': {'MAX_ENTRIES': 100000}}}";
    let settings_path = dir.join("settings.py");
    std::fs::write(&settings_path, settings_text).unwrap();
    let created = Command::new(env!("CARGO_BIN_EXE_edgecache"))
        .args(["createcachetable", "--settings"])
        .arg(&settings_path)
        .arg("--database")
        .arg(&database)
        .status()
        .unwrap();
    assert!(created.success());
    run_writers(
        &dir,
        &settings_path,
        &["--database", database.to_str().unwrap()],
    );
    let store = Arc::new(SqliteStore::open(&database).unwrap());
    let caches = Caches::with_stores(
        &CacheSettings::parse(settings_text).unwrap(),
        Arc::new(SystemClock),
        &Stores::native().with_sql(store),
    );
    check_last_writer_wins(&caches);
    let _ = std::fs::remove_dir_all(dir);
}
