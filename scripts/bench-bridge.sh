#!/usr/bin/env bash
# The bridge's benchmark (not part of scripts/test.sh): GET/SET throughput and p50/p99 latency
# with 50 concurrent clients through `edgecache bridge`, against `redis-benchmark` hitting the
# same Redis directly in the same run; get_many(100) (MGET of 100 keys, one round trip) both
# ways; then the one-minute load test (50 clients writing and reading back; afterwards no
# acknowledged write may be missing). Loopback only; servers started here on free ports and
# stopped by PID.
#
#   scripts/bench-bridge.sh                 # 10 s per figure, 60 s load test
#   BENCH_SECS=5 LOAD_SECS=20 scripts/bench-bridge.sh
#
# Prints a Markdown table (the one in BENCHMARKS.md's "Bridge" section came from here).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BENCH_SECS="${BENCH_SECS:-10}"
LOAD_SECS="${LOAD_SECS:-60}"
CLIENTS="${CLIENTS:-50}"

ensure_servers
step "cargo build --release -p edgecache-bridge --no-default-features (binary + load generator)"
cargo build --release -p edgecache-bridge --no-default-features --bin edgecache --example bridge_load
BIN="$ROOT/target/release/edgecache"
LOAD="$ROOT/target/release/examples/bridge_load"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
    for _ in $(seq 1 200); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.05
    done
    echo "nothing listens on $1" >&2
    return 1
}

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

REDIS_PORT="$(free_port)"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" >/dev/null &
PIDS+=($!)
wait_port "$REDIS_PORT"

BRIDGE_PORT="$(free_port)"
TOKEN="bench-token-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s\n' "$TOKEN" > "$WORK/tokens"
EDGECACHE_LOG=warn "$BIN" bridge --listen "127.0.0.1:$BRIDGE_PORT" \
    --redis "redis://127.0.0.1:$REDIS_PORT/0" --token-file "$WORK/tokens" >/dev/null &
PIDS+=($!)
wait_port "$BRIDGE_PORT"
URL="http://127.0.0.1:$BRIDGE_PORT"

# Keys both sides read: bench:<client>:<k> for the bridge, key:__rand_int__ for redis-benchmark.
"$LOAD" --url "$URL" --token "$TOKEN" --clients "$CLIENTS" --seconds 2 --workload set --keys 100 >/dev/null

# redis-benchmark: one CSV row per test: "test","rps","avg","min","p50","p95","p99","max".
direct() { # NAME ARGS...
    local name="$1"; shift
    redis-benchmark -h 127.0.0.1 -p "$REDIS_PORT" -c "$CLIENTS" -r 10000 -d 64 --csv "$@" \
        | awk -F'","' -v name="$name" 'NR>1 { print name, $2, $5, $7 }'
}
# ~BENCH_SECS seconds of redis-benchmark: size -n from a short probe.
probe_rps="$(redis-benchmark -h 127.0.0.1 -p "$REDIS_PORT" -c "$CLIENTS" -n 20000 -t get --csv | awk -F'","' 'NR>1 {print int($2)}')"
N=$(( probe_rps * BENCH_SECS ))
redis-benchmark -h 127.0.0.1 -p "$REDIS_PORT" -c "$CLIENTS" -n 10000 -r 10000 -d 64 -t set -q >/dev/null

step "direct: redis-benchmark -c $CLIENTS -n $N (SET, GET, MGET of 100 keys)"
D_SET="$(direct SET -n "$N" -t set)"
D_GET="$(direct GET -n "$N" -t get)"
MGET_KEYS="$(for i in $(seq 1 100); do printf 'key:%012d ' "$i"; done)"
# shellcheck disable=SC2086 # one word per key
redis-cli -p "$REDIS_PORT" MSET $(for k in $MGET_KEYS; do printf '%s %064d ' "$k" 0; done) >/dev/null
D_MGET="$(direct MGET100 -n $(( N / 10 )) MGET $MGET_KEYS)"

bridge() { # NAME WORKLOAD
    local json
    json="$("$LOAD" --url "$URL" --token "$TOKEN" --clients "$CLIENTS" --seconds "$BENCH_SECS" --workload "$2" --keys 100)"
    python3 -c 'import json,sys; r=json.loads(sys.argv[2]); print(sys.argv[1], r["rps"], r["p50_ms"], r["p99_ms"], r["errors"])' "$1" "$json"
}
step "through the bridge: $CLIENTS keep-alive HTTP clients, ${BENCH_SECS} s each"
B_SET="$(bridge SET set)"
B_GET="$(bridge GET get)"
B_MGET="$(bridge MGET100 mget:100)"

step "load test: $CLIENTS clients writing and reading back for ${LOAD_SECS} s"
LOAD_JSON="$("$LOAD" --url "$URL" --token "$TOKEN" --clients "$CLIENTS" --seconds "$LOAD_SECS" --workload verify --keys 20 --value-size 100 --prefix load)"
echo "$LOAD_JSON"

python3 - "$D_SET" "$D_GET" "$D_MGET" "$B_SET" "$B_GET" "$B_MGET" "$LOAD_JSON" "$CLIENTS" <<'PY'
import json, sys
d = [a.split() for a in sys.argv[1:4]]
b = [a.split() for a in sys.argv[4:7]]
load = json.loads(sys.argv[7])
clients = sys.argv[8]
print()
print(f"| operation ({clients} clients) | redis-benchmark direct: ops/s | p50 ms | p99 ms | through the bridge: req/s | p50 ms | p99 ms | bridge / direct |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for (name, drps, dp50, dp99), (_, brps, bp50, bp99, errors) in zip(d, b):
    label = {"SET": "SET (64-byte values)", "GET": "GET", "MGET100": "get_many(100): MGET of 100 keys"}[name]
    ratio = float(brps) / float(drps)
    print(f"| {label} | {float(drps):,.0f} | {float(dp50):.2f} | {float(dp99):.2f} | {float(brps):,.0f} | {float(bp50):.2f} | {float(bp99):.2f} | {ratio:.2f}x |")
print()
print(f"Load test: {load['requests']:,} requests in {load['seconds']:.0f} s ({load['rps']:,.0f}/s), "
      f"{load['errors']} errors, {load['keys_written']} keys, {load['lost_writes']} acknowledged writes lost, "
      f"{load['problems']} stale reads.")
PY
