// The playground in a real browser: Debian's headless Chromium driven by playwright-core,
// the page served from www/ by a static server started here on a free loopback port.
// Needs `npm run build` first (it fills www/vendor/). Screenshots go to www/tests/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { extname, join, normalize, sep } from 'node:path';
import { chromium } from 'playwright-core';
import { parse } from '../../tests/js/support/json.mjs';
import { diffResults } from '../../tests/js/support/compare.mjs';

const www = fileURLToPath(new URL('../', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));
const artifacts = fileURLToPath(new URL('artifacts/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const PYTHON = process.env.EDGECACHE_PYTHON ?? join(root, '.venv/bin/python');
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
};
const skip = !existsSync(CHROMIUM)
  ? `no ${CHROMIUM}`
  : !existsSync(join(www, 'vendor/dist/edgecache_core_bg.wasm')) && 'www/vendor/ is empty: run `npm run build` first';

let server;
let browser;
let base;

before(async () => {
  if (skip) return;
  await mkdir(artifacts, { recursive: true });
  server = createServer(async (req, res) => {
    let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(www, path));
    if (!file.startsWith(www) || file.includes(`${sep}tests${sep}`)) return res.writeHead(404).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

/** A fresh page (its own storage) with the playground loaded; collects page errors. */
async function open(t, url = base) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1100 } });
  t.after(() => context.close());
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && !/favicon|api\/config|404/.test(m.text()) && problems.push(m.text()));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  return { page, problems };
}

async function paste(page, text) {
  await page.fill('#config', text);
  await page.click('#apply');
}

async function command(page, line) {
  const before = await page.locator('#history li').count();
  await page.fill('#console-input', line);
  await page.press('#console-input', 'Enter');
  await page.waitForFunction((n) => document.querySelectorAll('#history li').length > n, before);
}

/** Clicks an example and waits for its commands (the last one is `last`) to have run. */
async function example(page, id, last, count) {
  await page.click(`button[data-example="${id}"]`);
  await page.waitForFunction(
    ([n, line]) => document.querySelectorAll('#history li').length === n &&
      document.querySelector('#history li .line code').textContent === `>>> ${line}`,
    [count, last],
  );
}

const tableKeys = (page, alias = 'default') =>
  page.$$eval(`article[data-alias="${alias}"] tbody tr:not(.culled) .full-key`, (nodes) => nodes.map((n) => n.textContent));
const culledKeys = (page, alias = 'default') =>
  page.$$eval(`article[data-alias="${alias}"] tbody tr.culled .full-key`, (nodes) => nodes.map((n) => n.textContent));

const BROKEN = `CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCach",
        "LOCATION": "lru",
        "TIMEOUT": 60,
        "OPTIONS": {"MAX_ENTRIES": 4, "CULL_FREQUENCY": 2},
    },
    "v2": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "lru",
        "VERSION": 2,
        "OPTIONS": {"MAX_ENTRIES": 4, "CULL_FREQUENCY": 2},
    },
}
`;
const FIXED = BROKEN.replace('LocMemCach"', 'LocMemCache"');

test('a settings error is shown at its line, naming the field; the fix is accepted', { skip }, async (t) => {
  const { page, problems } = await open(t);
  await paste(page, BROKEN);
  const box = page.locator('#config-error');
  await box.waitFor({ state: 'visible' });
  const text = await box.textContent();
  assert.match(text, /Line 3/);
  assert.match(text, /BACKEND/);
  assert.match(text, /alias 'default'/);
  assert.equal(await page.locator('#gutter .error').textContent(), '⚠ 3');
  assert.equal(await page.getAttribute('#config', 'aria-invalid'), 'true');
  await page.screenshot({ path: join(artifacts, 'settings-error.png'), fullPage: true });
  await paste(page, FIXED);
  await box.waitFor({ state: 'hidden' });
  assert.match(await page.textContent('#status'), /Session ready: 2 aliases/);
  assert.deepEqual(problems, []);
});

