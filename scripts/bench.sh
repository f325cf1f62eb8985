#!/usr/bin/env bash
# Benchmarks (not part of the test command): edgecache locmem vs the raw `lru` crate vs
# Django's LocMemCache, measured in one run. Figures go to BENCHMARKS.md by hand.
# The bench pins itself to one CPU and reports the median of 61 paired rounds' ratios with
# their spread; EDGECACHE_BENCH_PAIRS, EDGECACHE_BENCH_OPS, EDGECACHE_BENCH_NO_PIN and
# EDGECACHE_BENCH_VERBOSE change that (benches/locmem.rs).
# `scripts/bench.sh split` runs the same workload split by operation instead, one kind a
# round, on both sides: EDGECACHE_BENCH_MIX=mixed|get|set|hit|miss (benches/locmem_split.rs,
# no Django); without the variable, each kind in turn.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ "${1:-}" = split ]; then
  if [ -n "${EDGECACHE_BENCH_MIX:-}" ]; then
    exec cargo bench --bench locmem_split
  fi
  for mix in mixed get set hit miss; do
    EDGECACHE_BENCH_MIX=$mix cargo bench --bench locmem_split
  done
  exit
fi
ensure_python_venv
EDGECACHE_PYTHON="$ROOT/.venv/bin/python" cargo bench --bench locmem
