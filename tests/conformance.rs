//! Replays every conformance trace on every backend this build implements and compares the
//! results with what Django 5.2.19 returned (`tests/conformance/expected/<backend>/`).
//!
//! Traces that need a part of edgecache not built yet are reported as pending, by name.

use edgecache::literal;
use edgecache::replay::{self, Trace, compare};
use edgecache::settings::node_value;
use std::path::{Path, PathBuf};

fn conformance_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance")
}

fn parse_json(text: &str, what: &str) -> edgecache::Value {
    let node = literal::parse(text).unwrap_or_else(|e| panic!("{what}: {e}"));
    node_value(&node)
}

/// Replays every expected file of `backend`; returns (passed, pending) names, panics listing
/// every failure.
fn check_backend(backend: &str) -> (Vec<String>, Vec<String>) {
    let expected_dir = conformance_dir().join("expected").join(backend);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&expected_dir)
        .unwrap_or_else(|e| panic!("{}: {e}", expected_dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no expected results for {backend}");
    let (mut passed, mut pending, mut failures) = (Vec::new(), Vec::new(), Vec::new());
    for expected_path in files {
        let name = expected_path
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let trace_path = conformance_dir()
            .join("traces")
            .join(format!("{name}.json"));
        let trace = Trace::parse(&std::fs::read_to_string(&trace_path).unwrap(), &name).unwrap();
        let pending_ops = trace.pending_ops();
        if !pending_ops.is_empty() {
            pending.push(format!("{name} (needs {})", pending_ops.join(", ")));
            continue;
        }
        let output = replay::replay(&trace, backend).unwrap_or_else(|e| panic!("{name}: {e}"));
        let actual = parse_json(&output.to_text(), "replay output");
        let expected = parse_json(&std::fs::read_to_string(&expected_path).unwrap(), &name);
        let problems = compare::diff_results(&expected, &actual);
        if problems.is_empty() {
            passed.push(name);
        } else {
            failures.push(format!(
                "{backend}/{name}:\n    {}",
                problems.join("\n    ")
            ));
        }
    }
    eprintln!(
        "{backend}: {} traces match Django; pending: {}",
        passed.len(),
        if pending.is_empty() {
            "none".into()
        } else {
            pending.join("; ")
        }
    );
    assert!(
        failures.is_empty(),
        "{} trace(s) differ from Django:\n{}",
        failures.len(),
        failures.join("\n")
    );
    (passed, pending)
}

#[test]
fn locmem_matches_django() {
    let (passed, pending) = check_backend("locmem");
    assert!(
        passed.len() >= 20,
        "only {} locmem traces ran",
        passed.len()
    );
    assert!(pending.is_empty(), "unexpected pending traces: {pending:?}");
    for http in [
        "header_utils",
        "http_cache_keys_i18n",
        "http_cache_page",
        "http_site_middleware",
    ] {
        assert!(passed.iter().any(|p| p == http), "{http} did not run");
    }
}

#[test]
fn dummy_matches_django() {
    let (passed, pending) = check_backend("dummy");
    assert!(passed.len() >= 14, "only {} dummy traces ran", passed.len());
    assert!(pending.is_empty(), "{pending:?}");
    assert!(passed.iter().any(|p| p == "http_cache_page"));
}

#[test]
fn filebased_matches_django() {
    let (passed, pending) = check_backend("filebased");
    assert!(
        passed.len() >= 19,
        "only {} filebased traces ran",
        passed.len()
    );
    assert!(
        pending.iter().all(|name| name.starts_with("http_")),
        "{pending:?}"
    );
}

#[test]
fn db_matches_django() {
    let (passed, pending) = check_backend("db");
    assert!(passed.len() >= 20, "only {} db traces ran", passed.len());
    assert!(
        pending.iter().all(|name| name.starts_with("http_")),
        "{pending:?}"
    );
}

#[test]
fn the_comparison_catches_differences() {
    let expected = parse_json(
        r#"{"results": [{"i": 0, "op": "get", "result": 1, "warnings": []}]}"#,
        "e",
    );
    for actual in [
        r#"{"results": [{"i": 0, "op": "get", "result": 1.0, "warnings": []}]}"#,
        r#"{"results": [{"i": 0, "op": "get", "result": true, "warnings": []}]}"#,
        r#"{"results": [{"i": 0, "op": "get", "error": {"type": "ValueError", "message": "x"}, "warnings": []}]}"#,
        r#"{"results": [{"i": 0, "op": "get", "result": 1, "warnings": [{"category": "CacheKeyWarning", "message": "m"}]}]}"#,
        r#"{"results": []}"#,
    ] {
        assert!(
            !compare::diff_results(&expected, &parse_json(actual, "a")).is_empty(),
            "{actual} should differ"
        );
    }
    let unordered = parse_json(
        r#"{"results": [{"i": 0, "op": "get_many", "result": {"a": 1, "b": 2}, "warnings": []}]}"#,
        "e",
    );
    let reordered = parse_json(
        r#"{"results": [{"i": 0, "op": "get_many", "result": {"b": 2, "a": 1}, "warnings": []}]}"#,
        "a",
    );
    assert!(compare::diff_results(&unordered, &reordered).is_empty());
}
