//! `edgecache warm --settings FILE --from FILE.jsonl [--alias A]`: stores the entries of a
//! JSONL file (`{"key": ..., "value": ..., "timeout": ..., "version": ...}` a line) in one
//! alias, through the core's warm run (`edgecache::warm`). Bad lines are reported on stderr
//! with their line numbers and never stop the good ones; progress goes to stderr on long
//! runs. redis and memcached aliases are reached through `--bridge URL [--token T]`, or an
//! in-process bridge in front of their `LOCATION`.

use edgecache::settings::BackendKind;
use edgecache::warm::{self, WarmItem, WarmReport};
use edgecache::{CacheSettings, Caches, Stores, SystemClock, now_or_never};
use edgecache_bridge::{protocol, server};
use std::io::{BufRead, BufReader};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Lines read between two calls to the core.
const BATCH: usize = 1000;
/// Least time between two progress lines, unless `--progress-every` says otherwise.
pub const PROGRESS_EVERY: Duration = Duration::from_secs(1);

/// Runs `edgecache warm`; `stores` gives the native storage for the settings. A progress
/// line goes to stderr after a batch when `progress_every` has passed since the last one.
pub fn run(
    settings: &CacheSettings,
    stores: Stores,
    alias: &str,
    from: &str,
    bridge: Option<(&str, &str)>,
    progress_every: Duration,
) -> Result<(), String> {
    let config = settings
        .get(alias)
        .ok_or_else(|| format!("no alias '{alias}' in the settings"))?;
    let stores = match (bridge, config.backend) {
        (Some((url, token)), _) => stores.with_bridge(url, token),
        (None, BackendKind::Redis(_) | BackendKind::Memcached(_)) => {
            let servers = config.servers();
            let remote = servers.iter().all(|s| s.starts_with("https://"));
            if remote {
                stores
            } else {
                let is_redis = matches!(config.backend, BackendKind::Redis(_));
                let url = server::spawn(server::Config {
                    listen: "127.0.0.1:0".into(),
                    redis: if is_redis {
                        servers.clone()
                    } else {
                        Vec::new()
                    },
                    memcached: if is_redis { Vec::new() } else { servers },
                    policy: protocol::Policy::default(),
                    ..server::Config::default()
                })?;
                stores.with_bridge(&url, "")
            }
        }
        (None, _) => stores,
    };
    let caches = Caches::with_stores(settings, Arc::new(SystemClock), &stores);
    let cache = caches.get(alias).map_err(|e| e.to_string())?;
    let input: Box<dyn BufRead> = if from == "-" {
        Box::new(BufReader::new(std::io::stdin()))
    } else {
        Box::new(BufReader::new(
            std::fs::File::open(from).map_err(|e| format!("{from}: {e}"))?,
        ))
    };
    let started = Instant::now();
    let mut last_progress = started;
    let mut report = WarmReport::default();
    let mut batch = Vec::new();
    let mut lines = 0usize;
    let flush = |batch: &mut Vec<(usize, WarmItem)>, report: &mut WarmReport| {
        let done = now_or_never(warm::warm(cache, std::mem::take(batch)))
            .expect("native storage is synchronous");
        for failure in &done.failed {
            eprintln!("{from}:{}: not stored: {}", failure.at, failure.error);
        }
        report.merge(done);
    };
    for (index, line) in input.lines().enumerate() {
        let number = index + 1;
        let line = line.map_err(|e| format!("{from}:{number}: {e}"))?;
        lines = number;
        if line.trim().is_empty() {
            continue;
        }
        match WarmItem::parse_line(&line) {
            Ok(item) => batch.push((number, item)),
            Err(error) => {
                eprintln!("{from}:{number}: bad line: {error}");
                report.failed.push(warm::WarmFailure { at: number, error });
            }
        }
        if batch.len() >= BATCH {
            flush(&mut batch, &mut report);
            if last_progress.elapsed() >= progress_every {
                last_progress = Instant::now();
                eprintln!(
                    "edgecache warm: {lines} lines, {} stored, {} failed ({:.0} lines/s)",
                    report.stored,
                    report.failed.len(),
                    lines as f64 / started.elapsed().as_secs_f64()
                );
            }
        }
    }
    flush(&mut batch, &mut report);
    eprintln!(
        "edgecache warm: {lines} lines, {} stored in '{alias}', {} failed, {:.1}s",
        report.stored,
        report.failed.len(),
        started.elapsed().as_secs_f64()
    );
    if report.failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} of {lines} lines were not stored (see above)",
            report.failed.len()
        ))
    }
}
