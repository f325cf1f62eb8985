//! The WebAssembly component, through its exported WIT interfaces: every conformance trace
//! that lists locmem or dummy (the HTTP-layer traces included) is replayed through the full
//! component in wasmtime (the host drives the clock) and compared with Django's results, and
//! every one that does not use the HTTP layer through the in-memory component too; bad input
//! across the boundary is a typed error, never a trap.
//!
//! The tests build the components first (full: `cargo build -p edgecache --release --target
//! wasm32-wasip2 --features component`; in-memory: `cargo build -p edgecache --profile wasm
//! --target wasm32-wasip2 --no-default-features --features component`), into their own target
//! directory unless `EDGECACHE_COMPONENT` / `EDGECACHE_MEMORY_COMPONENT` name built ones.
#![cfg(feature = "component-host")]

use edgecache::literal;
use edgecache::replay::ReplayCaches;
use edgecache::replay::{HTTP_OPS, Trace, compare};
use edgecache::settings::node_value;
use edgecache::{ManualClock, Value};
use edgecache_bridge::component::{Host, HostCache, HostCaches, decode, encode, wit};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Builds the component with `args` into the tests' own target directory (the outer `cargo
/// test` holds the workspace's); its path under that directory is `built`.
fn build(args: &[&str], built: &str) -> PathBuf {
    let target_dir = root().join("target").join("component-test");
    let status = Command::new(env!("CARGO"))
        .current_dir(root())
        .args(["build", "-p", "edgecache", "--target", "wasm32-wasip2"])
        .args(args)
        .arg("--target-dir")
        .arg(&target_dir)
        .status()
        .expect("running cargo");
    assert!(status.success(), "building the component failed");
    target_dir.join(built)
}

/// The full component, built once per test run.
fn component_path() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| match std::env::var_os("EDGECACHE_COMPONENT") {
        Some(path) => PathBuf::from(path),
        None => build(
            &["--release", "--features", "component"],
            "wasm32-wasip2/release/edgecache.wasm",
        ),
    })
}

/// The in-memory component (world `edgecache-memory`), built once per test run.
fn memory_component_path() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| match std::env::var_os("EDGECACHE_MEMORY_COMPONENT") {
        Some(path) => PathBuf::from(path),
        None => build(
            &[
                "--profile",
                "wasm",
                "--no-default-features",
                "--features",
                "component",
            ],
            "wasm32-wasip2/wasm/edgecache.wasm",
        ),
    })
}

fn host() -> &'static Host {
    static HOST: OnceLock<Host> = OnceLock::new();
    HOST.get_or_init(|| Host::load(component_path()).unwrap_or_else(|e| panic!("{e}")))
}

fn memory_host() -> &'static Host {
    static HOST: OnceLock<Host> = OnceLock::new();
    HOST.get_or_init(|| Host::load(memory_component_path()).unwrap_or_else(|e| panic!("{e}")))
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

/// Replays every trace Django has results for on `backend` through the component `host`
/// (without the HTTP-layer traces when `with_http` is false); returns how many matched and
/// how many of those use the HTTP layer.
fn check_backend(host: &Host, backend: &str, with_http: bool) -> (usize, usize) {
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
        if uses_http && !with_http {
            continue;
        }
        let trace = Trace::parse(&text, &name).unwrap();
        let output = host
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
    let (passed, http) = check_backend(host(), "locmem", true);
    assert!(passed >= 108, "only {passed} locmem traces ran");
    assert!(http >= 28, "only {http} locmem HTTP traces ran");
}

#[test]
fn locmem_traces_match_django_through_the_in_memory_component() {
    let (passed, _) = check_backend(memory_host(), "locmem", false);
    assert!(passed >= 81, "only {passed} locmem traces ran");
}

#[test]
fn dummy_traces_match_django_through_the_in_memory_component() {
    let (passed, _) = check_backend(memory_host(), "dummy", false);
    assert!(passed >= 74, "only {passed} dummy traces ran");
}

