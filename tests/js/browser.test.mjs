// Smoke test in headless Chromium (Debian's, driven by playwright-core): the package's
// browser entry loaded with no bundler, through an import map, from a plain HTTP server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };

const PAGE = `<!doctype html>
<script type="importmap">{ "imports": { "edgecache": "/js/browser.js" } }</script>
<script type="module">
  import { createCaches, ValueError } from 'edgecache';
  const caches = createCaches({ default: { BACKEND: 'django.core.cache.backends.locmem.LocMemCache', TIMEOUT: 60 } });
  const cache = caches.default;
  await cache.set('greeting', 'hello');
  await cache.set('bytes', new Uint8Array([1, 2, 3]));
  let error = null;
  try { await cache.incr('missing'); } catch (e) { error = [e instanceof ValueError, e.message]; }
  window.result = {
    get: await cache.get('greeting'),
    miss: (await cache.get('nope')) === undefined,
    bytes: Array.from(await cache.get('bytes')),
    sync: cache.sync.get('greeting'),
    key: cache.sync.makeKey('greeting'),
    error,
  };
</script>`;

test('the package works in a browser without a bundler', { skip: !existsSync(CHROMIUM) && `no ${CHROMIUM}` }, async (t) => {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    const file = normalize(join(root, path));
    if (!file.startsWith(root) || !(path.startsWith('/js/') || path.startsWith('/dist/'))) {
      return res.writeHead(404).end();
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
  });
  t.after(() => browser.close());
  const page = await browser.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.result !== undefined || document.readyState === 'complete', null, { timeout: 10_000 });
  await page.waitForFunction(() => window.result !== undefined, null, { timeout: 10_000 }).catch(() => {});
  assert.deepEqual(problems, []);
  assert.deepEqual(await page.evaluate(() => window.result), {
    get: 'hello',
    miss: true,
    bytes: [1, 2, 3],
    sync: 'hello',
    key: ':1:greeting',
    error: [true, "Key ':1:missing' not found"],
  });
});
