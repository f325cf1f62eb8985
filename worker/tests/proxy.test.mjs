// Proxy mode in front of a live Django 5.2.19 site (worker/tests/django_site/, runserver's server on a
// free loopback port) that shares a real redis-server with the Worker (through the edgecache
// bridge): pages are cached at the edge under the keys Django computes, Django purges them,
// Django's cache sessions are read and written at the edge, and what Django's middleware does
// not store is not stored at the edge either.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startWorker } from './support/harness.mjs';
import {
  edgecachePath, pythonPath, redisCommand, redisServerPath, startBridge, startDjango, startRedis,
} from './support/servers.mjs';

const siteDir = fileURLToPath(new URL('./django_site/', import.meta.url));
const missing = !redisServerPath()
  ? 'redis-server is not installed (scripts/test.sh installs it)'
  : !edgecachePath()
    ? 'the edgecache command is not built (cargo build -p edgecache-bridge, or set EDGECACHE_BIN)'
    : !pythonPath()
      ? 'the .venv with Django is missing (scripts/test.sh makes it)'
      : false;

// The public host the tests use; Django sees it as X-Forwarded-Host (USE_X_FORWARDED_HOST).
const PUBLIC = 'http://localhost';

test('the Worker in front of a Django site', { skip: missing }, async (t) => {
  const redis = await startRedis();
  t.after(redis.stop);
  const token = 'proxy-test-token';
  const bridge = await startBridge(['--redis', `${redis.url}/0`], token);
  t.after(bridge.stop);
  const django = await startDjango(siteDir, 'edge_settings', {
    EDGE_TEST_REDIS_URL: `${redis.url}/0`,
  });
  t.after(django.stop);
  const vars = {
    EDGECACHE_ENV: 'development',
    EDGECACHE_BRIDGE_URL: bridge.url,
    EDGECACHE_BRIDGE_TOKEN: token,
    EDGECACHE_CACHES: JSON.stringify({
      default: { BACKEND: 'django.core.cache.backends.redis.RedisCache', LOCATION: `${redis.url}/0` },
    }),
    ORIGIN_URL: django.url,
    CACHE_MIDDLEWARE_KEY_PREFIX: 'edge',
    CACHE_MIDDLEWARE_SECONDS: '30',
  };
  const worker = await startWorker({ testClock: false, vars });
  t.after(() => worker.dispose());

  const edge = async (path, { method = 'GET', headers = {}, body } = {}) => {
    const response = await worker.mf.dispatchFetch(`${PUBLIC}${path}`, {
      method, headers, body, redirect: 'manual',
    });
    const text = await response.text();
    return { status: response.status, text, headers: response.headers, edge: response.headers.get('x-edgecache') };
  };
  // Django directly (not through the edge), as the public host.
  const site = async (path, headers = {}) => {
    const response = await fetch(`${django.url}${path}`, {
      headers: { 'X-Forwarded-Host': 'localhost', ...headers },
    });
    return { status: response.status, headers: response.headers, json: await response.json().catch(() => null) };
  };
  const keysOf = async (path, variant) =>
    (await site(`/_keys/?url=${encodeURIComponent(PUBLIC + path)}${variant ? `&variant=${variant}` : ''}`)).json;

  await t.test("pages are cached at the edge under the keys Django computes", async () => {
    const first = await edge('/page/');
    assert.equal(first.status, 200);
    assert.equal(first.edge, 'miss');
    assert.equal(first.text, '/page/ render 1');
    const second = await edge('/page/');
    assert.equal(second.edge, 'hit');
    assert.equal(second.text, '/page/ render 1');
    assert.match(second.headers.get('cache-control'), /max-age=30/);
    // Django's get_cache_key finds the edge's page entry, and so does Redis under Django's key.
    const keys = await keysOf('/page/');
    assert.match(keys.page_key, /^:1:views\.decorators\.cache\.cache_page\.edge\.GET\.[0-9a-f]{32}\.d41d8cd98f00b204e9800998ecf8427e\.en-us\.America\/Chicago$/);
    assert.equal(keys.type, 'dict');
    assert.equal(keys.value.$response.content, '/page/ render 1');
    assert.equal(keys.value.$response.status, 200);
    assert.equal((await redisCommand(redis.port, 'EXISTS', keys.page_key)).toString(), ':1\r\n');
    assert.equal((await redisCommand(redis.port, 'EXISTS', keys.header_key)).toString(), ':1\r\n');
    const ttl = Number((await redisCommand(redis.port, 'TTL', keys.page_key)).toString().slice(1));
    assert.ok(ttl > 25 && ttl <= 30, `TTL ${ttl}`);
  });

  await t.test('HEAD is served from the GET entry', async () => {
    const head = await edge('/page/', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.edge, 'hit');
    assert.equal(head.text, '');
    assert.equal(head.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal((await edge('/page/')).text, '/page/ render 1');
  });

  await t.test('max-age beats CACHE_MIDDLEWARE_SECONDS, and a hit carries Age', async () => {
    assert.equal((await edge('/max-age/')).edge, 'miss');
    const hit = await edge('/max-age/');
    assert.equal(hit.edge, 'hit');
    assert.equal(hit.text, '/max-age/ render 1');
    assert.match(hit.headers.get('age'), /^[0-2]$/);
    const ttl = Number((await redisCommand(redis.port, 'TTL', (await keysOf('/max-age/')).page_key)).toString().slice(1));
    assert.ok(ttl > 95 && ttl <= 100, `TTL ${ttl}`);
  });

  await t.test('Django purges a page and the edge misses next time', async () => {
    const purged = (await site(`/_purge/?url=${encodeURIComponent(`${PUBLIC}/page/`)}`)).json;
    const keys = await keysOf('/page/');
    assert.equal(keys.page_key, null);
    assert.ok(purged.deleted.includes(keys.header_key), JSON.stringify(purged));
    assert.equal(purged.deleted.length, 3); // the GET and HEAD page keys and the header list
    const after = await edge('/page/');
    assert.equal(after.edge, 'miss');
    assert.equal(after.text, '/page/ render 2');
    assert.equal((await edge('/page/')).edge, 'hit');
  });

  await t.test('Vary variants are cached apart and purged by variant', async () => {
    const a = { headers: { 'X-Variant': 'a' } };
    const b = { headers: { 'X-Variant': 'b' } };
    assert.equal((await edge('/vary/', a)).edge, 'miss');
    assert.equal((await edge('/vary/', b)).edge, 'miss');
    const hitA = await edge('/vary/', a);
    assert.equal(hitA.edge, 'hit');
    assert.equal(hitA.text, '/vary/ render 1 for a');
    assert.equal((await edge('/vary/', b)).text, '/vary/ render 2 for b');
    assert.notEqual((await keysOf('/vary/', 'a')).page_key, (await keysOf('/vary/', 'b')).page_key);
    await site(`/_purge/?url=${encodeURIComponent(`${PUBLIC}/vary/`)}&variant=a&variant=b`);
    assert.equal((await edge('/vary/', b)).text, '/vary/ render 3 for b');
    assert.equal((await edge('/vary/', a)).text, '/vary/ render 4 for a');
  });

  await t.test('cookies with Vary: Cookie, Vary: *, private, no-store, errors and POST are not cached', async () => {
    for (const path of ['/cookie/', '/vary-star/', '/private/', '/no-store/']) {
      const first = await edge(path);
      const second = await edge(path);
      assert.equal(first.edge, 'bypass', path);
      assert.equal(second.edge, 'bypass', path);
      assert.equal(second.text, `${path} render 2`);
      assert.equal((await keysOf(path)).page_key, null, path);
    }
    const cookie = await edge('/cookie/');
    assert.match(cookie.headers.get('set-cookie'), /^flavour=oat; Path=\//);
    const error = await edge('/error/');
    assert.equal(error.status, 500);
    assert.equal(error.edge, 'bypass');
    assert.equal(error.text, '/error/ render 1 boom');
    assert.equal((await edge('/error/')).text, '/error/ render 2 boom');
    const post = await edge('/post/', { method: 'POST', body: 'x=1' });
    assert.equal(post.edge, 'bypass');
    assert.equal(post.text, '/post/ render 1 POST x=1');
    assert.equal((await edge('/post/')).edge, 'miss'); // a GET of the same URL is looked up
  });

  await t.test("a cookie without Vary: Cookie is stored, and a hit sends the same Set-Cookie line", async () => {
    const first = await edge('/cookie-cached/');
    assert.equal(first.edge, 'miss');
    const line = first.headers.get('set-cookie');
    assert.match(line, /^seen=yes; expires=.*; HttpOnly; Max-Age=60; Path=\/$/);
    const hit = await edge('/cookie-cached/');
    assert.equal(hit.edge, 'hit');
    assert.equal(hit.text, '/cookie-cached/ render 1');
    assert.equal(hit.headers.get('set-cookie'), line);
  });

  await t.test('streaming responses pass through uncached', async () => {
    const first = await edge('/stream/');
    assert.equal(first.edge, 'bypass');
    assert.equal(first.text, 'chunk 0 of render 1\nchunk 1 of render 1\nchunk 2 of render 1\n');
    assert.equal((await edge('/stream/')).text.split('\n')[0], 'chunk 0 of render 2');
  });

  await t.test("a page Django's middleware cached is found by key, and re-stored at the edge", async () => {
    const direct = await site('/django-cached/');
    assert.equal(direct.status, 200);
    assert.equal((await keysOf('/django-cached/')).type, 'HttpResponse');
    // The pickled HttpResponse is not a page entry: the edge misses and stores its own.
    const first = await edge('/django-cached/');
    assert.equal(first.edge, 'miss');
    assert.equal(first.text, '/django-cached/ render 1'); // Django served it from its cache
    assert.equal((await keysOf('/django-cached/')).type, 'dict');
    assert.equal((await edge('/django-cached/')).edge, 'hit');
  });

  await t.test('Django sessions are read and written at the edge', async () => {
    const created = await fetch(`${django.url}/_session/?color=blue`);
    const key = (await created.json()).session_key;
    assert.match(key, /^[a-z0-9]{32}$/);
    const cookie = { Cookie: `sessionid=${key}` };
    const read = await worker.api('/api/session', { headers: cookie });
    assert.equal(read.status, 200, read.text);
    const session = JSON.parse(read.text);
    assert.equal(session.session_key, key);
    assert.equal(session.cache_key, `:1:django.contrib.sessions.cache${key}`);
    assert.deepEqual(session.data, { color: 'blue' });
    const written = await worker.api('/api/session', {
      method: 'POST', headers: cookie, body: { set: { size: 3, pair: { $tuple: [1, 2] } } },
    });
    assert.equal(written.status, 200, written.text);
    assert.equal(written.headers.get('set-cookie'), null);
    const seen = (await site('/_session/', cookie)).json;
    assert.deepEqual(seen.data, { color: 'blue', size: 3, pair: [1, 2] });
    // No cookie: the edge creates the session, and Django reads it by the new cookie.
    const fresh = await worker.api('/api/session', { method: 'POST', body: { set: { from: 'edge' } } });
    const line = fresh.headers.get('set-cookie');
    assert.match(line, /^sessionid=[a-z0-9]{32}; HttpOnly; Max-Age=1209600; Path=\/; SameSite=Lax$/);
    const freshKey = line.slice('sessionid='.length, line.indexOf(';'));
    assert.equal(JSON.parse(fresh.text).session_key, freshKey);
    const ttl = Number((await redisCommand(redis.port, 'TTL', `:1:django.contrib.sessions.cache${freshKey}`)).toString().slice(1));
    assert.ok(ttl > 1209590, `TTL ${ttl}`);
    assert.deepEqual((await site('/_session/', { Cookie: `sessionid=${freshKey}` })).json.data, { from: 'edge' });
    const stale = JSON.parse((await worker.api('/api/session', { headers: { Cookie: 'sessionid=nosuchsession1' } })).text);
    assert.equal(stale.session_key, null);
  });

  await t.test('the session API is closed in production without the token', async () => {
    const closed = await startWorker({ testClock: false, vars: { ...vars, EDGECACHE_ENV: 'production' } });
    try {
      assert.equal((await closed.api('/api/session')).status, 401);
      const open = await startWorker({
        testClock: false, vars: { ...vars, EDGECACHE_ENV: 'production', EDGECACHE_API_TOKEN: 'secret' },
      });
      try {
        assert.equal((await open.api('/api/session', { token: 'secret' })).status, 200);
      } finally {
        await open.dispose();
      }
    } finally {
      await closed.dispose();
    }
  });

  await t.test('a bad setting is an error naming the var and the value', async () => {
    const bad = await startWorker({ testClock: false, vars: { ...vars, CACHE_MIDDLEWARE_SECONDS: 'ten' } });
    try {
      const response = await bad.mf.dispatchFetch(`${PUBLIC}/page/`);
      assert.equal(response.status, 500);
      assert.match(await response.text(), /CACHE_MIDDLEWARE_SECONDS: 'ten' is not a number/);
      const origin = await startWorker({ testClock: false, vars: { ...vars, ORIGIN_URL: 'ftp://origin' } });
      try {
        assert.match((await origin.api('/api/config')).text, /ORIGIN_URL: \\"ftp:\/\/origin\\" is not an http:\/\/ or https:\/\/ URL/);
      } finally {
        await origin.dispose();
      }
      const alias = await startWorker({ testClock: false, vars: { ...vars, CACHE_MIDDLEWARE_ALIAS: 'pages' } });
      try {
        const config = await alias.api('/api/config');
        assert.match(config.text, /CACHE_MIDDLEWARE_ALIAS: \\"pages\\" is not an alias of CACHES \(default\)/);
      } finally {
        await alias.dispose();
      }
    } finally {
      await bad.dispose();
    }
  });
});
