import { JsonSchema } from '@civgrid/events';
import { dateTime, eventSchema, uuid } from './schema-parts';

// Published by the population registry whenever a grid's household or resident count changes;
// grid organisation reads it for grid health. Counts only: no personal data.
export const PopulationCountEvents = {
  gridHouseholdCountChanged: 'civgrid.population.grid-household-count-changed.v1',
} as const;

export interface GridHouseholdCountChangedData {
  gridId: string;
  households: number;
  residents: number;
  /** When the counts were true; a consumer keeps the newest. */
  asOf: string;
}

export const populationCountSchemas: Record<string, JsonSchema> = {
  [PopulationCountEvents.gridHouseholdCountChanged]: eventSchema("A grid's household and resident counts changed", {
    gridId: uuid,
    households: { type: 'integer', minimum: 0, maximum: 1000000 },
    residents: { type: 'integer', minimum: 0, maximum: 10000000 },
    asOf: dateTime,
  }),
};
