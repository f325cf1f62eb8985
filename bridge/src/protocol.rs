//! The bridge's request language, as pure functions: a JSON body becomes command argument
//! lists (within the limits), and each command is classified for the allow-list
//! (`docs/bridge.md`). No I/O here, so the property tests (`tests/fuzz.rs`) can throw random
//! and mutated bodies at it.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::Value as Json;

/// One command: its name and arguments as bytes (`["SET", "k", "v"]`).
pub type Command = Vec<Vec<u8>>;

/// Size limits of one request; past them the bridge answers **413**.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest request body, in bytes.
    pub max_body: usize,
    /// Most commands in one `/pipeline` or `/multi-exec` body.
    pub max_commands: usize,
    /// Largest single argument (a value), in bytes after base64 decoding.
    pub max_value: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body: 16 * 1024 * 1024,
            max_commands: 10_000,
            max_value: 8 * 1024 * 1024,
        }
    }
}

/// A request's encodings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Encoding {
    /// Command arguments are base64 (`Edgecache-Arguments: base64`).
    pub args_base64: bool,
    /// Result strings are base64 (`Upstash-Encoding: base64`).
    pub results_base64: bool,
}

/// Why a request is refused before anything reaches a server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// **400**: not JSON, not the right shape.
    BadRequest(String),
    /// **413**: over a [`Limits`] bound.
    TooLarge(String),
    /// **403**: a command the allow-list or the token's rights refuse.
    Forbidden(String),
}

impl Rejection {
    /// The message of the `{"error": ...}` body.
    pub fn message(&self) -> &str {
        match self {
            Self::BadRequest(m) | Self::TooLarge(m) | Self::Forbidden(m) => m,
        }
    }
}

/// Parses a body: one command (`batch == false`) or an array of commands.
pub fn parse_body(
    body: &[u8],
    batch: bool,
    encoding: Encoding,
    limits: &Limits,
) -> Result<Vec<Command>, Rejection> {
    if body.len() > limits.max_body {
        return Err(Rejection::TooLarge(format!(
            "ERR the body is over {} bytes",
            limits.max_body
        )));
    }
    let json: Json = serde_json::from_slice(body)
        .map_err(|e| Rejection::BadRequest(format!("ERR invalid JSON body: {e}")))?;
    if !batch {
        return Ok(vec![command(json, encoding, limits)?]);
    }
    let Json::Array(items) = json else {
        return Err(Rejection::BadRequest(
            "ERR a pipeline must be a JSON array of commands".into(),
        ));
    };
    if items.is_empty() {
        return Err(Rejection::BadRequest("ERR empty pipeline".into()));
    }
    if items.len() > limits.max_commands {
        return Err(Rejection::TooLarge(format!(
            "ERR {} commands in one request; the limit is {}",
            items.len(),
            limits.max_commands
        )));
    }
    items
        .into_iter()
        .map(|item| command(item, encoding, limits))
        .collect()
}

/// One command array's arguments as bytes.
pub fn command(json: Json, encoding: Encoding, limits: &Limits) -> Result<Command, Rejection> {
    let Json::Array(items) = json else {
        return Err(Rejection::BadRequest(
            "ERR a command must be a JSON array".into(),
        ));
    };
    if items.is_empty() {
        return Err(Rejection::BadRequest("ERR empty command".into()));
    }
    let args = items
        .into_iter()
        .map(|item| match item {
            Json::String(s) if encoding.args_base64 => B64
                .decode(s)
                .map_err(|_| Rejection::BadRequest("ERR an argument is not base64".into())),
            Json::String(s) => Ok(s.into_bytes()),
            Json::Number(n) => Ok(n.to_string().into_bytes()),
            Json::Bool(b) => Ok(b.to_string().into_bytes()),
            _ => Err(Rejection::BadRequest(
                "ERR arguments must be strings, numbers or booleans".into(),
            )),
        })
        .collect::<Result<Command, _>>()?;
    if let Some(big) = args.iter().find(|a| a.len() > limits.max_value) {
        return Err(Rejection::TooLarge(format!(
            "ERR an argument of {} bytes; the limit is {}",
            big.len(),
            limits.max_value
        )));
    }
    if args[0].is_empty() || args[0].len() > 32 {
        return Err(Rejection::BadRequest("ERR unknown command".into()));
    }
    Ok(args)
}

