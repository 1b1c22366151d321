import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncApiDocument } from './asyncapi';
import { eventSchemas } from './index';

describe('the AsyncAPI document for analysts', () => {
  it('is committed up to date (regenerate: node libs/contracts/dist/asyncapi-cli.js)', () => {
    const committed = readFileSync(join(__dirname, '..', 'asyncapi.json'), 'utf8');
    expect(JSON.parse(committed)).toEqual(asyncApiDocument());
  });

  it('describes every event type of the catalogue on its domain topic', () => {
    const doc = asyncApiDocument() as {
      components: { messages: Record<string, { name: string }> };
      channels: Record<string, { address: string }>;
    };
    expect(
      Object.values(doc.components.messages)
        .map((m) => m.name)
        .sort(),
    ).toEqual(Object.keys(eventSchemas).sort());
    expect(doc.channels['population']?.address).toBe('civgrid.population.events');
  });
});
