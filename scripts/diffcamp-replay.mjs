#!/usr/bin/env node
// The JavaScript runtimes' replay for the differential campaign (scripts/diffcamp.py --via
// npm|worker): replays every trace of a folder, in one process, through the npm package's
// public API (`npm`, the code of tests/replay.mjs) or the built Worker's HTTP API in
// Miniflare (`worker`, one Worker for every backend, as worker/tests/conformance.test.mjs
// does), writes the output document to OUT/<backend>/<trace>.json for each trace with an
// expected file, and compares it with Django's as the JavaScript suites do
// (tests/js/support/compare.mjs: numbers by value, since JavaScript reads Django's 2.0 back
// as 2). Prints each failing trace's first problems and, per backend, a line
// `<backend>: N passed, M failed`; exit status 1 when anything failed.
//
//   node scripts/diffcamp-replay.mjs npm|worker TRACES_DIR EXPECTED_DIR OUT_DIR
import { mkdirSync, readFileSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [runtime, tracesDir, expectedDir, outDir] = process.argv.slice(2);
if (!['npm', 'worker'].includes(runtime) || !outDir) {
  console.error('usage: node scripts/diffcamp-replay.mjs npm|worker TRACES_DIR EXPECTED_DIR OUT_DIR');
  process.exit(2);
}
const BACKENDS = { npm: ['locmem', 'dummy', 'filebased'], worker: ['locmem', 'dummy', 'filebased', 'db'] };
const traces = readdirSync(tracesDir).filter((f) => f.endsWith('.json')).sort();

const { parse } = await import('../tests/js/support/json.mjs');
const { diffResults } = await import('../tests/js/support/compare.mjs');

let replayOne;
let dispose = async () => {};
if (runtime === 'npm') {
  const { replay } = await import('../tests/replay.mjs');
  const { stringify } = await import('../tests/js/support/json.mjs');
  replayOne = async (text, backend, name) => stringify(await replay(text, backend, name));
} else {
  const { startWorker } = await import('../worker/tests/support/harness.mjs');
  const { replayTrace } = await import('../worker/tests/support/trace.mjs');
  const worker = await startWorker();
  dispose = () => worker.dispose();
  replayOne = (text, backend, name) => replayTrace(worker.api, text, backend, { name });
}

let failedAll = 0;
try {
  for (const backend of BACKENDS[runtime]) {
    let passed = 0;
    let failed = 0;
    for (const file of traces) {
      if (!existsSync(join(expectedDir, backend, file))) continue;
      const name = file.replace(/\.json$/, '');
      let output;
      try {
        output = await replayOne(readFileSync(join(tracesDir, file), 'utf8'), backend, name);
      } catch (error) {
        output = JSON.stringify({ trace: name, error: String(error?.stack ?? error) });
      }
      mkdirSync(join(outDir, backend), { recursive: true });
      writeFileSync(join(outDir, backend, file), `${output}\n`);
      let problems;
      try {
        problems = diffResults(parse(readFileSync(join(expectedDir, backend, file), 'utf8')), parse(output));
      } catch (error) {
        problems = [`cannot compare: ${error.message}`];
      }
      if (problems.length === 0) {
        passed++;
        continue;
      }
      failed++;
      console.log(`FAIL  ${runtime} ${backend}/${file}: ${problems.length} problems`);
      for (const problem of problems.slice(0, 3)) console.log(`      ${problem}`);
    }
    if (passed + failed) console.log(`${backend}: ${passed} passed, ${failed} failed`);
    failedAll += failed;
  }
} finally {
  await dispose();
}
process.exitCode = failedAll ? 1 : 0;
