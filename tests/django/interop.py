#!/usr/bin/env python3
"""Live Django 5.2.19 on the other side of a shared cache directory or SQLite file.

    interop.py write filebased DIR        Django stores SAMPLES under keys "django-<name>"
    interop.py read  filebased DIR        prints what Django reads under "edgecache-<name>"
    interop.py write db SQLITE TABLE      (same, DatabaseCache on that file and table)
    interop.py read  db SQLITE TABLE

Values are printed as JSON with tuples and bytes tagged ({"$tuple": [...]}, {"$bytes":
latin-1 text}) so the Rust side can tell them apart. Used by tests/django_interop.rs.
"""

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
    "empty": "",
    "bytes": b"\x00\xff raw",
    "list": [1, "a", None, 2.5],
    "tuple": (1, 2),
    "dict": {"a": [1, {"b": 2.5}], "c": (None,)},
    "long": "x" * 200_000,
}


def tag(value):
    if isinstance(value, tuple):
        return {"$tuple": [tag(v) for v in value]}
    if isinstance(value, (bytes, bytearray)):
        return {"$bytes": bytes(value).decode("latin1")}
    if isinstance(value, list):
        return [tag(v) for v in value]
    if isinstance(value, dict):
        return {str(k): tag(v) for k, v in value.items()}
    return value


def main():
    action, backend = sys.argv[1], sys.argv[2]
    if backend == "filebased":
        caches = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                              "LOCATION": sys.argv[3]}}
        databases = {}
    else:
        caches = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                              "LOCATION": sys.argv[4]}}
        databases = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": sys.argv[3]}}
    settings.configure(CACHES=caches, DATABASES=databases, USE_TZ=True, INSTALLED_APPS=[])
    django.setup()
    from django.core.cache import cache

    if action == "write":
        for name, value in SAMPLES.items():
            cache.set("django-" + name, value, None)
        cache.set("django-expiring", "soon", 300)
        return
    out = {}
    for name in list(SAMPLES) + ["expiring"]:
        missing = object()
        value = cache.get("edgecache-" + name, missing)
        out[name] = "<missing>" if value is missing else tag(value)
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
