import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';

// A real Chromium from the npm package @sparticuz/chromium, driven by playwright-core: a fresh
// clone needs nothing but `npm test` (no system browser, no browser download).
// The package is ESM only, which Jest's CommonJS runtime cannot load: a child Node unpacks the
// browser (once, into the temp folder) and says where it is.
export async function launchBrowser(): Promise<Browser> {
  const script = `import('@sparticuz/chromium').then(async ({ default: c }) => process.stdout.write(JSON.stringify({ path: await c.executablePath(), args: c.args })))`;
  const found = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: join(__dirname, '..'), encoding: 'utf8' })) as {
    path: string;
    args: string[];
  };
  // One process per browser, not --single-process: closing a context there takes the browser down.
  return chromium.launch({ executablePath: found.path, args: found.args.filter((a) => a !== '--single-process'), headless: true });
}

export const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
export const DESKTOP = { viewport: { width: 1280, height: 860 } };

/** A browser context that may only reach the app's own origin: any other host fails the test. */
export async function newContext(
  browser: Browser,
  base: string,
  device: typeof PHONE | typeof DESKTOP,
): Promise<{ context: BrowserContext; foreign: string[] }> {
  const context = await browser.newContext({
    ...device,
    baseURL: base,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    permissions: ['geolocation'],
    geolocation: { latitude: 36.1875, longitude: 117.0893 },
  });
  const origin = new URL(base).origin;
  const foreign: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    foreign.push(url);
    return route.abort();
  });
  return { context, foreign };
}

/** Signs in through the development sign-in screen, as the demo person whose role label is shown. */
export async function signIn(page: Page, roleLabel: string): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: new RegExp(`^${roleLabel}`) }).click();
  await page.getByRole('button', { name: /^退出/ }).waitFor();
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's serious and critical violations on the page as it is now (WCAG 2 A and AA rules). */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  // Run in the page (a string: this file is compiled without the DOM's types).
  const violations = await page.evaluate<AxeViolation[]>(`(async () => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  })()`);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Screenshots for the README, written only when asked (CIVGRID_SCREENSHOTS=1). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env['CIVGRID_SCREENSHOTS'] !== '1') return;
  const dir = join(__dirname, '..', '..', 'web', 'docs');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: false });
}
