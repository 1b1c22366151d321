import { EntityManager } from 'typeorm';
import { CloudEvent, Outbox } from '@civgrid/events';
import {
  catalogue,
  DisputeClosedData,
  EventPayloads,
  GridEventData,
  GridEvents,
  MemberAssignmentData,
  PopulationCountEvents,
  ReactionEvents,
} from '@civgrid/contracts';
import { EventHandlers } from './event-handlers';

const counts = { gridId: '6f1c1c53-8a4e-4a0b-9d7e-0c3f6f6b2a11', households: 12, residents: 31, asOf: '2026-12-01T08:00:00.000Z' };
const assignment: MemberAssignmentData = {
  assignmentId: '0b7e0c1d-52f4-4c36-9a55-0d9c2f1e7a01',
  memberId: '4c2a7f0e-9b1d-4e8a-8f3c-2d5b6a7c8e90',
  gridId: counts.gridId,
  gridPath: 'd370102.t001.v001.g01',
  role: 'GRID_LEADER',
  from: '2026-12-01T00:00:00.000Z',
  to: null,
};
const grid: GridEventData = {
  gridId: counts.gridId,
  code: 'G01',
  name: 'Grid 1',
  kind: 'BASIC',
  areaId: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a',
  areaPath: 'd370102.t001.v001',
  path: 'd370102.t001.v001.g01',
  parentGridId: null,
  status: 'ACTIVE',
};
const closed: DisputeClosedData = {
  disputeId: '1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6',
  number: 'TJ-2026-000001',
  originIncidentId: null,
  outcome: 'AGREEMENT',
  closedAt: '2026-12-01T09:00:00.000Z',
};

const envelope = <T>(type: string, data: T): CloudEvent<T> => ({
  specversion: '1.0',
  id: 'e1',
  source: '/civgrid/population-registry',
  type,
  subject: 'g1',
  time: '2026-12-01T08:00:00.000Z',
  datacontenttype: 'application/json',
  data,
});

describe('event handlers, typed by the contracts event map', () => {
  it("hands every handler of a type that type's payload, in the order they were registered", async () => {
    const handlers = new EventHandlers();
    const seen: string[] = [];
    handlers.on(PopulationCountEvents.gridHouseholdCountChanged, async (event) => {
      seen.push(`first ${event.data.gridId} ${event.data.households}/${event.data.residents}`);
    });
    handlers.on(PopulationCountEvents.gridHouseholdCountChanged, async (event) => {
      seen.push(`second ${event.data.asOf}`);
    });
    await handlers
      .asMap()
      [PopulationCountEvents.gridHouseholdCountChanged](
        envelope(PopulationCountEvents.gridHouseholdCountChanged, counts),
        {} as EntityManager,
      );
    expect(seen).toEqual([`first ${counts.gridId} 12/31`, `second ${counts.asOf}`]);
    expect(handlers.domains).toEqual(['population']);
  });

  it('types a payload as its JSON Schema checks it: what compiles for a type passes the catalogue, a payload of another type fails', () => {
    expect(() => catalogue.validate(GridEvents.memberAssigned, assignment)).not.toThrow();
    expect(() => catalogue.validate(GridEvents.created, grid)).not.toThrow();
    expect(() => catalogue.validate(ReactionEvents.disputeClosed, closed)).not.toThrow();
    expect(() => catalogue.validate(GridEvents.memberAssigned, grid)).toThrow(/does not match its schema/);
    expect(() => catalogue.validate(ReactionEvents.disputeClosed, { ...closed, outcome: 'SETTLED' })).toThrow(/outcome/);
  });

  it('refuses, when compiled (typecheck), a handler or a payload of another event type', () => {
    // Never run: `typecheck` compiles this file, and each @ts-expect-error line fails the build if it compiles.
    const compileOnly = (handlers: EventHandlers, outbox: Outbox<EventPayloads>, manager: EntityManager) => {
      const member = { aggregateType: 'GridMember', aggregateId: assignment.memberId };
      const dispute = { aggregateType: 'Dispute', aggregateId: closed.disputeId };
      void outbox.add(manager, { type: GridEvents.memberAssigned, ...member, data: assignment });
      void outbox.add(manager, { type: ReactionEvents.disputeClosed, ...dispute, data: closed });
      // @ts-expect-error a grid's state is not a member-assigned payload
      void outbox.add(manager, { type: GridEvents.memberAssigned, ...member, data: grid });
      // @ts-expect-error a payload without a required property
      void outbox.add(manager, { type: ReactionEvents.disputeClosed, ...dispute, data: { ...closed, closedAt: undefined } });
      // @ts-expect-error a property the closed schema refuses (events carry no personal data)
      void outbox.add(manager, { type: ReactionEvents.disputeClosed, ...dispute, data: { ...closed, partyName: 'Zhang San' } });
      // @ts-expect-error a code outside the type's enumeration
      void outbox.add(manager, { type: ReactionEvents.disputeClosed, ...dispute, data: { ...closed, outcome: 'SETTLED' } });
      // @ts-expect-error not an event type of the catalogue
      void outbox.add(manager, { type: 'civgrid.grid.grid-painted.v1', ...member, data: grid });

      handlers.on(GridEvents.memberAssigned, async (event) => void event.data.role);
      // @ts-expect-error member-assigned carries no household count
      handlers.on(GridEvents.memberAssigned, async (event) => void event.data.households);
      // @ts-expect-error a grid-created handler registered for member-assigned
      handlers.on(GridEvents.memberAssigned, async (event: CloudEvent<GridEventData>) => void event.data.code);
      // @ts-expect-error not an event type of the catalogue
      handlers.on('civgrid.grid.grid-painted.v1', async () => undefined);
    };
    expect(compileOnly).toBeInstanceOf(Function);
  });
});
