// django-redis's extras and serializer options from JavaScript: emulated on locmem, the Redis
// commands on a real Redis behind `edgecache bridge` (with --allow-scripts for the lock's
// release script), a typed NotImplementedError where memcached cannot answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createCaches, NotImplementedError, ImproperlyConfigured } from 'edgecache';
import { redisAndMemcachedBehindBridge, redisCli } from './support/servers.mjs';

const DJANGO_REDIS = 'django_redis.cache.RedisCache';
const JSON_SERIALIZER = 'django_redis.serializers.json.JSONSerializer';
const ZLIB = 'django_redis.compressors.zlib.ZlibCompressor';
let redis, memcached, server, servers;

before(async () => {
  servers = await redisAndMemcachedBehindBridge(['--allow-scripts']);
  ({ redis, memcached, server } = servers);
});

after(() => servers?.stop());

function caches() {
  const location = `redis://127.0.0.1:${redis.port}/0`;
  return createCaches(
    {
      default: { BACKEND: 'django.core.cache.backends.locmem.LocMemCache', TIMEOUT: 300 },
      redis: { BACKEND: DJANGO_REDIS, LOCATION: location, KEY_PREFIX: 'js' },
      json: { BACKEND: DJANGO_REDIS, LOCATION: location, KEY_PREFIX: 'json', OPTIONS: { SERIALIZER: JSON_SERIALIZER } },
      zlib: {
        BACKEND: DJANGO_REDIS, LOCATION: location, KEY_PREFIX: 'zlib',
        OPTIONS: { SERIALIZER: JSON_SERIALIZER, COMPRESSOR: ZLIB },
      },
      memcached: { BACKEND: 'django.core.cache.backends.memcached.PyMemcacheCache', LOCATION: `127.0.0.1:${memcached.port}` },
    },
    { bridge: { url: server.url, token: '' } },
  );
}

for (const alias of ['default', 'redis']) {
  test(`${alias}: ttl, expire, persist answer as django-redis documents`, async () => {
    const cache = caches().get(alias);
    await cache.clear();
    assert.equal(await cache.ttl('missing'), 0);
    await cache.set('a', 1, { timeout: 100 });
    await cache.set('forever', 'x', { timeout: null });
    assert.equal(await cache.ttl('a'), 100);
    const pttl = await cache.pttl('a');
    assert.ok(pttl > 99_000 && pttl <= 100_000, `${pttl}`);
    assert.equal(await cache.ttl('forever'), null);
    assert.equal(await cache.expire('a', 50), true);
    assert.equal(await cache.ttl('a'), 50);
    assert.equal(await cache.expire('missing', 50), false);
    assert.equal(await cache.persist('a'), true);
    assert.equal(await cache.persist('a'), false);
    assert.equal(await cache.ttl('a'), null);
    assert.equal(await cache.pexpire('a', 5000), true);
    assert.ok((await cache.pttl('a')) <= 5000);
    assert.equal(await cache.expireAt('a', new Date(Date.now() + 60_000)), true);
    assert.ok([59, 60].includes(await cache.ttl('a')));
    assert.equal(await cache.expireAt('a', Math.trunc(Date.now() / 1000) - 5), true);
    assert.equal(await cache.get('a'), undefined);
    await assert.rejects(cache.expire('forever', 1.5), TypeError);
  });

  test(`${alias}: iterKeys, deletePattern, locks and incr with ignoreKeyCheck`, async () => {
    const cache = caches().get(alias);
    await cache.clear();
    for (const key of ['user:1', 'user:2', 'session:1']) await cache.set(key, 1);
    await cache.set('user:9', 1, { version: 2 });
    assert.deepEqual((await cache.iterKeys('user:*')).sort(), ['user:1', 'user:2']);
    assert.deepEqual(await cache.iterKeys('*', { version: 2 }), ['user:9']);
    assert.equal(await cache.deletePattern('user:*'), 2);
    assert.equal(await cache.deletePattern('user:*'), 0);
    assert.equal(await cache.hasKey('session:1'), true);

    const first = cache.lock('job', { timeout: 5 });
    const second = cache.lock('job', { timeout: 5 });
    assert.equal(await first.acquire({ blocking: false }), true);
    assert.equal(await second.acquire({ blocking: false }), false);
    const started = Date.now();
    assert.equal(await second.acquire({ blockingTimeout: 0.3, sleep: 0.05 }), false);
    assert.ok(Date.now() - started >= 250, 'it waited for the lock');
    const waiting = second.acquire({ sleep: 0.05 });
    await first.release();
    assert.equal(await waiting, true, 'taken once released');
    await assert.rejects(first.release(), { name: 'LockError' });
    await second.release();
    const expired = cache.lock('short', { timeout: 0.05 });
    assert.equal(await expired.acquire(), true);
    await new Promise((resolve) => setTimeout(resolve, 120));
    assert.equal(await cache.lock('short').acquire({ blocking: false }), true, 'the first one expired');
    await assert.rejects(expired.release(), { name: 'LockNotOwnedError' });

    await assert.rejects(cache.incr('n'), { name: 'ValueError' });
    assert.equal(await cache.incr('n', 5, { ignoreKeyCheck: true }), 5);
    assert.equal(await cache.ttl('n'), null);
    assert.equal(await cache.incr('n', 2, { ignoreKeyCheck: true }), 7);
  });
}

