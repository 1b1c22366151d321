import { composeServices } from '@apollo/composition';
import { Supergraph } from '@apollo/federation-internals';
import { findBreakingChanges, parse } from 'graphql';
import { printServiceSchema } from '@civgrid/service-kit';
import { Subgraph } from './subgraphs';

export interface PrintedSubgraph {
  name: string;
  url: string;
  sdl: string;
}

export async function printSubgraphs(subgraphs: Subgraph[]): Promise<PrintedSubgraph[]> {
  const printed: PrintedSubgraph[] = [];
  for (const s of subgraphs) printed.push({ name: s.name, url: s.url, sdl: await printServiceSchema(s.def) });
  return printed;
}

/** Composes with @apollo/composition; a failure lists every composition error. */
export function composeSupergraph(subgraphs: PrintedSubgraph[]): string {
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })));
  if (result.errors) {
    throw new Error(`composition failed:\n${result.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  }
  return `${result.supergraphSdl.trimEnd()}\n`;
}

/** What a client would notice breaking between two supergraphs (removed fields, changed types, …). */
export function breakingChanges(oldSupergraph: string, newSupergraph: string): string[] {
  const api = (sdl: string) => Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();
  return findBreakingChanges(api(oldSupergraph), api(newSupergraph)).map((c) => `${c.type}: ${c.description}`);
}
