//! Counters in Prometheus' text exposition format (`GET /metrics`): requests by route and
//! status, upstream errors, upstream latency histograms, requests in flight. Lock-free
//! atomics; no metrics crate.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

/// The routes counted separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// `/`, `/redis/<i>`.
    Redis,
    /// `/pipeline`, `/redis/<i>/pipeline`.
    RedisPipeline,
    /// `/multi-exec`, `/redis/<i>/multi-exec`.
    RedisMultiExec,
    /// `/memcached`.
    Memcached,
    /// `/memcached/pipeline`.
    MemcachedPipeline,
    /// Anything else (404s, 405s, `/healthz`, `/metrics`).
    Other,
}

const ROUTES: [(Route, &str); 6] = [
    (Route::Redis, "redis"),
    (Route::RedisPipeline, "redis_pipeline"),
    (Route::RedisMultiExec, "redis_multi_exec"),
    (Route::Memcached, "memcached"),
    (Route::MemcachedPipeline, "memcached_pipeline"),
    (Route::Other, "other"),
];

/// Status codes the bridge answers with; anything else counts as `other`.
const STATUSES: [u16; 13] = [
    200, 400, 401, 403, 404, 405, 408, 413, 500, 502, 503, 504, 0,
];

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 14] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

/// One upstream's latency histogram and error count.
#[derive(Default)]
struct Upstream {
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
    errors: AtomicU64,
}

impl Upstream {
    fn observe(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        if let Some(i) = BUCKETS.iter().position(|b| seconds <= *b) {
            self.buckets[i].fetch_add(1, Relaxed);
        }
        self.count.fetch_add(1, Relaxed);
        self.sum_micros
            .fetch_add(elapsed.as_micros() as u64, Relaxed);
    }
}

/// Which server kind a latency belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Server {
    /// Redis.
    Redis,
    /// Memcached.
    Memcached,
}

/// The bridge's counters.
#[derive(Default)]
pub struct Metrics {
    requests: [[AtomicU64; STATUSES.len()]; ROUTES.len()],
    commands: AtomicU64,
    in_flight: AtomicU64,
    redis: Upstream,
    memcached: Upstream,
}

impl Metrics {
    /// Counts one answered request.
    pub fn request(&self, route: Route, status: u16) {
        let r = ROUTES.iter().position(|(x, _)| *x == route).unwrap_or(5);
        let s = STATUSES
            .iter()
            .position(|x| *x == status)
            .unwrap_or(STATUSES.len() - 1);
        self.requests[r][s].fetch_add(1, Relaxed);
    }

    /// Counts commands sent upstream.
    pub fn commands(&self, n: usize) {
        self.commands.fetch_add(n as u64, Relaxed);
    }