test('redis: the lock is a raw token with a PX expiry, as redis-py stores it', async () => {
  const cache = caches().get('redis');
  const lock = cache.lock('raw', { timeout: 10 });
  assert.equal(await lock.acquire(), true);
  const stored = redisCli(redis.port, ['GET', 'js:1:raw']).trim();
  assert.match(stored, /^"[0-9a-f]{32}"$/);
  const pttl = Number(redisCli(redis.port, ['PTTL', 'js:1:raw']).trim().replace(/\D/g, ''));
  assert.ok(pttl > 9000 && pttl <= 10_000, `${pttl}`);
  await lock.release();
  assert.equal(redisCli(redis.port, ['EXISTS', 'js:1:raw']).trim(), '(integer) 0');
});

test('JSONSerializer and ZlibCompressor store what django-redis stores', async () => {
  const c = caches();
  const all = { json: c.get('json'), zlib: c.get('zlib') };
  await all.json.set('doc', { a: [1, 2.5, 'é'], b: null }, { timeout: 60 });
  assert.equal(redisCli(redis.port, ['--raw', 'GET', 'json:1:doc']).trim(), '{"a": [1, 2.5, "\\u00e9"], "b": null}');
  assert.deepEqual(await all.json.get('doc'), { a: [1, 2.5, 'é'], b: null });
  await all.json.set('n', 42);
  assert.equal(redisCli(redis.port, ['--raw', 'GET', 'json:1:n']).trim(), '42', 'ints stay raw');
  const long = 'x'.repeat(1000);
  await all.zlib.set('long', long);
  await all.zlib.set('short', 'ab');
  const raw = redisCli(redis.port, ['STRLEN', 'zlib:1:long']);
  assert.ok(Number(raw.replace(/\D/g, '')) < 100, `compressed: ${raw}`);
  assert.equal(redisCli(redis.port, ['--raw', 'GET', 'zlib:1:short']).trim(), '"ab"', 'under min_length: plain');
  assert.equal(await all.zlib.get('long'), long);
  assert.equal(await all.zlib.get('short'), 'ab');
  await assert.rejects(all.json.set('bytes', new Uint8Array([1])), { name: 'TypeError' });
});

test('memcached cannot list keys or tell a ttl: NotImplementedError', async () => {
  const cache = caches().get('memcached');
  await assert.rejects(cache.iterKeys('*'), NotImplementedError);
  await assert.rejects(cache.ttl('k'), (e) => e instanceof NotImplementedError && /memcached/.test(e.message));
  const lock = cache.lock('job', { timeout: 5 });
  assert.equal(await lock.acquire({ blocking: false }), true, 'locks work through add');
  await lock.release();
  // A value over memcached's 1 MB item limit is the server's refusal, as pymemcache raises it.
  await assert.rejects(cache.set('big', 'x'.repeat(1_100_000)), {
    name: 'MemcacheServerError',
    message: /too large/,
  });
});

test('an unknown serializer names the alias, field and value', () => {
  assert.throws(
    () => createCaches({
      default: { BACKEND: DJANGO_REDIS, LOCATION: 'redis://127.0.0.1:1/0', OPTIONS: { SERIALIZER: 'nope.Serializer' } },
    }),
    (e) => e instanceof ImproperlyConfigured && e.alias === 'default' && e.field === 'OPTIONS.SERIALIZER' && e.value === "'nope.Serializer'",
  );
});
