// workerd (Cloudflare Workers) entry: a `.wasm` import is a compiled WebAssembly.Module there.
import module from '../dist/edgecache_core_bg.wasm';
import { initSync } from '../dist/edgecache_core.js';
import { createCaches as createCachesCoarse } from './api.js';

initSync({ module });

export * from './api.js';

/**
 * `createCaches` with `clockResolution` defaulting to 0 (every operation reads `Date.now()`):
 * inside a request `Date.now()` does not move, so a coarse reading saves nothing, and a timer
 * pending at the end of a request might not run before the next (docs/npm-hot-path.md).
 */
export function createCaches(CACHES, options = {}) {
  return createCachesCoarse(CACHES, options?.clockResolution === undefined ? { ...options, clockResolution: 0 } : options);
}
