// django-redis's extras on the component (locmem, emulated): ttl/expire/persist on the host
// clock, iter-keys/delete-pattern, locks and incr with ignore_key_check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, extras } from './gen/edgecache.js';
import { encode, decode } from './value.js';
import { advance } from './clock.js';

const SETTINGS = "{'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache', 'LOCATION': 'extras', 'TIMEOUT': 60}}";
const DEFAULTS = { timeout: { tag: 'default' }, version: undefined };
const seconds = (val) => ({ timeout: { tag: 'seconds', val }, version: undefined });

const str = encode;
const int = (n) => encode(BigInt(n));
const plain = decode;
const open = () => api.Caches.parse(SETTINGS).cache('default');

test('ttl, expire and persist follow Redis on the host clock', () => {
  const cache = open();
  assert.equal(plain(extras.ttl(cache, str('missing'), DEFAULTS)), 0);
  cache.store('set', str('a'), int(1), seconds(100));
  assert.equal(plain(extras.ttl(cache, str('a'), DEFAULTS)), 100);
  assert.equal(plain(extras.pttl(cache, str('a'), DEFAULTS)), 100_000);
  assert.equal(extras.expire(cache, str('a'), 10n, DEFAULTS), true);
  advance(4);
  assert.equal(plain(extras.ttl(cache, str('a'), DEFAULTS)), 6);
  assert.equal(extras.persist(cache, str('a'), DEFAULTS), true);
  assert.equal(plain(extras.ttl(cache, str('a'), DEFAULTS)), null);
  assert.equal(extras.persist(cache, str('a'), DEFAULTS), false);
  assert.equal(extras.pexpire(cache, str('a'), 0n, DEFAULTS), true);
  assert.equal(cache.get(str('a'), DEFAULTS), undefined);
  assert.equal(extras.expireAt(cache, str('a'), 0n, DEFAULTS), false, 'gone');
});

test('iter-keys, delete-pattern, locks, incr-ignore-key-check', () => {
  const cache = open();
  for (const key of ['user:1', 'user:2', 'other']) cache.store('set', str(key), int(1), DEFAULTS);
  assert.deepEqual(extras.iterKeys(cache, 'user:*', DEFAULTS).map(plain).sort(), ['user:1', 'user:2']);
  assert.equal(extras.deletePattern(cache, 'user:*', DEFAULTS), 2n);
  assert.deepEqual(extras.iterKeys(cache, 'user:*', DEFAULTS), []);
  assert.equal(extras.lockAcquire(cache, str('job'), 't1', 1000n, DEFAULTS), true);
  assert.equal(extras.lockAcquire(cache, str('job'), 't2', 1000n, DEFAULTS), false);
  assert.equal(extras.lockRelease(cache, str('job'), 't2', DEFAULTS), false);
  advance(1);
  assert.equal(extras.lockAcquire(cache, str('job'), 't2', undefined, DEFAULTS), true, 't1 expired');
  assert.equal(extras.lockRelease(cache, str('job'), 't2', DEFAULTS), true);
  assert.throws(() => cache.callValue('incr', str('n'), int(1), DEFAULTS), (error) => error.payload?.tag === 'value-error');
  assert.equal(plain(extras.incrIgnoreKeyCheck(cache, str('n'), int(5), DEFAULTS)), 5);
  assert.equal(plain(extras.ttl(cache, str('n'), DEFAULTS)), null);
});
