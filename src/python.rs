//! CPython 3.11 object semantics needed by the cache, for `#![no_std]` + `alloc`.
//!
//! Everything here reproduces what CPython 3.11 prints or computes for the
//! equivalent Python objects (`repr()`, `str()`, `+`, unary `-`, `int()`,
//! `round(x, 6)`, truthiness and dict-key equality).  Python's ints are
//! arbitrary precision; edgecache stores them as `i128`, so results that do
//! not fit in 128 bits are reported as [`PyError::Overflow`] /
//! [`IntError::Overflow`] instead of producing a big integer.
//!
//! No function in this module panics, whatever the input.
#![deny(missing_docs)]

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::text::cat;
use crate::value::Value;

/// Error raised by an operation, mirroring the Python exception.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PyError {
    /// Python's `TypeError`; holds CPython 3.11's exact message.
    TypeError(String),
    /// The integer result exceeds 128 bits (edgecache's integer limit; Python
    /// itself would return a bigger int).
    Overflow,
}

impl fmt::Display for PyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PyError::TypeError(msg) => write!(f, "TypeError: {msg}"),
            PyError::Overflow => f.write_str("integer result exceeds 128 bits"),
        }
    }
}

/// Error from [`int`], mirroring the exception Python's `int(x)` raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntError {
    /// `ValueError`: malformed string, NaN, or more than 4300 digits.
    Value,
    /// `TypeError`: the value has no integer conversion (None, list, tuple, dict).
    Type,
    /// The result is infinite (`OverflowError` in Python) or does not fit in
    /// 128 bits (edgecache's integer limit).
    Overflow,
}

impl fmt::Display for IntError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IntError::Value => "ValueError",
            IntError::Type => "TypeError",
            IntError::Overflow => "OverflowError",
        })
    }
}

/// Python's `type(v).__name__`.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::None => "NoneType",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int",
        Value::Float(_) => "float",
        Value::Str(_) => "str",
        Value::Bytes(_) => "bytes",
        Value::List(_) => "list",
        Value::Tuple(_) => "tuple",
        Value::Dict(_) => "dict",
    }
}

/// Python truthiness (`bool(v)`).
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::None => false,
        Value::Bool(b) => *b,
        Value::Int(i) => *i != 0,
        // NaN is truthy in Python, and `NaN != 0.0` holds.
        Value::Float(x) => *x != 0.0,
        Value::Str(s) => !s.is_empty(),
        Value::Bytes(b) => !b.is_empty(),
        Value::List(items) | Value::Tuple(items) => !items.is_empty(),
        Value::Dict(entries) => !entries.is_empty(),
    }
}

// ---------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------

/// A numeric operand: bool is folded into int, as in Python.
#[derive(Clone, Copy)]
enum Num {
    Int(i128),
    Float(f64),
}

fn as_num(v: &Value) -> Option<Num> {
    match v {
        Value::Bool(b) => Some(Num::Int(i128::from(*b))),
        Value::Int(i) => Some(Num::Int(*i)),
        Value::Float(x) => Some(Num::Float(*x)),
        _ => None,
    }
}

/// 2**127 as an `f64` (exactly representable).
const TWO_POW_127: f64 = 170_141_183_460_469_231_731_687_303_715_884_105_728.0;

/// Exact comparison of an int with a float, like CPython's `int == float`
/// (no rounding of the int to float).
fn int_eq_float(i: i128, x: f64) -> bool {
    if !(-TWO_POW_127..TWO_POW_127).contains(&x) {
        return false;
    }
    // In range, `as` truncates exactly; the float is integral iff truncation
    // gives it back.
    let t = x as i128;
    t == i && t as f64 == x
}

fn num_eq(a: Num, b: Num) -> bool {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => x == y,
        (Num::Float(x), Num::Float(y)) => x == y,
        (Num::Int(i), Num::Float(x)) | (Num::Float(x), Num::Int(i)) => int_eq_float(i, x),
    }
}

/// Python's `a + b`.
///
/// bool acts as int; int + int is checked (exceeding 128 bits gives
/// [`PyError::Overflow`]); int + float converts the int to the nearest float
/// first, as CPython does.  str, bytes, list and tuple concatenate with their
/// own type.  Every other combination is a `TypeError` with CPython 3.11's
/// exact message.
pub fn add(a: &Value, b: &Value) -> Result<Value, PyError> {
    if let (Some(x), Some(y)) = (as_num(a), as_num(b)) {
        return match (x, y) {
            (Num::Int(i), Num::Int(j)) => i.checked_add(j).map(Value::Int).ok_or(PyError::Overflow),
            (Num::Int(i), Num::Float(f)) => Ok(Value::Float(i as f64 + f)),
            (Num::Float(f), Num::Int(i)) => Ok(Value::Float(f + i as f64)),
            (Num::Float(f), Num::Float(g)) => Ok(Value::Float(f + g)),
        };
    }
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => {
            let mut s = String::with_capacity(x.len().saturating_add(y.len()));
            s.push_str(x);
            s.push_str(y);
            Ok(Value::Str(s))
        }
        (Value::Bytes(x), Value::Bytes(y)) => Ok(Value::Bytes(concat(x, y))),
        (Value::List(x), Value::List(y)) => Ok(Value::List(concat(x, y))),
        (Value::Tuple(x), Value::Tuple(y)) => Ok(Value::Tuple(concat(x, y))),
        (Value::Bytes(_), _) => Err(PyError::TypeError(cat(&[
            "can't concat ",
            type_name(b),
            " to bytes",
        ]))),
        (Value::Str(_) | Value::List(_) | Value::Tuple(_), _) => Err(PyError::TypeError(cat(&[
            "can only concatenate ",
            type_name(a),
            " (not \"",
            type_name(b),
            "\") to ",
            type_name(a),
        ]))),
        _ => Err(PyError::TypeError(cat(&[
            "unsupported operand type(s) for +: '",
            type_name(a),
            "' and '",
            type_name(b),
            "'",
        ]))),
    }
}

fn concat<T: Clone>(x: &[T], y: &[T]) -> Vec<T> {
    let mut v = Vec::with_capacity(x.len().saturating_add(y.len()));
    v.extend_from_slice(x);
    v.extend_from_slice(y);
    v
}

/// Python's unary minus `-v`.
///
/// `-True == -1`; `-(-2**127)` does not fit in 128 bits and gives
/// [`PyError::Overflow`].  Non-numbers give CPython's `TypeError` message.
pub fn neg(v: &Value) -> Result<Value, PyError> {
    match as_num(v) {
        Some(Num::Int(i)) => i.checked_neg().map(Value::Int).ok_or(PyError::Overflow),
        Some(Num::Float(x)) => Ok(Value::Float(-x)),
        None => Err(PyError::TypeError(cat(&[
            "bad operand type for unary -: '",
            type_name(v),
            "'",
        ]))),
    }
}

// ---------------------------------------------------------------------------
// Equality
// ---------------------------------------------------------------------------

/// Equality as Python dict keys use it (`a == b`).
///
/// Numbers compare by exact value across bool/int/float (`1 == True == 1.0`,
/// `0 == -0.0`, NaN is never equal), str and bytes by content (a str never
/// equals a bytes), lists and tuples elementwise (a list never equals a
/// tuple), dicts by content regardless of entry order.
///
/// Difference from CPython: containers compare items by value only;
/// CPython's identity shortcut (an identical NaN object inside two
/// containers compares equal) has no equivalent here.
pub fn key_eq(a: &Value, b: &Value) -> bool {
    // Work list instead of recursion so deep nesting cannot exhaust the stack
    // (except through dict *keys* that are themselves nested dicts).
    let mut work: Vec<(&Value, &Value)> = Vec::new();
    work.push((a, b));
    while let Some((x, y)) = work.pop() {
        if let (Some(p), Some(q)) = (as_num(x), as_num(y)) {
            if num_eq(p, q) {
                continue;
            }
            return false;
        }
        match (x, y) {
            (Value::None, Value::None) => {}
            (Value::Str(p), Value::Str(q)) => {
                if p != q {
                    return false;
                }
            }
            (Value::Bytes(p), Value::Bytes(q)) => {
                if p != q {
                    return false;
                }
            }
            (Value::List(p), Value::List(q)) | (Value::Tuple(p), Value::Tuple(q)) => {
                if p.len() != q.len() {
                    return false;
                }
                work.extend(p.iter().zip(q.iter()));
            }
            (Value::Dict(p), Value::Dict(q)) => {
                if p.len() != q.len() {
                    return false;
                }
                for (k, v) in p {
                    // Python looks the key up in the other dict, then compares
                    // the values.
                    match q.iter().find(|(k2, _)| key_eq(k, k2)) {
                        Some((_, v2)) => work.push((v, v2)),
                        None => return false,
                    }
                }
            }
            _ => return false,
        }
    }
    true
}

// ---------------------------------------------------------------------------
// int()
// ---------------------------------------------------------------------------

/// Python's `int(v)`.
///
/// * int → itself; bool → 0/1;
/// * float → truncated toward zero (NaN → [`IntError::Value`], ±inf or a
///   value outside `i128` → [`IntError::Overflow`]);
/// * str / bytes → parsed like `int(s)` in base 10: surrounding whitespace
///   (Unicode whitespace for str, ASCII whitespace for bytes), an optional
///   sign, digits with single underscores between them, leading zeros
///   allowed; for str any Unicode decimal digit (e.g. `'١٢'`) counts.
///   Malformed input, or more than 4300 digits (CPython 3.11's
///   `int_max_str_digits` default), is [`IntError::Value`]; a valid number
///   outside `i128` is [`IntError::Overflow`];
/// * None, list, tuple, dict → [`IntError::Type`].
pub fn int(v: &Value) -> Result<i128, IntError> {
    match v {
        Value::Bool(b) => Ok(i128::from(*b)),
        Value::Int(i) => Ok(*i),
        Value::Float(x) => float_to_int(*x),
        Value::Str(s) => {
            // CPython first maps Unicode whitespace to ' ' and Unicode decimal
            // digits to ASCII digits; any other non-ASCII character (and DEL)
            // makes the literal invalid (CPython substitutes '?', which the
            // parser rejects).
            let ascii: Vec<u8> = s
                .chars()
                .map(|c| {
                    if (c as u32) < 0x7f {
                        c as u8
                    } else if is_py_space(c) {
                        b' '
                    } else if let Some(d) = decimal_digit(c) {
                        b'0'.saturating_add(d)
                    } else {
                        b'?'
                    }
                })
                .collect();
            parse_int_ascii(&ascii)
        }
        Value::Bytes(b) => parse_int_ascii(b),
        Value::None | Value::List(_) | Value::Tuple(_) | Value::Dict(_) => Err(IntError::Type),
    }
}

fn float_to_int(x: f64) -> Result<i128, IntError> {
    if x.is_nan() {
        Err(IntError::Value)
    } else if !(-TWO_POW_127..TWO_POW_127).contains(&x) {
        Err(IntError::Overflow)
    } else {
        // In range: `as` truncates toward zero exactly.
        Ok(x as i128)
    }
}

/// CPython 3.11's default `sys.get_int_max_str_digits()`.
const MAX_STR_DIGITS: usize = 4300;

/// CPython's `Py_ISSPACE` (ASCII whitespace used by the int parser).
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Base-10 parsing of an ASCII byte stream, following CPython's
/// `PyLong_FromString`.
/// One non-generic body for text (mapped to ASCII first) and bytes alike.
fn parse_int_ascii(bytes: &[u8]) -> Result<i128, IntError> {
    #[derive(PartialEq, Eq, Clone, Copy)]
    enum St {
        Lead,
        Sign,
        Digit,
        Underscore,
        Trail,
    }
    let mut st = St::Lead;
    let mut negative = false;
    let mut magnitude: Option<u128> = Some(0);
    let mut digits: usize = 0;
    for &b in bytes {
        st = match (st, b) {
            (St::Lead, c) if is_ascii_space(c) => St::Lead,
            (St::Lead, b'+') => St::Sign,
            (St::Lead, b'-') => {
                negative = true;
                St::Sign
            }
            (St::Lead | St::Sign | St::Digit | St::Underscore, b'0'..=b'9') => {
                let d = u128::from(b.wrapping_sub(b'0'));
                magnitude = magnitude
                    .and_then(|m| m.checked_mul(10))
                    .and_then(|m| m.checked_add(d));
                digits = digits.saturating_add(1);
                St::Digit
            }
            (St::Digit, b'_') => St::Underscore,
            (St::Digit | St::Trail, c) if is_ascii_space(c) => St::Trail,
            _ => return Err(IntError::Value),
        };
    }
    if st != St::Digit && st != St::Trail {
        return Err(IntError::Value);
    }
    if digits > MAX_STR_DIGITS {
        return Err(IntError::Value);
    }
    let m = magnitude.ok_or(IntError::Overflow)?;
    if negative {
        0i128.checked_sub_unsigned(m).ok_or(IntError::Overflow)
    } else {
        i128::try_from(m).map_err(|_| IntError::Overflow)
    }
}

/// Python's `str.isspace()` for non-ASCII characters (Unicode 14.0; the set
/// has not changed since).
fn is_py_space(c: char) -> bool {
    matches!(
        c as u32,
        0x85 | 0xA0 | 0x1680 | 0x2000..=0x200A | 0x2028 | 0x2029 | 0x202F | 0x205F | 0x3000
    )
}

/// Code points of the digit zero of every run of Unicode decimal digits
/// (category Nd) in Unicode 14.0, the version CPython 3.11 uses.  Every Nd
/// character belongs to exactly one run of ten consecutive code points with
/// values 0..=9.  Generated with
/// `[c for c in range(0x110000) if unicodedata.decimal(chr(c), None) == 0]`.
#[rustfmt::skip]
const DECIMAL_ZEROS: &[u32] = &[
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0,
    0xFF10, 0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0,
    0x11650, 0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0,
    0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
];

/// The value of a Unicode decimal digit (Unicode 14.0), if `c` is one.
fn decimal_digit(c: char) -> Option<u8> {
    let cp = c as u32;
    let idx = match DECIMAL_ZEROS.binary_search(&cp) {
        Ok(i) => i,
        Err(0) => return None,
        Err(i) => i.checked_sub(1)?,
    };
    let zero = *DECIMAL_ZEROS.get(idx)?;
    let d = cp.checked_sub(zero)?;
    if d < 10 { u8::try_from(d).ok() } else { None }
}

// ---------------------------------------------------------------------------
// Printability (str.isprintable)
// ---------------------------------------------------------------------------

