import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { Role } from '@civgrid/auth';
import { GridEvents } from '@civgrid/contracts';
import { dataOf, eventually, GraphqlResponse } from '@civgrid/testing';
import { createTree, waitForReplica } from '../src/scenario';
import { startStack, Stack } from '../src/stack';
import { nationalId, phoneNumber } from './population-fixtures';

// Metrics at /metrics on the gateway and each subgraph, and one request log line per request with
// the gateway's request id, through the real stack (subgraphs as processes of their own).

let stack: Stack;
let admin: string;
const gatewayLogs: string[] = [];
const SERVICES = ['grid-organisation', 'population-registry'];

beforeAll(async () => {
  stack = await startStack('observability', {}, SERVICES, {
    captureLogs: true,
    serviceEnv: { LOG_LEVEL: 'info' },
    gatewayLogger: pino({ level: 'info' }, { write: (line: string) => void gatewayLogs.push(line.trim()) }),
  });
  admin = await stack.token({ roles: [Role.ADMIN], sub: 'admin-observability' });
}, 120_000);
afterAll(() => stack?.stop());

const metricsUrl = (graphqlUrl: string): string => graphqlUrl.replace(/\/graphql$/, '/metrics');

async function scrape(graphqlUrl: string): Promise<string> {
  const res = await fetch(metricsUrl(graphqlUrl));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
  return res.text();
}

