//! A small client of memcached's text protocol, and pymemcache's `HashClient` key placement.
//!
//! Why our own: the bridge must pass pymemcache's flags and exptimes through untouched and
//! place keys exactly as pymemcache's rendezvous hash does; the maintained Rust clients
//! (`memcache`, `async-memcached`) serialize values their own way or hash keys differently,
//! and the handful of text-protocol commands Django uses fits in this file.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// What a command answered, or why it failed.
pub type McResult<T> = Result<T, McError>;

/// A failure: the server's `CLIENT_ERROR`/`SERVER_ERROR`/`ERROR` line, an input the protocol
/// can't carry (pymemcache's `MemcacheIllegalInputError`), or a dead connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum McError {
    /// The server's error line, e.g. `CLIENT_ERROR cannot increment or decrement non-numeric value`.
    Server(String),
    /// An illegal key or argument.
    IllegalInput(String),
    /// The server could not be reached.
    Connection(String),
}

impl McError {
    /// The text of the bridge's `{"error": ...}` reply.
    pub fn reply_text(&self) -> String {
        match self {
            Self::Server(line) => line.clone(),
            Self::IllegalInput(message) => format!("ILLEGAL_INPUT {message}"),
            Self::Connection(message) => format!("CONNECTION {message}"),
        }
    }
}

/// A stored item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The value bytes.
    pub value: Vec<u8>,
    /// The client flags.
    pub flags: u32,
    /// The CAS unique (only from `gets`).
    pub cas: Option<u64>,
}

/// Python's `repr(bytes)`, which pymemcache's rendezvous hash feeds to murmur3.
pub fn bytes_repr(data: &[u8]) -> String {
    let quote = if data.contains(&b'\'') && !data.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    let mut out = String::from("b");
    out.push(quote as char);
    for &b in data {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            _ if b == quote => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push(quote as char);
    out
}

/// pymemcache's `murmur3_32` (over the characters of an ASCII string).
pub fn murmur3_32(data: &[u8], seed: u32) -> u32 {
    let (c1, c2) = (0xcc9e_2d51_u32, 0x1b87_3593_u32);
    let mut h1 = seed;
    let chunks = data.chunks_exact(4);
    let tail = chunks.remainder();
    for chunk in chunks {
        let mut k1 = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        k1 = k1.wrapping_mul(c1).rotate_left(15).wrapping_mul(c2);
        h1 ^= k1;
        h1 = h1.rotate_left(13).wrapping_mul(5).wrapping_add(0xe654_6b64);
    }
    let mut k1 = 0u32;
    if tail.len() == 3 {
        k1 = u32::from(tail[2]) << 16;
    }
    if tail.len() >= 2 {
        k1 |= u32::from(tail[1]) << 8;
    }
    if !tail.is_empty() {
        k1 |= u32::from(tail[0]);
        k1 = k1.wrapping_mul(c1).rotate_left(15).wrapping_mul(c2);
        h1 ^= k1;
    }
    h1 ^= data.len() as u32;
    h1 ^= h1 >> 16;
    h1 = h1.wrapping_mul(0x85eb_ca6b);
    h1 ^= h1 >> 13;
    h1 = h1.wrapping_mul(0xc2b2_ae35);
    h1 ^= h1 >> 16;
    h1
}

/// pymemcache's `RendezvousHash.get_node` as `HashClient` calls it: with the key as the
/// caller gave it (Django passes a str), the node with the highest
/// `murmur3_32(f"{node}-{key}")`, ties to the larger name. pymemcache's murmur3 reads each
/// character's code point masked to its low byte, and counts characters, not bytes.
pub fn rendezvous<'a>(nodes: &'a [String], key: &str) -> Option<&'a str> {
    let mut winner: Option<(&str, u32)> = None;
    for node in nodes {
        let data: Vec<u8> = format!("{node}-{key}")
            .chars()
            .map(|c| (u32::from(c) & 0xff) as u8)
            .collect();
        let score = murmur3_32(&data, 0);
        winner = match winner {
            Some((_, high)) if score > high => Some((node, score)),
            Some((name, high)) if score == high => Some((name.max(node.as_str()), high)),
            None => Some((node, score)),
            keep => keep,
        };
    }
    winner.map(|(name, _)| name)
}

