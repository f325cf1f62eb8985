//! The JSON the replay prints, written as Python's `json.dumps(ensure_ascii=False)` would
//! read it back: floats always look like floats, non-finite floats never appear bare.

use crate::python;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

/// A JSON document.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i128),
    /// A finite float (written with a `.` or an exponent).
    Float(f64),
    /// A string.
    Str(String),
    /// An array.
    Array(Vec<Json>),
    /// An object, in insertion order.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// Builds an object from `(name, value)` pairs.
    pub fn object<const N: usize>(fields: [(&str, Json); N]) -> Self {
        Self::Object(
            fields
                .into_iter()
                .map(|(k, v)| (String::from(k), v))
                .collect(),
        )
    }

    /// The compact JSON text.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Self::Null => out.push_str("null"),
            Self::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Self::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Self::Float(x) => out.push_str(&python::float_repr(*x)),
            Self::Str(s) => write_str(out, s),
            Self::Array(items) => {
                out.push('[');
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        out.push_str(", ");
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Self::Object(fields) => {
                out.push('{');
                for (n, (key, value)) in fields.iter().enumerate() {
                    if n > 0 {
                        out.push_str(", ");
                    }
                    write_str(out, key);
                    out.push_str(": ");
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

fn write_str(out: &mut String, s: &str) {
    crate::codec::json::write_string(out, s, crate::codec::json::Escaping::Controls);
}