/// Python 3.11's `str.isprintable()` from U+0080 up, as run lengths: alternately a run of
/// non-printable and of printable code points, starting with the non-printable run at U+0080,
/// each length an unsigned LEB128 varint (1,399 runs in 1,485 bytes).
///
/// Python's definition: not printable are the categories Cc, Cf, Cs, Co, Cn, Zl, Zp and Zs
/// (the ASCII space aside), in Unicode 14.0, CPython 3.11's version. Generated with
/// `chr(c).isprintable()` in Python 3.11 for every code point; the test
/// `printability_matches_rust_escape_debug_less_py311_unassigned` checks it against Rust's
/// `escape_debug` with the characters Unicode 15.0 and later assigned taken out, which is
/// how this was decided before (without core's printability and grapheme tables in wasm).
#[rustfmt::skip]
static PRINTABLE_RUNS: &[u8] = &[
    33, 12, 1, 202, 5, 2, 6, 4, 7, 1, 1, 1, 20, 1, 141, 3, 1, 38,
    2, 50, 2, 3, 1, 55, 8, 27, 4, 6, 17, 22, 1, 192, 1, 1, 48, 2,
    59, 2, 101, 14, 59, 2, 49, 2, 15, 1, 28, 2, 1, 1, 11, 5, 31, 9,
    74, 1, 161, 1, 1, 8, 2, 2, 2, 22, 1, 7, 1, 1, 3, 4, 2, 9,
    2, 2, 2, 4, 8, 1, 4, 2, 1, 5, 2, 25, 2, 3, 1, 6, 4, 2,
    2, 22, 1, 7, 1, 2, 1, 2, 1, 2, 2, 1, 1, 5, 4, 2, 2, 3,
    3, 1, 7, 4, 1, 1, 7, 17, 10, 3, 1, 9, 1, 3, 1, 22, 1, 7,
    1, 2, 1, 5, 2, 10, 1, 3, 1, 3, 2, 1, 15, 4, 2, 12, 7, 7,
    1, 3, 1, 8, 2, 2, 2, 22, 1, 7, 1, 2, 1, 5, 2, 9, 2, 2,
    2, 3, 7, 3, 4, 2, 1, 5, 2, 18, 10, 2, 1, 6, 3, 3, 1, 4,
    3, 2, 1, 1, 1, 2, 3, 2, 3, 3, 3, 12, 4, 5, 3, 3, 1, 4,
    2, 1, 6, 1, 14, 21, 5, 13, 1, 3, 1, 23, 1, 16, 2, 9, 1, 3,
    1, 4, 7, 2, 1, 3, 2, 1, 2, 4, 2, 10, 7, 22, 1, 3, 1, 23,
    1, 10, 1, 5, 2, 9, 1, 3, 1, 4, 7, 2, 6, 2, 1, 4, 2, 10,
    1, 2, 13, 13, 1, 3, 1, 51, 1, 3, 1, 6, 4, 16, 2, 26, 1, 3,
    1, 18, 3, 24, 1, 9, 1, 1, 2, 7, 3, 1, 4, 6, 1, 1, 1, 8,
    6, 10, 2, 3, 12, 58, 4, 29, 37, 2, 1, 1, 1, 5, 1, 24, 1, 1,
    1, 23, 2, 5, 1, 1, 1, 6, 2, 10, 2, 4, 32, 72, 1, 36, 4, 39,
    1, 36, 1, 15, 1, 13, 37, 198, 1, 1, 1, 5, 1, 2, 249, 2, 1, 4,
    2, 7, 1, 1, 1, 4, 2, 41, 1, 4, 2, 33, 1, 4, 2, 7, 1, 1,
    1, 4, 2, 15, 1, 57, 1, 4, 2, 67, 2, 32, 3, 26, 6, 86, 2, 6,
    2, 128, 5, 1, 28, 3, 89, 7, 22, 9, 24, 9, 20, 12, 13, 1, 3, 1,
    2, 12, 94, 2, 10, 6, 10, 6, 14, 1, 11, 6, 89, 7, 43, 5, 70, 10,
    31, 1, 12, 4, 12, 4, 1, 3, 42, 2, 5, 11, 44, 4, 26, 6, 11, 3,
    62, 2, 65, 1, 29, 2, 11, 6, 10, 6, 14, 2, 31, 49, 77, 3, 47, 1,
    116, 8, 60, 3, 15, 3, 60, 7, 43, 2, 11, 8, 43, 5, 150, 4, 2, 6,
    2, 38, 2, 6, 2, 8, 1, 1, 1, 1, 1, 1, 1, 31, 2, 53, 1, 15,
    1, 14, 2, 6, 1, 19, 2, 3, 1, 9, 17, 24, 8, 47, 17, 2, 2, 27,
    1, 13, 3, 33, 15, 33, 15, 140, 1, 4, 151, 5, 25, 11, 21, 148, 14, 2,
    32, 1, 221, 2, 5, 45, 1, 1, 5, 1, 2, 56, 7, 2, 14, 24, 9, 7,
    1, 7, 1, 7, 1, 7, 1, 7, 1, 7, 1, 7, 1, 7, 1, 126, 34, 26,
    1, 89, 12, 214, 1, 26, 12, 5, 63, 1, 86, 2, 103, 5, 43, 1, 94, 1,
    84, 12, 47, 1, 237, 228, 1, 3, 55, 9, 220, 2, 20, 184, 1, 8, 203, 1,
    5, 2, 1, 1, 1, 5, 24, 59, 3, 10, 6, 56, 8, 70, 8, 12, 6, 116,
    11, 30, 3, 78, 1, 11, 4, 33, 1, 55, 9, 14, 2, 10, 2, 103, 24, 28,
    10, 6, 2, 6, 2, 6, 9, 7, 1, 7, 1, 60, 4, 126, 2, 10, 6, 164,
    87, 12, 23, 4, 49, 132, 66, 238, 2, 2, 106, 38, 7, 12, 5, 5, 26, 1,
    5, 1, 1, 1, 2, 1, 2, 1, 125, 16, 189, 3, 2, 54, 7, 1, 32, 42,
    6, 51, 1, 19, 1, 4, 4, 5, 1, 135, 1, 4, 190, 1, 3, 6, 2, 6,
    2, 6, 2, 3, 3, 7, 1, 7, 13, 2, 2, 12, 1, 26, 1, 19, 1, 2,
    1, 15, 2, 14, 34, 123, 5, 3, 4, 45, 3, 88, 1, 13, 3, 1, 47, 46,
    130, 1, 29, 3, 49, 15, 28, 4, 36, 9, 30, 5, 43, 5, 30, 1, 37, 4,
    14, 42, 158, 1, 2, 10, 6, 36, 4, 36, 4, 40, 8, 52, 11, 12, 1, 15,
    1, 7, 1, 2, 1, 11, 1, 15, 1, 7, 1, 2, 67, 183, 2, 9, 22, 10,
    8, 24, 6, 1, 42, 1, 9, 69, 6, 2, 1, 1, 44, 1, 2, 3, 1, 2,
    23, 1, 72, 8, 9, 48, 19, 1, 2, 5, 33, 3, 27, 5, 1, 64, 56, 4,
    20, 2, 50, 1, 2, 5, 8, 1, 3, 1, 29, 2, 3, 4, 10, 7, 9, 7,
    64, 32, 39, 4, 12, 9, 54, 3, 29, 2, 27, 5, 26, 7, 4, 12, 7, 80,
    73, 55, 51, 13, 51, 7, 46, 8, 10, 166, 2, 31, 1, 42, 1, 3, 2, 2,
    78, 40, 8, 42, 22, 26, 38, 28, 20, 23, 9, 78, 4, 36, 9, 62, 1, 5,
    13, 25, 7, 10, 6, 53, 1, 18, 8, 39, 9, 96, 1, 20, 11, 18, 1, 44,
    65, 7, 1, 1, 1, 4, 1, 15, 1, 11, 6, 59, 5, 10, 6, 4, 1, 8,
    2, 2, 2, 22, 1, 7, 1, 2, 1, 5, 1, 10, 2, 2, 2, 3, 2, 1,
    6, 1, 5, 7, 2, 7, 3, 5, 139, 1, 92, 1, 5, 30, 72, 8, 10, 166,
    1, 54, 2, 38, 34, 69, 11, 10, 6, 13, 19, 58, 6, 10, 54, 27, 2, 15,
    4, 23, 185, 1, 60, 100, 83, 12, 8, 2, 1, 2, 8, 1, 2, 1, 30, 1,
    2, 2, 12, 9, 10, 70, 8, 2, 46, 2, 11, 27, 72, 8, 83, 13, 73, 135,
    2, 9, 1, 45, 1, 14, 10, 29, 3, 32, 2, 22, 1, 14, 73, 7, 1, 2,
    1, 44, 3, 1, 1, 2, 1, 9, 8, 10, 6, 6, 1, 2, 1, 37, 1, 2,
    1, 6, 7, 10, 182, 2, 25, 183, 1, 1, 15, 50, 13, 155, 7, 102, 111, 1,
    5, 11, 196, 1, 204, 20, 99, 13, 175, 8, 209, 31, 199, 4, 185, 67, 185, 4,
    7, 31, 1, 10, 4, 81, 1, 10, 6, 30, 2, 6, 10, 70, 10, 10, 1, 7,
    1, 21, 5, 19, 176, 5, 91, 101, 75, 4, 57, 7, 17, 64, 5, 11, 2, 14,
    248, 47, 8, 214, 9, 42, 9, 231, 69, 4, 1, 7, 1, 2, 1, 163, 2, 45,
    3, 17, 4, 8, 140, 3, 132, 18, 107, 5, 13, 3, 9, 7, 10, 2, 4, 224,
    36, 46, 2, 23, 9, 116, 60, 246, 1, 10, 39, 2, 74, 8, 112, 21, 70, 154,
    1, 20, 12, 87, 9, 25, 135, 1, 85, 1, 71, 1, 2, 2, 1, 2, 2, 2,
    4, 1, 12, 1, 1, 1, 7, 1, 65, 1, 4, 2, 8, 1, 7, 1, 28, 1,
    4, 1, 5, 1, 1, 3, 7, 1, 212, 2, 2, 164, 2, 2, 190, 5, 15, 5,
    1, 15, 208, 8, 31, 225, 1, 7, 1, 17, 2, 7, 1, 2, 1, 5, 213, 1,
    45, 3, 14, 2, 10, 4, 2, 192, 2, 31, 17, 58, 5, 1, 224, 9, 7, 1,
    4, 1, 2, 1, 15, 1, 197, 1, 2, 16, 41, 76, 4, 10, 4, 2, 145, 6,
    68, 76, 61, 194, 1, 4, 1, 27, 1, 2, 1, 1, 2, 1, 1, 10, 1, 4,
    1, 1, 1, 1, 6, 1, 4, 1, 1, 1, 1, 1, 1, 3, 1, 2, 1, 1,
    2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 2, 4, 1, 7,
    1, 4, 1, 4, 1, 1, 1, 10, 1, 17, 5, 3, 1, 5, 1, 17, 52, 2,
    142, 2, 44, 4, 100, 12, 15, 2, 15, 1, 15, 1, 37, 10, 174, 1, 56, 29,
    13, 44, 4, 9, 7, 2, 14, 6, 154, 1, 216, 7, 5, 16, 3, 13, 3, 116,
    12, 89, 7, 12, 4, 1, 15, 12, 4, 56, 8, 10, 6, 40, 8, 30, 2, 2,
    78, 212, 2, 12, 14, 2, 5, 3, 5, 3, 7, 9, 29, 3, 11, 5, 6, 10,
    10, 6, 8, 8, 7, 9, 147, 1, 1, 55, 37, 10, 134, 8, 224, 205, 2, 32,
    185, 32, 7, 222, 1, 2, 130, 45, 14, 177, 58, 159, 24, 158, 4, 226, 11, 203,
    38, 181, 219, 43, 240, 1, 144, 252, 11,
];

/// Python's `str.isprintable()` for one character, as CPython 3.11 decides it.
fn is_printable(c: char) -> bool {
    let cp = c as u32;
    if cp < 0x80 {
        return (0x20..0x7f).contains(&cp);
    }
    let mut end = 0x80u32;
    let mut printable = false;
    let mut run = 0u32;
    let mut shift = 0u32;
    for &byte in PRINTABLE_RUNS {
        run |= u32::from(byte & 0x7f) << shift;
        shift += 7;
        if byte < 0x80 {
            end = end.saturating_add(run);
            if cp < end {
                return printable;
            }
            printable = !printable;
            run = 0;
            shift = 0;
        }
    }
    false
}

// ---------------------------------------------------------------------------
// repr / str
// ---------------------------------------------------------------------------

const HEX: &[u8; 16] = b"0123456789abcdef";

fn push_hex(out: &mut String, value: u32, width: u32) {
    let mut shift = width.saturating_mul(4);
    while shift >= 4 {
        shift -= 4;
        let nibble = (value >> shift) & 0xf;
        if let Some(&h) = HEX.get(nibble as usize) {
            out.push(char::from(h));
        }
    }
}

fn repr_str_into(out: &mut String, s: &str) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        let cp = c as u32;
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            _ if c == quote => {
                out.push('\\');
                out.push(c);
            }
            _ if cp < 0x20 || cp == 0x7f => {
                out.push_str("\\x");
                push_hex(out, cp, 2);
            }
            _ if cp < 0x7f || is_printable(c) => out.push(c),
            _ if cp <= 0xff => {
                out.push_str("\\x");
                push_hex(out, cp, 2);
            }
            _ if cp <= 0xffff => {
                out.push_str("\\u");
                push_hex(out, cp, 4);
            }
            _ => {
                out.push_str("\\U");
                push_hex(out, cp, 8);
            }
        }
    }
    out.push(quote);
}

fn repr_bytes_into(out: &mut String, b: &[u8]) {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    out.push('b');
    out.push(char::from(quote));
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            _ if c == quote => {
                out.push('\\');
                out.push(char::from(c));
            }
            0x20..=0x7e => out.push(char::from(c)),
            _ => {
                out.push_str("\\x");
                push_hex(out, u32::from(c), 2);
            }
        }
    }
    out.push(char::from(quote));
}

enum Task<'a> {
    Val(&'a Value),
    Text(&'static str),
}

fn push_items<'a>(stack: &mut Vec<Task<'a>>, items: &'a [Value], close: &'static str) {
    stack.push(Task::Text(close));
    for (i, item) in items.iter().enumerate().rev() {
        stack.push(Task::Val(item));
        if i > 0 {
            stack.push(Task::Text(", "));
        }
    }
}

/// Python's `repr(v)`, character for character.
///
/// Strings and bytes use Python's quote choice and escapes (Unicode
/// printability as in CPython 3.11 / Unicode 14.0), floats use
/// [`float_repr`], containers print as `[1, 'a']`, `(1,)`, `{'a': 1}`.
///
/// Difference from CPython: arbitrarily deep nesting is printed (iteratively)
/// where CPython would raise `RecursionError`.
pub fn repr(v: &Value) -> String {
    let mut out = String::new();
    let mut stack: Vec<Task<'_>> = Vec::new();
    stack.push(Task::Val(v));
    while let Some(task) = stack.pop() {
        match task {
            Task::Text(t) => out.push_str(t),
            Task::Val(v) => match v {
                Value::None => out.push_str("None"),
                Value::Bool(true) => out.push_str("True"),
                Value::Bool(false) => out.push_str("False"),
                Value::Int(i) => crate::text::push_int(&mut out, *i),
                Value::Float(x) => out.push_str(&float_repr(*x)),
                Value::Str(s) => repr_str_into(&mut out, s),
                Value::Bytes(b) => repr_bytes_into(&mut out, b),
                Value::List(items) => {
                    out.push('[');
                    push_items(&mut stack, items, "]");
                }
                Value::Tuple(items) => {
                    out.push('(');
                    push_items(&mut stack, items, if items.len() == 1 { ",)" } else { ")" });
                }
                Value::Dict(entries) => {
                    out.push('{');
                    stack.push(Task::Text("}"));
                    for (i, (k, val)) in entries.iter().enumerate().rev() {
                        stack.push(Task::Val(val));
                        stack.push(Task::Text(": "));
                        stack.push(Task::Val(k));
                        if i > 0 {
                            stack.push(Task::Text(", "));
                        }
                    }
                }
            },
        }
    }
    out
}

/// Python's `str(v)`: a str is returned unchanged, everything else is its
/// [`repr`] (containers show the repr of their items).
pub fn str(v: &Value) -> String {
    match v {
        Value::Str(s) => s.clone(),
        _ => repr(v),
    }
}

/// Python's `hash(v)` succeeding: lists and dicts (also inside a tuple) are unhashable, so
/// a dict can't take them as keys (`TypeError: unhashable type: 'list'`).
pub fn hashable(v: &Value) -> Result<(), PyError> {
    match v {
        Value::List(_) | Value::Dict(_) => Err(PyError::TypeError(cat(&[
            "unhashable type: '",
            type_name(v),
            "'",
        ]))),
        Value::Tuple(items) => items.iter().try_for_each(hashable),
        _ => Ok(()),
    }
}

/// Python's `head + "%s" + tail` formatted with `% v`: a tuple is the argument list, so a
/// 1-tuple formats its item and any other length is CPython's `TypeError`; every other
/// value formats as [`str`]. Django builds its `Key '%s' not found` messages this way, so a
/// tuple key turns them into a `TypeError` (API-9).
pub fn percent_s(head: &str, v: &Value, tail: &str) -> Result<String, PyError> {
    match v {
        Value::Tuple(items) => match items.as_slice() {
            [item] => Ok(cat(&[head, &str(item), tail])),
            [] => Err(PyError::TypeError(
                "not enough arguments for format string".into(),
            )),
            _ => Err(PyError::TypeError(
                "not all arguments converted during string formatting".into(),
            )),
        },
        _ => Ok(cat(&[head, &str(v), tail])),
    }
}

/// Python's `repr()` of a str, e.g. for Django's key warnings (`':1:with space'`).
pub fn repr_str(s: &str) -> String {
    let mut out = String::new();
    repr_str_into(&mut out, s);
    out
}

/// `dict[key] = value` on an insertion-ordered dict: an equal key (by [`key_eq`], so `1`,
/// `1.0` and `True` collide) keeps its place and first spelling and takes the new value.
pub fn dict_insert(dict: &mut Vec<(Value, Value)>, key: Value, value: Value) {
    match dict.iter_mut().find(|(existing, _)| key_eq(existing, &key)) {
        Some(slot) => slot.1 = value,
        None => dict.push((key, value)),
    }
}

// ---------------------------------------------------------------------------
// Floats
// ---------------------------------------------------------------------------

/// Python's `repr(x)` for a float.
///
/// Shortest digits that round-trip, laid out like CPython: positional when
/// the decimal exponent is in `-4..16` (`0.0001`, `1e+16` is the first
/// exponent form), otherwise `d.ddde±XX` with at least two exponent digits;
/// integral values get `.0`; `inf`, `-inf`, `nan`, `-0.0`.  When two
/// shortest candidates are exactly equally near `x`, the even one is chosen,
/// as CPython's `dtoa` does (`2.9802322387695312e-08`, not `...313`).
pub fn float_repr(x: f64) -> String {
    if x.is_nan() {
        return String::from("nan");
    }
    if x.is_infinite() {
        return String::from(if x < 0.0 { "-inf" } else { "inf" });
    }
    let Some((digits, exp)) = shortest_digits(x.abs()) else {
        return String::from("0.0"); // not reached: finite floats have digits
    };
    let n = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    let mut out = String::new();
    if x.is_sign_negative() {
        out.push('-');
    }
    // Position of the decimal point relative to the start of `digits`.
    let decpt = exp.saturating_add(1);
    if (-3..=16).contains(&decpt) {
        if decpt <= 0 {
            out.push_str("0.");
            for _ in 0..decpt.unsigned_abs() {
                out.push('0');
            }
            out.push_str(&digits);
        } else if decpt >= n {
            out.push_str(&digits);
            for _ in 0..decpt.saturating_sub(n) {
                out.push('0');
            }
            out.push_str(".0");
        } else {
            let split = usize::try_from(decpt).unwrap_or(0);
            let (int_part, frac_part) = digits.split_at_checked(split).unwrap_or((&digits, ""));
            out.push_str(int_part);
            out.push('.');
            out.push_str(frac_part);
        }
    } else {
        let mut chars = digits.chars();
        if let Some(first) = chars.next() {
            out.push(first);
        }
        let rest = chars.as_str();
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        out.push_str(if exp < 0 { "e-" } else { "e+" });
        if exp.unsigned_abs() < 10 {
            out.push('0');
        }
        crate::text::push_uint(&mut out, u128::from(exp.unsigned_abs()));
    }
    out
}

/// Shortest round-trip decimal digits of a finite, non-negative `x`, as
/// `(digits, exp)` meaning `d.ddd * 10**exp`, chosen like CPython's `dtoa`
/// (mode 0): the shortest digit string that reads back as `x`; among those,
/// the one nearest to `x`; on an exact tie, the one with an even last digit.
fn shortest_digits(x: f64) -> Option<(String, i32)> {
    // In wasm, without core's float formatting (its code and tables are large there).
    #[cfg(target_family = "wasm")]
    return Some(crate::float::shortest(x));
    #[cfg(not(target_family = "wasm"))]
    shortest_digits_core(x)
}

