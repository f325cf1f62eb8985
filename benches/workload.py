"""The locmem benchmark's workload on Django's own LocMemCache (django==5.2.19).

Same operations as benches/locmem.rs: 90 % get / 10 % set over 10,000 keys, MAX_ENTRIES 1000,
keys drawn by the same xorshift64 sequence. Prints one line: `ops_per_second <float>`.
Timed by the thread's CPU time (`time.thread_time`), as the Rust side is where Linux allows.
"""

import sys
import time

import django
from django.conf import settings

settings.configure(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "bench",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    }
)
django.setup()
from django.core.cache import cache  # noqa: E402

KEYS = 10_000
MASK = (1 << 64) - 1


def workload(ops):
    state = 0x9E3779B97F4A7C15
    keys = ["key%d" % n for n in range(KEYS)]
    get, set_ = cache.get, cache.set
    for n in range(ops):
        state ^= (state << 13) & MASK
        state ^= state >> 7
        state ^= (state << 17) & MASK
        key = keys[state % KEYS]
        if state % 10 == 0:
            set_(key, n)
        else:
            get(key)


if __name__ == "__main__":
    ops = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    workload(ops // 10)  # warm up
    started = time.thread_time()
    workload(ops)
    elapsed = time.thread_time() - started
    print("ops_per_second %.1f" % (ops / elapsed))
