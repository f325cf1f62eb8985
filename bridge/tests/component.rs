//! The WebAssembly component, through its exported WIT interfaces: every conformance trace
//! that lists locmem or dummy (the HTTP-layer traces included) is replayed through the
//! component in wasmtime (the host drives the clock) and compared with Django's results; bad
//! input across the boundary is a typed error, never a trap.
//!
//! The test builds the component first (`cargo build -p edgecache --release --target
//! wasm32-wasip2 --features component`), into its own target directory unless
//! `EDGECACHE_COMPONENT` names a built one.
#![cfg(feature = "component-host")]

use edgecache::literal;
use edgecache::replay::ReplayCaches;
use edgecache::replay::{HTTP_OPS, Trace, compare};
use edgecache::settings::node_value;
use edgecache::{ManualClock, Value};
use edgecache_bridge::component::{Host, HostCaches, wit};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The component, built once per test run.
fn component_path() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        if let Some(path) = std::env::var_os("EDGECACHE_COMPONENT") {
            return PathBuf::from(path);
        }
        // A target directory of its own: the outer `cargo test` holds the workspace's.
        let target_dir = root().join("target").join("component-test");
        let status = Command::new(env!("CARGO"))
            .current_dir(root())
            .args([
                "build",
                "-p",
                "edgecache",
                "--release",
                "--target",
                "wasm32-wasip2",
                "--features",
                "component",
                "--target-dir",
            ])
            .arg(&target_dir)
            .status()
            .expect("running cargo");
        assert!(status.success(), "building the component failed");
        target_dir.join("wasm32-wasip2/release/edgecache.wasm")
    })
}

fn host() -> &'static Host {
    static HOST: OnceLock<Host> = OnceLock::new();
    HOST.get_or_init(|| Host::load(component_path()).unwrap_or_else(|e| panic!("{e}")))
}

fn parse_json(text: &str, what: &str) -> Value {
    node_value(&literal::parse(text).unwrap_or_else(|e| panic!("{what}: {e}")))
}

fn uses_http(trace_text: &str) -> bool {
    HTTP_OPS.iter().any(|op| {
        trace_text.contains(&format!("\"op\": \"{op}\""))
            || trace_text.contains(&format!("\"op\":\"{op}\""))
    })
}

/// Replays every trace Django has results for on `backend` through the component; returns
/// how many matched and how many of those use the HTTP layer.
fn check_backend(backend: &str) -> (usize, usize) {
    let dir = root().join("tests/conformance");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("expected").join(backend))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    let (mut passed, mut http, mut failures) = (0, 0, Vec::new());
    for expected_path in files {
        let name = expected_path
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let text =
            std::fs::read_to_string(dir.join("traces").join(format!("{name}.json"))).unwrap();
        let uses_http = uses_http(&text);
        let trace = Trace::parse(&text, &name).unwrap();
        let output = host()
            .replay(&trace, backend)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let actual = parse_json(&output.to_text(), "replay output");
        let expected = parse_json(&std::fs::read_to_string(&expected_path).unwrap(), &name);
        let problems = compare::diff_results(&expected, &actual);
        if problems.is_empty() {
            passed += 1;
            http += usize::from(uses_http);
        } else {
            failures.push(format!(
                "{backend}/{name}:\n    {}",
                problems.join("\n    ")
            ));
        }
    }
    eprintln!(
        "{backend} via the component: {passed} traces match Django ({http} of them through \
         the HTTP layer)"
    );
    assert!(
        failures.is_empty(),
        "{} trace(s) differ from Django through the component:\n{}",
        failures.len(),
        failures.join("\n")
    );
    (passed, http)
}

#[test]
fn locmem_traces_match_django_through_the_component() {
    let (passed, http) = check_backend("locmem");
    assert!(passed >= 108, "only {passed} locmem traces ran");
    assert!(http >= 28, "only {http} locmem HTTP traces ran");
}

#[test]
fn dummy_traces_match_django_through_the_component() {
    let (passed, http) = check_backend("dummy");
    assert!(passed >= 96, "only {passed} dummy traces ran");
    assert!(http >= 26, "only {http} dummy HTTP traces ran");
}

