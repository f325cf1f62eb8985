// The in-memory component (world `edgecache-memory`: `--profile wasm --no-default-features
// --features component`) from JavaScript: the cache API alone, on jco's transpiled output
// (`npm run transpile:memory`, into gen-memory/) and the hand-driven clock of ./clock.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as memory from './gen-memory/edgecache.js';
import { encode, decode } from './value.js';
import { advance } from './clock.js';

const DEFAULTS = { timeout: { tag: 'default' }, version: undefined };

test('the in-memory build exports the cache API alone', () => {
  const names = Object.keys(memory);
  assert.ok(names.includes('api'), String(names));
  for (const absent of ['extras', 'http']) assert.ok(!names.includes(absent), `${absent} in ${names}`);
});

test('values, expiry, incr, warnings and inspect through the in-memory build', () => {
  const { api } = memory;
  const cache = api.Caches.parse("{'default': {'BACKEND': 'locmem', 'TIMEOUT': 10}}").cache('default');
  const value = new Map([['list', [1, 2.5, null]], [{ tuple: [true, 'x'] }, new Uint8Array([7])], ['big', -(2n ** 90n)]]);
  cache.store('set', encode('k'), encode(value), DEFAULTS);
  assert.deepEqual(decode(cache.get(encode('k'), DEFAULTS)), value);
  assert.equal(cache.inspect('full').entries[0].expiresAt - cache.inspect('count').now, 10);
  advance(10);
  assert.equal(cache.get(encode('k'), DEFAULTS), undefined);
  cache.store('set', encode('n'), encode(1), DEFAULTS);
  assert.equal(decode(cache.callValue('incr', encode('n'), encode(2), DEFAULTS)), 3);
  cache.callBool('has-key', encode('bad key'), DEFAULTS);
  assert.equal(cache.takeWarnings()[0].category, 'CacheKeyWarning');
  assert.throws(
    () => api.Caches.parse("{'default': {'BACKEND': 'redis'}}").cache('default'),
    (error) => error.payload?.tag === 'invalid-cache-backend-error',
  );
});
