import { fork } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { join } from 'node:path';
import { Role } from '@civgrid/auth';
import { HouseholdRegisteredData, PopulationEvents, ResidentEventData } from '@civgrid/contracts';
import { CLOUDEVENTS_CONTENT_TYPE, DomainEvent, eventsTopic, toCloudEvent } from '@civgrid/events';
import { checkDigit, dataOf, kafkaBrokers, serviceEnv } from '@civgrid/testing';
import { waitForReplica } from '../src/scenario';
import { Stack } from '../src/stack';
import { Area, Grid, gridFixtures } from './grid-fixtures';

// Shared by the population-*.int-spec.ts files. Grids are made in grid organisation and reach the
// registry as events; households and residents are registered through the gateway.

export { checkDigit };

let serial = 0;
/** A fresh, valid national ID number: region 370911 (岱岳区), a birth date, a unique sequence. */
export function nationalId(birth = '19900101', sex: 'MALE' | 'FEMALE' = 'MALE'): string {
  serial = (serial + 1) % 450;
  const seq = (randomInt(1, 100) * 10 + (serial % 10)) % 1000;
  const odd = sex === 'MALE' ? 1 : 0;
  const s = String(seq - (seq % 2) + odd).padStart(3, '0');
  // The region's last digits vary too, so two runs rarely draw the same person.
  const first17 = `37${String(randomInt(1000, 9999))}${birth}${s}`;
  return first17 + checkDigit(first17);
}
export const phoneNumber = (): string => `138${String(randomInt(1e8)).padStart(8, '0')}`;

export const RESIDENT = 'id name relation birthDate sex age status nationalId phone household { id number } grid { id }';

export function populationFixtures(stack: Stack) {
  const grid = gridFixtures(stack);
  const make = {
    ...grid,
    /** A village with a total grid and a basic grid covering some buildings, known to the registry. */
    async place(buildings: string[] = ['1号楼']): Promise<{ village: Area; total: Grid; basic: Grid }> {
      const { village, total } = await grid.tree();
      const basic = await grid.basic(village, total, buildings);
      await waitForReplica(stack, 'population-registry', [total.id, basic.id]);
      return { village, total, basic };
    },
    member: (village: Area, ...grids: Grid[]) =>
      stack.token({ roles: [Role.GRID_MEMBER], sub: `member-${randomInt(1e9)}`, areas: [village.path], grids: grids.map((g) => g.id) }),
    officer: (role: Role, village: Area) => stack.token({ roles: [role], sub: `officer-${randomInt(1e9)}`, areas: [village.path] }),
    async dwelling(gridId: string, building = '1号楼', token?: string): Promise<string> {
      return (
        await grid.ok<{ registerDwelling: { id: string } }>(
          `mutation($input: RegisterDwellingInput!) { registerDwelling(input: $input) { id } }`,
          {
            input: {
              gridId,
              kind: 'APARTMENT',
              occupancy: 'OWNER_OCCUPIED',
              building,
              addressText: `开元社区${building}${randomInt(1e6)}室`,
            },
          },
          token,
        )
      ).registerDwelling.id;
    },
    async household(gridId: string, building = '1号楼', token?: string): Promise<{ id: string; number: string; dwellingId: string }> {
      const dwellingId = await make.dwelling(gridId, building, token);
      const number = grid.code('H');
      const res = await grid.ok<{ registerHousehold: { id: string } }>(
        `mutation($input: RegisterHouseholdInput!) { registerHousehold(input: $input) { id } }`,
        { input: { number, dwellingId, registrationType: 'PERMANENT' } },
        token,
      );
      return { id: res.registerHousehold.id, number, dwellingId };
    },
    registerResident: (input: Record<string, unknown>, token?: string) =>
      grid.call<{ registerResident: Record<string, unknown> & { id: string } }>(
        `mutation($input: RegisterResidentInput!) { registerResident(input: $input) { ${RESIDENT} } }`,
        { input },
        token,
      ),
    async resident(
      householdId: string,
      extra: Record<string, unknown> = {},
      token?: string,
    ): Promise<{ id: string; nationalId: string; phone: string }> {
      const input = { householdId, name: '侯芳功', nationalId: nationalId(), phone: phoneNumber(), relation: '户主', ...extra };
      const res = dataOf(await make.registerResident(input, token));
      return { id: res.registerResident.id, nationalId: input.nationalId, phone: input.phone };
    },
  };
  return make;
}

