//! Property tests: the CPython-semantics helpers never panic and keep their
//! basic invariants on arbitrary input.

use edgecache::Value;
use edgecache::python::{
    IntError, add, float_repr, int, key_eq, neg, repr, round6, str, truthy, type_name,
};
use proptest::prelude::*;

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::None),
        any::<bool>().prop_map(Value::Bool),
        any::<i128>().prop_map(Value::Int),
        prop_oneof![Just(i128::MAX), Just(i128::MIN), -3i128..3].prop_map(Value::Int),
        any::<u64>().prop_map(|b| Value::Float(f64::from_bits(b))),
        any::<f64>().prop_map(Value::Float),
        any::<String>().prop_map(Value::Str),
        proptest::collection::vec(any::<u8>(), 0..16).prop_map(Value::Bytes),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::List),
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Tuple),
            proptest::collection::vec((inner.clone(), inner), 0..6).prop_map(Value::Dict),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn repr_and_str_never_panic(v in value()) {
        let r = repr(&v);
        prop_assert!(!r.is_empty());
        // repr never contains raw line breaks or other control characters.
        prop_assert!(!r.chars().any(|c| c.is_control()));
        let _ = str(&v);
        let _ = truthy(&v);
        let _ = type_name(&v);
        let _ = int(&v);
        let _ = neg(&v);
        let _ = key_eq(&v, &v);
    }

    #[test]
    fn repr_of_any_string(s in any::<String>()) {
        let r = repr(&Value::Str(s.clone()));
        prop_assert!(r.len() >= 2);
        prop_assert!(r.starts_with('\'') || r.starts_with('"'));
        prop_assert!(!r.chars().any(|c| c.is_control()));
        prop_assert_eq!(str(&Value::Str(s.clone())), s);
    }

    #[test]
    fn repr_of_printable_ascii_is_quoted_verbatim(s in "[ !#-&(-\\[\\]-~]*") {
        // No quotes or backslashes: the repr is the text in single quotes.
        prop_assert_eq!(repr(&Value::Str(s.clone())), format!("'{s}'"));
        prop_assert_eq!(repr(&Value::Bytes(s.clone().into_bytes())), format!("b'{s}'"));
    }

    #[test]
    fn float_repr_round_trips(bits in any::<u64>()) {
        let x = f64::from_bits(bits);
        let r = float_repr(x);
        if x.is_finite() {
            let back: f64 = r.parse().unwrap();
            prop_assert_eq!(back.to_bits(), x.to_bits(), "{}", r);
            prop_assert!(r.contains('.') || r.contains('e'));
        } else if x.is_nan() {
            prop_assert_eq!(r, "nan");
        } else {
            prop_assert_eq!(r, if x > 0.0 { "inf" } else { "-inf" });
        }
    }

    #[test]
    fn round6_never_panics_and_stays_close(bits in any::<u64>()) {
        let x = f64::from_bits(bits);
        let y = round6(x);
        if x.is_nan() {
            prop_assert!(y.is_nan());
        } else {
            prop_assert_eq!(round6(y).to_bits(), y.to_bits());
            // Half a millionth, plus the spacing of doubles near x: the rounded
            // decimal is itself rounded to the nearest double (CPython does the same).
            let tolerance = 5e-7 + 4.0 * f64::EPSILON * x.abs();
            prop_assert!((y - x).abs() <= tolerance, "{} -> {}", x, y);
        }
    }

    #[test]
    fn add_never_panics(a in value(), b in value()) {
        match add(&a, &b) {
            Ok(v) => { let _ = repr(&v); }
            Err(e) => { let _ = e.to_string(); }
        }
    }

    #[test]
    fn int_never_panics_on_strings(s in any::<String>()) {
        let _ = int(&Value::Str(s.clone()));
        let _ = int(&Value::Bytes(s.into_bytes()));
    }

    #[test]
    fn int_never_panics_on_numberish_strings(s in "[ \t\n+\\-_0-9\u{a0}\u{3000}\u{661}\u{ff11}x.]{0,60}") {
        let _ = int(&Value::Str(s.clone()));
        let _ = int(&Value::Bytes(s.into_bytes()));
    }

    #[test]
    fn int_parses_formatted_i128(n in any::<i128>(), underscores in any::<bool>(), pad in 0usize..3) {
        let digits = n.unsigned_abs().to_string();
        let body = if underscores {
            let mut out = String::new();
            for (k, c) in digits.chars().enumerate() {
                if k > 0 && (digits.len() - k) % 3 == 0 {
                    out.push('_');
                }
                out.push(c);
            }
            out
        } else {
            digits
        };
        let ws = " \t\u{3000}".chars().take(pad).collect::<String>();
        let text = format!("{ws}{}{body}{ws}", if n < 0 { "-" } else { "" });
        prop_assert_eq!(int(&Value::Str(text)), Ok(n));
    }

    #[test]
    fn int_of_float_truncates(x in -1.0e38f64..1.0e38) {
        let got = int(&Value::Float(x));
        prop_assert_eq!(got, Ok(x as i128));
        prop_assert!(int(&Value::Float(f64::NAN)) == Err(IntError::Value));
    }
}

/// Found by the property above: near 2.5e8 the spacing of doubles (3e-8) pushes
/// the distance past half a millionth; CPython's `round(x, 6)` agrees bit for bit.
#[test]
fn round6_of_a_large_value_matches_cpython() {
    assert_eq!(
        round6(-254423071.3359395).to_bits(),
        (-254423071.335939f64).to_bits()
    );
}
