//! Decimal ⇄ binary64 conversion on a small big integer, for the wasm builds: correctly
//! rounded parsing (what Python's `float()` and float literals give) and the shortest
//! round-trip digits `repr(float)` prints. Core's own conversions carry about 30 KB of code
//! and power tables into a wasm module; this is a few KB (BENCHMARKS.md, "The in-memory
//! build"). Native builds keep core's (faster) conversions; the tests below check that both
//! agree.
//!
//! Exact, not fast: every result is computed with exact integer arithmetic.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::cmp::Ordering;

/// An unsigned big integer, 32-bit limbs, least significant first, no high zero limbs.
#[derive(Clone, Debug)]
struct Big(Vec<u32>);

impl Big {
    fn from_u64(v: u64) -> Self {
        let mut b = Big(vec![v as u32, (v >> 32) as u32]);
        b.trim();
        b
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    fn bit_len(&self) -> usize {
        match self.0.last() {
            Some(top) => self.0.len() * 32 - top.leading_zeros() as usize,
            None => 0,
        }
    }

    /// `self = self * m + add`.
    fn mul_add(&mut self, m: u32, add: u32) {
        let mut carry = u64::from(add);
        for limb in &mut self.0 {
            let v = u64::from(*limb) * u64::from(m) + carry;
            *limb = v as u32;
            carry = v >> 32;
        }
        if carry != 0 {
            self.0.push(carry as u32);
        }
    }

    /// `self *= 10**n`.
    fn mul_pow10(&mut self, mut n: u32) {
        while n >= 9 {
            self.mul_add(1_000_000_000, 0);
            n -= 9;
        }
        if n > 0 {
            self.mul_add(10u32.pow(n), 0);
        }
    }

    fn shl(&self, bits: usize) -> Self {
        if self.is_zero() {
            return self.clone();
        }
        let (words, bits) = (bits / 32, bits % 32);
        let mut out = vec![0u32; words];
        let mut carry = 0u32;
        for &limb in &self.0 {
            if bits == 0 {
                out.push(limb);
            } else {
                out.push((limb << bits) | carry);
                carry = limb >> (32 - bits);
            }
        }
        if carry != 0 {
            out.push(carry);
        }
        Big(out)
    }

    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }

    /// `self -= other`, for `other <= self`.
    fn sub(&mut self, other: &Self) {
        let mut borrow = 0i64;
        for (i, limb) in self.0.iter_mut().enumerate() {
            let v = i64::from(*limb) - i64::from(other.0.get(i).copied().unwrap_or(0)) - borrow;
            borrow = i64::from(v < 0);
            *limb = v.rem_euclid(1 << 32) as u32;
        }
        self.trim();
    }

    /// `(self / d, self % d)` for a quotient below 2**128.
    fn div(mut self, d: &Self) -> (u128, Self) {
        let mut q = 0u128;
        let span = self.bit_len().saturating_sub(d.bit_len());
        for i in (0..=span.min(127)).rev() {
            let t = d.shl(i);
            if self.cmp(&t) != Ordering::Less {
                self.sub(&t);
                q |= 1 << i;
            }
        }
        (q, self)
    }

    /// The low 128 bits (the value itself when it is that small).
    fn low_u128(&self) -> u128 {
        self.0
            .iter()
            .take(4)
            .rev()
            .fold(0u128, |acc, &limb| (acc << 32) | u128::from(limb))
    }
}

/// `2**n` as a big integer.
fn pow2(n: usize) -> Big {
    Big::from_u64(1).shl(n)
}

