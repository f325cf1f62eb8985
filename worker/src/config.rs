//! The Worker's configuration: `CACHES` from a variable (JSON or a pasted Python dict), tokens
//! from secrets, and — when nothing is configured — the core's smart defaults
//! ([`edgecache::defaults`]) chosen from what is bound.
//!
//! | name | kind | meaning |
//! |---|---|---|
//! | `EDGECACHE_CACHES` | var | `CACHES`, JSON or a Python dict literal; strings `"env:NAME"` are replaced by the secret or var `NAME` |
//! | `EDGECACHE_ENV` | var | `development` or `production` (the default) |
//! | `EDGECACHE_API_TOKEN` | secret | bearer token of the cache API (unset: open in development, closed in production) |
//! | `EDGECACHE_KV_BINDING` | var | the KV namespace the defaults use (default `EDGECACHE_KV`) |
//! | `EDGECACHE_D1_BINDING` | var | the D1 database db aliases use (default `EDGECACHE_DB`) |
//! | `EDGECACHE_KV_CULL` | var | `write` (Django's cull before every write) or `scheduled` (the cron cleanup); default `write` in development, `scheduled` in production |
//! | `UPSTASH_REDIS_REST_URL` / `UPSTASH_REDIS_REST_TOKEN` | secrets | an Upstash database (the defaults make it `default`) |
//! | `REDIS_URL` | secret | a `redis://` URL reached through the bridge |
//! | `EDGECACHE_BRIDGE_URL` / `EDGECACHE_BRIDGE_TOKEN` | var / secret | the edgecache bridge for `redis://` and memcached locations |
//! | `EDGECACHE_MAX_BODY_BYTES` | var | the API's largest request body (default 1 MiB) |
//! | `EDGECACHE_CORS_ORIGIN` | var | `Access-Control-Allow-Origin` of the API (default `*`) |
//! | `ORIGIN_URL` | var | proxy mode: the Django site the Worker caches pages for (`https://origin.example.com`); see docs/edge-proxy.md |
//! | `CACHE_MIDDLEWARE_SECONDS`, `CACHE_MIDDLEWARE_KEY_PREFIX`, `CACHE_MIDDLEWARE_ALIAS`, `USE_I18N`, `USE_TZ`, `LANGUAGE_CODE`, `TIME_ZONE`, `ALLOWED_HOSTS`, `USE_X_FORWARDED_HOST`, `USE_X_FORWARDED_PORT`, `DEBUG`, `SESSION_CACHE_ALIAS`, `SESSION_COOKIE_NAME`, `SESSION_COOKIE_AGE` | vars | the Django site's settings of the same names (Python literals or bare text); `ALLOWED_HOSTS` defaults to `*` at the edge |
//! | `EDGECACHE_TEST_CLOCK` | var | **tests only**: a start time; the caches then run on a manual clock that `advance` moves, and the `/api/_test/` routes exist |

use crate::clock::WorkerClock;
use crate::d1::D1Sql;
use crate::fetch::FetchHttp;
use crate::kv::WorkersKv;
use edgecache::defaults::{self, Environment, Facts};
use edgecache::http::HttpSettings;
use edgecache::seam::kv::KvStore;
use edgecache::settings::{BackendKind, CacheSettings};
use edgecache::{CacheError, Caches, Clock, Stores, Value};
use std::sync::Arc;
use wasm_bindgen::JsValue;

/// The KV binding the defaults use unless `EDGECACHE_KV_BINDING` says otherwise.
pub const DEFAULT_KV_BINDING: &str = "EDGECACHE_KV";
/// The D1 binding db aliases use unless `EDGECACHE_D1_BINDING` says otherwise.
pub const DEFAULT_D1_BINDING: &str = "EDGECACHE_DB";
/// The API's default largest request body.
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;

/// Where `CACHES` came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The `EDGECACHE_CACHES` variable.
    Variable,
    /// The smart defaults, with the reason for the choice.
    Defaults(String),
}