/// [`shortest_digits`] from core's formatting, with CPython's tie rule on top.
#[cfg(not(target_family = "wasm"))]
fn shortest_digits_core(x: f64) -> Option<(String, i32)> {
    // Rust's `{:e}` gives the shortest round-trip digits, "d.ddde[-]N", but
    // on an exact tie between two candidates it rounds up instead of to even.
    let sci = alloc::format!("{x:e}");
    let (mantissa, exp) = sci.split_once('e')?;
    let exp = exp.parse::<i32>().ok()?;
    let mut digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let n = u32::try_from(digits.len()).ok()?;
    if let Ok(d) = digits.parse::<u64>() {
        let j = exp.checked_sub(i32::try_from(n).ok()?)?;
        let (lo, hi) = (10u64.checked_pow(n.checked_sub(1)?)?, 10u64.checked_pow(n)?);
        let alternative = if d % 2 == 1 && is_exact_half(x, d.checked_mul(10)?.checked_sub(5)?, j) {
            // x lies exactly halfway between d - 1 and d (Rust chose d).
            d.checked_sub(1)
        } else if d % 2 == 1 && is_exact_half(x, d.checked_mul(10)?.checked_add(5)?, j) {
            // x lies exactly halfway between d and d + 1 (Rust chose d).
            d.checked_add(1)
        } else {
            None
        };
        if let Some(alt) = alternative.filter(|a| (lo..hi).contains(a)) {
            let scale = j.checked_add(1)?;
            if alloc::format!("{alt}e{scale}").parse::<f64>() == Ok(x) {
                digits = alloc::format!("{alt}");
                while digits.len() > 1 && digits.ends_with('0') {
                    digits.pop();
                }
            }
        }
    }
    Some((digits, exp))
}

/// Whether the finite float `x` equals `a * 10**j` exactly, for an odd `a`.
#[cfg(not(target_family = "wasm"))]
fn is_exact_half(x: f64, a: u64, j: i32) -> bool {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    let (mant, exp) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), biased - 1075)
    };
    if mant == 0 {
        return false;
    }
    // x = odd * 2**pow2 with `odd` odd.
    let tz = mant.trailing_zeros();
    let odd = u128::from(mant >> tz);
    let pow2 = exp.saturating_add_unsigned(tz);
    // a * 10**j = a * 5**j * 2**j; with `a` odd, compare odd parts and powers
    // of two separately.
    if pow2 != j {
        return false;
    }
    let Some(five) = 5u128.checked_pow(j.unsigned_abs()) else {
        return false;
    };
    if j >= 0 {
        u128::from(a).checked_mul(five) == Some(odd)
    } else {
        odd.checked_mul(five) == Some(u128::from(a))
    }
}

/// Python's `round(x, 6)`.
///
/// Correctly rounded: the exact binary value of `x` is rounded to 6 decimal
/// places, ties to even (`round(0.0078125, 6) == 0.007812`), and the decimal
/// result is converted back to the nearest float.  NaN, infinities, zeros and
/// floats that are already integers are returned unchanged; a negative value
/// rounding to zero gives `-0.0`, as in CPython.
pub fn round6(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    let bits = x.to_bits();
    let negative = bits >> 63 != 0;
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    // x = ±mant * 2**exp exactly.
    let (mant, exp) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), biased - 1075)
    };
    if exp >= 0 {
        return x;
    }
    let shift = exp.unsigned_abs();
    // mant * 10**6 < 2**73, so this cannot overflow.
    let scaled = u128::from(mant) * 1_000_000;
    // n = round_half_even(scaled / 2**shift)
    let n: u128 = if shift >= 100 {
        // scaled / 2**shift < 2**-26: rounds to 0.
        0
    } else {
        let q = scaled >> shift;
        let r = scaled - (q << shift);
        let half = 1u128 << (shift - 1);
        if r > half || (r == half && q & 1 == 1) {
            q + 1
        } else {
            q
        }
    };
    let mut text = String::from(if negative { "-" } else { "" });
    crate::text::push_uint(&mut text, n);
    text.push_str("e-6");
    crate::float::from_str(&text).unwrap_or(x)
}

#[cfg(test)]
mod tests {
    //! Expected values were produced by CPython 3.11.7 and hard-coded.
    extern crate std;

    use super::*;
    use alloc::format;
    use alloc::string::ToString;
    use alloc::vec;

    const N: Value = Value::None;
    const TRUE: Value = Value::Bool(true);
    const FALSE: Value = Value::Bool(false);

    fn i(x: i128) -> Value {
        Value::Int(x)
    }
    fn f(x: f64) -> Value {
        Value::Float(x)
    }
    fn s(x: &str) -> Value {
        Value::Str(x.to_string())
    }
    fn b(x: &[u8]) -> Value {
        Value::Bytes(x.to_vec())
    }
    fn l(x: Vec<Value>) -> Value {
        Value::List(x)
    }

    #[test]
    fn hashable_rejects_lists_and_dicts_even_inside_tuples() {
        let unhashable = |name: &str| Err(PyError::TypeError(format!("unhashable type: '{name}'")));
        assert_eq!(hashable(&l(vec![i(1)])), unhashable("list"));
        assert_eq!(hashable(&Value::Dict(vec![])), unhashable("dict"));
        assert_eq!(
            hashable(&Value::Tuple(vec![i(1), l(vec![])])),
            unhashable("list")
        );
        for ok in [
            N,
            TRUE,
            i(1),
            f(f64::NAN),
            s("k"),
            b(b"x"),
            Value::Tuple(vec![s("a")]),
        ] {
            assert_eq!(hashable(&ok), Ok(()));
        }
    }

    #[test]
    fn percent_s_treats_a_tuple_as_the_argument_list() {
        // "Key '%s' not found" % key, as CPython 3.11 evaluates it.
        let fmt = |v: &Value| percent_s("Key '", v, "' not found");
        assert_eq!(fmt(&s("k")).unwrap(), "Key 'k' not found");
        assert_eq!(fmt(&i(-3)).unwrap(), "Key '-3' not found");
        assert_eq!(
            fmt(&l(vec![i(1), s("a")])).unwrap(),
            "Key '[1, 'a']' not found"
        );
        assert_eq!(
            fmt(&Value::Tuple(vec![s("a")])).unwrap(),
            "Key 'a' not found"
        );
        assert_eq!(
            fmt(&Value::Tuple(vec![i(1), s("a")])),
            Err(PyError::TypeError(
                "not all arguments converted during string formatting".into()
            ))
        );
        assert_eq!(
            fmt(&Value::Tuple(vec![])),
            Err(PyError::TypeError(
                "not enough arguments for format string".into()
            ))
        );
    }
    fn t(x: Vec<Value>) -> Value {
        Value::Tuple(x)
    }
    fn d(x: Vec<(Value, Value)>) -> Value {
        Value::Dict(x)
    }
    fn te(msg: &str) -> PyError {
        PyError::TypeError(msg.to_string())
    }

    #[test]
    fn unicode_version_guard() {
        // UNASSIGNED_IN_PY311 below lists the difference between Rust's Unicode
        // version and Python 3.11's (14.0.0); regenerate it if this changes.
        assert_eq!(char::UNICODE_VERSION, (17, 0, 0));
    }

    /// Code point ranges (inclusive) that Rust's `escape_debug` treats as
    /// printable but CPython 3.11 does not.
    ///
    /// CPython 3.11 uses Unicode 14.0; Rust 1.95's `core` uses Unicode 17.0
    /// (`char::UNICODE_VERSION`).  Both use the same definition of "not
    /// printable" (categories Cc, Cf, Cs, Co, Cn, Zl, Zp, and Zs except the ASCII
    /// space), so the only differences are the characters assigned in Unicode
    /// 15.0–17.0, which are still unassigned (Cn, hence escaped) in Python 3.11.
    /// No character is printable in Python 3.11 but not in Rust 1.95.
    ///
    /// Generated by comparing, for every code point, `chr(c).isprintable()` in
    /// Python 3.11 with the `escape_debug` test in [`is_printable`].  If the Rust
    /// toolchain moves to a newer Unicode version the test
    /// `unicode_version_guard` fails and this table must be regenerated.
    #[rustfmt::skip]
    const UNASSIGNED_IN_PY311: &[(u32, u32)] = &[
        (0x88F, 0x88F), (0x897, 0x897), (0xC5C, 0xC5C), (0xCDC, 0xCDC), (0xCF3, 0xCF3),
        (0xECE, 0xECE), (0x1ACF, 0x1ADD), (0x1AE0, 0x1AEB), (0x1B4E, 0x1B4F), (0x1B7F, 0x1B7F),
        (0x1C89, 0x1C8A), (0x20C1, 0x20C1), (0x2427, 0x2429), (0x2B96, 0x2B96), (0x2FFC, 0x2FFF),
        (0x31E4, 0x31E5), (0x31EF, 0x31EF), (0xA7CB, 0xA7CF), (0xA7D2, 0xA7D2), (0xA7D4, 0xA7D4),
        (0xA7DA, 0xA7DC), (0xA7F1, 0xA7F1), (0xFBC3, 0xFBD2), (0xFD90, 0xFD91), (0xFDC8, 0xFDCE),
        (0x105C0, 0x105F3), (0x10940, 0x10959), (0x10D40, 0x10D65), (0x10D69, 0x10D85),
        (0x10D8E, 0x10D8F), (0x10EC2, 0x10EC7), (0x10ED0, 0x10ED8), (0x10EFA, 0x10EFF),
        (0x1123F, 0x11241), (0x11380, 0x11389), (0x1138B, 0x1138B), (0x1138E, 0x1138E),
        (0x11390, 0x113B5), (0x113B7, 0x113C0), (0x113C2, 0x113C2), (0x113C5, 0x113C5),
        (0x113C7, 0x113CA), (0x113CC, 0x113D5), (0x113D7, 0x113D8), (0x113E1, 0x113E2),
        (0x116D0, 0x116E3), (0x11B00, 0x11B09), (0x11B60, 0x11B67), (0x11BC0, 0x11BE1),
        (0x11BF0, 0x11BF9), (0x11DB0, 0x11DDB), (0x11DE0, 0x11DE9), (0x11F00, 0x11F10),
        (0x11F12, 0x11F3A), (0x11F3E, 0x11F5A), (0x1342F, 0x1342F), (0x13440, 0x13455),
        (0x13460, 0x143FA), (0x16100, 0x16139), (0x16D40, 0x16D79), (0x16EA0, 0x16EB8),
        (0x16EBB, 0x16ED3), (0x16FF2, 0x16FF6), (0x187F8, 0x187FF), (0x18CFF, 0x18CFF),
        (0x18D09, 0x18D1E), (0x18D80, 0x18DF2), (0x1B132, 0x1B132), (0x1B155, 0x1B155),
        (0x1CC00, 0x1CCFC), (0x1CD00, 0x1CEB3), (0x1CEBA, 0x1CED0), (0x1CEE0, 0x1CEF0),
        (0x1D2C0, 0x1D2D3), (0x1DF25, 0x1DF2A), (0x1E030, 0x1E06D), (0x1E08F, 0x1E08F),
        (0x1E4D0, 0x1E4F9), (0x1E5D0, 0x1E5FA), (0x1E5FF, 0x1E5FF), (0x1E6C0, 0x1E6DE),
        (0x1E6E0, 0x1E6F5), (0x1E6FE, 0x1E6FF), (0x1F6D8, 0x1F6D8), (0x1F6DC, 0x1F6DC),
        (0x1F774, 0x1F77F), (0x1F7D9, 0x1F7D9), (0x1F8B2, 0x1F8BB), (0x1F8C0, 0x1F8C1),
        (0x1F8D0, 0x1F8D8), (0x1FA54, 0x1FA57), (0x1FA75, 0x1FA77), (0x1FA87, 0x1FA8A),
        (0x1FA8E, 0x1FA8F), (0x1FAAD, 0x1FAAF), (0x1FABB, 0x1FABF), (0x1FAC6, 0x1FAC6),
        (0x1FAC8, 0x1FAC8), (0x1FACD, 0x1FACF), (0x1FADA, 0x1FADC), (0x1FADF, 0x1FADF),
        (0x1FAE8, 0x1FAEA), (0x1FAEF, 0x1FAEF), (0x1FAF7, 0x1FAF8), (0x1FBCB, 0x1FBEF),
        (0x1FBFA, 0x1FBFA), (0x2B739, 0x2B73F), (0x2CEA2, 0x2CEAD), (0x2EBF0, 0x2EE5D),
        (0x31350, 0x33479),
    ];

    /// Python's `str.isprintable()` for one character, as CPython 3.11 decides it.
    fn escape_debug_printable(c: char) -> bool {
        let cp = c as u32;
        if cp < 0x80 {
            return (0x20..0x7f).contains(&cp);
        }
        // Rust's `str::escape_debug` escapes exactly the non-printable characters
        // (same category definition as Python) plus grapheme extenders, but the
        // latter only at the start of the string; placing `c` after an 'a' leaves
        // only the printability test.
        let mut buf = [b'a', 0, 0, 0, 0];
        let n = match buf.get_mut(1..) {
            Some(rest) => c.encode_utf8(rest).len(),
            None => return true,
        };
        let Some(Ok(s)) = buf.get(..n.saturating_add(1)).map(core::str::from_utf8) else {
            return true;
        };
        let mut escaped = s.escape_debug().skip(1);
        if escaped.next() != Some(c) {
            return false;
        }
        UNASSIGNED_IN_PY311
            .binary_search_by(|&(lo, hi)| {
                if hi < cp {
                    core::cmp::Ordering::Less
                } else if lo > cp {
                    core::cmp::Ordering::Greater
                } else {
                    core::cmp::Ordering::Equal
                }
            })
            .is_err()
    }

    #[test]
    fn printability_matches_rust_escape_debug_less_py311_unassigned() {
        let mut prev: Option<u32> = None;
        for &(lo, hi) in UNASSIGNED_IN_PY311 {
            assert!(lo <= hi);
            if let Some(p) = prev {
                assert!(p < lo);
            }
            prev = Some(hi);
        }
        assert!(DECIMAL_ZEROS.windows(2).all(|w| w[0] + 10 <= w[1]));
        // The table, decoded, against the oracle for every code point; `is_printable` itself
        // at both ends of every run.
        let (mut start, mut printable, mut run, mut shift) = (0x80u32, false, 0u32, 0u32);
        for &byte in PRINTABLE_RUNS {
            run |= u32::from(byte & 0x7f) << shift;
            shift += 7;
            if byte < 0x80 {
                let end = start + run;
                for c in (start..end).filter_map(char::from_u32) {
                    assert_eq!(printable, escape_debug_printable(c), "U+{:04X}", c as u32);
                }
                for c in [start, end - 1].into_iter().filter_map(char::from_u32) {
                    assert_eq!(is_printable(c), printable, "U+{:04X}", c as u32);
                }
                (start, printable, run, shift) = (end, !printable, 0, 0);
            }
        }
        assert_eq!(start, 0x11_0000);
        // A few by name: NBSP and soft hyphen escaped, é and CJK kept, U+0378 unassigned.
        let mut out = String::new();
        repr_str_into(&mut out, "\u{a0}\u{ad}é中\u{378}\u{1f600}\u{1fadf}");
        assert_eq!(out, "'\\xa0\\xadé中\\u0378😀\\U0001fadf'");
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        let mut v = N;
        for _ in 0..100_000 {
            v = l(vec![v]);
        }
        let r = repr(&v);
        let same = key_eq(&v, &v);
        // Dropping a 100k-deep value recursively would overflow the test
        // thread's stack; take it apart iteratively before asserting.
        let mut cur = v;
        while let Value::List(mut items) = cur {
            cur = items.pop().unwrap_or(N);
        }
        assert_eq!(
            r,
            format!("{}None{}", "[".repeat(100_000), "]".repeat(100_000))
        );
        assert!(same);
    }

    #[test]
    fn error_display() {
        assert_eq!(
            te("can't concat int to bytes").to_string(),
            "TypeError: can't concat int to bytes"
        );
        assert_eq!(IntError::Value.to_string(), "ValueError");
    }

