// The app shell offline and at once: the page and its hashed assets are kept in a cache, so the app
// opens without a network, and on one bar of signal it does not wait for the page either. The graph
// and photos are never cached here (the app keeps its last data and its queue of changes itself, in
// the page's storage).
const CACHE = 'civgrid-shell-v2';
const SHELL = ['/manifest.webmanifest', '/icon.svg'];

/** The hashed scripts and styles a page names. */
const assetsOf = (html) => [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);

/**
 * Fetches the page and keeps it, but only once everything it names is kept too: the kept page
 * always opens whole, offline as well. Assets already kept (hashed, so unchanged) are not fetched
 * again.
 */
async function refreshShell() {
  const cache = await caches.open(CACHE);
  const res = await fetch('/', { cache: 'no-store' });
  if (!res.ok) return;
  const html = await res.clone().text();
  const kept = await cache.match('/');
  if (kept && (await kept.text()) === html) return;
  const missing = [];
  for (const url of [...SHELL, ...assetsOf(html)]) if (!(await cache.match(url))) missing.push(url);
  await cache.addAll(missing);
  await cache.put('/', res);
}

self.addEventListener('install', (event) => {
  event.waitUntil(refreshShell().then(() => self.skipWaiting()));
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
  if (event.request.mode === 'navigate') {
    // Only the app's own page; GraphiQL, Open311, health and the rest go to the network untouched.
    if (url.pathname !== '/' && url.pathname !== '/index.html') return;
    // The kept page at once (stale-while-revalidate): a new build is fetched in the background and
    // shows on the next open. Without a kept page, the network.
    event.respondWith(
      caches.match('/').then((kept) => {
        const refreshed = refreshShell().catch(() => undefined);
        event.waitUntil(refreshed);
        return kept ?? fetch(event.request);
      }),
    );
    return;
  }
  if (!url.pathname.startsWith('/assets/') && !SHELL.includes(url.pathname)) return;
  // Hashed assets, fonts, the manifest and the icon: the cache first, filled as they are first fetched.
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
