#!/usr/bin/env python3
"""Prints Django's stored form of cache-backed sessions (SESSION_ENGINE
"django.contrib.sessions.backends.cache") in a locmem cache, for edgecache's session tests.

Session keys come from a fixed list instead of get_random_string, and time.time() is fixed at
1700000000.0 (advanced by hand), so the output is reproducible. Run with Django 5.2:

    python3 tests/django/session_forms.py

The Rust test `tests/sessions.rs` hard-codes what this printed.
"""

import json
import pickle
import time

FAKE_NOW = [1_700_000_000.0]
time.time = lambda: FAKE_NOW[0]

from django.conf import settings  # noqa: E402

settings.configure(
    SECRET_KEY="x",
    USE_TZ=True,
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "sessions",
            "KEY_PREFIX": "site",
            "VERSION": 2,
        }
    },
    SESSION_ENGINE="django.contrib.sessions.backends.cache",
    SESSION_COOKIE_AGE=3600,
)
import django  # noqa: E402

django.setup()

import django.contrib.sessions.backends.base as base  # noqa: E402
from django.contrib.sessions.backends.cache import SessionStore  # noqa: E402
from django.core.cache import cache  # noqa: E402

KEYS = iter(["k" * 32, "abcdefgh12345678abcdefgh12345678", "zz" + "0" * 30, "x" * 32])
base.get_random_string = lambda length, chars: next(KEYS)


def state():
    out = []
    for key, value in cache._cache.items():
        out.append({
            "key": key,
            "value": pickle.loads(value),
            "expires_in": cache._expire_info[key] - FAKE_NOW[0],
        })
    return out


steps = []
s = SessionStore()
s["user"] = 42
s["name"] = "Zoë"
s["flags"] = [1, 2]
s.save()  # no key yet: create() then save
steps.append({"step": "save new", "session_key": s.session_key, "state": state()})

FAKE_NOW[0] += 10
s2 = SessionStore(s.session_key)
steps.append({"step": "load", "data": dict(s2.items()), "exists": s2.exists(s.session_key),
              "expiry_age": s2.get_expiry_age()})
s2.set_expiry(60)
s2["user"] = 43
s2.save()
steps.append({"step": "set_expiry 60 and save", "state": state()})

old = s2.session_key
s2.cycle_key()
steps.append({"step": "cycle_key", "old": old, "session_key": s2.session_key, "state": state(),
              "old_exists": s2.exists(old)})

s3 = SessionStore("short")
steps.append({"step": "short key", "session_key": s3.session_key, "data": dict(s3.items())})

s4 = SessionStore("y" * 32)
steps.append({"step": "unknown key", "data": dict(s4.items()), "session_key": s4.session_key})
s4["a"] = 1
s4.save()
steps.append({"step": "save after unknown key", "session_key": s4.session_key, "state": state()})

s2.flush()
steps.append({"step": "flush", "session_key": s2.session_key, "state": state()})

try:
    s5 = SessionStore("q" * 32)
    s5.save()
except Exception as e:  # UpdateError
    steps.append({"step": "save missing", "error": type(e).__name__})

print(json.dumps(steps, indent=1, ensure_ascii=False))
