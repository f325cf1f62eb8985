//! Golden cases for the `CACHES` reader: for each input, the exact value tree `literal::parse`
//! returns (`Debug`, with lines and columns) or the exact error it reports, and the exact
//! `SettingsError` text of `CacheSettings::parse`. Written from the reader as it was before its
//! size-first rewrite (the sixth round of issue 9), so every accepted form and every message,
//! hint, line and column stays as it was.

use edgecache::literal::parse;
use edgecache::settings::CacheSettings;

fn literal_outcome(text: &str) -> String {
    match parse(text) {
        Ok(node) => format!("{node:?}"),
        Err(error) => error.to_string(),
    }
}

fn settings_outcome(text: &str) -> String {
    match CacheSettings::parse(text) {
        Ok(settings) => format!(
            "ok: {:?}",
            settings
                .caches
                .iter()
                .map(|c| c.alias.as_str())
                .collect::<Vec<_>>()
        ),
        Err(error) => error.to_string(),
    }
}

/// Every case whose outcome differs from the one written down, all listed in one failure.
fn assert_all_as_before(cases: &[(&str, &str)], outcome: fn(&str) -> String) {
    let wrong: Vec<String> = cases
        .iter()
        .filter_map(|(text, expected)| {
            let got = outcome(text);
            (got != *expected)
                .then(|| format!("{text:?}\n  expected {expected:?}\n  got      {got:?}"))
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{} cases differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn every_literal_case_reads_or_fails_exactly_as_before() {
    assert_all_as_before(LITERALS, literal_outcome);
}

#[test]
fn every_settings_case_reads_or_fails_exactly_as_before() {
    assert_all_as_before(SETTINGS, settings_outcome);
}

const LITERALS: &[(&str, &str)] = &[
    ("1", "Node { kind: Int(1), line: 1, col: 1 }"),
    ("-1", "Node { kind: Int(-1), line: 1, col: 1 }"),
    ("+-+3", "Node { kind: Int(-3), line: 1, col: 1 }"),
    ("--5", "Node { kind: Int(5), line: 1, col: 1 }"),
    ("- 1.5", "Node { kind: Float(-1.5), line: 1, col: 1 }"),
    (
        "-float('inf')",
        "Node { kind: Float(-inf), line: 1, col: 1 }",
    ),
    ("-Infinity", "Node { kind: Float(-inf), line: 1, col: 1 }"),
    ("-NaN", "Node { kind: Float(NaN), line: 1, col: 1 }"),
    (
        "- x",
        "line 1, column 3: `- x` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "-'a'",
        "line 1, column 2: expected a number after the sign, found `'a'`",
    ),
    (
        "- (",
        "line 1, column 3: expected a number after the sign, found `(`",
    ),
    ("0x1F", "Node { kind: Int(31), line: 1, col: 1 }"),
    ("0o17", "Node { kind: Int(15), line: 1, col: 1 }"),
    ("0b101", "Node { kind: Int(5), line: 1, col: 1 }"),
    ("0x_1f", "Node { kind: Int(31), line: 1, col: 1 }"),
    (
        "0x",
        "line 1, column 1: invalid number: digits are missing after the base prefix",
    ),
    ("0x1g", "line 1, column 1: invalid number `0x1g`"),
    ("0b12", "line 1, column 1: invalid number `0b12`"),
    ("1_000", "Node { kind: Int(1000), line: 1, col: 1 }"),
    (
        "1__0",
        "line 1, column 2: misplaced `_` in a number: underscores may only separate digits, as in 1_000",
    ),
    (
        "1_",
        "line 1, column 2: misplaced `_` in a number: underscores may only separate digits, as in 1_000",
    ),
    (
        "1._5",
        "line 1, column 3: misplaced `_` in a number: underscores may only separate digits, as in 1_000",
    ),
    (
        "1.5_",
        "line 1, column 4: misplaced `_` in a number: underscores may only separate digits, as in 1_000",
    ),
    (".5", "Node { kind: Float(0.5), line: 1, col: 1 }"),
    ("5.", "Node { kind: Float(5.0), line: 1, col: 1 }"),
    ("1e5", "Node { kind: Float(100000.0), line: 1, col: 1 }"),
    ("1E-3", "Node { kind: Float(0.001), line: 1, col: 1 }"),
    ("1e+2", "Node { kind: Float(100.0), line: 1, col: 1 }"),
    ("1.5e3", "Node { kind: Float(1500.0), line: 1, col: 1 }"),
    ("1e", "line 1, column 1: invalid number `1e`"),
    ("1ea", "line 1, column 1: invalid number `1ea`"),
    ("12abc", "line 1, column 1: invalid number `12abc`"),
    (
        "1j",
        "line 1, column 1: complex numbers (like 1j) are not supported",
    ),
    (
        "2J",
        "line 1, column 1: complex numbers (like 1j) are not supported",
    ),
    (
        "007",
        "line 1, column 1: leading zeros are not allowed in integers like `007`; write 7, or 0o7 for an octal number",
    ),
    ("00", "Node { kind: Int(0), line: 1, col: 1 }"),
    ("0_0", "Node { kind: Int(0), line: 1, col: 1 }"),
    ("010.5", "Node { kind: Float(10.5), line: 1, col: 1 }"),
    ("1e400", "Node { kind: Float(inf), line: 1, col: 1 }"),
    (
        "340282366920938463463374607431768211455",
        "line 1, column 1: integer too large: it must fit in 128 bits (between -2**127 and 2**127 - 1)",
    ),
    (
        "170141183460469231731687303715884105728",
        "line 1, column 1: integer too large: it must fit in 128 bits (between -2**127 and 2**127 - 1)",
    ),
    (
        "-170141183460469231731687303715884105728",
        "Node { kind: Int(-170141183460469231731687303715884105728), line: 1, col: 1 }",
    ),
    (
        "-170141183460469231731687303715884105729",
        "line 1, column 1: integer too large: it must fit in 128 bits (between -2**127 and 2**127 - 1)",
    ),
    (
        "0xffffffffffffffffffffffffffffffffff",
        "line 1, column 1: integer too large: it must fit in 128 bits (between -2**127 and 2**127 - 1)",
    ),
    ("'abc'", "Node { kind: Str(\"abc\"), line: 1, col: 1 }"),
    ("\"abc\"", "Node { kind: Str(\"abc\"), line: 1, col: 1 }"),
    (
        "'''a",
        "line 1, column 1: unterminated string: the closing `'''` is missing",
    ),
    (
        "b'''",
        "line 1, column 1: unterminated string: the closing `'''` is missing",
    ),
    (
        "\"\"\"x\"\"\"",
        "Node { kind: Str(\"x\"), line: 1, col: 1 }",
    ),
    (
        "'a' \"b\" 'c'",
        "Node { kind: Str(\"abc\"), line: 1, col: 1 }",
    ),
    (
        "b'x' b'y'",
        "Node { kind: Bytes([120, 121]), line: 1, col: 1 }",
    ),
    (
        "b'x' 'y'",
        "line 1, column 6: cannot join a bytes literal (b'...') and a text string written next to each other; make them the same kind",
    ),
    (
        "'x' b'y'",
        "line 1, column 5: cannot join a bytes literal (b'...') and a text string written next to each other; make them the same kind",
    ),
    (
        "'abc",
        "line 1, column 1: unterminated string: the closing `'` is missing",
    ),
    (
        "\"abc",
        "line 1, column 1: unterminated string: the closing `\"` is missing",
    ),
    (
        "'''abc",
        "line 1, column 1: unterminated string: the closing `'''` is missing",
    ),
    (
        "\"\"\"abc",
        "line 1, column 1: unterminated string: the closing `\"\"\"` is missing",
    ),
    (
        "'a\\",
        "line 1, column 3: unterminated string: the closing `'` is missing",
    ),
    (
        "b'",
        "line 1, column 1: unterminated string: the closing `'` is missing",
    ),
    (
        "'\\n\\t\\r\\a\\b\\f\\v\\\\\\'\\\"\\/'",
        "Node { kind: Str(\"\\n\\t\\r\\u{7}\\u{8}\\u{c}\\u{b}\\\\'\\\"/\"), line: 1, col: 1 }",
    ),
    ("b'\\/'", "Node { kind: Bytes([92, 47]), line: 1, col: 1 }"),
    (
        "'\\x41\\x4'",
        "line 1, column 6: invalid \\x escape: it needs exactly two hex digits, like \\x41",
    ),
    (
        "'\\x'",
        "line 1, column 2: invalid \\x escape: it needs exactly two hex digits, like \\x41",
    ),
    (
        "'\\101\\0\\777'",
        "Node { kind: Str(\"A\\0ǿ\"), line: 1, col: 1 }",
    ),
    (
        "b'\\777'",
        "line 1, column 3: octal escape \\777 is too large for a byte (the largest is \\377)",
    ),
    ("b'\\377'", "Node { kind: Bytes([255]), line: 1, col: 1 }"),
    (
        "'\\u00e9\\U0001F600'",
        "Node { kind: Str(\"é😀\"), line: 1, col: 1 }",
    ),
    (
        "'\\u00e'",
        "line 1, column 2: invalid \\u escape: it needs exactly 4 hex digits",
    ),
    (
        "'\\U0001F60'",
        "line 1, column 2: invalid \\U escape: it needs exactly 8 hex digits",
    ),
    (
        "'\\U00110000'",
        "line 1, column 2: \\U00110000 is not a valid Unicode character (the largest is \\U0010ffff)",
    ),
    (
        "'\\ud83d\\ude00'",
        "Node { kind: Str(\"😀\"), line: 1, col: 1 }",
    ),
    (
        "'\\ud83d'",
        "line 1, column 2: \\ud83d is half of a UTF-16 surrogate pair without its other half; it cannot be represented in text",
    ),
    (
        "'\\ud83dx'",
        "line 1, column 2: \\ud83d is half of a UTF-16 surrogate pair without its other half; it cannot be represented in text",
    ),
    (
        "'\\ud83d\\u0041'",
        "line 1, column 2: \\ud83d is half of a UTF-16 surrogate pair without its other half; it cannot be represented in text",
    ),
    (
        "'\\ude00'",
        "line 1, column 2: \\ude00 is half of a UTF-16 surrogate pair without its other half; it cannot be represented in text",
    ),
    (
        "'\\N{DASH}'",
        "line 1, column 2: named unicode escapes are not supported; write the character itself or use a \\u escape",
    ),
    (
        "b'\\N{DASH}'",
        "Node { kind: Bytes([92, 78, 123, 68, 65, 83, 72, 125]), line: 1, col: 1 }",
    ),
    ("'\\q'", "Node { kind: Str(\"\\\\q\"), line: 1, col: 1 }"),
    (
        "r'\\n\\''",
        "Node { kind: Str(\"\\\\n\\\\'\"), line: 1, col: 1 }",
    ),
    (
        "rb'\\x'",
        "Node { kind: Bytes([92, 120]), line: 1, col: 1 }",
    ),
    ("BR'a'", "Node { kind: Bytes([97]), line: 1, col: 1 }"),
    ("u'x'", "Node { kind: Str(\"x\"), line: 1, col: 1 }"),
    (
        "b'é'",
        "line 1, column 3: bytes literals can only contain ASCII characters, found `é`; write other bytes as \\x escapes",
    ),
    (
        "b'\\u0041'",
        "Node { kind: Bytes([92, 117, 48, 48, 52, 49]), line: 1, col: 1 }",
    ),
    (
        "f'x{y}'",
        "line 1, column 1: `f'x{y}'` is Python code, not a literal value (f-strings are filled in when settings.py runs); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "rf'x'",
        "line 1, column 1: `rf'x'` is Python code, not a literal value (f-strings are filled in when settings.py runs); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "t'x'",
        "line 1, column 1: `t'x'` is Python code, not a literal value (f-strings are filled in when settings.py runs); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "\tb'",
        "line 1, column 2: unterminated string: the closing `'` is missing",
    ),
    (
        "'line",
        "line 1, column 1: unterminated string: the closing `'` is missing",
    ),
    (
        "next'",
        "line 1, column 1: `next'` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "'a",
        "line 1, column 1: unterminated string: the closing `'` is missing",
    ),
    (
        "'",
        "line 1, column 1: unterminated string: the closing `'` is missing",
    ),
    ("True", "Node { kind: Bool(true), line: 1, col: 1 }"),
    ("true", "Node { kind: Bool(true), line: 1, col: 1 }"),
    ("False", "Node { kind: Bool(false), line: 1, col: 1 }"),
    ("false", "Node { kind: Bool(false), line: 1, col: 1 }"),
    ("None", "Node { kind: None, line: 1, col: 1 }"),
    ("null", "Node { kind: None, line: 1, col: 1 }"),
    ("Infinity", "Node { kind: Float(inf), line: 1, col: 1 }"),
    ("NaN", "Node { kind: Float(NaN), line: 1, col: 1 }"),
    (
        "TRUE",
        "line 1, column 1: `TRUE` is Python code, not a literal value (did you mean `True`?); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "nil",
        "line 1, column 1: `nil` is Python code, not a literal value (did you mean `None`?); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "NULL",
        "line 1, column 1: `NULL` is Python code, not a literal value (did you mean `None`?); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "Nil",
        "line 1, column 1: `Nil` is Python code, not a literal value (did you mean `None`?); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "NONE",
        "line 1, column 1: `NONE` is Python code, not a literal value (did you mean `None`?); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "FALSE",
        "line 1, column 1: `FALSE` is Python code, not a literal value (did you mean `False`?); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "BASE_DIR",
        "line 1, column 1: `BASE_DIR` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "os.environ.get('X')",
        "line 1, column 1: `os.environ.get('X')` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    ("float('inf')", "Node { kind: Float(inf), line: 1, col: 1 }"),
    (
        "float(\"-inf\")",
        "Node { kind: Float(-inf), line: 1, col: 1 }",
    ),
    ("float('nan')", "Node { kind: Float(NaN), line: 1, col: 1 }"),
    (
        "float(' 1_000.5 ')",
        "Node { kind: Float(1000.5), line: 1, col: 1 }",
    ),
    (
        "float('1__0')",
        "line 1, column 7: float() can only be given a number, 'inf' or 'nan' here, found `'1__0'`",
    ),
    (
        "float('x')",
        "line 1, column 7: float() can only be given a number, 'inf' or 'nan' here, found `'x'`",
    ),
    (
        "float(1)",
        "line 1, column 1: `float(1)` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "float",
        "line 1, column 1: `float` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "float(",
        "line 1, column 1: `float(` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "float('1'",
        "line 1, column 10: expected `)`, found end of input: the `(` at line 1, column 6 is never closed",
    ),
    ("float('1',)", "Node { kind: Float(1.0), line: 1, col: 1 }"),
    (
        "float('1', 2)",
        "line 1, column 1: `float('1', 2)` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "float('1' 2)",
        "line 1, column 1: `float('1' 2)` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "[1, 2, 3]",
        "Node { kind: List([Node { kind: Int(1), line: 1, col: 2 }, Node { kind: Int(2), line: 1, col: 5 }, Node { kind: Int(3), line: 1, col: 8 }]), line: 1, col: 1 }",
    ),
    (
        "[1, 2,]",
        "Node { kind: List([Node { kind: Int(1), line: 1, col: 2 }, Node { kind: Int(2), line: 1, col: 5 }]), line: 1, col: 1 }",
    ),
    ("[,]", "line 1, column 2: expected a value, found `,`"),
    (
        "[1 2]",
        "line 1, column 4: expected `,` or `]` after the list item, found `2` (missing comma?)",
    ),
    ("[1,, 2]", "line 1, column 4: expected a value, found `,`"),
    (
        "[1 : 2]",
        "line 1, column 4: expected `,` or `]` after the list item, found `:`",
    ),
    (
        "[1",
        "line 1, column 3: expected `,` or `]` after the list item, found end of input: the `[` at line 1, column 1 is never closed",
    ),
    (
        "[",
        "line 1, column 2: expected a value, found end of input: the `[` at line 1, column 1 is never closed",
    ),
    (
        "]",
        "line 1, column 1: unexpected `]`: there is no open bracket to close",
    ),
    (
        ")",
        "line 1, column 1: unexpected `)`: there is no open bracket to close",
    ),
    (
        "}",
        "line 1, column 1: unexpected `}`: there is no open bracket to close",
    ),
    (
        "[1)",
        "line 1, column 3: `)` does not match the `[` at line 1, column 1 (expected `]`)",
    ),
    (
        "(1]",
        "line 1, column 3: `]` does not match the `(` at line 1, column 1 (expected `)`)",
    ),
    (
        "{1: 2]",
        "line 1, column 6: `]` does not match the `{` at line 1, column 1 (expected `}`)",
    ),
    ("(1)", "Node { kind: Int(1), line: 1, col: 2 }"),
    (
        "(1,)",
        "Node { kind: Tuple([Node { kind: Int(1), line: 1, col: 2 }]), line: 1, col: 1 }",
    ),
    ("()", "Node { kind: Tuple([]), line: 1, col: 1 }"),
    (
        "(1, 2)",
        "Node { kind: Tuple([Node { kind: Int(1), line: 1, col: 2 }, Node { kind: Int(2), line: 1, col: 5 }]), line: 1, col: 1 }",
    ),
    (
        "(1 2)",
        "line 1, column 4: expected `,` or `)` after the item, found `2` (missing comma?)",
    ),
    (
        "(1",
        "line 1, column 3: expected `,` or `)` after the item, found end of input: the `(` at line 1, column 1 is never closed",
    ),
    ("{}", "Node { kind: Dict([]), line: 1, col: 1 }"),
    (
        "{'a': 1}",
        "Node { kind: Dict([(Node { kind: Str(\"a\"), line: 1, col: 2 }, Node { kind: Int(1), line: 1, col: 7 })]), line: 1, col: 1 }",
    ),
    (
        "{'a': 1,}",
        "Node { kind: Dict([(Node { kind: Str(\"a\"), line: 1, col: 2 }, Node { kind: Int(1), line: 1, col: 7 })]), line: 1, col: 1 }",
    ),
    (
        "{'a' 1}",
        "line 1, column 6: missing `:` after the dictionary key, found `1`",
    ),
    (
        "{'a': 1 'b': 2}",
        "line 1, column 9: expected `,` or `}` after the dictionary value, found `'b'` (missing comma?)",
    ),
    (
        "{'a'}",
        "line 1, column 5: missing `:` after the dictionary key, found `}` (sets like {1, 2} are not supported; use a list)",
    ),
    (
        "{'a', 'b'}",
        "line 1, column 5: missing `:` after the dictionary key, found `,` (sets like {1, 2} are not supported; use a list)",
    ),
    (
        "{1, 2}",
        "line 1, column 3: missing `:` after the dictionary key, found `,` (sets like {1, 2} are not supported; use a list)",
    ),
    (
        "{'a': 1, 'b'}",
        "line 1, column 13: missing `:` after the dictionary key, found `}`",
    ),
    (
        "{'a': 1, 'b', 'c'}",
        "line 1, column 13: missing `:` after the dictionary key, found `,`",
    ),
    (
        "{'a' = 1}",
        "line 1, column 6: missing `:` after the dictionary key, found `=` (write dictionary entries as `key: value`)",
    ),
    ("{'a': }", "line 1, column 7: expected a value, found `}`"),
    (
        "{'a':",
        "line 1, column 6: expected a value, found end of input: the `{` at line 1, column 1 is never closed",
    ),
    (
        "{'a'",
        "line 1, column 5: expected `:` after the dictionary key, found end of input: the `{` at line 1, column 1 is never closed",
    ),
    (
        "{",
        "line 1, column 2: expected a value, found end of input: the `{` at line 1, column 1 is never closed",
    ),
    (
        "{'a': 1",
        "line 1, column 8: expected `,` or `}` after the dictionary value, found end of input: the `{` at line 1, column 1 is never closed",
    ),
    (
        "{'a': 1]",
        "line 1, column 8: `]` does not match the `{` at line 1, column 1 (expected `}`)",
    ),
    ("{: 1}", "line 1, column 2: expected a value, found `:`"),
    (
        "{'a': 1, : 2}",
        "line 1, column 10: expected a value, found `:`",
    ),
    (
        "[1, 2] [3]",
        "line 1, column 8: expected end of input after the value, found `[` (only one value can be read at a time)",
    ),
    (
        "1 2",
        "line 1, column 3: expected end of input after the value, found `2` (only one value can be read at a time)",
    ),
    (
        "1,2",
        "line 1, column 2: expected end of input after the value, found `,` (to write a tuple, wrap it in parentheses)",
    ),
    (
        "1:2",
        "line 1, column 2: expected end of input after the value, found `:`",
    ),
    (
        "1 + 2",
        "line 1, column 3: `1 + 2` is Python code, not a literal value (it uses the `+` operator); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "1 if x else 2",
        "line 1, column 3: `1 if x else 2` is Python code, not a literal value (it uses `if`); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "[1 and 2]",
        "line 1, column 4: `1 and 2` is Python code, not a literal value (it uses `and`); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "{'a': 1 or 2}",
        "line 1, column 9: `1 or 2` is Python code, not a literal value (it uses `or`); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    ("x = 1", "Node { kind: Int(1), line: 1, col: 5 }"),
    (
        "CACHES = {'default': 1}",
        "Node { kind: Dict([(Node { kind: Str(\"default\"), line: 1, col: 11 }, Node { kind: Int(1), line: 1, col: 22 })]), line: 1, col: 10 }",
    ),
    (
        "CACHES = ",
        "line 1, column 10: expected a value, found end of input",
    ),
    (
        "X = = 1",
        "line 1, column 5: `= 1` is Python code, not a literal value (it uses the `=` operator); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "1 not in y",
        "line 1, column 3: `1 not in y` is Python code, not a literal value (it uses `not`); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "{'a': f(1)}",
        "line 1, column 7: `f(1)` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "(2)}",
        "line 1, column 4: unexpected `}`: there is no open bracket to close",
    ),
    (
        "print(1)",
        "line 1, column 1: `print(1)` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "1 == 2",
        "line 1, column 3: `1 == 2` is Python code, not a literal value (it uses the `==` operator); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "1 ** 2",
        "line 1, column 3: `1 ** 2` is Python code, not a literal value (it uses the `**` operator); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "1 // 2",
        "line 1, column 3: `1 // 2` is Python code, not a literal value (it uses the `//` operator); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "1 != 2",
        "line 1, column 3: `1 != 2` is Python code, not a literal value (it uses the `!=` operator); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "1 <= 2",
        "line 1, column 3: `1 <= 2` is Python code, not a literal value (it uses the `<=` operator); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "1 >> 2",
        "line 1, column 3: `1 >> 2` is Python code, not a literal value (it uses the `>>` operator); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "1 << 2",
        "line 1, column 3: `1 << 2` is Python code, not a literal value (it uses the `<<` operator); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "1 >= 2",
        "line 1, column 3: `1 >= 2` is Python code, not a literal value (it uses the `>=` operator); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "1 % 2",
        "line 1, column 3: `1 % 2` is Python code, not a literal value (it uses the `%` operator); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "1 @ 2",
        "line 1, column 3: `1 @ 2` is Python code, not a literal value (it uses the `@` operator); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "1 & 2",
        "line 1, column 3: `1 & 2` is Python code, not a literal value (it uses the `&` operator); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "1 | 2",
        "line 1, column 3: `1 | 2` is Python code, not a literal value (it uses the `|` operator); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "1 ^ 2",
        "line 1, column 3: `1 ^ 2` is Python code, not a literal value (it uses the `^` operator); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "~1",
        "line 1, column 1: `~1` is Python code, not a literal value (it uses the `~` operator); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "[.5]",
        "Node { kind: List([Node { kind: Float(0.5), line: 1, col: 2 }]), line: 1, col: 1 }",
    ),
    ("!", "line 1, column 1: unexpected character `!`"),
    ("$", "line 1, column 1: unexpected character `$`"),
    ("?", "line 1, column 1: unexpected character `?`"),
    ("`", "line 1, column 1: unexpected character ```"),
    (
        "\\",
        "line 1, column 1: unexpected character `\\`: backslashes are only allowed inside strings",
    ),
    ("é", "line 1, column 1: unexpected character `é` (U+00E9)"),
    ("€", "line 1, column 1: unexpected character `€` (U+20AC)"),
    (
        "😀",
        "line 1, column 1: unexpected character `😀` (U+1F600)",
    ),
    (
        "“x”",
        "line 1, column 1: unexpected character `“`: this is a typographic (curly) quote; use a straight quote ' or \" instead",
    ),
    (
        "‘x’",
        "line 1, column 1: unexpected character `‘`: this is a typographic (curly) quote; use a straight quote ' or \" instead",
    ),
    (
        "«x»",
        "line 1, column 1: unexpected character `«`: this is a typographic (curly) quote; use a straight quote ' or \" instead",
    ),
    (
        "\t",
        "line 1, column 2: expected a value, found end of input",
    ),
    (
        "   ",
        "line 1, column 4: expected a value, found end of input",
    ),
    (
        "# only a comment",
        "line 1, column 17: expected a value, found end of input",
    ),
    ("1 # c", "Node { kind: Int(1), line: 1, col: 1 }"),
    (
        "[1, # c",
        "line 1, column 8: expected a value, found end of input: the `[` at line 1, column 1 is never closed",
    ),
    (
        " 2]",
        "line 1, column 3: unexpected `]`: there is no open bracket to close",
    ),
    ("(((((1)))))", "Node { kind: Int(1), line: 1, col: 6 }"),
    (
        "[[[[]]]]",
        "Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([]), line: 1, col: 4 }]), line: 1, col: 3 }]), line: 1, col: 2 }]), line: 1, col: 1 }",
    ),
    (
        "'{\"a\": [1, 2.5, true, false, null, \"x\\u00e9\"]}'",
        "Node { kind: Str(\"{\\\"a\\\": [1, 2.5, true, false, null, \\\"xé\\\"]}\"), line: 1, col: 1 }",
    ),
    (
        "{\"a\": [1, 2.5e-3, true, false, null, \"x\\u00e9\", -0, -0.0, Infinity, -Infinity, NaN]}",
        "Node { kind: Dict([(Node { kind: Str(\"a\"), line: 1, col: 2 }, Node { kind: List([Node { kind: Int(1), line: 1, col: 8 }, Node { kind: Float(0.0025), line: 1, col: 11 }, Node { kind: Bool(true), line: 1, col: 19 }, Node { kind: Bool(false), line: 1, col: 25 }, Node { kind: None, line: 1, col: 32 }, Node { kind: Str(\"xé\"), line: 1, col: 38 }, Node { kind: Int(0), line: 1, col: 49 }, Node { kind: Float(-0.0), line: 1, col: 53 }, Node { kind: Float(inf), line: 1, col: 59 }, Node { kind: Float(-inf), line: 1, col: 69 }, Node { kind: Float(NaN), line: 1, col: 80 }]), line: 1, col: 7 })]), line: 1, col: 1 }",
    ),
    ("\u{feff}1", "Node { kind: Int(1), line: 1, col: 1 }"),
    (
        "[1, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb]",
        "line 1, column 70: expected `,` or `]` after the list item, found `bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb…` (missing comma?)",
    ),
    (
        "{'x': os.path.join(BASE_DIR,   'cache',",
        "line 1, column 7: `os.path.join(BASE_DIR, 'cache',` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "   'dir')}",
        "line 1, column 9: unexpected `)`: there is no open bracket to close",
    ),
    (
        "{'a': 1, 'b': lambda x: x}",
        "line 1, column 15: `lambda x` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "{'a': 1, 'b': [x for x in y]}",
        "line 1, column 16: `x for x in y` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "{'a': await x}",
        "line 1, column 7: `await x` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "async",
        "line 1, column 1: `async` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "not x",
        "line 1, column 1: `not x` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "x.y",
        "line 1, column 1: `x.y` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "x[0]",
        "line 1, column 1: `x[0]` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    ("0.", "Node { kind: Float(0.0), line: 1, col: 1 }"),
    ("0e0", "Node { kind: Float(0.0), line: 1, col: 1 }"),
    ("0.0e-0", "Node { kind: Float(0.0), line: 1, col: 1 }"),
    (
        "1_0.0_1e1_0",
        "Node { kind: Float(100100000000.0), line: 1, col: 1 }",
    ),
    (
        "1e1_",
        "line 1, column 4: misplaced `_` in a number: underscores may only separate digits, as in 1_000",
    ),
    ("-0", "Node { kind: Int(0), line: 1, col: 1 }"),
    ("-0.0", "Node { kind: Float(-0.0), line: 1, col: 1 }"),
    ("-0x10", "Node { kind: Int(-16), line: 1, col: 1 }"),
    ("+0o7", "Node { kind: Int(7), line: 1, col: 1 }"),
    (
        "1.7976931348623157e308",
        "Node { kind: Float(1.7976931348623157e308), line: 1, col: 1 }",
    ),
    ("4.9e-324", "Node { kind: Float(5e-324), line: 1, col: 1 }"),
    (
        "123456789012345678901234567890.5",
        "Node { kind: Float(1.2345678901234568e29), line: 1, col: 1 }",
    ),
    ("1e-400", "Node { kind: Float(0.0), line: 1, col: 1 }"),
    (
        "[1, 2",
        "line 1, column 6: expected `,` or `]` after the list item, found end of input: the `[` at line 1, column 1 is never closed",
    ),
    (
        "{'a':1,'b':[1,(2,3),{'c':None}]}",
        "Node { kind: Dict([(Node { kind: Str(\"a\"), line: 1, col: 2 }, Node { kind: Int(1), line: 1, col: 6 }), (Node { kind: Str(\"b\"), line: 1, col: 8 }, Node { kind: List([Node { kind: Int(1), line: 1, col: 13 }, Node { kind: Tuple([Node { kind: Int(2), line: 1, col: 16 }, Node { kind: Int(3), line: 1, col: 18 }]), line: 1, col: 15 }, Node { kind: Dict([(Node { kind: Str(\"c\"), line: 1, col: 22 }, Node { kind: None, line: 1, col: 26 })]), line: 1, col: 21 }]), line: 1, col: 12 })]), line: 1, col: 1 }",
    ),
    (
        "\"\\u00\"",
        "line 1, column 2: invalid \\u escape: it needs exactly 4 hex digits",
    ),
    (
        "'\\x4g'",
        "line 1, column 2: invalid \\x escape: it needs exactly two hex digits, like \\x41",
    ),
    (
        "'x' 'y",
        "line 1, column 5: unterminated string: the closing `'` is missing",
    ),
    (
        "'\\",
        "line 1, column 2: unterminated string: the closing `'` is missing",
    ),
    (
        "'''a''''",
        "line 1, column 8: unterminated string: the closing `'` is missing",
    ),
    ("'a''b'", "Node { kind: Str(\"ab\"), line: 1, col: 1 }"),
    ("''", "Node { kind: Str(\"\"), line: 1, col: 1 }"),
    ("\"\"", "Node { kind: Str(\"\"), line: 1, col: 1 }"),
    ("''''''", "Node { kind: Str(\"\"), line: 1, col: 1 }"),
    ("b''", "Node { kind: Bytes([]), line: 1, col: 1 }"),
    ("r''", "Node { kind: Str(\"\"), line: 1, col: 1 }"),
    ("'\\r'", "Node { kind: Str(\"\\r\"), line: 1, col: 1 }"),
    ("", "line 1, column 1: expected a value, found end of input"),
    (
        "\n",
        "line 2, column 1: expected a value, found end of input",
    ),
    (
        "'''a\nb'''",
        "Node { kind: Str(\"a\\nb\"), line: 1, col: 1 }",
    ),
    ("'a\\\nb'", "Node { kind: Str(\"ab\"), line: 1, col: 1 }"),
    (
        "'line\nnext'",
        "line 1, column 1: unterminated string: a string in ' quotes must end on the line it starts (use triple quotes ''' for text spanning lines)",
    ),
    (
        "'a\r\nb'",
        "line 1, column 1: unterminated string: a string in ' quotes must end on the line it starts (use triple quotes ''' for text spanning lines)",
    ),
    (
        "'''a\r\nb'''",
        "Node { kind: Str(\"a\\nb\"), line: 1, col: 1 }",
    ),
    (
        "[1, 2\n]",
        "Node { kind: List([Node { kind: Int(1), line: 1, col: 2 }, Node { kind: Int(2), line: 1, col: 5 }]), line: 1, col: 1 }",
    ),
    (
        "{'a': 1\n(2)}",
        "line 2, column 1: expected `,` or `}` after the dictionary value, found `(` (missing comma?)",
    ),
    ("\\\n1", "Node { kind: Int(1), line: 2, col: 1 }"),
    ("\\\r\n1", "Node { kind: Int(1), line: 2, col: 1 }"),
    (
        "[1, # c\n 2]",
        "Node { kind: List([Node { kind: Int(1), line: 1, col: 2 }, Node { kind: Int(2), line: 2, col: 2 }]), line: 1, col: 1 }",
    ),
    (
        "{'x': os.path.join(BASE_DIR,   'cache',\n   'dir')}",
        "line 1, column 7: `os.path.join(BASE_DIR, 'cache', 'dir')` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "1\n2",
        "line 2, column 1: expected end of input after the value, found `2` (only one value can be read at a time)",
    ),
    ("x = 1\n", "Node { kind: Int(1), line: 1, col: 5 }"),
    ("'\\\r\nb'", "Node { kind: Str(\"b\"), line: 1, col: 1 }"),
    (
        "'a\rb'",
        "line 1, column 1: unterminated string: a string in ' quotes must end on the line it starts (use triple quotes ''' for text spanning lines)",
    ),
    (
        "b'a\rb'",
        "line 1, column 1: unterminated string: a string in ' quotes must end on the line it starts (use triple quotes ''' for text spanning lines)",
    ),
    (
        "r'\\\nx'",
        "Node { kind: Str(\"\\\\\\nx\"), line: 1, col: 1 }",
    ),
    (
        "'\\\\",
        "line 1, column 1: unterminated string: the closing `'` is missing",
    ),
    (
        "r'\\",
        "line 1, column 3: unterminated string: the closing `'` is missing",
    ),
    (
        "[\n\n  @",
        "line 3, column 3: `@` is Python code, not a literal value (it uses the `@` operator); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "{\n 'a': 1\n 'b': 2}",
        "line 3, column 2: expected `,` or `}` after the dictionary value, found `'b'` (missing comma?)",
    ),
    (
        "é = 1",
        "line 1, column 1: unexpected character `é` (U+00E9)",
    ),
    (
        "\t\u{a0}\u{2003} 1 \u{3000}",
        "Node { kind: Int(1), line: 1, col: 5 }",
    ),
    (
        "1\u{a0}x",
        "line 1, column 3: expected end of input after the value, found `x` (only one value can be read at a time)",
    ),
    ("'\0'", "Node { kind: Str(\"\\0\"), line: 1, col: 1 }"),
    ("\u{1}", "line 1, column 1: unexpected character U+0001"),
    ("\u{7f}", "line 1, column 1: unexpected character U+007F"),
    (
        "\u{85}",
        "line 1, column 2: expected a value, found end of input",
    ),
    (
        "\u{200b}",
        "line 1, column 1: unexpected character `\u{200b}` (U+200B)",
    ),
    (
        "((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((()))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))",
        "line 1, column 129: too deeply nested: more than 128 levels of brackets",
    ),
    (
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        "Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([Node { kind: List([]), line: 1, col: 128 }]), line: 1, col: 127 }]), line: 1, col: 126 }]), line: 1, col: 125 }]), line: 1, col: 124 }]), line: 1, col: 123 }]), line: 1, col: 122 }]), line: 1, col: 121 }]), line: 1, col: 120 }]), line: 1, col: 119 }]), line: 1, col: 118 }]), line: 1, col: 117 }]), line: 1, col: 116 }]), line: 1, col: 115 }]), line: 1, col: 114 }]), line: 1, col: 113 }]), line: 1, col: 112 }]), line: 1, col: 111 }]), line: 1, col: 110 }]), line: 1, col: 109 }]), line: 1, col: 108 }]), line: 1, col: 107 }]), line: 1, col: 106 }]), line: 1, col: 105 }]), line: 1, col: 104 }]), line: 1, col: 103 }]), line: 1, col: 102 }]), line: 1, col: 101 }]), line: 1, col: 100 }]), line: 1, col: 99 }]), line: 1, col: 98 }]), line: 1, col: 97 }]), line: 1, col: 96 }]), line: 1, col: 95 }]), line: 1, col: 94 }]), line: 1, col: 93 }]), line: 1, col: 92 }]), line: 1, col: 91 }]), line: 1, col: 90 }]), line: 1, col: 89 }]), line: 1, col: 88 }]), line: 1, col: 87 }]), line: 1, col: 86 }]), line: 1, col: 85 }]), line: 1, col: 84 }]), line: 1, col: 83 }]), line: 1, col: 82 }]), line: 1, col: 81 }]), line: 1, col: 80 }]), line: 1, col: 79 }]), line: 1, col: 78 }]), line: 1, col: 77 }]), line: 1, col: 76 }]), line: 1, col: 75 }]), line: 1, col: 74 }]), line: 1, col: 73 }]), line: 1, col: 72 }]), line: 1, col: 71 }]), line: 1, col: 70 }]), line: 1, col: 69 }]), line: 1, col: 68 }]), line: 1, col: 67 }]), line: 1, col: 66 }]), line: 1, col: 65 }]), line: 1, col: 64 }]), line: 1, col: 63 }]), line: 1, col: 62 }]), line: 1, col: 61 }]), line: 1, col: 60 }]), line: 1, col: 59 }]), line: 1, col: 58 }]), line: 1, col: 57 }]), line: 1, col: 56 }]), line: 1, col: 55 }]), line: 1, col: 54 }]), line: 1, col: 53 }]), line: 1, col: 52 }]), line: 1, col: 51 }]), line: 1, col: 50 }]), line: 1, col: 49 }]), line: 1, col: 48 }]), line: 1, col: 47 }]), line: 1, col: 46 }]), line: 1, col: 45 }]), line: 1, col: 44 }]), line: 1, col: 43 }]), line: 1, col: 42 }]), line: 1, col: 41 }]), line: 1, col: 40 }]), line: 1, col: 39 }]), line: 1, col: 38 }]), line: 1, col: 37 }]), line: 1, col: 36 }]), line: 1, col: 35 }]), line: 1, col: 34 }]), line: 1, col: 33 }]), line: 1, col: 32 }]), line: 1, col: 31 }]), line: 1, col: 30 }]), line: 1, col: 29 }]), line: 1, col: 28 }]), line: 1, col: 27 }]), line: 1, col: 26 }]), line: 1, col: 25 }]), line: 1, col: 24 }]), line: 1, col: 23 }]), line: 1, col: 22 }]), line: 1, col: 21 }]), line: 1, col: 20 }]), line: 1, col: 19 }]), line: 1, col: 18 }]), line: 1, col: 17 }]), line: 1, col: 16 }]), line: 1, col: 15 }]), line: 1, col: 14 }]), line: 1, col: 13 }]), line: 1, col: 12 }]), line: 1, col: 11 }]), line: 1, col: 10 }]), line: 1, col: 9 }]), line: 1, col: 8 }]), line: 1, col: 7 }]), line: 1, col: 6 }]), line: 1, col: 5 }]), line: 1, col: 4 }]), line: 1, col: 3 }]), line: 1, col: 2 }]), line: 1, col: 1 }",
    ),
    (
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
        "line 1, column 129: too deeply nested: more than 128 levels of brackets",
    ),
    (
        "11111111111111111111111111111111111111111111111111",
        "line 1, column 1: integer too large: it must fit in 128 bits (between -2**127 and 2**127 - 1)",
    ),
    (
        "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' + 1",
        "line 1, column 104: `'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…` is Python code, not a literal value (it uses the `+` operator); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "float('inf', 'x')",
        "line 1, column 1: `float('inf', 'x')` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "float(('1'))",
        "line 1, column 1: `float(('1'))` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "-float",
        "line 1, column 2: `float` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "-float(",
        "line 1, column 2: `float(` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "- -",
        "line 1, column 4: expected a number after the sign, found end of input",
    ),
    (
        "+",
        "line 1, column 2: expected a number after the sign, found end of input",
    ),
    (
        "-",
        "line 1, column 2: expected a number after the sign, found end of input",
    ),
    (
        "-[",
        "line 1, column 2: expected a number after the sign, found `[`",
    ),
    (
        "-True",
        "line 1, column 2: expected a number after the sign, found `True`",
    ),
    (
        "-None",
        "line 1, column 2: expected a number after the sign, found `None`",
    ),
    (
        "-b'x'",
        "line 1, column 2: expected a number after the sign, found `b'x'`",
    ),
    (
        "1 = 2",
        "line 1, column 3: `1 = 2` is Python code, not a literal value (it uses the `=` operator); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "[1 = 2]",
        "line 1, column 4: `1 = 2` is Python code, not a literal value (it uses the `=` operator); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "{'a': 1 = 2}",
        "line 1, column 9: `1 = 2` is Python code, not a literal value (it uses the `=` operator); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "(1 = 2)",
        "line 1, column 4: `1 = 2` is Python code, not a literal value (it uses the `=` operator); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "{'a' == 1}",
        "line 1, column 6: `'a' == 1` is Python code, not a literal value (it uses the `==` operator); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "x y",
        "line 1, column 1: `x y` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "[x]",
        "line 1, column 2: `x` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "{'a': b}",
        "line 1, column 7: `b` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "{'a': 'b' c}",
        "line 1, column 11: expected `,` or `}` after the dictionary value, found `c` (missing comma?)",
    ),
    (
        "[1 (2)]",
        "line 1, column 4: `1 (2)` is Python code, not a literal value (it calls something); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "[1\n(2)]",
        "line 2, column 1: expected `,` or `]` after the list item, found `(` (missing comma?)",
    ),
    (
        "1 (2)",
        "line 1, column 3: `1 (2)` is Python code, not a literal value (it calls something); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "[1, 2 is 3]",
        "line 1, column 7: `2 is 3` is Python code, not a literal value (it uses `is`); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "{'a' in b}",
        "line 1, column 6: `'a' in b` is Python code, not a literal value (it uses `in`); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "CACHES",
        "line 1, column 1: `CACHES` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "CACHES =",
        "line 1, column 9: expected a value, found end of input",
    ),
    (
        "A = B = 1",
        "line 1, column 5: `B = 1` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "a.b = 1",
        "line 1, column 1: `a.b = 1` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    ("[1, 2,, ]", "line 1, column 7: expected a value, found `,`"),
    ("(,)", "line 1, column 2: expected a value, found `,`"),
    ("(1,,)", "line 1, column 4: expected a value, found `,`"),
    (
        "{'a': 1,,}",
        "line 1, column 9: expected a value, found `,`",
    ),
    ("{,}", "line 1, column 2: expected a value, found `,`"),
    (
        "[1 ]]",
        "line 1, column 5: unexpected `]`: there is no open bracket to close",
    ),
    (
        "[1 }",
        "line 1, column 4: `}` does not match the `[` at line 1, column 1 (expected `]`)",
    ),
    (
        "{'a': 1 )",
        "line 1, column 9: `)` does not match the `{` at line 1, column 1 (expected `}`)",
    ),
    (
        "(1 }",
        "line 1, column 4: `}` does not match the `(` at line 1, column 1 (expected `)`)",
    ),
    (
        "{'a' ]",
        "line 1, column 6: `]` does not match the `{` at line 1, column 1 (expected `}`)",
    ),
    (
        "{'a' )",
        "line 1, column 6: `)` does not match the `{` at line 1, column 1 (expected `}`)",
    ),
    (
        "{'a': 1, 'b' ]",
        "line 1, column 14: `]` does not match the `{` at line 1, column 1 (expected `}`)",
    ),
    (
        "[\"a\" \"b\" 1]",
        "line 1, column 10: expected `,` or `]` after the list item, found `1` (missing comma?)",
    ),
    (
        "'a' 1",
        "line 1, column 5: expected end of input after the value, found `1` (only one value can be read at a time)",
    ),
    (
        "{1: 2, 3}",
        "line 1, column 9: missing `:` after the dictionary key, found `}`",
    ),
    (
        "{1 2}",
        "line 1, column 4: missing `:` after the dictionary key, found `2`",
    ),
    (
        "{'k' 'v' 3}",
        "line 1, column 10: missing `:` after the dictionary key, found `3`",
    ),
    (
        "{'k': 'v' 'w' x}",
        "line 1, column 15: expected `,` or `}` after the dictionary value, found `x` (missing comma?)",
    ),
    (
        "b'\\x4'",
        "line 1, column 3: invalid \\x escape: it needs exactly two hex digits, like \\x41",
    ),
    (
        "b'\\xff\\x00'",
        "Node { kind: Bytes([255, 0]), line: 1, col: 1 }",
    ),
    ("'\\xff'", "Node { kind: Str(\"ÿ\"), line: 1, col: 1 }"),
    ("'\\0'", "Node { kind: Str(\"\\0\"), line: 1, col: 1 }"),
    ("'\\08'", "Node { kind: Str(\"\\08\"), line: 1, col: 1 }"),
    ("'\\400'", "Node { kind: Str(\"Ā\"), line: 1, col: 1 }"),
    (
        "b'\\400'",
        "line 1, column 3: octal escape \\400 is too large for a byte (the largest is \\377)",
    ),
    ("'\\u0000'", "Node { kind: Str(\"\\0\"), line: 1, col: 1 }"),
    (
        "'\\uD800\\uDC00'",
        "Node { kind: Str(\"𐀀\"), line: 1, col: 1 }",
    ),
    (
        "'\\uDBFF\\uDFFF'",
        "Node { kind: Str(\"\\u{10ffff}\"), line: 1, col: 1 }",
    ),
    (
        "'\\uDC00\\uD800'",
        "line 1, column 2: \\udc00 is half of a UTF-16 surrogate pair without its other half; it cannot be represented in text",
    ),
    (
        "'\\U0000D800'",
        "line 1, column 2: \\ud800 is half of a UTF-16 surrogate pair without its other half; it cannot be represented in text",
    ),
    (
        "'\\UFFFFFFFF'",
        "line 1, column 2: \\Uffffffff is not a valid Unicode character (the largest is \\U0010ffff)",
    ),
    (
        "'\\U'",
        "line 1, column 2: invalid \\U escape: it needs exactly 8 hex digits",
    ),
    (
        "'\\u12'",
        "line 1, column 2: invalid \\u escape: it needs exactly 4 hex digits",
    ),
    (
        "'\\ud800\\u12'",
        "line 1, column 2: \\ud800 is half of a UTF-16 surrogate pair without its other half; it cannot be represented in text",
    ),
    ("rb'\\''", "Node { kind: Bytes([92, 39]), line: 1, col: 1 }"),
    ("Rb'x'", "Node { kind: Bytes([120]), line: 1, col: 1 }"),
    ("bR'x'", "Node { kind: Bytes([120]), line: 1, col: 1 }"),
    ("B'x'", "Node { kind: Bytes([120]), line: 1, col: 1 }"),
    ("U'x'", "Node { kind: Str(\"x\"), line: 1, col: 1 }"),
    (
        "ur'x'",
        "line 1, column 1: `ur'x'` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "F'x'",
        "line 1, column 1: `F'x'` is Python code, not a literal value (f-strings are filled in when settings.py runs); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "fr'x'",
        "line 1, column 1: `fr'x'` is Python code, not a literal value (f-strings are filled in when settings.py runs); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "Rf'x'",
        "line 1, column 1: `Rf'x'` is Python code, not a literal value (f-strings are filled in when settings.py runs); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "TR'x'",
        "line 1, column 1: `TR'x'` is Python code, not a literal value (f-strings are filled in when settings.py runs); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "bu'x'",
        "line 1, column 1: `bu'x'` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "x'y'",
        "line 1, column 1: `x'y'` is Python code, not a literal value; write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
];

const SETTINGS: &[(&str, &str)] = &[
    ("{'default': {'BACKEND': 'locmem'}}", "ok: [\"default\"]"),
    (
        "CACHES = {'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache', 'LOCATION': 'x', 'TIMEOUT': '60', 'KEY_PREFIX': 'p', 'VERSION': 2, 'KEY_FUNCTION': None, 'OPTIONS': {'MAX_ENTRIES': '10', 'CULL_FREQUENCY': 2.5}}}",
        "ok: [\"default\"]",
    ),
    (
        "{'CACHES': {'default': {'BACKEND': 'dummy'}}}",
        "ok: [\"default\"]",
    ),
    (
        "{'CACHES': 1}",
        "CACHES['CACHES'] = 1 (line 1): expected a dict",
    ),
    ("[1]", "CACHES = [1] (line 1): expected a dict"),
    (
        "{'default': 1}",
        "CACHES['default'] = 1 (line 1): expected a dict",
    ),
    ("{1: {}}", "CACHES = 1 (line 1): an alias must be a string"),
    (
        "{'other': {'BACKEND': 'locmem'}}",
        "CACHES (line 1): You must define a 'default' cache in your CACHES setting.",
    ),
    (
        "{'default': {}}",
        "CACHES['default']['BACKEND'] (line 1): BACKEND is required, e.g. 'django.core.cache.backends.locmem.LocMemCache'",
    ),
    (
        "{'default': {1: 2}}",
        "CACHES['default'] = 1 (line 1): setting names must be strings",
    ),
    (
        "{'default': {'BACKEND': 1}}",
        "CACHES['default']['BACKEND'] = 1 (line 1): BACKEND must be a dotted path string",
    ),
    (
        "{'default': {'BACKEND': 'nope'}}",
        "CACHES['default']['BACKEND'] = 'nope' (line 1): unknown backend; known backends: django.core.cache.backends.locmem.LocMemCache, django.core.cache.backends.dummy.DummyCache, django.core.cache.backends.filebased.FileBasedCache, django.core.cache.backends.db.DatabaseCache, django.core.cache.backends.redis.RedisCache, django_redis.cache.RedisCache, redis_cache.RedisCache, redis_cache.cache.RedisCache, django.core.cache.backends.memcached.PyMemcacheCache, django.core.cache.backends.memcached.PyLibMCCache, django.core.cache.backends.memcached.MemcachedCache, django_pylibmc.memcached.PyLibMCCache, djpymemcache.backend.PyMemcacheCache, django_bmemcached.memcached.BMemcached, django_elasticache.memcached.ElastiCache, locmem, dummy, filebased, file, db, database, redis, django-redis, memcached, pymemcache, pylibmc",
    ),
    ("{'default': {'BACKEND': ' locmem '}}", "ok: [\"default\"]"),
    (
        "{'default': {'BACKEND': 'locmem', 'LOCATION': ['a']}}",
        "CACHES['default']['LOCATION'] = ['a'] (line 1): LOCATION must be a string (or, for redis and memcached, a list of strings)",
    ),
    (
        "{'default': {'BACKEND': 'locmem', 'LOCATION': 5}}",
        "ok: [\"default\"]",
    ),
    (
        "{'default': {'BACKEND': 'locmem', 'LOCATION': None}}",
        "CACHES['default']['LOCATION'] = None (line 1): LOCATION must be a string (or, for redis and memcached, a list of strings)",
    ),
    (
        "{'default': {'BACKEND': 'redis', 'LOCATION': ['a', 1]}}",
        "CACHES['default']['LOCATION'] = ['a', 1] (line 1): LOCATION must be a string (or, for redis and memcached, a list of strings)",
    ),
    (
        "{'default': {'BACKEND': 'redis', 'LOCATION': ('a', 'b')}}",
        "ok: [\"default\"]",
    ),
    (
        "{'default': {'BACKEND': 'locmem', 'TIMEOUT': None}}",
        "ok: [\"default\"]",
    ),
    (
        "{'default': {'BACKEND': 'locmem', 'TIMEOUT': 'x'}}",
        "ok: [\"default\"]",
    ),
    (
        "{'default': {'BACKEND': 'locmem', 'TIMEOUT': float('inf')}}",
        "CACHES['default']['TIMEOUT'] = inf (line 1): OverflowError: cannot convert float infinity to integer",
    ),
    (
        "{'default': {'BACKEND': 'locmem', 'timeout': 5, 'TIMEOUT': 7}}",
        "ok: [\"default\"]",
    ),
    (
        "{'default': {'BACKEND': 'locmem', 'KEY_FUNCTION': 'x'}}",
        "CACHES['default']['KEY_FUNCTION'] = 'x' (line 1): unknown key function (a configuration cannot carry code); known: django.core.cache.backends.base.default_key_func, default, oracle:identity, identity, oracle:custom, oracle:append_version",
    ),
    (
        "{'default': {'BACKEND': 'locmem', 'KEY_FUNCTION': 1}}",
        "CACHES['default']['KEY_FUNCTION'] = 1 (line 1): KEY_FUNCTION must be the name of a key function",
    ),
    (
        "{'default': {'BACKEND': 'locmem', 'OPTIONS': 1}}",
        "CACHES['default']['OPTIONS'] = 1 (line 1): expected a dict",
    ),
    (
        "{'default': {'BACKEND': 'locmem', 'OPTIONS': {1: 2}}}",
        "CACHES['default']['OPTIONS'] = 1 (line 1): option names must be strings",
    ),
    (
        "{'default': {'BACKEND': 'locmem', 'OPTIONS': {'IGNORE_EXCEPTIONS': 1}}}",
        "CACHES['default']['OPTIONS']['IGNORE_EXCEPTIONS'] = 1 (line 1): IGNORE_EXCEPTIONS must be True or False",
    ),
    (
        "{'default': {'BACKEND': 'locmem', 'OPTIONS': {'SERIALIZER': 1}}}",
        "CACHES['default']['OPTIONS']['SERIALIZER'] = 1 (line 1): SERIALIZER must be a dotted path string",
    ),
    (
        "{'default': {'BACKEND': 'locmem', 'OPTIONS': {'SERIALIZER': 'x.Y'}}}",
        "CACHES['default']['OPTIONS']['SERIALIZER'] = 'x.Y' (line 1): unknown serializer: edgecache knows django_redis.serializers.pickle.PickleSerializer, django_redis.serializers.json.JSONSerializer, edgecache.serializers.postcard.PostcardSerializer",
    ),
    (
        "{'default': {'BACKEND': 'locmem', 'OPTIONS': {'COMPRESSOR': 'x.Y'}}}",
        "CACHES['default']['OPTIONS']['COMPRESSOR'] = 'x.Y' (line 1): unknown compressor: edgecache knows django_redis.compressors.identity.IdentityCompressor, django_redis.compressors.zlib.ZlibCompressor",
    ),
    (
        "{'default': {'BACKEND': 'locmem', 'OPTIONS': {'CLIENT_CLASS': 3}}}",
        "CACHES['default']['OPTIONS']['CLIENT_CLASS'] = 3 (line 1): CLIENT_CLASS must be a dotted path string",
    ),
    (
        "{'default': {'BACKEND': 'locmem', 'OPTIONS': {'PICKLE_VERSION': 5}}}",
        "CACHES['default']['OPTIONS']['PICKLE_VERSION'] = 5 (line 1): PICKLE_VERSION is django-redis's option (django_redis.cache.RedisCache); locmem does not read it",
    ),
    (
        "{'default': {'BACKEND': 'redis', 'OPTIONS': {'PICKLE_VERSION': 5}}}",
        "CACHES['default']['OPTIONS']['PICKLE_VERSION'] = 5 (line 1): PICKLE_VERSION is django-redis's option (django_redis.cache.RedisCache); redis does not read it",
    ),
    (
        "{'default': {'BACKEND': 'django-redis', 'OPTIONS': {'PICKLE_VERSION': 'x'}}}",
        "CACHES['default']['OPTIONS']['PICKLE_VERSION'] = 'x' (line 1): PICKLE_VERSION value must be an integer",
    ),
    (
        "{'default': {'BACKEND': 'django-redis', 'OPTIONS': {'PICKLE_VERSION': 9}}}",
        "CACHES['default']['OPTIONS']['PICKLE_VERSION'] = 9 (line 1): PICKLE_VERSION can't be higher than pickle.HIGHEST_PROTOCOL: 5",
    ),
    (
        "{'default': {'BACKEND': 'django-redis', 'OPTIONS': {'PICKLE_VERSION': 3}}}",
        "CACHES['default']['OPTIONS']['PICKLE_VERSION'] = 3 (line 1): edgecache writes pickle protocols 4 and 5 only (-1 is 5)",
    ),
    (
        "{'default': {'BACKEND': 'django-redis', 'OPTIONS': {'PICKLE_VERSION': None}}}",
        "CACHES['default']['OPTIONS']['PICKLE_VERSION'] = None (line 1): PICKLE_VERSION value must be an integer",
    ),
    (
        "{'default': {'BACKEND': 'redis', 'OPTIONS': {'SERIALIZER': 'django_redis.serializers.json.JSONSerializer'}}}",
        "ok: [\"default\"]",
    ),
    (
        "{'default': {'BACKEND': 'locmem', 'OPTIONS': {'STAMPEDE_TTL': 'x'}}}",
        "ok: [\"default\"]",
    ),
    (
        "{'default': {'BACKEND': 'locmem', 'OPTIONS': {'MAX_ENTRIES': float('inf')}}}",
        "CACHES['default']['OPTIONS']['MAX_ENTRIES'] = inf (line 1): OverflowError: cannot convert float infinity to integer",
    ),
    (
        "{'default': {'BACKEND': 'locmem', 'max_entries': 5, 'cull_frequency': 'x'}}",
        "ok: [\"default\"]",
    ),
    (
        "{'default': {'BACKEND': 'locmem', 'OPTIONS': {'CULL_FREQUENCY': -float('inf')}}}",
        "CACHES['default']['OPTIONS']['CULL_FREQUENCY'] = -inf (line 1): OverflowError: cannot convert float infinity to integer",
    ),
    (
        "{'default': {'BACKEND': 'locmem'}, 'default': {'BACKEND': 'dummy'}}",
        "ok: [\"default\"]",
    ),
    (
        "{'default': {'BACKEND': 'locmem', 'OPTIONS': {'X': 1, 'X': 2}}}",
        "ok: [\"default\"]",
    ),
    (
        "{'default': {'BACKEND': 'locmem', 'OPTIONS': {'IGNORE_EXCEPTIONS': True, 'SERIALIZER': 'x'}}}",
        "CACHES['default']['OPTIONS']['SERIALIZER'] = 'x' (line 1): unknown serializer: edgecache knows django_redis.serializers.pickle.PickleSerializer, django_redis.serializers.json.JSONSerializer, edgecache.serializers.postcard.PostcardSerializer",
    ),
    (
        "{'default': {'BACKEND': 'memcached', 'LOCATION': 'a;b'}}",
        "ok: [\"default\"]",
    ),
    (
        "{'default': {'BACKEND': 'locmem', 'VERSION': [1, {'a': b'x'}]}}",
        "ok: [\"default\"]",
    ),
    (
        "{'default': {'BACKEND': 'locmem', 'TIMEOUT': {1: 2, 1: 3}}}",
        "ok: [\"default\"]",
    ),
    (
        "{'default': {'BACKEND': 'x', 'BACKEND': 'locmem'}}",
        "ok: [\"default\"]",
    ),
    (
        "{\n  'default': {\n    'BACKEND': 'locmem',\n    'TIMEOUT': 1e400 * 2}}",
        "CACHES (line 4): column 22: `1e400 * 2` is Python code, not a literal value (it uses the `*` operator); write the value itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
    ),
    (
        "{\n  'default': {\n    'BACKEND': 'locmem',\n    'LOCATION': 1.5}}",
        "CACHES['default']['LOCATION'] = 1.5 (line 4): LOCATION must be a string (or, for redis and memcached, a list of strings)",
    ),
];