/// The nearest binary64 to `q * 2**exp2` (ties to even), where `sticky` says the exact value
/// lies a little above `q * 2**exp2`; `q` is below 2**127.
fn round_to_f64(q: u128, exp2: i64, sticky: bool) -> f64 {
    if q == 0 {
        return 0.0;
    }
    let len = i64::from(128 - q.leading_zeros());
    // Bits to drop: down to 53 significant bits, or to the subnormal unit 2**-1074.
    let shift = (len - 53).max(-1074 - exp2);
    let (mut mant, mut e2) = if shift > 0 {
        if shift >= 128 {
            return 0.0; // below half the smallest subnormal (len <= 127 < shift)
        }
        let kept = q >> shift;
        let rest = q & ((1u128 << shift) - 1);
        let half = 1u128 << (shift - 1);
        let up = rest > half || (rest == half && (sticky || kept & 1 == 1));
        (kept + u128::from(up), exp2 + shift)
    } else {
        (q << -shift, exp2 + shift)
    };
    if mant == 1 << 53 {
        mant >>= 1;
        e2 += 1;
    }
    let mant = mant as u64;
    let bits = if mant >= 1 << 52 {
        let biased = e2 + 1075;
        if biased >= 2047 {
            return f64::INFINITY;
        }
        ((biased as u64) << 52) | (mant & ((1 << 52) - 1))
    } else {
        mant // subnormal: e2 is -1074
    };
    f64::from_bits(bits)
}

/// The nearest binary64 to `n * 10**e` (ties to even).
fn from_decimal(n: &Big, e: i64) -> f64 {
    if n.is_zero() {
        return 0.0;
    }
    // Digits of n, within one: bit_len * log10(2).
    let magnitude = (n.bit_len() as i64 * 30103) / 100_000 + e;
    if magnitude > 310 {
        return f64::INFINITY;
    }
    if magnitude < -326 {
        return 0.0;
    }
    if e >= 0 {
        let mut big = n.clone();
        big.mul_pow10(e as u32);
        let len = big.bit_len();
        if len <= 127 {
            return round_to_f64(big.low_u128(), 0, false);
        }
        let drop = len - 66;
        let q = shr_bits(&big, drop);
        let sticky = q.shl(drop).cmp(&big) != Ordering::Equal;
        return round_to_f64(q.low_u128(), drop as i64, sticky);
    }
    let mut den = Big::from_u64(1);
    den.mul_pow10((-e) as u32);
    // Scale so the quotient has 66..68 bits: 53 kept, a rounding bit and room to spare.
    let s = den.bit_len() as i64 - n.bit_len() as i64 + 66;
    let (num, den) = if s >= 0 {
        (n.shl(s as usize), den)
    } else {
        (n.clone(), den.shl((-s) as usize))
    };
    let (q, rest) = num.div(&den);
    round_to_f64(q, -s, !rest.is_zero())
}

/// `b >> bits`.
fn shr_bits(b: &Big, bits: usize) -> Big {
    let (words, bits) = (bits / 32, bits % 32);
    let limbs = b.0.get(words..).unwrap_or(&[]);
    let mut out: Vec<u32> = Vec::with_capacity(limbs.len());
    for (i, &limb) in limbs.iter().enumerate() {
        let next = limbs.get(i + 1).copied().unwrap_or(0);
        out.push(if bits == 0 {
            limb
        } else {
            (limb >> bits) | (next << (32 - bits))
        });
    }
    let mut out = Big(out);
    out.trim();
    out
}

/// Significant digits kept when parsing: more cannot change a correctly rounded binary64
/// except through whether any further digit is non-zero, which one extra digit stands for.
const MAX_DIGITS: usize = 780;

