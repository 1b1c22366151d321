import { Role } from '@civgrid/auth';
import { dataOf, eventually, gql, query } from '@civgrid/testing';
import { DESKTOP, PHONE, seriousViolations } from '../src/browser';
import { nationalId, ownGridMember, registerHousehold, signInNamed, startWebWorld, WebWorld } from './web-world';

// The grid member's phone in a real Chromium against the whole system: revealing a phone with a
// purpose, registering offline, paged lists, and the production sign-in (OpenID Connect code +
// PKCE) against the development issuer the gateway offers in development.
let w: WebWorld;

beforeAll(async () => {
  w = await startWebWorld('web-member', () => ({ OIDC_ISSUER: '/dev/oidc', OIDC_CLIENT_ID: 'civgrid-web' }));
}, 240_000);
afterAll(async () => {
  await w?.stop();
}, 60_000);
afterAll(() => expect(w?.foreignRequests).toEqual([]));

const registryDb = (): string => w.stack.services['population-registry'].db.url;

interface HouseholdRow {
  id: string;
  number: string;
  members: { id: string; name: string }[];
}
async function households(gridId: string): Promise<HouseholdRow[]> {
  const res = await gql<{ grid: { households: { edges: { node: HouseholdRow }[] } } }>(
    w.stack.url,
    `query($g: ID!) { grid(id: $g) { households(first: 200) { edges { node { id number members { id name } } } } } }`,
    { g: gridId },
    w.admin,
  );
  return dataOf(res).grid.households.edges.map((e) => e.node);
}

