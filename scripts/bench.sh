#!/usr/bin/env bash
# Benchmarks (not part of the test command): edgecache locmem vs the raw `lru` crate vs
# Django's LocMemCache, measured in one run. Figures go to BENCHMARKS.md by hand.
# The bench pins itself to one CPU and reports the median of 61 paired rounds' ratios with
# their spread; EDGECACHE_BENCH_PAIRS, EDGECACHE_BENCH_OPS, EDGECACHE_BENCH_NO_PIN and
# EDGECACHE_BENCH_VERBOSE change that (benches/locmem.rs).
# `scripts/bench.sh split` runs the same workload split by operation instead, one kind a
# round, on both sides: EDGECACHE_BENCH_MIX=mixed|get|set|hit|miss (benches/locmem_split.rs,
# no Django); without the variable, each kind in turn.
# EDGECACHE_BENCH_RUNS=N runs the locmem bench in N processes and ends with their ratios and
# median: one process's figure moves with where its heap and hash seeds fall (a few per cent
# between runs), which the pairs inside a run cannot average out.
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
runs=${EDGECACHE_BENCH_RUNS:-1}
if [ "$runs" -le 1 ]; then
  exec env EDGECACHE_PYTHON="$ROOT/.venv/bin/python" cargo bench --bench locmem
fi
ratios=()
for ((run = 1; run <= runs; run++)); do
  echo "== run $run of $runs"
  output=$(EDGECACHE_PYTHON="$ROOT/.venv/bin/python" cargo bench --bench locmem 2>/dev/null)
  echo "$output" | grep -E 'ops/s|x \(goal'
  ratios+=("$(echo "$output" | sed -n 's/^edgecache time \/ raw lru time = \([0-9.]*\)x.*/\1/p')")
done
printf '%s\n' "${ratios[@]}" | sort -n | awk -v runs="$runs" '
  { r[NR] = $1; line = line " " $1; if ($1 > 1.5) over++ }
  END {
    median = NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
    printf "%d runs, edgecache time / raw lru time:%s; median %.2fx; %d of %d above the 1.5x goal\n",
      runs, line, median, over + 0, NR
  }'
