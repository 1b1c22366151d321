import 'reflect-metadata';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { testDistrictCode } from '@civgrid/testing';
import { DESKTOP, launchBrowser, PHONE } from '../browser';
import { seedDemo } from '../demo-seed';
import { startStack } from '../stack';

// node scripts/civgrid.mjs bench web: the grid member's first screen on a mid-range phone.
//  - JavaScript on first load, gzip bytes (goal ≤ 250 KB), and everything else the page fetched;
//  - time to the first useful paint (the household list shown) with the network at slow 3G and the
//    CPU slowed 4×, cold (no cache, no service worker), in turns with a baseline page of the same
//    origin under the same throttling (A B A B: the machine is shared, the ratio is the figure);
//  - the same for the installed app opened again (its service worker and last data on the phone);
//  - GraphQL requests per screen (goal: one).

const RUNS = Number(process.env['BENCH_RUNS'] ?? 4);
// Chrome DevTools' "Slow 3G": 400 ms RTT (×5 of 100 ms, as DevTools applies it), 400 kbit/s each way.
const SLOW_3G = { offline: false, latency: 2000, downloadThroughput: (400 * 1024) / 8, uploadThroughput: (400 * 1024) / 8 };
// DevTools' "Fast 3G" (562.5 ms, 1.44 Mbit/s down, 675 kbit/s up), for a second, kinder profile.
const FAST_3G = { offline: false, latency: 562.5, downloadThroughput: (1440 * 1024) / 8, uploadThroughput: (675 * 1024) / 8 };
type Network = typeof SLOW_3G;
const CPU_SLOWDOWN = 4;

/** A script run in the page before the app: the session the sign-in screen would have kept. */
const signedIn = (session: string): string => `localStorage.setItem('civgrid.session', ${JSON.stringify(session)})`;

async function coldLoad(
  browser: Browser,
  base: string,
  session: string,
  path: string,
  ready: (page: Page) => Promise<unknown>,
  network: Network = SLOW_3G,
) {
  const context = await browser.newContext({ ...PHONE, baseURL: base, locale: 'zh-CN', serviceWorkers: 'block' });
  await context.addInitScript(signedIn(session));
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', network);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  const js: Buffer[] = [];
  let otherBytes = 0;
  let graphql = 0;
  page.on('request', (r) => void (r.url().endsWith('/graphql') && graphql++));
  page.on('response', (r) => {
    void r
      .body()
      .then((b) => (r.request().resourceType() === 'script' ? js.push(b) : (otherBytes += b.length)))
      .catch(() => undefined);
  });
  const t0 = Date.now();
  await page.goto(path, { waitUntil: 'commit' });
  await ready(page);
  const ms = Date.now() - t0;
  await page.waitForLoadState('networkidle');
  await context.close();
  return {
    ms,
    jsGzip: js.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0),
    jsRaw: js.reduce((n, b) => n + b.length, 0),
    otherBytes,
    graphql,
  };
}

/**
 * The installed app opened again (what a grid member does every day): the service worker and the
 * last data the app had are on the phone; the same throttling. Opened once online to install, then
 * timed on a new page of the same browser profile.
 */
async function warmOpen(browser: Browser, base: string, session: string, ready: (page: Page) => Promise<unknown>) {
  const context = await browser.newContext({ ...PHONE, baseURL: base, locale: 'zh-CN', serviceWorkers: 'allow' });
  await context.addInitScript(signedIn(session));
  const first = await context.newPage();
  await first.goto('/');
  await ready(first);
  await first.waitForFunction('navigator.serviceWorker.controller !== null', undefined, { timeout: 60_000 });
  await first.waitForFunction("Object.keys(localStorage).some((k) => k.startsWith('civgrid.cache.'))", undefined, { timeout: 60_000 });
  await first.close();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  const t0 = Date.now();
  await page.goto('/', { waitUntil: 'commit' });
  await ready(page);
  const ms = Date.now() - t0;
  await context.close();
  return ms;
}