#[test]
fn the_in_memory_component_exports_only_the_cache_api() {
    assert_eq!(memory_host().exports(), ["edgecache:cache/api@0.1.0"]);
    assert_eq!(memory_host().imports(), ["edgecache:cache/clock@0.1.0"]);
    assert_eq!(
        host().exports(),
        [
            "edgecache:cache/api@0.1.0",
            "edgecache:cache/extras@0.1.0",
            "edgecache:cache/http@0.1.0"
        ]
    );
    // An HTTP-layer trace through the in-memory build fails with a clear error, not a trap.
    let all = locmem_on(memory_host());
    let error = all.layer(&Value::Dict(vec![])).err().unwrap();
    assert!(error.to_string().contains("in-memory build"), "{error}");
}

#[test]
fn dummy_traces_match_django_through_the_component() {
    let (passed, http) = check_backend(host(), "dummy", true);
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
    let memory = memory_component_path().to_str().unwrap().to_string();
    let (ok, via, stderr) = run(&["--via", "component", "--component", &memory]);
    assert!(ok, "{stderr}");
    assert_eq!(native, via, "the in-memory component");

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

/// A fresh instance of `host`'s component on the oracle's clock, with one locmem alias.
fn locmem_on(host: &Host) -> HostCaches {
    host.instantiate(Arc::new(ManualClock::new(ManualClock::ORACLE_START)))
        .unwrap()
        .caches("{'default': {'BACKEND': 'locmem'}}")
        .unwrap()
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

fn key(text: &str) -> wit::Value {
    wit::Value::Str(text.into())
}

fn set(cache: &HostCache, key: &wit::Value, value: &wit::Value) -> Result<bool, wit::Error> {
    cache
        .call(|c, s, r| c.call_store(s, r, wit::StoreOp::Set, key, value, &opts()))
        .unwrap()
}

fn get(cache: &HostCache, key: &wit::Value) -> Result<Option<wit::Value>, wit::Error> {
    cache
        .call(|c, s, r| c.call_get(s, r, key, &opts()))
        .unwrap()
}

/// `depth` lists around a str, in the encoded form.
fn nested(depth: usize) -> Vec<u8> {
    let mut raw: Vec<u8> = std::iter::repeat_n([6, 1], depth).flatten().collect();
    raw.extend([4, 4]);
    raw.extend(b"core");
    raw
}

#[test]
fn malformed_values_are_value_errors() {
    for host in [host(), memory_host()] {
        let all = locmem_on(host);
        let cache = all.cache("default").unwrap();
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("empty", vec![], "truncated"),
            ("unknown tag", vec![9], "unknown variant"),
            ("truncated float", vec![3, 0, 0], "truncated"),
            (
                "length beyond the data",
                vec![4, 200, 1, b'a'],
                "length beyond the data",
            ),
            ("bad bool", vec![1, 2], "bad bool"),
            ("not UTF-8", vec![4, 1, 0xff], "UTF-8"),
            ("trailing bytes", vec![0, 0], "trailing bytes"),
            (
                "varint too long",
                [2].into_iter().chain([0xff; 20]).collect(),
                "varint",
            ),
            ("too deep", nested(600), "nested too deeply"),
        ];
        for (what, raw, expected) in cases {
            match set(cache, &key("k"), &wit::Value::Encoded(raw)) {
                Err(wit::Error::ValueError(message)) => {
                    assert!(
                        message.starts_with("malformed value: ") && message.contains(expected),
                        "{what}: {message}"
                    )
                }
                other => panic!("{what}: {other:?}"),
            }
        }
        // A malformed version is a ValueError too.
        let bad_version = wit::Options {
            timeout: wit::Timeout::Default,
            version: Some(wit::Value::Encoded(vec![7])),
        };
        let outcome = cache
            .call(|c, s, r| c.call_get(s, r, &key("k"), &bad_version))
            .unwrap();
        assert!(
            matches!(outcome, Err(wit::Error::ValueError(_))),
            "{outcome:?}"
        );
        // Well-formed values keep their Python types, big ints included, and a repeated dict
        // key keeps its first position and takes the last value.
        let value = Value::List(vec![
            Value::Int(i128::MIN),
            Value::Float(1.0),
            Value::Dict(vec![
                (
                    Value::Int(1),
                    Value::Tuple(vec![Value::Bool(true), Value::Bytes(b"x".to_vec())]),
                ),
                (Value::from("s"), Value::None),
            ]),
        ]);
        let mut repeated = edgecache::codec::postcard::dumps(&Value::Dict(vec![
            (Value::Int(1), Value::Int(1)),
            (Value::Float(2.0), Value::Int(2)),
        ]));
        // Key 1.0 (== 1) with value 3: one more pair.
        repeated[1] = 3;
        repeated.extend(edgecache::codec::postcard::dumps(&Value::Float(1.0)));
        repeated.extend(edgecache::codec::postcard::dumps(&Value::Int(3)));
        for (sent, expected) in [
            (encode(&value), value.clone()),
            (
                wit::Value::Encoded(repeated),
                Value::Dict(vec![
                    (Value::Int(1), Value::Int(3)),
                    (Value::Float(2.0), Value::Int(2)),
                ]),
            ),
            // Any value may come encoded; the component answers with scalars as themselves.
            (
                wit::Value::Encoded(edgecache::codec::postcard::dumps(&Value::from("s"))),
                Value::from("s"),
            ),
        ] {
            set(cache, &key("k"), &sent).unwrap();
            let found = get(cache, &key("k")).unwrap().unwrap();
            if let Value::Str(_) = expected {
                assert!(
                    matches!(&found, wit::Value::Str(s) if s == "s"),
                    "{found:?}"
                );
            }
            assert_eq!(decode(found).unwrap(), expected);
        }
    }
}

#[test]
fn key_warnings_are_taken_after_the_call() {
    for host in [host(), memory_host()] {
        let all = locmem_on(host);
        let cache = all.cache("default").unwrap();
        assert!(matches!(get(cache, &key("has space")), Ok(None)));
        assert!(matches!(get(cache, &key("plain")), Ok(None)));
        let warnings = cache.call(|c, s, r| c.call_take_warnings(s, r)).unwrap();
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].category, "CacheKeyWarning");
        assert!(
            warnings[0].message.contains("has space"),
            "{}",
            warnings[0].message
        );
        // Taken means gone.
        let again = cache.call(|c, s, r| c.call_take_warnings(s, r)).unwrap();
        assert!(again.is_empty(), "{again:?}");
    }
}

