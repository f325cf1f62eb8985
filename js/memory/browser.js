// Browser entry of the in-memory build (`edgecache/memory`): fetches the wasm next to the
// glue, once, at import.
import init from '../../dist/memory/edgecache_core.js';

await init({ module_or_path: new URL('../../dist/memory/edgecache_core_bg.wasm', import.meta.url) });

export * from '../../dist/memory/api.js';
