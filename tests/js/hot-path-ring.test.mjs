// The synchronous get's hits served without calling the core (src/js/hot.rs, docs/npm-hot-path.md):
// while no map changed since a key's ticket was issued and its entry is live, the JavaScript
// layer answers at once and records the hit in a ring the core drains before any other
// operation. Each test makes many such hits and then checks what only a correct drain (LRU
// order, culling, hit counters) or a correct generation/expiry check (the value seen after a
// change) gives. Through both entries, on the default clock (the only one the fast path uses);
// `Date.now` is swapped for a controlled one where a test moves time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCaches } from 'edgecache';
import { createCaches as createMemoryCaches } from 'edgecache/memory';

const keys = (sync) => sync.inspect().entries.map((e) => e.key);
const hits = (sync) => sync.inspect().stats.hits;

function setup(create, settings = {}, options = {}) {
  const location = `ring${Math.random()}`;
  const caches = create(
    {
      default: { BACKEND: 'locmem', LOCATION: location, ...settings },
      twin: { BACKEND: 'locmem', LOCATION: location, ...settings },
    },
    options,
  );
  return { sync: caches.default.sync, twin: caches.get('twin').sync, caches };
}

/** Replaces `Date.now` until the test ends; returns the controlled time (ms). */
function fakeNow(t) {
  const realNow = Date.now;
  const time = { ms: realNow() };
  Date.now = () => time.ms;
  t.after(() => {
    Date.now = realNow;
  });
  return time;
}

