// The package's API as a JavaScript user sees it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createCaches, CacheError, ValueError, CacheTypeError, ImproperlyConfigured,
  InvalidCacheBackendError, BlockingIOError,
} from 'edgecache';
import { MemoryKv } from './support/memory-kv.mjs';

const LOCMEM = 'django.core.cache.backends.locmem.LocMemCache';

function setup(settings = {}, options = {}) {
  const clock = { now: 1_700_000_000 };
  const warnings = [];
  const caches = createCaches(
    { default: { BACKEND: LOCMEM, LOCATION: `t${Math.random()}`, ...settings } },
    { clock: () => clock.now, onWarning: (w) => warnings.push(w), ...options },
  );
  return { cache: caches.default, caches, clock, warnings };
}

test('a miss is undefined or the default; a stored null is null', async () => {
  const { cache } = setup();
  assert.equal(await cache.get('nope'), undefined);
  assert.equal(await cache.get('nope', 'dflt'), 'dflt');
  await cache.set('n', null);
  assert.equal(await cache.get('n', 'dflt'), null);
  assert.equal(cache.sync.get('n', 'dflt'), null);
  assert.equal(cache.sync.get('nope'), undefined);
});

test('values keep their types', async () => {
  const { cache } = setup();
  const value = { s: 'é😀', i: 3, f: 2.5, b: true, n: null, big: 2n ** 80n, bytes: new Uint8Array([0, 255]), list: [1, [2]] };
  await cache.set('v', value);
  assert.deepEqual(await cache.get('v'), value);
  await cache.set('small-bigint', 5n);
  assert.equal(await cache.get('small-bigint'), 5);
});

test('integral numbers are ints: incr works, Python float 2.0 reads back as 2', async () => {
  const { cache } = setup();
  await cache.set('n', 2.0);
  assert.equal(await cache.incr('n'), 3);
  assert.equal(await cache.incr('n', 10), 13);
  assert.equal(await cache.decr('n', 0.5), 12.5);
  await cache.set('big', 2 ** 53);
  assert.equal(await cache.incr('big'), 2n ** 53n + 1n);
});

test('timeouts: undefined = default, null = never, seconds; touch', async () => {
  const { cache, clock } = setup({ TIMEOUT: 10 });
  await cache.set('default', 1);
  await cache.set('never', 1, { timeout: null });
  await cache.set('short', 1, { timeout: 2 });
  await cache.set('zero', 1, { timeout: 0 });
  assert.equal(await cache.get('zero'), undefined);
  clock.now += 2;
  assert.equal(await cache.get('short'), undefined);
  assert.equal(await cache.get('default'), 1);
  assert.equal(await cache.touch('default', { timeout: 100 }), true);
  clock.now += 50;
  assert.equal(await cache.get('default'), 1);
  assert.equal(await cache.get('never'), 1);
});

test('versions and key making', async () => {
  const { cache } = setup({ KEY_PREFIX: 'p', VERSION: 2 });
  assert.equal(await cache.makeKey('k'), 'p:2:k');
  assert.equal(await cache.makeKey('k', { version: 5 }), 'p:5:k');
  await cache.set('k', 'v', { version: 3 });
  assert.equal(await cache.get('k'), undefined);
  assert.equal(await cache.get('k', undefined, { version: 3 }), 'v');
  assert.equal(await cache.incrVersion('k', 1, { version: 3 }), 4);
  assert.equal(await cache.get('k', undefined, { version: 4 }), 'v');
  assert.equal(await cache.makeKey(42), 'p:2:42');
});

test('many: getMany, setMany (object, Map, pairs), deleteMany', async () => {
  const { cache } = setup();
  assert.deepEqual(await cache.setMany({ a: 1, b: 2 }), []);
  await cache.setMany(new Map([[1, 'one']]));
  await cache.setMany([['c', 3]]);
  assert.deepEqual(await cache.getMany(['a', 'b', 1, 'c', 'zz']), { a: 1, b: 2, 1: 'one', c: 3 });
  await cache.deleteMany(['a', 'b']);
  assert.equal(await cache.hasKey('a'), false);
  assert.equal(await cache.hasKey('c'), true);
});

test('getOrSet with a value, a function and an async function', async () => {
  const { cache } = setup();
  let calls = 0;
  assert.equal(await cache.getOrSet('a', 1), 1);
  assert.equal(await cache.getOrSet('a', 2), 1);
  assert.equal(await cache.getOrSet('b', () => (calls++, 'f')), 'f');
  assert.equal(await cache.getOrSet('b', () => (calls++, 'g')), 'f');
  assert.equal(await cache.getOrSet('c', async () => (calls++, 'async')), 'async');
  assert.equal(calls, 2);
  assert.equal(cache.sync.getOrSet('d', () => 'sync'), 'sync');
  assert.throws(() => cache.sync.getOrSet('e', async () => 1), TypeError);
  await assert.rejects(cache.getOrSet('e', () => { throw new RangeError('mine'); }), RangeError);
});

