// The in-memory entry (`edgecache/memory`, docs/memory.md): every conformance trace with
// Django's results for locmem and dummy, replayed through its public API (traces with HTTP
// operations are the full entry's), and the errors for what that build lacks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { replay, pendingOps } from '../replay.mjs';
import { parse } from './support/json.mjs';
import { diffResults } from './support/compare.mjs';
import {
  createCaches,
  ImproperlyConfigured,
  InvalidCacheBackendError,
  NotImplementedError,
  patchCacheControl,
} from 'edgecache/memory';
import { createCaches as createFullCaches } from 'edgecache';

const ENTRY = 'edgecache/memory';
const root = new URL('../conformance/', import.meta.url);
const traces = readdirSync(new URL('traces/', root)).filter((f) => f.endsWith('.json')).sort();

for (const backend of ['locmem', 'dummy']) {
  for (const file of traces) {
    const expectedPath = new URL(`expected/${backend}/${file}`, root);
    if (!existsSync(expectedPath)) continue;
    const text = readFileSync(new URL(`traces/${file}`, root), 'utf8');
    const pending = pendingOps(parse(text), ENTRY);
    const name = `memory ${backend} ${file.replace(/\.json$/, '')}`;
    if (pending.length) {
      test(name, { skip: `uses operations the in-memory entry does not have (${pending.join(', ')})` }, () => {});
      continue;
    }
    test(name, async () => {
      const actual = await replay(text, backend, file, ENTRY);
      assert.equal(actual.implementation, 'edgecache npm');
      const expected = parse(readFileSync(expectedPath, 'utf8'));
      const problems = diffResults(expected, actual);
      assert.deepEqual(problems.slice(0, 10), [], `${problems.length} mismatches`);
    });
  }
}

test('memory: its own wasm, smaller than the full build', () => {
  const size = (path) => readFileSync(new URL(`../../dist/${path}`, import.meta.url)).length;
  assert.ok(size('memory/edgecache_core_bg.wasm') < size('edgecache_core_bg.wasm') / 2);
});

test('memory: another backend is an InvalidCacheBackendError naming the full build', () => {
  for (const [backend, short] of [
    ['django.core.cache.backends.filebased.FileBasedCache', 'filebased'],
    ['django.core.cache.backends.db.DatabaseCache', 'db'],
    ['django.core.cache.backends.redis.RedisCache', 'redis'],
    ['django.core.cache.backends.memcached.PyMemcacheCache', 'memcached'],
  ]) {
    const caches = createCaches({
      default: { BACKEND: 'locmem' },
      // Options only the other backends read are not checked in this build: the alias fails
      // on lookup instead.
      other: { BACKEND: backend, LOCATION: 'somewhere', OPTIONS: { SERIALIZER: 'no.such.Serializer' } },
    });
    assert.deepEqual(caches.aliases, ['default', 'other']);
    caches.default.sync.set('k', 1);
    assert.equal(caches.default.sync.get('k'), 1);
    assert.throws(() => caches.get('other'), (error) => {
      assert.ok(error instanceof InvalidCacheBackendError);
      assert.equal(
        error.message,
        `Could not find backend '${backend}': this in-memory build of edgecache has only the locmem and dummy backends; the ${short} backend is in the full build (in JavaScript, import 'edgecache' instead of 'edgecache/memory')`,
      );
      return true;
    });
  }
});

test('memory: stampede options are refused, not ignored, naming alias, field and value', () => {
  for (const [name, value] of [['STAMPEDE_LOCK_TIMEOUT', 5], ['STAMPEDE_LOCK_POLL', 0.1], ['TIMEOUT_JITTER', 0.1], ['STALE_GRACE', 30], ['JITTER_SEED', 7]]) {
    assert.throws(() => createCaches({ default: { BACKEND: 'dummy' }, fast: { BACKEND: 'locmem', OPTIONS: { [name]: value } } }), (error) => {
      assert.ok(error instanceof ImproperlyConfigured);
      assert.equal(error.alias, 'fast');
      assert.equal(error.field, `OPTIONS.${name}`);
      assert.equal(error.value, String(value));
      assert.match(error.message, new RegExp(`${name} is a stampede protection option, which this in-memory build of edgecache does not have; it is in the full build`));
      return true;
    });
  }
  // The full entry takes the same settings.
  const full = createFullCaches({ default: { BACKEND: 'dummy' }, fast: { BACKEND: 'locmem', OPTIONS: { STAMPEDE_LOCK_TIMEOUT: 5 } } });
  assert.deepEqual(full.aliases, ['default', 'fast']);
});

