import { Page } from 'playwright-core';
import { dataOf, eventually, gql } from '@civgrid/testing';
import { DESKTOP, screenshot, seriousViolations, signIn } from '../src/browser';
import { shanghai, shanghaiDay, startWebWorld, WebWorld } from './web-world';

// The mediators' desk in a real Chromium against the whole system: the property dispute from an
// incident, village → town → district, booked in the judge studio, settled with a confirmed
// agreement; a walk-in registered at the village; the lists paged with "load more".
let web: WebWorld;

beforeAll(async () => {
  web = await startWebWorld('web-mediation');
}, 240_000);
afterAll(() => web?.stop(), 60_000);
afterEach(() => web?.stack.services['dispute-mediation'].setClock(null));
afterAll(() => expect(web.foreignRequests).toEqual([]));

const ok = async <D>(query: string, variables: Record<string, unknown>, token: string): Promise<D> =>
  dataOf(await gql<D>(web.stack.url, query, variables, token));

/** The dispute's card on the mediator's screen, in the list of its level. */
const card = (page: Page, level: '村/社区' | '镇/街道' | '区', number: string) =>
  page.getByRole('region', { name: new RegExp(`^${level}`) }).getByRole('article', { name: number });

async function mediator(name: '老王' | '刘春梅' | '陈志刚'): Promise<Page> {
  const { page } = await web.open(DESKTOP);
  await signIn(page, `调解员 · ${name}`);
  await page.getByRole('heading', { name: '纠纷（按层级）' }).waitFor();
  return page;
}

