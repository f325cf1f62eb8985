// A Worker using the package as a user would, with a KV namespace for a filebased cache.
// Miniflare does not resolve bare specifiers (wrangler would, through the package's
// "workerd" export condition): import that entry by path.
import { createCaches } from '../../../js/workerd.js';
import { createCaches as createMemoryCaches } from '../../../js/memory/workerd.js';

/** How many times three synchronous gets read `Date.now()` on a default cache of `create`. */
function clockReads(create) {
  const sync = create({ default: { BACKEND: 'locmem' } }).default.sync;
  sync.set('k', 'v');
  sync.get('k');
  const realNow = Date.now;
  let reads = 0;
  Date.now = () => {
    reads += 1;
    return realNow();
  };
  try {
    for (let i = 0; i < 3; i += 1) sync.get('k');
  } finally {
    Date.now = realNow;
  }
  return reads;
}

export default {
  async fetch(request, env) {
    const caches = createCaches(
      {
        default: { BACKEND: 'django.core.cache.backends.locmem.LocMemCache', TIMEOUT: 60 },
        kv: { BACKEND: 'django.core.cache.backends.filebased.FileBasedCache', LOCATION: 'CACHE_KV' },
      },
      { stores: { CACHE_KV: env.CACHE_KV } },
    );
    const out = {};
    await caches.default.set('greeting', 'hello', { timeout: 30 });
    out.locmem = await caches.default.get('greeting');
    out.incr = (await caches.default.incr('n', 1).catch((e) => e.name)) ?? null;
    const kv = caches.get('kv');
    await kv.set('page', { views: 1, tags: ['a'] }, { timeout: 5 });
    out.kv = await kv.get('page');
    out.kvMiss = (await kv.get('nope')) === undefined;
    out.inspect = (await caches.default.inspect()).entries.map((e) => e.key);
    // The workerd entries default clockResolution to 0: every operation reads the clock.
    out.clockReads = [clockReads(createCaches), clockReads(createMemoryCaches)];
    return Response.json(out);
  },
};
