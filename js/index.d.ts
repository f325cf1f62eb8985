// Types of the edgecache package: Django's cache framework for JavaScript.

/** What a cache stores: JSON-like values, plus bigint (Python ints beyond 2^53) and bytes. */
export type CacheValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | CacheValue[]
  | { [key: string]: CacheValue };

/** A raw key: Django calls str() on it (`42` and `"42"` name the same entry). */
export type CacheKey = string | number | bigint;

/** `VERSION` / `version=`: usually an int. */
export type Version = number | bigint | string;

/**
 * `timeout=`: `undefined` = the cache's default `TIMEOUT`, `null` = never expire, a number =
 * seconds (0 or less expires at once; fractions are kept).
 */
export type Timeout = number | null | undefined;

export interface VersionOptions {
  version?: Version | null;
}
export interface WriteOptions extends VersionOptions {
  timeout?: Timeout;
}

/** One entry of `inspect()`. */
export interface EntryView {
  /** The full key (`prefix:version:key`). */
  key: string;
  value: CacheValue;
  /** Unix seconds at which it expires; `null` never. */
  expiresAt: number | null;
  /** Seconds left to live at the time of the snapshot; `null` never expires. */
  ttl: number | null;
}

export interface Stats {
  hits: number;
  misses: number;
  sets: number;
  deletes: number;
  culled: number;
}

/** `stats()`: counters, latency of awaited storage operations, stampede figures. */
export interface StatsReport extends Stats {
  backend: string;
  latency: {
    count: number;
    meanMs: number;
    maxMs: number;
    /** Operations that took at most `leMs` (the last bound is `Infinity`). */
    buckets: { leMs: number; count: number }[];
  };
  stampede: {
    computed: number;
    coalesced: number;
    staleServed: number;
    lockWaits: number;
    lockTimeouts: number;
  };
}

export interface CullReport {
  at: number;
  reason: 'clear-all' | 'least-recently-used';
  count: number;
  maxEntries: number;
  cullFrequency: number;
  /** Full keys removed, in removal order. */
  removed: string[];
}

/** A snapshot of a cache's store, from the core's introspection. */
export interface Inspection {
  backend: string;
  /** Unix seconds of the snapshot. */
  now: number;
  /** Entries present, expired ones included. */
  count: number;
  order: 'most-recently-used first' | 'key ascending' | 'file name' | null;
  /** Empty with `{ detail: 'count' }`. */
  entries: EntryView[];
  stats: Stats;
  lastCull: CullReport | null;
}

export interface InspectOptions {
  detail?: 'full' | 'count';
}

/** `setMany`'s data: an object, or a Map / pairs to keep order and non-string keys. */
export type ManyData =
  | { [key: string]: CacheValue }
  | Map<CacheKey, CacheValue>
  | Array<[CacheKey, CacheValue]>;

