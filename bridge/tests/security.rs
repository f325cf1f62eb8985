//! The bridge as the internet sees it: tokens and their rights (401, 403), the command
//! allow-list, body/command/value limits (413), routes and methods (404, 405), malformed
//! bodies (400), the per-request deadline (504), `/healthz` and `/metrics`, and the refusal
//! to listen beyond loopback without a token. Every refused request leaves Redis untouched.

mod support;

use edgecache_bridge::loadgen::Client;
use serde_json::{Value as Json, json};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ADMIN: &str = "admin-token-0123456789abcdef";
const WRITER: &str = "writer-token-0123456789abcdef";
const READER: &str = "reader-token-0123456789abcdef";

struct Setup {
    _redis: support::Server,
    _memcached: support::Server,
    bridge: support::Bridge,
    _dir: std::path::PathBuf,
}

fn setup(extra: &[&str]) -> Setup {
    let redis = support::redis();
    let memcached = support::memcached();
    let dir = support::temp_dir(&format!("security-{}", support::free_port()));
    let tokens = dir.join("tokens");
    std::fs::write(
        &tokens,
        format!("# who may do what\n{ADMIN}\nread-write {WRITER}\nread-only {READER}\n"),
    )
    .unwrap();
    let redis_url = format!("redis://127.0.0.1:{}/0", redis.port);
    let memcached_at = format!("127.0.0.1:{}", memcached.port);
    let mut args = vec![
        "--redis",
        &redis_url,
        "--memcached",
        &memcached_at,
        "--token-file",
        tokens.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let bridge = support::Bridge::start(&args);
    Setup {
        _redis: redis,
        _memcached: memcached,
        bridge,
        _dir: dir,
    }
}

async fn client(url: &str, token: Option<&str>) -> Client {
    Client::connect(url, token).await.expect("connects")
}

fn parse(body: &[u8]) -> Json {
    serde_json::from_slice(body)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(body)))
}

/// POSTs `body` to `path`; the status and the JSON answer.
async fn post(c: &mut Client, path: &str, body: &str) -> (u16, Json) {
    let (status, body) = c.post(path, body.as_bytes()).await.expect("answers");
    (status, parse(&body))
}

