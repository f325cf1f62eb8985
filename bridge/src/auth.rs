//! Bearer tokens and their rights: the token file (`docs/bridge.md#tokens`), read once at
//! start, and a comparison whose time depends only on what the client sent.

use crate::protocol::Rights;

/// One accepted token.
#[derive(Clone)]
pub struct Token {
    secret: Vec<u8>,
    /// What it may do.
    pub rights: Rights,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret, not even in a debug log.
        f.debug_struct("Token")
            .field("rights", &self.rights)
            .finish_non_exhaustive()
    }
}

impl Token {
    /// A token with `rights`.
    pub fn new(secret: &str, rights: Rights) -> Self {
        Self {
            secret: secret.as_bytes().to_vec(),
            rights,
        }
    }
}

/// Shortest token accepted, so a typo'd file can't open the bridge to guessing.
pub const MIN_TOKEN_LEN: usize = 16;

/// Parses a token file: one token per line, optionally preceded by its right
/// (`read-only`, `read-write` or `admin`; a bare token is `admin`), `#` comments and blank
/// lines ignored. `what` names the source in errors (never the token).
pub fn parse_tokens(text: &str, what: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let (rights, secret) = match words.as_slice() {
            [secret] => (Rights::Admin, *secret),
            [right, secret] => (
                Rights::parse(right).ok_or_else(|| {
                    format!(
                        "{what} line {}: unknown right {right:?} (read-only, read-write or admin)",
                        number + 1
                    )
                })?,
                *secret,
            ),
            _ => {
                return Err(format!(
                    "{what} line {}: expected `[RIGHT] TOKEN`",
                    number + 1
                ));
            }
        };
        if secret.len() < MIN_TOKEN_LEN {
            return Err(format!(
                "{what} line {}: a token must have at least {MIN_TOKEN_LEN} characters",
                number + 1
            ));
        }
        tokens.push(Token::new(secret, rights));
    }
    if tokens.is_empty() {
        return Err(format!("{what} holds no token"));
    }
    Ok(tokens)
}

/// Compares `given` with `secret` in time that depends only on `given`'s length.
pub fn constant_time_eq(given: &[u8], secret: &[u8]) -> bool {
    if secret.is_empty() {
        return false;
    }
    let mut diff = (given.len() ^ secret.len()) as u64;
    for (i, byte) in given.iter().enumerate() {
        diff |= u64::from(byte ^ secret[i % secret.len()]);
    }
    std::hint::black_box(diff) == 0
}

/// The rights of the token in an `Authorization: Bearer` value: every token is compared
/// (no early exit), so timing says nothing about which one matched or how close a guess is.
pub fn authenticate(tokens: &[Token], authorization: Option<&[u8]>) -> Option<Rights> {
    let given = authorization
        .and_then(|v| v.strip_prefix(b"Bearer "))
        .unwrap_or(b"");
    let mut found = None;
    for token in tokens {
        if constant_time_eq(given, &token.secret) {
            found = Some(token.rights);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_files_parse_with_rights() {
        let tokens = parse_tokens(
            "# comment\n0123456789abcdef\n\nread-only  ro-0123456789abcdef\nno-flush rw-0123456789abcdef\n",
            "t",
        )
        .unwrap();
        let rights: Vec<Rights> = tokens.iter().map(|t| t.rights).collect();
        assert_eq!(rights, [Rights::Admin, Rights::ReadOnly, Rights::ReadWrite]);
        assert_eq!(
            authenticate(&tokens, Some(b"Bearer ro-0123456789abcdef")),
            Some(Rights::ReadOnly)
        );
        assert_eq!(
            authenticate(&tokens, Some(b"Bearer ro-0123456789abcde")),
            None
        );
        assert_eq!(authenticate(&tokens, Some(b"ro-0123456789abcdef")), None);
        assert_eq!(authenticate(&tokens, None), None);
        assert!(parse_tokens("short", "t").unwrap_err().contains("16"));
        assert!(parse_tokens("owner 0123456789abcdef", "t").is_err());
        assert!(parse_tokens("# nothing\n", "t").is_err());
        assert!(!format!("{:?}", tokens[0]).contains("0123"));
    }

    #[test]
    fn comparison_is_exact() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abcabc", b"abc"));
        assert!(!constant_time_eq(b"ab", b"abc"));
        assert!(!constant_time_eq(b"", b""));
    }
}
