//! The `CACHES` setting, read from JSON or from the Python dict a Django developer pastes
//! from settings.py (CFG-1..CFG-4).
//!
//! Django's silent fallbacks are kept where Django has them (an invalid `TIMEOUT`,
//! `MAX_ENTRIES` or `CULL_FREQUENCY` becomes 300/300/3); everything else that Django would
//! reject, or that edgecache cannot honour, is a [`SettingsError`] naming the alias, the
//! field, the value and the line.

use crate::key::KeyFunction;
use crate::literal::{self, Node, NodeKind};
use crate::python::{self, IntError};
use crate::text::{decimal, fill};
use crate::value::Value;
use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// Which Django backend an alias uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BackendKind {
    /// `LocMemCache` (§5).
    LocMem,
    /// `DummyCache` (§6).
    Dummy,
    /// `FileBasedCache` (§7); Workers KV is its edge analogue.
    FileBased,
    /// `DatabaseCache` (§8); D1 is its edge analogue.
    Database,
    /// `RedisCache` (§9), or django-redis's backend.
    Redis(RedisFlavor),
    /// `PyMemcacheCache` / `PyLibMCCache` (§10).
    Memcached(MemcachedClient),
}

/// Whose Redis backend a config names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedisFlavor {
    /// Django's own `django.core.cache.backends.redis.RedisCache`.
    Django,
    /// The `django-redis` package (`django_redis.cache.RedisCache`).
    DjangoRedis,
}

/// Which Python memcached client a config names; their edge cases differ (MC-6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemcachedClient {
    /// pymemcache (`PyMemcacheCache`).
    PyMemcache,
    /// pylibmc (`PyLibMCCache`).
    PyLibMc,
}

impl BackendKind {
    /// The short name edgecache uses (`locmem`, `dummy`, `filebased`, `db`, `redis`,
    /// `memcached`).
    pub fn short_name(self) -> &'static str {
        match self {
            Self::LocMem => "locmem",
            Self::Dummy => "dummy",
            Self::FileBased => "filebased",
            Self::Database => "db",
            Self::Redis(_) => "redis",
            Self::Memcached(_) => "memcached",
        }
    }

    /// Django's dotted path for this backend.
    pub fn django_path(self) -> &'static str {
        match self {
            Self::LocMem => "django.core.cache.backends.locmem.LocMemCache",
            Self::Dummy => "django.core.cache.backends.dummy.DummyCache",
            Self::FileBased => "django.core.cache.backends.filebased.FileBasedCache",
            Self::Database => "django.core.cache.backends.db.DatabaseCache",
            Self::Redis(RedisFlavor::Django) => "django.core.cache.backends.redis.RedisCache",
            Self::Redis(RedisFlavor::DjangoRedis) => "django_redis.cache.RedisCache",
            Self::Memcached(MemcachedClient::PyMemcache) => {
                "django.core.cache.backends.memcached.PyMemcacheCache"
            }
            Self::Memcached(MemcachedClient::PyLibMc) => {
                "django.core.cache.backends.memcached.PyLibMCCache"
            }
        }
    }

    /// Every `BACKEND` value recognised, with what it maps to.
    pub const KNOWN: &'static [(&'static str, BackendKind)] = &[
        (
            "django.core.cache.backends.locmem.LocMemCache",
            Self::LocMem,
        ),
        ("django.core.cache.backends.dummy.DummyCache", Self::Dummy),
        (
            "django.core.cache.backends.filebased.FileBasedCache",
            Self::FileBased,
        ),
        (
            "django.core.cache.backends.db.DatabaseCache",
            Self::Database,
        ),
        (
            "django.core.cache.backends.redis.RedisCache",
            Self::Redis(RedisFlavor::Django),
        ),
        (
            "django_redis.cache.RedisCache",
            Self::Redis(RedisFlavor::DjangoRedis),
        ),
        (
            "redis_cache.RedisCache",
            Self::Redis(RedisFlavor::DjangoRedis),
        ),
        (
            "redis_cache.cache.RedisCache",
            Self::Redis(RedisFlavor::DjangoRedis),
        ),
        (
            "django.core.cache.backends.memcached.PyMemcacheCache",
            Self::Memcached(MemcachedClient::PyMemcache),
        ),
        (
            "django.core.cache.backends.memcached.PyLibMCCache",
            Self::Memcached(MemcachedClient::PyLibMc),
        ),
        (
            "django.core.cache.backends.memcached.MemcachedCache",
            Self::Memcached(MemcachedClient::PyMemcache),
        ),
        (
            "django_pylibmc.memcached.PyLibMCCache",
            Self::Memcached(MemcachedClient::PyLibMc),
        ),
        (
            "djpymemcache.backend.PyMemcacheCache",
            Self::Memcached(MemcachedClient::PyMemcache),
        ),
        (
            "django_bmemcached.memcached.BMemcached",
            Self::Memcached(MemcachedClient::PyMemcache),
        ),
        (
            "django_elasticache.memcached.ElastiCache",
            Self::Memcached(MemcachedClient::PyLibMc),
        ),
        ("locmem", Self::LocMem),
        ("dummy", Self::Dummy),
        ("filebased", Self::FileBased),
        ("file", Self::FileBased),
        ("db", Self::Database),
        ("database", Self::Database),
        ("redis", Self::Redis(RedisFlavor::Django)),
        ("django-redis", Self::Redis(RedisFlavor::DjangoRedis)),
        ("memcached", Self::Memcached(MemcachedClient::PyMemcache)),
        ("pymemcache", Self::Memcached(MemcachedClient::PyMemcache)),
        ("pylibmc", Self::Memcached(MemcachedClient::PyLibMc)),
    ];

    /// Looks a `BACKEND` value up among [`BackendKind::KNOWN`].
    pub fn from_name(name: &str) -> Option<Self> {
        Self::KNOWN
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, kind)| *kind)
    }
}

