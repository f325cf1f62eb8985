// The cache HTTP API of the built Worker in Miniflare: operations, Django's exceptions as
// JSON with the right status, auth, CORS, limits, a store that is down, panic recovery, and
// the configuration view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker } from './support/harness.mjs';

const json = (response) => JSON.parse(response.text);
const op = (api, alias, name, body = {}, options = {}) =>
  api(`/api/caches/${alias}/${name}`, { method: 'POST', body, ...options });

test('operations, results and Django exceptions as JSON', async (t) => {
  const { api, dispose } = await startWorker({
    vars: { EDGECACHE_CACHES: "{'default': {'BACKEND': 'locmem', 'TIMEOUT': 60}}" },
  });
  t.after(dispose);
  let r = await op(api, 'default', 'set', { args: ['n', 41] });
  assert.equal(r.status, 200);
  assert.deepEqual(json(r), { result: null, warnings: [] });
  r = await op(api, 'default', 'incr', { args: ['n'] });
  assert.deepEqual(json(r), { result: 42, warnings: [] });
  r = await op(api, 'default', 'get', { args: ['n'] });
  assert.deepEqual(json(r).result, 42);
  r = await op(api, 'default', 'set', { args: [{ $tuple: [1, 2] }, { $bytes: 'x\u00ff' }] });
  assert.equal(r.status, 200);
  r = await op(api, 'default', 'get_many', { args: [[{ $tuple: [1, 2] }, 'n', 'missing']] });
  assert.deepEqual(json(r).result, { '(1, 2)': { $bytes: 'x\u00ff' }, n: 42 });
  // Django's ValueError, with Django's message, as a 400.
  r = await op(api, 'default', 'incr', { args: ['missing'] });
  assert.equal(r.status, 400);
  assert.deepEqual(json(r).error, { type: 'ValueError', message: "Key ':1:missing' not found" });
  // Python's argument binding.
  r = await op(api, 'default', 'get', { kwargs: { nope: 1 } });
  assert.equal(r.status, 400);
  assert.equal(json(r).error.type, 'TypeError');
  // A key memcached would refuse: a warning, as Django emits it.
  r = await op(api, 'default', 'set', { args: ['a b', 1] });
  assert.equal(json(r).warnings[0].category, 'CacheKeyWarning');
  // The introspection view.
  r = await api('/api/caches/default/inspect');
  const view = json(r);
  assert.equal(view.backend, 'locmem');
  assert.deepEqual(
    view.entries.map((e) => e.key),
    [':1:a b', ':1:n', ':1:(1, 2)'], // most recently used first: get_many read n last
  );
  assert.equal(view.entries[0].ttl, 60);
  assert.equal(view.stats.misses >= 1, true);
  r = await op(api, 'default', 'dump', { detail: 'count' });
  assert.deepEqual(json(r).result, { count: 3, order: 'most-recently-used first' });
  r = await api('/api/caches');
  assert.deepEqual(json(r), { default: 'locmem' });
});