/// pymemcache's `check_key_helper` (with `allow_unicode_keys`): the key bytes, or why the
/// protocol can't carry them. Also what keeps a key from smuggling a second command.
pub fn check_key(key: &str) -> McResult<Vec<u8>> {
    let bytes = key.as_bytes().to_vec();
    if bytes.len() > 250 {
        return Err(McError::IllegalInput(format!(
            "Key is too long: {}",
            bytes_repr(&bytes)
        )));
    }
    if bytes.is_empty() || bytes.iter().any(|b| b.is_ascii_whitespace() || *b == 0x0b) {
        return Err(McError::IllegalInput(format!(
            "Key contains whitespace: {}",
            bytes_repr(&bytes)
        )));
    }
    if bytes.iter().any(|b| *b < 0x20 || *b == 0x7f) {
        return Err(McError::IllegalInput(format!(
            "Key contains control characters: {}",
            bytes_repr(&bytes)
        )));
    }
    Ok(bytes)
}

type Conn = BufReader<TcpStream>;

/// One memcached server with a small pool of idle connections, and at most `permits`
/// connections in use at once.
struct Server {
    address: String,
    idle: Mutex<Vec<Conn>>,
    permits: tokio::sync::Semaphore,
}

impl Server {
    async fn connect(&self) -> McResult<Conn> {
        if let Some(conn) = self.idle.lock().unwrap().pop() {
            return Ok(conn);
        }
        let stream =
            tokio::time::timeout(Duration::from_secs(5), TcpStream::connect(&self.address))
                .await
                .map_err(|_| McError::Connection(format!("{}: connect timed out", self.address)))?
                .map_err(|e| McError::Connection(format!("{}: {e}", self.address)))?;
        let _ = stream.set_nodelay(true);
        Ok(BufReader::new(stream))
    }

    fn give_back(&self, conn: Conn) {
        let mut idle = self.idle.lock().unwrap();
        if idle.len() < 16 {
            idle.push(conn);
        }
    }

    /// Writes `request`, lets `read` parse the answer; the connection returns to the pool
    /// only after a complete answer.
    async fn exchange<T>(
        &self,
        request: &[u8],
        read: impl AsyncFnOnce(&mut Conn) -> McResult<T>,
    ) -> McResult<T> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| McError::Connection("the bridge is shutting down".into()))?;
        let mut conn = self.connect().await?;
        let io = |e: std::io::Error| McError::Connection(format!("{}: {e}", self.address));
        conn.get_mut().write_all(request).await.map_err(io)?;
        let answer = tokio::time::timeout(Duration::from_secs(10), read(&mut conn))
            .await
            .map_err(|_| McError::Connection(format!("{}: read timed out", self.address)))?;
        match &answer {
            Ok(_) | Err(McError::Server(_)) => self.give_back(conn),
            Err(_) => {}
        }
        answer
    }
}

async fn line(conn: &mut Conn) -> McResult<String> {
    let mut buf = Vec::new();
    let n = conn
        .read_until(b'\n', &mut buf)
        .await
        .map_err(|e| McError::Connection(e.to_string()))?;
    if n == 0 {
        return Err(McError::Connection(
            "the server closed the connection".into(),
        ));
    }
    let text = String::from_utf8_lossy(&buf)
        .trim_end_matches(['\r', '\n'])
        .to_string();
    if text == "ERROR" || text.starts_with("CLIENT_ERROR") || text.starts_with("SERVER_ERROR") {
        return Err(McError::Server(text));
    }
    Ok(text)
}

/// Reads `VALUE` lines until `END`.
async fn values(conn: &mut Conn) -> McResult<Vec<(Vec<u8>, Item)>> {
    let mut found = Vec::new();
    loop {
        let head = line(conn).await?;
        if head == "END" {
            return Ok(found);
        }
        let parts: Vec<&str> = head.split(' ').collect();
        let bad = || McError::Connection(format!("unexpected line {head:?}"));
        if parts.len() < 4 || parts[0] != "VALUE" {
            return Err(bad());
        }
        let flags: u32 = parts[2].parse().map_err(|_| bad())?;
        let size: usize = parts[3].parse().map_err(|_| bad())?;
        let cas = parts.get(4).and_then(|c| c.parse().ok());
        let mut data = vec![0; size + 2];
        conn.read_exact(&mut data)
            .await
            .map_err(|e| McError::Connection(e.to_string()))?;
        data.truncate(size);
        found.push((
            parts[1].as_bytes().to_vec(),
            Item {
                value: data,
                flags,
                cas,
            },
        ));
    }
}

