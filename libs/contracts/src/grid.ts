import { JsonSchema } from '@civgrid/events';
import { eventSchema, ltreePath, text, uuid } from './schema-parts';

export const GridEvents = {
  areaCreated: 'civgrid.grid.area-created.v1',
  created: 'civgrid.grid.grid-created.v1',
  updated: 'civgrid.grid.grid-updated.v1',
  retired: 'civgrid.grid.grid-retired.v1',
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

/** The state of a grid after the change: the same shape for created, updated and retired. */
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

const gridState = (title: string) =>
  eventSchema(title, {
    gridId: uuid,
    code: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$' },
    name: text(200),
    kind: { enum: ['TOTAL', 'BASIC', 'MICRO'] },
    areaId: uuid,
    areaPath: ltreePath,
    path: ltreePath,
    parentGridId: { anyOf: [uuid, { type: 'null' }] },
    status: { enum: ['ACTIVE', 'RETIRED'] },
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
  [GridEvents.retired]: gridState('A grid was retired'),
};
