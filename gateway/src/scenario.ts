import { dataOf, eventually, gql, query, testDistrictCode } from '@civgrid/testing';
import { Stack } from './stack';

export interface Tree {
  district: { id: string; code: string; path: string };
  town: { id: string; code: string; path: string };
  village: { id: string; code: string; path: string };
  gridIds: string[];
}

const AREA = `mutation($input: CreateAreaInput!) { createArea(input: $input) { id code path } }`;
const GRID = `mutation($input: CreateGridInput!) { createGrid(input: $input) { id } }`;

/** A district → town → village with one total grid and `grids - 1` basic grids, through the gateway. */
export async function createTree(url: string, token: string, grids = 1): Promise<Tree> {
  const code = testDistrictCode().slice(0, 6);
  type Area = Tree['district'];
  const area = async (input: Record<string, unknown>): Promise<Area> =>
    dataOf(await gql<{ createArea: Area }>(url, AREA, { input }, token)).createArea;
  const district = await area({ code: `${code}000000`, name: '岱岳区' });
  const town = await area({ code: `${code}001000`, name: '粥店街道', parentId: district.id, urban: true });
  const village = await area({ code: `${code}001001`, name: '东湖社区', parentId: town.id, urban: true });
  const grid = async (input: Record<string, unknown>): Promise<string> =>
    dataOf(await gql<{ createGrid: { id: string } }>(url, GRID, { input }, token)).createGrid.id;
  const total = await grid({ code: `T${code}`, name: '总网格', kind: 'TOTAL', areaId: village.id });
  const gridIds = [total];
  for (let i = 1; i < grids; i++)
    gridIds.push(await grid({ code: `B${code}x${i}`, name: `第${i}网格`, kind: 'BASIC', areaId: village.id, parentGridId: total }));
  return { district, town, village, gridIds };
}

/** Waits until a service's grid replica holds these grids (they arrive by Kafka events). */
export async function waitForReplica(
  stack: Stack,
  service: string,
  ids: string[],
  timeoutMs = 30_000,
  table = 'grid_replica',
): Promise<void> {
  await eventually(async () => {
    const [row] = await query<{ n: number }>(
      stack.services[service].db.url,
      `SELECT count(*)::int AS n FROM ${table} WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return row.n === ids.length ? true : undefined;
  }, timeoutMs);
}

export async function registerDwellings(url: string, token: string, gridIds: string[], perGrid: number): Promise<string[]> {
  const ids: string[] = [];
  for (const gridId of gridIds) {
    for (let i = 0; i < perGrid; i++) {
      const res = await gql<{ registerDwelling: { id: string } }>(
        url,
        `mutation($input: RegisterDwellingInput!) { registerDwelling(input: $input) { id } }`,
        {
          input: { gridId, kind: 'APARTMENT', occupancy: 'OWNER_OCCUPIED', building: `${i + 1}号楼`, addressText: `东湖社区 ${i + 1}号楼` },
        },
        token,
      );
      ids.push(dataOf(res).registerDwelling.id);
    }
  }
  return ids;
}
