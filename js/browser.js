// Browser entry (no bundler): fetches the wasm next to the glue, once, at import.
import init from '../dist/edgecache_core.js';

await init({ module_or_path: new URL('../dist/edgecache_core_bg.wasm', import.meta.url) });

export * from './api.js';
