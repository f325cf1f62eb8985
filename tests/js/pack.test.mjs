// `npm pack` → install the tarball into an empty directory → import it and type-check a
// TypeScript example against its declarations. Needs a built dist/ (npm run build).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('the packed tarball installs into an empty directory and works there', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'edgecache-pack-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // --ignore-scripts: dist/ is already built; prepack would rebuild it.
  const packed = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], root));
  const files = packed[0].files.map((f) => f.path).sort();
  assert.deepEqual(files.filter((f) => f.startsWith('dist/')), [
    'dist/edgecache_core.js',
    'dist/edgecache_core_bg.wasm',
    'dist/memory/api.js',
    'dist/memory/edgecache_core.js',
    'dist/memory/edgecache_core_bg.wasm',
  ]);
  assert.deepEqual(files.filter((f) => f.startsWith('js/memory/')), [
    'js/memory/browser.js',
    'js/memory/index.d.ts',
    'js/memory/node.js',
    'js/memory/workerd.js',
  ]);
  assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('tests/')), files.join(' '));
  const app = join(dir, 'app');
  run('mkdir', ['-p', app], dir);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  const tarball = join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz')));
  run('npm', ['install', '--no-audit', '--no-fund', '--offline', tarball], app);

  writeFileSync(join(app, 'main.mjs'), `
    import { createCaches, ValueError } from 'edgecache';
    const caches = createCaches({ default: { BACKEND: 'django.core.cache.backends.locmem.LocMemCache' } });
    await caches.default.set('greeting', 'hello', { timeout: 30 });
    let error;
    try { await caches.default.incr('nope'); } catch (e) { error = e instanceof ValueError; }
    const view = caches.http({ ALLOWED_HOSTS: ['*'] }).cachePage(30)(() => ({ content: 'page' }));
    const page = await view({ path: '/' });
    console.log(JSON.stringify([await caches.default.get('greeting'), caches.default.sync.makeKey('greeting'), error, page.headers['Cache-Control']]));
  `);
  assert.equal(run('node', ['main.mjs'], app).trim(), '["hello",":1:greeting",true,"max-age=30"]');

  // The in-memory entry from the installed package: its own wasm, the same API.
  writeFileSync(join(app, 'memory.mjs'), `
    import { createCaches, InvalidCacheBackendError } from 'edgecache/memory';
    const caches = createCaches({ default: { BACKEND: 'locmem' }, db: { BACKEND: 'django.core.cache.backends.db.DatabaseCache', LOCATION: 't' } });
    caches.default.sync.set('greeting', 'hello', { timeout: 30 });
    let error;
    try { caches.get('db'); } catch (e) { error = e instanceof InvalidCacheBackendError; }
    console.log(JSON.stringify([caches.default.sync.get('greeting'), caches.default.sync.inspect().count, error]));
  `);
  assert.equal(run('node', ['memory.mjs'], app).trim(), '["hello",1,true]');

  writeFileSync(join(app, 'main.ts'), `
    import { createCaches, getMaxAge, patchCacheControl, type Cache, type CacheValue, ValueError } from 'edgecache';
    const caches = createCaches({ default: { BACKEND: 'locmem', TIMEOUT: 60 } }, { clock: () => Date.now() / 1000 });
    const cache: Cache = caches.default;
    export async function demo(): Promise<CacheValue | undefined> {
      await cache.set('k', { list: [1, 2n, new Uint8Array(1)] }, { timeout: null, version: 2 });
      const n: number | bigint = await cache.incr('n', 1);
      const hit = cache.sync?.get('k', 'dflt');
      const e = new ValueError('x');
      void n; void hit; void e;
      return cache.get('k');
    }
    const http = caches.http({ ALLOWED_HOSTS: ['example.com'], USE_I18N: false });
    const page = http.cachePage(60, { keyPrefix: 'p' })(
      http.varyOnCookie(async (request) => ({ content: request.path ?? '/', headers: { 'X-A': '1' } })),
    );
    export async function serve(): Promise<string | null> {
      const response = await page({ method: 'GET', host: 'example.com', path: '/a/' });
      const headers = patchCacheControl(new Map<string, string>(), { maxAge: 5, public: true });
      const age: number | null = getMaxAge(headers);
      void age; void response.status;
      return http.getCacheKey({ host: 'example.com', path: '/a/' }, { keyPrefix: 'p' });
    }
  `);
  writeFileSync(join(app, 'memory.ts'), `
    import { createCaches, type SyncCache, InvalidCacheBackendError } from 'edgecache/memory';
    const cache: SyncCache = createCaches({ default: { BACKEND: 'locmem' } }).default.sync!;
    export const hit: boolean = cache.add('k', 1) && cache.inspect().count === 1 && new InvalidCacheBackendError('x') instanceof Error;
  `);
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, skipLibCheck: false },
    files: ['main.ts', 'memory.ts'],
  }));
  run(join(root, 'node_modules/.bin/tsc'), ['-p', app], app);
});
