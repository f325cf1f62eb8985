// Node entry: loads the wasm from the package folder synchronously.
import { readFileSync } from 'node:fs';
import { initSync } from '../dist/edgecache_core.js';

initSync({ module: readFileSync(new URL('../dist/edgecache_core_bg.wasm', import.meta.url)) });

export * from './api.js';
