//! Real Redis and Memcached servers for the tests: started on free loopback ports, stopped by
//! their PIDs (the `Child` handles) when dropped. `scripts/test.sh` installs them
//! (`apt-get install -y redis-server memcached`).

#![allow(dead_code)] // each test file uses part of this

use edgecache::Value;
use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn wait_for(port: u16, what: &str, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited at start: {status}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("{what} did not listen on 127.0.0.1:{port}");
}

fn require(binary: &str) -> PathBuf {
    for dir in std::env::var("PATH").unwrap_or_default().split(':') {
        let path = Path::new(dir).join(binary);
        if path.exists() {
            return path;
        }
    }
    for dir in ["/usr/bin", "/usr/sbin", "/usr/local/bin"] {
        let path = Path::new(dir).join(binary);
        if path.exists() {
            return path;
        }
    }
    panic!(
        "{binary} is not installed: run scripts/test.sh, which installs it \
         (apt-get install -y redis-server memcached)"
    );
}

/// A server process, killed (by its PID) and reaped when dropped.
pub struct Server {
    child: Child,
    /// Its loopback port.
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A redis-server with 64 logical databases (one per trace running in parallel), nothing
/// saved to disk.
pub fn redis() -> Server {
    redis_on(free_port())
}

/// A redis-server on `port` (to bring one back where it was).
pub fn redis_on(port: u16) -> Server {
    let dir = std::env::temp_dir();
    let mut child = Command::new(require("redis-server"))
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
        ])
        .args([
            "--appendonly",
            "no",
            "--databases",
            "64",
            "--daemonize",
            "no",
        ])
        .arg("--dir")
        .arg(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("redis-server starts");
    wait_for(port, "redis-server", &mut child);
    Server { child, port }
}

/// A memcached (64 MB).
pub fn memcached() -> Server {
    memcached_on(free_port())
}

/// A memcached on `port`.
pub fn memcached_on(port: u16) -> Server {
    let mut command = Command::new(require("memcached"));
    command.args([
        "-l",
        "127.0.0.1",
        "-p",
        &port.to_string(),
        "-U",
        "0",
        "-m",
        "64",
    ]);
    // memcached refuses to run as root without -u.
    if std::env::var("USER").as_deref() == Ok("root") || is_root() {
        command.args(["-u", "root"]);
    }
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("memcached starts");
    wait_for(port, "memcached", &mut child);
    Server { child, port }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A running `edgecache bridge` child process and its base URL.
pub struct Bridge {
    server: Server,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

impl Bridge {
    /// Starts `edgecache bridge ARGS --listen 127.0.0.1:<free port>` and waits for it.
    pub fn start(args: &[&str]) -> Self {
        let port = free_port();
        let listen = format!("127.0.0.1:{port}");
        let mut child = Command::new(env!("CARGO_BIN_EXE_edgecache"))
            .arg("bridge")
            .args(["--listen", &listen])
            .args(args)
            .env(
                "EDGECACHE_LOG",
                std::env::var("EDGECACHE_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("edgecache bridge starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut first = String::new();
        BufReader::new(stdout)
            .read_line(&mut first)
            .expect("a line");
        assert!(first.contains(&listen), "bridge said {first:?}");
        wait_for(port, "edgecache bridge", &mut child);
        Self {
            server: Server { child, port },
            url: format!("http://{listen}"),
        }
    }
}

impl Bridge {
    /// The bridge process' id.
    pub fn pid(&self) -> u32 {
        self.server.child.id()
    }

    /// Sends SIGTERM (by PID).
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
    }

    /// Waits up to `timeout` for the process to exit.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.server.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

/// A fresh temporary directory for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("edgecache-bridge-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The workspace root, where `tests/conformance/` lives.
pub fn workspace_root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// A Python that imports every module in `modules`: `EDGECACHE_PYTHON` if it does, else the
/// workspace's `.venv` (which `scripts/test.sh` makes with Django 5.2.19 and the clients).
pub fn python_with(modules: &[&str]) -> PathBuf {
    let imports = |python: &Path| {
        Command::new(python)
            .args(["-c", &format!("import {}", modules.join(", "))])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let mut tried = Vec::new();
    if let Ok(path) = std::env::var("EDGECACHE_PYTHON") {
        let path = PathBuf::from(path);
        if imports(&path) {
            return path;
        }
        tried.push(path);
    }
    let venv = workspace_root().join(".venv/bin/python");
    if imports(&venv) {
        return venv;
    }
    tried.push(venv);
    panic!(
        "no Python that imports {} (tried {tried:?}): run scripts/test.sh (it makes .venv \
         with them) or set EDGECACHE_PYTHON",
        modules.join(", ")
    );
}

/// Runs `tests/django/<script>` with `args` on a Python that has `modules`; its stdout.
pub fn run_django_script(modules: &[&str], script: &str, args: &[&str]) -> String {
    let output = Command::new(python_with(modules))
        .arg(workspace_root().join("tests/django").join(script))
        .args(args)
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "{script} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8")
}

/// The field `name` of `object`, a dict with str keys (a decoded JSON object from a Django
/// script); panics naming what is missing.
pub fn field<'a>(object: &'a Value, name: &str) -> &'a Value {
    let Value::Dict(pairs) = object else {
        panic!("not an object: {object:?}")
    };
    &pairs
        .iter()
        .find(|(k, _)| k.as_str() == Some(name))
        .unwrap_or_else(|| panic!("no field {name}"))
        .1
}
