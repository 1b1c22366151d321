import { randomInt } from 'node:crypto';
import { ClaimsInput, Role } from '@civgrid/auth';
import type { DemoPerson } from './web';

/**
 * The demo world every screen of the web app needs, made through the gateway as the people who
 * would make it: areas, grids and a grid member linked to a login; the court, judicial bureau,
 * housing and construction bureau and letters and calls bureau; committees at the three levels;
 * the district's centre with its judge studio, talk, mediation and arbitration rooms and a
 * mediator; households and residents; incidents and disputes in several states. Find-or-create:
 * run again (npm start on a kept database) it adds nothing that is there, and it works on the
 * grid-organisation seed's district as on a fresh test district.
 */
export interface DemoSeedOptions {
  url: string;
  /** 12-digit district code (370911000000 for the demo district). */
  districtCode: string;
  sign(claims: ClaimsInput): Promise<string>;
  log?: (message: string) => void;
}

export interface DemoWorld {
  districtPath: string;
  townPath: string;
  villagePath: string;
  gridId: string;
  gridMemberId: string;
  departments: Record<string, string>;
  committees: Record<string, string>;
  rooms: Record<string, string>;
  people: DemoPerson[];
}

interface Answer<D> {
  data?: D | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function call<D>(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<Answer<D>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as Answer<D>;
}

async function must<D>(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<D> {
  const r = await call<D>(url, token, query, variables);
  if (r.errors?.length || !r.data) throw new Error(`demo seed: ${r.errors?.map((e) => `${e.extensions?.code}: ${e.message}`).join('; ')}`);
  return r.data;
}

/** Retries while a replica elsewhere has not yet heard of a grid (it arrives by Kafka). */
async function eventually<T>(what: () => Promise<T>, ms = 60_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await what();
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const checkDigit = (first17: string): string => '10X98765432'[[...first17].reduce((s, d, i) => s + Number(d) * WEIGHTS[i], 0) % 11];
function nationalId(birth: string, male: boolean): string {
  const seq = randomInt(0, 500) * 2 + (male ? 1 : 0);
  const first17 = `37${String(randomInt(1000, 9999))}${birth}${String(seq).padStart(3, '0')}`;
  return first17 + checkDigit(first17);
}
const phone = (): string => `139${String(randomInt(1e8)).padStart(8, '0')}`;

interface Area {
  id: string;
  code: string;
  path: string;
  name: string;
}
const AREA = 'id code path name';

const DEPARTMENTS = [
  { kind: 'COURT', name: '岱岳区人民法院', suffix: 'COURT' },
  { kind: 'JUDICIAL_BUREAU', name: '岱岳区司法局', suffix: 'JUSTICE' },
  { kind: 'HOUSING_CONSTRUCTION_BUREAU', name: '岱岳区住房和城乡建设局', suffix: 'HOUSING' },
  { kind: 'LETTERS_CALLS_BUREAU', name: '岱岳区信访局', suffix: 'LETTERS' },
] as const;

const ROOMS = [
  { kind: 'JUDGE_STUDIO', name: '法官工作室' },
  { kind: 'WARM_TALK_ROOM', name: '暖心谈话室' },
  { kind: 'MEDIATION_ROOM', name: '老王调解室' },
  { kind: 'ARBITRATION_ROOM', name: '仲裁庭' },
] as const;

export async function seedDemo(o: DemoSeedOptions): Promise<DemoWorld> {
  const log = o.log ?? (() => undefined);
  const code6 = o.districtCode.slice(0, 6);
  const admin = await o.sign({ sub: 'demo-seed', name: '演示数据', roles: [Role.ADMIN] });
  const q = <D>(query: string, variables?: Record<string, unknown>, token = admin) => must<D>(o.url, token, query, variables);

  // ---- areas and grids ----
  const findArea = async (code: string): Promise<Area | undefined> => {
    const r = await call<{ areaByCode: Area }>(o.url, admin, `query($code: String!) { areaByCode(code: $code) { ${AREA} } }`, { code });
    return r.data?.areaByCode ?? undefined;
  };
  const firstUnder = async (path: string, level: string): Promise<Area | undefined> =>
    (
      await q<{ areas: { edges: { node: Area }[] } }>(
        `query($p: String!, $l: AreaLevel!) { areas(underPath: $p, level: $l, first: 1) { edges { node { ${AREA} } } } }`,
        { p: path, l: level },
      )
    ).areas.edges[0]?.node;
  const createArea = async (input: Record<string, unknown>): Promise<Area> =>
    (await q<{ createArea: Area }>(`mutation($i: CreateAreaInput!) { createArea(input: $i) { ${AREA} } }`, { i: input })).createArea;
  const district = (await findArea(o.districtCode)) ?? (await createArea({ code: o.districtCode, name: '岱岳区' }));
  const town =
    (await firstUnder(district.path, 'TOWN')) ??
    (await createArea({ code: `${code6}001000`, name: '粥店街道', parentId: district.id, urban: true }));
  const village =
    (await firstUnder(town.path, 'VILLAGE')) ??
    (await createArea({ code: `${code6}001001`, name: '东湖社区', parentId: town.id, urban: true }));
  type GridRow = { id: string; code: string; name: string; kind: string; boundary: { type: string } | null };
  const grids = (
    await q<{ grids: { edges: { node: GridRow }[] } }>(
      `query($p: String!) { grids(underPath: $p, first: 10) { edges { node { id code name kind boundary { type } } } } }`,
      {
        p: village.path,
      },
    )
  ).grids.edges.map((e) => e.node);
  const createGrid = async (input: Record<string, unknown>): Promise<GridRow> =>
    (
      await q<{ createGrid: GridRow }>(`mutation($i: CreateGridInput!) { createGrid(input: $i) { id code name kind boundary { type } } }`, {
        i: input,
      })
    ).createGrid;
  // Outlines for the officer's map, near Daiyue (longitude, latitude): the total grid around both basic ones.
  const square = (west: number, south: number, east: number, north: number) => ({
    type: 'Polygon',
    coordinates: [
      [
        [west, south],
        [east, south],
        [east, north],
        [west, north],
        [west, south],
      ],
    ],
  });
  const OUTLINES = {
    total: square(117.083, 36.183, 117.097, 36.192),
    first: square(117.085, 36.185, 117.09, 36.19),
    second: square(117.09, 36.185, 117.095, 36.19),
  };
  const total =
    grids.find((g) => g.kind === 'TOTAL') ??
    (await createGrid({ code: `T${code6}`, name: '东湖社区总网格', kind: 'TOTAL', areaId: village.id, boundary: OUTLINES.total }));
  const basics = grids.filter((g) => g.kind === 'BASIC');
  const grid =
    basics[0] ??
    (await createGrid({
      code: `B${code6}01`,
      name: '东湖社区第一网格',
      kind: 'BASIC',
      areaId: village.id,
      parentGridId: total.id,
      coverage: [{ kind: 'BUILDING', name: '1号楼' }],
      boundary: OUTLINES.first,
    }));
  // A second grid, not yet staffed: the health check names it and the map colours it.
  const second =
    basics[1] ??
    (await createGrid({
      code: `B${code6}02`,
      name: '东湖社区第二网格',
      kind: 'BASIC',
      areaId: village.id,
      parentGridId: total.id,
      coverage: [{ kind: 'BUILDING', name: '2号楼' }],
      boundary: OUTLINES.second,
    }));
  // A district kept from before the map: its grids get their outlines.
  for (const [row, outline] of [
    [total, OUTLINES.total],
    [grid, OUTLINES.first],
    [second, OUTLINES.second],
  ] as const)
    if (!row.boundary) await q(`mutation($i: UpdateGridInput!) { updateGrid(input: $i) { id } }`, { i: { id: row.id, boundary: outline } });
  log(`grids ready under ${village.name}`);

  // ---- the grid member, linked to a login ----
  type Member = { id: string; name: string; userId: string | null };
  const members = (
    await q<{ gridMembers: { edges: { node: Member }[] } }>(
      `query($g: ID!) { gridMembers(gridId: $g, first: 20) { edges { node { id name userId } } } }`,
      {
        g: grid.id,
      },
    )
  ).gridMembers.edges.map((e) => e.node);
  let member = members.find((m) => m.userId);
  if (!member) {
    member = (
      await q<{ registerGridMember: Member }>(
        `mutation($i: RegisterGridMemberInput!) { registerGridMember(input: $i) { id name userId } }`,
        {
          i: { name: '宋晓芳', phone: phone(), employment: 'FULL_TIME', areaId: village.id, userId: `demo-grid-member-${code6}` },
        },
      )
    ).registerGridMember;
    await q(`mutation($i: AssignGridMemberInput!) { assignGridMember(input: $i) { id } }`, {
      i: { memberId: member.id, gridId: grid.id, role: 'GRID_MEMBER' },
    });
  }
  const memberUser = member.userId!;

  // ---- departments ----
  type Dept = { id: string; kind: string; name: string };
  const existing = (
    await q<{ departments: { edges: { node: Dept }[] } }>(
      `query($p: String!) { departments(underPath: $p, first: 100) { edges { node { id kind name } } } }`,
      {
        p: district.path,
      },
    )
  ).departments.edges.map((e) => e.node);
  const departments: Record<string, string> = {};
  const deptNames: Record<string, string> = {};
  for (const d of DEPARTMENTS) {
    const found =
      existing.find((e) => e.kind === d.kind) ??
      (
        await q<{ createDepartment: Dept }>(`mutation($i: CreateDepartmentInput!) { createDepartment(input: $i) { id kind name } }`, {
          i: { code: `D${code6}-${d.suffix}`, name: d.name, kind: d.kind, level: 'DISTRICT', areaId: district.id },
        })
      ).createDepartment;
    departments[d.kind] = found.id;
    deptNames[d.kind] = found.name;
  }

  // ---- mediation: committees at three levels, the centre and its rooms, a mediator ----
  type Committee = { id: string; level: string; name: string; mediators: { edges: { node: { id: string; userId: string | null } }[] } };
  const committeesNow = (
    await eventually(() =>
      q<{ mediationCommittees: { edges: { node: Committee }[] } }>(
        `query($p: String!) { mediationCommittees(underPath: $p, first: 50) { edges { node { id level name mediators { edges { node { id userId } } } } } } }`,
        { p: district.path },
      ),
    )
  ).mediationCommittees.edges.map((e) => e.node);
  const committees: Record<string, string> = {};
  const levels = [
    { level: 'VILLAGE', path: village.path, name: `${village.name}人民调解委员会` },
    { level: 'TOWN', path: town.path, name: `${town.name}人民调解委员会` },
    { level: 'DISTRICT', path: district.path, name: `${district.name}人民调解委员会` },
  ];
  for (const l of levels) {
    const found =
      committeesNow.find((c) => c.level === l.level) ??
      (
        await eventually(() =>
          q<{ createMediationCommittee: Committee }>(
            `mutation($i: CreateCommitteeInput!) { createMediationCommittee(input: $i) { id level name mediators { edges { node { id userId } } } } }`,
            { i: { name: l.name, level: l.level, areaPath: l.path } },
          ),
        )
      ).createMediationCommittee;
    committees[l.level] = found.id;
  }
  // A mediator with a login on each level's committee, so a dispute can go village → town → district.
  const MEDIATORS = [
    { level: 'VILLAGE', name: '老王', specialties: ['邻里纠纷', '物业纠纷'], user: `demo-mediator-${code6}` },
    { level: 'TOWN', name: '刘春梅', specialties: ['物业纠纷', '婚姻家庭'], user: `demo-mediator-town-${code6}` },
    { level: 'DISTRICT', name: '陈志刚', specialties: ['物业纠纷', '房屋买卖'], user: `demo-mediator-district-${code6}` },
  ] as const;
  const mediatorUsers: Record<string, string> = {};
  for (const m of MEDIATORS) {
    const committee = committeesNow.find((c) => c.level === m.level);
    let user = committee?.mediators.edges.map((e) => e.node).find((x) => x.userId)?.userId ?? undefined;
    if (!user) {
      user = m.user;
      await q(`mutation($i: AddMediatorInput!) { addMediator(input: $i) { id } }`, {
        i: { committeeId: committees[m.level], name: m.name, specialties: [...m.specialties], userId: user },
      });
    }
    mediatorUsers[m.level] = user;
  }
  const mediatorUser = mediatorUsers['VILLAGE'];
  type Centre = { id: string; rooms: { id: string; kind: string }[] };
  let centre = (
    await q<{ mediationCentres: { edges: { node: Centre }[] } }>(
      `query($p: String!) { mediationCentres(underPath: $p) { edges { node { id rooms { id kind } } } } }`,
      {
        p: district.path,
      },
    )
  ).mediationCentres.edges[0]?.node;
  if (!centre) {
    centre = (
      await q<{ createMediationCentre: Centre }>(
        `mutation($i: CreateCentreInput!) { createMediationCentre(input: $i) { id rooms { id kind } } }`,
        { i: { name: `${district.name}矛盾纠纷多元化解中心`, areaPath: district.path, departmentIds: Object.values(departments) } },
      )
    ).createMediationCentre;
  }
  const rooms: Record<string, string> = {};
  for (const r of ROOMS) {
    rooms[r.kind] =
      centre.rooms.find((x) => x.kind === r.kind)?.id ??
      (
        await q<{ addRoom: { id: string } }>(`mutation($i: AddRoomInput!) { addRoom(input: $i) { id } }`, {
          i: { centreId: centre.id, ...r },
        })
      ).addRoom.id;
  }
  log('committees, centre and rooms ready');

  // ---- the people ----
  const person = (key: string, role: Role, name: string, description: string, claims: Omit<ClaimsInput, 'roles' | 'name'>): DemoPerson => ({
    key,
    role,
    name,
    description,
    claims: { ...claims, name, roles: [role] },
  });
  const people: DemoPerson[] = [
    person('grid-member', Role.GRID_MEMBER, member.name, `${grid.name} 网格员`, {
      sub: memberUser,
      areas: [village.path],
      grids: [grid.id],
    }),
    person('community', Role.COMMUNITY_OFFICER, '社区书记', village.name, { sub: `demo-community-${code6}`, areas: [village.path] }),
    person('town', Role.TOWN_OFFICER, '街道干部', town.name, { sub: `demo-town-${code6}`, areas: [town.path] }),
    person('district', Role.DISTRICT_OFFICER, '区级干部', district.name, { sub: `demo-district-${code6}`, areas: [district.path] }),
    person('department', Role.DEPARTMENT_OFFICER, '住建局干部', deptNames['HOUSING_CONSTRUCTION_BUREAU'], {
      sub: `demo-department-${code6}`,
      areas: [],
      dept: departments['HOUSING_CONSTRUCTION_BUREAU'],
    }),
    person('mediator', Role.MEDIATOR, '老王', levels[0].name, { sub: mediatorUser, areas: [district.path] }),
    person('mediator-town', Role.MEDIATOR, '刘春梅', levels[1].name, { sub: mediatorUsers['TOWN'], areas: [district.path] }),
    person('mediator-district', Role.MEDIATOR, '陈志刚', levels[2].name, { sub: mediatorUsers['DISTRICT'], areas: [district.path] }),
    person('analyst', Role.ANALYST, '分析员', district.name, { sub: `demo-analyst-${code6}`, areas: [district.path] }),
  ];
  const tokenOf = async (key: string): Promise<string> => o.sign(people.find((p) => p.key === key)!.claims);
  const gm = await tokenOf('grid-member');
  const community = await tokenOf('community');

  // ---- households and residents (once per grid) ----
  const households = await eventually(() =>
    q<{ grid: { households: { totalCount: number } } }>(`query($g: ID!) { grid(id: $g) { households(first: 1) { totalCount } } }`, {
      g: grid.id,
    }),
  );
  if (households.grid.households.totalCount === 0) {
    const homes = [
      {
        building: '1号楼',
        unit: '2单元',
        room: '301',
        head: { name: '张德福', birth: '19460312', male: true },
        other: { name: '李秀英', birth: '19480921', male: false },
      },
      {
        building: '1号楼',
        unit: '1单元',
        room: '102',
        head: { name: '王建国', birth: '19700605', male: true },
        other: { name: '王小明', birth: '20120110', male: true },
      },
    ];
    for (const [i, h] of homes.entries()) {
      const dwelling = await eventually(() =>
        q<{ registerDwelling: { id: string } }>(
          `mutation($i: RegisterDwellingInput!) { registerDwelling(input: $i) { id } }`,
          {
            i: {
              gridId: grid.id,
              kind: 'APARTMENT',
              occupancy: 'OWNER_OCCUPIED',
              building: h.building,
              unit: h.unit,
              room: h.room,
              addressText: `${village.name} ${h.building}${h.unit}${h.room}`,
            },
          },
          gm,
        ),
      );
      const household = await q<{ registerHousehold: { id: string } }>(
        `mutation($i: RegisterHouseholdInput!) { registerHousehold(input: $i) { id } }`,
        {
          i: {
            number: `${code6}${String(i + 1).padStart(4, '0')}`,
            dwellingId: dwelling.registerDwelling.id,
            registrationType: 'PERMANENT',
          },
        },
        gm,
      );
      const ids: string[] = [];
      for (const [j, r] of [h.head, h.other].entries()) {
        const res = await q<{ registerResident: { id: string } }>(
          `mutation($i: RegisterResidentInput!) { registerResident(input: $i) { id } }`,
          {
            i: {
              householdId: household.registerHousehold.id,
              name: r.name,
              nationalId: nationalId(r.birth, r.male),
              phone: phone(),
              relation: j === 0 ? '户主' : i === 0 ? '配偶' : '子',
            },
          },
          gm,
        );
        ids.push(res.registerResident.id);
      }
      if (i === 0) {
        // The curtains: an elderly resident agrees to open them by 7:30 every day.
        await q(
          `mutation($i: AgreeWellbeingCheckInput!) { agreeWellbeingCheck(input: $i) { id } }`,
          {
            i: { residentId: ids[0], signal: 'CURTAINS_OPENED', deadline: '07:30', graceMinutes: 30, responsibleMemberId: member.id },
          },
          gm,
        );
      }
    }
    log('households and residents registered');
  }

  // ---- incidents in several states (once per grid) ----
  const incidents = await eventually(() =>
    q<{ grid: { incidents: { totalCount: number } } }>(`query($g: ID!) { grid(id: $g) { incidents(first: 1) { totalCount } } }`, {
      g: grid.id,
    }),
  );
  if (incidents.grid.incidents.totalCount === 0) {
    const report = async (title: string, category: string): Promise<string> =>
      (
        await eventually(() =>
          q<{ reportIncident: { id: string } }>(
            `mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { id } }`,
            { i: { gridId: grid.id, title, description: title, category } },
            gm,
          ),
        )
      ).reportIncident.id;
    await report('3号楼楼道堆放杂物', 'PUBLIC_SAFETY');
    const accepted = await report('小区路灯不亮', 'INFRASTRUCTURE');
    await q(`mutation($i: IncidentStepInput!) { acceptIncident(input: $i) { id } }`, { i: { id: accepted } }, community);
    const done = await report('垃圾桶满溢', 'ENVIRONMENT_SANITATION');
    await q(`mutation($i: IncidentStepInput!) { acceptIncident(input: $i) { id } }`, { i: { id: done } }, community);
    await q(`mutation($i: IncidentStepInput!) { startIncidentWork(input: $i) { id } }`, { i: { id: done } }, gm);
    await q(`mutation($i: IncidentStepInput!) { resolveIncident(input: $i) { id } }`, { i: { id: done, note: '已清运' } }, gm);
    log('incidents reported');
  }

  // ---- disputes in several states (once per grid) ----
  const disputes = await eventually(() =>
    q<{ disputes: { totalCount: number } }>(`query($g: ID!) { disputes(gridId: $g, first: 1) { totalCount } }`, { g: grid.id }),
  );
  if (disputes.disputes.totalCount === 0) {
    const register = async (summary: string, kind: string): Promise<string> =>
      (
        await eventually(() =>
          q<{ registerDispute: { id: string } }>(
            `mutation($i: RegisterDisputeInput!) { registerDispute(input: $i) { id } }`,
            { i: { gridId: grid.id, kind, summary, origin: 'WALK_IN' } },
            community,
          ),
        )
      ).registerDispute.id;
    await register('楼上漏水，邻里协商未果', 'NEIGHBOURHOOD');
    const escalated = await register('物业费与维修责任争议', 'PROPERTY_MANAGEMENT');
    await q(
      `mutation($i: EscalateDisputeInput!) { escalateDispute(input: $i) { id } }`,
      { i: { disputeId: escalated, reason: '社区调解未达成一致' } },
      community,
    );
    log('disputes registered');
  }

  return {
    districtPath: district.path,
    townPath: town.path,
    villagePath: village.path,
    gridId: grid.id,
    gridMemberId: member.id,
    departments,
    committees,
    rooms,
    people,
  };
}
