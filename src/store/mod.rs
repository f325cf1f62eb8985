//! Implementations of the storage seams that ship with the core: in memory (everywhere) and,
//! on native, a directory and SQLite. Runtime-specific ones (Workers KV, D1, IndexedDB) live
//! with their runtimes.

#[cfg(edgecache_std)]
pub mod directory;
#[cfg(edgecache_std)]
pub mod http;
pub mod memory;
#[cfg(edgecache_sqlite)]
pub mod sqlite;
