//! An in-memory [`KvStore`] for unit tests and for runtimes without storage.

use crate::error::CacheError;
use crate::seam::LocalBoxFuture;
use crate::seam::kv::{KvPage, KvStore, PutOptions};
use crate::sync::Mutex;
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

/// Keys returned per [`KvStore::list`] page, like Workers KV's default.
const PAGE: usize = 1000;

/// A key-value store in a `BTreeMap`.
#[derive(Debug, Default)]
pub struct MemoryKv {
    entries: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl MemoryKv {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl KvStore for MemoryKv {
    fn get<'a>(&'a self, key: &'a str) -> LocalBoxFuture<'a, Result<Option<Vec<u8>>, CacheError>> {
        Box::pin(async move { Ok(self.entries.lock().get(key).cloned()) })
    }

    fn put<'a>(
        &'a self,
        key: &'a str,
        value: Vec<u8>,
        _options: PutOptions,
    ) -> LocalBoxFuture<'a, Result<(), CacheError>> {
        Box::pin(async move {
            self.entries.lock().insert(String::from(key), value);
            Ok(())
        })
    }

    fn delete<'a>(&'a self, key: &'a str) -> LocalBoxFuture<'a, Result<bool, CacheError>> {
        Box::pin(async move { Ok(self.entries.lock().remove(key).is_some()) })
    }

    fn list<'a>(
        &'a self,
        prefix: &'a str,
        cursor: Option<String>,
    ) -> LocalBoxFuture<'a, Result<KvPage, CacheError>> {
        Box::pin(async move {
            let entries = self.entries.lock();
            let start = cursor.unwrap_or_default();
            let keys: Vec<String> = entries
                .keys()
                .filter(|key| key.starts_with(prefix) && key.as_str() > start.as_str())
                .take(PAGE + 1)
                .cloned()
                .collect();
            let more = keys.len() > PAGE;
            let keys: Vec<String> = keys.into_iter().take(PAGE).collect();
            let cursor = if more { keys.last().cloned() } else { None };
            Ok(KvPage { keys, cursor })
        })
    }
}
