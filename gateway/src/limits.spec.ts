import { buildSchema, parse, validate } from 'graphql';
import { operationLimits, PLAIN_LIST, UNSTATED_PAGE } from './limits';

const schema = buildSchema(`
  type Query { grids(first: Int): GridConnection!  area(id: ID!): Area  pagedWithDefault(first: Int = 10): GridConnection! }
  type GridConnection { totalCount: Int! edges: [GridEdge!]! }
  type GridEdge { node: Grid! }
  type Grid { id: ID! name: String! }
  type Area { id: ID! children: [Area!]! grids: [Grid!]! }
`);

/** The cost an operation would be charged, read from the error of a limit just below it. */
function costOf(query: string): number {
  const errors = validate(schema, parse(query), [operationLimits({ maxDepth: 100, maxAliases: 100, maxCost: 1 })]);
  const match = errors.map((e) => /would cost (\d+)/.exec(e.message)).find(Boolean);
  return match ? Number(match[1]) : 1;
}

describe('query cost', () => {
  it('charges a page by its size, and an unstated page as the default page', () => {
    expect(costOf(`{ grids(first: 100) { edges { node { id name } } } }`)).toBe(1 + 100 * (1 + 1 * (1 + 2)));
    expect(costOf(`query($n: Int) { grids(first: $n) { edges { node { id } } } }`)).toBe(1 + UNSTATED_PAGE * (1 + 1 * (1 + 1)));
    expect(costOf(`{ grids { edges { node { id } } } }`)).toBe(1 + UNSTATED_PAGE * (1 + 1 * (1 + 1)));
    expect(costOf(`{ pagedWithDefault { totalCount } }`)).toBe(1 + 10 * 1);
  });

  it('charges plain lists, so nesting them cannot dodge the limit', () => {
    const nested = `{ area(id: "a") { children { children { children { grids { id } } } } } }`;
    expect(costOf(nested)).toBe(1 + (1 + PLAIN_LIST * (1 + PLAIN_LIST * (1 + PLAIN_LIST * (1 + PLAIN_LIST * 1)))));
    const errors = validate(schema, parse(nested), [operationLimits({ maxDepth: 100, maxAliases: 100, maxCost: 50_000 })]);
    expect(errors.map((e) => e.extensions['reason'])).toEqual(['QUERY_TOO_COMPLEX']);
  });

  it('follows fragments with the type they are on', () => {
    expect(costOf(`{ area(id: "a") { ...A } } fragment A on Area { grids { id } }`)).toBe(1 + (1 + PLAIN_LIST * 1));
  });
});
