//! Error messages built from pieces with `push_str`, without `core::fmt`.
//!
//! The `CACHES` reader (`literal`, `settings`) reports every problem with a message that quotes
//! the offending text, line and column. `format!` would link `core::fmt`'s argument machinery
//! and integer formatting into the size-bound wasm builds for these error paths alone; filling
//! a static template with `&str` pieces and writing numbers with [`radix`] on the stack keeps
//! each message site a plain call.

use alloc::string::String;

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
