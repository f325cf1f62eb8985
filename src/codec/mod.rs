//! How values become bytes: Django's own formats wherever a store may be shared with a
//! Django app (pickle, zlib, base64), so both sides read each other's entries.

pub mod compressor;
#[cfg(edgecache_storage_backends)]
pub mod format;
pub mod json;
pub mod md5;
pub mod options;
pub mod pickle;
pub mod postcard;
pub mod serializer;

use crate::error::CacheError;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use base64::Engine as _;

/// Largest value a cache entry may decompress to (a guard against zlib bombs).
pub const MAX_DECOMPRESSED: usize = 512 * 1024 * 1024;

/// `zlib.compress(data)` (level 6, Python's default); the stream differs from CPython's zlib
/// in places but each side reads the other's.
pub fn zlib_compress(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

/// `zlib.decompress(data)`.
pub fn zlib_decompress(data: &[u8]) -> Result<Vec<u8>, CacheError> {
    miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(data, MAX_DECOMPRESSED)
        .map_err(|e| CacheError::Storage(format!("zlib: {:?}", e.status)))
}

/// `base64.b64encode(data).decode("latin1")`.
pub fn base64_encode(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// `base64.b64decode(text)`.
pub fn base64_decode(text: &str) -> Result<Vec<u8>, CacheError> {
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|e| CacheError::Database(format!("the value column is not base64: {e}")))
}

pub use md5::md5_hex;
