#!/usr/bin/env python3
"""Live django-redis 7.0.0 (Django 5.2.19, redis-py 8.1.0) on the Redis edgecache shares.

    redis_extras.py ops REDIS_URL
        runs the extras script (ttl, pttl, expire, pexpire, expire_at, persist, iter_keys,
        delete_pattern, incr with ignore_key_check, lock) under KEY_PREFIX "dj" and prints one
        "name=repr(result)" line per step; bridge/tests/django_redis_extras.rs runs the same
        steps on edgecache (KEY_PREFIX "ec") and compares the lines.
    redis_extras.py lock REDIS_URL NAME
        prints whether django-redis (KEY_PREFIX "shared") can take the lock NAME now.
    redis_extras.py write REDIS_URL / read REDIS_URL
        stores SAMPLES under "django-<name>" with three serializer setups (pickle, JSON,
        JSON + zlib), or prints repr() of what it reads under "edgecache-<name>" and
        "django-<name>" plus the raw bytes (base64) of the JSON-only alias.
"""

import base64
import json
import sys
import time

import django
from django.conf import settings

SAMPLES = {
    "none": None,
    "true": True,
    "int": 7,
    "negative": -5,
    "float": 1.5,
    "str": "héllo wörld 😀",
    "short": "ab",
    "empty": "",
    "list": [1, "a", None, 2.5, False],
    "dict": {"a": [1, {"b": 2.5}], "c": None},
    "long": "x" * 5000,
}

mode, redis_url = sys.argv[1:3]
JSON = "django_redis.serializers.json.JSONSerializer"
ZLIB = "django_redis.compressors.zlib.ZlibCompressor"


def alias(prefix, **options):
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": redis_url,
        "KEY_PREFIX": prefix,
        "TIMEOUT": 300,
        "OPTIONS": options,
    }


settings.configure(
    CACHES={
        "default": alias("dj"),
        "shared": alias("shared"),
        "pickle": alias("pickle"),
        "json": alias("json", SERIALIZER=JSON),
        "jsonzlib": alias("jsonzlib", SERIALIZER=JSON, COMPRESSOR=ZLIB),
    }
)
django.setup()
from django.core.cache import caches  # noqa: E402

SETUPS = ("pickle", "json", "jsonzlib")

if mode == "ops":
    cache = caches["default"]
    out = []

    def step(name, value):
        out.append(f"{name}={value!r}")

    def error(name, call):
        try:
            step(name, call())
        except Exception as e:  # the class name is what both sides must agree on
            step(name, type(e).__name__)

    step("ttl-missing", cache.ttl("missing"))
    step("pttl-missing", cache.pttl("missing"))
    cache.set("a", 1, timeout=1000)
    step("ttl-a", cache.ttl("a"))
    step("pttl-a-close", 999_000 <= cache.pttl("a") <= 1_000_000)
    cache.set("p", "x", timeout=None)
    step("ttl-persistent", cache.ttl("p"))
    step("pttl-persistent", cache.pttl("p"))
    step("expire-a", cache.expire("a", 50))
    step("ttl-a-50", cache.ttl("a"))
    step("expire-missing", cache.expire("missing", 50))
    step("persist-a", cache.persist("a"))
    step("persist-a-again", cache.persist("a"))
    step("persist-missing", cache.persist("missing"))
    step("ttl-a-persisted", cache.ttl("a"))
    step("expire-at-a", cache.expire_at("a", int(time.time()) + 100))
    step("ttl-a-at", cache.ttl("a") in (99, 100))
    step("pexpire-a", cache.pexpire("a", 5000))
    step("pttl-a-5000", 4000 < cache.pttl("a") <= 5000)
    step("expire-at-past", cache.expire_at("a", int(time.time()) - 10))
    step("get-a-gone", cache.get("a"))
    cache.set("b", 2, timeout=100)
    step("expire-zero", cache.expire("b", 0))
    step("has-b", cache.has_key("b"))
    for key in ("user:1", "user:2", "session:1", "us[er"):
        cache.set(key, 1)
    cache.set("user:9", 1, version=2)
    step("iter-user", sorted(cache.iter_keys("user:*")))
    step("iter-v2", sorted(cache.iter_keys("*", version=2)))
    step("iter-bracket", sorted(cache.iter_keys("us[[]er")))
    step("iter-question", sorted(cache.iter_keys("user:?")))
    step("delete-pattern", cache.delete_pattern("user:*"))
    step("delete-pattern-again", cache.delete_pattern("user:*"))
    step("has-session", cache.has_key("session:1"))
    step("incr-ignore", cache.incr("n", 5, ignore_key_check=True))
    step("ttl-n", cache.ttl("n"))
    step("incr-ignore-again", cache.incr("n", 2, ignore_key_check=True))
    step("get-n", cache.get("n"))
    error("incr-missing", lambda: cache.incr("missing", 1))
    first = cache.lock("job", timeout=10)
    second = cache.lock("job", timeout=10)
    step("lock-first", first.acquire(blocking=False))
    step("lock-second", second.acquire(blocking=False))
    step("lock-pttl-close", 9000 < cache.pttl("job") <= 10000)
    step("lock-release-foreign", bool(cache.client.get_client().eval(
        "local t = redis.call('get', KEYS[1]) if not t or t ~= ARGV[1] then return 0 end "
        "redis.call('del', KEYS[1]) return 1", 1, cache.make_key("job"), "not-the-token")))
    step("lock-release", first.release())
    step("lock-second-again", second.acquire(blocking=False))
    second.release()
    step("has-job", cache.has_key("job"))
    print("\n".join(out))
elif mode == "lock":
    lock = caches["shared"].lock(sys.argv[3], timeout=30)
    print(lock.acquire(blocking=False))
elif mode == "write":
    for name in SETUPS:
        for key, value in SAMPLES.items():
            caches[name].set("django-" + key, value, timeout=600)
elif mode == "read":
    out = {}
    raw = caches["json"].client.get_client()
    for name in SETUPS:
        seen = {}
        for side in ("edgecache", "django"):
            for key in SAMPLES:
                value = caches[name].get(f"{side}-{key}", "<missing>")
                seen[f"{side}-{key}"] = repr(value)
        out[name] = seen
    for name in ("json", "pickle"):
        out[f"{name}_raw"] = {
            f"{side}-{key}": base64.b64encode(raw.get(f"{name}:1:{side}-{key}") or b"").decode()
            for side in ("edgecache", "django")
            for key in SAMPLES
        }
    print(json.dumps(out))
else:
    sys.exit(f"unknown mode {mode}")