/// What running a command needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    /// Reads only.
    Read,
    /// Writes keys.
    Write,
    /// `FLUSHDB`, `FLUSHALL`, memcached `flush_all`: an admin token.
    Flush,
    /// `KEYS`: a read, allowed only with `--allow-keys`.
    Keys,
    /// `EVAL`, `EVALSHA`, `SCRIPT LOAD|EXISTS`, `FCALL`: a write, allowed only with
    /// `--allow-scripts`.
    Script,
    /// Never through the bridge: administration (`CONFIG`, `SHUTDOWN`, `DEBUG`, `MONITOR`,
    /// `CLIENT`, `ACL`, ...), connection state (`SELECT`, `AUTH`, `MULTI`, `WATCH`), blocking
    /// and pub/sub commands, and anything unknown.
    Never,
}

/// Redis commands the bridge forwards to a read-only token.
const REDIS_READ: &[&str] = &[
    "BITCOUNT",
    "BITPOS",
    "DBSIZE",
    "ECHO",
    "EXISTS",
    "EXPIRETIME",
    "GEODIST",
    "GEOHASH",
    "GEOPOS",
    "GEORADIUSBYMEMBER_RO",
    "GEORADIUS_RO",
    "GEOSEARCH",
    "GET",
    "GETBIT",
    "GETRANGE",
    "HEXISTS",
    "HGET",
    "HGETALL",
    "HKEYS",
    "HLEN",
    "HMGET",
    "HRANDFIELD",
    "HSCAN",
    "HSTRLEN",
    "HVALS",
    "LINDEX",
    "LLEN",
    "LPOS",
    "LRANGE",
    "MGET",
    "PEXPIRETIME",
    "PFCOUNT",
    "PING",
    "PTTL",
    "RANDOMKEY",
    "SCAN",
    "SCARD",
    "SDIFF",
    "SINTER",
    "SINTERCARD",
    "SISMEMBER",
    "SMEMBERS",
    "SMISMEMBER",
    "SRANDMEMBER",
    "SSCAN",
    "STRLEN",
    "SUBSTR",
    "SUNION",
    "TIME",
    "TOUCH",
    "TTL",
    "TYPE",
    "XLEN",
    "XRANGE",
    "XREVRANGE",
    "ZCARD",
    "ZCOUNT",
    "ZDIFF",
    "ZINTER",
    "ZINTERCARD",
    "ZLEXCOUNT",
    "ZMSCORE",
    "ZRANDMEMBER",
    "ZRANGE",
    "ZRANGEBYLEX",
    "ZRANGEBYSCORE",
    "ZRANK",
    "ZREVRANGE",
    "ZREVRANGEBYLEX",
    "ZREVRANGEBYSCORE",
    "ZREVRANK",
    "ZSCAN",
    "ZSCORE",
    "ZUNION",
];

