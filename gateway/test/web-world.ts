import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { Role } from '@civgrid/auth';
import { checkDigit, dataOf, eventually, gql, testDistrictCode, TestKeys } from '@civgrid/testing';
import { DemoWorld, seedDemo } from '../src/demo-seed';
import { Stack, startStack } from '../src/stack';
import { DemoPerson, defaultWebDist } from '../src/web';
import { DESKTOP, launchBrowser, newContext, PHONE } from '../src/browser';

/**
 * The setup the browser tests share: the whole system (gateway, four services, PostgreSQL, Kafka)
 * with the development sign-in, the demo seed, and a real Chromium whose pages may reach the app's
 * origin only (any other host fails the file).
 */
export interface WebWorld {
  stack: Stack;
  browser: Browser;
  world: DemoWorld;
  admin: string;
  base: string;
  open(device: typeof PHONE | typeof DESKTOP): Promise<{ page: Page; context: BrowserContext }>;
  tokenOf(key: string): Promise<string>;
  /** Lists one more person on the sign-in screen (the file is read on every request). */
  addPerson(person: DemoPerson): void;
  /** Requests the pages made to any host but the app's own. */
  foreignRequests: string[];
  stop(): Promise<void>;
}

export async function startWebWorld(label: string, env: (keys: TestKeys) => Record<string, string> = () => ({})): Promise<WebWorld> {
  if (!existsSync(join(defaultWebDist(), 'index.html')))
    throw new Error('web/dist is missing: build the app first (pnpm --filter @civgrid/web build)');
  const peoplePath = join(mkdtempSync(join(tmpdir(), 'civgrid-web-')), 'people.json');
  const stack = await startStack(label, (keys) => ({
    DEV_SIGNIN_PRIVATE_KEY: keys.privateKeyPem,
    DEV_SIGNIN_PEOPLE_PATH: peoplePath,
    ...env(keys),
  }));
  const contexts: BrowserContext[] = [];
  let browser: Browser | undefined;
  try {
    const base = stack.url.replace(/\/graphql$/, '');
    const admin = await stack.token({ roles: [Role.ADMIN] });
    const world = await seedDemo({ url: stack.url, districtCode: testDistrictCode(), sign: (claims) => stack.token(claims) });
    const people = [...world.people];
    writeFileSync(peoplePath, JSON.stringify(people));
    browser = await launchBrowser();
    const foreignRequests: string[] = [];
    const started: Browser = browser;
    return {
      stack,
      browser,
      world,
      admin,
      base,
      foreignRequests,
      tokenOf: (key) => stack.token(people.find((p) => p.key === key)!.claims),
      addPerson(person) {
        people.push(person);
        writeFileSync(peoplePath, JSON.stringify(people));
      },
      async open(device) {
        const { context, foreign } = await newContext(started, base, device);
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
      },
      async stop() {
        await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
        await started.close();
        await stack.stop();
      },
    };
  } catch (error) {
    await browser?.close();
    await stack.stop();
    throw error;
  }
}

let serial = 100;
/** A valid national ID number (GB 11643 check digit) for a birth date YYYYMMDD. */
/** Today's date in Shanghai (the browsers run in Asia/Shanghai), as a date field takes it. */
export const shanghaiDay = (): string => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

/** An instant at a Shanghai wall-clock time today. */
export const shanghai = (hhmm: string): Date => new Date(Date.parse(`${shanghaiDay()}T${hhmm}:00+08:00`));

export function nationalId(birth: string): string {
  const first17 = `37${String(1000 + Math.floor(Math.random() * 8999))}${birth}${String(serial++ % 1000).padStart(3, '0')}`;
  return first17 + checkDigit(first17);
}
export const wrongCheckDigit = (id: string): string => id.slice(0, 17) + (id[17] === '1' ? '2' : '1');

let people = 0;
/**
 * A grid of the test's own in the demo village, and a grid member for it listed on the sign-in
 * screen under a name of its own (sign in with `signInNamed`): a test that owns its rows.
 */
export async function ownGridMember(w: WebWorld): Promise<{ gridId: string; name: string; token: string }> {
  const n = ++people;
  // A basic grid beside the demo one, under the village's total grid.
  const demo = dataOf(
    await gql<{ grid: { area: { id: string }; parentGrid: { id: string } } }>(
      w.stack.url,
      `query($g: ID!) { grid(id: $g) { area { id } parentGrid { id } } }`,
      { g: w.world.gridId },
      w.admin,
    ),
  ).grid;
  const code = `W${Date.now() % 1e8}${n}`;
  const grid = dataOf(
    await gql<{ createGrid: { id: string } }>(
      w.stack.url,
      `mutation($i: CreateGridInput!) { createGrid(input: $i) { id } }`,
      { i: { code, name: `测试网格${code}`, kind: 'BASIC', areaId: demo.area.id, parentGridId: demo.parentGrid.id } },
      w.admin,
    ),
  ).createGrid;
  const name = `测试网格员${n}号`;
  const claims = { sub: `test-member-${code}`, name, roles: [Role.GRID_MEMBER], areas: [w.world.villagePath], grids: [grid.id] };
  w.addPerson({ key: `test-member-${code}`, role: Role.GRID_MEMBER, name, description: `测试网格${code}`, claims });
  return { gridId: grid.id, name, token: await w.stack.token(claims) };
}

/** Registers a dwelling and a household (with residents) through the graph, once the registry knows the grid. */
export async function registerHousehold(
  w: WebWorld,
  token: string,
  gridId: string,
  number: string,
  residents: { name: string; birth: string; relation: string; phone?: string }[] = [],
): Promise<{ householdId: string; residentIds: string[] }> {
  const dwelling = await eventually(async () => {
    const res = await gql<{ registerDwelling: { id: string } }>(
      w.stack.url,
      `mutation($i: RegisterDwellingInput!) { registerDwelling(input: $i) { id } }`,
      { i: { gridId, kind: 'APARTMENT', occupancy: 'OWNER_OCCUPIED', building: '9号楼', addressText: `9号楼 ${number}` } },
      token,
    );
    return res.data?.registerDwelling;
  });
  const household = dataOf(
    await gql<{ registerHousehold: { id: string } }>(
      w.stack.url,
      `mutation($i: RegisterHouseholdInput!) { registerHousehold(input: $i) { id } }`,
      { i: { number, dwellingId: dwelling.id, registrationType: 'PERMANENT' } },
      token,
    ),
  ).registerHousehold;
  const residentIds: string[] = [];
  for (const r of residents) {
    const resident = dataOf(
      await gql<{ registerResident: { id: string } }>(
        w.stack.url,
        `mutation($i: RegisterResidentInput!) { registerResident(input: $i) { id } }`,
        {
          i: { householdId: household.id, name: r.name, nationalId: nationalId(r.birth), relation: r.relation, phone: r.phone ?? null },
        },
        token,
      ),
    ).registerResident;
    residentIds.push(resident.id);
  }
  return { householdId: household.id, residentIds };
}

/** Signs in through the development sign-in screen as the person of that name. */
export async function signInNamed(page: Page, name: string): Promise<void> {
  await page.goto('/');
  await page.getByRole('button', { name: new RegExp(`· ${name}`) }).click();
  await page.getByRole('button', { name: /^退出/ }).waitFor();
}
