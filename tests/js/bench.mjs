// get-hit and set throughput against lru-cache 11 in the same process (not a timed test).
// get-hits run seven alternating passes (lru-cache, edgecache on the default clock, edgecache
// with `clockResolution: 0`, ...) and print each pass's ratios and their medians:
//   npm run build && node tests/js/bench.mjs
// The default clock has lru-cache's own default `ttlResolution` (1 ms): the clock's reading is
// reused until a timer drops it or it served 64 operations; `clockResolution: 0` reads
// `Date.now()` on every operation.
import { LRUCache } from 'lru-cache';
import { createCaches } from 'edgecache';

const N = 1000;
const PASSES = 7;
const keys = Array.from({ length: N }, (_, i) => `key-${i}`);
const VALUES = { string: 'hello world, a short cached string', object: { id: 7, name: 'widget', tags: ['a', 'b'], price: 9.5 } };
const SETTINGS = { default: { BACKEND: 'locmem', TIMEOUT: 300, OPTIONS: { MAX_ENTRIES: 10_000 } } };

function measure(label, fn, rounds = 300) {
  for (let r = 0; r < 30; r++) fn(); // warm up
  const start = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const ops = (rounds * N) / seconds;
  console.log(`${label.padEnd(44)} ${(ops / 1e6).toFixed(2).padStart(7)} M ops/s`);
  return ops;
}

async function measureAsync(label, fn, rounds = 50) {
  for (let r = 0; r < 5; r++) await fn();
  const start = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) await fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const ops = (rounds * N) / seconds;
  console.log(`${label.padEnd(44)} ${(ops / 1e6).toFixed(2).padStart(7)} M ops/s`);
  return ops;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const list = (xs) => xs.map((r) => r.toFixed(3)).join(', ');

for (const [kind, value] of Object.entries(VALUES)) {
  const lru = new LRUCache({ max: 10_000, ttl: 300_000 });
  const cache = createCaches(SETTINGS).default;
  const sync = cache.sync;
  const exact = createCaches(SETTINGS, { clockResolution: 0 }).default.sync;
  for (const k of keys) {
    lru.set(k, value);
    sync.set(k, value);
    exact.set(k, value);
  }
  console.log(`-- ${kind} values`);
  // get-hits, alternating, so a change in the machine's load hits every side.
  const ratios = [];
  const exactRatios = [];
  let lruGet, ecGet;
  for (let pass = 0; pass < PASSES; pass++) {
    lruGet = measure('lru-cache get (hit)', () => { for (const k of keys) lru.get(k); });
    ecGet = measure('edgecache sync get (hit)', () => { for (const k of keys) sync.get(k); });
    const exactGet = measure('edgecache sync get (hit), clockResolution 0', () => { for (const k of keys) exact.get(k); });
    ratios.push(ecGet / lruGet);
    exactRatios.push(exactGet / lruGet);
  }
  console.log(`sync get / lru-cache get, default clock (1 ms): ${list(ratios)} (median ${median(ratios).toFixed(3)}x)`);
  console.log(`sync get / lru-cache get, clockResolution 0:    ${list(exactRatios)} (median ${median(exactRatios).toFixed(3)}x)`);
  await measureAsync('edgecache await get (hit)', async () => { for (const k of keys) await cache.get(k); });
  const lruSet = measure('lru-cache set', () => { for (const k of keys) lru.set(k, value); });
  const ecSet = measure('edgecache sync set', () => { for (const k of keys) sync.set(k, value); });
  console.log(`ratio get ${(ecGet / lruGet).toFixed(3)}x (last pass), set ${(ecSet / lruSet).toFixed(3)}x of lru-cache`);
}
