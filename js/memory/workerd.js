// workerd (Cloudflare Workers) entry of the in-memory build (`edgecache/memory`): a `.wasm`
// import is a compiled WebAssembly.Module there.
import module from '../../dist/memory/edgecache_core_bg.wasm';
import { initSync } from '../../dist/memory/edgecache_core.js';

initSync({ module });

export * from '../../dist/memory/api.js';
