// Offline support: the page and its vendored core are cached on first load and served from
// the cache afterwards (refreshed in the background when the network answers). The Worker's
// API (api/...) is never cached.
const CACHE = 'edgecache-playground-v2';
const SHELL = [
  './', 'index.html', 'style.css', 'app.js', 'examples.js', 'sqljs-d1.js', 'idb-kv.js',
  'vendor/js/browser.js', 'vendor/js/api.js', 'vendor/js/copy.js', 'vendor/js/extras.js', 'vendor/dist/edgecache_core.js',
  'vendor/dist/edgecache_core_bg.wasm', 'vendor/sql.js/sql-wasm-browser.js',
  'vendor/sql.js/sql-wasm-browser.wasm',
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== location.origin || url.pathname.includes('/api/')) return;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const cached = await cache.match(event.request, { ignoreSearch: true });
      const fetched = fetch(event.request)
        .then((response) => {
          if (response.ok) cache.put(event.request, response.clone());
          return response;
        })
        .catch(() => cached);
      return cached ?? fetched;
    }),
  );
});
