//! The cache handler: every alias of a `CACHES` setting, as `django.core.cache.caches` is.

use crate::backend::AnyBackend;
#[cfg(edgecache_storage_backends)]
use crate::backend::db::DatabaseCache;
use crate::backend::dummy::DummyCache;
#[cfg(edgecache_storage_backends)]
use crate::backend::filebased::FileBasedCache;
use crate::backend::locmem::{LocMemCache, LocMemStore};
#[cfg(edgecache_storage_backends)]
use crate::backend::memcached::MemcachedCache;
#[cfg(edgecache_storage_backends)]
use crate::backend::redis::RedisCache;
use crate::cache::Cache;
use crate::clock::Clock;
use crate::error::CacheError;
use crate::key::KeyMaker;
use crate::python;
#[cfg(edgecache_storage_backends)]
use crate::seam::http::Dialect;
use crate::seam::http::{Endpoint, HttpTransport};
use crate::seam::kv::KvStore;
use crate::seam::sql::SqlStore;
use crate::settings::{BackendKind, CacheConfig, CacheSettings, SettingsError};
#[cfg(edgecache_storage_backends)]
use crate::value::Value;
use alloc::boxed::Box;
#[cfg(not(edgecache_memory_only))]
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

/// Opens the key-value store a filebased `LOCATION` names (a directory on native, a KV
/// namespace binding in the Worker).
pub type KvOpener = Box<dyn Fn(&str) -> Result<Arc<dyn KvStore>, CacheError> + 'static>;

/// The storage a runtime lends to the caches that need it.
pub struct Stores {
    /// Opens filebased `LOCATION`s; each location is opened once and shared.
    pub kv: Option<KvOpener>,
    /// The database every db alias uses (its `LOCATION` is the table).
    pub sql: Option<Arc<dyn SqlStore>>,
    /// The HTTP transport the network backends (redis, memcached) send their requests on.
    pub http: Option<Arc<dyn HttpTransport>>,
    /// The edgecache bridge that stands for `redis://` and `host:port` locations: the i-th
    /// Redis URL of a `LOCATION` is the bridge's `/redis/<i>` route, memcached servers are its
    /// `/memcached` route.
    pub bridge: Option<Endpoint>,
}

impl core::fmt::Debug for Stores {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Stores")
            .field("kv", &self.kv.is_some())
            .field("sql", &self.sql.is_some())
            .field("http", &self.http.is_some())
            .field("bridge", &self.bridge)
            .finish()
    }
}

impl Stores {
    /// No storage: filebased and db aliases fail with a clear error when used.
    pub fn none() -> Self {
        Self {
            kv: None,
            sql: None,
            http: None,
            bridge: None,
        }
    }

    /// What native code gets by default: filebased `LOCATION`s are directories; no database
    /// until one is given with [`Stores::with_sql`].
    pub fn native() -> Self {
        #[cfg(edgecache_std)]
        let kv: Option<KvOpener> = Some(Box::new(|location: &str| {
            Ok(Arc::new(crate::store::directory::DirectoryKv::new(location)) as Arc<dyn KvStore>)
        }));
        #[cfg(not(edgecache_std))]
        let kv: Option<KvOpener> = None;
        #[cfg(edgecache_std)]
        let http: Option<Arc<dyn HttpTransport>> =
            Some(Arc::new(crate::store::http::NativeHttp::default()));
        #[cfg(not(edgecache_std))]
        let http: Option<Arc<dyn HttpTransport>> = None;
        Self {
            kv,
            sql: None,
            http,
            bridge: None,
        }
    }

    /// Uses `store` for db aliases.
    pub fn with_sql(mut self, store: Arc<dyn SqlStore>) -> Self {
        self.sql = Some(store);
        self
    }

    /// Sends the network backends' requests with `transport`.
    pub fn with_http(mut self, transport: Arc<dyn HttpTransport>) -> Self {
        self.http = Some(transport);
        self
    }

    /// Reaches `redis://` and `host:port` locations through the bridge at `url` (e.g.
    /// `http://127.0.0.1:8379`) with `token`.
    pub fn with_bridge(mut self, url: &str, token: &str) -> Self {
        self.bridge = Some(Endpoint::new(url, token));
        self
    }

    /// Uses `opener` for filebased aliases.
    pub fn with_kv(mut self, opener: KvOpener) -> Self {
        self.kv = Some(opener);
        self
    }
}

