import { JsonSchema } from '@civgrid/events';

// Building blocks for event schemas. Events carry ids and codes, never names of people, ID numbers or phones.
export const uuid = { type: 'string', format: 'uuid' } as const;
export const ltreePath = { type: 'string', pattern: '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$', maxLength: 2048 } as const;
export const dateTime = { type: 'string', format: 'date-time' } as const;
export const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;

/** A closed object: every property listed, nothing else allowed in. */
export function eventSchema(title: string, properties: Record<string, JsonSchema>, optional: string[] = []): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title,
    type: 'object',
    additionalProperties: false,
    required: Object.keys(properties).filter((k) => !optional.includes(k)),
    properties,
  };
}
