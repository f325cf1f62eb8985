// The adapters against Miniflare's Workers KV and D1, checked directly in the stores
// (getKVNamespace, getD1Database): Django's bytes, the expiry metadata and native TTL, the
// LOCATION prefix, D1's table, and the scheduled cleanup that replaces per-write culling on
// real KV.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startWorker } from './support/harness.mjs';

const json = (response) => JSON.parse(response.text);
const op = (api, alias, name, body = {}) =>
  api(`/api/caches/${alias}/${name}`, { method: 'POST', body });
const fileName = (fullKey) => `${createHash('md5').update(fullKey).digest('hex')}.djcache`;

test('filebased on Workers KV: Django files under the LOCATION prefix, expiry in metadata', async (t) => {
  const { mf, api, dispose } = await startWorker({
    vars: {
      EDGECACHE_CACHES: JSON.stringify({
        default: {
          BACKEND: 'django.core.cache.backends.filebased.FileBasedCache',
          LOCATION: 'EDGECACHE_KV/site-a',
        },
      }),
    },
  });
  t.after(dispose);
  assert.equal((await op(api, 'default', 'set', { args: ['short', 'lived', 5] })).status, 200);
  assert.equal((await op(api, 'default', 'set', { args: ['forever', [1, 2], null] })).status, 200);
  const kv = await mf.getKVNamespace('EDGECACHE_KV');
  const { keys } = await kv.list();
  const byName = Object.fromEntries(keys.map((k) => [k.name, k]));
  const short = byName[`site-a/${fileName(':1:short')}`];
  const forever = byName[`site-a/${fileName(':1:forever')}`];
  assert.ok(short && forever, JSON.stringify(keys));
  // The exact expiry is metadata; the native TTL is only a safety net of at least 60 s.
  assert.equal(short.metadata, '1700000005.0');
  assert.ok(short.expiration >= Date.now() / 1000 + 55, `native expiry ${short.expiration}`);
  assert.equal(forever.metadata, 'None');
  assert.equal(forever.expiration, undefined);
  // Django's bytes: pickle(expiry) (protocol 5 float) then zlib(pickle(value)).
  const bytes = new Uint8Array(await kv.get(`site-a/${fileName(':1:short')}`, 'arrayBuffer'));
  assert.deepEqual([...bytes.slice(0, 3)], [0x80, 0x05, 0x95]);
  // Sub-minute expiry is decided by the core, not by KV.
  await api('/api/_test/op', { method: 'POST', body: { op: 'advance', seconds: 6 } });
  assert.deepEqual(json(await op(api, 'default', 'get', { args: ['short'] })).result, null);
  assert.deepEqual(json(await op(api, 'default', 'get', { args: ['forever'] })).result, [1, 2]);
  // FB-2: the expired read deleted the file.
  assert.equal((await kv.list()).keys.length, 1);
  // Keys outside the prefix are not the cache's.
  await kv.put('elsewhere', 'x');
  await op(api, 'default', 'clear');
  assert.deepEqual((await kv.list()).keys.map((k) => k.name), ['elsewhere']);
});

test('db on D1: Django table and rows', async (t) => {
  const { mf, api, dispose } = await startWorker({
    testClock: false,
    vars: {
      EDGECACHE_ENV: 'development',
      EDGECACHE_CACHES: JSON.stringify({
        default: { BACKEND: 'django.core.cache.backends.db.DatabaseCache', LOCATION: 'my_cache_table' },
      }),
    },
  });
  t.after(dispose);
  // Created on first use: the table did not exist.
  let r = await op(api, 'default', 'set', { args: ['greeting', 'hello', null] });
  assert.equal(r.status, 200, r.text);
  r = await op(api, 'default', 'get', { args: ['greeting'] });
  assert.equal(json(r).result, 'hello');
  const db = await mf.getD1Database('EDGECACHE_DB');
  const { results } = await db.prepare('SELECT cache_key, value, expires FROM my_cache_table').all();
  assert.equal(results.length, 1);
  assert.equal(results[0].cache_key, ':1:greeting');
  assert.equal(results[0].expires, '9999-12-31 23:59:59');
  // base64(pickle('hello')), as Django writes it.
  assert.equal(Buffer.from(results[0].value, 'base64')[0], 0x80);
  const schema = await db.prepare("SELECT sql FROM sqlite_master WHERE name = 'my_cache_table'").first();
  assert.match(schema.sql, /"cache_key" varchar\(255\) NOT NULL PRIMARY KEY/);
});

test('real KV culls on a schedule: the cron cleanup deletes expired entries and culls', async (t) => {
  const { mf, api, dispose } = await startWorker({
    vars: {
      EDGECACHE_KV_CULL: 'scheduled',
      EDGECACHE_CACHES: JSON.stringify({
        default: {
          BACKEND: 'django.core.cache.backends.filebased.FileBasedCache',
          LOCATION: 'EDGECACHE_KV',
          OPTIONS: { MAX_ENTRIES: 4, CULL_FREQUENCY: 2 },
        },
      }),
    },
  });
  t.after(dispose);
  for (let i = 0; i < 8; i++) {
    const timeout = i < 2 ? 10 : 300;
    assert.equal((await op(api, 'default', 'set', { args: [`k${i}`, i, timeout] })).status, 200);
  }
  const kv = await mf.getKVNamespace('EDGECACHE_KV');
  // No cull on write: all eight are there.
  assert.equal((await kv.list()).keys.length, 8);
  await api('/api/_test/op', { method: 'POST', body: { op: 'advance', seconds: 11 } });
  const worker = await mf.getWorker();
  await worker.scheduled({ cron: '*/30 * * * *' });
  // Two expired entries deleted; six left >= MAX_ENTRIES 4, so int(6 / 2) = 3 culled.
  assert.equal((await kv.list()).keys.length, 3);
  const r = await api('/api/caches/default/cleanup', { method: 'POST' });
  assert.deepEqual(json(r).result, { expired: 0, culled: 0, remaining: 3 });
});

test("KV's write limits are a RateLimitError (429) that IGNORE_EXCEPTIONS absorbs", async (t) => {
  // A KV namespace answering writes as Workers KV does past its limits.
  const limited = `export default function () {
    return {
      async get() { return null; },
      async getWithMetadata() { return { value: null, metadata: null }; },
      async put() { throw new Error('KV PUT failed: 429 Too Many Requests'); },
      async list() { return { keys: [], list_complete: true }; },
      async delete() {},
    };
  }`;
  const { api, dispose } = await startWorker({
    wrapped: { LIMITED_KV: limited },
    vars: {
      EDGECACHE_CACHES: JSON.stringify({
        default: { BACKEND: 'django.core.cache.backends.filebased.FileBasedCache', LOCATION: 'LIMITED_KV' },
        lenient: {
          BACKEND: 'django.core.cache.backends.filebased.FileBasedCache',
          LOCATION: 'LIMITED_KV',
          OPTIONS: { IGNORE_EXCEPTIONS: true },
        },
      }),
    },
  });
  t.after(dispose);
  let r = await op(api, 'default', 'set', { args: ['k', 1] });
  assert.equal(r.status, 429, r.text);
  assert.equal(json(r).error.type, 'RateLimitError');
  assert.match(json(r).error.message, /Too Many Requests/);
  r = await op(api, 'lenient', 'set', { args: ['k', 1] });
  assert.equal(r.status, 200, r.text);
  assert.equal(json(r).warnings[0].category, 'IgnoredException');
  assert.match(json(r).warnings[0].message, /RateLimitError/);
});
