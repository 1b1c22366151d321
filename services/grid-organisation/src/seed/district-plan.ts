import { AreaLevel, CoverageItemKind, DepartmentKind, GridKind, MemberEmployment } from '@civgrid/contracts';

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
  coverage: { kind: CoverageItemKind; name: string }[];
}

/** The grid leader (网格长) of one grid. */
export interface PlannedMember {
  name: string;
  phone: string;
  employment: MemberEmployment;
  gridCode: string;
  /** The account of the demo grid member's token: their tokens and their GridMember record are one person. */
  userId: string | null;
}

/** The demo grid member's account: the leader of the district's first grid (the one `npm start` prints). */
export const DEMO_GRID_MEMBER_USER = 'demo-grid-member';
/** The demo department officer's department. */
export const DEMO_DEPARTMENT_CODE = 'DY-HOUSING';

export interface PlannedDepartment {
  code: string;
  name: string;
  kind: DepartmentKind;
}

export interface DistrictPlan {
  areas: PlannedArea[];
  grids: PlannedGrid[];
  members: PlannedMember[];
  departments: PlannedDepartment[];
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
const SYLLABLES = [
  '东',
  '西',
  '南',
  '北',
  '王',
  '李',
  '张',
  '刘',
  '柳',
  '杨',
  '河',
  '山',
  '泉',
  '庄',
  '桥',
  '林',
  '石',
  '新',
  '安',
  '和',
  '兴',
  '胜',
  '太',
  '平',
];

// Common surnames, and given names of the kind the source's people carry (侯方功, 宋晓芳, 王旭文, 王凤珍 …).
const SURNAMES = [
  ...'王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文',
];
const GIVEN = [
  '晓芳',
  '旭文',
  '文义',
  '凤珍',
  '洪福',
  '明',
  '方功',
  '长勇',
  '英文',
  '秀英',
  '桂英',
  '建华',
  '建国',
  '志强',
  '海燕',
  '丽娟',
  '淑珍',
  '玉兰',
  '振华',
  '立新',
  '红梅',
  '春燕',
  '国庆',
  '卫东',
  '德明',
  '金凤',
  '永刚',
  '慧敏',
  '静',
  '磊',
  '涛',
  '霞',
  '伟',
  '芳',
  '军',
  '敏',
  '强',
  '娜',
];
const DEPARTMENTS: PlannedDepartment[] = [
  { code: 'DY-COURT', name: '岱岳区人民法院', kind: 'COURT' },
  { code: 'DY-PROCURATORATE', name: '岱岳区人民检察院', kind: 'PROCURATORATE' },
  { code: 'DY-JUSTICE', name: '岱岳区司法局', kind: 'JUDICIAL_BUREAU' },
  { code: DEMO_DEPARTMENT_CODE, name: '岱岳区住房和城乡建设局', kind: 'HOUSING_CONSTRUCTION_BUREAU' },
  { code: 'DY-LETTERS', name: '岱岳区信访局', kind: 'LETTERS_CALLS_BUREAU' },
  { code: 'DY-POLICE', name: '泰安市公安局岱岳分局', kind: 'PUBLIC_SECURITY' },
  { code: 'DY-CIVIL', name: '岱岳区民政局', kind: 'CIVIL_AFFAIRS' },
  { code: 'DY-HRSS', name: '岱岳区人力资源和社会保障局', kind: 'HUMAN_RESOURCES_SOCIAL_SECURITY' },
  { code: 'DY-NATRES', name: '泰安市自然资源和规划局岱岳分局', kind: 'NATURAL_RESOURCES' },
  { code: 'DY-MARKET', name: '岱岳区市场监督管理局', kind: 'MARKET_REGULATION' },
];
const LANES = ['东', '西', '南', '北', '前', '后'];

/** A plausible name for the i-th person: surname and given name stepped at different rates. */
export const personName = (i: number): string =>
  `${SURNAMES[(i * 7) % SURNAMES.length]}${GIVEN[(i * 11 + Math.floor(i / SURNAMES.length)) % GIVEN.length]}`;

/** A mainland mobile number derived from the district code and a sequence: distinct, stable. */
export const memberPhone = (i: number): string => `137${DISTRICT.code.slice(2, 6)}${String(i).padStart(4, '0')}`;

/** A city grid covers a few buildings (Song Xiaofang's four); a village grid a couple of lanes. */
const coverageOf = (n: number, urban: boolean): PlannedGrid['coverage'] =>
  urban
    ? [1, 2, 3, 4].map((b) => ({ kind: 'BUILDING' as const, name: `${(n - 1) * 4 + b}号楼` }))
    : [0, 1].map((l) => ({ kind: 'LANE' as const, name: `${LANES[(n * 2 + l) % LANES.length]}${n}巷` }));

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
    plannedGrids.push({
      code: `G${code}00`,
      name: `${villageName(v, urban)}总网格`,
      kind: 'TOTAL',
      areaCode: code,
      parentCode: null,
      coverage: [],
    });
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
      coverage: coverageOf(n, TOWNS[v % towns][1]),
    });
  }
  // One grid leader per grid ("1,671 grids and grid members"); every fifth works part-time.
  const members = plannedGrids.map((g, i): PlannedMember => ({
    name: personName(i),
    phone: memberPhone(i),
    employment: i % 5 === 4 ? 'PART_TIME' : 'FULL_TIME',
    gridCode: g.code,
    userId: i === 0 ? DEMO_GRID_MEMBER_USER : null,
  }));
  return { areas, grids: plannedGrids, members, departments: DEPARTMENTS };
}
