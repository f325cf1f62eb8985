// Real redis-server and `edgecache bridge` processes for the Worker's network tests, started
// on free loopback ports and stopped by their PIDs (the ChildProcess handles), like
// bridge/tests/support does from Rust. scripts/test.sh installs redis-server and builds the
// edgecache command (target/debug/edgecache, from `cargo test --workspace`).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoDir } from './harness.mjs';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, child, what) {
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited at start (${child.exitCode})`);
    const open = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} did not listen on 127.0.0.1:${port}`);
}

function stopper(child) {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
}

/** Where redis-server is, or null. */
export function redisServerPath() {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/bin', '/usr/sbin']) {
    if (dir && existsSync(join(dir, 'redis-server'))) return join(dir, 'redis-server');
  }
  return null;
}

/** The edgecache command (EDGECACHE_BIN, or the workspace's debug/release build), or null. */
export function edgecachePath() {
  const candidates = [
    process.env.EDGECACHE_BIN,
    join(repoDir, 'target/debug/edgecache'),
    join(repoDir, 'target/release/edgecache'),
  ];
  return candidates.find((path) => path && existsSync(path)) ?? null;
}

export async function startRedis() {
  const port = await freePort();
  const child = spawn(
    redisServerPath(),
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--databases', '64', '--daemonize', 'no', '--dir', tmpdir()],
    { stdio: 'ignore' },
  );
  await waitForPort(port, child, 'redis-server');
  return { port, url: `redis://127.0.0.1:${port}`, stop: stopper(child) };
}

export async function startBridge(args, token) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'edgecache-worker-bridge-'));
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, token);
  const child = spawn(
    edgecachePath(),
    ['bridge', '--listen', `127.0.0.1:${port}`, '--token-file', tokenFile, ...args],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  await waitForPort(port, child, 'edgecache bridge');
  return { url: `http://127.0.0.1:${port}`, stop: stopper(child) };
}

/** One Redis command over RESP; the reply's raw text. */
export function redisCommand(port, ...args) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      const text = data.toString('latin1');
      if (/^[+\-:]/.test(text) && text.endsWith('\r\n')) socket.end();
      else if (text.startsWith('$-1\r\n')) socket.end();
      else if (text.startsWith('$')) {
        const length = Number(text.slice(1, text.indexOf('\r\n')));
        if (data.length >= text.indexOf('\r\n') + 2 + length + 2) socket.end();
      } else if (text.startsWith('*')) socket.end();
    });
    socket.on('end', () => resolve(data));
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
    socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
  });
}

/** The project's Python (the .venv with Django 5.2.19 that scripts/test.sh makes), or null. */
export function pythonPath() {
  const path = join(repoDir, '.venv/bin/python');
  return existsSync(path) ? path : null;
}

/**
 * A live Django site: `siteDir`'s serve.py (runserver's server, chunked bodies) on a free
 * loopback port, the settings module `settings` found in `siteDir` (and the project's python/
 * package dir on PYTHONPATH), `env` added to its environment. Its stderr is kept and printed
 * if it fails to start.
 */
export async function startDjango(siteDir, settings, env = {}) {
  const port = await freePort();
  const child = spawn(
    pythonPath(),
    [join(siteDir, 'serve.py'), String(port)],
    {
      cwd: siteDir,
      env: {
        ...process.env,
        ...env,
        DJANGO_SETTINGS_MODULE: settings,
        PYTHONPATH: [siteDir, join(repoDir, 'python')].join(':'),
        PYTHONDONTWRITEBYTECODE: '1',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  try {
    await waitForPort(port, child, 'the Django site');
  } catch (error) {
    child.kill('SIGTERM');
    throw new Error(`${error.message}\n${stderr}`);
  }
  return { port, url: `http://127.0.0.1:${port}`, stop: stopper(child), stderr: () => stderr };
}
