//! The iteration order of a small CPython 3.11 `set`, for `patch_cache_control`'s `no-cache`
//! values (HDR-2 step 5).
//!
//! Django keeps `no-cache` field names in a `set`, so their output order is the set's table
//! order. With `PYTHONHASHSEED=0` (how the project's oracle runs Django) string hashes are
//! SipHash-1-3 with a zero key, so the order is reproducible; this module reproduces it. For
//! values whose CPython hash is not reproducible (e.g. `None`, hashed by address in 3.11),
//! insertion order is used.

use crate::python;
use crate::value::Value;
use alloc::vec;
use alloc::vec::Vec;

const MODULUS: u64 = (1 << 61) - 1;

fn sip_round(v: &mut [u64; 4]) {
    v[0] = v[0].wrapping_add(v[1]);
    v[2] = v[2].wrapping_add(v[3]);
    v[1] = v[1].rotate_left(13) ^ v[0];
    v[3] = v[3].rotate_left(16) ^ v[2];
    v[0] = v[0].rotate_left(32);
    v[2] = v[2].wrapping_add(v[1]);
    v[0] = v[0].wrapping_add(v[3]);
    v[1] = v[1].rotate_left(17) ^ v[2];
    v[3] = v[3].rotate_left(21) ^ v[0];
    v[2] = v[2].rotate_left(32);
}

/// CPython's `siphash13` with the zero key of `PYTHONHASHSEED=0`.
fn siphash13(data: &[u8]) -> u64 {
    let mut v = [
        0x736f_6d65_7073_6575u64,
        0x646f_7261_6e64_6f6d,
        0x6c79_6765_6e65_7261,
        0x7465_6462_7974_6573,
    ];
    let mut chunks = data.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let m = u64::from_le_bytes(word);
        v[3] ^= m;
        sip_round(&mut v);
        v[0] ^= m;
    }
    let mut tail = [0u8; 8];
    let rest = chunks.remainder();
    tail[..rest.len()].copy_from_slice(rest);
    let b = ((data.len() as u64) << 56) | u64::from_le_bytes(tail);
    v[3] ^= b;
    sip_round(&mut v);
    v[0] ^= b;
    v[2] ^= 0xff;
    for _ in 0..3 {
        sip_round(&mut v);
    }
    (v[0] ^ v[1]) ^ (v[2] ^ v[3])
}

fn str_hash(text: &str) -> i64 {
    if text.is_empty() {
        return 0;
    }
    // PEP 393: the hash runs over the 1-, 2- or 4-byte code units of the compact string.
    let widest = text.chars().map(|c| c as u32).max().unwrap_or(0);
    let mut bytes = Vec::new();
    for c in text.chars() {
        let code = c as u32;
        match widest {
            0..=0xff => bytes.push(code as u8),
            0x100..=0xffff => bytes.extend_from_slice(&(code as u16).to_le_bytes()),
            _ => bytes.extend_from_slice(&code.to_le_bytes()),
        }
    }
    fix_minus_one(siphash13(&bytes) as i64)
}

fn fix_minus_one(hash: i64) -> i64 {
    if hash == -1 { -2 } else { hash }
}

fn int_hash(i: i128) -> i64 {
    let magnitude = (i.unsigned_abs() % u128::from(MODULUS)) as i64;
    fix_minus_one(if i < 0 { -magnitude } else { magnitude })
}

/// `math.frexp` for a finite non-zero `x`: `(m, e)` with `0.5 <= |m| < 1` and `x = m * 2**e`.
fn frexp(x: f64) -> (f64, i32) {
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32;
    if exponent == 0 {
        // Subnormal: scale up by 2**64 first.
        let (m, e) = frexp(x * f64::from_bits(0x43f0_0000_0000_0000));
        return (m, e - 64);
    }
    let mantissa = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (mantissa, exponent - 1022)
}

fn float_hash(x: f64) -> Option<i64> {
    if x.is_nan() {
        return None; // hashed by identity in CPython 3.10+
    }
    if x.is_infinite() {
        return Some(if x > 0.0 { 314_159 } else { -314_159 });
    }
    if x == 0.0 {
        return Some(0);
    }
    let (mut m, mut e) = frexp(x);
    let sign: i64 = if m < 0.0 {
        m = -m;
        -1
    } else {
        1
    };
    let mut h: u64 = 0;
    while m != 0.0 {
        h = ((h << 28) & MODULUS) | (h >> (61 - 28));
        m *= 268_435_456.0;
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        h += y;
        if h >= MODULUS {
            h -= MODULUS;
        }
    }
    let e = if e >= 0 {
        e % 61
    } else {
        61 - 1 - ((-1 - e) % 61)
    } as u32;
    h = ((h << e) & MODULUS) | (h >> (61 - e));
    Some(fix_minus_one((h as i64).wrapping_mul(sign)))
}

