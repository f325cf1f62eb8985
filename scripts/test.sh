#!/usr/bin/env bash
# Runs every test: formatting, lints, the no_std wasm build of the core, unit, property and
# conformance tests, live-Django interop, concurrency and fault tests, the CLI's replay of
# every trace, the bridge against real Redis and Memcached, the WebAssembly component (built
# here, replayed through its WIT interface in wasmtime, and from JavaScript through jco), and
# the npm package (built, then its node --test suites: every trace replayed through its public
# API, the API, the packed tarball, Miniflare and Chromium smoke tests), the bridge from the
# real @upstash/redis client, the playground (www/) in headless Chromium, its exported trace
# checked against live Django, and the Cloudflare Worker (fmt and clippy for wasm32, built,
# then node --test worker/tests/: every trace through its HTTP API in Miniflare on KV and D1,
# Redis through the bridge, auth, errors, panics). Installs what it needs first (wasm targets,
# a Python venv with Django, redis-server and memcached, wasm-bindgen-cli,
# node_modules).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_rust_target wasm32-unknown-unknown
ensure_rust_target wasm32-wasip2
ensure_python_venv # the live Django the interop tests share a directory, a database, Redis and Memcached with
ensure_servers     # redis-server and memcached, started by the network tests on free ports
export EDGECACHE_PYTHON="$ROOT/.venv/bin/python"

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (workspace, all targets, warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings

step "clippy: the edgecache command without the component host (what scripts/run.sh builds)"
cargo clippy -p edgecache-bridge --no-default-features --all-targets -- -D warnings

step "no_std core for wasm32-unknown-unknown"
cargo build -p edgecache --no-default-features --target wasm32-unknown-unknown --release

step "clippy: the npm package's face (feature js, wasm32, warnings are errors)"
cargo clippy -p edgecache --no-default-features --features js --target wasm32-unknown-unknown -- -D warnings

step "clippy: the npm package's in-memory build (features js,memory, wasm32, warnings are errors)"
cargo clippy -p edgecache --no-default-features --features js,memory --target wasm32-unknown-unknown -- -D warnings

step "the WebAssembly component (wasm32-wasip2)"
cargo build -p edgecache --release --target wasm32-wasip2 --features component
# The in-memory component (world edgecache-memory), with the size settings of the wasm profile.
cargo build -p edgecache --profile wasm --target wasm32-wasip2 --no-default-features --features component
# The component tests use these builds instead of making their own.
export EDGECACHE_COMPONENT="$ROOT/target/wasm32-wasip2/release/edgecache.wasm"
export EDGECACHE_MEMORY_COMPONENT="$ROOT/target/wasm32-wasip2/wasm/edgecache.wasm"

step "cargo test --workspace"
cargo test --workspace

step "the component from JavaScript (jco transpile + node --test)"
ensure_npm_packages tests/component-js
(cd tests/component-js && npm test --silent)

step "npm package: build (scripts/build-npm.sh)"
bash scripts/build-npm.sh

step "the bridge from the real Upstash client (@upstash/redis): node --test tests/upstash/"
ensure_node_modules
EDGECACHE_BIN="$ROOT/target/debug/edgecache" node --test tests/upstash/

ensure_chromium
step "npm package: node --test tests/js/"
node --test tests/js/

step "worker: cargo fmt --check and clippy (wasm32, warnings are errors)"
(cd worker && cargo fmt -- --check && cargo clippy --locked --target wasm32-unknown-unknown --all-targets -- -D warnings)

step "worker: build (worker/build.sh)"
bash worker/build.sh
bash worker/dry-run.sh   # wrangler deploy --dry-run; fails over 400 KB gzip

step "worker: node --test worker/tests/"
node --test worker/tests/

# After the Worker's build: www/tests/worker.test.mjs serves the page from worker/build/assets/.
step "the playground in Chromium: node --test www/tests/ (www/vendor/ from the npm build, the Worker's build)"
node --test www/tests/
