#!/usr/bin/env bash
# `wrangler deploy --dry-run` on the built Worker (bash worker/build.sh first): bundles it as a
# deployment would, offline, and fails if the upload is over 400 KB gzip.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
ensure_node_modules

LIMIT_KIB=400
state="$ROOT/worker/.wrangler"
mkdir -p "$state"
step "wrangler deploy --dry-run (the bundle must stay within $LIMIT_KIB KB gzip)"
report=$(cd worker && env WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false \
    XDG_CONFIG_HOME="$state/config" WRANGLER_LOG_PATH="$state/logs" \
    "$ROOT/node_modules/.bin/wrangler" deploy --dry-run --outdir build/dry-run < /dev/null 2>&1) || {
    echo "$report" >&2
    exit 1
}
line=$(grep -o 'Total Upload: .*' <<<"$report" | sed 's/\x1b\[[0-9;]*m//g')
echo "$line" >&2
gzip_kib=$(sed -n 's/.*gzip: \([0-9.]*\) KiB.*/\1/p' <<<"$line")
if [ -z "$gzip_kib" ]; then
    echo "could not read the bundle size from wrangler's report:" >&2
    echo "$report" >&2
    exit 1
fi
if awk -v size="$gzip_kib" -v limit="$LIMIT_KIB" 'BEGIN { exit !(size > limit) }'; then
    echo "the Worker bundle is $gzip_kib KiB gzip, over $LIMIT_KIB" >&2
    exit 1
fi