/// CPython 3.11's `hash(v)` under `PYTHONHASHSEED=0`, when it is reproducible.
pub fn py_hash(v: &Value) -> Option<i64> {
    match v {
        Value::Bool(b) => Some(i64::from(*b)),
        Value::Int(i) => Some(int_hash(*i)),
        Value::Float(x) => float_hash(*x),
        Value::Str(s) => Some(str_hash(s)),
        _ => None,
    }
}

const LINEAR_PROBES: usize = 9;
const PERTURB_SHIFT: u32 = 5;

/// Builds a set from `items` (Python equality: `1`, `1.0` and `True` are one element, the
/// first kept) and returns its elements in CPython's iteration order.
pub fn set_order(items: Vec<Value>) -> Vec<Value> {
    let mut unique: Vec<Value> = Vec::new();
    for item in items {
        if !unique.iter().any(|u| python::key_eq(u, &item)) {
            unique.push(item);
        }
    }
    let hashes: Option<Vec<i64>> = unique.iter().map(py_hash).collect();
    let Some(hashes) = hashes else {
        return unique;
    };
    // The table: slots hold indices into `unique`.
    let mut table: Vec<Option<usize>> = vec![None; 8];
    let mut fill = 0usize;
    for (index, &hash) in hashes.iter().enumerate() {
        let mask = table.len() - 1;
        insert_clean(&mut table, mask, index, hash);
        fill += 1;
        if fill * 5 >= mask * 3 {
            let min_used = if fill > 50_000 { fill * 2 } else { fill * 4 };
            let mut size = 8usize;
            while size <= min_used {
                size <<= 1;
            }
            let old = core::mem::replace(&mut table, vec![None; size]);
            for slot in old.into_iter().flatten() {
                insert_clean(&mut table, size - 1, slot, hashes[slot]);
            }
        }
    }
    let mut by_slot: Vec<Option<Value>> = unique.into_iter().map(Some).collect();
    table
        .into_iter()
        .flatten()
        .filter_map(|index| by_slot.get_mut(index).and_then(Option::take))
        .collect()
}

/// CPython's `set_insert_clean` (also the path `set_add_entry` takes for a new key when the
/// table has no dummies: the same probe sequence, first free slot).
fn insert_clean(table: &mut [Option<usize>], mask: usize, index: usize, hash: i64) {
    let mut perturb = hash as u64;
    let mut i = (hash as u64 as usize) & mask;
    loop {
        if table[i].is_none() {
            table[i] = Some(index);
            return;
        }
        if i + LINEAR_PROBES <= mask {
            for j in 1..=LINEAR_PROBES {
                if table[i + j].is_none() {
                    table[i + j] = Some(index);
                    return;
                }
            }
        }
        perturb >>= PERTURB_SHIFT;
        i = (i
            .wrapping_mul(5)
            .wrapping_add(1)
            .wrapping_add(perturb as usize))
            & mask;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;

    fn strs(items: &[&str]) -> Vec<Value> {
        items.iter().map(|s| Value::from(*s)).collect()
    }

    #[test]
    fn hashes_match_cpython_with_hashseed_0() {
        // Printed by `PYTHONHASHSEED=0 python3.11 -c 'print(hash(...))'`.
        assert_eq!(py_hash(&Value::from("a")), Some(4644417185603328019));
        assert_eq!(py_hash(&Value::from("Link")), Some(-6428980267480325238));
        assert_eq!(
            py_hash(&Value::from("Set-Cookie")),
            Some(-6420279761170272235)
        );
        assert_eq!(py_hash(&Value::from("é")), Some(6047309291227476195));
        assert_eq!(py_hash(&Value::from("😀")), Some(-3536540696076613844));
        assert_eq!(
            py_hash(&Value::from(String::from("ab").repeat(20).as_str())),
            Some(226604605966653561)
        );
        assert_eq!(py_hash(&Value::from("")), Some(0));
        assert_eq!(py_hash(&Value::Float(1.5)), Some(1152921504606846977));
        assert_eq!(py_hash(&Value::Float(2.0)), Some(2));
        assert_eq!(py_hash(&Value::Int(-1)), Some(-2));
    }

    #[test]
    fn set_order_matches_cpython() {
        // `[x for x in {'Set-Cookie', 'Link'}]` → ['Link', 'Set-Cookie']
        let ordered = set_order(strs(&["Set-Cookie", "Link"]));
        assert_eq!(ordered, strs(&["Link", "Set-Cookie"]));
        // `[x for x in {'a','b','c','d','e','f','g'}]` (a resize happens on the way)
        let ordered = set_order(strs(&["a", "b", "c", "d", "e", "f", "g"]));
        assert_eq!(ordered, strs(&["d", "f", "g", "b", "c", "a", "e"]));
        // 1 and True are one element; the first is kept.
        assert_eq!(
            set_order(alloc::vec![Value::Int(1), Value::Bool(true)]),
            alloc::vec![Value::Int(1)]
        );
    }
}
