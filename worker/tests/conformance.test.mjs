// Every conformance trace with Django's results for locmem, dummy, filebased (on the Worker's
// in-memory Workers KV) and db (on its in-memory D1), replayed through the built Worker's
// HTTP API in Miniflare on the test clock, compared with Django's results the oracle's way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { startWorker } from './support/harness.mjs';
import { replayTrace } from './support/trace.mjs';
import { parse } from '../../tests/js/support/json.mjs';
import { diffResults } from '../../tests/js/support/compare.mjs';

const root = new URL('../../tests/conformance/', import.meta.url);
const traces = readdirSync(new URL('traces/', root)).filter((f) => f.endsWith('.json')).sort();

for (const backend of ['locmem', 'dummy', 'filebased', 'db']) {
  const files = traces.filter((file) => existsSync(new URL(`expected/${backend}/${file}`, root)));
  test(`${backend}: ${files.length} traces through the Worker's API`, async (t) => {
    // One Worker per backend; /api/_test/setup empties its KV namespace / D1 table per trace.
    const worker = await startWorker();
    t.after(() => worker.dispose());
    for (const file of files) {
      await t.test(file.replace(/\.json$/, ''), async () => {
        const text = readFileSync(new URL(`traces/${file}`, root), 'utf8');
        const actual = parse(
          await replayTrace(worker.api, text, backend, { name: file.replace(/\.json$/, '') }),
        );
        const expected = parse(readFileSync(new URL(`expected/${backend}/${file}`, root), 'utf8'));
        const problems = diffResults(expected, actual);
        assert.deepEqual(problems.slice(0, 10), [], `${problems.length} mismatches`);
      });
    }
  });
}

test('replay.mjs: one trace through a fresh Worker, in the oracle format', async () => {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const { fileURLToPath } = await import('node:url');
  const script = fileURLToPath(new URL('./replay.mjs', import.meta.url));
  for (const [backend, file] of [['filebased', 'expiry_boundaries.json'], ['db', 'db_cull_order.json']]) {
    const trace = fileURLToPath(new URL(`traces/${file}`, root));
    const { stdout } = await promisify(execFile)(process.execPath, [script, '--backend', backend, trace]);
    const actual = parse(stdout);
    assert.equal(actual.trace, file.replace(/\.json$/, ''));
    assert.equal(actual.backend, backend);
    const expected = parse(readFileSync(new URL(`expected/${backend}/${file}`, root), 'utf8'));
    assert.deepEqual(diffResults(expected, actual).slice(0, 10), []);
  }
});
