// The edgecache component from JavaScript: jco's transpiled output (`npm run transpile`), on the
// hand-driven clock of ./clock.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, extras } from './gen/edgecache.js';
import { encode, decode } from './value.js';
import { advance } from './clock.js';

const SETTINGS = "{'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache', 'TIMEOUT': 60, 'OPTIONS': {'MAX_ENTRIES': 3, 'CULL_FREQUENCY': 3}}}";
const DEFAULTS = { timeout: { tag: 'default' }, version: undefined };

// Runs `call`, expecting jco's ComponentError carrying the WIT error `tag`; returns its payload.
function raises(call, tag) {
  let payload;
  assert.throws(call, (error) => {
    payload = error.payload;
    return payload?.tag === tag;
  });
  return payload;
}

const open = (settings, alias = 'default') => api.Caches.parse(settings).cache(alias);

test('set, get and expiry on the host clock', () => {
  const cache = open(SETTINGS);
  assert.equal(cache.backend(), 'locmem');
  const value = [1, 2.5, { tuple: ['a', true] }, new Map([['k', null]]), 2n ** 100n, new Uint8Array([0, 255])];
  assert.equal(cache.store('set', encode('greeting'), encode(value), { timeout: { tag: 'seconds', val: 30 }, version: undefined }), true);
  const got = cache.get(encode('greeting'), DEFAULTS);
  assert.equal(got.tag, 'encoded');
  assert.deepEqual(decode(got), value);
  assert.deepEqual(cache.makeKey(encode('greeting'), undefined, false), { tag: 'str', val: ':1:greeting' });
  advance(30);
  assert.equal(cache.get(encode('greeting'), DEFAULTS), undefined);
  // A stored None is some(none), a miss is undefined.
  cache.store('set', encode('nothing'), encode(null), DEFAULTS);
  assert.deepEqual(cache.get(encode('nothing'), DEFAULTS), { tag: 'none' });
});

test('incr and Django errors', () => {
  const cache = open(SETTINGS);
  cache.store('set', encode('n'), encode(41), DEFAULTS);
  assert.equal(decode(cache.callValue('incr', encode('n'), encode(1), DEFAULTS)), 42);
  const missing = raises(() => cache.callValue('incr', encode('missing'), encode(1), DEFAULTS), 'value-error');
  assert.equal(missing.val, "Key ':1:missing' not found");
  raises(() => cache.callValue('incr', encode('n'), encode('x'), DEFAULTS), 'type-error');
  assert.equal(cache.store('add', encode('n'), encode(0), DEFAULTS), false);
  assert.equal(cache.callBool('has-key', encode('n'), DEFAULTS), true);
  assert.equal(cache.callBool('delete', encode('n'), DEFAULTS), true);
  assert.equal(cache.callBool('has-key', encode('n'), DEFAULTS), false);
});

test('the many-key methods', () => {
  const cache = open(SETTINGS);
  assert.deepEqual(cache.setMany([[encode('a'), encode(1)], [encode('b'), encode([2])]], false, DEFAULTS), []);
  const found = cache.callMany('get-many', [encode('a'), encode('b'), encode('c')], DEFAULTS);
  assert.deepEqual(found.map(([k, v]) => [decode(k), decode(v)]), [['a', 1], ['b', [2]]]);
  assert.deepEqual(cache.callMany('delete-many', [encode('a')], DEFAULTS), []);
  assert.equal(cache.get(encode('a'), DEFAULTS), undefined);
});

test('key warnings are taken after the call', () => {
  const cache = open(SETTINGS);
  cache.store('set', encode('with space'), encode(1), DEFAULTS);
  const warnings = cache.takeWarnings();
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0].category, 'CacheKeyWarning');
  assert.match(warnings[0].message, /with space/);
  assert.deepEqual(cache.takeWarnings(), []);
});

test('inspect shows LRU order, expiry and the last cull', () => {
  const cache = open(SETTINGS);
  for (const key of ['a', 'b', 'c']) cache.store('set', encode(key), encode(key), DEFAULTS);
  cache.get(encode('a'), DEFAULTS);
  cache.store('set', encode('d'), encode('d'), DEFAULTS); // 3 >= MAX_ENTRIES: 3 // 3 = 1 culled
  const inspection = cache.inspect('full');
  assert.equal(inspection.order, 'most-recently-used-first');
  assert.deepEqual(inspection.entries.map((e) => e.key), [':1:d', ':1:a', ':1:c']);
  assert.equal(inspection.entries[0].expiresAt - inspection.now, 60);
  assert.deepEqual(inspection.lastCull.removed, [':1:b']);
  assert.equal(inspection.lastCull.reason.tag, 'least-recently-used');
  assert.equal(inspection.stats.culled, 1n);
});

test('bad settings and malformed values are typed errors, not traps', () => {
  assert.throws(() => api.Caches.parse('{'), (error) => typeof error.payload?.message === 'string' && 'line' in error.payload);
  raises(() => api.Caches.parse(SETTINGS).cache('nope'), 'invalid-cache-backend-error');
  const cache = open(SETTINGS);
  for (const bad of [[], [9], [6, 5, 0], [4, 1, 0xff]]) {
    const error = raises(() => cache.store('set', encode('k'), { tag: 'encoded', val: Uint8Array.from(bad) }, DEFAULTS), 'value-error');
    assert.match(error.val, /^malformed value: /);
  }
  // The instance still works afterwards.
  cache.store('set', encode('k'), encode('fine'), DEFAULTS);
  assert.equal(decode(cache.get(encode('k'), DEFAULTS)), 'fine');
});

test('aliases naming one LOCATION share a store', () => {
  const caches = api.Caches.parse(JSON.stringify({
    default: { BACKEND: 'locmem', LOCATION: 'shared' },
    other: { BACKEND: 'locmem', LOCATION: 'shared', KEY_PREFIX: '' },
  }));
  assert.deepEqual(caches.aliases(), ['default', 'other']);
  caches.cache('default').store('set', encode('k'), encode(1), DEFAULTS);
  assert.equal(decode(caches.cache('other').get(encode('k'), DEFAULTS)), 1);
});

test('statsReport counts get-or-set computations; TIMEOUT_JITTER applies', () => {
  const settings = "{'default': {'BACKEND': 'locmem', 'TIMEOUT': 100, 'OPTIONS': {'TIMEOUT_JITTER': 0.5, 'JITTER_SEED': 3}}}";
  const cache = open(settings);
  for (let i = 0; i < 2; i++) cache.callValue('get-or-set', encode('k'), encode(i), DEFAULTS);
  const report = extras.statsReport(cache);
  assert.equal(report.backend, 'locmem');
  assert.equal(report.stampede.computed, 1n);
  assert.equal(report.counters.hits, 2n); // the second call, and the first one's read-back
  assert.equal(report.latencyCount, 0n);
  const inspection = cache.inspect('full');
  const ttl = inspection.entries[0].expiresAt - inspection.now;
  assert.ok(ttl >= 50 && ttl < 100, String(ttl));
  assert.throws(
    () => api.Caches.parse("{'default': {'BACKEND': 'locmem', 'OPTIONS': {'STALE_GRACE': -1}}}"),
    (error) => error.payload?.field !== undefined,
  );
});