describe("the mediators' desk in a real browser", () => {
  it('the property dispute: from an incident at the village, escalated to the town and the district, booked in the judge studio (an overlapping booking refused, naming the clash), minutes and attendance, the agreement with judicial confirmation; the incident resolves', async () => {
    const { world } = web;
    const gm = await web.tokenOf('grid-member');
    const community = await web.tokenOf('community');
    // The grid member reports the quarrel; the community accepts it and hands it to mediation.
    const title = `楼顶太阳能热水器产权争议 ${Date.now()}`;
    const incident = (
      await ok<{ reportIncident: { id: string; number: string } }>(
        `mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { id number } }`,
        { i: { gridId: world.gridId, title, description: '住户与物业就楼顶热水器归属争执不下', category: 'DISPUTE' } },
        gm,
      )
    ).reportIncident;
    for (const step of ['acceptIncident', 'startIncidentWork'])
      await ok(`mutation($i: IncidentStepInput!) { ${step}(input: $i) { id } }`, { i: { id: incident.id } }, community);
    const residents = (
      await ok<{ grid: { households: { edges: { node: { members: { id: string; name: string }[] } }[] } } }>(
        `query($g: ID!) { grid(id: $g) { households(first: 50) { edges { node { members { id name } } } } } }`,
        { g: world.gridId },
        gm,
      )
    ).grid.households.edges.flatMap((e) => e.node.members);
    const zhang = residents.find((r) => r.name === '张德福')!;
    await ok(
      `mutation($i: EscalateIncidentInput!) { escalateIncident(input: $i) { id } }`,
      { i: { id: incident.id, asDispute: true, disputeKind: 'PROPERTY_MANAGEMENT', residentIds: [zhang.id], note: '协商不成，转调解' } },
      community,
    );
    // Mediation registers it from the event, at the village.
    const number = await eventually(async () => {
      const r = await ok<{ incident: { dispute: { number: string; level: string } | null } }>(
        `query($id: ID!) { incident(id: $id) { dispute { number level } } }`,
        { id: incident.id },
        community,
      );
      return r.incident.dispute?.number;
    }, 60_000);

    // The village mediator sends it up to the town, with a reason.
    const village = await mediator('老王');
    const atVillage = card(village, '村/社区', number);
    await atVillage.getByText('来自事件').waitFor();
    await atVillage.getByLabel('上报理由').fill('涉及楼顶产权，社区调解无法认定');
    await atVillage.getByRole('button', { name: '上报上一级' }).click();
    await village.getByText(`${number} 已上报上一级`).waitFor();
    await card(village, '镇/街道', number).waitFor();
    expect(await atVillage.count()).toBe(0);
    await village.close();

    // The town's mediator sends it on to the district.
    const town = await mediator('刘春梅');
    const atTown = card(town, '镇/街道', number);
    await atTown.getByLabel('上报理由').fill('需住建部门与法院参与');
    await atTown.getByRole('button', { name: '上报上一级' }).click();
    await card(town, '区', number).waitFor();
    await town.close();

    // The district mediator accepts it and books the judge studio.
    const page = await mediator('陈志刚');
    const atDistrict = card(page, '区', number);
    await atDistrict.getByRole('button', { name: '受理' }).click();
    await atDistrict.getByText('已受理').waitFor();
    const book = page.getByRole('form', { name: '预约调解' });
    const option = book.getByLabel('纠纷').locator('option', { hasText: number });
    await book.getByLabel('纠纷').selectOption((await option.getAttribute('value')) ?? '');
    await book.getByLabel('调解室').selectOption({ label: '法官工作室' });
    await book.getByLabel('日期').fill(shanghaiDay());
    await book.getByLabel('开始').fill('10:00');
    await book.getByLabel('结束').fill('11:00');
    await book.getByRole('button', { name: '预约' }).click();
    await book.getByRole('status').getByText('已预约').waitFor();
    const studio = page.getByRole('row', { name: /^法官工作室/ });
    await studio.getByText(`10:00–11:00 ${number}`).first().waitFor();

    // A second booking that overlaps is refused on screen, naming the booking it hits.
    await book.getByLabel('开始').fill('10:30');
    await book.getByLabel('结束').fill('11:30');
    await book.getByRole('button', { name: '预约' }).click();
    const clash = book.getByRole('alert');
    await clash.waitFor();
    expect(await clash.textContent()).toContain(`时间冲突：法官工作室已被 ${number} 预约`);
    expect(await clash.textContent()).toContain('10:00–11:00');
    await screenshot(page, 'desktop-mediator-calendar');
    const sessions = await ok<{ mediationSessions: { edges: { node: { startsAt: string; status: string } }[] } }>(
      `query($r: ID!) { mediationSessions(roomId: $r, first: 50) { edges { node { startsAt status } } } }`,
      { r: world.rooms['JUDGE_STUDIO'] },
      web.admin,
    );
    expect(sessions.mediationSessions.edges.map((e) => ({ at: Date.parse(e.node.startsAt), status: e.node.status }))).toEqual([
      { at: shanghai('10:00').getTime(), status: 'SCHEDULED' },
    ]);

    // The session takes place (mediation's clock: half past ten); minutes and attendance are recorded.
    await web.stack.services['dispute-mediation'].setClock(shanghai('10:30'));
    const record = page.getByRole('form', { name: new RegExp(`^记录调解会：${number}`) });
    await record.getByLabel('调解纪要').fill('双方同意由物业拆除热水器，住户承担一半费用');
    await record.getByLabel(/到场：/).check();
    await record.getByRole('button', { name: '保存纪要' }).click();
    await studio.getByText('已召开，到场 1 人，缺席 0 人').first().waitFor();

    // The agreement, then the court's confirmation of it, then the case is closed.
    await atDistrict.getByLabel('协议内容').fill('物业三日内拆除热水器，费用双方各半');
    await atDistrict.getByRole('button', { name: '记录协议' }).click();
    await atDistrict.getByText('达成协议').waitFor();
    await atDistrict.getByRole('button', { name: '申请司法确认' }).click();
    await atDistrict.getByText('已申请司法确认').waitFor();
    await atDistrict.getByRole('button', { name: '法院已确认' }).click();
    await atDistrict.getByText('司法确认：已确认').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await atDistrict.getByRole('button', { name: '结案' }).click();
    await atDistrict.getByText('已结案').waitFor();

    // Recorded for real, and the dispute-closed event resolves the incident it came from.
    const dispute = await ok<{
      incident: {
        dispute: {
          level: string;
          agreement: { judicialConfirmation: string };
          sessions: { edges: { node: { attendance: { present: boolean }[]; minutes: string } }[] };
        };
      };
    }>(
      `query($id: ID!) { incident(id: $id) { dispute { level agreement { judicialConfirmation } sessions { edges { node { attendance { present } minutes } } } } } }`,
      { id: incident.id },
      web.admin,
    );
    expect(dispute.incident.dispute).toEqual({
      level: 'DISTRICT',
      agreement: { judicialConfirmation: 'GRANTED' },
      sessions: { edges: [{ node: { attendance: [{ present: true }], minutes: '双方同意由物业拆除热水器，住户承担一半费用' } }] },
    });
    const status = await eventually(async () => {
      const r = await ok<{ incident: { status: string } }>(
        `query($id: ID!) { incident(id: $id) { status } }`,
        { id: incident.id },
        community,
      );
      return r.incident.status === 'RESOLVED' ? r.incident.status : undefined;
    }, 60_000);
    expect(status).toBe('RESOLVED');
    await page.close();
  }, 300_000);

  it('a walk-in registered at the village shows in the list with its parties; the list pages with "load more"', async () => {
    const { world } = web;
    // More village disputes than one page holds (10).
    const community = await web.tokenOf('community');
    for (let i = 0; i < 11; i++)
      await ok(
        `mutation($i: RegisterDisputeInput!) { registerDispute(input: $i) { id } }`,
        { i: { gridId: world.gridId, kind: 'NEIGHBOURHOOD', summary: `楼道噪音 ${i}`, origin: 'WALK_IN' } },
        community,
      );
    const page = await mediator('老王');
    const form = page.getByRole('form', { name: '登记来访纠纷' });
    const summary = `邻居装修占用公共楼道 ${Date.now()}`;
    await form.getByLabel('发生网格').selectOption({ label: '东湖社区第一网格' });
    await form.getByLabel('纠纷类别').selectOption({ label: '邻里纠纷' });
    await form.getByLabel('纠纷概要').fill(summary);
    await form.getByLabel('当事人1姓名或名称').fill('孙桂芝');
    await form.getByRole('button', { name: '添加当事人' }).click();
    await form.getByLabel('当事人2类型').selectOption({ label: '单位' });
    await form.getByLabel('当事人2姓名或名称').fill('东湖物业服务有限公司');
    await form.getByRole('button', { name: '登记纠纷' }).click();
    const registered = form.getByRole('status');
    await registered.getByText(/^已登记 TJ-\d{4}-\d{6}$/).waitFor();
    const number = /TJ-\d{4}-\d{6}/.exec((await registered.textContent())!)![0];
    const walkIn = card(page, '村/社区', number);
    await walkIn.getByText(summary).waitFor();
    await walkIn.getByText('来访登记').waitFor();
    expect(await walkIn.getByRole('list', { name: '当事人' }).innerText()).toBe('申请人：孙桂芝\n被申请人：东湖物业服务有限公司');
    expect(await seriousViolations(page)).toEqual([]);
    await walkIn.scrollIntoViewIfNeeded();
    await screenshot(page, 'desktop-mediator-walk-in');

    // Ten at a time: "load more" brings the rest, none twice.
    const villageList = page.getByRole('region', { name: /^村\/社区/ });
    const total = (await ok<{ disputes: { totalCount: number } }>(`{ disputes(level: VILLAGE, first: 1) { totalCount } }`, {}, web.admin))
      .disputes.totalCount;
    expect(total).toBeGreaterThan(10);
    expect(await villageList.getByRole('article').count()).toBe(10);
    const more = villageList.getByRole('button', { name: '加载更多村/社区纠纷' });
    while ((await more.count()) > 0) {
      const before = await villageList.getByRole('article').count();
      await more.click();
      await eventually(async () => ((await villageList.getByRole('article').count()) > before ? true : undefined), 30_000);
    }
    const numbers = await Promise.all((await villageList.getByRole('article').all()).map((a) => a.getAttribute('aria-label')));
    expect(numbers).toHaveLength(total);
    expect(new Set(numbers).size).toBe(total);
    await page.close();
  }, 240_000);
});