#[test]
fn the_component_imports_nothing_but_the_clock() {
    assert_eq!(host().imports(), ["edgecache:cache/clock@0.1.0"]);
}

#[test]
fn the_host_drives_the_clock() {
    for host in [host(), memory_host()] {
        let clock = Arc::new(ManualClock::new(ManualClock::ORACLE_START));
        let all = host
            .instantiate(clock.clone())
            .unwrap()
            .caches("{'default': {'BACKEND': 'locmem', 'TIMEOUT': 10}}")
            .unwrap();
        let cache = all.cache("default").unwrap();
        set(cache, &key("k"), &wit::Value::Int(1)).unwrap();
        let inspection = cache
            .call(|c, s, r| c.call_inspect(s, r, wit::Detail::Full))
            .unwrap()
            .unwrap();
        assert_eq!(inspection.now, ManualClock::ORACLE_START);
        assert_eq!(
            inspection.entries[0].expires_at,
            Some(ManualClock::ORACLE_START + 10.0)
        );
        clock.advance(10.0);
        let found = get(cache, &key("k"));
        assert!(
            matches!(found, Ok(None)),
            "expired at the host's time: {found:?}"
        );
    }
}

#[test]
fn values_nested_to_the_limit_round_trip() {
    for host in [host(), memory_host()] {
        let all = locmem_on(host);
        let cache = all.cache("default").unwrap();
        // 512 levels: 511 lists around a str.
        let deepest = wit::Value::Encoded(nested(511));
        set(cache, &key("deep"), &deepest).unwrap();
        match get(cache, &key("deep")).unwrap() {
            Some(wit::Value::Encoded(raw)) => assert_eq!(raw, nested(511)),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn http_layer_errors_are_typed_not_traps() {
    let all = locmem_on(host());
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