/// The configured caches, looked up by alias.
///
/// Aliases whose locmem `LOCATION` is the same share one store (LM-1), within one `Caches`.
#[derive(Debug)]
pub struct Caches {
    caches: Vec<(String, Result<Cache, CacheError>)>,
}

impl Caches {
    /// Reads `CACHES` (JSON or a pasted Python dict) and builds every alias.
    pub fn from_text(text: &str, clock: Arc<dyn Clock>) -> Result<Self, SettingsError> {
        Ok(Self::new(&CacheSettings::parse(text)?, clock))
    }

    /// Builds every alias of `settings` with the native default storage ([`Stores::native`]).
    pub fn new(settings: &CacheSettings, clock: Arc<dyn Clock>) -> Self {
        Self::with_stores(settings, clock, &Stores::native())
    }

    /// Builds every alias of `settings` over `stores`. An alias whose backend cannot be built
    /// is kept as an error, returned when that alias is looked up (as Django fails on first
    /// use).
    pub fn with_stores(settings: &CacheSettings, clock: Arc<dyn Clock>, stores: &Stores) -> Self {
        let mut opened = Opened::default();
        let caches = settings
            .caches
            .iter()
            .map(|config| {
                (
                    config.alias.clone(),
                    build_cache(config, &clock, stores, &mut opened),
                )
            })
            .collect();
        Self { caches }
    }

    /// `caches[alias]`.
    pub fn get(&self, alias: &str) -> Result<&Cache, CacheError> {
        match self.caches.iter().find(|(name, _)| name == alias) {
            Some((_, Ok(cache))) => Ok(cache),
            Some((_, Err(error))) => Err(error.clone()),
            None => Err(CacheError::InvalidBackend(crate::text::cat(&[
                "The connection '",
                alias,
                "' doesn't exist.",
            ]))),
        }
    }

    /// Where `alias` is among the aliases (their configured order), for [`Caches::get_at`]:
    /// a caller that keeps a cache's handle looks its name up once.
    pub fn position(&self, alias: &str) -> Option<usize> {
        self.caches.iter().position(|(name, _)| name == alias)
    }

    /// [`Caches::get`] of the alias at `position` (from [`Caches::position`]).
    pub fn get_at(&self, position: usize) -> Result<&Cache, CacheError> {
        match self.caches.get(position) {
            Some((_, Ok(cache))) => Ok(cache),
            Some((_, Err(error))) => Err(error.clone()),
            None => Err(CacheError::InvalidBackend({
                let mut text = String::from("There is no connection at position ");
                crate::text::push_uint(&mut text, position as u128);
                text.push('.');
                text
            })),
        }
    }

    /// `django.core.cache.cache`: the `default` alias.
    pub fn default_cache(&self) -> Result<&Cache, CacheError> {
        self.get("default")
    }

    /// The aliases, in the order configured.
    pub fn aliases(&self) -> impl Iterator<Item = &str> {
        self.caches.iter().map(|(alias, _)| alias.as_str())
    }

    /// CFG-6: `close()` on every cache that could be built.
    pub async fn close_all(&self) -> Result<(), CacheError> {
        for (_, cache) in &self.caches {
            if let Ok(cache) = cache {
                cache.close().await?;
            }
        }
        Ok(())
    }
}

/// Stores already opened, so aliases naming one location share it (LM-1, FB-1). A settings
/// file names a handful of locations, so a list is enough (and smaller in wasm than a map).
#[derive(Default)]
struct Opened {
    locmem: Vec<(String, Arc<LocMemStore>)>,
    #[cfg(edgecache_storage_backends)]
    kv: Vec<(String, Arc<dyn KvStore>)>,
}

/// The value at `key` in a list of pairs.
fn find<'a, T>(pairs: &'a [(String, T)], key: &str) -> Option<&'a T> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

#[cfg(edgecache_storage_backends)]
fn missing_store(config: &CacheConfig, what: &str) -> CacheError {
    CacheError::InvalidBackend(alloc::format!(
        "Could not find backend '{}': no {what} was given to this runtime for alias '{}'",
        config.backend_path,
        config.alias
    ))
}

