import { EventCatalogue, JsonSchema } from '@civgrid/events';
import { gridSchemas } from './grid';
import { incidentSchemas } from './incident';
import { populationSchemas } from './population';
import { mediationSchemas } from './mediation';
import { populationCountSchemas } from './population-counts';
import { reactionSchemas } from './reactions';

export * from './grid';
export * from './population';
export * from './mediation';
export * from './incident';
export * from './population-counts';
export * from './reactions';
export * from './schema-parts';
export * from './compatibility';
export * from './published';

/** Every event type of every domain, with its schema: producers validate on write, consumers on read. */
export const eventSchemas: Readonly<Record<string, JsonSchema>> = {
  ...gridSchemas,
  ...incidentSchemas,
  ...populationSchemas,
  ...mediationSchemas,
  ...populationCountSchemas,
  ...reactionSchemas,
};

export const catalogue = new EventCatalogue(eventSchemas);

/** The topic each domain publishes on (before any prefix). */
export const DOMAIN_TOPICS = {
  grid: 'civgrid.grid.events',
  population: 'civgrid.population.events',
  incident: 'civgrid.incident.events',
  mediation: 'civgrid.mediation.events',
} as const;
