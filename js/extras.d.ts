// django-redis's extras (docs/extras.md); merged into `Cache` by index.d.ts.
import type { CacheKey, VersionOptions } from './index.js';

/** `cache.lock(name, options)`: redis-py's Lock, as django-redis returns it. */
export interface LockOptions extends VersionOptions {
  /** Seconds the lock lives at most (`PX` on Redis); none: until released. */
  timeout?: number | null;
  /** Wait for the lock (default `true`). */
  blocking?: boolean;
  /** Seconds to wait at most when blocking; none: forever. */
  blockingTimeout?: number | null;
  /** Seconds between attempts (default 0.1). */
  sleep?: number;
}

/** A lock; its token is random and kept by this object. */
export declare class Lock {
  /** `true` once taken; `false` when not blocking (or the blocking timeout passed). */
  acquire(options?: Pick<LockOptions, 'blocking' | 'blockingTimeout' | 'sleep'>): Promise<boolean>;
  /** Releases it; rejects with `LockNotOwnedError` when it expired and someone else took it. */
  release(): Promise<void>;
  /** Whether this object holds the lock. */
  readonly owned: boolean;
}

/** The extras every cache has; a backend that cannot answer rejects with `NotImplementedError`. */
export interface CacheExtras {
  /** Seconds left; `null` when it never expires; `0` when missing. */
  ttl(key: CacheKey, options?: VersionOptions): Promise<number | null>;
  /** Milliseconds left; `null` when it never expires; `0` when missing. */
  pttl(key: CacheKey, options?: VersionOptions): Promise<number | null>;
  /** A new expiry in seconds (0 or less deletes); whether the key was there. */
  expire(key: CacheKey, seconds: number, options?: VersionOptions): Promise<boolean>;
  /** A new expiry in milliseconds. */
  pexpire(key: CacheKey, ms: number, options?: VersionOptions): Promise<boolean>;
  /** Expires at a Unix time in seconds, or a Date; a past time deletes. */
  expireAt(key: CacheKey, when: number | Date, options?: VersionOptions): Promise<boolean>;
  /** Removes the expiry; whether there was one. */
  persist(key: CacheKey, options?: VersionOptions): Promise<boolean>;
  /** Raw keys of this cache's version matching a Redis glob. */
  iterKeys(search: string, options?: VersionOptions): Promise<string[]>;
  /** Deletes the keys matching a Redis glob; how many were found. */
  deletePattern(pattern: string, options?: VersionOptions): Promise<number>;
  /** A lock named `name`. */
  lock(name: CacheKey, options?: LockOptions): Lock;
}
