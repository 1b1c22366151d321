import { DomainEvent, EventCatalogue, JsonSchema } from '@civgrid/events';
import { gridEventDefinitions } from './grid';
import { incidentEventDefinitions } from './incident';
import { populationEventDefinitions } from './population';
import { mediationEventDefinitions } from './mediation';
import { populationCountEventDefinitions } from './population-counts';
import { reactionEventDefinitions } from './reactions';
import { PayloadsOf, jsonSchemas } from './schema-parts';

export * from './grid';
export * from './population';
export * from './mediation';
export * from './incident';
export * from './population-counts';
export * from './reactions';
export * from './schema-parts';
export * from './compatibility';
export * from './published';

/** Every event type of every domain with its one definition (TypeBox): the schema and the payload type. */
export const eventDefinitions = {
  ...gridEventDefinitions,
  ...incidentEventDefinitions,
  ...populationEventDefinitions,
  ...mediationEventDefinitions,
  ...populationCountEventDefinitions,
  ...reactionEventDefinitions,
};

/** The typed event map: event type → payload type. Handlers and the outbox are typed by it. */
export type EventPayloads = PayloadsOf<typeof eventDefinitions>;
/** Every CivGrid event type. */
export type EventType = keyof EventPayloads;
/** What domain code hands to `outbox.add`: an event of one of the types `K`, with that type's payload. */
export type OutboxEvent<K extends EventType = EventType> = { [T in K]: DomainEvent<EventPayloads[T] & object, T> }[K];
/** An event's type with its payload, for a helper that adds the rest (`{ type, data }` of one type). */
export type EventBody<K extends EventType = EventType> = { [T in K]: { type: T; data: EventPayloads[T] } }[K];
/** The event types whose payload is exactly `T` (the dispute steps that carry only the step, say). */
export type EventTypesWith<T> = {
  [K in EventType]: [EventPayloads[K]] extends [T] ? ([T] extends [EventPayloads[K]] ? K : never) : never;
}[EventType];

/** Every event type with its JSON Schema: producers validate on write, consumers on read. */
export const eventSchemas: Readonly<Record<string, JsonSchema>> = jsonSchemas(eventDefinitions);

export const catalogue = new EventCatalogue(eventSchemas);

/** The topic each domain publishes on (before any prefix). */
export const DOMAIN_TOPICS = {
  grid: 'civgrid.grid.events',
  population: 'civgrid.population.events',
  incident: 'civgrid.incident.events',
  mediation: 'civgrid.mediation.events',
} as const;
