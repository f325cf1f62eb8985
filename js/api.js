// The package's API over the wasm core (dist/edgecache_core.js): JavaScript names and
// conventions, conversion of arguments, typed errors. No Django rule lives here; every
// decision is the core's.
import { installExtras } from './extras.js';
import { COMPILE_AFTER, copyJson, copyPlan, planCopy } from './copy.js';
// A namespace import: the in-memory build (`edgecache/memory`, a copy of this file next to
// dist/memory/edgecache_core.js made by scripts/build-npm.sh) lacks the HTTP layer and the
// sessions, and those names are then `undefined` instead of failing the import.
import * as wasm from '../dist/edgecache_core.js';

const { Core, hit_at: hitAt, hot_drain: hotDrain, hot_layout: hotLayout } = wasm;
const {
  Session: CoreSession = missing('createSession'),
  exportTrace: coreExportTrace = missing('exportTrace'),
  importTrace: coreImportTrace = missing('importTrace'),
  get_max_age = missing('getMaxAge'),
  has_vary_header = missing('hasVaryHeader'),
  make_template_fragment_key = missing('makeTemplateFragmentKey'),
  patch_cache_control = missing('patchCacheControl'),
  patch_vary_headers = missing('patchVaryHeaders'),
} = wasm;

// The in-memory build exports one `call(op, a, b, c, d)` for the cache operations instead of
// one method each (a smaller wasm); its handles get the full build's method names over it.
// An operation's number is its place in OPS, written only here: src/js/call.rs reads this
// list from this file when it compiles and takes its numbers from it (an operation missing
// from the list, or a name it does not know, fails that build).
const OPS = ['get', 'set', 'add', 'get_or_set', 'get_or_set_async', 'get_many', 'set_many', 'delete',
  'delete_many', 'has_key', 'incr', 'touch', 'clear', 'close', 'inspect', 'make_key',
  'make_and_validate_key', 'validate_key', 'get_backend_timeout'];
if (wasm.Handle.prototype.call) {
  OPS.forEach((name, op) => {
    wasm.Handle.prototype[name] = function (a, b, c, d) {
      return this.call(op, a, b, c, d);
    };
  });
}

/** What a function this build lacks does when called: says which build has it. */
function missing(name) {
  function fail() {
    throw new NotImplementedError(
      `${name} is not in the in-memory build (edgecache/memory: locmem and dummy caches only); import it from 'edgecache'`,
    );
  }
  return new Proxy(fail, { construct: fail, get: (target, key) => (key === 'prototype' ? target.prototype : fail) });
}

/** Base class of every error the cache raises; `name` is Django's exception type. */
export class CacheError extends Error {
  constructor(message, type) {
    super(message);
    Object.defineProperty(this, 'name', { value: type ?? new.target.name, configurable: true });
  }
  /** The Python exception class Django raises (same as `name`). */
  get pythonType() {
    return this.name;
  }
}
/** Django's `ValueError` (e.g. `Key 'x' not found` from `incr`). */
export class ValueError extends CacheError {}
/** Django's `InvalidCacheKey` (memcached-style key checks), a `ValueError`. */
export class InvalidCacheKey extends ValueError {}
/** Django's `InvalidCacheBackendError`: an unknown alias or a backend this build lacks. */
export class InvalidCacheBackendError extends CacheError {}
/** Django's `ImproperlyConfigured`: `CACHES` was rejected (the message names alias and field). */
export class ImproperlyConfigured extends CacheError {}
/** Python's `TypeError` raised by Django (e.g. `incr` on a str); `name` is `"TypeError"`. */
export class CacheTypeError extends CacheError {
  constructor(message) {
    super(message, 'TypeError');
  }
}
/** Python's `OverflowError`: an int beyond the 128 bits edgecache keeps. */
export class OverflowError extends CacheError {}
/** Python's `NotImplementedError`. */
export class NotImplementedError extends CacheError {}
/** The storage under a backend failed (Python's `OSError`). */
export class OSError extends CacheError {}
/** The database under the db backend failed. */
export class DatabaseError extends CacheError {}
/** A synchronous call reached a backend whose storage answers asynchronously. */
export class BlockingIOError extends CacheError {}
/** Django's `DisallowedHost`: the request's host is invalid or not in `ALLOWED_HOSTS`. */
export class DisallowedHost extends CacheError {}
/** Django's `BadHeaderError`: a header value with a newline, a `ValueError`. */
export class BadHeaderError extends ValueError {}
/** Python's `UnicodeEncodeError`: a response header name that is not ASCII, a `ValueError`. */
export class UnicodeEncodeError extends ValueError {}

const ERRORS = {
  ValueError,
  InvalidCacheKey,
  InvalidCacheBackendError,
  ImproperlyConfigured,
  TypeError: CacheTypeError,
  OverflowError,
  NotImplementedError,
  OSError,
  DatabaseError,
  BlockingIOError,
  DisallowedHost,
  BadHeaderError,
  UnicodeEncodeError,
};