test('memory: the HTTP layer is the full entry\'s, with a NotImplementedError saying so', () => {
  const caches = createCaches({ default: { BACKEND: 'dummy' } });
  assert.throws(() => caches.http(), NotImplementedError);
  assert.throws(() => patchCacheControl({}, { maxAge: 1 }), /patchCacheControl is not in the in-memory build .*import it from 'edgecache'/);
});

test('memory: stats() is the full entry\'s; inspect() has the counters', async () => {
  const caches = createCaches({ default: { BACKEND: 'locmem' } });
  const cache = caches.default;
  assert.throws(() => cache.sync.stats(), NotImplementedError);
  await assert.rejects(cache.stats(), NotImplementedError);
  cache.sync.set('k', 1);
  assert.equal(cache.sync.get('k'), 1);
  assert.deepEqual(cache.sync.inspect().stats, { hits: 1, misses: 0, sets: 1, deletes: 0, culled: 0 });
});

test('memory: getOrSet with an async function is Django\'s get, compute, add, get', async () => {
  const caches = createCaches({ default: { BACKEND: 'locmem' } });
  let calls = 0;
  const compute = async () => {
    calls += 1;
    return 'v';
  };
  assert.equal(await caches.default.getOrSet('k', compute), 'v');
  assert.equal(await caches.default.getOrSet('k', compute), 'v');
  assert.equal(calls, 1);
  const dummy = createCaches({ default: { BACKEND: 'dummy' } }).default;
  assert.equal(await dummy.getOrSet('k', compute), 'v');
  assert.equal(calls, 2);
});

test('memory: getOrSet with a Promise: errors as thrown, value stored when it settles, after the caller\'s code', async () => {
  const caches = createCaches({ default: { BACKEND: 'locmem' } });
  const cache = caches.default;
  const boom = new RangeError('boom');
  await assert.rejects(cache.getOrSet('a', async () => { throw boom; }), (e) => e === boom);
  assert.equal(cache.sync.get('a'), undefined);
  await assert.rejects(cache.getOrSet('b', async () => Symbol('s')), /edgecache cannot store a symbol \(at value\)/);
  assert.throws(() => cache.sync.getOrSet('c', async () => 1), /getOrSet on the synchronous API needs a synchronous function/);
  const order = [];
  const pending = cache.getOrSet('d', async () => { order.push('computed'); return 'new'; });
  order.push('caller');
  cache.sync.set('d', 'racer');
  assert.equal(await pending, 'racer');
  assert.deepEqual(order, ['caller']);
  const slow = cache.getOrSet('e', () => new Promise((resolve) => setTimeout(() => resolve([1, { x: 2 }]), 5)));
  assert.equal(cache.sync.get('e'), undefined);
  assert.deepEqual(await slow, [1, { x: 2 }]);
  assert.deepEqual(cache.sync.get('e'), [1, { x: 2 }]);
});

test('memory: a long-lived cache reuses freed memory (the size-class allocator)', async () => {
  // The entry's wasm instance: initSync on an initialised module hands back its exports.
  const { initSync } = await import('../../dist/memory/edgecache_core.js');
  const { memory } = initSync({ module: readFileSync(new URL('../../dist/memory/edgecache_core_bg.wasm', import.meta.url)) });
  const caches = createCaches({
    default: { BACKEND: 'django.core.cache.backends.locmem.LocMemCache', OPTIONS: { MAX_ENTRIES: 300 } },
  });
  const cache = caches.default.sync;
  const pages = [];
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < 6000; i++) {
      const n = (i * 7919 + round * 31) % 2000;
      cache.set(`k${n}`, 'x'.repeat((i * 13) % 700) + i, { timeout: 100 });
      cache.get(`k${(i * 31) % 2000}`);
      if (i % 5 === 0) cache.setMany({ a: [1, 2, 'y'.repeat(i % 300)], b: { z: i } });
    }
    pages.push(memory.buffer.byteLength / 65536);
  }
  // Culling frees entries all along; their blocks serve the next ones, so after the first
  // round (the cache at its size) memory stops growing.
  assert.deepEqual(pages.slice(2), [pages[1], pages[1]], `pages per round: ${pages}`);
});
