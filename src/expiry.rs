//! Timeouts: what a caller asks for, and how each backend turns it into an expiry.

use crate::error::CacheError;
use crate::python;
use crate::value::Value;

/// The `timeout` argument of a write: omitted, `None`, or a number of seconds.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Timeout {
    /// Omitted: the cache's default `TIMEOUT` (Django's `DEFAULT_TIMEOUT` sentinel).
    #[default]
    Default,
    /// `None`: never expires.
    Never,
    /// Seconds from now; `0` and negatives expire at once, fractions are kept.
    Seconds(f64),
}

impl Timeout {
    /// Reads a Python value given as `timeout=`: `None`, an int, a float or a bool.
    pub fn from_value(value: &Value) -> Result<Self, CacheError> {
        match value {
            Value::None => Ok(Self::Never),
            Value::Bool(b) => Ok(Self::Seconds(f64::from(u8::from(*b)))),
            Value::Int(i) => Ok(Self::Seconds(*i as f64)),
            Value::Float(f) => Ok(Self::Seconds(*f)),
            other => Err(CacheError::Type(crate::text::cat(&[
                "unsupported operand type(s) for +: 'float' and '",
                python::type_name(other),
                "'",
            ]))),
        }
    }
}

impl From<u32> for Timeout {
    fn from(seconds: u32) -> Self {
        Self::Seconds(f64::from(seconds))
    }
}

impl From<f64> for Timeout {
    fn from(seconds: f64) -> Self {
        Self::Seconds(seconds)
    }
}

/// The expiry instant Django's generic `get_backend_timeout` computes (locmem, filebased, db,
/// dummy): `None` for never, otherwise Unix seconds.
///
/// TMO-2: the default timeout is used as-is (a default of 0 is *not* turned into -1, TMO-3),
/// an explicit 0 becomes -1, and fractions are kept.
pub fn generic_expiry(timeout: Timeout, default_timeout: Option<f64>, now: f64) -> Option<f64> {
    let seconds = match timeout {
        Timeout::Default => default_timeout?,
        Timeout::Never => return None,
        Timeout::Seconds(0.0) => -1.0, // also matches -0.0, as Python's `timeout == 0` does
        Timeout::Seconds(s) => s,
    };
    Some(now + seconds)
}