/** The synchronous API of an in-memory cache (locmem, dummy). */
export interface SyncCache {
  /** The value; `defaultValue` (else `undefined`) on a miss. A stored `null` is `null`. */
  get<D = undefined>(key: CacheKey, defaultValue?: D, options?: VersionOptions): CacheValue | D;
  set(key: CacheKey, value: CacheValue, options?: WriteOptions): void;
  /** Stores only if the key is missing or expired; whether it stored. */
  add(key: CacheKey, value: CacheValue, options?: WriteOptions): boolean;
  getOrSet(key: CacheKey, valueOrFn: CacheValue | (() => CacheValue), options?: WriteOptions): CacheValue;
  /** Found entries, by raw key (as str()). */
  getMany(keys: CacheKey[], options?: VersionOptions): { [key: string]: CacheValue };
  /** The keys that could not be stored (always empty for these backends). */
  setMany(data: ManyData, options?: WriteOptions): CacheKey[];
  delete(key: CacheKey, options?: VersionOptions): boolean;
  deleteMany(keys: CacheKey[], options?: VersionOptions): void;
  hasKey(key: CacheKey, options?: VersionOptions): boolean;
  incr(key: CacheKey, delta?: number | bigint, options?: VersionOptions): number | bigint;
  decr(key: CacheKey, delta?: number | bigint, options?: VersionOptions): number | bigint;
  touch(key: CacheKey, options?: WriteOptions): boolean;
  clear(): void;
  close(): void;
  /** Moves the entry to `version + delta`; the new version. */
  incrVersion(key: CacheKey, delta?: number, options?: VersionOptions): Version;
  decrVersion(key: CacheKey, delta?: number, options?: VersionOptions): Version;
  makeKey(key: CacheKey, options?: VersionOptions): string;
  makeAndValidateKey(key: CacheKey, options?: VersionOptions): string;
  validateKey(fullKey: string): void;
  /** The expiry (Unix seconds) the backend would store for `timeout`; `null` never. */
  getBackendTimeout(timeout?: Timeout): number | null;
  inspect(options?: InspectOptions): Inspection;
  /** Counters, latency and stampede protection's figures (docs/stats.md). */
  stats(): StatsReport;
}

type Promised<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : T[K];
};

/** One cache alias: Django's API in camelCase, every method returning a Promise. */
export interface Cache extends Omit<Promised<SyncCache>, 'get' | 'getOrSet'> {
  get<D = undefined>(key: CacheKey, defaultValue?: D, options?: VersionOptions): Promise<CacheValue | D>;
  /** `valueOrFn` may be a function, sync or async, called only on a miss. */
  getOrSet(
    key: CacheKey,
    valueOrFn: CacheValue | (() => CacheValue | Promise<CacheValue>),
    options?: WriteOptions,
  ): Promise<CacheValue>;
  /** The backend's short name: `locmem`, `dummy`, `filebased`, ... */
  readonly backend: string;
  /** The same methods, synchronous; `undefined` unless the backend keeps everything in memory. */
  readonly sync: SyncCache | undefined;
  /** Django's `aincr`: always get + set (the expiry is reset to the default timeout). */
  aincr(key: CacheKey, delta?: number | bigint, options?: VersionOptions): Promise<number | bigint>;
  adecr(key: CacheKey, delta?: number | bigint, options?: VersionOptions): Promise<number | bigint>;
  /** Django's `ahas_key`: a `get` (refreshes LRU recency on locmem). */
  ahasKey(key: CacheKey, options?: VersionOptions): Promise<boolean>;
  /** Django's `aget_many`: one get per key. */
  agetMany(keys: CacheKey[], options?: VersionOptions): Promise<{ [key: string]: CacheValue }>;
  /** Django's `adelete_many`: one delete per key. */
  adeleteMany(keys: CacheKey[], options?: VersionOptions): Promise<void>;
}

/** Every alias of a `CACHES` setting. */
export interface Caches {
  /** `caches[alias]`; throws `InvalidCacheBackendError` for an unknown alias. */
  get(alias: string): Cache;
  /** The `default` alias. */
  readonly default: Cache;
  readonly aliases: string[];
  closeAll(): Promise<void>;
  /** Django's `createcachetable` for every db alias, on the `database` option. */
  createCacheTables(): Promise<Array<{ table: string; created: boolean }>>;
  /** Django's HTTP caching over these caches, with Django's settings over Django's defaults. */
  http(settings?: HttpSettings): Http;
}

/** A warning Django would emit (`CacheKeyWarning`); the operation went ahead. */
export interface CacheWarning {
  category: string;
  message: string;
}

/** A binding with the Workers KV shape (a KV namespace, or your own). */
export interface KvLike {
  get(key: string, options: { type: 'arrayBuffer' }): Promise<ArrayBuffer | Uint8Array | null>;
  put(
    key: string,
    value: Uint8Array,
    options?: { expirationTtl?: number; metadata?: unknown },
  ): Promise<unknown>;
  delete(key: string): Promise<unknown>;
  list(options: { prefix?: string; cursor?: string }): Promise<{
    keys: Array<{ name: string }>;
    list_complete: boolean;
    cursor?: string;
  }>;
}

