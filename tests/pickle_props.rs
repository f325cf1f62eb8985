//! Property tests: round trips, `loads` never panicking, `loads_prefix` lengths.

use std::collections::BTreeMap;

use edgecache::Value;
use edgecache::codec::pickle::{dumps, loads, loads_prefix};
use proptest::prelude::*;

/// Equality with floats compared by bits (NaN payloads included).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        (Value::List(x), Value::List(y)) | (Value::Tuple(x), Value::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Dict(x), Value::Dict(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k1, v1), (k2, v2))| same(k1, k2) && same(v1, v2))
        }
        _ => a == b,
    }
}

/// Dict keys that are hashable and pairwise unequal under Python's `==` once deduplicated
/// by the generator's own ordering.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    None,
    Int(i128),
    Str(String),
    Bytes(Vec<u8>),
    /// A non-integral float `n + 0.5`.
    Half(i32),
    Tuple(i128, String),
}

impl Key {
    fn value(self) -> Value {
        match self {
            Self::None => Value::None,
            Self::Int(i) => Value::Int(i),
            Self::Str(s) => Value::Str(s),
            Self::Bytes(b) => Value::Bytes(b),
            Self::Half(n) => Value::Float(f64::from(n) + 0.5),
            Self::Tuple(i, s) => Value::Tuple(vec![Value::Int(i), Value::Str(s)]),
        }
    }
}

fn key() -> impl Strategy<Value = Key> {
    prop_oneof![
        Just(Key::None),
        any::<i128>().prop_map(Key::Int),
        (0i128..300).prop_map(Key::Int),
        ".{0,6}".prop_map(Key::Str),
        prop::collection::vec(any::<u8>(), 0..6).prop_map(Key::Bytes),
        any::<i32>().prop_map(Key::Half),
        (any::<i128>(), ".{0,3}").prop_map(|(i, s)| Key::Tuple(i, s)),
    ]
}

fn int() -> impl Strategy<Value = i128> {
    prop_oneof![
        any::<i128>(),
        -300i128..70_000,
        any::<i32>().prop_map(i128::from),
        any::<i64>().prop_map(i128::from),
        (0u32..128, any::<bool>()).prop_map(|(bits, neg)| {
            // ±2^bits at the edges: -2^bits, 2^bits - 1 (bits = 127 gives MIN and MAX).
            let power = 1i128.wrapping_shl(bits);
            if neg {
                power.wrapping_neg()
            } else {
                power.wrapping_sub(1)
            }
        }),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::None),
        any::<bool>().prop_map(Value::Bool),
        int().prop_map(Value::Int),
        any::<u64>().prop_map(|bits| Value::Float(f64::from_bits(bits))),
        prop_oneof![
            Just(f64::NAN),
            Just(-0.0),
            Just(f64::INFINITY),
            Just(f64::NEG_INFINITY)
        ]
        .prop_map(Value::Float),
        ".{0,12}".prop_map(Value::Str),
        "[a\u{e9}]?".prop_map(Value::Str),
        (0usize..300).prop_map(|n| Value::Str("x".repeat(n))),
        prop::collection::vec(any::<u8>(), 0..12).prop_map(Value::Bytes),
        (0usize..300).prop_map(|n| Value::Bytes(vec![7; n])),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::List),
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Tuple),
            prop::collection::btree_map(key(), inner, 0..6).prop_map(
                |map: BTreeMap<Key, Value>| {
                    Value::Dict(map.into_iter().map(|(k, v)| (k.value(), v)).collect())
                }
            ),
        ]
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Set(usize, u8),
    Insert(usize, u8),
    Remove(usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<usize>().prop_map(Mutation::Remove),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    let len = bytes.len();
    match *mutation {
        Mutation::Set(i, b) if len > 0 => bytes[i % len] = b,
        Mutation::Insert(i, b) => bytes.insert(i % (len + 1), b),
        Mutation::Remove(i) if len > 0 => {
            bytes.remove(i % len);
        }
        Mutation::Truncate(i) => bytes.truncate(i % (len + 1)),
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn round_trip(v in value()) {
        let bytes = dumps(&v);
        let back = loads(&bytes);
        prop_assert!(matches!(&back, Ok(b) if same(b, &v)), "{v:?} -> {back:?}");
        // Writing what was read gives the same bytes.
        prop_assert_eq!(dumps(&back.unwrap()), bytes);
    }

    #[test]
    fn loads_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = loads(&bytes);
        let mut with_header = vec![0x80, 0x05];
        with_header.extend_from_slice(&bytes);
        if let Ok((v, used)) = loads_prefix(&with_header) {
            prop_assert!(used <= with_header.len());
            let _ = dumps(&v);
        }
    }

    #[test]
    fn loads_never_panics_on_opcode_soup(
        ops in prop::collection::vec(
            prop_oneof![
                prop::sample::select(b"()0125NKJM]}ae stu\x85\x86\x87\x88\x89\x94hqgpj.lIdGCX\x8c\x8a\x8b\x93\x95".to_vec()),
                any::<u8>(),
            ],
            0..200,
        )
    ) {
        let mut bytes = vec![0x80, 0x05];
        bytes.extend_from_slice(&ops);
        let _ = loads(&bytes);
    }

    #[test]
    fn loads_never_panics_on_mutated_pickles(
        v in value(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let mut bytes = dumps(&v);
        for m in &mutations {
            apply(&mut bytes, m);
        }
        if let Ok((back, used)) = loads_prefix(&bytes) {
            prop_assert!(used <= bytes.len());
            let _ = dumps(&back);
        }
    }

    #[test]
    fn loads_prefix_reports_consumed_length(
        v in value(),
        trailing in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let pickled = dumps(&v);
        let mut bytes = pickled.clone();
        bytes.extend_from_slice(&trailing);
        let (back, used) = loads_prefix(&bytes).expect("valid pickle with trailing bytes");
        prop_assert_eq!(used, pickled.len());
        prop_assert!(same(&back, &v));
    }
}