/** The code and reason of a response's first error (the shared helper, by the name these tests use). */
export { reasonOf as codeOf } from '@civgrid/testing';

/**
 * A second instance of the population registry on the same database and topics, as a second pod
 * would run: to show that scheduled rounds fire once across instances. Asked over IPC like the stack's.
 */
export async function secondRegistry(stack: Stack): Promise<{
  setClock(at: Date | null): Promise<void>;
  runJob(name: string): Promise<{ ran: boolean; count: number }>;
  stop(): Promise<void>;
}> {
  const env = {
    ...process.env,
    ...serviceEnv({ databaseUrl: stack.services['population-registry'].db.url, topicPrefix: stack.prefix, keys: stack.keys }),
    NODE_ENV: 'test',
    JOBS_ENABLED: 'false',
  };
  const child = fork(join(__dirname, '..', '..', 'services', 'population-registry', 'dist', 'main.js'), [], {
    env,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const pending = new Map<number, (result: unknown) => void>();
  let next = 0;
  await new Promise<void>((resolve, reject) => {
    child.on('message', (message: { ready?: string; id?: number; result?: unknown }) => {
      if (message.ready) resolve();
      else if (message.id !== undefined) pending.get(message.id)?.(message.result);
    });
    child.once('exit', (code) => reject(new Error(`second registry exited (${code})`)));
  });
  const ask = <T>(op: string, args: Record<string, unknown>) =>
    new Promise<T>((resolve) => {
      const id = next++;
      pending.set(id, (result) => resolve(result as T));
      child.send({ id, op, ...args });
    });
  return {
    setClock: (at) => ask<void>('clock.set', { at: at?.toISOString() ?? null }),
    runJob: (name) => ask<{ ran: boolean; count: number }>('job.run', { name }),
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Residents of one household in a grid, as the population registry announces them, in the replicas
 * of the services that link to residents (an incident or a dispute names only residents the
 * registry has): registered through the gateway when the registry runs in the stack, otherwise
 * the registry's events are sent as its relay would.
 */
export async function announcedResidents(
  stack: Stack,
  gridId: string,
  n: number,
  services: string[] = ['incident-reporting', 'dispute-mediation'],
): Promise<string[]> {
  const ids: string[] = [];
  if (stack.services['population-registry']) {
    const make = populationFixtures(stack);
    await waitForReplica(stack, 'population-registry', [gridId]);
    const household = await make.household(gridId);
    for (let i = 0; i < n; i++) ids.push((await make.resident(household.id, { relation: i === 0 ? '户主' : '子女' })).id);
  } else {
    const householdId = randomUUID();
    for (let i = 0; i < n; i++) ids.push(randomUUID());
    const household: HouseholdRegisteredData = { householdId, dwellingId: randomUUID(), gridId, registrationType: 'PERMANENT' };
    const events: DomainEvent<object>[] = [
      { type: PopulationEvents.householdRegistered, aggregateType: 'Household', aggregateId: householdId, data: household },
      ...ids.map((residentId) => {
        const data: ResidentEventData = { residentId, householdId, gridId };
        return { type: PopulationEvents.residentRegistered, aggregateType: 'Resident', aggregateId: residentId, data };
      }),
    ];
    const kafka = new Kafka({ clientId: 'population-fixtures', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      await producer.send({
        topic: eventsTopic({ prefix: stack.prefix }, 'population'),
        acks: -1,
        messages: events.map((e) => ({
          key: e.aggregateId,
          value: JSON.stringify(toCloudEvent('/civgrid/population-registry', e)),
          headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE },
        })),
      });
    } finally {
      await producer.disconnect();
    }
  }
  for (const service of services) await waitForReplica(stack, service, ids, 30_000, 'resident_replica');
  return ids;
}