/** The sum of a metric's samples whose labels include `labels`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  let found: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const body = /\{(.*)\}/.exec(line)?.[1] ?? '';
    const have = Object.fromEntries([...body.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) found = (found ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return found;
}

async function post<D>(query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await fetch(stack.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}`, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { requestId: response.headers.get('x-request-id'), body: (await response.json()) as GraphqlResponse<D> };
}

const parsed = (lines: string[]): Record<string, unknown>[] =>
  lines.flatMap((l) => {
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });

const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'observability.md'), 'utf8');
const SHARED = [
  'civgrid_graphql_operation_duration_seconds',
  'civgrid_http_responses_total',
  'civgrid_http_request_duration_seconds',
  'process_cpu_seconds_total',
  'nodejs_eventloop_lag_seconds',
];
const SUBGRAPH = [
  'civgrid_db_pool_connections',
  'civgrid_outbox_backlog_rows',
  'civgrid_outbox_oldest_unpublished_age_seconds',
  'civgrid_outbox_published_total',
  'civgrid_outbox_publish_errors_total',
  'civgrid_events_consumed_total',
  'civgrid_events_dead_lettered_total',
  'civgrid_consumer_lag_messages',
  'civgrid_job_runs_total',
];

describe('metrics at /metrics', () => {
  let tree: Awaited<ReturnType<typeof createTree>>;
  beforeAll(async () => {
    tree = await createTree(stack.url, admin, 2);
    await waitForReplica(stack, 'population-registry', tree.gridIds);
  });

  it('the gateway and every subgraph expose the documented metrics, each named in docs/observability.md', async () => {
    const gateway = await scrape(stack.url);
    for (const name of [...SHARED, 'civgrid_gateway_subgraph_fetch_duration_seconds']) {
      expect(gateway).toContain(`# TYPE ${name} `);
      if (name.startsWith('civgrid_')) expect(doc).toContain(name);
    }
    for (const service of SERVICES) {
      const text = await scrape(stack.services[service].url);
      for (const name of [...SHARED, ...SUBGRAPH]) {
        if (name === 'civgrid_consumer_lag_messages' && service === 'grid-organisation') continue; // consumes nothing here
        expect({ service, name, present: text.includes(`# TYPE ${name} `) }).toEqual({ service, name, present: true });
        if (name.startsWith('civgrid_')) expect(doc).toContain(name);
      }
      expect(sample(text, 'civgrid_db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
    }
  });

  it('a cross-subgraph query is timed by operation name and outcome, and each subgraph fetch by subgraph', async () => {
    const ok = await post(
      `query GridsWithDwellings($p: String!) { grids(underPath: $p) { edges { node { id dwellings { edges { node { id } } } } } } }`,
      {
        p: tree.village.path,
      },
    );
    expect(ok.body.errors).toBeUndefined();
    const invalid = await post(`query Broken { grids { nope } }`, {});
    expect(invalid.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    const gateway = await scrape(stack.url);
    const count = 'civgrid_graphql_operation_duration_seconds_count';
    expect(sample(gateway, count, { operation: 'GridsWithDwellings', operation_type: 'query', outcome: 'ok' })).toBe(1);
    // Not validated: no name taken from it.
    expect(sample(gateway, count, { operation: 'Broken' })).toBeUndefined();
    expect(sample(gateway, count, { operation: 'unknown', outcome: 'client_error' })).toBeGreaterThanOrEqual(1);
    expect(sample(gateway, 'civgrid_graphql_errors_total', { code: 'GRAPHQL_VALIDATION_FAILED' })).toBeGreaterThanOrEqual(1);
    for (const subgraph of SERVICES) {
      expect(sample(gateway, 'civgrid_gateway_subgraph_fetch_duration_seconds_count', { subgraph, outcome: 'ok' })).toBeGreaterThanOrEqual(
        1,
      );
    }
    expect(sample(gateway, 'civgrid_http_responses_total', { route: '/graphql', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(sample(gateway, 'civgrid_http_responses_total', { route: '/graphql', status: '400' })).toBeGreaterThanOrEqual(1);
    const population = await scrape(stack.services['population-registry'].url);
    expect(sample(population, count, { operation_type: 'query', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
  });

  it('consumed events, consumer lag per partition and job rounds are reported by the consuming service', async () => {
    const population = stack.services['population-registry'];
    const text = await eventually(async () => {
      const t = await scrape(population.url);
      return sample(t, 'civgrid_consumer_lag_messages', { topic: `${stack.prefix}civgrid.grid.events` }) !== undefined ? t : undefined;
    });
    expect(sample(text, 'civgrid_events_consumed_total', { type: GridEvents.created, outcome: 'applied' })).toBeGreaterThanOrEqual(2);
    const partitions = [...text.matchAll(/^civgrid_consumer_lag_messages\{[^}]*partition="(\d+)"/gm)].map((m) => m[1]);
    expect(partitions.length).toBeGreaterThan(0);
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/); // no ids in any label

    expect(await population.runJob('wellbeing-check-misses')).toMatchObject({ ran: true });
    const after = await scrape(population.url);
    expect(sample(after, 'civgrid_job_runs_total', { job: 'wellbeing-check-misses', outcome: 'done' })).toBe(1);
    expect(sample(after, 'civgrid_job_duration_seconds_count', { job: 'wellbeing-check-misses' })).toBe(1);
  });
});

describe('request logs', () => {
  it('one line per request with the request id, which reaches the subgraphs; no national id, phone or variables in any line', async () => {
    const { basicId } = await (async () => {
      const t = await createTree(stack.url, admin, 2);
      await waitForReplica(stack, 'population-registry', t.gridIds);
      return { basicId: t.gridIds[1] };
    })();
    const dwelling = await post<{ registerDwelling: { id: string } }>(
      `mutation Dwelling($input: RegisterDwellingInput!) { registerDwelling(input: $input) { id } }`,
      { input: { gridId: basicId, kind: 'APARTMENT', occupancy: 'OWNER_OCCUPIED', building: '1号楼', addressText: '开元社区1号楼' } },
    );
    const household = await post<{ registerHousehold: { id: string } }>(
      `mutation Household($input: RegisterHouseholdInput!) { registerHousehold(input: $input) { id } }`,
      {
        input: {
          number: `H${randomBytes(4).toString('hex')}`,
          dwellingId: dataOf(dwelling.body).registerDwelling.id,
          registrationType: 'PERMANENT',
        },
      },
    );
    const secretName = `观测${randomBytes(3).toString('hex')}`;
    const input = {
      householdId: dataOf(household.body).registerHousehold.id,
      name: secretName,
      nationalId: nationalId(),
      phone: phoneNumber(),
      relation: '户主',
    };
    const requestId = `test-${randomBytes(8).toString('hex')}`;
    const registered = await post<{ registerResident: { id: string } }>(
      `mutation RegisterOne($input: RegisterResidentInput!) { registerResident(input: $input) { id nationalId phone grid { id name } } }`,
      { input },
      { 'x-request-id': requestId },
    );
    expect(registered.body.errors).toBeUndefined();
    expect(registered.requestId).toBe(requestId);
    // Refused input carrying personal data: logged as an outcome, never as the input.
    const badId = `${input.nationalId.slice(0, 17)}${input.nationalId[17] === '1' ? '2' : '1'}`;
    const refused = await post(`mutation RegisterBad($input: RegisterResidentInput!) { registerResident(input: $input) { id } }`, {
      input: { ...input, nationalId: badId, phone: '13900000000' },
    });
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(refused.requestId).toMatch(/^[0-9a-f-]{36}$/); // made by the gateway

    const subgraphLines = async (id: string) =>
      eventually(async () => {
        const lines = SERVICES.flatMap((s) => parsed(stack.services[s].logs).map((l): Record<string, unknown> => ({ ...l, service: s })));
        const mine = lines.filter((l) => l['requestId'] === id && l['msg'] === 'request');
        return mine.some((l) => l.service === 'population-registry') ? mine : undefined;
      });
    const mine = await subgraphLines(requestId);
    expect(mine.find((l) => l.service === 'population-registry')).toMatchObject({
      requestId,
      route: '/graphql',
      status: 200,
      outcome: 'ok',
      operationType: 'mutation',
      principalId: 'admin-observability',
    });
    // The grid's name came from grid organisation: the same request id there too.
    expect(mine.some((l) => l.service === 'grid-organisation')).toBe(true);
    await subgraphLines(refused.requestId!);

    const gatewayLine = parsed(gatewayLogs).find((l) => l['requestId'] === requestId && l['msg'] === 'request');
    expect(gatewayLine).toMatchObject({ operationName: 'RegisterOne', outcome: 'ok', principalId: 'admin-observability', status: 200 });
    expect(typeof gatewayLine?.['durationMs']).toBe('number');
    expect(parsed(gatewayLogs).find((l) => l['requestId'] === refused.requestId)).toMatchObject({
      operationName: 'RegisterBad',
      outcome: 'client_error',
      errorCodes: ['BAD_USER_INPUT'],
    });

    const everything = [...gatewayLogs, ...SERVICES.flatMap((s) => stack.services[s].logs)].join('\n');
    expect(everything.length).toBeGreaterThan(0);
    for (const secret of [input.nationalId, badId, input.phone, '13900000000', secretName, JSON.stringify({ input })]) {
      expect({ secret, logged: everything.includes(secret) }).toEqual({ secret, logged: false });
    }
  });
});
