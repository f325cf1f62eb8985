//! A load generator for the bridge: many clients, each on one keep-alive HTTP/1.1
//! connection, sending Upstash REST commands as fast as answers come, with latencies
//! recorded. The load test (`tests/faults.rs`) uses it to check that no acknowledged write
//! is lost; the benchmark (`scripts/bench-bridge.sh`, `examples/bridge_load.rs`) to measure
//! throughput and p50/p99. Loopback only by intent: it has no TLS and no redirects.

use std::collections::HashMap;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// One keep-alive HTTP/1.1 connection.
pub struct Client {
    stream: BufReader<TcpStream>,
    host: String,
    authorization: String,
}

impl Client {
    /// Connects to `url` (`http://HOST:PORT`); `token` is sent as a bearer token.
    pub async fn connect(url: &str, token: Option<&str>) -> io::Result<Self> {
        let host = url
            .strip_prefix("http://")
            .ok_or_else(|| io::Error::other("only http:// URLs"))?
            .trim_end_matches('/')
            .to_string();
        let stream = TcpStream::connect(&host).await?;
        stream.set_nodelay(true)?;
        Ok(Self {
            stream: BufReader::new(stream),
            host,
            authorization: token
                .map(|t| format!("Authorization: Bearer {t}\r\n"))
                .unwrap_or_default(),
        })
    }

    /// `POST path` with a JSON body; the status and the body of the answer.
    pub async fn post(&mut self, path: &str, body: &[u8]) -> io::Result<(u16, Vec<u8>)> {
        self.request("POST", path, &[("Content-Type", "application/json")], body)
            .await
    }

    /// Any request: `method path` with extra `headers` (plus the token's) and a body.
    pub async fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> io::Result<(u16, Vec<u8>)> {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\n{}Content-Length: {}\r\n",
            self.host,
            self.authorization,
            body.len()
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let mut message = head.into_bytes();
        message.extend_from_slice(body);
        self.stream.get_mut().write_all(&message).await?;
        self.read_response(method == "HEAD").await
    }

    async fn read_response(&mut self, head_only: bool) -> io::Result<(u16, Vec<u8>)> {
        let bad = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_string());
        let mut line = String::new();
        if self.stream.read_line(&mut line).await? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the server closed the connection",
            ));
        }
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad("a status line"))?;
        let (mut length, mut chunked) = (0usize, false);
        loop {
            line.clear();
            if self.stream.read_line(&mut line).await? == 0 {
                return Err(bad("headers cut short"));
            }
            let trimmed = line.trim_end();
            if trimmed.is_empty() {
                break;
            }
            if let Some((name, value)) = trimmed.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().map_err(|_| bad("content-length"))?;
                } else if name.eq_ignore_ascii_case("transfer-encoding") {
                    chunked = value.trim().eq_ignore_ascii_case("chunked");
                }
            }
        }
        let mut body = Vec::new();
        if head_only {
            return Ok((status, body));
        }
        if chunked {
            loop {
                line.clear();
                self.stream.read_line(&mut line).await?;
                let size = usize::from_str_radix(line.trim(), 16).map_err(|_| bad("chunk"))?;
                let mut chunk = vec![0; size + 2];
                self.stream.read_exact(&mut chunk).await?;
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        } else {
            body.resize(length, 0);
            self.stream.read_exact(&mut body).await?;
        }
        Ok((status, body))
    }
}

/// What each client sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// `SET` of a key of its own (round-robin over `keys` keys), checking each answer.
    Set,
    /// `GET` of a key of its own.
    Get,
    /// `MGET` of this many keys in one round trip (`get_many`).
    GetMany(usize),
    /// `SET` then, every fourth time, `GET` of the same key, which must give the last
    /// acknowledged value (read-your-writes).
    Verify,
}

/// A load run.
#[derive(Debug, Clone)]
pub struct Options {
    /// `http://HOST:PORT` of the bridge (or `.../redis/<i>`'s base).
    pub url: String,
    /// The bearer token, if the bridge has one.
    pub token: Option<String>,
    /// Concurrent clients (connections).
    pub clients: usize,
    /// How long to run.
    pub duration: Duration,
    /// What to send.
    pub workload: Workload,
    /// Keys per client.
    pub keys: usize,
    /// Bytes per value.
    pub value_size: usize,
    /// Key prefix (several runs can share a server).
    pub prefix: String,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            url: String::new(),
            token: None,
            clients: 50,
            duration: Duration::from_secs(10),
            workload: Workload::Set,
            keys: 100,
            value_size: 64,
            prefix: "load".into(),
        }
    }
}

/// What a run measured.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Requests answered 200 with the expected result.
    pub ok: u64,
    /// Requests answered otherwise, or failed at the connection.
    pub errors: u64,
    /// Wall time of the run.
    pub elapsed: Duration,
    /// Latencies of the answered requests, in microseconds, sorted.
    pub latencies: Vec<u32>,
    /// Problems found (a read that did not give the last acknowledged write, ...).
    pub problems: Vec<String>,
    /// For each key written: the last acknowledged value, and values sent but not
    /// acknowledged after it (one of which may legitimately be stored).
    pub writes: HashMap<String, (Option<String>, Vec<String>)>,
}

impl Report {
    /// Requests per second (answered ones).
    pub fn throughput(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The `p`-th percentile latency (0.0–1.0), in milliseconds.
    pub fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return 0.0;
        }
        let i = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        f64::from(self.latencies[i]) / 1000.0
    }

    fn merge(&mut self, other: Report) {
        self.ok += other.ok;
        self.errors += other.errors;
        self.latencies.extend(other.latencies);
        self.problems.extend(other.problems);
        self.writes.extend(other.writes);
    }
}

fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// The value a client writes the `seq`-th time.
fn value(client: usize, seq: u64, size: usize) -> String {
    let mut v = format!("{client}-{seq}-");
    while v.len() < size {
        v.push('x');
    }
    v
}

async fn one_client(options: Arc<Options>, client: usize, stop: Arc<AtomicBool>) -> Report {
    let mut report = Report::default();
    let mut conn = None;
    let mut seq = 0u64;
    let keys: Vec<String> = (0..options.keys)
        .map(|k| format!("{}:{client}:{k}", options.prefix))
        .collect();
    while !stop.load(Ordering::Relaxed) {
        seq += 1;
        if conn.is_none() {
            match Client::connect(&options.url, options.token.as_deref()).await {
                Ok(c) => conn = Some(c),
                Err(_) => {
                    report.errors += 1;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            }
        }
        let c = conn.as_mut().expect("connected");
        let key = &keys[(seq as usize) % keys.len()];
        let (path, body, expect): (&str, String, Option<String>) = match options.workload {
            Workload::Set | Workload::Verify => {
                let v = value(client, seq, options.value_size);
                let body = format!("[\"SET\",{},{}]", json_string(key), json_string(&v));
                let entry = report.writes.entry(key.clone()).or_default();
                entry.1.push(v.clone());
                ("/", body, Some(v))
            }
            Workload::Get => ("/", format!("[\"GET\",{}]", json_string(key)), None),
            Workload::GetMany(n) => {
                let mut body = String::from("[\"MGET\"");
                for i in 0..n {
                    body.push(',');
                    body.push_str(&json_string(&keys[(seq as usize + i) % keys.len()]));
                }
                body.push(']');
                ("/", body, None)
            }
        };
        let started = Instant::now();
        let answer = c.post(path, body.as_bytes()).await;
        let micros = started.elapsed().as_micros().min(u128::from(u32::MAX)) as u32;
        match answer {
            Ok((200, reply)) => {
                report.ok += 1;
                report.latencies.push(micros);
                if let Some(v) = expect {
                    if reply != br#"{"result":"OK"}"# {
                        report.problems.push(format!(
                            "SET {key} answered {}",
                            String::from_utf8_lossy(&reply)
                        ));
                    }
                    // Acknowledged: it and nothing earlier is the value now.
                    let entry = report.writes.entry(key.clone()).or_default();
                    entry.0 = Some(v);
                    entry.1.clear();
                }
            }
            Ok(_) => report.errors += 1,
            Err(_) => {
                report.errors += 1;
                conn = None;
                continue;
            }
        }
        if options.workload == Workload::Verify && seq.is_multiple_of(4) {
            let body = format!("[\"GET\",{}]", json_string(key));
            let Some(c) = conn.as_mut() else { continue };
            match c.post("/", body.as_bytes()).await {
                Ok((200, reply)) => {
                    let (acked, pending) = &report.writes[key];
                    let got = serde_json::from_slice::<serde_json::Value>(&reply)
                        .ok()
                        .and_then(|j| j.get("result").and_then(|r| r.as_str().map(String::from)));
                    let fine = got.as_ref() == acked.as_ref()
                        || got.as_ref().is_some_and(|g| pending.contains(g));
                    if !fine {
                        report.problems.push(format!(
                            "GET {key} gave {got:?}; the last acknowledged write was {acked:?}"
                        ));
                    }
                }
                Ok(_) => report.errors += 1,
                Err(_) => {
                    report.errors += 1;
                    conn = None;
                }
            }
        }
    }
    report
}

/// Runs `options.clients` clients for `options.duration`.
pub async fn run(options: Options) -> Report {
    let options = Arc::new(options);
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let tasks: Vec<_> = (0..options.clients)
        .map(|client| tokio::spawn(one_client(options.clone(), client, stop.clone())))
        .collect();
    tokio::time::sleep(options.duration).await;
    stop.store(true, Ordering::Relaxed);
    let mut report = Report::default();
    for task in tasks {
        if let Ok(part) = task.await {
            report.merge(part);
        }
    }
    report.elapsed = started.elapsed();
    report.latencies.sort_unstable();
    report
}

/// Reads back every key written and checks it holds its last acknowledged value (or a
/// later unacknowledged one); returns the problems found.
pub async fn lost_writes(options: &Options, report: &Report) -> Vec<String> {
    let mut problems = Vec::new();
    let mut client = match Client::connect(&options.url, options.token.as_deref()).await {
        Ok(c) => c,
        Err(e) => return vec![format!("connecting to read back: {e}")],
    };
    let keys: Vec<&String> = report.writes.keys().collect();
    for chunk in keys.chunks(500) {
        let mut body = String::from("[\"MGET\"");
        for key in chunk {
            body.push(',');
            body.push_str(&json_string(key));
        }
        body.push(']');
        let values = match client.post("/", body.as_bytes()).await {
            Ok((200, reply)) => serde_json::from_slice::<serde_json::Value>(&reply)
                .ok()
                .and_then(|j| j.get("result").and_then(|r| r.as_array().cloned()))
                .unwrap_or_default(),
            other => {
                problems.push(format!("MGET to read back answered {other:?}"));
                return problems;
            }
        };
        for (key, stored) in chunk.iter().zip(values) {
            let stored = stored.as_str().map(String::from);
            let (acked, pending) = &report.writes[*key];
            let fine = stored.as_ref() == acked.as_ref()
                || stored.as_ref().is_some_and(|s| pending.contains(s));
            if !fine {
                problems.push(format!(
                    "{key} holds {stored:?}; the last acknowledged write was {acked:?}"
                ));
            }
        }
    }
    problems
}
