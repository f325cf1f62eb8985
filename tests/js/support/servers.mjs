// Real redis-server, memcached and `edgecache bridge` processes for the node suites, each on
// a free loopback port, stopped by PID when the test ends.
import { spawn, execFileSync } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** A port nothing listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function accepts(port) {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function started(name, child, port) {
  let exited = null;
  child.once('exit', (code) => {
    exited = code;
  });
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (exited !== null) throw new Error(`${name} exited with ${exited} before listening`);
    if (await accepts(port)) return { port, stop: () => stop(child) };
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  stop(child);
  throw new Error(`${name} did not listen on 127.0.0.1:${port} within 5 s`);
}

function stop(child) {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
}

function which(program) {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(`${dir}/${program}`)) return `${dir}/${program}`;
  }
  for (const dir of ['/usr/bin', '/usr/sbin', '/usr/local/bin']) {
    if (existsSync(`${dir}/${program}`)) return `${dir}/${program}`;
  }
  throw new Error(`${program} is not installed: scripts/test.sh installs it (apt-get install redis-server memcached)`);
}

/** A redis-server that saves nothing. */
export async function redisServer() {
  const port = await freePort();
  const child = spawn(
    which('redis-server'),
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpdir()],
    { stdio: 'ignore' },
  );
  return started('redis-server', child, port);
}

/** A memcached with 64 MB. */
export async function memcachedServer() {
  const port = await freePort();
  const args = ['-l', '127.0.0.1', '-p', String(port), '-U', '0', '-m', '64'];
  if (process.getuid?.() === 0) args.push('-u', 'root');
  const child = spawn(which('memcached'), args, { stdio: 'ignore' });
  return started('memcached', child, port);
}

/** The `edgecache` binary `cargo test --workspace` built (or `$EDGECACHE_BIN`). */
export function edgecacheBinary() {
  const path = process.env.EDGECACHE_BIN ?? `${root}target/debug/edgecache`;
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: build it with \`cargo build -p edgecache-bridge\` (scripts/test.sh does)`);
  }
  return path;
}

/** `edgecache bridge ARGS` on a free port; `url` is its base URL. */
export async function bridge(args) {
  const port = await freePort();
  const child = spawn(edgecacheBinary(), ['bridge', '--listen', `127.0.0.1:${port}`, ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const server = await started('edgecache bridge', child, port);
  return { ...server, url: `http://127.0.0.1:${port}` };
}

/**
 * A Redis and a Memcached behind one `edgecache bridge` (its first `--redis` and
 * `--memcached`, plus `extraArgs`): `{ redis, memcached, server, stop() }`, `stop` ending all
 * three.
 */
export async function redisAndMemcachedBehindBridge(extraArgs = []) {
  const redis = await redisServer();
  let memcached, server;
  try {
    memcached = await memcachedServer();
    server = await bridge([
      '--redis', `redis://127.0.0.1:${redis.port}/0`, '--memcached', `127.0.0.1:${memcached.port}`,
      ...extraArgs,
    ]);
  } catch (error) {
    // A server left running would keep the test process alive: the suite would hang, not fail.
    memcached?.stop();
    redis.stop();
    throw error;
  }
  return {
    redis,
    memcached,
    server,
    stop() {
      server.stop();
      memcached.stop();
      redis.stop();
    },
  };
}

/** Runs `redis-cli -p PORT ARGS` and returns its raw output. */
export function redisCli(port, args) {
  return execFileSync(which('redis-cli'), ['-p', String(port), '--no-raw', ...args], { encoding: 'latin1' });
}
