//! Django's `DummyCache`: stores nothing, but still makes and validates every key (DUM-1).

use super::{Backend, InMemory};
use crate::clock::Clock;
use crate::error::CacheError;
use crate::expiry::{Timeout, generic_expiry};
use crate::inspect::{Detail, Inspection, Stats};
use crate::key::FullKey;
use crate::value::Value;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt;

/// A cache that forgets everything at once.
pub struct DummyCache {
    default_timeout: Option<f64>,
    clock: Arc<dyn Clock>,
}

impl DummyCache {
    /// A dummy cache; the timeout and clock only serve `get_backend_timeout`.
    pub fn new(default_timeout: Option<f64>, clock: Arc<dyn Clock>) -> Self {
        Self {
            default_timeout,
            clock,
        }
    }
}

impl fmt::Debug for DummyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DummyCache").finish_non_exhaustive()
    }
}

impl InMemory for DummyCache {
    fn get_now(&self, _key: FullKey<'_>) -> Result<Option<Value>, CacheError> {
        Ok(None)
    }
    fn set_now(
        &self,
        _key: FullKey<'_>,
        _value: Value,
        _timeout: Timeout,
    ) -> Result<(), CacheError> {
        Ok(())
    }
}

impl Backend for DummyCache {
    fn name(&self) -> &'static str {
        "dummy"
    }
    fn is_in_memory(&self) -> bool {
        true
    }
    fn backend_timeout(&self, timeout: Timeout) -> Value {
        generic_expiry(timeout, self.default_timeout, self.clock.now())
            .map_or(Value::None, Value::Float)
    }
    async fn get(&self, key: FullKey<'_>) -> Result<Option<Value>, CacheError> {
        self.get_now(key)
    }
    async fn set(
        &self,
        key: FullKey<'_>,
        value: Value,
        timeout: Timeout,
    ) -> Result<(), CacheError> {
        self.set_now(key, value, timeout)
    }
    /// DUM-1: `add` claims success although nothing is kept.
    async fn add(
        &self,
        _key: FullKey<'_>,
        _value: Value,
        _timeout: Timeout,
    ) -> Result<bool, CacheError> {
        Ok(true)
    }
    async fn touch(&self, _key: FullKey<'_>, _timeout: Timeout) -> Result<bool, CacheError> {
        Ok(false)
    }
    async fn delete(&self, _key: FullKey<'_>) -> Result<bool, CacheError> {
        Ok(false)
    }
    async fn has_key(&self, _key: FullKey<'_>) -> Result<bool, CacheError> {
        Ok(false)
    }
    async fn clear(&self) -> Result<(), CacheError> {
        Ok(())
    }
    async fn inspect(&self, _detail: Detail) -> Result<Inspection, CacheError> {
        Ok(Inspection {
            backend: "dummy",
            now: self.clock.now(),
            count: 0,
            order: None,
            entries: Vec::new(),
            stats: Stats::default(),
            last_cull: None,
        })
    }
}

/// django-redis's extras on a store that never holds anything: every key is missing.
impl super::extras::BackendExtras for DummyCache {
    async fn ttl(
        &self,
        _key: crate::key::FullKey<'_>,
        _millis: bool,
    ) -> Result<super::extras::Ttl, CacheError> {
        Ok(super::extras::Ttl::Missing)
    }

    async fn expire(
        &self,
        _key: crate::key::FullKey<'_>,
        _expiry: super::extras::Expiry,
    ) -> Result<bool, CacheError> {
        Ok(false)
    }

    async fn persist(&self, _key: crate::key::FullKey<'_>) -> Result<bool, CacheError> {
        Ok(false)
    }

    async fn scan(&self, _pattern: &str) -> Result<Vec<alloc::string::String>, CacheError> {
        Ok(Vec::new())
    }
}
