import { randomUUID } from 'node:crypto';
import { Role } from '@civgrid/auth';
import { catalogue, MediationEvents } from '@civgrid/contracts';
import { dataOf, query, readTopic, reasonOf, tokenFor } from '@civgrid/testing';
import { Grid, mediationSuite } from './factories';

// The session rules of SessionService and DisputeStepsService against real PostgreSQL and Kafka:
// rooms and departments a booking may name, and what cancelling a booking leaves behind.

const suite = mediationSuite();
const { run, ok } = suite;

/** A village committee with Lao Wang and his room, a dispute accepted by it, and the mediator's token. */
async function accepted(grid: Grid) {
  const committee = await ok<{ createMediationCommittee: { id: string } }>(
    `mutation($input: CreateCommitteeInput!) { createMediationCommittee(input: $input) { id } }`,
    { input: { name: '人民调解委员会', level: 'VILLAGE', areaPath: grid.areaPath } },
  );
  const sub = `lao-wang-${randomUUID()}`;
  const mediator = await ok<{ addMediator: { id: string; room: { id: string } } }>(
    `mutation($input: AddMediatorInput!) { addMediator(input: $input) { id room { id } } }`,
    { input: { committeeId: committee.createMediationCommittee.id, name: '王绪文', userId: sub, roomName: '老王调解室' } },
  );
  const token = await tokenFor(suite.svc.keys, { roles: [Role.MEDIATOR], areas: [grid.areaPath], sub });
  const dispute = await suite.make.dispute(grid);
  await ok(`mutation($input: DisputeStepInput!) { acceptDispute(input: $input) { id } }`, { input: { disputeId: dispute.id } }, token);
  return { dispute, token, mediatorId: mediator.addMediator.id, roomId: mediator.addMediator.room.id };
}

const hour = (n: number): Date => new Date(Math.floor(Date.now() / 3600_000) * 3600_000 + (24 + n) * 3600_000);
const schedule = (input: Record<string, unknown>, token: string) =>
  run<{ scheduleMediationSession: { id: string } }>(
    `mutation($input: ScheduleSessionInput!) { scheduleMediationSession(input: $input) { id } }`,
    { input },
    token,
  );
const booking = (a: Awaited<ReturnType<typeof accepted>>, n: number, extra: Record<string, unknown> = {}) => ({
  disputeId: a.dispute.id,
  roomId: a.roomId,
  startsAt: hour(n).toISOString(),
  endsAt: hour(n + 1).toISOString(),
  mediatorIds: [a.mediatorId],
  ...extra,
});

const cancelledSteps = (disputeId: string) =>
  query<{ action: string; note: string | null; toStatus: string }>(
    suite.svc.db.url,
    `SELECT action, note, to_status AS "toStatus" FROM dispute_timeline WHERE dispute_id = $1 AND action = 'SESSION_CANCELLED' ORDER BY id`,
    [disputeId],
  );
const cancelledEvents = async (disputeId: string, n: number) => {
  const messages = await readTopic(
    suite.svc.topic('mediation'),
    (m) => m.filter((x) => x.key === disputeId && x.value['type'] === MediationEvents.sessionCancelled).length >= n,
  );
  return messages
    .filter((x) => x.key === disputeId && x.value['type'] === MediationEvents.sessionCancelled)
    .map((x) => x.value['data'] as Record<string, unknown>);
};

