//! Errors and warnings, named after the Python exception or warning class Django uses.

use alloc::string::String;
use core::fmt;

/// A failed cache operation. Each variant is the Python exception Django raises in that case,
/// with Django's (or CPython's) message.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum CacheError {
    /// `ValueError`, e.g. `Key ':1:missing' not found`.
    Value(String),
    /// `TypeError` from Python's operators, e.g. `incr` on a str.
    Type(String),
    /// `InvalidCacheKey` (a `ValueError`): memcached's key check fails instead of warning.
    InvalidKey(String),
    /// `InvalidCacheBackendError`: an unknown alias, or a backend this build cannot run.
    InvalidBackend(String),
    /// `OverflowError`: an int beyond the 128 bits edgecache keeps (Python's are unbounded).
    Overflow(String),
    /// `NotImplementedError`: an operation that needs a part of edgecache not built yet.
    NotImplemented(String),
    /// A synchronous call reached a backend whose storage only answers asynchronously.
    WouldBlock,
    /// `OSError`: the storage under a backend failed (an unwritable directory, a corrupt
    /// entry file, a store that is down).
    Storage(String),
    /// `DatabaseError`: the database under the db backend failed.
    Database(String),
    /// `ConnectionError`: a network backend's server (or the bridge in front of it) could not
    /// be reached or answered nonsense.
    Connection(String),
    /// `RateLimitError` (edgecache's own): the store refused a write under its limits (Workers
    /// KV: one write per second per key, daily quotas on the free plan). `IGNORE_EXCEPTIONS`
    /// absorbs it like a `ConnectionError`.
    RateLimited(String),
    /// An exception a network backend's client library raises for a server's answer, e.g.
    /// redis-py's `ResponseError` or pymemcache's `MemcacheClientError`.
    Client {
        /// The Python exception class name.
        python_type: &'static str,
        /// The exception's message.
        message: String,
    },
    /// An exception of the HTTP layer (`DisallowedHost`, `BadHeaderError`, ...), see
    /// [`crate::http::HttpError`].
    Http {
        /// The Python exception class name.
        python_type: &'static str,
        /// The exception's message.
        message: String,
    },
}

impl CacheError {
    /// The Python exception class name (`ValueError`, `InvalidCacheKey`, ...).
    pub fn python_type(&self) -> &'static str {
        match self {
            Self::Value(_) => "ValueError",
            Self::Type(_) => "TypeError",
            Self::InvalidKey(_) => "InvalidCacheKey",
            Self::InvalidBackend(_) => "InvalidCacheBackendError",
            Self::Overflow(_) => "OverflowError",
            Self::NotImplemented(_) => "NotImplementedError",
            Self::WouldBlock => "BlockingIOError",
            Self::Storage(_) => "OSError",
            Self::Database(_) => "DatabaseError",
            Self::Connection(_) => "ConnectionError",
            Self::RateLimited(_) => "RateLimitError",
            Self::Client { python_type, .. } | Self::Http { python_type, .. } => python_type,
        }
    }

    /// The exception's message.
    pub fn message(&self) -> &str {
        match self {
            Self::Value(m)
            | Self::Type(m)
            | Self::InvalidKey(m)
            | Self::InvalidBackend(m)
            | Self::Overflow(m)
            | Self::NotImplemented(m)
            | Self::Storage(m)
            | Self::Database(m)
            | Self::Connection(m)
            | Self::RateLimited(m)
            | Self::Client { message: m, .. }
            | Self::Http { message: m, .. } => m,
            Self::WouldBlock => "this backend's storage is asynchronous; use the async API",
        }
    }
}

impl fmt::Display for CacheError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.python_type(), self.message())
    }
}

#[cfg(edgecache_std)]
impl std::error::Error for CacheError {}

/// A warning Django would emit through Python's `warnings` module; the operation went ahead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The warning class, e.g. `CacheKeyWarning`.
    pub category: &'static str,
    /// Django's message.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.category, self.message)
    }
}

impl From<crate::python::PyError> for CacheError {
    fn from(error: crate::python::PyError) -> Self {
        match error {
            crate::python::PyError::TypeError(message) => Self::Type(message),
            crate::python::PyError::Overflow => {
                Self::Overflow("edgecache keeps ints within 128 bits; this result is larger".into())
            }
        }
    }
}
