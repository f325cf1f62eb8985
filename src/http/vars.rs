//! Django settings read from environment variables (a Worker's vars): each variable is named
//! after the Django setting it sets and holds its value as text, the way a `settings.py` would
//! read it with `os.environ` — a Python literal (`600`, `True`, `['a.com']`, `'edge'`) or, for
//! the text and list settings, the bare text (`edge`, `a.com,b.com`). A value of the wrong
//! kind is an error naming the variable and the value, never a silent default.

use super::error::HttpError;
use super::settings::HttpSettings;
use crate::literal;
use crate::python;
use crate::settings::node_value;
use crate::value::Value;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// The settings read as flags.
const FLAGS: &[&str] = &[
    "USE_I18N",
    "USE_TZ",
    "DEBUG",
    "USE_X_FORWARDED_HOST",
    "USE_X_FORWARDED_PORT",
];
/// The settings read as text.
const TEXTS: &[&str] = &[
    "LANGUAGE_CODE",
    "TIME_ZONE",
    "CACHE_MIDDLEWARE_ALIAS",
    "CACHE_MIDDLEWARE_KEY_PREFIX",
    "SESSION_CACHE_ALIAS",
    "SESSION_COOKIE_NAME",
];
/// The settings read as numbers of seconds (`None` allowed: no expiry).
const NUMBERS: &[&str] = &["CACHE_MIDDLEWARE_SECONDS", "SESSION_COOKIE_AGE"];
/// The settings read as lists of text.
const LISTS: &[&str] = &["ALLOWED_HOSTS"];

/// Every setting [`settings_from_vars`] reads, by its Django name.
pub fn setting_names() -> impl Iterator<Item = &'static str> {
    FLAGS
        .iter()
        .chain(TEXTS)
        .chain(NUMBERS)
        .chain(LISTS)
        .copied()
}

fn bad(name: &str, text: &str, expected: &str) -> HttpError {
    HttpError::Value(format!(
        "{name}: {} is not {expected}",
        python::repr_str(text)
    ))
}

fn literal_value(text: &str) -> Option<Value> {
    literal::parse(text).ok().map(|node| node_value(&node))
}

/// The Python value of the setting `name` written as `text` in a variable.
pub fn setting_value(name: &str, text: &str) -> Result<Value, HttpError> {
    let parsed = literal_value(text.trim());
    if FLAGS.contains(&name) {
        return match parsed {
            Some(Value::Bool(flag)) => Ok(Value::Bool(flag)),
            Some(Value::Int(n @ (0 | 1))) => Ok(Value::Bool(n == 1)),
            _ => Err(bad(name, text, "a flag (True/False, true/false, 1/0)")),
        };
    }
    if TEXTS.contains(&name) {
        return Ok(match parsed {
            Some(Value::Str(quoted)) => Value::Str(quoted),
            _ => Value::from(text.trim()),
        });
    }
    if NUMBERS.contains(&name) {
        return match parsed {
            Some(value @ (Value::Int(_) | Value::Float(_) | Value::None)) => Ok(value),
            _ => Err(bad(name, text, "a number of seconds (or None)")),
        };
    }
    if LISTS.contains(&name) {
        return match parsed {
            Some(Value::List(items) | Value::Tuple(items))
                if items.iter().all(|i| matches!(i, Value::Str(_))) =>
            {
                Ok(Value::List(items))
            }
            Some(_) if text.trim_start().starts_with(['[', '(']) => {
                Err(bad(name, text, "a list of host names"))
            }
            _ => Ok(Value::List(
                text.split(',')
                    .map(str::trim)
                    .filter(|host| !host.is_empty())
                    .map(Value::from)
                    .collect::<Vec<_>>(),
            )),
        };
    }
    Err(HttpError::Value(format!(
        "{name} is not a setting edgecache reads from a variable"
    )))
}

/// `base` with every setting of [`setting_names`] that `var` gives (non-empty) applied.
pub fn settings_from_vars(
    mut base: HttpSettings,
    var: impl Fn(&str) -> Option<String>,
) -> Result<HttpSettings, HttpError> {
    for name in setting_names() {
        if let Some(text) = var(name).filter(|t| !t.trim().is_empty()) {
            base.set(name, &setting_value(name, &text)?);
        }
    }
    Ok(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_settings_as_django_would() {
        let vars = |name: &str| match name {
            "CACHE_MIDDLEWARE_SECONDS" => Some(String::from("30")),
            "CACHE_MIDDLEWARE_KEY_PREFIX" => Some(String::from("edge")),
            "CACHE_MIDDLEWARE_ALIAS" => Some(String::from("'pages'")),
            "USE_I18N" => Some(String::from("false")),
            "ALLOWED_HOSTS" => Some(String::from("a.com, .b.com")),
            _ => None,
        };
        let settings = settings_from_vars(HttpSettings::new(), vars).unwrap();
        assert_eq!(settings.cache_middleware_seconds, Value::Int(30));
        assert_eq!(settings.cache_middleware_key_prefix, "edge");
        assert_eq!(settings.cache_middleware_alias, "pages");
        assert!(!settings.use_i18n);
        assert_eq!(settings.allowed_hosts, ["a.com", ".b.com"]);
        let list = setting_value("ALLOWED_HOSTS", "['x.org']").unwrap();
        assert_eq!(list, Value::List(alloc::vec![Value::from("x.org")]));
    }

    #[test]
    fn bad_values_name_the_variable() {
        let error = setting_value("CACHE_MIDDLEWARE_SECONDS", "ten").unwrap_err();
        assert_eq!(
            error.message(),
            "CACHE_MIDDLEWARE_SECONDS: 'ten' is not a number of seconds (or None)"
        );
        assert!(setting_value("USE_TZ", "yes").is_err());
        assert!(setting_value("ALLOWED_HOSTS", "[1]").is_err());
    }
}