for (const [entry, create] of [['edgecache', createCaches], ['edgecache/memory', createMemoryCaches]]) {
  test(`LRU order and hit counters follow the gets served without the core (${entry})`, () => {
    const { sync, twin } = setup(create);
    const names = Array.from({ length: 10 }, (_, i) => `k${i}`);
    for (const k of names) sync.set(k, `v-${k}`);
    for (const k of names) assert.equal(sync.get(k), `v-${k}`); // full gets: tickets
    const order = ['k3', 'k7', 'k1', 'k3', 'k0', 'k9', 'k5', 'k3', 'k2'];
    for (const k of order) assert.equal(sync.get(k), `v-${k}`);
    const expected = [...new Set([...order].reverse())];
    for (const k of [...names].reverse()) if (!expected.includes(k)) expected.push(k);
    assert.deepEqual(keys(twin).map((k) => k.slice(3)), expected, 'the other alias sees the order too');
    assert.equal(hits(sync), names.length + order.length);
    assert.equal(hits(twin), 0, 'the hits are counted on the alias that made them');
  });

  test(`a cull after many fast hits evicts the entry the gets left least recent (${entry})`, () => {
    const { sync } = setup(create, { OPTIONS: { MAX_ENTRIES: 10, CULL_FREQUENCY: 10 } });
    const names = Array.from({ length: 10 }, (_, i) => `k${i}`);
    for (const k of names) sync.set(k, k);
    for (const k of names) sync.get(k); // k0 is now the least recent
    for (let round = 0; round < 20; round += 1) for (const k of names.slice(0, 9)) sync.get(k); // not k9
    sync.set('new', 'n'); // full: culls 10 // 10 = 1 entry, the least recently used
    assert.deepEqual(sync.inspect().lastCull.removed, [':1:k9']);
    assert.equal(sync.get('k9'), undefined);
    assert.equal(sync.get('k0'), 'k0');
  });

  test(`the ring filling up many times loses no hit and keeps the order (${entry})`, () => {
    const { sync } = setup(create);
    const names = Array.from({ length: 7 }, (_, i) => `k${i}`);
    for (const k of names) sync.set(k, { k, list: [1, 2] });
    let gets = 0;
    for (let i = 0; i < 1000; i += 1) {
      const k = names[(i * 3) % names.length];
      assert.deepEqual(sync.get(k), { k, list: [1, 2] });
      gets += 1;
    }
    assert.equal(sync.get('k4').k, 'k4');
    gets += 1;
    assert.equal(hits(sync), gets);
    assert.equal(keys(sync)[0], ':1:k4');
    assert.equal(keys(sync)[1], `:1:${names[(999 * 3) % names.length]}`);
  });

  test(`writes between fast hits are seen, through either alias (${entry})`, () => {
    const { sync, twin } = setup(create);
    const warm = (k) => {
      sync.get(k);
      sync.get(k);
      sync.get(k);
    };
    sync.set('k', 'one');
    warm('k');
    twin.set('k', 'two');
    assert.equal(sync.get('k'), 'two', 'overwrite through another alias');
    warm('k');
    twin.delete('k');
    assert.equal(sync.get('k', 'gone'), 'gone', 'delete');
    sync.set('n', 1);
    warm('n');
    twin.incr('n', 5);
    assert.equal(sync.get('n'), 6, 'incr');
    warm('n');
    twin.touch('n', { timeout: 0 });
    assert.equal(sync.get('n'), undefined, 'touch to a past expiry');
    sync.set('k', 'three');
    warm('k');
    twin.clear();
    assert.equal(sync.get('k'), undefined, 'clear');
    sync.set('k', 'four');
    sync.set('other', 'x');
    warm('k');
    twin.set('unrelated', 'y'); // another key changed: the next hit is checked by the core
    assert.equal(sync.get('k'), 'four');
    assert.equal(sync.get('k'), 'four');
    assert.deepEqual(keys(sync).slice(0, 2), [':1:k', ':1:unrelated']);
  });

  test(`expiry between fast hits: live strictly before the expiry (${entry})`, (t) => {
    const time = fakeNow(t);
    const { sync } = setup(create, {}, { clockResolution: 0 });
    sync.set('k', 'v', { timeout: 10 });
    assert.equal(sync.get('k'), 'v');
    time.ms += 9_999;
    assert.equal(sync.get('k'), 'v');
    assert.equal(sync.get('k'), 'v');
    time.ms += 1; // LM-4: expired at expiry <= now
    assert.equal(sync.get('k'), undefined);
    assert.deepEqual(keys(sync), [], 'the expired entry was deleted by the full get');
    assert.deepEqual([sync.inspect().stats.hits, sync.inspect().stats.misses], [3, 1]);
  });

  test(`hits of two aliases interleaved: each counted on its own alias, in one order (${entry})`, () => {
    const { sync, twin } = setup(create);
    for (const k of ['a', 'b', 'c']) sync.set(k, k);
    for (const k of ['a', 'b', 'c']) assert.equal(twin.get(k), k); // twin's memos
    for (const k of ['a', 'b', 'c']) assert.equal(sync.get(k), k); // sync's memos
    // Fast hits, alternating between the aliases' slots, fewer than a ring holds.
    const order = [[twin, 'a'], [sync, 'c'], [twin, 'b'], [twin, 'b'], [sync, 'a'], [twin, 'c'], [sync, 'b']];
    for (const [alias, k] of order) assert.equal(alias.get(k), k);
    assert.deepEqual(keys(sync), [':1:b', ':1:c', ':1:a']);
    assert.equal(hits(sync), 3 + 3, 'sync: three full gets, three fast hits');
    assert.equal(hits(twin), 3 + 4, 'twin: three full gets, four fast hits');
  });

  test(`an index the map reused after a delete and an insert never takes an old hit (${entry})`, () => {
    const { sync } = setup(create);
    for (const k of ['a', 'b', 'c']) sync.set(k, `${k}1`); // nodes 0, 1, 2
    for (const k of ['a', 'b', 'c']) assert.equal(sync.get(k), `${k}1`); // memos: a@0 b@1 c@2
    sync.delete('a'); // the last node (c) moves into node 0
    sync.set('d', 'd1'); // d takes node 2, c's old index
    // c's memo still names node 2, now d's: the change count voids it, the core's ticket
    // check refuses it, and the full get promotes c itself.
    for (let i = 0; i < 3; i += 1) assert.equal(sync.get('c'), 'c1');
    for (let i = 0; i < 3; i += 1) assert.equal(sync.get('b'), 'b1');
    assert.deepEqual(keys(sync), [':1:b', ':1:c', ':1:d']);
    assert.equal(hits(sync), 3 + 6);
    assert.equal(sync.get('a', 'gone'), 'gone');
  });

  test(`hits made inside getOrSet's function are applied before its add culls (${entry})`, async () => {
    const { sync, caches } = setup(create, { OPTIONS: { MAX_ENTRIES: 2, CULL_FREQUENCY: 2 } });
    sync.set('a', 'A');
    sync.set('b', 'B');
    sync.get('a');
    sync.get('b'); // full gets: b is the most recent
    const read = () => {
      assert.equal(sync.get('a'), 'A'); // served without the core: a becomes the most recent
      assert.equal(sync.get('a'), 'A');
      return 'N';
    };
    assert.equal(sync.getOrSet('n', read), 'N'); // its add culls one of two: the least recent, b
    assert.deepEqual(sync.inspect().lastCull.removed, [':1:b']);
    assert.equal(hits(sync), 2 + 2 + 1, 'two full gets, two in the function, the read-back get');
    // The Promise face, whose function's Promise the core awaits before the add.
    sync.get('a');
    sync.get('n');
    await caches.default.getOrSet('m', async () => {
      await null;
      read();
      return 'M';
    });
    assert.deepEqual(sync.inspect().lastCull.removed, [':1:n']);
    assert.deepEqual(keys(sync), [':1:m', ':1:a']);
  });

  test(`memory growth between fast hits (${entry})`, () => {
    const { sync } = setup(create, { OPTIONS: { MAX_ENTRIES: 10_000 } });
    sync.set('a', 'A');
    sync.set('b', 'B');
    for (let i = 0; i < 5; i += 1) assert.equal(sync.get('a'), 'A');
    sync.set('big', 'x'.repeat(32 * 1024 * 1024)); // grows the wasm memory
    for (let i = 0; i < 300; i += 1) assert.equal(sync.get(i % 2 ? 'a' : 'b'), i % 2 ? 'A' : 'B');
    assert.equal(hits(sync), 5 + 300);
    assert.deepEqual(keys(sync), [':1:a', ':1:b', ':1:big']);
    sync.delete('big');
  });
}

