//! Redis's glob patterns (`KEYS`/`SCAN ... MATCH`), for the backends that emulate
//! `iter_keys` and `delete_pattern`: `*`, `?`, `[abc]`, `[^a-z]` and `\` escapes, matched on
//! bytes as Redis's `stringmatchlen` does.

use alloc::string::String;

/// django-redis's `glob_escape`: `*`, `?` and `[` each wrapped in brackets so they match
/// themselves.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '*' | '?' | '[') {
            out.push('[');
            out.push(c);
            out.push(']');
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether `text` matches the Redis glob `pattern`.
pub fn matches(pattern: &str, text: &str) -> bool {
    match_bytes(pattern.as_bytes(), text.as_bytes(), 0)
}

/// Nesting of `*` a pattern may use before matching gives up (Redis caps it too).
const MAX_STARS: usize = 1000;

fn match_bytes(mut pattern: &[u8], mut text: &[u8], stars: usize) -> bool {
    while let Some((&p, rest)) = pattern.split_first() {
        match p {
            b'*' => {
                let rest = trim_stars(rest);
                if rest.is_empty() {
                    return true;
                }
                if stars >= MAX_STARS {
                    return false;
                }
                return (0..=text.len()).any(|at| match_bytes(rest, &text[at..], stars + 1));
            }
            b'?' => {
                let Some((_, tail)) = text.split_first() else {
                    return false;
                };
                text = tail;
                pattern = rest;
            }
            b'[' => {
                let Some((&c, tail)) = text.split_first() else {
                    return false;
                };
                let (matched, after) = class(rest, c);
                if !matched {
                    return false;
                }
                text = tail;
                pattern = after;
            }
            _ => {
                let (literal, after) = match (p, rest.split_first()) {
                    (b'\\', Some((&escaped, after))) => (escaped, after),
                    _ => (p, rest),
                };
                let Some((&c, tail)) = text.split_first() else {
                    return false;
                };
                if c != literal {
                    return false;
                }
                text = tail;
                pattern = after;
            }
        }
    }
    text.is_empty()
}

fn trim_stars(mut pattern: &[u8]) -> &[u8] {
    while let Some((b'*', rest)) = pattern.split_first() {
        pattern = rest;
    }
    pattern
}

/// Matches `c` against the class after a `[`; returns the result and the pattern after `]`
/// (an unclosed class runs to the end of the pattern, as in Redis).
fn class(mut pattern: &[u8], c: u8) -> (bool, &[u8]) {
    let negate = pattern.first() == Some(&b'^');
    if negate {
        pattern = &pattern[1..];
    }
    let mut matched = false;
    loop {
        match pattern {
            [] => break,
            [b']', rest @ ..] => {
                pattern = rest;
                break;
            }
            [b'\\', escaped, rest @ ..] => {
                matched |= *escaped == c;
                pattern = rest;
            }
            [low, b'-', high, rest @ ..] if *high != b']' => {
                let (low, high) = if low <= high {
                    (*low, *high)
                } else {
                    (*high, *low)
                };
                matched |= (low..=high).contains(&c);
                pattern = rest;
            }
            [single, rest @ ..] => {
                matched |= *single == c;
                pattern = rest;
            }
        }
    }
    (matched != negate, pattern)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redis_globs() {
        assert!(matches(":1:user*", ":1:user:42"));
        assert!(matches("h?llo", "hallo") && !matches("h?llo", "hllo"));
        assert!(matches("h[ae]llo", "hello") && !matches("h[ae]llo", "hillo"));
        assert!(matches("h[^e]llo", "hallo") && !matches("h[^e]llo", "hello"));
        assert!(matches("h[a-b]llo", "hbllo") && !matches("h[a-b]llo", "hcllo"));
        assert!(matches("a\\*b", "a*b") && !matches("a\\*b", "axb"));
        assert!(matches("*", "") && matches("**x*", "abxcd") && !matches("*x", "abc"));
        assert_eq!(escape("p*x?[1]"), "p[*]x[?][[]1]");
        assert!(matches(&alloc::format!("{}:*", escape("a*")), "a*:k"));
        assert!(!matches(&alloc::format!("{}:*", escape("a*")), "ab:k"));
    }
}
