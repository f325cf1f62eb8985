#!/usr/bin/env python3
"""Live Django 5.2.19 on the same Redis and Memcached servers as edgecache.

    network_interop.py write REDIS_URL MEMCACHED[,MEMCACHED...]
        Django stores SAMPLES under "django-<name>" in both caches (RedisCache,
        PyMemcacheCache with that LOCATION list).
    network_interop.py read REDIS_URL MEMCACHED[,MEMCACHED...]
        prints, per cache, repr() of what Django reads under "edgecache-<name>" and
        "django-<name>" ("<missing>" when absent), plus the raw Redis bytes (base64) of both.

Used by bridge/tests/django_network.rs.
"""

import base64
import json
import sys

import django
from django.conf import settings

SAMPLES = {
    "none": None,
    "true": True,
    "int": 7,
    "negative": -5,
    "big": 2**62,
    "huge": 2**100,
    "float": 1.5,
    "str": "héllo wörld",
    "digits": "5",
    "empty": "",
    "bytes": b"\x00\xff raw",
    "list": [1, "a", None, 2.5],
    "tuple": (1, 2),
    "dict": {"a": [1, {"b": 2.5}], "c": (None,)},
    "unicode-kéy": "ünïcode",
    "long": "x" * 200_000,
}

mode, redis_url, memcached = sys.argv[1:4]
settings.configure(
    CACHES={
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "redis": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url},
        "memcached": {
            "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
            "LOCATION": memcached.split(","),
        },
    }
)
django.setup()
from django.core.cache import caches  # noqa: E402

if mode == "write":
    for alias in ("redis", "memcached"):
        for name, value in SAMPLES.items():
            caches[alias].set("django-" + name, value, timeout=600)
elif mode == "read":
    out = {}
    for alias in ("redis", "memcached"):
        cache = caches[alias]
        out[alias] = {
            side + "-" + name: repr(cache.get(side + "-" + name, "<missing>"))
            for side in ("edgecache", "django")
            for name in SAMPLES
        }
    client = caches["redis"]._cache.get_client()
    out["redis_raw"] = {}
    for side in ("edgecache", "django"):
        for name in SAMPLES:
            raw = client.get(caches["redis"].make_key(side + "-" + name))
            out["redis_raw"][side + "-" + name] = None if raw is None else base64.b64encode(raw).decode()
    print(json.dumps(out))
else:
    sys.exit("usage: network_interop.py write|read REDIS_URL MEMCACHED[,...]")
