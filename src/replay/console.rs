//! The one-line console: `set k v 30`, `get k`, `incr n 5`, `touch k None`, `advance 10`,
//! `@other get k`, `get k version=2`, `dump`.
//!
//! A line becomes an operation in the trace format, so the console runs through the same
//! [`super::Session`] as the conformance replay. Each word is read as a Python literal when it
//! is one (`30`, `None`, `[1, 2]`, `'a b'`), otherwise as a bare string (`k`, `hello`).

use crate::literal;
use crate::settings::node_value;
use crate::value::Value;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// What the console understands, for `help`.
pub const HELP: &str = "\
commands (words are Python literals, or bare strings):
  get KEY [DEFAULT]            set KEY VALUE [TIMEOUT]      add KEY VALUE [TIMEOUT]
  get_or_set KEY DEFAULT [TIMEOUT]                          delete KEY
  get_many KEY...              set_many {KEY: VALUE, ...} [TIMEOUT]
  delete_many KEY...           has_key KEY                  touch KEY [TIMEOUT]
  incr KEY [DELTA]             decr KEY [DELTA]             incr_version KEY [DELTA]
  decr_version KEY [DELTA]     make_key KEY                 clear
  advance SECONDS              now                          dump [count]
keyword arguments: version=N timeout=N    another alias: @ALIAS COMMAND ...";

/// Turns one console line into a trace operation; `Ok(None)` for a blank line or comment.
pub fn parse_command(line: &str) -> Result<Option<Value>, String> {
    let words = split_words(line)?;
    let mut words = words.iter().map(String::as_str).peekable();
    let mut alias = None;
    if let Some(first) = words.peek() {
        if let Some(name) = first.strip_prefix('@') {
            alias = Some(String::from(name));
            words.next();
        }
    }
    let Some(name) = words.next() else {
        return Ok(None);
    };
    let mut op: Vec<(Value, Value)> = alloc::vec![(field("op"), Value::Str(name.into()))];
    let mut args = Vec::new();
    let mut kwargs = Vec::new();
    for word in words {
        match word.split_once('=') {
            Some((key, value)) if is_identifier(key) && !value.is_empty() => {
                kwargs.push((Value::Str(key.into()), literal_or_word(value)));
            }
            _ => args.push(literal_or_word(word)),
        }
    }
    match name {
        "advance" => {
            let seconds = args.first().cloned().unwrap_or(Value::Int(0));
            if !matches!(seconds, Value::Int(_) | Value::Float(_)) {
                return Err(format!(
                    "advance takes a number of seconds, not {}",
                    crate::python::repr(&seconds)
                ));
            }
            op.push((field("seconds"), seconds));
        }
        "dump" => {
            if args.first().and_then(Value::as_str) == Some("count") {
                op.push((field("detail"), Value::Str("count".into())));
            }
        }
        "get_many" | "delete_many" | "aget_many" | "adelete_many" => {
            let keys = match args.as_slice() {
                [Value::List(_) | Value::Tuple(_)] => args,
                _ => alloc::vec![Value::List(args)],
            };
            op.push((field("args"), Value::List(keys)));
        }
        _ => op.push((field("args"), Value::List(args))),
    }
    op.push((field("kwargs"), Value::Dict(kwargs)));
    if let Some(alias) = alias {
        op.push((field("cache"), Value::Str(alias)));
    }
    Ok(Some(Value::Dict(op)))
}

fn field(name: &str) -> Value {
    Value::Str(name.into())
}

fn is_identifier(word: &str) -> bool {
    !word.is_empty() && word.chars().all(|c| c == '_' || c.is_ascii_alphanumeric())
}

fn literal_or_word(word: &str) -> Value {
    match literal::parse(word) {
        Ok(node) => node_value(&node),
        Err(_) => Value::Str(word.into()),
    }
}

/// Splits on whitespace, keeping quoted strings and bracketed literals whole.
fn split_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in line.chars() {
        if let Some(q) = quote {
            current.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '#' if depth == 0 && current.is_empty() => break,
            '\'' | '"' => {
                quote = Some(c);
                current.push(c);
            }
            '[' | '{' | '(' => {
                depth += 1;
                current.push(c);
            }
            ']' | '}' | ')' => {
                depth = depth.saturating_sub(1);
                current.push(c);
            }
            c if c.is_whitespace() && depth == 0 => {
                if !current.is_empty() {
                    words.push(core::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if quote.is_some() {
        return Err(String::from("unterminated quote"));
    }
    if depth > 0 {
        return Err(String::from("unclosed bracket"));
    }
    if !current.is_empty() {
        words.push(current);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replay::Session;
    use crate::settings::CacheSettings;

    fn run(session: &Session, line: &str) -> Result<Value, String> {
        let op = parse_command(line)?.ok_or("blank")?;
        session
            .run(&op)
            .0
            .map_err(|e| alloc::string::ToString::to_string(&e))
    }

    #[test]
    fn console_lines_drive_the_cache() {
        let settings = CacheSettings::parse("{'default': {'BACKEND': 'locmem', 'TIMEOUT': 60}, 'v2': {'BACKEND': 'locmem', 'VERSION': 2}}").unwrap();
        let session = Session::new(&settings, 1_000.0);
        assert_eq!(
            run(&session, "set greeting 'hello world' 30"),
            Ok(Value::None)
        );
        assert_eq!(
            run(&session, "get greeting"),
            Ok(Value::from("hello world"))
        );
        assert_eq!(run(&session, "set n 1"), Ok(Value::None));
        assert_eq!(run(&session, "incr n 5"), Ok(Value::Int(6)));
        assert_eq!(run(&session, "get n version=2"), Ok(Value::None));
        assert_eq!(run(&session, "@v2 get n version=1"), Ok(Value::Int(6)));
        assert_eq!(
            run(&session, "get_many greeting n missing"),
            Ok(Value::Dict(alloc::vec![
                (Value::from("greeting"), Value::from("hello world")),
                (Value::from("n"), Value::Int(6))
            ]))
        );
        assert_eq!(run(&session, "advance 30"), Ok(Value::None));
        assert_eq!(
            run(&session, "get greeting missed"),
            Ok(Value::from("missed"))
        );
        assert_eq!(run(&session, "touch n None"), Ok(Value::Bool(true)));
        assert!(
            run(&session, "incr absent")
                .unwrap_err()
                .contains("Key ':1:absent' not found")
        );
        assert_eq!(parse_command("   # just a comment"), Ok(None));
        // The full keys an operation names, and its trace encoding (tuples survive).
        let op = parse_command("@v2 get_many a 'b c' version=3")
            .unwrap()
            .unwrap();
        assert_eq!(
            crate::replay::op_keys(session.caches(), &op),
            alloc::vec![Value::from(":3:a"), Value::from(":3:b c")]
        );
        let op = parse_command("set t (1, 2.0) timeout=5").unwrap().unwrap();
        assert_eq!(
            crate::replay::encode(&op).to_text(),
            r#"{"op": "set", "args": ["t", {"$tuple": [1, 2.0]}], "kwargs": {"timeout": 5}}"#
        );
        assert!(parse_command("set k 'open").is_err());
        assert!(parse_command("advance soon").is_err());
    }
}
