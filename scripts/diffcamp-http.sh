#!/usr/bin/env bash
# A differential campaign for the HTTP layer (src/http/) against real Django: generates fresh
# randomized `http_*` traces (tests/conformance/random_http_traces.py), runs them through the
# Django oracle (Django 5.2.19 from .venv) and through edgecache, and compares the two the
# oracle's way (compare.py; npm and worker through scripts/diffcamp-http-replay.mjs, which
# compares numbers by value as the JavaScript suites do). Not part of scripts/test.sh: it
# takes minutes. Rerun it with a new seed after touching src/http/; turn each disagreement
# into a minimised tests/conformance/traces/http_found_*.json with the oracle's expected
# results.
#
#   bash scripts/diffcamp-http.sh [--seed S] [--count N] [--profile wide|base] [--stored]
#        [--runtimes native,component,npm,worker] [--out DIR] [--jobs J] [--build]
#
#   --seed/--count  the generator's seed (default 2001) and number of traces (default 40)
#   --profile       wide (default): the corners (random_http_traces.py --profile wide);
#                   base: the mix of the checked-in http_random_* traces
#   --stored        the http_random_*stored_* family, on filebased and db, instead of locmem
#                   and dummy
#   --runtimes      native: `edgecache replay` (target/release/edgecache); component:
#                   `edgecache replay --via component` (locmem, dummy; the wasm32-wasip2
#                   release component); npm: the package's public API (dist/, locmem, dummy,
#                   filebased); worker: the built Worker (worker/build/) in Miniflare.
#                   Default: native.
#   --out           the campaign's folder (default /tmp/diffcamp-http/<profile>-<seed>); its
#                   traces/ and expected/ are kept, so a rerun with the same --out only
#                   replays (delete the folder to regenerate)
#   --jobs          parallel oracle / native processes (default 2)
#   --build         build what the runtimes need first (cargo build --release; the component
#                   as scripts/test.sh does; scripts/build-npm.sh; worker/build.sh)
#
# The oracle is $EDGECACHE_ORACLE/django_oracle.py (default: ../shared/oracle beside the
# repository, where the project's oracle lives; it is not part of the repository). Output: per runtime and backend compare.py's first diffs, then one line per
# runtime, `<runtime>: N passed, M failed`; exit status 1 when anything failed.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

seed=2001 count=40 profile=wide stored="" runtimes=native out="" jobs=2 build=""
while [ $# -gt 0 ]; do
    case "$1" in
        --seed) seed="$2"; shift 2 ;;
        --count) count="$2"; shift 2 ;;
        --profile) profile="$2"; shift 2 ;;
        --stored) stored=1; shift ;;
        --runtimes) runtimes="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --jobs) jobs="$2"; shift 2 ;;
        --build) build=1; shift ;;
        -h|--help) sed -n '2,/^source/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "diffcamp-http.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
oracle="${EDGECACHE_ORACLE:-$ROOT/../shared/oracle}"
python="$ROOT/.venv/bin/python"
[ -f "$oracle/django_oracle.py" ] || { echo "no Django oracle at $oracle (set EDGECACHE_ORACLE)" >&2; exit 2; }
[ -x "$python" ] || ensure_python_venv
out="${out:-/tmp/diffcamp-http/$profile${stored:+-stored}-$seed}"
backends=locmem,dummy
[ -n "$stored" ] && backends=filebased,db
mkdir -p "$out/traces" "$out/expected"

if [ -n "$build" ]; then
    step "build: cargo build --release (the edgecache command)"
    cargo build --release -p edgecache-bridge
    case ",$runtimes," in *,component,*)
        step "build: the component (wasm32-wasip2)"
        cargo build -p edgecache --release --target wasm32-wasip2 --features component ;;
    esac
    case ",$runtimes," in *,npm,*) step "build: npm package"; bash scripts/build-npm.sh ;; esac
    case ",$runtimes," in *,worker,*) step "build: worker"; bash worker/build.sh ;; esac
fi

