#!/usr/bin/env bash
# Benchmarks (not part of the test command): edgecache locmem vs the raw `lru` crate vs
# Django's LocMemCache, measured in one run. Figures go to BENCHMARKS.md by hand.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_python_venv
EDGECACHE_PYTHON="$ROOT/.venv/bin/python" cargo bench --bench locmem
