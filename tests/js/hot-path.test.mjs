// The synchronous get's hot path (`cache.sync.get(strKey)`): the JavaScript layer remembers
// the core's ticket for an entry and the value it decoded, and the core still decides every
// hit. Each test reads a key at least twice (the second read is the ticket's) and then
// changes the store behind the memo in one way Django's locmem would see.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCaches } from 'edgecache';

function setup(options = {}, settings = {}) {
  const clock = { now: 1_700_000_000 };
  const warnings = [];
  const location = `hot${Math.random()}`;
  const caches = createCaches(
    {
      default: { BACKEND: 'locmem', LOCATION: location, ...settings },
      twin: { BACKEND: 'locmem', LOCATION: location, ...settings },
    },
    { clock: () => clock.now, onWarning: (w) => warnings.push(w), ...options },
  );
  return { sync: caches.default.sync, twin: caches.get('twin').sync, clock, warnings };
}

const keys = (sync) => sync.inspect().entries.map((e) => e.key);

test('a rewrite, a delete, incr and clear are seen, also through another alias on the store', () => {
  const { sync, twin } = setup();
  sync.set('k', 'one');
  assert.equal(sync.get('k'), 'one');
  assert.equal(sync.get('k'), 'one');
  sync.set('k', 'two');
  assert.equal(sync.get('k'), 'two');
  assert.equal(sync.get('k'), 'two');
  twin.set('k', 'three');
  assert.equal(sync.get('k'), 'three');
  sync.set('n', 1);
  assert.equal(sync.get('n'), 1);
  sync.incr('n', 5);
  assert.equal(sync.get('n'), 6);
  assert.equal(sync.get('n'), 6);
  twin.delete('k');
  assert.equal(sync.get('k', 'gone'), 'gone');
  sync.set('k', 'back');
  assert.equal(sync.get('k'), 'back');
  sync.clear();
  assert.equal(sync.get('k'), undefined);
  assert.equal(sync.get('n'), undefined);
});

test('expiry is decided by the core on every hit (user clock)', () => {
  const { sync, clock } = setup();
  sync.set('k', 'v', { timeout: 10 });
  assert.equal(sync.get('k'), 'v');
  clock.now += 9;
  assert.equal(sync.get('k'), 'v');
  sync.touch('k', { timeout: 2 });
  clock.now += 1.5;
  assert.equal(sync.get('k'), 'v');
  clock.now += 0.5; // LM-4: expired at expiry <= now
  assert.equal(sync.get('k'), undefined);
  assert.deepEqual(keys(sync), [], 'the expired entry was deleted by the get');
  const stats = sync.inspect().stats;
  assert.deepEqual([stats.hits, stats.misses], [3, 1]);
});

test('expiry is decided by the core on every hit (default clock, read on the JavaScript side)', async () => {
  const caches = createCaches({ default: { BACKEND: 'locmem', LOCATION: `hot${Math.random()}` } });
  const sync = caches.default.sync;
  sync.set('k', 'v', { timeout: 0.5 });
  assert.equal(sync.get('k'), 'v');
  assert.equal(sync.get('k'), 'v');
  await new Promise((resolve) => setTimeout(resolve, 600));
  assert.equal(sync.get('k'), undefined);
  assert.equal(sync.get('k'), undefined);
  const stats = sync.inspect().stats;
  assert.deepEqual([stats.hits, stats.misses], [2, 2]);
});

test('hits through the memo count, promote the entry, and culling drops memoized entries', () => {
  const { sync } = setup({}, { OPTIONS: { MAX_ENTRIES: 3, CULL_FREQUENCY: 3 } });
  for (const k of ['a', 'b', 'c']) sync.set(k, k.toUpperCase());
  for (const k of ['a', 'b', 'c']) assert.equal(sync.get(k), k.toUpperCase());
  assert.equal(sync.get('a'), 'A'); // a memo hit: a becomes the most recent
  assert.deepEqual(keys(sync), [':1:a', ':1:c', ':1:b']);
  sync.set('d', 'D'); // full: culls 3 // 3 = 1 entry, the least recent (b)
  assert.deepEqual(keys(sync), [':1:d', ':1:a', ':1:c']);
  assert.equal(sync.get('b'), undefined);
  assert.equal(sync.get('c'), 'C');
  sync.set('e', 'E'); // culls a (least recent now)
  assert.equal(sync.get('a'), undefined);
  const stats = sync.inspect().stats;
  assert.deepEqual([stats.hits, stats.misses], [5, 2]);
});

test("a key that warns warns on every get, as Django's does", () => {
  const { sync, warnings } = setup();
  sync.set('with space', 'v');
  warnings.length = 0;
  assert.equal(sync.get('with space'), 'v');
  assert.equal(sync.get('with space'), 'v');
  assert.equal(sync.get('with space'), 'v');
  assert.equal(warnings.length, 3);
  assert.equal(warnings[0].category, 'CacheKeyWarning');
});

test('lists and dicts: every get returns a fresh copy', () => {
  const { sync } = setup();
  const value = { id: 7, tags: ['a', { deep: [1] }], ['__proto__']: { own: true } };
  const stored = JSON.parse('{"id":7,"tags":["a",{"deep":[1]}],"__proto__":{"own":true}}');
  sync.set('o', stored);
  const first = sync.get('o');
  first.id = 8;
  first.tags[1].deep.push(2);
  const second = sync.get('o');
  assert.deepEqual(second, stored);
  assert.equal(Object.hasOwn(second, '__proto__'), true);
  assert.equal(Object.getPrototypeOf(second), Object.prototype);
  assert.notEqual(second, sync.get('o'));
  assert.notEqual(second.tags, sync.get('o').tags);
  assert.equal(value.id, 7);
  const nested = [[1, [2, 3]], { a: [{ b: 4 }], e: {}, f: [] }, 'x', null];
  sync.set('n', nested);
  sync.get('n');
  const got = sync.get('n'); // the memo's copy
  got[0][1].push(9);
  got[1].a[0].b = 5;
  got[1].e.g = 1;
  got[1].f.push(1);
  got.push('more');
  assert.deepEqual(sync.get('n'), nested, 'no level of a nested list or dict is shared');
  const bytes = new Uint8Array([1, 2]);
  sync.set('b', bytes);
  const b1 = sync.get('b');
  b1[0] = 9;
  assert.deepEqual(sync.get('b'), bytes, 'a Uint8Array is never shared either');
});
