import { randomUUID } from 'node:crypto';
import { PopulationEvents } from '@civgrid/contracts';
import { checkDigit, dataOf, gql, query } from '@civgrid/testing';
import { startTestService, TestService } from '@civgrid/service-testing';
import { populationRegistry } from '../src';
import { factories } from './factories';

// The phone's offline queue sends a registration again when it cannot tell whether the first send
// arrived: an id made on the phone registers the dwelling, household and resident once.
let svc: TestService;
let make: ReturnType<typeof factories>;

beforeAll(async () => {
  svc = await startTestService(populationRegistry);
  make = factories(svc);
});
afterAll(async () => {
  await make?.stop();
  await svc?.stop();
});

const nationalId = (birth: string): string => {
  const first17 = `370911${birth}${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}`;
  return first17 + checkDigit(first17);
};

const HOUSEHOLD = `mutation($input: RegisterHouseholdInput!) { registerHousehold(input: $input) { id number } }`;
const RESIDENT = `mutation($input: RegisterResidentInput!) { registerResident(input: $input) { id name household { id } } }`;

const rows = async (table: string, id: string) => (await query(svc.db.url, `SELECT id FROM ${table} WHERE id = $1`, [id])).length;
const events = async (type: string, aggregateId: string) =>
  (await query(svc.db.url, `SELECT id FROM outbox WHERE type = $1 AND aggregateid = $2`, [type, aggregateId])).length;

describe('registering with ids made on the phone', () => {
  it('the same dwelling, household and resident sent twice (and twice at once) are each registered once, with one event', async () => {
    const grid = await make.grid();
    const member = await make.member(grid);
    const ids = { dwelling: randomUUID(), household: randomUUID(), resident: randomUUID() };
    const dwellingInput = {
      id: ids.dwelling,
      gridId: grid.id,
      kind: 'APARTMENT',
      occupancy: 'OWNER_OCCUPIED',
      addressText: '2号楼1单元502',
    };
    const householdInput = { id: ids.household, number: `H${Date.now()}`, dwellingId: ids.dwelling, registrationType: 'PERMANENT' };
    const residentInput = {
      id: ids.resident,
      householdId: ids.household,
      name: '赵大山',
      nationalId: nationalId('19560708'),
      relation: '户主',
    };

    // Twice at once, then once more: every answer names the same row.
    const dwellings = await Promise.all([make.register(dwellingInput, member), make.register(dwellingInput, member)]);
    dwellings.push(await make.register(dwellingInput, member));
    expect(dwellings.map((d) => dataOf(d).registerDwelling.id)).toEqual([ids.dwelling, ids.dwelling, ids.dwelling]);
    const households = await Promise.all(
      [1, 2, 3].map(() => gql<{ registerHousehold: { id: string } }>(svc.url, HOUSEHOLD, { input: householdInput }, member)),
    );
    expect(households.map((h) => dataOf(h).registerHousehold.id)).toEqual([ids.household, ids.household, ids.household]);
    const residents = await Promise.all(
      [1, 2, 3].map(() =>
        gql<{ registerResident: { id: string; household: { id: string } } }>(svc.url, RESIDENT, { input: residentInput }, member),
      ),
    );
    for (const r of residents) expect(dataOf(r).registerResident).toMatchObject({ id: ids.resident, household: { id: ids.household } });

    expect(await rows('dwelling', ids.dwelling)).toBe(1);
    expect(await rows('household', ids.household)).toBe(1);
    expect(await rows('resident', ids.resident)).toBe(1);
    expect(await events(PopulationEvents.dwellingRegistered, ids.dwelling)).toBe(1);
    expect(await events(PopulationEvents.householdRegistered, ids.household)).toBe(1);
    expect(await events(PopulationEvents.residentRegistered, ids.resident)).toBe(1);
    expect(await events(PopulationEvents.householdMemberJoined, ids.household)).toBe(1);
  });

  it('a member of another grid who sends the same id and the same input is refused and given nothing of the row', async () => {
    const grid = await make.grid();
    const member = await make.member(grid);
    const input = { id: randomUUID(), gridId: grid.id, kind: 'APARTMENT', occupancy: 'OWNER_OCCUPIED', addressText: '3号楼2单元101' };
    dataOf(await make.register(input, member));
    const stranger = await make.member(await make.grid());
    const replay = await make.register(input, stranger);
    expect(replay.data?.registerDwelling ?? null).toBeNull();
    expect(replay.errors?.[0].extensions?.['code']).toMatch(/^(FORBIDDEN|NOT_FOUND)$/);
    expect(await rows('dwelling', input.id)).toBe(1);
    expect(await events(PopulationEvents.dwellingRegistered, input.id)).toBe(1);
  });

  it('an id that belongs to another row is refused with a code, not applied', async () => {
    const grid = await make.grid();
    const member = await make.member(grid);
    const dwelling = await make.dwelling(grid, { id: randomUUID() }, member);
    const other = await make.register(
      { id: dwelling.id, gridId: (await make.grid()).id, kind: 'APARTMENT', occupancy: 'RENTED', addressText: '别处' },
      await make.adminToken(),
    );
    expect(other.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'DWELLING_ID_TAKEN' });
    const household = randomUUID();
    dataOf(
      await gql(
        svc.url,
        HOUSEHOLD,
        { input: { id: household, number: `A${Date.now()}`, dwellingId: dwelling.id, registrationType: 'PERMANENT' } },
        member,
      ),
    );
    const again = await gql(
      svc.url,
      HOUSEHOLD,
      {
        input: { id: household, number: `B${Date.now()}`, dwellingId: dwelling.id, registrationType: 'PERMANENT' },
      },
      member,
    );
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'HOUSEHOLD_ID_TAKEN' });
    const resident = randomUUID();
    dataOf(
      await gql(
        svc.url,
        RESIDENT,
        { input: { id: resident, householdId: household, name: '甲', nationalId: nationalId('19700101'), relation: '户主' } },
        member,
      ),
    );
    const twin = await gql(
      svc.url,
      RESIDENT,
      {
        input: { id: resident, householdId: household, name: '乙', nationalId: nationalId('19710101'), relation: '配偶' },
      },
      member,
    );
    expect(twin.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'RESIDENT_ID_TAKEN' });
    expect(await events(PopulationEvents.residentRegistered, resident)).toBe(1);
  });
});