export interface CreateCachesOptions {
  /** Unix time in **seconds** (like Python's `time.time()`); default `Date.now() / 1000`. */
  clock?: () => number;
  /**
   * Milliseconds the default clock reuses a reading for. Default 1 in Node and browsers (as
   * lru-cache's default `ttlResolution`), 0 in the workerd/worker entries. With N > 0 the
   * first operation reads `Date.now()` and later ones reuse that reading until a timer
   * started with it drops it N ms later or it has served 64 operations, whichever comes
   * first: an entry can be served up to N ms past its expiry (longer only inside a
   * synchronous run, which timers cannot interrupt: there every 64th operation reads again).
   * Every operation of these caches (get, set, add, incr, touch, ...) uses the same reading.
   * 0: every operation reads `Date.now()`, as Django reads `time.time()` on every call.
   * Only with the default clock: N > 0 with `clock` is a `TypeError` (omitted, it is 0
   * then), as is a negative or non-finite number. See docs/npm-hot-path.md.
   */
  clockResolution?: number;
  /** Storage by `LOCATION`: a KV-shaped binding for each filebased cache. */
  stores?: { [location: string]: KvLike };
  /** The database of the db aliases (each one's `LOCATION` is its table): a D1 binding or anything with its shape. */
  database?: D1Like;
  /** Receives Django's key warnings; default `console.warn`. */
  onWarning?: (warning: CacheWarning) => void;
  /**
   * The redis and memcached backends' HTTP client; default `globalThis.fetch`. An `http(s)://`
   * redis `LOCATION` is an Upstash REST URL (token in `OPTIONS.TOKEN`) or a bridge route.
   */
  fetch?: (url: string, init: { method: string; headers: Record<string, string>; body?: Uint8Array; signal?: AbortSignal }) => Promise<{ status: number; arrayBuffer(): Promise<ArrayBuffer> }>;
  /** Milliseconds before a network request is aborted with a `ConnectionError`; default 10000. */
  timeoutMs?: number;
  /** The edgecache bridge that `redis://` and `host:port` locations are reached through. */
  bridge?: { url: string; token?: string };
}

/** A statement with the Cloudflare D1 shape. */
export interface D1StatementLike {
  bind(...params: Array<null | number | string | Uint8Array>): D1StatementLike;
  all(): Promise<{ results: Array<Record<string, unknown>> }> | { results: Array<Record<string, unknown>> };
  run(): Promise<{ meta?: { changes?: number } }> | { meta?: { changes?: number } };
  first?(): unknown;
}

/** A database with the Cloudflare D1 shape (a D1 binding, or a wrapper such as the playground's over sql.js). */
export interface D1Like {
  prepare(sql: string): D1StatementLike;
  /** Runs the statements in one transaction. */
  batch(statements: D1StatementLike[]): Promise<Array<{ meta?: { changes?: number } }>> | Array<{ meta?: { changes?: number } }>;
}

/** Django's `CACHES`: `{ alias: { BACKEND, LOCATION, TIMEOUT, KEY_PREFIX, VERSION, OPTIONS, ... } }`. */
export type CachesSetting = { [alias: string]: { [field: string]: unknown } };

/**
 * Builds every alias of a Django `CACHES` setting: an object, its JSON, or the Python dict
 * literal pasted from settings.py. Throws `ImproperlyConfigured` naming alias and field.
 */
export function createCaches(CACHES: CachesSetting | string, options?: CreateCachesOptions): Caches;

