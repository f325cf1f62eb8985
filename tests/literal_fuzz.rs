//! Property tests for the literal parser: it never panics, and values
//! rendered as Python-literal or JSON text parse back to the same tree.

use std::fmt::Write as _;

use edgecache::literal::{Node, NodeKind, parse};
use proptest::prelude::*;

/// A generated value, rendered to text and compared with what `parse` returns.
#[derive(Debug, Clone)]
enum V {
    None,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    List(Vec<V>),
    Tuple(Vec<V>),
    Dict(Vec<(V, V)>),
}

fn float_strategy() -> impl Strategy<Value = f64> {
    prop_oneof![
        8 => any::<f64>(),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
        1 => Just(f64::NAN),
        1 => Just(-0.0),
        1 => Just(0.0),
        2 => (-1_000_000i64..1_000_000).prop_map(|i| i as f64 / 64.0),
    ]
}

fn text_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-z0-9 '\"\\\\\n\t/.:_-]{0,12}",
        "[\u{0}-\u{7f}]{0,8}",
        "[é✓😀\u{10ffff}\u{ffff}\u{d7ff}\u{e000}]{0,5}",
    ]
}

fn python_tree() -> impl Strategy<Value = V> {
    let leaf = prop_oneof![
        Just(V::None),
        any::<bool>().prop_map(V::Bool),
        any::<i128>().prop_map(V::Int),
        (-1000i128..1000).prop_map(V::Int),
        float_strategy().prop_map(V::Float),
        text_strategy().prop_map(V::Str),
        prop::collection::vec(any::<u8>(), 0..10).prop_map(V::Bytes),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(V::List),
            prop::collection::vec(inner.clone(), 0..6).prop_map(V::Tuple),
            prop::collection::vec((inner.clone(), inner), 0..6).prop_map(V::Dict),
        ]
    })
}

fn json_tree() -> impl Strategy<Value = V> {
    let leaf = prop_oneof![
        Just(V::None),
        any::<bool>().prop_map(V::Bool),
        any::<i128>().prop_map(V::Int),
        (-1000i128..1000).prop_map(V::Int),
        float_strategy().prop_map(V::Float),
        text_strategy().prop_map(V::Str),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(V::List),
            prop::collection::vec((text_strategy().prop_map(V::Str), inner), 0..6)
                .prop_map(V::Dict),
        ]
    })
}

/// Rendering choices, picked per test case.
#[derive(Debug, Clone, Copy)]
struct Style {
    /// 0: plain, 1: escape non-ASCII, 2: triple quotes, 3: split and concatenate.
    strings: u8,
    /// Put each item on its own line with a comment and a trailing comma.
    multiline: bool,
    /// Prefix with `NAME = `.
    assign: bool,
}

fn style_strategy() -> impl Strategy<Value = Style> {
    (0u8..4, any::<bool>(), any::<bool>()).prop_map(|(strings, multiline, assign)| Style {
        strings,
        multiline,
        assign,
    })
}

fn py_float(f: f64) -> String {
    if f.is_nan() {
        "float('nan')".into()
    } else if f == f64::INFINITY {
        "float('inf')".into()
    } else if f == f64::NEG_INFINITY {
        "-float(\"inf\")".into()
    } else {
        format!("{f:?}")
    }
}

fn py_str_body(s: &str, quote: char, escape_non_ascii: bool, triple: bool) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' if triple => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if escape_non_ascii && !c.is_ascii() => {
                if (c as u32) > 0xffff {
                    let _ = write!(out, "\\U{:08X}", c as u32);
                } else if (c as u32) < 0x100 {
                    let _ = write!(out, "\\{:o}", c as u32);
                } else {
                    let _ = write!(out, "\\u{:04x}", c as u32);
                }
            }
            c => out.push(c),
        }
    }
    out
}

fn py_str(s: &str, style: Style) -> String {
    match style.strings {
        1 => format!("\"{}\"", py_str_body(s, '"', true, false)),
        2 => format!("'''{}'''", py_str_body(s, '\'', false, true)),
        3 => {
            let chars: Vec<char> = s.chars().collect();
            let (a, b) = chars.split_at(chars.len() / 2);
            let a: String = a.iter().collect();
            let b: String = b.iter().collect();
            format!(
                "'{}' # split\n u\"{}\"",
                py_str_body(&a, '\'', false, false),
                py_str_body(&b, '"', true, false)
            )
        }
        _ => format!("'{}'", py_str_body(s, '\'', false, false)),
    }
}

fn py_bytes(b: &[u8]) -> String {
    let mut out = String::from("b'");
    for &x in b {
        match x {
            b'\\' => out.push_str("\\\\"),
            b'\'' => out.push_str("\\'"),
            0x20..=0x7e => out.push(x as char),
            _ => {
                let _ = write!(out, "\\x{x:02x}");
            }
        }
    }
    out.push('\'');
    out
}

