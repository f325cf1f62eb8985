//! `edgecache warm`: a JSONL file into a real Redis (through the bridge the command starts)
//! and into a filebased directory; bad lines are reported with their line numbers and the
//! good ones are all stored, with their timeouts.

mod support;

use edgecache::{CacheSettings, Caches, Options, Stores, SystemClock, Value, now_or_never};
use std::process::Command;
use std::sync::Arc;

const LINES: usize = 1500;
const BAD: [usize; 3] = [7, 500, 1499];

fn jsonl() -> String {
    let mut text = String::new();
    for n in 1..=LINES {
        let line = match n {
            7 => "{\"key\": \"k7\", \"value\": ".to_string(),
            500 => "{\"value\": 1}".to_string(),
            1499 => "{\"key\": \"k1499\", \"value\": 1, \"timeout\": \"soon\"}".to_string(),
            10 => "{\"key\": \"forever\", \"value\": {\"a\": [1, 2.5, null, true]}, \"timeout\": null}".into(),
            _ => format!("{{\"key\": \"k{n}\", \"value\": \"v{n}\", \"timeout\": 600}}"),
        };
        text.push_str(&line);
        text.push('\n');
    }
    text
}

fn warm(dir: &std::path::Path, settings: &str, extra: &[&str]) -> std::process::Output {
    let settings_path = dir.join("settings.py");
    std::fs::write(&settings_path, settings).unwrap();
    let from = dir.join("items.jsonl");
    std::fs::write(&from, jsonl()).unwrap();
    Command::new(env!("CARGO_BIN_EXE_edgecache"))
        .arg("warm")
        .arg("--settings")
        .arg(&settings_path)
        .arg("--from")
        .arg(&from)
        .args(extra)
        .output()
        .unwrap()
}

fn check(output: &std::process::Output, cache: &edgecache::Cache) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    for line in BAD {
        assert!(
            stderr.contains(&format!("items.jsonl:{line}: bad line")),
            "line {line}: {stderr}"
        );
    }
    assert!(stderr.contains("missing \"key\""), "{stderr}");
    assert!(
        stderr.contains(&format!("{LINES} lines, {} stored", LINES - BAD.len())),
        "{stderr}"
    );
    let get = |key: &str| {
        now_or_never(cache.get(key, Options::DEFAULT))
            .unwrap()
            .unwrap()
    };
    assert_eq!(get("k1"), Some(Value::from("v1")));
    assert_eq!(get("k1498"), Some(Value::from("v1498")));
    assert_eq!(get("k7"), None);
    assert_eq!(get("k1499"), None);
    assert_eq!(
        get("forever"),
        Some(Value::Dict(vec![(
            Value::from("a"),
            Value::List(vec![
                Value::Int(1),
                Value::Float(2.5),
                Value::None,
                Value::Bool(true)
            ])
        )]))
    );
}

#[test]
fn warm_fills_redis_and_reports_bad_lines() {
    let redis = support::redis();
    let dir = support::temp_dir("warm-redis");
    let location = format!("redis://127.0.0.1:{}/3", redis.port);
    let settings = format!(
        "CACHES = {{'default': {{'BACKEND': 'django.core.cache.backends.locmem.LocMemCache'}}, 'shared': {{'BACKEND': 'django.core.cache.backends.redis.RedisCache', 'LOCATION': '{location}'}}}}"
    );
    let output = warm(&dir, &settings, &["--alias", "shared"]);
    let bridge = support::Bridge::start(&["--redis", &location]);
    let parsed = CacheSettings::parse(&settings).unwrap();
    let caches = Caches::with_stores(
        &parsed,
        Arc::new(SystemClock),
        &Stores::native().with_bridge(&bridge.url, ""),
    );
    check(&output, caches.get("shared").unwrap());
    // The timeout was applied: Redis holds a TTL near 600 for k1, none for "forever".
    let ttl = |key: &str| {
        let out = Command::new("redis-cli")
            .args(["-p", &redis.port.to_string(), "-n", "3", "ttl", key])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse::<i64>()
            .unwrap()
    };
    let k1 = ttl(":1:k1");
    assert!((590..=600).contains(&k1), "{k1}");
    assert_eq!(ttl(":1:forever"), -1);
}

