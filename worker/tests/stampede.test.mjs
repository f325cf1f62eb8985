// Stampede protection, stats and warming through the Worker's API in Miniflare: concurrent
// requests missing one key compute once (one isolate); GET /api/caches/<alias>/stats;
// POST /api/caches/<alias>/warm on Workers KV (filebased) and D1 (db).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startWorker } from './support/harness.mjs';

const json = (response) => JSON.parse(response.text);
const op = (api, alias, name, body = {}) =>
  api(`/api/caches/${alias}/${name}`, { method: 'POST', body, token: 's3cret' });

const CACHES = JSON.stringify({
  default: { BACKEND: 'django.core.cache.backends.locmem.LocMemCache' },
  kv: { BACKEND: 'django.core.cache.backends.filebased.FileBasedCache', LOCATION: 'EDGECACHE_KV/warm' },
  db: { BACKEND: 'django.core.cache.backends.db.DatabaseCache', LOCATION: 'warm_table' },
});

test('30 concurrent requests missing one key compute once; stats show it', async (t) => {
  const { api, dispose } = await startWorker({ vars: { EDGECACHE_CACHES: CACHES } });
  t.after(dispose);
  const slow = (key, value) =>
    api('/api/_test/slow_get_or_set', { method: 'POST', body: { key, value, ms: 100 } }).then(json);
  const results = await Promise.all(Array.from({ length: 30 }, () => slow('report', 'built')));
  assert.ok(results.every((r) => r.result === 'built'), JSON.stringify(results));
  assert.equal(Math.max(...results.map((r) => r.computed)), 1);
  // A second key computes once more.
  const other = await Promise.all(Array.from({ length: 5 }, () => slow('other', 2)));
  assert.equal(Math.max(...other.map((r) => r.computed)), 2);
  const r = await api('/api/caches/default/stats');
  assert.equal(r.status, 200);
  const stats = json(r).result;
  assert.equal(stats.backend, 'locmem');
  assert.equal(stats.stampede.computed, 2);
  assert.equal(stats.stampede.coalesced, 33);
  assert.equal(stats.misses, 35);
  assert.equal((await api('/api/caches/nope/stats')).status, 404);
});

test('warm stores a batch on KV and D1, reporting bad items by index', async (t) => {
  // The live engine (real clock; db tables created on first use).
  const { api, dispose } = await startWorker({
    vars: { EDGECACHE_CACHES: CACHES, EDGECACHE_ENV: 'development', EDGECACHE_API_TOKEN: 's3cret' },
    testClock: false,
  });
  t.after(dispose);
  for (const alias of ['kv', 'db']) {
    const items = [
      { key: 'a', value: { nested: [1, 2.5, null] }, timeout: 60 },
      { value: 'no key' },
      { key: 'b', value: { $bytes: 'x\u00ff' }, timeout: null },
      { key: 'c', value: 3, timeout: 'soon' },
      { key: 7, value: 'seven', version: 2 },
    ];
    const r = await op(api, alias, 'warm', { items });
    assert.equal(r.status, 200, r.text);
    const { stored, failed } = json(r).result;
    assert.equal(stored, 3, alias);
    assert.deepEqual(failed.map((f) => f.index), [1, 3]);
    assert.match(failed[0].error, /missing "key"/);
    const get = async (args) => json(await op(api, alias, 'get', { args })).result;
    assert.deepEqual(await get(['a']), { nested: [1, 2.5, null] });
    assert.deepEqual(await get(['b']), { $bytes: 'x\u00ff' });
    assert.equal(await get(['c']), null);
    assert.equal(await get([7, null, 2]), 'seven');
    const stats = json(await api(`/api/caches/${alias}/stats`, { token: 's3cret' })).result;
    assert.ok(stats.latency.count >= 4, JSON.stringify(stats));
    assert.equal(stats.sets, 3);
  }
  const tooMany = Array.from({ length: 1001 }, (_, i) => ({ key: `k${i}`, value: i }));
  const r = await op(api, 'kv', 'warm', { items: tooMany });
  assert.equal(r.status, 400);
  assert.match(json(r).error.message, /at most 1000 items/);
  assert.equal((await op(api, 'kv', 'warm', { nope: 1 })).status, 400);
});