fn join(parts: Vec<String>, open: &str, close: &str, style: Style, tuple: bool) -> String {
    if parts.is_empty() {
        return format!("{open}{close}");
    }
    let single_tuple = tuple && parts.len() == 1;
    if style.multiline {
        let mut out = format!("{open}  # opened\n");
        for p in parts {
            let _ = writeln!(out, "    {p},  # item");
        }
        out.push_str(close);
        out
    } else {
        let mut out = open.to_string();
        out.push_str(&parts.join(", "));
        if single_tuple {
            out.push(',');
        }
        out.push_str(close);
        out
    }
}

fn render_py(v: &V, style: Style) -> String {
    match v {
        V::None => "None".into(),
        V::Bool(true) => "True".into(),
        V::Bool(false) => "False".into(),
        V::Int(i) => i.to_string(),
        V::Float(f) => py_float(*f),
        V::Str(s) => py_str(s, style),
        V::Bytes(b) => py_bytes(b),
        V::List(items) => join(
            items.iter().map(|x| render_py(x, style)).collect(),
            "[",
            "]",
            style,
            false,
        ),
        V::Tuple(items) => join(
            items.iter().map(|x| render_py(x, style)).collect(),
            "(",
            ")",
            style,
            true,
        ),
        V::Dict(pairs) => join(
            pairs
                .iter()
                .map(|(k, x)| format!("{}: {}", render_py(k, style), render_py(x, style)))
                .collect(),
            "{",
            "}",
            style,
            false,
        ),
    }
}

fn json_str(s: &str, escape_non_ascii: bool) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '/' if escape_non_ascii => out.push_str("\\/"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if escape_non_ascii && !c.is_ascii() => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{:04X}", u);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn render_json(v: &V, escape: bool, pretty: bool) -> String {
    let sep = if pretty { ",\n  " } else { "," };
    match v {
        V::None => "null".into(),
        V::Bool(b) => b.to_string(),
        V::Int(i) => i.to_string(),
        V::Float(f) if f.is_nan() => "NaN".into(),
        V::Float(f) if *f == f64::INFINITY => "Infinity".into(),
        V::Float(f) if *f == f64::NEG_INFINITY => "-Infinity".into(),
        V::Float(f) => format!("{f:?}"),
        V::Str(s) => json_str(s, escape),
        V::List(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|x| render_json(x, escape, pretty))
                .collect::<Vec<_>>()
                .join(sep)
        ),
        V::Dict(pairs) => format!(
            "{{{}}}",
            pairs
                .iter()
                .map(|(k, x)| format!(
                    "{}: {}",
                    render_json(k, escape, pretty),
                    render_json(x, escape, pretty)
                ))
                .collect::<Vec<_>>()
                .join(sep)
        ),
        V::Tuple(_) | V::Bytes(_) => unreachable!("not generated for JSON"),
    }
}

