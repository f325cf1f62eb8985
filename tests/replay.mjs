#!/usr/bin/env node
// Replays a conformance trace through the npm package's public API, as a user would call it,
// and prints the oracle's output document.
//
//   node tests/replay.mjs [--entry edgecache/memory] --backend locmem|dummy|filebased TRACE.json
//
// Python calls become JavaScript calls: positional and keyword arguments are bound to
// Django's signature here (a bad call is Python's TypeError), the trace's $tuple/$bytes/
// $float/$callable encodings become arrays, Uint8Arrays, numbers and functions, `advance`
// moves the clock given to createCaches, and `dump` reads cache.inspect().
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as full from 'edgecache';
import { KEY_ORDER, parse, stringify } from './js/support/json.mjs';
import { MemoryKv } from './js/support/memory-kv.mjs';

const ORACLE_START = 1_700_000_000;
export const BACKENDS = {
  locmem: 'django.core.cache.backends.locmem.LocMemCache',
  dummy: 'django.core.cache.backends.dummy.DummyCache',
  filebased: 'django.core.cache.backends.filebased.FileBasedCache',
};
/** Operations of the HTTP layer, run through `caches.http()`. */
export const HTTP_OPS = [
  'make_template_fragment_key', 'patch_cache_control', 'patch_vary_headers', 'has_vary_header',
  'get_max_age', 'patch_response_headers', 'add_never_cache_headers', 'learn_cache_key',
  'get_cache_key', 'request',
];
/** Operations the npm package cannot run (the db backend's DDL). */
export const UNSUPPORTED_OPS = ['createcachetable_sql'];
/** The package entries a trace can be replayed through, and the backends each has. */
export const ENTRIES = {
  edgecache: Object.keys(BACKENDS),
  'edgecache/memory': ['locmem', 'dummy'],
};
/** The entry's API module (`edgecache` is imported statically, the others on demand). */
const api = async (entry) => (entry === 'edgecache' ? full : import(entry));

class PyTypeError extends Error {
  name = 'TypeError';
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);

/** Trace argument encoding → JavaScript values. */
function decode(value) {
  if (Array.isArray(value)) return value.map(decode);
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const inner = value[keys[0]];
    if (keys[0] === '$tuple' && Array.isArray(inner)) return inner.map(decode);
    if (keys[0] === '$bytes' && typeof inner === 'string') {
      return Uint8Array.from(inner, (c) => c.charCodeAt(0) & 0xff);
    }
    if (keys[0] === '$float' && typeof inner === 'string') {
      return inner === 'inf' ? Infinity : inner === '-inf' ? -Infinity : Number(inner);
    }
    if (keys[0] === '$callable') return decode(inner);
  }
  const out = {};
  for (const k of keys) out[k] = decode(value[k]);
  return out;
}

/** A trace dict's keys in the order written. */
const keysOf = (raw) => raw?.[KEY_ORDER] ?? Object.keys(raw);

/** A trace dict as a Map, so its order (and Python's) survives. */
const orderedMap = (raw) => new Map(keysOf(raw).map((k) => [k, decode(raw[k])]));

/** A result as the oracle's jsonify writes it. */
function jsonify(value) {
  if (value === undefined || value === null) return null;
  if (value instanceof Uint8Array) return { $bytes: String.fromCharCode(...value) };
  if (Array.isArray(value)) return value.map(jsonify);
  if (typeof value === 'object') {
    const out = {};
    for (const k of Object.keys(value)) out[k] = jsonify(value[k]);
    return out;
  }
  return value;
}

/** Python's round(x, 6): the exact binary value, ties to even. */
function round6(x) {
  if (!Number.isFinite(x) || x === 0 || Math.abs(x) >= 1e15) return x;
  const exact = Math.abs(x).toFixed(100);
  const [whole, fraction] = exact.split('.');
  const kept = BigInt(whole + fraction.slice(0, 6));
  const rest = fraction.slice(6);
  const half = rest[0] === '5' && /^0*$/.test(rest.slice(1));
  let n = kept;
  if (half ? kept % 2n === 1n : rest[0] >= '5') n += 1n;
  const r = Number(n) / 1e6;
  return x < 0 ? -r : r;
}

