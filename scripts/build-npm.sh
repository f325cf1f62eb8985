#!/usr/bin/env bash
# Builds the npm package's wasm and glue into dist/: the core with feature `js` for
# wasm32-unknown-unknown, wasm-bindgen 0.2.130 (--target web), then npm binaryen's wasm-opt.
# Installs what it needs once: the rust target, wasm-bindgen-cli 0.2.130, node_modules.
# Also fills www/vendor/ for the playground.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_rust_target wasm32-unknown-unknown
ensure_wasm_bindgen 0.2.130
ensure_node_modules

step "cargo rustc (cdylib, feature js, wasm32-unknown-unknown)"
cargo rustc -p edgecache --lib --crate-type cdylib --profile wasm \
    --no-default-features --features js --target wasm32-unknown-unknown

step "wasm-bindgen --target web"
rm -rf dist && mkdir -p dist
wasm-bindgen target/wasm32-unknown-unknown/wasm/edgecache.wasm \
    --out-dir dist --out-name edgecache_core --target web --no-typescript

# -O3, not -Oz: the Rust side is already built for size (opt-level "z"); binaryen's -O3 then
# inlines the small functions of the hot paths (a ticketed get-hit's lock, LRU relink, node
# lookups) for about 0.7 KB of gzip (BENCHMARKS.md, "Third cut").
step "wasm-opt -O3 (binaryen from npm)"
node_modules/.bin/wasm-opt dist/edgecache_core_bg.wasm -O3 --strip-debug --strip-producers \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    -o dist/edgecache_core_bg.wasm

raw=$(wc -c < dist/edgecache_core_bg.wasm)
gz=$(gzip -9 -c dist/edgecache_core_bg.wasm | wc -c)
printf 'dist/edgecache_core_bg.wasm: %s bytes, %s gzipped\n' "$raw" "$gz" >&2

# The in-memory build (the `edgecache/memory` entry, docs/memory.md): locmem and dummy only,
# the smallest wasm (build.rs, `edgecache_memory_only`). Its API module is js/api.js with its
# relative imports pointed at dist/memory/ and js/, so both entries share one source.
step "cargo rustc (cdylib, features js,memory, wasm32-unknown-unknown)"
cargo rustc -p edgecache --lib --crate-type cdylib --profile wasm \
    --no-default-features --features js,memory --target wasm32-unknown-unknown

step "wasm-bindgen --target web (in-memory build)"
mkdir -p dist/memory
wasm-bindgen target/wasm32-unknown-unknown/wasm/edgecache.wasm \
    --out-dir dist/memory --out-name edgecache_core --target web --no-typescript

# -Oz, run until it changes nothing (--converge: ~50 B of gzip on this build), after
# --flatten --rereloop (the control flow rebuilt from scratch: ~290 B less gzip, no change in
# a sync get's time). -O3 would be faster on a get-hit by a few per cent but 250 B of gzip
# larger (BENCHMARKS.md, "The in-memory build, third round" and "fourth round").
step "wasm-opt --flatten --rereloop -Oz --converge (in-memory build)"
node_modules/.bin/wasm-opt dist/memory/edgecache_core_bg.wasm --flatten --rereloop -Oz -Oz --converge \
    --strip-debug --strip-producers \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    -o dist/memory/edgecache_core_bg.wasm

sed -e "s#from '../dist/edgecache_core.js'#from './edgecache_core.js'#" \
    -e "s#from './extras.js'#from '../../js/extras.js'#" \
    -e "s#from './copy.js'#from '../../js/copy.js'#" js/api.js > dist/memory/api.js
if [ "$(grep -c -e "from './edgecache_core.js'" -e "from '../../js/extras.js'" -e "from '../../js/copy.js'" dist/memory/api.js)" != 3 ]; then
    echo "dist/memory/api.js: js/api.js's imports changed; update the sed in scripts/build-npm.sh" >&2
    exit 1
fi

raw=$(wc -c < dist/memory/edgecache_core_bg.wasm)
gz=$(gzip -9 -c dist/memory/edgecache_core_bg.wasm | wc -c)
printf 'dist/memory/edgecache_core_bg.wasm: %s bytes, %s gzipped\n' "$raw" "$gz" >&2

# The playground (www/) is a self-contained static directory: it gets its own copy of the
# package's browser build and of sql.js (the db backend's SQLite) in www/vendor/ (gitignored).
step "www/vendor: the package's browser build and sql.js for the playground"
rm -rf www/vendor && mkdir -p www/vendor/js www/vendor/dist www/vendor/sql.js
cp js/api.js js/copy.js js/extras.js js/browser.js www/vendor/js/
cp dist/edgecache_core.js dist/edgecache_core_bg.wasm www/vendor/dist/
cp node_modules/sql.js/dist/sql-wasm-browser.js node_modules/sql.js/dist/sql-wasm-browser.wasm \
    node_modules/sql.js/LICENSE www/vendor/sql.js/
