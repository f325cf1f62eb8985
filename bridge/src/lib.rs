//! The `edgecache` command's library half: the HTTP bridge and what the subcommands share
//! with the tests.
//!
//! * [`server`] — the bridge: routes, tokens, limits, the allow-list, metrics, shutdown.
//! * [`protocol`] — the request language as pure functions (parsing, limits, the allow-list).
//! * [`auth`] — token files and constant-time token comparison.
//! * [`metrics`] — the Prometheus counters behind `/metrics`.
//! * [`memcache`] — a memcached text-protocol client with pymemcache's key placement.
//! * [`loadgen`] — a keep-alive HTTP load generator (the load test and the benchmark).
//! * [`component`] hosts the WebAssembly component (`wit/edgecache.wit`) in wasmtime, so a
//!   conformance trace can be replayed through the component's exported interface.

pub mod auth;
#[cfg(feature = "component-host")]
pub mod component;
pub mod loadgen;
pub mod memcache;
pub mod metrics;
pub mod protocol;
pub mod server;
