// Stampede protection and stats from JavaScript (docs/stampede.md, docs/stats.md): many
// Promises missing one key compute once; two package instances (two isolates) against a
// real Redis behind the bridge compute once with STAMPEDE_LOCK_TIMEOUT and twice without;
// stale-while-revalidate, jitter, option errors and `stats()`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createCaches, ImproperlyConfigured } from 'edgecache';
import { MemoryKv } from './support/memory-kv.mjs';
import { redisServer, bridge } from './support/servers.mjs';

const LOCMEM = 'django.core.cache.backends.locmem.LocMemCache';
const REDIS = 'django.core.cache.backends.redis.RedisCache';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function setup(options = {}, settings = {}) {
  const clock = { now: 1_700_000_000 };
  const caches = createCaches(
    { default: { BACKEND: LOCMEM, LOCATION: `s${Math.random()}`, OPTIONS: options, ...settings } },
    { clock: () => clock.now },
  );
  return { cache: caches.default, clock };
}

test('100 concurrent getOrSet misses of one key call the function once', async () => {
  const { cache } = setup();
  let calls = 0;
  const compute = async () => {
    calls += 1;
    await sleep(20);
    return { built: calls };
  };
  const results = await Promise.all(Array.from({ length: 100 }, () => cache.getOrSet('report', compute)));
  assert.equal(calls, 1);
  for (const r of results) assert.deepEqual(r, { built: 1 });
  const stats = await cache.stats();
  assert.equal(stats.stampede.computed, 1);
  assert.equal(stats.stampede.coalesced, 99);
  assert.equal(stats.misses, 100);
  assert.deepEqual(cache.sync.stats(), stats);
});

test('a throwing function rejects its caller; one waiter computes instead', async () => {
  const { cache } = setup();
  let calls = 0;
  const compute = async () => {
    calls += 1;
    await sleep(10);
    if (calls === 1) throw new Error('upstream down');
    return 'ok';
  };
  const results = await Promise.allSettled(Array.from({ length: 10 }, () => cache.getOrSet('k', compute)));
  assert.equal(calls, 2);
  assert.equal(results.filter((r) => r.status === 'rejected' && r.reason.message === 'upstream down').length, 1);
  assert.equal(results.filter((r) => r.value === 'ok').length, 9);
});

test('STALE_GRACE serves the stale value while exactly one caller refreshes', async () => {
  const { cache, clock } = setup({ STALE_GRACE: 30 });
  let calls = 0;
  const compute = async () => {
    calls += 1;
    await sleep(10);
    return `v${calls}`;
  };
  assert.equal(await cache.getOrSet('page', compute, { timeout: 10 }), 'v1');
  clock.now += 15;
  const results = await Promise.all(Array.from({ length: 20 }, () => cache.getOrSet('page', compute, { timeout: 10 })));
  assert.equal(calls, 2);
  assert.equal(results.filter((v) => v === 'v1').length, 19);
  assert.equal(results.filter((v) => v === 'v2').length, 1);
  assert.equal((await cache.stats()).stampede.staleServed, 19);
  // The stored form is the opt-in envelope (docs/stampede.md).
  assert.deepEqual(await cache.get('page'), ['edgecache.swr', 'v2', clock.now + 10]);
});

test('TIMEOUT_JITTER shortens getOrSet timeouts, reproducibly with JITTER_SEED', async () => {
  const ttls = async () => {
    const { cache } = setup({ TIMEOUT_JITTER: 0.5, JITTER_SEED: 9 });
    for (let i = 0; i < 20; i++) await cache.getOrSet(`k${i}`, i, { timeout: 100 });
    return (await cache.inspect()).entries.map((e) => e.ttl);
  };
  const first = await ttls();
  assert.deepEqual(first, await ttls());
  assert.ok(first.every((t) => t >= 50 && t <= 100), String(first));
  assert.ok(new Set(first).size > 10, String(first));
});

test('bad stampede options are ImproperlyConfigured naming alias, field and value', () => {
  assert.throws(
    () => createCaches({ pages: { BACKEND: LOCMEM, OPTIONS: { TIMEOUT_JITTER: 2 } } }),
    (e) => e instanceof ImproperlyConfigured && e.message.startsWith("CACHES['pages']['OPTIONS']['TIMEOUT_JITTER'] = 2"),
  );
});

test('stats() times the operations that await storage', async () => {
  const caches = createCaches(
    { default: { BACKEND: 'django.core.cache.backends.filebased.FileBasedCache', LOCATION: 'kv' } },
    { stores: { kv: new MemoryKv() } },
  );
  const cache = caches.default;
  await cache.set('a', 1);
  await cache.get('a');
  await cache.get('b');
  const stats = await cache.stats();
  assert.equal(stats.backend, 'filebased');
  assert.deepEqual([stats.hits, stats.misses, stats.sets], [1, 1, 1]);
  assert.equal(stats.latency.count, 3);
  assert.equal(stats.latency.buckets.reduce((n, b) => n + b.count, 0), 3);
  assert.equal(stats.latency.buckets.at(-1).leMs, Infinity);
});

let redis, server;
before(async () => {
  redis = await redisServer();
  server = await bridge(['--redis', `redis://127.0.0.1:${redis.port}/0`]);
});
after(() => {
  server?.stop();
  redis?.stop();
});

/** Two package instances (two isolates) racing on one Redis key, 10 Promises each. */
async function race(key, options) {
  let calls = 0;
  const compute = async () => {
    calls += 1;
    await sleep(150);
    return `computed ${calls}`;
  };
  const instances = [0, 1].map(() =>
    createCaches(
      { default: { BACKEND: REDIS, LOCATION: `redis://127.0.0.1:${redis.port}/0`, OPTIONS: options } },
      { bridge: { url: server.url } },
    ).default,
  );
  const results = await Promise.all(
    instances.flatMap((cache) => Array.from({ length: 10 }, () => cache.getOrSet(key, compute, { timeout: 60 }))),
  );
  return { calls, results, instances };
}

test('across isolates, STAMPEDE_LOCK_TIMEOUT makes waiters poll Redis instead of computing', async () => {
  const locked = await race('locked', { STAMPEDE_LOCK_TIMEOUT: 5, STAMPEDE_LOCK_POLL: 0.02 });
  assert.equal(locked.calls, 1);
  assert.ok(locked.results.every((v) => v === 'computed 1'), String(locked.results));
  const waits = (await Promise.all(locked.instances.map((c) => c.stats()))).map((s) => s.stampede.lockWaits);
  assert.ok(waits.reduce((a, b) => a + b) >= 1, String(waits));
  const unlocked = await race('unlocked', {});
  assert.equal(unlocked.calls, 2, 'coalescing is per isolate');
});
