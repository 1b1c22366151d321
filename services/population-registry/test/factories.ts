import { randomInt, randomUUID } from 'node:crypto';
import { Admin, Kafka, logLevel, Producer, RecordMetadata } from 'kafkajs';
import { Role } from '@civgrid/auth';
import { GridEventData, GridEvents, GridStatus } from '@civgrid/contracts';
import { CLOUDEVENTS_CONTENT_TYPE, CloudEvent } from '@civgrid/events';
import { dataOf, eventually, gql, GraphqlResponse, kafkaBrokers, query, testDistrictCode, tokenFor } from '@civgrid/testing';
import { TestService } from '@civgrid/service-testing';

export interface Grid {
  id: string;
  code: string;
  path: string;
  areaPath: string;
}

export interface Dwelling {
  id: string;
  kind: string;
  occupancy: string;
  addressText: string;
  createdAt: string;
  grid: { id: string };
}

export const DWELLING = `id kind occupancy road building unit room houseNumber addressText createdAt grid { id }`;

export const REGISTER = `mutation($input: RegisterDwellingInput!) { registerDwelling(input: $input) { ${DWELLING} } }`;

/** A village path under a fresh district code, so tests never share scopes. */
const villagePath = (): string => {
  const district = testDistrictCode().slice(0, 6);
  return `${district}000000.${district}001000.${district}001001`;
};

/**
 * Grids arrive the way they do in production, as grid events on the service's grid topic; dwellings
 * are registered through the GraphQL API. Each call makes fresh ids, so each test owns its data.
 */
export function factories(svc: TestService) {
  const kafka = new Kafka({ clientId: 'population-test', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
  let producer: Promise<Producer> | undefined;
  let admin: Promise<Admin> | undefined;
  const adminToken = tokenFor(svc.keys, { roles: [Role.ADMIN], sub: 'factory-admin' });
  const connected = <T extends Producer | Admin>(client: T): Promise<T> => client.connect().then(() => client);

  const make = {
    adminToken: () => adminToken,

    gridData(status: GridStatus = 'ACTIVE', areaPath = villagePath()): GridEventData {
      const code = `G${randomInt(1e9)}`;
      return {
        gridId: randomUUID(),
        code,
        name: `网格 ${code}`,
        kind: 'TOTAL',
        areaId: randomUUID(),
        areaPath,
        path: `${areaPath}.${code}`,
        parentGridId: null,
        status,
      };
    },

    gridEvent(data: GridEventData, type: string = GridEvents.created): CloudEvent<GridEventData> {
      return {
        specversion: '1.0',
        id: randomUUID(),
        source: '/civgrid/grid-organisation',
        type,
        subject: data.gridId,
        time: new Date().toISOString(),
        datacontenttype: 'application/json',
        dataschema: `urn:civgrid:schema:${type}`,
        data,
      };
    },

    /** Publishes as grid-organisation's relay does: structured CloudEvent, key = grid id. */
    async publish(event: CloudEvent<GridEventData>): Promise<RecordMetadata> {
      producer ??= connected(kafka.producer({ allowAutoTopicCreation: false }));
      const [sent] = await (
        await producer
      ).send({
        topic: svc.topic('grid'),
        acks: -1,
        messages: [{ key: event.subject, value: JSON.stringify(event), headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE } }],
      });
      return sent;
    },

    /** Resolves once the service's consumer group has committed past a message. */
    async consumed(sent: RecordMetadata): Promise<void> {
      admin ??= connected(kafka.admin());
      const client = await admin;
      await eventually(async () => {
        const [topic] = await client.fetchOffsets({ groupId: `${svc.prefix}civgrid.population-registry`, topics: [sent.topicName] });
        const committed = topic?.partitions.find((p) => p.partition === sent.partition)?.offset ?? '-1';
        return BigInt(committed) > BigInt(sent.baseOffset ?? '0') ? true : undefined;
      });
    },

    /** A grid known to the service's replica once this resolves. */
    async grid(status: GridStatus = 'ACTIVE', areaPath?: string): Promise<Grid> {
      const data = make.gridData(status, areaPath);
      await make.publish(make.gridEvent(data));
      await eventually(async () =>
        (await query(svc.db.url, 'SELECT 1 FROM grid_replica WHERE id = $1', [data.gridId])).length > 0 ? true : undefined,
      );
      return { id: data.gridId, code: data.code, path: data.path, areaPath: data.areaPath };
    },

    /** The grid member who looks after these grids. */
    member: (...grids: Grid[]): Promise<string> =>
      tokenFor(svc.keys, {
        roles: [Role.GRID_MEMBER],
        sub: `member-${randomInt(1e9)}`,
        areas: grids.map((g) => g.areaPath),
        grids: grids.map((g) => g.id),
      }),

    register: async (input: Record<string, unknown>, token?: string): Promise<GraphqlResponse<{ registerDwelling: Dwelling }>> =>
      gql<{ registerDwelling: Dwelling }>(svc.url, REGISTER, { input }, token ?? (await adminToken)),

    async dwelling(grid: Grid, input: Record<string, unknown> = {}, token?: string): Promise<Dwelling> {
      const full = {
        gridId: grid.id,
        kind: 'APARTMENT',
        occupancy: 'OWNER_OCCUPIED',
        addressText: `东湖社区 ${randomInt(1e6)} 号`,
        ...input,
      };
      return dataOf(await make.register(full, token)).registerDwelling;
    },

    async stop(): Promise<void> {
      await Promise.all([producer?.then((p) => p.disconnect()), admin?.then((a) => a.disconnect())]);
    },
  };
  return make;
}
