import { JsonSchema } from '@civgrid/events';
import { eventSchema, uuid } from './schema-parts';

export const PopulationEvents = {
  dwellingRegistered: 'civgrid.population.dwelling-registered.v1',
} as const;

export const DWELLING_KINDS = ['APARTMENT', 'RURAL_HOUSE', 'SHOP', 'OTHER'] as const;
export type DwellingKind = (typeof DWELLING_KINDS)[number];

export const DWELLING_OCCUPANCIES = ['OWNER_OCCUPIED', 'RENTED', 'VACANT'] as const;
export type DwellingOccupancy = (typeof DWELLING_OCCUPANCIES)[number];

/** Ids and codes only: the address never leaves the population registry. */
export interface DwellingRegisteredData {
  dwellingId: string;
  gridId: string;
  kind: DwellingKind;
  occupancy: DwellingOccupancy;
}

export const populationSchemas: Record<string, JsonSchema> = {
  [PopulationEvents.dwellingRegistered]: eventSchema('A dwelling was registered in a grid', {
    dwellingId: uuid,
    gridId: uuid,
    kind: { enum: [...DWELLING_KINDS] },
    occupancy: { enum: [...DWELLING_OCCUPANCIES] },
  }),
};
