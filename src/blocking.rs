//! The synchronous face of a cache whose backend never waits (locmem, dummy).
//!
//! Every method drives the async method of [`Cache`] to completion with a single poll, so the
//! Django rules still live in one place; `get` and `set`, the hot path, call the backend's
//! synchronous core ([`crate::backend::InMemory`]) through the same steps without a future. Only in-memory backends get this face
//! ([`Cache::blocking`]); a future that is not ready on its first poll becomes
//! [`CacheError::WouldBlock`], never a hang or a panic.

use crate::backend::Backend;
use crate::cache::Cache;
use crate::error::CacheError;
use crate::expiry::Timeout;
use crate::inspect::{Detail, Inspection};
use crate::key::Key;
use crate::options::Options;
use crate::value::Value;
use alloc::string::String;
use alloc::vec::Vec;
use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};

/// Polls `future` once; `None` if it was not ready.
pub fn now_or_never<F: Future>(future: F) -> Option<F::Output> {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut context) {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}

/// Drives an in-memory backend's future: ready on the first poll, or `WouldBlock`.
macro_rules! ready {
    ($future:expr) => {{
        let mut future = pin!($future);
        let mut context = Context::from_waker(Waker::noop());
        match future.as_mut().poll(&mut context) {
            Poll::Ready(output) => output,
            Poll::Pending => Err(CacheError::WouldBlock),
        }
    }};
}

impl Cache {
    /// The synchronous API, for backends that keep everything in memory.
    pub fn blocking(&self) -> Result<Blocking<'_>, CacheError> {
        if self.backend().is_in_memory() {
            Ok(Blocking { cache: self })
        } else {
            Err(CacheError::WouldBlock)
        }
    }
}

/// Synchronous calls on an in-memory cache; see [`Cache`] for what each does.
#[derive(Debug, Clone, Copy)]
pub struct Blocking<'a> {
    cache: &'a Cache,
}

#[allow(missing_docs)] // each method is documented on `Cache`
impl Blocking<'_> {
    pub fn get<'k>(
        &self,
        key: impl Into<Key<'k>>,
        options: Options,
    ) -> Result<Option<Value>, CacheError> {
        self.cache.get_now(&key.into(), options.version.as_ref())
    }
    pub fn set<'k>(
        &self,
        key: impl Into<Key<'k>>,
        value: impl Into<Value>,
        options: Options,
    ) -> Result<(), CacheError> {
        self.cache.set_now(
            &key.into(),
            value.into(),
            options.timeout,
            options.version.as_ref(),
        )
    }
    pub fn add<'k>(
        &self,
        key: impl Into<Key<'k>>,
        value: impl Into<Value>,
        options: Options,
    ) -> Result<bool, CacheError> {
        ready!(self.cache.add(key, value, options))
    }
    pub fn get_or_set<'k>(
        &self,
        key: impl Into<Key<'k>>,
        default: impl Into<Value>,
        options: Options,
    ) -> Result<Value, CacheError> {
        ready!(self.cache.get_or_set(key, default, options))
    }
    pub fn get_or_set_with<'k, F: FnOnce() -> Value>(
        &self,
        key: impl Into<Key<'k>>,
        compute: F,
        options: Options,
    ) -> Result<Value, CacheError> {
        ready!(self.cache.get_or_set_with(key, compute, options))
    }
    pub fn get_many<'k, K: Into<Key<'k>>>(
        &self,
        keys: impl IntoIterator<Item = K>,
        options: Options,
    ) -> Result<Vec<(Value, Value)>, CacheError> {
        ready!(self.cache.get_many(keys, options))
    }
    pub fn set_many<'k, K: Into<Key<'k>>, V: Into<Value>>(
        &self,
        items: impl IntoIterator<Item = (K, V)>,
        options: Options,
    ) -> Result<Vec<Value>, CacheError> {
        ready!(self.cache.set_many(items, options))
    }
    pub fn delete<'k>(
        &self,
        key: impl Into<Key<'k>>,
        options: Options,
    ) -> Result<bool, CacheError> {
        ready!(self.cache.delete(key, options))
    }
    pub fn delete_many<'k, K: Into<Key<'k>>>(
        &self,
        keys: impl IntoIterator<Item = K>,
        options: Options,
    ) -> Result<(), CacheError> {
        ready!(self.cache.delete_many(keys, options))
    }
    pub fn has_key<'k>(
        &self,
        key: impl Into<Key<'k>>,
        options: Options,
    ) -> Result<bool, CacheError> {
        ready!(self.cache.has_key(key, options))
    }
    pub fn contains<'k>(&self, key: impl Into<Key<'k>>) -> Result<bool, CacheError> {
        ready!(self.cache.contains(key))
    }
    pub fn incr<'k>(
        &self,
        key: impl Into<Key<'k>>,
        delta: impl Into<Value>,
        options: Options,
    ) -> Result<Value, CacheError> {
        ready!(self.cache.incr(key, delta, options))
    }
    pub fn decr<'k>(
        &self,
        key: impl Into<Key<'k>>,
        delta: impl Into<Value>,
        options: Options,
    ) -> Result<Value, CacheError> {
        ready!(self.cache.decr(key, delta, options))
    }
    pub fn touch<'k>(&self, key: impl Into<Key<'k>>, options: Options) -> Result<bool, CacheError> {
        ready!(self.cache.touch(key, options))
    }
    pub fn clear(&self) -> Result<(), CacheError> {
        ready!(self.cache.clear())
    }
    pub fn close(&self) -> Result<(), CacheError> {
        ready!(self.cache.close())
    }
    pub fn incr_version<'k>(
        &self,
        key: impl Into<Key<'k>>,
        delta: impl Into<Value>,
        options: Options,
    ) -> Result<Value, CacheError> {
        ready!(self.cache.incr_version(key, delta, options))
    }
    pub fn decr_version<'k>(
        &self,
        key: impl Into<Key<'k>>,
        delta: impl Into<Value>,
        options: Options,
    ) -> Result<Value, CacheError> {
        ready!(self.cache.decr_version(key, delta, options))
    }
    pub fn make_key<'k>(
        &self,
        key: impl Into<Key<'k>>,
        version: Option<&Value>,
    ) -> Result<Value, CacheError> {
        self.cache.make_key(key, version)
    }
    pub fn make_and_validate_key<'k>(
        &self,
        key: impl Into<Key<'k>>,
        version: Option<&Value>,
    ) -> Result<String, CacheError> {
        self.cache.make_and_validate_key(key, version)
    }
    pub fn get_backend_timeout(&self, timeout: Timeout) -> Value {
        self.cache.get_backend_timeout(timeout)
    }
    pub fn inspect(&self, detail: Detail) -> Result<Inspection, CacheError> {
        ready!(self.cache.inspect(detail))
    }
}