/// One alias of `CACHES`, with Django's defaults applied.
#[derive(Debug, Clone, PartialEq)]
pub struct CacheConfig {
    /// The alias (`"default"`, ...).
    pub alias: String,
    /// The backend.
    pub backend: BackendKind,
    /// `BACKEND` as written.
    pub backend_path: String,
    /// `LOCATION` as written (`""` when absent).
    pub location: Value,
    /// The default timeout in seconds after Django's `int()` (CFG-4); `None` never expires.
    pub timeout: Option<i128>,
    /// `KEY_PREFIX` (default `""`).
    pub key_prefix: Value,
    /// `VERSION` (default `1`); not validated, as in Django.
    pub version: Value,
    /// `KEY_FUNCTION`.
    pub key_function: KeyFunction,
    /// `MAX_ENTRIES` after `int()` with the fallback to 300.
    pub max_entries: i128,
    /// `CULL_FREQUENCY` after `int()` with the fallback to 3.
    pub cull_frequency: i128,
    /// Every `OPTIONS` entry, as written (later backends read theirs from here).
    pub options: Vec<(String, Value)>,
    /// Line of the alias in the pasted text (1 for programmatic settings).
    pub line: u32,
}

impl CacheConfig {
    /// An alias with Django's defaults for `backend`.
    pub fn new(alias: impl Into<String>, backend: BackendKind) -> Self {
        Self {
            alias: alias.into(),
            backend,
            backend_path: backend.django_path().to_owned(),
            location: Value::Str(String::new()),
            timeout: Some(300),
            key_prefix: Value::Str(String::new()),
            version: Value::Int(1),
            key_function: KeyFunction::Default,
            max_entries: 300,
            cull_frequency: 3,
            options: Vec::new(),
            line: 1,
        }
    }

    /// An `OPTIONS` entry.
    pub fn option(&self, name: &str) -> Option<&Value> {
        self.options
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
    }

    /// `LOCATION` as a list of servers: a str split on `,` and `;`, or a list's items.
    pub fn servers(&self) -> Vec<String> {
        match &self.location {
            Value::Str(text) => text
                .split([',', ';'])
                .map(str::trim)
                .filter(|part| !part.is_empty())
                .map(ToOwned::to_owned)
                .collect(),
            Value::List(items) | Value::Tuple(items) => items.iter().map(python::str).collect(),
            other => alloc::vec![python::str(other)],
        }
    }
}

