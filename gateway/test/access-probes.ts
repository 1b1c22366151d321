import { randomUUID } from 'node:crypto';
import { asGateway, gql, GraphqlResponse } from '@civgrid/testing';
import { Stack } from '../src/stack';
import { Place, Position, POSITIONS, World } from './access-world';
import { claimsRefused, FieldId, gate, mayAsk, Outcome, reaches, Row, RuleId, Shape, Shown, shown } from './access-oracle';

/** One expectation of the table checked against what the system answered. */
export interface Case {
  what: string;
  expected: Outcome | Shown;
  /** What happened: an outcome, a field's state, or `broken: …` for an answer no rule explains. */
  observed: string;
}

export interface ProbeContext {
  stack: Stack;
  world: World;
  shape: Shape;
  token: string;
  position: Position;
  purpose: boolean;
}

export interface Probe {
  name: string;
  /** The entries of the access table this probe exercises. */
  covers: string[];
  run(ctx: ProbeContext): Promise<Case[]>;
}

interface GqlError {
  path?: (string | number)[];
  extensions?: { code?: string; reason?: string };
}

// A refusal for reach or role; any other answer (success, CONFLICT, BAD_USER_INPUT, a workflow's own
// FORBIDDEN) means the caller got past the access rule.
const REFUSAL_REASONS = new Set(['ROLE_REQUIRED', 'OUT_OF_SCOPE', 'TAGS_NOT_PERMITTED', 'NO_ACCESS_RULE', 'NO_DEPARTMENT']);
export function classify(error: GqlError | undefined): string {
  if (!error) return 'allowed';
  const code = error.extensions?.code;
  if (code === 'UNAUTHENTICATED') return 'unauthenticated';
  if (code === 'NOT_FOUND') return 'refused';
  if (code === 'FORBIDDEN') return REFUSAL_REASONS.has(error.extensions?.reason ?? '') ? 'refused' : 'allowed';
  if (code === 'CONFLICT' || code === 'BAD_USER_INPUT') return 'allowed';
  return `broken: ${code ?? 'no code'} ${JSON.stringify(error)}`;
}

const errorAt = (res: GraphqlResponse<unknown>, path: (string | number)[]): GqlError | undefined =>
  (res.errors as GqlError[] | undefined)?.find((e) => !e.path || path.every((p, i) => e.path![i] === p));

/** The outcome the table gives for a row under a rule. */
export function expectedFor(rule: RuleId, shape: Shape, row: Row): Outcome {
  if (claimsRefused(shape)) return 'unauthenticated';
  if (!gate(rule, shape)) return 'refused';
  return reaches(rule, shape, row) ? 'allowed' : 'refused';
}
const askExpected = (rule: RuleId, shape: Shape, position: Position): Outcome => {
  if (claimsRefused(shape)) return 'unauthenticated';
  if (!gate(rule, shape)) return 'refused';
  return mayAsk(rule, shape, position) ? 'allowed' : 'refused';
};
const gateExpected = (rule: RuleId, shape: Shape): Outcome =>
  claimsRefused(shape) ? 'unauthenticated' : gate(rule, shape) ? 'allowed' : 'refused';

// Straight at a subgraph, a probe comes as the gateway would (its credential): what is tested is the user's reach.
const call = (ctx: ProbeContext, query: string, variables: Record<string, unknown> = {}, url = ctx.stack.url) =>
  gql<Record<string, unknown>>(url, query, variables, ctx.token, url === ctx.stack.url ? {} : asGateway(ctx.token));

const shownOf = (value: unknown, plain: unknown): Shown =>
  value === null || value === undefined ? 'null' : JSON.stringify(value) === JSON.stringify(plain) ? 'plain' : 'masked';

const PURPOSE = '核实走访情况';
// Tags grow as probes add some: the one the world gave is what tells whether they are shown.
const tagsShown = (tags: unknown): unknown =>
  tags === null || tags === undefined
    ? null
    : (tags as { tag: string }[]).some((t) => t.tag === 'ELDERLY_LIVING_ALONE')
      ? 'ELDERLY_LIVING_ALONE'
      : 'other';
const rowAt = (position: Position, extra: Partial<Row> = {}): Row => ({ position, inGrid: true, ...extra });

// ---------- reads through the gateway ----------

interface FieldCheck {
  field: FieldId;
  pick: (data: Record<string, unknown>, place: Place) => unknown;
  plain: (p: Place) => unknown;
  /** The principal's own record (a member's own phone). */
  anyway?: (ctx: ProbeContext) => boolean;
  /** Needs a stated purpose to be shown plain. */
  purposeArg?: boolean;
}

