//! `Cache-Control` utilities: Django's `patch_cache_control` (HDR-2) and `get_max_age`
//! (HDR-3).

use super::error::HttpError;
use super::model::{Headers, py_lower, split_header_list};
use super::pyset;
use crate::python;
use crate::value::Value;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// Python's `a < b` for the values a timeout or `max-age` can be.
pub(crate) fn py_lt(a: &Value, b: &Value) -> Result<bool, HttpError> {
    fn num(v: &Value) -> Option<(Option<i128>, f64)> {
        match v {
            Value::Bool(b) => Some((Some(i128::from(*b)), f64::from(u8::from(*b)))),
            Value::Int(i) => Some((Some(*i), *i as f64)),
            Value::Float(x) => Some((None, *x)),
            _ => None,
        }
    }
    match (num(a), num(b)) {
        (Some((Some(x), _)), Some((Some(y), _))) => Ok(x < y),
        (Some((_, x)), Some((_, y))) => Ok(x < y),
        _ => Err(HttpError::Type(format!(
            "'<' not supported between instances of '{}' and '{}'",
            python::type_name(a),
            python::type_name(b)
        ))),
    }
}

/// Python's `int(v)` with its error messages.
pub(crate) fn py_int(v: &Value) -> Result<i128, HttpError> {
    python::int(v).map_err(|error| match (error, v) {
        (python::IntError::Type, _) => HttpError::Type(format!(
            "int() argument must be a string, a bytes-like object or a real number, not '{}'",
            python::type_name(v)
        )),
        (_, Value::Str(_)) => HttpError::Value(format!(
            "invalid literal for int() with base 10: {}",
            python::repr(v)
        )),
        _ => HttpError::Value(format!("cannot convert {} to int", python::repr(v))),
    })
}

/// One directive's value(s) while patching.
enum Directive {
    /// `name` (`True`) or `name=value`.
    Single(Value),
    /// `no-cache`'s set of values (HDR-2: "no-cache collects a set").
    Set(Vec<Value>),
}

/// `dictitem`: `name[=value]` → (lower-cased name, value or `True`).
fn parse_field(field: &str) -> (String, Value) {
    match field.split_once('=') {
        Some((name, value)) => (py_lower(name), Value::from(value)),
        None => (py_lower(field), Value::Bool(true)),
    }
}

fn write_directive(out: &mut Vec<String>, name: &str, value: &Value) {
    // HDR-2 step 5: exactly `True` is the bare name; anything else is `name=str(value)`.
    if *value == Value::Bool(true) {
        out.push(String::from(name));
    } else {
        out.push(format!("{name}={}", python::str(value)));
    }
}

