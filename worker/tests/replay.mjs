#!/usr/bin/env node
// Replays one conformance trace through a fresh Miniflare instance of the built Worker, over
// its HTTP API, and prints the oracle's output document (what `edgecache replay` prints).
//
//   node worker/tests/replay.mjs --backend locmem|dummy|filebased|db TRACE.json
//   node worker/tests/replay.mjs --backend redis --bridge http://127.0.0.1:8379 \
//        [--bridge-token T] --redis-url redis://127.0.0.1:6379/0 TRACE.json
//
// filebased runs on the Worker's in-memory KV namespace, db on its in-memory D1 database;
// every Django rule is the Worker's core (this script only moves JSON).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { startWorker } from './support/harness.mjs';
import { replayTrace } from './support/trace.mjs';

function usage(message) {
  if (message) console.error(`replay.mjs: ${message}`);
  console.error(
    'usage: node worker/tests/replay.mjs [--backend B] [--bridge URL --bridge-token T --redis-url URL] TRACE.json',
  );
  process.exit(2);
}

const options = {};
const files = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  if (arg.startsWith('--')) {
    const [name, inline] = arg.slice(2).split('=', 2);
    const value = inline ?? argv[++i];
    if (value === undefined) usage(`--${name} needs a value`);
    options[name] = value;
  } else {
    files.push(arg);
  }
}
if (files.length !== 1) usage('give exactly one trace file');

const text = readFileSync(files[0], 'utf8');
let backend = options.backend;
if (!backend) {
  try {
    backend = JSON.parse(text).backends?.[0] ?? 'locmem';
  } catch (error) {
    usage(`${files[0]}: ${error.message}`);
  }
}
const vars = {};
if (options.bridge) vars.EDGECACHE_BRIDGE_URL = options.bridge;
if (options['bridge-token']) vars.EDGECACHE_BRIDGE_TOKEN = options['bridge-token'];

const worker = await startWorker({ vars });
try {
  const output = await replayTrace(worker.api, text, backend, {
    location: options['redis-url'] ?? options.memcached,
    name: basename(files[0]).replace(/\.json$/, ''),
    realSleep: backend === 'redis' || backend === 'memcached',
  });
  process.stdout.write(`${output}\n`);
} catch (error) {
  console.error(`replay.mjs: ${error.message}`);
  process.exitCode = 1;
} finally {
  await worker.dispose();
}
