import { EventCatalogue, JsonSchema } from '@civgrid/events';
import { gridSchemas } from './grid';

export * from './grid';
export * from './schema-parts';

/** Every event type of every domain, with its schema: producers validate on write, consumers on read. */
export const eventSchemas: Readonly<Record<string, JsonSchema>> = {
  ...gridSchemas,
};

export const catalogue = new EventCatalogue(eventSchemas);

/** The topic each domain publishes on (before any prefix). */
export const DOMAIN_TOPICS = {
  grid: 'civgrid.grid.events',
  population: 'civgrid.population.events',
  incident: 'civgrid.incident.events',
  mediation: 'civgrid.mediation.events',
} as const;