/** What a console session's `run` resolves to. */
export interface SessionResult {
  /** The operation as run, in the trace format (JSON text). */
  op: string;
  name: string | null;
  alias: string;
  /** Its entry in the oracle's output: `{"i", "op", "result" | "error", "warnings"}` (JSON text). */
  entry: string;
  /** The result as Python's `repr`, or `null` after an error. */
  repr: string | null;
  /** Django's exception. */
  error: { type: string; message: string } | null;
  warnings: CacheWarning[];
  /** The full keys (`prefix:version:key`) the operation names. */
  keys: string[];
}

/** Every alias of a `CACHES` setting on a virtual clock, driven by console lines or trace operations. */
export interface Session {
  readonly aliases: string[];
  /** The backend's short name; throws why the alias cannot be built. */
  backend(alias: string): string;
  /** The virtual clock, Unix seconds. */
  readonly now: number;
  readonly count: number;
  run(op: string | object): Promise<SessionResult>;
  runLine(line: string): Promise<SessionResult | undefined>;
  inspect(alias?: string): Promise<Inspection>;
  /** `stats()` of `alias` (docs/stats.md). */
  stats(alias?: string): Promise<StatsReport>;
  createCacheTables(): Promise<Array<{ table: string; created: boolean }>>;
}

export interface SessionOptions {
  /** The virtual clock's start, Unix seconds; default the conformance oracle's 1 700 000 000. */
  start?: number;
  stores?: { [location: string]: KvLike };
  database?: D1Like;
  onWarning?: (warning: CacheWarning) => void;
}

/** A console session (what `edgecache run` does) over a `CACHES` setting. */
export function createSession(CACHES: CachesSetting | string, options?: SessionOptions): Session;
/** A console line (`set k v 30`) as a trace operation (JSON text); `undefined` for a blank line. */
export function parseCommand(line: string): string | undefined;
/** What the console understands. */
export function consoleHelp(): string;
/** A conformance trace read for a session: the oracle's `CACHES` for `backend` and the operations. */
export function importTrace(
  text: string,
  backend?: string,
): { name: string; backend: string; caches: string; ops: string[] };
/** A session's operations as a conformance trace (JSON text) and what the oracle would run differently. */
export function exportTrace(CACHES: CachesSetting | string, name: string, ops: Array<string | object>): { trace: string; notes: string[] };

/** Base class of the cache's errors; `name` is Django's exception type. */
export class CacheError extends Error {
  constructor(message: string, type?: string);
  /** The Python exception class Django raises (same as `name`). */
  readonly pythonType: string;
}
export class ValueError extends CacheError {}
export class InvalidCacheKey extends ValueError {}
export class InvalidCacheBackendError extends CacheError {}
export class ImproperlyConfigured extends CacheError {
  /** The alias, field (`OPTIONS.MAX_ENTRIES`), offending value and line the core names, when known. */
  alias?: string | null;
  field?: string | null;
  value?: string | null;
  line?: number | null;
  /** The message without the location. */
  detail?: string;
}
/** Python's `TypeError` raised by Django (`name` is `"TypeError"`). */
export class CacheTypeError extends CacheError {
  constructor(message: string);
}
export class OverflowError extends CacheError {}
export class NotImplementedError extends CacheError {}
export class OSError extends CacheError {}
export class DatabaseError extends CacheError {}
export class BlockingIOError extends CacheError {}

export class DisallowedHost extends CacheError {}
export class BadHeaderError extends ValueError {}
export class UnicodeEncodeError extends ValueError {}

// ----- the HTTP layer -----

/** A header value: text, or any value Django would `str()` (bytes are latin-1). */
export type HeaderValue = string | number | bigint | boolean | null | Uint8Array;

/**
 * Response headers: a plain object (in order), a `Map`, a Fetch `Headers` or [name, value]
 * pairs. The patch functions change them in place, in Django's order and spelling, and
 * return them; a Fetch `Headers`' Set-Cookie lines are left alone.
 */
export type HeadersLike =
  | { [name: string]: HeaderValue }
  | Map<string, HeaderValue>
  | FetchHeaders
  | Array<[string, HeaderValue]>;