#[test]
fn the_cli_replays_through_the_component_with_the_native_output() {
    let trace = root().join("tests/conformance/traces/basic_api.json");
    let run = |extra: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_edgecache"))
            .arg("replay")
            .args(extra)
            .arg(&trace)
            .output()
            .unwrap();
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (ok, native, _) = run(&[]);
    assert!(ok);
    let path = component_path().to_str().unwrap().to_string();
    let (ok, via, stderr) = run(&["--via", "component", "--component", &path]);
    assert!(ok, "{stderr}");
    assert_eq!(native, via);

    let (ok, _, stderr) = run(&[
        "--via",
        "component",
        "--component",
        "/nonexistent/edgecache.wasm",
    ]);
    assert!(
        !ok,
        "a missing component must fail, not fall back to native code"
    );
    assert!(stderr.contains("/nonexistent/edgecache.wasm"), "{stderr}");
    let not_wasm = root().join("Cargo.toml");
    let (ok, _, stderr) = run(&[
        "--via",
        "component",
        "--component",
        not_wasm.to_str().unwrap(),
    ]);
    assert!(!ok);
    assert!(stderr.contains("not a valid component"), "{stderr}");
}

fn caches(settings: &str) -> Result<HostCaches, String> {
    let clock = Arc::new(ManualClock::new(ManualClock::ORACLE_START));
    host().instantiate(clock)?.caches(settings)
}

#[test]
fn bad_settings_are_typed_errors() {
    for text in [
        "",
        "{",
        "[1, 2]",
        "{'default': {'BACKEND': 'nope.Nope'}}",
        "{'default': {'BACKEND': 'locmem', 'KEY_FUNCTION': 'os.system'}}",
        "{'default': {'BACKEND': 'locmem', 'OPTIONS': {'CULL_FREQUENCY': 1.5j}}}",
        "{'default': {'BACKEND': 'locmem', 'LOCATION': b'\\xff'",
        "\u{0}\u{ffff}",
    ] {
        let native = edgecache::CacheSettings::parse(text).expect_err(text);
        let error = caches(text)
            .err()
            .unwrap_or_else(|| panic!("{text:?} was accepted"));
        assert!(!error.contains("trapped"), "{text:?}: {error}");
        assert!(
            error.contains(&native.message),
            "{text:?}: {error} vs {native}"
        );
    }
    // A backend this component cannot run is an error on lookup, not a trap.
    let all =
        caches("{'default': {'BACKEND': 'django.core.cache.backends.redis.RedisCache'}}").unwrap();
    let error = all.cache("default").err().unwrap();
    assert_eq!(error.python_type(), "InvalidCacheBackendError");
}

fn opts() -> wit::Options {
    wit::Options {
        timeout: wit::Timeout::Default,
        version: None,
    }
}

#[test]
fn malformed_values_are_value_errors() {
    use wit::Node;
    let all = caches("{'default': {'BACKEND': 'locmem'}}").unwrap();
    let cache = all.cache("default").unwrap();
    let deep: Vec<Node> = std::iter::once(Node::None)
        .chain((0..2000).map(|i| Node::List(vec![i])))
        .collect();
    let cases: Vec<(&str, Vec<Node>)> = vec![
        ("empty", vec![]),
        ("forward reference", vec![Node::List(vec![0])]),
        ("out of range", vec![Node::None, Node::List(vec![7])]),
        ("shared item", vec![Node::None, Node::Tuple(vec![0, 0])]),
        ("unused node", vec![Node::None, Node::Int(1)]),
        ("bad big-int", vec![Node::BigInt("12x".into())]),
        ("huge big-int", vec![Node::BigInt("9".repeat(60))]),
        ("too deep", deep),
    ];
    for (what, value) in cases {
        let (outcome, _) = cache
            .call(|c, s, r| c.call_set(s, r, &vec![Node::Str("k".into())], &value, &opts()))
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        match outcome {
            Err(wit::Error::ValueError(message)) => {
                assert!(message.contains("malformed"), "{what}: {message}")
            }
            other => panic!("{what}: {other:?}"),
        }
    }
    // Well-formed values keep their Python types, big ints included.
    let value = vec![
        Node::BigInt("-170141183460469231731687303715884105728".into()),
        Node::Float(1.0),
        Node::Boolean(true),
        Node::Bytes(b"x".to_vec()),
        Node::Tuple(vec![2, 3]),
        Node::Int(1),
        Node::Dict(vec![(5, 4)]),
        Node::List(vec![0, 1, 6]),
    ];
    let key = vec![Node::Str("k".into())];
    let (stored, _) = cache
        .call(|c, s, r| c.call_set(s, r, &key, &value, &opts()))
        .unwrap();
    stored.unwrap();
    let (found, _) = cache
        .call(|c, s, r| c.call_get(s, r, &key, &opts()))
        .unwrap();
    let found = found.unwrap().unwrap();
    assert_eq!(
        edgecache_bridge::component::decode(found).unwrap(),
        Value::List(vec![
            Value::Int(i128::MIN),
            Value::Float(1.0),
            Value::Dict(vec![(
                Value::Int(1),
                Value::Tuple(vec![Value::Bool(true), Value::Bytes(b"x".to_vec())])
            )]),
        ])
    );
}

