//! The `COMPRESSOR` option, named by django-redis's dotted paths.

use alloc::borrow::Cow;
use alloc::vec::Vec;

/// django-redis's `ZlibCompressor.min_length`: values of at most this many bytes are stored
/// as they are.
pub const ZLIB_MIN_LENGTH: usize = 15;

/// A compressor a cache's `OPTIONS["COMPRESSOR"]` may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Compressor {
    /// No compression (django-redis's `IdentityCompressor`, the default).
    #[default]
    Identity,
    /// zlib at level 6 for values longer than [`ZLIB_MIN_LENGTH`] bytes.
    Zlib,
}

impl Compressor {
    /// Every dotted path accepted, with the compressor it names.
    pub const PATHS: &'static [(&'static str, Compressor)] = &[
        (
            "django_redis.compressors.identity.IdentityCompressor",
            Compressor::Identity,
        ),
        (
            "django_redis.compressors.zlib.ZlibCompressor",
            Compressor::Zlib,
        ),
    ];

    /// The compressor a dotted path names, if edgecache has it.
    pub fn from_path(path: &str) -> Option<Self> {
        Self::PATHS
            .iter()
            .find(|(known, _)| *known == path)
            .map(|(_, compressor)| *compressor)
    }

    /// `compressor.compress(data)`: zlib only above the minimum length.
    pub fn compress(self, data: Vec<u8>) -> Vec<u8> {
        match self {
            Self::Zlib if data.len() > ZLIB_MIN_LENGTH => super::zlib_compress(&data),
            _ => data,
        }
    }

    /// django-redis's decode step: decompress, and when the bytes are not a zlib stream (a
    /// short value stored as it was) use them as they are.
    pub fn decompress(self, data: &[u8]) -> Cow<'_, [u8]> {
        match self {
            Self::Zlib => match super::zlib_decompress(data) {
                Ok(inflated) => Cow::Owned(inflated),
                Err(_) => Cow::Borrowed(data),
            },
            Self::Identity => Cow::Borrowed(data),
        }
    }
}