function makeError(type, message) {
  const Class = ERRORS[type];
  if (Class === CacheTypeError) return new CacheTypeError(message);
  return Class ? new Class(message, type) : new CacheError(message, type);
}

const defaultOnWarning = (warning) => console.warn(`${warning.category}: ${warning.message}`);

// The core's getMany/deleteMany/hasKey take a flag: Django's async twin, or the method.
const METHOD = false;
const TWIN = true;
// Keys the synchronous get memoizes before it starts over (bounds the memo's memory).
const MEMO_LIMIT = 65536;
// `hot_slot` of a handle without one (u32::MAX).
const NO_SLOT = 0xffffffff;
// incr's `which` is the kind's place in this list (the wasm reads the list when it compiles:
// src/js/api_numbers.rs).
const INCR_KINDS = ['incr', 'decr', 'aincr', 'adecr', 'incr_version', 'decr_version'];
const [INCR, DECR, AINCR, ADECR, INCR_VERSION, DECR_VERSION] = INCR_KINDS.keys();

// The hits the sync get serves without calling the core (src/js/hot.rs): the core's ring
// (`[count, generation, hit, hit, ...]`, a hit being one number, `slot * 2^32 + index`) and
// its count of map changes, seen through views over the wasm memory. A view over a memory
// that has since grown is detached (length 0) and is made again.
let hotMemory, hotRingAt, hotRingHits, hotGenerationAt;
let hotRing = new Float64Array(0);
let hotGeneration = new Float64Array(0);
// The count of hits at which the ring is full and is drained (hotRingHits - 1 before it).
let hotRingLast = -1;
// Slots below this make a hit number JavaScript carries exactly (below 2^53).
const HOT_SLOTS = 2 ** 21;

/** The views over the wasm memory, made again if it grew; the generation. */
function generationNow() {
  if (hotGeneration.length === 0) {
    if (hotMemory === undefined) [hotMemory, hotRingAt, hotRingHits, hotGenerationAt] = hotLayout();
    hotRing = new Float64Array(hotMemory.buffer, hotRingAt, 2 + hotRingHits);
    hotGeneration = new Float64Array(hotMemory.buffer, hotGenerationAt, 1);
    hotRingLast = hotRingHits - 1;
  }
  return hotGeneration[0];
}

/** A clock that never lets a memo hit skip the core (a user `clock`: the core reads it). */
const noReading = () => NaN;

/**
 * A memoized sync get (`SyncCache`'s memo): the core's ticket for the entry the last full get
 * of the key hit (`index`, `stamp`, and `hit`, the ring's number for it), what that get
 * returned (`value`, copied by `copy` when it is a list or dict), and when the memo may
 * answer without the core: while the change count is `generation` and the clock is before
 * `liveUntil`. One class, every field set in one order, so that the get's reads of it stay
 * monomorphic.
 */
class Memo {
  constructor(slot, index, stamp, value, copy, plan, generation, liveUntil) {
    this.hit = slot * 2 ** 32 + index;
    this.index = index;
    this.stamp = stamp;
    this.value = value;
    this.copy = copy;
    this.plan = plan;
    this.uses = COMPILE_AFTER;
    this.generation = slot < HOT_SLOTS ? generation : NaN;
    this.liveUntil = liveUntil;
  }
}

/**
 * What a memo hit returns: the memo's value, or a fresh deep copy of it (a list or dict).
 * The compiled copier is called from a call site of its own: V8 keeps one target per call
 * site, and a site that saw `planCopy` too would never inline the copier.
 */
function copyOf(memo) {
  const copy = memo.copy;
  if (copy === undefined) return memo.value;
  if (copy !== planCopy) return copy(memo.value);
  return planCopy(memo.value, memo);
}

/** Unix seconds, read on every call: the default clock (Django reads `time.time()` per call). */
const readClock = () => Date.now() / 1000;

// Reads one coarse reading serves at most (so a long synchronous loop still sees time move).
const CLOCK_READS = 64;

/**
 * The default clock with `clockResolution` = `ms` > 0: the first call reads `Date.now()`;
 * later calls return that reading until a timer started with it drops it `ms` milliseconds
 * later (the timer does not keep Node running) or it has served `CLOCK_READS` calls. Timers
 * run only between synchronous runs of JavaScript; the count bounds how long one reading
 * lasts inside one. At most one timer is pending at a time.
 */
function coarseClock(ms) {
  let reading = 0;
  let left = 0; // calls the kept reading still serves; 0: read again
  let pending = false;
  const drop = () => {
    left = 0;
    pending = false;
  };
  return () => {
    if (left > 0) {
      left--;
      return reading;
    }
    reading = Date.now() / 1000;
    left = CLOCK_READS - 1;
    if (!pending) {
      pending = true;
      const timer = setTimeout(drop, ms);
      if (typeof timer === 'object' && typeof timer.unref === 'function') timer.unref();
    }
    return reading;
  };
}