/// Everything the Worker reads from its environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// `CACHES`, as read (secrets substituted).
    pub settings: CacheSettings,
    /// Where it came from.
    pub source: Source,
    /// Development or production.
    pub environment: Environment,
    /// The API's bearer token.
    pub api_token: Option<String>,
    /// The KV namespace binding of the defaults.
    pub kv_binding: String,
    /// The D1 binding of db aliases.
    pub d1_binding: String,
    /// Whether the file-based backend culls before every write on KV.
    pub kv_cull_on_write: bool,
    /// The bridge's URL and token.
    pub bridge: Option<(String, String)>,
    /// The API's largest request body, in bytes.
    pub max_body: usize,
    /// The API's CORS origin.
    pub cors_origin: String,
    /// Tests only: the manual clock's start.
    pub test_clock: Option<f64>,
    /// Proxy mode: the origin's URL (no trailing `/`).
    pub origin_url: Option<String>,
    /// The Django settings of page caching and sessions, from the vars of their names.
    pub http: HttpSettings,
}

/// A var or secret as text (`None` when unset or empty); a JSON object var is stringified.
pub fn env_text(env: &worker::Env, name: &str) -> Option<String> {
    let value = js_sys::Reflect::get(env.as_ref(), &JsValue::from_str(name)).ok()?;
    let text = if let Some(text) = value.as_string() {
        text
    } else if value.is_object() {
        js_sys::JSON::stringify(&value).ok()?.as_string()?
    } else {
        return None;
    };
    (!text.trim().is_empty()).then_some(text)
}

fn settings_error(error: edgecache::SettingsError) -> CacheError {
    CacheError::InvalidBackend(format!("EDGECACHE_CACHES: {error}"))
}

/// Replaces string values `"env:NAME"` by the var or secret `NAME`.
fn substitute(env: &worker::Env, value: &mut Value) -> Result<(), CacheError> {
    match value {
        Value::Str(text) => {
            if let Some(name) = text.strip_prefix("env:") {
                *text = env_text(env, name).ok_or_else(|| {
                    CacheError::InvalidBackend(format!(
                        "EDGECACHE_CACHES refers to {text:?}, but no secret or var `{name}` is set"
                    ))
                })?;
            }
        }
        Value::List(items) | Value::Tuple(items) => {
            for item in items {
                substitute(env, item)?;
            }
        }
        Value::Dict(pairs) => {
            for (_, item) in pairs {
                substitute(env, item)?;
            }
        }
        _ => {}
    }
    Ok(())
}

