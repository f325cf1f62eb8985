// The component's `http` interface from JavaScript: Django's header utilities and the cache
// middleware's two phases around a view, on jco's transpiled output (`npm run transpile`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, http } from './gen/edgecache.js';
import { encode } from './value.js';

test("the header utilities are Django's, and their errors are typed", () => {
  assert.deepEqual(http.patchVaryHeaders([['Vary', 'Cookie']], ['Accept-Encoding', 'cookie']), [
    ['Vary', 'Cookie, Accept-Encoding'],
  ]);
  assert.equal(http.hasVaryHeader([['vary', 'Cookie, Accept']], 'accept'), true);
  assert.deepEqual(http.getMaxAge([['Cache-Control', 'public, max-age=30']]), { tag: 'int', val: 30n });
  assert.throws(
    () => http.patchVaryHeaders([], ['bad\nheader']),
    (error) => error.payload?.tag === 'other' && error.payload.val.pythonType === 'BadHeaderError',
  );
});

test('a page goes through the middleware into the cache and comes back from it', () => {
  const caches = api.Caches.parse("{'default': {'BACKEND': 'locmem'}}");
  const settings = encode(new Map([['ALLOWED_HOSTS', ['*']]]));
  const layer = new http.Layer(caches, settings);
  const request = {
    method: 'GET',
    secure: false,
    path: '/page/',
    query: '',
    meta: [['SERVER_NAME', 'testserver'], ['SERVER_PORT', '80']],
    languageCode: undefined,
    language: undefined,
    timeZone: undefined,
  };
  const middleware = { tag: 'cache-page', val: { timeout: encode(60), cache: undefined, keyPrefix: undefined } };

  let [fetched] = layer.processRequest(middleware, request);
  assert.deepEqual(fetched, { tag: 'ok', val: { tag: 'miss', val: true } });
  const view = { status: 200n, headers: [['Content-Type', 'text/html; charset=utf-8']], content: 'hello', cookies: [], streaming: false };
  const [sent] = layer.processResponse(middleware, request, view, true);
  assert.equal(sent.tag, 'ok');
  assert.ok(sent.val.headers.some(([name, value]) => name === 'Cache-Control' && value === 'max-age=60'));

  [fetched] = layer.processRequest(middleware, request);
  assert.equal(fetched.tag, 'ok');
  assert.equal(fetched.val.tag, 'hit');
  assert.equal(fetched.val.val.content, 'hello');
});
