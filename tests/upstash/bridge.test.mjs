// The real Upstash client (@upstash/redis, pinned in package.json) against `edgecache bridge`
// in front of a real redis-server: unchanged client code, only the URL and token differ.
//
// Starts its own redis-server and bridge on free loopback ports and stops them by PID.
// The bridge binary: $EDGECACHE_BIN, else target/debug/edgecache (built here when missing).
//
//   node --test tests/upstash/

import { Redis } from '@upstash/redis';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { mkdtempSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ADMIN = 'upstash-suite-admin-0123456789';
const READER = 'upstash-suite-reader-0123456789';

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const listening = (port, child, what) =>
  new Promise((resolve, reject) => {
    const deadline = Date.now() + 15000;
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`${what} exited: ${child.exitCode}`));
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`${what} did not listen on ${port}`));
        else setTimeout(attempt, 25);
      });
    };
    attempt();
  });

function bridgeBinary() {
  if (process.env.EDGECACHE_BIN) return process.env.EDGECACHE_BIN;
  const built = join(ROOT, 'target', 'debug', 'edgecache');
  if (!existsSync(built)) {
    execFileSync('cargo', ['build', '-p', 'edgecache-bridge', '--no-default-features'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
  }
  return built;
}

let redisServer;
let bridge;
let url;
let dir;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgecache-upstash-'));
  const redisPort = await freePort();
  redisServer = spawn(
    'redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  await listening(redisPort, redisServer, 'redis-server');
  const tokens = join(dir, 'tokens');
  writeFileSync(tokens, `${ADMIN}\nread-only ${READER}\n`);
  const bridgePort = await freePort();
  bridge = spawn(
    bridgeBinary(),
    [
      'bridge',
      '--listen', `127.0.0.1:${bridgePort}`,
      '--redis', `redis://127.0.0.1:${redisPort}/0`,
      '--token-file', tokens,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, EDGECACHE_LOG: 'warn' } },
  );
  await listening(bridgePort, bridge, 'edgecache bridge');
  url = `http://127.0.0.1:${bridgePort}`;
});

