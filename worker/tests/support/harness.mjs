// Starts the built Worker (worker/shim.js + worker/build/) in Miniflare with in-memory KV and
// D1, as the tests and replay.mjs use it. Build first: bash worker/build.sh.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';

export const workerDir = fileURLToPath(new URL('../../', import.meta.url));
export const repoDir = fileURLToPath(new URL('../../../', import.meta.url));

/** The start of the conformance oracle's fake clock. */
export const ORACLE_START = '1700000000';

export function assertBuilt() {
  if (!existsSync(new URL('../../build/index_bg.wasm', import.meta.url))) {
    throw new Error('the Worker is not built: run `bash worker/build.sh` first');
  }
}

/**
 * A Miniflare Worker. `vars` become the Worker's vars and secrets (the test clock is on
 * unless `testClock: false`). `assets`: a directory served as the static assets in front of
 * the Worker, as wrangler.toml's [assets] does (anything that is not a file, /api included,
 * reaches the Worker); `url` is then where Miniflare listens (127.0.0.1, a free port).
 */
export async function startWorker({
  vars = {},
  testClock = true,
  kv = true,
  d1 = true,
  wrapped = {},
  assets = null,
} = {}) {
  assertBuilt();
  const bindings = { ...vars };
  if (testClock) bindings.EDGECACHE_TEST_CLOCK ??= ORACLE_START;
  // `wrapped`: binding name → module source whose default export (env) => object is the
  // binding (Miniflare's wrapped bindings), e.g. a KV namespace that refuses writes.
  const extra = Object.entries(wrapped).map(([name, script]) => ({
    name: `wrapped-${name.toLowerCase()}`,
    modules: true,
    script,
  }));
  const main = {
    name: 'edgecache',
    modules: true,
    modulesRoot: workerDir,
    scriptPath: `${workerDir}shim.js`,
    modulesRules: [
      { type: 'ESModule', include: ['**/*.js'] },
      { type: 'CompiledWasm', include: ['**/*.wasm'] },
    ],
    compatibilityDate: '2026-04-01',
    kvNamespaces: kv ? ['EDGECACHE_KV'] : [],
    d1Databases: d1 ? ['EDGECACHE_DB'] : [],
    bindings,
    wrappedBindings: Object.fromEntries(
      Object.keys(wrapped).map((name) => [name, { scriptName: `wrapped-${name.toLowerCase()}` }]),
    ),
  };
  if (assets) {
    main.assets = { directory: assets, binding: 'ASSETS', routerConfig: { has_user_worker: true } };
  }
  const mf = new Miniflare({ host: '127.0.0.1', port: 0, workers: [main, ...extra] });
  const url = await mf.ready;
  const api = async (path, { method = 'GET', body, token, headers = {} } = {}) => {
    const init = { method, headers: { ...headers } };
    if (token) init.headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
    const response = await mf.dispatchFetch(`http://localhost${path}`, init);
    const text = await response.text();
    return { status: response.status, text, headers: response.headers };
  };
  return { mf, api, url, dispose: () => mf.dispose() };
}
