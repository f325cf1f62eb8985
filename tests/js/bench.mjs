// get-hit and set throughput against lru-cache 11 in the same process (not a timed test);
// get-hits run three alternating passes (lru-cache, edgecache, ...) and print each ratio:
//   npm run build && node tests/js/bench.mjs
import { LRUCache } from 'lru-cache';
import { createCaches } from 'edgecache';

const N = 1000;
const keys = Array.from({ length: N }, (_, i) => `key-${i}`);
const VALUES = { string: 'hello world, a short cached string', object: { id: 7, name: 'widget', tags: ['a', 'b'], price: 9.5 } };

function measure(label, fn, rounds = 200) {
  for (let r = 0; r < 20; r++) fn(); // warm up
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

for (const [kind, value] of Object.entries(VALUES)) {
  const lru = new LRUCache({ max: 10_000, ttl: 300_000 });
  const cache = createCaches({ default: { BACKEND: 'locmem', TIMEOUT: 300, OPTIONS: { MAX_ENTRIES: 10_000 } } }).default;
  const sync = cache.sync;
  for (const k of keys) {
    lru.set(k, value);
    sync.set(k, value);
  }
  console.log(`-- ${kind} values`);
  // get-hits three times, alternating, so a change in the machine's load hits both sides.
  const ratios = [];
  let lruGet, ecGet;
  for (let pass = 0; pass < 3; pass++) {
    lruGet = measure('lru-cache get (hit)', () => { for (const k of keys) lru.get(k); });
    ecGet = measure('edgecache sync get (hit)', () => { for (const k of keys) sync.get(k); });
    ratios.push(ecGet / lruGet);
  }
  const median = [...ratios].sort((a, b) => a - b)[1];
  console.log(`sync get / lru-cache get, three alternating passes: ${ratios.map((r) => r.toFixed(3)).join(', ')} (median ${median.toFixed(3)}x)`);
  await measureAsync('edgecache await get (hit)', async () => { for (const k of keys) await cache.get(k); });
  const lruSet = measure('lru-cache set', () => { for (const k of keys) lru.set(k, value); });
  const ecSet = measure('edgecache sync set', () => { for (const k of keys) sync.set(k, value); });
  console.log(`ratio get ${(ecGet / lruGet).toFixed(3)}x, set ${(ecSet / lruSet).toFixed(3)}x of lru-cache`);
}
