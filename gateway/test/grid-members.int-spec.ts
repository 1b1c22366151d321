import { Role } from '@civgrid/auth';
import { GridEvents } from '@civgrid/contracts';
import { query, readTopic } from '@civgrid/testing';
import { Stack, startStack } from '../src/stack';
import { gridFixtures, reasonOf } from './grid-fixtures';

let stack: Stack;
let make: ReturnType<typeof gridFixtures>;

beforeAll(async () => {
  stack = await startStack('grid-members', {}, ['grid-organisation']);
  make = gridFixtures(stack);
});
afterAll(() => stack?.stop());

const db = () => stack.services['grid-organisation'].db.url;
const audits = (subjectId: string) =>
  query<{ actor: string; fields: string[]; purpose: string }>(
    db(),
    `SELECT actor, fields, purpose FROM pii_audit WHERE subject_id = $1 ORDER BY id`,
    [subjectId],
  );
interface Page<T> {
  totalCount?: number;
  edges: { node: T }[];
}
const nodes = <T>(page: Page<T>): T[] => page.edges.map((e) => e.node);
const PHONE = `query($id: ID!, $purpose: String) { gridMember(id: $id) { name phone(purpose: $purpose) } }`;

describe('grid leaders', () => {
  it('refuses a second active grid leader on a grid, in the database too, and allows one once the first steps down', async () => {
    const { village, total } = await make.tree();
    const grid = await make.basic(village, total, ['1号楼']);
    const [first, second, third] = [await make.member(village), await make.member(village), await make.member(village)];
    const lead = await make.assign(first.id, grid.id, 'GRID_LEADER');
    expect(lead.data?.assignGridMember).toMatchObject({ role: 'GRID_LEADER', current: true });

    const refused = await make.assign(second.id, grid.id, 'GRID_LEADER');
    expect(reasonOf(refused)).toEqual({ code: 'CONFLICT', reason: 'GRID_LEADER_TAKEN' });
    expect(refused.errors?.[0]?.message).toContain(grid.code);
    expect(refused.errors?.[0]?.extensions?.['details']).toEqual({ assignmentId: lead.data!.assignGridMember.id, memberId: first.id });
    // Another role on the same grid is fine.
    expect((await make.assign(second.id, grid.id, 'GRID_MEMBER')).errors).toBeUndefined();

    // The database itself holds the rule, whatever a future code path forgets.
    await expect(
      query(db(), `INSERT INTO grid_assignment (id, member_id, grid_id, role) VALUES (gen_random_uuid(), $1, $2, 'GRID_LEADER')`, [
        third.id,
        grid.id,
      ]),
    ).rejects.toMatchObject({ constraint: 'ex_assignment_one_leader' });

    await make.ok(`mutation($input: EndGridAssignmentInput!) { endGridAssignment(input: $input) { current } }`, {
      input: { assignmentId: lead.data!.assignGridMember.id },
    });
    expect((await make.assign(third.id, grid.id, 'GRID_LEADER')).errors).toBeUndefined();
    const now = await make.ok<{ grid: { leader: { id: string }; assignments: Page<{ role: string; member: { id: string } }> } }>(
      `query($id: ID!) { grid(id: $id) { leader { id } assignments { edges { node { role member { id } } } } } }`,
      { id: grid.id },
    );
    expect(now.grid.leader).toEqual({ id: third.id });
    expect(
      nodes(now.grid.assignments)
        .map((a) => [a.role, a.member.id])
        .sort(),
    ).toEqual(
      [
        ['GRID_LEADER', third.id],
        ['GRID_MEMBER', second.id],
      ].sort(),
    );
  });
  it('lets exactly one of two officers racing to name a leader of a leaderless grid win; the other hears GRID_LEADER_TAKEN', async () => {
    const { village, total } = await make.tree();
    for (let round = 0; round < 3; round++) {
      const grid = await make.basic(village, total, [`${round}号楼`]);
      const candidates = [await make.member(village), await make.member(village)];
      const officers = await Promise.all(
        ['officer-a', 'officer-b'].map((sub) => stack.token({ roles: [Role.COMMUNITY_OFFICER], areas: [village.path], sub })),
      );
      const racing = await Promise.all(candidates.map((m, i) => make.assign(m.id, grid.id, 'GRID_LEADER', officers[i])));
      const won = racing.filter((r) => r.errors === undefined);
      const lost = racing.filter((r) => r.errors !== undefined);
      expect(won).toHaveLength(1);
      expect(lost.map(reasonOf)).toEqual([{ code: 'CONFLICT', reason: 'GRID_LEADER_TAKEN' }]);
      expect(lost[0].errors?.[0]?.message).toContain(grid.code);
      const leaders = await query<{ id: string }>(db(), `SELECT id FROM grid_assignment WHERE grid_id = $1 AND role = 'GRID_LEADER'`, [
        grid.id,
      ]);
      expect(leaders).toEqual([{ id: won[0].data!.assignGridMember.id }]);
    }
  });
});

