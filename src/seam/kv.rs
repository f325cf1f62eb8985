//! The key-value seam the file-based backend stores its entries in: a directory on native,
//! Workers KV in the Worker, IndexedDB in the browser, memory in unit tests.
//!
//! Shaped for the weakest of them, Workers KV: writes are whole values (no rename, no
//! append), reads may be stale, `list` is paginated, a native expiry must be at least
//! [`MIN_NATIVE_TTL`] seconds, keys are at most [`MAX_KEY_BYTES`] bytes and values at most
//! [`MAX_VALUE_BYTES`].

use super::{LocalBoxFuture, MaybeSendSync};
use crate::error::CacheError;
use alloc::string::String;
use alloc::vec::Vec;

/// Workers KV's shortest `expiration_ttl`, in seconds.
pub const MIN_NATIVE_TTL: u64 = 60;
/// Workers KV's longest key, in bytes.
pub const MAX_KEY_BYTES: usize = 512;
/// Workers KV's largest value, in bytes (25 MiB).
pub const MAX_VALUE_BYTES: usize = 25 * 1024 * 1024;

/// Extra settings of one write.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PutOptions {
    /// Ask the store to drop the entry by itself after this many seconds (a safety net: the
    /// backend still decides expiry from the entry's content). Stores round it up to
    /// [`MIN_NATIVE_TTL`] when they have such a floor; `None` keeps it forever.
    pub native_ttl: Option<u64>,
    /// Small metadata stored beside the value (Workers KV metadata).
    pub metadata: Option<String>,
}

/// One page of [`KvStore::list`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KvPage {
    /// Keys in this page, in the store's order.
    pub keys: Vec<String>,
    /// Pass to the next `list` call to continue; `None` on the last page.
    pub cursor: Option<String>,
}

/// One page of [`KvStore::list_with_metadata`]: keys with the metadata written beside them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KvMetaPage {
    /// `(key, metadata)` in this page, in the store's order.
    pub entries: Vec<(String, Option<String>)>,
    /// Pass to the next call to continue; `None` on the last page.
    pub cursor: Option<String>,
}

/// A store of byte values under string keys.
pub trait KvStore: MaybeSendSync {
    /// The value at `key`, if any.
    fn get<'a>(&'a self, key: &'a str) -> LocalBoxFuture<'a, Result<Option<Vec<u8>>, CacheError>>;

    /// Replaces the value at `key` as a whole; readers never see a partial value.
    fn put<'a>(
        &'a self,
        key: &'a str,
        value: Vec<u8>,
        options: PutOptions,
    ) -> LocalBoxFuture<'a, Result<(), CacheError>>;

    /// Removes `key`; returns whether it was there.
    fn delete<'a>(&'a self, key: &'a str) -> LocalBoxFuture<'a, Result<bool, CacheError>>;

    /// Keys starting with `prefix`, a page at a time.
    fn list<'a>(
        &'a self,
        prefix: &'a str,
        cursor: Option<String>,
    ) -> LocalBoxFuture<'a, Result<KvPage, CacheError>>;

    /// [`KvStore::list`] with each key's [`PutOptions::metadata`] (Workers KV returns it with
    /// the listing, so a cleanup can find expired entries without reading them). Stores that
    /// keep no metadata answer `None` for each key.
    fn list_with_metadata<'a>(
        &'a self,
        prefix: &'a str,
        cursor: Option<String>,
    ) -> LocalBoxFuture<'a, Result<KvMetaPage, CacheError>> {
        alloc::boxed::Box::pin(async move {
            let page = self.list(prefix, cursor).await?;
            Ok(KvMetaPage {
                entries: page.keys.into_iter().map(|key| (key, None)).collect(),
                cursor: page.cursor,
            })
        })
    }

    /// Whether listing is exact and cheap enough for the file-based backend to count its
    /// entries before every write (FB-4's cull on write). Workers KV's listing is eventually
    /// consistent and billed per call, so its adapter may answer `false`: the cull then runs
    /// from [`crate::Cache::cleanup`] on a schedule instead.
    fn cull_on_write(&self) -> bool {
        true
    }
}

/// Every key of `store` starting with `prefix`, following the pages.
pub async fn list_all(store: &dyn KvStore, prefix: &str) -> Result<Vec<String>, CacheError> {
    let mut keys = Vec::new();
    let mut cursor = None;
    loop {
        let page = store.list(prefix, cursor).await?;
        keys.extend(page.keys);
        match page.cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(keys),
        }
    }
}
