import { JsonSchema } from '@civgrid/events';
import { dateTime, eventSchema, ltreePath, text, uuid } from './schema-parts';

export const GridEvents = {
  areaCreated: 'civgrid.grid.area-created.v1',
  created: 'civgrid.grid.grid-created.v1',
  updated: 'civgrid.grid.grid-updated.v1',
  retired: 'civgrid.grid.grid-retired.v1',
  areaRenamed: 'civgrid.grid.area-renamed.v1',
  reshaped: 'civgrid.grid.grid-reshaped.v1',
  memberRegistered: 'civgrid.grid.member-registered.v1',
  memberAssigned: 'civgrid.grid.member-assigned.v1',
  memberUnassigned: 'civgrid.grid.member-unassigned.v1',
  departmentCreated: 'civgrid.grid.department-created.v1',
} as const;

export type AreaLevel = 'DISTRICT' | 'TOWN' | 'VILLAGE';
export type GridKind = 'TOTAL' | 'BASIC' | 'MICRO';
export type GridStatus = 'ACTIVE' | 'RETIRED';

export interface AreaCreatedData {
  areaId: string;
  code: string;
  name: string;
  level: AreaLevel;
  parentId: string | null;
  path: string;
}

/** The state of a grid after the change: the same shape for created, updated and retired (which adds its reason). */
export interface GridEventData {
  gridId: string;
  code: string;
  name: string;
  kind: GridKind;
  areaId: string;
  areaPath: string;
  path: string;
  parentGridId: string | null;
  status: GridStatus;
}

const gridState = (title: string, extra: Record<string, JsonSchema> = {}, optional: string[] = []) =>
  eventSchema(
    title,
    {
      gridId: uuid,
      code: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$' },
      name: text(200),
      kind: { enum: ['TOTAL', 'BASIC', 'MICRO'] },
      areaId: uuid,
      areaPath: ltreePath,
      path: ltreePath,
      parentGridId: { anyOf: [uuid, { type: 'null' }] },
      status: { enum: ['ACTIVE', 'RETIRED'] },
      ...extra,
    },
    optional,
  );

/** A grid was retired: its state after the change, and why (retireGrid's reason, or the reshape's). */
export interface GridRetiredData extends GridEventData {
  reason: string;
}

export interface AreaRenamedData {
  areaId: string;
  code: string;
  path: string;
  name: string;
  previousName: string;
}

export type CoverageItemKind = 'BUILDING' | 'STREET' | 'LANE' | 'COURTYARD' | 'OTHER';
export type ReshapeKind = 'SPLIT' | 'MERGE' | 'MOVE';

/**
 * One reshaping of a village's grids. `items` says where every coverage item went, so other
 * services can re-home the rows they keep per grid (dwellings by building, say). Keyed by the
 * village's area id so that successive reshapes of one village reach consumers in order; the
 * grid-retired and grid-created events of the grids involved are published in the same
 * transaction (keyed by grid id, as always).
 */
export interface GridReshapedData {
  reshapeId: string;
  kind: ReshapeKind;
  areaId: string;
  areaPath: string;
  effectiveFrom: string;
  retiredGrids: { gridId: string; code: string; path: string }[];
  createdGrids: { gridId: string; code: string; path: string }[];
  items: { key: string; kind: CoverageItemKind; fromGridId: string; toGridId: string }[];
}

export type MemberEmployment = 'FULL_TIME' | 'PART_TIME' | 'VOLUNTEER';
export type AssignmentRole = 'GRID_LEADER' | 'GRID_MEMBER' | 'BUILDING_LEADER';

/** A grid member was registered: ids only, never the person's name or phone. */
export interface MemberRegisteredData {
  memberId: string;
  areaId: string;
  areaPath: string;
  employment: MemberEmployment;
  userId: string | null;
}

/** The same shape for assigned and unassigned: the assignment after the change. */
export interface MemberAssignmentData {
  assignmentId: string;
  memberId: string;
  gridId: string;
  gridPath: string;
  role: AssignmentRole;
  from: string;
  to: string | null;
}

