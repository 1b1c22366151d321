import { randomInt, randomUUID } from 'node:crypto';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { Role } from '@civgrid/auth';
import {
  DepartmentCreatedData,
  GridEventData,
  GridEvents,
  HouseholdRegisteredData,
  IncidentEvents,
  IncidentReportedData,
  PopulationEvents,
  ResidentEventData,
} from '@civgrid/contracts';
import { CLOUDEVENTS_CONTENT_TYPE, toCloudEvent } from '@civgrid/events';
import { dataOf, eventually, gql, GraphqlResponse, kafkaBrokers, query, testDistrictCode, tokenFor } from '@civgrid/testing';
import { startTestService, TestService } from '@civgrid/service-testing';
import { disputeMediation } from '../src';

export interface Grid {
  id: string;
  code: string;
  path: string;
  /** The village or community. */
  areaPath: string;
  townPath: string;
  data: GridEventData;
}

export interface Dispute {
  id: string;
  number: string;
  kind: string;
  origin: string;
  level: string;
  status: string;
}

export const DISPUTE = `id number kind origin level status`;

/** A fresh 12-digit district code per call, so tests never share a subtree. */
const districtCode = (): string => testDistrictCode();

/**
 * Grids reach this service only as events from grid-organisation: the factory produces them, as that
 * service would, to the grid topic, and waits until the replica has them.
 */
