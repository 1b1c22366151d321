import { randomInt } from 'node:crypto';
import { Role } from '@civgrid/auth';
import { waitForReplica } from '../src/scenario';
import { Stack } from '../src/stack';
import { Area, Grid, gridFixtures } from './grid-fixtures';
import { nationalId, phoneNumber, populationFixtures } from './population-fixtures';

/**
 * Where a row lies, seen from a principal of the first village's first grid: their own grid, a
 * sibling grid of the same village, a grid of another village of the same town, a grid of another town.
 */
export const POSITIONS = ['own', 'sibling', 'parentArea', 'otherTown'] as const;
export type Position = (typeof POSITIONS)[number];

/** The rows of one position, one of each kind the access table speaks of. */
export interface Place {
  position: Position;
  grid: Grid;
  village: Area;
  memberId: string;
  memberUserId: string;
  memberPhone: string;
  assignmentId: string;
  dwellingId: string;
  householdId: string;
  householdNumber: string;
  resident: { id: string; nationalId: string; phone: string };
  movedOutId: string;
  tagId: string;
  endedAgreementId: string;
  agreementId: string;
  needId: string;
  /** Closed, with a whistle to `whistledTo`. */
  incidentId: string;
  whistleId: string;
  whistledTo: 'D1' | 'D2';
  /** Withdrawn, after a session `seated` took part in. */
  disputeId: string;
  sessionId: string;
  seated: 'D1' | 'D2';
  committeeId: string;
  /** A mediation centre of the position's village. */
  centreId: string;
}

export interface World {
  district: Area;
  town: Area;
  otherTown: Area;
  departments: { D1: string; D2: string };
  centreId: string;
  places: Record<Position, Place>;
}

const later = (hours: number): string => new Date(Date.now() + hours * 3600_000).toISOString();

/**
 * Builds the world once for a test file, through the gateway as the administrator: the tree, its
 * grids and members, a household with residents, care and visits, an incident and a dispute in every
 * position, and waits until every replica has what it needs.
 */