export type DepartmentKind =
  | 'COURT'
  | 'PROCURATORATE'
  | 'JUDICIAL_BUREAU'
  | 'HOUSING_CONSTRUCTION_BUREAU'
  | 'LETTERS_CALLS_BUREAU'
  | 'PUBLIC_SECURITY'
  | 'CIVIL_AFFAIRS'
  | 'HUMAN_RESOURCES_SOCIAL_SECURITY'
  | 'NATURAL_RESOURCES'
  | 'MARKET_REGULATION'
  | 'OTHER';
export type DepartmentLevel = 'DISTRICT' | 'TOWN';

export interface DepartmentCreatedData {
  departmentId: string;
  code: string;
  name: string;
  kind: DepartmentKind;
  level: DepartmentLevel;
  areaId: string;
  areaPath: string;
}

const gridCode = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$' } as const;
const isoDate = { type: 'string', format: 'date' } as const;
const gridRef = {
  type: 'object',
  additionalProperties: false,
  required: ['gridId', 'code', 'path'],
  properties: { gridId: uuid, code: gridCode, path: ltreePath },
} as const;
const assignment = (title: string) =>
  eventSchema(title, {
    assignmentId: uuid,
    memberId: uuid,
    gridId: uuid,
    gridPath: ltreePath,
    role: { enum: ['GRID_LEADER', 'GRID_MEMBER', 'BUILDING_LEADER'] },
    from: dateTime,
    to: { anyOf: [dateTime, { type: 'null' }] },
  });

export const gridSchemas: Record<string, JsonSchema> = {
  [GridEvents.areaCreated]: eventSchema('An administrative area was created', {
    areaId: uuid,
    code: { type: 'string', pattern: '^[0-9]{12}$' },
    name: text(200),
    level: { enum: ['DISTRICT', 'TOWN', 'VILLAGE'] },
    parentId: { anyOf: [uuid, { type: 'null' }] },
    path: ltreePath,
  }),
  [GridEvents.created]: gridState('A grid was created'),
  [GridEvents.updated]: gridState('A grid was changed'),
  // `reason` is written on every grid-retired event; events from before it was added have none.
  [GridEvents.retired]: gridState('A grid was retired', { reason: text(500) }, ['reason']),
  [GridEvents.areaRenamed]: eventSchema('An administrative area was renamed', {
    areaId: uuid,
    code: { type: 'string', pattern: '^[0-9]{12}$' },
    path: ltreePath,
    name: text(200),
    previousName: text(200),
  }),
  [GridEvents.reshaped]: eventSchema('Grids of a village or community were split, merged or had coverage moved', {
    reshapeId: uuid,
    kind: { enum: ['SPLIT', 'MERGE', 'MOVE'] },
    areaId: uuid,
    areaPath: ltreePath,
    effectiveFrom: isoDate,
    retiredGrids: { type: 'array', items: gridRef },
    createdGrids: { type: 'array', items: gridRef },
    items: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'kind', 'fromGridId', 'toGridId'],
        properties: {
          key: text(240),
          kind: { enum: ['BUILDING', 'STREET', 'LANE', 'COURTYARD', 'OTHER'] },
          fromGridId: uuid,
          toGridId: uuid,
        },
      },
    },
  }),
  [GridEvents.memberRegistered]: eventSchema('A grid member was registered', {
    memberId: uuid,
    areaId: uuid,
    areaPath: ltreePath,
    employment: { enum: ['FULL_TIME', 'PART_TIME', 'VOLUNTEER'] },
    userId: { anyOf: [text(200), { type: 'null' }] },
  }),
  [GridEvents.memberAssigned]: assignment('A grid member was assigned to a grid'),
  [GridEvents.memberUnassigned]: assignment('A grid assignment ended'),
  [GridEvents.departmentCreated]: eventSchema('A department was created', {
    departmentId: uuid,
    code: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$' },
    name: text(200),
    kind: {
      enum: [
        'COURT',
        'PROCURATORATE',
        'JUDICIAL_BUREAU',
        'HOUSING_CONSTRUCTION_BUREAU',
        'LETTERS_CALLS_BUREAU',
        'PUBLIC_SECURITY',
        'CIVIL_AFFAIRS',
        'HUMAN_RESOURCES_SOCIAL_SECURITY',
        'NATURAL_RESOURCES',
        'MARKET_REGULATION',
        'OTHER',
      ],
    },
    level: { enum: ['DISTRICT', 'TOWN'] },
    areaId: uuid,
    areaPath: ltreePath,
  }),
};