/// Django's `patch_cache_control(response, **kwargs)` on `headers`; `kwargs` are the
/// keyword arguments in call order (`max_age`, `no_cache`, `public`, ...).
pub fn patch_cache_control(
    headers: &mut Headers,
    kwargs: &[(String, Value)],
) -> Result<(), HttpError> {
    let mut cc: Vec<(String, Directive)> = Vec::new();
    fn slot<'a>(cc: &'a mut [(String, Directive)], name: &str) -> Option<&'a mut Directive> {
        cc.iter_mut().find(|(n, _)| n == name).map(|(_, d)| d)
    }
    fn add_no_cache(cc: &mut Vec<(String, Directive)>, value: Value) -> Result<(), HttpError> {
        if matches!(value, Value::List(_) | Value::Dict(_)) {
            return Err(HttpError::Type(format!(
                "unhashable type: '{}'",
                python::type_name(&value)
            )));
        }
        match slot(cc, "no-cache") {
            Some(Directive::Set(values)) => values.push(value),
            Some(single) => *single = Directive::Set(alloc::vec![value]),
            None => cc.push((String::from("no-cache"), Directive::Set(alloc::vec![value]))),
        }
        Ok(())
    }
    // HDR-2 step 1: parse the existing header, when present and non-empty.
    if let Some(existing) = headers.get("Cache-Control").filter(|v| !v.is_empty()) {
        for field in split_header_list(existing) {
            let (name, value) = parse_field(field);
            if name == "no-cache" {
                add_no_cache(&mut cc, value)?;
            } else if let Some(directive) = slot(&mut cc, &name) {
                *directive = Directive::Single(value);
            } else {
                cc.push((name, Directive::Single(value)));
            }
        }
    }
    let mut kwargs: Vec<(String, Value)> = kwargs.to_vec();
    // HDR-2 step 2: the smaller max-age wins.
    let existing_max_age = cc
        .iter()
        .find(|(n, _)| n == "max-age")
        .map(|(_, d)| match d {
            Directive::Single(v) => v.clone(),
            Directive::Set(_) => Value::None,
        });
    if let Some(existing) = existing_max_age {
        if let Some((_, new)) = kwargs.iter_mut().find(|(k, _)| k == "max_age") {
            let existing = Value::Int(py_int(&existing)?);
            if !py_lt(new, &existing)? {
                *new = existing;
            }
        }
    }
    // HDR-2 step 3: public and private replace each other.
    let has = |cc: &[(String, Directive)], name: &str| cc.iter().any(|(n, _)| n == name);
    let kwarg = |name: &str| kwargs.iter().any(|(k, _)| k == name);
    if has(&cc, "private") && kwarg("public") {
        cc.retain(|(n, _)| n != "private");
    } else if has(&cc, "public") && kwarg("private") {
        cc.retain(|(n, _)| n != "public");
    }
    // HDR-2 step 4: `_` becomes `-`, case kept; no-cache adds to the set.
    for (key, value) in kwargs {
        let name = key.replace('_', "-");
        if name == "no-cache" {
            add_no_cache(&mut cc, value)?;
        } else if let Some(directive) = slot(&mut cc, &name) {
            *directive = Directive::Single(value);
        } else {
            cc.push((name, Directive::Single(value)));
        }
    }
    // HDR-2 step 5: write the directives in order.
    let mut out: Vec<String> = Vec::new();
    for (name, directive) in cc {
        match directive {
            Directive::Single(value) => write_directive(&mut out, &name, &value),
            Directive::Set(values) => {
                if values.iter().any(|v| python::key_eq(v, &Value::Bool(true))) {
                    out.push(name);
                } else {
                    for value in pyset::set_order(values) {
                        write_directive(&mut out, &name, &value);
                    }
                }
            }
        }
    }
    headers.set("Cache-Control", &out.join(", "))
}

/// Django's `get_max_age(response)`: the `max-age` directive as an int, or `None` (HDR-3).
pub fn get_max_age(headers: &Headers) -> Option<i128> {
    let value = headers.get("Cache-Control")?;
    let mut max_age = None;
    for field in split_header_list(value) {
        let (name, value) = parse_field(field);
        if name == "max-age" {
            max_age = Some(value);
        }
    }
    python::int(&max_age?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patch(initial: Option<&str>, kwargs: &[(&str, Value)]) -> String {
        let mut headers = Headers::new();
        if let Some(initial) = initial {
            headers.set("Cache-Control", initial).unwrap();
        }
        let kwargs: Vec<(String, Value)> = kwargs
            .iter()
            .map(|(k, v)| (String::from(*k), v.clone()))
            .collect();
        patch_cache_control(&mut headers, &kwargs).unwrap();
        String::from(headers.get("Cache-Control").unwrap())
    }

    #[test]
    fn spec_examples() {
        let t = Value::Bool(true);
        assert_eq!(
            patch(Some("max-age=30"), &[("max_age", Value::Int(60))]),
            "max-age=30"
        );
        assert_eq!(
            patch(Some("Max-Age=30, NO-STORE"), &[("max_age", Value::Int(60))]),
            "max-age=30, no-store"
        );
        assert_eq!(
            patch(
                Some("must-revalidate,max-age=60,private"),
                &[("public", t.clone())]
            ),
            "must-revalidate, max-age=60, public"
        );
        assert_eq!(
            patch(
                Some("no-cache=Set-Cookie"),
                &[("no_cache", Value::from("Link"))]
            ),
            "no-cache=Link, no-cache=Set-Cookie"
        );
        assert_eq!(
            patch(Some("no-cache=Set-Cookie"), &[("no_cache", t)]),
            "no-cache"
        );
        assert_eq!(
            patch(None, &[("must_revalidate", Value::Bool(false))]),
            "must-revalidate=False"
        );
    }

    #[test]
    fn max_age_parsing() {
        let mut headers = Headers::new();
        assert_eq!(get_max_age(&headers), None);
        headers.set("Cache-Control", "public, MAX-AGE=7").unwrap();
        assert_eq!(get_max_age(&headers), Some(7));
        headers.set("Cache-Control", "max-age=abc").unwrap();
        assert_eq!(get_max_age(&headers), None);
        headers.set("Cache-Control", "max-age").unwrap();
        assert_eq!(get_max_age(&headers), Some(1)); // int(True)
    }
}