/** Python's binding of arguments to `params` (a leading * marks a required one). */
function bind(method, params, op) {
  const args = Array.isArray(op.args) ? op.args : [];
  const kwargs = isObject(op.kwargs) ? op.kwargs : {};
  if (args.length > params.length) {
    throw new PyTypeError(`${method}() takes ${params.length + 1} positional arguments but ${args.length + 1} were given`);
  }
  const bound = params.map((_, n) => (n < args.length ? { v: args[n] } : undefined));
  for (const [key, v] of Object.entries(kwargs)) {
    const at = params.findIndex((p) => p.replace(/^\*/, '') === key);
    if (at < 0) throw new PyTypeError(`${method}() got an unexpected keyword argument '${key}'`);
    if (bound[at]) throw new PyTypeError(`${method}() got multiple values for argument '${key}'`);
    bound[at] = { v };
  }
  params.forEach((p, n) => {
    if (p.startsWith('*') && !bound[n]) {
      throw new PyTypeError(`${method}() missing 1 required positional argument: '${p.slice(1)}'`);
    }
  });
  return {
    value: (n) => (bound[n] ? decode(bound[n].v) : null),
    given: (n) => bound[n] !== undefined,
    // version=None and an omitted version both mean the cache's VERSION.
    version: (n) => (bound[n] ? decode(bound[n].v) ?? undefined : undefined),
    timeout: (n) => (bound[n] ? decode(bound[n].v) : undefined),
    delta: (n) => (bound[n] ? decode(bound[n].v) : 1),
    raw: (n) => bound[n]?.v,
  };
}

/** What Python iterates for a list of keys: lists and tuples, a dict's keys, a str's chars. */
function iterable(value, raw) {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (isObject(value) && !(isObject(raw) && '$bytes' in raw)) return keysOf(raw);
  if (value instanceof Uint8Array) return [...value];
  const type = value === null ? 'NoneType' : typeof value === 'boolean' ? 'bool' : Number.isInteger(value) ? 'int' : 'float';
  throw new PyTypeError(`'${type}' object is not iterable`);
}

function dumpOf(inspection, backend) {
  if (backend === 'dummy') return { count: 0 };
  const out = { count: inspection.count };
  if (inspection.order === 'most-recently-used first') out.order = inspection.order;
  if (inspection.entries && inspection.detail !== 'count') {
    out.entries = inspection.entries.map((e) => ({
      [backend === 'filebased' ? 'file' : 'key']: e.key,
      value: e.value,
      expires_in: e.ttl === null ? null : round6(e.ttl),
    }));
  }
  return out;
}

