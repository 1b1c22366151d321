import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { breakingChanges, composeSupergraph, printSubgraphs } from '../src/compose/compose';
import { SUBGRAPHS } from '../src/compose/subgraphs';

const root = join(__dirname, '..', '..');

describe('the composed supergraph', () => {
  it('is composed from the current code of every subgraph, and every committed schema is up to date', async () => {
    const printed = await printSubgraphs(SUBGRAPHS);
    for (const p of printed) {
      const dir = SUBGRAPHS.find((s) => s.name === p.name)!.dir;
      const committed = readFileSync(join(root, dir, 'schema.graphql'), 'utf8');
      expect({ service: p.name, fresh: committed === p.sdl }).toEqual({ service: p.name, fresh: true });
    }
    const supergraph = composeSupergraph(printed);
    expect(readFileSync(join(root, 'gateway', 'supergraph.graphql'), 'utf8') === supergraph).toBe(true);
  });

  it('fails composition with the reason when two subgraphs disagree', () => {
    const a = {
      name: 'a',
      url: 'http://a',
      sdl: 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\ntype Query { x: Thing }\ntype Thing @key(fields: "id") { id: ID! size: Int }',
    };
    const b = {
      name: 'b',
      url: 'http://b',
      sdl: 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\ntype Query { y: Thing }\ntype Thing @key(fields: "id") { id: ID! size: String }',
    };
    expect(() => composeSupergraph([a, b])).toThrow(/composition failed:[\s\S]*size/);
  });

  it('reports a removed field as a breaking change for clients', () => {
    const v1 = composeSupergraph([{ name: 'a', url: 'http://a', sdl: 'type Query { x: Int y: Int }' }]);
    const v2 = composeSupergraph([{ name: 'a', url: 'http://a', sdl: 'type Query { x: Int }' }]);
    expect(breakingChanges(v1, v2)).toEqual([expect.stringMatching(/FIELD_REMOVED.*Query\.y/)]);
    expect(breakingChanges(v1, v1)).toEqual([]);
  });
});
