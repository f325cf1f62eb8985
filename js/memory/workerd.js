// workerd (Cloudflare Workers) entry of the in-memory build (`edgecache/memory`): a `.wasm`
// import is a compiled WebAssembly.Module there.
import module from '../../dist/memory/edgecache_core_bg.wasm';
import { initSync } from '../../dist/memory/edgecache_core.js';
import { createCaches as createCachesCoarse } from '../../dist/memory/api.js';

initSync({ module });

export * from '../../dist/memory/api.js';

/** `createCaches` with `clockResolution` defaulting to 0, as in js/workerd.js (why: there). */
export function createCaches(CACHES, options = {}) {
  return createCachesCoarse(CACHES, options?.clockResolution === undefined ? { ...options, clockResolution: 0 } : options);
}
