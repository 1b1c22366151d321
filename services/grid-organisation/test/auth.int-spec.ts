import { Role } from '@civgrid/auth';
import { startService } from '@civgrid/service-kit';
import { createTestDatabase, gql, makeKeys, serviceEnv, tokenFor, topicPrefix } from '@civgrid/testing';
import { TestService, startTestService } from '@civgrid/service-testing';
import { gridOrganisation } from '../src';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService(gridOrganisation, { label: 'auth' });
});
afterAll(() => svc?.stop());

const OPERATIONS = {
  query: `{ grids { totalCount } }`,
  service: `{ _service { sdl } }`,
  entities: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Grid { id name } } }`,
};

describe('a subgraph reached directly', () => {
  it.each(Object.entries(OPERATIONS))(
    'refuses %s without a token, with an expired token and with a token of another key',
    async (_name, op) => {
      const variables = { r: [{ __typename: 'Grid', id: '7d5c3c1e-0000-4000-8000-000000000000' }] };
      const otherKeys = await makeKeys();
      const tokens: [string, string | undefined, string][] = [
        ['none', undefined, 'TOKEN_MISSING'],
        ['expired', await tokenFor(svc.keys, { roles: [Role.ADMIN] }, -60), 'TOKEN_EXPIRED'],
        ['foreign', await tokenFor(otherKeys, { roles: [Role.ADMIN] }), 'TOKEN_INVALID'],
        ['garbage', 'not.a.jwt', 'TOKEN_INVALID'],
      ];
      for (const [label, token, reason] of tokens) {
        const res = await gql(svc.url, op, variables, token);
        expect({
          label,
          status: res.status,
          code: res.errors?.[0]?.extensions?.code,
          reason: res.errors?.[0]?.extensions?.reason,
          data: res.data ?? null,
        }).toEqual({
          label,
          status: 401,
          code: 'UNAUTHENTICATED',
          reason,
          data: null,
        });
      }
    },
  );

  it('answers the same operations with a valid token', async () => {
    const token = await tokenFor(svc.keys, { roles: [Role.ADMIN] });
    const res = await gql<{ _service: { sdl: string } }>(svc.url, OPERATIONS.service, {}, token);
    expect(res.data?._service.sdl).toContain('type Grid');
  });

  it('refuses a mutation from a role that may not make it', async () => {
    const analyst = await tokenFor(svc.keys, { roles: [Role.ANALYST], areas: ['370911000000'] });
    const res = await gql(svc.url, `mutation { createArea(input: { code: "370911000000", name: "x" }) { id } }`, {}, analyst);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_REQUIRED' });
    expect(res.data).toBeNull();
  });
});

describe('configuration', () => {
  it('stops start-up with a message naming every missing or malformed variable', async () => {
    const db = await createTestDatabase('config');
    try {
      const env = serviceEnv({ databaseUrl: db.url, topicPrefix: topicPrefix('config'), keys: await makeKeys() });
      const broken = { ...env, DATABASE_URL: undefined, KAFKA_BROKERS: 'no port here', PORT: 'eighty' };
      const failure = startService(gridOrganisation, broken);
      await expect(failure).rejects.toThrow(/DATABASE_URL is required but not set/);
      await expect(failure).rejects.toThrow(/KAFKA_BROKERS must be host:port/);
      await expect(failure).rejects.toThrow(/PORT /);
      await expect(startService(gridOrganisation, { ...env, AUTH_PUBLIC_KEY: 'not a key' })).rejects.toThrow(
        /AUTH_PUBLIC_KEY must be a PEM public key/,
      );
    } finally {
      await db.drop();
    }
  });
});