    #[test]
    fn repr_matches_python() {
        let cases: Vec<(Value, &str)> = vec![
            (N, "None"),
            (TRUE, "True"),
            (FALSE, "False"),
            (i(0), "0"),
            (i(1), "1"),
            (i(-1), "-1"),
            (i(123456789), "123456789"),
            (
                i(170141183460469231731687303715884105727),
                "170141183460469231731687303715884105727",
            ),
            (
                i(-170141183460469231731687303715884105728),
                "-170141183460469231731687303715884105728",
            ),
            (
                i(1000000000000000000000000000000),
                "1000000000000000000000000000000",
            ),
            (f(0.0), "0.0"),
            (f(-0.0), "-0.0"),
            (f(1.0), "1.0"),
            (f(-1.5), "-1.5"),
            (f(0.1), "0.1"),
            (f(1e+16), "1e+16"),
            (f(1e-05), "1e-05"),
            (f(1.2345678901234568e+17), "1.2345678901234568e+17"),
            (f(f64::INFINITY), "inf"),
            (f(f64::NEG_INFINITY), "-inf"),
            (f(f64::NAN), "nan"),
            (f(1e+22), "1e+22"),
            (f(123.456), "123.456"),
            (s(""), "''"),
            (s("a"), "'a'"),
            (s("it's"), "\"it's\""),
            (s("say \"hi\""), "'say \"hi\"'"),
            (s("both ' and \""), "'both \\' and \"'"),
            (s("back\\slash"), "'back\\\\slash'"),
            (s("tab\u{9}nl\u{a}ret\u{d}"), "'tab\\tnl\\nret\\r'"),
            (s("\u{0}\u{1}\u{1f}\u{7f}"), "'\\x00\\x01\\x1f\\x7f'"),
            (s("caf\u{e9}"), "'caf\u{e9}'"),
            (s("\u{a0}\u{ad}"), "'\\xa0\\xad'"),
            (s("\u{200b}"), "'\\u200b'"),
            (s("\u{2028}\u{2029}"), "'\\u2028\\u2029'"),
            (s("\u{e000}"), "'\\ue000'"),
            (s("\u{4e2d}\u{6587}"), "'\u{4e2d}\u{6587}'"),
            (s("\u{1f600}"), "'\u{1f600}'"),
            (s("\u{301}"), "'\u{301}'"),
            (s("a\u{301}"), "'a\u{301}'"),
            (s("\u{feff}"), "'\\ufeff'"),
            (s("\u{e0001}"), "'\\U000e0001'"),
            (s("\u{10ffff}"), "'\\U0010ffff'"),
            (s("\u{d7ff}"), "'\\ud7ff'"),
            (s("\u{85}"), "'\\x85'"),
            (s("\u{378}"), "'\\u0378'"),
            (s("\u{1fae8}"), "'\\U0001fae8'"),
            (s("\u{e01}"), "'\u{e01}'"),
            (b(b""), "b''"),
            (b(b"abc"), "b'abc'"),
            (b(b"it's"), "b\"it's\""),
            (b(b"say \x22hi\x22"), "b'say \"hi\"'"),
            (b(b"both ' and \x22"), "b'both \\' and \"'"),
            (b(b"\x5c"), "b'\\\\'"),
            (b(b"\x09\x0a\x0d"), "b'\\t\\n\\r'"),
            (b(b"\x00\x7f\x80\xff"), "b'\\x00\\x7f\\x80\\xff'"),
            (b(b"\x1e\x1f !"), "b'\\x1e\\x1f !'"),
            (l(vec![]), "[]"),
            (l(vec![i(1), s("a")]), "[1, 'a']"),
            (l(vec![l(vec![])]), "[[]]"),
            (l(vec![N, TRUE, f(1.5), b(b"x")]), "[None, True, 1.5, b'x']"),
            (t(vec![]), "()"),
            (t(vec![i(1)]), "(1,)"),
            (t(vec![i(1), i(2)]), "(1, 2)"),
            (t(vec![t(vec![])]), "((),)"),
            (t(vec![l(vec![])]), "([],)"),
            (d(vec![]), "{}"),
            (
                d(vec![(s("a"), i(1)), (i(2), l(vec![i(3)]))]),
                "{'a': 1, 2: [3]}",
            ),
            (
                d(vec![(t(vec![i(1), s("x")]), d(vec![(s("k"), t(vec![N]))]))]),
                "{(1, 'x'): {'k': (None,)}}",
            ),
            (
                d(vec![
                    (f(1.0), s("f")),
                    (b(b"b"), l(vec![t(vec![]), d(vec![])])),
                ]),
                "{1.0: 'f', b'b': [(), {}]}",
            ),
            (
                l(vec![
                    i(1),
                    l(vec![i(2), l(vec![i(3), l(vec![i(4), t(vec![i(5)])])])]),
                ]),
                "[1, [2, [3, [4, (5,)]]]]",
            ),
            (t(vec![s("'"), s("\""), s("'\"")]), "(\"'\", '\"', '\\'\"')"),
        ];
        for (v, want) in cases {
            assert_eq!(repr(&v), want, "{v:?}");
        }
    }

    #[test]
    fn str_matches_python() {
        let cases: Vec<(Value, &str)> = vec![
            (N, "None"),
            (TRUE, "True"),
            (i(1), "1"),
            (f(-2.5), "-2.5"),
            (f(1e+100), "1e+100"),
            (s("plain"), "plain"),
            (s("it's"), "it's"),
            (s("\u{a}"), "\u{a}"),
            (b(b"x"), "b'x'"),
            (l(vec![i(1), s("a"), s("\u{a}")]), "[1, 'a', '\\n']"),
            (t(vec![s("s")]), "('s',)"),
            (d(vec![(s("k"), s("v"))]), "{'k': 'v'}"),
            (f(f64::NAN), "nan"),
        ];
        for (v, want) in cases {
            assert_eq!(str(&v), want, "{v:?}");
        }
    }

    #[test]
    fn printability_matches_python_3_11() {
        let cases: &[(u32, &str)] = &[
            (0x0, "'\\x00'"),
            (0x1, "'\\x01'"),
            (0x2, "'\\x02'"),
            (0x3, "'\\x03'"),
            (0x4, "'\\x04'"),
            (0x5, "'\\x05'"),
            (0x6, "'\\x06'"),
            (0x7, "'\\x07'"),
            (0x8, "'\\x08'"),
            (0x9, "'\\t'"),
            (0xa, "'\\n'"),
            (0xb, "'\\x0b'"),
            (0xc, "'\\x0c'"),
            (0xd, "'\\r'"),
            (0xe, "'\\x0e'"),
            (0xf, "'\\x0f'"),
            (0x10, "'\\x10'"),
            (0x11, "'\\x11'"),
            (0x12, "'\\x12'"),
            (0x13, "'\\x13'"),
            (0x14, "'\\x14'"),
            (0x15, "'\\x15'"),
            (0x16, "'\\x16'"),
            (0x17, "'\\x17'"),
            (0x18, "'\\x18'"),
            (0x19, "'\\x19'"),
            (0x1a, "'\\x1a'"),
            (0x1b, "'\\x1b'"),
            (0x1c, "'\\x1c'"),
            (0x1d, "'\\x1d'"),
            (0x1e, "'\\x1e'"),
            (0x1f, "'\\x1f'"),
            (0x20, "' '"),
            (0x21, "'!'"),
            (0x22, "'\"'"),
            (0x23, "'#'"),
            (0x24, "'$'"),
            (0x25, "'%'"),
            (0x26, "'&'"),
            (0x27, "\"'\""),
            (0x28, "'('"),
            (0x29, "')'"),
            (0x2a, "'*'"),
            (0x2b, "'+'"),
            (0x2c, "','"),
            (0x2d, "'-'"),
            (0x2e, "'.'"),
            (0x2f, "'/'"),
            (0x30, "'0'"),
            (0x31, "'1'"),
            (0x32, "'2'"),
            (0x33, "'3'"),
            (0x34, "'4'"),
            (0x35, "'5'"),
            (0x36, "'6'"),
            (0x37, "'7'"),
            (0x38, "'8'"),
            (0x39, "'9'"),
            (0x3a, "':'"),
            (0x3b, "';'"),
            (0x3c, "'<'"),
            (0x3d, "'='"),
            (0x3e, "'>'"),
            (0x3f, "'?'"),
            (0x40, "'@'"),
            (0x41, "'A'"),
            (0x42, "'B'"),
            (0x43, "'C'"),
            (0x44, "'D'"),
            (0x45, "'E'"),
            (0x46, "'F'"),
            (0x47, "'G'"),
            (0x48, "'H'"),
            (0x49, "'I'"),
            (0x4a, "'J'"),
            (0x4b, "'K'"),
            (0x4c, "'L'"),
            (0x4d, "'M'"),
            (0x4e, "'N'"),
            (0x4f, "'O'"),
            (0x50, "'P'"),
            (0x51, "'Q'"),
            (0x52, "'R'"),
            (0x53, "'S'"),
            (0x54, "'T'"),
            (0x55, "'U'"),
            (0x56, "'V'"),
            (0x57, "'W'"),
            (0x58, "'X'"),
            (0x59, "'Y'"),
            (0x5a, "'Z'"),
            (0x5b, "'['"),
            (0x5c, "'\\\\'"),
            (0x5d, "']'"),
            (0x5e, "'^'"),
            (0x5f, "'_'"),
            (0x60, "'`'"),
            (0x61, "'a'"),
            (0x62, "'b'"),
            (0x63, "'c'"),
            (0x64, "'d'"),
            (0x65, "'e'"),
            (0x66, "'f'"),
            (0x67, "'g'"),
            (0x68, "'h'"),
            (0x69, "'i'"),
            (0x6a, "'j'"),
            (0x6b, "'k'"),
            (0x6c, "'l'"),
            (0x6d, "'m'"),
            (0x6e, "'n'"),
            (0x6f, "'o'"),
            (0x70, "'p'"),
            (0x71, "'q'"),
            (0x72, "'r'"),
            (0x73, "'s'"),
            (0x74, "'t'"),
            (0x75, "'u'"),
            (0x76, "'v'"),
            (0x77, "'w'"),
            (0x78, "'x'"),
            (0x79, "'y'"),
            (0x7a, "'z'"),
            (0x7b, "'{'"),
            (0x7c, "'|'"),
            (0x7d, "'}'"),
            (0x7e, "'~'"),
            (0x7f, "'\\x7f'"),
            (0x80, "'\\x80'"),
            (0x81, "'\\x81'"),
            (0x82, "'\\x82'"),
            (0x83, "'\\x83'"),
            (0x84, "'\\x84'"),
            (0x85, "'\\x85'"),
            (0x86, "'\\x86'"),
            (0x87, "'\\x87'"),
            (0x88, "'\\x88'"),
            (0x89, "'\\x89'"),
            (0x8a, "'\\x8a'"),
            (0x8b, "'\\x8b'"),
            (0x8c, "'\\x8c'"),
            (0x8d, "'\\x8d'"),
            (0x8e, "'\\x8e'"),
            (0x8f, "'\\x8f'"),
            (0x90, "'\\x90'"),
            (0x91, "'\\x91'"),
            (0x92, "'\\x92'"),
            (0x93, "'\\x93'"),
            (0x94, "'\\x94'"),
            (0x95, "'\\x95'"),
            (0x96, "'\\x96'"),
            (0x97, "'\\x97'"),
            (0x98, "'\\x98'"),
            (0x99, "'\\x99'"),
            (0x9a, "'\\x9a'"),
            (0x9b, "'\\x9b'"),
            (0x9c, "'\\x9c'"),
            (0x9d, "'\\x9d'"),
            (0x9e, "'\\x9e'"),
            (0x9f, "'\\x9f'"),
            (0xa0, "'\\xa0'"),
            (0xa1, "'\u{a1}'"),
            (0xa2, "'\u{a2}'"),
            (0xa3, "'\u{a3}'"),
            (0xa4, "'\u{a4}'"),
            (0xa5, "'\u{a5}'"),
            (0xa6, "'\u{a6}'"),
            (0xa7, "'\u{a7}'"),
            (0xa8, "'\u{a8}'"),
            (0xa9, "'\u{a9}'"),
            (0xaa, "'\u{aa}'"),
            (0xab, "'\u{ab}'"),
            (0xac, "'\u{ac}'"),
            (0xad, "'\\xad'"),
            (0xae, "'\u{ae}'"),
            (0xaf, "'\u{af}'"),
            (0xb0, "'\u{b0}'"),
            (0xb1, "'\u{b1}'"),
            (0xb2, "'\u{b2}'"),
            (0xb3, "'\u{b3}'"),
            (0xb4, "'\u{b4}'"),
            (0xb5, "'\u{b5}'"),
            (0xb6, "'\u{b6}'"),
            (0xb7, "'\u{b7}'"),
            (0xb8, "'\u{b8}'"),
            (0xb9, "'\u{b9}'"),
            (0xba, "'\u{ba}'"),
            (0xbb, "'\u{bb}'"),
            (0xbc, "'\u{bc}'"),
            (0xbd, "'\u{bd}'"),
            (0xbe, "'\u{be}'"),
            (0xbf, "'\u{bf}'"),
            (0xc0, "'\u{c0}'"),
            (0xc1, "'\u{c1}'"),
            (0xc2, "'\u{c2}'"),
            (0xc3, "'\u{c3}'"),
            (0xc4, "'\u{c4}'"),
            (0xc5, "'\u{c5}'"),
            (0xc6, "'\u{c6}'"),
            (0xc7, "'\u{c7}'"),
            (0xc8, "'\u{c8}'"),
            (0xc9, "'\u{c9}'"),
            (0xca, "'\u{ca}'"),
            (0xcb, "'\u{cb}'"),
            (0xcc, "'\u{cc}'"),
            (0xcd, "'\u{cd}'"),
            (0xce, "'\u{ce}'"),
            (0xcf, "'\u{cf}'"),
            (0xd0, "'\u{d0}'"),
            (0xd1, "'\u{d1}'"),
            (0xd2, "'\u{d2}'"),
            (0xd3, "'\u{d3}'"),
            (0xd4, "'\u{d4}'"),
            (0xd5, "'\u{d5}'"),
            (0xd6, "'\u{d6}'"),
            (0xd7, "'\u{d7}'"),
            (0xd8, "'\u{d8}'"),
            (0xd9, "'\u{d9}'"),
            (0xda, "'\u{da}'"),
            (0xdb, "'\u{db}'"),
            (0xdc, "'\u{dc}'"),
            (0xdd, "'\u{dd}'"),
            (0xde, "'\u{de}'"),
            (0xdf, "'\u{df}'"),
            (0xe0, "'\u{e0}'"),
            (0xe1, "'\u{e1}'"),
            (0xe2, "'\u{e2}'"),
            (0xe3, "'\u{e3}'"),
            (0xe4, "'\u{e4}'"),
            (0xe5, "'\u{e5}'"),
            (0xe6, "'\u{e6}'"),
            (0xe7, "'\u{e7}'"),
            (0xe8, "'\u{e8}'"),
            (0xe9, "'\u{e9}'"),
            (0xea, "'\u{ea}'"),
            (0xeb, "'\u{eb}'"),
            (0xec, "'\u{ec}'"),
            (0xed, "'\u{ed}'"),
            (0xee, "'\u{ee}'"),
            (0xef, "'\u{ef}'"),
            (0xf0, "'\u{f0}'"),
            (0xf1, "'\u{f1}'"),
            (0xf2, "'\u{f2}'"),
            (0xf3, "'\u{f3}'"),
            (0xf4, "'\u{f4}'"),
            (0xf5, "'\u{f5}'"),
            (0xf6, "'\u{f6}'"),
            (0xf7, "'\u{f7}'"),
            (0xf8, "'\u{f8}'"),
            (0xf9, "'\u{f9}'"),
            (0xfa, "'\u{fa}'"),
            (0xfb, "'\u{fb}'"),
            (0xfc, "'\u{fc}'"),
            (0xfd, "'\u{fd}'"),
            (0xfe, "'\u{fe}'"),
            (0xff, "'\u{ff}'"),
            (0x200b, "'\\u200b'"),
            (0x200c, "'\\u200c'"),
            (0x200d, "'\\u200d'"),
            (0x200e, "'\\u200e'"),
            (0x2028, "'\\u2028'"),
            (0x2029, "'\\u2029'"),
            (0x202f, "'\\u202f'"),
            (0x2060, "'\\u2060'"),
            (0x2066, "'\\u2066'"),
            (0x3000, "'\\u3000'"),
            (0xe000, "'\\ue000'"),
            (0xf8ff, "'\\uf8ff'"),
            (0xfeff, "'\\ufeff'"),
            (0xfff9, "'\\ufff9'"),
            (0xfffd, "'\u{fffd}'"),
            (0xfffe, "'\\ufffe'"),
            (0xffff, "'\\uffff'"),
            (0x4e00, "'\u{4e00}'"),
            (0x9fff, "'\u{9fff}'"),
            (0xac00, "'\u{ac00}'"),
            (0x1f600, "'\u{1f600}'"),
            (0x1f9ff, "'\u{1f9ff}'"),
            (0x301, "'\u{301}'"),
            (0x300, "'\u{300}'"),
            (0x20dd, "'\u{20dd}'"),
            (0x378, "'\\u0378'"),
            (0xe01, "'\u{e01}'"),
            (0x600, "'\\u0600'"),
            (0x61c, "'\\u061c'"),
            (0x6dd, "'\\u06dd'"),
            (0x70f, "'\\u070f'"),
            (0x180e, "'\\u180e'"),
            (0x1680, "'\\u1680'"),
            (0x2000, "'\\u2000'"),
            (0x16fe4, "'\u{16fe4}'"),
            (0x1f6d8, "'\\U0001f6d8'"),
            (0x1fae8, "'\\U0001fae8'"),
            (0x1fae9, "'\\U0001fae9'"),
            (0x31350, "'\\U00031350'"),
            (0x2ebf0, "'\\U0002ebf0'"),
            (0x11f00, "'\\U00011f00'"),
            (0x13440, "'\\U00013440'"),
            (0x1b132, "'\\U0001b132'"),
            (0xe0001, "'\\U000e0001'"),
            (0xe0020, "'\\U000e0020'"),
            (0xe007f, "'\\U000e007f'"),
            (0xe0100, "'\u{e0100}'"),
            (0xf0000, "'\\U000f0000'"),
            (0x10fffd, "'\\U0010fffd'"),
            (0x10ffff, "'\\U0010ffff'"),
            (0x30000, "'\u{30000}'"),
            (0x3134a, "'\u{3134a}'"),
            (0x3134b, "'\\U0003134b'"),
            (0x2a6df, "'\u{2a6df}'"),
            (0x2a6e0, "'\\U0002a6e0'"),
        ];
        for &(cp, want) in cases {
            let c = char::from_u32(cp).unwrap();
            assert_eq!(repr(&Value::Str(c.to_string())), want, "U+{cp:04X}");
        }
    }