describe("the grid member's phone", () => {
  it('reveals a phone only for a stated purpose: an empty purpose is refused on the form, the number shows on that screen, the read is audited, and the kept cache never holds it', async () => {
    const member = await ownGridMember(w);
    const phone = '13912345678';
    const {
      residentIds: [residentId],
    } = await registerHousehold(w, member.token, member.gridId, `P${Date.now()}`, [
      { name: '孙桂芝', birth: '19400205', relation: '户主', phone },
    ]);
    const { page } = await w.open(PHONE);
    const reveals: string[] = [];
    page.on('request', (req) => {
      if (req.url().endsWith('/graphql') && (req.postData() ?? '').includes('RevealPhone')) reveals.push(req.url());
    });
    await signInNamed(page, member.name);
    const row = page.locator('li', { hasText: '孙桂芝' }).last();
    await row.getByText('139****5678').waitFor();
    expect(await page.content()).not.toContain(phone);

    await row.getByRole('button', { name: '显示孙桂芝的电话' }).click();
    const form = page.getByRole('form', { name: '显示孙桂芝的电话' });
    await form.getByRole('button', { name: '显示电话' }).click();
    await form.getByRole('alert').getByText('请说明查看电话的用途（至少 3 个字）').waitFor();
    expect(reveals).toEqual([]);
    expect(await query(registryDb(), `SELECT id FROM pii_audit WHERE subject_id = $1`, [residentId])).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);

    // The last answers are kept on the phone: forget them, so the next answer writes them again.
    await page.evaluate(
      "Object.keys(localStorage).filter((k) => k.startsWith('civgrid.cache.')).forEach((k) => localStorage.removeItem(k))",
    );
    await form.getByLabel('查看用途（必填）').fill('核实独居老人紧急联系方式');
    await form.getByRole('button', { name: '显示电话' }).click();
    await page.getByRole('link', { name: '孙桂芝的电话' }).getByText(phone).waitFor();
    expect(reveals).toHaveLength(1);
    expect(await query(registryDb(), `SELECT actor, fields, purpose FROM pii_audit WHERE subject_id = $1`, [residentId])).toEqual([
      { actor: expect.stringMatching(/^test-member-/) as string, fields: ['phone'], purpose: '核实独居老人紧急联系方式' },
    ]);
    await page.waitForFunction("Object.keys(localStorage).some((k) => k.startsWith('civgrid.cache.'))", undefined, { timeout: 10_000 });
    const kept = await page.evaluate<string>('JSON.stringify(localStorage)');
    expect(kept).toContain('孙桂芝');
    expect(kept).not.toContain(phone);
    // Only on that screen: back on it, the phone is masked again.
    await page.getByRole('button', { name: '登记住户' }).click();
    await page.getByRole('button', { name: '我的网格' }).click();
    await row.getByText('139****5678').waitFor();
    expect(await page.content()).not.toContain(phone);
    await page.close();
  }, 180_000);

  it('registers a household with a resident offline: waiting to send, then exactly one household and one resident once online, in order', async () => {
    const member = await ownGridMember(w);
    // The registry knows the grid before the phone goes offline (the form lists it).
    await registerHousehold(w, member.token, member.gridId, `E${Date.now()}`);
    const { page, context } = await w.open(PHONE);
    await signInNamed(page, member.name);
    await page.getByRole('button', { name: '登记住户' }).click();
    await context.setOffline(true);
    const number = `F${Date.now()}`;
    await page.getByLabel('楼栋').fill('3号楼');
    await page.getByLabel('门牌/房间').fill('101');
    await page.getByLabel('户号').fill(number);
    await page.getByLabel('姓名').fill('周长林');
    await page.getByLabel('身份证号').fill(nationalId('19500101'));
    await page.getByRole('button', { name: '提交登记' }).click();
    // The dwelling, the household and the resident wait, in that order.
    await page.getByText('待发送（3）').waitFor();
    await page.getByText(`户 ${number} 已保存在手机上，联网后自动发送`).waitFor();
    await page.getByText('离线').waitFor();
    expect((await households(member.gridId)).filter((h) => h.number === number)).toEqual([]);

    await context.setOffline(false);
    await page.getByText(/待发送/).waitFor({ state: 'detached', timeout: 30_000 });
    const arrived = (await households(member.gridId)).filter((h) => h.number === number);
    expect(arrived).toHaveLength(1);
    expect(arrived[0].members.map((m) => m.name)).toEqual(['周长林']);
    // Opened again (the queue flushes on start): still exactly one of each.
    await page.reload();
    await page.getByText(number).waitFor();
    expect((await households(member.gridId)).filter((h) => h.number === number)).toHaveLength(1);
    expect(await query(registryDb(), `SELECT count(*)::int AS n FROM resident WHERE household_id = $1`, [arrived[0].id])).toEqual([
      { n: 1 },
    ]);
    await page.close();
  }, 180_000);

  it('pages the households and the incidents: "load more" brings the next page', async () => {
    const member = await ownGridMember(w);
    const stamp = Date.now();
    const numbers = Array.from({ length: 23 }, (_, i) => `L${stamp}-${String(i + 1).padStart(2, '0')}`);
    for (const n of numbers) await registerHousehold(w, member.token, member.gridId, n);
    const titles = Array.from({ length: 12 }, (_, i) => `分页测试事件 ${stamp} 第${i + 1}件`);
    for (const title of titles)
      await eventually(async () => {
        const res = await gql<{ reportIncident: { id: string } }>(
          w.stack.url,
          `mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { id } }`,
          { i: { gridId: member.gridId, title, category: 'INFRASTRUCTURE' } },
          member.token,
        );
        return res.data?.reportIncident;
      });

    const { page } = await w.open(PHONE);
    await signInNamed(page, member.name);
    await page.getByText('已显示 20 / 23 户').waitFor();
    expect(await page.getByText(numbers[22]).count()).toBe(0);
    await page.getByRole('button', { name: '加载更多住户' }).click();
    await page.getByText('已显示 23 / 23 户').waitFor();
    await page.getByText(numbers[22]).waitFor();
    expect(await page.getByRole('button', { name: '加载更多住户' }).count()).toBe(0);

    await page.getByRole('button', { name: '我的事件' }).click();
    const cards = page.locator('article.incident');
    await eventually(async () => ((await cards.count()) === 10 ? true : undefined));
    await page.getByRole('button', { name: '加载更多事件' }).click();
    await eventually(async () => ((await cards.count()) === 12 ? true : undefined));
    // Newest first: the first report is on the second page.
    await page.getByText(titles[0]).waitFor();
    expect(await page.getByRole('button', { name: '加载更多事件' }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  }, 240_000);

  it('an expired session returns to sign-in and keeps the queue: signed in again through the issuer, the queued registration is sent once', async () => {
    const member = await ownGridMember(w);
    await registerHousehold(w, member.token, member.gridId, `X${Date.now()}`);
    const { page, context } = await w.open(PHONE);
    const oidcSignIn = async () => {
      await page.goto('/');
      await page.getByRole('button', { name: '统一身份认证登录' }).click();
      await page.waitForURL(/\/dev\/oidc\/authorize\?/);
      await page.getByRole('button', { name: new RegExp(member.name) }).click();
      await page.getByRole('button', { name: `退出 (${member.name})` }).waitFor();
    };
    await oidcSignIn();
    // The app shell is kept, so it opens offline.
    await page.waitForFunction('navigator.serviceWorker.controller !== null', undefined, { timeout: 30_000 });
    await page.getByRole('button', { name: '登记住户' }).click();
    await context.setOffline(true);
    const number = `Q${Date.now()}`;
    await page.getByLabel('楼栋').fill('5号楼');
    await page.getByLabel('户号').fill(number);
    await page.getByLabel('姓名').fill('郑玉兰');
    await page.getByLabel('身份证号').fill(nationalId('19480606'));
    await page.getByRole('button', { name: '提交登记' }).click();
    await page.getByText('待发送（3）').waitFor();

    // The next day the token (12 hours) has expired: the app opens on the sign-in screen.
    await context.clock.setFixedTime(new Date(Date.now() + 24 * 3600_000));
    await page.reload();
    await page.getByRole('heading', { name: '选择演示身份登录' }).waitFor();
    expect(await page.getByRole('button', { name: /^退出/ }).count()).toBe(0);
    const queued = await page.evaluate<number>(`new Promise((resolve, reject) => {
      const open = indexedDB.open('civgrid');
      open.onsuccess = () => { const all = open.result.transaction('outbox').objectStore('outbox').count(); all.onsuccess = () => resolve(all.result); all.onerror = reject; };
      open.onerror = reject;
    })`);
    expect(queued).toBe(3);
    expect((await households(member.gridId)).filter((h) => h.number === number)).toEqual([]);

    await context.setOffline(false);
    await oidcSignIn();
    await page.getByText(/待发送/).waitFor({ state: 'detached', timeout: 30_000 });
    const arrived = await eventually(async () => {
      const found = (await households(member.gridId)).filter((h) => h.number === number);
      return found.length > 0 ? found : undefined;
    });
    expect(arrived).toHaveLength(1);
    expect(arrived[0].members.map((m) => m.name)).toEqual(['郑玉兰']);
    await page.close();
  }, 180_000);

  it('signs in through OpenID Connect (authorization code + PKCE) at the development issuer and opens the screen of the person chosen there', async () => {
    const member = await ownGridMember(w);
    await registerHousehold(w, member.token, member.gridId, `O${Date.now()}`, [{ name: '吴秋菊', birth: '19520302', relation: '户主' }]);
    const { page } = await w.open(PHONE);
    await page.goto('/');
    await page.getByRole('button', { name: '统一身份认证登录' }).click();
    // The issuer's own page: it lists the demo people.
    await page.waitForURL(/\/dev\/oidc\/authorize\?/);
    const authorize = new URL(page.url());
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.get('state')).toBeTruthy();
    await page.getByRole('button', { name: new RegExp(member.name) }).click();
    // Back in the app with the token: the person's own grid, and the code gone from the address.
    await page.getByRole('button', { name: `退出 (${member.name})` }).waitFor();
    await page.getByText('吴秋菊').waitFor();
    expect(new URL(page.url()).search).toBe('');
    await page.close();

    // A desktop officer signs in the same way.
    const officer = await w.open(DESKTOP);
    await officer.page.goto('/');
    await officer.page.getByRole('button', { name: '统一身份认证登录' }).click();
    await officer.page.waitForURL(/\/dev\/oidc\/authorize\?/);
    await officer.page.getByRole('button', { name: /社区书记/ }).click();
    await officer.page.getByRole('button', { name: /^退出/ }).waitFor();
    expect(await officer.page.evaluate<string[]>("JSON.parse(localStorage.getItem('civgrid.session')).claims.roles")).toEqual([
      Role.COMMUNITY_OFFICER,
    ]);
    await officer.page.close();
  }, 180_000);
});