/// The whole `CACHES` setting, aliases in the order written.
#[derive(Debug, Clone, PartialEq)]
pub struct CacheSettings {
    /// One entry per alias.
    pub caches: Vec<CacheConfig>,
}

impl CacheSettings {
    /// Reads `CACHES` from JSON or a pasted Python dict (`CACHES = {...}` works too).
    pub fn parse(text: &str) -> Result<Self, SettingsError> {
        let node = literal::parse(text).map_err(|error| SettingsError {
            alias: None,
            field: None,
            value: None,
            line: Some(error.line),
            message: fill("column {}: {}", &[&decimal(error.col), &error.message]),
        })?;
        Self::from_node(&node)
    }

    /// Reads `CACHES` from a parsed literal.
    pub fn from_node(node: &Node) -> Result<Self, SettingsError> {
        let mut top = expect_dict(node, None, None)?;
        if let [(key, inner)] = top {
            if matches!(&key.kind, NodeKind::Str(name) if name == "CACHES") {
                top = expect_dict(inner, None, Some("CACHES"))?;
            }
        }
        let mut caches: Vec<CacheConfig> = Vec::new();
        for (alias_node, params) in top {
            let NodeKind::Str(alias) = &alias_node.kind else {
                return Err(SettingsError::at(
                    alias_node,
                    None,
                    None,
                    "an alias must be a string",
                ));
            };
            let config = parse_alias(alias, params)?;
            caches.retain(|existing| existing.alias != config.alias);
            caches.push(config);
        }
        if !caches.iter().any(|c| c.alias == "default") {
            return Err(SettingsError {
                alias: None,
                field: None,
                value: None,
                line: Some(node.line),
                message: "You must define a 'default' cache in your CACHES setting.".to_owned(),
            });
        }
        Ok(Self { caches })
    }

    /// The alias named `alias`.
    pub fn get(&self, alias: &str) -> Option<&CacheConfig> {
        self.caches.iter().find(|config| config.alias == alias)
    }
}

/// Why a `CACHES` setting was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsError {
    /// The alias concerned, if any.
    pub alias: Option<String>,
    /// The field concerned (`BACKEND`, `OPTIONS.MAX_ENTRIES`, ...), if any.
    pub field: Option<String>,
    /// The offending value, as Python would write it.
    pub value: Option<String>,
    /// The line in the pasted text, if known.
    pub line: Option<u32>,
    /// What is wrong.
    pub message: String,
}

impl SettingsError {
    fn at(
        node: &Node,
        alias: Option<&str>,
        field: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            alias: alias.map(ToOwned::to_owned),
            field: field.map(ToOwned::to_owned),
            value: Some(python::repr(&node_value(node))),
            line: Some(node.line),
            message: message.into(),
        }
    }
}

impl fmt::Display for SettingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::from("CACHES");
        let parts = self.alias.iter().map(String::as_str);
        for part in parts.chain(self.field.iter().flat_map(|field| field.split('.'))) {
            out.push_str("['");
            out.push_str(part);
            out.push_str("']");
        }
        if let Some(value) = &self.value {
            out.push_str(" = ");
            out.push_str(value);
        }
        if let Some(line) = self.line {
            out.push_str(" (line ");
            out.push_str(&decimal(line));
            out.push(')');
        }
        out.push_str(": ");
        out.push_str(&self.message);
        f.write_str(&out)
    }
}

#[cfg(edgecache_std)]
impl std::error::Error for SettingsError {}

/// A parsed literal as a Python value (dict keys collapse as in Python).
pub fn node_value(node: &Node) -> Value {
    match &node.kind {
        NodeKind::None => Value::None,
        NodeKind::Bool(b) => Value::Bool(*b),
        NodeKind::Int(i) => Value::Int(*i),
        NodeKind::Float(f) => Value::Float(*f),
        NodeKind::Str(s) => Value::Str(s.clone()),
        NodeKind::Bytes(b) => Value::Bytes(b.clone()),
        NodeKind::List(items) => Value::List(node_values(items)),
        NodeKind::Tuple(items) => Value::Tuple(node_values(items)),
        NodeKind::Dict(pairs) => {
            let mut dict = Vec::with_capacity(pairs.len());
            for (key, value) in pairs {
                python::dict_insert(&mut dict, node_value(key), node_value(value));
            }
            Value::Dict(dict)
        }
    }
}