async function run(cache, name, op, clock) {
  const b = (method, params) => bind(method, params, op);
  switch (name) {
    case 'advance':
      clock.now += typeof op.seconds === 'number' ? op.seconds : Number(op.seconds?.$float ?? op.seconds ?? 0);
      return null;
    case 'now':
      return clock.now - ORACLE_START;
    case 'dump': {
      const detail = op.detail === 'count' ? 'count' : 'full';
      const inspection = await cache.inspect({ detail });
      const out = dumpOf(inspection, cache.backend);
      if (detail === 'count') delete out.entries;
      return out;
    }
    case 'contains':
      return cache.hasKey(b('__contains__', ['*key']).value(0));
    case 'get':
    case 'aget': {
      const a = b('get', ['*key', 'default', 'version']);
      return cache.get(a.value(0), a.value(1), { version: a.version(2) });
    }
    case 'set':
    case 'aset': {
      const a = b('set', ['*key', '*value', 'timeout', 'version']);
      await cache.set(a.value(0), a.value(1), { timeout: a.timeout(2), version: a.version(3) });
      return null;
    }
    case 'add':
    case 'aadd': {
      const a = b('add', ['*key', '*value', 'timeout', 'version']);
      return cache.add(a.value(0), a.value(1), { timeout: a.timeout(2), version: a.version(3) });
    }
    case 'get_or_set':
    case 'aget_or_set': {
      const a = b('get_or_set', ['*key', '*default', 'timeout', 'version']);
      const raw = a.raw(1);
      const callable = isObject(raw) && Object.keys(raw).length === 1 && '$callable' in raw;
      const value = a.value(1);
      return cache.getOrSet(a.value(0), callable ? () => value : value, {
        timeout: a.timeout(2),
        version: a.version(3),
      });
    }
    case 'get_many':
    case 'aget_many': {
      const a = b('get_many', ['*keys', 'version']);
      const keys = iterable(a.value(0), a.raw(0));
      const options = { version: a.version(1) };
      return name === 'get_many' ? cache.getMany(keys, options) : cache.agetMany(keys, options);
    }
    case 'set_many':
    case 'aset_many': {
      const a = b('set_many', ['*data', 'timeout', 'version']);
      const data = isObject(a.value(0)) ? orderedMap(a.raw(0)) : a.value(0);
      if (!(data instanceof Map)) throw new PyTypeError(`'${Array.isArray(data) ? 'list' : typeof data}' object has no attribute 'items'`);
      return cache.setMany(data, { timeout: a.timeout(1), version: a.version(2) });
    }
    case 'delete':
    case 'adelete': {
      const a = b('delete', ['*key', 'version']);
      return cache.delete(a.value(0), { version: a.version(1) });
    }
    case 'delete_many':
    case 'adelete_many': {
      const a = b('delete_many', ['*keys', 'version']);
      const keys = iterable(a.value(0), a.raw(0));
      const options = { version: a.version(1) };
      await (name === 'delete_many' ? cache.deleteMany(keys, options) : cache.adeleteMany(keys, options));
      return null;
    }
    case 'has_key': {
      const a = b('has_key', ['*key', 'version']);
      return cache.hasKey(a.value(0), { version: a.version(1) });
    }
    case 'ahas_key': {
      const a = b('ahas_key', ['*key', 'version']);
      return cache.ahasKey(a.value(0), { version: a.version(1) });
    }
    case 'incr':
    case 'decr':
    case 'aincr':
    case 'adecr': {
      const a = b('incr', ['*key', 'delta', 'version']);
      const method = { incr: 'incr', decr: 'decr', aincr: 'aincr', adecr: 'adecr' }[name];
      return cache[method](a.value(0), a.delta(1), { version: a.version(2) });
    }
    case 'touch':
    case 'atouch': {
      const a = b('touch', ['*key', 'timeout', 'version']);
      return cache.touch(a.value(0), { timeout: a.timeout(1), version: a.version(2) });
    }
    case 'clear':
    case 'aclear':
      b('clear', []);
      await cache.clear();
      return null;
    case 'close':
      await cache.close();
      return null;
    case 'aclose':
      return null;
    case 'incr_version':
    case 'decr_version':
    case 'aincr_version':
    case 'adecr_version': {
      const a = b('incr_version', ['*key', 'delta', 'version']);
      const method = name.endsWith('incr_version') ? 'incrVersion' : 'decrVersion';
      return cache[method](a.value(0), a.delta(1), { version: a.version(2) });
    }
    case 'make_key': {
      const a = b('make_key', ['*key', 'version']);
      return cache.makeKey(a.value(0), { version: a.version(1) });
    }
    case 'make_and_validate_key': {
      const a = b('make_and_validate_key', ['*key', 'version']);
      return cache.makeAndValidateKey(a.value(0), { version: a.version(1) });
    }
    case 'validate_key': {
      const a = b('validate_key', ['*key']);
      await cache.validateKey(a.value(0));
      return null;
    }
    case 'get_backend_timeout': {
      const a = b('get_backend_timeout', ['timeout']);
      return cache.getBackendTimeout(a.timeout(0));
    }
    default:
      throw Object.assign(new Error(`unknown op '${name}'`), { name: 'ValueError' });
  }
}

// ----- the HTTP layer, through caches.http() -----

const truthy = (v) =>
  !(v === undefined || v === null || v === false || v === 0 || v === 0n || v === '' ||
    (Array.isArray(v) && v.length === 0) || (v instanceof Uint8Array && v.length === 0) ||
    (isObject(v) && Object.keys(v).length === 0));

/** Python's str() of a decoded trace value, for the few places the replay builds text. */
const pyStr = (v) =>
  typeof v === 'string' ? v : v === null || v === undefined ? 'None' : typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v);

/** Python's repr() of a str (enough for the traces: quote choice, backslash escapes). */
function pyStrRepr(s) {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const c of s) {
    const n = c.codePointAt(0);
    if (c === '\\' || c === quote) out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (n < 0x20 || (n >= 0x7f && n <= 0xa0)) out += `\\x${n.toString(16).padStart(2, '0')}`;
    else out += c;
  }
  return out + quote;
}

