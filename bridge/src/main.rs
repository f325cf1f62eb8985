//! `edgecache`: the command-line face of the edgecache core.
//!
//! `bridge` serves Redis (Upstash REST) and Memcached over HTTP; `replay` runs a conformance
//! trace and prints the oracle's output document; `run` reads a `CACHES` setting (pasted from
//! settings.py, or JSON) and runs console commands against it.

use edgecache::backend::db;
use edgecache::inspect::{CullReason, Detail, Inspection};
use edgecache::replay::{self, Session, Trace};
use edgecache::settings::BackendKind;
use edgecache::store::sqlite::SqliteStore;
use edgecache::{CacheSettings, Clock, Stores, SystemClock, Value, now_or_never, python};
#[cfg(feature = "component-host")]
use edgecache_bridge::component;
use edgecache_bridge::{auth, protocol, server};
use std::io::{self, BufRead, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

const USAGE: &str = "\
edgecache — Django's cache framework, rebuilt in Rust

usage:
  edgecache run [--settings FILE] [--database PATH] [--script FILE] [COMMAND ...]
      Builds the caches of a CACHES setting (a pasted settings.py dict or JSON; FILE '-' is
      stdin; default: the embedded example) and runs console commands: given ones, a script,
      or interactively. `edgecache run help` lists the commands. db aliases use the SQLite
      file PATH (default: db.sqlite3); filebased aliases use their LOCATION directory.
  edgecache replay [--backend NAME] [--redis-url URL] [--memcached HOST:PORT[,...]]
                   [--bridge URL --token T] [--via native|component] [--component PATH] TRACE.json
      Replays a conformance trace on this implementation and prints the oracle's JSON.
      redis and memcached run against real servers (flushed first) through an in-process
      bridge on a free loopback port, or through a running bridge given by --bridge.
      `--via component` runs every operation through the WebAssembly component's exported
      interface (locmem and dummy), loaded in wasmtime from PATH (default:
      target/wasm32-wasip2/release/edgecache.wasm); the host drives its clock.
  edgecache bridge [--listen ADDR] [--redis URL[,URL...]] [--memcached HOST:PORT[,...]]
                   [--token-file F] [--allow-keys] [--allow-scripts] [--max-body BYTES]
                   [--max-commands N] [--max-value BYTES] [--request-timeout SECS]
                   [--redis-connections N] [--max-in-flight N] [--metrics-token-file F]
                   [--metrics-public] [--shutdown-grace SECS] [--log-format text|json]
      Serves Redis over Upstash's REST protocol (/redis/<i> per server; / is the first) and
      Memcached over the same shape of JSON protocol (/memcached), with GET /healthz and
      GET /metrics (Prometheus). The token file holds one token per line, each optionally
      preceded by its right: read-only, read-write (no flushes) or admin (the default); the
      tokens may instead come from EDGECACHE_BRIDGE_TOKEN. Each option can also come from
      EDGECACHE_BRIDGE_<NAME> (EDGECACHE_BRIDGE_TOKEN_FILE, _ALLOW_KEYS=1, ...); the log
      level from EDGECACHE_LOG (error, warn, info, debug). Default listen address:
      127.0.0.1:8379; without a token it only listens on loopback. SIGTERM finishes the
      requests in flight, then exits. See docs/bridge.md.
  edgecache createcachetable [--settings FILE] [--database PATH] [--dry-run] [--verbosity N] [TABLE ...]
      Creates the db backend's tables in a SQLite file (default: db.sqlite3) exactly as
      Django's `manage.py createcachetable` does: the TABLEs given, or every db alias's LOCATION.
  edgecache warm --settings FILE --from FILE.jsonl [--alias A] [--database PATH]
                 [--bridge URL --token T] [--progress-every SECS]
      Stores the entries of a JSONL file ({\"key\": .., \"value\": .., \"timeout\": ..,
      \"version\": ..} a line; '-' is stdin) in alias A (default: default). Bad lines are
      reported with their line numbers on stderr and the good ones stored; progress on
      stderr for long runs, after a batch of 1000 lines at most once every SECS seconds
      (default 1; 0: after every batch); exit status 2 if any line was not stored. redis
      and memcached aliases go through --bridge, or a bridge started in-process in front of
      their LOCATION.
      See docs/stats.md.
  edgecache check-settings FILE
      Reads a CACHES setting and prints each alias as edgecache understands it.
  edgecache --version";

mod warm;

fn cmd_warm(args: &[String]) -> Result<(), String> {
    let (options, positional) = split_options(
        args,
        &[
            "settings",
            "from",
            "alias",
            "database",
            "bridge",
            "token",
            "progress-every",
        ],
    )?;
    if let Some(extra) = positional.first() {
        return Err(format!("warm takes no argument {extra:?}; see --help"));
    }
    if option(&options, "settings").is_none() {
        return Err("warm needs --settings FILE".into());
    }
    let from = option(&options, "from").ok_or("warm needs --from FILE.jsonl")?;
    let settings = load_settings(&options)?;
    let bridge =
        option(&options, "bridge").map(|url| (url, option(&options, "token").unwrap_or("")));
    let progress_every = match option(&options, "progress-every") {
        None => warm::PROGRESS_EVERY,
        Some(text) => match text.parse::<f64>() {
            Ok(secs) if secs.is_finite() && secs >= 0.0 => Duration::from_secs_f64(secs),
            _ => {
                return Err(format!(
                    "--progress-every must be a number of seconds, 0 or more, not {text:?}"
                ));
            }
        },
    };
    warm::run(
        &settings,
        stores(&settings, &options)?,
        option(&options, "alias").unwrap_or("default"),
        from,
        bridge,
        progress_every,
    )
}

const EXAMPLE_SETTINGS: &str = include_str!("../../examples/caches.py");

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("replay") => cmd_replay(&args[1..]),
        Some("bridge") => cmd_bridge(&args[1..]),
        Some("run") => cmd_run(&args[1..]),
        Some("check-settings") => cmd_check_settings(&args[1..]),
        Some("createcachetable") => cmd_createcachetable(&args[1..]),
        Some("warm") => cmd_warm(&args[1..]),
        Some("--version" | "-V") => {
            println!("edgecache {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        Some("--help" | "-h" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("expected a command\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("edgecache: {message}");
            ExitCode::from(2)
        }
    }
}

/// `--name value` pairs, in the order given.
type NamedOptions = Vec<(String, String)>;

/// Splits `--name value` options (anywhere on the line) from positional arguments.
fn split_options(args: &[String], known: &[&str]) -> Result<(NamedOptions, Vec<String>), String> {
    let mut options = Vec::new();
    let mut positional = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if let Some(name) = arg.strip_prefix("--") {
            let (name, value) = match name.split_once('=') {
                Some((name, value)) => (name.to_string(), value.to_string()),
                None => {
                    let value = iter
                        .next()
                        .ok_or_else(|| format!("--{name} needs a value"))?;
                    (name.to_string(), value.clone())
                }
            };
            if !known.contains(&name.as_str()) {
                return Err(format!(
                    "unknown option --{name}; known: {}",
                    known
                        .iter()
                        .map(|k| format!("--{k}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            options.push((name, value));
        } else {
            positional.push(arg.clone());
        }
    }
    Ok((options, positional))
}

fn option<'a>(options: &'a [(String, String)], name: &str) -> Option<&'a str> {
    options
        .iter()
        .rev()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

fn read_input(path: &str) -> Result<String, String> {
    if path == "-" {
        let mut text = String::new();
        io::Read::read_to_string(&mut io::stdin(), &mut text)
            .map_err(|e| format!("reading stdin: {e}"))?;
        Ok(text)
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))
    }
}

fn cmd_replay(args: &[String]) -> Result<(), String> {
    let (options, positional) = split_options(
        args,
        &[
            "backend",
            "redis-url",
            "memcached",
            "bridge",
            "token",
            "via",
            "component",
        ],
    )?;
    let [path] = positional.as_slice() else {
        return Err("replay takes one TRACE.json".into());
    };
    let text = read_input(path)?;
    let stem = std::path::Path::new(path)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("trace");
    let trace = Trace::parse(&text, stem).map_err(|e| format!("{path}: {e}"))?;
    let backend = match option(&options, "backend") {
        Some(backend) => backend.to_string(),
        None => trace
            .backends
            .first()
            .cloned()
            .unwrap_or_else(|| "locmem".into()),
    };
    let output = match (option(&options, "via"), option(&options, "component")) {
        (None | Some("native"), None) => {
            let network = if replay::SERVER_BACKENDS.contains(&backend.as_str()) {
                Some(replay_network(&options)?)
            } else {
                None
            };
            replay::replay_on(&trace, &backend, network.as_ref()).map_err(|e| e.to_string())?
        }
        (None | Some("native"), Some(_)) => {
            return Err("--component needs --via component".into());
        }
        #[cfg(feature = "component-host")]
        (Some("component"), path) => {
            let path = path.map_or_else(component::default_path, std::path::PathBuf::from);
            component::Host::load(&path)?.replay(&trace, &backend)?
        }
        #[cfg(not(feature = "component-host"))]
        (Some("component"), _) => {
            return Err("this edgecache was built without the component host \
                        (cargo build --release builds it; feature component-host)"
                .into());
        }
        (Some(other), _) => return Err(format!("--via takes native or component, not {other}")),
    };
    println!("{}", output.to_text());
    Ok(())
}

/// The servers of a redis/memcached replay: a running bridge (`--bridge`), or one started in
/// this process in front of `--redis-url` / `--memcached`.
fn replay_network(options: &[(String, String)]) -> Result<replay::Network, String> {
    let redis_location = option(options, "redis-url")
        .map(String::from)
        .or_else(|| std::env::var("EDGECACHE_REDIS_URL").ok())
        .unwrap_or_else(|| "redis://127.0.0.1:6379/0".into());
    let memcached_location = option(options, "memcached")
        .map(String::from)
        .or_else(|| std::env::var("EDGECACHE_MEMCACHED").ok())
        .unwrap_or_else(|| "127.0.0.1:11211".into());
    let (bridge_url, token) = match option(options, "bridge") {
        Some(url) => (
            url.to_string(),
            option(options, "token").unwrap_or_default().to_string(),
        ),
        None => {
            let url = server::spawn(server::Config {
                listen: "127.0.0.1:0".into(),
                redis: split_list(&redis_location),
                memcached: split_list(&memcached_location),
                // The core's `inspect` (the traces' `dump`) lists keys with KEYS.
                policy: protocol::Policy {
                    allow_keys: true,
                    allow_scripts: false,
                },
                ..server::Config::default()
            })?;
            (url, String::new())
        }
    };
    Ok(replay::Network {
        bridge_url,
        token,
        redis_location,
        memcached_location,
    })
}

fn split_list(text: &str) -> Vec<String> {
    text.split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

const BRIDGE_OPTIONS: &[&str] = &[
    "listen",
    "redis",
    "memcached",
    "token-file",
    "allow-keys",
    "allow-scripts",
    "max-body",
    "max-commands",
    "max-value",
    "request-timeout",
    "redis-connections",
    "max-in-flight",
    "metrics-token-file",
    "metrics-public",
    "shutdown-grace",
    "log-format",
];

/// Options that are switches: `--allow-keys` alone means `--allow-keys=true`.
const BRIDGE_SWITCHES: &[&str] = &["allow-keys", "allow-scripts", "metrics-public"];

fn read_tokens(path: &str) -> Result<Vec<auth::Token>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    auth::parse_tokens(&text, path)
}

/// `edgecache bridge`: serves until SIGTERM or Ctrl-C.
fn cmd_bridge(args: &[String]) -> Result<(), String> {
    let args: Vec<String> = args
        .iter()
        .map(|a| match a.strip_prefix("--") {
            Some(name) if BRIDGE_SWITCHES.contains(&name) => format!("--{name}=true"),
            _ => a.clone(),
        })
        .collect();
    let (options, positional) = split_options(&args, BRIDGE_OPTIONS)?;
    if !positional.is_empty() {
        return Err(format!("bridge takes no arguments: {positional:?}"));
    }
    let setting = |name: &str| {
        let env = format!(
            "EDGECACHE_BRIDGE_{}",
            name.to_ascii_uppercase().replace('-', "_")
        );
        option(&options, name)
            .map(String::from)
            .or_else(|| std::env::var(env).ok().filter(|v| !v.is_empty()))
    };
    let switch = |name: &str| -> Result<bool, String> {
        match setting(name).as_deref() {
            None | Some("0" | "false" | "no" | "off") => Ok(false),
            Some("1" | "true" | "yes" | "on") => Ok(true),
            Some(other) => Err(format!("--{name}: expected true or false, not {other:?}")),
        }
    };
    fn number<T: std::str::FromStr>(
        name: &str,
        value: Option<String>,
        default: T,
    ) -> Result<T, String> {
        match value {
            None => Ok(default),
            Some(text) => text
                .trim()
                .parse()
                .map_err(|_| format!("--{name}: {text:?} is not a valid number")),
        }
    }
    let seconds = |name: &str, default: f64| -> Result<std::time::Duration, String> {
        let secs: f64 = number(name, setting(name), default)?;
        std::time::Duration::try_from_secs_f64(secs)
            .ok()
            .filter(|d| !d.is_zero())
            .ok_or_else(|| format!("--{name}: expected a positive number of seconds"))
    };
    init_logging(setting("log-format").as_deref().unwrap_or("text"))?;
    let tokens = match (
        setting("token-file"),
        std::env::var("EDGECACHE_BRIDGE_TOKEN"),
    ) {
        (Some(path), _) => read_tokens(&path).map_err(|e| format!("--token-file {e}"))?,
        (None, Ok(text)) if !text.trim().is_empty() => {
            auth::parse_tokens(&text, "EDGECACHE_BRIDGE_TOKEN")?
        }
        _ => Vec::new(),
    };
    let defaults = protocol::Limits::default();
    let base = server::Config::default();
    let metrics = if switch("metrics-public")? {
        server::MetricsAccess::Public
    } else if let Some(path) = setting("metrics-token-file") {
        server::MetricsAccess::Tokens(
            read_tokens(&path).map_err(|e| format!("--metrics-token-file {e}"))?,
        )
    } else {
        server::MetricsAccess::Admin
    };
    let config = server::Config {
        listen: setting("listen").unwrap_or(base.listen),
        redis: split_list(&setting("redis").unwrap_or_default()),
        memcached: split_list(&setting("memcached").unwrap_or_default()),
        tokens,
        policy: protocol::Policy {
            allow_keys: switch("allow-keys")?,
            allow_scripts: switch("allow-scripts")?,
        },
        limits: protocol::Limits {
            max_body: number("max-body", setting("max-body"), defaults.max_body)?,
            max_commands: number(
                "max-commands",
                setting("max-commands"),
                defaults.max_commands,
            )?,
            max_value: number("max-value", setting("max-value"), defaults.max_value)?,
        },
        request_timeout: seconds("request-timeout", base.request_timeout.as_secs_f64())?,
        redis_connections: number(
            "redis-connections",
            setting("redis-connections"),
            base.redis_connections,
        )?,
        max_in_flight: number(
            "max-in-flight",
            setting("max-in-flight"),
            base.max_in_flight,
        )?,
        metrics,
        shutdown_grace: seconds("shutdown-grace", base.shutdown_grace.as_secs_f64())?,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let bound = server::bind(&config).await?;
        let address = bound.local_addr().map_err(|e| e.to_string())?;
        println!("edgecache bridge listening on http://{address}");
        io::stdout().flush().map_err(|e| e.to_string())?;
        bound
            .serve_until(server::termination())
            .await
            .map_err(|e| e.to_string())
    })
}

/// Structured logs on stderr: `text` (key=value fields) or `json` (one object a line), at
/// the level EDGECACHE_LOG names (default info).
fn init_logging(format: &str) -> Result<(), String> {
    let level = match std::env::var("EDGECACHE_LOG")
        .unwrap_or_default()
        .to_ascii_lowercase()
        .as_str()
    {
        "" | "info" => tracing::Level::INFO,
        "error" => tracing::Level::ERROR,
        "warn" => tracing::Level::WARN,
        "debug" => tracing::Level::DEBUG,
        "trace" => tracing::Level::TRACE,
        other => {
            return Err(format!(
                "EDGECACHE_LOG={other}: expected error, warn, info, debug or trace"
            ));
        }
    };
    let builder = tracing_subscriber::fmt()
        .with_writer(io::stderr)
        .with_max_level(level)
        .with_target(false);
    match format {
        "text" => builder.with_ansi(io::stderr().is_terminal()).init(),
        "json" => builder.json().init(),
        other => {
            return Err(format!(
                "--log-format: expected text or json, not {other:?}"
            ));
        }
    }
    Ok(())
}

fn load_settings(options: &[(String, String)]) -> Result<CacheSettings, String> {
    let (label, text) = match option(options, "settings") {
        Some(path) => (path.to_string(), read_input(path)?),
        None => (
            "the embedded example settings".to_string(),
            EXAMPLE_SETTINGS.to_string(),
        ),
    };
    CacheSettings::parse(&text).map_err(|e| format!("{label}: {e}"))
}

/// Native storage: directories for filebased aliases, a SQLite file for db aliases (opened
/// only when the settings have one).
fn stores(settings: &CacheSettings, options: &[(String, String)]) -> Result<Stores, String> {
    let stores = Stores::native();
    if !settings
        .caches
        .iter()
        .any(|c| c.backend == BackendKind::Database)
    {
        return Ok(stores);
    }
    let path = option(options, "database").unwrap_or("db.sqlite3");
    let database = SqliteStore::open(path).map_err(|e| e.to_string())?;
    Ok(stores.with_sql(Arc::new(database)))
}

fn cmd_createcachetable(args: &[String]) -> Result<(), String> {
    let flags: Vec<String> = args.iter().filter(|a| *a != "--dry-run").cloned().collect();
    let dry_run = flags.len() != args.len();
    let (options, mut tables) = split_options(&flags, &["settings", "database", "verbosity"])?;
    let verbosity: u8 = option(&options, "verbosity")
        .unwrap_or("1")
        .parse()
        .map_err(|_| "--verbosity takes 0, 1, 2 or 3".to_string())?;
    if tables.is_empty() {
        let settings = load_settings(&options)?;
        for config in settings
            .caches
            .iter()
            .filter(|c| c.backend == BackendKind::Database)
        {
            let table = python::str(&config.location);
            if !tables.contains(&table) {
                tables.push(table);
            }
        }
    }
    let path = option(&options, "database").unwrap_or("db.sqlite3");
    let database = SqliteStore::open(path).map_err(|e| e.to_string())?;
    for table in &tables {
        db::check_table_name(table).map_err(|e| e.to_string())?;
        let exists = now_or_never(db::table_exists(&database, table))
            .unwrap_or(Ok(false))
            .map_err(|e| e.to_string())?;
        if exists {
            if verbosity > 0 {
                println!("Cache table '{table}' already exists.");
            }
            continue;
        }
        if dry_run {
            for statement in db::create_table_sql(table) {
                println!("{statement}");
            }
            continue;
        }
        now_or_never(db::create_table(&database, table))
            .unwrap_or(Ok(db::CreateTable::Created))
            .map_err(|e| e.to_string())?;
        if verbosity > 1 {
            println!("Cache table '{table}' created.");
        }
    }
    Ok(())
}

fn cmd_check_settings(args: &[String]) -> Result<(), String> {
    let [path] = args else {
        return Err("check-settings takes one FILE ('-' for stdin)".into());
    };
    let settings = CacheSettings::parse(&read_input(path)?).map_err(|e| format!("{path}: {e}"))?;
    for config in &settings.caches {
        println!(
            "{alias}: {backend} ({path}) LOCATION={location} TIMEOUT={timeout} KEY_PREFIX={prefix} VERSION={version} KEY_FUNCTION={function} MAX_ENTRIES={max} CULL_FREQUENCY={cull}",
            alias = config.alias,
            backend = config.backend,
            path = config.backend_path,
            location = python::repr(&config.location),
            timeout = config.timeout.map_or("None".to_string(), |t| t.to_string()),
            prefix = python::repr(&config.key_prefix),
            version = python::repr(&config.version),
            function = config.key_function.name(),
            max = config.max_entries,
            cull = config.cull_frequency,
        );
    }
    Ok(())
}

fn cmd_run(args: &[String]) -> Result<(), String> {
    let (options, commands) = split_options(args, &["settings", "script", "database"])?;
    if commands.first().map(String::as_str) == Some("help") {
        println!("{}", replay::HELP);
        return Ok(());
    }
    let settings = load_settings(&options)?;
    let session = Session::with_stores(&settings, SystemClock.now(), stores(&settings, &options)?);
    let aliases: Vec<&str> = session.caches().aliases().collect();
    eprintln!(
        "edgecache: caches {} ready; the clock moves only with `advance`",
        aliases.join(", ")
    );
    let mut out = io::stdout().lock();
    if let Some(script) = option(&options, "script") {
        for line in read_input(script)?.lines() {
            run_line(&session, line, true, &mut out)?;
        }
    }
    if !commands.is_empty() {
        for command in &commands {
            run_line(&session, command, true, &mut out)?;
        }
        return Ok(());
    }
    if option(&options, "script").is_some() && !io::stdin().is_terminal() {
        return Ok(());
    }
    let interactive = io::stdin().is_terminal();
    if interactive {
        eprintln!("type commands (`help` lists them), Ctrl-D to quit");
    }
    let stdin = io::stdin();
    loop {
        if interactive {
            eprint!(">>> ");
        }
        let mut line = String::new();
        match stdin.lock().read_line(&mut line) {
            Ok(0) => return Ok(()),
            Ok(_) => run_line(&session, line.trim_end(), !interactive, &mut out)?,
            Err(e) => return Err(format!("reading stdin: {e}")),
        }
    }
}

/// Runs one console line and prints what Django's shell would show.
fn run_line(session: &Session, line: &str, echo: bool, out: &mut impl Write) -> Result<(), String> {
    let write_error = |e: io::Error| format!("writing output: {e}");
    if line.trim() == "help" {
        writeln!(out, "{}", replay::HELP).map_err(write_error)?;
        return Ok(());
    }
    let op = match replay::parse_command(line) {
        Ok(Some(op)) => op,
        Ok(None) => return Ok(()),
        Err(message) => {
            writeln!(out, ">>> {line}\n  error: {message}").map_err(write_error)?;
            return Ok(());
        }
    };
    if echo {
        writeln!(out, ">>> {line}").map_err(write_error)?;
    }
    let alias = match &op {
        Value::Dict(fields) => fields
            .iter()
            .find(|(k, _)| k.as_str() == Some("cache"))
            .and_then(|(_, v)| v.as_str().map(String::from)),
        _ => None,
    }
    .unwrap_or_else(|| "default".into());
    let culled_before = culled(session, &alias);
    let (outcome, warnings) = session.run(&op);
    for warning in warnings {
        writeln!(out, "  {warning}").map_err(write_error)?;
    }
    if culled(session, &alias) > culled_before {
        if let Some(note) = describe_last_cull(session, &alias) {
            writeln!(out, "  {note}").map_err(write_error)?;
        }
    }
    match outcome {
        Ok(value) => writeln!(out, "{}", python::repr(&value)),
        Err(error) => writeln!(out, "{error}"),
    }
    .map_err(write_error)
}

fn inspect(session: &Session, alias: &str) -> Option<Inspection> {
    let cache = session.caches().get(alias).ok()?;
    now_or_never(cache.inspect(Detail::Count))?.ok()
}

/// How many entries the alias's store has culled so far.
fn culled(session: &Session, alias: &str) -> u64 {
    inspect(session, alias).map_or(0, |i| i.stats.culled)
}

/// "culled 2 entries: ..." with Django's reason, for the console.
fn describe_last_cull(session: &Session, alias: &str) -> Option<String> {
    let report = inspect(session, alias)?.last_cull?;
    let reason = match report.reason {
        CullReason::ClearAll { count, max_entries } => {
            format!("{count} entries >= MAX_ENTRIES {max_entries}, CULL_FREQUENCY 0 clears all")
        }
        CullReason::LeastRecentlyUsed {
            count,
            max_entries,
            cull_frequency,
        } => format!(
            "{count} entries >= MAX_ENTRIES {max_entries}, so {count} // CULL_FREQUENCY {cull_frequency} least-recently-used go"
        ),
    };
    Some(format!(
        "culled {} ({reason}): {}",
        report.removed.len(),
        report.removed.join(", ")
    ))
}