/// The items of a list or tuple literal as Python values (a loop, not a `collect` of its own).
fn node_values(items: &[Node]) -> Vec<Value> {
    let mut values = Vec::with_capacity(items.len());
    for item in items {
        values.push(node_value(item));
    }
    values
}

fn expect_dict<'a>(
    node: &'a Node,
    alias: Option<&str>,
    field: Option<&str>,
) -> Result<&'a [(Node, Node)], SettingsError> {
    match &node.kind {
        NodeKind::Dict(pairs) => Ok(pairs),
        _ => Err(SettingsError::at(node, alias, field, "expected a dict")),
    }
}

/// Looks up `name` in a dict literal; the last occurrence wins, as in Python.
fn lookup<'a>(pairs: &'a [(Node, Node)], name: &str) -> Option<&'a Node> {
    pairs
        .iter()
        .rev()
        .find(|(key, _)| matches!(&key.kind, NodeKind::Str(k) if k == name))
        .map(|(_, value)| value)
}

/// CFG-4: Django's `int(value)` with a silent fallback on `ValueError`/`TypeError`.
fn int_or(node: &Node, fallback: i128, alias: &str, field: &str) -> Result<i128, SettingsError> {
    match python::int(&node_value(node)) {
        Ok(value) => Ok(value),
        Err(IntError::Value | IntError::Type) => Ok(fallback),
        Err(IntError::Overflow) => Err(SettingsError::at(
            node,
            Some(alias),
            Some(field),
            "OverflowError: cannot convert float infinity to integer",
        )),
    }
}