    #[test]
    fn float_repr_matches_python() {
        let cases: &[(u64, &str)] = &[
            (0x0000000000000000, "0.0"),
            (0x8000000000000000, "-0.0"),
            (0x3ff0000000000000, "1.0"),
            (0xbff0000000000000, "-1.0"),
            (0x3fb999999999999a, "0.1"),
            (0x3fc999999999999a, "0.2"),
            (0x3fd3333333333333, "0.3"),
            (0x3fd5555555555555, "0.3333333333333333"),
            (0x3fe5555555555555, "0.6666666666666666"),
            (0x4341c37937e08000, "1e+16"),
            (0x430c6bf526340000, "1000000000000000.0"),
            (0x4341c37937e07fff, "9999999999999998.0"),
            (0x3f1a36e2eb1c432d, "0.0001"),
            (0x3ee4f8b588e368f1, "1e-05"),
            (0x3f202e4b6ce5dc68, "0.00012345"),
            (0x437b69b4ba630f35, "1.2345678901234568e+17"),
            (0x0000000000000001, "5e-324"),
            (0x8000000000000001, "-5e-324"),
            (0x0010000000000000, "2.2250738585072014e-308"),
            (0x7fefffffffffffff, "1.7976931348623157e+308"),
            (0xffefffffffffffff, "-1.7976931348623157e+308"),
            (0x4480f0cf064dd592, "1e+22"),
            (0x44b52d02c7e14af6, "1e+23"),
            (0x4340000000000000, "9007199254740992.0"),
            (0x4340000000000001, "9007199254740994.0"),
            (0x43e0000000000000, "9.223372036854776e+18"),
            (0x43f0000000000000, "1.8446744073709552e+19"),
            (0x47e0000000000000, "1.7014118346046923e+38"),
            (0x3fe0000000000000, "0.5"),
            (0x3ff8000000000000, "1.5"),
            (0x4059000000000000, "100.0"),
            (0x54b249ad2594c37d, "1e+100"),
            (0x2b2bff2ee48e0530, "1e-100"),
            (0x405edd2f1a9fbe77, "123.456"),
            (0xc058b0f5c28f5c29, "-98.765"),
            (0x3e9421f5f40d8376, "3e-07"),
            (0x4011666666666666, "4.35"),
            (0x3fd3333333333334, "0.30000000000000004"),
            (0x7e6ddd4baa009303, "1e+301"),
            (0x3efa36e2eb1c432d, "2.5e-05"),
            (0x3f201f31f46ed246, "0.000123"),
            (0x3ff199999999999a, "1.1"),
            (0x43e56a95319d63e1, "1.2345678901234567e+19"),
            (0x43154dd39388ca39, "1499136404894350.2"),
            (0x42e0ac8e76518554, "146666484304938.62"),
            (0x42d2ba155f420f48, "82361727125565.12"),
            (0x431da0630ece9c3d, "2084780408809231.2"),
            (0x431dbbca2a01c3a9, "2092312821788906.2"),
            (0x4309fdd01e56fc0a, "914493090226049.2"),
            (0x42e99fe61c330d24, "225396408817769.12"),
            (0x431b128effbda71d, "1905057439115719.2"),
            (0x42de6b5c57bbbb28, "133785838350060.62"),
            (0x4309690f485d3872, "894048597157646.2"),
            (0x431349968a8908e9, "1357233868915258.2"),
            (0x42e0b9b0d14bb1d4, "147117772004750.62"),
            (0x42e82694e29c10b4, "212431885623429.62"),
            (0x430dc5011265f1f2, "1047422839864894.2"),
            (0x43054dced21001ba, "749565649223735.2"),
            (0x42817dd4488a0940, "2404016263489.1562"),
            (0x4312a317d7147465, "1311468092202265.2"),
            (0x431eb0e19e08e315, "2159683091708101.2"),
            (0x42e96e4f78ce70a4, "223692563313541.12"),
            (0x4311df3f278d6dad, "1257634235898731.2"),
            (0x423c118d881f4400, "120553572383.26562"),
            (0x431e628faac21d9d, "2138154621503335.2"),
            (0x42b36d980bdf9290, "21361423277970.562"),
            (0x431a07afdba69679, "1831700320069022.2"),
            (0x430bc785508a3ad2, "977399970875226.2"),
            (0x431f1c851711cbb1, "2189270555325164.2"),
            (0x42eb900a7bb169f4, "242443720952655.62"),
            (0x431d3a120ea6a5e9, "2056655888558458.2"),
            (0x430e487aeb7c6f7a, "1065492759416303.2"),
            (0x43094f0a9468b382, "890472659490416.2"),
            (0x42e6c940c93dc644, "200429049343538.12"),
            (0x42e3eb0124694094, "175200459246084.62"),
            (0x42a311b92d633e20, "10483421065631.062"),
            (0x430ff502a6057342, "1124389500268136.2"),
            (0x431241f11e3d5b89, "1284763357763298.2"),
            (0x43113f87413673b5, "1213731187825901.2"),
            (0x431e42af873df181, "2129392739253344.2"),
            (0x431d2ff62ac8be7d, "2053877162717087.2"),
            (0x428a2a7a931f0040, "3596218426336.0312"),
            (0x43065709839429f2, "786018482685246.2"),
            (0x430b7f5c9c37725a, "967482513223243.2"),
            (0x43137732f474563d, "1369771322709391.2"),
            (0x430f29a1db9b0eb2, "1096437428609494.2"),
            (0x43106ba9d90c4b61, "1155494215619288.2"),
            (0x431eb767b1dc54f5, "2161476323710269.2"),
            (0x42ea34260ec4b914, "230490232989128.62"),
            (0x43106bb2f595e81d, "1155503998990855.2"),
            (0x43160d95e0e56a41, "1551846715513488.2"),
            (0x431efcc13d759355, "2180539047830741.2"),
            (0x430f4fa008fbc66a, "1101659130263757.2"),
            (0x430f8ce2ac90d21a, "1110078682962499.2"),
            (0x4312e3feb7e2fd6d, "1329308181774171.2"),
            (0x43110be992ff08ed, "1199543106388539.2"),
            (0x42e021e42bab8004, "141901984259072.12"),
            (0x431736140c2e4da1, "1633346048988008.2"),
            (0x43045f40628d788a, "716778708774673.2"),
            (0x4312bd6e335038c9, "1318707646434866.2"),
            (0x42ac07d7428f5ba0, "15410000906157.812"),
            (0x4309501cc4c6df8a, "890619863555057.2"),
            (0x3e60000000000000, "2.9802322387695312e-08"),
            (0x9e274b3f2014a4c3, "-2.0225309018374553e-163"),
            (0xcfb707cc1ab33b34, "-1.041697212295719e+76"),
            (0x981b88f0f18f97a9, "-1.5087827335864302e-192"),
            (0xcffecfa18fca024e, "-2.2297980572184568e+77"),
            (0x9ab53d94fe9fa6fb, "-5.118803478368667e-180"),
            (0x07b9b37ea1aab1ec, "1.9003626793673493e-271"),
            (0x1ba33a53986b28de, "1.518388802822282e-175"),
            (0x2e0968af8f5e5555, "6.386422092637068e-87"),
            (0xb2c4d80a8b5646c9, "-3.958495359425812e-64"),
            (0x001e6f135092c597, "4.2323531028931227e-308"),
            (0x47ed00441f740b00, "3.0839194858881765e+38"),
            (0x2ea7c9ed07674866, "6.1227039562652305e-84"),
            (0x1a9289f70fbd4948, "1.1169331576962352e-180"),
            (0xdb7b359ea2a639e0, "-4.828340639481946e+132"),
            (0xac66f3869ff93e6d, "-8.596034555241308e-95"),
            (0xbbf5d7cb9eaf66e9, "-7.400679577677908e-20"),
            (0x9443fa7f35cdec71, "-4.747620581276608e-211"),
            (0xa5014df9353603af, "-1.9503522066647176e-130"),
            (0x76027c9a30aa1af2, "2.842407315942793e+260"),
            (0x791515502fa80d66, "1.8248774788769723e+275"),
            (0x45d01eb1504c2d68, "1.9955461087304447e+28"),
            (0x7431fb7dbb8b8a85, "5.149958614562747e+251"),
            (0x706a2958a2618386, "3.249297246550688e+233"),
            (0xb74880cad5a9bfee, "-2.197513562220996e-42"),
            (0xd2f26922ce4a3738, "-3.75032324701279e+91"),
            (0x6673bc7f379fb813, "3.3544663559426325e+185"),
            (0xdddfd3259619bcf3, "-1.5523281115447418e+144"),
            (0xdd1cae7272e02849, "-3.4155359092456324e+140"),
            (0x98297c0a6b1db777, "-2.7928619908031073e-192"),
            (0x223f2f18b3f9e5c7, "9.989264088933811e-144"),
            (0x35a00c05e1e406ff, "2.144488055474754e-50"),
            (0x4fc83d1b290e627c, "2.1926946981947875e+76"),
            (0x326a609865dcc592, "7.82711501118762e-66"),
            (0x2deeda9dc0ac369c, "1.9387522638199205e-87"),
            (0x749067345b4f61e9, "3.006515368327151e+253"),
            (0x03cfeceeafc6fc43, "2.5593644474598065e-290"),
            (0x55d94fd11e872be2, "3.628283942373741e+105"),
            (0x00bf956dacb95ef2, "4.4976688512691804e-305"),
            (0x3912999cc5d80038, "8.955597551653175e-34"),
            (0x81c34ad6c08a54cc, "-3.60096768757084e-300"),
            (0xa89873016b5207a9, "-3.9712480074190555e-113"),
            (0x099f9b37f9f21c69, "2.5093299035570295e-262"),
            (0x9bc792db36d49f67, "-7.446282287830946e-175"),
            (0x8df70c3576f12286, "-2.1602842792736253e-241"),
            (0x8c162d2b7f14ce5d, "-1.9358671176533615e-250"),
            (0x0cc9a49ece4a948b, "4.5844075275667505e-247"),
            (0x5500b8896e7b1850, "2.9258147844508195e+101"),
            (0x8282eb6002ba029d, "-1.446446629470763e-296"),
            (0x8d94414a57096df8, "-2.966447249554253e-243"),
            (0xe6677ebbf9224e96, "-1.9966586797612214e+185"),
            (0xe0df4af6f029aa07, "-4.296378988737146e+158"),
            (0xaa859cc441742703, "-7.538655388173317e-104"),
            (0x285bfc6bbbaac51d, "2.8410755266385022e-114"),
            (0x9abe96b939a00643, "-7.371646955634592e-180"),
            (0x1b847899f82409de, "4.041417446897586e-176"),
            (0xcba19984d3969f60, "-2.157714860125644e+56"),
            (0x6e55aeffd8ab0365, "3.135219957986736e+223"),
            (0xf504afed1148770d, "-4.8534245491586165e+255"),
            (0x221b1b05e1fffb94, "2.170703219502361e-144"),
            (0x067930d52cc9c6f6, "1.7763361430975051e-277"),
            (0x568feb30dc7f4f27, "9.370307469385747e+108"),
            (0xf27ecddb4eb4c827, "-3.286437880578419e+243"),
            (0x409ec03cea9a982b, "1968.0594886927963"),
            (0x295124687eb90b57, "1.1404825321953812e-109"),
            (0xd5218bbb5ce6e24b, "-1.2280679779856439e+102"),
            (0xed160362775d730e, "-3.0354318368391327e+217"),
            (0xf1c090f46f112746, "-8.629988997580293e+239"),
            (0x9d0102457defa6b4, "-5.633625533390262e-169"),
            (0x28f6b54b538b25da, "2.3606084277222624e-111"),
            (0xc5301005098b8f30, "-1.9418463899081154e+25"),
            (0x1e86dcc71f201e11, "1.2704407329373333e-161"),
            (0x6cfb2a865d092a1c, "9.364926945053177e+216"),
            (0xf48c34d4a2fcd0f3, "-2.5849584263555742e+253"),
            (0x81597fc92e3f9ce3, "-3.7183502528892826e-302"),
            (0x1863c21cb481c395, "3.464505454177767e-191"),
            (0xa8ddf0570debd1d2, "-7.780659713587411e-112"),
            (0xe4b4ae696f8532e6, "-1.3094690103820462e+177"),
            (0xcf6cf89806b6614b, "-4.0949959621274223e+74"),
            (0xe3cc8892e95dcdc6, "-5.513437465500641e+172"),
            (0x45ff018df094e9cf, "1.5353463235046895e+29"),
            (0x1e1d47143b1cf455, "1.2710382450358462e-163"),
            (0x8b1cc413514dfee7, "-3.83161575512687e-255"),
            (0x91313106de97a1f5, "-7.257003155638627e-226"),
            (0x365d180423314e8c, "7.96271790319226e-47"),
            (0x9574626591d3cbd0, "-2.5396864161718034e-205"),
            (0x6e6f0bf01ba97724, "8.978035053969418e+223"),
            (0xf17a60f41a4a4a11, "-4.2942802025774455e+238"),
            (0xb4b2846a9922870d, "-7.551919020889838e-55"),
            (0x44151c56b2c57e99, "9.735591039756549e+19"),
            (0x8f11ad6f6f1d0f91, "-4.343539766218053e-236"),
            (0xc3884e4328cd320d, "-2.1892639345175798e+17"),
            (0xf07fb8ff3b1e4e6d, "-7.879996727211216e+233"),
            (0x83aa17080003973a, "-5.2288684012461406e-291"),
            (0x32e5bdda1fda2e4b, "1.651591412177018e-63"),
            (0x890dd63060ba4be5, "-4.6266245971712527e-265"),
            (0x682df1e792b9e160, "6.831100476274914e+193"),
            (0x92a623237218191a, "-7.838934202111258e-219"),
            (0x2c3c97e6c9dc6d3f, "1.3386488224172355e-95"),
            (0xa50b51ffd4641b75, "-3.07919723076754e-130"),
            (0x3f4f6002ecc90b75, "0.0009574903757044577"),
            (0xeb3acad58d50b265, "-3.4407043411917432e+208"),
            (0x4ab59884c3e2169d, "8.079939006287365e+51"),
            (0xd0aa886be61f018c, "-3.932543370817354e+80"),
            (0x976920fe46c334f4, "-6.723353760370107e-196"),
            (0x732dd77b5b5a8a2d, "6.520342440983479e+246"),
            (0x1c838d1ba33060ae, "2.5295656786456663e-171"),
            (0x65ec23cb6789ed5c, "9.341330510795364e+182"),
            (0x481b0744c2c9cc11, "2.299321382449423e+39"),
            (0x805901505177510c, "-5.563826511646975e-307"),
            (0x3a6a337c85a6c38f, "2.64563690229438e-27"),
            (0xd29b61af3cf01999, "-8.715197483706464e+89"),
            (0xce20a0abc7922b79, "-2.2413988967969924e+68"),
            (0x3a1650385ba9726e, "7.040854933258518e-29"),
            (0xc9effd6f6bd21684, "-1.46104406867179e+48"),
            (0x92b1e4c477a80353, "-1.2672474793936635e-218"),
            (0x494ba6104f00a56b, "1.233172618710473e+45"),
            (0xace6e817f5c50cf4, "-2.19630306562051e-92"),
            (0xec75e0afaf6fc836, "-2.946037092582244e+214"),
            (0x77e5f0f231a22cb1, "3.6223167607228395e+269"),
            (0x8a7cf27da52473e2, "-3.7653966871604984e-258"),
            (0x40910f3d0dc6a9e4, "1091.8096228638833"),
            (0xd3c4ac45616dcd2a, "-3.449774867190066e+95"),
            (0x35a19d1aa6b18e55, "2.3538621735861845e-50"),
            (0x69dee663434ac057, "9.460953737176706e+201"),
            (0x22755d9c849c719c, "1.0950616518127483e-142"),
            (0x50fa4371a7034fba, "1.2456345958090899e+82"),
            (0xb02bebae48ed1011, "-1.2056362533023898e-76"),
            (0xce2b595589b00b9c, "-3.686632710994893e+68"),
            (0x225c0512f11ee0be, "3.590272544824354e-143"),
            (0x17d7a56ac3a220ec, "8.098105516624003e-194"),
            (0x38629aec81560ce2, "4.374054747909009e-37"),
            (0x9b82edc676ab78bf, "-3.736937610431965e-176"),
            (0x4bf34d5947ff2986, "7.572594932644594e+57"),
            (0xa5dbc5263f554097, "-2.564008767059209e-126"),
            (0x63b0dd4a84bc0a07, "1.6293294342631367e+172"),
            (0x48292c05bd27f618, "4.282787501431883e+39"),
            (0x2f0ec1a1f4447b56, "5.0662471773918e-82"),
            (0xe41e9edcf6869cd7, "-1.8933487955949034e+174"),
            (0xf7a8bfa7e93fb126, "-2.553628818229661e+268"),
            (0xceb1c9197ad242f2, "-1.2275132050859479e+71"),
            (0xf7b62d925d6288c4, "-4.5767671188663076e+268"),
            (0x98fcc69507f56f25, "-2.5833829812008914e-188"),
            (0x600702dca50bac3c, "3.856618398851116e+154"),
            (0x10675999b1ffea19, "1.2032066651013675e-229"),
            (0xb903cc16c17852c9, "-4.766007887369041e-34"),
            (0x223d3473e73de77f, "9.35529978571533e-144"),
            (0x6c6b856b19f2edc6, "1.8529929040791803e+214"),
            (0x52e307b39cbc6d6d, "1.938248329346518e+91"),
            (0xff385c4330d89362, "-6.6822089069352105e+304"),
            (0xf4aa6f47c46a912f, "-9.690374573512941e+253"),
            (0x412bddac5d97f62b, "913110.1828"),
            (0xc12c83fd30553261, "-934398.5944"),
            (0x4114dbfe1f297f80, "341759.53043174"),
            (0xc122f55e6d9c27e9, "-621231.214082"),
            (0xc12447439a104c7e, "-664481.8009056"),
            (0x4123e81e66666666, "652303.2"),
            (0xc0f291e800000000, "-76062.5"),
            (0x4106bc4051eb851f, "186248.04"),
            (0x411e7abc66666666, "499375.1"),
            (0xc120ed38bbe76c8b, "-554652.367"),
            (0xc1247c6075c28f5c, "-671280.23"),
            (0x41235a48dbc68662, "634148.429249"),
            (0x4116cab570a3d70a, "373421.36"),
            (0xc113b6064b827fa2, "-322945.57374"),
            (0x410fab97f6c8b439, "259442.9955"),
            (0x40f6f378c8b43958, "94007.549"),
            (0xc12d4a9a5eecbfb1, "-959821.1854"),
            (0xc10ccfed573eab36, "-236029.6676"),
            (0xc12414b7a9a02752, "-658011.8313"),
            (0xc12136258020d15c, "-563986.75025038"),
            (0xc126764392d68837, "-736033.786793"),
            (0x411d61be3a5e353f, "481391.557"),
            (0xc126da6aa8f5c28f, "-748853.33"),
            (0x41155eda8b439581, "350134.636"),
            (0xc11e2cc99999999a, "-494386.4"),
            (0x412d889469af3309, "967754.20641479"),
            (0xc1036f4598b27e6d, "-159208.6995592"),
            (0xc12502198e1c5825, "-688396.77756"),
            (0xc0f30e1ab645a1cb, "-78049.6695"),
            (0xc0e155d1bfe2386f, "-35502.5546733"),
            (0x4128d66c00000000, "813878.0"),
            (0x41161cb739c0ebee, "362285.8064"),
            (0xc12316f008ac987a, "-625528.0169418"),
            (0x4110d2a17ae083b9, "275624.36999708"),
            (0xc0dadca666666666, "-27506.6"),
            (0xc12a93824f3ee9f6, "-870849.15477687"),
            (0xc11c4f0bb851eb85, "-463810.93"),
            (0xc0fd7b1cd883ba34, "-120753.80286"),
            (0x410d9a1628f5c28f, "242498.77"),
            (0x411cb53264a59c06, "470348.598288"),
            (0xc12b81c133333333, "-901344.6"),
            (0x411979ec00000000, "417403.0"),
            (0x4114e1381ad538ac, "342094.026204"),
            (0x412b1e717ed082ba, "888632.74768456"),
            (0x40b20636c8b43958, "4614.214"),
            (0x4114c4edcad03d9b, "340283.44806"),
            (0x411303cf863f1412, "311539.8811"),
            (0xc0d6f8c000000000, "-23523.0"),
            (0x411595e7bca7e1dc, "353657.93423417"),
            (0xc0e95df1810624dd, "-51951.547"),
            (0xc11754735fd36f7e, "-382236.84358"),
            (0xc11e707c00000000, "-498719.0"),
            (0xc125f829f0542c52, "-719892.96939219"),
            (0x4121deab6a161e4f, "585557.7072"),
            (0xc112cf975c28f5c3, "-308197.84"),
            (0xc12b452400000000, "-893586.0"),
            (0x410d8641cacaff6d, "241864.22402"),
            (0xc1229170864c2f83, "-608440.2623"),
            (0x4122b7d608f791f2, "613355.01751381"),
            (0xc12b75ce75c28f5c, "-899815.23"),
            (0xc1286efec9cc1a1f, "-800639.3941353"),
            (0x4110e879c2c01e69, "277022.440186"),
            (0xc12b3c918ac08312, "-892488.771"),
            (0x411606c2851eb852, "360880.63"),
            (0xc110aff2de760ccd, "-273404.7172472"),
            (0xc1110c903dd05293, "-279332.060365"),
            (0x4128c5949999999a, "811722.3"),
            (0xc1133840e993fd78, "-314896.2281036"),
            (0xc1150c8492a1db5d, "-344865.14319556"),
            (0xc1050ce360e9fd5f, "-172444.4223213"),
            (0xc12228cf00000000, "-595047.5"),
            (0x40d0aaf75360d024, "17067.864464"),
            (0xc0c2ad6eb5c39bcc, "-9562.864922"),
            (0xc0bab28f5c28f5c3, "-6834.56"),
            (0x4129e8b0c0a47b75, "848984.3762549"),
            (0x4124c1b0f1087b7a, "680152.47076784"),
            (0x41235a5dbb3d07c8, "634158.8657"),
            (0x41284ce966666666, "796276.7"),
            (0xc10fd00b26b0b3bd, "-260609.39389172"),
            (0x412559539999999a, "699561.8"),
            (0x3ddb7cdfd9d7bdbb, "1e-10"),
            (0xbde49da7e361ce4c, "-1.5e-10"),
            (0x3e112e0be826d695, "1e-09"),
            (0xbe19c511dc3a41e0, "-1.5000000000000002e-09"),
            (0x3e45798ee2308c3a, "1e-08"),
            (0xbe501b2b29a4692c, "-1.5000000000000002e-08"),
            (0x3e7ad7f29abcaf48, "1e-07"),
            (0xbe8421f5f40d8376, "-1.5e-07"),
            (0x3eb0c6f7a0b5ed8d, "1e-06"),
            (0xbeb92a737110e454, "-1.5e-06"),
            (0xbeef75104d551d6a, "-1.5000000000000002e-05"),
            (0xbf23a92a30553262, "-0.00015000000000000001"),
            (0x3f50624dd2f1a9fc, "0.001"),
            (0xbf589374bc6a7efa, "-0.0015"),
            (0x3f847ae147ae147b, "0.01"),
            (0xbf8eb851eb851eb8, "-0.015"),
            (0xbfc3333333333334, "-0.15000000000000002"),
            (0xbff8000000000000, "-1.5"),
            (0x4024000000000000, "10.0"),
            (0xc02e000000000000, "-15.0"),
            (0xc062c00000000000, "-150.0"),
            (0x408f400000000000, "1000.0"),
            (0xc097700000000000, "-1500.0"),
            (0x40c3880000000000, "10000.0"),
            (0xc0cd4c0000000000, "-15000.0"),
            (0x40f86a0000000000, "100000.0"),
            (0xc1024f8000000000, "-150000.0"),
            (0x412e848000000000, "1000000.0"),
            (0xc136e36000000000, "-1500000.0"),
            (0x416312d000000000, "10000000.0"),
            (0xc16c9c3800000000, "-15000000.0"),
            (0x4197d78400000000, "100000000.0"),
            (0xc1a1e1a300000000, "-150000000.0"),
            (0x41cdcd6500000000, "1000000000.0"),
            (0xc1d65a0bc0000000, "-1500000000.0"),
            (0x4202a05f20000000, "10000000000.0"),
            (0xc20bf08eb0000000, "-15000000000.0"),
            (0x42374876e8000000, "100000000000.0"),
            (0xc24176592e000000, "-150000000000.0"),
            (0x426d1a94a2000000, "1000000000000.0"),
            (0xc275d3ef79800000, "-1500000000000.0"),
            (0x42a2309ce5400000, "10000000000000.0"),
            (0xc2ab48eb57e00000, "-15000000000000.0"),
            (0x42d6bcc41e900000, "100000000000000.0"),
            (0xc2e10d9316ec0000, "-150000000000000.0"),
            (0xc31550f7dca70000, "-1500000000000000.0"),
            (0xc34aa535d3d0c000, "-1.5e+16"),
            (0x4376345785d8a000, "1e+17"),
            (0xc380a741a4627800, "-1.5e+17"),
            (0x43abc16d674ec800, "1e+18"),
            (0xc3b4d1120d7b1600, "-1.5e+18"),
            (0x43e158e460913d00, "1e+19"),
            (0xc3ea055690d9db80, "-1.5e+19"),
            (0x4415af1d78b58c40, "1e+20"),
            (0xc42043561a882930, "-1.5e+20"),
            (0x444b1ae4d6e2ef50, "1e+21"),
            (0xc454542ba12a337c, "-1.5e+21"),
            (0xc48969368974c05b, "-1.5e+22"),
            (0x44b52d02c7e14af7, "1.0000000000000001e+23"),
            (0xc4bfc3842bd1f072, "-1.5e+23"),
            (0x44ea784379d99db4, "1e+24"),
            (0xc4f3da329b633647, "-1.5e+24"),
        ];
        for &(bits, want) in cases {
            assert_eq!(float_repr(f64::from_bits(bits)), want, "{bits:#x}");
        }
        assert_eq!(float_repr(f64::NAN), "nan");
        assert_eq!(float_repr(-f64::NAN), "nan");
        assert_eq!(float_repr(f64::INFINITY), "inf");
        assert_eq!(float_repr(f64::NEG_INFINITY), "-inf");
    }