#[cfg_attr(not(edgecache_storage_backends), allow(unused_variables))]
fn build_cache(
    config: &CacheConfig,
    clock: &Arc<dyn Clock>,
    stores: &Stores,
    opened: &mut Opened,
) -> Result<Cache, CacheError> {
    let default_timeout = config.timeout.map(|seconds| seconds as f64);
    let backend = match config.backend {
        BackendKind::LocMem => {
            let location = python::repr(&config.location);
            let store = match find(&opened.locmem, &location) {
                Some(store) => store.clone(),
                None => {
                    let store = Arc::new(LocMemStore::default());
                    opened.locmem.push((location, store.clone()));
                    store
                }
            };
            AnyBackend::LocMem(LocMemCache::new(
                store,
                config.max_entries,
                config.cull_frequency,
                default_timeout,
                clock.clone(),
            ))
        }
        BackendKind::Dummy => AnyBackend::Dummy(DummyCache::new(default_timeout, clock.clone())),
        #[cfg(edgecache_storage_backends)]
        BackendKind::FileBased => {
            let location = python::str(&config.location);
            let store = match find(&opened.kv, &location) {
                Some(store) => store.clone(),
                None => {
                    let open = stores
                        .kv
                        .as_ref()
                        .ok_or_else(|| missing_store(config, "key-value store"))?;
                    let store = open(&location)?;
                    opened.kv.push((location, store.clone()));
                    store
                }
            };
            AnyBackend::FileBased(FileBasedCache::new(
                store,
                config.max_entries,
                config.cull_frequency,
                default_timeout,
                clock.clone(),
            ))
        }
        #[cfg(edgecache_storage_backends)]
        BackendKind::Database => {
            let store = stores
                .sql
                .clone()
                .ok_or_else(|| missing_store(config, "database"))?;
            AnyBackend::Database(DatabaseCache::new(
                store,
                python::str(&config.location),
                config.max_entries,
                config.cull_frequency,
                default_timeout,
                clock.clone(),
            )?)
        }
        #[cfg(edgecache_storage_backends)]
        BackendKind::Redis(_) => {
            let transport = stores
                .http
                .clone()
                .ok_or_else(|| missing_store(config, "HTTP transport"))?;
            AnyBackend::Redis(
                RedisCache::new(
                    transport,
                    redis_endpoints(config, stores)?,
                    config.timeout,
                    clock.clone(),
                )?
                .with_format(crate::codec::options::value_format(config)),
            )
        }
        #[cfg(edgecache_storage_backends)]
        BackendKind::Memcached(client) => {
            if config.backend_path == "django.core.cache.backends.memcached.MemcachedCache" {
                // Django 5.2 removed MemcachedCache (python-memcached): the import fails.
                return Err(CacheError::InvalidBackend(format!(
                    "Could not find backend '{}': Module \"django.core.cache.backends.memcached\" does not define a \"MemcachedCache\" attribute/class",
                    config.backend_path
                )));
            }
            let transport = stores
                .http
                .clone()
                .ok_or_else(|| missing_store(config, "HTTP transport"))?;
            AnyBackend::Memcached(MemcachedCache::new(
                transport,
                memcached_endpoint(config, stores)?,
                client,
                config.timeout,
                clock.clone(),
            ))
        }
        #[cfg(edgecache_memory_only)]
        other => {
            return Err(CacheError::InvalidBackend(crate::text::cat(&[
                "Could not find backend '",
                &config.backend_path,
                "': this in-memory build of edgecache has only the locmem and dummy backends; the ",
                other.short_name(),
                " backend is in the full build (in JavaScript, import 'edgecache' instead of 'edgecache/memory')",
            ])));
        }
        #[cfg(not(edgecache_memory_only))]
        #[allow(unreachable_patterns)]
        other => {
            return Err(CacheError::InvalidBackend(format!(
                "Could not find backend '{}': the {} backend is not available in this build of edgecache yet",
                config.backend_path,
                other.short_name()
            )));
        }
    };
    let keys = KeyMaker::new(
        config.key_function,
        config.key_prefix.clone(),
        config.version.clone(),
    );
    let cache = Cache::new(config.alias.clone(), keys, backend);
    // The in-memory builds stop here: their backends raise nothing to ignore, their settings
    // refuse stampede protection's options, and they time no storage.
    #[cfg(edgecache_memory_only)]
    return Ok(cache);
    #[cfg(not(edgecache_memory_only))]
    {
        let ignore_exceptions = matches!(
            config.backend,
            BackendKind::Redis(_) | BackendKind::Memcached(_) | BackendKind::FileBased
        ) && config.option("IGNORE_EXCEPTIONS")
            == Some(&crate::value::Value::Bool(true));
        let stampede = crate::stampede::StampedeConfig::from_options(&config.options);
        Ok(cache.ignoring_exceptions(ignore_exceptions).with_stampede(
            stampede,
            default_timeout,
            clock.clone(),
        ))
    }
}