/// Several memcached servers, keys placed as pymemcache's `HashClient` places them.
pub struct Cluster {
    nodes: Vec<String>,
    servers: HashMap<String, Server>,
}

/// `HOST:PORT` (or `HOST`, port 11211) as pymemcache names the node: `"%s:%s" % (host, port)`.
pub fn node_name(spec: &str) -> String {
    let spec = spec.trim();
    match spec.rsplit_once(':') {
        Some((host, port)) if !spec.ends_with(']') => format!("{host}:{port}"),
        _ => format!("{spec}:11211"),
    }
}

impl Cluster {
    /// A cluster of `specs` (`HOST:PORT` each).
    pub fn new(specs: &[String]) -> Self {
        Self::with_limits(specs, 1024)
    }

    /// Whether no server is configured.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// A cluster of `specs` keeping at most `max_connections` connections to each server.
    pub fn with_limits(specs: &[String], max_connections: usize) -> Self {
        let nodes: Vec<String> = specs.iter().map(|s| node_name(s)).collect();
        let servers = nodes
            .iter()
            .map(|name| {
                (
                    name.clone(),
                    Server {
                        address: name.clone(),
                        idle: Mutex::new(Vec::new()),
                        permits: tokio::sync::Semaphore::new(max_connections.max(1)),
                    },
                )
            })
            .collect();
        Self { nodes, servers }
    }

    fn server_for(&self, key: &str) -> McResult<&Server> {
        let name = rendezvous(&self.nodes, key)
            .ok_or_else(|| McError::Connection("no memcached servers configured".into()))?;
        Ok(&self.servers[name])
    }

    /// `get` (or `gets` with `cas`).
    pub async fn get(&self, text_key: &str, cas: bool) -> McResult<Option<Item>> {
        let key = check_key(text_key)?;
        let verb: &[u8] = if cas { b"gets " } else { b"get " };
        let request = [verb, &key, b"\r\n"].concat();
        let found = self
            .server_for(text_key)?
            .exchange(&request, async |c: &mut Conn| values(c).await)
            .await?;
        Ok(found.into_iter().next().map(|(_, item)| item))
    }

    /// `get_multi`: one `get` per server holding some of `keys`; results in `keys`' order.
    pub async fn get_multi(&self, keys: &[String]) -> McResult<Vec<Option<Item>>> {
        let mut by_server: HashMap<&str, Vec<Vec<u8>>> = HashMap::new();
        let mut checked = Vec::new();
        for key in keys {
            let bytes = check_key(key)?;
            let server = rendezvous(&self.nodes, key)
                .ok_or_else(|| McError::Connection("no memcached servers configured".into()))?;
            by_server.entry(server).or_default().push(bytes.clone());
            checked.push(bytes);
        }
        let mut found: HashMap<Vec<u8>, Item> = HashMap::new();
        for (server, keys) in by_server {
            let mut request = b"get".to_vec();
            for key in &keys {
                request.push(b' ');
                request.extend_from_slice(key);
            }
            request.extend_from_slice(b"\r\n");
            let items = self.servers[server]
                .exchange(&request, async |c: &mut Conn| values(c).await)
                .await?;
            found.extend(items);
        }
        Ok(checked.iter().map(|k| found.get(k).cloned()).collect())
    }

