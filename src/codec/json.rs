//! django-redis's `JSONSerializer` format: Python's `json.dumps(value, cls=DjangoJSONEncoder)`
//! encoded as UTF-8, and `json.loads` back.
//!
//! The text is byte-for-byte what CPython writes with its defaults (`", "` and `": "`
//! separators, `ensure_ascii=True`, floats as `repr`, `NaN`/`Infinity`), so a django-redis app
//! reading or comparing raw Redis bytes sees no difference. JSON has no tuple or bytes: tuples
//! are written as lists (and read back as lists, as in Python), and bytes, or a dict key that
//! JSON cannot name, are the `TypeError` Python raises.

use crate::error::CacheError;
use crate::python;
use crate::value::Value;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// Deepest nesting `loads` accepts (CPython's recursion limit is of the same order).
const MAX_DEPTH: usize = 512;

/// `json.dumps(value, cls=DjangoJSONEncoder).encode()`.
pub fn dumps(value: &Value) -> Result<Vec<u8>, CacheError> {
    let mut out = String::new();
    write_value(&mut out, value)?;
    Ok(out.into_bytes())
}

fn type_error(value: &Value) -> CacheError {
    CacheError::Type(crate::text::cat(&[
        "Object of type ",
        python::type_name(value),
        " is not JSON serializable",
    ]))
}

fn write_value(out: &mut String, value: &Value) -> Result<(), CacheError> {
    match value {
        Value::None => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Int(i) => crate::text::push_int(out, *i),
        Value::Float(x) => write_float(out, *x),
        Value::Str(text) => write_str(out, text),
        Value::Bytes(_) => return Err(type_error(value)),
        Value::List(items) | Value::Tuple(items) => {
            out.push('[');
            for (at, item) in items.iter().enumerate() {
                if at > 0 {
                    out.push_str(", ");
                }
                write_value(out, item)?;
            }
            out.push(']');
        }
        Value::Dict(pairs) => {
            out.push('{');
            for (at, (key, item)) in pairs.iter().enumerate() {
                if at > 0 {
                    out.push_str(", ");
                }
                write_key(out, key)?;
                out.push_str(": ");
                write_value(out, item)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

/// Python's `float.__repr__`, except for the non-finite values JSON writes by name.
fn write_float(out: &mut String, x: f64) {
    if x.is_nan() {
        out.push_str("NaN");
    } else if x.is_infinite() {
        out.push_str(if x > 0.0 { "Infinity" } else { "-Infinity" });
    } else {
        out.push_str(&python::float_repr(x));
    }
}

/// `json.dumps` turns str, int, float, bool and None keys into strings; others raise.
fn write_key(out: &mut String, key: &Value) -> Result<(), CacheError> {
    match key {
        Value::Str(text) => write_str(out, text),
        Value::None => write_str(out, "null"),
        Value::Bool(b) => write_str(out, if *b { "true" } else { "false" }),
        Value::Int(i) => write_str(out, &crate::text::int(*i)),
        Value::Float(x) => {
            let mut text = String::new();
            write_float(&mut text, *x);
            write_str(out, &text);
        }
        other => {
            return Err(CacheError::Type(crate::text::cat(&[
                "keys must be str, int, float, bool or None, not ",
                python::type_name(other),
            ])));
        }
    }
    Ok(())
}

/// Which characters [`write_string`] escapes besides `"` and `\\`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escaping {
    /// Python's `json.dumps(..., ensure_ascii=True)`: everything outside printable ASCII, as
    /// `\uXXXX` (UTF-16 surrogate pairs beyond the BMP).
    Ascii,
    /// What JSON requires: control characters (and DEL); other text as it is.
    Controls,
}

/// Appends `text` as a JSON string literal, with Python's short escapes (`\n`, `\r`, `\t`,
/// `\b`, `\f`) where it has them.
pub fn write_string(out: &mut String, text: &str, escaping: Escaping) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            c if escaping == Escaping::Controls && (c as u32) > 0x7f => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str("\\u");
                    for shift in [12, 8, 4, 0] {
                        out.push(char::from(
                            b"0123456789abcdef"[usize::from(*unit >> shift & 0xf)],
                        ));
                    }
                }
            }
        }
    }
    out.push('"');
}

/// A JSON string with `ensure_ascii=True`.
fn write_str(out: &mut String, text: &str) {
    write_string(out, text, Escaping::Ascii);
}