function read(
  name: string,
  rule: RuleId,
  build: (p: Place, w: World, purpose: boolean) => { query: string; variables: Record<string, unknown> },
  row: (p: Place, position: Position) => Row | 'ask' | 'gate',
  fields: FieldCheck[] = [],
): Probe {
  return {
    name,
    covers: [rule, ...fields.map((f) => f.field)],
    async run(ctx) {
      const place = ctx.world.places[ctx.position];
      const { query, variables } = build(place, ctx.world, ctx.purpose);
      const res = await call(ctx, query, variables);
      const r = row(place, ctx.position);
      const expected =
        r === 'ask'
          ? askExpected(rule, ctx.shape, ctx.position)
          : r === 'gate'
            ? gateExpected(rule, ctx.shape)
            : expectedFor(rule, ctx.shape, r);
      const root = /\{\s*(\w+)/.exec(query)![1];
      const observed = classify(errorAt(res, [root]) ?? (res.errors as GqlError[] | undefined)?.[0]);
      const cases: Case[] = [{ what: `${name} @${ctx.position}`, expected, observed }];
      if (expected === 'allowed' && observed === 'allowed') {
        for (const f of fields) {
          const anyway = f.anyway?.(ctx) ?? false;
          cases.push({
            what: `${name}: ${f.field} @${ctx.position} (purpose: ${ctx.purpose})`,
            expected: shown(f.field, ctx.shape, f.purposeArg ? ctx.purpose : true, anyway),
            observed: shownOf(f.pick(res.data ?? {}, place), f.plain(place)),
          });
        }
      }
      return cases;
    },
  };
}

const purposeArg = (purpose: boolean) => (purpose ? `(purpose: "${PURPOSE}")` : '');
const get =
  (path: string) =>
  (data: Record<string, unknown>): unknown =>
    path.split('.').reduce<unknown>((v, k) => (v === null || v === undefined ? v : (v as Record<string, unknown>)[k]), data);

export const READS: Probe[] = [
  read(
    'area(id)',
    'area.read',
    (p) => ({ query: `query($id: ID!) { area(id: $id) { id } }`, variables: { id: p.village.id } }),
    (_, pos) => rowAt(pos, { inGrid: false }),
  ),
  read(
    'grid(id)',
    'grid.read',
    (p) => ({ query: `query($id: ID!) { grid(id: $id) { id } }`, variables: { id: p.grid.id } }),
    (_, pos) => rowAt(pos),
  ),
  read(
    'gridMember(id) { phone }',
    'gridMember.read',
    (p, _w, purpose) => ({
      query: `query($id: ID!) { gridMember(id: $id) { id phone${purposeArg(purpose)} } }`,
      variables: { id: p.memberId },
    }),
    (_, pos) => rowAt(pos, { ownRecord: pos === 'own' }),
    [
      {
        field: 'gridMember.phone',
        pick: get('gridMember.phone'),
        plain: (p) => p.memberPhone,
        purposeArg: true,
        anyway: (c) => c.shape.self && c.position === 'own',
      },
    ],
  ),
  read(
    'department(id)',
    'department.read',
    (_p, w) => ({ query: `query($id: ID!) { department(id: $id) { id } }`, variables: { id: w.departments.D1 } }),
    () => 'gate',
  ),
  read(
    'open311ApiKeys',
    'open311Key.manage',
    () => ({ query: `{ open311ApiKeys { totalCount } }`, variables: {} }),
    () => 'gate',
  ),
  read(
    'incidentCategories',
    'taxonomy.read',
    () => ({ query: `{ incidentCategories { category } }`, variables: {} }),
    () => 'gate',
  ),
  read(
    'gridHealth(areaPath)',
    'statistics.read',
    (p) => ({ query: `query($a: String!) { gridHealth(areaPath: $a) { checkedAt } }`, variables: { a: p.village.path } }),
    () => 'ask',
  ),
  read(
    'areaVisitCoverage(areaPath)',
    'statistics.read',
    (p) => ({ query: `query($a: String!) { areaVisitCoverage(areaPath: $a) { households } }`, variables: { a: p.village.path } }),
    () => 'ask',
  ),
  read(
    'resolvedInTheBud(areaPath)',
    'statistics.read',
    (p) => ({
      query: `query($a: String!, $f: DateTime!, $t: DateTime!) { resolvedInTheBud(areaPath: $a, from: $f, to: $t) { resolved } }`,
      variables: {
        a: p.village.path,
        f: new Date(Date.now() - 86_400_000).toISOString(),
        t: new Date(Date.now() + 86_400_000).toISOString(),
      },
    }),
    () => 'ask',
  ),
  read(
    'dwelling(id)',
    'registry.read',
    (p) => ({ query: `query($id: ID!) { dwelling(id: $id) { id addressText } }`, variables: { id: p.dwellingId } }),
    (_, pos) => rowAt(pos),
  ),
  read(
    'household(id)',
    'registry.read',
    (p) => ({ query: `query($id: ID!) { household(id: $id) { id number } }`, variables: { id: p.householdId } }),
    (_, pos) => rowAt(pos),
  ),
  read(
    'resident(id) { nationalId phone tags }',
    'registry.read',
    (p, _w, purpose) => ({
      query: `query($id: ID!) { resident(id: $id) { id nationalId${purposeArg(purpose)} phone${purposeArg(purpose)} tags { tag } } }`,
      variables: { id: p.resident.id },
    }),
    (_, pos) => rowAt(pos),
    [
      { field: 'registry.nationalId', pick: get('resident.nationalId'), plain: (p) => p.resident.nationalId, purposeArg: true },
      { field: 'registry.phone', pick: get('resident.phone'), plain: (p) => p.resident.phone, purposeArg: true },
      { field: 'registry.tags', pick: (d) => tagsShown(get('resident.tags')(d)), plain: () => 'ELDERLY_LIVING_ALONE' },
    ],
  ),
  read(
    'residentByNationalId',
    'registry.read',
    (p) => ({
      query: `query($n: String!) { residentByNationalId(nationalId: $n, purpose: "${PURPOSE}") { id } }`,
      variables: { n: p.resident.nationalId },
    }),
    (_, pos) => rowAt(pos),
  ),
  read(
    'resident(id) { wellbeingAgreements { contacts } }',
    'care.read',
    (p, _w, purpose) => ({
      query: `query($id: ID!) { resident(id: $id) { wellbeingAgreements { id contacts${purposeArg(purpose)} { name } } } }`,
      variables: { id: p.resident.id },
    }),
    (_, pos) => rowAt(pos),
    [
      {
        field: 'registry.phone',
        pick: (d) => (get('resident.wellbeingAgreements')(d) as { contacts: { name: string }[] }[] | null)?.at(-1)?.contacts[0]?.name,
        plain: () => '侯小芳',
        purposeArg: true,
      },
    ],
  ),
  read(
    'household(id) { visits needs }',
    'visit.read',
    (p) => ({ query: `query($id: ID!) { household(id: $id) { visits { id } needs { id } } }`, variables: { id: p.householdId } }),
    (_, pos) => rowAt(pos),
  ),
  read(
    'exportLedger(areaPath)',
    'registry.export',
    (p, _w, purpose) => ({
      query: `query($a: String!) { exportLedger(areaPath: $a${purpose ? `, purpose: "${PURPOSE}"` : ''}) }`,
      variables: { a: p.village.path },
    }),
    () => 'ask',
    [
      {
        field: 'registry.nationalId',
        // The ledger is CSV: the resident's number is in it plainly, or masked.
        pick: (d, p) => {
          const csv = d['exportLedger'] as string | null | undefined;
          return csv === null || csv === undefined ? null : csv.includes(p.resident.nationalId) ? p.resident.nationalId : 'masked';
        },
        plain: (p) => p.resident.nationalId,
        purposeArg: true,
      },
    ],
  ),
  read(
    'incident(id) { title reportedBy location photos }',
    'incident.read',
    (p) => ({
      query: `query($id: ID!) { incident(id: $id) { id title reportedBy location { addressText latitude } photos { id } } }`,
      variables: { id: p.incidentId },
    }),
    (p, pos) => rowAt(pos, { concerns: p.whistledTo }),
    [
      { field: 'incident.words', pick: get('incident.title'), plain: (p) => `楼道堆物 ${p.position}` },
      { field: 'incident.words', pick: get('incident.photos'), plain: () => [] },
      { field: 'incident.people', pick: get('incident.reportedBy'), plain: () => 'fixture-admin' },
      { field: 'incident.place', pick: get('incident.location.addressText'), plain: () => '开元社区1号楼2单元' },
      { field: 'incident.place', pick: get('incident.location.latitude'), plain: () => 36.19 },
    ],
  ),
  read(
    'whistle(id) { note blownBy }',
    'whistle.read',
    (p) => ({ query: `query($id: ID!) { whistle(id: $id) { id note blownBy } }`, variables: { id: p.whistleId } }),
    (p, pos) => rowAt(pos, { concerns: p.whistledTo }),
    [
      { field: 'whistle.words', pick: get('whistle.note'), plain: () => '请住建局到场' },
      { field: 'whistle.people', pick: get('whistle.blownBy'), plain: () => 'fixture-admin' },
    ],
  ),
  read(
    'dispute(id) { summary registeredBy parties }',
    'dispute.read',
    (p) => ({
      query: `query($id: ID!) { dispute(id: $id) { id summary registeredBy parties { residentId } } }`,
      variables: { id: p.disputeId },
    }),
    (p, pos) => rowAt(pos, { concerns: p.seated }),
    [
      { field: 'dispute.words', pick: get('dispute.summary'), plain: () => '侯芳功与邻居因漏水纠纷' },
      { field: 'dispute.people', pick: get('dispute.registeredBy'), plain: () => 'fixture-admin' },
      {
        field: 'dispute.people',
        pick: (d) => (get('dispute.parties')(d) as { residentId: string | null }[] | undefined)?.[0]?.residentId,
        plain: (p) => p.resident.id,
      },
    ],
  ),
  read(
    'mediationSession(id)',
    'dispute.read',
    (p) => ({ query: `query($id: ID!) { mediationSession(id: $id) { id status } }`, variables: { id: p.sessionId } }),
    (p, pos) => rowAt(pos, { concerns: p.seated }),
  ),
];

// ---------- mutations through the gateway ----------

function write(
  name: string,
  rule: RuleId,
  build: (p: Place, w: World) => { query: string; input: Record<string, unknown> | string },
  row: (p: Place, position: Position) => Row | 'ask',
  also?: { field: FieldId; need: Shown } | { rule: RuleId; row: (p: Place, position: Position) => Row },
): Probe {
  return {
    name,
    covers: [rule],
    async run(ctx) {
      const place = ctx.world.places[ctx.position];
      const { query, input } = build(place, ctx.world);
      const res = await call(ctx, query, typeof input === 'string' ? { id: input } : { input });
      const r = row(place, ctx.position);
      let expected = r === 'ask' ? askExpected(rule, ctx.shape, ctx.position) : expectedFor(rule, ctx.shape, r);
      if (expected === 'allowed' && also && 'field' in also && shown(also.field, ctx.shape, true) !== also.need) expected = 'refused';
      if (expected === 'allowed' && also && 'rule' in also) expected = expectedFor(also.rule, ctx.shape, also.row(place, ctx.position));
      return [{ what: `${name} @${ctx.position}`, expected, observed: classify((res.errors as GqlError[] | undefined)?.[0]) }];
    },
  };
}

const m = (field: string, type: string) => `mutation($input: ${type}!) { ${field}(input: $input) { __typename } }`;
const mid = (field: string, arg: string) => `mutation($id: ID!) { ${field}(${arg}: $id) { __typename } }`;
const soon = () => new Date(Date.now() + 48 * 3600_000).toISOString();

export const WRITES: Probe[] = [
  write(
    'createArea (a village has no children)',
    'area.create',
    (p) => ({
      query: m('createArea', 'CreateAreaInput'),
      input: { code: `${p.village.code.slice(0, 9)}999`, name: 'x', parentId: p.village.id },
    }),
    (_, pos) => rowAt(pos, { inGrid: false }),
  ),
  write(
    'renameArea (same name)',
    'area.rename',
    (p) => ({ query: m('renameArea', 'RenameAreaInput'), input: { id: p.village.id, name: p.village.name } }),
    (_, pos) => rowAt(pos, { inGrid: false }),
  ),
  write(
    'createGrid (basic without parent)',
    'grid.manage',
    (p) => ({
      query: m('createGrid', 'CreateGridInput'),
      input: { code: `P${randomUUID().slice(0, 8)}`, name: 'x', kind: 'BASIC', areaId: p.village.id },
    }),
    (_, pos) => rowAt(pos, { inGrid: false }),
  ),
  write(
    'updateGrid (same name)',
    'grid.manage',
    (p) => ({ query: m('updateGrid', 'UpdateGridInput'), input: { id: p.grid.id, name: `网格 ${p.grid.code}` } }),
    (_, pos) => rowAt(pos),
  ),
  write(
    'retireGrid (has grids below)',
    'grid.manage',
    (p) => ({ query: m('retireGrid', 'RetireGridInput'), input: { id: p.grid.id, reason: '撤销' } }),
    (_, pos) => rowAt(pos),
  ),
  write(
    'moveCoverage (unknown item)',
    'grid.manage',
    (p) => ({
      query: m('moveCoverage', 'MoveCoverageInput'),
      input: { fromGridId: p.grid.id, toGridId: p.grid.id, coverageKeys: ['BUILDING:无此楼'], reason: '调整' },
    }),
    (_, pos) => rowAt(pos),
  ),
  write(
    'registerGridMember (phone taken)',
    'gridMember.manage',
    (p) => ({
      query: m('registerGridMember', 'RegisterGridMemberInput'),
      input: { name: 'x', phone: p.memberPhone, employment: 'FULL_TIME', areaId: p.village.id },
    }),
    (_, pos) => rowAt(pos, { inGrid: false }),
  ),
  write(
    'assignGridMember (leader taken)',
    'gridMember.manage',
    (p) => ({
      query: m('assignGridMember', 'AssignGridMemberInput'),
      input: { memberId: p.memberId, gridId: p.grid.id, role: 'GRID_LEADER' },
    }),
    (_, pos) => rowAt(pos),
  ),
  write(
    'endGridAssignment (before it began)',
    'gridMember.manage',
    (p) => ({
      query: m('endGridAssignment', 'EndGridAssignmentInput'),
      input: { assignmentId: p.assignmentId, at: '2000-01-01T00:00:00Z' },
    }),
    (_, pos) => rowAt(pos),
  ),
  write(
    'createDepartment (town level in a village)',
    'department.create',
    (p) => ({
      query: m('createDepartment', 'CreateDepartmentInput'),
      input: { code: `D${randomUUID().slice(0, 8)}`, name: `x${randomUUID()}`, kind: 'COURT', level: 'TOWN', areaId: p.village.id },
    }),
    (_, pos) => rowAt(pos, { inGrid: false }),
  ),
  write(
    'registerDwelling',
    'registry.write',
    (p) => ({
      query: m('registerDwelling', 'RegisterDwellingInput'),
      input: { gridId: p.grid.id, kind: 'APARTMENT', occupancy: 'RENTED', addressText: '开元社区9号楼' },
    }),
    (_, pos) => rowAt(pos),
  ),
  write(
    'moveHousehold (same dwelling)',
    'registry.write',
    (p) => ({ query: m('moveHousehold', 'MoveHouseholdInput'), input: { householdId: p.householdId, dwellingId: p.dwellingId } }),
    (_, pos) => rowAt(pos),
  ),
  write(
    'registerResident (already registered)',
    'registry.write',
    (p) => ({
      query: m('registerResident', 'RegisterResidentInput'),
      input: { householdId: p.householdId, name: 'x', nationalId: p.resident.nationalId, relation: '子女' },
    }),
    (_, pos) => rowAt(pos),
  ),
  write(
    'changeResidentStatus (not active)',
    'registry.write',
    (p) => ({
      query: m('changeResidentStatus', 'ChangeResidentStatusInput'),
      input: { residentId: p.movedOutId, status: 'DECEASED', reason: 'x' },
    }),
    (_, pos) => rowAt(pos),
  ),
  write(
    'transferResident (same household)',
    'registry.write',
    (p) => ({
      query: m('transferResident', 'TransferResidentInput'),
      input: { residentId: p.resident.id, householdId: p.householdId, relation: '户主', reason: 'x' },
    }),
    (_, pos) => rowAt(pos),
  ),
  write(
    'recordResidentReturned (never left)',
    'registry.write',
    (p) => ({
      query: m('recordResidentReturned', 'RecordResidentReturnedInput'),
      input: { residentId: p.resident.id, householdId: p.householdId, relation: '户主', reason: 'x' },
    }),
    (_, pos) => rowAt(pos),
  ),
  write(
    'addResidentTag',
    'registry.write',
    (p) => ({
      query: m('addResidentTag', 'AddResidentTagInput'),
      input: { residentId: p.resident.id, tag: 'LOW_INCOME', startsOn: '2025-02-01' },
    }),
    (_, pos) => rowAt(pos),
    { field: 'registry.tags', need: 'plain' },
  ),
  write(
    'endResidentTag (before it began)',
    'registry.write',
    (p) => ({ query: m('endResidentTag', 'EndResidentTagInput'), input: { tagId: p.tagId, endsOn: '2000-01-01' } }),
    (_, pos) => rowAt(pos),
    { field: 'registry.tags', need: 'plain' },
  ),
  write(
    'importLedger (no header)',
    'registry.write',
    (p) => ({
      query: `mutation($input: ImportLedgerInput!) { importLedger(input: $input) { accepted } }`,
      input: { gridId: p.grid.id, csv: 'x' },
    }),
    (_, pos) => rowAt(pos),
  ),
  write(
    'agreeWellbeingCheck (one exists)',
    'care.write',
    (p) => ({
      query: m('agreeWellbeingCheck', 'AgreeWellbeingCheckInput'),
      input: { residentId: p.resident.id, signal: 'PHONE_CALL', deadline: '08:00' },
    }),
    (_, pos) => rowAt(pos),
  ),
  write(
    'endWellbeingCheck (ended)',
    'care.write',
    (p) => ({ query: mid('endWellbeingCheck', 'agreementId'), input: p.endedAgreementId }),
    (_, pos) => rowAt(pos),
  ),
  write(
    'recordCheckIn (ended)',
    'care.write',
    (p) => ({ query: m('recordCheckIn', 'RecordCheckInInput'), input: { agreementId: p.endedAgreementId } }),
    (_, pos) => rowAt(pos),
  ),
  write(
    'issueCheckInToken (ended)',
    'care.write',
    (p) => ({ query: `mutation($id: ID!) { issueCheckInToken(agreementId: $id) { agreementId } }`, input: p.endedAgreementId }),
    (_, pos) => rowAt(pos),
  ),
  write(
    'revokeCheckInTokens',
    'care.write',
    (p) => ({ query: mid('revokeCheckInTokens', 'agreementId'), input: p.endedAgreementId }),
    (_, pos) => rowAt(pos),
  ),
  write(
    'recordVisit',
    'visit.write',
    (p) => ({ query: m('recordVisit', 'RecordVisitInput'), input: { householdId: p.householdId, kind: 'FOLLOW_UP' } }),
    (_, pos) => rowAt(pos),
  ),
  write(
    'recordNeed',
    'visit.write',
    (p) => ({ query: m('recordNeed', 'RecordNeedInput'), input: { householdId: p.householdId, kind: 'OTHER', description: '咨询政策' } }),
    (_, pos) => rowAt(pos),
  ),
  write(
    'meetNeed (met)',
    'visit.write',
    (p) => ({ query: mid('meetNeed', 'needId'), input: p.needId }),
    (_, pos) => rowAt(pos),
  ),
  write(
    'reportIncident',
    'incident.report',
    (p) => ({
      query: m('reportIncident', 'ReportIncidentInput'),
      input: { gridId: p.grid.id, title: '路灯不亮', category: 'INFRASTRUCTURE' },
    }),
    (_, pos) => rowAt(pos),
  ),
  ...(['acceptIncident', 'rejectIncident', 'assignIncident'] as const).map((f) =>
    write(
      `${f} (closed)`,
      'incident.accept',
      (p) => ({
        query: m(f, f === 'rejectIncident' ? 'RejectIncidentInput' : f === 'assignIncident' ? 'AssignIncidentInput' : 'IncidentStepInput'),
        input: {
          id: p.incidentId,
          ...(f === 'rejectIncident' ? { reason: 'x' } : f === 'assignIncident' ? { assigneeId: 'someone' } : {}),
        },
      }),
      (_, pos) => rowAt(pos),
    ),
  ),
  ...(['startIncidentWork', 'resolveIncident', 'escalateIncident'] as const).map((f) =>
    write(
      `${f} (closed)`,
      'incident.work',
      (p) => ({ query: m(f, f === 'escalateIncident' ? 'EscalateIncidentInput' : 'IncidentStepInput'), input: { id: p.incidentId } }),
      (_, pos) => rowAt(pos),
    ),
  ),
  ...(['closeIncident', 'reopenIncident'] as const).map((f) =>
    write(
      `${f} (closed)`,
      'incident.verify',
      (p) => ({ query: m(f, 'IncidentStepInput'), input: { id: p.incidentId } }),
      (_, pos) => rowAt(pos),
    ),
  ),
  write(
    'blowWhistle (closed)',
    'whistle.blow',
    (p, w) => ({
      query: m('blowWhistle', 'BlowWhistleInput'),
      input: { incidentId: p.incidentId, departmentIds: [w.departments.D1], dueAt: soon() },
    }),
    (_, pos) => rowAt(pos),
  ),
  write(
    'reportToWhistle',
    'whistle.report',
    (p) => ({ query: m('reportToWhistle', 'ReportToWhistleInput'), input: { whistleId: p.whistleId, response: '已到场处理' } }),
    (p, pos) => rowAt(pos, { concerns: p.whistledTo }),
  ),
  write(
    'registerDispute',
    'dispute.register',
    (p) => ({
      query: m('registerDispute', 'RegisterDisputeInput'),
      input: { gridId: p.grid.id, kind: 'FAMILY', origin: 'WALK_IN', summary: '家庭纠纷' },
    }),
    (_, pos) => rowAt(pos),
  ),
  write(
    'registerDispute (originIncidentId)',
    'dispute.register',
    (p) => ({
      query: m('registerDispute', 'RegisterDisputeInput'),
      input: { gridId: p.grid.id, kind: 'OTHER', origin: 'INCIDENT', originIncidentId: p.incidentId, summary: '由事件转来' },
    }),
    (_, pos) => rowAt(pos),
    { rule: 'incident.read', row: (_, pos) => rowAt(pos) },
  ),
  ...(
    [
      ['acceptDispute', 'DisputeStepInput', {}],
      ['escalateDispute', 'EscalateDisputeInput', { reason: '升级' }],
      ['recordAgreement', 'RecordAgreementInput', { terms: 'x', signedOn: '2025-03-01' }],
      ['recordJudicialConfirmation', 'RecordJudicialConfirmationInput', { confirmation: 'REQUESTED' }],
      ['recordMediationFailure', 'DisputeStepInput', {}],
      ['referDispute', 'ReferDisputeInput', { to: 'ARBITRATION' }],
      ['withdrawDispute', 'DisputeStepInput', {}],
      ['closeDispute', 'DisputeStepInput', {}],
      ['recordFollowUp', 'RecordFollowUpInput', { visitedOn: '2025-03-01', finding: 'HONOURED' }],
    ] as const
  ).map(([f, type, extra]) =>
    write(
      `${f} (withdrawn)`,
      'dispute.act',
      (p) => ({ query: m(f, type), input: { disputeId: p.disputeId, ...extra } }),
      (_, pos) => rowAt(pos),
    ),
  ),
  write(
    'scheduleMediationSession (withdrawn)',
    'dispute.act',
    (p) => ({
      query: m('scheduleMediationSession', 'ScheduleSessionInput'),
      input: {
        disputeId: p.disputeId,
        roomId: randomUUID(),
        startsAt: soon(),
        endsAt: new Date(Date.now() + 49 * 3600_000).toISOString(),
        mediatorIds: [randomUUID()],
      },
    }),
    (_, pos) => rowAt(pos),
  ),
  write(
    'recordMediationSession (cancelled)',
    'dispute.act',
    (p) => ({ query: m('recordMediationSession', 'RecordSessionInput'), input: { sessionId: p.sessionId, minutes: 'x' } }),
    (_, pos) => rowAt(pos),
  ),
  write(
    'cancelMediationSession (cancelled)',
    'dispute.act',
    (p) => ({ query: m('cancelMediationSession', 'CancelSessionInput'), input: { sessionId: p.sessionId } }),
    (_, pos) => rowAt(pos),
  ),
  write(
    'createMediationCommittee (exists)',
    'mediationPlatform.manage',
    (p) => ({
      query: m('createMediationCommittee', 'CreateCommitteeInput'),
      input: { name: 'x', level: 'VILLAGE', areaPath: p.village.path },
    }),
    () => 'ask',
  ),
  write(
    'addMediator',
    'mediationPlatform.manage',
    (p) => ({ query: m('addMediator', 'AddMediatorInput'), input: { committeeId: p.committeeId, name: '李调解' } }),
    (_, pos) => rowAt(pos, { inGrid: false }),
  ),
  write(
    'createMediationCentre',
    'mediationPlatform.manage',
    (p) => ({ query: m('createMediationCentre', 'CreateCentreInput'), input: { name: `中心 ${randomUUID()}`, areaPath: p.village.path } }),
    () => 'ask',
  ),
  write(
    'seatDepartments',
    'mediationPlatform.manage',
    (p, w) => ({ query: m('seatDepartments', 'SeatDepartmentsInput'), input: { centreId: p.centreId, departmentIds: [w.departments.D1] } }),
    (_, pos) => rowAt(pos, { inGrid: false }),
  ),
  write(
    'addRoom',
    'mediationPlatform.manage',
    (p) => ({ query: m('addRoom', 'AddRoomInput'), input: { centreId: p.centreId, name: `室 ${randomUUID()}`, kind: 'WARM_TALK_ROOM' } }),
    (_, pos) => rowAt(pos, { inGrid: false }),
  ),
];

// ---------- entity references, straight at each subgraph ----------

interface Ref {
  typename: string;
  id: (p: Place, w: World) => string;
  rule: RuleId;
  /** A stub a subgraph only extends: the rule's role gate is all there is. */
  stub?: boolean;
  row?: (p: Place, position: Position) => Row;
  selection?: string;
  fields?: FieldCheck[];
}

const REFERENCES: Record<string, Ref[]> = {
  'grid-organisation': [
    { typename: 'AdministrativeArea', id: (p) => p.village.id, rule: 'area.read', row: (_, pos) => rowAt(pos, { inGrid: false }) },
    { typename: 'Grid', id: (p) => p.grid.id, rule: 'grid.read', row: (_, pos) => rowAt(pos) },
    {
      typename: 'GridMember',
      id: (p) => p.memberId,
      rule: 'gridMember.read',
      row: (_, pos) => rowAt(pos, { ownRecord: pos === 'own' }),
      selection: `phone(purpose: "${PURPOSE}")`,
      fields: [
        { field: 'gridMember.phone', pick: get('phone'), plain: (p) => p.memberPhone, anyway: (c) => c.shape.self && c.position === 'own' },
      ],
    },
    { typename: 'Department', id: (_p, w) => w.departments.D2, rule: 'department.read', stub: true },
  ],
  'population-registry': [
    { typename: 'Dwelling', id: (p) => p.dwellingId, rule: 'registry.read', row: (_, pos) => rowAt(pos) },
    { typename: 'Household', id: (p) => p.householdId, rule: 'registry.read', row: (_, pos) => rowAt(pos) },
    {
      typename: 'Resident',
      id: (p) => p.resident.id,
      rule: 'registry.read',
      row: (_, pos) => rowAt(pos),
      selection: `nationalId(purpose: "${PURPOSE}") phone(purpose: "${PURPOSE}") tags { tag }`,
      fields: [
        { field: 'registry.nationalId', pick: get('nationalId'), plain: (p) => p.resident.nationalId },
        { field: 'registry.phone', pick: get('phone'), plain: (p) => p.resident.phone },
        { field: 'registry.tags', pick: (d) => tagsShown(d['tags']), plain: () => 'ELDERLY_LIVING_ALONE' },
      ],
    },
    { typename: 'Grid', id: (p) => p.grid.id, rule: 'grid.read', stub: true },
  ],
  'incident-reporting': [
    {
      typename: 'Incident',
      id: (p) => p.incidentId,
      rule: 'incident.read',
      row: (p, pos) => rowAt(pos, { concerns: p.whistledTo }),
      selection: 'description reportedBy location { longitude } timeline { actorId note }',
      fields: [
        { field: 'incident.words', pick: get('description'), plain: () => '住户侯芳功（电话 13812345678）反映楼道堆物' },
        { field: 'incident.people', pick: get('reportedBy'), plain: () => 'fixture-admin' },
        { field: 'incident.place', pick: get('location.longitude'), plain: () => 117.09 },
        {
          field: 'incident.people',
          pick: (d) => (d['timeline'] as { actorId: string }[] | undefined)?.[0]?.actorId,
          plain: () => 'fixture-admin',
        },
      ],
    },
    {
      typename: 'Whistle',
      id: (p) => p.whistleId,
      rule: 'whistle.read',
      row: (p, pos) => rowAt(pos, { concerns: p.whistledTo }),
      selection: 'departments { response }',
    },
    { typename: 'Grid', id: (p) => p.grid.id, rule: 'grid.read', stub: true },
    { typename: 'Resident', id: (p) => p.resident.id, rule: 'registry.read', stub: true },
    { typename: 'Department', id: (_p, w) => w.departments.D1, rule: 'department.read', stub: true },
    { typename: 'Dwelling', id: (p) => p.dwellingId, rule: 'registry.read', stub: true },
  ],
  'dispute-mediation': [
    {
      typename: 'Dispute',
      id: (p) => p.disputeId,
      rule: 'dispute.read',
      row: (p, pos) => rowAt(pos, { concerns: p.seated }),
      selection: 'timeline { actor note }',
      fields: [
        {
          field: 'dispute.people',
          pick: (d) => (d['timeline'] as { actor: string }[] | undefined)?.[0]?.actor,
          plain: () => 'fixture-admin',
        },
      ],
    },
    { typename: 'MediationSession', id: (p) => p.sessionId, rule: 'dispute.read', row: (p, pos) => rowAt(pos, { concerns: p.seated }) },
    { typename: 'MediationCommittee', id: (p) => p.committeeId, rule: 'mediationPlatform.read', stub: true },
    { typename: 'MediationCentre', id: (p) => p.centreId, rule: 'mediationPlatform.read', stub: true },
    { typename: 'Grid', id: (p) => p.grid.id, rule: 'grid.read', stub: true },
    { typename: 'Resident', id: (p) => p.resident.id, rule: 'registry.read', stub: true },
    { typename: 'Incident', id: (p) => p.incidentId, rule: 'incident.read', stub: true },
    { typename: 'Department', id: (_p, w) => w.departments.D1, rule: 'department.read', stub: true },
  ],
};

/** One `_entities` request to a subgraph: every type it resolves, at every position. */
export function referencesOf(service: string): Probe {
  const refs = REFERENCES[service];
  return {
    name: `_entities at ${service}`,
    covers: [...new Set(refs.flatMap((r) => [r.rule, ...(r.fields ?? []).map((f) => f.field)]))],
    async run(ctx) {
      const items = POSITIONS.flatMap((position) => refs.map((ref) => ({ position, ref, place: ctx.world.places[position] })));
      const fragments = [...new Set(refs.map((r) => r.typename))]
        .map(
          (t) =>
            `... on ${t} { id ${refs
              .filter((r) => r.typename === t && !r.stub)
              .map((r) => r.selection ?? '')
              .join(' ')} }`,
        )
        .join(' ');
      const res = await call(
        ctx,
        `query($r: [_Any!]!) { _entities(representations: $r) { __typename ${fragments} } }`,
        { r: items.map((i) => ({ __typename: i.ref.typename, id: i.ref.id(i.place, ctx.world) })) },
        ctx.stack.services[service].url,
      );
      const whole = (res.errors as GqlError[] | undefined)?.find((e) => !e.path || e.path.length < 2);
      const list = ((res.data?.['_entities'] as Record<string, unknown>[] | null) ?? []) as (Record<string, unknown> | null)[];
      const cases: Case[] = [];
      items.forEach(({ position, ref, place }, i) => {
        const expected = ref.stub ? gateExpected(ref.rule, ctx.shape) : expectedFor(ref.rule, ctx.shape, ref.row!(place, position));
        const mine = (res.errors as GqlError[] | undefined)?.find(
          (e) => e.path?.[0] === '_entities' && e.path[1] === i && e.path.length === 2,
        );
        const observed = whole ? classify(whole) : mine ? classify(mine) : list[i] ? 'allowed' : 'broken: null without an error';
        cases.push({ what: `${ref.typename}${ref.stub ? ' (stub)' : ''} @${position} at ${service}`, expected, observed });
        if (expected === 'allowed' && observed === 'allowed') {
          for (const f of ref.fields ?? []) {
            cases.push({
              what: `${ref.typename}: ${f.field} @${position} at ${service}`,
              expected: shown(f.field, ctx.shape, true, f.anyway?.({ ...ctx, position }) ?? false),
              observed: shownOf(f.pick(list[i]!, place), f.plain(place)),
            });
          }
        }
      });
      return cases;
    },
  };
}

export const REFERENCE_PROBES = Object.keys(REFERENCES).map(referencesOf);
