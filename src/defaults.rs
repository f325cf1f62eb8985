//! Smart defaults: the `CACHES` a runtime gets when nobody configured one, chosen from facts
//! the runtime supplies (which storage is bound, which URLs are set, which environment it is),
//! in the spirit of django-cfg's environment-aware cache selection.
//!
//! The rule, first match wins for the `default` alias:
//!
//! 1. a Redis URL — an Upstash REST URL (`https://…`) or a `redis://` URL reachable through the
//!    edgecache bridge — makes `default` a Redis cache;
//! 2. in development, `default` is locmem (fast, nothing persisted);
//! 3. a key-value store (a Workers KV binding) makes `default` a file-based cache on it;
//! 4. a database (a D1 binding) makes `default` a database cache on it;
//! 5. in production with nothing bound, `default` is dummy: nothing is cached, nothing breaks.
//!
//! Every other bound store gets an alias of its own (`redis`, `kv`, `db`, and `locmem` in
//! development), so all of them can be tried from one deployment.

use crate::python;
use crate::value::Value;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// Where the runtime runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Environment {
    /// A developer's machine (`wrangler dev`, tests).
    Development,
    /// A deployment.
    #[default]
    Production,
}

impl Environment {
    /// Reads `development`/`dev`/`local`/`test` (any case) as development, anything else as
    /// production.
    pub fn from_name(name: &str) -> Self {
        match name.trim().to_ascii_lowercase().as_str() {
            "development" | "dev" | "local" | "test" => Self::Development,
            _ => Self::Production,
        }
    }

    /// `development` or `production`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Development => "development",
            Self::Production => "production",
        }
    }
}

/// What a runtime knows about its surroundings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Facts {
    /// Development or production.
    pub environment: Environment,
    /// A Redis URL: `https://…` (Upstash REST) or `redis://…` (through the bridge).
    pub redis_url: Option<String>,
    /// The key-value store bound for file-based caches (a Workers KV binding's name).
    pub kv: Option<String>,
    /// Whether a database is bound for database caches (D1).
    pub database: bool,
}

impl Facts {
    /// Facts for `environment` with nothing bound.
    pub fn new(environment: Environment) -> Self {
        Self {
            environment,
            ..Self::default()
        }
    }
}

/// The chosen setting and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defaults {
    /// `CACHES` as a Python dict literal ([`crate::CacheSettings::parse`] reads it).
    pub settings: String,
    /// One sentence saying which rule chose `default`.
    pub reason: String,
}

/// The table a default database cache uses.
pub const DEFAULT_TABLE: &str = "edgecache_cache";

fn alias(backend: &str, location: Option<&str>) -> Value {
    let mut pairs = alloc::vec![(
        Value::from("BACKEND"),
        Value::Str(format!("django.core.cache.backends.{backend}"))
    )];
    if let Some(location) = location {
        pairs.push((Value::from("LOCATION"), Value::from(location)));
    }
    Value::Dict(pairs)
}

/// Chooses `CACHES` from `facts` (see the module docs for the rule).
pub fn choose(facts: &Facts) -> Defaults {
    let redis = facts
        .redis_url
        .as_deref()
        .map(|url| ("redis", alias("redis.RedisCache", Some(url))));
    let kv = facts
        .kv
        .as_deref()
        .map(|kv| ("kv", alias("filebased.FileBasedCache", Some(kv))));
    let db = facts
        .database
        .then(|| ("db", alias("db.DatabaseCache", Some(DEFAULT_TABLE))));
    let development = facts.environment == Environment::Development;
    let locmem = development.then(|| ("locmem", alias("locmem.LocMemCache", Some("default"))));
    let dummy = ("dummy", alias("dummy.DummyCache", None));

    let (chosen, reason) = if let Some(redis) = &redis {
        (redis.0, "a Redis URL is set, so `default` is a Redis cache")
    } else if development {
        (
            "locmem",
            "development with no Redis URL, so `default` is locmem",
        )
    } else if kv.is_some() {
        (
            "kv",
            "a KV binding is present, so `default` is a file-based cache on Workers KV",
        )
    } else if db.is_some() {
        (
            "db",
            "a D1 binding is present, so `default` is a database cache on D1",
        )
    } else {
        (
            "dummy",
            "production with no store configured, so `default` is dummy (caches nothing)",
        )
    };
    let candidates: Vec<(&str, Value)> = [redis, locmem, kv, db, Some(dummy)]
        .into_iter()
        .flatten()
        .collect();
    let mut aliases: Vec<(Value, Value)> = Vec::new();
    for (name, config) in &candidates {
        if *name == chosen {
            aliases.insert(0, (Value::from("default"), config.clone()));
        } else if *name != "dummy" {
            aliases.push((Value::from(*name), config.clone()));
        }
    }
    Defaults {
        settings: python::repr(&Value::Dict(aliases)),
        reason: String::from(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{BackendKind, CacheSettings};

    fn backends(facts: &Facts) -> Vec<(String, &'static str)> {
        let chosen = choose(facts);
        CacheSettings::parse(&chosen.settings)
            .unwrap()
            .caches
            .iter()
            .map(|c| (c.alias.clone(), c.backend.short_name()))
            .collect()
    }

    #[test]
    fn production_with_nothing_is_dummy() {
        let facts = Facts::new(Environment::Production);
        assert_eq!(backends(&facts), [("default".into(), "dummy")]);
        assert!(choose(&facts).reason.contains("dummy"));
    }

    #[test]
    fn development_is_locmem_with_every_bound_store_beside_it() {
        let facts = Facts {
            kv: Some("EDGECACHE_KV".into()),
            database: true,
            ..Facts::new(Environment::Development)
        };
        assert_eq!(
            backends(&facts),
            [
                ("default".into(), "locmem"),
                ("kv".into(), "filebased"),
                ("db".into(), "db")
            ]
        );
    }

    #[test]
    fn a_redis_url_wins_everywhere() {
        for environment in [Environment::Development, Environment::Production] {
            let facts = Facts {
                redis_url: Some("https://eu1-x.upstash.io".into()),
                kv: Some("KV".into()),
                ..Facts::new(environment)
            };
            let caches = CacheSettings::parse(&choose(&facts).settings).unwrap();
            let default = caches.get("default").unwrap();
            assert!(matches!(default.backend, BackendKind::Redis(_)));
            assert_eq!(default.servers(), ["https://eu1-x.upstash.io"]);
        }
    }

    #[test]
    fn a_kv_binding_in_production_is_filebased_on_it() {
        let facts = Facts {
            kv: Some("EDGECACHE_KV".into()),
            database: true,
            ..Facts::new(Environment::Production)
        };
        let caches = CacheSettings::parse(&choose(&facts).settings).unwrap();
        let default = caches.get("default").unwrap();
        assert_eq!(default.backend, BackendKind::FileBased);
        assert_eq!(default.location, Value::from("EDGECACHE_KV"));
        assert_eq!(
            caches.get("db").unwrap().location,
            Value::from(DEFAULT_TABLE)
        );
    }

    #[test]
    fn a_database_alone_in_production_is_db() {
        let facts = Facts {
            database: true,
            ..Facts::new(Environment::Production)
        };
        assert_eq!(backends(&facts), [("default".into(), "db")]);
    }

    #[test]
    fn environment_names() {
        assert_eq!(Environment::from_name("Dev"), Environment::Development);
        assert_eq!(Environment::from_name("test"), Environment::Development);
        assert_eq!(Environment::from_name("prod"), Environment::Production);
        assert_eq!(Environment::from_name(""), Environment::Production);
    }
}