/// Parses a decimal float as Rust's `f64::from_str` reads it: `[+-]`, then `inf`,
/// `infinity` or `nan` (any case), or digits with an optional `.` (at least one digit) and an
/// optional exponent `e[+-]digits`. Correctly rounded; `None` for anything else.
pub fn parse(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let (negative, rest) = match bytes.first() {
        Some(b'-') => (true, &bytes[1..]),
        Some(b'+') => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    let sign = |x: f64| if negative { -x } else { x };
    for (word, value) in [
        (&b"inf"[..], f64::INFINITY),
        (b"infinity", f64::INFINITY),
        (b"nan", f64::NAN),
    ] {
        if rest.eq_ignore_ascii_case(word) {
            return Some(sign(value));
        }
    }
    let mut n = Big(Vec::new());
    let (mut digits, mut seen, mut dropped_nonzero) = (0usize, false, false);
    let mut exp: i64 = 0;
    let mut i = 0;
    let mut point = false;
    while i < rest.len() {
        match rest[i] {
            c @ b'0'..=b'9' => {
                seen = true;
                let d = u32::from(c - b'0');
                if digits < MAX_DIGITS {
                    if digits > 0 || d != 0 {
                        n.mul_add(10, d);
                        digits += 1;
                    }
                    if point {
                        exp -= 1;
                    }
                } else {
                    dropped_nonzero |= d != 0;
                    if !point {
                        exp += 1;
                    }
                }
            }
            b'.' if !point => point = true,
            _ => break,
        }
        i += 1;
    }
    if !seen {
        return None;
    }
    if i < rest.len() {
        if !matches!(rest[i], b'e' | b'E') {
            return None;
        }
        i += 1;
        let (eneg, start) = match rest.get(i) {
            Some(b'-') => (true, i + 1),
            Some(b'+') => (false, i + 1),
            _ => (false, i),
        };
        let tail = rest.get(start..)?;
        if tail.is_empty() || !tail.iter().all(u8::is_ascii_digit) {
            return None;
        }
        // Saturate: anything past a few thousand is zero or infinity anyway.
        let e = tail
            .iter()
            .fold(0i64, |acc, d| (acc * 10 + i64::from(d - b'0')).min(1 << 40));
        exp += if eneg { -e } else { e };
    }
    if dropped_nonzero {
        n.mul_add(10, 1);
        exp -= 1;
    }
    Some(sign(from_decimal(&n, exp)))
}

/// The shortest decimal digits that read back as the finite, positive `x`, as
/// `(digits, exp)` meaning `d.ddd * 10**exp` (`("0", 0)` for zero); among several, the nearest to `x`, and on an
/// exact tie the even one (CPython's `repr`, dtoa mode 0).
pub fn shortest(x: f64) -> (String, i32) {
    if x == 0.0 {
        return (String::from("0"), 0);
    }
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let fraction = bits & ((1 << 52) - 1);
    let (m, e) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    };
    // x = num / den exactly.
    let (num, den) = if e >= 0 {
        (Big::from_u64(m).shl(e as usize), Big::from_u64(1))
    } else {
        (Big::from_u64(m), pow2((-e) as usize))
    };
    // k = floor(log10 x), from an estimate off by at most one.
    let mut k = ((64 - m.leading_zeros() as i64 - 1 + e) * 30103).div_euclid(100_000);
    if scaled(&num, &den, k).0 == 0 {
        k -= 1;
    } else if scaled(&num, &den, k + 1).0 != 0 {
        k += 1;
    }
    for p in 1..=17i64 {
        let scale = k - p + 1;
        let (q, twice_rest) = scaled(&num, &den, scale);
        // q = floor(x / 10**scale); `twice_rest` compares the remainder with one half.
        let nearest = match twice_rest {
            Ordering::Greater => q + 1,
            Ordering::Equal if q % 2 == 1 => q + 1,
            _ => q,
        };
        let round_trips = |n: u128| from_decimal(&Big::from_u64(n as u64), scale) == x;
        let candidates = [nearest, nearest.wrapping_sub(1), nearest + 1];
        let Some(n) = candidates.into_iter().find(|&n| n > 0 && round_trips(n)) else {
            continue;
        };
        let mut digits = String::new();
        let mut exp = scale;
        // At most 17 digits: within 64 bits, so no 128-bit division is linked.
        let mut v = n as u64;
        while v.is_multiple_of(10) {
            v /= 10;
            exp += 1;
        }
        crate::text::push_uint(&mut digits, u128::from(v));
        let len = digits.len() as i64;
        return (digits, (exp + len - 1) as i32);
    }
    // 17 significant digits always round-trip; not reached.
    (String::from("0"), 0)
}

/// `(floor(num / den / 10**scale), 2 * remainder compared with the divisor)`.
fn scaled(num: &Big, den: &Big, scale: i64) -> (u128, Ordering) {
    let (mut a, mut b) = (num.clone(), den.clone());
    if scale >= 0 {
        b.mul_pow10(scale as u32);
    } else {
        a.mul_pow10((-scale) as u32);
    }
    let (q, rest) = a.div(&b);
    (q, rest.shl(1).cmp(&b))
}