/// `json.loads(raw.decode())`.
pub fn loads(raw: &[u8]) -> Result<Value, CacheError> {
    let text = core::str::from_utf8(raw).map_err(|e| decode_error(&format!("not UTF-8: {e}")))?;
    let mut parser = Parser {
        text: text.as_bytes(),
        at: 0,
    };
    parser.skip_space();
    let value = parser.value(0)?;
    parser.skip_space();
    if parser.at != parser.text.len() {
        return Err(parser.error("Extra data"));
    }
    Ok(value)
}

fn decode_error(message: &str) -> CacheError {
    CacheError::Client {
        python_type: "JSONDecodeError",
        message: String::from(message),
    }
}

struct Parser<'a> {
    text: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn error(&self, what: &str) -> CacheError {
        decode_error(&format!("{what}: char {}", self.at))
    }

    fn skip_space(&mut self) {
        while matches!(self.text.get(self.at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, word: &str) -> bool {
        if self.text[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, CacheError> {
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        let Some(&next) = self.text.get(self.at) else {
            return Err(self.error("Expecting value"));
        };
        match next {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => self.string().map(Value::Str),
            _ if self.eat("null") => Ok(Value::None),
            _ if self.eat("true") => Ok(Value::Bool(true)),
            _ if self.eat("false") => Ok(Value::Bool(false)),
            _ if self.eat("NaN") => Ok(Value::Float(f64::NAN)),
            _ if self.eat("Infinity") => Ok(Value::Float(f64::INFINITY)),
            _ if self.eat("-Infinity") => Ok(Value::Float(f64::NEG_INFINITY)),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(self.error("Expecting value")),
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, CacheError> {
        self.at += 1;
        let mut items = Vec::new();
        self.skip_space();
        if self.eat("]") {
            return Ok(Value::List(items));
        }
        loop {
            self.skip_space();
            items.push(self.value(depth + 1)?);
            self.skip_space();
            if self.eat("]") {
                return Ok(Value::List(items));
            }
            if !self.eat(",") {
                return Err(self.error("Expecting ',' delimiter"));
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, CacheError> {
        self.at += 1;
        let mut pairs = Vec::new();
        self.skip_space();
        if self.eat("}") {
            return Ok(Value::Dict(pairs));
        }
        loop {
            self.skip_space();
            if self.text.get(self.at) != Some(&b'"') {
                return Err(self.error("Expecting property name enclosed in double quotes"));
            }
            let key = self.string()?;
            self.skip_space();
            if !self.eat(":") {
                return Err(self.error("Expecting ':' delimiter"));
            }
            self.skip_space();
            let item = self.value(depth + 1)?;
            // A repeated name keeps its first place and its last value, as a dict does.
            python::dict_insert(&mut pairs, Value::Str(key), item);
            self.skip_space();
            if self.eat("}") {
                return Ok(Value::Dict(pairs));
            }
            if !self.eat(",") {
                return Err(self.error("Expecting ',' delimiter"));
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, CacheError> {
        let digits = self
            .text
            .get(self.at..self.at + 4)
            .and_then(|d| core::str::from_utf8(d).ok())
            .and_then(|d| u32::from_str_radix(d, 16).ok())
            .ok_or_else(|| self.error("Invalid \\uXXXX escape"))?;
        self.at += 4;
        Ok(digits)
    }

    fn string(&mut self) -> Result<String, CacheError> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let start = self.at;
            while let Some(&b) = self.text.get(self.at) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.at += 1;
            }
            // The slice lies between ASCII delimiters of valid UTF-8, so it is valid UTF-8.
            out.push_str(core::str::from_utf8(&self.text[start..self.at]).unwrap_or_default());
            match self.text.get(self.at) {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    let Some(&escape) = self.text.get(self.at) else {
                        return Err(self.error("Unterminated string"));
                    };
                    self.at += 1;
                    match escape {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let mut code = self.hex4()?;
                            if (0xD800..0xDC00).contains(&code) && self.eat("\\u") {
                                let low = self.hex4()?;
                                if (0xDC00..0xE000).contains(&low) {
                                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                                } else {
                                    return Err(self.error("unpaired surrogate"));
                                }
                            }
                            // A lone surrogate is a str Python can hold but Rust cannot.
                            let c = char::from_u32(code)
                                .ok_or_else(|| self.error("lone surrogate in a string"))?;
                            out.push(c);
                        }
                        _ => return Err(self.error("Invalid \\escape")),
                    }
                }
                Some(_) => return Err(self.error("Invalid control character")),
                None => return Err(self.error("Unterminated string")),
            }
        }
    }

    fn number(&mut self) -> Result<Value, CacheError> {
        let start = self.at;
        self.eat("-");
        let digits_start = self.at;
        while self.text.get(self.at).is_some_and(u8::is_ascii_digit) {
            self.at += 1;
        }
        let int_digits = &self.text[digits_start..self.at];
        if int_digits.is_empty() || (int_digits.len() > 1 && int_digits[0] == b'0') {
            return Err(self.error("Expecting value"));
        }
        let mut is_float = false;
        if self.text.get(self.at) == Some(&b'.') {
            is_float = true;
            self.at += 1;
            let frac = self.at;
            while self.text.get(self.at).is_some_and(u8::is_ascii_digit) {
                self.at += 1;
            }
            if self.at == frac {
                return Err(self.error("Expecting digits after '.'"));
            }
        }
        if matches!(self.text.get(self.at), Some(b'e' | b'E')) {
            is_float = true;
            self.at += 1;
            if matches!(self.text.get(self.at), Some(b'+' | b'-')) {
                self.at += 1;
            }
            let exp = self.at;
            while self.text.get(self.at).is_some_and(u8::is_ascii_digit) {
                self.at += 1;
            }
            if self.at == exp {
                return Err(self.error("Expecting exponent digits"));
            }
        }
        let text = core::str::from_utf8(&self.text[start..self.at]).unwrap_or_default();
        if is_float {
            text.parse::<f64>()
                .map(Value::Float)
                .map_err(|_| self.error("bad float"))
        } else {
            text.parse::<i128>().map(Value::Int).map_err(|_| {
                CacheError::Overflow(format!(
                    "edgecache keeps ints within 128 bits; the JSON int {text} is larger"
                ))
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn strings_escape_as_python_or_only_controls() {
        let text = "a\"\\\u{8}\u{1}\u{7f}é😀";
        let mut ascii = String::new();
        write_string(&mut ascii, text, Escaping::Ascii);
        assert_eq!(ascii, r#""a\"\\\b\u0001\u007f\u00e9\ud83d\ude00""#);
        let mut controls = String::new();
        write_string(&mut controls, text, Escaping::Controls);
        assert_eq!(controls, "\"a\\\"\\\\\\b\\u0001\\u007fé😀\"");
    }

    fn text(value: &Value) -> String {
        String::from_utf8(dumps(value).unwrap()).unwrap()
    }

    #[test]
    fn writes_what_python_writes() {
        let value = Value::Dict(vec![
            (
                Value::from("a"),
                Value::List(vec![Value::Int(1), Value::Float(2.5)]),
            ),
            (
                Value::from("é"),
                Value::Tuple(vec![Value::None, Value::Bool(true)]),
            ),
            (Value::Int(3), Value::from("x\"\n😀")),
        ]);
        assert_eq!(
            text(&value),
            r#"{"a": [1, 2.5], "\u00e9": [null, true], "3": "x\"\n\ud83d\ude00"}"#
        );
        assert_eq!(text(&Value::Float(1e22)), "1e+22");
        assert_eq!(text(&Value::Float(f64::NAN)), "NaN");
        assert!(matches!(
            dumps(&Value::Bytes(vec![1])),
            Err(CacheError::Type(_))
        ));
    }

    #[test]
    fn reads_back_with_python_types() {
        let value = Value::Dict(vec![
            (
                Value::from("t"),
                Value::Tuple(vec![Value::Int(-7), Value::from("ü😀")]),
            ),
            (Value::from("f"), Value::Float(-0.5)),
        ]);
        let back = loads(&dumps(&value).unwrap()).unwrap();
        assert_eq!(
            back,
            Value::Dict(vec![
                (
                    Value::from("t"),
                    Value::List(vec![Value::Int(-7), Value::from("ü😀")])
                ),
                (Value::from("f"), Value::Float(-0.5)),
            ])
        );
        assert_eq!(
            loads(b" [1e2, 0, -0.0] ").unwrap(),
            Value::List(vec![Value::Float(100.0), Value::Int(0), Value::Float(-0.0)])
        );
        for bad in [
            &b"[1,"[..],
            b"01",
            b"{\"a\" 1}",
            b"\"\\x\"",
            b"[] x",
            b"\xff",
        ] {
            assert!(loads(bad).is_err(), "{bad:?}");
        }
    }
}
