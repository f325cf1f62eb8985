#!/usr/bin/env bash
# The main job: build the edgecache Cloudflare Worker and serve it locally with wrangler dev
# (pinned, fully offline) on http://127.0.0.1:8787 — the playground at /, the cache API at
# /api — with the embedded development defaults: `default` on locmem, `kv` on a local Workers
# KV namespace, `db` on a local D1 database, both persisted under worker/.wrangler/ (gitignored).
#
#   scripts/run.sh                      # the Worker (PORT=8787 by default)
#   scripts/run.sh cli [--settings FILE] # the `edgecache run` console on a pasted CACHES instead
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ "${1:-}" = "cli" ]; then
    shift
    step "cargo build --release (the edgecache command, without the component host)"
    cargo build --release --quiet -p edgecache-bridge --no-default-features
    if [ "$#" -eq 0 ]; then
        set -- --script examples/demo.txt
    fi
    exec target/release/edgecache run "$@"
fi

PORT="${PORT:-8787}"
# The playground runs the npm package's browser build from www/vendor/ (filled by
# scripts/build-npm.sh); build it once if this checkout has the page but not its vendor files.
if [ -f www/index.html ] && [ ! -d www/vendor/js ] && [ -f scripts/build-npm.sh ]; then
    bash scripts/build-npm.sh
fi
bash worker/build.sh

state="$ROOT/worker/.wrangler"
mkdir -p "$state"
step "wrangler dev --local on http://127.0.0.1:$PORT (Ctrl-C stops it)"
echo "edgecache Worker: http://127.0.0.1:$PORT/   (API: http://127.0.0.1:$PORT/api/config)" >&2
cd worker
exec env WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false \
    XDG_CONFIG_HOME="$state/config" WRANGLER_LOG_PATH="$state/logs" \
    "$ROOT/node_modules/.bin/wrangler" dev --local --ip 127.0.0.1 --port "$PORT" \
    --persist-to "$state/state" --var EDGECACHE_ENV:development --show-interactive-dev-session=false \
    < /dev/null
