#!/usr/bin/env bash
# Benchmarks (not part of the test command): edgecache locmem vs the raw `lru` crate vs
# Django's LocMemCache, measured in one run. Figures go to BENCHMARKS.md by hand.
# The bench pins itself to one CPU and reports the median of 61 paired rounds' ratios with
# their spread; EDGECACHE_BENCH_PAIRS, EDGECACHE_BENCH_OPS, EDGECACHE_BENCH_NO_PIN and
# EDGECACHE_BENCH_VERBOSE change that (benches/locmem.rs).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_python_venv
EDGECACHE_PYTHON="$ROOT/.venv/bin/python" cargo bench --bench locmem
