//! Django's HTTP caching layer over the core: page caching (`cache_page`, the site cache
//! middleware, `learn_cache_key` / `get_cache_key`), the header utilities of
//! `django.utils.cache`, template-fragment keys and the `cache` session engine — pure
//! functions of a small request/response model that every runtime maps its own types onto.
//!
//! Page and header-list keys are Django's exactly, so a Django app and edgecache sharing a
//! cache find and invalidate each other's entries. Every rule is tagged with its spec id
//! (`HDR-n`, `MW-n`, `FRAG-n`, `DEC-n`).

pub mod cache_control;
pub mod date;
pub mod decorators;
pub mod entry;
mod error;
pub mod expires;
pub mod fragment;
pub mod middleware;
pub mod model;
pub mod page_key;
pub mod proxy;
mod pyset;
pub mod session;
mod settings;
pub mod vars;
pub mod vary;
pub mod zone;

pub use cache_control::{get_max_age, patch_cache_control};
pub use decorators::ViewDecorator;
pub use error::HttpError;
pub use expires::{add_never_cache_headers, patch_response_headers};
pub use fragment::make_template_fragment_key;
pub use middleware::{CacheMiddleware, Fetched, MiddlewareConfig};
pub use model::{Headers, Request, Response};
pub use page_key::{get_cache_key, learn_cache_key};
pub use proxy::{EdgeProxy, EdgeStatus, Lookup};
pub use session::{KeySource, RandomKeys, SessionError, SessionStore};
pub use settings::HttpSettings;
pub use vary::{has_vary_header, patch_vary_headers};