    /// Marks a request started; the guard marks it finished.
    pub fn enter(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Relaxed);
        InFlight(self)
    }

    fn upstream(&self, server: Server) -> &Upstream {
        match server {
            Server::Redis => &self.redis,
            Server::Memcached => &self.memcached,
        }
    }

    /// Records one upstream round trip.
    pub fn latency(&self, server: Server, elapsed: Duration) {
        self.upstream(server).observe(elapsed);
    }

    /// Counts an upstream failure (unreachable, broken connection, timeout).
    pub fn upstream_error(&self, server: Server) {
        self.upstream(server).errors.fetch_add(1, Relaxed);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP edgecache_bridge_requests_total HTTP requests answered, by route and status.\n\
             # TYPE edgecache_bridge_requests_total counter\n",
        );
        for (r, (_, route)) in ROUTES.iter().enumerate() {
            for (s, status) in STATUSES.iter().enumerate() {
                let n = self.requests[r][s].load(Relaxed);
                if n > 0 {
                    let status = if *status == 0 {
                        "other".to_string()
                    } else {
                        status.to_string()
                    };
                    let _ = writeln!(
                        out,
                        "edgecache_bridge_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
                    );
                }
            }
        }
        let errors: u64 = self
            .requests
            .iter()
            .flat_map(|row| row.iter().zip(STATUSES))
            .filter(|(_, status)| *status >= 400 || *status == 0)
            .map(|(n, _)| n.load(Relaxed))
            .sum();
        let _ = write!(
            out,
            "# HELP edgecache_bridge_errors_total HTTP requests answered with a 4xx or 5xx status.\n\
             # TYPE edgecache_bridge_errors_total counter\n\
             edgecache_bridge_errors_total {errors}\n\
             # HELP edgecache_bridge_commands_total Commands sent to the servers.\n\
             # TYPE edgecache_bridge_commands_total counter\n\
             edgecache_bridge_commands_total {}\n\
             # HELP edgecache_bridge_in_flight Requests being served now.\n\
             # TYPE edgecache_bridge_in_flight gauge\n\
             edgecache_bridge_in_flight {}\n",
            self.commands.load(Relaxed),
            self.in_flight.load(Relaxed)
        );
        out.push_str(
            "# HELP edgecache_bridge_upstream_errors_total Failed round trips to a server (unreachable, broken, timed out).\n\
             # TYPE edgecache_bridge_upstream_errors_total counter\n",
        );
        for (name, upstream) in [("redis", &self.redis), ("memcached", &self.memcached)] {
            let _ = writeln!(
                out,
                "edgecache_bridge_upstream_errors_total{{server=\"{name}\"}} {}",
                upstream.errors.load(Relaxed)
            );
        }
        out.push_str(
            "# HELP edgecache_bridge_upstream_latency_seconds Time of one round trip to a server (a command, a pipeline or a transaction).\n\
             # TYPE edgecache_bridge_upstream_latency_seconds histogram\n",
        );
        for (name, upstream) in [("redis", &self.redis), ("memcached", &self.memcached)] {
            let mut cumulative = 0;
            for (i, bound) in BUCKETS.iter().enumerate() {
                cumulative += upstream.buckets[i].load(Relaxed);
                let _ = writeln!(
                    out,
                    "edgecache_bridge_upstream_latency_seconds_bucket{{server=\"{name}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let count = upstream.count.load(Relaxed);
            let _ = write!(
                out,
                "edgecache_bridge_upstream_latency_seconds_bucket{{server=\"{name}\",le=\"+Inf\"}} {count}\n\
                 edgecache_bridge_upstream_latency_seconds_sum{{server=\"{name}\"}} {}\n\
                 edgecache_bridge_upstream_latency_seconds_count{{server=\"{name}\"}} {count}\n",
                upstream.sum_micros.load(Relaxed) as f64 / 1e6
            );
        }
        out
    }
}

/// A request in flight; dropping it counts it out.
pub struct InFlight<'a>(&'a Metrics);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_prometheus_text() {
        let metrics = Metrics::default();
        metrics.request(Route::Redis, 200);
        metrics.request(Route::Redis, 401);
        metrics.request(Route::Other, 418);
        metrics.latency(Server::Redis, Duration::from_micros(300));
        metrics.upstream_error(Server::Memcached);
        {
            let _guard = metrics.enter();
            assert!(metrics.render().contains("edgecache_bridge_in_flight 1\n"));
        }
        let text = metrics.render();
        for line in [
            "edgecache_bridge_requests_total{route=\"redis\",status=\"200\"} 1",
            "edgecache_bridge_requests_total{route=\"other\",status=\"other\"} 1",
            "edgecache_bridge_errors_total 2",
            "edgecache_bridge_in_flight 0",
            "edgecache_bridge_upstream_errors_total{server=\"memcached\"} 1",
            "edgecache_bridge_upstream_latency_seconds_bucket{server=\"redis\",le=\"0.00025\"} 0",
            "edgecache_bridge_upstream_latency_seconds_bucket{server=\"redis\",le=\"0.0005\"} 1",
            "edgecache_bridge_upstream_latency_seconds_count{server=\"redis\"} 1",
        ] {
            assert!(text.contains(line), "{line} missing from\n{text}");
        }
    }
}