describe('assignment history', () => {
  it('pages through a grid’s assignments and a member’s, each once, with one statement for a whole batch of grids', async () => {
    const { village, total } = await make.tree();
    const grid = await make.basic(village, total, ['1号楼']);
    const busy = await make.member(village);
    const members = [busy, await make.member(village), await make.member(village), await make.member(village), await make.member(village)];
    for (const m of members) expect((await make.assign(m.id, grid.id, 'GRID_MEMBER')).errors).toBeUndefined();
    const others = [await make.basic(village, total, ['2号楼']), await make.basic(village, total, ['3号楼'])];
    for (const g of [total, ...others]) expect((await make.assign(busy.id, g.id, 'BUILDING_LEADER')).errors).toBeUndefined();

    type Connection = {
      totalCount: number;
      edges: { node: { id: string } }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
    const pageThrough = async (field: 'grid' | 'gridMember', id: string): Promise<{ ids: string[]; totals: number[] }> => {
      const ids: string[] = [];
      const totals: number[] = [];
      let after: string | null = null;
      do {
        const res: Record<string, { assignments: Connection }> = await make.ok(
          `query($id: ID!, $after: String) { ${field}(id: $id) { assignments(current: false, first: 2, after: $after) {
             totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } } }`,
          { id, after },
        );
        const page = res[field].assignments;
        ids.push(...page.edges.map((e) => e.node.id));
        totals.push(page.totalCount);
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
      return { ids, totals };
    };
    const ofGrid = await pageThrough('grid', grid.id);
    expect(ofGrid.totals).toEqual([5, 5, 5]);
    expect(new Set(ofGrid.ids).size).toBe(5);
    const ofMember = await pageThrough('gridMember', busy.id);
    expect(ofMember.totals).toEqual([4, 4]);
    expect(new Set(ofMember.ids).size).toBe(4);

    const svc = stack.services['grid-organisation'];
    await svc.sql.record();
    const all = await make.ok<{ grids: { edges: { node: { assignments: { totalCount: number } } }[] } }>(
      `query($p: String!) { grids(underPath: $p) { edges { node { assignments(first: 1) { totalCount edges { node { role } } } } } } }`,
      { p: village.path },
    );
    const statements = await svc.sql.stop();
    expect(all.grids.edges.map((e) => e.node.assignments.totalCount).sort()).toEqual([1, 1, 1, 5]);
    expect(statements.filter((q) => /FROM grid_assignment a JOIN grid g/.test(q))).toHaveLength(1);
  });
});

describe("members' phones", () => {
  it('are masked for a plain reader, shown and audited for an officer or the member’s own grid leader who states a purpose', async () => {
    const { district, village, total } = await make.tree();
    const grid = await make.basic(village, total, ['2号楼']);
    const member = await make.member(village, { name: '侯方功' });
    const leader = await make.member(village, { name: '宋晓芳', userId: `leader-${grid.id}` });
    const colleague = await make.member(village, { name: '朱明', userId: `colleague-${grid.id}` });
    await make.assign(member.id, grid.id, 'GRID_MEMBER');
    await make.assign(leader.id, grid.id, 'GRID_LEADER');
    await make.assign(colleague.id, grid.id, 'BUILDING_LEADER');
    const masked = `${member.phone.slice(0, 3)}****${member.phone.slice(-4)}`;

    const analyst = await stack.token({ roles: [Role.ANALYST], areas: [district.path], sub: 'analyst-1' });
    const officer = await stack.token({ roles: [Role.COMMUNITY_OFFICER], areas: [village.path], sub: 'officer-1' });
    const asLeader = await stack.token({ roles: [Role.GRID_MEMBER], areas: [village.path], grids: [grid.id], sub: `leader-${grid.id}` });
    const asColleague = await stack.token({
      roles: [Role.GRID_MEMBER],
      areas: [village.path],
      grids: [grid.id],
      sub: `colleague-${grid.id}`,
    });
    const phoneAs = async (token: string, purpose?: string) =>
      (await make.ok<{ gridMember: { phone: string } }>(PHONE, { id: member.id, purpose }, token)).gridMember.phone;

    // Analysts see shape, never people: grid members are not theirs to read at all.
    expect(reasonOf(await make.call(PHONE, { id: member.id, purpose: '统计分析' }, analyst))).toEqual({
      code: 'FORBIDDEN',
      reason: 'ROLE_REQUIRED',
    });
    expect(await phoneAs(asColleague, '联系同事')).toBe(masked);
    expect(await phoneAs(officer)).toBe(masked);
    expect(await audits(member.id)).toEqual([]);

    expect(await phoneAs(officer, '核实独居老人走访情况')).toBe(member.phone);
    expect(await phoneAs(asLeader, '安排本周入户走访')).toBe(member.phone);
    expect(await audits(member.id)).toEqual([
      { actor: 'officer-1', fields: ['phone'], purpose: '核实独居老人走访情况' },
      { actor: `leader-${grid.id}`, fields: ['phone'], purpose: '安排本周入户走访' },
    ]);

    const tooShort = await make.call(PHONE, { id: member.id, purpose: 'x' }, officer);
    expect(reasonOf(tooShort)).toEqual({ code: 'BAD_USER_INPUT', reason: 'PII_PURPOSE_INVALID' });
  });

  it('a grid member sees their own grids and the people working on them, nothing else of the village', async () => {
    const { village, total } = await make.tree();
    const mine = await make.basic(village, total, ['1号楼']);
    const other = await make.basic(village, total, ['2号楼']);
    const me = await make.member(village, { userId: `me-${mine.id}` });
    const colleague = await make.member(village);
    const stranger = await make.member(village);
    await make.assign(me.id, mine.id, 'GRID_MEMBER');
    await make.assign(colleague.id, mine.id, 'GRID_LEADER');
    await make.assign(stranger.id, other.id, 'GRID_LEADER');
    const token = await stack.token({ roles: [Role.GRID_MEMBER], areas: [village.path], grids: [mine.id], sub: `me-${mine.id}` });
    const seen = await make.ok<{ grids: { edges: { node: { id: string } }[] }; gridMembers: { edges: { node: { id: string } }[] } }>(
      `query($p: String!) { grids(underPath: $p) { edges { node { id } } } gridMembers(underPath: $p) { edges { node { id } } } }`,
      { p: village.path },
      token,
    );
    expect(seen.grids.edges.map((e) => e.node.id)).toEqual([mine.id]);
    expect(seen.gridMembers.edges.map((e) => e.node.id).sort()).toEqual([me.id, colleague.id].sort());
    expect(reasonOf(await make.call(PHONE, { id: stranger.id }, token))).toEqual({ code: 'NOT_FOUND', reason: 'MEMBER_NOT_FOUND' });
  });

  it('a grid member cannot reach a colleague’s other grids, or the people on them, through assignments', async () => {
    const { village, total } = await make.tree();
    const mine = await make.basic(village, total, ['1号楼']);
    const other = await make.basic(village, total, ['2号楼']);
    const me = await make.member(village, { userId: `me-${mine.id}` });
    const colleague = await make.member(village);
    const stranger = await make.member(village);
    const former = await make.member(village);
    await make.assign(me.id, mine.id, 'GRID_MEMBER');
    await make.assign(colleague.id, mine.id, 'GRID_LEADER');
    await make.assign(colleague.id, other.id, 'GRID_MEMBER');
    await make.assign(stranger.id, other.id, 'GRID_LEADER');
    await make.assign(former.id, other.id, 'BUILDING_LEADER');
    const left = await make.assign(former.id, mine.id, 'BUILDING_LEADER');
    await make.ok(`mutation($input: EndGridAssignmentInput!) { endGridAssignment(input: $input) { id } }`, {
      input: { assignmentId: left.data!.assignGridMember.id },
    });
    const token = await stack.token({ roles: [Role.GRID_MEMBER], areas: [village.path], grids: [mine.id], sub: `me-${mine.id}` });
    const res = await make.ok<{
      grid: {
        parentGrid: unknown;
        assignments: Page<{ role: string; member: { id: string; assignments: Page<{ grid: { id: string } }> } }>;
        history: Page<{ role: string; member: { id: string } | null }>;
      };
      gridMember: { assignments: Page<{ grid: { id: string } }> };
    }>(
      `query($grid: ID!, $colleague: ID!) {
         grid(id: $grid) {
           parentGrid { id }
           assignments { edges { node { role member { id assignments { edges { node { grid { id } } } } } } } }
           history: assignments(current: false) { totalCount edges { node { role member { id } } } }
         }
         gridMember(id: $colleague) { assignments(current: false) { totalCount edges { node { grid { id } } } } }
       }`,
      { grid: mine.id, colleague: colleague.id },
      token,
    );
    expect(res.grid.parentGrid).toBeNull();
    expect(
      nodes(res.grid.assignments)
        .map((a) => [a.role, a.member.id, nodes(a.member.assignments).map((x) => x.grid.id)])
        .sort(),
    ).toEqual(
      [
        ['GRID_LEADER', colleague.id, [mine.id]],
        ['GRID_MEMBER', me.id, [mine.id]],
      ].sort(),
    );
    // Someone who left my grid but still works on another: the assignment shows, the person does not.
    expect(res.grid.history.totalCount).toBe(3);
    expect(nodes(res.grid.history).find((a) => a.role === 'BUILDING_LEADER')).toEqual({ role: 'BUILDING_LEADER', member: null });
    expect(res.gridMember.assignments).toEqual({ totalCount: 1, edges: [{ node: { grid: { id: mine.id } } }] });
    const text = JSON.stringify(res);
    for (const hidden of [other.id, total.id, stranger.id, former.id]) expect(text).not.toContain(hidden);
    // The other grid itself is not found, by id or by reference.
    expect(reasonOf(await make.call(`query($id: ID!) { grid(id: $id) { id } }`, { id: other.id }, token))).toEqual({
      code: 'NOT_FOUND',
      reason: 'GRID_NOT_FOUND',
    });
  });

  it('are found by exact number through the keyed hash (officers only), and refused twice', async () => {
    const { district, village } = await make.tree();
    const member = await make.member(village);
    const officer = await stack.token({ roles: [Role.TOWN_OFFICER], areas: [district.path] });
    const found = await make.ok<{ gridMembers: { edges: { node: { id: string } }[] } }>(
      `query($phone: String!) { gridMembers(phone: $phone) { edges { node { id } } } }`,
      { phone: `${member.phone.slice(0, 3)} ${member.phone.slice(3)}` },
      officer,
    );
    expect(found.gridMembers.edges).toEqual([{ node: { id: member.id } }]);
    const analyst = await stack.token({ roles: [Role.ANALYST], areas: [district.path] });
    expect(
      reasonOf(await make.call(`query($phone: String!) { gridMembers(phone: $phone) { totalCount } }`, { phone: member.phone }, analyst)),
    ).toEqual({
      code: 'FORBIDDEN',
      reason: 'ROLE_REQUIRED',
    });
    const register = (phone: string) =>
      make.call(`mutation($input: RegisterGridMemberInput!) { registerGridMember(input: $input) { id } }`, {
        input: { name: '王旭文', phone, employment: 'VOLUNTEER', areaId: village.id },
      });
    expect(reasonOf(await register(member.phone))).toEqual({ code: 'CONFLICT', reason: 'MEMBER_PHONE_TAKEN' });
    expect(reasonOf(await register('12345'))).toEqual({ code: 'BAD_USER_INPUT', reason: 'MEMBER_PHONE_INVALID' });
  });

  it('never leave the service: not in events on Kafka, not in the outbox, not readable in the table', async () => {
    const { village, total } = await make.tree();
    const grid = await make.basic(village, total);
    const member = await make.member(village, { userId: `u-${grid.id}` });
    await make.assign(member.id, grid.id, 'GRID_LEADER');
    const messages = await readTopic(stack.services['grid-organisation'].topic('grid'), (m) =>
      m.some((x) => x.key === member.id && x.value['type'] === GridEvents.memberAssigned),
    );
    const mine = messages.filter((m) => m.key === member.id);
    expect(mine.map((m) => m.value['type'])).toEqual([GridEvents.memberRegistered, GridEvents.memberAssigned]);
    expect(mine[0].value['data']).toEqual({
      memberId: member.id,
      areaId: village.id,
      areaPath: village.path,
      employment: 'FULL_TIME',
      userId: `u-${grid.id}`,
    });
    const digits = member.phone.slice(3);
    expect(messages.filter((m) => JSON.stringify(m).includes(digits))).toEqual([]);
    expect(await query(db(), `SELECT count(*)::int AS n FROM outbox WHERE payload::text LIKE $1`, [`%${digits}%`])).toEqual([{ n: 0 }]);
    expect(
      await query(db(), `SELECT count(*)::int AS n FROM grid_member WHERE encode(phone_cipher, 'escape') LIKE $1 OR name LIKE $1`, [
        `%${digits}%`,
      ]),
    ).toEqual([{ n: 0 }]);
  });
});
