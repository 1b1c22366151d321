import { JsonSchema } from '@civgrid/events';
import { Static, TObject, TProperties, TSchema, TUnsafe, Type } from '@sinclair/typebox';

// Building blocks for event schemas. Each event type is defined once, as a TypeBox schema: its
// JSON Schema (what the catalogue validates and publishes) and its TypeScript payload type
// (`Static<typeof schema>`) both come from that one definition. Events carry ids and codes, never
// names of people, ID numbers or phones.
export const uuid = Type.String({ format: 'uuid' });
export const ltreePath = Type.String({ pattern: '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$', maxLength: 2048 });
export const dateTime = Type.String({ format: 'date-time' });
/** A calendar day, YYYY-MM-DD. */
export const isoDate = Type.String({ format: 'date' });
export const text = (maxLength: number) => Type.String({ minLength: 1, maxLength });
export const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A closed list of codes, published as a plain `enum` (TypeBox's own enums are `anyOf` of constants). */
export const oneOf = <const V extends readonly string[]>(values: V): TUnsafe<V[number]> => Type.Unsafe<V[number]>({ enum: [...values] });

/** A closed object inside an event: every property listed, nothing else allowed in. */
export const closedObject = <P extends TProperties>(properties: P): TObject<P> => Type.Object(properties, { additionalProperties: false });

/** An event type's `data`: a closed object with a title. Mark a property `Type.Optional(...)` to leave it out of `required`. */
export const eventSchema = <P extends TProperties>(title: string, properties: P): TObject<P> =>
  Type.Object(properties, { $schema: 'https://json-schema.org/draft/2020-12/schema', title, additionalProperties: false });

export type { Static };

// The order keywords are written in: the published catalogue and the AsyncAPI document stay the same
// bytes whatever order a builder puts them in. Keywords not listed keep their order, after these.
const KEYWORD_ORDER = [
  '$schema',
  'title',
  'type',
  'additionalProperties',
  'required',
  'properties',
  'items',
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'enum',
  'anyOf',
];
const rank = (key: string): number => {
  const at = KEYWORD_ORDER.indexOf(key);
  return at === -1 ? KEYWORD_ORDER.length : at;
};

/** The plain JSON Schema of a TypeBox schema: TypeBox's symbol keys gone, keywords in one fixed order. */
export function toJsonSchema(schema: TSchema | JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const key of Object.keys(schema).sort((a, b) => rank(a) - rank(b))) {
    const value = (schema as JsonSchema)[key];
    if (key === 'properties') {
      out[key] = Object.fromEntries(Object.entries(value as Record<string, TSchema>).map(([name, s]) => [name, toJsonSchema(s)]));
    } else if (key === 'items') {
      out[key] = toJsonSchema(value as TSchema);
    } else if (key === 'anyOf') {
      out[key] = (value as TSchema[]).map(toJsonSchema);
    } else {
      out[key] = Array.isArray(value) ? [...(value as unknown[])] : value;
    }
  }
  return out;
}

/** Event type → payload type, for a record of event types and their schemas. */
export type PayloadsOf<D extends Record<string, TSchema>> = { [K in keyof D]: Static<D[K]> };

/** The plain JSON Schemas of a record of event types and their TypeBox schemas. */
export const jsonSchemas = (definitions: Record<string, TSchema>): Record<string, JsonSchema> =>
  Object.fromEntries(Object.entries(definitions).map(([type, schema]) => [type, toJsonSchema(schema)]));
