// The app shell offline: the page and its hashed assets are kept in a cache, so the app opens
// without a network. The graph and photos are never cached here (the app keeps its last data and
// its queue of changes itself, in the page's storage).
const CACHE = 'civgrid-shell-v1';

// The page names its hashed scripts and styles: those are kept at install with the page itself.
async function precache() {
  const cache = await caches.open(CACHE);
  const page = await fetch('/', { cache: 'no-store' });
  const html = await page.clone().text();
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
  await cache.put('/', page);
  await cache.addAll(['/manifest.webmanifest', '/icon.svg', ...assets]);
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (/^\/(graphql|photos|dev|health|config\.json)/.test(url.pathname)) return;
  if (event.request.mode === 'navigate') {
    // The page: the network first (a new build shows at once), the kept copy when offline.
    event.respondWith(
      fetch(event.request)
        .then((res) => {
          const copy = res.clone();
          void caches.open(CACHE).then((c) => c.put('/', copy));
          return res;
        })
        .catch(() => caches.match('/')),
    );
    return;
  }
  // Hashed assets and fonts: the cache first, filled as they are first fetched.
  event.respondWith(
    caches.match(event.request).then(
      (hit) =>
        hit ??
        fetch(event.request).then((res) => {
          if (res.ok) {
            const copy = res.clone();
            void caches.open(CACHE).then((c) => c.put(event.request, copy));
          }
          return res;
        }),
    ),
  );
});
