import { Type } from '@sinclair/typebox';
import { PayloadsOf, dateTime, eventSchema, uuid } from './schema-parts';

// Published by the population registry whenever a grid's household or resident count changes;
// grid organisation reads it for grid health. Counts only: no personal data.
export const PopulationCountEvents = {
  gridHouseholdCountChanged: 'civgrid.population.grid-household-count-changed.v1',
} as const;

export const populationCountEventDefinitions = {
  [PopulationCountEvents.gridHouseholdCountChanged]: eventSchema("A grid's household and resident counts changed", {
    gridId: uuid,
    households: Type.Integer({ minimum: 0, maximum: 1000000 }),
    residents: Type.Integer({ minimum: 0, maximum: 10000000 }),
    /** When the counts were true; a consumer keeps the newest. */
    asOf: dateTime,
  }),
};

export type PopulationCountPayloads = PayloadsOf<typeof populationCountEventDefinitions>;
export type GridHouseholdCountChangedData = PopulationCountPayloads[typeof PopulationCountEvents.gridHouseholdCountChanged];