test('culling, expiry and a trace that real Django agrees with', { skip }, async (t) => {
  const { page, problems } = await open(t);
  await paste(page, FIXED);
  await page.locator('#config-error').waitFor({ state: 'hidden' });
  for (const line of ['set a 1', 'set b 2', 'set c 3', 'get a', 'set d 4']) await command(page, line);
  assert.deepEqual(await tableKeys(page), [':1:d', ':1:a', ':1:c', ':1:b']);
  // The store is full (4 >= MAX_ENTRIES 4): the next write culls 4 // 2 = 2 least recently used.
  await command(page, 'set e 5');
  assert.deepEqual(await tableKeys(page), [':1:e', ':1:d', ':1:a']);
  assert.deepEqual(await culledKeys(page), [':1:b', ':1:c']);
  const note = await page.locator('article[data-alias="default"] .cull-note.fresh').textContent();
  assert.match(note, /4 entries ≥ MAX_ENTRIES 4, so 4 \/\/ CULL_FREQUENCY 2 = 2 go/);
  assert.match(await page.locator('#history li').first().textContent(), /culled 2/);
  // The v2 alias shares the store: it sees the same entries, and its own versioned keys.
  assert.deepEqual(await tableKeys(page, 'v2'), [':1:e', ':1:d', ':1:a']);
  await command(page, '@v2 set a two');
  assert.match(await page.locator('#history li').first().textContent(), /:2:a/);
  await page.screenshot({ path: join(artifacts, 'culling.png'), fullPage: true });

  // Expiry on the virtual clock: `short` lives 5 seconds.
  await command(page, 'set short x 5');
  const ttl = page.locator('article[data-alias="default"] tr', { hasText: ':1:short' }).locator('.ttl');
  assert.equal(await ttl.textContent(), '5 s');
  await page.click('button[data-advance="1"]');
  await page.waitForFunction(() => document.querySelector('#clock').textContent.startsWith('+1 s'));
  assert.equal(await ttl.textContent(), '4 s');
  await command(page, 'advance 4');
  assert.match(await ttl.textContent(), /^expired/);
  await command(page, 'get short');
  assert.equal(await page.locator('#history li').first().locator('.result').textContent(), 'None');
  assert.equal(await page.locator('article[data-alias="default"] tr', { hasText: ':1:short' }).count(), 0);
  await command(page, 'incr missing');
  assert.equal(await page.locator('#history li').first().locator('.error').textContent(), "ValueError: Key ':1:missing' not found");
  await command(page, "set 'a key' 1");
  assert.match(await page.locator('#history li').first().locator('.warning').textContent(), /CacheKeyWarning/);
  await command(page, 'dump');
  await page.screenshot({ path: join(artifacts, 'expiry.png'), fullPage: true });

  // Export, and run the trace through Django's cache.
  await page.click('#export');
  const trace = await page.inputValue('#trace-text');
  assert.match(await page.textContent('#export-notes'), /Exported 14 operations/);
  const shown = await page.evaluate(() => window.playground.state.history.map((h) => h.result.entry));
  const file = join(artifacts, 'playground-trace.json');
  await writeFile(file, trace);
  assert.deepEqual(problems, []);
  if (!existsSync(PYTHON)) {
    t.diagnostic(`no ${PYTHON}: the Django check was skipped (scripts/test.sh makes the venv)`);
    return;
  }
  const django = JSON.parse(execFileSync(PYTHON, [join(www, 'tests/django_trace.py'), file], { encoding: 'utf8' }));
  assert.equal(django.django_version, '5.2.19');
  const page_ = { results: shown.map((entry) => parse(entry)) };
  const expected = parse(JSON.stringify(django));
  assert.equal(page_.results.length, 14);
  assert.deepEqual(diffResults(expected, page_), []);
});

test('filebased on IndexedDB, db on SQLite (sql.js), redis unavailable with the reason', { skip }, async (t) => {
  const { page, problems } = await open(t);
  await example(page, 'filebased', 'set d 4', 8);
  const fileKeys = await tableKeys(page);
  assert.equal(fileKeys.length, 3, `filebased entries: ${fileKeys}`);
  assert.match(await page.locator('article[data-alias="default"] caption').textContent(), /default: 3 entries/);
  // filebased expires once expiry < now: at exactly its 10 s b still answers, a second later not.
  assert.equal(await page.locator('#history li').nth(4).locator('.result').textContent(), '2');
  assert.equal(await page.locator('#history li').nth(2).locator('.result').textContent(), 'None');
  await page.screenshot({ path: join(artifacts, 'filebased.png'), fullPage: true });

  await example(page, 'db', 'get c', 5);
  assert.match(await page.locator('article[data-alias="default"] caption').textContent(), /key ascending/);
  const dbKeys = await tableKeys(page);
  assert.deepEqual(dbKeys, [...dbKeys].sort(), 'db rows in cache_key order');
  assert.equal(await page.locator('#history li').first().locator('.result').textContent(), '3');
  await page.screenshot({ path: join(artifacts, 'db.png'), fullPage: true });

  await example(page, 'redis', '@local incr n 41', 2);
  const redis = await page.locator('article.unavailable').textContent();
  assert.match(redis, /Unavailable here/);
  assert.match(redis, /api\/config/);
  assert.equal(await page.locator('#history li').first().locator('.result').textContent(), '42');
  assert.deepEqual(problems, []);
});

