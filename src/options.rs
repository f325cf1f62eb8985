//! Per-call options: Django's `timeout=` and `version=` keyword arguments.

use crate::expiry::Timeout;
use crate::value::Value;

/// The keyword arguments of a cache call. Methods ignore the fields Django's signature lacks
/// (e.g. `get` has no timeout).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Options {
    /// `timeout=`; [`Timeout::Default`] when omitted.
    pub timeout: Timeout,
    /// `version=`; `None` means the cache's `VERSION` (KEY-3).
    pub version: Option<Value>,
}

impl Options {
    /// No keyword arguments.
    pub const DEFAULT: Self = Self {
        timeout: Timeout::Default,
        version: None,
    };

    /// No keyword arguments (same as [`Options::DEFAULT`]).
    pub fn new() -> Self {
        Self::DEFAULT
    }

    /// Sets `timeout=`.
    pub fn timeout(mut self, timeout: impl Into<Timeout>) -> Self {
        self.timeout = timeout.into();
        self
    }

    /// Sets `version=`.
    pub fn version(mut self, version: impl Into<Value>) -> Self {
        self.version = Some(version.into());
        self
    }
}