/// `text` as a float (`f64::from_str`'s grammar): core's parser natively, [`parse`] on wasm.
pub(crate) fn from_str(text: &str) -> Option<f64> {
    #[cfg(target_family = "wasm")]
    return parse(text);
    #[cfg(not(target_family = "wasm"))]
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use alloc::format;
    use proptest::prelude::*;

    /// Core's shortest digits, as `(digits, exp)`; its ties round up where CPython's go to
    /// even, so only values without an exact tie are compared with it.
    fn core_shortest(x: f64) -> (String, i32) {
        let sci = format!("{x:e}");
        let (mantissa, exp) = sci.split_once('e').unwrap();
        (mantissa.replace('.', ""), exp.parse().unwrap())
    }

    #[test]
    fn parses_like_core() {
        for text in [
            "0",
            "-0",
            "1",
            "1.5",
            ".5",
            "5.",
            "1e10",
            "1E-10",
            "+2.5e+3",
            "inf",
            "-Infinity",
            "NaN",
            "1.7976931348623157e308",
            "1.7976931348623159e308",
            "2.2250738585072011e-308",
            "4.9406564584124654e-324",
            "2.4703282292062327e-324",
            "2.4703282292062328e-324",
            "1e-400",
            "1e400",
            "9007199254740993",
            "0.1",
            "0.30000000000000004",
            "123456789012345678901234567890e-40",
            "1_0",
            "",
            ".",
            "e5",
            "1e",
            "1e+",
            "--1",
            "1.2.3",
            "0x10",
            " 1",
            "1 ",
            "00000000000000000000000000001.25e-0000000003",
        ] {
            let want = text.parse::<f64>().ok();
            let got = parse(text);
            assert_eq!(
                got.map(|x| (x.to_bits(), x.is_nan())),
                want.map(|x| (x.to_bits(), x.is_nan())),
                "{text:?}"
            );
        }
        // A halfway case decided by its 800th significant digit.
        let mut long = String::from(
            "2.4703282292062327208828439643411068618252990130716238221279284125033775363510437593264991818081799618989828234772285886546332835517796989819938739800539093906315035659515570226392290858392449105184435931802849936536152500319370457678249219365623669863658480757001585769269903706311928279558551332927834338409351978015531246597263579574622766465272827220056374006485499977096599470454020828166226237857393450736339007967761930577506740176324673600968951340535537458516661134223766678604162159680461914467291840300530057530849048765391711386591646239524912623653881879636239373280423891018672348497668235089863388587925628302755995657524455507255189313690836254779186948667994968324049705821028513185451396213837722826145437693412532098591327667236328125",
        );
        long.push_str("e-324");
        assert_eq!(
            parse(&long).map(f64::to_bits),
            long.parse::<f64>().ok().map(f64::to_bits)
        );
    }

    #[test]
    fn shortest_matches_cpython_on_ties() {
        // CPython: repr(2**-25) == '2.9802322387695312e-08' (core's {:e} gives ...313).
        assert_eq!(shortest(2f64.powi(-25)), ("29802322387695312".into(), -8));
        assert_eq!(shortest(0.1), ("1".into(), -1));
        assert_eq!(shortest(1e23), ("1".into(), 23));
        assert_eq!(shortest(f64::MAX), ("17976931348623157".into(), 308));
        assert_eq!(shortest(5e-324), ("5".into(), -324));
        assert_eq!(shortest(123456.0), ("123456".into(), 5));
    }

    proptest! {
        #[test]
        fn parse_agrees_with_core(bits in any::<u64>(), digits in 1usize..=20) {
            let x = f64::from_bits(bits);
            prop_assume!(x.is_finite());
            for text in [format!("{x:e}"), format!("{x:.digits$e}"), format!("{x}")] {
                prop_assert_eq!(parse(&text).map(f64::to_bits), text.parse::<f64>().ok().map(f64::to_bits), "{}", text);
            }
        }

        #[test]
        fn shortest_agrees_with_core(bits in any::<u64>()) {
            let x = f64::from_bits(bits & !(1 << 63));
            prop_assume!(x.is_finite() && x > 0.0);
            let (digits, exp) = shortest(x);
            prop_assert_eq!(parse(&format!("{digits}e{}", exp - digits.len() as i32 + 1)), Some(x));
            let core = core_shortest(x);
            prop_assert_eq!(digits.len(), core.0.len(), "{:e}", x);
            if digits != core.0 {
                // Only an exact tie may differ, and then ours is the even one.
                prop_assert!(digits.as_bytes().last().unwrap() % 2 == 0, "{:e}", x);
            }
        }
    }
}