/// Redis commands that write keys (a read-write or admin token).
const REDIS_WRITE: &[&str] = &[
    "APPEND",
    "BITFIELD",
    "BITOP",
    "COPY",
    "DECR",
    "DECRBY",
    "DEL",
    "EXPIRE",
    "EXPIREAT",
    "GEOADD",
    "GETDEL",
    "GETEX",
    "GETSET",
    "HDEL",
    "HINCRBY",
    "HINCRBYFLOAT",
    "HMSET",
    "HSET",
    "HSETNX",
    "INCR",
    "INCRBY",
    "INCRBYFLOAT",
    "LINSERT",
    "LMOVE",
    "LPOP",
    "LPUSH",
    "LPUSHX",
    "LREM",
    "LSET",
    "LTRIM",
    "MSET",
    "MSETNX",
    "PERSIST",
    "PEXPIRE",
    "PEXPIREAT",
    "PFADD",
    "PFMERGE",
    "PSETEX",
    "RENAME",
    "RENAMENX",
    "RPOP",
    "RPOPLPUSH",
    "RPUSH",
    "RPUSHX",
    "SADD",
    "SDIFFSTORE",
    "SET",
    "SETBIT",
    "SETEX",
    "SETNX",
    "SETRANGE",
    "SINTERSTORE",
    "SMOVE",
    "SPOP",
    "SREM",
    "SUNIONSTORE",
    "UNLINK",
    "XADD",
    "XDEL",
    "XTRIM",
    "ZADD",
    "ZDIFFSTORE",
    "ZINCRBY",
    "ZINTERSTORE",
    "ZPOPMAX",
    "ZPOPMIN",
    "ZRANGESTORE",
    "ZREM",
    "ZREMRANGEBYLEX",
    "ZREMRANGEBYRANK",
    "ZREMRANGEBYSCORE",
    "ZUNIONSTORE",
];

/// What a Redis command needs. The name is matched without regard to case.
pub fn redis_access(command: &Command) -> Access {
    let name = String::from_utf8_lossy(&command[0]).to_ascii_uppercase();
    let name = name.as_str();
    if REDIS_READ.binary_search(&name).is_ok() {
        return Access::Read;
    }
    if REDIS_WRITE.binary_search(&name).is_ok() {
        return Access::Write;
    }
    match name {
        "FLUSHDB" | "FLUSHALL" => Access::Flush,
        "KEYS" => Access::Keys,
        "EVAL" | "EVALSHA" | "EVAL_RO" | "EVALSHA_RO" | "FCALL" | "FCALL_RO" => Access::Script,
        "SCRIPT" => match command.get(1).map(|s| s.to_ascii_uppercase()).as_deref() {
            Some(b"LOAD" | b"EXISTS") => Access::Script,
            _ => Access::Never, // SCRIPT FLUSH / KILL / DEBUG
        },
        _ => Access::Never,
    }
}

/// What a memcached command of the bridge's protocol needs.
pub fn memcached_access(command: &Command) -> Access {
    match command[0].to_ascii_lowercase().as_slice() {
        b"get" | b"gets" | b"get_multi" | b"get_many" => Access::Read,
        b"set" | b"add" | b"replace" | b"append" | b"prepend" | b"cas" | b"delete" | b"incr"
        | b"decr" | b"touch" => Access::Write,
        b"flush_all" => Access::Flush,
        _ => Access::Never,
    }
}

/// What a token may do (its line in the token file: `read-only`, `read-write`, `admin`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rights {
    /// Reads only.
    ReadOnly,
    /// Reads and writes, no flushes.
    ReadWrite,
    /// Everything the policy allows, flushes too, and `/metrics`.
    Admin,
}

impl Rights {
    /// Parses a right's name (`read-only`/`read`, `read-write`/`write`/`no-flush`, `admin`).
    pub fn parse(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "read-only" | "readonly" | "read" => Some(Self::ReadOnly),
            "read-write" | "write" | "no-flush" => Some(Self::ReadWrite),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }

    /// The right's name as the token file spells it.
    pub fn name(self) -> &'static str {
        match self {
            Self::ReadOnly => "read-only",
            Self::ReadWrite => "read-write",
            Self::Admin => "admin",
        }
    }
}

/// The bridge-wide switches of the allow-list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Policy {
    /// Forward `KEYS` (it blocks Redis while it scans every key; the core's `inspect` uses it).
    pub allow_keys: bool,
    /// Forward Lua scripts (`EVAL`, `EVALSHA`, `SCRIPT LOAD|EXISTS`, `FCALL`).
    pub allow_scripts: bool,
}

