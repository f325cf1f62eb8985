//! edgecache on Cloudflare Workers.
//!
//! Two layers:
//!
//! - **Adapters** (a library for any Rust Worker): one file per binding, each implementing a
//!   storage seam of the core and nothing else — [`kv::WorkersKv`] (Workers KV → `KvStore`,
//!   the file-based backend's store), [`d1::D1Sql`] (D1 → `SqlStore`, the database backend's),
//!   [`fetch::FetchHttp`] (`fetch` → `HttpTransport`, Redis over Upstash's REST protocol or
//!   the edgecache bridge) and [`clock::WorkerClock`]. [`config::Config`] reads `CACHES` and
//!   the secrets from a Worker's environment and builds [`edgecache::Caches`] over them.
//! - **The edgecache Worker** (feature `service`, on by default): the cache HTTP API
//!   ([`api`]), the static playground, proxy mode in front of a Django site (`proxy`), and a
//!   cron cleanup of Workers KV.
//!
//! No Django rule lives here: every cache decision is the core's.
//!
//! ```ignore
//! use edgecache_worker::config::Config;
//! # async fn handler(env: worker::Env) -> Result<(), edgecache::CacheError> {
//! let config = Config::from_env(&env)?;              // EDGECACHE_CACHES or smart defaults
//! let caches = config.caches(&env);
//! let cache = caches.default_cache()?;
//! cache.set("greeting", "hello", edgecache::Options::new().timeout(30)).await?;
//! # Ok(()) }
//! ```

pub mod api;
pub mod clock;
pub mod config;
pub mod d1;
pub mod extras;
pub mod fetch;
pub mod json;
pub mod kv;
#[cfg(feature = "service")]
pub mod proxy;
#[cfg(feature = "service")]
mod service;
pub mod session;
pub mod warm;

/// The message of a JavaScript exception (or its string form).
pub(crate) fn js_message(value: &wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast;
    if let Some(error) = value.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    value.as_string().unwrap_or_else(|| format!("{value:?}"))
}
