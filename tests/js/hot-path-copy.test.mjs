// The copies the synchronous get returns for lists and dicts (docs/npm-hot-path.md): checks in
// tests/js/hot-path-copies.mjs, through both entries, with copiers compiled by `new Function`
// (this process) and with code generation from strings disallowed (child processes started
// with `--disallow-code-generation-from-strings`, where `new Function` throws `EvalError` as in
// Cloudflare Workers), where the copy follows the value's plan instead; and in workerd itself
// (Miniflare), which forbids code generation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { createCaches } from 'edgecache';
import { createCaches as createMemoryCaches } from 'edgecache/memory';
import { checkCopies } from './hot-path-copies.mjs';

const run = promisify(execFile);

test('lists and dicts: fresh deep copies with compiled copiers (edgecache)', () => {
  checkCopies(createCaches);
});

test('lists and dicts: fresh deep copies with compiled copiers (edgecache/memory)', () => {
  checkCopies(createMemoryCaches);
});

for (const entry of ['edgecache', 'edgecache/memory']) {
  test(`lists and dicts: the same copies where code generation throws EvalError (${entry})`, async () => {
    const script = `
      import assert from 'node:assert/strict';
      import { createCaches } from '${entry}';
      import { checkCopies } from ${JSON.stringify(new URL('./hot-path-copies.mjs', import.meta.url).href)};
      assert.throws(() => new Function('return 1'), EvalError);
      checkCopies(createCaches);
      console.log('checked');
    `;
    const { stdout } = await run(
      process.execPath,
      ['--disallow-code-generation-from-strings', '--input-type=module', '-e', script],
      { cwd: new URL('../..', import.meta.url) },
    );
    assert.equal(stdout.trim(), 'checked');
  });
}

test('lists and dicts: the same copies in workerd, where new Function throws EvalError', async (t) => {
  const mf = new Miniflare({
    modules: true,
    modulesRoot: fileURLToPath(new URL('../../', import.meta.url)),
    scriptPath: fileURLToPath(new URL('./worker/hot-path-copies.js', import.meta.url)),
    modulesRules: [
      { type: 'ESModule', include: ['**/*.js', '**/*.mjs'] },
      { type: 'CompiledWasm', include: ['**/*.wasm'] },
    ],
    compatibilityDate: '2026-04-01',
    compatibilityFlags: ['nodejs_compat'],
  });
  t.after(() => mf.dispose());
  const body = await (await mf.dispatchFetch('http://localhost/')).json();
  assert.deepEqual(body, { evalError: true, checked: true });
});
