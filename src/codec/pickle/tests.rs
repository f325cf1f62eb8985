//! Unit tests: bytes CPython 3.11 produced (hard-coded, verified with
//! `pickle.dumps(v, 5)`), round trips, older protocols and hostile input.

extern crate std;

use super::*;
use alloc::string::ToString;
use alloc::vec;

fn hex(text: &str) -> Vec<u8> {
    assert!(text.len().is_multiple_of(2), "odd hex length");
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex digit"))
        .collect()
}

fn s(text: &str) -> Value {
    Value::Str(String::from(text))
}

fn b(hex_text: &str) -> Value {
    Value::Bytes(hex(hex_text))
}

fn f(bits: u64) -> Value {
    Value::Float(f64::from_bits(bits))
}

fn l(items: Vec<Value>) -> Value {
    Value::List(items)
}

fn t(items: Vec<Value>) -> Value {
    Value::Tuple(items)
}

fn d(pairs: Vec<(Value, Value)>) -> Value {
    Value::Dict(pairs)
}

/// Equality with floats compared by bits (so NaN equals itself and `-0.0 != 0.0`).
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

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &x| {
        (h ^ u64::from(x)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn check(value: &Value, expected_hex: &str) {
    let expected = hex(expected_hex);
    let got = dumps(value);
    assert_eq!(got, expected, "dumps differs from CPython for {value:?}");
    let back = loads(&expected).expect("loads");
    assert!(same(&back, value), "loads gave {back:?}, wanted {value:?}");
    assert_eq!(
        loads_prefix(&expected).expect("loads_prefix").1,
        expected.len()
    );
}

fn check_big(value: &Value, len: usize, hash: u64, prefix: &str, suffix: &str) {
    let got = dumps(value);
    assert_eq!(got.len(), len, "length");
    assert_eq!(got[..24], hex(prefix)[..], "prefix");
    assert_eq!(got[got.len() - 24..], hex(suffix)[..], "suffix");
    assert_eq!(fnv1a(&got), hash, "FNV-1a of the whole pickle");
    let back = loads(&got).expect("loads");
    assert!(same(&back, value), "round trip");
}

fn err(bytes: &[u8]) -> PickleError {
    match loads(bytes) {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e,
    }
}

fn err_msg(bytes: &[u8]) -> String {
    err(bytes).message
}

macro_rules! case {
    ($name:ident, $value:expr, $hex:expr) => {
        #[test]
        fn $name() {
            check(&$value, $hex);
        }
    };
}

macro_rules! big_case {
    ($name:ident, $value:expr, $len:expr, $hash:expr, $prefix:expr, $suffix:expr) => {
        #[test]
        fn $name() {
            check_big(&$value, $len, $hash, $prefix, $suffix);
        }
    };
}

macro_rules! old_case {
    ($name:ident, $value:expr, $hex:expr) => {
        #[test]
        fn $name() {
            let bytes = hex($hex);
            let got = loads(&bytes).expect("loads");
            let want = $value;
            assert!(same(&got, &want), "got {got:?}, wanted {want:?}");
            assert_eq!(loads_prefix(&bytes).expect("prefix").1, bytes.len());
        }
    };
}

mod cpython_bytes {
    use super::*;

    case!(none, Value::None, "80054e2e");
    case!(bool_true, Value::Bool(true), "8005882e");
    case!(bool_false, Value::Bool(false), "8005892e");
    case!(int_0, Value::Int(0), "80054b002e");
    case!(int_1, Value::Int(1), "80054b012e");
    case!(int_255, Value::Int(255), "80054bff2e");
    case!(int_256, Value::Int(256), "80059504000000000000004d00012e");
    case!(
        int_65535,
        Value::Int(65535),
        "80059504000000000000004dffff2e"
    );
    case!(
        int_65536,
        Value::Int(65536),
        "80059506000000000000004a000001002e"
    );
    case!(
        int_minus_1,
        Value::Int(-1),
        "80059506000000000000004affffffff2e"
    );
    case!(
        int_minus_128,
        Value::Int(-128),
        "80059506000000000000004a80ffffff2e"
    );
    case!(
        int_minus_129,
        Value::Int(-129),
        "80059506000000000000004a7fffffff2e"
    );
    case!(
        int_minus_256,
        Value::Int(-256),
        "80059506000000000000004a00ffffff2e"
    );
    case!(
        int_i32_max,
        Value::Int(2147483647),
        "80059506000000000000004affffff7f2e"
    );
    case!(
        int_i32_min,
        Value::Int(-2147483648),
        "80059506000000000000004a000000802e"
    );
    case!(
        int_2_31,
        Value::Int(2147483648),
        "80059508000000000000008a0500000080002e"
    );
    case!(
        int_below_i32,
        Value::Int(-2147483649),
        "80059508000000000000008a05ffffff7fff2e"
    );
    case!(
        int_i64_max,
        Value::Int(9223372036854775807),
        "8005950b000000000000008a08ffffffffffffff7f2e"
    );
    case!(
        int_2_63,
        Value::Int(9223372036854775808),
        "8005950c000000000000008a090000000000000080002e"
    );
    case!(
        int_i64_min,
        Value::Int(-9223372036854775808),
        "8005950b000000000000008a0800000000000000802e"
    );
    case!(
        int_below_i64,
        Value::Int(-9223372036854775809),
        "8005950c000000000000008a09ffffffffffffff7fff2e"
    );
    case!(
        int_2_64,
        Value::Int(18446744073709551616),
        "8005950c000000000000008a090000000000000000012e"
    );
    case!(
        int_2_71,
        Value::Int(2361183241434822606848),
        "8005950d000000000000008a0a000000000000000080002e"
    );
    case!(
        int_minus_2_71,
        Value::Int(-2361183241434822606848),
        "8005950c000000000000008a090000000000000000802e"
    );
    case!(
        int_2_120,
        Value::Int(1329227995784915872903807060280344576),
        "80059513000000000000008a10000000000000000000000000000000012e"
    );
    case!(
        int_i128_max,
        Value::Int(170141183460469231731687303715884105727),
        "80059513000000000000008a10ffffffffffffffffffffffffffffff7f2e"
    );
    case!(
        int_i128_min,
        Value::Int(i128::MIN),
        "80059513000000000000008a10000000000000000000000000000000802e"
    );
    case!(
        int_i128_min_plus_1,
        Value::Int(-170141183460469231731687303715884105727),
        "80059513000000000000008a10010000000000000000000000000000802e"
    );
    case!(
        float_0,
        f(0x0000000000000000),
        "8005950a000000000000004700000000000000002e"
    );
    case!(
        float_neg_0,
        f(0x8000000000000000),
        "8005950a000000000000004780000000000000002e"
    );
    case!(
        float_1_5,
        f(0x3ff8000000000000),
        "8005950a00000000000000473ff80000000000002e"
    );
    case!(
        float_nan,
        f(0x7ff8000000000000),
        "8005950a00000000000000477ff80000000000002e"
    );
    case!(
        float_inf,
        f(0x7ff0000000000000),
        "8005950a00000000000000477ff00000000000002e"
    );
    case!(
        float_neg_inf,
        f(0xfff0000000000000),
        "8005950a0000000000000047fff00000000000002e"
    );
    case!(
        float_1e300,
        f(0x7e37e43c8800759c),
        "8005950a00000000000000477e37e43c8800759c2e"
    );
    case!(
        float_tiny,
        f(0x0000000000000001),
        "8005950a000000000000004700000000000000012e"
    );
    case!(str_empty, s(""), "80059504000000000000008c00942e");
    case!(str_a, s("a"), "80059505000000000000008c0161942e");
    case!(
        str_e_acute,
        s("\u{e9}"),
        "80059506000000000000008c02c3a9942e"
    );
    case!(
        str_euro,
        s("\u{20ac}"),
        "80059507000000000000008c03e282ac942e"
    );
    case!(
        str_emoji,
        s("\u{1f600}"),
        "80059508000000000000008c04f09f9880942e"
    );
    case!(
        str_hello,
        s("hello"),
        "80059509000000000000008c0568656c6c6f942e"
    );
    case!(
        str_mixed,
        s("Zo\u{eb} \u{1f600} \u{0}\u{a}\"\\"),
        "80059512000000000000008c0e5a6fc3ab20f09f988020000a225c942e"
    );
    case!(
        str_255,
        s(
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        ),
        "80059503010000000000008cff616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161942e"
    );
    case!(
        str_256,
        s(
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        ),
        "8005950701000000000000580001000061616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161942e"
    );
    case!(
        str_128_e_acute,
        s(
            "\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}"
        ),
        "80059507010000000000005800010000c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9942e"
    );
    case!(
        str_254_plus_e,
        s(
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\u{e9}"
        ),
        "800595070100000000000058000100006161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161616161c3a9942e"
    );
    case!(bytes_empty, b(""), "80059504000000000000004300942e");
    case!(bytes_zero, b("00"), "8005950500000000000000430100942e");
    case!(
        bytes_255,
        b(
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfe"
        ),
        "800595030100000000000043ff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfe942e"
    );
    case!(
        bytes_256,
        b(
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"
        ),
        "80059507010000000000004200010000000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff942e"
    );
    case!(list_empty, l(vec![]), "80055d942e");
    case!(
        list_1,
        l(vec![Value::Int(1)]),
        "80059506000000000000005d944b01612e"
    );
    case!(
        list_2,
        l(vec![Value::Int(1), Value::Int(2)]),
        "80059509000000000000005d94284b014b02652e"
    );
    case!(
        list_3,
        l(vec![Value::Int(1), s("x"), Value::None]),
        "8005950c000000000000005d94284b018c0178944e652e"
    );
    case!(
        list_4,
        l(vec![
            Value::Int(1),
            f(0x4004000000000000),
            s("ab"),
            b("6364")
        ]),
        "8005951a000000000000005d94284b014740040000000000008c026162944302636494652e"
    );
    case!(
        list_same_chars,
        l(vec![
            s("a"),
            s("a"),
            s("\u{e9}"),
            s("\u{e9}"),
            s("\u{20ac}"),
            s("\u{20ac}")
        ]),
        "8005951e000000000000005d94288c01619468018c02c3a99468028c03e282ac948c03e282ac94652e"
    );
    case!(
        list_empties,
        l(vec![s(""), s(""), b(""), b(""), t(vec![]), t(vec![])]),
        "80059511000000000000005d94288c0094680143009468022929652e"
    );
    case!(
        list_one_byte_bytes,
        l(vec![b("78"), b("78")]),
        "8005950d000000000000005d94284301789443017894652e"
    );
    case!(
        list_nested,
        l(vec![
            l(vec![]),
            l(vec![l(vec![])]),
            l(vec![l(vec![Value::Int(1)])])
        ]),
        "80059514000000000000005d94285d945d945d94615d945d944b016161652e"
    );
    case!(tuple_empty, t(vec![]), "8005292e");
    case!(
        tuple_1,
        t(vec![Value::Int(1)]),
        "80059505000000000000004b0185942e"
    );
    case!(
        tuple_2,
        t(vec![Value::Int(1), s("a")]),
        "80059509000000000000004b018c01619486942e"
    );
    case!(
        tuple_3,
        t(vec![Value::Int(1), Value::Int(2), Value::Int(3)]),
        "80059509000000000000004b014b024b0387942e"
    );
    case!(
        tuple_4,
        t(vec![
            Value::Int(1),
            Value::Int(2),
            Value::Int(3),
            Value::Int(4)
        ]),
        "8005950c00000000000000284b014b024b034b0474942e"
    );
    case!(
        tuple_nested,
        t(vec![
            t(vec![]),
            t(vec![t(vec![])]),
            t(vec![
                Value::Int(1),
                t(vec![Value::Int(2), t(vec![Value::Int(3)])])
            ])
        ]),
        "8005951300000000000000292985944b014b024b0385948694869487942e"
    );
    case!(dict_empty, d(vec![]), "80057d942e");
    case!(
        dict_1,
        d(vec![(s("a"), Value::Int(1))]),
        "8005950a000000000000007d948c0161944b01732e"
    );
    case!(
        dict_2,
        d(vec![(s("a"), Value::Int(1)), (s("b"), Value::Int(2))]),
        "80059511000000000000007d94288c0161944b018c0162944b02752e"
    );
    case!(
        dict_non_str_keys,
        d(vec![
            (Value::Int(1), s("x")),
            (f(0x4004000000000000), Value::None),
            (t(vec![Value::Int(1), s("t")]), b("")),
            (b("6b"), l(vec![Value::Int(1)])),
            (Value::None, Value::Bool(true)),
            (Value::Int(-7), t(vec![])),
            (s(""), s(""))
        ]),
        "80059536000000000000007d94284b018c0178944740040000000000004e4b018c017494869443009443016b945d944b01614e884af9ffffff298c00946807752e"
    );
    case!(
        django_like,
        d(vec![
            (s("user_id"), Value::Int(42)),
            (s("name"), s("Zo\u{eb}")),
            (s("tags"), l(vec![s("a"), s("b"), s("news")])),
            (s("score"), f(0x4023000000000000)),
            (
                s("meta"),
                d(vec![(s("ok"), Value::Bool(true)), (s("n"), Value::None)])
            )
        ]),
        "80059560000000000000007d94288c07757365725f6964944b2a8c046e616d65948c045a6fc3ab948c0474616773945d94288c0161948c0162948c046e65777394658c0573636f7265944740230000000000008c046d657461947d94288c026f6b94888c016e944e75752e"
    );
    case!(
        nested_mix,
        d(vec![
            (
                s("k"),
                l(vec![
                    Value::Int(1),
                    t(vec![f(0x4004000000000000), s("x")]),
                    d(vec![(s("n"), Value::None)])
                ])
            ),
            (s("l"), l(vec![t(vec![]), l(vec![]), d(vec![])]))
        ]),
        "80059533000000000000007d94288c016b945d94284b014740040000000000008c01789486947d948c016e944e73658c016c945d9428295d947d9465752e"
    );
}

mod cpython_large {
    use super::*;

    big_case!(
        str_65535,
        s(&"x".repeat(65535)),
        65553,
        0xd268cfa7ae3db1b6,
        "800595060001000000000058ffff00007878787878787878",
        "78787878787878787878787878787878787878787878942e"
    );
    big_case!(
        str_65536,
        s(&"x".repeat(65536)),
        65545,
        0x9ede2380f0524099,
        "800558000001007878787878787878787878787878787878",
        "78787878787878787878787878787878787878787878942e"
    );
    big_case!(
        str_100k,
        s(&("é".repeat(50000) + &"z".repeat(2000))),
        102009,
        0x60c6f37753ae68a3,
        "800558708e0100c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3",
        "7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a942e"
    );
    big_case!(
        str_100k_ascii,
        s(&"q".repeat(100000)),
        100009,
        0x6f92dfe470e8dc6b,
        "800558a08601007171717171717171717171717171717171",
        "71717171717171717171717171717171717171717171942e"
    );
    big_case!(
        bytes_65535,
        Value::Bytes(vec![1; 65535]),
        65553,
        0x8a2bd0877efe5a1d,
        "800595060001000000000042ffff00000101010101010101",
        "01010101010101010101010101010101010101010101942e"
    );
    big_case!(
        bytes_65536,
        Value::Bytes(vec![1; 65536]),
        65545,
        0x431ce2dc51465e4f,
        "800542000001000101010101010101010101010101010101",
        "01010101010101010101010101010101010101010101942e"
    );
    big_case!(
        bytes_100k,
        Value::Bytes((0..100_000u32).map(|i| (i % 251) as u8).collect()),
        100009,
        0x07ec98b4eff13dd4,
        "800542a0860100000102030405060708090a0b0c0d0e0f10",
        "505152535455565758595a5b5c5d5e5f606162636465942e"
    );
    big_case!(
        list_around_big,
        l(vec![
            s("ab"),
            s(&"x".repeat(70000)),
            Value::Bytes(vec![b'y'; 70000]),
            s("cd"),
            b(""),
            s("e")
        ]),
        140054,
        0xb4e51c31c3fd99a6,
        "80059508000000000000005d94288c026162945870110100",
        "950f00000000000000948c026364944300948c016594652e"
    );
    big_case!(
        list_big_first,
        l(vec![Value::Bytes(vec![b'y'; 70000]), Value::Int(1)]),
        70024,
        0x908d8348a15d9812,
        "80055d942842701101007979797979797979797979797979",
        "79797979797979797979950500000000000000944b01652e"
    );
    big_case!(
        top_big_bytes,
        Value::Bytes(vec![b'z'; 70000]),
        70009,
        0x16620bffaa969748,
        "800542701101007a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a",
        "7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a942e"
    );
    big_case!(
        list_many_strings,
        l((0..2000)
            .map(|i| s(&(format!("s{i:06}") + &"y".repeat(93))))
            .collect()),
        206045,
        0xd8ce8fdad549129e,
        "8005954e000100000000005d94288c647330303030303079",
        "79797979797979797979797979797979797979797994652e"
    );
    big_case!(
        tuples_many_strings,
        l((0..300)
            .map(|i| t(vec![
                s(&(format!("a{i:05}") + &"q".repeat(194))),
                s(&(format!("b{i:05}") + &"q".repeat(194))),
                s(&(format!("c{i:05}") + &"q".repeat(194)))
            ]))
            .collect()),
        183334,
        0xa53babc0d749e69d,
        "8005952f000100000000005d94288cc86130303030307171",
        "71717171717171717171717171717171717171948794652e"
    );
    big_case!(
        nested_lists_strings,
        l((0..300)
            .map(|i| l(vec![l(vec![s(&(format!("{i:05}") + &"y".repeat(295)))])]))
            .collect()),
        93625,
        0xeaabd880198d6c37,
        "8005952b010100000000005d94285d945d94582c01000030",
        "79797979797979797979797979797979797979946161652e"
    );
    big_case!(
        list_1000,
        l((0..1000).map(Value::Int).collect()),
        2760,
        0xa95a8ee029d38bd6,
        "800595bd0a0000000000005d94284b004b014b024b034b04",
        "034de1034de2034de3034de4034de5034de6034de703652e"
    );
    big_case!(
        list_1001,
        l((0..1001).map(Value::Int).collect()),
        2765,
        0x9856c4018edb3a46,
        "800595c20a0000000000005d94284b004b014b024b034b04",
        "e2034de3034de4034de5034de6034de70365284de803652e"
    );
    big_case!(
        list_2500,
        l((0..2500).map(Value::Int).collect()),
        7264,
        0xd7e109f4386a9e98,
        "800595551c0000000000005d94284b004b014b024b034b04",
        "094dbd094dbe094dbf094dc0094dc1094dc2094dc309652e"
    );
    big_case!(
        tuple_2500,
        t((0..2500).map(Value::Int).collect()),
        7259,
        0x69de0431ba6d1ca7,
        "800595501c000000000000284b004b014b024b034b044b05",
        "4dbd094dbe094dbf094dc0094dc1094dc2094dc30974942e"
    );
    big_case!(
        dict_999,
        d((0..999).map(|i| (Value::Int(i), Value::Int(-i))).collect()),
        7749,
        0x5aabc596342a8b5c,
        "8005953a1e0000000000007d94284b004b004b014affffff",
        "034a1cfcffff4de5034a1bfcffff4de6034a1afcffff752e"
    );
    big_case!(
        dict_1000,
        d((0..1000).map(|i| (Value::Int(i), Value::Int(-i))).collect()),
        7759,
        0xbe5a12b277f1bd2d,
        "800595441e0000000000007d94284b004b004b014affffff",
        "1bfcffff4de6034a1afcffff4de7034a19fcffff7528752e"
    );
    big_case!(
        dict_1001,
        d((0..1001).map(|i| (Value::Int(i), Value::Int(-i))).collect()),
        7767,
        0x6c4f0ef904735e5b,
        "8005954c1e0000000000007d94284b004b004b014affffff",
        "1afcffff4de7034a19fcffff75284de8034a18fcffff752e"
    );
    big_case!(
        dict_2000,
        d((0..2000).map(|i| (Value::Int(i), Value::Int(-i))).collect()),
        15761,
        0x79b3f10dd70e61e7,
        "800595863d0000000000007d94284b004b004b014affffff",
        "33f8ffff4dce074a32f8ffff4dcf074a31f8ffff7528752e"
    );
    big_case!(
        dict_2500,
        d((0..2500).map(|i| (Value::Int(i), Value::Int(-i))).collect()),
        19761,
        0x8f15d667fc80134d,
        "800595264d0000000000007d94284b004b004b014affffff",
        "094a3ff6ffff4dc2094a3ef6ffff4dc3094a3df6ffff752e"
    );
    big_case!(
        list_of_chars,
        l((0..600u32)
            .map(|i| s(&char::from_u32(i % 300).unwrap().to_string()))
            .collect()),
        2123,
        0xa09a016e8da2ee5a,
        "80059540080000000000005d94288c0100948c0101948c01",
        "a7948c02c4a8948c02c4a9948c02c4aa948c02c4ab94652e"
    );
}

mod older_protocols {
    use super::*;

    old_case!(
        p2_dict,
        d(vec![
            (
                s("a"),
                l(vec![
                    Value::Int(1),
                    f(0x4004000000000000),
                    Value::None,
                    Value::Bool(true)
                ])
            ),
            (s("b"), t(vec![Value::Int(1), s("x")])),
            (s("c"), Value::Int(-1267650600228229401496703205376))
        ]),
        "80027d71002858010000006171015d7102284b014740040000000000004e886558010000006271034b01580100000078710486710558010000006371068a0d000000000000000000000000f0752e"
    );
    old_case!(
        p2_bytes,
        l(vec![b("6162ff"), b(""), b("6162ff")]),
        "80025d710028635f636f646563730a656e636f64650a710158040000006162c3bf710258060000006c6174696e317103867104527105635f5f6275696c74696e5f5f0a62797465730a7106295271076805652e"
    );
    old_case!(
        p2_bytearray,
        l(vec![b("787900"), b("")]),
        "80025d710028635f5f6275696c74696e5f5f0a6279746561727261790a7101635f636f646563730a656e636f64650a71025803000000787900710358060000006c6174696e317104867105527106857107527108680129527109652e"
    );
    old_case!(
        p3_mixed,
        d(vec![
            (s("k"), b("0001")),
            (s("t"), t(vec![])),
            (s("l"), l(vec![l(vec![]), d(vec![])])),
            (s("big"), Value::Int(1208925819614629174706176))
        ]),
        "80037d71002858010000006b710143020001710258010000007471032958010000006c71045d7105285d71067d710765580300000062696771088a0b0000000000000000000001752e"
    );
    old_case!(
        p3_bytearray,
        b("806162"),
        "8003636275696c74696e730a6279746561727261790a7100430380616271018571025271032e"
    );
    old_case!(
        p4_nested,
        l(vec![
            d(vec![(
                s("\u{e9}"),
                t(vec![s("\u{1f600}"), f(0x3ff0000000000000)])
            )]),
            s(
                "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
            ),
            l(vec![
                Value::Int(0),
                Value::Int(1),
                Value::Int(2),
                Value::Int(3),
                Value::Int(4)
            ])
        ]),
        "8004955f010000000000005d94287d948c02c3a9948c04f09f988094473ff0000000000000869473582c010000787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878787878945d94284b004b014b024b034b0465652e"
    );
    old_case!(
        p4_bytearray,
        b("71"),
        "80049522000000000000008c086275696c74696e73948c0962797465617272617994939443017194859452942e"
    );
    old_case!(
        p5_bytearray,
        b("717273"),
        "8005950e00000000000000960300000000000000717273942e"
    );
    old_case!(
        memo_binget,
        l(vec![s("ab"), s("ab")]),
        "8005950c000000000000005d94288c026162946801652e"
    );
    old_case!(
        memo_shared_list,
        l(vec![
            l(vec![Value::Int(1), Value::Int(2)]),
            l(vec![Value::Int(1), Value::Int(2)]),
            t(vec![l(vec![Value::Int(1), Value::Int(2)])])
        ]),
        "80059513000000000000005d94285d94284b014b0265680168018594652e"
    );
    old_case!(
        memo_shared_list_p2,
        l(vec![
            l(vec![Value::Int(1), Value::Int(2)]),
            l(vec![Value::Int(1), Value::Int(2)])
        ]),
        "80025d7100285d7101284b014b02656801652e"
    );
}

mod reading {
    use super::*;

    #[test]
    fn protocol_0_text_forms() {
        // pickle.dumps([1, 2**70, 1.5, None, True, False, (1, 2), {1: 2}, -5], 0)
        let bytes = b"(lp0\nI1\naL1180591620717411303424L\naF1.5\naNaI01\naI00\na(I1\nI2\ntp1\na(dp2\nI1\nI2\nsaI-5\na.";
        let want = l(vec![
            Value::Int(1),
            Value::Int(1 << 70),
            Value::Float(1.5),
            Value::None,
            Value::Bool(true),
            Value::Bool(false),
            t(vec![Value::Int(1), Value::Int(2)]),
            d(vec![(Value::Int(1), Value::Int(2))]),
            Value::Int(-5),
        ]);
        assert_eq!(loads(bytes), Ok(want));
    }

    #[test]
    fn protocol_1() {
        // pickle.dumps([1, 2**70, 1.5, None, True, False, (1, 2), {1: 2}, -5, 'x'], 1)
        let bytes = hex(
            "5d7100284b014c313138303539313632303731373431313330333432344c0a473ff80000000000004e4930310a4930300a284b014b027471017d71024b014b02734afbffffff5801000000787103652e",
        );
        let got = loads(&bytes).expect("loads");
        assert_eq!(
            got,
            l(vec![
                Value::Int(1),
                Value::Int(1 << 70),
                Value::Float(1.5),
                Value::None,
                Value::Bool(true),
                Value::Bool(false),
                t(vec![Value::Int(1), Value::Int(2)]),
                d(vec![(Value::Int(1), Value::Int(2))]),
                Value::Int(-5),
                s("x"),
            ])
        );
    }

    #[test]
    fn trailing_bytes_and_prefix() {
        assert_eq!(loads(b"\x80\x05N.xyz"), Ok(Value::None));
        assert_eq!(loads_prefix(b"\x80\x05N.xyz"), Ok((Value::None, 4)));
        // A Django filebased cache file: pickle(expiry) then zlib data.
        let mut file = dumps(&Value::Float(1_700_000_000.5));
        let len = file.len();
        file.extend_from_slice(&[0x78, 0x9c, 0x01, 0x02]);
        assert_eq!(
            loads_prefix(&file),
            Ok((Value::Float(1_700_000_000.5), len))
        );
    }

    #[test]
    fn globals_are_refused_with_their_name() {
        // pickle.dumps(datetime.date(2020, 1, 1), 5) and protocol 2
        let e = err(&hex(
            "80059520000000000000008c086461746574696d65948c0464617465949394430407e4010194859452942e",
        ));
        assert_eq!(
            e.message,
            "cannot load datetime.date: only plain data values are supported"
        );
        assert_eq!(e.offset, 29);
        let e = err(&hex(
            "8002636461746574696d650a646174650a7100635f636f646563730a656e636f64650a7101580500000007c3a40101710258060000006c6174696e3171038671045271058571065271072e",
        ));
        assert!(e.message.starts_with("cannot load datetime.date"), "{e}");
        assert_eq!(e.offset, 2);
        let bytes = b"\x80\x04\x8c\x14django.http.response\x94\x8c\x0cHttpResponse\x94\x93)\x81.";
        assert_eq!(
            err_msg(bytes),
            "cannot load django.http.response.HttpResponse: only plain data values are supported"
        );
        assert!(err_msg(b"\x80\x02cos\nsystem\n.").contains("os.system"));
        // A whitelisted callable that ends up as a value is still refused.
        assert!(err_msg(b"\x80\x02c__builtin__\nbytes\n.").contains("builtins.bytes"));
    }

    #[test]
    fn display_format() {
        let e = err(b"\x80\x05\xff");
        assert_eq!(e.to_string(), "pickle data at byte 2: unknown opcode 0xff");
    }

    #[test]
    fn sets_are_refused() {
        assert_eq!(
            err_msg(&hex("80059509000000000000008f94284b014b02902e")),
            "sets are not supported"
        );
        assert_eq!(
            err_msg(&hex("8004950600000000000000284b0191942e")),
            "sets are not supported"
        );
        assert!(
            err_msg(&hex(
                "8002635f5f6275696c74696e5f5f0a7365740a71005d7101284b014b02658571025271032e"
            ))
            .starts_with("sets are not supported")
        );
    }

    #[test]
    fn object_opcodes_are_refused_by_name() {
        for (op, name) in [
            (REDUCE, "REDUCE"),
            (BUILD, "BUILD"),
            (NEWOBJ, "NEWOBJ"),
            (NEWOBJ_EX, "NEWOBJ_EX"),
            (INST, "INST"),
            (OBJ, "OBJ"),
            (PERSID, "PERSID"),
            (BINPERSID, "BINPERSID"),
            (EXT1, "EXT1"),
            (NEXT_BUFFER, "NEXT_BUFFER"),
            (STRING, "STRING"),
            (UNICODE, "UNICODE"),
        ] {
            let message = err_msg(&[PROTO, 5, NONE, NONE, op, STOP]);
            assert!(
                message.contains(name) || message.contains("REDUCE"),
                "{name}: {message}"
            );
        }
        assert!(err_msg(&[PROTO, 5, NONE, BUILD]).contains("BUILD (0x62)"));
    }

    #[test]
    fn integers_beyond_128_bits() {
        // LONG1 with 17 bytes: 2**128.
        let mut bytes = vec![PROTO, 5, LONG1, 17];
        bytes.extend_from_slice(&[0; 16]);
        bytes.extend_from_slice(&[1, STOP]);
        assert_eq!(err_msg(&bytes), "integer does not fit in 128 bits");
        // 2**127 needs 17 bytes and does not fit either.
        let mut bytes = vec![PROTO, 5, LONG1, 17];
        bytes.extend_from_slice(&[0; 15]);
        bytes.extend_from_slice(&[0x80, 0, STOP]);
        assert_eq!(err_msg(&bytes), "integer does not fit in 128 bits");
        // Redundant sign bytes are fine: -1 in 17 bytes, i128::MIN in 20.
        let mut bytes = vec![PROTO, 2, LONG1, 17];
        bytes.extend_from_slice(&[0xff; 17]);
        bytes.push(STOP);
        assert_eq!(loads(&bytes), Ok(Value::Int(-1)));
        let mut bytes = vec![PROTO, 2, LONG4, 20, 0, 0, 0];
        bytes.extend_from_slice(&[0; 15]);
        bytes.extend_from_slice(&[0x80, 0xff, 0xff, 0xff, 0xff, STOP]);
        assert_eq!(loads(&bytes), Ok(Value::Int(i128::MIN)));
        // LONG1 with no bytes is 0; LONG4 with a negative count is an error.
        assert_eq!(loads(&[PROTO, 2, LONG1, 0, STOP]), Ok(Value::Int(0)));
        assert!(err_msg(&[PROTO, 2, LONG4, 0xff, 0xff, 0xff, 0xff, STOP]).contains("negative"));
        assert_eq!(
            err_msg(b"L340282366920938463463374607431768211456L\n."),
            "integer does not fit in 128 bits"
        );
    }

    #[test]
    fn huge_lengths_fail_before_allocating() {
        for op in [BINBYTES8, BINUNICODE8, BYTEARRAY8] {
            let mut bytes = vec![PROTO, 5, op];
            bytes.extend_from_slice(&(1u64 << 60).to_le_bytes());
            bytes.extend_from_slice(b"abc.");
            let e = err(&bytes);
            assert!(e.message.contains("truncated"), "{e}");
            assert_eq!(e.offset, 2);
        }
        let mut bytes = vec![PROTO, 5, BINBYTES8];
        bytes.extend_from_slice(&u64::MAX.to_le_bytes());
        assert!(err_msg(&bytes).contains("truncated"));
        assert!(
            err_msg(&[PROTO, 5, BINUNICODE, 0xff, 0xff, 0xff, 0xff, b'a']).contains("truncated")
        );
    }

    #[test]
    fn frames() {
        assert!(err_msg(b"\x80\x05\x95\xff\x00\x00\x00\x00\x00\x00\x00N.").contains("truncated"));
        let mut bytes = vec![PROTO, 5, FRAME];
        bytes.extend_from_slice(&u64::MAX.to_le_bytes());
        bytes.extend_from_slice(b"N.");
        assert!(err_msg(&bytes).contains("truncated"));
        // A frame may be shorter than the rest (as C's unpickler, it is only a length check).
        assert_eq!(
            loads(b"\x80\x05\x95\x01\x00\x00\x00\x00\x00\x00\x00N."),
            Ok(Value::None)
        );
    }

    #[test]
    fn every_truncation_is_an_error() {
        let full = dumps(&d(vec![
            (
                s("a"),
                l(vec![Value::Int(1 << 40), Value::Float(2.5), b("00ff")]),
            ),
            (t(vec![Value::Int(-3)]), s("é€😀")),
        ]));
        for end in 0..full.len() {
            let e = err(&full[..end]);
            assert!(e.offset <= end, "{e}");
        }
        assert_eq!(err(b"").message, "ran out of input");
    }

    #[test]
    fn stack_and_mark_errors() {
        assert_eq!(err_msg(b"."), "unpickling stack underflow");
        assert_eq!(err_msg(b"\x80\x05a."), "unpickling stack underflow");
        assert_eq!(err_msg(b"\x80\x05]e."), "could not find MARK");
        assert_eq!(err_msg(b"\x80\x05t."), "could not find MARK");
        assert_eq!(err_msg(b"\x80\x051."), "could not find MARK");
        // Objects below a MARK are fenced off.
        assert_eq!(err_msg(b"\x80\x05](K\x01a."), "unexpected MARK found");
        assert_eq!(err_msg(b"\x80\x05K\x01(\x85."), "unexpected MARK found");
        assert_eq!(err_msg(b"\x80\x05(."), "unexpected MARK found");
        assert_eq!(
            err_msg(b"\x80\x05K\x01(K\x02\x94\x86."),
            "unexpected MARK found"
        );
        // Appending to something that is not a list.
        assert!(err_msg(b"\x80\x05)K\x01a.").contains("cannot append to a tuple"));
        assert!(err_msg(b"\x80\x05]K\x01K\x02s.").contains("cannot set items on a list"));
        assert!(err_msg(b"\x80\x05}(K\x01u.").contains("odd number"));
        assert!(err_msg(b"\x80\x05(K\x01d.").contains("odd number"));
        // POP and POP_MARK as CPython does them.
        assert_eq!(loads(b"\x80\x05K\x01(K\x02K\x031."), Ok(Value::Int(1)));
        assert_eq!(loads(b"\x80\x05K\x01(0."), Ok(Value::Int(1)));
        assert_eq!(loads(b"\x80\x05K\x01K\x020."), Ok(Value::Int(1)));
        assert_eq!(
            loads(b"\x80\x05K\x012\x86."),
            Ok(t(vec![Value::Int(1), Value::Int(1)]))
        );
    }

    #[test]
    fn memo_errors_and_text_memo() {
        assert_eq!(
            err_msg(b"\x80\x05h\x07."),
            "memo value not found at index 7"
        );
        assert_eq!(
            err_msg(b"\x80\x05j\x00\x00\x01\x00."),
            "memo value not found at index 65536"
        );
        assert_eq!(err_msg(b"\x80\x05\x94."), "unpickling stack underflow");
        assert_eq!(err_msg(b"K\x01p-1\n."), "negative PUT argument");
        assert_eq!(
            loads(b"(K\x07p5\nr\x09\x00\x00\x00g5\nh\x09j\x09\x00\x00\x00l."),
            Ok(l(vec![Value::Int(7); 4]))
        );
    }

    #[test]
    fn shared_objects_follow_python_mutation() {
        // ] memo ] memo APPEND, BINGET 1, K5, APPEND, POP: Python gives [[5]].
        assert_eq!(
            loads(b"\x80\x05]\x94]\x94ah\x01K\x05a0."),
            Ok(l(vec![l(vec![Value::Int(5)])]))
        );
        // A list referenced before it is filled is seen filled everywhere.
        assert_eq!(
            loads(b"\x80\x05]\x94(]\x94h\x01K\x01K\x02\x86\x94e."),
            Ok(l(vec![
                l(vec![]),
                l(vec![]),
                t(vec![Value::Int(1), Value::Int(2)])
            ]))
        );
        assert_eq!(
            loads(b"\x80\x05]\x94(]\x94h\x01eh\x01K\x09a0."),
            Ok(l(vec![l(vec![Value::Int(9)]), l(vec![Value::Int(9)])]))
        );
    }

    #[test]
    fn recursive_structures_are_refused() {
        // l = []; l.append(l); pickle.dumps(l, 5)
        let e = err(&hex("80059506000000000000005d946800612e"));
        assert!(e.message.contains("recursive"), "{e}");
        assert!(err_msg(b"\x80\x05}\x94K\x01h\x00s.").contains("recursive"));
    }

    #[test]
    fn dict_keys_use_python_equality() {
        // {1: 'a'}; d[True] = 'b'; d[1.0] = 'c' -> {1: 'c'}
        let bytes =
            b"\x80\x05}(K\x01\x8c\x01a\x88\x8c\x01bG?\xf0\x00\x00\x00\x00\x00\x00\x8c\x01cu.";
        assert_eq!(loads(bytes), Ok(d(vec![(Value::Int(1), s("c"))])));
        // -0.0 and 0 collide; (1, 'x') and (True, 'x') collide; 'a' and b'a' do not.
        let bytes = b"\x80\x05}(K\x00K\x01G\x80\x00\x00\x00\x00\x00\x00\x00K\x02K\x01\x8c\x01x\x86K\x03\x88\x8c\x01x\x86K\x04\x8c\x01aK\x05C\x01aK\x06u.";
        assert_eq!(
            loads(bytes),
            Ok(d(vec![
                (Value::Int(0), Value::Int(2)),
                (t(vec![Value::Int(1), s("x")]), Value::Int(4)),
                (s("a"), Value::Int(5)),
                (b("61"), Value::Int(6)),
            ]))
        );
        // Distinct NaNs are distinct keys; the same NaN object (a memo reference) is one.
        let nan = [b'G', 0x7f, 0xf8, 0, 0, 0, 0, 0, 0];
        let mut bytes = b"\x80\x05}(".to_vec();
        for (i, tail) in [(1u8, &b""[..]), (2, b""), (3, b"\x94")] {
            bytes.extend_from_slice(&nan);
            bytes.extend_from_slice(tail);
            bytes.extend_from_slice(&[BININT1, i]);
        }
        bytes.extend_from_slice(b"h\x00K\x04u.");
        let Ok(Value::Dict(pairs)) = loads(&bytes) else {
            panic!("expected a dict");
        };
        let values: Vec<Value> = pairs.into_iter().map(|(_, v)| v).collect();
        assert_eq!(values, vec![Value::Int(1), Value::Int(2), Value::Int(4)]);
        // Unhashable keys.
        assert!(err_msg(b"\x80\x05}]Ns.").contains("unhashable type: 'list'"));
        assert!(err_msg(b"\x80\x05}]\x85Ns.").contains("unhashable type: 'list'"));
    }

    #[test]
    fn strings_must_be_utf8() {
        assert!(err_msg(b"\x80\x05\x8c\x02\xc3\x28\x94.").contains("UTF-8"));
        // A lone surrogate, as CPython writes it with surrogatepass.
        assert!(err_msg(b"\x80\x05\x8c\x03\xed\xa0\x80\x94.").contains("surrogate"));
        assert_eq!(loads(b"U\x02ab."), Ok(s("ab")));
        assert!(err_msg(b"U\x01\xff.").contains("ASCII"));
    }

    #[test]
    fn unsupported_protocol() {
        assert_eq!(err_msg(b"\x80\x06N."), "unsupported pickle protocol: 6");
    }

    #[test]
    fn nesting_depth_limit() {
        let nested = |depth: usize| {
            let mut bytes = vec![PROTO, 5];
            bytes.extend(core::iter::repeat_n(EMPTY_LIST, depth));
            bytes.extend(core::iter::repeat_n(APPEND, depth - 1));
            bytes.push(STOP);
            bytes
        };
        assert!(loads(&nested(MAX_DEPTH)).is_ok());
        assert!(err_msg(&nested(MAX_DEPTH + 1)).contains("nested deeper than 1000"));
        // A million nested tuples: refused, no stack overflow.
        let mut bytes = vec![PROTO, 5, EMPTY_TUPLE];
        bytes.extend(core::iter::repeat_n(TUPLE1, 1_000_000));
        bytes.push(STOP);
        assert!(err_msg(&bytes).contains("nested deeper"));
        // ... also as a dict key.
        let mut bytes = vec![PROTO, 5, EMPTY_DICT, EMPTY_TUPLE];
        bytes.extend(core::iter::repeat_n(TUPLE1, 100_000));
        bytes.extend_from_slice(&[NONE, SETITEM, STOP]);
        assert!(err_msg(&bytes).contains("nested deeper"));
    }

    #[test]
    fn deep_values_dump_without_recursion() {
        let mut value = Value::None;
        for _ in 0..200_000 {
            value = l(vec![value]);
        }
        let bytes = dumps(&value);
        // Drop iteratively (before any assertion can unwind): a test thread's stack is small.
        while let Value::List(mut items) = value {
            value = items.pop().unwrap_or(Value::None);
        }
        // PROTO 5, (EMPTY_LIST MEMOIZE)*n, NONE, APPEND*n, STOP, in 7 frames: the first
        // 400 KB are cut every 64 KiB, the APPENDs save no object so they share the last.
        assert_eq!(bytes.len(), 2 + 7 * 9 + 200_000 * 3 + 1 + 1);
        assert!(err_msg(&bytes).contains("nested deeper"));
    }

    #[test]
    fn shared_reference_bomb_is_bounded() {
        // x0 = 'abcd'; x(i+1) = (x(i), x(i)) sixty times: 2**60 strings if expanded.
        let mut bytes = b"\x80\x05\x8c\x04abcd\x94".to_vec();
        for i in 0..60u8 {
            bytes.extend_from_slice(&[BINGET, i, BINGET, i, TUPLE2, MEMOIZE]);
        }
        bytes.push(STOP);
        assert!(err_msg(&bytes).contains("too large"));
    }

    #[test]
    fn memo_entry_limit() {
        let mut bytes = vec![PROTO, 5, NONE];
        bytes.extend(core::iter::repeat_n(MEMOIZE, MAX_MEMO + 1));
        bytes.push(STOP);
        assert!(err_msg(&bytes).contains("memo entries"));
        let mut bytes = vec![PROTO, 5, NONE];
        bytes.extend(core::iter::repeat_n(MEMOIZE, MAX_MEMO));
        bytes.push(STOP);
        assert_eq!(loads(&bytes), Ok(Value::None));
    }

    #[test]
    fn bytes_via_reduce_variants() {
        // builtins.bytes([1, 2]) via STACK_GLOBAL, _codecs.encode('é') (utf-8 default)
        assert_eq!(
            loads(b"\x80\x04\x8c\x08builtins\x8c\x05bytes\x93\x8c\x01a\x85R."),
            Err(error(24, "unsupported arguments for builtins.bytes"))
        );
        assert_eq!(
            loads(b"\x80\x04\x8c\x08builtins\x8c\x05bytes\x93(K\x01K\x02l\x85R."),
            Ok(b("0102"))
        );
        assert_eq!(
            loads(b"\x80\x02c_codecs\nencode\nX\x02\x00\x00\x00\xc3\xa9\x85R."),
            Ok(b("c3a9"))
        );
        assert!(
            err_msg(
                b"\x80\x02c_codecs\nencode\nX\x02\x00\x00\x00\xc4\x80X\x06\x00\x00\x00latin1\x86R."
            )
            .contains("latin-1")
        );
        assert!(
            err_msg(b"\x80\x02c_codecs\nencode\nX\x01\x00\x00\x00aX\x04\x00\x00\x00cp37\x86R.")
                .contains("cp37")
        );
        assert!(err_msg(b"\x80\x02NN\x85R.").contains("REDUCE needs a callable"));
    }
}