test('bad requests get a JSON error with the right status', async (t) => {
  const { api, dispose } = await startWorker({
    vars: {
      EDGECACHE_CACHES: JSON.stringify({
        default: { BACKEND: 'django.core.cache.backends.locmem.LocMemCache' },
        broken: { BACKEND: 'django.core.cache.backends.db.DatabaseCache', LOCATION: 'bad table' },
      }),
      EDGECACHE_MAX_BODY_BYTES: '1000',
    },
  });
  t.after(dispose);
  let r = await op(api, 'default', 'set', '{"args": ["k", ');
  assert.equal(r.status, 400);
  assert.equal(json(r).error.type, 'JSONDecodeError');
  r = await op(api, 'default', 'set', '[1, 2]');
  assert.equal(r.status, 400);
  assert.equal(json(r).error.type, 'TypeError');
  r = await op(api, 'nope', 'get', { args: ['k'] });
  assert.equal(r.status, 404);
  assert.deepEqual(json(r).error, {
    type: 'InvalidCacheBackendError',
    message: "The connection 'nope' doesn't exist.",
  });
  r = await op(api, 'default', 'set', { args: ['k', 'x'.repeat(2000)] });
  assert.equal(r.status, 413);
  assert.equal(json(r).error.type, 'RequestDataTooBig');
  r = await op(api, 'default', 'frobnicate', {});
  assert.equal(r.status, 400);
  assert.match(json(r).error.message, /unknown op/);
  r = await op(api, 'default', 'advance', { seconds: 5 });
  assert.equal(r.status, 404);
  r = await api('/api/caches/default/get');
  assert.equal(r.status, 405);
  r = await api('/api/nothing');
  assert.equal(r.status, 404);
  assert.equal(json(r).error.type, 'NotFound');
  r = await op(api, 'broken', 'get', { args: ['k'] });
  assert.ok(r.status >= 400 && r.status < 600, r.text);
  assert.ok(json(r).error.type);
  // CORS for the playground.
  r = await api('/api/caches/default/get', { method: 'OPTIONS', headers: { Origin: 'http://x' } });
  assert.equal(r.status, 204);
  assert.equal(r.headers.get('access-control-allow-origin'), '*');
  assert.match(r.headers.get('access-control-allow-headers'), /Authorization/);
  r = await api('/api/config');
  assert.equal(r.headers.get('access-control-allow-origin'), '*');
  assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
});

test('a store that is down is a 503, or a miss with IGNORE_EXCEPTIONS', async (t) => {
  const { api, dispose } = await startWorker({
    vars: {
      EDGECACHE_CACHES: JSON.stringify({
        default: { BACKEND: 'django.core.cache.backends.redis.RedisCache', LOCATION: 'redis://127.0.0.1:6379' },
        lenient: {
          BACKEND: 'django.core.cache.backends.redis.RedisCache',
          LOCATION: 'redis://127.0.0.1:6379',
          OPTIONS: { IGNORE_EXCEPTIONS: true },
        },
      }),
      // Nothing listens on port 9 (discard): the bridge is down.
      EDGECACHE_BRIDGE_URL: 'http://127.0.0.1:9',
    },
  });
  t.after(dispose);
  let r = await op(api, 'default', 'get', { args: ['k'] });
  assert.equal(r.status, 503);
  assert.equal(json(r).error.type, 'ConnectionError');
  r = await op(api, 'lenient', 'get', { args: ['k', 'fallback'] });
  assert.equal(r.status, 200);
  assert.equal(json(r).result, 'fallback');
  assert.equal(json(r).warnings[0].category, 'IgnoredException');
});

test('a Rust panic does not poison later requests', async (t) => {
  const { api, dispose } = await startWorker({
    vars: { EDGECACHE_CACHES: "{'default': {'BACKEND': 'locmem'}}" },
  });
  t.after(dispose);
  assert.equal((await op(api, 'default', 'set', { args: ['k', 1] })).status, 200);
  const r = await api('/api/_test/panic', { method: 'POST' });
  assert.equal(r.status, 500);
  assert.equal(json(r).error.type, 'InternalError');
  for (let i = 0; i < 3; i++) {
    const set = await op(api, 'default', 'set', { args: ['k', i] });
    assert.equal(set.status, 200, set.text);
    const get = await op(api, 'default', 'get', { args: ['k'] });
    assert.deepEqual(json(get), { result: i, warnings: [] });
  }
});

test('bearer-token auth', async (t) => {
  const { api, dispose } = await startWorker({
    testClock: false,
    vars: { EDGECACHE_ENV: 'production', EDGECACHE_API_TOKEN: 's3cret' },
    kv: false,
    d1: false,
  });
  t.after(dispose);
  let r = await op(api, 'default', 'get', { args: ['k'] });
  assert.equal(r.status, 401);
  assert.equal(json(r).error.type, 'PermissionDenied');
  r = await op(api, 'default', 'get', { args: ['k'] }, { token: 'wrong' });
  assert.equal(r.status, 401);
  r = await op(api, 'default', 'get', { args: ['k'], kwargs: { default: 7 } }, { token: 's3cret' });
  assert.equal(r.status, 200);
  assert.equal(json(r).result, 7);
  // Production with nothing bound: dummy, and the test routes do not exist.
  r = await api('/api/config');
  assert.equal(json(r).caches.default.backend, 'dummy');
  assert.equal(json(r).clock, 'real');
  r = await api('/api/_test/panic', { method: 'POST', token: 's3cret' });
  assert.equal(r.status, 404);
});

