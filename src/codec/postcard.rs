//! edgecache's own compact serializer for stores no Python app reads: postcard's wire format
//! (varints, zigzag signed ints, length-prefixed strings and sequences) for the [`Value`] enum,
//! as `#[derive(Serialize)]` on it would lay it out: the variant index as a varint, then the
//! payload. Tuples stay tuples and bytes stay bytes, unlike JSON.

use crate::error::CacheError;
use crate::value::Value;
use alloc::string::String;
use alloc::vec::Vec;

/// Deepest nesting `loads` accepts.
const MAX_DEPTH: usize = 512;

const NONE: u8 = 0;
const BOOL: u8 = 1;
const INT: u8 = 2;
const FLOAT: u8 = 3;
const STR: u8 = 4;
const BYTES: u8 = 5;
const LIST: u8 = 6;
const TUPLE: u8 = 7;
const DICT: u8 = 8;

/// The postcard bytes of `value`.
pub fn dumps(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write(&mut out, value);
    out
}

fn varint(out: &mut Vec<u8>, mut n: u128) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn write(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::None => out.push(NONE),
        Value::Bool(b) => out.extend([BOOL, u8::from(*b)]),
        Value::Int(i) => {
            out.push(INT);
            varint(out, ((i << 1) ^ (i >> 127)) as u128);
        }
        Value::Float(x) => {
            out.push(FLOAT);
            out.extend(x.to_le_bytes());
        }
        Value::Str(text) => {
            out.push(STR);
            varint(out, text.len() as u128);
            out.extend(text.as_bytes());
        }
        Value::Bytes(bytes) => {
            out.push(BYTES);
            varint(out, bytes.len() as u128);
            out.extend(bytes);
        }
        Value::List(items) | Value::Tuple(items) => {
            out.push(if matches!(value, Value::List(_)) {
                LIST
            } else {
                TUPLE
            });
            varint(out, items.len() as u128);
            for item in items {
                write(out, item);
            }
        }
        Value::Dict(pairs) => {
            out.push(DICT);
            varint(out, pairs.len() as u128);
            for (key, item) in pairs {
                write(out, key);
                write(out, item);
            }
        }
    }
}

/// The value `raw` holds; an error for anything but exactly one well-formed value.
pub fn loads(raw: &[u8]) -> Result<Value, CacheError> {
    let mut reader = Reader { raw, at: 0 };
    let value = reader.value(0)?;
    if reader.at != raw.len() {
        return Err(corrupt("trailing bytes"));
    }
    Ok(value)
}

fn corrupt(what: &str) -> CacheError {
    let mut message = String::from("not an edgecache postcard value: ");
    message.push_str(what);
    CacheError::Storage(message)
}

struct Reader<'a> {
    raw: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, CacheError> {
        let byte = *self.raw.get(self.at).ok_or_else(|| corrupt("truncated"))?;
        self.at += 1;
        Ok(byte)
    }

    fn varint(&mut self) -> Result<u128, CacheError> {
        let mut n: u128 = 0;
        for shift in (0..128).step_by(7) {
            let byte = self.byte()?;
            n |= u128::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(corrupt("varint too long"))
    }

    fn len(&mut self) -> Result<usize, CacheError> {
        let n = self.varint()?;
        // Every element takes at least one byte: a longer count is corrupt, not a huge Vec.
        if n > (self.raw.len() - self.at) as u128 {
            return Err(corrupt("length beyond the data"));
        }
        Ok(n as usize)
    }

    fn bytes(&mut self) -> Result<&[u8], CacheError> {
        let n = self.len()?;
        let bytes = &self.raw[self.at..self.at + n];
        self.at += n;
        Ok(bytes)
    }

    fn value(&mut self, depth: usize) -> Result<Value, CacheError> {
        if depth > MAX_DEPTH {
            return Err(corrupt("nested too deeply"));
        }
        Ok(match self.byte()? {
            NONE => Value::None,
            BOOL => match self.byte()? {
                0 => Value::Bool(false),
                1 => Value::Bool(true),
                _ => return Err(corrupt("bad bool")),
            },
            INT => {
                let n = self.varint()?;
                Value::Int(((n >> 1) as i128) ^ -((n & 1) as i128))
            }
            FLOAT => {
                let end = self.at + 8;
                let bytes = self
                    .raw
                    .get(self.at..end)
                    .ok_or_else(|| corrupt("truncated"))?;
                self.at = end;
                Value::Float(f64::from_le_bytes(bytes.try_into().unwrap_or_default()))
            }
            STR => {
                let bytes = self.bytes()?;
                Value::Str(String::from(
                    core::str::from_utf8(bytes).map_err(|_| corrupt("str not UTF-8"))?,
                ))
            }
            BYTES => Value::Bytes(self.bytes()?.to_vec()),
            tag @ (LIST | TUPLE) => {
                let n = self.len()?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.value(depth + 1)?);
                }
                if tag == LIST {
                    Value::List(items)
                } else {
                    Value::Tuple(items)
                }
            }
            DICT => {
                let n = self.len()?;
                let mut pairs = Vec::with_capacity(n);
                for _ in 0..n {
                    let key = self.value(depth + 1)?;
                    let item = self.value(depth + 1)?;
                    pairs.push((key, item));
                }
                Value::Dict(pairs)
            }
            _ => return Err(corrupt("unknown variant")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn round_trips_every_kind() {
        let value = Value::Dict(vec![
            (
                Value::Tuple(vec![Value::Int(i128::MIN), Value::Int(-1)]),
                Value::Bytes(vec![0, 255]),
            ),
            (
                Value::from("ü"),
                Value::List(vec![Value::Float(-2.5), Value::Bool(true), Value::None]),
            ),
        ]);
        assert_eq!(loads(&dumps(&value)).unwrap(), value);
        assert_eq!(dumps(&Value::Int(-1)), [INT, 1]);
        assert_eq!(dumps(&Value::Int(64)), [INT, 0x80, 1]);
        assert_eq!(dumps(&Value::from("ab")), [STR, 2, b'a', b'b']);
    }

    #[test]
    fn rejects_corrupt_bytes() {
        for bad in [
            &[][..],
            &[9],
            &[STR, 5, b'a'],
            &[LIST, 0xff, 0xff, 0xff, 0xff, 0x0f],
            &[NONE, NONE],
        ] {
            assert!(loads(bad).is_err(), "{bad:?}");
        }
    }
}
