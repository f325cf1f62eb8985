//! Integration tests of the `edgecache` binary, run as a user would run it.
//!
//! - `replay` reproduces Django's results for every conformance trace of the backends this
//!   build implements, prints exactly one JSON document, reports raising operations as
//!   results, and rejects bad input with exit code 2 and a message instead of a panic;
//! - `run` reads a `CACHES` setting pasted from settings.py and runs console commands, and
//!   names the alias, field, value and line of a setting it cannot accept;
//! - `check-settings` prints each alias as edgecache understands it.

use edgecache::Value;
use edgecache::literal;
use edgecache::replay::{PENDING_OPS, Trace, compare};
use edgecache::settings::node_value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What one run of the binary did.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// The workspace root, where `tests/conformance/` lives.
fn workspace_root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// Runs `edgecache ARGS...` from the workspace root with an empty stdin. Whatever the input,
/// the binary must never panic.
fn edgecache(args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_edgecache"))
        .args(args)
        .current_dir(workspace_root())
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot start edgecache {args:?}: {e}"));
    let run = Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "edgecache {args:?} panicked:\n{}",
        run.stderr
    );
    run
}

/// A scratch folder of one test, removed when the test ends.
struct Scratch(PathBuf);

impl Scratch {
    fn new(test: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("edgecache-cli-{}-{test}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        Self(dir)
    }

    /// Writes `contents` to `name` in the folder and returns its path as an argument.
    fn file(&self, name: &str, contents: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        path.to_str().expect("temp path is UTF-8").to_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Parses a JSON document (the whole text: anything after the first value is an error).
fn parse_json(text: &str, what: &str) -> Value {
    let node = literal::parse(text).unwrap_or_else(|e| panic!("{what}: {e}\n{text}"));
    node_value(&node)
}

/// `dict[name]`, for a parsed JSON object.
fn get<'a>(dict: &'a Value, name: &str) -> Option<&'a Value> {
    match dict {
        Value::Dict(pairs) => pairs
            .iter()
            .find(|(key, _)| key.as_str() == Some(name))
            .map(|(_, value)| value),
        _ => None,
    }
}

/// The `results` array of a replay output document.
fn results(doc: &Value) -> &[Value] {
    match get(doc, "results") {
        Some(Value::List(items)) => items,
        other => panic!("no results array in the output: {other:?}"),
    }
}

/// The names of the traces with expected results for `backend`, sorted.
fn expected_traces(backend: &str) -> Vec<String> {
    let dir = workspace_root()
        .join("tests/conformance/expected")
        .join(backend);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Checks one `replay` run against Django's results; returns the problems found.
fn check_replay(run: &Run, name: &str, backend: &str, expected: &Value) -> Vec<String> {
    if run.code != Some(0) {
        return vec![format!("exit code {:?}: {}", run.code, run.stderr.trim())];
    }
    let actual = parse_json(&run.stdout, &format!("{backend}/{name}: replay output"));
    let mut problems = Vec::new();
    for (field, want) in [("trace", name), ("backend", backend)] {
        if get(&actual, field).and_then(Value::as_str) != Some(want) {
            problems.push(format!(
                "{field}: expected {want:?}, got {:?}",
                get(&actual, field)
            ));
        }
    }
    problems.extend(compare::diff_results(expected, &actual));
    problems
}

#[test]
fn replay_matches_django_for_every_trace() {
    // Traces replayed a second time with the option before the path.
    const OPTION_FIRST: &[&str] = &["basic_api", "incr_decr"];
    let (mut compared, mut pending, mut failures) = (Vec::new(), Vec::new(), Vec::new());
    for backend in ["locmem", "dummy", "filebased", "db"] {
        let names = expected_traces(backend);
        assert!(!names.is_empty(), "no expected results for {backend}");
        for name in names {
            let trace_path = format!("tests/conformance/traces/{name}.json");
            let text = std::fs::read_to_string(workspace_root().join(&trace_path))
                .unwrap_or_else(|e| panic!("{trace_path}: {e}"));
            let trace = Trace::parse(&text, &name).unwrap_or_else(|e| panic!("{trace_path}: {e}"));
            let needs = trace.pending_ops();
            if !needs.is_empty() {
                assert!(needs.iter().all(|op| PENDING_OPS.contains(&op.as_str())));
                pending.push(format!("{backend}/{name} (needs {})", needs.join(", ")));
                continue;
            }
            let expected_path = workspace_root()
                .join("tests/conformance/expected")
                .join(backend)
                .join(format!("{name}.json"));
            let expected = parse_json(
                &std::fs::read_to_string(&expected_path).unwrap(),
                &expected_path.display().to_string(),
            );
            let run = edgecache(&["replay", &trace_path, "--backend", backend]);
            let mut problems = check_replay(&run, &name, backend, &expected);
            if OPTION_FIRST.contains(&name.as_str()) {
                let first = edgecache(&["replay", "--backend", backend, &trace_path]);
                problems.extend(
                    check_replay(&first, &name, backend, &expected)
                        .into_iter()
                        .map(|problem| format!("(--backend first) {problem}")),
                );
                if first.stdout != run.stdout {
                    problems.push("(--backend first) output differs from --backend last".into());
                }
            }
            if problems.is_empty() {
                compared.push(format!("{backend}/{name}"));
            } else {
                failures.push(format!(
                    "{backend}/{name}:\n    {}",
                    problems.join("\n    ")
                ));
            }
        }
    }
    println!("compared {} traces with Django's results", compared.len());
    println!("pending ({}): {}", pending.len(), pending.join("; "));
    assert!(
        failures.is_empty(),
        "{} traces differ from Django:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let locmem = compared.iter().filter(|n| n.starts_with("locmem/")).count();
    assert!(locmem >= 70, "only {locmem} locmem traces were compared");
    assert!(compared.iter().any(|n| n.starts_with("dummy/")));
}

#[test]
fn replay_reports_errors_as_results_and_exits_zero() {
    let scratch = Scratch::new("errors-as-results");
    let trace = scratch.file(
        "missing_incr.json",
        r#"{
  "name": "missing_incr",
  "backends": ["locmem"],
  "ops": [
    {"op": "incr", "args": ["missing"]},
    {"op": "set", "args": ["n", 1]},
    {"op": "incr", "args": ["n"]}
  ]
}"#,
    );
    let run = edgecache(&["replay", &trace]);
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    let doc = parse_json(&run.stdout, "replay output");
    assert_eq!(get(&doc, "trace"), Some(&Value::from("missing_incr")));
    assert_eq!(get(&doc, "backend"), Some(&Value::from("locmem")));
    let results = results(&doc);
    assert_eq!(results.len(), 3, "one result per op: {results:?}");
    let error = get(&results[0], "error").expect("the incr on a missing key is an error");
    assert_eq!(get(error, "type"), Some(&Value::from("ValueError")));
    assert_eq!(
        get(error, "message"),
        Some(&Value::from("Key ':1:missing' not found"))
    );
    assert_eq!(get(&results[0], "result"), None);
    // The replay goes on after the error.
    assert_eq!(get(&results[2], "result"), Some(&Value::Int(2)));
}

#[test]
fn replay_rejects_bad_input_without_panicking() {
    let scratch = Scratch::new("bad-input");
    let unknown = edgecache(&[
        "replay",
        "--backend",
        "nope",
        "tests/conformance/traces/basic_api.json",
    ]);
    assert_eq!(unknown.code, Some(2));
    assert!(unknown.stdout.is_empty(), "stdout: {}", unknown.stdout);
    assert!(
        unknown.stderr.contains("'nope'"),
        "stderr: {}",
        unknown.stderr
    );

    let invalid = scratch.file("invalid.json", "{\"ops\": [\n  {\"op\": \"get\",, }\n]}\n");
    let invalid = edgecache(&["replay", &invalid]);
    assert_eq!(invalid.code, Some(2));
    assert!(invalid.stdout.is_empty(), "stdout: {}", invalid.stdout);
    assert!(
        invalid.stderr.contains("line 2"),
        "stderr: {}",
        invalid.stderr
    );

    let missing = scratch.0.join("no-such-trace.json");
    let missing = edgecache(&["replay", missing.to_str().unwrap()]);
    assert_eq!(missing.code, Some(2));
    assert!(missing.stdout.is_empty(), "stdout: {}", missing.stdout);
    assert!(
        missing.stderr.contains("no-such-trace.json"),
        "stderr: {}",
        missing.stderr
    );
}

#[test]
fn run_executes_console_commands() {
    let scratch = Scratch::new("run-commands");
    let settings = scratch.file(
        "settings.py",
        "# Pasted from settings.py\n\
         CACHES = {\n\
         \x20   'default': {\n\
         \x20       'BACKEND': 'django.core.cache.backends.locmem.LocMemCache',\n\
         \x20       'TIMEOUT': 60,  # one minute\n\
         \x20   },\n\
         }\n",
    );
    let run = edgecache(&[
        "run",
        "--settings",
        &settings,
        "set k v 30",
        "get k",
        "incr k",
    ]);
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let after = |command: &str| {
        let at = lines
            .iter()
            .position(|line| *line == format!(">>> {command}"))
            .unwrap_or_else(|| panic!("`{command}` not echoed:\n{}", run.stdout));
        lines.get(at + 1).copied().unwrap_or_default()
    };
    assert_eq!(after("set k v 30"), "None");
    assert_eq!(after("get k"), "'v'");
    assert!(
        after("incr k").starts_with("TypeError: "),
        "stdout:\n{}",
        run.stdout
    );

    let run = edgecache(&["run", "set 'a b' 1"]);
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    assert!(
        run.stdout.lines().any(|line| line.trim()
            == "CacheKeyWarning: Cache key contains characters that will cause errors if used \
                with memcached: ':1:a b'"),
        "stdout:\n{}",
        run.stdout
    );
}

#[test]
fn run_reports_bad_settings_with_alias_field_and_line() {
    let scratch = Scratch::new("bad-settings");
    let rejected = |name: &str, settings: &str| {
        let path = scratch.file(name, settings);
        let run = edgecache(&["run", "--settings", &path, "get k"]);
        assert_eq!(
            run.code,
            Some(2),
            "{name} accepted; stdout:\n{}",
            run.stdout
        );
        assert!(run.stdout.is_empty(), "stdout: {}", run.stdout);
        run.stderr
    };
    let has_all = |stderr: &str, parts: &[&str]| {
        for part in parts {
            assert!(stderr.contains(part), "{part:?} not in stderr: {stderr}");
        }
    };

    let stderr = rejected(
        "backend.py",
        "CACHES = {\n\
         \x20   'default': {\n\
         \x20       'BACKEND': 'django.core.cache.backends.nonexistent.Cache',\n\
         \x20   },\n\
         }\n",
    );
    has_all(
        &stderr,
        &[
            "default",
            "BACKEND",
            "django.core.cache.backends.nonexistent.Cache",
            "line 3",
        ],
    );

    let stderr = rejected(
        "key_function.py",
        "CACHES = {\n\
         \x20   'default': {\n\
         \x20       'BACKEND': 'django.core.cache.backends.locmem.LocMemCache',\n\
         \x20       'KEY_FUNCTION': 'myapp.keys.make',\n\
         \x20   },\n\
         }\n",
    );
    has_all(
        &stderr,
        &["default", "KEY_FUNCTION", "myapp.keys.make", "line 4"],
    );

    let stderr = rejected(
        "code.py",
        "CACHES = {\n\
         \x20   'default': {\n\
         \x20       'BACKEND': 'django.core.cache.backends.locmem.LocMemCache',\n\
         \x20       'TIMEOUT': 60 * 5,\n\
         \x20   },\n\
         }\n",
    );
    has_all(&stderr, &["60 * 5", "Python code", "line 4"]);
}

#[test]
fn check_settings_prints_each_alias() {
    let scratch = Scratch::new("check-settings");
    let settings = scratch.file(
        "settings.py",
        "CACHES = {\n\
         \x20   'default': {\n\
         \x20       'BACKEND': 'django.core.cache.backends.locmem.LocMemCache',\n\
         \x20       'TIMEOUT': None,\n\
         \x20       'OPTIONS': {'MAX_ENTRIES': 50},\n\
         \x20   },\n\
         \x20   'sloppy': {\n\
         \x20       'BACKEND': 'django.core.cache.backends.dummy.DummyCache',\n\
         \x20       'TIMEOUT': 'not-a-number',\n\
         \x20   },\n\
         }\n",
    );
    let run = edgecache(&["check-settings", &settings]);
    assert_eq!(run.code, Some(0), "stderr: {}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "one line per alias:\n{}", run.stdout);
    let fields = |line: &str| -> Vec<String> { line.split(' ').map(String::from).collect() };
    let (default, sloppy) = (fields(lines[0]), fields(lines[1]));
    for (alias, backend, timeout, max_entries, line) in [
        (
            "default:",
            "locmem",
            "TIMEOUT=None",
            "MAX_ENTRIES=50",
            &default,
        ),
        (
            "sloppy:",
            "dummy",
            "TIMEOUT=300",
            "MAX_ENTRIES=300",
            &sloppy,
        ),
    ] {
        assert_eq!(line[..2], [alias, backend], "{}", line.join(" "));
        for field in [timeout, max_entries] {
            assert!(
                line.iter().any(|f| f == field),
                "{field} not in {}",
                line.join(" ")
            );
        }
    }
}
