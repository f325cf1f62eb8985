//! The cache value type: the Python objects a Django cache stores, kept distinct.
//!
//! `1`, `1.0` and `True` are three different values (as in a pickle), tuples are not lists,
//! and bytes are not strings. Dicts keep insertion order, as Python's do.

use alloc::string::String;
use alloc::vec::Vec;

/// A Python value as Django's cache stores it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    /// `None`.
    None,
    /// `True` / `False`.
    Bool(bool),
    /// An `int`. Python's ints are unbounded; edgecache keeps 128 bits.
    Int(i128),
    /// A `float` (IEEE double, like CPython's).
    Float(f64),
    /// A `str`.
    Str(String),
    /// A `bytes` object.
    Bytes(Vec<u8>),
    /// A `list`.
    List(Vec<Value>),
    /// A `tuple`.
    Tuple(Vec<Value>),
    /// A `dict`, in insertion order.
    Dict(Vec<(Value, Value)>),
}

impl Value {
    /// The str inside, if this is a `str`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Str(text) => Some(text),
            _ => None,
        }
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Self::Str(String::from(text))
    }
}

impl From<String> for Value {
    fn from(text: String) -> Self {
        Self::Str(text)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Self::Bool(b)
    }
}

impl From<f64> for Value {
    fn from(x: f64) -> Self {
        Self::Float(x)
    }
}

impl From<()> for Value {
    fn from((): ()) -> Self {
        Self::None
    }
}

macro_rules! int_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(i: $t) -> Self {
                Self::Int(i128::from(i))
            }
        }
    )*};
}
int_from!(i8, i16, i32, i64, i128, u8, u16, u32, u64);

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(option: Option<T>) -> Self {
        option.map_or(Self::None, Into::into)
    }
}
