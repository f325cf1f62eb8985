// The edgecache component from JavaScript: jco's transpiled output (`npm run transpile`), on the
// hand-driven clock of ./clock.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api } from './gen/edgecache.js';
import { advance } from './clock.js';

const SETTINGS = "{'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache', 'TIMEOUT': 60, 'OPTIONS': {'MAX_ENTRIES': 3, 'CULL_FREQUENCY': 3}}}";
const DEFAULTS = { timeout: { tag: 'default' }, version: undefined };

// A JS value as the WIT node list (children first, the root last): numbers with a fraction are
// floats, other numbers ints; arrays are lists, `{tuple: [...]}` tuples, Maps dicts.
function encode(value, nodes = []) {
  let node;
  if (value === null) node = { tag: 'none' };
  else if (typeof value === 'boolean') node = { tag: 'boolean', val: value };
  else if (typeof value === 'bigint') node = { tag: 'int', val: value };
  else if (typeof value === 'number') {
    node = Number.isInteger(value) ? { tag: 'int', val: BigInt(value) } : { tag: 'float', val: value };
  } else if (typeof value === 'string') node = { tag: 'str', val: value };
  else if (value instanceof Uint8Array) node = { tag: 'bytes', val: value };
  else if (Array.isArray(value)) node = { tag: 'list', val: value.map((item) => index(encode(item, nodes))) };
  else if (value.tuple) node = { tag: 'tuple', val: value.tuple.map((item) => index(encode(item, nodes))) };
  else if (value instanceof Map) {
    node = { tag: 'dict', val: [...value].map(([k, v]) => [index(encode(k, nodes)), index(encode(v, nodes))]) };
  } else throw new TypeError(`cannot encode ${value}`);
  nodes.push(node);
  return nodes;
}
const index = (nodes) => nodes.length - 1;

// The node list back to a JS value (the same conventions).
function decode(nodes) {
  const built = [];
  for (const node of nodes) {
    switch (node.tag) {
      case 'none': built.push(null); break;
      case 'int': built.push(Number(node.val)); break;
      case 'list': built.push(Array.from(node.val, (i) => built[i])); break; // a Uint32Array
      case 'tuple': built.push({ tuple: Array.from(node.val, (i) => built[i]) }); break;
      case 'dict': built.push(new Map(node.val.map(([k, v]) => [built[k], built[v]]))); break;
      default: built.push(node.val);
    }
  }
  return built[built.length - 1];
}

// Unwraps `[result, warnings]`.
function ok([result, warnings]) {
  assert.equal(result.tag, 'ok', result.tag === 'err' ? JSON.stringify(result.val) : '');
  return { val: result.val, warnings };
}

test('set, get and expiry on the host clock', () => {
  const cache = api.Cache.open(SETTINGS, 'default');
  assert.equal(cache.backend(), 'locmem');
  ok(cache.set(encode('greeting'), encode([1, 2.5, { tuple: ['a', true] }, new Map([['k', null]])]), { timeout: { tag: 'seconds', val: 30 }, version: undefined }));
  const got = ok(cache.get(encode('greeting'), DEFAULTS)).val;
  assert.deepEqual(decode(got), [1, 2.5, { tuple: ['a', true] }, new Map([['k', null]])]);
  assert.deepEqual(decode(cache.makeKey(encode('greeting'), undefined)), ':1:greeting');
  advance(30);
  assert.equal(ok(cache.get(encode('greeting'), DEFAULTS)).val, undefined);
});

test('incr and Django errors', () => {
  const cache = api.Cache.open(SETTINGS, 'default');
  ok(cache.set(encode('n'), encode(41), DEFAULTS));
  assert.equal(decode(ok(cache.incr(encode('n'), encode(1), DEFAULTS)).val), 42);
  const [result] = cache.incr(encode('missing'), encode(1), DEFAULTS);
  assert.deepEqual(result, { tag: 'err', val: { tag: 'value-error', val: "Key ':1:missing' not found" } });
  const [typeError] = cache.incr(encode('n'), encode('x'), DEFAULTS);
  assert.equal(typeError.val.tag, 'type-error');
});

