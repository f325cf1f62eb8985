//! The Django settings the HTTP layer reads, with Django's defaults.

use crate::python;
use crate::value::Value;
use alloc::string::String;
use alloc::vec::Vec;

/// Settings for page caching, header utilities and sessions (Django's names in brackets).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct HttpSettings {
    /// `USE_I18N` (default `True`): page keys end in the language (MW-5).
    pub use_i18n: bool,
    /// `USE_TZ` (default `True`): page keys end in the time zone (MW-5).
    pub use_tz: bool,
    /// `LANGUAGE_CODE` (default `"en-us"`): the language when none is active.
    pub language_code: String,
    /// `TIME_ZONE` (default `"America/Chicago"`): the zone when none is active.
    pub time_zone: String,
    /// `CACHE_MIDDLEWARE_ALIAS` (default `"default"`).
    pub cache_middleware_alias: String,
    /// `CACHE_MIDDLEWARE_KEY_PREFIX` (default `""`), as Python's `str()` of the setting.
    pub cache_middleware_key_prefix: String,
    /// `CACHE_MIDDLEWARE_SECONDS` (default `600`), any Python number.
    pub cache_middleware_seconds: Value,
    /// `ALLOWED_HOSTS` (Django's default is empty).
    pub allowed_hosts: Vec<String>,
    /// `DEBUG` (default `False`; with an empty `ALLOWED_HOSTS` it allows localhost).
    pub debug: bool,
    /// `USE_X_FORWARDED_HOST` (default `False`).
    pub use_x_forwarded_host: bool,
    /// `USE_X_FORWARDED_PORT` (default `False`).
    pub use_x_forwarded_port: bool,
    /// `SESSION_CACHE_ALIAS` (default `"default"`).
    pub session_cache_alias: String,
    /// `SESSION_COOKIE_AGE` (default two weeks, `1209600`).
    pub session_cookie_age: Value,
    /// `SESSION_COOKIE_NAME` (default `"sessionid"`).
    pub session_cookie_name: String,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            use_i18n: true,
            use_tz: true,
            language_code: String::from("en-us"),
            time_zone: String::from("America/Chicago"),
            cache_middleware_alias: String::from("default"),
            cache_middleware_key_prefix: String::new(),
            cache_middleware_seconds: Value::Int(600),
            allowed_hosts: Vec::new(),
            debug: false,
            use_x_forwarded_host: false,
            use_x_forwarded_port: false,
            session_cache_alias: String::from("default"),
            session_cookie_age: Value::Int(1_209_600),
            session_cookie_name: String::from("sessionid"),
        }
    }
}

impl HttpSettings {
    /// Django's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Django's defaults overridden by `settings`, a dict of Django settings by name; names
    /// the HTTP layer does not read (and anything but a dict) are ignored.
    pub fn from_dict(settings: &Value) -> Self {
        let mut out = Self::new();
        if let Value::Dict(pairs) = settings {
            for (name, value) in pairs {
                out.set(name.as_str().unwrap_or(""), value);
            }
        }
        out
    }

    /// The settings the conformance oracle starts from: Django's defaults with
    /// `ALLOWED_HOSTS = ["*"]`.
    pub fn oracle() -> Self {
        Self {
            allowed_hosts: alloc::vec![String::from("*")],
            ..Self::default()
        }
    }

    /// Sets the setting Django names `name` from its Python value: truthiness for the flags,
    /// `str()` for the text settings, any number for the timeouts, a list or tuple of
    /// `str()`s for `ALLOWED_HOSTS` (anything else is empty). Returns `false` (and changes
    /// nothing) for a setting the HTTP layer does not read.
    pub fn set(&mut self, name: &str, value: &Value) -> bool {
        let text = || python::str(value);
        match name {
            "USE_I18N" => self.use_i18n = python::truthy(value),
            "USE_TZ" => self.use_tz = python::truthy(value),
            "LANGUAGE_CODE" => self.language_code = text(),
            "TIME_ZONE" => self.time_zone = text(),
            "CACHE_MIDDLEWARE_ALIAS" => self.cache_middleware_alias = text(),
            "CACHE_MIDDLEWARE_KEY_PREFIX" => self.cache_middleware_key_prefix = text(),
            "CACHE_MIDDLEWARE_SECONDS" => self.cache_middleware_seconds = value.clone(),
            "SESSION_COOKIE_AGE" => self.session_cookie_age = value.clone(),
            "SESSION_CACHE_ALIAS" => self.session_cache_alias = text(),
            "SESSION_COOKIE_NAME" => self.session_cookie_name = text(),
            "DEBUG" => self.debug = python::truthy(value),
            "USE_X_FORWARDED_HOST" => self.use_x_forwarded_host = python::truthy(value),
            "USE_X_FORWARDED_PORT" => self.use_x_forwarded_port = python::truthy(value),
            "ALLOWED_HOSTS" => {
                self.allowed_hosts = match value {
                    Value::List(items) | Value::Tuple(items) => {
                        items.iter().map(python::str).collect()
                    }
                    _ => Vec::new(),
                }
            }
            _ => return false,
        }
        true
    }
}
