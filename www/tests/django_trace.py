#!/usr/bin/env python3
"""Runs a conformance trace exported by the playground through real Django's cache.

    django_trace.py TRACE.json        prints {"backend": ..., "results": [...]} as JSON

The trace's first backend (locmem, dummy, filebased or db) is used for every alias, as the
project's oracle does: `settings` is the default alias, `extra_caches` the others; filebased
and db get a temporary directory / SQLite file (LOCATION `filecache` / the trace's table).
Time is fake: `time.time()` and Django's `timezone.now()` read a clock that starts at
1 700 000 000 and moves only with `advance`. Results are written the way the oracle writes
them (tuples as lists, bytes as {"$bytes": latin-1}, non-finite floats as {"$float": repr}).
Used by www/tests/playground.test.mjs to check that the page showed what Django returns.
"""

import asyncio
import datetime
import json
import os
import shutil
import sys
import tempfile
import time
import warnings

START = 1_700_000_000.0
BACKENDS = {
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
    "dummy": "django.core.cache.backends.dummy.DummyCache",
    "filebased": "django.core.cache.backends.filebased.FileBasedCache",
    "db": "django.core.cache.backends.db.DatabaseCache",
}
METHODS = {
    "get", "set", "add", "get_or_set", "get_many", "set_many", "delete", "delete_many",
    "has_key", "incr", "decr", "touch", "clear", "incr_version", "decr_version", "close",
    "make_key", "make_and_validate_key", "validate_key", "get_backend_timeout",
}


class FakeClock:
    def __init__(self):
        self.now = START

    def time(self):
        return self.now


def key_function(name):
    """The trace's KEY_FUNCTION names (the oracle's) as functions."""
    if name in (None, "django.core.cache.backends.base.default_key_func"):
        return None
    funcs = {
        "oracle:identity": lambda key, prefix, version: key,
        "oracle:custom": lambda key, prefix, version: "CUSTOM-%s-%s-%s" % (prefix, version, key),
        "oracle:append_version": lambda key, prefix, version: "%s:%s" % (key, version),
    }
    return funcs.get(name, name)


def caches_for(trace, backend, tmp):
    path = BACKENDS[backend]
    location = {
        "filebased": os.path.join(tmp, "filecache"),
        "db": "playground_cache_table",
        "dummy": "",
    }.get(backend)
    caches = {}
    aliases = [("default", trace.get("settings") or {})]
    aliases += list((trace.get("extra_caches") or {}).items())
    for alias, params in aliases:
        params = dict(params)
        params["BACKEND"] = path
        if location is not None:
            params["LOCATION"] = location
        elif backend == "locmem":
            params.setdefault("LOCATION", "")
        function = key_function(params.pop("KEY_FUNCTION", None))
        if function is not None:
            params["KEY_FUNCTION"] = function
        caches[alias] = params
    return caches


def decode(value):
    if isinstance(value, dict):
        if set(value) == {"$tuple"}:
            return tuple(decode(v) for v in value["$tuple"])
        if set(value) == {"$bytes"}:
            return value["$bytes"].encode("latin-1")
        if set(value) == {"$float"}:
            return float(value["$float"])
        if set(value) == {"$callable"}:
            inner = decode(value["$callable"])
            return lambda: inner
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def encode(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return {"$float": repr(value)}
        return value
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, (bytes, bytearray)):
        return {"$bytes": bytes(value).decode("latin-1")}
    return {"$repr": repr(value)}


def dump(backend, cache, clock, detail):
    import base64
    import pickle
    import zlib

    now = clock.time()
    if backend == "dummy":
        return {"count": 0}
    if backend == "locmem":
        entries = [
            {
                "key": key,
                "value": encode(pickle.loads(pickled)),
                "expires_in": None if cache._expire_info.get(key) is None
                else round(cache._expire_info[key] - now, 6),
            }
            for key, pickled in cache._cache.items()
        ]
        out = {"count": len(entries), "order": "most-recently-used first"}
    elif backend == "filebased":
        entries = []
        for name in sorted(f for f in os.listdir(cache._dir) if f.endswith(".djcache")):
            with open(os.path.join(cache._dir, name), "rb") as f:
                expiry = pickle.load(f)
                value = pickle.loads(zlib.decompress(f.read()))
            entries.append({
                "file": name,
                "value": encode(value),
                "expires_in": None if expiry is None else round(expiry - now, 6),
            })
        out = {"count": len(entries)}
    else:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT cache_key, value, expires FROM %s ORDER BY cache_key"
                           % connection.ops.quote_name(cache._table))
            rows = cursor.fetchall()
        entries = [
            {"key": k, "value": encode(pickle.loads(base64.b64decode(v.encode()))), "expires": str(e)}
            for k, v, e in rows
        ]
        out = {"count": len(entries), "order": "cache_key ascending"}
    if detail != "count":
        out["entries"] = entries
    return out


def run(op, clock, backend):
    from django.core.cache import caches

    name = op["op"]
    cache = caches[op.get("cache", "default")]
    args = decode(op.get("args") or [])
    kwargs = decode(op.get("kwargs") or {})
    if name == "advance":
        clock.now += op["seconds"]
        return None
    if name == "now":
        return clock.time() - START
    if name == "dump":
        return dump(backend, cache, clock, op.get("detail"))
    if name == "contains":
        return args[0] in cache
    if name in METHODS:
        return getattr(cache, name)(*args, **kwargs)
    if name.startswith("a") and name[1:] in METHODS | {"close"}:
        return asyncio.run(getattr(cache, name)(*args, **kwargs))
    raise ValueError("unknown op %r" % name)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        trace = json.load(f)
    backend = (trace.get("backends") or ["locmem"])[0]
    tmp = tempfile.mkdtemp(prefix="playground-django-")
    try:
        clock = FakeClock()
        time.time = clock.time
        from django.conf import settings

        databases = {}
        if backend == "db":
            databases["default"] = {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": os.path.join(tmp, "db.sqlite3"),
            }
        settings.configure(
            DEBUG=False, SECRET_KEY="playground-check", USE_TZ=True, ALLOWED_HOSTS=["*"],
            CACHES=caches_for(trace, backend, tmp), DATABASES=databases, INSTALLED_APPS=[],
        )
        import django

        django.setup()
        import django.core.cache.backends.db as db_backend
        import django.utils.timezone as timezone

        def fake_now():
            return datetime.datetime.fromtimestamp(clock.time(), tz=datetime.timezone.utc)

        timezone.now = fake_now
        db_backend.tz_now = fake_now
        if backend == "db":
            from django.core.management import call_command

            call_command("createcachetable", verbosity=0)
        results = []
        for i, op in enumerate(trace["ops"]):
            entry = {"i": i, "op": op["op"]}
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    entry["result"] = encode(run(op, clock, backend))
                except Exception as error:  # every error is a result
                    entry["error"] = {"type": type(error).__name__, "message": str(error)}
            entry["warnings"] = [
                {"category": w.category.__name__, "message": str(w.message)} for w in caught
            ]
            results.append(entry)
        json.dump({"backend": backend, "django_version": django.get_version(), "results": results},
                  sys.stdout, ensure_ascii=False)
        print()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
