//! Compares replay output with Django's, by the oracle's rules: objects unordered, numbers
//! exact and typed (1, 1.0 and true differ), error types always and messages for Django's own
//! exception types, warnings in order.

use crate::python;
use crate::value::Value;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// Exception types whose messages are Django's own, and so part of the contract.
pub const DJANGO_MESSAGE_TYPES: &[&str] = &[
    "ValueError",
    "InvalidCacheKey",
    "InvalidCacheBackendError",
    "CacheKeyWarning",
    "ImproperlyConfigured",
    "SuspiciousOperation",
    "DisallowedHost",
    "TemplateSyntaxError",
];

fn get<'a>(dict: &'a Value, name: &str) -> Option<&'a Value> {
    match dict {
        Value::Dict(pairs) => pairs
            .iter()
            .find(|(k, _)| k.as_str() == Some(name))
            .map(|(_, v)| v),
        _ => None,
    }
}

/// The first difference between two JSON values, or `None`.
pub fn diff_value(expected: &Value, actual: &Value, path: &str) -> Option<String> {
    match (expected, actual) {
        (Value::Dict(e), Value::Dict(a)) => {
            let key_of = |pair: &(Value, Value)| python::str(&pair.0);
            let missing: Vec<String> = e
                .iter()
                .map(key_of)
                .filter(|k| get(actual, k).is_none())
                .collect();
            let extra: Vec<String> = a
                .iter()
                .map(key_of)
                .filter(|k| get(expected, k).is_none())
                .collect();
            if !missing.is_empty() || !extra.is_empty() {
                return Some(format!(
                    "{path}: missing keys {missing:?}, unexpected keys {extra:?}"
                ));
            }
            e.iter().find_map(|(k, v)| {
                let name = python::str(k);
                diff_value(v, get(actual, &name)?, &format!("{path}[{name:?}]"))
            })
        }
        (Value::List(e), Value::List(a)) => {
            if e.len() != a.len() {
                return Some(format!(
                    "{path}: expected {} items, got {}",
                    e.len(),
                    a.len()
                ));
            }
            e.iter()
                .zip(a)
                .enumerate()
                .find_map(|(n, (x, y))| diff_value(x, y, &format!("{path}[{n}]")))
        }
        (Value::Float(e), Value::Float(a)) if e.to_bits() == a.to_bits() || e == a => None,
        (e, a) if core::mem::discriminant(e) == core::mem::discriminant(a) && e == a => None,
        (e, a) => Some(format!(
            "{path}: expected {}, got {}",
            python::repr(e),
            python::repr(a)
        )),
    }
}

/// Everything wrong with one actual result entry against the expected one.
pub fn diff_entry(expected: &Value, actual: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    for field in ["i", "op"] {
        if get(expected, field) != get(actual, field) {
            problems.push(format!(
                "{field}: expected {:?}, got {:?}",
                get(expected, field),
                get(actual, field)
            ));
        }
    }
    match (get(expected, "error"), get(actual, "error")) {
        (None, None) => match (get(expected, "result"), get(actual, "result")) {
            (Some(e), Some(a)) => problems.extend(diff_value(e, a, "result")),
            (e, a) => problems.push(format!("result: expected {e:?}, got {a:?}")),
        },
        (Some(e), None) => problems.push(format!(
            "expected error {}, got result {:?}",
            python::repr(e),
            get(actual, "result")
        )),
        (None, Some(a)) => problems.push(format!(
            "expected result {:?}, got error {}",
            get(expected, "result"),
            python::repr(a)
        )),
        (Some(e), Some(a)) => {
            let (e_type, a_type) = (get(e, "type"), get(a, "type"));
            if e_type != a_type {
                problems.push(format!(
                    "error type: expected {e_type:?}, got {a_type:?} ({:?})",
                    get(a, "message")
                ));
            } else if e_type
                .and_then(Value::as_str)
                .is_some_and(|t| DJANGO_MESSAGE_TYPES.contains(&t))
                && get(e, "message") != get(a, "message")
            {
                problems.push(format!(
                    "error message: expected {:?}, got {:?}",
                    get(e, "message"),
                    get(a, "message")
                ));
            }
        }
    }
    let warnings = |entry: &Value| match get(entry, "warnings") {
        Some(Value::List(items)) => items
            .iter()
            .map(|w| (get(w, "category").cloned(), get(w, "message").cloned()))
            .collect(),
        _ => Vec::new(),
    };
    let (e_w, a_w): (Vec<_>, Vec<_>) = (warnings(expected), warnings(actual));
    if e_w != a_w {
        problems.push(format!("warnings: expected {e_w:?}, got {a_w:?}"));
    }
    problems
}

/// Compares two output documents' `results`; returns one line per mismatching entry.
pub fn diff_results(expected: &Value, actual: &Value) -> Vec<String> {
    let results = |doc: &Value| match get(doc, "results") {
        Some(Value::List(items)) => items.clone(),
        _ => Vec::new(),
    };
    let (expected, actual) = (results(expected), results(actual));
    let mut problems = Vec::new();
    for n in 0..expected.len().max(actual.len()) {
        match (expected.get(n), actual.get(n)) {
            (Some(e), Some(a)) => {
                for problem in diff_entry(e, a) {
                    problems.push(format!(
                        "#{n} {}: {problem}",
                        get(e, "op").map(python::str).unwrap_or_default()
                    ));
                }
            }
            (Some(_), None) => problems.push(format!("#{n}: missing result")),
            (None, Some(_)) => problems.push(format!("#{n}: unexpected extra result")),
            (None, None) => {}
        }
    }
    problems
}
