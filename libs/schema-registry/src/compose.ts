import { composeServices } from '@apollo/composition';
import { Supergraph } from '@apollo/federation-internals';
import { GraphQLSchema, parse } from 'graphql';

export interface SubgraphSdl {
  name: string;
  url: string;
  sdl: string;
}

export type Composition = { supergraph: string; errors?: undefined } | { supergraph?: undefined; errors: string[] };

/** Composes with @apollo/composition; a failure lists every composition error. */
export function compose(subgraphs: SubgraphSdl[]): Composition {
  let result: ReturnType<typeof composeServices>;
  try {
    result = composeServices(subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })));
  } catch (error) {
    return { errors: [error instanceof Error ? error.message : String(error)] };
  }
  if (result.errors) return { errors: result.errors.map((e) => e.message) };
  return { supergraph: `${result.supergraphSdl.trimEnd()}\n` };
}

/** The schema clients see: the supergraph without federation's machinery. */
export const apiSchema = (supergraph: string): GraphQLSchema => Supergraph.build(supergraph).apiSchema().toGraphQLJSSchema();