    #[test]
    fn round6_matches_python() {
        let cases: &[(&str, &str)] = &[
            ("0.0078125", "0.007812"),
            ("-0.0078125", "-0.007812"),
            ("0.0234375", "0.023438"),
            ("2.675", "2.675"),
            ("1e+300", "1e+300"),
            ("-1e+300", "-1e+300"),
            ("1.7976931348623157e+308", "1.7976931348623157e+308"),
            ("5e-324", "0.0"),
            ("-5e-324", "-0.0"),
            ("1e-07", "0.0"),
            ("-1e-07", "-0.0"),
            ("4e-07", "0.0"),
            ("5e-07", "0.0"),
            ("-5e-07", "-0.0"),
            ("5.000000000000001e-07", "1e-06"),
            ("4.999999999999999e-07", "0.0"),
            ("6e-07", "1e-06"),
            ("1.5e-06", "2e-06"),
            ("2.5e-06", "3e-06"),
            ("1.0000005", "1.000001"),
            ("1.0000015", "1.000001"),
            ("2.0000025", "2.000002"),
            ("0.1234565", "0.123456"),
            ("0.1234575", "0.123457"),
            ("123456.7890125", "123456.789012"),
            ("4503599627370496.0", "4503599627370496.0"),
            ("4503599627370495.5", "4503599627370495.5"),
            ("9007199254740992.0", "9007199254740992.0"),
            ("0.5", "0.5"),
            ("1.5", "1.5"),
            ("0.3333333333333333", "0.333333"),
            ("-0.6666666666666666", "-0.666667"),
            ("3.14159265358979", "3.141593"),
            ("1e-06", "1e-06"),
            ("1e-05", "1e-05"),
            ("9.9999995", "9.999999"),
            ("0.9999995", "1.0"),
            ("-0.9999995", "-1.0"),
            ("999999.9999995", "999999.999999"),
            ("1000000000000000.2", "1000000000000000.2"),
            ("1e-300", "0.0"),
            ("0.1", "0.1"),
            ("0.2", "0.2"),
            ("0.3", "0.3"),
            ("123.0", "123.0"),
            ("-2.86102294921875e-06", "-3e-06"),
            ("2.34375e-05", "2.3e-05"),
            ("0.015625", "0.015625"),
            ("-5.7220458984375e-06", "-6e-06"),
            ("3.90625e-05", "3.9e-05"),
            ("-8.58306884765625e-06", "-9e-06"),
            ("5.46875e-05", "5.5e-05"),
            ("0.03125", "0.03125"),
            ("-1.1444091796875e-05", "-1.1e-05"),
            ("7.03125e-05", "7e-05"),
            ("0.0390625", "0.039062"),
            ("-1.430511474609375e-05", "-1.4e-05"),
            ("8.59375e-05", "8.6e-05"),
            ("0.046875", "0.046875"),
            ("-1.71661376953125e-05", "-1.7e-05"),
            ("0.0001015625", "0.000102"),
            ("0.0546875", "0.054688"),
            ("-2.002716064453125e-05", "-2e-05"),
            ("0.0001171875", "0.000117"),
            ("0.0625", "0.0625"),
            ("-2.288818359375e-05", "-2.3e-05"),
            ("0.0001328125", "0.000133"),
            ("0.0703125", "0.070312"),
            ("-2.574920654296875e-05", "-2.6e-05"),
            ("0.0001484375", "0.000148"),
            ("0.078125", "0.078125"),
            ("-2.86102294921875e-05", "-2.9e-05"),
            ("0.0001640625", "0.000164"),
            ("0.0859375", "0.085938"),
            ("-3.147125244140625e-05", "-3.1e-05"),
            ("0.0001796875", "0.00018"),
            ("0.09375", "0.09375"),
            ("-3.4332275390625e-05", "-3.4e-05"),
            ("0.0001953125", "0.000195"),
            ("0.1015625", "0.101562"),
            ("-3.719329833984375e-05", "-3.7e-05"),
            ("0.0002109375", "0.000211"),
            ("0.109375", "0.109375"),
            ("-4.00543212890625e-05", "-4e-05"),
            ("0.0002265625", "0.000227"),
            ("0.1171875", "0.117188"),
            ("-4.291534423828125e-05", "-4.3e-05"),
            ("0.0002421875", "0.000242"),
            ("0.125", "0.125"),
            ("-4.57763671875e-05", "-4.6e-05"),
            ("0.0002578125", "0.000258"),
            ("0.1328125", "0.132812"),
            ("-4.863739013671875e-05", "-4.9e-05"),
            ("0.0002734375", "0.000273"),
            ("0.140625", "0.140625"),
            ("-5.14984130859375e-05", "-5.1e-05"),
            ("0.0002890625", "0.000289"),
            ("0.1484375", "0.148438"),
            ("-5.435943603515625e-05", "-5.4e-05"),
            ("0.0003046875", "0.000305"),
            ("0.15625", "0.15625"),
            ("-5.7220458984375e-05", "-5.7e-05"),
            ("0.0003203125", "0.00032"),
            ("0.1640625", "0.164062"),
            ("-6.008148193359375e-05", "-6e-05"),
            ("0.0003359375", "0.000336"),
            ("0.171875", "0.171875"),
            ("-6.29425048828125e-05", "-6.3e-05"),
            ("0.0003515625", "0.000352"),
            ("0.1796875", "0.179688"),
            ("-6.580352783203125e-05", "-6.6e-05"),
            ("0.0003671875", "0.000367"),
            ("0.1875", "0.1875"),
            ("-6.866455078125e-05", "-6.9e-05"),
            ("0.0003828125", "0.000383"),
            ("0.1953125", "0.195312"),
            ("-7.152557373046875e-05", "-7.2e-05"),
            ("0.0003984375", "0.000398"),
            ("0.203125", "0.203125"),
            ("-7.43865966796875e-05", "-7.4e-05"),
            ("0.0004140625", "0.000414"),
            ("0.2109375", "0.210938"),
            ("-7.724761962890625e-05", "-7.7e-05"),
            ("0.0004296875", "0.00043"),
            ("0.21875", "0.21875"),
            ("-8.0108642578125e-05", "-8e-05"),
            ("0.0004453125", "0.000445"),
            ("0.2265625", "0.226562"),
            ("-8.296966552734375e-05", "-8.3e-05"),
            ("0.0004609375", "0.000461"),
            ("0.234375", "0.234375"),
            ("-8.58306884765625e-05", "-8.6e-05"),
            ("0.0004765625", "0.000477"),
            ("0.2421875", "0.242188"),
            ("-8.869171142578125e-05", "-8.9e-05"),
            ("0.0004921875", "0.000492"),
            ("0.25", "0.25"),
            ("-9.1552734375e-05", "-9.2e-05"),
            ("0.0005078125", "0.000508"),
            ("0.2578125", "0.257812"),
            ("-9.441375732421875e-05", "-9.4e-05"),
            ("0.0005234375", "0.000523"),
            ("0.265625", "0.265625"),
            ("-9.72747802734375e-05", "-9.7e-05"),
            ("0.0005390625", "0.000539"),
            ("0.2734375", "0.273438"),
            ("-0.00010013580322265625", "-0.0001"),
            ("0.0005546875", "0.000555"),
            ("0.28125", "0.28125"),
            ("-0.000102996826171875", "-0.000103"),
            ("0.0005703125", "0.00057"),
            ("0.2890625", "0.289062"),
            ("-0.00010585784912109375", "-0.000106"),
            ("0.0005859375", "0.000586"),
            ("0.296875", "0.296875"),
            ("-0.0001087188720703125", "-0.000109"),
            ("0.0006015625", "0.000602"),
            ("0.3046875", "0.304688"),
            ("-0.00011157989501953125", "-0.000112"),
            ("0.0006171875", "0.000617"),
            ("-345.5124215856315", "-345.512422"),
            ("585.1606053727403", "585.160605"),
            ("218.19623698120722", "218.196237"),
            ("-49.23466056635448", "-49.234661"),
            ("495.0978127076896", "495.097813"),
            ("581.1337522326025", "581.133752"),
            ("608.177839463418", "608.177839"),
            ("-451.64421732576625", "-451.644217"),
            ("-185.68131738868885", "-185.681317"),
            ("649.3639703870876", "649.36397"),
            ("1.2362396797169595", "1.23624"),
            ("-485.34263816806015", "-485.342638"),
            ("-776.3030973297327", "-776.303097"),
            ("-500.357123334054", "-500.357123"),
            ("49.065662930017425", "49.065663"),
            ("854.4699954310838", "854.469995"),
            ("421.1942388801747", "421.194239"),
            ("-142.23186427709584", "-142.231864"),
            ("506.99565040483617", "506.99565"),
            ("-622.3222164113233", "-622.322216"),
            ("604.2644234833699", "604.264423"),
            ("-460.2846792273208", "-460.284679"),
            ("-785.8486572770466", "-785.848657"),
            ("-674.6868196712186", "-674.68682"),
            ("-541.2686431674975", "-541.268643"),
            ("789.2500239018257", "789.250024"),
            ("-452.8712663132759", "-452.871266"),
            ("-848.1452441933579", "-848.145244"),
            ("930.7561640900349", "930.756164"),
            ("687.4302333813996", "687.430233"),
            ("-499.28122882942216", "-499.281229"),
            ("800.4405024355058", "800.440502"),
            ("956.5181636675018", "956.518164"),
            ("-833.9475911339817", "-833.947591"),
            ("-259.7102886632425", "-259.710289"),
            ("-659.9156840426983", "-659.915684"),
            ("-279.60383515401156", "-279.603835"),
            ("568.3107079985432", "568.310708"),
            ("616.3695873489125", "616.369587"),
            ("153.46724551791908", "153.467246"),
            ("518.5057451992991", "518.505745"),
            ("-133.73663357915564", "-133.736634"),
            ("242.16071892964715", "242.160719"),
            ("-514.4306602721238", "-514.43066"),
            ("-927.8081852752078", "-927.808185"),
            ("542.9819843456157", "542.981984"),
            ("526.4755467696427", "526.475547"),
            ("-295.4117467050852", "-295.411747"),
            ("93.39369838000357", "93.393698"),
            ("-79.13963631359809", "-79.139636"),
            ("807.9081362825348", "807.908136"),
            ("-266.45263375771685", "-266.452634"),
            ("-884.0554930974924", "-884.055493"),
            ("-582.0160458053776", "-582.016046"),
            ("-864.3510402766772", "-864.35104"),
            ("557.9158830981778", "557.915883"),
            ("-80.38823186962827", "-80.388232"),
            ("567.4059498854292", "567.40595"),
            ("-828.3068652562422", "-828.306865"),
            ("-994.259569690133", "-994.25957"),
            ("-839.5676777343226", "-839.567678"),
            ("641.6931325440214", "641.693133"),
            ("259.16542808390386", "259.165428"),
            ("-580.0530928351009", "-580.053093"),
            ("402.67822441427506", "402.678224"),
            ("-537.6407582908489", "-537.640758"),
            ("657.1531803696737", "657.15318"),
            ("900.5787018194708", "900.578702"),
            ("161.7836516851023", "161.783652"),
            ("540.7816418077416", "540.781642"),
            ("-164.7905594331969", "-164.790559"),
            ("56.03211749259299", "56.032117"),
            ("-232.10499402572339", "-232.104994"),
            ("-467.51807892719467", "-467.518079"),
            ("640.820322773011", "640.820323"),
            ("775.0468497385348", "775.04685"),
            ("429.8226938620842", "429.822694"),
            ("-712.9622810711153", "-712.962281"),
            ("-277.90965524852345", "-277.909655"),
            ("-608.1874496468329", "-608.18745"),
            ("-40.22301703839548", "-40.223017"),
            ("390.5884021712384", "390.588402"),
            ("994.3168718424204", "994.316872"),
            ("-742.4555081784896", "-742.455508"),
            ("-174.90651191137601", "-174.906512"),
            ("823.6022715934582", "823.602272"),
            ("-521.036972361572", "-521.036972"),
            ("-128.1978726566697", "-128.197873"),
            ("658.5398864857029", "658.539886"),
            ("-684.5548691517799", "-684.554869"),
            ("49355.4664215", "49355.466422"),
            ("74974.6678995", "74974.667899"),
            ("15477.7629735", "15477.762973"),
            ("35401.5693595", "35401.569359"),
            ("34309.6445275", "34309.644528"),
            ("19273.3417695", "19273.341769"),
            ("15414.6616085", "15414.661609"),
            ("87374.3785745", "87374.378575"),
            ("10662.3636085", "10662.363608"),
            ("64697.1286235", "64697.128624"),
            ("76093.2009405", "76093.20094"),
            ("16457.5474595", "16457.54746"),
            ("18412.8464535", "18412.846453"),
            ("60345.1103915", "60345.110391"),
            ("79593.6344905", "79593.634491"),
            ("52298.4877055", "52298.487706"),
            ("94448.8043685", "94448.804369"),
            ("73962.6001335", "73962.600134"),
            ("53698.7708385", "53698.770839"),
            ("57387.9420095", "57387.94201"),
            ("63838.3381465", "63838.338146"),
            ("75147.3353955", "75147.335396"),
            ("80657.5495565", "80657.549557"),
            ("31153.8811495", "31153.88115"),
            ("22677.2330905", "22677.233091"),
            ("80410.8289855", "80410.828986"),
            ("54246.0284475", "54246.028448"),
            ("66784.4824315", "66784.482432"),
            ("97446.5388985", "97446.538899"),
            ("48024.0464885", "48024.046488"),
            ("40058.7793155", "40058.779316"),
            ("21343.7236715", "21343.723671"),
            ("75621.2871215", "75621.287122"),
            ("30213.2302365", "30213.230236"),
            ("74488.6772065", "74488.677206"),
            ("89439.6045935", "89439.604594"),
            ("57260.9948155", "57260.994816"),
            ("82212.9909095", "82212.99091"),
            ("60454.3619855", "60454.361985"),
            ("68078.9518755", "68078.951876"),
            ("3.971820784542674e-06", "4e-06"),
            ("-8.089870726237236e-07", "-1e-06"),
            ("4.4803379199007485e-07", "0.0"),
            ("-3.990350464440103e-06", "-4e-06"),
            ("8.785208913150464e-06", "9e-06"),
            ("9.256076159758217e-06", "9e-06"),
            ("-5.981110222796656e-06", "-6e-06"),
            ("-4.695235251232721e-07", "-0.0"),
            ("-5.93713706084655e-06", "-6e-06"),
            ("-4.353231573428145e-06", "-4e-06"),
            ("-1.4577435681321644e-06", "-1e-06"),
            ("9.272605044152746e-06", "9e-06"),
            ("-7.085670309785013e-06", "-7e-06"),
            ("3.0314681766652337e-06", "3e-06"),
            ("-1.6269693822133277e-06", "-2e-06"),
            ("-4.599921926506404e-06", "-5e-06"),
            ("4.394113770407014e-06", "4e-06"),
            ("5.6781169907718815e-06", "6e-06"),
            ("-6.933933468371186e-06", "-7e-06"),
            ("-8.338806697660364e-06", "-8e-06"),
            ("9.391646330142862e-06", "9e-06"),
            ("1.0018652725324567e-06", "1e-06"),
            ("1.8440471116417443e-06", "2e-06"),
            ("-6.857698045778785e-08", "-0.0"),
            ("-5.631852917227724e-06", "-6e-06"),
            ("6.063871926651253e-06", "6e-06"),
            ("4.939231598940109e-06", "5e-06"),
            ("-6.86541362348456e-06", "-7e-06"),
            ("-4.844592601266087e-06", "-5e-06"),
            ("-6.9770863794279815e-06", "-7e-06"),
            ("9.185236656241437e-06", "9e-06"),
            ("7.043506682495009e-07", "1e-06"),
            ("-3.774650874461943e-06", "-4e-06"),
            ("7.17292185515767e-06", "7e-06"),
            ("-3.4578416260105915e-06", "-3e-06"),
            ("4.1690490158651246e-06", "4e-06"),
            ("-1.6038552428629267e-07", "-0.0"),
            ("-6.279128575228049e-06", "-6e-06"),
            ("-5.182012056859025e-06", "-5e-06"),
            ("-2.225549898980692e-06", "-2e-06"),
            ("19833318930002.875", "19833318930002.875"),
            ("-128906078.00735474", "-128906078.007355"),
            ("33257298159.230164", "33257298159.230164"),
            ("-7013372811815.086", "-7013372811815.086"),
            ("-41770562588.687256", "-41770562588.687256"),
            ("-199695759254.7434", "-199695759254.7434"),
            ("-5729278020473.266", "-5729278020473.266"),
            ("-7533684872201.656", "-7533684872201.656"),
            ("-867.0989456531988", "-867.098946"),
            ("147615.85843222123", "147615.858432"),
            ("9068897191.438477", "9068897191.438477"),
            ("-37341507.59127414", "-37341507.591274"),
            ("2762141593.7390633", "2762141593.739063"),
            ("-48063.653744376206", "-48063.653744"),
            ("1056489.5235176273", "1056489.523518"),
            ("-2123208.7344397902", "-2123208.73444"),
            ("26797571811.92749", "26797571811.92749"),
            ("22508105724.1416", "22508105724.1416"),
            ("-1379163504114.121", "-1379163504114.121"),
            ("-19278172103.512817", "-19278172103.512817"),
            ("-10526.755631193635", "-10526.755631"),
            ("-6623282.363399908", "-6623282.3634"),
            ("113946892.20123827", "113946892.201238"),
            ("-1006036447381.1348", "-1006036447381.1348"),
            ("15837523007717.062", "15837523007717.062"),
            ("-110679653026582.75", "-110679653026582.75"),
            ("2074.5072918390033", "2074.507292"),
            ("5444799007.075928", "5444799007.075928"),
            ("-1740996.6921258047", "-1740996.692126"),
            ("-32168699192258.562", "-32168699192258.562"),
            ("-8.158398501015935e-129", "-0.0"),
            ("5.505868464642525e+29", "5.505868464642525e+29"),
            ("-0.0020168874732413", "-0.002017"),
            ("4.635931802367016e+242", "4.635931802367016e+242"),
            ("-1.955192859599367e+57", "-1.955192859599367e+57"),
            ("3.350143563398063e-40", "0.0"),
            ("-2.6241745949965154e+100", "-2.6241745949965154e+100"),
            ("-5.033905852220609e-217", "-0.0"),
            ("6.239227512313411e-205", "0.0"),
            ("1.7792594264646826e-11", "0.0"),
            ("65549.59331589531", "65549.593316"),
            ("1.0375215787438346e+287", "1.0375215787438346e+287"),
            ("-1.1658100650181408e+144", "-1.1658100650181408e+144"),
            ("9.79807081382433e-95", "0.0"),
            ("-1.4886427409987655e-280", "-0.0"),
            ("2.2376863427071246e-241", "0.0"),
            ("-1.1276615180242863e+59", "-1.1276615180242863e+59"),
            ("1.5111545474032793e+248", "1.5111545474032793e+248"),
            ("2.262561806086561e+198", "2.262561806086561e+198"),
            ("1.3233399815656392e+230", "1.3233399815656392e+230"),
        ];
        for &(input, want) in cases {
            let x: f64 = input.parse().unwrap();
            let want: f64 = want.parse().unwrap();
            assert_eq!(round6(x).to_bits(), want.to_bits(), "round({input}, 6)");
        }
        assert!(round6(f64::NAN).is_nan());
        assert_eq!(round6(f64::INFINITY), f64::INFINITY);
        assert_eq!(round6(f64::NEG_INFINITY), f64::NEG_INFINITY);
        assert_eq!(round6(-0.0).to_bits(), (-0.0f64).to_bits());
    }

