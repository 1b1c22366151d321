import { randomInt } from 'node:crypto';
import { Role } from '@civgrid/auth';
import { dataOf, gql, testDistrictCode, TestKeys, tokenFor } from '@civgrid/testing';

export interface Area {
  id: string;
  code: string;
  path: string;
  name: string;
  level: string;
}
export interface Grid {
  id: string;
  code: string;
  path: string;
  kind: string;
}

const AREA = `id code path name level`;
const GRID = `id code path kind`;

/** Fresh codes per call, so tests never collide on the shared unique constraints. */
const districtCode = (): string => testDistrictCode();

/** Builds the tree through the GraphQL API, as an admin would, so each test owns its data. */
export function factories(url: string, keys: TestKeys) {
  const admin = tokenFor(keys, { roles: [Role.ADMIN], sub: 'factory-admin' });
  const counters = { town: 0, village: 0 };
  const area = async (code: string, name: string, parentId?: string, urban = false): Promise<Area> =>
    dataOf(
      await gql<{ createArea: Area }>(
        url,
        `mutation($input: CreateAreaInput!) { createArea(input: $input) { ${AREA} } }`,
        { input: { code, name, parentId, urban } },
        await admin,
      ),
    ).createArea;

  return {
    adminToken: () => admin,
    district: (name = '岱岳区') => area(districtCode(), name),
    town: (district: Area, name = '粥店街道') =>
      area(`${district.code.slice(0, 6)}${String(++counters.town).padStart(3, '0')}000`, name, district.id, true),
    village: (town: Area, name = '东湖社区') =>
      area(`${town.code.slice(0, 9)}${String(++counters.village).padStart(3, '0')}`, name, town.id, true),
    async grid(
      village: Area,
      kind: 'TOTAL' | 'BASIC' | 'MICRO' = 'TOTAL',
      parentGridId?: string,
      code = `G${randomInt(1e9)}`,
    ): Promise<Grid> {
      return dataOf(
        await gql<{ createGrid: Grid }>(
          url,
          `mutation($input: CreateGridInput!) { createGrid(input: $input) { ${GRID} } }`,
          { input: { code, name: `网格 ${code}`, kind, areaId: village.id, parentGridId } },
          await admin,
        ),
      ).createGrid;
    },
    /** district → town → village → total grid. */
    async tree() {
      const district = await this.district();
      const town = await this.town(district);
      const village = await this.village(town);
      const total = await this.grid(village, 'TOTAL');
      return { district, town, village, total };
    },
  };
}
