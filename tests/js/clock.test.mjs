// The default clock and `createCaches(CACHES, { clockResolution })`: by default (1 ms, as
// lru-cache's ttlResolution) a reading is reused until a timer drops it or it has served 64
// operations; with 0 every operation reads the clock (as Django reads time.time()). Timers only run between synchronous runs of JavaScript, so
// a synchronous wait past an entry's expiry shows which reading an operation used, and an
// awaited timer shows the refresh: no assertion depends on how long anything took.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createCaches } from 'edgecache';
import { createCaches as createMemoryCaches } from 'edgecache/memory';

const settings = () => ({ default: { BACKEND: 'locmem', LOCATION: `clock${Math.random()}` } });

/** Spins, without yielding to timers, until `ms` milliseconds of `Date.now()` have passed. */
function spin(ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy: no timer can run here
  }
}

for (const [name, create] of [['edgecache', createCaches], ['edgecache/memory', createMemoryCaches]]) {
  test(`clockResolution: 0 reads the default clock on every operation (${name})`, () => {
    const sync = create(settings(), { clockResolution: 0 }).default.sync;
    sync.set('k', 'v', { timeout: 0.05 });
    assert.equal(sync.get('k'), 'v');
    assert.equal(sync.get('k'), 'v'); // the memoized hot path
    spin(100);
    assert.equal(sync.get('k'), undefined, 'expired within one synchronous run');
    assert.equal(sync.add('k', 'again', { timeout: 0.05 }), true);
    spin(100);
    assert.equal(sync.add('k', 'third'), true, 'add read the clock too');
    assert.deepEqual([sync.inspect().stats.hits, sync.inspect().stats.misses], [2, 1]);
  });

  test(`the default clock keeps one reading within a synchronous run (${name})`, async () => {
    await new Promise((resolve) => setTimeout(resolve, 2)); // no reading kept from before
    const sync = create(settings()).default.sync;
    sync.set('k', 'v', { timeout: 0.05 }); // reads the clock and starts the 1 ms timer
    assert.equal(sync.get('k'), 'v');
    spin(100); // past the entry's expiry, but the timer cannot run yet
    assert.equal(sync.get('k'), 'v', 'the memoized hot path used the kept reading');
    assert.equal(sync.get('k', undefined, { version: 1 }), 'v', 'so did the full get');
    await new Promise((resolve) => setTimeout(resolve, 2));
    assert.equal(sync.get('k'), undefined, 'the timer dropped the reading');
  });

  test(`a kept reading serves at most 64 operations; 0 reads every time (${name})`, (t) => {
    let now = Date.now();
    let reads = 0;
    const realNow = Date.now;
    Date.now = () => {
      reads += 1;
      return now;
    };
    t.after(() => {
      Date.now = realNow;
    });
    const sync = create(settings()).default.sync;
    sync.set('k', 'v', { timeout: 10 });
    assert.equal(sync.get('k'), 'v');
    now += 20_000; // the entry expired: only a fresh reading shows it
    let served = 0;
    while (sync.get('k') === 'v') {
      served += 1;
      if (served > 1000) break;
    }
    assert.ok(served < 64, `the kept reading served ${served} more gets`);
    sync.set('j', 'w', { timeout: 10 });
    reads = 0;
    for (let i = 0; i < 640; i += 1) assert.equal(sync.get('j'), 'w');
    assert.ok(reads >= 10 && reads <= 11, `640 gets read Date.now() ${reads} times`);

    const exact = create(settings(), { clockResolution: 0 }).default.sync;
    exact.set('j', 'w', { timeout: 10 });
    exact.get('j');
    reads = 0;
    for (let i = 0; i < 100; i += 1) assert.equal(exact.get('j'), 'w');
    assert.equal(reads, 100);
  });
}

test('clockResolution reuses one reading for every operation until its timer drops it', async () => {
  const sync = createCaches(settings(), { clockResolution: 20 }).default.sync;
  sync.set('k', 'v', { timeout: 0.05 }); // reads the clock and starts the 20 ms timer
  assert.equal(sync.get('k'), 'v');
  spin(100); // past the entry's expiry and the timer's, but the timer cannot run yet
  assert.equal(sync.get('k'), 'v', 'the memoized hot path used the kept reading');
  assert.equal(sync.get('k', undefined, { version: 1 }), 'v', 'so did the full get');
  assert.equal(sync.add('k', 'other'), false, 'add sees the entry alive at the same reading');
  assert.equal(sync.touch('k', { timeout: 0.05 }), true);
  const [entry] = sync.inspect().entries;
  assert.ok(Math.abs(entry.ttl - 0.05) < 1e-6, `touch and inspect share the reading (ttl ${entry.ttl})`);

  await new Promise((resolve) => setTimeout(resolve, 25)); // the 20 ms timer has run
  assert.equal(sync.get('k'), undefined, 'a fresh reading: the entry expired');
  sync.set('j', 'w', { timeout: 0.05 });
  spin(100);
  assert.equal(sync.get('j'), 'w', 'the new reading is kept again');
  await new Promise((resolve) => setTimeout(resolve, 25));
  assert.equal(sync.get('j'), undefined);
  const stats = sync.inspect().stats;
  assert.deepEqual([stats.hits, stats.misses], [4, 2]);
});

test('clockResolution applies to the Promise API and every alias of the caches', async () => {
  const caches = createCaches(
    {
      default: { BACKEND: 'locmem', LOCATION: `a${Math.random()}` },
      other: { BACKEND: 'locmem', LOCATION: `b${Math.random()}` },
    },
    { clockResolution: 20 },
  );
  const other = caches.get('other').sync;
  other.set('o', 1, { timeout: 0.05 });
  caches.default.sync.set('d', 2, { timeout: 0.05 });
  spin(100);
  assert.equal(other.get('o'), 1);
  assert.equal(await caches.default.get('d'), 2);
  await new Promise((resolve) => setTimeout(resolve, 25));
  assert.equal(await caches.default.get('d'), undefined);
  assert.equal(other.get('o'), undefined);
});

test('a bad clockResolution is a TypeError naming the option and the value', () => {
  for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '5', 5n]) {
    assert.throws(
      () => createCaches(settings(), { clockResolution: bad }),
      (error) =>
        error instanceof TypeError && error.message.includes('clockResolution') && error.message.includes(String(bad)),
      String(bad),
    );
  }
  assert.throws(
    () => createCaches(settings(), { clock: () => 1_700_000_000, clockResolution: 1 }),
    (error) => error instanceof TypeError && /default clock only/.test(error.message),
  );
  const sync = createCaches(settings(), { clock: () => 1_700_000_000, clockResolution: 0 }).default.sync;
  sync.set('k', 'v');
  assert.equal(sync.get('k'), 'v');
});

test("clockResolution's timer does not keep Node running", () => {
  // With a 10-minute resolution, a pending timer that kept the event loop alive would hold
  // this child until the 20 s kill; it prints and exits at once instead.
  const code = `
    import { createCaches } from 'edgecache';
import { createCaches as createMemoryCaches } from 'edgecache/memory';
    const sync = createCaches({ default: { BACKEND: 'locmem' } }, { clockResolution: 600000 }).default.sync;
    sync.set('k', 'v');
    console.log(sync.get('k'));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: new URL('../..', import.meta.url),
    timeout: 20_000,
    encoding: 'utf8',
  });
  assert.equal(out.trim(), 'v');
});
