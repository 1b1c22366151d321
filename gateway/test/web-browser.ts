import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { Role } from '@civgrid/auth';
import { testDistrictCode } from '@civgrid/testing';
import { DemoWorld, seedDemo } from '../src/demo-seed';
import { Stack, startStack } from '../src/stack';
import { defaultWebDist } from '../src/web';
import { DESKTOP, launchBrowser, newContext, PHONE } from '../src/browser';

// What every browser test file starts with: the whole stack (gateway, four services, PostgreSQL,
// Kafka) serving the built app with the development sign-in, the demo world seeded through the
// graph, and a real Chromium whose pages may reach no other host.

export interface WebWorld {
  stack: Stack;
  world: DemoWorld;
  /** An administrator's token. */
  admin: string;
  /** The app's origin, e.g. http://127.0.0.1:PORT */
  base: string;
  /** A new page as a phone or a desktop; GraphQL errors and page errors it meets are printed. */
  open(device: typeof PHONE | typeof DESKTOP): Promise<{ page: Page; context: BrowserContext }>;
  /** A token for the demo person with this key (grid-member, community, mediator, …). */
  tokenOf(key: string): Promise<string>;
  /** Requests any page made to another host (they were refused): a test file ends expecting none. */
  foreignRequests: string[];
  stop(): Promise<void>;
}

export async function startWebWorld(label: string): Promise<WebWorld> {
  if (!existsSync(join(defaultWebDist(), 'index.html')))
    throw new Error('web/dist is missing: build the app first (pnpm --filter @civgrid/web build)');
  const peoplePath = join(mkdtempSync(join(tmpdir(), 'civgrid-web-')), 'people.json');
  const stack = await startStack(label, (keys) => ({ DEV_SIGNIN_PRIVATE_KEY: keys.privateKeyPem, DEV_SIGNIN_PEOPLE_PATH: peoplePath }));
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const foreignRequests: string[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
    await browser?.close();
    await stack.stop();
  };
  try {
    const base = stack.url.replace(/\/graphql$/, '');
    const admin = await stack.token({ roles: [Role.ADMIN] });
    const world = await seedDemo({ url: stack.url, districtCode: testDistrictCode(), sign: (claims) => stack.token(claims) });
    writeFileSync(peoplePath, JSON.stringify(world.people));
    browser = await launchBrowser();
    const b = browser;
    const open = async (device: typeof PHONE | typeof DESKTOP) => {
      const { context, foreign } = await newContext(b, base, device);
      contexts.push(context);
      const page = await context.newPage();
      page.on('close', () => foreignRequests.push(...foreign));
      page.on('pageerror', (error) => process.stderr.write(`page error on ${page.url()}: ${error.message}\n`));
      // A GraphQL error the screen met is printed: a failing step then says why.
      page.on('response', (res) => {
        if (!res.url().endsWith('/graphql')) return;
        void res
          .json()
          .then((body: { errors?: { message: string; path?: unknown[] }[] }) => {
            if (body.errors?.length) process.stderr.write(`graphql errors on ${page.url()}: ${JSON.stringify(body.errors)}\n`);
          })
          .catch(() => undefined);
      });
      return { page, context };
    };
    const tokenOf = (key: string) => {
      const person = world.people.find((p) => p.key === key);
      if (!person) throw new Error(`no demo person ${key}`);
      return stack.token(person.claims);
    };
    return { stack, world, admin, base, open, tokenOf, foreignRequests, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
