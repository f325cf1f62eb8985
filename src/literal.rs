//! Reading literal values pasted from a Django `settings.py`, or JSON.
//!
//! [`parse`] accepts one Python literal expression — the kind of text a
//! Django developer copies out of `settings.py`, for example a whole
//! `CACHES = {...}` block — and, with the same grammar, JSON documents.
//! JSON's `true`, `false` and `null` are accepted next to Python's `True`,
//! `False` and `None`, as are JavaScript's `Infinity`, `-Infinity` and `NaN`.
//!
//! The parser is iterative (it keeps an explicit stack instead of
//! recursing), runs in time linear in the input, limits nesting to
//! [`MAX_DEPTH`] levels of brackets, and never panics: every problem is
//! reported as a [`ParseError`] carrying the 1-based line and column
//! (counted in characters) of the offending token.
//!
//! Points where the two languages disagree, and what this parser does:
//!
//! * `\/` inside a text string is JSON's escaped slash and becomes `/`
//!   (Python would keep the backslash; modern Python warns about it).
//! * `\uXXXX` escapes forming a UTF-16 surrogate pair are joined into one
//!   character, as JSON intends. A lone surrogate cannot be stored in a Rust
//!   `String`, so it is reported as an error.
//! * A JSON-style `-0` is the integer 0; `-0.0` stays the float `-0.0`.
//! * Outside strings, names are ASCII (`_`, letters, digits): a name is never
//!   a value here, so a non-ASCII letter outside a string is reported as an
//!   unexpected character with its code point (Python would read it as part
//!   of a name, which is Python code all the same). Strings take any Unicode
//!   text, and Unicode spaces count as whitespace.
//!
//! Anything that would need Python to run — names such as `BASE_DIR`,
//! calls such as `os.environ.get(...)`, operators, f-strings — is rejected
//! with a message saying that it is Python code and that the value itself
//! must be written instead. The one exception is `float('inf')`,
//! `float('-inf')` and `float('nan')` (any quoted number is accepted inside
//! `float(...)`), which settings files use to spell special floats.

use crate::text::{decimal, fill, radix};
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// The deepest nesting of brackets [`parse`] accepts before returning an error.
pub const MAX_DEPTH: usize = 128;

/// The error for more than [`MAX_DEPTH`] levels (the number is written out: no `format!`).
const TOO_DEEP: &str = "too deeply nested: more than 128 levels of brackets";
const _: () = assert!(MAX_DEPTH == 128, "update TOO_DEEP");

/// How many characters of source text an error message quotes at most.
const EXCERPT_CHARS: usize = 40;

/// How far past its start an expression is scanned when quoting it in an error.
const EXPRESSION_SCAN_LIMIT: usize = 4096;

/// A parsed literal with the 1-based line and column where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value itself.
    pub kind: NodeKind,
    /// 1-based line on which the value starts.
    pub line: u32,
    /// 1-based column, counted in characters, at which the value starts.
    pub col: u32,
}

/// The kinds of value a literal can be.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// Python `None` or JSON `null`.
    None,
    /// `True`/`False` or `true`/`false`.
    Bool(bool),
    /// An integer; it must fit in an `i128`.
    Int(i128),
    /// A floating-point number, including infinities and NaN.
    Float(f64),
    /// A text string (after escapes and concatenation are applied).
    Str(String),
    /// A Python bytes literal such as `b'abc'`.
    Bytes(Vec<u8>),
    /// A list `[...]` (or a JSON array).
    List(Vec<Node>),
    /// A tuple `(a, b)`, `(a,)` or `()`.
    Tuple(Vec<Node>),
    /// A dict `{k: v}` (or a JSON object); entries keep their source order
    /// and duplicate keys are kept.
    Dict(Vec<(Node, Node)>),
}

/// Why text could not be parsed: where, and what was wrong, in words a Django developer understands.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    /// 1-based line of the offending token.
    pub line: u32,
    /// 1-based column, counted in characters, of the offending token.
    pub col: u32,
    /// What was wrong.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&fill(
            "line {}, column {}: {}",
            &[&decimal(self.line), &decimal(self.col), &self.message],
        ))
    }
}

impl core::error::Error for ParseError {}

/// Parses one literal. Leading/trailing whitespace and comments are allowed; anything else after the value is an error.
/// Also accepts an assignment prefix `NAME = ` (e.g. `CACHES = {...}`), so a pasted settings line works.
pub fn parse(text: &str) -> Result<Node, ParseError> {
    let mut parser = Parser::new(text);
    parser.skip_assignment();
    parser.document()
}

/// A position in the source: character index plus 1-based line and column.
#[derive(Debug, Clone, Copy)]
struct Mark {
    idx: usize,
    line: u32,
    col: u32,
}

/// One lexical token. The text, bytes, name and numbers that `Str`, `Bytes`, `Ident`, `Int`
/// and `Float` stand for wait in the parser's fields of the same name until the token is
/// consumed, so a token is a small `Copy` value (one token of look-ahead never overwrites a
/// payload still needed: each is taken as soon as its token is read).
#[derive(Debug, Clone, Copy)]
enum Tok {
    Open(char),
    Close(char),
    Colon,
    Comma,
    /// Text in [`Parser::text`].
    Str,
    /// Bytes in [`Parser::data`].
    Bytes,
    /// The magnitude of an integer in [`Parser::int`]; the sign is applied by the parser.
    Int,
    /// A float in [`Parser::float`].
    Float,
    Bool(bool),
    Null,
    Inf,
    NaN,
    /// A name in [`Parser::word`].
    Ident,
    /// An operator: its index in [`OPS`].
    Op(u8),
    Eof,
}

/// The Python operators the lexer knows, two-character ones first so the longest match wins.
const OPS: [&str; 22] = [
    "**", "//", "==", "!=", "<=", ">=", "<<", ">>", "+", "-", "*", "/", "%", "@", "<", ">", "=",
    "&", "|", "^", "~", ".",
];
/// `+`, `-` and `=` in [`OPS`].
const OP_PLUS: u8 = 8;
const OP_MINUS: u8 = 9;
const OP_ASSIGN: u8 = 16;

/// An operator's text.
fn op_text(op: u8) -> &'static str {
    OPS.get(usize::from(op)).copied().unwrap_or("")
}

/// A token with where it starts and ends.
#[derive(Debug, Clone, Copy)]
struct Token {
    tok: Tok,
    start: Mark,
    /// Character index just past the token.
    end: usize,
    /// Line on which the token ends.
    end_line: u32,
}

/// An open bracket whose contents are being read. One shape for all three brackets, so
/// the code that adds an item and closes the bracket exists once.
struct Frame {
    /// `{`, `[` or `(`.
    bracket: char,
    /// Where the bracket is.
    open: Mark,
    /// The items of a list or tuple.
    items: Vec<Node>,
    /// The entries of a dict.
    pairs: Vec<(Node, Node)>,
    /// A dict key whose `:` was read, waiting for its value.
    key: Option<Node>,
}

impl Frame {
    fn opener(&self) -> (char, Mark) {
        (self.bracket, self.open)
    }

    /// The value the bracket, closed now, stands for.
    fn close(self) -> Node {
        let kind = match self.bracket {
            '{' => NodeKind::Dict(self.pairs),
            '[' => NodeKind::List(self.items),
            _ => NodeKind::Tuple(self.items),
        };
        node(kind, self.open)
    }
}

/// What happened after a value inside a bracket was followed by a token.
enum After {
    /// A comma or colon was read; the frame (still on the stack) expects another value.
    Continue,
    /// The bracket was closed: the frame stands for its value.
    Closed,
    /// `(x)` was closed: it is just `x`.
    Unwrapped(Node),
}

/// Where a value just ended, for error messages about what follows it.
#[derive(Clone, Copy)]
enum Ctx {
    Top,
    List(Mark),
    Paren(Mark),
    DictKey { open: Mark, first: bool },
    DictValue(Mark),
}

fn closer(open: char) -> char {
    match open {
        '{' => '}',
        '[' => ']',
        _ => ')',
    }
}

fn node(kind: NodeKind, at: Mark) -> Node {
    Node {
        kind,
        line: at.line,
        col: at.col,
    }
}

fn error(at: Mark, message: String) -> ParseError {
    ParseError {
        line: at.line,
        col: at.col,
        message,
    }
}

/// An error whose message is a fixed text: one out-of-line builder for every such site.
#[inline(never)]
fn fixed(at: Mark, message: &'static str) -> ParseError {
    error(at, String::from(message))
}

/// A bracket character as text (messages quote brackets; `Tok` keeps them as `char`).
fn bracket(c: char) -> &'static str {
    match c {
        '{' => "{",
        '}' => "}",
        '[' => "[",
        ']' => "]",
        '(' => "(",
        _ => ")",
    }
}

/// `"line L, column C"` of a mark.
fn line_col(at: Mark) -> String {
    fill("line {}, column {}", &[&decimal(at.line), &decimal(at.col)])
}

/// `unexpected `c`: there is no open bracket to close`.
#[inline(never)]
fn nothing_to_close(c: char) -> String {
    fill(
        "unexpected `{}`: there is no open bracket to close",
        &[bracket(c)],
    )
}