/** Whether a raw trace value holds a Python float or tuple, which JavaScript values lose. */
const pythonTyped = (raw) =>
  Array.isArray(raw) ? raw.some(pythonTyped) : isObject(raw) && ('$tuple' in raw || '$float' in raw || Object.values(raw).some(pythonTyped));

/** Python's str() (`repr` inside containers) of a raw trace value, float text as written. */
function pyText(raw, nested = false) {
  if (raw === null) return 'None';
  if (typeof raw === 'boolean') return raw ? 'True' : 'False';
  if (typeof raw === 'string') return nested ? pyStrRepr(raw) : raw;
  if (Array.isArray(raw)) return `[${raw.map((v) => pyText(v, true)).join(', ')}]`;
  if (isObject(raw)) {
    const keys = keysOf(raw);
    if (keys.length === 1 && keys[0] === '$float') return raw.$float;
    if (keys.length === 1 && keys[0] === '$tuple' && Array.isArray(raw.$tuple)) {
      const items = raw.$tuple.map((v) => pyText(v, true));
      return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
    }
    return `{${keys.map((k) => `${pyStrRepr(k)}: ${pyText(raw[k], true)}`).join(', ')}}`;
  }
  return String(raw);
}

/** A trace dict as [name, value] pairs, in the order written. */
const pairsOf = (raw) => (isObject(raw) ? keysOf(raw).map((k) => [k, decode(raw[k])]) : []);

/** A trace dict as an object, in the order written. */
const objectOf = (raw) => Object.fromEntries(pairsOf(raw));

/** The oracle's HttpResponse("") with the op's headers: Content-Type first. */
const responseHeaders = (op) => [['Content-Type', 'text/html; charset=utf-8'], ...pairsOf(op.headers)];

const headerValue = (pairs, name) => pairs.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1] ?? null;

const headersObject = (headers) => Object.fromEntries(Array.isArray(headers) ? headers : Object.entries(headers ?? {}));

/** The oracle's build_request(spec) as a request object. */
function requestOf(raw) {
  const spec = isObject(raw) ? raw : {};
  const get = (k) => (spec[k] === undefined ? undefined : decode(spec[k]));
  return {
    method: get('method'),
    scheme: get('scheme'),
    host: get('host'),
    path: get('path'),
    query: get('query'),
    headers: pairsOf(spec.headers),
    meta: pairsOf(spec.meta),
    languageCode: get('language_code'),
    language: get('language'),
    timeZone: get('timezone'),
  };
}

/** The oracle's build_response(spec, stamp) as a response object. */
function responseOf(raw, stamp) {
  const spec = isObject(raw) ? raw : {};
  let content = spec.content === undefined ? 'content' : pyStr(decode(spec.content));
  if (stamp && (spec.stamp === undefined || truthy(decode(spec.stamp)))) content = `${content}#${stamp()}`;
  return {
    status: spec.status === undefined ? 200 : decode(spec.status),
    content,
    headers: pairsOf(spec.headers),
    cookies: pairsOf(spec.cookies),
    streaming: truthy(decode(spec.streaming)),
  };
}

/** The view of a `request` op: its response with the spec's decorators, innermost first. */
function viewOf(http, rawSpec, ctx) {
  const spec = isObject(rawSpec) ? rawSpec : {};
  return async (request) => {
    const response = responseOf(isObject(spec.response) ? spec.response : spec, () => ++ctx.viewCalls);
    ctx.viewCalled = true;
    let view = () => response;
    for (const deco of Array.isArray(spec.decorators) ? spec.decorators : []) {
      if (!isObject(deco)) continue;
      if ('cache_control' in deco) view = http.cacheControl(objectOf(deco.cache_control))(view);
      if (truthy(decode(deco.never_cache))) view = http.neverCache(view);
      if ('vary_on_headers' in deco) {
        view = http.varyOnHeaders(...iterable(decode(deco.vary_on_headers), deco.vary_on_headers).map(pyStr))(view);
      }
      if (truthy(decode(deco.vary_on_cookie))) view = http.varyOnCookie(view);
    }
    return view(request);
  };
}