/** The shape of a Fetch `Headers` the package uses (no DOM typings needed). */
export interface FetchHeaders {
  get(name: string): string | null;
  set(name: string, value: string): void;
  delete(name: string): void;
  keys(): IterableIterator<string>;
  entries(): IterableIterator<[string, string]>;
}

/** Cache-Control directives: `{ maxAge: 60, public: true, noCache: 'Set-Cookie' }` (Django's
 * keyword names such as `max_age` work too). `true` is a bare directive. */
export type CacheControlDirectives = { [directive: string]: HeaderValue | number };

/**
 * A request as Django sees it. `path` is the request target's path as sent (percent-encoding
 * allowed), `query` the query string without `?`, `host` the Host header. A Fetch `Request`
 * (or anything with a `url`) works too.
 */
export interface HttpRequest {
  method?: string;
  scheme?: 'http' | 'https';
  host?: string;
  path?: string;
  query?: string;
  url?: string;
  headers?: HeadersLike;
  /** Extra WSGI environ entries (`SERVER_NAME`, `HTTP_X_FORWARDED_HOST`, ...). */
  meta?: { [key: string]: string } | Array<[string, string]>;
  /** `request.LANGUAGE_CODE` (set by Django's LocaleMiddleware). */
  languageCode?: string;
  /** The language active for this request (page keys end in it with `USE_I18N`). */
  language?: string;
  /** The time zone active for this request (page keys end in it with `USE_TZ`). */
  timeZone?: string;
}

/**
 * A response: Django's `HttpResponse(content, status)` (`Content-Type: text/html;
 * charset=utf-8`) with `headers` then set in order. A streaming response is never cached.
 */
export interface HttpResponse {
  status?: number;
  content?: string;
  headers?: HeadersLike;
  /** Cookies the response sets, name → value. */
  cookies?: { [name: string]: string } | Map<string, string> | Array<[string, string]>;
  streaming?: boolean;
  [other: string]: unknown;
}

/** A cached page or a view's response after the page cache: headers as a plain object. */
export interface CachedResponse extends HttpResponse {
  status: number;
  headers: HeadersLike;
}

/** A view: sync or async. */
export type View<Req = HttpRequest> = (request: Req) => HttpResponse | Promise<HttpResponse>;
/** A view behind a page cache. */
export type CachedView<Req = HttpRequest> = (request: Req) => Promise<CachedResponse>;
/** A view decorator (Django's `@cache_control`, `@never_cache`, ...). */
export type ViewDecorator = <Req extends HttpRequest>(view: View<Req>) => View<Req>;
/** A page cache as a view decorator. */
export type PageCacheDecorator = <Req extends HttpRequest>(view: View<Req>) => CachedView<Req>;

/** Django's settings the HTTP layer reads (defaults are Django's: `ALLOWED_HOSTS` is empty). */
export interface HttpSettings {
  USE_I18N?: boolean;
  USE_TZ?: boolean;
  LANGUAGE_CODE?: string;
  TIME_ZONE?: string;
  CACHE_MIDDLEWARE_ALIAS?: string;
  CACHE_MIDDLEWARE_KEY_PREFIX?: string;
  CACHE_MIDDLEWARE_SECONDS?: number;
  ALLOWED_HOSTS?: string[];
  DEBUG?: boolean;
  USE_X_FORWARDED_HOST?: boolean;
  USE_X_FORWARDED_PORT?: boolean;
  [setting: string]: unknown;
}

/** `learnCacheKey` / `getCacheKey` options; `cache` is an alias (default `CACHE_MIDDLEWARE_ALIAS`). */
export interface CacheKeyOptions {
  keyPrefix?: string | null;
  cache?: string;
}

