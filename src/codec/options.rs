//! The `SERIALIZER`, `COMPRESSOR` and `PICKLE_VERSION` options: checked when settings load, so
//! an unknown dotted path or protocol, or one on a backend that cannot honour it, names its
//! alias, field and value.

use super::compressor::Compressor;
use super::serializer::Serializer;
use crate::literal::{Node, NodeKind};
#[cfg(edgecache_storage_backends)]
use crate::settings::CacheConfig;
use crate::settings::{BackendKind, RedisFlavor, SettingsError};
use crate::text::fill;
use alloc::string::String;
use alloc::vec::Vec;

/// Checks `OPTIONS[name]` of `alias` when it is `SERIALIZER`, `COMPRESSOR` or
/// `PICKLE_VERSION`.
pub fn check(
    alias: &str,
    backend: BackendKind,
    name: &str,
    value: &Node,
) -> Result<(), SettingsError> {
    let error = |message: String| SettingsError {
        alias: Some(String::from(alias)),
        field: Some(fill("OPTIONS.{}", &[name])),
        value: Some(crate::python::repr(&crate::settings::node_value(value))),
        line: Some(value.line),
        message,
    };
    // The known paths pushed in loops (no `collect` of their own).
    let mut known: Vec<&str> = Vec::new();
    match name {
        "SERIALIZER" => {
            for (path, _) in Serializer::PATHS {
                known.push(path);
            }
        }
        "COMPRESSOR" => {
            for (path, _) in Compressor::PATHS {
                known.push(path);
            }
        }
        "PICKLE_VERSION" => {
            return check_pickle_version(backend, value)
                .map(|_| ())
                .map_err(error);
        }
        _ => return Ok(()),
    }
    let NodeKind::Str(path) = &value.kind else {
        return Err(error(fill("{} must be a dotted path string", &[name])));
    };
    if !known.contains(&path.as_str()) {
        return Err(error(fill(
            "unknown {}: edgecache knows {}",
            &[&name.to_ascii_lowercase(), &crate::text::comma_list(&known)],
        )));
    }
    // The in-memory build checks only locmem and dummy aliases (settings.rs).
    if cfg!(edgecache_memory_only) || !matches!(backend, BackendKind::Redis(_)) {
        return Err(error(fill(
            "{} is honoured only by the redis backends; {} stores values in Django's own format",
            &[name, backend.short_name()],
        )));
    }
    Ok(())
}

/// RD-2: the pickle protocol django-redis's `PickleSerializer` writes for `PICKLE_VERSION`:
/// `int(value)`, `-1` meaning `pickle.HIGHEST_PROTOCOL`; above 5 is django-redis's
/// `ImproperlyConfigured`. edgecache writes only protocols 4 and 5 (a Django app reads any).
fn check_pickle_version(backend: BackendKind, value: &Node) -> Result<u8, String> {
    if cfg!(edgecache_memory_only) || backend != BackendKind::Redis(RedisFlavor::DjangoRedis) {
        return Err(fill(
            "PICKLE_VERSION is django-redis's option (django_redis.cache.RedisCache); {} does not read it",
            &[backend.short_name()],
        ));
    }
    let protocol = match &value.kind {
        NodeKind::Int(n) => *n,
        NodeKind::Str(text) => text
            .trim()
            .parse::<i128>()
            .map_err(|_| String::from("PICKLE_VERSION value must be an integer"))?,
        _ => return Err(String::from("PICKLE_VERSION value must be an integer")),
    };
    match protocol {
        -1 | 5 => Ok(5),
        4 => Ok(4),
        p if p > 5 => Err(String::from(
            "PICKLE_VERSION can't be higher than pickle.HIGHEST_PROTOCOL: 5",
        )),
        _ => Err(String::from(
            "edgecache writes pickle protocols 4 and 5 only (-1 is 5)",
        )),
    }
}

/// The serializer, compressor and pickle protocol `config` chose (already checked by
/// [`check`]).
#[cfg(edgecache_storage_backends)]
pub fn value_format(config: &CacheConfig) -> super::format::ValueFormat {
    let path = |name: &str| config.option(name).and_then(crate::value::Value::as_str);
    let default_protocol = if config.backend == BackendKind::Redis(RedisFlavor::DjangoRedis) {
        4 // pickle.DEFAULT_PROTOCOL
    } else {
        5 // pickle.HIGHEST_PROTOCOL
    };
    let pickle_protocol = match config.option("PICKLE_VERSION") {
        Some(crate::value::Value::Int(4)) => 4,
        Some(crate::value::Value::Int(_)) => 5,
        Some(crate::value::Value::Str(text)) if text.trim() == "4" => 4,
        Some(_) => 5,
        None => default_protocol,
    };
    super::format::ValueFormat {
        serializer: path("SERIALIZER")
            .and_then(Serializer::from_path)
            .unwrap_or_default(),
        compressor: path("COMPRESSOR")
            .and_then(Compressor::from_path)
            .unwrap_or_default(),
        pickle_protocol,
    }
}

#[cfg(test)]
mod tests {
    use crate::settings::CacheSettings;

    fn error(options: &str, backend: &str) -> crate::settings::SettingsError {
        CacheSettings::parse(&alloc::format!(
            "{{'default': {{'BACKEND': '{backend}', 'LOCATION': 'redis://h', 'OPTIONS': {{{options}}}}}}}"
        ))
        .unwrap_err()
    }

    #[test]
    fn pickle_version_is_django_redis_only_and_4_or_5() {
        const DJANGO_REDIS: &str = "django_redis.cache.RedisCache";
        for ok in ["4", "5", "-1", "'4'"] {
            let text = alloc::format!(
                "{{'default': {{'BACKEND': '{DJANGO_REDIS}', 'LOCATION': 'redis://h', 'OPTIONS': {{'PICKLE_VERSION': {ok}}}}}}}"
            );
            assert!(CacheSettings::parse(&text).is_ok(), "{ok}");
        }
        let high = error("'PICKLE_VERSION': 6", DJANGO_REDIS);
        assert_eq!(high.field.as_deref(), Some("OPTIONS.PICKLE_VERSION"));
        assert!(high.message.contains("HIGHEST_PROTOCOL"), "{high:?}");
        assert!(
            error("'PICKLE_VERSION': 2", DJANGO_REDIS)
                .message
                .contains("4 and 5")
        );
        assert!(
            error("'PICKLE_VERSION': 'x'", DJANGO_REDIS)
                .message
                .contains("must be an integer")
        );
        let django = error(
            "'PICKLE_VERSION': 4",
            "django.core.cache.backends.redis.RedisCache",
        );
        assert_eq!(django.alias.as_deref(), Some("default"));
        assert!(django.message.contains("django-redis"), "{django:?}");
    }
}
