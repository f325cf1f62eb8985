//! The `SERIALIZER` option: how a value becomes bytes in a store, named by django-redis's
//! dotted paths so a pasted `CACHES` dict keeps its meaning.

use super::{json, pickle, postcard};
use crate::error::CacheError;
use crate::value::Value;
use alloc::format;
use alloc::vec::Vec;

/// A serializer a cache's `OPTIONS["SERIALIZER"]` may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Serializer {
    /// Python's pickle: Django's default and django-redis's `PickleSerializer`.
    #[default]
    Pickle,
    /// django-redis's `JSONSerializer` (`json.dumps` with Django's encoder).
    Json,
    /// edgecache's postcard format, for stores only edgecache reads.
    Postcard,
}

impl Serializer {
    /// Every dotted path accepted, with the serializer it names.
    pub const PATHS: &'static [(&'static str, Serializer)] = &[
        (
            "django_redis.serializers.pickle.PickleSerializer",
            Serializer::Pickle,
        ),
        (
            "django_redis.serializers.json.JSONSerializer",
            Serializer::Json,
        ),
        (
            "edgecache.serializers.postcard.PostcardSerializer",
            Serializer::Postcard,
        ),
    ];

    /// The serializer a dotted path names, if edgecache has it.
    pub fn from_path(path: &str) -> Option<Self> {
        Self::PATHS
            .iter()
            .find(|(known, _)| *known == path)
            .map(|(_, serializer)| *serializer)
    }

    /// The canonical dotted path.
    pub fn path(self) -> &'static str {
        Self::PATHS
            .iter()
            .find(|(_, serializer)| *serializer == self)
            .map_or("", |(path, _)| path)
    }

    /// `serializer.dumps(value)`; pickles are written with `pickle_protocol` (4 or 5).
    pub fn dumps(self, value: &Value, pickle_protocol: u8) -> Result<Vec<u8>, CacheError> {
        match self {
            Self::Pickle => Ok(pickle::dumps_protocol(value, pickle_protocol)),
            Self::Json => json::dumps(value),
            Self::Postcard => Ok(postcard::dumps(value)),
        }
    }

    /// `serializer.loads(raw)`.
    pub fn loads(self, raw: &[u8]) -> Result<Value, CacheError> {
        match self {
            Self::Pickle => pickle::loads(raw).map_err(|e| CacheError::Client {
                python_type: "UnpicklingError",
                message: format!("{e}"),
            }),
            Self::Json => json::loads(raw),
            Self::Postcard => postcard::loads(raw),
        }
    }
}