fn parse_alias(alias: &str, node: &Node) -> Result<CacheConfig, SettingsError> {
    let params = expect_dict(node, Some(alias), None)?;
    for (key, _) in params {
        if !matches!(key.kind, NodeKind::Str(_)) {
            return Err(SettingsError::at(
                key,
                Some(alias),
                None,
                "setting names must be strings",
            ));
        }
    }
    let backend_node = lookup(params, "BACKEND").ok_or_else(|| SettingsError {
        alias: Some(alias.to_owned()),
        field: Some("BACKEND".to_owned()),
        value: None,
        line: Some(node.line),
        message: String::from(
            "BACKEND is required, e.g. 'django.core.cache.backends.locmem.LocMemCache'",
        ),
    })?;
    let NodeKind::Str(backend_path) = &backend_node.kind else {
        return Err(SettingsError::at(
            backend_node,
            Some(alias),
            Some("BACKEND"),
            "BACKEND must be a dotted path string",
        ));
    };
    let backend = BackendKind::from_name(backend_path.trim()).ok_or_else(|| {
        let mut message = String::from("unknown backend; known backends: ");
        for (i, (name, _)) in BackendKind::KNOWN.iter().enumerate() {
            if i > 0 {
                message.push_str(", ");
            }
            message.push_str(name);
        }
        SettingsError::at(backend_node, Some(alias), Some("BACKEND"), message)
    })?;
    let mut config = CacheConfig::new(alias, backend);
    config.backend_path = backend_path.clone();
    config.line = node.line;

    if let Some(location) = lookup(params, "LOCATION") {
        config.location = node_value(location);
        let valid = match &config.location {
            Value::Str(_) => true,
            Value::List(items) | Value::Tuple(items) => {
                !matches!(backend, BackendKind::LocMem)
                    && items.iter().all(|item| matches!(item, Value::Str(_)))
            }
            Value::Int(_) => matches!(backend, BackendKind::LocMem),
            _ => false,
        };
        if !valid {
            return Err(SettingsError::at(
                location,
                Some(alias),
                Some("LOCATION"),
                "LOCATION must be a string (or, for redis and memcached, a list of strings)",
            ));
        }
    }

    let timeout_field = if lookup(params, "timeout").is_some() {
        "timeout"
    } else {
        "TIMEOUT"
    };
    if let Some(timeout) = lookup(params, timeout_field) {
        config.timeout = match timeout.kind {
            NodeKind::None => None,
            _ => Some(int_or(timeout, 300, alias, timeout_field)?),
        };
    }
    if let Some(prefix) = lookup(params, "KEY_PREFIX") {
        config.key_prefix = node_value(prefix);
    }
    if let Some(version) = lookup(params, "VERSION") {
        config.version = node_value(version);
    }
    if let Some(function) = lookup(params, "KEY_FUNCTION") {
        config.key_function = match &function.kind {
            NodeKind::None => KeyFunction::Default,
            NodeKind::Str(name) => KeyFunction::from_name(name).ok_or_else(|| {
                SettingsError::at(
                    function,
                    Some(alias),
                    Some("KEY_FUNCTION"),
                    fill(
                        "unknown key function (a configuration cannot carry code); known: {}",
                        &[&crate::text::comma_list(KeyFunction::NAMES)],
                    ),
                )
            })?,
            _ => {
                return Err(SettingsError::at(
                    function,
                    Some(alias),
                    Some("KEY_FUNCTION"),
                    "KEY_FUNCTION must be the name of a key function",
                ));
            }
        };
    }

    // The in-memory build (`edgecache_memory_only`) has only locmem and dummy: an alias on
    // another backend still parses, and fails when it is looked up with the error naming the
    // full build, so the options only the other backends read are not checked there.
    let check_options =
        !cfg!(edgecache_memory_only) || matches!(backend, BackendKind::LocMem | BackendKind::Dummy);
    let options = match lookup(params, "OPTIONS") {
        Some(options) => expect_dict(options, Some(alias), Some("OPTIONS"))?,
        None => &[],
    };
    for (key, value) in options {
        let NodeKind::Str(name) = &key.kind else {
            return Err(SettingsError::at(
                key,
                Some(alias),
                Some("OPTIONS"),
                "option names must be strings",
            ));
        };
        if check_options {
            check_option(alias, name, value)?;
            crate::codec::options::check(alias, config.backend, name, value)?;
        }
        config.options.retain(|(existing, _)| existing != name);
        config.options.push((name.clone(), node_value(value)));
    }
    let max_entries = lookup(params, "max_entries")
        .map(|n| (n, "max_entries"))
        .or_else(|| lookup(options, "MAX_ENTRIES").map(|n| (n, "OPTIONS.MAX_ENTRIES")));
    if let Some((node, field)) = max_entries {
        config.max_entries = int_or(node, 300, alias, field)?;
    }
    let cull_frequency = lookup(params, "cull_frequency")
        .map(|n| (n, "cull_frequency"))
        .or_else(|| lookup(options, "CULL_FREQUENCY").map(|n| (n, "OPTIONS.CULL_FREQUENCY")));
    if let Some((node, field)) = cull_frequency {
        config.cull_frequency = int_or(node, 3, alias, field)?;
    }
    Ok(config)
}

/// Options whose type later backends rely on are checked here, so a typo fails at load time.
fn check_option(alias: &str, name: &str, value: &Node) -> Result<(), SettingsError> {
    let field = fill("OPTIONS.{}", &[name]);
    if crate::stampede::OPTION_NAMES.contains(&name) {
        // The in-memory builds have no stampede protection: refused rather than ignored.
        if cfg!(edgecache_memory_only) {
            return Err(SettingsError::at(
                value,
                Some(alias),
                Some(&field),
                fill(
                    "{} is a stampede protection option, which this in-memory build of edgecache does not have; it is in the full build (in JavaScript, import 'edgecache' instead of 'edgecache/memory')",
                    &[name],
                ),
            ));
        }
        return crate::stampede::check_option(alias, name, value);
    }
    let ok = match name {
        "IGNORE_EXCEPTIONS" => matches!(value.kind, NodeKind::Bool(_)),
        "SERIALIZER" | "COMPRESSOR" | "CLIENT_CLASS" => matches!(value.kind, NodeKind::Str(_)),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        let expected = if name == "IGNORE_EXCEPTIONS" {
            "True or False"
        } else {
            "a dotted path string"
        };
        Err(SettingsError::at(
            value,
            Some(alias),
            Some(&field),
            fill("{} must be {}", &[name, expected]),
        ))
    }
}