    #[test]
    fn int_of_str_matches_python() {
        let cases: Vec<(String, Result<i128, IntError>)> = vec![
            ("0".into(), Ok(0)),
            ("1".into(), Ok(1)),
            ("-1".into(), Ok(-1)),
            ("+1".into(), Ok(1)),
            (" 42 ".into(), Ok(42)),
            ("\u{9}\u{a}\u{b}\u{c}\u{d}7\u{d}\u{a}".into(), Ok(7)),
            ("007".into(), Ok(7)),
            ("+007".into(), Ok(7)),
            ("-007".into(), Ok(-7)),
            ("1_000".into(), Ok(1000)),
            ("1_0_0".into(), Ok(100)),
            ("1__0".into(), Err(IntError::Value)),
            ("_1".into(), Err(IntError::Value)),
            ("1_".into(), Err(IntError::Value)),
            ("-_1".into(), Err(IntError::Value)),
            ("+_1".into(), Err(IntError::Value)),
            ("- 1".into(), Err(IntError::Value)),
            ("+-1".into(), Err(IntError::Value)),
            ("--1".into(), Err(IntError::Value)),
            ("".into(), Err(IntError::Value)),
            ("  ".into(), Err(IntError::Value)),
            ("+".into(), Err(IntError::Value)),
            ("-".into(), Err(IntError::Value)),
            ("_".into(), Err(IntError::Value)),
            ("0x10".into(), Err(IntError::Value)),
            ("0o7".into(), Err(IntError::Value)),
            ("0b1".into(), Err(IntError::Value)),
            ("1.5".into(), Err(IntError::Value)),
            ("1e3".into(), Err(IntError::Value)),
            ("1.0".into(), Err(IntError::Value)),
            ("inf".into(), Err(IntError::Value)),
            ("nan".into(), Err(IntError::Value)),
            ("12a".into(), Err(IntError::Value)),
            ("a12".into(), Err(IntError::Value)),
            ("1 2".into(), Err(IntError::Value)),
            ("\u{1c}1".into(), Err(IntError::Value)),
            ("1\u{1f}".into(), Err(IntError::Value)),
            ("1\u{0}".into(), Err(IntError::Value)),
            ("\u{7f}1".into(), Err(IntError::Value)),
            ("\u{a0}1\u{a0}".into(), Ok(1)),
            ("\u{3000}1\u{3000}".into(), Ok(1)),
            ("\u{2028}-5\u{2029}".into(), Ok(-5)),
            ("\u{85}1\u{85}".into(), Ok(1)),
            ("\u{200b}1".into(), Err(IntError::Value)),
            ("\u{661}\u{662}".into(), Ok(12)),
            ("\u{663}_\u{663}".into(), Ok(33)),
            ("\u{ff11}\u{ff12}".into(), Ok(12)),
            ("\u{1d7ce}\u{1d7d9}".into(), Ok(1)),
            ("\u{1d7f6}\u{1d7ff}".into(), Ok(9)),
            ("\u{b2}".into(), Err(IntError::Value)),
            ("\u{2460}".into(), Err(IntError::Value)),
            ("\u{f2a}".into(), Err(IntError::Value)),
            ("\u{1fbf9}".into(), Ok(9)),
            ("\u{967}".into(), Ok(1)),
            ("170141183460469231731687303715884105727".into(), Ok(170141183460469231731687303715884105727)),
            ("-170141183460469231731687303715884105728".into(), Ok(-170141183460469231731687303715884105728)),
            ("170141183460469231731687303715884105728".into(), Err(IntError::Overflow)),
            ("-170141183460469231731687303715884105729".into(), Err(IntError::Overflow)),
            ("111111111111111111111111111111111111111".into(), Ok(111111111111111111111111111111111111111)),
            ("9999999999999999999999999999999999999999".into(), Err(IntError::Overflow)),
            ("00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000005".into(), Ok(5)),
            (format!("{}{}{}{}", "-", "0".repeat(4300), "", ""), Ok(0)),
            (format!("{}{}{}{}", "", "0".repeat(4300), "", ""), Ok(0)),
            (format!("{}{}{}{}", "", "0".repeat(4301), "", ""), Err(IntError::Value)),
            (format!("{}{}{}{}", "", "1".repeat(4301), "", ""), Err(IntError::Value)),
            (format!("{}{}{}{}", "", "1_".repeat(4300), "1", ""), Err(IntError::Value)),
            (format!("{}{}{}{}", " ", "0".repeat(4301), "", "x"), Err(IntError::Value)),
        ];
        for (input, want) in cases {
            assert_eq!(int(&Value::Str(input.clone())), want, "int({input:?})");
        }
    }

    #[test]
    fn int_of_bytes_matches_python() {
        let cases: &[(&[u8], Result<i128, IntError>)] = &[
            (b"12", Ok(12)),
            (b" 12 ", Ok(12)),
            (b"\x0b1\x0c", Ok(1)),
            (b"-0", Ok(0)),
            (b"+5", Ok(5)),
            (b"1_0", Ok(10)),
            (b"1__0", Err(IntError::Value)),
            (b"\xa01", Err(IntError::Value)),
            (b"\x001", Err(IntError::Value)),
            (b"1\x00", Err(IntError::Value)),
            (b"\x1c1", Err(IntError::Value)),
            (b"", Err(IntError::Value)),
            (b"0x1", Err(IntError::Value)),
            (b"\xd9\xa1", Err(IntError::Value)),
            (
                b"99999999999999999999999999999999999999999",
                Err(IntError::Overflow),
            ),
            (
                b"-170141183460469231731687303715884105728",
                Ok(-170141183460469231731687303715884105728),
            ),
        ];
        for &(input, want) in cases {
            assert_eq!(int(&Value::Bytes(input.to_vec())), want, "int({input:?})");
        }
    }

    #[test]
    fn int_of_float_matches_python() {
        let cases: &[(f64, Result<i128, IntError>)] = &[
            (0.0, Ok(0)),
            (-0.0, Ok(0)),
            (0.5, Ok(0)),
            (-0.5, Ok(0)),
            (0.9999999999999999, Ok(0)),
            (1.0, Ok(1)),
            (-1.9, Ok(-1)),
            (2.5, Ok(2)),
            (1e+18, Ok(1000000000000000000)),
            (-1e+18, Ok(-1000000000000000000)),
            (1e+38, Ok(99999999999999997748809823456034029568)),
            (-1e+38, Ok(-99999999999999997748809823456034029568)),
            (
                1.7014118346046921e+38,
                Ok(170141183460469212842221372237303250944),
            ),
            (1.7014118346046923e+38, Err(IntError::Overflow)),
            (
                -1.7014118346046923e+38,
                Ok(-170141183460469231731687303715884105728),
            ),
            (1e+300, Err(IntError::Overflow)),
            (-1e+300, Err(IntError::Overflow)),
            (123456789.987, Ok(123456789)),
            (5e-324, Ok(0)),
            (f64::INFINITY, Err(IntError::Overflow)),
            (f64::NEG_INFINITY, Err(IntError::Overflow)),
            (f64::NAN, Err(IntError::Value)),
        ];
        for &(x, want) in cases {
            assert_eq!(int(&Value::Float(x)), want, "int({x:?})");
        }
    }

