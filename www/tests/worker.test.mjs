// The playground served by the edgecache Worker in Miniflare (worker/build/, the page from
// worker/build/assets/ as wrangler.toml's [assets] serves it), driving the Worker's own caches
// through its cache API: Debian's headless Chromium driven by playwright-core.
// Needs `bash scripts/build-npm.sh` (www/vendor/) and then `bash worker/build.sh`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { extname, join, normalize } from 'node:path';
import { chromium } from 'playwright-core';
import { startWorker } from '../../worker/tests/support/harness.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const assets = join(root, 'worker/build/assets');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TOKEN = 'page-token-7';
const skip = !existsSync(CHROMIUM)
  ? `no ${CHROMIUM}`
  : !existsSync(join(root, 'worker/build/index_bg.wasm')) || !existsSync(join(assets, 'vendor/dist/edgecache_core_bg.wasm'))
    ? 'the Worker or its assets are not built: run `bash scripts/build-npm.sh` then `bash worker/build.sh`'
    : false;

let worker;
let browser;

before(async () => {
  if (skip) return;
  mkdirSync(join(root, 'www/tests/artifacts'), { recursive: true });
  // Development defaults: default (locmem), kv (Workers KV), db (D1); the API needs a token.
  worker = await startWorker({ vars: { EDGECACHE_ENV: 'development', EDGECACHE_API_TOKEN: TOKEN }, assets });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
  });
});

after(async () => {
  await browser?.close();
  await worker?.dispose();
});

async function command(page, line) {
  const before = await page.locator('#history li').count();
  await page.fill('#console-input', line);
  await page.press('#console-input', 'Enter');
  await page.waitForFunction((n) => document.querySelectorAll('#history li').length > n, before);
}

test('served by the Worker, the page runs set/get on its KV-backed alias and draws its table', { skip }, async (t) => {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1100 } });
  t.after(() => context.close());
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(worker.url.href);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });

  // api/config answered: the Worker panel offers its aliases; the local session is untouched.
  await page.locator('#worker-panel').waitFor({ state: 'visible' });
  assert.match(await page.textContent('#worker-note'), /kv \(filebased\)/);
  assert.equal(await page.inputValue('#target'), 'local');

  // Without the token the Worker refuses; the card says why.
  await page.selectOption('#target', 'worker');
  await page.waitForSelector('article.store.unavailable[aria-label="alias kv"]');
  assert.match(await page.textContent('article[aria-label="alias kv"]'), /PermissionDenied/);

  await page.fill('#api-token', TOKEN);
  await page.dispatchEvent('#api-token', 'change');
  await page.waitForSelector('article[data-alias="kv"]');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('edgecache-api-token')), TOKEN);

  await command(page, '@kv set k hello-worker');
  await command(page, '@kv get k');
  const top = page.locator('#history li').first();
  assert.equal(await top.locator('.line code').textContent(), '>>> @kv get k');
  assert.equal(await top.locator('.result code').textContent(), "'hello-worker'");
  assert.match(await top.locator('.line').textContent(), /Worker/);

  const rows = await page.$$eval('article[data-alias="kv"] tbody tr', (trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
  // A filebased store knows its files, not the keys: the row is md5(':1:k').djcache.
  const name = `${createHash('md5').update(':1:k').digest('hex')}.djcache`;
  assert.equal(rows.length, 1);
  assert.equal(rows[0][1], name);
  assert.equal(rows[0][2], "'hello-worker'");
  assert.equal(await page.textContent('article[data-alias="kv"] [data-counter="sets"]'), '1');
  assert.equal(await page.textContent('article[data-alias="kv"] [data-counter="hits"]'), '1');

  // A Django error from the Worker is shown as the page shows local ones.
  await command(page, '@kv incr missing');
  assert.match(await page.locator('#history li').first().locator('.error').textContent(), /ValueError: Key '(:1:)?missing' not found/);

  // The value really is in the Worker's KV: Django's file, pickle(expiry) + zlib(pickle(value)).
  const kv = await worker.mf.getKVNamespace('EDGECACHE_KV');
  const { keys } = await kv.list();
  assert.ok(keys.some((k) => k.name.endsWith(name)), JSON.stringify(keys));
  const bytes = Buffer.from(await kv.get(keys.find((k) => k.name.endsWith(name)).name, 'arrayBuffer'));
  let pickled = null;
  for (let i = 0; i < bytes.length && pickled === null; i++) {
    if (bytes[i] !== 0x78) continue;
    try {
      pickled = inflateSync(bytes.subarray(i));
    } catch {}
  }
  assert.ok(pickled?.includes(Buffer.from('hello-worker')), 'the KV value holds the pickled string');

  await page.screenshot({ path: join(root, 'www/tests/artifacts/worker-target.png'), fullPage: true });

  // Back to the page's own session: its tables are the local ones again.
  await page.selectOption('#target', 'local');
  await page.waitForSelector('article[data-alias="default"]');
  assert.equal(await page.locator('article[data-alias="kv"]').count(), 0);
  assert.deepEqual(problems, []);
});

test('served elsewhere, ?api= points the page at the Worker (CORS), the token from the panel', { skip }, async (t) => {
  // www/ from a plain static server on another loopback port: a cross-origin API.
  const www = join(root, 'www/');
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };
  const server = createServer(async (req, res) => {
    let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(www, path));
    if (!file.startsWith(www)) return res.writeHead(404).end();
    try {
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(await readFile(file));
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(`http://127.0.0.1:${server.address().port}/?api=${encodeURIComponent(worker.url.href)}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  await page.locator('#worker-panel').waitFor({ state: 'visible' });
  await page.fill('#api-token', TOKEN);
  await page.dispatchEvent('#api-token', 'change');
  await page.selectOption('#target', 'worker');
  await page.waitForFunction(() => /on the Worker/.test(document.querySelector('article[data-alias="default"] h3')?.textContent ?? ''));
  assert.match(await page.textContent('article[data-alias="default"] h3'), /locmem on the Worker/);
  await command(page, 'set n 41');
  await command(page, 'incr n');
  assert.equal(await page.locator('#history li').first().locator('.result code').textContent(), '42');
  const rows = await page.$$eval('article[data-alias="default"] tbody tr .full-key', (nodes) => nodes.map((n) => n.textContent));
  assert.deepEqual(rows, [':1:n']);
  assert.deepEqual(problems, []);
});
