// django-redis's extras through the Worker's API (Miniflare): on locmem (emulated) and on a
// real Redis behind `edgecache bridge` (SCAN, EXPIRE, the lock's SET NX PX and its release
// script, which needs --allow-scripts), plus a JSONSerializer alias whose bytes are read back
// from Redis directly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker } from './support/harness.mjs';
import { edgecachePath, redisCommand, redisServerPath, startBridge, startRedis } from './support/servers.mjs';

const missing = !redisServerPath()
  ? 'redis-server is not installed (scripts/test.sh installs it)'
  : !edgecachePath()
    ? 'the edgecache command is not built (cargo build -p edgecache-bridge, or set EDGECACHE_BIN)'
    : false;

test('extras through the Worker API', { skip: missing }, async (t) => {
  const redis = await startRedis();
  t.after(redis.stop);
  const token = 'extras-bridge-token';
  const bridge = await startBridge(['--redis', `${redis.url}/0`, '--allow-scripts'], token);
  t.after(bridge.stop);
  const location = `${redis.url}/0`;
  const worker = await startWorker({
    testClock: false,
    vars: {
      EDGECACHE_ENV: 'development',
      EDGECACHE_BRIDGE_URL: bridge.url,
      EDGECACHE_BRIDGE_TOKEN: token,
      EDGECACHE_CACHES: JSON.stringify({
        default: { BACKEND: 'django.core.cache.backends.locmem.LocMemCache' },
        redis: { BACKEND: 'django_redis.cache.RedisCache', LOCATION: location, KEY_PREFIX: 'w' },
        json: {
          BACKEND: 'django_redis.cache.RedisCache', LOCATION: location, KEY_PREFIX: 'wj',
          OPTIONS: { SERIALIZER: 'django_redis.serializers.json.JSONSerializer' },
        },
      }),
    },
  });
  t.after(() => worker.dispose());
  const call = async (alias, op, args, kwargs = {}) => {
    const response = await worker.api(`/api/caches/${alias}/${op}`, { method: 'POST', body: { args, kwargs } });
    return { status: response.status, ...JSON.parse(response.text) };
  };

  for (const alias of ['default', 'redis']) {
    await t.test(alias, async () => {
      const result = async (...a) => {
        const r = await call(alias, ...a);
        assert.equal(r.status, 200, JSON.stringify(r));
        return r.result;
      };
      assert.equal(await result('ttl', ['missing']), 0);
      await result('set', ['a', 1, 100]);
      await result('set', ['p', 'x', null]);
      assert.equal(await result('ttl', ['a']), 100);
      assert.equal(await result('ttl', ['p']), null);
      assert.equal(await result('expire', ['a', 50]), true);
      assert.equal(await result('ttl', ['a']), 50);
      assert.ok((await result('pttl', ['a'])) <= 50_000);
      assert.equal(await result('persist', ['a']), true);
      assert.equal(await result('persist', ['a']), false);
      const now = Math.trunc(Date.now() / 1000);
      assert.equal(await result('expire_at', ['a'], { when: now + 30 }), true);
      assert.ok([29, 30].includes(await result('ttl', ['a'])));
      assert.equal(await result('pexpire', ['a', 0]), true);
      assert.equal(await result('get', ['a']), null);
      for (const key of ['user:1', 'user:2', 'other']) await result('set', [key, 1]);
      assert.deepEqual((await result('iter_keys', ['user:*'])).sort(), ['user:1', 'user:2']);
      assert.equal(await result('delete_pattern', ['user:*']), 2);
      assert.deepEqual(await result('iter_keys', ['user:*']), []);
      assert.equal(await result('lock_acquire', ['job', 'tok-1', 10]), true);
      assert.equal(await result('lock_acquire', ['job', 'tok-2', 10]), false);
      const foreign = await call(alias, 'lock_release', ['job', 'tok-2']);
      assert.equal(foreign.status, 400);
      assert.equal(foreign.error.type, 'LockNotOwnedError');
      assert.equal(await result('lock_release', ['job', 'tok-1']), null);
      assert.equal(await result('lock_acquire', ['job', 'tok-2']), true);
      assert.equal((await call(alias, 'incr', ['n'])).status, 400, 'a missing key without the flag');
      assert.equal(await result('incr', ['n', 5], { ignore_key_check: true }), 5);
      assert.equal(await result('ttl', ['n']), null);
      const bad = await call(alias, 'expire', ['a', 'soon']);
      assert.equal(bad.status, 400);
      assert.equal(bad.error.type, 'TypeError');
    });
  }

  await t.test('the lock and a JSONSerializer value as django-redis stores them', async () => {
    const raw = await redisCommand(redis.port, 'GET', 'w:1:job');
    assert.equal(raw.toString(), '$5\r\ntok-2\r\n');
    assert.equal((await call('json', 'set', ['doc', { a: [1, 'é'] }])).status, 200);
    const doc = await redisCommand(redis.port, 'GET', 'wj:1:doc');
    assert.equal(doc.toString(), '$20\r\n{"a": [1, "\\u00e9"]}\r\n');
    assert.deepEqual((await call('json', 'get', ['doc'])).result, { a: [1, 'é'] });
  });
});