/// A closing bracket `c` that does not match the bracket `b` opened at `open`.
#[inline(never)]
fn mismatch(c: char, b: char, open: Mark) -> String {
    fill(
        "`{}` does not match the `{}` at {} (expected `{}`)",
        &[bracket(c), bracket(b), &line_col(open), bracket(closer(b))],
    )
}

/// The input ended where `expected` was due, with the bracket `b` opened at `open` unclosed.
#[inline(never)]
fn never_closed(expected: &str, b: char, open: Mark) -> String {
    fill(
        "expected {}, found end of input: the `{}` at {} is never closed",
        &[expected, bracket(b), &line_col(open)],
    )
}

/// `unterminated string: the closing `quotes` is missing`.
fn unterminated(quotes: &str) -> String {
    fill(
        "unterminated string: the closing `{}` is missing",
        &[quotes],
    )
}

/// The hint for Python code that uses the operator `op`.
fn operator_hint(op: &str) -> String {
    fill(" (it uses the `{}` operator)", &[op])
}

fn misplaced_underscore(at: Mark) -> ParseError {
    fixed(
        at,
        "misplaced `_` in a number: underscores may only separate digits, as in 1_000",
    )
}

fn too_large(at: Mark) -> ParseError {
    fixed(
        at,
        "integer too large: it must fit in 128 bits (between -2**127 and 2**127 - 1)",
    )
}

/// A character of a name (`_`, ASCII letters and digits). Names are never values here, only
/// the keywords and `float` are read, so non-ASCII letters need no Unicode tables: outside a
/// string they are an unexpected character (strings take any Unicode text).
fn is_name_char(c: char) -> bool {
    c == '_' || c.is_ascii_alphanumeric()
}

/// Words that turn the value before them into a Python expression.
fn is_expression_keyword(word: &str) -> bool {
    const WORDS: [&str; 11] = [
        "if", "else", "and", "or", "not", "in", "is", "for", "async", "lambda", "await",
    ];
    WORDS.contains(&word)
}

/// String prefixes: the first five read a string (`r`aw, `b`ytes, `u` is a no-op), the rest
/// are f-strings and t-strings, which are Python code.
const STRING_PREFIXES: [&str; 11] = ["r", "u", "b", "br", "rb", "f", "rf", "fr", "t", "rt", "tr"];

/// The names that are values, in pairs by meaning: `True`, `False`, `None`, then
/// JavaScript's `Infinity` and `NaN`.
const KEYWORDS: [&str; 8] = [
    "True", "true", "False", "false", "None", "null", "Infinity", "NaN",
];

/// A suggestion for a bare name that looks like a misspelt keyword.
fn name_hint(word: &str) -> &'static str {
    if word.eq_ignore_ascii_case("true") {
        " (did you mean `True`?)"
    } else if word.eq_ignore_ascii_case("false") {
        " (did you mean `False`?)"
    } else if word.eq_ignore_ascii_case("none")
        || word.eq_ignore_ascii_case("null")
        || word.eq_ignore_ascii_case("nil")
    {
        " (did you mean `None`?)"
    } else {
        ""
    }
}

/// Converts the argument of `float('...')` the way Python's `float()` does
/// for the forms settings files use.
fn float_from_text(text: &str) -> Option<f64> {
    // `_` between two ASCII digits goes; everything else is kept byte for byte, so what is
    // left is still UTF-8.
    let bytes = text.trim().as_bytes();
    let digit = |i: Option<usize>| i.and_then(|i| bytes.get(i)).is_some_and(u8::is_ascii_digit);
    let mut cleaned = Vec::with_capacity(bytes.len());
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'_' && digit(i.checked_sub(1)) && digit(i.checked_add(1)) {
            continue;
        }
        cleaned.push(b);
    }
    crate::float::from_str(core::str::from_utf8(&cleaned).ok()?)
}

/// Applies a sign to an integer magnitude, if the result fits.
fn signed_int(magnitude: u128, negative: bool) -> Option<i128> {
    if negative {
        0i128.checked_sub_unsigned(magnitude)
    } else {
        i128::try_from(magnitude).ok()
    }
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    line: u32,
    col: u32,
    peeked: Option<Token>,
    /// The text of the last `Str` token read.
    text: String,
    /// The bytes of the last `Bytes` token read.
    data: Vec<u8>,
    /// The name of the last `Ident` token read.
    word: String,
    /// The magnitude of the last `Int` token read.
    int: u128,
    /// The value of the last `Float` token read.
    float: f64,
    /// Line on which the most recently consumed token ended.
    last_end_line: u32,
    /// Line on which the token before that ended.
    prev_end_line: u32,
}

impl Parser {
    fn new(text: &str) -> Self {
        // At most one character per byte: no reallocation, and no `collect` of its own.
        let mut chars = Vec::with_capacity(text.len());
        for c in text.chars() {
            chars.push(c);
        }
        // A byte-order mark at the very start is invisible in editors; skip it.
        let pos = usize::from(chars.first() == Some(&'\u{feff}'));
        Parser {
            chars,
            pos,
            line: 1,
            col: 1,
            peeked: None,
            text: String::new(),
            data: Vec::new(),
            word: String::new(),
            int: 0,
            float: 0.0,
            last_end_line: 1,
            prev_end_line: 1,
        }
    }

    // ----- character cursor -------------------------------------------------