test('a shared link replays the session; an imported trace runs', { skip }, async (t) => {
  const { page, problems } = await open(t);
  await example(page, 'versions', 'get greeting', 5);
  await page.click('#share');
  await page.waitForFunction(() => location.hash.startsWith('#s='));
  const link = await page.evaluate(() => location.href);
  const keys = await tableKeys(page);

  const { page: other, problems: otherProblems } = await open(t, link);
  await other.waitForFunction(() => document.querySelectorAll('#history li').length === 5);
  assert.deepEqual(await tableKeys(other), keys);
  assert.match(await other.textContent('#status'), /shared session: 5 operations/);

  const trace = await readFile(join(root, 'tests/conformance/traces/cull_frequency_2.json'), 'utf8');
  await other.fill('#trace-text', trace);
  await other.click('#import');
  await other.waitForFunction(() => /Imported trace 'cull_frequency_2'/.test(document.querySelector('#export-notes').textContent));
  const results = await other.evaluate(() => window.playground.state.history.map((h) => h.result.entry));
  const expected = parse(await readFile(join(root, 'tests/conformance/expected/locmem/cull_frequency_2.json'), 'utf8'));
  assert.deepEqual(diffResults(expected, { results: results.map((e) => parse(e)) }), []);
  await other.screenshot({ path: join(artifacts, 'imported.png'), fullPage: true });
  assert.deepEqual([...problems, ...otherProblems], []);
});

test('keyboard and screen reader basics: labels, live regions, focus order', { skip }, async (t) => {
  const { page } = await open(t);
  const unlabelled = await page.$$eval('input, select, textarea', (nodes) =>
    nodes.filter((n) => n.type !== 'file' && !n.labels?.length && !n.getAttribute('aria-label')).map((n) => n.id));
  assert.deepEqual(unlabelled, []);
  assert.equal(await page.getAttribute('#history', 'aria-live'), 'polite');
  assert.equal(await page.getAttribute('#config-error', 'role'), 'alert');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip');
  await page.keyboard.press('Enter');
  await page.keyboard.type('set k v');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('#history li').length === 7);
  assert.match(await page.locator('#history li').first().textContent(), />>> set k v/);
  await page.keyboard.press('ArrowUp');
  assert.equal(await page.inputValue('#console-input'), 'set k v');

  // The operation forms write a console line, which the core's console reads.
  await page.click('#forms summary');
  await page.selectOption('#op-name', 'set');
  await page.fill('#op-key', 'k2');
  await page.fill('#op-value', '[1, 2]');
  await page.fill('#op-timeout', '5');
  assert.equal(await page.textContent('#op-line'), 'set k2 [1, 2] timeout=5');
  await page.click('#op-form button[type="submit"]');
  await page.waitForFunction(() => document.querySelectorAll('#history li').length === 8);
  await page.selectOption('#op-name', 'incr_version');
  assert.equal(await page.isVisible('#op-value'), false);
  await page.click('#op-form button[type="submit"]');
  await page.waitForFunction(() => document.querySelectorAll('#history li').length === 9);
  const last = page.locator('#history li').first();
  assert.equal(await last.locator('.result').textContent(), '2');
  assert.match(await last.locator('.keys').textContent(), /:1:k2/);
  // set k2 found the store full (k e d a) and culled a, d; incr_version moved k2 to version 2.
  assert.deepEqual(await tableKeys(page), [':2:k2', ':1:k', ':1:e']);
});

test('works offline once loaded (service worker)', { skip }, async (t) => {
  const { page, problems } = await open(t);
  await page.evaluate(() => navigator.serviceWorker.ready);
  // The first load was not controlled; reload once so the worker has cached everything.
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  await page.context().setOffline(true);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  await command(page, 'get a');
  assert.equal(await page.locator('#history li').first().locator('.result').textContent(), '1');
  await page.context().setOffline(false);
  assert.deepEqual(problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch/.test(p)), []);
});

test('the chart shows each alias\'s stats(): awaited operations and get_or_set computations', { skip }, async (t) => {
  const { page, problems } = await open(t);
  await paste(page, `CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "files": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": "stats-files"},
}`);
  // Opening IndexedDB takes a while: a command typed before the session is ready would be
  // wiped from the history when it is.
  await page.waitForFunction(() => /Session ready: 2 aliases \(default, files\)/.test(document.querySelector('#status').textContent));
  await command(page, 'get_or_set a 1');
  await command(page, 'get_or_set a 2');
  await command(page, '@files set x 1');
  await command(page, '@files get x');
  const cell = (alias, stat) => page.locator(`#stats-table tr[data-alias="${alias}"] td[data-stat="${stat}"]`).textContent();
  assert.equal(await cell('default', 'get_or_set computed'), '1');
  assert.equal(await cell('default', 'awaited ops'), '0', 'locmem is never timed');
  assert.ok(Number(await cell('files', 'awaited ops')) >= 2, 'IndexedDB operations are timed');
  assert.deepEqual(problems, []);
});
