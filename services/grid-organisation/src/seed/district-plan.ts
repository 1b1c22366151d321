import { AreaLevel, GridKind } from '@civgrid/contracts';

export interface PlannedArea {
  code: string;
  name: string;
  level: AreaLevel;
  urban: boolean;
  parentCode: string | null;
}

export interface PlannedGrid {
  code: string;
  name: string;
  kind: GridKind;
  areaCode: string;
  parentCode: string | null;
}

export interface DistrictPlan {
  areas: PlannedArea[];
  grids: PlannedGrid[];
}

export const SIZES = {
  // What `npm start` seeds: enough to click through.
  demo: { towns: 2, villages: 6, grids: 18 },
  // Daiyue District, Tai'an, as the source material describes it.
  daiyue: { towns: 11, villages: 479, grids: 1671 },
} as const;
export type SeedSize = keyof typeof SIZES;

const DISTRICT = { code: '370911000000', name: '泰安市岱岳区' };
const TOWNS: [string, boolean][] = [
  ['粥店街道', true],
  ['天平街道', true],
  ['北集坡街道', true],
  ['山口镇', false],
  ['祝阳镇', false],
  ['范镇', false],
  ['角峪镇', false],
  ['徂徕镇', false],
  ['满庄镇', false],
  ['夏张镇', false],
  ['道朗镇', false],
];
const SYLLABLES = ['东', '西', '南', '北', '王', '李', '张', '刘', '柳', '杨', '河', '山', '泉', '庄', '桥', '林', '石', '新', '安', '和', '兴', '胜', '太', '平'];

const villageName = (i: number, urban: boolean): string =>
  `${SYLLABLES[i % SYLLABLES.length]}${SYLLABLES[Math.floor(i / SYLLABLES.length) % SYLLABLES.length]}${urban ? '社区' : '村'}`;

/**
 * A deterministic district: the same size always gives the same codes and names, so seeding twice
 * changes nothing. Villages are spread over towns, every village gets a total grid, and the
 * remaining grids are basic grids spread over the villages.
 */
export function planDistrict(size: SeedSize): DistrictPlan {
  const { towns, villages, grids } = SIZES[size];
  const areas: PlannedArea[] = [{ ...DISTRICT, level: 'DISTRICT', urban: false, parentCode: null }];
  const plannedGrids: PlannedGrid[] = [];
  const townCodes: string[] = [];
  for (let t = 0; t < towns; t++) {
    const [name, urban] = TOWNS[t];
    const code = `370911${String(t + 1).padStart(3, '0')}000`;
    townCodes.push(code);
    areas.push({ code, name, level: 'TOWN', urban, parentCode: DISTRICT.code });
  }
  const villageCodes: string[] = [];
  for (let v = 0; v < villages; v++) {
    const t = v % towns;
    const town = townCodes[t];
    const seq = Math.floor(v / towns) + 1;
    const urban = TOWNS[t][1];
    const code = `${town.slice(0, 9)}${String(seq).padStart(3, '0')}`;
    villageCodes.push(code);
    areas.push({ code, name: villageName(v, urban), level: 'VILLAGE', urban, parentCode: town });
    plannedGrids.push({ code: `G${code}00`, name: `${villageName(v, urban)}总网格`, kind: 'TOTAL', areaCode: code, parentCode: null });
  }
  for (let g = villages; g < grids; g++) {
    const v = (g - villages) % villages;
    const n = Math.floor((g - villages) / villages) + 1;
    const village = villageCodes[v];
    plannedGrids.push({
      code: `G${village}${String(n).padStart(2, '0')}`,
      name: `第${n}网格`,
      kind: 'BASIC',
      areaCode: village,
      parentCode: `G${village}00`,
    });
  }
  return { areas, grids: plannedGrids };
}
