import { Type } from '@sinclair/typebox';
import { PayloadsOf, closedObject, dateTime, eventSchema, isoDate, ltreePath, nullable, oneOf, text, uuid } from './schema-parts';

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

export const AREA_LEVELS = ['DISTRICT', 'TOWN', 'VILLAGE'] as const;
export const GRID_KINDS = ['TOTAL', 'BASIC', 'MICRO'] as const;
export const GRID_STATUSES = ['ACTIVE', 'RETIRED'] as const;
export const COVERAGE_ITEM_KINDS = ['BUILDING', 'STREET', 'LANE', 'COURTYARD', 'OTHER'] as const;
export const RESHAPE_KINDS = ['SPLIT', 'MERGE', 'MOVE'] as const;
export const MEMBER_EMPLOYMENTS = ['FULL_TIME', 'PART_TIME', 'VOLUNTEER'] as const;
export const ASSIGNMENT_ROLES = ['GRID_LEADER', 'GRID_MEMBER', 'BUILDING_LEADER'] as const;
export const DEPARTMENT_KINDS = [
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
] as const;
export const DEPARTMENT_LEVELS = ['DISTRICT', 'TOWN'] as const;

export type AreaLevel = (typeof AREA_LEVELS)[number];
export type GridKind = (typeof GRID_KINDS)[number];
export type GridStatus = (typeof GRID_STATUSES)[number];
export type CoverageItemKind = (typeof COVERAGE_ITEM_KINDS)[number];
export type ReshapeKind = (typeof RESHAPE_KINDS)[number];
export type MemberEmployment = (typeof MEMBER_EMPLOYMENTS)[number];
export type AssignmentRole = (typeof ASSIGNMENT_ROLES)[number];
export type DepartmentKind = (typeof DEPARTMENT_KINDS)[number];
export type DepartmentLevel = (typeof DEPARTMENT_LEVELS)[number];

const areaCode = Type.String({ pattern: '^[0-9]{12}$' });
const gridCode = Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$' });

/** The state of a grid after the change: the same shape for created, updated and retired (which adds its reason). */
const gridState = {
  gridId: uuid,
  code: gridCode,
  name: text(200),
  kind: oneOf(GRID_KINDS),
  areaId: uuid,
  areaPath: ltreePath,
  path: ltreePath,
  parentGridId: nullable(uuid),
  status: oneOf(GRID_STATUSES),
};
const gridRef = closedObject({ gridId: uuid, code: gridCode, path: ltreePath });
/** The same shape for assigned and unassigned: the assignment after the change. */
const assignment = (title: string) =>
  eventSchema(title, {
    assignmentId: uuid,
    memberId: uuid,
    gridId: uuid,
    gridPath: ltreePath,
    role: oneOf(ASSIGNMENT_ROLES),
    from: dateTime,
    to: nullable(dateTime),
  });

export const gridEventDefinitions = {
  [GridEvents.areaCreated]: eventSchema('An administrative area was created', {
    areaId: uuid,
    code: areaCode,
    name: text(200),
    level: oneOf(AREA_LEVELS),
    parentId: nullable(uuid),
    path: ltreePath,
  }),
  [GridEvents.created]: eventSchema('A grid was created', gridState),
  [GridEvents.updated]: eventSchema('A grid was changed', gridState),
  // A grid was retired: its state after the change, and why (retireGrid's reason, or the reshape's).
  // `reason` is written on every grid-retired event; events from before it was added have none.
  [GridEvents.retired]: eventSchema('A grid was retired', { ...gridState, reason: Type.Optional(text(500)) }),
  [GridEvents.areaRenamed]: eventSchema('An administrative area was renamed', {
    areaId: uuid,
    code: areaCode,
    path: ltreePath,
    name: text(200),
    previousName: text(200),
  }),
  /**
   * One reshaping of a village's grids. `items` says where every coverage item went, so other
   * services can re-home the rows they keep per grid (dwellings by building, say). Keyed by the
   * village's area id so that successive reshapes of one village reach consumers in order; the
   * grid-retired and grid-created events of the grids involved are published in the same
   * transaction (keyed by grid id, as always).
   */
  [GridEvents.reshaped]: eventSchema('Grids of a village or community were split, merged or had coverage moved', {
    reshapeId: uuid,
    kind: oneOf(RESHAPE_KINDS),
    areaId: uuid,
    areaPath: ltreePath,
    effectiveFrom: isoDate,
    retiredGrids: Type.Array(gridRef),
    createdGrids: Type.Array(gridRef),
    items: Type.Array(closedObject({ key: text(240), kind: oneOf(COVERAGE_ITEM_KINDS), fromGridId: uuid, toGridId: uuid })),
  }),
  /** A grid member was registered: ids only, never the person's name or phone. */
  [GridEvents.memberRegistered]: eventSchema('A grid member was registered', {
    memberId: uuid,
    areaId: uuid,
    areaPath: ltreePath,
    employment: oneOf(MEMBER_EMPLOYMENTS),
    userId: nullable(text(200)),
  }),
  [GridEvents.memberAssigned]: assignment('A grid member was assigned to a grid'),
  [GridEvents.memberUnassigned]: assignment('A grid assignment ended'),
  [GridEvents.departmentCreated]: eventSchema('A department was created', {
    departmentId: uuid,
    code: gridCode,
    name: text(200),
    kind: oneOf(DEPARTMENT_KINDS),
    level: oneOf(DEPARTMENT_LEVELS),
    areaId: uuid,
    areaPath: ltreePath,
  }),
};

export type GridPayloads = PayloadsOf<typeof gridEventDefinitions>;
export type AreaCreatedData = GridPayloads[typeof GridEvents.areaCreated];
export type GridEventData = GridPayloads[typeof GridEvents.created];
export type AreaRenamedData = GridPayloads[typeof GridEvents.areaRenamed];
export type GridReshapedData = GridPayloads[typeof GridEvents.reshaped];
export type MemberRegisteredData = GridPayloads[typeof GridEvents.memberRegistered];
export type MemberAssignmentData = GridPayloads[typeof GridEvents.memberAssigned];
export type DepartmentCreatedData = GridPayloads[typeof GridEvents.departmentCreated];
