//! Texts built without `core::fmt`: joined pieces, templates filled with pieces, and
//! integers written out.
//!
//! `format!` and `write!` pull `core::fmt`'s machinery (the formatter, padding, the integer
//! `Display` impls, their tables) into every wasm build that reaches them; the in-memory
//! builds are size-bound, so the code on their paths builds messages from pieces instead
//! (the `CACHES` reader's messages, which quote the offending text, line and column, fill
//! static templates). Each text stays exactly what Django (or CPython) says.

use alloc::string::String;

/// The pieces, joined.
pub fn cat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|part| part.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// The items separated by `, ` (as `", ".join(items)`; one plain loop rather than the
/// standard library's generic `join`).
pub fn comma_list(items: &[&str]) -> String {
    let mut out = String::new();
    for (at, item) in items.iter().enumerate() {
        if at > 0 {
            out.push_str(", ");
        }
        out.push_str(item);
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
        let (rest, digit) = divide_by_ten(n);
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

/// `n / 10` and `n % 10` without a 128-bit division: within 64 bits (nearly always) one
/// 64-bit division, otherwise schoolbook division over 32-bit limbs. A `u128` division would
/// link compiler-rt's `__udivti3` (about 1 KB) into the wasm builds for this alone.
fn divide_by_ten(n: u128) -> (u128, u8) {
    if let Ok(small) = u64::try_from(n) {
        return (u128::from(small / 10), (small % 10) as u8);
    }
    let mut quotient = 0u128;
    let mut remainder = 0u64;
    for shift in [96u32, 64, 32, 0] {
        let limb = ((n >> shift) as u32) as u64;
        let dividend = (remainder << 32) | limb;
        quotient |= u128::from(dividend / 10) << shift;
        remainder = dividend % 10;
    }
    (quotient, remainder as u8)
}

/// `n` in decimal.
pub fn int(n: i128) -> String {
    let mut out = String::new();
    push_int(&mut out, n);
    out
}

/// `template` with each `{}` replaced by the next of `args`, in order (a missing argument is
/// empty). Templates are static texts that contain `{` only in placeholders.
#[inline(never)]
pub(crate) fn fill(template: &str, args: &[&str]) -> String {
    let mut out = String::new();
    let mut args = args.iter();
    let bytes = template.as_bytes();
    let mut from = 0;
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        if b == b'{' && bytes.get(at.saturating_add(1)) == Some(&b'}') {
            out.push_str(template.get(from..at).unwrap_or_default());
            out.push_str(args.next().copied().unwrap_or_default());
            at = at.saturating_add(2);
            from = at;
        } else {
            at = at.saturating_add(1);
        }
    }
    out.push_str(template.get(from..).unwrap_or_default());
    out
}

/// A number written out in a stack buffer (no allocation); reads as a `&str`.
pub(crate) struct Digits {
    buf: [u8; 32],
    start: usize,
}

impl core::ops::Deref for Digits {
    type Target = str;

    fn deref(&self) -> &str {
        self.buf
            .get(self.start..)
            .and_then(|digits| core::str::from_utf8(digits).ok())
            .unwrap_or_default()
    }
}

/// `n` written in `base` (2..=16), zero-padded to at least `width` digits, letters in upper
/// case when `upper` (what `{:04X}`, `{:08x}`, `{:o}` and `{}` print for unsigned integers).
#[inline(never)]
pub(crate) fn radix(mut n: u32, base: u32, width: usize, upper: bool) -> Digits {
    let digits: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let base = base.clamp(2, 16);
    let mut buf = [b'0'; 32];
    let mut at = buf.len();
    loop {
        at = at.saturating_sub(1);
        let digit = usize::try_from(n % base).unwrap_or(0);
        if let (Some(slot), Some(&d)) = (buf.get_mut(at), digits.get(digit)) {
            *slot = d;
        }
        n /= base;
        if n == 0 || at == 0 {
            break;
        }
    }
    let start = at.min(buf.len().saturating_sub(width));
    Digits { buf, start }
}

/// `n` in decimal.
pub(crate) fn decimal(n: u32) -> Digits {
    radix(n, 10, 1, false)
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
        for n in [u128::MAX, u128::MAX - 9, 1 << 96, (1 << 64) + 9] {
            let mut text = String::new();
            push_uint(&mut text, n);
            assert_eq!(text, format!("{n}"));
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

    #[test]
    fn radix_matches_format() {
        for n in [
            0u32,
            1,
            7,
            9,
            10,
            255,
            256,
            511,
            0xD800,
            0xFFFF,
            0x10_FFFF,
            u32::MAX,
        ] {
            assert_eq!(&*decimal(n), format!("{n}"));
            assert_eq!(&*radix(n, 16, 4, true), format!("{n:04X}"));
            assert_eq!(&*radix(n, 16, 8, false), format!("{n:08x}"));
            assert_eq!(&*radix(n, 8, 1, false), format!("{n:o}"));
        }
        assert_eq!(&*radix(5, 2, 1, false), "101");
        assert_eq!(fill("a{}b{}{}", &["1", "", "2"]), "a1b2");
        assert_eq!(fill("{} and {}", &["x"]), "x and ");
        assert_eq!(fill("é{}", &["ü"]), "éü");
    }
}