/** Django's HTTP caching over the caches of one `createCaches`. */
export interface Http {
  /** Django's `patch_response_headers(response, cache_timeout)`: Expires and max-age. */
  patchResponseHeaders<H extends HeadersLike>(headers: H, cacheTimeout?: number | null): H;
  /** Django's `add_never_cache_headers(response)`. */
  addNeverCacheHeaders<H extends HeadersLike>(headers: H): H;
  patchCacheControl<H extends HeadersLike>(headers: H, directives: CacheControlDirectives): H;
  patchVaryHeaders<H extends HeadersLike>(headers: H, newHeaders: string[]): H;
  hasVaryHeader(headers: HeadersLike, header: string): boolean;
  getMaxAge(headers: HeadersLike): number | null;
  makeTemplateFragmentKey(fragmentName: string, varyOn?: CacheValue[]): string;
  /** Django's `learn_cache_key`: stores the header list the response varies on; the page key. */
  learnCacheKey(
    request: HttpRequest,
    response: HttpResponse,
    options?: CacheKeyOptions & { cacheTimeout?: number | null },
  ): Promise<string>;
  /** Django's `get_cache_key`: the page key, or `null` when no header list is stored. */
  getCacheKey(request: HttpRequest, options?: CacheKeyOptions & { method?: string }): Promise<string | null>;
  /**
   * Django's `cache_page(timeout, cache=..., key_prefix=...)`: the decorated view returns the
   * cached page (with `Age`) or the view's response with the caching headers.
   */
  cachePage(timeout: number | null, options?: { cache?: string; keyPrefix?: string }): PageCacheDecorator;
  /**
   * Django's `CacheMiddleware(view, cache_timeout, page_timeout, key_prefix=..., cache_alias=...)`;
   * an omitted option takes the `CACHE_MIDDLEWARE_*` setting, `null` is Python's `None`.
   */
  cacheMiddleware(options?: {
    cacheTimeout?: number | null;
    pageTimeout?: number | null;
    keyPrefix?: string | null;
    cacheAlias?: string | null;
  }): PageCacheDecorator;
  /** The site cache (`UpdateCacheMiddleware` + `FetchFromCacheMiddleware`) around a view. */
  cacheSite<Req extends HttpRequest>(view: View<Req>): CachedView<Req>;
  /** Django's `@never_cache`. */
  neverCache: ViewDecorator;
  /** Django's `@cache_control(**directives)`. */
  cacheControl(directives: CacheControlDirectives): ViewDecorator;
  /** Django's `@vary_on_headers(*headers)`. */
  varyOnHeaders(...headers: string[]): ViewDecorator;
  /** Django's `@vary_on_cookie`. */
  varyOnCookie: ViewDecorator;
}

/** Django's `patch_cache_control(response, **directives)`. */
export function patchCacheControl<H extends HeadersLike>(headers: H, directives: CacheControlDirectives): H;
/** Django's `patch_vary_headers(response, newheaders)`. */
export function patchVaryHeaders<H extends HeadersLike>(headers: H, newHeaders: string[]): H;
/** Django's `has_vary_header(response, header_query)`. */
export function hasVaryHeader(headers: HeadersLike, header: string): boolean;
/** Django's `get_max_age(response)`: the `max-age` directive, or `null`. */
export function getMaxAge(headers: HeadersLike): number | null;
/** Django's `make_template_fragment_key(fragment_name, vary_on)`: `str()` of each item is hashed. */
export function makeTemplateFragmentKey(fragmentName: string, varyOn?: CacheValue[]): string;

// django-redis's extras (js/extras.d.ts, docs/extras.md).
export * from './extras.js';
import type { CacheExtras } from './extras.js';
export interface Cache extends CacheExtras {
  /** Django's incr; with `{ ignoreKeyCheck: true }` django-redis's: a missing key counts from 0 and never expires. */
  incr(key: CacheKey, delta?: number | bigint, options?: VersionOptions & { ignoreKeyCheck?: boolean }): Promise<number | bigint>;
}