impl fmt::Display for BackendKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.short_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::string::ToString;

    const PASTED: &str = r#"
# settings.py
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "unique-snowflake",
        "TIMEOUT": 60,
        "OPTIONS": {"MAX_ENTRIES": 1000, "CULL_FREQUENCY": 4,},  # trailing commas
    },
    'sessions': {
        'BACKEND': 'django_redis.cache.RedisCache',
        'LOCATION': ['redis://127.0.0.1:6379/1', 'redis://127.0.0.1:6380/1'],
        'KEY_PREFIX': 'sess',
        'VERSION': 3,
        'OPTIONS': {'CLIENT_CLASS': 'django_redis.client.DefaultClient', 'IGNORE_EXCEPTIONS': True},
    },
    'off': {'BACKEND': 'dummy', 'TIMEOUT': None},
}
"#;

    fn error(text: &str) -> SettingsError {
        CacheSettings::parse(text).expect_err("should be rejected")
    }

    #[test]
    fn a_pasted_settings_block_reads_as_django_would() {
        let settings = CacheSettings::parse(PASTED).unwrap();
        let aliases: Vec<&str> = settings.caches.iter().map(|c| c.alias.as_str()).collect();
        assert_eq!(aliases, ["default", "sessions", "off"]);
        let default = settings.get("default").unwrap();
        assert_eq!(default.backend, BackendKind::LocMem);
        assert_eq!(
            (default.timeout, default.max_entries, default.cull_frequency),
            (Some(60), 1000, 4)
        );
        assert_eq!(default.line, 4);
        let sessions = settings.get("sessions").unwrap();
        assert_eq!(
            sessions.backend,
            BackendKind::Redis(RedisFlavor::DjangoRedis)
        );
        assert_eq!(
            sessions.servers(),
            ["redis://127.0.0.1:6379/1", "redis://127.0.0.1:6380/1"]
        );
        assert_eq!(
            (sessions.key_prefix.clone(), sessions.version.clone()),
            (Value::from("sess"), Value::Int(3))
        );
        assert_eq!(
            sessions.option("IGNORE_EXCEPTIONS"),
            Some(&Value::Bool(true))
        );
        assert_eq!(settings.get("off").unwrap().timeout, None);
    }

    #[test]
    fn json_settings_work_too() {
        let settings = CacheSettings::parse(r#"{"default": {"BACKEND": "locmem", "TIMEOUT": null, "KEY_FUNCTION": "oracle:custom"}}"#).unwrap();
        let default = settings.get("default").unwrap();
        assert_eq!(default.timeout, None);
        assert_eq!(default.key_function, KeyFunction::Custom);
        assert_eq!(default.backend_path, "locmem");
    }

    #[test]
    fn django_silent_fallbacks_are_kept() {
        // CFG-4: int() with a fallback to 300 / 300 / 3.
        let text = "{'default': {'BACKEND': 'locmem', 'TIMEOUT': 'not-a-number', 'OPTIONS': {'MAX_ENTRIES': 'many', 'CULL_FREQUENCY': None}}}";
        let default = CacheSettings::parse(text).unwrap().caches.remove(0);
        assert_eq!(
            (default.timeout, default.max_entries, default.cull_frequency),
            (Some(300), 300, 3)
        );
        for (timeout, expected) in [
            ("'7'", 7),
            ("12.9", 12),
            ("True", 1),
            ("' 8 '", 8),
            ("[1]", 300),
        ] {
            let text = format!("{{'default': {{'BACKEND': 'locmem', 'TIMEOUT': {timeout}}}}}");
            assert_eq!(
                CacheSettings::parse(&text).unwrap().caches[0].timeout,
                Some(expected),
                "{timeout}"
            );
        }
        // Lower-case parameters take precedence (CFG-4).
        let text = "{'default': {'BACKEND': 'locmem', 'timeout': 5, 'TIMEOUT': 9, 'max_entries': 2, 'OPTIONS': {'MAX_ENTRIES': 7}}}";
        let default = CacheSettings::parse(text).unwrap().caches.remove(0);
        assert_eq!((default.timeout, default.max_entries), (Some(5), 2));
    }

    #[test]
    fn every_django_backend_path_is_known() {
        for (path, kind) in BackendKind::KNOWN {
            assert_eq!(BackendKind::from_name(path), Some(*kind));
        }
        for kind in [
            BackendKind::LocMem,
            BackendKind::Dummy,
            BackendKind::FileBased,
            BackendKind::Database,
        ] {
            assert_eq!(BackendKind::from_name(kind.django_path()), Some(kind));
            assert_eq!(BackendKind::from_name(kind.short_name()), Some(kind));
        }
    }

    #[test]
    fn errors_name_the_alias_field_value_and_line() {
        let e = error(
            "{\n  'default': {\n    'BACKEND': 'django.core.cache.backends.nope.Cache',\n  },\n}",
        );
        assert_eq!(
            (e.alias.as_deref(), e.field.as_deref(), e.line),
            (Some("default"), Some("BACKEND"), Some(3))
        );
        assert_eq!(
            e.value.as_deref(),
            Some("'django.core.cache.backends.nope.Cache'")
        );
        let shown = e.to_string();
        assert!(
            shown.starts_with(
                "CACHES['default']['BACKEND'] = 'django.core.cache.backends.nope.Cache' (line 3)"
            ),
            "{shown}"
        );
        assert!(
            shown.contains("django.core.cache.backends.locmem.LocMemCache"),
            "lists the known backends: {shown}"
        );

        let e = error("{'default': {'BACKEND': 'locmem', 'KEY_FUNCTION': 'myapp.keys.make'}}");
        assert_eq!(e.field.as_deref(), Some("KEY_FUNCTION"));
        assert!(e.message.contains("oracle:identity"), "{}", e.message);

        let e =
            error("{'default': {'BACKEND': 'locmem', 'OPTIONS': {'IGNORE_EXCEPTIONS': 'yes'}}}");
        assert_eq!(e.field.as_deref(), Some("OPTIONS.IGNORE_EXCEPTIONS"));
        assert!(
            e.to_string()
                .contains("['OPTIONS']['IGNORE_EXCEPTIONS'] = 'yes'")
        );

        let e = error("{'default': {'BACKEND': 'locmem', 'OPTIONS': []}}");
        assert_eq!(e.field.as_deref(), Some("OPTIONS"));
        let e = error("{'default': {'LOCATION': 'x'}}");
        assert!(e.message.contains("BACKEND is required"));
        let e = error("{'other': {'BACKEND': 'locmem'}}");
        assert!(e.message.contains("You must define a 'default' cache"));
        let e = error("{'default': {'BACKEND': 'locmem', 'TIMEOUT': float('inf')}}");
        assert!(e.message.contains("OverflowError"));
        let e = error("{'default': {'BACKEND': 'locmem', 'LOCATION': ['a', 'b']}}");
        assert_eq!(e.field.as_deref(), Some("LOCATION"));
    }

    #[test]
    fn python_code_is_reported_at_its_line() {
        let e = error(
            "CACHES = {\n    'default': {\n        'BACKEND': 'locmem',\n        'TIMEOUT': 60 * 5,\n    }\n}",
        );
        assert_eq!(e.line, Some(4));
        assert!(e.message.contains("Python code"), "{}", e.message);
        let e = error("{'default': {'BACKEND': 'locmem', 'LOCATION': os.environ['CACHE_DIR']}}");
        assert!(e.message.contains("Python code"), "{}", e.message);
    }

    #[test]
    fn a_caches_wrapper_object_is_accepted() {
        let settings =
            CacheSettings::parse(r#"{"CACHES": {"default": {"BACKEND": "dummy"}}}"#).unwrap();
        assert_eq!(settings.caches[0].backend, BackendKind::Dummy);
    }
}