/**
 * `createCaches`' `clockResolution`, checked: milliseconds ≥ 0 (0: read on every call).
 * Omitted, it is `fallback` (the entry's default: 1 in Node and browsers, 0 in workerd),
 * or 0 with a `clock` given.
 */
function clockResolutionOf(options, fallback) {
  const ms = options.clockResolution ?? (options.clock == null ? fallback : 0);
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new TypeError(`clockResolution must be a finite number of milliseconds >= 0, not ${String(ms)}`);
  }
  if (ms > 0 && options.clock != null) {
    throw new TypeError(`clockResolution applies to the default clock only; it is ${ms} with a clock given`);
  }
  return ms;
}

/**
 * The synchronous API of an in-memory cache (locmem, dummy): the same methods as the
 * Promise API, returning values directly (the lru-cache convention).
 */
class SyncCache {
  #h;
  // Hot-path memo for `get(strKey)`: key → { index, stamp, value, copy, plan, uses }, the
  // core's ticket for the entry the last full get of that key hit, and what that get
  // returned. The core still decides every hit (expiry, LRU order, the hit counter) through
  // `hitAt(slot, index, stamp, now)` and refuses a ticket once its entry is rewritten, removed
  // or moved; only the decoding is skipped. Immutable values (strings, numbers, booleans,
  // bigints, null) are reused as they are (`copy` undefined); a list or dict (one the core
  // sent as JSON text, so made of plain arrays, plain objects and primitives only) is kept as
  // parsed and each get returns a fresh deep copy of it, as Django's pickling locmem does:
  // `copy(value, memo)` is `planCopy` (along `plan`) for the first `uses` hits, then the
  // copier compiled for the value's shape. Anything else (Uint8Array, values JSON cannot
  // carry) gets no memo and takes the full path each time.
  #memo = new Map();
  // The handle's slot for `hitAt` (a plain export of numbers: no borrow of the handle per
  // call); without one (never expected) the memo is not used.
  #slot;
  // The core's clock when it is the default one (`readClock`, or `coarseClock` with
  // `clockResolution`): `hitAt` gets the time read here, the same reading the core would
  // make, which saves the core a call out to JavaScript. With a user `clock` it is
  // `noReading`: `hitAt` gets NaN and the core calls the user's clock itself, and no memo
  // hit skips the core (`#exact` false).
  #clock;
  #exact;
  constructor(handle, clock) {
    this.#h = handle;
    this.#slot = handle.hot_slot;
    this.#exact = clock !== undefined;
    this.#clock = clock ?? noReading;
  }
  // Kept small, so that V8 inlines it where it is called: the memo hit that skips the core
  // (no map changed since the ticket was issued and the entry is live at the clock's
  // reading, so the core would say yes) records the hit in the ring for the core to apply;
  // everything else is `#getMore`.
  get(key, defaultValue, options) {
    const memo = typeof key === 'string' && options === undefined ? this.#memo.get(key) : undefined;
    if (memo !== undefined && memo.generation === hotGeneration[0] && this.#clock() < memo.liveUntil) {
      const ring = hotRing;
      const count = ring[0];
      if (count === 0) ring[1] = memo.generation;
      ring[count + 2] = memo.hit;
      ring[0] = count + 1;
      if (count === hotRingLast) hotDrain();
      return copyOf(memo);
    }
    return this.#getMore(key, defaultValue, options, memo);
  }
  // A memo's ticket check by the core (`hitAt`), the full hot path, or any other get.
  #getMore(key, defaultValue, options, memo) {
    if (typeof key !== 'string' || options !== undefined) {
      const found = this.#h.get(key, options?.version);
      return found === undefined ? defaultValue : found;
    }
    if (memo !== undefined && hitAt(this.#slot, memo.index, memo.stamp, this.#clock())) {
      memo.generation = this.#exact ? generationNow() : NaN;
      return copyOf(memo);
    }
    return this.#getStr(key, defaultValue, memo);
  }
  // The full hot path: a list or dict comes back as JSON text (one crossing, not one per field).
  #getStr(key, defaultValue, memo) {
    const h = this.#h;
    const found = h.get_str(key);
    if (found === undefined) {
      if (memo !== undefined) this.#memo.delete(key);
      return defaultValue;
    }
    const json = typeof found === 'string' && h.returned_json;
    const value = json ? JSON.parse(found) : found;
    const reusable = json || found === null || (typeof found !== 'object' && typeof found !== 'function');
    const stamp = reusable && this.#slot !== NO_SLOT ? h.ticket_stamp : -1;
    if (stamp >= 0) {
      if (memo === undefined && this.#memo.size >= MEMO_LIMIT) this.#memo.clear();
      const plan = json ? copyPlan(value) : undefined;
      const copy = json ? planCopy : undefined;
      // The fast path needs the default clock (read here, not by the core).
      const generation = this.#exact ? generationNow() : NaN;
      const memoized = new Memo(this.#slot, h.ticket_index, stamp, value, copy, plan, generation, h.ticket_live_until);
      this.#memo.set(key, memoized);
      // The memo keeps what was parsed: the caller gets a copy.
      return json ? copyJson(value, plan) : value;
    }
    if (memo !== undefined) this.#memo.delete(key);
    return value;
  }
  set(key, value, options) {
    this.#h.set(key, value, options?.timeout, options?.version);
  }
  add(key, value, options) {
    return this.#h.add(key, value, options?.timeout, options?.version);
  }
  getOrSet(key, valueOrFn, options) {
    return this.#h.get_or_set(key, valueOrFn, options?.timeout, options?.version);
  }
  getMany(keys, options) {
    return this.#h.get_many(keys, options?.version, METHOD);
  }
  setMany(data, options) {
    return this.#h.set_many(data, options?.timeout, options?.version);
  }
  delete(key, options) {
    return this.#h.delete(key, options?.version);
  }
  deleteMany(keys, options) {
    this.#h.delete_many(keys, options?.version, METHOD);
  }
  hasKey(key, options) {
    return this.#h.has_key(key, options?.version, METHOD);
  }
  incr(key, delta, options) {
    return this.#h.incr(INCR, key, delta, options?.version);
  }
  decr(key, delta, options) {
    return this.#h.incr(DECR, key, delta, options?.version);
  }
  touch(key, options) {
    return this.#h.touch(key, options?.timeout, options?.version);
  }
  clear() {
    this.#h.clear();
  }
  close() {
    this.#h.close();
  }
  incrVersion(key, delta, options) {
    return this.#h.incr(INCR_VERSION, key, delta, options?.version);
  }
  decrVersion(key, delta, options) {
    return this.#h.incr(DECR_VERSION, key, delta, options?.version);
  }
  makeKey(key, options) {
    return this.#h.make_key(key, options?.version);
  }
  makeAndValidateKey(key, options) {
    return this.#h.make_and_validate_key(key, options?.version);
  }
  validateKey(key) {
    this.#h.validate_key(key);
  }
  getBackendTimeout(timeout) {
    return this.#h.get_backend_timeout(timeout);
  }
  inspect(options) {
    return this.#h.inspect(options?.detail === 'count');
  }
  /** Counters, latency of awaited storage operations and stampede figures (docs/stats.md). */
  stats() {
    if (this.#h.stats === undefined) missing('stats')();
    return this.#h.stats();
  }
}

/** One cache alias: Django's cache API, every method returning a Promise. */
class Cache {
  #h;
  #sync;
  static {
    installExtras(this, (cache) => cache.#h, makeError);
  }
  constructor(handle, clock) {
    this.#h = handle;
    this.#sync = handle.in_memory ? new SyncCache(handle, clock) : undefined;
    /** The backend's short name: `locmem`, `dummy`, `filebased`, ... */
    this.backend = handle.backend;
  }
  /** The synchronous API; `undefined` unless the backend keeps everything in memory. */
  get sync() {
    return this.#sync;
  }
  // Each method runs the core's synchronous face on in-memory backends (no wasm future
  // to drive) and its Promise face otherwise.
  async get(key, defaultValue, options) {
    if (this.#sync) return this.#sync.get(key, defaultValue, options);
    const found = await this.#h.get_async(key, options?.version);
    return found === undefined ? defaultValue : found;
  }
  async set(key, value, options) {
    if (this.#sync) return this.#sync.set(key, value, options);
    await this.#h.set_async(key, value, options?.timeout, options?.version);
  }
  async add(key, value, options) {
    if (this.#sync) return this.#sync.add(key, value, options);
    return this.#h.add_async(key, value, options?.timeout, options?.version);
  }
  /** `valueOrFn` may be a function, sync or async, called only on a miss. */
  async getOrSet(key, valueOrFn, options) {
    if (this.#sync && typeof valueOrFn !== 'function') {
      return this.#sync.getOrSet(key, valueOrFn, options);
    }
    return this.#h.get_or_set_async(key, valueOrFn, options?.timeout, options?.version);
  }
  async getMany(keys, options) {
    if (this.#sync) return this.#sync.getMany(keys, options);
    return this.#h.get_many_async(keys, options?.version, METHOD);
  }
  async setMany(data, options) {
    if (this.#sync) return this.#sync.setMany(data, options);
    return this.#h.set_many_async(data, options?.timeout, options?.version);
  }
  async delete(key, options) {
    if (this.#sync) return this.#sync.delete(key, options);
    return this.#h.delete_async(key, options?.version);
  }
  async deleteMany(keys, options) {
    if (this.#sync) return this.#sync.deleteMany(keys, options);
    await this.#h.delete_many_async(keys, options?.version, METHOD);
  }
  async hasKey(key, options) {
    if (this.#sync) return this.#sync.hasKey(key, options);
    return this.#h.has_key_async(key, options?.version, METHOD);
  }
  async incr(key, delta, options) {
    return this.#incr(INCR, key, delta, options);
  }
  async decr(key, delta, options) {
    return this.#incr(DECR, key, delta, options);
  }
  async touch(key, options) {
    if (this.#sync) return this.#sync.touch(key, options);
    return this.#h.touch_async(key, options?.timeout, options?.version);
  }
  async clear() {
    if (this.#sync) return this.#sync.clear();
    await this.#h.clear_async();
  }
  async close() {
    if (this.#sync) return this.#sync.close();
    await this.#h.close_async();
  }
  async incrVersion(key, delta, options) {
    return this.#incr(INCR_VERSION, key, delta, options);
  }
  async decrVersion(key, delta, options) {
    return this.#incr(DECR_VERSION, key, delta, options);
  }
  async makeKey(key, options) {
    return this.#h.make_key(key, options?.version);
  }
  async makeAndValidateKey(key, options) {
    return this.#h.make_and_validate_key(key, options?.version);
  }
  async validateKey(key) {
    this.#h.validate_key(key);
  }
  async getBackendTimeout(timeout) {
    return this.#h.get_backend_timeout(timeout);
  }
  /** Entries (LRU order for locmem) with time-to-live, counters and the last cull. */
  async inspect(options) {
    const countOnly = options?.detail === 'count';
    if (this.#sync) return this.#h.inspect(countOnly);
    return this.#h.inspect_async(countOnly);
  }
  /** Counters, latency of awaited storage operations and stampede figures (docs/stats.md). */
  async stats() {
    if (this.#h.stats_async === undefined) missing('stats')();
    return this.#h.stats_async();
  }

  // Django's async twins, where Django's async method behaves differently from its sync one
  // (for code ported from Django async views): `aincr`/`adecr` are always get + set (the
  // expiry is reset to the default timeout), `ahasKey` is a `get` (it refreshes LRU
  // recency), `agetMany`/`adeleteMany` are one get/delete per key.
  async aincr(key, delta, options) {
    return this.#incr(AINCR, key, delta, options);
  }
  async adecr(key, delta, options) {
    return this.#incr(ADECR, key, delta, options);
  }
  async ahasKey(key, options) {
    if (this.#sync) return this.#h.has_key(key, options?.version, TWIN);
    return this.#h.has_key_async(key, options?.version, TWIN);
  }
  async agetMany(keys, options) {
    if (this.#sync) return this.#h.get_many(keys, options?.version, TWIN);
    return this.#h.get_many_async(keys, options?.version, TWIN);
  }
  async adeleteMany(keys, options) {
    if (this.#sync) return void this.#h.delete_many(keys, options?.version, TWIN);
    await this.#h.delete_many_async(keys, options?.version, TWIN);
  }

  #incr(which, key, delta, options) {
    if (this.#sync) return this.#h.incr(which, key, delta, options?.version);
    return this.#h.incr_async(which, key, delta, options?.version);
  }
}

/** Every alias of a `CACHES` setting, as `django.core.cache.caches`. */
class Caches {
  #core;
  #clock;
  #built = new Map();
  constructor(core, clock) {
    this.#core = core;
    this.#clock = clock;
  }
  /** The aliases, in the order configured. */
  get aliases() {
    return this.#core.aliases();
  }
  /** `caches[alias]`; throws `InvalidCacheBackendError` for an unknown alias. */
  get(alias) {
    let cache = this.#built.get(alias);
    if (cache === undefined) {
      cache = new Cache(this.#core.cache(String(alias)), this.#clock);
      this.#built.set(alias, cache);
    }
    return cache;
  }
  /** `django.core.cache.cache`: the `default` alias. */
  get default() {
    return this.get('default');
  }
  /**
   * Django's HTTP caching over these caches: page caching, page keys, header utilities.
   * `settings` are Django's (`USE_I18N`, `USE_TZ`, `LANGUAGE_CODE`, `TIME_ZONE`,
   * `CACHE_MIDDLEWARE_ALIAS` / `_KEY_PREFIX` / `_SECONDS`, `ALLOWED_HOSTS`, `DEBUG`,
   * `USE_X_FORWARDED_HOST` / `_PORT`), over Django's defaults.
   */
  http(settings = {}) {
    if (this.#core.http === undefined) missing('caches.http')();
    return new Http(this.#core.http(settings));
  }
  /**
   * Django's `createcachetable`: makes the table (and index) of every db alias in the
   * `database` given to `createCaches`, unless it exists. Resolves to `[{ table, created }]`.
   */
  async createCacheTables() {
    if (this.#core.create_tables_async === undefined) missing('caches.createCacheTables')();
    return this.#core.create_tables_async();
  }
  /** `close()` on every alias (Django's request_finished handler). */
  async closeAll() {
    for (const alias of this.aliases) {
      try {
        await this.get(alias).close();
      } catch (error) {
        if (!(error instanceof InvalidCacheBackendError)) throw error;
      }
    }
  }
}

/**
 * Builds every alias of a Django `CACHES` setting: an object, its JSON, or the Python dict
 * literal pasted from settings.py. `clockResolution` defaults to 1 ms (lru-cache's default
 * `ttlResolution`); the workerd entries pass 0 when it is omitted (js/workerd.js).
 */
export function createCaches(CACHES, options = {}) {
  const text = typeof CACHES === 'string' ? CACHES : JSON.stringify(CACHES);
  if (text === undefined) throw new TypeError('CACHES must be an object or a string');
  const onWarning = options.onWarning ?? defaultOnWarning;
  const resolution = clockResolutionOf(options, 1);
  // The default clock: read by the core itself (Date.now() from wasm) when read on every
  // call; with a resolution, the core calls the coarse clock as it would a user's clock.
  const coarse = resolution > 0 ? coarseClock(resolution) : undefined;
  const core = new Core(
    text,
    coarse ?? options.clock,
    options.stores,
    options.database,
    (category, message) => onWarning({ category, message }),
    makeError,
    { fetch: options.fetch, timeoutMs: options.timeoutMs, bridge: options.bridge },
  );
  return new Caches(core, options.clock == null ? (coarse ?? readClock) : undefined);
}

// ----- console sessions and conformance traces -----

/**
 * Every alias of a `CACHES` setting on a virtual clock, driven by console lines (`set k v 30`,
 * `advance 10`) or conformance-trace operations, through the core's replay engine: what the
 * `edgecache run` console and the conformance replay compute. The playground runs on it.
 */
class Session {
  #s;
  constructor(session) {
    this.#s = session;
  }
  /** The aliases, in the order configured. */
  get aliases() {
    return this.#s.aliases();
  }
  /** The backend's short name of `alias`; throws why the alias cannot be built. */
  backend(alias) {
    return this.#s.backend(String(alias));
  }
  /** The virtual clock, Unix seconds. */
  get now() {
    return this.#s.now();
  }
  /** Operations run so far. */
  get count() {
    return this.#s.count;
  }
  /**
   * Runs one operation (a trace operation object or its JSON text). Resolves to `{ op, name,
   * alias, entry, repr, error, warnings, keys }`; Django's errors are results, not rejections.
   */
  async run(op) {
    return this.#s.run(typeof op === 'string' ? op : JSON.stringify(op));
  }
  /** Runs a console line; resolves to `undefined` for a blank line or a comment. */
  async runLine(line) {
    const op = parseCommand(line);
    return op === undefined ? undefined : this.#s.run(op);
  }
  /** `inspect()` of `alias` on the virtual clock. */
  async inspect(alias = 'default') {
    return this.#s.inspect(String(alias));
  }
  /** `stats()` of `alias`: counters, latency and stampede figures (docs/stats.md). */
  async stats(alias = 'default') {
    return this.#s.stats(String(alias));
  }
  /** Django's `createcachetable` for the db aliases. */
  async createCacheTables() {
    return this.#s.create_tables();
  }
}

/**
 * A console session over a `CACHES` setting. Options: `stores` and `database` as for
 * `createCaches`, `start` (Unix seconds, default the conformance oracle's 1 700 000 000).
 * Throws `ImproperlyConfigured` with `alias`, `field`, `value` and `line`.
 */
export function createSession(CACHES, options = {}) {
  const text = typeof CACHES === 'string' ? CACHES : JSON.stringify(CACHES);
  const onWarning = options.onWarning ?? (() => {});
  return new Session(
    new CoreSession(
      text,
      options.start,
      options.stores,
      options.database,
      (category, message) => onWarning({ category, message }),
      makeError,
    ),
  );
}

/** A console line as a trace operation (JSON text); `undefined` for a blank line. */
export function parseCommand(line) {
  return CoreSession.parse(String(line));
}

/** What the console understands. */
export function consoleHelp() {
  return CoreSession.help();
}

/**
 * Reads a conformance trace: `{ name, backend, caches, ops }`, with the `CACHES` the oracle
 * builds for `backend` (default the trace's first) as a Python dict literal and each
 * operation as JSON text.
 */
export function importTrace(text, backend) {
  return coreImportTrace(String(text), backend);
}

/**
 * A session as a conformance trace in the oracle's format: `{ trace, notes }`, the trace's
 * JSON text and what the oracle would run differently (it runs every alias on the default's
 * backend). `ops` are operations as JSON text (the `op` of each `run` result).
 */
export function exportTrace(CACHES, name, ops) {
  const text = typeof CACHES === 'string' ? CACHES : JSON.stringify(CACHES);
  return coreExportTrace(text, String(name), ops.map((op) => (typeof op === 'string' ? op : JSON.stringify(op))));
}

// ----- the HTTP layer -----
//
// Headers are a plain object, a Map, a Fetch `Headers` or [name, value] pairs; the functions
// that patch them change them in place (as Django patches the response) and return them.
// Requests are `{ method, scheme, host, path, query, headers, languageCode, language,
// timeZone }` or anything with a `url` (a Fetch `Request`); responses are `{ status, content,
// headers, cookies, streaming }`, Django's `HttpResponse(content, status)` with the headers
// then set in order.

const isHeaders = (h) =>
  typeof h.get === 'function' && typeof h.set === 'function' && typeof h.delete === 'function';

/** [name, value] pairs of any header form; a Fetch `Headers` keeps its Set-Cookie lines. */
function pairsOf(headers, what = 'headers') {
  if (headers === undefined || headers === null) return [];
  if (Array.isArray(headers)) return headers;
  if (typeof headers !== 'object') {
    throw new TypeError(`${what} must be an object, a Map, a Headers or [name, value] pairs`);
  }
  if (headers instanceof Map) return [...headers];
  if (isHeaders(headers) && typeof headers.entries === 'function') {
    return [...headers.entries()].filter(([name]) => name.toLowerCase() !== 'set-cookie');
  }
  return Object.entries(headers);
}

/** Writes `pairs` (Django's order and spelling) back into `headers`, of whatever form. */
function writeHeaders(headers, pairs) {
  if (Array.isArray(headers)) {
    headers.splice(0, headers.length, ...pairs);
  } else if (headers instanceof Map) {
    headers.clear();
    for (const [name, value] of pairs) headers.set(name, value);
  } else if (isHeaders(headers)) {
    const kept = new Set(pairs.map(([name]) => name.toLowerCase()));
    for (const name of [...headers.keys()]) {
      if (!kept.has(name.toLowerCase()) && name.toLowerCase() !== 'set-cookie') headers.delete(name);
    }
    for (const [name, value] of pairs) headers.set(name, value);
  } else {
    for (const name of Object.keys(headers)) delete headers[name];
    for (const [name, value] of pairs) headers[name] = value;
  }
  return headers;
}

/** `{ maxAge: 60 }` → Django's `max_age`; Django's own keyword names pass unchanged. */
const directiveName = (name) => name.replace(/([a-z0-9])([A-Z])/g, (_, a, b) => `${a}_${b.toLowerCase()}`);

function directivePairs(directives) {
  if (directives === undefined || directives === null) return [];
  if (typeof directives !== 'object') throw new TypeError('directives must be an object');
  const pairs = directives instanceof Map ? [...directives] : Object.entries(directives);
  return pairs.map(([name, value]) => [typeof name === 'string' ? directiveName(name) : name, value]);
}

/** The fields the core reads from a request. */
function requestFields(request) {
  if (request === null || typeof request !== 'object') {
    throw new TypeError('a request must be an object { method, host, path, query, headers } or a Fetch Request');
  }
  let { scheme, host, path, query } = request;
  if (typeof request.url === 'string') {
    const url = new URL(request.url);
    scheme ??= url.protocol.slice(0, -1);
    host ??= url.host;
    path ??= url.pathname;
    query ??= url.search.slice(1);
  }
  return {
    method: request.method,
    scheme,
    host,
    path,
    query,
    headers: pairsOf(request.headers, 'request.headers'),
    meta: pairsOf(request.meta, 'request.meta'),
    languageCode: request.languageCode,
    language: request.language,
    timeZone: request.timeZone,
  };
}

/** The fields the core reads from a response. */
function responseFields(response) {
  if (response === null || typeof response !== 'object') {
    throw new TypeError('a view must return a response object { status, content, headers, cookies }');
  }
  return {
    status: response.status,
    content: response.content,
    headers: pairsOf(response.headers, 'response.headers'),
    cookies: pairsOf(response.cookies, 'response.cookies'),
    streaming: response.streaming,
  };
}

/** A response the core built (a cached page) as a response object. */
function responseObject(fields) {
  const response = { status: fields.status, headers: Object.fromEntries(fields.headers) };
  if (fields.cookies.length) response.cookies = Object.fromEntries(fields.cookies);
  if (fields.streaming) response.streaming = true;
  else response.content = fields.content;
  return response;
}

/** Django's `patch_cache_control(response, **directives)`: `{ maxAge: 60, public: true }`. */
export function patchCacheControl(headers, directives) {
  return writeHeaders(headers, patch_cache_control(pairsOf(headers), directivePairs(directives), makeError));
}

/** Django's `patch_vary_headers(response, newheaders)`. */
export function patchVaryHeaders(headers, newHeaders) {
  return writeHeaders(headers, patch_vary_headers(pairsOf(headers), newHeaders, makeError));
}

/** Django's `has_vary_header(response, header_query)`. */
export function hasVaryHeader(headers, header) {
  return has_vary_header(pairsOf(headers), header, makeError);
}

/** Django's `get_max_age(response)`: the `max-age` directive, or `null`. */
export function getMaxAge(headers) {
  return get_max_age(pairsOf(headers), makeError);
}

/** Django's `make_template_fragment_key(fragment_name, vary_on)`. */
export function makeTemplateFragmentKey(fragmentName, varyOn) {
  return make_template_fragment_key(fragmentName, varyOn);
}

/** A view whose response's headers `patch` changes (Django's header decorators). */
function patchingView(view, patch) {
  return async (request) => {
    const response = await view(request);
    if (response !== null && typeof response === 'object') patch((response.headers ??= {}));
    return response;
  };
}

/** Django's HTTP caching over the caches of one `createCaches`, with Django's settings. */
class Http {
  #h;
  constructor(handle) {
    this.#h = handle;
  }

  /** Django's `patch_response_headers(response, cache_timeout)` (Expires, max-age). */
  patchResponseHeaders(headers, cacheTimeout) {
    return writeHeaders(headers, this.#h.patch_response_headers(pairsOf(headers), cacheTimeout));
  }
  /** Django's `add_never_cache_headers(response)`. */
  addNeverCacheHeaders(headers) {
    return writeHeaders(headers, this.#h.add_never_cache_headers(pairsOf(headers)));
  }
  patchCacheControl(headers, directives) {
    return patchCacheControl(headers, directives);
  }
  patchVaryHeaders(headers, newHeaders) {
    return patchVaryHeaders(headers, newHeaders);
  }
  hasVaryHeader(headers, header) {
    return hasVaryHeader(headers, header);
  }
  getMaxAge(headers) {
    return getMaxAge(headers);
  }
  makeTemplateFragmentKey(fragmentName, varyOn) {
    return makeTemplateFragmentKey(fragmentName, varyOn);
  }

  /**
   * Django's `learn_cache_key`: stores the header list the response varies on; the page key.
   * `cache` is an alias (default `CACHE_MIDDLEWARE_ALIAS`).
   */
  async learnCacheKey(request, response, options) {
    return this.#h.learn_cache_key(
      requestFields(request),
      responseFields(response),
      options?.cacheTimeout,
      options?.keyPrefix,
      options?.cache,
    );
  }
  /** Django's `get_cache_key`: the page key, or `null` when no header list is stored. */
  async getCacheKey(request, options) {
    return this.#h.get_cache_key(requestFields(request), options?.keyPrefix, options?.method, options?.cache);
  }

  /**
   * Django's `cache_page(timeout, cache=..., key_prefix=...)`: a decorator for a view
   * `(request) => response` (sync or async); the decorated view returns a Promise of the
   * cached page (with `Age`) or of the view's response with the caching headers.
   */
  cachePage(timeout, options) {
    return this.#pageCache(this.#h.cache_page(timeout, options?.cache, options?.keyPrefix));
  }
  /**
   * Django's `CacheMiddleware(view, cache_timeout, page_timeout, key_prefix=..., cache_alias=...)`
   * as a decorator: an omitted option takes the `CACHE_MIDDLEWARE_*` setting, `null` is `None`.
   */
  cacheMiddleware(options = {}) {
    return this.#pageCache(
      this.#h.cache_middleware(options.cacheTimeout, options.pageTimeout, options.keyPrefix, options.cacheAlias),
    );
  }
  /**
   * The site cache: `UpdateCacheMiddleware` + `FetchFromCacheMiddleware` around every view,
   * from the `CACHE_MIDDLEWARE_*` settings.
   */
  cacheSite(view) {
    return this.#pageCache(this.#h.site())(view);
  }

  /** Django's `@never_cache`. */
  neverCache(view) {
    return patchingView(view, (headers) => this.addNeverCacheHeaders(headers));
  }
  /** Django's `@cache_control(**directives)`. */
  cacheControl(directives) {
    return (view) => patchingView(view, (headers) => patchCacheControl(headers, directives));
  }
  /** Django's `@vary_on_headers(*headers)`. */
  varyOnHeaders(...names) {
    return (view) => patchingView(view, (headers) => patchVaryHeaders(headers, names));
  }
  /** Django's `@vary_on_cookie`. */
  varyOnCookie(view) {
    return patchingView(view, (headers) => patchVaryHeaders(headers, ['Cookie']));
  }

  #pageCache(page) {
    return (view) => async (request) => {
      const fields = requestFields(request);
      const fetched = await page.fetch(fields);
      if (typeof fetched !== 'boolean') return responseObject(fetched);
      const response = await view(request);
      const updated = await page.update(fields, responseFields(response), fetched);
      writeHeaders((response.headers ??= {}), updated.headers);
      response.status = updated.status;
      return response;
    };
  }
}
