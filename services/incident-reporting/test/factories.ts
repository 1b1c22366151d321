import { randomInt, randomUUID } from 'node:crypto';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { Role } from '@civgrid/auth';
import { GridEventData, GridEvents } from '@civgrid/contracts';
import { CLOUDEVENTS_CONTENT_TYPE, toCloudEvent } from '@civgrid/events';
import { eventually, gql, GraphqlResponse, kafkaBrokers, query, testDistrictCode, tokenFor } from '@civgrid/testing';
import { TestService } from '@civgrid/service-testing';

export interface Grid {
  id: string;
  code: string;
  path: string;
  areaPath: string;
}

export interface Incident {
  id: string;
  number: string;
  title: string;
  status: string;
  reportedAt: string;
  grid: { id: string };
}

export const INCIDENT = `id number title status reportedAt grid { id }`;

type GridEventType = (typeof GridEvents)[keyof typeof GridEvents];

/** A village path of fresh statistical codes, so tests never share an area. */
const villagePath = (): string => {
  const district = testDistrictCode().slice(0, 6);
  const town = `${district}${String(randomInt(1, 999)).padStart(3, '0')}`;
  return `${district}000000.${town}000.${town}${String(randomInt(1, 999)).padStart(3, '0')}`;
};

/**
 * Grids arrive as grid-organisation would send them: CloudEvents on the grid topic, applied by the
 * service's own consumer into grid_replica. Incidents are reported through the GraphQL API.
 */
export function factories(svc: TestService) {
  const kafka = new Kafka({ clientId: 'incident-test-factory', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
  let producer: Promise<Producer> | undefined;
  const connected = (): Promise<Producer> =>
    (producer ??= (async () => {
      const p = kafka.producer({ allowAutoTopicCreation: false });
      await p.connect();
      return p;
    })());

  const replicaStatus = async (id: string): Promise<string | undefined> =>
    (await query<{ status: string }>(svc.db.url, 'SELECT status FROM grid_replica WHERE id = $1', [id]))[0]?.status;

  const make = {
    gridData(overrides: Partial<GridEventData> = {}): GridEventData {
      const areaPath = overrides.areaPath ?? villagePath();
      const code = overrides.code ?? `G${randomInt(1e9)}`;
      return {
        gridId: randomUUID(),
        code,
        name: `网格 ${code}`,
        kind: 'BASIC',
        areaId: randomUUID(),
        areaPath,
        path: `${areaPath}.${code}`,
        parentGridId: null,
        status: 'ACTIVE',
        ...overrides,
      };
    },

    /** Produces grid events (key = grid id, a valid CloudEvent) to the topic the service consumes. */
    async publishGrids(events: { data: GridEventData; type?: GridEventType; time?: Date }[]): Promise<void> {
      await (
        await connected()
      ).send({
        topic: svc.topic('grid'),
        acks: -1,
        messages: events.map(({ data, type, time }) => ({
          key: data.gridId,
          value: JSON.stringify(
            toCloudEvent('/civgrid/grid-organisation', {
              type: type ?? GridEvents.created,
              aggregateType: 'Grid',
              aggregateId: data.gridId,
              data,
              time,
            }),
          ),
          headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE },
        })),
      });
    },

    /** Grids known to the replica, waited for: `await make.grids(5)`. */
    async grids(n: number, overrides: Partial<GridEventData> = {}): Promise<Grid[]> {
      const data = Array.from({ length: n }, () => make.gridData(overrides));
      await make.publishGrids(data.map((d) => ({ data: d })));
      for (const d of data) await eventually(async () => ((await replicaStatus(d.gridId)) === d.status ? true : undefined));
      return data.map((d) => ({ id: d.gridId, code: d.code, path: d.path, areaPath: d.areaPath }));
    },

    async grid(overrides: Partial<GridEventData> = {}): Promise<Grid> {
      const [grid] = await make.grids(1, overrides);
      return grid;
    },

    /** Retires a grid the way grid-organisation does: a later grid-retired event. */
    async retire(grid: Grid): Promise<void> {
      const data = make.gridData({ gridId: grid.id, code: grid.code, areaPath: grid.areaPath, path: grid.path, status: 'RETIRED' });
      await make.publishGrids([{ data, type: GridEvents.retired, time: new Date(Date.now() + 1000) }]);
      await eventually(async () => ((await replicaStatus(grid.id)) === 'RETIRED' ? true : undefined));
    },

    /** A grid member who looks after these grids, each test with a user of its own. */
    member: (...grids: Grid[]): Promise<string> =>
      tokenFor(svc.keys, {
        roles: [Role.GRID_MEMBER],
        sub: `member-${randomUUID()}`,
        areas: [...new Set(grids.map((g) => g.areaPath))],
        grids: grids.map((g) => g.id),
      }),

    officer: (role: Role, ...areas: string[]): Promise<string> =>
      tokenFor(svc.keys, { roles: [role], sub: `officer-${randomUUID()}`, areas }),

    admin: (): Promise<string> => tokenFor(svc.keys, { roles: [Role.ADMIN], sub: 'factory-admin' }),

    report(token: string, input: Record<string, unknown>): Promise<GraphqlResponse<{ reportIncident: Incident }>> {
      return gql<{ reportIncident: Incident }>(
        svc.url,
        `mutation($input: ReportIncidentInput!) { reportIncident(input: $input) { ${INCIDENT} } }`,
        { input: { title: '路灯不亮', category: 'INFRASTRUCTURE', ...input } },
        token,
      );
    },

    async stop(): Promise<void> {
      if (producer) await (await producer).disconnect();
    },
  };
  return make;
}