impl Config {
    /// Reads the configuration from `env`.
    pub fn from_env(env: &worker::Env) -> Result<Self, CacheError> {
        let var = |name: &str| env_text(env, name);
        let environment = Environment::from_name(&var("EDGECACHE_ENV").unwrap_or_default());
        let kv_binding = var("EDGECACHE_KV_BINDING").unwrap_or_else(|| DEFAULT_KV_BINDING.into());
        let d1_binding = var("EDGECACHE_D1_BINDING").unwrap_or_else(|| DEFAULT_D1_BINDING.into());
        let bridge = var("EDGECACHE_BRIDGE_URL")
            .map(|url| (url, var("EDGECACHE_BRIDGE_TOKEN").unwrap_or_default()));
        let test_clock = var("EDGECACHE_TEST_CLOCK").and_then(|t| t.trim().parse().ok());
        let kv_cull_on_write = match var("EDGECACHE_KV_CULL").as_deref().map(str::trim) {
            Some("write") => true,
            Some("scheduled") => false,
            _ => environment == Environment::Development || test_clock.is_some(),
        };
        let (text, source) = match var("EDGECACHE_CACHES") {
            Some(text) => (text, Source::Variable),
            None => {
                let upstash = var("UPSTASH_REDIS_REST_URL");
                let mut facts = Facts::new(environment);
                facts.redis_url = upstash.or_else(|| var("REDIS_URL"));
                facts.kv = env.kv(&kv_binding).is_ok().then(|| kv_binding.clone());
                facts.database = env.d1(&d1_binding).is_ok();
                let chosen = defaults::choose(&facts);
                (chosen.settings, Source::Defaults(chosen.reason))
            }
        };
        let mut settings = CacheSettings::parse(&text).map_err(settings_error)?;
        for config in &mut settings.caches {
            substitute(env, &mut config.location)?;
            for (_, value) in &mut config.options {
                substitute(env, value)?;
            }
            // An Upstash URL from the secrets gets the Upstash token from the secrets.
            let upstash = var("UPSTASH_REDIS_REST_URL");
            if matches!(config.backend, BackendKind::Redis(_))
                && upstash.is_some_and(|url| config.servers().contains(&url))
                && config.option("TOKEN").is_none()
                && let Some(token) = var("UPSTASH_REDIS_REST_TOKEN")
            {
                config.options.push(("TOKEN".into(), Value::Str(token)));
            }
        }
        let http = http_settings(&settings, &var)?;
        let origin_url = match var("ORIGIN_URL") {
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                Some(url.trim().trim_end_matches('/').to_string())
            }
            Some(url) => {
                return Err(CacheError::InvalidBackend(format!(
                    "ORIGIN_URL: {url:?} is not an http:// or https:// URL"
                )));
            }
            None => None,
        };
        Ok(Self {
            origin_url,
            http,
            settings,
            source,
            environment,
            api_token: var("EDGECACHE_API_TOKEN"),
            kv_binding,
            d1_binding,
            kv_cull_on_write,
            bridge,
            max_body: var("EDGECACHE_MAX_BODY_BYTES")
                .and_then(|n| n.trim().parse().ok())
                .unwrap_or(DEFAULT_MAX_BODY),
            cors_origin: var("EDGECACHE_CORS_ORIGIN").unwrap_or_else(|| "*".into()),
            test_clock,
        })
    }

    /// The storage this Worker lends the caches: KV namespaces named by filebased
    /// `LOCATION`s, the D1 binding, `fetch`, and the bridge.
    pub fn stores(&self, env: &worker::Env) -> Stores {
        let kv_env = env.clone();
        let cull = self.kv_cull_on_write;
        let mut stores = Stores::none()
            .with_kv(Box::new(move |location: &str| {
                let kv = WorkersKv::open(&kv_env, location)?.with_cull_on_write(cull);
                Ok(Arc::new(kv) as Arc<dyn KvStore>)
            }))
            .with_http(Arc::new(FetchHttp));
        if let Ok(sql) = D1Sql::open(env, &self.d1_binding) {
            stores = stores.with_sql(Arc::new(sql));
        }
        if let Some((url, token)) = &self.bridge {
            stores = stores.with_bridge(url, token);
        }
        stores
    }

    /// Every alias of the configuration, on `clock`.
    pub fn caches_on(&self, env: &worker::Env, clock: Arc<dyn Clock>) -> Caches {
        Caches::with_stores(&self.settings, clock, &self.stores(env))
    }

    /// Every alias of the configuration, on the Worker's clock.
    pub fn caches(&self, env: &worker::Env) -> Caches {
        self.caches_on(env, Arc::new(WorkerClock))
    }
}

/// The Django settings read from vars of their names, over Django's defaults with
/// `ALLOWED_HOSTS = ['*']` (the origin validates hosts; the edge only keys by them). The
/// aliases they name must be in `CACHES`.
fn http_settings(
    settings: &CacheSettings,
    var: &dyn Fn(&str) -> Option<String>,
) -> Result<HttpSettings, CacheError> {
    let mut base = HttpSettings::new();
    base.allowed_hosts = vec!["*".into()];
    let http = edgecache::http::vars::settings_from_vars(base, var)
        .map_err(|e| CacheError::InvalidBackend(e.message().to_string()))?;
    for (name, alias) in [
        ("CACHE_MIDDLEWARE_ALIAS", &http.cache_middleware_alias),
        ("SESSION_CACHE_ALIAS", &http.session_cache_alias),
    ] {
        if var(name).is_some() && !settings.caches.iter().any(|c| &c.alias == alias) {
            let known: Vec<&str> = settings.caches.iter().map(|c| c.alias.as_str()).collect();
            return Err(CacheError::InvalidBackend(format!(
                "{name}: {alias:?} is not an alias of CACHES ({})",
                known.join(", ")
            )));
        }
    }
    Ok(http)
}

/// Whether an `OPTIONS` name holds a secret.
pub fn is_secret_option(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["TOKEN", "PASSWORD", "SECRET", "AUTH", "CREDENTIAL"]
        .iter()
        .any(|word| upper.contains(word))
}

/// `text` with a URL's password (and any query string) replaced by `***`.
pub fn redact_url(text: &str) -> String {
    let Some((scheme, rest)) = text.split_once("://") else {
        return text.into();
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            None => format!("***@{host}"),
        },
        None => authority.into(),
    };
    let path = match path.split_once('?') {
        Some((path, _)) => format!("{path}?***"),
        None => path.into(),
    };
    format!("{scheme}://{authority}{path}")
}
