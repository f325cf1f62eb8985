// The checks of tests/js/hot-path-copy.test.mjs on the copies `sync.get` returns for lists and
// dicts, as one function of an entry's `createCaches`: that test runs them in its own process
// (copiers compiled with `new Function`) and in child processes started with
// `--disallow-code-generation-from-strings` (where `new Function` throws `EvalError`, as in
// Cloudflare Workers and pages with a Content-Security-Policy, and the copy follows a plan).
import assert from 'node:assert/strict';

// Reads of each key: the first is the full get, the next ones answer from the memo, first
// copied along the value's plan, then (after 64 hits) with the copier compiled for its shape.
const READS = 100;

/**
 * Reads `key` READS times; `check` sees each result in turn (and may change it) before the
 * next read, so a result sharing any list or dict with the memo shows in the next one.
 */
function reads(sync, key, check) {
  for (let i = 0; i < READS; i++) check(sync.get(key), i);
}

/**
 * Every get of a list or dict is a fresh deep copy equal to what was stored, whatever its
 * keys are, and no level of it is shared with the memo or with another get.
 */
export function checkCopies(createCaches) {
  const caches = createCaches({ default: { BACKEND: 'locmem', LOCATION: `copies${Math.random()}` } });
  const sync = caches.default.sync;

  // Mutation isolation, every level of nested lists and dicts, on the memo's copies.
  const nested = { a: [1, [2, [3, { b: 'c' }]]], d: { e: { f: [] } }, g: [], h: {} };
  sync.set('nested', nested);
  reads(sync, 'nested', (got) => {
    assert.deepEqual(got, nested);
    got.a[1][1][1].b = 'changed';
    got.a[1][1].push('more');
    got.a.pop();
    got.d.e.f.push(1);
    got.d.e.new = 1;
    got.g.push(1);
    got.h.x = 1;
    got.added = true;
  });
  assert.deepEqual(sync.get('nested'), nested, 'no change to a copy reaches the cache');
  const [one, two] = [sync.get('nested'), sync.get('nested')];
  assert.notEqual(one, two);
  assert.notEqual(one.a[1][1], two.a[1][1]);
  assert.notEqual(one.d.e.f, two.d.e.f);

  // A list at the top, with dicts in it.
  const list = [{ id: 1 }, { id: 2, tags: ['x'] }, null, 'y', 3.5, true];
  sync.set('list', list);
  reads(sync, 'list', (got) => {
    assert.deepEqual(got, list);
    got[1].tags.push('z');
    got[0].id = 9;
    got.length = 0;
  });
  assert.deepEqual(sync.get('list'), list);

  // `__proto__`, `constructor` and other Object.prototype names are own keys of the copy;
  // no copy gets another prototype.
  const text = '{"__proto__":{"polluted":true,"__proto__":[1]},"constructor":{"name":"x"},"toString":"s","hasOwnProperty":1,"inner":{"__proto__":null}}';
  sync.set('proto', JSON.parse(text));
  reads(sync, 'proto', (got) => {
    assert.equal(JSON.stringify(got), text);
    assert.equal(Object.getPrototypeOf(got), Object.prototype);
    assert.equal(Object.hasOwn(got, '__proto__'), true);
    assert.equal(Object.getPrototypeOf(got.__proto__), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptor(got.__proto__, '__proto__').value, [1]);
    assert.equal(Object.hasOwn(got.inner, '__proto__'), true);
    assert.equal(Object.getPrototypeOf(got.inner), Object.prototype);
    assert.equal(got.polluted, undefined);
    assert.equal({}.polluted, undefined);
    got.__proto__.polluted = false;
    got.constructor.name = 'y';
    got.inner.__proto__ = 'z';
  });
  assert.equal(JSON.stringify(sync.get('proto')), text);

  // Keys that look like numbers: the copy's key order is the stored dict's as JavaScript
  // orders it (integer-like keys first, ascending, then the others as inserted).
  const numeric = JSON.parse('{"b":1,"10":2,"2":3,"-1":4,"01":5,"1.5":6,"4294967295":7,"0":8,"a":{"3":1,"x":2,"1":3}}');
  sync.set('numeric', numeric);
  reads(sync, 'numeric', (got) => {
    assert.deepEqual(Object.keys(got), Object.keys(numeric));
    assert.deepEqual(Object.keys(got.a), ['1', '3', 'x']);
    assert.equal(JSON.stringify(got), JSON.stringify(numeric));
    got['10'] = 'changed';
  });

  // Keys and strings JSON escapes, and numbers that look alike.
  const odd = { 'a"b': 1, 'c\\d': 2, "e'f": 3, '\u2028': 4, '${x}': 5, '': 6, 'new\nline': [-0.5, 1.5e-7, 2 ** 52, 0.1] };
  sync.set('odd', odd);
  reads(sync, 'odd', (got) => {
    assert.deepEqual(got, odd);
    got['new\nline'].push(1);
  });

  // Values of the same shape share how they are copied, never what: each key gets its own.
  for (let i = 0; i < 5; i++) sync.set(`shape${i}`, { id: i, name: `n${i}`, tags: [String(i)] });
  for (let i = 0; i < 5; i++) {
    reads(sync, `shape${i}`, (got) => assert.deepEqual(got, { id: i, name: `n${i}`, tags: [String(i)] }));
  }

  // A key whose value changes shape between sets: each get copies the value now stored.
  const shapes = [{ a: 1 }, { a: 1, b: [2] }, [{ a: 1 }], { b: [2], a: 1 }, 'text', { a: { b: {} } }, [], {}];
  for (const value of shapes) {
    sync.set('changing', value);
    reads(sync, 'changing', (got) => {
      assert.deepEqual(got, value);
      if (typeof value === 'object') assert.deepEqual(Object.keys(got), Object.keys(value));
    });
  }

  // A dict with a long key (past the source length a compiled copier takes) likewise.
  const long = { ['k'.repeat(5000)]: [1, { a: 2 }], short: {} };
  sync.set('long', long);
  reads(sync, 'long', (got) => {
    assert.deepEqual(got, long);
    got['k'.repeat(5000)][1].a = 3;
    got.short.x = 1;
  });

  // A large dict (past the size a compiled copier takes) is copied as deeply.
  const large = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, i % 7 ? i : [i, { i }]]));
  sync.set('large', large);
  reads(sync, 'large', (got) => {
    assert.deepEqual(got, large);
    got.k0[1].i = -1;
    got.k1 = 'changed';
  });
  assert.deepEqual(sync.get('large'), large);
}
