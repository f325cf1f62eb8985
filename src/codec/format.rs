//! How a network backend lays a value out in its store: django-redis's `encode`/`decode`
//! around the configured [`Serializer`] and [`Compressor`] (RD-2 for the defaults).
//!
//! An exact int (not a bool) is stored as its decimal text, so the server's `INCRBY` works on
//! it; anything else is serialized, then compressed. Reading tries `int()` first, then
//! decompresses (keeping the bytes as they are when they are no zlib stream: short values are
//! stored uncompressed), then deserializes.

use super::compressor::Compressor;
use super::serializer::Serializer;
use crate::error::CacheError;
use crate::value::Value;
use alloc::format;
use alloc::string::ToString;
use alloc::vec::Vec;

/// A serializer and a compressor, as a cache's `OPTIONS` chose them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValueFormat {
    /// `OPTIONS["SERIALIZER"]`.
    pub serializer: Serializer,
    /// `OPTIONS["COMPRESSOR"]`.
    pub compressor: Compressor,
    /// The pickle protocol written (RD-2): Django's `RedisSerializer` uses
    /// `pickle.HIGHEST_PROTOCOL` (5); django-redis's `PickleSerializer` uses
    /// `pickle.DEFAULT_PROTOCOL` (4 on CPython 3.8–3.13) unless `OPTIONS["PICKLE_VERSION"]`.
    pub pickle_protocol: u8,
}

impl Default for ValueFormat {
    /// Django's own `RedisCache`: pickle protocol 5, no compression.
    fn default() -> Self {
        Self {
            serializer: Serializer::default(),
            compressor: Compressor::default(),
            pickle_protocol: 5,
        }
    }
}

impl ValueFormat {
    /// The stored bytes of `value`; a [`CacheError::Value`] naming the sizes when they exceed
    /// `max_bytes`, the largest value `backend` accepts.
    pub fn encode(
        self,
        value: &Value,
        max_bytes: usize,
        backend: &str,
    ) -> Result<Vec<u8>, CacheError> {
        let bytes = match value {
            Value::Int(i) => i.to_string().into_bytes(),
            other => self
                .compressor
                .compress(self.serializer.dumps(other, self.pickle_protocol)?),
        };
        if bytes.len() > max_bytes {
            return Err(CacheError::Value(format!(
                "the value is {} bytes once serialized, more than the {} bytes a {backend} value may hold",
                bytes.len(),
                max_bytes
            )));
        }
        Ok(bytes)
    }

    /// The value stored as `raw`.
    pub fn decode(self, raw: &[u8]) -> Result<Value, CacheError> {
        if let Some(int) = crate::backend::redis::python_int(raw) {
            return int;
        }
        let data = self.compressor.decompress(raw);
        self.serializer.loads(&data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn ints_raw_and_short_values_uncompressed() {
        let zlib_json = ValueFormat {
            serializer: Serializer::Json,
            compressor: Compressor::Zlib,
            pickle_protocol: 5,
        };
        assert_eq!(
            zlib_json.encode(&Value::Int(-3), 100, "redis").unwrap(),
            b"-3"
        );
        assert_eq!(
            zlib_json.encode(&Value::Bool(true), 100, "redis").unwrap(),
            b"true"
        );
        let long = Value::List(vec![Value::from("abcdefgh"); 10]);
        let stored = zlib_json.encode(&long, 1000, "redis").unwrap();
        assert_eq!(stored[0], 0x78, "a zlib header");
        assert_eq!(zlib_json.decode(&stored).unwrap(), long);
        assert_eq!(
            zlib_json.decode(b"[1, 2]").unwrap(),
            Value::List(vec![Value::Int(1), Value::Int(2)])
        );
        let error = zlib_json
            .encode(&Value::from("x".repeat(64)), 16, "memcached")
            .unwrap_err();
        assert!(
            error.message().contains("16 bytes a memcached value"),
            "{error:?}"
        );
    }
}