    /// `set`/`add`/`replace`/`append`/`prepend` (and `cas` with `cas_unique`): whether stored.
    pub async fn store(
        &self,
        verb: &str,
        key: &str,
        value: &[u8],
        flags: u32,
        exptime: i64,
        cas_unique: Option<u64>,
    ) -> McResult<Option<bool>> {
        let text_key = key;
        let key = check_key(key)?;
        let mut request = format!("{verb} ").into_bytes();
        request.extend_from_slice(&key);
        request.extend_from_slice(format!(" {flags} {exptime} {}", value.len()).as_bytes());
        if let Some(cas) = cas_unique {
            request.extend_from_slice(format!(" {cas}").as_bytes());
        }
        request.extend_from_slice(b"\r\n");
        request.extend_from_slice(value);
        request.extend_from_slice(b"\r\n");
        let answer = self
            .server_for(text_key)?
            .exchange(&request, async |c: &mut Conn| line(c).await)
            .await?;
        match answer.as_str() {
            "STORED" => Ok(Some(true)),
            "NOT_STORED" | "EXISTS" => Ok(Some(false)),
            "NOT_FOUND" => Ok(None),
            other => Err(McError::Connection(format!("unexpected answer {other:?}"))),
        }
    }

    /// `delete`: whether the key was there.
    pub async fn delete(&self, text_key: &str) -> McResult<bool> {
        let key = check_key(text_key)?;
        let request = [b"delete ", key.as_slice(), b"\r\n"].concat();
        let answer = self
            .server_for(text_key)?
            .exchange(&request, async |c: &mut Conn| line(c).await)
            .await?;
        Ok(answer == "DELETED")
    }

    /// `incr`/`decr`: the new value, or `None` when the key is missing.
    pub async fn arithmetic(
        &self,
        verb: &str,
        text_key: &str,
        delta: u64,
    ) -> McResult<Option<u64>> {
        let key = check_key(text_key)?;
        let mut request = format!("{verb} ").into_bytes();
        request.extend_from_slice(&key);
        request.extend_from_slice(format!(" {delta}\r\n").as_bytes());
        let answer = self
            .server_for(text_key)?
            .exchange(&request, async |c: &mut Conn| line(c).await)
            .await?;
        if answer == "NOT_FOUND" {
            return Ok(None);
        }
        answer
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| McError::Connection(format!("unexpected answer {answer:?}")))
    }

    /// `touch`: whether the key was there.
    pub async fn touch(&self, text_key: &str, exptime: i64) -> McResult<bool> {
        let key = check_key(text_key)?;
        let mut request = b"touch ".to_vec();
        request.extend_from_slice(&key);
        request.extend_from_slice(format!(" {exptime}\r\n").as_bytes());
        let answer = self
            .server_for(text_key)?
            .exchange(&request, async |c: &mut Conn| line(c).await)
            .await?;
        Ok(answer == "TOUCHED")
    }

    /// `flush_all` on every server.
    pub async fn flush_all(&self) -> McResult<bool> {
        for name in &self.nodes {
            self.servers[name]
                .exchange(b"flush_all\r\n", async |c: &mut Conn| line(c).await)
                .await?;
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reprs_match_python() {
        assert_eq!(bytes_repr(b":1:k"), "b':1:k'");
        assert_eq!(bytes_repr(b"it's"), "b\"it's\"");
        assert_eq!(bytes_repr(b"'\""), "b'\\'\"'");
        assert_eq!(bytes_repr("é\\".as_bytes()), "b'\\xc3\\xa9\\\\'");
    }

    #[test]
    fn murmur_matches_pymemcache() {
        // Values from pymemcache.client.murmur3.murmur3_32.
        assert_eq!(murmur3_32(b"", 0), 0);
        assert_eq!(murmur3_32(b"hello", 0), 613_153_351);
        assert_eq!(murmur3_32(b"127.0.0.1:11211-b':1:k'", 0), 1_753_164_698);
    }

    #[test]
    fn keys_land_where_hash_client_puts_them() {
        // pymemcache's RendezvousHash(nodes).get_node(key), as HashClient calls it.
        let nodes: Vec<String> = ["127.0.0.1:11211", "127.0.0.1:11212", "10.0.0.1:11211"]
            .map(String::from)
            .to_vec();
        let x40 = "x".repeat(40);
        for (key, node) in [
            (":1:edgecache-big", "127.0.0.1:11211"),
            (":1:unicode-kéy", "127.0.0.1:11212"),
            (":1:a", "10.0.0.1:11211"),
            (x40.as_str(), "10.0.0.1:11211"),
            (":1:日本", "127.0.0.1:11211"),
        ] {
            assert_eq!(rendezvous(&nodes, key), Some(node), "{key}");
        }
    }
}
