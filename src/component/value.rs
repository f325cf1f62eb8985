//! WIT values to core values and back (the `value` variant: scalars as themselves, everything
//! else in the `encoded` form, which is the core's postcard codec), and core errors and
//! warnings to their WIT types.

use super::exports::edgecache::cache::api::{self, Exception};
use crate::codec::postcard;
use crate::error::{CacheError, Warning};
use crate::python;
use crate::value::Value;
use alloc::string::String;
use alloc::vec::Vec;

/// A WIT value to a core value. A malformed `encoded` form is a `ValueError`; nesting is
/// bounded by the codec (512 levels), so deep input is an error, not a stack overflow.
pub(super) fn decode(value: api::Value) -> Result<Value, CacheError> {
    Ok(match value {
        api::Value::None => Value::None,
        api::Value::Boolean(b) => Value::Bool(b),
        api::Value::Int(i) => Value::Int(i128::from(i)),
        api::Value::Float(x) => Value::Float(x),
        api::Value::Str(text) => Value::Str(text),
        api::Value::Bytes(bytes) => Value::Bytes(bytes),
        api::Value::Encoded(raw) => match postcard::loads(&raw) {
            Ok(value) => dict_display(value),
            Err(error) => {
                let mut message = String::from("malformed value: ");
                message.push_str(error.message());
                return Err(CacheError::Value(message));
            }
        },
    })
}

/// Repeated dict keys collapse as in a dict display: the first position, the last value.
fn dict_display(value: Value) -> Value {
    match value {
        Value::List(items) => Value::List(items.into_iter().map(dict_display).collect()),
        Value::Tuple(items) => Value::Tuple(items.into_iter().map(dict_display).collect()),
        Value::Dict(pairs) => {
            let mut dict = Vec::with_capacity(pairs.len());
            for (key, item) in pairs {
                python::dict_insert(&mut dict, dict_display(key), dict_display(item));
            }
            Value::Dict(dict)
        }
        scalar => scalar,
    }
}

/// Every WIT value of a list.
pub(super) fn decode_all(values: Vec<api::Value>) -> Result<Vec<Value>, CacheError> {
    values.into_iter().map(decode).collect()
}

/// A core value to a WIT value: scalars as themselves, the rest encoded.
pub(super) fn encode(value: &Value) -> api::Value {
    match value {
        Value::None => api::Value::None,
        Value::Bool(b) => api::Value::Boolean(*b),
        Value::Int(i) => match i64::try_from(*i) {
            Ok(small) => api::Value::Int(small),
            Err(_) => api::Value::Encoded(postcard::dumps(value)),
        },
        Value::Float(x) => api::Value::Float(*x),
        Value::Str(text) => api::Value::Str(text.clone()),
        Value::Bytes(bytes) => api::Value::Bytes(bytes.clone()),
        Value::List(_) | Value::Tuple(_) | Value::Dict(_) => {
            api::Value::Encoded(postcard::dumps(value))
        }
    }
}

/// Every core value of a list, as WIT values.
pub(super) fn encode_all(values: &[Value]) -> Vec<api::Value> {
    values.iter().map(encode).collect()
}

/// A core error as the WIT variant: the same Python exception and message.
pub(super) fn error(error: CacheError) -> api::Error {
    match error {
        CacheError::Value(message) => api::Error::ValueError(message),
        CacheError::Type(message) => api::Error::TypeError(message),
        CacheError::InvalidKey(message) => api::Error::InvalidCacheKey(message),
        CacheError::InvalidBackend(message) => api::Error::InvalidCacheBackendError(message),
        CacheError::Overflow(message) => api::Error::OverflowError(message),
        other => api::Error::Other(Exception {
            python_type: other.python_type().into(),
            message: other.message().into(),
        }),
    }
}

/// A core warning as the WIT record.
pub(super) fn warning(warning: Warning) -> api::Warning {
    api::Warning {
        category: warning.category.into(),
        message: warning.message,
    }
}
