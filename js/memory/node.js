// Node entry of the in-memory build (`edgecache/memory`): locmem and dummy only, the smallest
// wasm. Loads it from the package folder synchronously.
import { readFileSync } from 'node:fs';
import { initSync } from '../../dist/memory/edgecache_core.js';

initSync({ module: readFileSync(new URL('../../dist/memory/edgecache_core_bg.wasm', import.meta.url)) });

export * from '../../dist/memory/api.js';