async function requestsPerScreen(browser: Browser, base: string, session: string, desktop: boolean, tabs: string[], ready: string) {
  const context = await browser.newContext({ ...(desktop ? DESKTOP : PHONE), baseURL: base, locale: 'zh-CN', serviceWorkers: 'block' });
  await context.addInitScript(signedIn(session));
  const page = await context.newPage();
  let n = 0;
  page.on('request', (r) => void (r.url().endsWith('/graphql') && n++));
  await page.goto('/');
  await page.getByText(ready).first().waitFor();
  await page.waitForLoadState('networkidle');
  const out: Record<string, number> = { first: n };
  for (const tab of tabs) {
    n = 0;
    await page.getByRole('button', { name: tab }).click();
    await page.waitForLoadState('networkidle');
    await new Promise((r) => setTimeout(r, 300));
    out[tab] = n;
  }
  await context.close();
  return out;
}

async function main(): Promise<void> {
  const peoplePath = join(mkdtempSync(join(tmpdir(), 'civgrid-bench-web-')), 'people.json');
  const stack = await startStack('bench-web', (keys) => ({
    DEV_SIGNIN_PRIVATE_KEY: keys.privateKeyPem,
    DEV_SIGNIN_PEOPLE_PATH: peoplePath,
  }));
  const browser = await launchBrowser();
  try {
    const base = stack.url.replace(/\/graphql$/, '');
    const world = await seedDemo({ url: stack.url, districtCode: testDistrictCode(), sign: (claims) => stack.token(claims) });
    writeFileSync(peoplePath, JSON.stringify(world.people));
    const sessionOf = async (key: string) => {
      const p = world.people.find((x) => x.key === key)!;
      return JSON.stringify({ token: await stack.token(p.claims, '2h'), role: p.role, name: p.name, claims: p.claims });
    };
    const member = await sessionOf('grid-member');
    const app = (network?: Network) =>
      coldLoad(browser, base, member, '/', (page) => page.getByText('张德福').first().waitFor({ timeout: 120_000 }), network);
    // The baseline: the gateway's own health answer, a page with nothing to load, same origin and throttling.
    const baseline = () =>
      coldLoad(browser, base, member, '/health/live', (page) => page.getByText('ok').first().waitFor({ timeout: 120_000 }));
    await app(); // warm the server side (JIT, pools), not counted
    const warm = () => warmOpen(browser, base, member, (page) => page.getByText('张德福').first().waitFor({ timeout: 120_000 }));
    const a: number[] = [];
    const b: number[] = [];
    const w: number[] = [];
    const f: number[] = [];
    let last = await app();
    for (let i = 0; i < RUNS; i++) {
      last = await app();
      a.push(last.ms);
      b.push((await baseline()).ms);
      w.push(await warm());
      f.push((await app(FAST_3G)).ms);
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    const screens = await requestsPerScreen(
      browser,
      base,
      member,
      false,
      ['登记住户', '今日关爱', '走访', '上报事件', '我的事件', '我的网格'],
      '张德福',
    );
    const officer = await requestsPerScreen(browser, base, await sessionOf('community'), true, [], '未办结事件');
    const lines = [
      `web: the grid member's first screen, phone 360×740, slow 3G (${SLOW_3G.latency} ms RTT, 400 kbit/s), CPU ${CPU_SLOWDOWN}× slower, cold`,
      `  JavaScript on first load: ${(last.jsGzip / 1024).toFixed(1)} KB gzip (${(last.jsRaw / 1024).toFixed(1)} KB raw; goal ≤ 250 KB gzip)`,
      `  everything else fetched (page, CSS, font subsets, graph answers): ${(last.otherBytes / 1024).toFixed(1)} KB as served`,
      `  first useful paint (households shown): median ${median(a)} ms of ${RUNS} (goal ≤ 3000 ms); runs ${a.join(', ')}`,
      `  baseline (a page with nothing to load, same origin and throttling): median ${median(b)} ms; runs ${b.join(', ')}`,
      `  ratio app / baseline: ${(median(a) / median(b)).toFixed(2)}`,
      `  the same on DevTools' Fast 3G (562.5 ms, 1.44 Mbit/s), cold: median ${median(f)} ms; runs ${f.join(', ')}`,
      `  the installed app opened again (service worker and last data kept), same throttling: median ${median(w)} ms (goal ≤ 3000 ms); runs ${w.join(', ')}`,
      `  GraphQL requests: grid member ${Object.entries(screens)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}; officer console first ${officer['first']}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await browser.close();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
