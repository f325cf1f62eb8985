#!/usr/bin/env bash
# Builds the edgecache Worker into worker/build/ without downloading anything but crates and
# npm packages: cargo (wasm32, release) → wasm-bindgen --target module (pinned CLI) → npm
# binaryen's wasm-opt; then stages the playground (www/) as the static assets. wrangler and
# Miniflare load worker/shim.js, which imports build/index.js.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

WASM_BINDGEN_VERSION=0.2.130
ensure_rust_target wasm32-unknown-unknown
ensure_wasm_bindgen "$WASM_BINDGEN_VERSION"
ensure_node_modules

out=worker/build
step "cargo build (edgecache-worker, wasm32-unknown-unknown, release)"
cargo build --quiet --manifest-path worker/Cargo.toml --locked --target wasm32-unknown-unknown --release

step "wasm-bindgen --target module → $out/"
rm -rf "$out/index.js" "$out/index_bg.wasm" "$out/snippets"
mkdir -p "$out"
# The reset-state function and the abort handler let shim.js recover from a Rust panic: the
# instance is rebuilt before the next request instead of serving from poisoned memory.
wasm-bindgen "${CARGO_TARGET_DIR:-worker/target}/wasm32-unknown-unknown/release/edgecache_worker.wasm" \
    --out-dir "$out" --out-name index --target module --no-typescript \
    --experimental-reset-state-function --force-enable-abort-handler
# workerd hands a `.wasm` import over as a WebAssembly.Module already, which is what the
# source-phase import (`import source`) asks for; wrangler's bundler knows only the plain form.
sed -i 's/^import source /import /' "$out/index.js"

step "wasm-opt -Oz (npm binaryen)"
node_modules/.bin/wasm-opt -Oz --converge --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-multivalue --enable-reference-types \
    --enable-exception-handling --strip-debug --strip-producers \
    "$out/index_bg.wasm" -o "$out/index_bg.wasm"

step "static assets: www/ → $out/assets/"
rm -rf "$out/assets"
mkdir -p "$out/assets"
if [ -d www ]; then
    cp -R www/. "$out/assets/"
fi
# The page's own tests and notes are not served.
printf 'tests/\nREADME.md\n' > "$out/assets/.assetsignore"
if [ ! -f "$out/assets/index.html" ]; then
    # The playground is not in this checkout yet: a generated notice (never written into www/).
    cat > "$out/assets/index.html" <<'HTML'
<!doctype html>
<meta charset="utf-8">
<title>edgecache Worker</title>
<h1>edgecache Worker</h1>
<p>The playground (<code>www/</code>) is not in this checkout yet. The cache API is live:
<a href="/api">/api</a>, <a href="/api/config">/api/config</a>, <a href="/api/caches">/api/caches</a>.</p>
HTML
fi

raw=$(stat -c %s "$out/index_bg.wasm")
gz=$(gzip -9 -c "$out/index_bg.wasm" | wc -c)
echo "worker wasm: $raw bytes raw, $gz bytes gzip" >&2