/** The oracle's response_to_json. */
function responseJson(response, viewCalled) {
  const out = { status: response.status, headers: headersObject(response.headers) };
  const cookies = Object.entries(headersObject(response.cookies)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (cookies.length) out.cookies = Object.fromEntries(cookies);
  if (response.streaming) out.streaming = true;
  else out.content = response.content;
  out.view_called = viewCalled;
  return out;
}

async function runRequest(http, op, ctx) {
  const hk = isObject(op.handler_kwargs) ? op.handler_kwargs : {};
  const kw = (name) => (hk[name] === undefined ? undefined : decode(hk[name]));
  const handler = op.handler === undefined ? 'cache_page' : pyStr(decode(op.handler));
  const view = viewOf(http, op.view, ctx);
  let page;
  if (handler === 'cache_page') {
    page = http.cachePage(hk.timeout === undefined ? 60 : kw('timeout'), { cache: kw('cache'), keyPrefix: kw('key_prefix') })(view);
  } else if (handler === 'site') {
    page = http.cacheSite(view);
  } else if (handler === 'cache_middleware') {
    page = http.cacheMiddleware({
      cacheTimeout: kw('cache_timeout'),
      pageTimeout: kw('page_timeout'),
      keyPrefix: kw('key_prefix'),
      cacheAlias: kw('cache_alias'),
    })(view);
  } else {
    throw Object.assign(new Error(`unknown handler '${handler}'`), { name: 'ValueError' });
  }
  ctx.viewCalled = false;
  const response = await page(requestOf(op.request));
  return responseJson(response, ctx.viewCalled);
}

async function runHttp(http, name, op, ctx, api) {
  const { getMaxAge, hasVaryHeader, makeTemplateFragmentKey, patchCacheControl, patchVaryHeaders } = api;
  const args = Array.isArray(op.args) ? op.args : [];
  const kwargs = isObject(op.kwargs) ? op.kwargs : {};
  // An argument at `position` or by keyword (raw, as written in the trace).
  const arg = (position, key) => (position < args.length ? args[position] : kwargs[key]);
  const kw = (key) => (kwargs[key] === undefined ? undefined : decode(kwargs[key]));
  switch (name) {
    case 'make_template_fragment_key': {
      const raw = arg(1, 'vary_on');
      let varyOn = raw === undefined || decode(raw) === null ? [] : iterable(decode(raw), raw);
      // Django hashes str(item): a Python float or tuple goes as its str() text, which JavaScript
      // values cannot carry (2.0 and 2 are one number, tuples are arrays).
      const rawItems = Array.isArray(raw) ? raw : isObject(raw) && Array.isArray(raw.$tuple) ? raw.$tuple : null;
      if (rawItems) varyOn = rawItems.map((item) => (pythonTyped(item) ? pyText(item) : decode(item)));
      return makeTemplateFragmentKey(decode(arg(0, 'fragment_name') ?? null), varyOn);
    }
    case 'patch_cache_control': {
      const headers = responseHeaders(op);
      patchCacheControl(headers, objectOf(kwargs));
      return headerValue(headers, 'Cache-Control');
    }
    case 'patch_vary_headers': {
      const headers = responseHeaders(op);
      const raw = arg(0, 'newheaders');
      patchVaryHeaders(headers, raw === undefined ? [] : iterable(decode(raw), raw).map(pyStr));
      return headerValue(headers, 'Vary');
    }
    case 'has_vary_header':
      return hasVaryHeader(responseHeaders(op), decode(arg(0, 'header_query') ?? null));
    case 'get_max_age':
      return getMaxAge(responseHeaders(op));
    case 'patch_response_headers': {
      const timeout = decode(arg(0, 'cache_timeout') ?? null);
      return headersObject(http.patchResponseHeaders(responseHeaders(op), timeout ?? undefined));
    }
    case 'add_never_cache_headers':
      return headersObject(http.addNeverCacheHeaders(responseHeaders(op)));
    case 'learn_cache_key':
      return http.learnCacheKey(requestOf(op.request), responseOf(op.response), {
        cacheTimeout: kw('cache_timeout'),
        keyPrefix: kw('key_prefix'),
      });
    case 'get_cache_key':
      return http.getCacheKey(requestOf(op.request), { keyPrefix: kw('key_prefix'), method: kw('method') });
    case 'request':
      return runRequest(http, op, ctx);
    default:
      throw Object.assign(new Error(`unknown op '${name}'`), { name: 'ValueError' });
  }
}

/** The CACHES setting the oracle builds for a trace on `backend`. */
function cachesFor(trace, backend, location) {
  const base = { ...(isObject(trace.settings) ? trace.settings : {}) };
  const defaultLocation = location ?? base.LOCATION ?? (backend === 'locmem' ? 'oracle' : '');
  const CACHES = { default: { ...base, BACKEND: BACKENDS[backend], LOCATION: defaultLocation } };
  for (const [alias, extra] of Object.entries(isObject(trace.extra_caches) ? trace.extra_caches : {})) {
    if (!isObject(extra)) continue;
    const merged = { ...base, ...extra, BACKEND: BACKENDS[backend] };
    if (!(backend === 'locmem' && 'LOCATION' in extra)) merged.LOCATION = defaultLocation;
    CACHES[alias] = merged;
  }
  return CACHES;
}

/**
 * The operations of `trace` this package entry cannot run (`edgecache/memory` has no HTTP
 * layer).
 */
export function pendingOps(trace, entry = 'edgecache') {
  const unsupported = entry === 'edgecache' ? UNSUPPORTED_OPS : [...UNSUPPORTED_OPS, ...HTTP_OPS];
  return [...new Set((trace.ops ?? []).map((op) => op.op).filter((op) => unsupported.includes(op)))];
}

/**
 * Replays a trace (the text of its JSON file) on `backend` through the package entry `entry`
 * (`edgecache` or `edgecache/memory`); returns the output document.
 */
export async function replay(traceText, backend, name = 'trace', entry = 'edgecache') {
  const backends = ENTRIES[entry];
  if (!backends) throw new Error(`unknown package entry '${entry}'; known: ${Object.keys(ENTRIES).join(', ')}`);
  if (!backends.includes(backend)) {
    throw new Error(`backend '${backend}' cannot be replayed by ${entry}; available: ${backends.join(', ')}`);
  }
  const module = await api(entry);
  const { createCaches } = module;
  const trace = parse(traceText, { keepFloatText: true });
  const clock = { now: ORACLE_START };
  const location = backend === 'filebased' ? '/edgecache-replay/filecache' : undefined;
  const stores = backend === 'filebased' ? { [location]: new MemoryKv() } : {};
  let warnings = [];
  const caches = createCaches(stringify(cachesFor(trace, backend, location), null), {
    clock: () => clock.now,
    stores,
    onWarning: (w) => warnings.push({ category: w.category, message: w.message }),
  });
  // The oracle's Django settings: ALLOWED_HOSTS=["*"] and the trace's django_settings.
  const settings = { ALLOWED_HOSTS: ['*'], ...objectOf(trace.django_settings) };
  // The in-memory entry has no HTTP layer (and runs no trace with HTTP operations).
  let http = entry === 'edgecache' ? caches.http(settings) : undefined;
  const ctx = { viewCalls: 0, viewCalled: false };
  const results = [];
  for (const [i, rawOp] of (trace.ops ?? []).entries()) {
    const op = rawOp;
    const name = typeof op.op === 'string' ? op.op : '?';
    warnings = [];
    const entry = { i, op: name };
    try {
      if (HTTP_OPS.includes(name)) {
        http ??= caches.http(settings);
        entry.result = jsonify(await runHttp(http, name, op, ctx, module));
      } else {
        const alias = typeof op.cache === 'string' ? op.cache : 'default';
        entry.result = jsonify(await run(caches.get(alias), name, op, clock));
      }
    } catch (error) {
      entry.error = { type: error?.name ?? 'Error', message: String(error?.message ?? error) };
    }
    entry.warnings = warnings;
    results.push(entry);
  }
  return {
    trace: typeof trace.name === 'string' ? trace.name : name,
    backend,
    implementation: 'edgecache npm',
    clock: 'fake',
    results,
  };
}

async function main(argv) {
  let backend = 'locmem';
  let entry = 'edgecache';
  let path;
  for (let n = 0; n < argv.length; n++) {
    if (argv[n] === '--entry') entry = argv[++n];
    else if (argv[n] === '--backend') backend = argv[++n];
    else if (argv[n].startsWith('--backend=')) backend = argv[n].slice('--backend='.length);
    else path = argv[n];
  }
  if (!path) {
    console.error('usage: node tests/replay.mjs [--entry edgecache/memory] --backend locmem|dummy|filebased TRACE.json');
    process.exit(2);
  }
  const doc = await replay(readFileSync(path, 'utf8'), backend, basename(path, '.json'), entry);
  process.stdout.write(stringify(doc) + '\n');
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(error?.message ?? error);
    process.exit(1);
  });
}
