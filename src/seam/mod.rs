//! The storage seams: small async traits each runtime implements for its own storage.
//!
//! Futures are boxed and not `Send`, because Workers KV, D1, `fetch` and IndexedDB answer on
//! the JavaScript event loop; on native targets the stores themselves are `Send + Sync` so a
//! cache can be shared between threads.

pub mod http;
pub mod kv;
pub mod sql;

use alloc::boxed::Box;
use core::future::Future;
use core::pin::Pin;

/// A boxed future that may hold non-`Send` state (one JavaScript isolate, one thread).
pub type LocalBoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// `Send + Sync` on native targets; nothing on `wasm32`, where JavaScript handles are neither.
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSendSync: Send + Sync {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Send + Sync + ?Sized> MaybeSendSync for T {}

/// `Send + Sync` on native targets; nothing on `wasm32`, where JavaScript handles are neither.
#[cfg(target_arch = "wasm32")]
pub trait MaybeSendSync {}
#[cfg(target_arch = "wasm32")]
impl<T: ?Sized> MaybeSendSync for T {}