impl Policy {
    /// Whether a token with `rights` may run a command that needs `access`; the 403 message
    /// when not.
    pub fn permit(self, rights: Rights, access: Access, name: &[u8]) -> Result<(), Rejection> {
        let name = String::from_utf8_lossy(name).to_ascii_uppercase();
        let refuse = |why: &str| Err(Rejection::Forbidden(format!("NOPERM {name}: {why}")));
        match access {
            Access::Never => refuse("this command is not allowed through the bridge"),
            Access::Keys if !self.allow_keys => {
                refuse("KEYS is disabled on this bridge (--allow-keys)")
            }
            Access::Script if !self.allow_scripts => {
                refuse("scripts are disabled on this bridge (--allow-scripts)")
            }
            Access::Read | Access::Keys => Ok(()),
            _ if rights == Rights::ReadOnly => refuse("this token is read-only"),
            Access::Flush if rights != Rights::Admin => refuse("flushing needs an admin token"),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_tables_are_sorted_for_binary_search() {
        for table in [REDIS_READ, REDIS_WRITE] {
            assert!(table.windows(2).all(|w| w[0] < w[1]), "{table:?}");
        }
    }

    fn cmd(words: &[&str]) -> Command {
        words.iter().map(|w| w.as_bytes().to_vec()).collect()
    }

    #[test]
    fn the_allow_list_refuses_administration_and_honours_rights() {
        let policy = Policy::default();
        for never in [
            "CONFIG", "shutdown", "DEBUG", "MONITOR", "SELECT", "CLIENT", "BLPOP",
        ] {
            assert_eq!(redis_access(&cmd(&[never])), Access::Never, "{never}");
        }
        assert_eq!(redis_access(&cmd(&["script", "flush"])), Access::Never);
        assert_eq!(redis_access(&cmd(&["script", "load", "x"])), Access::Script);
        let permit = |rights, words: &[&str]| {
            policy
                .permit(rights, redis_access(&cmd(words)), words[0].as_bytes())
                .is_ok()
        };
        assert!(permit(Rights::ReadOnly, &["get", "k"]));
        assert!(!permit(Rights::ReadOnly, &["set", "k", "v"]));
        assert!(permit(Rights::ReadWrite, &["set", "k", "v"]));
        assert!(!permit(Rights::ReadWrite, &["FLUSHDB"]));
        assert!(permit(Rights::Admin, &["FLUSHDB"]));
        assert!(!permit(Rights::Admin, &["KEYS", "*"]));
        assert!(!permit(Rights::Admin, &["EVAL", "return 1", "0"]));
        let open = Policy {
            allow_keys: true,
            allow_scripts: true,
        };
        assert!(open.permit(Rights::ReadOnly, Access::Keys, b"KEYS").is_ok());
        assert!(
            open.permit(Rights::ReadOnly, Access::Script, b"EVAL")
                .is_err()
        );
        assert!(
            open.permit(Rights::ReadWrite, Access::Script, b"EVAL")
                .is_ok()
        );
        assert_eq!(memcached_access(&cmd(&["flush_all"])), Access::Flush);
        assert_eq!(memcached_access(&cmd(&["stats"])), Access::Never);
    }

    #[test]
    fn limits_give_413() {
        let limits = Limits {
            max_body: 100,
            max_commands: 2,
            max_value: 4,
        };
        let e = Encoding::default();
        assert!(matches!(
            parse_body(&[b' '; 101], false, e, &limits),
            Err(Rejection::TooLarge(_))
        ));
        assert!(matches!(
            parse_body(
                br#"[["GET","a"],["GET","b"],["GET","c"]]"#,
                true,
                e,
                &limits
            ),
            Err(Rejection::TooLarge(_))
        ));
        assert!(matches!(
            parse_body(br#"["SET","a","12345"]"#, false, e, &limits),
            Err(Rejection::TooLarge(_))
        ));
        assert_eq!(
            parse_body(br#"["SET","a",12]"#, false, e, &limits).unwrap(),
            vec![cmd(&["SET", "a", "12"])]
        );
        assert!(matches!(
            parse_body(b"{", false, e, &limits),
            Err(Rejection::BadRequest(_))
        ));
    }
}
