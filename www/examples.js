// One-click `CACHES` examples, in the words of Django's cache documentation. Each has the
// console lines that show what it is about.

export const EXAMPLES = [
  {
    id: 'culling',
    title: 'locmem with culling',
    caches: `CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "unique-snowflake",
        "TIMEOUT": 60,
        "OPTIONS": {
            "MAX_ENTRIES": 4,
            "CULL_FREQUENCY": 2,
        },
    }
}
`,
    lines: ['set a 1', 'set b 2', 'set c 3', 'get a', 'set d 4', 'set e 5'],
  },
  {
    id: 'shared',
    title: 'two aliases sharing a LOCATION',
    caches: `CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "shared",
    },
    "sessions": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "shared",
        "KEY_PREFIX": "sessions",
    },
}
`,
    lines: ['set user 1', '@sessions set user 2', 'get user', '@sessions get user'],
  },
  {
    id: 'versions',
    title: 'versions',
    caches: `CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "versions",
        "VERSION": 1,
    },
    "v2": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "versions",
        "VERSION": 2,
    },
}
`,
    lines: ['set greeting hello', '@v2 get greeting', 'incr_version greeting', '@v2 get greeting', 'get greeting'],
  },
  {
    id: 'prefixes',
    title: 'key prefixes',
    caches: `CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "KEY_PREFIX": "site1",
        "TIMEOUT": 300,
    },
    "site2": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "KEY_PREFIX": "site2",
    },
}
`,
    lines: ['set page 1', '@site2 set page 2', 'make_key page', "set 'a key with spaces' 1"],
  },
  {
    id: 'filebased',
    title: 'filebased (IndexedDB)',
    caches: `CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": "/var/tmp/django_cache",
        "TIMEOUT": 30,
        "OPTIONS": {"MAX_ENTRIES": 3, "CULL_FREQUENCY": 3},
    }
}
`,
    lines: ['set a 1', 'set b 2 10', 'advance 10', 'get b', 'advance 1', 'get b', 'set c 3', 'set d 4'],
  },
  {
    id: 'db',
    title: 'database (SQLite in WebAssembly)',
    caches: `CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "my_cache_table",
        "OPTIONS": {"MAX_ENTRIES": 3, "CULL_FREQUENCY": 2},
    }
}
`,
    lines: ['set b 2', 'set a 1', 'set c 3', 'set d 4', 'get c'],
  },
  {
    id: 'redis',
    title: 'django-redis',
    caches: `CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/1",
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
        },
    },
    "local": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    },
}
`,
    lines: ['@local set n 1', '@local incr n 41'],
  },
  {
    id: 'dummy',
    title: 'dummy',
    caches: `CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.dummy.DummyCache",
    }
}
`,
    lines: ['set k v', 'get k', 'add k v'],
  },
];