export async function buildWorld(stack: Stack): Promise<World> {
  const g = gridFixtures(stack);
  const p = populationFixtures(stack);
  const district = await g.district();
  const town = await g.town(district, '天平街道');
  const otherTown = await g.town(district, '粥店街道');
  const v1 = await g.village(town, '开元社区');
  const v2 = await g.village(town, '东湖社区');
  const v3 = await g.village(otherTown, '西湖村');
  const g1 = await g.grid(v1, { coverage: [{ kind: 'BUILDING', name: '1号楼' }] });
  const g2 = await g.basic(v1, g1, ['2号楼']);
  const g3 = await g.grid(v2, { coverage: [{ kind: 'BUILDING', name: '3号楼' }] });
  const g4 = await g.grid(v3, { coverage: [{ kind: 'BUILDING', name: '4号楼' }] });
  // Every position's grid has an active grid below it, so retiring it is refused after the reach check.
  await g.grid(v1, { kind: 'MICRO', parentGridId: g2.id });
  await g.basic(v2, g3, []);
  await g.basic(v3, g4, []);
  const grids: Record<Position, [Grid, Area]> = { own: [g1, v1], sibling: [g2, v1], parentArea: [g3, v2], otherTown: [g4, v3] };
  const all = Object.values(grids).map(([grid]) => grid.id);
  for (const service of ['population-registry', 'incident-reporting', 'dispute-mediation']) await waitForReplica(stack, service, all);

  const department = async (name: string, kind: string) =>
    (
      await g.ok<{ createDepartment: { id: string } }>(`mutation($i: CreateDepartmentInput!) { createDepartment(input: $i) { id } }`, {
        i: { code: g.code('D'), name, kind, level: 'DISTRICT', areaId: district.id },
      })
    ).createDepartment.id;
  const departments = {
    D1: await department('岱岳区住建局', 'HOUSING_CONSTRUCTION_BUREAU'),
    D2: await department('岱岳区人民法院', 'COURT'),
  };
  for (const service of ['incident-reporting', 'dispute-mediation']) {
    await waitForReplica(stack, service, Object.values(departments), 30_000, 'department_replica');
  }
  const centreId = (
    await g.ok<{ createMediationCentre: { id: string } }>(`mutation($i: CreateCentreInput!) { createMediationCentre(input: $i) { id } }`, {
      i: { name: `调处中心 ${randomInt(1e6)}`, areaPath: district.path, departmentIds: Object.values(departments) },
    })
  ).createMediationCentre.id;
  const roomId = (
    await g.ok<{ addRoom: { id: string } }>(`mutation($i: AddRoomInput!) { addRoom(input: $i) { id } }`, {
      i: { centreId, name: '调解室', kind: 'MEDIATION_ROOM' },
    })
  ).addRoom.id;
  const committees = new Map<string, { committeeId: string; mediatorId: string }>();
  const committeeOf = async (village: Area) => {
    const known = committees.get(village.id);
    if (known) return known;
    const committeeId = (
      await g.ok<{ createMediationCommittee: { id: string } }>(
        `mutation($i: CreateCommitteeInput!) { createMediationCommittee(input: $i) { id } }`,
        { i: { name: `${village.name}人民调解委员会`, level: 'VILLAGE', areaPath: village.path } },
      )
    ).createMediationCommittee.id;
    const mediatorId = (
      await g.ok<{ addMediator: { id: string } }>(`mutation($i: AddMediatorInput!) { addMediator(input: $i) { id } }`, {
        i: { committeeId, name: '老王', userId: g.code('mediator-') },
      })
    ).addMediator.id;
    committees.set(village.id, { committeeId, mediatorId });
    return committees.get(village.id)!;
  };

  const places = {} as Record<Position, Place>;
  let hour = 24;
  for (const position of POSITIONS) {
    const [grid, village] = grids[position];
    const memberUserId = g.code(`member-${position}-`);
    const member = await g.member(village, { userId: memberUserId });
    const assignmentId = dataOrThrow(await g.assign(member.id, grid.id, 'GRID_LEADER')).assignGridMember.id;

    const household = await p.household(grid.id, position === 'sibling' ? '2号楼' : '1号楼');
    const resident = await p.resident(household.id, { phone: phoneNumber() });
    const movedOut = await p.resident(household.id, { relation: '子女' });
    await g.ok(`mutation($i: ChangeResidentStatusInput!) { changeResidentStatus(input: $i) { id } }`, {
      i: { residentId: movedOut.id, status: 'MOVED_OUT', reason: '外出务工' },
    });
    const tagId = (
      await g.ok<{ addResidentTag: { id: string } }>(`mutation($i: AddResidentTagInput!) { addResidentTag(input: $i) { id } }`, {
        i: { residentId: resident.id, tag: 'ELDERLY_LIVING_ALONE', startsOn: '2025-01-01' },
      })
    ).addResidentTag.id;
    const agree = async () =>
      (
        await g.ok<{ agreeWellbeingCheck: { id: string } }>(
          `mutation($i: AgreeWellbeingCheckInput!) { agreeWellbeingCheck(input: $i) { id } }`,
          {
            i: {
              residentId: resident.id,
              signal: 'CURTAINS_OPENED',
              deadline: '07:30',
              contacts: [{ name: '侯小芳', relation: '女儿', phone: phoneNumber() }],
            },
          },
        )
      ).agreeWellbeingCheck.id;
    const endedAgreementId = await agree();
    await g.ok(`mutation($a: ID!) { endWellbeingCheck(agreementId: $a) { id } }`, { a: endedAgreementId });
    const agreementId = await agree();
    const needId = (
      await g.ok<{ recordNeed: { id: string } }>(`mutation($i: RecordNeedInput!) { recordNeed(input: $i) { id } }`, {
        i: { householdId: household.id, kind: 'BUY_GROCERIES', description: '代买蔬菜' },
      })
    ).recordNeed.id;
    await g.ok(`mutation($n: ID!) { meetNeed(needId: $n) { id } }`, { n: needId });

    const whistledTo = position === 'own' || position === 'otherTown' ? 'D1' : 'D2';
    const incidentId = (
      await g.ok<{ reportIncident: { id: string } }>(`mutation($i: ReportIncidentInput!) { reportIncident(input: $i) { id } }`, {
        i: {
          gridId: grid.id,
          title: `楼道堆物 ${position}`,
          description: '住户侯芳功（电话 13812345678）反映楼道堆物',
          category: 'PUBLIC_SAFETY',
          location: { addressText: '开元社区1号楼2单元', latitude: 36.19, longitude: 117.09 },
          reporterResidentId: resident.id,
        },
      })
    ).reportIncident.id;
    for (const step of ['acceptIncident', 'startIncidentWork']) {
      await g.ok(`mutation($i: IncidentStepInput!) { ${step}(input: $i) { id } }`, { i: { id: incidentId } });
    }
    const whistleId = (
      await g.ok<{ blowWhistle: { id: string } }>(`mutation($i: BlowWhistleInput!) { blowWhistle(input: $i) { id } }`, {
        i: { incidentId, departmentIds: [departments[whistledTo]], dueAt: later(48), note: '请住建局到场' },
      })
    ).blowWhistle.id;
    for (const step of ['resolveIncident', 'closeIncident']) {
      await g.ok(`mutation($i: IncidentStepInput!) { ${step}(input: $i) { id } }`, { i: { id: incidentId, note: '已清理' } });
    }

    const seated = position === 'own' || position === 'otherTown' ? 'D1' : 'D2';
    const { committeeId, mediatorId } = await committeeOf(village);
    const disputeId = (
      await g.ok<{ registerDispute: { id: string } }>(`mutation($i: RegisterDisputeInput!) { registerDispute(input: $i) { id } }`, {
        i: {
          gridId: grid.id,
          kind: 'NEIGHBOURHOOD',
          origin: 'WALK_IN',
          summary: '侯芳功与邻居因漏水纠纷',
          parties: [{ role: 'APPLICANT', kind: 'RESIDENT', residentId: resident.id }],
        },
      })
    ).registerDispute.id;
    await g.ok(`mutation($i: DisputeStepInput!) { acceptDispute(input: $i) { id } }`, { i: { disputeId } });
    const sessionId = (
      await g.ok<{ scheduleMediationSession: { id: string } }>(
        `mutation($i: ScheduleSessionInput!) { scheduleMediationSession(input: $i) { id } }`,
        {
          i: {
            disputeId,
            roomId,
            startsAt: later(hour),
            endsAt: later(hour + 1),
            mediatorIds: [mediatorId],
            departmentIds: [departments[seated]],
          },
        },
      )
    ).scheduleMediationSession.id;
    hour += 2;
    await g.ok(`mutation($i: DisputeStepInput!) { withdrawDispute(input: $i) { id } }`, { i: { disputeId, note: '双方和解' } });
    const placeCentre = (
      await g.ok<{ createMediationCentre: { id: string } }>(
        `mutation($i: CreateCentreInput!) { createMediationCentre(input: $i) { id } }`,
        {
          i: { name: `${village.name}调解中心 ${position}`, areaPath: village.path, departmentIds: [departments.D1] },
        },
      )
    ).createMediationCentre.id;

    places[position] = {
      position,
      grid,
      village,
      memberId: member.id,
      memberUserId,
      memberPhone: member.phone,
      assignmentId,
      dwellingId: household.dwellingId,
      householdId: household.id,
      householdNumber: household.number,
      resident,
      movedOutId: movedOut.id,
      tagId,
      endedAgreementId,
      agreementId,
      needId,
      incidentId,
      whistleId,
      whistledTo,
      disputeId,
      sessionId,
      seated,
      committeeId,
      centreId: placeCentre,
    };
  }
  const residents = POSITIONS.flatMap((pos) => [places[pos].resident.id, places[pos].movedOutId]);
  for (const service of ['incident-reporting', 'dispute-mediation'])
    await waitForReplica(stack, service, residents, 30_000, 'resident_replica');
  await waitForReplica(
    stack,
    'dispute-mediation',
    POSITIONS.map((pos) => places[pos].incidentId),
    30_000,
    'incident_replica',
  );
  return { district, town, otherTown, departments, centreId, places };
}

function dataOrThrow<D>(res: { data?: D | null; errors?: unknown[] }): D {
  if (res.errors?.length || !res.data) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
  return res.data;
}

/** A fresh national ID number (for probes that register someone). */
export const freshNationalId = (): string => nationalId('19800101');

export { Role };
