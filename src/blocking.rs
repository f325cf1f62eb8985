//! The synchronous face of a cache whose backend never waits (locmem, dummy).
//!
//! Every method calls the method of [`Cache`] that holds its Django rule (`cache.rs`, `rule!`):
//! where storage backends are compiled, an `async` one driven to completion with a single
//! poll; in the in-memory builds (`edgecache_memory_only`), where those methods are
//! synchronous, the call itself, with no future. `get` and `set`, the hot path, call the
//! backend's synchronous core ([`crate::backend::InMemory`]) through the same steps without a
//! future in every build. Only in-memory backends get this face
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
#[inline]
pub(crate) fn poll_once<T>(
    future: impl Future<Output = Result<T, CacheError>>,
) -> Result<T, CacheError> {
    let mut future = pin!(future);
    let mut context = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut context) {
        Poll::Ready(output) => output,
        Poll::Pending => Err(CacheError::WouldBlock),
    }
}

/// Drives a future to completion with [`poll_once`].
#[cfg(not(edgecache_memory_only))]
macro_rules! ready {
    ($future:expr) => {
        poll_once($future)
    };
}

/// Makes a call of one of [`Cache`]'s rule methods (`cache.rs`, `rule!`): a future polled
/// once, or (in the in-memory builds, where those methods are synchronous) the call itself.
#[cfg(not(edgecache_memory_only))]
macro_rules! now {
    ($call:expr) => {
        poll_once($call)
    };
}
#[cfg(edgecache_memory_only)]
macro_rules! now {
    ($call:expr) => {
        $call
    };
}