after(async () => {
  if (bridge && bridge.exitCode === null) {
    const exited = new Promise((resolve) => bridge.once('exit', (code, signal) => resolve({ code, signal })));
    bridge.kill('SIGTERM'); // by PID: the child we started
    const { code } = await exited;
    assert.equal(code, 0, 'the bridge exits cleanly on SIGTERM');
  }
  if (redisServer && redisServer.exitCode === null) redisServer.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const client = (options = {}) =>
  new Redis({ url, token: ADMIN, enableTelemetry: false, retry: false, ...options });

test('set / get / mget / del with automatic (de)serialization', async () => {
  const redis = client();
  await redis.flushdb();
  assert.equal(await redis.set('greeting', 'hello'), 'OK');
  assert.equal(await redis.get('greeting'), 'hello');
  await redis.set('object', { a: 1, b: [true, null, 'x'] });
  assert.deepEqual(await redis.get('object'), { a: 1, b: [true, null, 'x'] });
  await redis.set('number', 42);
  assert.equal(await redis.get('number'), 42);
  await redis.set('unicode', 'héllo wörld ✓ 日本');
  assert.equal(await redis.get('unicode'), 'héllo wörld ✓ 日本');
  assert.deepEqual(await redis.mget('greeting', 'missing', 'number'), ['hello', null, 42]);
  assert.equal(await redis.get('missing'), null);
  assert.equal(await redis.del('greeting', 'number', 'missing'), 2);
  assert.equal(await redis.exists('greeting', 'object'), 1);
  assert.equal(await redis.set('nx', 'first', { nx: true }), 'OK');
  assert.equal(await redis.set('nx', 'second', { nx: true }), null);
});

test('incr / incrby / decr, and a Redis error as the client reports it', async () => {
  const redis = client();
  await redis.del('n', 'text');
  assert.equal(await redis.incr('n'), 1);
  assert.equal(await redis.incrby('n', 41), 42);
  assert.equal(await redis.decr('n'), 41);
  await redis.set('text', 'abc');
  await assert.rejects(redis.incr('text'), (error) => {
    assert.equal(error.name, 'UpstashError');
    assert.match(error.message, /ERR value is not an integer or out of range/);
    return true;
  });
});

test('expire / ttl / persist', async () => {
  const redis = client();
  await redis.set('temp', 'v', { ex: 100 });
  const ttl = await redis.ttl('temp');
  assert.ok(ttl > 95 && ttl <= 100, `ttl ${ttl}`);
  assert.equal(await redis.expire('temp', 1000), 1);
  assert.ok((await redis.ttl('temp')) > 900);
  assert.equal(await redis.persist('temp'), 1);
  assert.equal(await redis.ttl('temp'), -1);
  assert.equal(await redis.ttl('missing-key'), -2);
  assert.equal(await redis.expire('missing-key', 10), 0);
});

test('hashes and lists come back in the client shapes', async () => {
  const redis = client();
  await redis.del('h', 'l');
  assert.equal(await redis.hset('h', { field: 'value', count: 3 }), 2);
  assert.deepEqual(await redis.hgetall('h'), { field: 'value', count: 3 });
  assert.equal(await redis.rpush('l', 'a', 'b', 'c'), 3);
  assert.deepEqual(await redis.lrange('l', 0, -1), ['a', 'b', 'c']);
});

test('pipeline: one round trip, results in order, per-command errors', async () => {
  const redis = client();
  await redis.del('p:text', 'p:n');
  const results = await redis
    .pipeline()
    .set('p:n', 1)
    .incr('p:n')
    .get('p:n')
    .set('p:text', 'abc')
    .exec();
  assert.deepEqual(results, ['OK', 2, 2, 'OK']);
  const kept = await redis.pipeline().incr('p:n').incr('p:text').get('p:n').exec({ keepErrors: true });
  assert.equal(kept[0].result, 3);
  assert.match(kept[1].error, /ERR value is not an integer/);
  assert.equal(kept[2].result, 3);
  await assert.rejects(redis.pipeline().incr('p:n').incr('p:text').exec(), /Command 2 \[ incr \] failed/);
});

test('multi / exec: a transaction', async () => {
  const redis = client();
  await redis.del('tx');
  const results = await redis.multi().set('tx', 10).incrby('tx', 5).get('tx').exec();
  assert.deepEqual(results, ['OK', 15, 15]);
  const tx = redis.multi();
  tx.del('tx');
  tx.get('tx');
  assert.deepEqual(await tx.exec(), [1, null]);
});

test('automatic pipelining batches concurrent commands', async () => {
  const redis = client({ enableAutoPipelining: true });
  const keys = Array.from({ length: 50 }, (_, i) => `auto:${i}`);
  await Promise.all(keys.map((k, i) => redis.set(k, i)));
  const values = await Promise.all(keys.map((k) => redis.get(k)));
  assert.deepEqual(values, keys.map((_, i) => i));
});

test('responseEncoding off: plain JSON strings', async () => {
  const redis = client({ responseEncoding: false });
  assert.equal(await redis.set('plain', 'über ✓'), 'OK');
  assert.equal(await redis.get('plain'), 'über ✓');
  assert.deepEqual(await redis.pipeline().get('plain').incr('plain:n').exec(), ['über ✓', 1]);
});

test('automaticDeserialization off: values stay the strings stored', async () => {
  const raw = client({ automaticDeserialization: false });
  const typed = client();
  await typed.set('json', { a: 1 });
  assert.equal(await raw.get('json'), '{"a":1}');
  await raw.set('number-text', '12');
  assert.equal(await raw.get('number-text'), '12');
  assert.equal(await typed.get('number-text'), 12, 'the default client parses it as JSON');
  const both = client({ automaticDeserialization: false, responseEncoding: false });
  assert.equal(await both.get('json'), '{"a":1}');
});

test('a bad token gives the client its usual error, and nothing runs', async () => {
  const intruder = client({ token: 'not-the-token-0123456789' });
  await assert.rejects(intruder.set('intruded', 'yes'), (error) => {
    assert.equal(error.name, 'UpstashError');
    assert.match(error.message, /Unauthorized/);
    return true;
  });
  await assert.rejects(intruder.pipeline().set('intruded', 'yes').exec(), /Unauthorized/);
  assert.equal(await client().get('intruded'), null);
});

test('a read-only token reads and cannot write or flush', async () => {
  await client().set('shared', 'v');
  const reader = client({ token: READER });
  assert.equal(await reader.get('shared'), 'v');
  await assert.rejects(reader.set('shared', 'w'), /NOPERM/);
  await assert.rejects(reader.flushdb(), /NOPERM/);
  await assert.rejects(client().keys('*'), /NOPERM/, 'KEYS is off unless --allow-keys');
  assert.equal(await reader.get('shared'), 'v');
});
