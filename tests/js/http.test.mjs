// The HTTP layer as a JavaScript user sees it: page caching around views, page keys, header
// utilities over every header form, typed errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  createCaches, patchCacheControl, patchVaryHeaders, hasVaryHeader, getMaxAge,
  makeTemplateFragmentKey, DisallowedHost, BadHeaderError, ValueError, CacheError,
} from 'edgecache';
import { MemoryKv } from './support/memory-kv.mjs';

const LOCMEM = 'django.core.cache.backends.locmem.LocMemCache';

function setup(settings = { ALLOWED_HOSTS: ['example.com'] }, caches = undefined) {
  const clock = { now: 1_700_000_000 };
  const all = createCaches(caches ?? { default: { BACKEND: LOCMEM, LOCATION: `h${Math.random()}` } }, {
    clock: () => clock.now,
    stores: { '/kv': new MemoryKv() },
  });
  return { caches: all, http: all.http(settings), clock };
}

/** A view counting its calls; async, as most JS views are. */
function counting(response = () => ({})) {
  const view = async (request) => {
    view.calls += 1;
    return { content: `body#${view.calls}`, ...response(request) };
  };
  view.calls = 0;
  return view;
}

const request = (extra = {}) => ({ method: 'GET', host: 'example.com', path: '/page/', ...extra });

test('cachePage: a miss calls the view and stores the page; a hit has Age', async () => {
  const { http, clock } = setup();
  const view = counting(() => ({ headers: { 'X-View': 'yes' } }));
  const page = http.cachePage(30)(view);
  const first = await page(request());
  assert.equal(first.content, 'body#1');
  assert.equal(first.status, 200);
  assert.deepEqual(Object.keys(first.headers), ['Content-Type', 'X-View', 'Expires', 'Cache-Control']);
  assert.equal(first.headers['Cache-Control'], 'max-age=30');
  clock.now += 10;
  const second = await page(request());
  assert.equal(view.calls, 1);
  assert.equal(second.content, 'body#1');
  assert.equal(second.headers.Age, '10');
  clock.now += 21;
  assert.equal((await page(request())).content, 'body#2');
});

test('cachePage: POST, private and non-200 responses are not cached', async () => {
  const { http } = setup();
  const post = counting();
  const page = http.cachePage(30)(post);
  await page(request({ method: 'POST' }));
  await page(request({ method: 'POST' }));
  assert.equal(post.calls, 2);
  const priv = counting(() => ({ headers: { 'Cache-Control': 'private' } }));
  await http.cachePage(30)(priv)(request({ path: '/p/' }));
  await http.cachePage(30)(priv)(request({ path: '/p/' }));
  assert.equal(priv.calls, 2);
  const missing = counting(() => ({ status: 404 }));
  const notFound = await http.cachePage(30)(missing)(request({ path: '/404/' }));
  assert.equal(notFound.status, 404);
  await http.cachePage(30)(missing)(request({ path: '/404/' }));
  assert.equal(missing.calls, 2);
});

test('a Fetch Request works as the request; the query string is part of the key', async () => {
  const { http } = setup();
  const view = counting((req) => ({ content: new URL(req.url).search }));
  const page = http.cachePage(60)(view);
  assert.equal((await page(new Request('https://example.com/a/?x=1'))).content, '?x=1');
  assert.equal((await page(new Request('https://example.com/a/?x=1'))).content, '?x=1');
  assert.equal((await page(new Request('https://example.com/a/?x=2'))).content, '?x=2');
  assert.equal(view.calls, 2);
});

test('Vary: the page key follows the headers the response varies on', async () => {
  const { http } = setup();
  const view = counting();
  const page = http.cachePage(60)(http.varyOnHeaders('X-Variant')(view));
  const en = { headers: { 'X-Variant': 'en' } };
  const fr = { headers: { 'x-variant': 'fr' } };
  assert.equal((await page(request(en))).headers.Vary, 'X-Variant');
  await page(request(en));
  await page(request(fr));
  assert.equal(view.calls, 2);
});

test('neverCache, cacheControl and varyOnCookie decorate views as in Django', async () => {
  const { http } = setup();
  const never = counting();
  const page = http.cachePage(60)(http.neverCache(never));
  const response = await page(request());
  assert.equal(response.headers['Cache-Control'], 'max-age=0, no-cache, no-store, must-revalidate, private');
  await page(request());
  assert.equal(never.calls, 2);
  const controlled = await http.cacheControl({ maxAge: 5, mustRevalidate: true })(() => ({ content: '' }))(request());
  assert.equal(controlled.headers['Cache-Control'], 'max-age=5, must-revalidate');
  const cookie = await http.varyOnCookie(() => ({ headers: { Vary: 'Accept' } }))(request());
  assert.equal(cookie.headers.Vary, 'Accept, Cookie');
});