#[test]
fn key_warnings_come_back_with_the_result() {
    use wit::Node;
    let all = caches("{'default': {'BACKEND': 'locmem'}}").unwrap();
    let cache = all.cache("default").unwrap();
    let key = vec![Node::Str("has space".into())];
    let (outcome, warnings) = cache
        .call(|c, s, r| c.call_get(s, r, &key, &opts()))
        .unwrap();
    assert!(matches!(outcome, Ok(None)), "{outcome:?}");
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].category, "CacheKeyWarning");
    assert!(
        warnings[0].message.contains("has space"),
        "{}",
        warnings[0].message
    );
}

#[test]
fn the_component_imports_nothing_but_the_clock() {
    assert_eq!(host().imports(), ["edgecache:cache/clock@0.1.0"]);
}

#[test]
fn the_host_drives_the_clock() {
    use wit::Node;
    let clock = Arc::new(ManualClock::new(ManualClock::ORACLE_START));
    let all = host()
        .instantiate(clock.clone())
        .unwrap()
        .caches("{'default': {'BACKEND': 'locmem', 'TIMEOUT': 10}}")
        .unwrap();
    let cache = all.cache("default").unwrap();
    let key = vec![Node::Str("k".into())];
    let (stored, _) = cache
        .call(|c, s, r| c.call_set(s, r, &key, &vec![Node::Int(1)], &opts()))
        .unwrap();
    stored.unwrap();
    let inspection = cache
        .call(|c, s, r| c.call_inspect(s, r, wit::Detail::Full))
        .unwrap()
        .unwrap();
    assert_eq!(inspection.now, ManualClock::ORACLE_START);
    assert_eq!(inspection.entries[0].time_to_live, Some(10.0));
    clock.advance(10.0);
    let (found, _) = cache
        .call(|c, s, r| c.call_get(s, r, &key, &opts()))
        .unwrap();
    assert!(
        matches!(found, Ok(None)),
        "expired at the host's time: {found:?}"
    );
}

#[test]
fn values_nested_to_the_limit_round_trip() {
    use wit::Node;
    let all = caches("{'default': {'BACKEND': 'locmem'}}").unwrap();
    let cache = all.cache("default").unwrap();
    // 512 levels: 511 lists around a str.
    let deepest: Vec<Node> = std::iter::once(Node::Str("core".into()))
        .chain((0..511).map(|i| Node::List(vec![i])))
        .collect();
    let key = vec![Node::Str("deep".into())];
    let (stored, _) = cache
        .call(|c, s, r| c.call_set(s, r, &key, &deepest, &opts()))
        .unwrap();
    stored.unwrap();
    let (found, _) = cache
        .call(|c, s, r| c.call_get(s, r, &key, &opts()))
        .unwrap();
    assert_eq!(found.unwrap().unwrap().len(), 512);
}

#[test]
fn http_layer_errors_are_typed_not_traps() {
    let guest = host().instantiate(Arc::new(ManualClock::new(ManualClock::ORACLE_START)));
    let all = guest
        .unwrap()
        .caches("{'default': {'BACKEND': 'locmem'}}")
        .unwrap();
    let layer = all
        .layer(&Value::Dict(vec![(
            Value::from("ALLOWED_HOSTS"),
            Value::List(vec![Value::from("*")]),
        )]))
        .unwrap();
    use edgecache::http::{Headers, Request};
    use edgecache::replay::ReplayHttp;
    // Django's header checks run in the component: a newline is a BadHeaderError.
    let mut headers = Headers::new();
    headers.set("Vary", "Cookie").unwrap();
    let error = layer
        .patch_vary_headers(&mut headers, &["Accept\nX".to_string()])
        .unwrap_err();
    assert_eq!(error.python_type(), "BadHeaderError", "{error}");
    // A disallowed host is Django's DisallowedHost, raised inside the component.
    let strict = all.layer(&Value::Dict(vec![])).unwrap();
    let mut request = Request::new("GET", "/page/");
    request.set_header("Host", "evil.example");
    let error = edgecache::now_or_never(strict.get_cache_key(&request, None, "GET"))
        .unwrap()
        .unwrap_err();
    assert_eq!(error.python_type(), "DisallowedHost", "{error}");
    // Page keys are Django's.
    let request = Request::new("GET", "/page/");
    let key = edgecache::now_or_never(layer.get_cache_key(&request, None, "GET"))
        .unwrap()
        .unwrap();
    assert_eq!(key, None, "nothing learned yet");
}