#[cfg(edgecache_storage_backends)]
/// The token for REST endpoints named in `LOCATION`: `OPTIONS["TOKEN"]` (Upstash's REST
/// token), else `OPTIONS["PASSWORD"]`, else the bridge's.
fn rest_token(config: &CacheConfig, stores: &Stores) -> String {
    ["TOKEN", "token", "PASSWORD", "password"]
        .iter()
        .find_map(|name| {
            config
                .option(name)
                .and_then(Value::as_str)
                .map(String::from)
        })
        .or_else(|| stores.bridge.as_ref().map(|b| b.token.clone()))
        .unwrap_or_default()
}

#[cfg(edgecache_storage_backends)]
fn is_rest_url(server: &str) -> bool {
    server.starts_with("http://") || server.starts_with("https://")
}

#[cfg(edgecache_storage_backends)]
/// The REST dialect of an `http(s)://` redis server: `OPTIONS["REST_PROTOCOL"]` (`"upstash"`
/// or `"edgecache"`), else Upstash for `*.upstash.io` hosts and the bridge's otherwise.
fn rest_dialect(config: &CacheConfig, server: &str) -> Result<Dialect, CacheError> {
    match config.option("REST_PROTOCOL") {
        None => {
            let host = server
                .split("://")
                .nth(1)
                .unwrap_or(server)
                .split(['/', ':', '?'])
                .next()
                .unwrap_or_default();
            Ok(if host.ends_with(".upstash.io") {
                Dialect::Upstash
            } else {
                Dialect::Bridge
            })
        }
        Some(Value::Str(name)) if name.eq_ignore_ascii_case("upstash") => Ok(Dialect::Upstash),
        Some(Value::Str(name)) if name.eq_ignore_ascii_case("edgecache") => Ok(Dialect::Bridge),
        Some(other) => Err(CacheError::InvalidBackend(format!(
            "alias '{}': OPTIONS['REST_PROTOCOL'] is {}; expected 'upstash' or 'edgecache'",
            config.alias,
            crate::python::repr(other)
        ))),
    }
}

/// RD-4: one endpoint per server of `LOCATION`, the leader first. `http(s)://` servers are
/// REST endpoints (Upstash, or a bridge route); `redis://` ones are the configured bridge's
/// `/redis/<index>` routes.
#[cfg(edgecache_storage_backends)]
fn redis_endpoints(config: &CacheConfig, stores: &Stores) -> Result<Vec<Endpoint>, CacheError> {
    let token = rest_token(config, stores);
    let mut endpoints = Vec::new();
    for (index, server) in config.servers().iter().enumerate() {
        if is_rest_url(server) {
            let dialect = rest_dialect(config, server)?;
            endpoints.push(Endpoint::with_dialect(server, &token, dialect));
        } else {
            let bridge = stores.bridge.as_ref().ok_or_else(|| {
                CacheError::InvalidBackend(format!(
                    "Could not find backend '{}': alias '{}' names {server:?}, which edgecache reaches over HTTP only: give an http(s):// REST URL (Upstash) or run the edgecache bridge",
                    config.backend_path, config.alias
                ))
            })?;
            endpoints.push(Endpoint::new(
                &format!("{}/redis/{index}", bridge.url),
                &bridge.token,
            ));
        }
    }
    Ok(endpoints)
}

/// The memcached route: an `http(s)://` `LOCATION` as it is, otherwise the bridge's
/// `/memcached` (the bridge holds the server list and hashes keys as pymemcache does).
#[cfg(edgecache_storage_backends)]
fn memcached_endpoint(config: &CacheConfig, stores: &Stores) -> Result<Endpoint, CacheError> {
    let servers = config.servers();
    if let Some(url) = servers.first().filter(|s| is_rest_url(s)) {
        return Ok(Endpoint::new(url, &rest_token(config, stores)));
    }
    let bridge = stores.bridge.as_ref().ok_or_else(|| {
        CacheError::InvalidBackend(format!(
            "Could not find backend '{}': alias '{}' needs the edgecache bridge (or an http:// LOCATION) to reach memcached over HTTP",
            config.backend_path, config.alias
        ))
    })?;
    Ok(Endpoint::new(
        &format!("{}/memcached", bridge.url),
        &bridge.token,
    ))
}