test('production without a token keeps the API closed', async (t) => {
  const { api, dispose } = await startWorker({ testClock: false, vars: { EDGECACHE_ENV: 'production' } });
  t.after(dispose);
  const r = await api('/api/caches');
  assert.equal(r.status, 401);
  assert.match(json(r).error.message, /EDGECACHE_API_TOKEN/);
});

test('GET /api/config: smart defaults and redacted secrets', async (t) => {
  let worker = await startWorker({ testClock: false, vars: { EDGECACHE_ENV: 'development' } });
  let config = json(await worker.api('/api/config'));
  await worker.dispose();
  assert.equal(config.source, 'defaults');
  assert.equal(config.environment, 'development');
  assert.deepEqual(
    Object.entries(config.caches).map(([alias, c]) => [alias, c.backend, c.LOCATION]),
    [
      ['default', 'locmem', 'default'],
      ['kv', 'filebased', 'EDGECACHE_KV'],
      ['db', 'db', 'edgecache_cache'],
    ],
  );
  assert.match(config.reason, /development/);

  worker = await startWorker({
    testClock: false,
    vars: { EDGECACHE_ENV: 'production', EDGECACHE_API_TOKEN: 't' },
  });
  config = json(await worker.api('/api/config'));
  await worker.dispose();
  assert.equal(config.caches.default.backend, 'filebased');
  assert.equal(config.kv_cull, 'scheduled');
  assert.equal(config.auth, true);

  worker = await startWorker({
    testClock: false,
    vars: {
      UPSTASH_REDIS_REST_URL: 'https://eu1-fine-cat.upstash.io',
      UPSTASH_REDIS_REST_TOKEN: 'upstash-secret-token',
      EDGECACHE_API_TOKEN: 'api-secret-token',
    },
  });
  const text = (await worker.api('/api/config')).text;
  await worker.dispose();
  config = JSON.parse(text);
  assert.equal(config.caches.default.backend, 'redis');
  assert.equal(config.caches.default.OPTIONS.TOKEN, '***');
  assert.doesNotMatch(text, /upstash-secret-token|api-secret-token/);

  worker = await startWorker({
    testClock: false,
    vars: {
      EDGECACHE_CACHES: JSON.stringify({
        default: {
          BACKEND: 'django.core.cache.backends.redis.RedisCache',
          LOCATION: 'redis://:hunter2@10.0.0.1:6379/0',
          OPTIONS: { PASSWORD: 'env:REDIS_PASSWORD' },
        },
      }),
      REDIS_PASSWORD: 'hunter2',
      EDGECACHE_ENV: 'development',
    },
  });
  const pasted = (await worker.api('/api/config')).text;
  await worker.dispose();
  assert.doesNotMatch(pasted, /hunter2/);
  assert.equal(JSON.parse(pasted).source, 'EDGECACHE_CACHES');
  assert.equal(JSON.parse(pasted).caches.default.LOCATION, 'redis://:***@10.0.0.1:6379/0');
});

test('a bad EDGECACHE_CACHES is a clear 500 naming the field', async (t) => {
  const { api, dispose } = await startWorker({
    vars: { EDGECACHE_CACHES: "{'default': {'BACKEND': 'nosuch'}}" },
  });
  t.after(dispose);
  const r = await api('/api/caches');
  assert.equal(r.status, 500);
  assert.equal(json(r).error.type, 'ImproperlyConfigured');
  assert.match(json(r).error.message, /BACKEND|nosuch/);
});
