//! Workers KV → the core's key-value seam: the store of the file-based backend (the analogue
//! of Django's cache directory).
//!
//! A filebased `LOCATION` names the binding, optionally followed by a key prefix playing the
//! role of a directory: `EDGECACHE_KV` or `EDGECACHE_KV/site-a`. What the adapter adds to a
//! plain binding, all of it plumbing:
//!
//! - **expiry**: the core writes each entry's exact expiry into its metadata and asks for a
//!   native TTL as a safety net; KV refuses TTLs under 60 s, so the adapter never asks for
//!   less ([`MIN_NATIVE_TTL`]). Sub-minute expiry is decided by the core from the entry.
//! - **limits**: keys over 512 bytes and values over 25 MiB fail with a clear `ValueError`
//!   before KV is called; KV's write limits (one write per second per key, the free plan's
//!   daily quota) become `RateLimitError`, which `IGNORE_EXCEPTIONS` absorbs.
//! - **culling**: real KV lists eventually-consistent, billed pages, so by default it does not
//!   count entries before every write (`cull_on_write` false); the Worker's cron trigger runs
//!   [`edgecache::Cache::cleanup`] instead. Local KV (Miniflare, `wrangler dev`) is exact and
//!   keeps Django's per-write cull.

use crate::js_message;
use edgecache::CacheError;
use edgecache::seam::LocalBoxFuture;
use edgecache::seam::kv::{
    KvMetaPage, KvPage, KvStore, MAX_KEY_BYTES, MAX_VALUE_BYTES, MIN_NATIVE_TTL, PutOptions,
};
use worker::kv::KvError;

/// A Workers KV namespace (optionally one prefix of it) as the core's `KvStore`.
pub struct WorkersKv {
    kv: worker::kv::KvStore,
    binding: String,
    prefix: String,
    cull_on_write: bool,
}

impl core::fmt::Debug for WorkersKv {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("WorkersKv")
            .field("binding", &self.binding)
            .field("prefix", &self.prefix)
            .field("cull_on_write", &self.cull_on_write)
            .finish()
    }
}

/// Splits a filebased `LOCATION` into the binding name and the key prefix (`""` or ending in
/// `/`).
pub fn split_location(location: &str) -> (&str, String) {
    match location.split_once('/') {
        Some((binding, rest)) if !rest.trim_matches('/').is_empty() => {
            (binding, format!("{}/", rest.trim_matches('/')))
        }
        Some((binding, _)) => (binding, String::new()),
        None => (location, String::new()),
    }
}

impl WorkersKv {
    /// The namespace `kv` (bound as `binding`), keys under `prefix`.
    pub fn new(kv: worker::kv::KvStore, binding: &str, prefix: &str) -> Self {
        Self {
            kv,
            binding: binding.into(),
            prefix: prefix.into(),
            cull_on_write: false,
        }
    }

    /// Opens the binding a filebased `LOCATION` names (`BINDING` or `BINDING/prefix`).
    pub fn open(env: &worker::Env, location: &str) -> Result<Self, CacheError> {
        let (binding, prefix) = split_location(location);
        let kv = env.kv(binding).map_err(|_| {
            CacheError::InvalidBackend(format!(
                "LOCATION {location:?} names no KV namespace: bind one as `{binding}` \
                 ([[kv_namespaces]] in wrangler.toml)"
            ))
        })?;
        Ok(Self::new(kv, binding, &prefix))
    }

    /// Whether the core culls before every write (exact on local KV; see the module docs).
    pub fn with_cull_on_write(mut self, cull: bool) -> Self {
        self.cull_on_write = cull;
        self
    }

    fn full_key(&self, key: &str) -> Result<String, CacheError> {
        let full = format!("{}{key}", self.prefix);
        if full.len() > MAX_KEY_BYTES {
            return Err(CacheError::Value(format!(
                "Workers KV keys are at most {MAX_KEY_BYTES} bytes; {full:?} is {}",
                full.len()
            )));
        }
        Ok(full)
    }

