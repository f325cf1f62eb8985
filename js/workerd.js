// workerd (Cloudflare Workers) entry: a `.wasm` import is a compiled WebAssembly.Module there.
import module from '../dist/edgecache_core_bg.wasm';
import { initSync } from '../dist/edgecache_core.js';

initSync({ module });

export * from './api.js';