test('key warnings come back with the result', () => {
  const cache = api.Cache.open(SETTINGS, 'default');
  const { warnings } = ok(cache.set(encode('with space'), encode(1), DEFAULTS));
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0].category, 'CacheKeyWarning');
  assert.match(warnings[0].message, /with space/);
});

test('inspect shows LRU order, time to live and the last cull', () => {
  const cache = api.Cache.open(SETTINGS, 'default');
  for (const key of ['a', 'b', 'c']) ok(cache.set(encode(key), encode(key), DEFAULTS));
  ok(cache.get(encode('a'), DEFAULTS));
  ok(cache.set(encode('d'), encode('d'), DEFAULTS)); // 3 >= MAX_ENTRIES: 3 // 3 = 1 culled
  const inspection = cache.inspect('full');
  assert.equal(inspection.order, 'most-recently-used-first');
  assert.deepEqual(inspection.entries.map((e) => e.key), [':1:d', ':1:a', ':1:c']);
  assert.equal(inspection.entries[0].timeToLive, 60);
  assert.deepEqual(inspection.lastCull.removed, [':1:b']);
  assert.equal(inspection.lastCull.reason.tag, 'least-recently-used');
  assert.equal(inspection.stats.culled, 1n);
});

test('bad settings and malformed values are typed errors, not traps', () => {
  assert.throws(() => api.Caches.parse('{'), (error) => error.payload?.tag === 'settings');
  assert.throws(() => api.Cache.open(SETTINGS, 'nope'), (error) => error.payload?.tag === 'invalid-cache-backend-error');
  const cache = api.Cache.open(SETTINGS, 'default');
  for (const bad of [[], [{ tag: 'list', val: [0] }], [{ tag: 'none' }, { tag: 'tuple', val: [0, 0] }]]) {
    const [result] = cache.set(encode('k'), bad, DEFAULTS);
    assert.equal(result.tag, 'err');
    assert.equal(result.val.tag, 'value-error');
  }
  // The instance still works afterwards.
  ok(cache.set(encode('k'), encode('fine'), DEFAULTS));
});

test('aliases naming one LOCATION share a store', () => {
  const caches = api.Caches.parse(JSON.stringify({
    default: { BACKEND: 'locmem', LOCATION: 'shared' },
    other: { BACKEND: 'locmem', LOCATION: 'shared', KEY_PREFIX: '' },
  }));
  assert.deepEqual(caches.aliases(), ['default', 'other']);
  ok(caches.cache('default').set(encode('k'), encode(1), DEFAULTS));
  assert.equal(decode(ok(caches.cache('other').get(encode('k'), DEFAULTS)).val), 1);
});

test('statsReport counts get-or-set computations; TIMEOUT_JITTER applies', () => {
  const settings = "{'default': {'BACKEND': 'locmem', 'TIMEOUT': 100, 'OPTIONS': {'TIMEOUT_JITTER': 0.5, 'JITTER_SEED': 3}}}";
  const cache = api.Cache.open(settings, 'default');
  for (let i = 0; i < 2; i++) ok(cache.getOrSet(encode('k'), encode(i), DEFAULTS));
  const report = cache.statsReport();
  assert.equal(report.backend, 'locmem');
  assert.equal(report.stampede.computed, 1n);
  assert.equal(report.counters.hits, 2n); // the second call, and the first one's read-back
  assert.equal(report.latencyCount, 0n);
  const ttl = cache.inspect('full').entries[0].timeToLive;
  assert.ok(ttl >= 50 && ttl < 100, String(ttl));
  assert.throws(
    () => api.Cache.open("{'default': {'BACKEND': 'locmem', 'OPTIONS': {'STALE_GRACE': -1}}}", 'default'),
    (error) => error.payload?.tag === 'settings',
  );
});