    fn error(&self, what: &str, error: KvError) -> CacheError {
        let message = match &error {
            KvError::JavaScript(value) => js_message(value),
            other => other.to_string(),
        };
        let text = format!("Workers KV {what} on `{}`: {message}", self.binding);
        let lower = message.to_ascii_lowercase();
        if lower.contains("429") || lower.contains("too many requests") || lower.contains("limit") {
            CacheError::RateLimited(text)
        } else {
            CacheError::Storage(text)
        }
    }

    async fn list_page(
        &self,
        prefix: &str,
        cursor: Option<String>,
    ) -> Result<worker::kv::ListResponse, CacheError> {
        let mut list = self
            .kv
            .list()
            .prefix(format!("{}{prefix}", self.prefix))
            .limit(1000);
        if let Some(cursor) = cursor {
            list = list.cursor(cursor);
        }
        list.execute().await.map_err(|e| self.error("list", e))
    }

    fn strip<'k>(&self, name: &'k str) -> &'k str {
        name.strip_prefix(self.prefix.as_str()).unwrap_or(name)
    }
}

fn next_cursor(response: &worker::kv::ListResponse) -> Option<String> {
    if response.list_complete {
        None
    } else {
        response.cursor.clone().filter(|c| !c.is_empty())
    }
}

impl KvStore for WorkersKv {
    fn get<'a>(&'a self, key: &'a str) -> LocalBoxFuture<'a, Result<Option<Vec<u8>>, CacheError>> {
        Box::pin(async move {
            let full = self.full_key(key)?;
            self.kv
                .get(&full)
                .bytes()
                .await
                .map_err(|e| self.error("get", e))
        })
    }

    fn put<'a>(
        &'a self,
        key: &'a str,
        value: Vec<u8>,
        options: PutOptions,
    ) -> LocalBoxFuture<'a, Result<(), CacheError>> {
        Box::pin(async move {
            let full = self.full_key(key)?;
            if value.len() > MAX_VALUE_BYTES {
                return Err(CacheError::Value(format!(
                    "Workers KV values are at most {MAX_VALUE_BYTES} bytes (25 MiB); this entry is {}",
                    value.len()
                )));
            }
            let mut put = self
                .kv
                .put_bytes(&full, &value)
                .map_err(|e| self.error("put", e))?;
            if let Some(ttl) = options.native_ttl {
                put = put.expiration_ttl(ttl.max(MIN_NATIVE_TTL));
            }
            if let Some(metadata) = options.metadata {
                put = put.metadata(metadata).map_err(|e| self.error("put", e))?;
            }
            put.execute().await.map_err(|e| self.error("put", e))
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> LocalBoxFuture<'a, Result<bool, CacheError>> {
        Box::pin(async move {
            let full = self.full_key(key)?;
            // KV's delete does not say whether the key was there; Django's does (FB-6).
            let existed = self
                .kv
                .get(&full)
                .text()
                .await
                .map_err(|e| self.error("get", e))?
                .is_some();
            if existed {
                self.kv
                    .delete(&full)
                    .await
                    .map_err(|e| self.error("delete", e))?;
            }
            Ok(existed)
        })
    }

    fn list<'a>(
        &'a self,
        prefix: &'a str,
        cursor: Option<String>,
    ) -> LocalBoxFuture<'a, Result<KvPage, CacheError>> {
        Box::pin(async move {
            let response = self.list_page(prefix, cursor).await?;
            Ok(KvPage {
                keys: response
                    .keys
                    .iter()
                    .map(|key| String::from(self.strip(&key.name)))
                    .collect(),
                cursor: next_cursor(&response),
            })
        })
    }

    fn list_with_metadata<'a>(
        &'a self,
        prefix: &'a str,
        cursor: Option<String>,
    ) -> LocalBoxFuture<'a, Result<KvMetaPage, CacheError>> {
        Box::pin(async move {
            let response = self.list_page(prefix, cursor).await?;
            Ok(KvMetaPage {
                entries: response
                    .keys
                    .iter()
                    .map(|key| {
                        let metadata = match &key.metadata {
                            Some(serde_json::Value::String(text)) => Some(text.clone()),
                            _ => None,
                        };
                        (String::from(self.strip(&key.name)), metadata)
                    })
                    .collect(),
                cursor: next_cursor(&response),
            })
        })
    }

    fn cull_on_write(&self) -> bool {
        self.cull_on_write
    }
}
