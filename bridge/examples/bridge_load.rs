//! Load generator for `scripts/bench-bridge.sh`: N keep-alive clients against a running
//! bridge for a while, then one JSON line with the throughput and latency percentiles.
//!
//! ```sh
//! cargo run --release -p edgecache-bridge --no-default-features --example bridge_load -- \
//!     --url http://127.0.0.1:8379 --clients 50 --seconds 10 --workload set
//! ```
//! Workloads: `set`, `get`, `mget:N` (get_many of N keys in one round trip), `verify`
//! (writes, reads back, and checks afterwards that no acknowledged write was lost).
//! Runs on one thread, as `redis-benchmark` does, leaving the other cores to the bridge.

use edgecache_bridge::loadgen::{self, Options, Workload};
use std::time::Duration;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let get = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let number =
        |name: &str, default: u64| get(name).map_or(default, |v| v.parse().expect("a number"));
    let workload = match get("--workload").as_deref().unwrap_or("set") {
        "set" => Workload::Set,
        "get" => Workload::Get,
        "verify" => Workload::Verify,
        other => match other.strip_prefix("mget:") {
            Some(n) => Workload::GetMany(n.parse().expect("mget:N")),
            None => panic!("unknown workload {other}"),
        },
    };
    let options = Options {
        url: get("--url").expect("--url"),
        token: get("--token"),
        clients: number("--clients", 50) as usize,
        duration: Duration::from_secs(number("--seconds", 10)),
        workload,
        keys: number("--keys", 100) as usize,
        value_size: number("--value-size", 64) as usize,
        prefix: get("--prefix").unwrap_or_else(|| "bench".into()),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let (report, lost) = runtime.block_on(async {
        let report = loadgen::run(options.clone()).await;
        let lost = if workload == Workload::Verify {
            loadgen::lost_writes(&options, &report).await
        } else {
            Vec::new()
        };
        (report, lost)
    });
    println!(
        "{}",
        serde_json::json!({
            "workload": get("--workload").unwrap_or_else(|| "set".into()),
            "clients": options.clients,
            "seconds": report.elapsed.as_secs_f64(),
            "requests": report.ok,
            "errors": report.errors,
            "rps": report.throughput().round(),
            "p50_ms": report.percentile_ms(0.5),
            "p99_ms": report.percentile_ms(0.99),
            "problems": report.problems.len(),
            "keys_written": report.writes.len(),
            "lost_writes": lost.len(),
        })
    );
    if !report.problems.is_empty() || !lost.is_empty() {
        for line in report.problems.iter().chain(&lost).take(10) {
            eprintln!("{line}");
        }
        std::process::exit(1);
    }
}