describe("the officer's map in a real browser", () => {
  it('draws one outline per grid of the area from its own GeoJSON, coloured by grid health, with no request leaving the origin; a grid clicked shows its name and problems', async () => {
    const { world } = web;
    const grids = (
      await ok<{ grids: { edges: { node: { id: string; name: string; boundary: { type: string } | null } }[] } }>(
        `query($p: String!) { grids(underPath: $p, first: 100) { edges { node { id name boundary { type } } } } }`,
        { p: world.villagePath },
        web.admin,
      )
    ).grids.edges.map((e) => e.node);
    const outlined = grids.filter((g) => g.boundary);
    expect(outlined.length).toBeGreaterThanOrEqual(3);
    const health = (
      await ok<{ gridHealth: { problems: { kind: string; description: string; grids: { id: string }[] }[] } }>(
        `query($p: String!) { gridHealth(areaPath: $p, limit: 20) { problems { kind description grids { id } } } }`,
        { p: world.villagePath },
        web.admin,
      )
    ).gridHealth.problems;
    const second = grids.find((g) => g.name === '东湖社区第二网格')!;
    const itsProblems = health.filter((p) => p.grids.some((g) => g.id === second.id));
    expect(itsProblems.length).toBeGreaterThan(0);

    const { page } = await web.open(DESKTOP);
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    await signIn(page, '社区干部');
    const outlines = page.locator('.grid-map path.grid-outline');
    await outlines.first().waitFor();
    expect(await outlines.count()).toBe(outlined.length);
    expect((await Promise.all((await outlines.all()).map((o) => o.getAttribute('data-grid-id')))).sort()).toEqual(
      outlined.map((g) => g.id).sort(),
    );
    // Coloured by health: the unstaffed second grid is drawn as a problem, unlike the staffed first grid.
    const outline = (id: string) => page.locator(`.grid-map path[data-grid-id="${id}"]`);
    expect(await outline(second.id).getAttribute('stroke')).toBe('#b03a2e');
    expect(await outline(world.gridId).getAttribute('stroke')).not.toBe('#b03a2e');

    await outline(second.id).click();
    const details = page.getByRole('region', { name: '东湖社区第二网格' });
    await details.waitFor();
    // Named in Chinese by kind, the service's own words beside: the unstaffed grid says so.
    expect(itsProblems.map((p) => p.kind)).toContain('UNSTAFFED');
    const words: Record<string, string> = {
      TOO_LARGE: '网格过大',
      OVERLAPPING: '网格范围重叠',
      UNSTAFFED: '无网格员',
      MEMBER_OVERLOADED: '网格员负担过重',
    };
    expect(await details.getByRole('list', { name: '网格问题' }).innerText()).toBe(
      itsProblems.map((p) => `${words[p.kind]} ${p.description}`).join('\n'),
    );
    await screenshot(page, 'desktop-officer-map');
    // The keyboard's way: the grid buttons under the map.
    await page.getByRole('button', { name: /^东湖社区第一网格/ }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('region', { name: '东湖社区第一网格' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // Nothing left the app's origin: no tiles, no fonts, no scripts from elsewhere.
    const origin = new URL(web.base).origin;
    expect(requested.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'))).toEqual([]);
    await page.close();
  }, 180_000);
});
