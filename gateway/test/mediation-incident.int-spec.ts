import { randomInt } from 'node:crypto';
import { Role } from '@civgrid/auth';
import { dataOf, eventually, gql } from '@civgrid/testing';
import { createTree, waitForReplica } from '../src/scenario';
import { announcedResidents } from './population-fixtures';
import { startStack, Stack } from '../src/stack';

// The whole path with the real incident-reporting service: a grid member's incident is escalated as a
// dispute, mediation registers it from the event, mediates it to an agreement, and closing the dispute
// resolves the incident — every hop by events on the real broker, every read through the gateway.

let stack: Stack;
let admin: string;
beforeAll(async () => {
  stack = await startStack('mediation-incident', {}, ['grid-organisation', 'incident-reporting', 'dispute-mediation']);
  admin = await stack.token({ roles: [Role.ADMIN], sub: 'admin' });
}, 120_000);
afterAll(() => stack?.stop());

const ok = async <D>(q: string, variables: Record<string, unknown>, token: string = admin): Promise<D> =>
  dataOf(await gql<D>(stack.url, q, variables, token));

it('resolves an incident escalated as a dispute once mediation closes the dispute with an agreement', async () => {
  const tree = await createTree(stack.url, admin, 1);
  const gridId = tree.gridIds[0];
  for (const service of ['incident-reporting', 'dispute-mediation']) await waitForReplica(stack, service, [gridId]);
  const officer = await stack.token({ roles: [Role.COMMUNITY_OFFICER], areas: [tree.village.path], sub: 'song-xiaofang' });

  const incident = (
    await ok<{ reportIncident: { id: string; number: string } }>(
      `mutation($input: ReportIncidentInput!) { reportIncident(input: $input) { id number } }`,
      { input: { gridId, title: '楼顶太阳能未拆除，防水施工受阻', description: '住户与施工队争执', category: 'DISPUTE' } },
      officer,
    )
  ).reportIncident;
  for (const mutation of ['acceptIncident', 'startIncidentWork'])
    await ok(`mutation($input: IncidentStepInput!) { ${mutation}(input: $input) { id } }`, { input: { id: incident.id } }, officer);
  const [residentId] = await announcedResidents(stack, gridId, 1, ['incident-reporting']);
  await ok(
    `mutation($input: EscalateIncidentInput!) { escalateIncident(input: $input) { id } }`,
    {
      input: { id: incident.id, asDispute: true, disputeKind: 'PROPERTY_MANAGEMENT', residentIds: [residentId], note: '协商不成，转调解' },
    },
    officer,
  );

  // Incident.dispute: incident reporting's Incident with mediation's dispute, in one query through the gateway.
  const linked = await eventually(async () => {
    const res = await ok<{
      incident: {
        status: string;
        dispute: { id: string; status: string; level: string; kind: string; parties: { residentId: string }[] } | null;
      };
    }>(
      `query($id: ID!) { incident(id: $id) { status dispute { id status level kind parties { residentId } } } }`,
      { id: incident.id },
      officer,
    );
    return res.incident.dispute ? res.incident : undefined;
  });
  expect(linked.dispute).toMatchObject({ status: 'REGISTERED', level: 'VILLAGE', kind: 'PROPERTY_MANAGEMENT', parties: [{ residentId }] });
  const disputeId = linked.dispute!.id;

  const committee = await ok<{ createMediationCommittee: { id: string } }>(
    `mutation($input: CreateCommitteeInput!) { createMediationCommittee(input: $input) { id } }`,
    { input: { name: '开元社区人民调解委员会', level: 'VILLAGE', areaPath: tree.village.path } },
  );
  const sub = `lao-wang-${randomInt(1e9)}`;
  const mediator = await ok<{ addMediator: { id: string; room: { id: string } } }>(
    `mutation($input: AddMediatorInput!) { addMediator(input: $input) { id room { id } } }`,
    { input: { committeeId: committee.createMediationCommittee.id, name: '王绪文', userId: sub, roomName: '老王调解室' } },
  );
  const laoWang = await stack.token({ roles: [Role.MEDIATOR], areas: [tree.village.path], sub });
  await ok(`mutation($input: DisputeStepInput!) { acceptDispute(input: $input) { id } }`, { input: { disputeId } }, laoWang);
  const start = new Date(Math.floor(Date.now() / 3600_000) * 3600_000 + 3 * 3600_000);
  const session = await ok<{ scheduleMediationSession: { id: string } }>(
    `mutation($input: ScheduleSessionInput!) { scheduleMediationSession(input: $input) { id } }`,
    {
      input: {
        disputeId,
        roomId: mediator.addMediator.room.id,
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + 3600_000).toISOString(),
        mediatorIds: [mediator.addMediator.id],
      },
    },
    laoWang,
  );
  // The session takes place: mediation's clock moves to half an hour after its start.
  const during = new Date(start.getTime() + 30 * 60_000);
  await stack.services['dispute-mediation'].setClock(during);
  await ok(
    `mutation($input: RecordSessionInput!) { recordMediationSession(input: $input) { id } }`,
    { input: { sessionId: session.scheduleMediationSession.id, minutes: '住户同意三日内拆除太阳能' } },
    laoWang,
  );
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(during);
  await ok(
    `mutation($input: RecordAgreementInput!) { recordAgreement(input: $input) { id } }`,
    { input: { disputeId, terms: '住户三日内拆除，施工队负责复装', signedOn: today } },
    laoWang,
  );
  await ok(`mutation($input: DisputeStepInput!) { closeDispute(input: $input) { id } }`, { input: { disputeId } }, laoWang);

  const resolved = await eventually(async () => {
    const res = await ok<{ incident: { status: string; dispute: { status: string; outcome: string } } }>(
      `query($id: ID!) { incident(id: $id) { status dispute { status outcome } } }`,
      { id: incident.id },
      officer,
    );
    return res.incident.status === 'RESOLVED' ? res.incident : undefined;
  }, 30_000);
  expect(resolved).toEqual({ status: 'RESOLVED', dispute: { status: 'CLOSED', outcome: 'AGREEMENT' } });
});
