// django-redis's extras on the component (locmem, emulated): ttl/expire/persist on the host
// clock, iter-keys/delete-pattern, locks and incr with ignore_key_check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api } from './gen/edgecache.js';
import { advance } from './clock.js';

const SETTINGS = "{'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache', 'LOCATION': 'extras', 'TIMEOUT': 60}}";
const DEFAULTS = { timeout: { tag: 'default' }, version: undefined };
const seconds = (val) => ({ timeout: { tag: 'seconds', val }, version: undefined });

// Strings, ints and None as WIT node lists (one node each), and back.
const str = (val) => [{ tag: 'str', val }];
const int = (val) => [{ tag: 'int', val: BigInt(val) }];
function plain(nodes) {
  const node = nodes[nodes.length - 1];
  if (node.tag === 'none') return null;
  if (node.tag === 'int') return Number(node.val);
  return node.val;
}

function ok([result]) {
  assert.equal(result.tag, 'ok', result.tag === 'err' ? JSON.stringify(result.val) : '');
  return result.val;
}

test('ttl, expire and persist follow Redis on the host clock', () => {
  const cache = api.Cache.open(SETTINGS, 'default');
  assert.equal(plain(ok(cache.ttl(str('missing'), DEFAULTS))), 0);
  ok(cache.set(str('a'), int(1), seconds(100)));
  assert.equal(plain(ok(cache.ttl(str('a'), DEFAULTS))), 100);
  assert.equal(plain(ok(cache.pttl(str('a'), DEFAULTS))), 100_000);
  assert.equal(ok(cache.expire(str('a'), 10n, DEFAULTS)), true);
  advance(4);
  assert.equal(plain(ok(cache.ttl(str('a'), DEFAULTS))), 6);
  assert.equal(ok(cache.persist(str('a'), DEFAULTS)), true);
  assert.equal(plain(ok(cache.ttl(str('a'), DEFAULTS))), null);
  assert.equal(ok(cache.persist(str('a'), DEFAULTS)), false);
  assert.equal(ok(cache.pexpire(str('a'), 0n, DEFAULTS)), true);
  assert.equal(ok(cache.get(str('a'), DEFAULTS)), undefined);
  assert.equal(ok(cache.expireAt(str('a'), 0n, DEFAULTS)), false, 'gone');
});

test('iter-keys, delete-pattern, locks, incr-ignore-key-check', () => {
  const cache = api.Cache.open(SETTINGS, 'default');
  for (const key of ['user:1', 'user:2', 'other']) ok(cache.set(str(key), int(1), DEFAULTS));
  assert.deepEqual(ok(cache.iterKeys('user:*', DEFAULTS)).map(plain).sort(), ['user:1', 'user:2']);
  assert.equal(ok(cache.deletePattern('user:*', DEFAULTS)), 2n);
  assert.deepEqual(ok(cache.iterKeys('user:*', DEFAULTS)), []);
  assert.equal(ok(cache.lockAcquire(str('job'), 't1', 1000n, DEFAULTS)), true);
  assert.equal(ok(cache.lockAcquire(str('job'), 't2', 1000n, DEFAULTS)), false);
  assert.equal(ok(cache.lockRelease(str('job'), 't2', DEFAULTS)), false);
  advance(1);
  assert.equal(ok(cache.lockAcquire(str('job'), 't2', undefined, DEFAULTS)), true, 't1 expired');
  assert.equal(ok(cache.lockRelease(str('job'), 't2', DEFAULTS)), true);
  const [missing] = cache.incr(str('n'), int(1), DEFAULTS);
  assert.equal(missing.tag, 'err');
  assert.equal(plain(ok(cache.incrIgnoreKeyCheck(str('n'), int(5), DEFAULTS))), 5);
  assert.equal(plain(ok(cache.ttl(str('n'), DEFAULTS))), null);
});
