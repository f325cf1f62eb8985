//! Texts built without `core::fmt`: joined pieces and decimal integers.
//!
//! `format!` and `write!` pull `core::fmt`'s machinery (the formatter, padding, the integer
//! `Display` impls, their tables) into every wasm build that reaches them; the in-memory
//! builds are size-bound, so the code on their paths builds messages from pieces instead.
//! Each text stays exactly what Django (or CPython) says.

use alloc::string::String;

/// The pieces, joined.
pub fn cat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|part| part.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// Appends `n` in decimal, with a `-` when negative (as `{n}` would).
pub fn push_int(out: &mut String, n: i128) {
    if n < 0 {
        out.push('-');
    }
    push_uint(out, n.unsigned_abs());
}

/// Appends `n` in decimal.
pub fn push_uint(out: &mut String, mut n: u128) {
    let mut digits = [0u8; 39];
    let mut at = digits.len();
    loop {
        at -= 1;
        // Within 64 bits (nearly always) the division stays a 64-bit one.
        let (rest, digit) = match u64::try_from(n) {
            Ok(small) => (u128::from(small / 10), (small % 10) as u8),
            Err(_) => (n / 10, (n % 10) as u8),
        };
        digits[at] = b'0' + digit;
        n = rest;
        if n == 0 {
            break;
        }
    }
    for &digit in &digits[at..] {
        out.push(char::from(digit));
    }
}

/// `n` in decimal.
pub fn int(n: i128) -> String {
    let mut out = String::new();
    push_int(&mut out, n);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    #[test]
    fn ints_read_as_fmt_writes_them() {
        let mut cases = alloc::vec![0, 1, -1, 9, 10, -10, 99, 100, i128::MAX, i128::MIN];
        cases.extend([
            u64::MAX as i128,
            u64::MAX as i128 + 1,
            -(u64::MAX as i128) - 1,
        ]);
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..2000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let wide = (i128::from(state) << 64) | i128::from(state.rotate_left(29));
            cases.extend([wide, wide >> (state % 127), i128::from(state as i64)]);
        }
        for n in cases {
            assert_eq!(int(n), format!("{n}"));
        }
    }

    #[test]
    fn cat_joins() {
        assert_eq!(cat(&[]), "");
        assert_eq!(
            cat(&["Key '", ":1:k", "' not found"]),
            "Key ':1:k' not found"
        );
    }
}
