// Redis through the edgecache bridge: the built Worker (Miniflare) sends Upstash-protocol
// requests with fetch to a real `edgecache bridge` in front of a real redis-server. The
// conformance traces with Redis results (those advancing the clock by at most 5 s in all,
// since Redis expires keys by its own clock and `advance` sleeps for real) are compared with
// Django's, and the keys are read back from Redis directly. The randomized server traces are
// left to the native suite (bridge/tests): their dumps read TTLs off Redis's own clock, which a
// loaded machine's extra round trips through Miniflare can move by a second.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { startWorker } from './support/harness.mjs';
import { replayTrace } from './support/trace.mjs';
import {
  edgecachePath, redisCommand, redisServerPath, startBridge, startRedis,
} from './support/servers.mjs';
import { parse } from '../../tests/js/support/json.mjs';
import { diffResults } from '../../tests/js/support/compare.mjs';

const root = new URL('../../tests/conformance/', import.meta.url);
const missing = !redisServerPath()
  ? 'redis-server is not installed (scripts/test.sh installs it)'
  : !edgecachePath()
    ? 'the edgecache command is not built (cargo build -p edgecache-bridge, or set EDGECACHE_BIN)'
    : false;

test('redis through the bridge', { skip: missing }, async (t) => {
  const redis = await startRedis();
  t.after(redis.stop);
  const token = 'bridge-test-token';
  // dump lists keys with KEYS, which the bridge refuses unless told otherwise.
  const bridge = await startBridge(['--redis', `${redis.url}/0`, '--allow-keys'], token);
  t.after(bridge.stop);
  const worker = await startWorker({
    vars: { EDGECACHE_BRIDGE_URL: bridge.url, EDGECACHE_BRIDGE_TOKEN: token },
  });
  t.after(() => worker.dispose());

  await t.test("Django's keys and values land in Redis", async () => {
    const setup = await worker.api('/api/_test/setup?backend=redis&location=' +
      encodeURIComponent(`${redis.url}/0`), { method: 'POST', body: '{"ops": []}' });
    assert.equal(setup.status, 200, setup.text);
    const set = (args) => worker.api('/api/caches/default/set', { method: 'POST', body: { args } });
    assert.equal((await set(['n', 41])).status, 200);
    assert.equal((await set(['s', 'text', 100])).status, 200);
    // Django's RedisCache stores ints as plain digits, everything else pickled.
    assert.equal((await redisCommand(redis.port, 'GET', ':1:n')).toString(), '$2\r\n41\r\n');
    assert.match((await redisCommand(redis.port, 'TTL', ':1:s')).toString(), /^:(99|100)\r\n$/);
    const pickled = await redisCommand(redis.port, 'GET', ':1:s');
    assert.equal(pickled.subarray(pickled.indexOf('\r\n') + 2)[0], 0x80);
    const incr = await worker.api('/api/caches/default/incr', { method: 'POST', body: { args: ['n'] } });
    assert.equal(JSON.parse(incr.text).result, 42);
  });

  await t.test('an Upstash-style REST LOCATION with its token from a secret', async () => {
    // The bridge's /redis/0 route speaks Upstash's REST protocol: LOCATION is the URL, the
    // token comes from a secret through "env:NAME", no EDGECACHE_BRIDGE_URL needed.
    const rest = await startWorker({
      testClock: false,
      vars: {
        EDGECACHE_ENV: 'development',
        EDGECACHE_CACHES: JSON.stringify({
          default: {
            BACKEND: 'django.core.cache.backends.redis.RedisCache',
            LOCATION: `${bridge.url}/redis/0`,
            OPTIONS: { TOKEN: 'env:UPSTASH_TOKEN' },
          },
        }),
        UPSTASH_TOKEN: token,
      },
    });
    try {
      const call = (name, args) =>
        rest.api(`/api/caches/default/${name}`, { method: 'POST', body: { args } });
      assert.equal((await call('set', ['rest', 'ok'])).status, 200);
      assert.equal(JSON.parse((await call('get', ['rest'])).text).result, 'ok');
      const config = (await rest.api('/api/config')).text;
      assert.doesNotMatch(config, new RegExp(token));
    } finally {
      await rest.dispose();
    }
  });

  const traces = readdirSync(new URL('expected/redis/', root))
    .filter((f) => f.endsWith('.json') && !f.startsWith('random_') && existsSync(new URL(`traces/${f}`, root)))
    .sort()
    .filter((file) => {
      const trace = JSON.parse(readFileSync(new URL(`traces/${file}`, root), 'utf8'));
      const sleeps = trace.ops.filter((op) => op.op === 'advance').reduce((s, op) => s + op.seconds, 0);
      return sleeps <= 5;
    });
  for (const file of traces) {
    await t.test(file.replace(/\.json$/, ''), async () => {
      const text = readFileSync(new URL(`traces/${file}`, root), 'utf8');
      const actual = parse(
        await replayTrace(worker.api, text, 'redis', {
          location: `${redis.url}/0`,
          name: file.replace(/\.json$/, ''),
          realSleep: true,
        }),
      );
      const expected = parse(readFileSync(new URL(`expected/redis/${file}`, root), 'utf8'));
      const problems = diffResults(expected, actual);
      assert.deepEqual(problems.slice(0, 10), [], `${problems.length} mismatches`);
    });
  }
});
