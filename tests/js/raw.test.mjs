// The wasm handles' raw exports, under js/api.js: the full build's one method per operation
// and the in-memory build's `call(op, a, b, c, d)` (named by js/api.js's OPS) decode their
// arguments the same way. A bad argument is the same TypeError in both, with a message that
// names it: never a silent 0 (the operation picked by a mistyped number) and never a trap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect, isDeepStrictEqual } from 'node:util';
// The entries initialise both wasm instances; the in-memory one also names `call`'s ops.
import 'edgecache';
import 'edgecache/memory';
import { Core as FullCore } from '../../dist/edgecache_core.js';
import { Core as MemoryCore } from '../../dist/memory/edgecache_core.js';

const SETTINGS = JSON.stringify({ default: { BACKEND: 'locmem', OPTIONS: { MAX_ENTRIES: 50 } } });

/** A raw handle of one build on a fixed clock; `warnings` collects what it reports. */
function open(Core) {
  const warnings = [];
  const makeError = (type, message) => Object.assign(new Error(message), { name: type });
  const core = new Core(SETTINGS, () => 1000, undefined, undefined, (c, m) => warnings.push([c, m]), makeError, undefined);
  return { h: core.cache('default'), warnings };
}

/** What a raw call gave: its value, or the error's class, name and message. */
function outcome(run) {
  try {
    return { value: run() };
  } catch (error) {
    return { error: [error?.constructor?.name, error?.name, String(error?.message)] };
  }
}

const both = () => [open(FullCore), open(MemoryCore)];

const BAD_NUMBERS = ['x', '1', null, true, {}, [], 1.5, -1, 6, 300, NaN, 2n, Symbol('s'), () => 0];
const BAD_FLAGS = ['yes', '', 1, 0, null, {}, [], 2n, Symbol('s')];

test("raw: incr's which must be an integer from 0 to 5 in both builds", () => {
  for (const { h, warnings } of both()) {
    h.set('n', 5, undefined, undefined);
    for (const which of BAD_NUMBERS) {
      const got = outcome(() => h.incr(which, 'n', 1, undefined));
      assert.equal(got.error?.[0], 'TypeError', `which ${String(which)}: ${JSON.stringify(got)}`);
      assert.match(got.error[2], /^edgecache: incr's which must be an integer from 0 to 5 \(incr, decr, aincr, adecr, incr_version, decr_version\), not /);
    }
    // Nothing ran: the value is untouched, and nothing was warned about.
    assert.equal(h.get('n', undefined), 5);
    assert.deepEqual(warnings, []);
    assert.equal(h.incr(1, 'n', 2, undefined), 3);
    assert.equal(h.incr(4, 'n', undefined, undefined), 2);
  }
});

test('raw: the twin and count_only flags are booleans (or undefined) in both builds', () => {
  for (const { h } of both()) {
    h.set('k', 'v', undefined, undefined);
    for (const flag of BAD_FLAGS) {
      for (const [what, run] of [
        ['twin', () => h.get_many(['k'], undefined, flag)],
        ['twin', () => h.has_key('k', undefined, flag)],
        ['twin', () => h.delete_many(['k'], undefined, flag)],
        ['count_only', () => h.inspect(flag)],
      ]) {
        const got = outcome(run);
        assert.equal(got.error?.[0], 'TypeError', `${what} ${String(flag)}: ${JSON.stringify(got)}`);
        assert.match(got.error[2], new RegExp(`^edgecache: ${what} must be a boolean, not `));
      }
    }
    assert.equal(h.has_key('k', undefined, undefined), true);
    assert.equal(h.inspect(true).count, 1);
    assert.equal(h.inspect(undefined).entries.length, 1);
  }
});

test("raw: the in-memory build's call takes only an operation's number", () => {
  const { h } = open(MemoryCore);
  h.set('k', 'v', undefined, undefined);
  const before = h.inspect(false).stats;
  for (const op of [19, 256, 257, -1, 0.5, '0', 'get', null, undefined, true, 0n, {}, Symbol('s')]) {
    const got = outcome(() => h.call(op, 'k', undefined, undefined, undefined));
    assert.equal(got.error?.[0], 'TypeError', `op ${String(op)}: ${JSON.stringify(got)}`);
    assert.match(got.error[2], /^edgecache: call.s op must be an integer from 0 to 18 \(js\/api.js.s OPS\), not /);
  }
  // None of them ran an operation (256 is not `get`): the counters did not move.
  assert.deepEqual(h.inspect(false).stats, before);
  assert.equal(h.call(0, 'k', undefined, undefined, undefined), 'v');
});

/** A small deterministic generator (xorshift32). */
function random(seed) {
  let x = seed;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

test('raw: a stream of random raw calls, malformed arguments included, gives the same in both builds', () => {
  const [full, memory] = both();
  const next = random(0x2545f491);
  const pick = (list) => list[next(list.length)];
  const keys = ['a', 'b', 'c', 7, 'd', 'n'];
  const anything = [...keys, undefined, null, 1.5, 2n, -3, 'text', [1, 'x'], { x: 1 }, new Uint8Array([1, 2]),
    Symbol('s'), () => 1, new Map(), new Date(0), NaN, true, 'a'.repeat(300), 'bad key\u0001'];
  const key = () => (next(4) ? pick(keys) : pick(anything));
  const number = () => (next(3) ? next(6) : pick(BAD_NUMBERS));
  const flag = () => (next(3) ? pick([true, false, undefined]) : pick(BAD_FLAGS));
  const timeout = () => (next(2) ? pick([undefined, null, 0, 60, 0.5, -1]) : pick(anything));
  const version = () => (next(3) ? pick([undefined, null, 1, 2]) : pick(anything));
  const delta = () => (next(2) ? pick([undefined, 1, -2, 5]) : pick(anything));
  const calls = [
    () => ['get', key(), version()],
    () => ['set', key(), pick(anything), timeout(), version()],
    () => ['add', key(), pick(anything), timeout(), version()],
    () => ['get_or_set', key(), pick(anything), timeout(), version()],
    () => ['get_many', next(4) ? [key(), key()] : pick(anything), version(), flag()],
    () => ['set_many', next(4) ? { [pick(keys)]: pick(anything) } : pick(anything), timeout(), version()],
    () => ['delete', key(), version()],
    () => ['delete_many', next(4) ? [key()] : pick(anything), version(), flag()],
    () => ['has_key', key(), version(), flag()],
    () => ['incr', number(), key(), delta(), version()],
    () => ['touch', key(), timeout(), version()],
    () => ['inspect', flag()],
    () => ['make_key', key(), version()],
    () => ['make_and_validate_key', key(), version()],
    () => ['validate_key', key()],
    () => ['get_backend_timeout', timeout()],
  ];
  for (let i = 0; i < 3000; i++) {
    const [name, ...args] = pick(calls)();
    if (next(50) === 0) {
      // Now and then the whole store goes, as a stream of calls would have it.
      full.h.clear();
      memory.h.clear();
    }
    const a = outcome(() => full.h[name](...args));
    const b = outcome(() => memory.h[name](...args));
    if (!isDeepStrictEqual(b, a)) assert.fail(`call ${i}: ${name}${inspect(args)}: ${inspect(a)} in the full build, ${inspect(b)} in the in-memory one`);
  }
  assert.deepEqual(memory.warnings, full.warnings);
  assert.ok(full.warnings.length > 0, 'the stream made warnings');
  assert.deepEqual(memory.h.inspect(false), full.h.inspect(false));
});