#[test]
fn warm_fills_a_filebased_directory() {
    let dir = support::temp_dir("warm-filebased");
    let location = dir.join("cache");
    let settings = format!(
        "{{'default': {{'BACKEND': 'django.core.cache.backends.filebased.FileBasedCache', 'LOCATION': '{}', 'OPTIONS': {{'MAX_ENTRIES': 100000}}}}}}",
        location.display()
    );
    let output = warm(&dir, &settings, &[]);
    let caches = Caches::from_text(&settings, Arc::new(SystemClock)).unwrap();
    check(&output, caches.default_cache().unwrap());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn warm_without_settings_or_input_is_a_clear_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_edgecache"))
        .args(["warm", "--from", "x.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("warm needs --settings FILE"));
}

#[test]
fn warm_progress_lines_go_to_stderr_and_stdout_stays_clean() {
    let dir = support::temp_dir("warm-progress");
    let settings = dir.join("settings.py");
    std::fs::write(
        &settings,
        "CACHES = {'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache', 'OPTIONS': {'MAX_ENTRIES': 10000}}}",
    )
    .unwrap();
    // 3500 lines, line 1500 bad: a batch is 1000 good lines, so they end at lines 1000, 2001
    // and 3001.
    let mut text = String::new();
    for n in 1..=3500 {
        if n == 1500 {
            text.push_str("not json\n");
        } else {
            text.push_str(&format!("{{\"key\": \"k{n}\", \"value\": {n}}}\n"));
        }
    }
    let from = dir.join("items.jsonl");
    std::fs::write(&from, text).unwrap();
    let run = |every: &str| {
        Command::new(env!("CARGO_BIN_EXE_edgecache"))
            .arg("warm")
            .arg("--settings")
            .arg(&settings)
            .arg("--from")
            .arg(&from)
            .args(["--progress-every", every])
            .output()
            .unwrap()
    };
    // 0: a progress line after every batch of 1000 lines.
    let out = run("0");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty(), "stdout: {:?}", out.stdout);
    let progress: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("edgecache warm: ") && l.ends_with(" lines/s)"))
        .collect();
    assert_eq!(progress.len(), 3, "{stderr}");
    for (line, (lines, stored, failed)) in
        progress
            .iter()
            .zip([(1000, 1000, 0), (2001, 2000, 1), (3001, 3000, 1)])
    {
        let head = format!("edgecache warm: {lines} lines, {stored} stored, {failed} failed (");
        let rate = line
            .strip_prefix(&head)
            .and_then(|rest| rest.strip_suffix(" lines/s)"))
            .unwrap_or_else(|| panic!("{line:?} is not {head:?}<rate> lines/s)"));
        assert!(
            !rate.is_empty() && rate.bytes().all(|b| b.is_ascii_digit()),
            "rate {rate:?} in {line:?}"
        );
    }
    // The bad line where it was read, the summary and the exit's reason; nothing else.
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 6, "{stderr}");
    assert!(
        lines[1].contains("items.jsonl:1500: bad line: "),
        "{stderr}"
    );
    assert!(
        lines[4].starts_with("edgecache warm: 3500 lines, 3499 stored in 'default', 1 failed, "),
        "{stderr}"
    );
    assert_eq!(
        lines[5],
        "edgecache: 1 of 3500 lines were not stored (see above)"
    );
    // A long interval: no progress line on this short run, the summary still.
    let quiet = run("3600");
    let stderr = String::from_utf8_lossy(&quiet.stderr);
    assert!(quiet.stdout.is_empty());
    assert!(!stderr.contains("lines/s)"), "{stderr}");
    assert!(
        stderr.contains("3500 lines, 3499 stored in 'default'"),
        "{stderr}"
    );
    // Not a number of seconds: a usage error naming the option and the value.
    let bad = run("soon");
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr)
            .contains("--progress-every must be a number of seconds, 0 or more, not \"soon\""),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    let _ = std::fs::remove_dir_all(dir);
}