test('errors are typed with Django names and messages', async () => {
  const { cache } = setup();
  await assert.rejects(cache.incr('missing'), (e) => e instanceof ValueError && e instanceof CacheError
    && e.name === 'ValueError' && e.message === "Key ':1:missing' not found");
  await cache.set('s', 'text');
  await assert.rejects(cache.incr('s'), (e) => e instanceof CacheTypeError && e.name === 'TypeError');
  assert.throws(() => cache.sync.incr('missing'), ValueError);
});

test('unstorable values are TypeErrors naming the path', async () => {
  const { cache } = setup();
  await assert.rejects(cache.set('k', { a: [1, new Date()] }), (e) => e instanceof TypeError && /value\.a\[1\]/.test(e.message) && /Date/.test(e.message));
  await assert.rejects(cache.set('k', undefined), TypeError);
  await assert.rejects(cache.set('k', () => 1), TypeError);
  await assert.rejects(cache.set('k', new (class Point {})()), /Point/);
});

test("Django's key warnings reach onWarning", async () => {
  const { cache, warnings } = setup();
  await cache.set('has space', 1);
  assert.deepEqual(warnings, [{
    category: 'CacheKeyWarning',
    message: "Cache key contains characters that will cause errors if used with memcached: ':1:has space'",
  }]);
});

test('settings errors name alias and field; unknown aliases', () => {
  assert.throws(
    () => createCaches({ default: { BACKEND: LOCMEM, OPTIONS: 5 } }),
    (e) => e instanceof ImproperlyConfigured && e.message.startsWith("CACHES['default']['OPTIONS'] = 5"),
  );
  const { caches } = setup();
  assert.throws(() => caches.get('nope'), (e) => e instanceof InvalidCacheBackendError
    && e.message === "The connection 'nope' doesn't exist.");
});

test('a pasted Python dict works as CACHES', async () => {
  const caches = createCaches(
    "{'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache', 'TIMEOUT': None, 'KEY_PREFIX': 'py'}}",
  );
  assert.equal(await caches.default.makeKey('k'), 'py:1:k');
  assert.equal(await caches.default.getBackendTimeout(), null);
});

test('inspect: LRU order, time-to-live, counters, last cull', async () => {
  const { cache, clock } = setup({ TIMEOUT: 100, OPTIONS: { MAX_ENTRIES: 2, CULL_FREQUENCY: 2 } });
  await cache.set('a', 1);
  clock.now += 1;
  await cache.set('b', 2);
  await cache.get('a');
  await cache.set('c', 3);
  const view = await cache.inspect();
  assert.equal(view.backend, 'locmem');
  assert.equal(view.order, 'most-recently-used first');
  assert.deepEqual(view.entries.map((e) => [e.key, e.value, e.ttl]), [[':1:c', 3, 100], [':1:a', 1, 99]]);
  assert.equal(view.stats.hits, 1);
  assert.equal(view.lastCull.reason, 'least-recently-used');
  assert.deepEqual(view.lastCull.removed, [':1:b']);
  assert.equal((await cache.inspect({ detail: 'count' })).entries.length, 0);
});

test('the sync face exists only for in-memory backends', async () => {
  const kv = new MemoryKv();
  const caches = createCaches(
    {
      default: { BACKEND: LOCMEM },
      files: { BACKEND: 'django.core.cache.backends.filebased.FileBasedCache', LOCATION: 'kv' },
      dummy: { BACKEND: 'django.core.cache.backends.dummy.DummyCache' },
    },
    { stores: { kv } },
  );
  assert.ok(caches.default.sync);
  assert.ok(caches.get('dummy').sync);
  const files = caches.get('files');
  assert.equal(files.sync, undefined);
  await files.set('k', { v: [1, 2] });
  assert.deepEqual(await files.get('k'), { v: [1, 2] });
  assert.equal((await kv.list()).keys.length, 1);
  assert.equal(await files.delete('k'), true);
  assert.equal(await files.delete('k'), false);
  assert.ok(BlockingIOError);
});

test('a filebased alias without a store says how to give one', async () => {
  const caches = createCaches({ default: { BACKEND: 'django.core.cache.backends.filebased.FileBasedCache', LOCATION: '/x' } });
  assert.throws(() => caches.default, (e) => e instanceof InvalidCacheBackendError && /stores/.test(e.message));
});

test('lists and dicts read back exactly on the JSON hot path (sync get of a str key)', () => {
  const { cache } = setup();
  // JSON carries this one; the next one (bigint, bytes) takes the per-value path.
  const value = {
    'q"\\\n\u0001': ['é😀', 0, -1.5, 1e300, 5e-324, 2 ** 53, -(2 ** 53), 0.1 + 0.2, null, true],
    nested: { '': [[], {}] },
  };
  cache.sync.set('j', value);
  assert.deepEqual(cache.sync.get('j'), value);
  assert.equal(cache.sync.get('j') === cache.sync.get('j'), false);
  const other = { big: 2n ** 60n, bytes: new Uint8Array([1]), list: ['a'] };
  cache.sync.set('k', other);
  assert.deepEqual(cache.sync.get('k'), other);
  cache.sync.set('plain', '{"not": "json"}');
  assert.equal(cache.sync.get('plain'), '{"not": "json"}');
  cache.sync.set('list', [1, 'two', { three: 3 }]);
  assert.deepEqual(cache.sync.get('list'), [1, 'two', { three: 3 }]);
});