    #[test]
    fn add_table_all_81_pairs() {
        let cases: Vec<(Value, Value, Result<Value, PyError>)> = vec![
            (
                N,
                N,
                Err(te(
                    "unsupported operand type(s) for +: 'NoneType' and 'NoneType'",
                )),
            ),
            (
                N,
                TRUE,
                Err(te(
                    "unsupported operand type(s) for +: 'NoneType' and 'bool'",
                )),
            ),
            (
                N,
                i(1),
                Err(te(
                    "unsupported operand type(s) for +: 'NoneType' and 'int'",
                )),
            ),
            (
                N,
                f(1.5),
                Err(te(
                    "unsupported operand type(s) for +: 'NoneType' and 'float'",
                )),
            ),
            (
                N,
                s("a"),
                Err(te(
                    "unsupported operand type(s) for +: 'NoneType' and 'str'",
                )),
            ),
            (
                N,
                b(b"a"),
                Err(te(
                    "unsupported operand type(s) for +: 'NoneType' and 'bytes'",
                )),
            ),
            (
                N,
                l(vec![i(1)]),
                Err(te(
                    "unsupported operand type(s) for +: 'NoneType' and 'list'",
                )),
            ),
            (
                N,
                t(vec![i(1)]),
                Err(te(
                    "unsupported operand type(s) for +: 'NoneType' and 'tuple'",
                )),
            ),
            (
                N,
                d(vec![(i(1), i(2))]),
                Err(te(
                    "unsupported operand type(s) for +: 'NoneType' and 'dict'",
                )),
            ),
            (
                TRUE,
                N,
                Err(te(
                    "unsupported operand type(s) for +: 'bool' and 'NoneType'",
                )),
            ),
            (TRUE, TRUE, Ok(i(2))),
            (TRUE, i(1), Ok(i(2))),
            (TRUE, f(1.5), Ok(f(2.5))),
            (
                TRUE,
                s("a"),
                Err(te("unsupported operand type(s) for +: 'bool' and 'str'")),
            ),
            (
                TRUE,
                b(b"a"),
                Err(te("unsupported operand type(s) for +: 'bool' and 'bytes'")),
            ),
            (
                TRUE,
                l(vec![i(1)]),
                Err(te("unsupported operand type(s) for +: 'bool' and 'list'")),
            ),
            (
                TRUE,
                t(vec![i(1)]),
                Err(te("unsupported operand type(s) for +: 'bool' and 'tuple'")),
            ),
            (
                TRUE,
                d(vec![(i(1), i(2))]),
                Err(te("unsupported operand type(s) for +: 'bool' and 'dict'")),
            ),
            (
                i(1),
                N,
                Err(te(
                    "unsupported operand type(s) for +: 'int' and 'NoneType'",
                )),
            ),
            (i(1), TRUE, Ok(i(2))),
            (i(1), i(1), Ok(i(2))),
            (i(1), f(1.5), Ok(f(2.5))),
            (
                i(1),
                s("a"),
                Err(te("unsupported operand type(s) for +: 'int' and 'str'")),
            ),
            (
                i(1),
                b(b"a"),
                Err(te("unsupported operand type(s) for +: 'int' and 'bytes'")),
            ),
            (
                i(1),
                l(vec![i(1)]),
                Err(te("unsupported operand type(s) for +: 'int' and 'list'")),
            ),
            (
                i(1),
                t(vec![i(1)]),
                Err(te("unsupported operand type(s) for +: 'int' and 'tuple'")),
            ),
            (
                i(1),
                d(vec![(i(1), i(2))]),
                Err(te("unsupported operand type(s) for +: 'int' and 'dict'")),
            ),
            (
                f(1.5),
                N,
                Err(te(
                    "unsupported operand type(s) for +: 'float' and 'NoneType'",
                )),
            ),
            (f(1.5), TRUE, Ok(f(2.5))),
            (f(1.5), i(1), Ok(f(2.5))),
            (f(1.5), f(1.5), Ok(f(3.0))),
            (
                f(1.5),
                s("a"),
                Err(te("unsupported operand type(s) for +: 'float' and 'str'")),
            ),
            (
                f(1.5),
                b(b"a"),
                Err(te("unsupported operand type(s) for +: 'float' and 'bytes'")),
            ),
            (
                f(1.5),
                l(vec![i(1)]),
                Err(te("unsupported operand type(s) for +: 'float' and 'list'")),
            ),
            (
                f(1.5),
                t(vec![i(1)]),
                Err(te("unsupported operand type(s) for +: 'float' and 'tuple'")),
            ),
            (
                f(1.5),
                d(vec![(i(1), i(2))]),
                Err(te("unsupported operand type(s) for +: 'float' and 'dict'")),
            ),
            (
                s("a"),
                N,
                Err(te("can only concatenate str (not \"NoneType\") to str")),
            ),
            (
                s("a"),
                TRUE,
                Err(te("can only concatenate str (not \"bool\") to str")),
            ),
            (
                s("a"),
                i(1),
                Err(te("can only concatenate str (not \"int\") to str")),
            ),
            (
                s("a"),
                f(1.5),
                Err(te("can only concatenate str (not \"float\") to str")),
            ),
            (s("a"), s("a"), Ok(s("aa"))),
            (
                s("a"),
                b(b"a"),
                Err(te("can only concatenate str (not \"bytes\") to str")),
            ),
            (
                s("a"),
                l(vec![i(1)]),
                Err(te("can only concatenate str (not \"list\") to str")),
            ),
            (
                s("a"),
                t(vec![i(1)]),
                Err(te("can only concatenate str (not \"tuple\") to str")),
            ),
            (
                s("a"),
                d(vec![(i(1), i(2))]),
                Err(te("can only concatenate str (not \"dict\") to str")),
            ),
            (b(b"a"), N, Err(te("can't concat NoneType to bytes"))),
            (b(b"a"), TRUE, Err(te("can't concat bool to bytes"))),
            (b(b"a"), i(1), Err(te("can't concat int to bytes"))),
            (b(b"a"), f(1.5), Err(te("can't concat float to bytes"))),
            (b(b"a"), s("a"), Err(te("can't concat str to bytes"))),
            (b(b"a"), b(b"a"), Ok(b(b"aa"))),
            (
                b(b"a"),
                l(vec![i(1)]),
                Err(te("can't concat list to bytes")),
            ),
            (
                b(b"a"),
                t(vec![i(1)]),
                Err(te("can't concat tuple to bytes")),
            ),
            (
                b(b"a"),
                d(vec![(i(1), i(2))]),
                Err(te("can't concat dict to bytes")),
            ),
            (
                l(vec![i(1)]),
                N,
                Err(te("can only concatenate list (not \"NoneType\") to list")),
            ),
            (
                l(vec![i(1)]),
                TRUE,
                Err(te("can only concatenate list (not \"bool\") to list")),
            ),
            (
                l(vec![i(1)]),
                i(1),
                Err(te("can only concatenate list (not \"int\") to list")),
            ),
            (
                l(vec![i(1)]),
                f(1.5),
                Err(te("can only concatenate list (not \"float\") to list")),
            ),
            (
                l(vec![i(1)]),
                s("a"),
                Err(te("can only concatenate list (not \"str\") to list")),
            ),
            (
                l(vec![i(1)]),
                b(b"a"),
                Err(te("can only concatenate list (not \"bytes\") to list")),
            ),
            (l(vec![i(1)]), l(vec![i(1)]), Ok(l(vec![i(1), i(1)]))),
            (
                l(vec![i(1)]),
                t(vec![i(1)]),
                Err(te("can only concatenate list (not \"tuple\") to list")),
            ),
            (
                l(vec![i(1)]),
                d(vec![(i(1), i(2))]),
                Err(te("can only concatenate list (not \"dict\") to list")),
            ),
            (
                t(vec![i(1)]),
                N,
                Err(te("can only concatenate tuple (not \"NoneType\") to tuple")),
            ),
            (
                t(vec![i(1)]),
                TRUE,
                Err(te("can only concatenate tuple (not \"bool\") to tuple")),
            ),
            (
                t(vec![i(1)]),
                i(1),
                Err(te("can only concatenate tuple (not \"int\") to tuple")),
            ),
            (
                t(vec![i(1)]),
                f(1.5),
                Err(te("can only concatenate tuple (not \"float\") to tuple")),
            ),
            (
                t(vec![i(1)]),
                s("a"),
                Err(te("can only concatenate tuple (not \"str\") to tuple")),
            ),
            (
                t(vec![i(1)]),
                b(b"a"),
                Err(te("can only concatenate tuple (not \"bytes\") to tuple")),
            ),
            (
                t(vec![i(1)]),
                l(vec![i(1)]),
                Err(te("can only concatenate tuple (not \"list\") to tuple")),
            ),
            (t(vec![i(1)]), t(vec![i(1)]), Ok(t(vec![i(1), i(1)]))),
            (
                t(vec![i(1)]),
                d(vec![(i(1), i(2))]),
                Err(te("can only concatenate tuple (not \"dict\") to tuple")),
            ),
            (
                d(vec![(i(1), i(2))]),
                N,
                Err(te(
                    "unsupported operand type(s) for +: 'dict' and 'NoneType'",
                )),
            ),
            (
                d(vec![(i(1), i(2))]),
                TRUE,
                Err(te("unsupported operand type(s) for +: 'dict' and 'bool'")),
            ),
            (
                d(vec![(i(1), i(2))]),
                i(1),
                Err(te("unsupported operand type(s) for +: 'dict' and 'int'")),
            ),
            (
                d(vec![(i(1), i(2))]),
                f(1.5),
                Err(te("unsupported operand type(s) for +: 'dict' and 'float'")),
            ),
            (
                d(vec![(i(1), i(2))]),
                s("a"),
                Err(te("unsupported operand type(s) for +: 'dict' and 'str'")),
            ),
            (
                d(vec![(i(1), i(2))]),
                b(b"a"),
                Err(te("unsupported operand type(s) for +: 'dict' and 'bytes'")),
            ),
            (
                d(vec![(i(1), i(2))]),
                l(vec![i(1)]),
                Err(te("unsupported operand type(s) for +: 'dict' and 'list'")),
            ),
            (
                d(vec![(i(1), i(2))]),
                t(vec![i(1)]),
                Err(te("unsupported operand type(s) for +: 'dict' and 'tuple'")),
            ),
            (
                d(vec![(i(1), i(2))]),
                d(vec![(i(1), i(2))]),
                Err(te("unsupported operand type(s) for +: 'dict' and 'dict'")),
            ),
        ];
        assert_eq!(cases.len(), 81);
        for (a, b, want) in cases {
            assert_eq!(add(&a, &b), want, "{a:?} + {b:?}");
        }
    }

    #[test]
    fn add_values_match_python() {
        let cases: Vec<(Value, Value, Value)> = vec![
            (TRUE, TRUE, i(2)),
            (FALSE, FALSE, i(0)),
            (TRUE, f(1.5), f(2.5)),
            (
                i(85070591730234615865843651857942052864),
                i(85070591730234615865843651857942052863),
                i(170141183460469231731687303715884105727),
            ),
            (
                i(-170141183460469231731687303715884105728),
                i(0),
                i(-170141183460469231731687303715884105728),
            ),
            (i(1), i(-1), i(0)),
            (f(0.1), f(0.2), f(0.30000000000000004)),
            (f(1e+308), f(1e+308), f(f64::INFINITY)),
            (f(-0.0), f(0.0), f(0.0)),
            (f(-0.0), f(-0.0), f(-0.0)),
            (i(9007199254740992), f(1.0), f(9007199254740992.0)),
            (
                i(170141183460469231731687303715884105727),
                f(0.0),
                f(1.7014118346046923e+38),
            ),
            (f(1e+16), i(1), f(1e+16)),
            (i(-5), TRUE, i(-4)),
            (s(""), s(""), s("")),
            (s("ab"), s("cd"), s("abcd")),
            (b(b""), b(b"x"), b(b"x")),
            (l(vec![]), l(vec![]), l(vec![])),
            (l(vec![i(1), s("a")]), l(vec![N]), l(vec![i(1), s("a"), N])),
            (t(vec![]), t(vec![]), t(vec![])),
            (
                t(vec![i(1)]),
                t(vec![i(2), i(3)]),
                t(vec![i(1), i(2), i(3)]),
            ),
            (f(f64::INFINITY), f(f64::NEG_INFINITY), f(f64::NAN)),
        ];
        for (a, b, want) in cases {
            let got = add(&a, &b).unwrap();
            assert_eq!(repr(&got), repr(&want), "{a:?} + {b:?}");
            assert_eq!(type_name(&got), type_name(&want));
        }
        assert_eq!(add(&i(i128::MAX), &i(1)), Err(PyError::Overflow));
        assert_eq!(add(&i(i128::MIN), &i(-1)), Err(PyError::Overflow));
        assert_eq!(add(&i(i128::MAX), &TRUE), Err(PyError::Overflow));
        assert_eq!(add(&i(i128::MAX), &f(1.0)), Ok(f(1.7014118346046923e+38)));
    }

    #[test]
    fn key_eq_matches_python() {
        let cases: Vec<(Value, Value, bool)> = vec![
            (i(1), TRUE, true),
            (i(1), f(1.0), true),
            (TRUE, f(1.0), true),
            (i(0), FALSE, true),
            (i(0), f(0.0), true),
            (i(0), f(-0.0), true),
            (FALSE, f(-0.0), true),
            (i(2), TRUE, false),
            (f(1.5), i(1), false),
            (f(f64::NAN), f(f64::NAN), false),
            (f(f64::NAN), i(0), false),
            (N, N, true),
            (N, i(0), false),
            (N, FALSE, false),
            (s("a"), s("a"), true),
            (s("a"), s("b"), false),
            (s("a"), b(b"a"), false),
            (b(b"a"), b(b"a"), true),
            (i(9007199254740993), f(9007199254740992.0), false),
            (i(9007199254740992), f(9007199254740992.0), true),
            (
                i(-170141183460469231731687303715884105728),
                f(-1.7014118346046923e+38),
                true,
            ),
            (
                i(170141183460469231731687303715884105727),
                f(1.7014118346046923e+38),
                false,
            ),
            (i(100000000000000000000), f(1e+20), true),
            (i(100000000000000000000), f(1e+20), true),
            (f(f64::INFINITY), f(f64::INFINITY), true),
            (
                f(f64::INFINITY),
                i(170141183460469231731687303715884105727),
                false,
            ),
            (t(vec![i(1), i(2)]), t(vec![f(1.0), i(2)]), true),
            (t(vec![i(1)]), l(vec![i(1)]), false),
            (
                l(vec![i(1), l(vec![i(2)])]),
                l(vec![i(1), l(vec![f(2.0)])]),
                true,
            ),
            (l(vec![]), t(vec![]), false),
            (t(vec![]), t(vec![]), true),
            (t(vec![i(1), s("a")]), t(vec![i(1), s("b")]), false),
            (t(vec![i(1)]), t(vec![i(1), i(2)]), false),
            (
                d(vec![(i(1), s("a")), (i(2), s("b"))]),
                d(vec![(i(2), s("b")), (i(1), s("a"))]),
                true,
            ),
            (d(vec![(i(1), s("a"))]), d(vec![(f(1.0), s("a"))]), true),
            (d(vec![(i(1), s("a"))]), d(vec![(i(1), s("b"))]), false),
            (d(vec![(i(1), s("a"))]), d(vec![(i(2), s("a"))]), false),
            (d(vec![]), d(vec![]), true),
            (
                d(vec![(i(1), l(vec![i(1)]))]),
                d(vec![(TRUE, l(vec![TRUE]))]),
                true,
            ),
            (l(vec![f(f64::NAN)]), l(vec![f(0.0)]), false),
            (s(""), b(b""), false),
            (i(0), s(""), false),
            (i(0), t(vec![]), false),
            (t(vec![]), l(vec![]), false),
            (d(vec![]), l(vec![]), false),
            (i(1), s("x"), false),
            (
                t(vec![i(1), t(vec![i(2), t(vec![i(3)])])]),
                t(vec![i(1), t(vec![i(2), t(vec![f(3.0)])])]),
                true,
            ),
        ];
        for (a, b, want) in cases {
            assert_eq!(key_eq(&a, &b), want, "{a:?} == {b:?}");
            assert_eq!(key_eq(&b, &a), want, "{b:?} == {a:?}");
        }
    }

    #[test]
    fn truthy_matches_python() {
        let cases: Vec<(Value, bool)> = vec![
            (N, false),
            (TRUE, true),
            (FALSE, false),
            (i(0), false),
            (i(1), true),
            (i(-1), true),
            (f(0.0), false),
            (f(-0.0), false),
            (f(f64::NAN), true),
            (f(1e-300), true),
            (s(""), false),
            (s(" "), true),
            (s("0"), true),
            (b(b""), false),
            (b(b"\x00"), true),
            (l(vec![]), false),
            (l(vec![N]), true),
            (t(vec![]), false),
            (t(vec![t(vec![])]), true),
            (d(vec![]), false),
            (d(vec![(i(0), i(0))]), true),
        ];
        for (v, want) in cases {
            assert_eq!(truthy(&v), want, "bool({v:?})");
        }
    }

    #[test]
    fn neg_matches_python() {
        let cases: Vec<(Value, Value)> = vec![
            (TRUE, i(-1)),
            (FALSE, i(0)),
            (i(0), i(0)),
            (i(5), i(-5)),
            (i(-7), i(7)),
            (
                i(170141183460469231731687303715884105727),
                i(-170141183460469231731687303715884105727),
            ),
            (f(0.0), f(-0.0)),
            (f(-0.0), f(0.0)),
            (f(1.5), f(-1.5)),
            (f(f64::INFINITY), f(f64::NEG_INFINITY)),
        ];
        for (v, want) in cases {
            let got = neg(&v).unwrap();
            assert_eq!(repr(&got), repr(&want), "-{v:?}");
            assert_eq!(type_name(&got), type_name(&want));
        }
        assert_eq!(neg(&N), Err(te("bad operand type for unary -: 'NoneType'")));
        assert_eq!(neg(&s("a")), Err(te("bad operand type for unary -: 'str'")));
        assert_eq!(
            neg(&b(b"a")),
            Err(te("bad operand type for unary -: 'bytes'"))
        );
        assert_eq!(
            neg(&l(vec![i(1)])),
            Err(te("bad operand type for unary -: 'list'"))
        );
        assert_eq!(
            neg(&t(vec![i(1)])),
            Err(te("bad operand type for unary -: 'tuple'"))
        );
        assert_eq!(
            neg(&d(vec![])),
            Err(te("bad operand type for unary -: 'dict'"))
        );
        assert_eq!(neg(&i(i128::MIN)), Err(PyError::Overflow));
        assert!(matches!(neg(&f(f64::NAN)), Ok(Value::Float(x)) if x.is_nan()));
    }

    #[test]
    fn type_names_match_python() {
        assert_eq!(type_name(&N), "NoneType");
        assert_eq!(type_name(&TRUE), "bool");
        assert_eq!(type_name(&i(1)), "int");
        assert_eq!(type_name(&f(1.5)), "float");
        assert_eq!(type_name(&s("a")), "str");
        assert_eq!(type_name(&b(b"a")), "bytes");
        assert_eq!(type_name(&l(vec![])), "list");
        assert_eq!(type_name(&t(vec![])), "tuple");
        assert_eq!(type_name(&d(vec![])), "dict");
    }
}