describe('booking and cancelling sessions', () => {
  it('names an unknown room NOT_FOUND and a room of another area ROOM_OUT_OF_AREA', async () => {
    const [grid, other] = await suite.make.grids(2);
    const a = await accepted(grid);
    const b = await accepted(other);
    expect(reasonOf(await schedule(booking(a, 0, { roomId: randomUUID() }), a.token))).toEqual({
      code: 'NOT_FOUND',
      reason: 'ROOM_NOT_FOUND',
    });
    expect(reasonOf(await schedule(booking(a, 0, { roomId: b.roomId }), a.token))).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'ROOM_OUT_OF_AREA',
    });
    const [{ n }] = await query<{ n: number }>(suite.svc.db.url, 'SELECT count(*)::int AS n FROM mediation_session WHERE dispute_id = $1', [
      a.dispute.id,
    ]);
    expect(n).toBe(0);
  });

  it('lets only departments seated in a centre of the area into a committee’s own room', async () => {
    const grid = await suite.make.grid();
    const a = await accepted(grid);
    const [court, elsewhere, unknown] = [await suite.make.department(), await suite.make.department(), randomUUID()];
    const centre = (areaPath: string, departmentIds: string[]) =>
      ok(`mutation($input: CreateCentreInput!) { createMediationCentre(input: $input) { id } }`, {
        input: { name: `调处中心 ${randomUUID()}`, areaPath, departmentIds },
      });
    await centre(grid.path.split('.')[0], [court]);
    await centre('999999000000', [elsewhere]);

    for (const dept of [unknown, elsewhere]) {
      const res = await schedule(booking(a, 0, { departmentIds: [court, dept] }), a.token);
      expect(reasonOf(res)).toEqual({ code: 'BAD_USER_INPUT', reason: 'DEPARTMENT_NOT_IN_AREA' });
      expect(res.errors?.[0]?.extensions?.['details']).toEqual({ departmentIds: [dept] });
    }
    // The district court's judge comes to Lao Wang's room.
    const booked = await ok<{ scheduleMediationSession: { departments: { id: string }[] } }>(
      `mutation($input: ScheduleSessionInput!) { scheduleMediationSession(input: $input) { departments { id } } }`,
      { input: booking(a, 0, { departmentIds: [court] }) },
      a.token,
    );
    expect(booked.scheduleMediationSession.departments).toEqual([{ id: court }]);
  });

  it('writes a timeline entry and a session-cancelled event for every booking a step calls off', async () => {
    const grid = await suite.make.grid();
    // Escalation calls off both bookings of the village.
    const up = await accepted(grid);
    for (const n of [0, 2]) dataOf(await schedule(booking(up, n), up.token));
    await ok(
      `mutation($input: EscalateDisputeInput!) { escalateDispute(input: $input) { id } }`,
      { input: { disputeId: up.dispute.id, reason: '村级调解不成' } },
      up.token,
    );
    expect(await cancelledSteps(up.dispute.id)).toEqual(
      [0, 2].map((n) => ({
        action: 'SESSION_CANCELLED',
        note: `Session of ${hour(n).toISOString()} cancelled: the dispute went up a level.`,
        toStatus: 'REGISTERED',
      })),
    );
    const events = await cancelledEvents(up.dispute.id, 2);
    expect(events.map((e) => [e['startsAt'], e['cause'], e['roomId']])).toEqual(
      [0, 2].map((n) => [hour(n).toISOString(), 'DISPUTE_ESCALATED', up.roomId]),
    );
    for (const e of events) expect(() => catalogue.validate(MediationEvents.sessionCancelled, e)).not.toThrow();

    // Withdrawal, and the committee calling one off by hand (its reason stays on the timeline, not in the event).
    const gone = await accepted(await suite.make.grid());
    const first = dataOf(await schedule(booking(gone, 4), gone.token)).scheduleMediationSession.id;
    dataOf(await schedule(booking(gone, 6), gone.token));
    await ok(
      `mutation($input: CancelSessionInput!) { cancelMediationSession(input: $input) { status } }`,
      { input: { sessionId: first, reason: '当事人张某住院' } },
      gone.token,
    );
    await ok(
      `mutation($input: DisputeStepInput!) { withdrawDispute(input: $input) { id } }`,
      { input: { disputeId: gone.dispute.id } },
      gone.token,
    );
    expect((await cancelledSteps(gone.dispute.id)).map((s) => s.note)).toEqual([
      '当事人张某住院',
      `Session of ${hour(6).toISOString()} cancelled: the dispute was withdrawn.`,
    ]);
    const causes = await cancelledEvents(gone.dispute.id, 2);
    expect(causes.map((e) => [e['sessionId'] === first, e['cause']])).toEqual([
      [true, 'CANCELLED_BY_COMMITTEE'],
      [false, 'DISPUTE_WITHDRAWN'],
    ]);
    expect(JSON.stringify(causes)).not.toContain('张某');
    const [{ n }] = await query<{ n: number }>(
      suite.svc.db.url,
      `SELECT count(*)::int AS n FROM mediation_session WHERE dispute_id = $1 AND status <> 'CANCELLED'`,
      [gone.dispute.id],
    );
    expect(n).toBe(0);
  });

  it('calls off what is still booked when a failed mediation is closed', async () => {
    const a = await accepted(await suite.make.grid());
    const held = dataOf(await schedule(booking(a, 0), a.token)).scheduleMediationSession.id;
    dataOf(await schedule(booking(a, 3), a.token));
    suite.svc.clock.set(new Date(hour(0).getTime() + 600_000));
    await ok(
      `mutation($input: RecordSessionInput!) { recordMediationSession(input: $input) { id } }`,
      {
        input: { sessionId: held, minutes: '分歧较大' },
      },
      a.token,
    );
    await ok(
      `mutation($input: DisputeStepInput!) { recordMediationFailure(input: $input) { id } }`,
      { input: { disputeId: a.dispute.id } },
      a.token,
    );
    await ok(`mutation($input: DisputeStepInput!) { closeDispute(input: $input) { id } }`, { input: { disputeId: a.dispute.id } }, a.token);
    const steps = await cancelledSteps(a.dispute.id);
    expect(steps).toEqual([
      { action: 'SESSION_CANCELLED', note: `Session of ${hour(3).toISOString()} cancelled: the dispute was closed.`, toStatus: 'CLOSED' },
    ]);
    expect((await cancelledEvents(a.dispute.id, 1)).map((e) => e['cause'])).toEqual(['DISPUTE_CLOSED']);
  });
});
