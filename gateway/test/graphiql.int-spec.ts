import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Role } from '@civgrid/auth';
import { makeKeys, TEST_AUDIENCE, TEST_GATEWAY_SECRET, TEST_ISSUER, TestKeys, tokenFor } from '@civgrid/testing';
import { DESKTOP, launchBrowser, newContext } from '../src/browser';
import { gatewayConfigSchema } from '../src/config';
import { createGateway, RunningGateway } from '../src/gateway';
import { defaultGraphiqlAssets } from '../src/graphiql';

// The offline IDE: every file the page loads comes from the gateway itself (no CDN), checked by
// following every asset URL of the page and of its stylesheet; production serves none of it.

const running: { gateway: RunningGateway; server: Server }[] = [];
async function start(env: Record<string, string>, keys?: TestKeys): Promise<string> {
  keys ??= await makeKeys();
  const gateway = await createGateway(
    gatewayConfigSchema.parse({
      PORT: '0',
      AUTH_ISSUER: TEST_ISSUER,
      AUTH_AUDIENCE: TEST_AUDIENCE,
      GATEWAY_SHARED_SECRET: TEST_GATEWAY_SECRET,
      AUTH_PUBLIC_KEY: keys.publicKeyPem,
      ...env,
    }),
    pino({ level: 'silent' }),
  );
  const server: Server = await new Promise((resolve) => {
    const s = gateway.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  running.push({ gateway, server });
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}
afterAll(async () => {
  for (const { gateway, server } of running) {
    // fetch keeps its connections alive: close them, or close() waits for the client's idle timeout.
    const closed = new Promise((r) => server.close(r));
    server.closeAllConnections();
    await closed;
    await gateway.stop();
  }
});

describe('GraphiQL at /graphiql', () => {
  it('in development loads every asset from the gateway itself, and offers the demo tokens', async () => {
    const tokensFile = join(mkdtempSync(join(tmpdir(), 'ide-')), 'demo-tokens.json');
    writeFileSync(tokensFile, JSON.stringify({ ADMIN: 'eyJ.admin.token', GRID_MEMBER: 'eyJ.member</script>' }));
    const origin = await start({ NODE_ENV: 'development', GRAPHIQL_DEMO_TOKENS_PATH: tokensFile });
    const page = await fetch(`${origin}/graphiql`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'");
    const html = await page.text();

    const assetUrls = [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => new URL(m[1], `${origin}/graphiql`));
    expect(assetUrls.map((u) => u.pathname).sort()).toEqual(['/graphiql/assets/graphiql.css', '/graphiql/assets/graphiql.js']);
    const css = await (await fetch(new URL('/graphiql/assets/graphiql.css', origin))).text();
    const cssUrls = [...css.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)]
      .map((m) => m[1])
      .filter((u) => !u.startsWith('data:'))
      .map((u) => new URL(u, `${origin}/graphiql/assets/graphiql.css`));
    expect(cssUrls.length).toBeGreaterThan(0); // the editor's icon font
    // Monaco's workers, which the bundle starts from the folder it came from.
    const workers = ['editor', 'json', 'graphql'].map((w) => new URL(`/graphiql/assets/${w}.worker.js`, origin));
    for (const url of [...assetUrls, ...cssUrls, ...workers]) {
      expect({ url: url.href, origin: url.origin }).toEqual({ url: url.href, origin });
      const res = await fetch(url);
      await res.arrayBuffer(); // read whole: an unread multi-MB body holds the connection open
      expect({ url: url.href, status: res.status }).toEqual({ url: url.href, status: 200 });
    }
    // Nothing in the bundle fetches code or styles from a CDN.
    const bundle = readFileSync(join(defaultGraphiqlAssets(), 'graphiql.js'), 'utf8');
    for (const cdn of ['esm.sh', 'unpkg.com', 'cdn.jsdelivr.net', 'cdnjs.cloudflare.com', 'embeddable-sandbox'])
      expect({ cdn, found: bundle.includes(cdn) }).toEqual({ cdn, found: false });

    const config = JSON.parse(/<script id="civgrid-ide-config" type="application\/json">(.*?)<\/script>/s.exec(html)![1]) as {
      endpoint: string;
      tokens: Record<string, string>;
    };
    expect(config).toEqual({ endpoint: '/graphql', tokens: { ADMIN: 'eyJ.admin.token', GRID_MEMBER: 'eyJ.member</script>' } });
    expect(html).not.toContain('eyJ.member</script>'); // escaped inside the page
  });

  it('opens in a real browser with nothing from another host, and runs a query with the demo token it offers', async () => {
    const keys = await makeKeys();
    const tokensFile = join(mkdtempSync(join(tmpdir(), 'ide-')), 'demo-tokens.json');
    writeFileSync(tokensFile, JSON.stringify({ ADMIN: await tokenFor(keys, { roles: [Role.ADMIN] }) }));
    const origin = await start({ NODE_ENV: 'development', GRAPHIQL_DEMO_TOKENS_PATH: tokensFile }, keys);
    const browser = await launchBrowser();
    try {
      // Any request to another host is refused and listed.
      const { context, foreign } = await newContext(browser, origin, DESKTOP);
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
      });
      await page.goto('/graphiql');
      await page.getByLabel('demo token').waitFor();
      const editor = page.locator('.graphiql-query-editor .monaco-editor').first();
      await editor.waitFor({ timeout: 30_000 });
      await editor.click();
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.press('Delete');
      await page.keyboard.insertText('{ __typename }'); // as pasted: no auto-closed brace
      await page.keyboard.press('ControlOrMeta+Enter');
      await page.locator('.graphiql-response').getByText('"Query"').waitFor({ timeout: 30_000 });
      expect(foreign).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 90_000);

  it('is not served in production', async () => {
    const origin = await start({ NODE_ENV: 'production' });
    // The web app's fallback may answer the path (its own index.html); the IDE itself is not there.
    const page = await fetch(`${origin}/graphiql`);
    expect(await page.text()).not.toContain('/graphiql/assets/');
    const asset = await fetch(`${origin}/graphiql/assets/graphiql.js`);
    await asset.arrayBuffer();
    expect(asset.headers.get('content-type') ?? '').not.toContain('javascript');
  });
});