    fn ch(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos.checked_add(ahead)?).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.ch(0)?;
        self.pos = self.pos.saturating_add(1);
        if c == '\n' {
            self.line = self.line.saturating_add(1);
            self.col = 1;
        } else {
            self.col = self.col.saturating_add(1);
        }
        Some(c)
    }

    fn mark(&self) -> Mark {
        Mark {
            idx: self.pos,
            line: self.line,
            col: self.col,
        }
    }

    /// Skips whitespace, `#` comments and backslash line continuations.
    fn skip_trivia(&mut self) {
        loop {
            match self.ch(0) {
                Some('#') => {
                    while let Some(c) = self.ch(0) {
                        if c == '\n' {
                            break;
                        }
                        self.bump();
                    }
                }
                Some('\\') if self.ch(1) == Some('\n') => {
                    self.bump();
                    self.bump();
                }
                Some('\\') if self.ch(1) == Some('\r') && self.ch(2) == Some('\n') => {
                    self.bump();
                    self.bump();
                    self.bump();
                }
                Some(c) if c.is_whitespace() => {
                    self.bump();
                }
                _ => break,
            }
        }
    }

    // ----- source excerpts for messages --------------------------------------

    /// Source text between two character indices, with runs of whitespace
    /// collapsed to one space and cut to `max` characters.
    fn excerpt(&self, from: usize, to: usize, max: usize) -> String {
        let to = to.min(self.chars.len());
        let slice = self.chars.get(from..to).unwrap_or(&[]);
        let mut out = String::new();
        let mut count = 0usize;
        let mut pending_space = false;
        for &c in slice {
            if c.is_whitespace() {
                pending_space = count > 0;
                continue;
            }
            let need = if pending_space { 2 } else { 1 };
            if count.saturating_add(need) > max {
                out.push('…');
                return out;
            }
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(if c.is_control() { '\u{fffd}' } else { c });
            count = count.saturating_add(need);
        }
        out
    }

    /// Index just past a quoted string starting at `start` (or the end of
    /// input / line if it is not closed).
    fn skip_quoted(&self, start: usize) -> usize {
        let len = self.chars.len();
        let at = |i: usize| self.chars.get(i).copied();
        let Some(q) = at(start) else { return len };
        let triple =
            at(start.saturating_add(1)) == Some(q) && at(start.saturating_add(2)) == Some(q);
        let mut j = start.saturating_add(if triple { 3 } else { 1 });
        loop {
            let Some(c) = at(j) else { return j.min(len) };
            if c == '\\' {
                j = j.saturating_add(2);
                continue;
            }
            if c == q {
                if !triple {
                    return j.saturating_add(1);
                }
                if at(j.saturating_add(1)) == Some(q) && at(j.saturating_add(2)) == Some(q) {
                    return j.saturating_add(3);
                }
            }
            if c == '\n' && !triple {
                return j;
            }
            j = j.saturating_add(1);
        }
    }

    /// Index just past the Python expression that starts at `start`: it runs
    /// until a comma, colon, newline or unmatched closing bracket outside any
    /// brackets it opens, or a comment.
    fn expression_end(&self, start: usize) -> usize {
        let limit = start.saturating_add(EXPRESSION_SCAN_LIMIT);
        let mut i = start;
        let mut end = start;
        let mut depth = 0usize;
        while i < limit {
            let Some(&c) = self.chars.get(i) else { break };
            match c {
                '\'' | '"' => {
                    i = self.skip_quoted(i);
                    end = i;
                    continue;
                }
                '(' | '[' | '{' => depth = depth.saturating_add(1),
                ')' | ']' | '}' => {
                    if depth == 0 {
                        break;
                    }
                    depth = depth.saturating_sub(1);
                }
                ',' | ':' | '\n' if depth == 0 => break,
                '#' => break,
                _ => {}
            }
            i = i.saturating_add(1);
            if !c.is_whitespace() {
                end = i;
            }
        }
        end
    }

    /// The error for Python code found where a literal value belongs.
    /// `start` is where the expression begins, `at` the offending token.
    fn python_code(&self, start: usize, at: Mark, hint: &str) -> ParseError {
        let end = self.expression_end(start);
        let text = self.excerpt(start, end, EXCERPT_CHARS);
        error(
            at,
            fill(
                "`{}` is Python code, not a literal value{}; write the value itself \
                 (a quoted string, a number, True/False/None, or a list, tuple or dict of those)",
                &[&text, hint],
            ),
        )
    }

    /// How a token reads in a message: its source text in backticks.
    fn describe(&self, token: &Token) -> String {
        if matches!(token.tok, Tok::Eof) {
            String::from("end of input")
        } else {
            fill("`{}`", &[&self.excerpt(token.start.idx, token.end, 30)])
        }
    }

    // ----- lexer ---------------------------------------------------------------

    fn lex(&mut self) -> Result<Token, ParseError> {
        self.skip_trivia();
        let start = self.mark();
        let tok = match self.ch(0) {
            None => Tok::Eof,
            Some(c @ ('{' | '[' | '(' | '}' | ']' | ')' | ':' | ',')) => {
                self.bump();
                match c {
                    '{' | '[' | '(' => Tok::Open(c),
                    ':' => Tok::Colon,
                    ',' => Tok::Comma,
                    _ => Tok::Close(c),
                }
            }
            Some('\'' | '"') => self.lex_string(start, false, false)?,
            Some(c)
                if c.is_ascii_digit()
                    || (c == '.' && self.ch(1).is_some_and(|d| d.is_ascii_digit())) =>
            {
                self.lex_number(start)?
            }
            Some(c) if is_name_char(c) => self.lex_word(start)?,
            Some(c) => match self.lex_op() {
                Some(op) => Tok::Op(op),
                None => return Err(Self::unexpected_char(start, c)),
            },
        };
        Ok(Token {
            tok,
            start,
            end: self.pos,
            end_line: self.line,
        })
    }

    fn unexpected_char(at: Mark, c: char) -> ParseError {
        let mut utf8 = [0; 4];
        let text: &str = c.encode_utf8(&mut utf8);
        let code = radix(u32::from(c), 16, 4, true);
        let message = match c {
            '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201c}' | '\u{201d}' | '\u{201e}'
            | '\u{00ab}' | '\u{00bb}' => fill(
                "unexpected character `{}`: this is a typographic (curly) quote; \
                 use a straight quote ' or \" instead",
                &[text],
            ),
            '\\' => String::from(
                "unexpected character `\\`: backslashes are only allowed inside strings",
            ),
            c if c.is_control() => fill("unexpected character U+{}", &[&code]),
            c if c.is_ascii() => fill("unexpected character `{}`", &[text]),
            _ => fill("unexpected character `{}` (U+{})", &[text, &code]),
        };
        error(at, message)
    }

    /// Reads a Python operator, longest match first (the two-character ones lead [`OPS`]).
    fn lex_op(&mut self) -> Option<u8> {
        let c0 = self.ch(0)?;
        let c1 = self.ch(1);
        for (i, op) in OPS.iter().enumerate() {
            let b = op.as_bytes();
            let first = b.first().map(|&x| char::from(x));
            let second = b.get(1).map(|&x| char::from(x));
            if first == Some(c0) && (second.is_none() || second == c1) {
                for _ in 0..b.len() {
                    self.bump();
                }
                return u8::try_from(i).ok();
            }
        }
        None
    }

    /// Reads a name, keyword, or prefixed string (`b'..'`, `r"..."`, ...).
    fn lex_word(&mut self, start: Mark) -> Result<Tok, ParseError> {
        let mut word = String::new();
        while let Some(c) = self.ch(0) {
            if is_name_char(c) {
                word.push(c);
                self.bump();
            } else {
                break;
            }
        }
        if matches!(self.ch(0), Some('\'' | '"')) {
            let lower = word.to_ascii_lowercase();
            match STRING_PREFIXES.iter().position(|p| *p == lower) {
                Some(0..5) => {
                    return self.lex_string(start, lower.contains('r'), lower.contains('b'));
                }
                Some(_) => {
                    return Err(self.python_code(
                        start.idx,
                        start,
                        " (f-strings are filled in when settings.py runs)",
                    ));
                }
                None => {}
            }
        }
        Ok(match KEYWORDS.iter().position(|k| *k == word) {
            Some(0 | 1) => Tok::Bool(true),
            Some(2 | 3) => Tok::Bool(false),
            Some(4 | 5) => Tok::Null,
            Some(6) => Tok::Inf,
            Some(7) => Tok::NaN,
            _ => {
                self.word = word;
                Tok::Ident
            }
        })
    }

    /// Reads a string literal whose opening quote is the current character.
    /// `start` is where its prefix (if any) began.
    fn lex_string(&mut self, start: Mark, raw: bool, bytes: bool) -> Result<Tok, ParseError> {
        let Some(q) = self.bump() else {
            return Err(fixed(start, "expected a string"));
        };
        let triple = self.ch(0) == Some(q) && self.ch(1) == Some(q);
        if triple {
            self.bump();
            self.bump();
        }
        let mut text = String::new();
        let mut data = Vec::new();
        loop {
            let here = self.mark();
            let Some(c) = self.ch(0) else {
                let quotes = match (q, triple) {
                    ('"', true) => "\"\"\"",
                    ('"', false) => "\"",
                    (_, true) => "'''",
                    (_, false) => "'",
                };
                return Err(error(start, unterminated(quotes)));
            };
            if c == q {
                if !triple {
                    self.bump();
                    break;
                }
                if self.ch(1) == Some(q) && self.ch(2) == Some(q) {
                    self.bump();
                    self.bump();
                    self.bump();
                    break;
                }
            }
            if (c == '\n' || c == '\r') && !triple {
                let (one, three) = if q == '"' {
                    ("\"", "\"\"\"")
                } else {
                    ("'", "'''")
                };
                return Err(error(
                    start,
                    fill(
                        "unterminated string: a string in {} quotes must end on the line it \
                         starts (use triple quotes {} for text spanning lines)",
                        &[one, three],
                    ),
                ));
            }
            self.bump();
            if c == '\\' {
                self.escape(here, q, raw, bytes, &mut text, &mut data)?;
            } else if c == '\r' {
                // Python reads any line ending inside a string as "\n".
                if self.ch(0) == Some('\n') {
                    self.bump();
                }
                Self::push_char(here, '\n', bytes, &mut text, &mut data)?;
            } else {
                Self::push_char(here, c, bytes, &mut text, &mut data)?;
            }
        }
        Ok(if bytes {
            self.data = data;
            Tok::Bytes
        } else {
            self.text = text;
            Tok::Str
        })
    }

    fn push_char(
        at: Mark,
        c: char,
        bytes: bool,
        text: &mut String,
        data: &mut Vec<u8>,
    ) -> Result<(), ParseError> {
        if !bytes {
            text.push(c);
            return Ok(());
        }
        match u8::try_from(c) {
            Ok(b) if b.is_ascii() => {
                data.push(b);
                Ok(())
            }
            _ => Err(error(
                at,
                fill(
                    "bytes literals can only contain ASCII characters, found `{}`; write other bytes as \\x escapes",
                    &[c.encode_utf8(&mut [0; 4])],
                ),
            )),
        }
    }

    /// Reads exactly `n` hex digits, consuming them only if all are present.
    fn read_hex(&mut self, n: usize) -> Option<u32> {
        let mut value: u32 = 0;
        for i in 0..n {
            let d = self.ch(i)?.to_digit(16)?;
            value = value.checked_mul(16)?.checked_add(d)?;
        }
        for _ in 0..n {
            self.bump();
        }
        Some(value)
    }

    /// Handles what follows a backslash inside a string; `at` is the backslash.
    fn escape(
        &mut self,
        at: Mark,
        q: char,
        raw: bool,
        bytes: bool,
        text: &mut String,
        data: &mut Vec<u8>,
    ) -> Result<(), ParseError> {
        let Some(e) = self.ch(0) else {
            return Err(error(at, unterminated(if q == '"' { "\"" } else { "'" })));
        };
        if raw {
            // Raw strings keep the backslash and the character after it, which
            // therefore cannot end the string.
            Self::push_char(at, '\\', bytes, text, data)?;
            self.bump();
            return Self::push_char(at, e, bytes, text, data);
        }
        let simple = match e {
            '\\' | '\'' | '"' => Some(e),
            'a' => Some('\u{07}'),
            'b' => Some('\u{08}'),
            'f' => Some('\u{0c}'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            'v' => Some('\u{0b}'),
            '/' if !bytes => Some('/'),
            _ => None,
        };
        if let Some(c) = simple {
            self.bump();
            return Self::push_char(at, c, bytes, text, data);
        }
        match e {
            '\n' => {
                self.bump();
                Ok(())
            }
            '\r' => {
                self.bump();
                if self.ch(0) == Some('\n') {
                    self.bump();
                }
                Ok(())
            }
            '0'..='7' => {
                let mut value: u32 = 0;
                for _ in 0..3 {
                    match self.ch(0).and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            value = value.saturating_mul(8).saturating_add(d);
                            self.bump();
                        }
                        None => break,
                    }
                }
                if bytes {
                    let b = u8::try_from(value).map_err(|_| {
                        error(
                            at,
                            fill(
                                "octal escape \\{} is too large for a byte (the largest is \\377)",
                                &[&radix(value, 8, 1, false)],
                            ),
                        )
                    })?;
                    data.push(b);
                    Ok(())
                } else {
                    let c = char::from_u32(value).unwrap_or('\u{fffd}');
                    text.push(c);
                    Ok(())
                }
            }
            'x' => {
                self.bump();
                let value = self.read_hex(2).ok_or_else(|| {
                    fixed(
                        at,
                        "invalid \\x escape: it needs exactly two hex digits, like \\x41",
                    )
                })?;
                let b = u8::try_from(value).unwrap_or(0);
                if bytes {
                    data.push(b);
                } else {
                    text.push(char::from(b));
                }
                Ok(())
            }
            'u' | 'U' if !bytes => {
                self.bump();
                let (digits, problem) = if e == 'u' {
                    (4, "invalid \\u escape: it needs exactly 4 hex digits")
                } else {
                    (8, "invalid \\U escape: it needs exactly 8 hex digits")
                };
                let value = self.read_hex(digits).ok_or_else(|| fixed(at, problem))?;
                let c = self.unicode_escape(at, value, e == 'u')?;
                text.push(c);
                Ok(())
            }
            'N' if !bytes => Err(fixed(
                at,
                "named unicode escapes are not supported; write the character itself \
                     or use a \\u escape",
            )),
            _ => {
                // Python keeps unknown escapes as they are, backslash included.
                Self::push_char(at, '\\', bytes, text, data)?;
                self.bump();
                Self::push_char(at, e, bytes, text, data)
            }
        }
    }

    /// Turns a `\u`/`\U` code into a character, joining UTF-16 surrogate
    /// pairs written as two `\u` escapes.
    fn unicode_escape(&mut self, at: Mark, value: u32, short: bool) -> Result<char, ParseError> {
        let lone = |v: u32| {
            error(
                at,
                fill(
                    "\\u{} is half of a UTF-16 surrogate pair without its other half; \
                     it cannot be represented in text",
                    &[&radix(v, 16, 4, false)],
                ),
            )
        };
        if short && (0xD800..=0xDBFF).contains(&value) {
            if self.ch(0) == Some('\\') && self.ch(1) == Some('u') {
                self.bump();
                self.bump();
                if let Some(low) = self.read_hex(4)
                    && (0xDC00..=0xDFFF).contains(&low)
                {
                    let high_bits = value.saturating_sub(0xD800);
                    let low_bits = low.saturating_sub(0xDC00);
                    let code = high_bits
                        .checked_mul(0x400)
                        .and_then(|v| v.checked_add(low_bits))
                        .and_then(|v| v.checked_add(0x1_0000));
                    if let Some(c) = code.and_then(char::from_u32) {
                        return Ok(c);
                    }
                }
            }
            return Err(lone(value));
        }
        if (0xD800..=0xDFFF).contains(&value) {
            return Err(lone(value));
        }
        char::from_u32(value).ok_or_else(|| {
            error(
                at,
                fill(
                    "\\U{} is not a valid Unicode character (the largest is \\U0010ffff)",
                    &[&radix(value, 16, 8, false)],
                ),
            )
        })
    }

    /// Reads digits of `radix` with single underscores between them, appending
    /// the digits (without underscores) to `out`.
    fn digit_run(
        &mut self,
        radix: u32,
        out: &mut String,
        allow_leading_underscore: bool,
    ) -> Result<(), ParseError> {
        let mut prev_digit = false;
        let mut first = true;
        loop {
            match self.ch(0) {
                Some(c) if c.is_digit(radix) => {
                    out.push(c);
                    self.bump();
                    prev_digit = true;
                }
                Some('_') => {
                    let next_ok = self.ch(1).is_some_and(|d| d.is_digit(radix));
                    if next_ok && (prev_digit || (first && allow_leading_underscore)) {
                        self.bump();
                        prev_digit = false;
                    } else {
                        return Err(misplaced_underscore(self.mark()));
                    }
                }
                _ => return Ok(()),
            }
            first = false;
        }
    }

    /// Complains if a number runs straight into letters, as in `12abc` or `1j`.
    fn check_number_end(&self, start: Mark) -> Result<(), ParseError> {
        match self.ch(0) {
            Some('j' | 'J') => Err(fixed(start, "complex numbers (like 1j) are not supported")),
            Some(c) if is_name_char(c) => {
                let mut end = self.pos;
                while self.chars.get(end).is_some_and(|&c| is_name_char(c)) {
                    end = end.saturating_add(1);
                }
                Err(error(
                    start,
                    fill(
                        "invalid number `{}`",
                        &[&self.excerpt(start.idx, end, EXCERPT_CHARS)],
                    ),
                ))
            }
            _ => Ok(()),
        }
    }

    fn accumulate(start: Mark, digits: &str, radix: u32) -> Result<u128, ParseError> {
        let mut value: u128 = 0;
        for c in digits.chars() {
            let d = c.to_digit(radix).ok_or_else(|| too_large(start))?;
            value = value
                .checked_mul(u128::from(radix))
                .and_then(|v| v.checked_add(u128::from(d)))
                .ok_or_else(|| too_large(start))?;
        }
        Ok(value)
    }

    fn lex_number(&mut self, start: Mark) -> Result<Tok, ParseError> {
        let radix = match (self.ch(0), self.ch(1)) {
            (Some('0'), Some('x' | 'X')) => 16,
            (Some('0'), Some('o' | 'O')) => 8,
            (Some('0'), Some('b' | 'B')) => 2,
            _ => 10,
        };
        let decimal = radix == 10;
        if !decimal {
            self.bump();
            self.bump();
        }
        // The number's digits without underscores; a decimal one written as
        // `float::from_str` reads a float (`I.F` and `I.FeX`, `.5` as `0.5`).
        let mut text = String::new();
        self.digit_run(radix, &mut text, !decimal)?;
        let mut is_float = false;
        if decimal {
            if text.is_empty() {
                text.push('0');
            }
            if self.ch(0) == Some('.') {
                self.bump();
                if self.ch(0) == Some('_') {
                    return Err(misplaced_underscore(self.mark()));
                }
                text.push('.');
                let before = text.len();
                self.digit_run(10, &mut text, false)?;
                if text.len() == before {
                    text.push('0');
                }
                is_float = true;
            }
            if matches!(self.ch(0), Some('e' | 'E')) {
                let sign = self.ch(1);
                let has_sign = matches!(sign, Some('+' | '-'));
                let first_digit = if has_sign { self.ch(2) } else { self.ch(1) };
                if first_digit.is_some_and(|d| d.is_ascii_digit()) {
                    self.bump();
                    if has_sign {
                        self.bump();
                    }
                    if !is_float {
                        text.push_str(".0");
                    }
                    text.push('e');
                    if sign == Some('-') {
                        text.push('-');
                    }
                    self.digit_run(10, &mut text, false)?;
                    is_float = true;
                }
            }
        }
        self.check_number_end(start)?;
        if is_float {
            self.float =
                crate::float::from_str(&text).ok_or_else(|| fixed(start, "invalid number"))?;
            return Ok(Tok::Float);
        }
        // Only a prefixed number can have no digits (a decimal one has at least `0`).
        if text.is_empty() {
            return Err(fixed(
                start,
                "invalid number: digits are missing after the base prefix",
            ));
        }
        if decimal && text.len() > 1 && text.starts_with('0') && text.chars().any(|c| c != '0') {
            let digits = text.trim_start_matches('0');
            return Err(error(
                start,
                fill(
                    "leading zeros are not allowed in integers like `{}`; write {}, or 0o{} for an octal number",
                    &[
                        &self.excerpt(start.idx, self.pos, EXCERPT_CHARS),
                        digits,
                        digits,
                    ],
                ),
            ));
        }
        self.int = Self::accumulate(start, &text, radix)?;
        Ok(Tok::Int)
    }

    // ----- token stream ----------------------------------------------------------

    fn peek(&mut self) -> Result<Tok, ParseError> {
        let token = match self.peeked {
            Some(t) => t,
            None => self.lex()?,
        };
        self.peeked = Some(token);
        Ok(token.tok)
    }

    fn next_token(&mut self) -> Result<Token, ParseError> {
        let tok = match self.peeked.take() {
            Some(t) => t,
            None => self.lex()?,
        };
        self.prev_end_line = self.last_end_line;
        self.last_end_line = tok.end_line;
        Ok(tok)
    }

    fn peek_is_close(&mut self, c: char) -> Result<bool, ParseError> {
        Ok(matches!(self.peek()?, Tok::Close(x) if x == c))
    }

    /// Skips `NAME =` at the start of the input, if present.
    fn skip_assignment(&mut self) {
        let saved = (self.pos, self.line, self.col);
        let is_assignment = matches!(self.lex().map(|t| t.tok), Ok(Tok::Ident))
            && matches!(self.lex().map(|t| t.tok), Ok(Tok::Op(OP_ASSIGN)));
        if !is_assignment {
            (self.pos, self.line, self.col) = saved;
        }
    }

    // ----- parser ----------------------------------------------------------------

    fn document(&mut self) -> Result<Node, ParseError> {
        let mut stack: Vec<Frame> = Vec::new();
        loop {
            let tok = self.next_token()?;
            let Some((mut cur, mut cur_start)) = self.begin_value(tok, &mut stack)? else {
                continue;
            };
            loop {
                let tok = self.next_token()?;
                let Some(frame) = stack.last_mut() else {
                    if matches!(tok.tok, Tok::Eof) {
                        return Ok(cur);
                    }
                    return Err(self.after_value_error(Ctx::Top, &tok, cur_start));
                };
                let after = self.after_value(frame, cur, cur_start, tok)?;
                let Some(frame) = stack.pop_if(|_| !matches!(after, After::Continue)) else {
                    break;
                };
                cur_start = frame.open;
                cur = match after {
                    After::Unwrapped(inner) => inner,
                    _ => frame.close(),
                };
            }
        }
    }

    /// Handles a token where a value should start, and the signs and number after it when it
    /// is a `+` or `-`. Returns the value and where it starts, or `None` if a bracket was
    /// opened.
    fn begin_value(
        &mut self,
        mut tok: Token,
        stack: &mut Vec<Frame>,
    ) -> Result<Option<(Node, Mark)>, ParseError> {
        let start = tok.start;
        let mut signed = false;
        let mut negative = false;
        let kind = loop {
            let neg = |f: f64| if negative { -f } else { f };
            break match tok.tok {
                Tok::Op(sign @ (OP_PLUS | OP_MINUS)) => {
                    signed = true;
                    negative ^= sign == OP_MINUS;
                    tok = self.next_token()?;
                    continue;
                }
                Tok::Int => {
                    NodeKind::Int(signed_int(self.int, negative).ok_or_else(|| too_large(start))?)
                }
                Tok::Float => NodeKind::Float(neg(self.float)),
                Tok::Inf => NodeKind::Float(neg(f64::INFINITY)),
                Tok::NaN => NodeKind::Float(neg(f64::NAN)),
                Tok::Ident if self.word == "float" => {
                    NodeKind::Float(neg(self.float_call(tok.start)?))
                }
                Tok::Ident => {
                    return Err(self.python_code(start.idx, tok.start, name_hint(&self.word)));
                }
                _ if signed => {
                    let found = self.describe(&tok);
                    return Err(error(
                        tok.start,
                        fill("expected a number after the sign, found {}", &[&found]),
                    ));
                }
                Tok::Open(c) => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(fixed(start, TOO_DEEP));
                    }
                    let frame = Frame {
                        bracket: c,
                        open: start,
                        items: Vec::new(),
                        pairs: Vec::new(),
                        key: None,
                    };
                    if self.peek_is_close(closer(c))? {
                        self.next_token()?;
                        return Ok(Some((frame.close(), start)));
                    }
                    stack.push(frame);
                    return Ok(None);
                }
                Tok::Str | Tok::Bytes => {
                    return self.strings(start, matches!(tok.tok, Tok::Bytes)).map(Some);
                }
                Tok::Bool(b) => NodeKind::Bool(b),
                Tok::Null => NodeKind::None,
                Tok::Op(op) => {
                    return Err(self.python_code(start.idx, start, &operator_hint(op_text(op))));
                }
                Tok::Close(_) | Tok::Colon | Tok::Comma | Tok::Eof => {
                    let message = match (tok.tok, stack.last().map(Frame::opener)) {
                        (Tok::Close(c), None) => nothing_to_close(c),
                        (Tok::Close(c), Some((b, open))) if closer(b) != c => mismatch(c, b, open),
                        (Tok::Eof, Some((b, open))) => never_closed("a value", b, open),
                        _ => fill("expected a value, found {}", &[&self.describe(&tok)]),
                    };
                    return Err(error(start, message));
                }
            };
        };
        Ok(Some((node(kind, start), start)))
    }

    /// Joins adjacent string literals (`'a' "b"` is `"ab"`); the first one's text or bytes
    /// are in the parser's fields.
    fn strings(&mut self, start: Mark, bytes: bool) -> Result<(Node, Mark), ParseError> {
        let mut text = core::mem::take(&mut self.text);
        let mut data = core::mem::take(&mut self.data);
        while let next @ (Tok::Str | Tok::Bytes) = self.peek()? {
            let tok = self.next_token()?;
            if matches!(next, Tok::Bytes) != bytes {
                return Err(fixed(
                    tok.start,
                    "cannot join a bytes literal (b'...') and a text string written \
                         next to each other; make them the same kind",
                ));
            }
            if bytes {
                data.extend_from_slice(&self.data);
            } else {
                text.push_str(&self.text);
            }
        }
        let kind = if bytes {
            NodeKind::Bytes(data)
        } else {
            NodeKind::Str(text)
        };
        Ok((node(kind, start), start))
    }

    /// Reads `float('...')` after the name `float`, which starts at `start`.
    fn float_call(&mut self, start: Mark) -> Result<f64, ParseError> {
        if !matches!(self.peek()?, Tok::Open('(')) {
            return Err(self.python_code(start.idx, start, ""));
        }
        let open = self.next_token()?;
        let arg = self.next_token()?;
        let Tok::Str = arg.tok else {
            return Err(self.python_code(start.idx, start, ""));
        };
        // Taken now: the tokens read next (`)`, or a string before the error) would overwrite it.
        let text = core::mem::take(&mut self.text);
        let mut close = self.next_token()?;
        if matches!(close.tok, Tok::Comma) {
            close = self.next_token()?;
        }
        match close.tok {
            Tok::Close(')') => {}
            Tok::Eof => {
                return Err(error(close.start, never_closed("`)`", '(', open.start)));
            }
            _ => return Err(self.python_code(start.idx, start, "")),
        }
        float_from_text(&text).ok_or_else(|| {
            error(
                arg.start,
                fill(
                    "float() can only be given a number, 'inf' or 'nan' here, found {}",
                    &[&self.describe(&arg)],
                ),
            )
        })
    }

    /// Handles the token after a value inside a bracket; `frame` is that bracket, on top of
    /// the stack.
    fn after_value(
        &mut self,
        frame: &mut Frame,
        cur: Node,
        cur_start: Mark,
        tok: Token,
    ) -> Result<After, ParseError> {
        let (bracket, open) = frame.opener();
        if bracket == '{' && frame.key.is_none() {
            if matches!(tok.tok, Tok::Colon) {
                frame.key = Some(cur);
                return Ok(After::Continue);
            }
            let first = frame.pairs.is_empty();
            return Err(self.after_value_error(Ctx::DictKey { open, first }, &tok, cur_start));
        }
        let close = closer(bracket);
        let comma = match tok.tok {
            Tok::Comma => true,
            Tok::Close(c) if c == close => false,
            _ => {
                let ctx = match bracket {
                    '{' => Ctx::DictValue(open),
                    '[' => Ctx::List(open),
                    _ => Ctx::Paren(open),
                };
                return Err(self.after_value_error(ctx, &tok, cur_start));
            }
        };
        if !comma && bracket == '(' && frame.items.is_empty() {
            return Ok(After::Unwrapped(cur));
        }
        match frame.key.take() {
            Some(key) => frame.pairs.push((key, cur)),
            None => frame.items.push(cur),
        }
        if comma && !self.peek_is_close(close)? {
            return Ok(After::Continue);
        }
        if comma {
            self.next_token()?;
        }
        Ok(After::Closed)
    }

    /// The error for an unexpected token right after a complete value that
    /// started at `cur_start`.
    fn after_value_error(&self, ctx: Ctx, tok: &Token, cur_start: Mark) -> ParseError {
        let at = tok.start;
        let same_line = at.line == self.prev_end_line;
        let (expected, opener) = match ctx {
            Ctx::Top => ("end of input after the value", None),
            Ctx::List(o) => ("`,` or `]` after the list item", Some(('[', o))),
            Ctx::Paren(o) => ("`,` or `)` after the item", Some(('(', o))),
            Ctx::DictKey { open, .. } => ("`:` after the dictionary key", Some(('{', open))),
            Ctx::DictValue(o) => ("`,` or `}` after the dictionary value", Some(('{', o))),
        };
        let set_hint = match ctx {
            Ctx::DictKey { first: true, .. } => " (sets like {1, 2} are not supported; use a list)",
            _ => "",
        };
        let is_key = matches!(ctx, Ctx::DictKey { .. });
        // The open bracket (read only when there is one).
        let (b, o) = opener.unwrap_or(('(', at));
        let found = self.describe(tok);
        let message = match tok.tok {
            Tok::Op(op) if !(is_key && op == OP_ASSIGN) => {
                return self.python_code(cur_start.idx, at, &operator_hint(op_text(op)));
            }
            Tok::Ident if is_expression_keyword(&self.word) => {
                return self.python_code(
                    cur_start.idx,
                    at,
                    &fill(" (it uses `{}`)", &[&self.word]),
                );
            }
            Tok::Open('(') if same_line => {
                return self.python_code(cur_start.idx, at, " (it calls something)");
            }
            Tok::Close(c) if opener.is_none() => nothing_to_close(c),
            Tok::Close(c) if closer(b) != c => mismatch(c, b, o),
            Tok::Eof if opener.is_some() => never_closed(expected, b, o),
            _ => {
                // Every other message is "missing `:` …, found X" or "expected …, found X"
                // and a hint; X is the token's text (`end of input` at the end).
                let key_form = is_key && !matches!(tok.tok, Tok::Colon);
                let hint = match tok.tok {
                    Tok::Op(_) => " (write dictionary entries as `key: value`)",
                    Tok::Close(_) | Tok::Comma if key_form => set_hint,
                    Tok::Comma => " (to write a tuple, wrap it in parentheses)",
                    Tok::Close(_) | Tok::Colon | Tok::Eof => "",
                    _ if key_form => "",
                    _ if matches!(ctx, Ctx::Top) => " (only one value can be read at a time)",
                    _ => " (missing comma?)",
                };
                if key_form {
                    fill(
                        "missing `:` after the dictionary key, found {}{}",
                        &[&found, hint],
                    )
                } else {
                    fill("expected {}, found {}{}", &[expected, &found, hint])
                }
            }
        };
        error(at, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    fn ok(text: &str) -> Node {
        match parse(text) {
            Ok(n) => n,
            Err(e) => panic!("{text:?} failed: {e}"),
        }
    }

    fn kind(text: &str) -> NodeKind {
        ok(text).kind
    }

    fn err(text: &str) -> ParseError {
        match parse(text) {
            Ok(n) => panic!("{text:?} unexpectedly parsed: {n:?}"),
            Err(e) => e,
        }
    }

    fn s(text: &str) -> NodeKind {
        NodeKind::Str(text.to_string())
    }

    fn strip(n: &Node) -> NodeKind {
        n.kind.clone()
    }

    /// The node with every position set to 0, for comparing shapes.
    fn zero(n: &Node) -> NodeKind {
        let z = |n: &Node| Node {
            kind: zero(n),
            line: 0,
            col: 0,
        };
        match &n.kind {
            NodeKind::List(items) => NodeKind::List(items.iter().map(z).collect()),
            NodeKind::Tuple(items) => NodeKind::Tuple(items.iter().map(z).collect()),
            NodeKind::Dict(pairs) => {
                NodeKind::Dict(pairs.iter().map(|(k, v)| (z(k), z(v))).collect())
            }
            other => other.clone(),
        }
    }

    fn float_bits(text: &str) -> u64 {
        match kind(text) {
            NodeKind::Float(f) => f.to_bits(),
            other => panic!("{text:?} gave {other:?}"),
        }
    }

    #[test]
    fn keywords() {
        assert_eq!(kind("True"), NodeKind::Bool(true));
        assert_eq!(kind("False"), NodeKind::Bool(false));
        assert_eq!(kind("None"), NodeKind::None);
        assert_eq!(kind("true"), NodeKind::Bool(true));
        assert_eq!(kind("false"), NodeKind::Bool(false));
        assert_eq!(kind("null"), NodeKind::None);
    }

    #[test]
    fn integers() {
        assert_eq!(kind("123"), NodeKind::Int(123));
        assert_eq!(kind("-5"), NodeKind::Int(-5));
        assert_eq!(kind("+5"), NodeKind::Int(5));
        assert_eq!(kind("1_000"), NodeKind::Int(1000));
        assert_eq!(kind("0x1F"), NodeKind::Int(31));
        assert_eq!(kind("0X_ff"), NodeKind::Int(255));
        assert_eq!(kind("0o17"), NodeKind::Int(15));
        assert_eq!(kind("0b101"), NodeKind::Int(5));
        assert_eq!(kind("- -1"), NodeKind::Int(1));
        assert_eq!(kind("-+-1"), NodeKind::Int(1));
        assert_eq!(kind("--\n1"), NodeKind::Int(1));
        assert_eq!(kind("0"), NodeKind::Int(0));
        assert_eq!(kind("000"), NodeKind::Int(0));
        assert_eq!(kind("-0"), NodeKind::Int(0));
        assert_eq!(
            kind("170141183460469231731687303715884105727"),
            NodeKind::Int(i128::MAX)
        );
        assert_eq!(
            kind("-170141183460469231731687303715884105728"),
            NodeKind::Int(i128::MIN)
        );
    }

    #[test]
    fn integer_errors() {
        let e = err("170141183460469231731687303715884105728");
        assert!(e.message.contains("integer too large"), "{e}");
        let e = err("- -170141183460469231731687303715884105728");
        assert!(e.message.contains("integer too large"), "{e}");
        let e = err("[1, 99999999999999999999999999999999999999999999999999]");
        assert!(e.message.contains("integer too large"), "{e}");
        assert_eq!((e.line, e.col), (1, 5));
        let e = err("0x1_0000_0000_0000_0000_0000_0000_0000_0000");
        assert!(e.message.contains("integer too large"), "{e}");
        assert!(err("0123").message.contains("leading zeros"));
        assert!(err("1__0").message.contains("misplaced `_`"));
        assert!(err("1_").message.contains("misplaced `_`"));
        assert!(err("0x").message.contains("digits are missing"));
        assert!(err("0b102").message.contains("invalid number `0b102`"));
        assert!(err("12abc").message.contains("invalid number"));
        assert!(err("1j").message.contains("complex"));
        assert!(
            err("-")
                .message
                .contains("expected a number after the sign")
        );
        assert!(
            err("-'a'")
                .message
                .contains("expected a number after the sign")
        );
    }

    #[test]
    fn floats() {
        assert_eq!(kind("1.5"), NodeKind::Float(1.5));
        assert_eq!(kind(".5"), NodeKind::Float(0.5));
        assert_eq!(kind("5."), NodeKind::Float(5.0));
        assert_eq!(kind("1e10"), NodeKind::Float(1e10));
        assert_eq!(kind("1.5E-3"), NodeKind::Float(1.5e-3));
        assert_eq!(kind("1E+3"), NodeKind::Float(1000.0));
        assert_eq!(kind("1.e2"), NodeKind::Float(100.0));
        assert_eq!(kind("1_0.5"), NodeKind::Float(10.5));
        assert_eq!(kind("1_0.2_5e1_0"), NodeKind::Float(10.25e10));
        assert_eq!(kind("0123.5"), NodeKind::Float(123.5));
        assert_eq!(kind("-2.5"), NodeKind::Float(-2.5));
        assert_eq!(float_bits("-0.0"), (-0.0f64).to_bits());
        assert_eq!(float_bits("0.0"), 0.0f64.to_bits());
        assert_eq!(float_bits("0.1"), 0.1f64.to_bits());
        assert_eq!(
            float_bits("2.2250738585072011e-308"),
            2.225_073_858_507_201e-308f64.to_bits()
        );
        assert_eq!(kind("1e400"), NodeKind::Float(f64::INFINITY));
        assert_eq!(kind("float('inf')"), NodeKind::Float(f64::INFINITY));
        assert_eq!(kind("float(\"-inf\")"), NodeKind::Float(f64::NEG_INFINITY));
        assert_eq!(kind("-float('inf')"), NodeKind::Float(f64::NEG_INFINITY));
        assert_eq!(kind("float( 'Infinity', )"), NodeKind::Float(f64::INFINITY));
        assert_eq!(kind("float('1_000.5')"), NodeKind::Float(1000.5));
        assert!(matches!(kind("float('nan')"), NodeKind::Float(f) if f.is_nan()));
        assert_eq!(kind("Infinity"), NodeKind::Float(f64::INFINITY));
        assert_eq!(kind("-Infinity"), NodeKind::Float(f64::NEG_INFINITY));
        assert!(matches!(kind("NaN"), NodeKind::Float(f) if f.is_nan()));
        assert!(
            err("float('abc')")
                .message
                .contains("float() can only be given")
        );
        assert!(err("float(1)").message.contains("is Python code"));
        assert!(err("float").message.contains("is Python code"));
        assert!(err("float('inf'").message.contains("never closed"));
    }

    #[test]
    fn simple_strings() {
        assert_eq!(kind("'abc'"), s("abc"));
        assert_eq!(kind("\"abc\""), s("abc"));
        assert_eq!(kind("''"), s(""));
        assert_eq!(kind("'''a\n'b'\nc'''"), s("a\n'b'\nc"));
        assert_eq!(kind("\"\"\"x\"\"y\"\"\""), s("x\"\"y"));
        assert_eq!(kind("u'abc'"), s("abc"));
        assert_eq!(kind("U\"abc\""), s("abc"));
        assert_eq!(kind("'héllo ✓ 😀'"), s("héllo ✓ 😀"));
        assert_eq!(kind("'''a\r\nb'''"), s("a\nb"));
    }

    #[test]
    fn escapes() {
        assert_eq!(
            kind(r#"'\\ \' \" \n \r \t \a \b \f \v \0'"#),
            s("\\ ' \" \n \r \t \u{7} \u{8} \u{c} \u{b} \0")
        );
        assert_eq!(kind(r"'\101\1012\7'"), s("AA2\u{7}"));
        assert_eq!(kind(r"'\x41\xe9'"), s("Aé"));
        assert_eq!(kind(r"'\u00e9\u2713'"), s("é✓"));
        assert_eq!(kind(r"'\U0001F600'"), s("😀"));
        assert_eq!(kind("'a\\\nb'"), s("ab"));
        assert_eq!(kind("'a\\\r\nb'"), s("ab"));
        assert_eq!(kind(r"'\d\w\q'"), s(r"\d\w\q"));
        assert_eq!(kind(r#""a\/b""#), s("a/b"));
        let e = err(r"'\N{BULLET}'");
        assert!(
            e.message
                .contains("named unicode escapes are not supported"),
            "{e}"
        );
        assert!(err(r"'\x4'").message.contains("\\x escape"));
        assert!(err(r"'\u12'").message.contains("\\u escape"));
        assert!(err(r"'\U00110000'").message.contains("not a valid Unicode"));
        assert!(err(r"'\UFFFFFFFF'").message.contains("not a valid Unicode"));
    }

    #[test]
    fn raw_strings() {
        assert_eq!(kind(r"r'\d+\n'"), s(r"\d+\n"));
        assert_eq!(kind(r"R'\''"), s(r"\'"));
        assert_eq!(kind(r#"r"a\"b""#), s(r#"a\"b"#));
        assert_eq!(kind(r"r'''\N{x}'''"), s(r"\N{x}"));
    }

    #[test]
    fn bytes_literals() {
        assert_eq!(kind("b'abc'"), NodeKind::Bytes(b"abc".to_vec()));
        assert_eq!(kind("B\"a\""), NodeKind::Bytes(b"a".to_vec()));
        assert_eq!(
            kind(r"b'\x00\xff\n\377'"),
            NodeKind::Bytes(vec![0, 255, b'\n', 255])
        );
        assert_eq!(kind(r"b'\u1234'"), NodeKind::Bytes(b"\\u1234".to_vec()));
        assert_eq!(kind(r"rb'\x00'"), NodeKind::Bytes(b"\\x00".to_vec()));
        assert_eq!(kind(r"Br'\x00'"), NodeKind::Bytes(b"\\x00".to_vec()));
        assert_eq!(kind(r"bR'a'"), NodeKind::Bytes(b"a".to_vec()));
        let e = err("b'caf\u{e9}'");
        assert!(e.message.contains("ASCII"), "{e}");
        assert_eq!((e.line, e.col), (1, 6));
        assert!(err(r"b'\777'").message.contains("too large for a byte"));
    }

    #[test]
    fn concatenation() {
        assert_eq!(kind("'a' \"b\""), s("ab"));
        assert_eq!(kind("('a'\n 'b'\n 'c')"), s("abc"));
        assert_eq!(kind("b'a' b'b'"), NodeKind::Bytes(b"ab".to_vec()));
        let e = err("'a' b'b'");
        assert!(e.message.contains("cannot join a bytes literal"), "{e}");
        assert_eq!((e.line, e.col), (1, 5));
    }

    #[test]
    fn json_surrogates() {
        assert_eq!(kind(r#""\ud83d\ude00""#), s("😀"));
        assert_eq!(kind(r#""x\uD83D\uDE00y""#), s("x😀y"));
        for bad in [
            r#""\ud83d""#,
            r#""\ude00""#,
            r#""\ud83d\u0041""#,
            r#""\ud83dx""#,
        ] {
            let e = err(bad);
            assert!(e.message.contains("surrogate"), "{bad}: {e}");
            assert_eq!((e.line, e.col), (1, 2));
        }
    }

    #[test]
    fn containers() {
        let n = |k: NodeKind| k;
        assert_eq!(kind("[]"), NodeKind::List(vec![]));
        assert_eq!(kind("()"), NodeKind::Tuple(vec![]));
        assert_eq!(kind("{}"), NodeKind::Dict(vec![]));
        let list = kind("[1, 2,]");
        match list {
            NodeKind::List(items) => {
                assert_eq!(
                    items.iter().map(strip).collect::<Vec<_>>(),
                    vec![n(NodeKind::Int(1)), NodeKind::Int(2)]
                );
            }
            other => panic!("{other:?}"),
        }
        match kind("(1,)") {
            NodeKind::Tuple(items) => assert_eq!(items.len(), 1),
            other => panic!("{other:?}"),
        }
        match kind("(1, 'a')") {
            NodeKind::Tuple(items) => assert_eq!(items.len(), 2),
            other => panic!("{other:?}"),
        }
        assert_eq!(kind("(1)"), NodeKind::Int(1));
        assert_eq!(kind("((('x')))"), s("x"));
        assert_eq!(kind("(-1)"), NodeKind::Int(-1));
        match kind("{'a': 1, 2: [3], (4, 5): {},}") {
            NodeKind::Dict(pairs) => {
                assert_eq!(pairs.len(), 3);
                assert_eq!(strip(&pairs[0].0), s("a"));
                assert_eq!(strip(&pairs[1].0), NodeKind::Int(2));
                assert!(matches!(strip(&pairs[2].0), NodeKind::Tuple(_)));
            }
            other => panic!("{other:?}"),
        }
        match kind("{'a': 1, 'a': 2}") {
            NodeKind::Dict(pairs) => assert_eq!(pairs.len(), 2),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn comments_and_whitespace() {
        let text =
            "# leading comment\n\n  [ # open\n 1 , # one\n\n 2 # two\n ] # trailing\n# end\n";
        match kind(text) {
            NodeKind::List(items) => {
                assert_eq!(items.len(), 2);
                assert_eq!((items[0].line, items[0].col), (4, 2));
                assert_eq!((items[1].line, items[1].col), (6, 2));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(kind("\u{feff}  1  "), NodeKind::Int(1));
        assert_eq!(kind("\t\r\n1\r\n"), NodeKind::Int(1));
        assert_eq!(kind("X = \\\n  1"), NodeKind::Int(1));
    }

    #[test]
    fn assignment_prefix() {
        let n = ok("CACHES = {'default': {}}");
        assert!(matches!(n.kind, NodeKind::Dict(_)));
        assert_eq!((n.line, n.col), (1, 10));
        assert_eq!(kind("timeout=5"), NodeKind::Int(5));
        assert!(err("CACHES == 1").message.contains("is Python code"));
        let e = err("CACHES = ");
        assert_eq!(e.message, "expected a value, found end of input");
    }

    #[test]
    fn python_code_names() {
        let e = err("BASE_DIR");
        assert_eq!(
            e.to_string(),
            "line 1, column 1: `BASE_DIR` is Python code, not a literal value; write the value \
             itself (a quoted string, a number, True/False/None, or a list, tuple or dict of those)"
        );
        let e = err("{'LOCATION': BASE_DIR / \"cache\", 'X': 1}");
        assert_eq!((e.line, e.col), (1, 14));
        assert!(
            e.message
                .starts_with("`BASE_DIR / \"cache\"` is Python code"),
            "{e}"
        );
        assert!(e.message.contains("write the value itself"));
        let text = "{\n  'default': {\n    'BACKEND': 'x',\n    'LOCATION': os.environ.get(\"REDIS_URL\"),\n  }\n}";
        let e = err(text);
        assert_eq!((e.line, e.col), (4, 17));
        assert!(
            e.message
                .starts_with("`os.environ.get(\"REDIS_URL\")` is Python code, not a literal value"),
            "{e}"
        );
        let e = err("{'K': TRUE}");
        assert!(e.message.contains("did you mean `True`?"), "{e}");
        let e = err("[f'{x}']");
        assert_eq!((e.line, e.col), (1, 2));
        assert!(e.message.contains("`f'{x}'` is Python code"), "{e}");
        assert!(e.message.contains("f-strings"), "{e}");
        let e = err("dict(a=1)");
        assert!(e.message.contains("`dict(a=1)` is Python code"), "{e}");
        let e = err("[1, 2] * 3");
        assert_eq!((e.line, e.col), (1, 8));
        assert!(e.message.contains("`[1, 2] * 3` is Python code"), "{e}");
        let e = err("{'a': 1}.get('a')");
        assert_eq!((e.line, e.col), (1, 9));
        let e = err("['a' + 'b']");
        assert_eq!((e.line, e.col), (1, 6));
        assert!(e.message.contains("`'a' + 'b'`"), "{e}");
        let e = err("[x for x in y]");
        assert!(e.message.contains("Python code"), "{e}");
        let e = err("[1, 'a'.upper()]");
        assert!(e.message.contains("`'a'.upper()`"), "{e}");
        let e = err("[*a]");
        assert!(e.message.contains("Python code"), "{e}");
        let e = err(&("[".to_string() + &"x".repeat(100) + "]"));
        assert!(e.message.contains('…'), "{e}");
    }

    const SETTINGS_BAD: &str = "CACHES = {
    # the main cache
    'default': {
        'BACKEND': 'django.core.cache.backends.locmem.LocMemCache',
        'LOCATION': 'unique-snowflake',
        'TIMEOUT': 60 * 5 if False else 300,   # <- this line must be an error
    },
}
";

    #[test]
    fn settings_block_with_expression() {
        let e = err(SETTINGS_BAD);
        assert_eq!(e.line, 6, "{e}");
        assert_eq!(e.col, 23, "{e}");
        assert!(
            e.message
                .starts_with("`60 * 5 if False else 300` is Python code, not a literal value"),
            "{e}"
        );
        assert!(e.message.contains("`*`"), "{e}");
        assert!(e.message.contains("write the value itself"), "{e}");
        let e = err(&SETTINGS_BAD.replace("60 * 5 ", "300 "));
        assert_eq!((e.line, e.col), (6, 24), "{e}");
        assert!(e.message.contains("`if`"), "{e}");
    }

    #[test]
    fn settings_block_valid() {
        let text = SETTINGS_BAD.replace("60 * 5 if False else 300", "300");
        let n = ok(&text);
        assert_eq!((n.line, n.col), (1, 10));
        let NodeKind::Dict(pairs) = &n.kind else {
            panic!("{n:?}")
        };
        assert_eq!(pairs.len(), 1);
        let (k, v) = &pairs[0];
        assert_eq!(k.kind, s("default"));
        assert_eq!((k.line, k.col), (3, 5));
        assert_eq!((v.line, v.col), (3, 16));
        let NodeKind::Dict(inner) = &v.kind else {
            panic!("{v:?}")
        };
        let got: Vec<(String, u32, u32, NodeKind)> = inner
            .iter()
            .map(|(k, v)| match &k.kind {
                NodeKind::Str(name) => (name.clone(), v.line, v.col, v.kind.clone()),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "BACKEND".to_string(),
                    4,
                    20,
                    s("django.core.cache.backends.locmem.LocMemCache")
                ),
                ("LOCATION".to_string(), 5, 21, s("unique-snowflake")),
                ("TIMEOUT".to_string(), 6, 20, NodeKind::Int(300)),
            ]
        );
    }

    #[test]
    fn json_document() {
        let text = r#"{
  "name": "edge\tcache \u00e9\ud83d\ude00",
  "enabled": true, "disabled": false, "nothing": null,
  "numbers": [0, -0, 12, -3.5e2, 1E3, 0.000001, -0.0],
  "nested": {"a": [[], {}], "b": {"c": [1, [2, [3]]]}},
  "escapes": "\"\\\/\b\f\n\r\t"
}"#;
        let n = ok(text);
        let NodeKind::Dict(pairs) = &n.kind else {
            panic!("{n:?}")
        };
        let keys: Vec<NodeKind> = pairs.iter().map(|(k, _)| strip(k)).collect();
        assert_eq!(
            keys,
            vec![
                s("name"),
                s("enabled"),
                s("disabled"),
                s("nothing"),
                s("numbers"),
                s("nested"),
                s("escapes")
            ]
        );
        assert_eq!(strip(&pairs[0].1), s("edge\tcache é😀"));
        assert_eq!((pairs[0].1.line, pairs[0].1.col), (2, 11));
        assert_eq!(strip(&pairs[1].1), NodeKind::Bool(true));
        assert_eq!(strip(&pairs[2].1), NodeKind::Bool(false));
        assert_eq!(strip(&pairs[3].1), NodeKind::None);
        let NodeKind::List(nums) = &pairs[4].1.kind else {
            panic!()
        };
        let nums: Vec<NodeKind> = nums.iter().map(strip).collect();
        assert_eq!(
            nums[..6].to_vec(),
            vec![
                NodeKind::Int(0),
                NodeKind::Int(0),
                NodeKind::Int(12),
                NodeKind::Float(-350.0),
                NodeKind::Float(1000.0),
                NodeKind::Float(0.000001),
            ]
        );
        assert!(matches!(nums[6], NodeKind::Float(f) if f.to_bits() == (-0.0f64).to_bits()));
        let nested = ok(r#"{"a": [[], {}], "b": {"c": [1, [2, [3]]]}}"#);
        assert_eq!(zero(&pairs[5].1), zero(&nested));
        assert_eq!(strip(&pairs[6].1), s("\"\\/\u{8}\u{c}\n\r\t"));
    }

    #[test]
    fn error_unterminated() {
        let e = err("{'a': 'b}");
        assert_eq!((e.line, e.col), (1, 7));
        assert!(e.message.contains("unterminated string"), "{e}");
        let e = err("x = '''abc\n\ndef");
        assert_eq!((e.line, e.col), (1, 5));
        assert!(e.message.contains("'''"), "{e}");
        let e = err("'abc\ndef'");
        assert!(e.message.contains("must end on the line"), "{e}");
        let e = err("{\n  'a': [1,\n   2");
        assert_eq!((e.line, e.col), (3, 5));
        assert!(
            e.message
                .contains("the `[` at line 2, column 8 is never closed"),
            "{e}"
        );
        let e = err("{\n  'a': 1,\n");
        assert_eq!(e.line, 3);
        assert!(
            e.message
                .contains("the `{` at line 1, column 1 is never closed"),
            "{e}"
        );
        let e = err("(1,");
        assert!(
            e.message
                .contains("the `(` at line 1, column 1 is never closed"),
            "{e}"
        );
        let e = err("[1, 2}");
        assert_eq!((e.line, e.col), (1, 6));
        assert!(
            e.message
                .contains("`}` does not match the `[` at line 1, column 1"),
            "{e}"
        );
        let e = err("[}");
        assert!(e.message.contains("does not match"), "{e}");
        let e = err("1]");
        assert!(e.message.contains("no open bracket"), "{e}");
        let e = err("]");
        assert!(e.message.contains("no open bracket"), "{e}");
    }

    #[test]
    fn error_missing_punctuation() {
        let e = err("{'a' 1}");
        assert_eq!((e.line, e.col), (1, 6));
        assert!(
            e.message
                .starts_with("missing `:` after the dictionary key"),
            "{e}"
        );
        let e = err("{'a' = 1}");
        assert!(e.message.contains("key: value"), "{e}");
        let e = err("{1, 2}");
        assert!(e.message.contains("sets"), "{e}");
        let e = err("{'a': 1 'b': 2}");
        assert_eq!((e.line, e.col), (1, 9));
        assert!(e.message.contains("missing comma"), "{e}");
        let e = err("[\n  [1, 2]\n  [3, 4]\n]");
        assert_eq!((e.line, e.col), (3, 3));
        assert!(e.message.contains("missing comma"), "{e}");
        let e = err("[1 2]");
        assert!(e.message.contains("expected `,` or `]`"), "{e}");
        let e = err("[1,,2]");
        assert_eq!(e.message, "expected a value, found `,`");
        let e = err("{'a':}");
        assert_eq!(e.message, "expected a value, found `}`");
        let e = err("1 2");
        assert!(e.message.contains("only one value"), "{e}");
        let e = err("1, 2");
        assert!(e.message.contains("wrap it in parentheses"), "{e}");
        let e = err("X = 1\nY = 2");
        assert_eq!((e.line, e.col), (2, 1));
    }

    #[test]
    fn error_unexpected_char_and_empty() {
        let e = err("");
        assert_eq!(
            e.to_string(),
            "line 1, column 1: expected a value, found end of input"
        );
        let e = err("  # only a comment\n  ");
        assert_eq!((e.line, e.col), (2, 3));
        assert_eq!(e.message, "expected a value, found end of input");
        let e = err("[1, $]");
        assert_eq!((e.line, e.col), (1, 5));
        assert_eq!(e.message, "unexpected character `$`");
        let e = err("['é', \u{201c}x\u{201d}]");
        assert_eq!((e.line, e.col), (1, 7), "columns count characters");
        assert!(e.message.contains("curly"), "{e}");
        let e = err("[\u{0}]");
        assert!(e.message.contains("U+0000"), "{e}");
        let e = err("'😀😀' $");
        assert_eq!((e.line, e.col), (1, 6));
        // Outside strings, names are ASCII: a non-ASCII letter is named by its code point, a
        // name it continues is quoted whole as Python code; Unicode spaces stay whitespace.
        let e = err("[1, é]");
        assert_eq!(e.message, "unexpected character `é` (U+00E9)");
        let e = err("[naïve_value, 2]");
        assert!(
            e.message.starts_with("`naïve_value` is Python code"),
            "{}",
            e.message
        );
        assert_eq!(zero(&ok("[\u{a0}1,\u{3000}2]")), zero(&ok("[1, 2]")));
    }

    #[test]
    fn deep_nesting() {
        let deep = "[".repeat(100_000);
        let e = err(&deep);
        assert!(e.message.contains("too deeply nested"), "{e}");
        assert_eq!((e.line, e.col), (1, 129));
        let ok_depth = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok_depth).is_ok());
        let too_deep = "(".repeat(MAX_DEPTH + 1) + "1" + &")".repeat(MAX_DEPTH + 1);
        assert!(parse(&too_deep).is_err());
        let dicts = "{'a':".repeat(50_000);
        assert!(parse(&dicts).is_err());
    }

    #[test]
    fn display() {
        let e = ParseError {
            line: 3,
            col: 14,
            message: "oops".to_string(),
        };
        assert_eq!(e.to_string(), "line 3, column 14: oops");
    }
}
