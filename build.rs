//! Derives the cfgs the core compiles under from its features and target.
//!
//! - `edgecache_std`: the standard library is linked. Feature `std`, except in the WebAssembly
//!   component (`component` on wasm): std's panic machinery would import WASI interfaces, and
//!   the component imports nothing but a clock.
//! - `edgecache_sqlite` / `edgecache_replay`: features `sqlite` / `replay`, on native targets
//!   with std (SQLite is C, built for the host only; the replay needs SQLite for its db runs).
//! - `edgecache_replay_core`: the replay's operation dispatch and async session (feature
//!   `replay-core`, the full replay, or the npm face `js`), on any target: the Worker's API and
//!   the playground run operations through it.
//! - `edgecache_storage_backends`: the backends over storage seams (filebased, db, redis,
//!   memcached) are compiled. Always, except in the in-memory component: `component` on wasm
//!   without the `std` feature (`--no-default-features --features component`), which the
//!   seams could not reach anyway and which is smaller without them. Every other build keeps
//!   them, whatever its features (Cargo features only add), unless `memory` asks otherwise.
//! - `edgecache_memory_only`: the smallest build, for the size-bound in-memory artifacts (the
//!   npm package's `edgecache/memory` entry, the in-memory component): locmem and dummy with
//!   the cache API and its introspection, and nothing else: no storage backends, no HTTP
//!   layer, no django-redis extras, stampede protection, stats or warm-up. On with the
//!   `memory` feature, and for the in-memory component (`component` on wasm without `std`).

use std::env;

fn main() {
    // Only features and target decide the cfgs (cargo reruns the script when those change);
    // without this line any edited file in the package, docs included, would rerun it.
    println!("cargo::rerun-if-changed=build.rs");
    for cfg in [
        "edgecache_std",
        "edgecache_sqlite",
        "edgecache_replay",
        "edgecache_replay_core",
        "edgecache_storage_backends",
        "edgecache_memory_only",
    ] {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
    }
    let feature =
        |name: &str| env::var_os(format!("CARGO_FEATURE_{}", name.to_uppercase())).is_some();
    let wasm = env::var("CARGO_CFG_TARGET_FAMILY")
        .is_ok_and(|families| families.split(',').any(|family| family == "wasm"));
    let std = feature("std") && !(wasm && feature("component"));
    let sqlite = std && !wasm && feature("sqlite");
    let replay = sqlite && feature("replay");
    let memory_only = feature("memory") || (wasm && feature("component") && !feature("std"));
    // The npm package's `Session` (trace import/export, the playground) is no part of its
    // in-memory entry.
    let replay_core = replay || feature("replay_core") || (feature("js") && !memory_only);
    let storage_backends = !memory_only;
    for (cfg, on) in [
        ("edgecache_std", std),
        ("edgecache_sqlite", sqlite),
        ("edgecache_replay", replay),
        ("edgecache_replay_core", replay_core),
        ("edgecache_storage_backends", storage_backends),
        ("edgecache_memory_only", memory_only),
    ] {
        if on {
            println!("cargo::rustc-cfg={cfg}");
        }
    }
}
