//! 50 concurrent clients on keep-alive connections write and read back their own keys
//! through the bridge; afterwards every key must hold its last acknowledged write. Loopback
//! only, bounded in time: `EDGECACHE_LOAD_SECS` seconds (10 by default; the benchmark,
//! `scripts/bench-bridge.sh`, runs a minute).

mod support;

use edgecache_bridge::loadgen::{self, Options, Workload};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_clients_lose_no_acknowledged_write() {
    let seconds: u64 = std::env::var("EDGECACHE_LOAD_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let redis = support::redis();
    let location = format!("redis://127.0.0.1:{}/0", redis.port);
    let bridge = support::Bridge::start(&["--redis", &location]);
    let options = Options {
        url: bridge.url.clone(),
        clients: 50,
        duration: Duration::from_secs(seconds),
        workload: Workload::Verify,
        keys: 20,
        value_size: 100,
        prefix: "load".into(),
        ..Options::default()
    };
    let report = loadgen::run(options.clone()).await;
    eprintln!(
        "{} requests in {:.1} s ({:.0}/s), p50 {:.2} ms, p99 {:.2} ms, {} errors",
        report.ok,
        report.elapsed.as_secs_f64(),
        report.throughput(),
        report.percentile_ms(0.5),
        report.percentile_ms(0.99),
        report.errors
    );
    assert!(
        report.problems.is_empty(),
        "{:#?}",
        &report.problems[..report.problems.len().min(10)]
    );
    assert_eq!(report.errors, 0, "requests failed");
    assert!(report.ok > 50 * seconds, "only {} requests", report.ok);
    assert_eq!(report.writes.len(), 50 * 20, "every key was written");
    let lost = loadgen::lost_writes(&options, &report).await;
    assert!(
        lost.is_empty(),
        "{} lost writes: {:#?}",
        lost.len(),
        &lost[..lost.len().min(10)]
    );
}