#[tokio::test]
async fn tokens_are_checked_before_anything_reaches_redis() {
    let s = setup(&[]);
    let url = &s.bridge.url;
    let mut admin = client(url, Some(ADMIN)).await;
    assert_eq!(
        post(&mut admin, "/", r#"["SET","guarded","before"]"#).await,
        (200, json!({"result": "OK"}))
    );
    for token in [None, Some("wrong-token-0123456789abcdef"), Some("")] {
        let mut c = client(url, token).await;
        for (path, body) in [
            ("/", r#"["SET","guarded","changed"]"#),
            ("/pipeline", r#"[["SET","guarded","changed"]]"#),
            ("/multi-exec", r#"[["SET","guarded","changed"]]"#),
            ("/redis/0", r#"["FLUSHDB"]"#),
            ("/memcached", r#"["flush_all"]"#),
            ("/", "not json at all"), // 401 before the body is even read
        ] {
            let (status, answer) = post(&mut c, path, body).await;
            assert_eq!(
                (status, answer),
                (401, json!({"error": "Unauthorized"})),
                "{token:?} {path}"
            );
        }
    }
    // The token without its scheme, and a prefix of a real token, are not tokens.
    let mut raw = client(url, None).await;
    for value in [ADMIN.to_string(), format!("Bearer {}", &ADMIN[..20])] {
        let (status, _) = raw
            .request(
                "POST",
                "/",
                &[("Authorization", &value)],
                br#"["GET","guarded"]"#,
            )
            .await
            .unwrap();
        assert_eq!(status, 401, "{value}");
    }
    assert_eq!(
        post(&mut admin, "/", r#"["GET","guarded"]"#).await,
        (200, json!({"result": "before"}))
    );
}

#[tokio::test]
async fn rights_read_only_read_write_and_admin() {
    let s = setup(&[]);
    let url = &s.bridge.url;
    let (mut admin, mut writer, mut reader) = (
        client(url, Some(ADMIN)).await,
        client(url, Some(WRITER)).await,
        client(url, Some(READER)).await,
    );
    assert_eq!(post(&mut writer, "/", r#"["SET","k","v"]"#).await.0, 200);
    assert_eq!(
        post(&mut reader, "/", r#"["GET","k"]"#).await,
        (200, json!({"result": "v"}))
    );
    let (status, answer) = post(&mut reader, "/", r#"["SET","k","w"]"#).await;
    assert_eq!(status, 403);
    assert!(
        answer["error"].as_str().unwrap().contains("read-only"),
        "{answer}"
    );
    // A pipeline with one refused command runs nothing.
    let (status, _) = post(&mut reader, "/pipeline", r#"[["GET","k"],["DEL","k"]]"#).await;
    assert_eq!(status, 403);
    let (status, answer) = post(&mut writer, "/", r#"["FLUSHDB"]"#).await;
    assert_eq!(status, 403, "{answer}");
    assert!(answer["error"].as_str().unwrap().contains("admin"));
    let (status, _) = post(
        &mut writer,
        "/pipeline",
        r#"[["SET","k","x"],["FLUSHALL"]]"#,
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(
        post(&mut admin, "/", r#"["GET","k"]"#).await,
        (200, json!({"result": "v"})),
        "the refused pipelines left k alone"
    );
    // Memcached: the same rights.
    assert_eq!(
        post(&mut writer, "/memcached", r#"["set","m","1","0","0"]"#).await,
        (200, json!({"result": true}))
    );
    assert_eq!(
        post(&mut reader, "/memcached", r#"["set","m","2","0","0"]"#)
            .await
            .0,
        403
    );
    assert_eq!(
        post(&mut writer, "/memcached", r#"["flush_all"]"#).await.0,
        403
    );
    assert_eq!(
        post(&mut reader, "/memcached", r#"["get","m"]"#).await,
        (200, json!({"result": ["1", 0]}))
    );
    assert_eq!(
        post(&mut admin, "/memcached", r#"["flush_all"]"#).await,
        (200, json!({"result": true}))
    );
    assert_eq!(
        post(&mut admin, "/", r#"["FLUSHDB"]"#).await,
        (200, json!({"result": "OK"}))
    );
    assert_eq!(
        post(&mut admin, "/", r#"["GET","k"]"#).await,
        (200, json!({"result": null}))
    );
}

#[tokio::test]
async fn the_allow_list_refuses_administration_even_to_admins() {
    let s = setup(&[]);
    let mut admin = client(&s.bridge.url, Some(ADMIN)).await;
    for command in [
        r#"["CONFIG","SET","dir","/tmp"]"#,
        r#"["config","get","*"]"#,
        r#"["SHUTDOWN","NOSAVE"]"#,
        r#"["DEBUG","SLEEP","0"]"#,
        r#"["MONITOR"]"#,
        r#"["SELECT","1"]"#,
        r#"["CLIENT","LIST"]"#,
        r#"["ACL","LIST"]"#,
        r#"["BLPOP","q","0"]"#,
        r#"["SUBSCRIBE","c"]"#,
        r#"["KEYS","*"]"#,
        r#"["EVAL","return 1","0"]"#,
        r#"["SCRIPT","LOAD","return 1"]"#,
        r#"["SCRIPT","FLUSH"]"#,
        r#"["NOSUCHCOMMAND"]"#,
    ] {
        let (status, answer) = post(&mut admin, "/", command).await;
        assert_eq!(status, 403, "{command}: {answer}");
        assert!(answer["error"].as_str().unwrap().starts_with("NOPERM"));
    }
    let (status, _) = post(&mut admin, "/memcached", r#"["stats"]"#).await;
    assert_eq!(status, 403);
    // The server still runs, untouched.
    assert_eq!(
        post(&mut admin, "/", r#"["PING"]"#).await,
        (200, json!({"result": "PONG"}))
    );
}

#[tokio::test]
async fn keys_and_scripts_only_when_enabled() {
    let s = setup(&["--allow-keys", "--allow-scripts"]);
    let url = &s.bridge.url;
    let (mut writer, mut reader) = (
        client(url, Some(WRITER)).await,
        client(url, Some(READER)).await,
    );
    post(&mut writer, "/", r#"["SET","only","1"]"#).await;
    assert_eq!(
        post(&mut reader, "/", r#"["KEYS","*"]"#).await,
        (200, json!({"result": ["only"]}))
    );
    assert_eq!(
        post(&mut writer, "/", r#"["EVAL","return 7","0"]"#).await,
        (200, json!({"result": 7}))
    );
    assert_eq!(
        post(&mut reader, "/", r#"["EVAL","return 7","0"]"#).await.0,
        403,
        "a script may write: not for read-only tokens"
    );
    assert_eq!(post(&mut writer, "/", r#"["SCRIPT","FLUSH"]"#).await.0, 403);
}

#[tokio::test]
async fn routes_methods_and_malformed_bodies() {
    let s = setup(&[]);
    let mut c = client(&s.bridge.url, Some(ADMIN)).await;
    for (method, path, allow) in [
        ("GET", "/", "POST"),
        ("PUT", "/pipeline", "POST"),
        ("DELETE", "/redis/0/multi-exec", "POST"),
        ("GET", "/memcached", "POST"),
        ("POST", "/healthz", "GET, HEAD"),
        ("POST", "/metrics", "GET"),
    ] {
        let (status, body) = c.request(method, path, &[], b"").await.unwrap();
        assert_eq!(status, 405, "{method} {path}");
        assert!(parse(&body)["error"].is_string(), "{method} {path}");
        let _ = allow;
    }
    for path in [
        "/nope",
        "/redis/x",
        "/redis/0/exec",
        "/get/k",
        "/redis/7",
        "/pipeline/",
    ] {
        let (status, answer) = post(&mut c, path, r#"["GET","k"]"#).await;
        assert_eq!(status, 404, "{path}");
        assert!(answer["error"].is_string(), "{path}");
    }
    for (path, body) in [
        ("/", "{"),
        ("/", ""),
        ("/", r#"{"command":"GET"}"#),
        ("/", "[]"),
        ("/", r#"[["GET","k"]]"#),
        ("/", r#"["GET",{"a":1}]"#),
        ("/", r#"["GET",null]"#),
        ("/pipeline", r#"["GET","k"]"#),
        ("/pipeline", "[]"),
        ("/multi-exec", r#"{"a":1}"#),
        ("/memcached", "[1"),
        ("/memcached/pipeline", r#""get""#),
    ] {
        let (status, answer) = post(&mut c, path, body).await;
        assert_eq!(status, 400, "{path} {body}: {answer}");
        assert!(answer["error"].is_string(), "{path} {body}");
    }
    // Base64 arguments that are not base64.
    let (status, body) = c
        .request(
            "POST",
            "/",
            &[("Edgecache-Arguments", "base64")],
            br#"["R0VU","!!"]"#,
        )
        .await
        .unwrap();
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));
    // A Redis error is 400 with Redis' message; in a pipeline it is that command's reply.
    post(&mut c, "/", r#"["SET","text","abc"]"#).await;
    assert_eq!(
        post(&mut c, "/", r#"["INCR","text"]"#).await,
        (
            400,
            json!({"error": "ERR value is not an integer or out of range"})
        )
    );
    assert_eq!(
        post(
            &mut c,
            "/pipeline",
            r#"[["SET","n","1"],["INCR","text"],["INCR","n"]]"#
        )
        .await,
        (
            200,
            json!([
                {"result": "OK"},
                {"error": "ERR value is not an integer or out of range"},
                {"result": 2}
            ])
        )
    );
    assert_eq!(
        post(&mut c, "/multi-exec", r#"[["INCR","n"],["INCR","text"]]"#).await,
        (
            200,
            json!([
                {"result": 3},
                {"error": "ERR value is not an integer or out of range"}
            ])
        )
    );
}

#[tokio::test]
async fn limits_give_413() {
    let s = setup(&[
        "--max-body",
        "2048",
        "--max-commands",
        "5",
        "--max-value",
        "100",
    ]);
    let mut c = client(&s.bridge.url, Some(ADMIN)).await;
    let big = format!(r#"["SET","k","{}"]"#, "x".repeat(3000));
    for path in ["/", "/memcached"] {
        let (status, answer) = post(&mut c, path, &big).await;
        assert_eq!(status, 413, "{path}: {answer}");
    }
    let six = format!("[{}]", [r#"["GET","k"]"#; 6].join(","));
    assert_eq!(post(&mut c, "/pipeline", &six).await.0, 413);
    assert_eq!(post(&mut c, "/multi-exec", &six).await.0, 413);
    let five = format!("[{}]", [r#"["GET","k"]"#; 5].join(","));
    assert_eq!(post(&mut c, "/pipeline", &five).await.0, 200);
    let value = format!(r#"["SET","k","{}"]"#, "x".repeat(101));
    assert_eq!(post(&mut c, "/", &value).await.0, 413);
    let value = format!(r#"["SET","k","{}"]"#, "x".repeat(100));
    assert_eq!(post(&mut c, "/", &value).await.0, 200);
    // A chunked body (no Content-Length) over the limit is refused too.
    let mut raw = tokio::net::TcpStream::connect(s.bridge.url.trim_start_matches("http://"))
        .await
        .unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let chunk = "y".repeat(4000);
    raw.write_all(
        format!(
            "POST / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{chunk}\r\n0\r\n\r\n",
            chunk.len()
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let mut answer = Vec::new();
    raw.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}

#[tokio::test]
async fn a_body_that_never_arrives_is_a_408_at_the_deadline() {
    let s = setup(&["--request-timeout", "1"]);
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut raw = tokio::net::TcpStream::connect(s.bridge.url.trim_start_matches("http://"))
        .await
        .unwrap();
    raw.write_all(
        format!("POST / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN}\r\nContent-Length: 100\r\nConnection: close\r\n\r\n[\"GET\"")
            .as_bytes(),
    )
    .await
    .unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    raw.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn health_and_metrics() {
    let s = setup(&[]);
    let url = &s.bridge.url;
    let mut anonymous = client(url, None).await;
    let (status, body) = anonymous
        .request("GET", "/healthz", &[], b"")
        .await
        .unwrap();
    assert_eq!((status, parse(&body)), (200, json!({"status": "ok"})));
    let (status, _) = anonymous
        .request("GET", "/metrics", &[], b"")
        .await
        .unwrap();
    assert_eq!(status, 401);
    let mut reader = client(url, Some(READER)).await;
    assert_eq!(
        reader.request("GET", "/metrics", &[], b"").await.unwrap().0,
        401,
        "metrics need an admin token by default"
    );
    post(&mut reader, "/", r#"["GET","a"]"#).await;
    post(&mut reader, "/", r#"["SET","a","1"]"#).await;
    let mut admin = client(url, Some(ADMIN)).await;
    let (status, body) = admin.request("GET", "/metrics", &[], b"").await.unwrap();
    assert_eq!(status, 200);
    let text = String::from_utf8(body).unwrap();
    for line in [
        "edgecache_bridge_requests_total{route=\"redis\",status=\"200\"} 1",
        "edgecache_bridge_requests_total{route=\"redis\",status=\"403\"} 1",
        "edgecache_bridge_requests_total{route=\"other\",status=\"401\"} 2",
        "edgecache_bridge_upstream_latency_seconds_count{server=\"redis\"} 1",
        "# TYPE edgecache_bridge_upstream_latency_seconds histogram",
    ] {
        assert!(text.contains(line), "{line} missing from:\n{text}");
    }

    // A separate metrics token, or none at all.
    let dir = support::temp_dir("metrics-token");
    let metrics_token = dir.join("metrics");
    std::fs::write(&metrics_token, "scraper-token-0123456789\n").unwrap();
    let redis = support::redis();
    let redis_url = format!("redis://127.0.0.1:{}/0", redis.port);
    let token_file = dir.join("tokens");
    std::fs::write(&token_file, format!("{ADMIN}\n")).unwrap();
    let scraped = support::Bridge::start(&[
        "--redis",
        &redis_url,
        "--token-file",
        token_file.to_str().unwrap(),
        "--metrics-token-file",
        metrics_token.to_str().unwrap(),
    ]);
    let mut scraper = client(&scraped.url, Some("scraper-token-0123456789")).await;
    assert_eq!(
        scraper
            .request("GET", "/metrics", &[], b"")
            .await
            .unwrap()
            .0,
        200
    );
    assert_eq!(
        post(&mut scraper, "/", r#"["GET","a"]"#).await.0,
        401,
        "a metrics token is no command token"
    );
    let public = support::Bridge::start(&["--redis", &redis_url, "--metrics-public"]);
    let mut anyone = client(&public.url, None).await;
    assert_eq!(
        anyone.request("GET", "/metrics", &[], b"").await.unwrap().0,
        200
    );
}

/// A TCP server that accepts connections and never answers: a hung Redis.
fn black_hole() -> (u16, std::thread::JoinHandle<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().take(8) {
            held.push(stream);
        }
        std::thread::sleep(Duration::from_secs(30));
    });
    (port, handle)
}

#[tokio::test]
async fn a_hung_server_is_a_504_at_the_deadline() {
    let (port, _hole) = black_hole();
    let redis_url = format!("redis://127.0.0.1:{port}/0");
    let memcached_at = format!("127.0.0.1:{port}");
    let bridge = support::Bridge::start(&[
        "--redis",
        &redis_url,
        "--memcached",
        &memcached_at,
        "--request-timeout",
        "1",
    ]);
    let mut c = client(&bridge.url, None).await;
    for (path, body) in [
        ("/", r#"["GET","k"]"#),
        ("/pipeline", r#"[["GET","k"]]"#),
        ("/memcached", r#"["get","k"]"#),
    ] {
        let started = Instant::now();
        let (status, answer) = post(&mut c, path, body).await;
        let took = started.elapsed();
        assert!(status == 504 || status == 502, "{path}: {status} {answer}");
        assert!(answer["error"].is_string(), "{answer}");
        assert!(took < Duration::from_millis(2500), "{path} took {took:?}");
    }
}

#[test]
fn without_a_token_it_refuses_to_listen_beyond_loopback() {
    let output = Command::new(env!("CARGO_BIN_EXE_edgecache"))
        .args([
            "bridge",
            "--listen",
            "0.0.0.0:0",
            "--redis",
            "redis://127.0.0.1:1/0",
        ])
        .env("EDGECACHE_LOG", "error")
        .env_remove("EDGECACHE_BRIDGE_TOKEN")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("without a token"), "{stderr}");
    // Short tokens and unknown rights are refused at start, naming the line.
    let dir = support::temp_dir("bad-tokens");
    for (text, expected) in [
        ("short\n", "at least 16"),
        ("owner 0123456789abcdefgh\n", "unknown right"),
        ("# empty\n", "holds no token"),
    ] {
        let file = dir.join("tokens");
        std::fs::write(&file, text).unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_edgecache"))
            .args(["bridge", "--listen", "127.0.0.1:0", "--token-file"])
            .arg(&file)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !output.status.success() && stderr.contains(expected),
            "{text:?}: {stderr}"
        );
        assert!(
            !stderr.contains("0123456789abcdefgh"),
            "a token in a message"
        );
    }
}

#[tokio::test]
async fn tokens_from_the_environment() {
    let redis = support::redis();
    let redis_url = format!("redis://127.0.0.1:{}/0", redis.port);
    let port = support::free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_edgecache"))
        .args(["bridge", "--listen", &format!("127.0.0.1:{port}")])
        .env("EDGECACHE_BRIDGE_REDIS", &redis_url)
        .env("EDGECACHE_BRIDGE_TOKEN", format!("read-only {READER}"))
        .env("EDGECACHE_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    let mut reader = client(&url, Some(READER)).await;
    assert_eq!(post(&mut reader, "/", r#"["GET","a"]"#).await.0, 200);
    assert_eq!(post(&mut reader, "/", r#"["SET","a","1"]"#).await.0, 403);
    let mut nobody = client(&url, None).await;
    assert_eq!(post(&mut nobody, "/", r#"["GET","a"]"#).await.0, 401);
    let _ = child.kill();
    let _ = child.wait();
}
