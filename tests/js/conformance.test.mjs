// Every conformance trace with Django's results for locmem, dummy and filebased (on a
// KV-shaped in-memory store), replayed through the package's public API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { replay, pendingOps } from '../replay.mjs';
import { parse } from './support/json.mjs';
import { diffResults } from './support/compare.mjs';

const root = new URL('../conformance/', import.meta.url);
const traces = readdirSync(new URL('traces/', root)).filter((f) => f.endsWith('.json')).sort();

for (const backend of ['locmem', 'dummy', 'filebased']) {
  for (const file of traces) {
    const expectedPath = new URL(`expected/${backend}/${file}`, root);
    if (!existsSync(expectedPath)) continue;
    const text = readFileSync(new URL(`traces/${file}`, root), 'utf8');
    const pending = pendingOps(parse(text));
    const name = `${backend} ${file.replace(/\.json$/, '')}`;
    if (pending.length) {
      test(name, { skip: `uses operations the npm package does not run (${pending.join(', ')})` }, () => {});
      continue;
    }
    test(name, async () => {
      const actual = await replay(text, backend, file);
      const expected = parse(readFileSync(expectedPath, 'utf8'));
      const problems = diffResults(expected, actual);
      assert.deepEqual(problems.slice(0, 10), [], `${problems.length} mismatches`);
    });
  }
}
