import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

export type JsonSchema = Record<string, unknown>;

export class EventSchemaError extends Error {
  constructor(
    readonly eventType: string,
    readonly problems: string[],
  ) {
    super(`event ${eventType} does not match its schema: ${problems.join('; ')}`);
    this.name = 'EventSchemaError';
  }
}

/** Every event type with its JSON Schema (for `data`). Writing or reading an unknown type is an error. */
export class EventCatalogue {
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(readonly schemas: Readonly<Record<string, JsonSchema>>) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    for (const [type, schema] of Object.entries(schemas)) this.validators.set(type, ajv.compile(schema));
  }

  has(type: string): boolean {
    return this.validators.has(type);
  }

  validate(type: string, data: unknown): void {
    const validate = this.validators.get(type);
    if (!validate) throw new EventSchemaError(type, ['no schema in the catalogue for this event type']);
    if (!validate(data)) {
      throw new EventSchemaError(
        type,
        (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`),
      );
    }
  }
}
