// The redis and memcached backends from JavaScript: the package's fetch transport to a real
// Redis and Memcached behind `edgecache bridge`, in both REST dialects (the bridge's, and
// Upstash's, which the bridge also speaks); a down server as a ConnectionError, or as a miss
// with IGNORE_EXCEPTIONS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createCaches, CacheError } from 'edgecache';
import { redisAndMemcachedBehindBridge, freePort, redisCli } from './support/servers.mjs';

const REDIS = 'django.core.cache.backends.redis.RedisCache';
const MEMCACHED = 'django.core.cache.backends.memcached.PyMemcacheCache';
let redis, memcached, server, servers;

before(async () => {
  servers = await redisAndMemcachedBehindBridge([
    '--allow-scripts', // the Upstash dialect's binary writes are EVALs, as on Upstash
  ]);
  ({ redis, memcached, server } = servers);
});

after(() => servers?.stop());

function network(extra = {}) {
  return createCaches(
    {
      default: { BACKEND: 'django.core.cache.backends.dummy.DummyCache' },
      redis: { BACKEND: REDIS, LOCATION: `redis://127.0.0.1:${redis.port}/0`, KEY_PREFIX: 'js' },
      upstash: {
        BACKEND: REDIS,
        LOCATION: `${server.url}/redis/0`,
        KEY_PREFIX: 'js',
        OPTIONS: { REST_PROTOCOL: 'upstash' },
      },
      memcached: { BACKEND: MEMCACHED, LOCATION: `127.0.0.1:${memcached.port}` },
    },
    { bridge: { url: server.url }, ...extra },
  );
}

const SAMPLES = {
  text: 'café ☕',
  number: 42,
  float: 2.5,
  big: 2n ** 70n,
  bytes: new Uint8Array([0, 0x80, 0xff, 10, 34]),
  nested: { list: [null, true, 'x'], n: -1 },
};

test('redis through the bridge: values round-trip, many-ops in one round trip', async () => {
  const cache = network().get('redis');
  assert.equal(cache.sync, undefined, 'a network cache has no synchronous face');
  for (const [key, value] of Object.entries(SAMPLES)) {
    await cache.set(key, value, { timeout: 60 });
    assert.deepEqual(await cache.get(key), value, key);
  }
  assert.deepEqual(await cache.setMany({ a: 1, b: 'two' }), []);
  assert.deepEqual(await cache.getMany(['a', 'b', 'missing']), { a: 1, b: 'two' });
  assert.equal(await cache.incr('a', 9), 10);
  assert.equal(await cache.add('a', 0), false);
  assert.equal(await cache.hasKey('b'), true);
  assert.equal(await cache.delete('b'), true);
  assert.equal(await cache.get('b', 'gone'), 'gone');
  // Django's key and its raw encoding in Redis: ints as digits, the rest pickled.
  assert.equal(redisCli(redis.port, ['GET', 'js:1:a']).trim(), '"10"');
  assert.match(redisCli(redis.port, ['GET', 'js:1:text']), /^"\\x80\\x05/);
  const ttl = Number(redisCli(redis.port, ['TTL', 'js:1:text']).match(/-?\d+/)[0]);
  assert.ok(ttl > 0 && ttl <= 60, `TTL ${ttl}`);
});

test('the Upstash dialect writes what the bridge dialect reads, and back', async () => {
  const caches = network();
  const [viaBridge, upstash] = [caches.get('redis'), caches.get('upstash')];
  for (const [key, value] of Object.entries(SAMPLES)) {
    await upstash.set(`u-${key}`, value);
    assert.deepEqual(await viaBridge.get(`u-${key}`), value, `${key} written as Upstash`);
    await viaBridge.set(`b-${key}`, value);
    assert.deepEqual(await upstash.get(`b-${key}`), value, `${key} read as Upstash`);
  }
  assert.deepEqual(await upstash.setMany({ p: SAMPLES.bytes, q: 'text' }), []);
  assert.deepEqual(await viaBridge.getMany(['p', 'q']), { p: SAMPLES.bytes, q: 'text' });
});

test('memcached through the bridge', async () => {
  const cache = network().get('memcached');
  await cache.set('m', SAMPLES.nested);
  assert.deepEqual(await cache.get('m'), SAMPLES.nested);
  await cache.set('n', 5);
  assert.equal(await cache.incr('n', 2), 7);
  await assert.rejects(cache.set('bad key', 1), (error) => error.name === 'InvalidCacheKey');
});

test('a down bridge is a ConnectionError; IGNORE_EXCEPTIONS gives defaults', async () => {
  const closed = `http://127.0.0.1:${await freePort()}`;
  const down = createCaches(
    {
      default: { BACKEND: 'django.core.cache.backends.dummy.DummyCache' },
      strict: { BACKEND: REDIS, LOCATION: 'redis://127.0.0.1:1/0' },
      lenient: { BACKEND: REDIS, LOCATION: 'redis://127.0.0.1:1/0', OPTIONS: { IGNORE_EXCEPTIONS: true } },
    },
    { bridge: { url: closed }, onWarning: () => {} },
  );
  await assert.rejects(down.get('strict').get('k'), (error) => error instanceof CacheError && error.name === 'ConnectionError');
  assert.equal(await down.get('lenient').get('k', 'fallback'), 'fallback');
  await down.get('lenient').set('k', 1);
});

test('a custom fetch is used, and a hung server times out', async () => {
  const seen = [];
  const caches = network({
    fetch: (url, init) => {
      seen.push([url, init.method]);
      return fetch(url, init);
    },
  });
  await caches.get('redis').set('via-custom-fetch', 1);
  assert.deepEqual(seen, [[`${server.url}/redis/0`, 'POST']]);

  const hung = createCaches(
    { default: { BACKEND: REDIS, LOCATION: 'redis://127.0.0.1:1/0' } },
    { bridge: { url: 'http://127.0.0.1:9' }, timeoutMs: 50, fetch: (url, init) => new Promise((_, reject) => {
      init.signal?.addEventListener('abort', () => reject(init.signal.reason));
    }) },
  );
  const started = Date.now();
  await assert.rejects(hung.default.get('k'), (error) => error.name === 'ConnectionError');
  assert.ok(Date.now() - started < 5000);
  assert.throws(() => network({ timeoutMs: -1 }), TypeError);
  assert.throws(() => network({ fetch: 'no' }), TypeError);
});
