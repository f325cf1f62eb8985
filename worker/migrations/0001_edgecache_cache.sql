-- Django's cache table, as `manage.py createcachetable` makes it (edgecache createcachetable
-- --dry-run edgecache_cache prints the same), for the smart defaults' db alias. A CACHES that
-- names another table gets it created on first use, or add a migration like this one.
CREATE TABLE IF NOT EXISTS "edgecache_cache" (
    "cache_key" varchar(255) NOT NULL PRIMARY KEY,
    "value" text NOT NULL,
    "expires" datetime NOT NULL
);
CREATE INDEX IF NOT EXISTS "edgecache_cache_expires" ON "edgecache_cache" ("expires");
