// Smoke test in workerd through Miniflare: the package's workerd entry (a .wasm import is a
// WebAssembly.Module there), a locmem cache and a filebased cache on a KV namespace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('the package works in workerd (Miniflare)', async (t) => {
  const mf = new Miniflare({
    modules: true,
    modulesRoot: root,
    scriptPath: fileURLToPath(new URL('./worker/worker.js', import.meta.url)),
    modulesRules: [
      { type: 'ESModule', include: ['**/*.js'] },
      { type: 'CompiledWasm', include: ['**/*.wasm'] },
    ],
    compatibilityDate: '2026-04-01',
    kvNamespaces: ['CACHE_KV'],
  });
  t.after(() => mf.dispose());
  const response = await mf.dispatchFetch('http://localhost/');
  const body = await response.json();
  assert.deepEqual(body, {
    locmem: 'hello',
    incr: 'ValueError',
    kv: { views: 1, tags: ['a'] },
    kvMiss: true,
    inspect: [':1:greeting'],
    clockReads: [3, 3],
  });
  const kv = await mf.getKVNamespace('CACHE_KV');
  assert.equal((await kv.list()).keys.length, 1);
});