impl Cache {
    /// The synchronous face without the in-memory check: a runtime that built only in-memory
    /// caches (the component) or that maps `WouldBlock` itself. A backend future that is not
    /// ready still gives `WouldBlock`.
    #[allow(dead_code)] // builds without the component or the in-memory npm entry
    pub(crate) fn at_once(&self) -> Blocking<'_> {
        Blocking { cache: self }
    }

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
        now!(self.cache.add_raw(
            &key.into(),
            value.into(),
            options.timeout,
            options.version.as_ref(),
        ))
    }
    pub fn get_or_set<'k>(
        &self,
        key: impl Into<Key<'k>>,
        default: impl Into<Value>,
        options: Options,
    ) -> Result<Value, CacheError> {
        #[cfg(edgecache_memory_only)]
        {
            let default = default.into();
            self.get_or_set_with(key, || default, options)
        }
        #[cfg(not(edgecache_memory_only))]
        ready!(self.cache.get_or_set(key, default, options))
    }
    pub fn get_or_set_with<'k, F: FnOnce() -> Value>(
        &self,
        key: impl Into<Key<'k>>,
        compute: F,
        options: Options,
    ) -> Result<Value, CacheError> {
        // The in-memory builds: API-4 as `Cache::plain_get_or_set`, its steps called directly
        // (their rule methods are synchronous there), with no future.
        #[cfg(edgecache_memory_only)]
        {
            let key = key.into();
            match self.cache.get_raw(&key, options.version.as_ref())? {
                Some(found) => Ok(found),
                None => self.cache.get_or_set_store(&key, compute(), &options),
            }
        }
        #[cfg(not(edgecache_memory_only))]
        ready!(self.cache.get_or_set_with(key, compute, options))
    }
    pub fn get_many<'k, K: Into<Key<'k>>>(
        &self,
        keys: impl IntoIterator<Item = K>,
        options: Options,
    ) -> Result<Vec<(Value, Value)>, CacheError> {
        now!(self.cache.get_many_raw(keys, options.version.as_ref()))
    }
    pub fn set_many<'k, K: Into<Key<'k>>, V: Into<Value>>(
        &self,
        items: impl IntoIterator<Item = (K, V)>,
        options: Options,
    ) -> Result<Vec<Value>, CacheError> {
        now!(self.cache.set_many_raw(items, options))
    }
    pub fn delete<'k>(
        &self,
        key: impl Into<Key<'k>>,
        options: Options,
    ) -> Result<bool, CacheError> {
        now!(self.cache.delete_raw(&key.into(), options.version.as_ref()))
    }
    pub fn delete_many<'k, K: Into<Key<'k>>>(
        &self,
        keys: impl IntoIterator<Item = K>,
        options: Options,
    ) -> Result<(), CacheError> {
        now!(self.cache.delete_many_raw(keys, options.version.as_ref()))
    }
    pub fn has_key<'k>(
        &self,
        key: impl Into<Key<'k>>,
        options: Options,
    ) -> Result<bool, CacheError> {
        now!(
            self.cache
                .has_key_raw(&key.into(), options.version.as_ref())
        )
    }
    pub fn contains<'k>(&self, key: impl Into<Key<'k>>) -> Result<bool, CacheError> {
        now!(self.cache.has_key_raw(&key.into(), None))
    }
    pub fn incr<'k>(
        &self,
        key: impl Into<Key<'k>>,
        delta: impl Into<Value>,
        options: Options,
    ) -> Result<Value, CacheError> {
        now!(
            self.cache
                .incr_raw(&key.into(), &delta.into(), options.version.as_ref())
        )
    }
    pub fn decr<'k>(
        &self,
        key: impl Into<Key<'k>>,
        delta: impl Into<Value>,
        options: Options,
    ) -> Result<Value, CacheError> {
        let negated = crate::python::neg(&delta.into())?;
        now!(
            self.cache
                .incr_raw(&key.into(), &negated, options.version.as_ref())
        )
    }
    pub fn touch<'k>(&self, key: impl Into<Key<'k>>, options: Options) -> Result<bool, CacheError> {
        now!(
            self.cache
                .touch_raw(&key.into(), options.timeout, options.version.as_ref())
        )
    }
    pub fn clear(&self) -> Result<(), CacheError> {
        now!(self.cache.clear_raw())
    }
    pub fn close(&self) -> Result<(), CacheError> {
        now!(self.cache.close_raw())
    }
    pub fn incr_version<'k>(
        &self,
        key: impl Into<Key<'k>>,
        delta: impl Into<Value>,
        options: Options,
    ) -> Result<Value, CacheError> {
        now!(
            self.cache
                .incr_version_raw(&key.into(), &delta.into(), options.version)
        )
    }
    pub fn decr_version<'k>(
        &self,
        key: impl Into<Key<'k>>,
        delta: impl Into<Value>,
        options: Options,
    ) -> Result<Value, CacheError> {
        let negated = crate::python::neg(&delta.into())?;
        now!(
            self.cache
                .incr_version_raw(&key.into(), &negated, options.version)
        )
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
    pub fn aincr<'k>(
        &self,
        key: impl Into<Key<'k>>,
        delta: impl Into<Value>,
        options: Options,
    ) -> Result<Value, CacheError> {
        now!(
            self.cache
                .generic_incr(&key.into(), &delta.into(), options.version.as_ref())
        )
    }
    pub fn adecr<'k>(
        &self,
        key: impl Into<Key<'k>>,
        delta: impl Into<Value>,
        options: Options,
    ) -> Result<Value, CacheError> {
        let negated = crate::python::neg(&delta.into())?;
        now!(
            self.cache
                .generic_incr(&key.into(), &negated, options.version.as_ref())
        )
    }
    pub fn ahas_key<'k>(
        &self,
        key: impl Into<Key<'k>>,
        options: Options,
    ) -> Result<bool, CacheError> {
        Ok(now!(self.cache.get_raw(&key.into(), options.version.as_ref()))?.is_some())
    }
    pub fn aget_many<'k, K: Into<Key<'k>>>(
        &self,
        keys: impl IntoIterator<Item = K>,
        options: Options,
    ) -> Result<Vec<(Value, Value)>, CacheError> {
        now!(self.cache.generic_get_many(keys, options.version.as_ref()))
    }
    pub fn aset_many<'k, K: Into<Key<'k>>, V: Into<Value>>(
        &self,
        items: impl IntoIterator<Item = (K, V)>,
        options: Options,
    ) -> Result<Vec<Value>, CacheError> {
        now!(self.cache.generic_set_many(items, options))
    }
    pub fn adelete_many<'k, K: Into<Key<'k>>>(
        &self,
        keys: impl IntoIterator<Item = K>,
        options: Options,
    ) -> Result<(), CacheError> {
        now!(
            self.cache
                .generic_delete_many(keys, options.version.as_ref())
        )
    }
    pub fn inspect(&self, detail: Detail) -> Result<Inspection, CacheError> {
        now!(self.cache.inspect_raw(detail))
    }
}