export function factories(svc: TestService) {
  const kafka = new Kafka({ clientId: 'dispute-mediation-test', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
  let producer: Producer | undefined;
  const admin = tokenFor(svc.keys, { roles: [Role.ADMIN], sub: 'factory-admin' });

  const publish = async (type: string, grids: GridEventData[]): Promise<void> => {
    if (!producer) {
      producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
    }
    await producer.send({
      topic: svc.topic('grid'),
      acks: -1,
      messages: grids.map((data) => ({
        key: data.gridId,
        value: JSON.stringify(toCloudEvent('/civgrid/grid-organisation', { type, aggregateType: 'Grid', aggregateId: data.gridId, data })),
        headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE },
      })),
    });
  };

  /** Events of another service, as its relay would send them, and a wait until `table` holds every id. */
  const announce = async (
    domain: string,
    events: { type: string; aggregateType: string; aggregateId: string; data: object }[],
    table: string,
    ids: string[],
  ) => {
    for (const e of events) {
      await factoriesApi.publishRaw(svc.topic(domain), e.aggregateId, JSON.stringify(toCloudEvent(`/civgrid/${domain}`, e)));
    }
    await eventually(async () => {
      const rows = await query<{ id: string }>(svc.db.url, `SELECT id FROM ${table} WHERE id = ANY($1::uuid[])`, [ids]);
      return rows.length === new Set(ids).size ? rows : undefined;
    });
  };

  const replicated = (grids: GridEventData[]) =>
    eventually(async () => {
      const rows = await query<{ id: string; status: string }>(
        svc.db.url,
        'SELECT id, status FROM grid_replica WHERE id = ANY($1::uuid[])',
        [grids.map((g) => g.gridId)],
      );
      const done = grids.every((g) => rows.some((r) => r.id === g.gridId && r.status === g.status));
      return done ? rows : undefined;
    });

  const gridData = (): GridEventData => {
    const district = districtCode();
    const town = `${district.slice(0, 6)}${String(randomInt(1, 999)).padStart(3, '0')}000`;
    const village = `${town.slice(0, 9)}${String(randomInt(1, 999)).padStart(3, '0')}`;
    const code = `G${randomInt(1e9)}`;
    const areaPath = `${district}.${town}.${village}`;
    return {
      gridId: randomUUID(),
      code,
      name: `网格 ${code}`,
      kind: 'TOTAL',
      areaId: randomUUID(),
      areaPath,
      path: `${areaPath}.${code}`,
      parentGridId: null,
      status: 'ACTIVE',
    };
  };

  const toGrid = (data: GridEventData): Grid => ({
    id: data.gridId,
    code: data.code,
    path: data.path,
    areaPath: data.areaPath,
    townPath: data.areaPath.split('.').slice(0, 2).join('.'),
    data,
  });

  const factoriesApi = {
    adminToken: () => admin,
    gridData,
    publish,
    /** Any CloudEvent text to any topic, as another service's relay would send it. */
    async publishRaw(topic: string, key: string, value: string): Promise<void> {
      if (!producer) {
        producer = kafka.producer({ allowAutoTopicCreation: false });
        await producer.connect();
      }
      await producer.send({ topic, acks: -1, messages: [{ key, value, headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE } }] });
    },
    replicated,
    /** A grid known to the replica: created (and published) under a district of its own. */
    async grid(): Promise<Grid> {
      return (await this.grids(1))[0];
    },
    async grids(n: number): Promise<Grid[]> {
      const data = Array.from({ length: n }, gridData);
      await publish(GridEvents.created, data);
      await replicated(data);
      return data.map(toGrid);
    },
    async retire(grid: Grid): Promise<void> {
      const data: GridEventData = { ...grid.data, status: 'RETIRED' };
      await publish(GridEvents.retired, [data]);
      await replicated([data]);
    },
    async dispute(grid: Grid, input: Record<string, unknown> = {}, token?: string): Promise<Dispute> {
      return dataOf(
        await gql<{ registerDispute: Dispute }>(
          svc.url,
          `mutation($input: RegisterDisputeInput!) { registerDispute(input: $input) { ${DISPUTE} } }`,
          { input: { gridId: grid.id, kind: 'NEIGHBOURHOOD', origin: 'WALK_IN', summary: '邻里纠纷：楼上漏水', ...input } },
          token ?? (await admin),
        ),
      ).registerDispute;
    },
    /** An incident of the grid, as incident reporting announces it (incident-reported). */
    async incident(grid: Grid): Promise<string> {
      const incidentId = randomUUID();
      const data: IncidentReportedData = {
        incidentId,
        number: `DY-2025-${String(randomInt(1e6)).padStart(6, '0')}`,
        gridId: grid.id,
        gridPath: grid.path,
        category: 'PROPERTY_MANAGEMENT',
        priority: 'NORMAL',
        source: 'GRID_PATROL',
        reportedAt: new Date().toISOString(),
      };
      await announce(
        'incident',
        [{ type: IncidentEvents.reported, aggregateType: 'Incident', aggregateId: incidentId, data }],
        'incident_replica',
        [incidentId],
      );
      return incidentId;
    },
    /** Residents of one household in the grid, as the population registry announces them. */
    async residents(grid: Grid, n = 1): Promise<string[]> {
      const householdId = randomUUID();
      const ids = Array.from({ length: n }, () => randomUUID());
      const household: HouseholdRegisteredData = { householdId, dwellingId: randomUUID(), gridId: grid.id, registrationType: 'PERMANENT' };
      await announce(
        'population',
        [
          { type: PopulationEvents.householdRegistered, aggregateType: 'Household', aggregateId: householdId, data: household },
          ...ids.map((residentId) => {
            const data: ResidentEventData = { residentId, householdId, gridId: grid.id };
            return { type: PopulationEvents.residentRegistered, aggregateType: 'Resident', aggregateId: residentId, data };
          }),
        ],
        'resident_replica',
        ids,
      );
      return ids;
    },
    /** A department, as grid organisation announces it (department-created). */
    async department(areaPath = `${districtCode()}`): Promise<string> {
      const departmentId = randomUUID();
      const data: DepartmentCreatedData = {
        departmentId,
        code: `D${randomInt(1e9)}`,
        name: `部门 ${departmentId.slice(0, 8)}`,
        kind: 'COURT',
        level: 'DISTRICT',
        areaId: randomUUID(),
        areaPath,
      };
      await announce(
        'grid',
        [{ type: GridEvents.departmentCreated, aggregateType: 'Department', aggregateId: departmentId, data }],
        'department_replica',
        [departmentId],
      );
      return departmentId;
    },
    async close(): Promise<void> {
      await producer?.disconnect();
    },
  };
  return factoriesApi;
}

export type Factories = ReturnType<typeof factories>;

/**
 * The service under test for one spec file, against real PostgreSQL and Kafka: started before its
 * tests, its clock set back after each, stopped after them all. `run` and `ok` call it as the admin
 * unless a token is given (`ok` fails the test on any error).
 */
export function mediationSuite() {
  const suite = {
    svc: undefined as unknown as TestService,
    make: undefined as unknown as Factories,
    run: async <D>(q: string, variables: Record<string, unknown>, token?: string): Promise<GraphqlResponse<D>> =>
      gql<D>(suite.svc.url, q, variables, token ?? (await suite.make.adminToken())),
    ok: async <D>(q: string, variables: Record<string, unknown>, token?: string): Promise<D> =>
      dataOf(await suite.run<D>(q, variables, token)),
  };
  beforeAll(async () => {
    suite.svc = await startTestService(disputeMediation);
    suite.make = factories(suite.svc);
  });
  afterEach(() => suite.svc?.clock.set(null));
  afterAll(async () => {
    await suite.make?.close();
    await suite.svc?.stop();
  });
  return suite;
}