/// Compares a generated value with a parsed node (floats by bits, NaN to NaN).
fn same(v: &V, n: &Node) -> bool {
    match (v, &n.kind) {
        (V::None, NodeKind::None) => true,
        (V::Bool(a), NodeKind::Bool(b)) => a == b,
        (V::Int(a), NodeKind::Int(b)) => a == b,
        (V::Float(a), NodeKind::Float(b)) => {
            (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
        }
        (V::Str(a), NodeKind::Str(b)) => a == b,
        (V::Bytes(a), NodeKind::Bytes(b)) => a == b,
        (V::List(a), NodeKind::List(b)) | (V::Tuple(a), NodeKind::Tuple(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (V::Dict(a), NodeKind::Dict(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|((ka, va), (kb, vb))| same(ka, kb) && same(va, vb))
        }
        _ => false,
    }
}

fn check_positions(n: &Node) {
    assert!(n.line >= 1 && n.col >= 1, "{n:?}");
    match &n.kind {
        NodeKind::List(items) | NodeKind::Tuple(items) => items.iter().for_each(check_positions),
        NodeKind::Dict(pairs) => pairs.iter().for_each(|(k, v)| {
            check_positions(k);
            check_positions(v);
        }),
        _ => {}
    }
}

/// Parses and checks the invariants that hold for any input.
fn parse_checked(text: &str) {
    match parse(text) {
        Ok(n) => check_positions(&n),
        Err(e) => {
            let lines = text.split('\n').count() as u32;
            assert!(e.line >= 1 && e.col >= 1, "{e:?}");
            assert!(e.line <= lines, "{e:?} for {lines} lines");
            assert!(!e.message.is_empty());
        }
    }
}

fn syntax_heavy() -> impl Strategy<Value = String> {
    let alphabet: Vec<char> = "[]{}()'\"\\,:#\n \t01789xobeEjJ.-+_=*rRbBuUfFN{}TtrueNonenullInfinityNaNfloat\u{e9}\u{1f600}\u{201c}\u{feff}"
        .chars()
        .collect();
    prop::collection::vec(prop::sample::select(alphabet), 0..120).prop_map(String::from_iter)
}

const SAMPLES: &[&str] = &[
    "CACHES = {\n    # the main cache\n    'default': {\n        'BACKEND': 'django.core.cache.backends.locmem.LocMemCache',\n        'LOCATION': 'unique-snowflake',\n        'TIMEOUT': 300,\n        'OPTIONS': {'MAX_ENTRIES': 1_000, 'CULL_FREQUENCY': 0x3},\n        'KEY_PREFIX': b'x\\x00' b'y',\n        'VERSION': (1, 2,),\n    },\n}\n",
    "{\"a\": [1, -0, 2.5e-3, true, false, null, \"\\ud83d\\ude00\\n\"], \"b\": {\"c\": NaN, \"d\": -Infinity}}",
    "[r'\\d+', '''multi\nline''', \"\\N\", '\\777', float('-inf'), - - 5, .5, 5., (), (1), (1,)]",
];

/// Applies edits to a text: (kind, position, char) with kind 0 delete, 1 insert, 2 replace.
fn mutate(text: &str, edits: &[(u8, usize, char)]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for &(kind, pos, c) in edits {
        let len = chars.len();
        match kind % 3 {
            0 if len > 0 => {
                chars.remove(pos % len);
            }
            1 => chars.insert(pos % (len + 1), c),
            _ if len > 0 => chars[pos % len] = c,
            _ => chars.push(c),
        }
    }
    chars.into_iter().collect()
}

fn edit_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => prop::sample::select("[]{}()'\"\\,:#\n 0x.-+_=*eb".chars().collect::<Vec<_>>()),
        1 => any::<char>(),
    ]
}

proptest! {
    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        parse_checked(&text);
    }

    #[test]
    fn syntax_heavy_strings_never_panic(text in syntax_heavy()) {
        parse_checked(&text);
    }

    #[test]
    fn mutated_samples_never_panic(
        sample in prop::sample::select(SAMPLES),
        edits in prop::collection::vec((0u8..3, any::<usize>(), edit_char()), 1..8),
    ) {
        parse_checked(&mutate(sample, &edits));
    }

    #[test]
    fn mutated_generated_never_panic(
        tree in python_tree(),
        style in style_strategy(),
        edits in prop::collection::vec((0u8..3, any::<usize>(), edit_char()), 1..8),
    ) {
        let text = render_py(&tree, style);
        parse_checked(&mutate(&text, &edits));
    }

    #[test]
    fn python_round_trip(tree in python_tree(), style in style_strategy()) {
        let mut text = render_py(&tree, style);
        if style.assign {
            text = format!("# pasted\nSETTING = {text}  # done\n");
        }
        match parse(&text) {
            Ok(n) => prop_assert!(same(&tree, &n), "{text}\n{tree:?}\n{n:?}"),
            Err(e) => prop_assert!(false, "{text}\n{e}"),
        }
    }

    #[test]
    fn json_round_trip(tree in json_tree(), escape in any::<bool>(), pretty in any::<bool>()) {
        let text = render_json(&tree, escape, pretty);
        match parse(&text) {
            Ok(n) => prop_assert!(same(&tree, &n), "{text}\n{tree:?}\n{n:?}"),
            Err(e) => prop_assert!(false, "{text}\n{e}"),
        }
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    // Run on a deliberately small stack: the parser must not recurse per level.
    let handle = std::thread::Builder::new()
        .stack_size(64 * 1024)
        .spawn(|| {
            for open in ["[", "(", "{'k': ", "{", "-(", "[\n#c\n"] {
                let text = open.repeat(100_000);
                let e = parse(&text).expect_err("deep nesting must fail");
                assert!(
                    e.message.contains("too deeply nested") || e.message.contains("expected"),
                    "{open}: {e}"
                );
            }
            let e = parse(&"[".repeat(100_000)).unwrap_err();
            assert!(e.message.contains("too deeply nested"), "{e}");
            let closed = "[".repeat(100_000) + &"]".repeat(100_000);
            assert!(parse(&closed).is_err());
        })
        .expect("spawn");
    handle.join().expect("parser thread panicked");
}

#[test]
fn large_json_array_parses() {
    let mut text = String::from("[\n");
    let mut i = 0u32;
    while text.len() < 300 * 1024 {
        let _ = writeln!(
            text,
            "  {{\"op\": \"get\", \"key\": \"user:{i}:profile\", \"hit\": {}, \"ts\": {}.{:03}, \"size\": {}, \"tags\": [\"a\", \"\\u00e9\"]}},",
            i.is_multiple_of(3),
            1_700_000_000 + i,
            i % 1000,
            i * 17 % 4096
        );
        i += 1;
    }
    text.push_str("  null\n]\n");
    let start = std::time::Instant::now();
    let n = parse(&text).expect("valid JSON");
    let elapsed = start.elapsed();
    eprintln!("parsed {} bytes in {:?}", text.len(), elapsed);
    let NodeKind::List(items) = n.kind else {
        panic!("not a list")
    };
    assert_eq!(items.len() as u32, i + 1);
    assert_eq!(items.last().map(|n| n.line), Some(i + 2));
}