test('the site cache and the page keys follow the CACHE_MIDDLEWARE_* settings', async () => {
  const { http } = setup({
    ALLOWED_HOSTS: ['*'],
    CACHE_MIDDLEWARE_SECONDS: 45,
    CACHE_MIDDLEWARE_KEY_PREFIX: 'site',
    USE_I18N: false,
    USE_TZ: false,
  });
  const view = counting();
  const site = http.cacheSite(view);
  assert.equal((await site(request())).headers['Cache-Control'], 'max-age=45');
  await site(request());
  assert.equal(view.calls, 1);
  const key = await http.getCacheKey(request());
  const url = createHash('md5').update('http://example.com/page/').digest('hex');
  assert.equal(key, `views.decorators.cache.cache_page.site.GET.${url}.d41d8cd98f00b204e9800998ecf8427e`);
  const learned = await http.learnCacheKey(request({ path: '/other/' }), { headers: { Vary: 'Cookie' } });
  assert.equal(learned, await http.getCacheKey(request({ path: '/other/' })));
  assert.equal(await http.getCacheKey(request({ path: '/unknown/' })), null);
});

test('pages are cached in a filebased cache on a KV-shaped store', async () => {
  const { http } = setup(
    { ALLOWED_HOSTS: ['*'] },
    { default: { BACKEND: 'django.core.cache.backends.filebased.FileBasedCache', LOCATION: '/kv' } },
  );
  const view = counting();
  const page = http.cachePage(60)(view);
  await page(request());
  assert.equal((await page(request())).content, 'body#1');
  assert.equal(view.calls, 1);
});

test('errors are typed with Django names', async () => {
  const { http } = setup();
  const page = http.cachePage(60)(counting());
  await assert.rejects(page(request({ host: 'evil.org' })), (e) => e instanceof DisallowedHost && e instanceof CacheError &&
    e.message === "Invalid HTTP_HOST header: 'evil.org'. You may need to add 'evil.org' to ALLOWED_HOSTS.");
  assert.throws(() => patchCacheControl({ X: 'a\nb' }, { public: true }), (e) => e instanceof BadHeaderError && e instanceof ValueError);
  await assert.rejects(http.cachePage(60)(() => ({ status: 700 }))(request()), (e) => e instanceof ValueError &&
    e.message === 'HTTP status code must be an integer from 100 to 599.');
  await assert.rejects(http.cachePage(60)(() => 'text')(request()), TypeError);
});

test('header utilities work on objects, Maps, Fetch Headers and pairs, in place', () => {
  const object = { 'cache-control': 'private', 'X-A': '1' };
  assert.equal(patchCacheControl(object, { public: true, sMaxage: 10 }), object);
  assert.deepEqual(Object.entries(object), [['Cache-Control', 'public, s-maxage=10'], ['X-A', '1']]);
  const map = new Map([['Vary', 'Accept']]);
  patchVaryHeaders(map, ['Cookie', 'accept']);
  assert.deepEqual([...map], [['Vary', 'Accept, Cookie']]);
  assert.equal(hasVaryHeader(map, 'cookie'), true);
  const headers = new Headers([['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2'], ['Cache-Control', 'max-age=9']]);
  assert.equal(getMaxAge(headers), 9);
  patchCacheControl(headers, { public: true });
  assert.equal(headers.get('cache-control'), 'max-age=9, public');
  assert.deepEqual(headers.getSetCookie(), ['a=1', 'b=2']);
  const pairs = [['Cache-Control', 'max-age=x']];
  assert.equal(getMaxAge(pairs), null);
  assert.equal(getMaxAge([]), null);
});

test('patchResponseHeaders and addNeverCacheHeaders use the caches\' clock', () => {
  const { http } = setup({ USE_TZ: true });
  assert.deepEqual(http.patchResponseHeaders({}, 30), {
    Expires: 'Tue, 14 Nov 2023 22:13:50 GMT',
    'Cache-Control': 'max-age=30',
  });
  assert.equal(http.addNeverCacheHeaders({}).Expires, 'Tue, 14 Nov 2023 22:13:20 GMT');
});

test('makeTemplateFragmentKey hashes str() of each item', () => {
  const md5 = (text) => createHash('md5').update(text).digest('hex');
  assert.equal(makeTemplateFragmentKey('sidebar'), `template.cache.sidebar.${md5('')}`);
  assert.equal(makeTemplateFragmentKey('f', ['a', 1, true, null, 2.5]), `template.cache.f.${md5('a:1:True:None:2.5:')}`);
});