if [ -z "$(ls -A "$out/traces")" ]; then
    step "generate: random_http_traces.py --seed $seed --count $count --profile $profile ${stored:+--stored}"
    python3 tests/conformance/random_http_traces.py --seed "$seed" --count "$count" \
        --profile "$profile" ${stored:+--stored} --out "$out/traces" >/dev/null
fi

step "oracle: Django $("$python" -c 'import django; print(django.get_version())') on $backends ($jobs at a time)"
for b in ${backends//,/ }; do mkdir -p "$out/expected/$b"; done
for t in "$out"/traces/*.json; do
    name="$(basename "$t")"
    for b in ${backends//,/ }; do
        [ -s "$out/expected/$b/$name" ] || printf '%s\0%s\0%s\0' "$t" "$b" "$out/expected/$b/$name"
    done
done | xargs -0 -r -n 3 -P "$jobs" sh -c '"$0" "$1" "$2" --backend "$3" --out "$4" || echo "oracle failed: $3 $2" >&2' \
    "$python" "$oracle/django_oracle.py"
ntraces=$(ls "$out/traces" | wc -l)
nops=$(python3 -c 'import json,sys; print(sum(len(json.load(open(f))["ops"]) for f in sys.argv[1:]))' "$out"/traces/*.json)
echo "$ntraces traces, $nops ops (seed $seed, profile $profile${stored:+, stored})" >&2

runtime_backends() {
    case "$1" in
        native) echo "$backends" ;;
        component) [ -n "$stored" ] || echo locmem,dummy ;;
        npm) [ -n "$stored" ] && echo filebased || echo locmem,dummy ;;
        worker) echo "$backends" ;;
    esac
}

summary=() status=0
for runtime in ${runtimes//,/ }; do
    actual="$out/actual-$runtime"
    rm -rf "$actual"
    rbs="$(runtime_backends "$runtime")"
    [ -n "$rbs" ] || { summary+=("$runtime: no backend of this family"); continue; }
    step "ours: $runtime on $rbs"
    case "$runtime" in
        native|component)
            export DC_BIN="$ROOT/target/release/edgecache" DC_TRACES="$out/traces" DC_ACTUAL="$actual" DC_VIA=""
            [ "$runtime" = component ] && DC_VIA="component"
            for b in ${rbs//,/ }; do
                mkdir -p "$actual/$b"
                for e in "$out/expected/$b"/*.json; do
                    printf '%s\0%s\0' "$b" "$(basename "$e")"
                done | xargs -0 -r -n 2 -P "$jobs" sh -c 'b="$0" f="$1"; set --
                    [ -z "$DC_VIA" ] || set -- --via "$DC_VIA" ${EDGECACHE_COMPONENT:+--component "$EDGECACHE_COMPONENT"}
                    "$DC_BIN" replay --backend "$b" "$@" "$DC_TRACES/$f" > "$DC_ACTUAL/$b/$f" 2> "$DC_ACTUAL/$b/$f.err" || true'
            done ;;
        npm|worker)
            line="$(node scripts/diffcamp-http-replay.mjs "$runtime" "$out/traces" "$out/expected" "$actual" \
                | tee "$actual.log" | tail -1 || true)"
            grep -v ' passed, ' "$actual.log" | grep -m 40 '' || true
            passed="${line%% passed*}" failed="${line#*passed, }"; failed="${failed%% failed*}" ;;
        *) echo "unknown runtime $runtime" >&2; exit 2 ;;
    esac
    case "$runtime" in native|component)
        passed=0 failed=0
        for b in ${rbs//,/ }; do
            line="$(python3 "$oracle/compare.py" --dir-expected "$out/expected/$b" --dir-actual "$actual/$b" \
                --traces-dir "$out/traces" --max-show 3 | tee "$actual/$b.log" | tail -1 || true)"
            grep -v ' passed, ' "$actual/$b.log" | grep -m 40 '' || true
            p="${line%% passed*}" f="${line#*passed, }"; f="${f%% failed*}"
            passed=$((passed + p)) failed=$((failed + f))
        done ;;
    esac
    summary+=("$runtime: $passed passed, $failed failed")
    [ "$failed" -eq 0 ] || status=1
done
for s in "${summary[@]}"; do echo "$s"; done
exit "$status"
