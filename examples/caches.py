# A CACHES setting as it stands in a Django settings.py; `edgecache run` reads it as is.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "demo",
        "TIMEOUT": 300,
        "OPTIONS": {"MAX_ENTRIES": 3, "CULL_FREQUENCY": 3},
    },
    # Same store, another version: sees the default alias's entries only through version=1.
    "v2": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "demo",
        "VERSION": 2,
    },
    "nothing": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}
