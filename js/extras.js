// django-redis's extras on every cache (docs/extras.md): ttl, pttl, expire, pexpire,
// expireAt, persist, iterKeys, deletePattern, lock, and incr's ignoreKeyCheck option.
// `installExtras` adds them to the Cache class of api.js, which hands over its handle.

const EXPIRE = 0, PEXPIRE = 1, EXPIRE_AT = 2;

/** redis-py's `LockNotOwnedError`; made by api.js's error factory so `instanceof` works. */
let makeError = (type, message) => Object.assign(new Error(message), { name: type });

/** A random lock token: 32 hex digits, as redis-py's `uuid1().hex`. */
function newToken() {
  return globalThis.crypto.randomUUID().replaceAll('-', '');
}

const sleep = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

/**
 * redis-py's `Lock` (what django-redis's `cache.lock()` returns): `SET key token NX PX` to
 * acquire, a token-checked delete to release.
 */
export class Lock {
  #h;
  #name;
  #options;
  #token = null;
  constructor(handle, name, options) {
    this.#h = handle;
    this.#name = name;
    this.#options = options ?? {};
  }
  /**
   * Takes the lock: `true`, or `false` when `blocking: false` (or `blockingTimeout`
   * seconds passed) and someone else holds it. Polls every `sleep` seconds (0.1).
   */
  async acquire(options) {
    const blocking = options?.blocking ?? this.#options.blocking ?? true;
    const limit = options?.blockingTimeout ?? this.#options.blockingTimeout ?? null;
    const pause = options?.sleep ?? this.#options.sleep ?? 0.1;
    const timeout = this.#options.timeout;
    const timeoutMs = timeout == null ? null : Math.trunc(timeout * 1000);
    const token = newToken();
    const deadline = limit == null ? null : Date.now() + limit * 1000;
    for (;;) {
      const taken = await this.#h.lock_acquire_async(this.#name, token, timeoutMs, this.#options.version);
      if (taken) {
        this.#token = token;
        return true;
      }
      if (!blocking || (deadline !== null && Date.now() + pause * 1000 > deadline)) return false;
      await sleep(pause);
    }
  }
  /** Releases the lock; a `LockNotOwnedError` when it is no longer ours (or never was). */
  async release() {
    const token = this.#token;
    if (token === null) throw makeError('LockError', 'Cannot release an unlocked lock');
    this.#token = null;
    const released = await this.#h.lock_release_async(this.#name, token, this.#options.version);
    if (!released) throw makeError('LockNotOwnedError', "Cannot release a lock that's no longer owned");
  }
  /** Whether this object holds the lock (it may have expired on the server since). */
  get owned() {
    return this.#token !== null;
  }
}

/** Adds the extras to `Cache.prototype`; `handleOf(cache)` gives a cache's core handle. */
export function installExtras(Cache, handleOf, errorFactory) {
  if (errorFactory) makeError = errorFactory;
  const proto = Cache.prototype;
  const plainIncr = proto.incr;
  Object.assign(proto, {
    /** Seconds left (`null`: never expires; `0`: missing). */
    async ttl(key, options) {
      return handleOf(this).ttl_async(key, options?.version, false);
    },
    /** Milliseconds left (`null`: never expires; `0`: missing). */
    async pttl(key, options) {
      return handleOf(this).ttl_async(key, options?.version, true);
    },
    /** New expiry in `seconds` (0 or less deletes); whether the key was there. */
    async expire(key, seconds, options) {
      return handleOf(this).expire_async(EXPIRE, key, seconds, options?.version);
    },
    /** New expiry in milliseconds. */
    async pexpire(key, ms, options) {
      return handleOf(this).expire_async(PEXPIRE, key, ms, options?.version);
    },
    /** Expires at `when` (Unix seconds, or a Date); a past time deletes. */
    async expireAt(key, when, options) {
      const seconds = when instanceof Date ? Math.trunc(when.getTime() / 1000) : when;
      return handleOf(this).expire_async(EXPIRE_AT, key, seconds, options?.version);
    },
    /** Removes the expiry; whether there was one. */
    async persist(key, options) {
      return handleOf(this).persist_async(key, options?.version);
    },
    /** Keys of this cache's version matching a Redis glob (`*`, `?`, `[...]`). */
    async iterKeys(search, options) {
      return handleOf(this).iter_keys_async(String(search), options?.version);
    },
    /** Deletes keys matching a Redis glob; how many were found. */
    async deletePattern(pattern, options) {
      return handleOf(this).delete_pattern_async(String(pattern), options?.version);
    },
    /** A `Lock` named `name`: `{ timeout (s), blocking, blockingTimeout (s), sleep (s), version }`. */
    lock(name, options) {
      return new Lock(handleOf(this), name, options);
    },
    /** Django's incr, or django-redis's `ignore_key_check` with `{ ignoreKeyCheck: true }`. */
    async incr(key, delta, options) {
      if (options?.ignoreKeyCheck) {
        return handleOf(this).incr_unchecked_async(key, delta, options?.version);
      }
      return plainIncr.call(this, key, delta, options);
    },
  });
}
