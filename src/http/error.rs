//! The errors of the HTTP layer, named after the Python exception Django raises.

use crate::error::CacheError;
use alloc::string::String;
use core::fmt;

/// A failed HTTP-layer operation.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum HttpError {
    /// The cache underneath failed.
    Cache(CacheError),
    /// `DisallowedHost`: the request's host is invalid or not in `ALLOWED_HOSTS`.
    DisallowedHost(String),
    /// `BadHeaderError`: a header value with a newline.
    BadHeader(String),
    /// `TypeError` (e.g. comparing a str timeout with 0).
    Type(String),
    /// `ValueError` (e.g. `int()` of a malformed `max-age`).
    Value(String),
    /// `UnicodeEncodeError`: a response header name that is not ASCII.
    UnicodeEncode(String),
    /// `OverflowError` (e.g. an `Expires` instant beyond the platform's `time_t`).
    Overflow(String),
    /// `OSError` (e.g. an `Expires` instant whose year the C library's `gmtime` can't hold).
    Os(String),
}

impl HttpError {
    /// The Python exception class name.
    pub fn python_type(&self) -> &'static str {
        match self {
            Self::Cache(error) => error.python_type(),
            Self::DisallowedHost(_) => "DisallowedHost",
            Self::BadHeader(_) => "BadHeaderError",
            Self::Type(_) => "TypeError",
            Self::Value(_) => "ValueError",
            Self::UnicodeEncode(_) => "UnicodeEncodeError",
            Self::Overflow(_) => "OverflowError",
            Self::Os(_) => "OSError",
        }
    }

    /// The exception's message.
    pub fn message(&self) -> &str {
        match self {
            Self::Cache(error) => error.message(),
            Self::DisallowedHost(m)
            | Self::BadHeader(m)
            | Self::Type(m)
            | Self::Value(m)
            | Self::UnicodeEncode(m)
            | Self::Overflow(m)
            | Self::Os(m) => m,
        }
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.python_type(), self.message())
    }
}

#[cfg(edgecache_std)]
impl std::error::Error for HttpError {}

impl From<CacheError> for HttpError {
    fn from(error: CacheError) -> Self {
        Self::Cache(error)
    }
}

impl From<crate::python::PyError> for HttpError {
    fn from(error: crate::python::PyError) -> Self {
        Self::Cache(error.into())
    }
}
