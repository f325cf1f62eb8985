//! The settings reader, the trace reader and the replay never panic, whatever they are fed:
//! random text, valid inputs mutated at random, and random operations with random arguments.

use edgecache::replay::{self, Session, Trace};
use edgecache::{CacheSettings, Value};
use proptest::prelude::*;

const SETTINGS: &str = r#"CACHES = {
    'default': {
        'BACKEND': 'django.core.cache.backends.locmem.LocMemCache',
        'LOCATION': 'x', 'TIMEOUT': 60, 'KEY_PREFIX': 'p', 'VERSION': 2,
        'OPTIONS': {'MAX_ENTRIES': 3, 'CULL_FREQUENCY': 2},
    },
    "other": {"BACKEND": "dummy", "TIMEOUT": None, "KEY_FUNCTION": "oracle:custom"},
}"#;

const TRACE: &str = r#"{"name": "t", "backends": ["locmem"], "settings": {"TIMEOUT": 2, "OPTIONS": {"MAX_ENTRIES": 2}},
 "extra_caches": {"v2": {"VERSION": 2}},
 "ops": [{"op": "set", "args": ["a", 1], "kwargs": {"timeout": 0.5}}, {"op": "get", "args": ["a"], "cache": "v2"},
  {"op": "incr", "args": ["a", 5]}, {"op": "get_many", "args": [["a", 1, "b"]]}, {"op": "advance", "seconds": 1},
  {"op": "set_many", "args": [{"x": [1, {"$tuple": [2]}], "y": {"$bytes": "\u00ff"}}]},
  {"op": "get_or_set", "args": ["z", {"$callable": 3}]}, {"op": "dump"}, {"op": "incr_version", "args": ["x"]}]}"#;

/// A valid text with a few random edits (deletions, insertions, replacements).
fn mutated(base: &'static str) -> impl Strategy<Value = String> {
    let chars: Vec<char> = base.chars().collect();
    let len = chars.len();
    prop::collection::vec((0..len, 0u8..3, any::<char>()), 1..6).prop_map(move |edits| {
        let mut text = chars.clone();
        for (position, kind, c) in edits {
            let at = position.min(text.len().saturating_sub(1));
            match kind {
                0 if !text.is_empty() => {
                    text.remove(at);
                }
                1 => text.insert(at, c),
                _ if !text.is_empty() => text[at] = c,
                _ => {}
            }
        }
        text.into_iter().collect()
    })
}

fn arb_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::None),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|i| Value::Int(i128::from(i))),
        Just(Value::Int(i128::MAX)),
        any::<f64>().prop_map(Value::Float),
        "[a-z \\x00\\x7f-\\u{ff}]{0,12}".prop_map(Value::Str),
        prop::collection::vec(any::<u8>(), 0..6).prop_map(Value::Bytes),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::List),
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Tuple),
            prop::collection::vec((inner.clone(), inner), 0..3).prop_map(Value::Dict),
        ]
    })
}

const OPS: &[&str] = &[
    "get",
    "set",
    "add",
    "get_or_set",
    "get_many",
    "set_many",
    "delete",
    "delete_many",
    "has_key",
    "contains",
    "incr",
    "decr",
    "touch",
    "clear",
    "incr_version",
    "decr_version",
    "make_key",
    "make_and_validate_key",
    "validate_key",
    "get_backend_timeout",
    "aget",
    "aset",
    "aincr",
    "ahas_key",
    "aget_many",
    "dump",
    "advance",
    "now",
    "close",
    "aclose",
    "request",
    "bogus",
];

fn arb_op() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(OPS),
        prop::collection::vec(arb_value(), 0..4),
        prop::collection::vec(
            (
                prop::sample::select(&["timeout", "version", "delta", "default", "junk"][..]),
                arb_value(),
            ),
            0..3,
        ),
        prop::option::of(prop::sample::select(&["default", "other", "missing"][..])),
        arb_value(),
    )
        .prop_map(|(name, args, kwargs, cache, seconds)| {
            let key = |s: &str| Value::Str(s.into());
            let mut op = vec![
                (key("op"), key(name)),
                (key("args"), Value::List(args)),
                (
                    key("kwargs"),
                    Value::Dict(kwargs.into_iter().map(|(k, v)| (key(k), v)).collect()),
                ),
                (key("seconds"), seconds),
            ];
            if let Some(cache) = cache {
                op.push((key("cache"), key(cache)));
            }
            Value::Dict(op)
        })
}

proptest! {
    #[test]
    fn settings_reader_never_panics_on_random_text(text in "\\PC{0,200}") {
        let _ = CacheSettings::parse(&text);
    }

    #[test]
    fn settings_reader_never_panics_on_mutated_settings(text in mutated(SETTINGS)) {
        if let Err(error) = CacheSettings::parse(&text) {
            prop_assert!(!error.to_string().is_empty());
        }
    }

    #[test]
    fn trace_reader_and_replay_never_panic_on_mutated_traces(text in mutated(TRACE)) {
        if let Ok(trace) = Trace::parse(&text, "mutated") {
            let _ = replay::replay(&trace, "locmem");
            let _ = replay::replay(&trace, "dummy");
        }
    }

    #[test]
    fn random_operations_never_panic(ops in prop::collection::vec(arb_op(), 1..25)) {
        let settings = CacheSettings::parse(SETTINGS).unwrap();
        let session = Session::new(&settings, 1_700_000_000.0);
        for op in &ops {
            let (outcome, _warnings) = session.run(op);
            if let Err(error) = outcome {
                prop_assert!(!error.python_type().is_empty());
            }
        }
    }
}
