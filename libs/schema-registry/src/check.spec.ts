import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readHistory, readPublished, sha256 } from './artefact';
import { checkSubgraph } from './check';
import { publishInitial, publishSubgraph } from './publish';

// Two small subgraphs stand in for departments: `cases` is the one releasing, `places` the other.
const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])\n';
const PLACES = `${LINK}
type Query { place(id: ID!): Place }
type Place @key(fields: "id") { id: ID! name: String! }
`;
const CASES = `${LINK}
type Query {
  case(id: ID!): Case
  cases(status: CaseStatus, first: Int = 20): [Case!]!
  legacyCount: Int @deprecated(reason: "use cases")
}
type Mutation { openCase(input: OpenCaseInput!): Case! }
enum CaseStatus { OPEN CLOSED ARCHIVED @deprecated(reason: "closed is enough") }
type Case @key(fields: "id") {
  id: ID!
  title: String!
  status: CaseStatus!
  priority: Int
  place: Place
  note: Note @deprecated(reason: "use title")
  officer: Officer
}
type Note { text: String! }
type Officer { name: String! }
input OpenCaseInput { title: String! priority: Int placeId: ID }
type Place @key(fields: "id", resolvable: false) { id: ID! }
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'published-'));
  publishInitial(dir, [
    { name: 'cases', url: 'http://cases/graphql', sdl: CASES },
    { name: 'places', url: 'http://places/graphql', sdl: PLACES },
  ]);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const check = (sdl: string) => checkSubgraph(readPublished(dir), { name: 'cases', sdl });
const edit = (from: string | RegExp, to: string) => {
  const next = CASES.replace(from, to);
  expect(next).not.toBe(CASES);
  return next;
};

describe('schema check of one subgraph against the published supergraph', () => {
  it.each([
    ['a removed field', edit('  priority: Int\n', ''), 'FIELD_REMOVED', 'Case.priority'],
    ['a renamed field', edit('  title: String!\n  status', '  headline: String!\n  status'), 'FIELD_REMOVED', 'Case.title'],
    [
      'a removed type (with the field that returned it)',
      edit('  officer: Officer\n', '').replace('type Officer { name: String! }\n', ''),
      'TYPE_REMOVED',
      'Officer',
    ],
    ['a removed enum value', edit('OPEN CLOSED ARCHIVED', 'OPEN ARCHIVED'), 'ENUM_VALUE_REMOVED', 'CaseStatus.CLOSED'],
    ['a changed field type', edit('priority: Int\n  place', 'priority: String\n  place'), 'FIELD_TYPE_CHANGED', 'Case.priority'],
    ['an output field made nullable', edit('title: String!\n  status', 'title: String\n  status'), 'FIELD_TYPE_CHANGED', 'Case.title'],
    [
      'a new required argument',
      edit('case(id: ID!): Case', 'case(id: ID!, areaId: ID!): Case'),
      'FIELD_ARGUMENT_ADDED',
      'Query.case.areaId',
    ],
    ['a changed argument type', edit('first: Int = 20', 'first: String'), 'FIELD_ARGUMENT_TYPE_CHANGED', 'Query.cases.first'],
    [
      'a removed argument',
      edit('cases(status: CaseStatus, first: Int = 20)', 'cases(status: CaseStatus)'),
      'FIELD_ARGUMENT_REMOVED',
      'Query.cases.first',
    ],
    [
      'an input field made required',
      edit('priority: Int placeId', 'priority: Int! placeId'),
      'INPUT_FIELD_TYPE_CHANGED',
      'OpenCaseInput.priority',
    ],
    ['a new required input field', edit('placeId: ID }', 'placeId: ID areaId: ID! }'), 'INPUT_FIELD_ADDED', 'OpenCaseInput.areaId'],
    ['a removed input field', edit(' placeId: ID }', ' }'), 'INPUT_FIELD_REMOVED', 'OpenCaseInput.placeId'],
    ['a removed mutation', edit(/type Mutation[^\n]*\n/, '').replace(/input OpenCaseInput[^\n]*\n/, ''), 'TYPE_REMOVED', 'Mutation'],
  ])('refuses %s, naming it', async (_kind, sdl, type, path) => {
    const result = await check(sdl);
    expect(result.ok).toBe(false);
    expect(result.compositionErrors).toEqual([]);
    expect(result.breaking).toEqual(expect.arrayContaining([expect.objectContaining({ type, path })]));
  });

  it('refuses removing a type other fields still return without deprecation', async () => {
    const result = await check(
      edit(/type Note \{[^}]*\}\n/, '').replace('  note: Note @deprecated(reason: "use title")\n', '  note: String\n'),
    );
    expect(result.ok).toBe(false);
    expect(result.breaking.map((c) => c.type)).toContain('FIELD_TYPE_CHANGED');
  });

  it('refuses a change that does not compose with the published subgraphs, with the reason', async () => {
    const result = await check(
      edit('type Place @key(fields: "id", resolvable: false) { id: ID! }', 'type Place @key(fields: "id", resolvable: false) { id: Int! }'),
    );
    expect(result.ok).toBe(false);
    expect(result.compositionErrors.join('\n')).toMatch(/Place\.id/);
  });

  it('passes removals of what the published version had deprecated: a field, an enum value, a type reached only through them', async () => {
    const sdl = CASES.replace('  legacyCount: Int @deprecated(reason: "use cases")\n', '')
      .replace(' ARCHIVED @deprecated(reason: "closed is enough")', '')
      .replace('  note: Note @deprecated(reason: "use title")\n', '')
      .replace(/type Note \{[^}]*\}\n/, '');
    const result = await check(sdl);
    expect(result.breaking).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.dangerous.map((c) => c.path).sort()).toEqual(['Case.note', 'CaseStatus.ARCHIVED', 'Note', 'Query.legacyCount']);
  });

  it('refuses deprecating and removing in one release, and passes the removal once the deprecation is published', async () => {
    const removed = edit('  priority: Int\n', '');
    expect((await check(removed)).ok).toBe(false);
    const deprecated = edit('  priority: Int\n', '  priority: Int @deprecated(reason: "every case is urgent")\n');
    const first = await publishSubgraph(dir, { name: 'cases', sdl: deprecated });
    expect(first.published).toBe(true);
    const second = await check(removed);
    expect(second.breaking).toEqual([]);
    expect(second.ok).toBe(true);
  });

  it('passes additive changes and lists them as safe or dangerous', async () => {
    const sdl = edit('  priority: Int\n', '  priority: Int\n  openedAt: String\n')
      .replace('cases(status: CaseStatus, first: Int = 20)', 'cases(status: CaseStatus, first: Int = 20, placeId: ID)')
      .replace('OPEN CLOSED', 'OPEN ESCALATED CLOSED')
      .concat('type Tag { name: String! }\nextend type Query { tags: [Tag!]! }\n');
    const result = await check(sdl);
    expect(result.ok).toBe(true);
    const listed = [...result.safe, ...result.dangerous].map((c) => c.path);
    expect(listed).toEqual(expect.arrayContaining(['Case.openedAt', 'Query.cases.placeId', 'CaseStatus.ESCALATED', 'Tag', 'Query.tags']));
  });
});

describe('schema publish', () => {
  it('writes a new version with its hash, the subgraph SDL and a history line; refuses a breaking change and writes nothing', async () => {
    const sdl = edit('  priority: Int\n', '  priority: Int\n  openedAt: String\n');
    const result = await publishSubgraph(dir, { name: 'cases', sdl }, new Date('2026-01-02T03:04:05Z'));
    expect(result.published).toBe(true);
    const now = readPublished(dir);
    expect(now.manifest.version).toBe(2);
    expect(now.manifest.hash).toBe(sha256(now.supergraph));
    expect(now.supergraph).toContain('openedAt');
    expect(now.subgraphs.get('cases')).toBe(sdl);
    expect(now.manifest.subgraphs.find((s) => s.name === 'cases')).toMatchObject({ version: 2, hash: sha256(sdl) });
    expect(now.manifest.subgraphs.find((s) => s.name === 'places')).toMatchObject({ version: 1 });
    expect(readHistory(dir).map((h) => [h.version, h.service])).toEqual([
      [1, '*'],
      [2, 'cases'],
    ]);

    const before = readFileSync(join(dir, 'manifest.json'), 'utf8');
    const refused = await publishSubgraph(dir, { name: 'cases', sdl: edit('  title: String!\n', '') });
    expect(refused.published).toBe(false);
    expect(readFileSync(join(dir, 'manifest.json'), 'utf8')).toBe(before);
    expect(readHistory(dir)).toHaveLength(2);
  });
});
