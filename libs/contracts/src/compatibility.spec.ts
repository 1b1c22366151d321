import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonSchema } from '@civgrid/events';
import { asyncApiDocument } from './asyncapi';
import { checkCatalogue, formatCatalogueCheck } from './compatibility';
import { eventSchemas } from './index';
import { publishCatalogue, readPublishedCatalogue } from './published';

const V1 = 'civgrid.incident.incident-filed.v1';
const V2 = 'civgrid.incident.incident-filed.v2';
// Plain JSON Schemas, as a published catalogue holds them.
const uuid = { type: 'string', format: 'uuid' };
const filed = (properties: Record<string, JsonSchema>, optional: string[] = []): JsonSchema => ({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Incident filed',
  type: 'object',
  additionalProperties: false,
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
  properties,
});
const base = () => ({
  incidentId: uuid,
  gridId: uuid,
  priority: { enum: ['LOW', 'NORMAL', 'URGENT'] },
  title: { type: 'string', minLength: 1, maxLength: 200 },
  photos: { type: 'integer', minimum: 0 },
  parentId: { anyOf: [uuid, { type: 'null' }] },
  tags: { type: 'array', items: { type: 'string' }, maxItems: 10 },
});
const published = { [V1]: filed(base(), ['parentId']) };

const withChange = (change: (p: Record<string, JsonSchema>) => void, optional = ['parentId']) => {
  const p: Record<string, JsonSchema> = base();
  change(p);
  return { [V1]: filed(p, optional) };
};

describe('event contract check', () => {
  it.each([
    ['a removed property', withChange((p) => delete p.photos), 'photos: property removed or renamed'],
    [
      'a renamed property',
      withChange((p) => {
        p.areaGridId = p.gridId;
        delete p.gridId;
      }),
      'gridId: property removed or renamed',
    ],
    ['a narrowed type', withChange((p) => (p.photos = { type: 'string' })), 'photos: narrowed type (integer no longer accepted)'],
    ['a narrowed enum', withChange((p) => (p.priority = { enum: ['LOW', 'URGENT'] })), 'priority: narrowed enum ("NORMAL" removed)'],
    [
      'a lowered maximum length',
      withChange((p) => (p.title = { type: 'string', minLength: 1, maxLength: 80 })),
      'title: narrowed maxLength (200 → 80)',
    ],
    ['a raised minimum', withChange((p) => (p.photos = { type: 'integer', minimum: 1 })), 'photos: narrowed minimum (0 → 1)'],
    [
      'a new pattern',
      withChange((p) => (p.title = { type: 'string', minLength: 1, maxLength: 200, pattern: '^[A-Z]' })),
      'title: changed pattern',
    ],
    ['null no longer allowed', withChange((p) => (p.parentId = uuid)), 'parentId: narrowed type'],
    [
      'narrowed array items',
      withChange((p) => (p.tags = { type: 'array', items: { type: 'string', maxLength: 20 }, maxItems: 10 })),
      'tags[]: narrowed maxLength',
    ],
    ['a new required property', withChange((p) => (p.areaPath = { type: 'string' })), 'areaPath: new required property'],
    ['an optional property made required', withChange(() => undefined, []), 'parentId: property made required'],
    ['a removed event type', {}, `${V1}: event type removed`],
  ])('refuses %s, naming it', (_kind, current, expected) => {
    const check = checkCatalogue(published, current);
    expect(check.ok).toBe(false);
    expect(formatCatalogueCheck(check)).toContain(
      expected.includes(':') && !expected.startsWith('civgrid') ? `${V1}: ${expected}` : expected,
    );
  });

  it('passes widening changes and a new optional property', () => {
    const check = checkCatalogue(
      published,
      withChange(
        (p) => {
          p.priority = { enum: ['LOW', 'NORMAL', 'URGENT', 'CRITICAL'] };
          p.title = { type: 'string', minLength: 1, maxLength: 500 };
          p.photos = { type: 'number' };
          p.note = { type: 'string' };
        },
        ['parentId', 'note'],
      ),
    );
    expect(check).toMatchObject({ ok: true, breaking: [], changed: [V1] });
  });

  it('passes a breaking change published as a .v2 beside the old version, and marks the old one deprecated in the AsyncAPI document', () => {
    const v2 = filed({ ...base(), photos: { type: 'array', items: uuid }, areaPath: { type: 'string' } });
    const current = { ...published, [V2]: v2 };
    const check = checkCatalogue(published, current);
    expect(check).toMatchObject({ ok: true, added: [V2] });
    const doc = asyncApiDocument(current) as {
      components: { messages: Record<string, { name: string; payload: { deprecated?: boolean }; 'x-superseded-by'?: string }> };
    };
    const byType = Object.fromEntries(Object.values(doc.components.messages).map((m) => [m.name, m]));
    expect(byType[V1]).toMatchObject({ payload: { deprecated: true }, 'x-superseded-by': V2 });
    expect(byType[V2].payload.deprecated).toBeUndefined();
  });

  it('retires a v1 only after a publication had it deprecated beside its v2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'events-'));
    try {
      expect(publishCatalogue(dir, published).published).toBe(true);
      const v2 = filed({ ...base(), areaPath: { type: 'string' } });
      // Removing v1 in the same change that adds v2: readers had no transition.
      const early = publishCatalogue(dir, { [V2]: v2 });
      expect(early.published).toBe(false);
      expect(formatCatalogueCheck(early.check)).toContain(`${V1}: removed before a publication marked it deprecated beside ${V2}`);
      const both = publishCatalogue(dir, { ...published, [V2]: v2 });
      expect(both.published).toBe(true);
      expect(readPublishedCatalogue(dir)).toMatchObject({ version: 2, deprecated: { [V1]: V2 } });
      const later = publishCatalogue(dir, { [V2]: v2 });
      expect(later).toMatchObject({ published: true, check: { retired: [V1] } });
      expect(readPublishedCatalogue(dir).version).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the committed published event catalogue', () => {
  it('matches its hash, and the current catalogue is backward compatible with it (npm run events:check)', () => {
    const committed = readPublishedCatalogue(join(__dirname, '..', '..', '..', 'deploy', 'events', 'published'));
    const check = checkCatalogue(committed.types, eventSchemas);
    expect({ ok: check.ok, report: check.ok ? '' : formatCatalogueCheck(check) }).toEqual({ ok: true, report: '' });
  });
});