test('hits served without the core are applied before a new handle of the alias reads', () => {
  const { sync, caches } = setup(createCaches);
  sync.set('x', 1);
  sync.set('y', 2);
  sync.get('x');
  sync.get('y');
  sync.get('x');
  sync.get('x');
  assert.deepEqual(caches.get('default').sync.inspect().entries.map((e) => e.key), [':1:x', ':1:y']);
  assert.equal(caches.get('default').sync.inspect().stats.hits, 4);
});

test('hits served without the core are applied before the HTTP layer stores (its cull takes the least recent)', async () => {
  const { sync, caches } = setup(createCaches, { OPTIONS: { MAX_ENTRIES: 2, CULL_FREQUENCY: 2 } });
  sync.set('a', 'A');
  sync.set('b', 'B');
  sync.get('a');
  sync.get('b'); // full gets: b is the most recent
  sync.get('a'); // served without the core: a is now the most recent
  const http = caches.http({ ALLOWED_HOSTS: ['*'] });
  await http.learnCacheKey({ method: 'GET', host: 'example.com', path: '/p/' }, { headers: {} });
  // Storing the header list culls one entry of two (LM-5): the least recently used, b.
  const stored = keys(sync);
  assert.equal(stored.length, 2);
  assert.ok(stored.includes(':1:a'), `a was read last, so it stays: ${stored}`);
  assert.ok(!stored.includes(':1:b'), `b was the least recent, so it goes: ${stored}`);
});

test('hits served without the core are applied before a console session changes its own store', async () => {
  const { createSession } = await import('edgecache');
  const { sync } = setup(createCaches);
  sync.set('x', 1);
  sync.get('x'); // full get: the memo
  const session = createSession({ default: { BACKEND: 'locmem' } });
  for (let i = 0; i < 5; i += 1) assert.equal(sync.get('x'), 1); // recorded in the ring
  await session.runLine('set k v'); // another map changes: the change count moves
  assert.equal(hits(sync), 1 + 5, 'no recorded hit is lost');
  assert.equal(sync.get('x'), 1);
  assert.equal(hits(sync), 1 + 5 + 1);
});
