import { deflateSync } from 'node:zlib';
import { dataOf, eventually, gql } from '@civgrid/testing';
import { DemoWorld } from '../src/demo-seed';
import { Stack } from '../src/stack';
import { DESKTOP, PHONE, screenshot, seriousViolations, signIn } from '../src/browser';
import { nationalId, shanghai, startWebWorld, WebWorld, wrongCheckDigit } from './web-world';

// The web app in a real Chromium against the whole system: gateway, four services, PostgreSQL, Kafka.
let w: WebWorld;
let stack: Stack;
let world: DemoWorld;
let admin: string;
let base: string;

beforeAll(async () => {
  w = await startWebWorld('web');
  ({ stack, world, admin, base } = w);
}, 240_000);
afterAll(async () => {
  await w?.stop();
}, 60_000);
afterEach(() => stack?.services['population-registry'].setClock(null));
afterAll(() => expect(w?.foreignRequests).toEqual([]));

const open = (device: typeof PHONE | typeof DESKTOP): ReturnType<WebWorld['open']> => w.open(device);
const tokenOf = (key: string): Promise<string> => w.tokenOf(key);

/** A 4×4 red PNG, a real picture the photo service decodes. */
function redPng(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const tail = Buffer.alloc(4);
    tail.writeUInt32BE(crc(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, tail]);
  };
  const ihdr = Buffer.from([0, 0, 0, 4, 0, 0, 0, 4, 8, 2, 0, 0, 0]);
  const row = Buffer.from([0, ...Array(4).fill([200, 30, 30]).flat()]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat([row, row, row, row]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

interface IncidentRow {
  id: string;
  number: string;
  title: string;
  status: string;
  photos: { url: string; contentType: string }[];
  location: { latitude: number | null };
}
async function incidentsTitled(title: string): Promise<IncidentRow[]> {
  const res = await gql<{ grid: { incidents: { edges: { node: IncidentRow }[] } } }>(
    stack.url,
    `query($g: ID!) { grid(id: $g) { incidents(first: 200) { edges { node { id number title status photos { url contentType } location { latitude } } } } } }`,
    { g: world.gridId },
    admin,
  );
  return dataOf(res)
    .grid.incidents.edges.map((e) => e.node)
    .filter((i) => i.title === title);
}

describe('the web app in a real browser', () => {
  it("the grid member's day: signs in, registers a household with two residents (a wrong check digit is refused on the form), records a check-in, logs a visit with a need and sees the coverage rise", async () => {
    const { page, context } = await open(PHONE);
    await signIn(page, '网格员');
    await page.getByRole('heading', { name: '我的网格' }).waitFor();
    // The seeded households, their residents' IDs masked.
    await page.getByText('张德福').waitFor();
    expect(await page.content()).not.toMatch(/\d{17}[\dX]/);
    await screenshot(page, 'phone-my-grids');

    await page.getByRole('button', { name: '登记住户' }).click();
    const number = `H${Date.now()}`;
    const head = nationalId('19560708');
    const spouse = nationalId('19580910');
    await page.getByLabel('楼栋').fill('2号楼');
    await page.getByLabel('单元').fill('1单元');
    await page.getByLabel('门牌/房间').fill('502');
    await page.getByLabel('户号').fill(number);
    await page.getByLabel('姓名').nth(0).fill('赵大山');
    await page.getByLabel('身份证号').nth(0).fill(head);
    await page.getByRole('button', { name: '添加居民' }).click();
    await page.getByLabel('姓名').nth(1).fill('钱桂兰');
    await page.getByLabel('身份证号').nth(1).fill(wrongCheckDigit(spouse));
    await page.getByLabel('与户主关系').nth(1).fill('配偶');
    await page.getByText('身份证号校验位不正确，请核对').waitFor();
    expect(await page.getByRole('button', { name: '提交登记' }).isDisabled()).toBe(true);
    await screenshot(page, 'phone-register-check-digit');
    await page.getByLabel('身份证号').nth(1).fill(spouse);
    expect(await page.getByText('身份证号校验位不正确，请核对').count()).toBe(0);
    await page.getByRole('button', { name: '提交登记' }).click();
    await page.getByText(`户 ${number} 已登记，2 位居民`).waitFor();

    // Registered for real: the household and both residents are in the registry.
    const gm = await tokenOf('grid-member');
    const households = dataOf(
      await gql<{ grid: { households: { edges: { node: { id: string; number: string; members: { id: string; name: string }[] } }[] } } }>(
        stack.url,
        `query($g: ID!) { grid(id: $g) { households(first: 200) { edges { node { id number members { id name } } } } } }`,
        { g: world.gridId },
        gm,
      ),
    ).grid.households.edges.map((e) => e.node);
    const mine = households.find((h) => h.number === number)!;
    expect(mine.members.map((m) => m.name).sort()).toEqual(['赵大山', '钱桂兰'].sort());

    // The curtains: agreed this morning before 7:30, the check is owed today.
    const population = stack.services['population-registry'];
    await population.setClock(shanghai('06:00'));
    const headId = mine.members.find((m) => m.name === '赵大山')!.id;
    dataOf(
      await gql(
        stack.url,
        `mutation($i: AgreeWellbeingCheckInput!) { agreeWellbeingCheck(input: $i) { id } }`,
        {
          i: {
            residentId: headId,
            signal: 'CURTAINS_OPENED',
            deadline: '07:30',
            graceMinutes: 30,
          },
        },
        gm,
      ),
    );
    await population.setClock(shanghai('07:10'));
    await context.clock.setFixedTime(shanghai('07:10'));
    await page.reload();
    await page.getByRole('button', { name: '今日关爱' }).click();
    await page.getByRole('button', { name: '记录签到：赵大山' }).click();
    await eventually(
      async () => ((await page.locator('li.check', { hasText: '赵大山' }).textContent())?.includes('已签到') ? true : undefined),
      30_000,
    );
    await screenshot(page, 'phone-checks');

    // Visits due this quarter: logging one, with a need, raises the coverage by one household.
    await page.getByRole('button', { name: '走访' }).click();
    const coverage = page.getByText(/已走访 \d+ \/ \d+ 户/);
    await coverage.waitFor();
    const before = Number(/已走访 (\d+)/.exec((await coverage.textContent())!)![1]);
    const row = page.locator('li', { hasText: number });
    await row.getByLabel('需求').fill('帮忙买菜');
    await row.getByRole('button', { name: `记录走访 ${number}` }).click();
    await eventually(async () => {
      const text = (await page.getByText(/已走访 \d+ \/ \d+ 户/).textContent()) ?? '';
      return Number(/已走访 (\d+)/.exec(text)?.[1]) === before + 1 ? true : undefined;
    }, 30_000);
    const needs = dataOf(
      await gql<{ household: { needs: { description: string }[] } }>(
        stack.url,
        `query($h: ID!) { household(id: $h) { needs { description } } }`,
        { h: mine.id },
        gm,
      ),
    ).household.needs;
    expect(needs.map((n) => n.description)).toEqual(['帮忙买菜']);
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  }, 240_000);

  it('the rooftop solar heater: reported offline with a photo and a position, sent once online (exactly one incident, with its photo); the officer accepts and whistles the housing bureau; the department reports for duty; the grid member resolves and closes', async () => {
    const title = `楼顶太阳能热水器未拆除 ${Date.now()}`;
    const { page, context } = await open(PHONE);
    await signIn(page, '网格员');
    await page.getByRole('button', { name: '上报事件' }).click();
    await context.setOffline(true);
    await page.getByLabel('类别').selectOption({ label: '公共安全' });
    await page.getByLabel('标题').fill(title);
    await page.getByLabel('描述').fill('屋顶的太阳能热水器没有拆除，大风天有坠落危险');
    await page.getByLabel('照片').setInputFiles({ name: 'heater.png', mimeType: 'image/png', buffer: redPng() });
    await page.getByRole('button', { name: '获取位置' }).click();
    await page.getByText('36.18750, 117.08930').waitFor();
    await page.getByRole('button', { name: '上报', exact: true }).click();
    await page.getByText('待发送（1）').waitFor();
    await page.getByText('离线').waitFor();
    await screenshot(page, 'phone-report-offline');
    expect(await incidentsTitled(title)).toHaveLength(0);

    await context.setOffline(false);
    await page.getByText('待发送（1）').waitFor({ state: 'detached', timeout: 30_000 });
    const [incident] = await eventually(async () => ((await incidentsTitled(title)).length > 0 ? incidentsTitled(title) : undefined));
    expect(incident.photos).toHaveLength(1);
    expect(incident.location.latitude).toBeCloseTo(36.1875, 4);
    // The photo opens through the gateway's origin, as the app's <img> opens it.
    const photo = await fetch(`${base}${incident.photos[0].url}`);
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/png');
    // Opened again (the queue flushes on start): still exactly one.
    await page.reload();
    await page.getByRole('button', { name: '我的事件' }).click();
    await page.getByRole('article', { name: new RegExp(incident.number) }).waitFor();
    expect(await incidentsTitled(title)).toHaveLength(1);

    // The community officer accepts it and whistles the housing and construction bureau.
    const officer = await open(DESKTOP);
    await signIn(officer.page, '社区干部');
    const card = officer.page.getByRole('article', { name: new RegExp(incident.number) });
    await card.getByRole('button', { name: '受理' }).click();
    await card.getByLabel('吹哨部门').selectOption({ label: '岱岳区住房和城乡建设局' });
    await card.getByRole('button', { name: '吹哨' }).click();
    await card.getByText('岱岳区住房和城乡建设局：待报到').waitFor();
    await screenshot(officer.page, 'desktop-officer-console');
    expect(await seriousViolations(officer.page)).toEqual([]);

    // The department officer reports for duty.
    const dept = await open(DESKTOP);
    await signIn(dept.page, '部门干部');
    const whistle = dept.page.getByRole('article', { name: new RegExp(incident.number) });
    await whistle.getByLabel('答复').fill('已派人今日下午拆除');
    await whistle.getByRole('button', { name: '报到' }).click();
    await whistle.getByText(/已报到/).waitFor();
    await screenshot(dept.page, 'desktop-department-whistles');
    expect(await seriousViolations(dept.page)).toEqual([]);

    // The grid member starts work, resolves and closes; the timeline shows each step.
    await page.reload();
    await page.getByRole('button', { name: '我的事件' }).click();
    const mine = page.getByRole('article', { name: new RegExp(incident.number) });
    for (const step of ['开始处理', '标记解决', '办结']) {
      await mine.getByRole('button', { name: step }).click();
      await mine.getByRole('button', { name: step }).waitFor({ state: 'detached' });
    }
    await mine.getByText('已办结').waitFor();
    const timeline = (await mine.getByRole('list', { name: '处理过程' }).textContent()) ?? '';
    for (const step of ['上报', '受理', '开始处理', '解决', '办结']) expect(timeline).toContain(step);
    expect(await mine.getByText('岱岳区住房和城乡建设局：已报到').count()).toBe(1);
    expect((await incidentsTitled(title)).map((i) => i.status)).toEqual(['CLOSED']);
    await screenshot(page, 'phone-my-incidents');
    await Promise.all([page.close(), officer.page.close(), dept.page.close()]);
  }, 240_000);

  it('the officer assigns an incident to a grid member and hands another to mediation from the console; the village mediator finds the dispute', async () => {
    const gm = await tokenOf('grid-member');
    const member = world.people.find((p) => p.key === 'grid-member')!;
    const report = async (title: string) =>
      dataOf(
        await gql<{ reportIncident: { id: string; number: string } }>(
          stack.url,
          `mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { id number } }`,
          { i: { gridId: world.gridId, title, description: '楼道里堆满杂物，邻里为此争吵', category: 'DISPUTE' } },
          gm,
        ),
      ).reportIncident;
    const stamp = Date.now();
    const toAssign = await report(`楼道杂物 ${stamp}`);
    const toMediate = await report(`楼道占用纠纷 ${stamp}`);

    const officer = await open(DESKTOP);
    await signIn(officer.page, '社区干部');
    const first = officer.page.getByRole('article', { name: new RegExp(toAssign.number) });
    await first.getByLabel('指派给').selectOption({ label: member.name });
    await first.getByRole('button', { name: '指派' }).click();
    await officer.page.getByRole('status').getByText(`${toAssign.number} 已指派给 ${member.name}`).waitFor();
    await first.getByText(`承办人：${member.name}`).waitFor();
    const assigned = dataOf(
      await gql<{ incident: { assigneeId: string | null; timeline: { action: string }[] } }>(
        stack.url,
        `query($id: ID!) { incident(id: $id) { assigneeId timeline { action } } }`,
        { id: toAssign.id },
        admin,
      ),
    ).incident;
    expect(assigned.assigneeId).toBe(member.claims.sub);
    expect(assigned.timeline.map((s) => s.action)).toContain('ASSIGN');

    const second = officer.page.getByRole('article', { name: new RegExp(toMediate.number) });
    await second.getByRole('button', { name: '受理' }).click();
    await second.getByText('已受理').waitFor();
    await second.getByLabel('纠纷类型').selectOption({ label: '物业纠纷' });
    await second.getByRole('button', { name: '转矛盾纠纷调解' }).click();
    await officer.page.getByRole('status').getByText(`${toMediate.number} 已转调解`).waitFor();
    expect(await seriousViolations(officer.page)).toEqual([]);
    // Mediation registers the dispute from the incident's event, at the village, where 老王 finds it.
    const dispute = await eventually(async () => {
      const r = dataOf(
        await gql<{ incident: { dispute: { number: string; level: string; kind: string } | null } }>(
          stack.url,
          `query($id: ID!) { incident(id: $id) { dispute { number level kind } } }`,
          { id: toMediate.id },
          admin,
        ),
      );
      return r.incident.dispute ?? undefined;
    }, 60_000);
    expect(dispute).toMatchObject({ level: 'VILLAGE', kind: 'PROPERTY_MANAGEMENT' });
    const mediator = await open(DESKTOP);
    await signIn(mediator.page, '调解员 · 老王');
    await mediator.page
      .getByRole('region', { name: /^村\/社区/ })
      .getByRole('article', { name: dispute.number })
      .getByText('来自事件')
      .waitFor();
    await Promise.all([officer.page.close(), mediator.page.close()]);
  }, 180_000);

  it("the curtains: a check whose deadline passed without a check-in shows as missed, and the care alert appears in the responsible grid member's list", async () => {
    const gm = await tokenOf('grid-member');
    const population = stack.services['population-registry'];
    // A resident of the member's grid agrees to open the curtains by 7:30 every day.
    const households = dataOf(
      await gql<{ grid: { households: { edges: { node: { members: { id: string; name: string }[] } }[] } } }>(
        stack.url,
        `query($g: ID!) { grid(id: $g) { households(first: 200) { edges { node { members { id name } } } } } }`,
        { g: world.gridId },
        gm,
      ),
    ).grid.households.edges.map((e) => e.node);
    const resident = households.flatMap((h) => h.members).find((m) => m.name === '王建国')!;
    dataOf(
      await gql(
        stack.url,
        `mutation($i: AgreeWellbeingCheckInput!) { agreeWellbeingCheck(input: $i) { id } }`,
        {
          i: {
            residentId: resident.id,
            signal: 'CURTAINS_OPENED',
            deadline: '07:30',
            graceMinutes: 30,
            responsibleMemberId: world.gridMemberId,
          },
        },
        gm,
      ),
    );
    // Tomorrow at 8:01, past the deadline and its grace, nobody has seen the curtains open.
    const tomorrow = new Date(shanghai('08:01').getTime() + 86_400_000);
    await population.setClock(tomorrow);
    await population.runJob('wellbeing-check-misses');
    const { page, context } = await open(PHONE);
    await context.clock.setFixedTime(tomorrow);
    await signIn(page, '网格员');
    await page.getByRole('button', { name: '今日关爱' }).click();
    await page.locator('li.check', { hasText: '王建国' }).getByText('未签到').waitFor();
    await screenshot(page, 'phone-checks-missed');
    // Incident reporting hears of the miss (by Kafka) and opens a care alert for the member.
    await page.getByRole('button', { name: '我的事件' }).click();
    await eventually(
      async () => {
        if ((await page.getByRole('heading', { name: '关爱预警' }).count()) > 0) return true;
        await page.getByRole('button', { name: '我的网格' }).click();
        await page.getByRole('button', { name: '我的事件' }).click();
        return undefined;
      },
      60_000,
      1000,
    );
    const alert = page.locator('article.incident', { hasText: '关爱预警' }).first();
    await alert.waitFor();
    expect(await alert.getByRole('list', { name: '处理过程' }).textContent()).toContain('上报');
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  }, 180_000);

  it('opens without a network, from its service worker, with the last data it had', async () => {
    const { page, context } = await open(PHONE);
    await signIn(page, '网格员');
    await page.getByText('张德福').first().waitFor();
    // Installed and in control of the page: the shell is kept.
    await page.waitForFunction('navigator.serviceWorker.controller !== null', undefined, { timeout: 30_000 });
    // …and the last answers are kept on the phone.
    await page.waitForFunction("Object.keys(localStorage).some((k) => k.startsWith('civgrid.cache.'))", undefined, { timeout: 10_000 });
    await context.setOffline(true);
    await page.reload();
    await page.getByText('离线').waitFor();
    await page.getByText('张德福').first().waitFor();
    expect(await page.getByRole('heading', { name: '我的网格' }).count()).toBe(1);
    await context.setOffline(false);
    await page.close();
  }, 120_000);

  it("asks the graph for the grid member's first screen while the app's script is still on its way, and only once", async () => {
    const member = world.people.find((p) => p.key === 'grid-member')!;
    const session = { token: await stack.token(member.claims, '1h'), role: member.role, name: member.name, claims: member.claims };
    const context = await w.browser.newContext({ ...PHONE, baseURL: base, locale: 'zh-CN', serviceWorkers: 'block' });
    await context.addInitScript(`localStorage.setItem('civgrid.session', ${JSON.stringify(JSON.stringify(session))})`);
    let asked = 0;
    let askedWhileScriptHeld = false;
    let scriptHeld = false;
    context.on('request', (r) => {
      if (!r.url().endsWith('/graphql')) return;
      asked++;
      if (scriptHeld) askedWhileScriptHeld = true;
    });
    // The app's script is held back until the graph has been asked (or 10 s have passed).
    await context.route(/\/assets\/index-[^/]+\.js$/, async (route) => {
      scriptHeld = true;
      for (let waited = 0; asked === 0 && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      scriptHeld = false;
      await route.continue();
    });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByText('张德福').first().waitFor();
    await page.waitForLoadState('networkidle');
    expect(askedWhileScriptHeld).toBe(true);
    expect(asked).toBe(1);
    await context.close();
  }, 120_000);

  it('opens from the kept page at once when the network hangs (one bar of signal), and shows the last data it had', async () => {
    const { page, context } = await open(PHONE);
    await signIn(page, '网格员');
    await page.getByText('张德福').first().waitFor();
    await page.waitForFunction('navigator.serviceWorker.controller !== null', undefined, { timeout: 30_000 });
    await page.waitForFunction("Object.keys(localStorage).some((k) => k.startsWith('civgrid.cache.'))", undefined, { timeout: 10_000 });
    // The page and the graph stop answering (the service worker's own fetches are routed too).
    const held: (() => void)[] = [];
    const hang = (route: { continue: () => Promise<void> }) =>
      new Promise<void>((resolve) =>
        held.push(
          () =>
            void route
              .continue()
              .catch(() => undefined)
              .then(resolve),
        ),
      );
    await context.route((url) => url.pathname === '/' || url.pathname === '/graphql', hang);
    const navigation = await page.reload({ waitUntil: 'commit' });
    await page.getByText('张德福').first().waitFor({ timeout: 15_000 });
    expect(navigation?.fromServiceWorker()).toBe(true);
    await context.unroute((url) => url.pathname === '/' || url.pathname === '/graphql');
    for (const release of held) release();
    await page.close();
  }, 120_000);

  it('an analyst sees counts and no personal data', async () => {
    const { page } = await open(DESKTOP);
    await signIn(page, '分析员');
    const reported = page.locator('td[data-count="REPORTED"]');
    await eventually(async () => ((await reported.textContent()) !== '…' ? true : undefined));
    const counts = dataOf(
      await gql<{ incidents: { totalCount: number } }>(stack.url, `{ incidents(status: REPORTED, first: 1) { totalCount } }`, {}, admin),
    );
    expect(Number(await reported.textContent())).toBe(counts.incidents.totalCount);
    expect(Number(await reported.textContent())).toBeGreaterThan(0);
    const text = await page.locator('body').innerText();
    expect(text).not.toMatch(/\d{17}[\dX]|1[3-9]\d{9}/);
    for (const name of ['张德福', '李秀英', '王建国']) expect(text).not.toContain(name);
    await screenshot(page, 'desktop-analyst');
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  }, 120_000);

  it('axe-core finds no serious violation on the sign-in, grid member and mediator screens', async () => {
    const phone = await open(PHONE);
    await phone.page.goto('/');
    await phone.page.getByRole('button', { name: /^网格员/ }).waitFor();
    await screenshot(phone.page, 'phone-sign-in');
    expect(await seriousViolations(phone.page)).toEqual([]);
    await signIn(phone.page, '网格员');
    for (const tab of ['我的网格', '登记住户', '今日关爱', '走访', '上报事件', '我的事件']) {
      await phone.page.getByRole('button', { name: tab }).click();
      await phone.page.getByRole('heading', { level: 2 }).first().waitFor();
      expect({ tab, violations: await seriousViolations(phone.page) }).toEqual({ tab, violations: [] });
    }
    // The large-text setting for the elderly: the page grows.
    const size = () => phone.page.evaluate<string>('getComputedStyle(document.documentElement).fontSize');
    expect(await size()).toBe('16px');
    await phone.page.getByLabel('大字').check();
    expect(await size()).toBe('21px');
    await phone.page.close();

    const mediator = await open(DESKTOP);
    await signIn(mediator.page, '调解员 · 老王');
    await mediator.page.getByRole('heading', { name: '调解室本周安排' }).waitFor();
    await mediator.page.getByRole('rowheader', { name: '法官工作室' }).waitFor();
    expect(await seriousViolations(mediator.page)).toEqual([]);
    await mediator.page.close();
  }, 180_000);
});
