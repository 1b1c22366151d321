import { composeServices } from '@apollo/composition';
import { Supergraph } from '@apollo/federation-internals';
import { findBreakingChanges, parse } from 'graphql';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { Subgraph } from './subgraphs';

export interface PrintedSubgraph {
  name: string;
  url: string;
  sdl: string;
}

export type SchemaPrinter = (subgraph: Subgraph) => Promise<string>;

/** Prints one subgraph in a child process of its own (see Subgraph.load for why). */
export const printInChildProcess: SchemaPrinter = (subgraph) =>
  new Promise((resolve, reject) => {
    // From src (tests) or dist alike: the built child printer.
    const child = fork(join(__dirname, '..', '..', 'dist', 'compose', 'print-child.js'), [subgraph.name], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let sdl: string | undefined;
    child.on('message', (message: { sdl?: string }) => {
      sdl = message.sdl;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      sdl !== undefined ? resolve(sdl) : reject(new Error(`${subgraph.name}: printing the schema failed (exit ${code})`)),
    );
  });

export async function printSubgraphs(subgraphs: Subgraph[], print: SchemaPrinter = printInChildProcess): Promise<PrintedSubgraph[]> {
  const printed = await Promise.all(subgraphs.map(async (s) => ({ name: s.name, url: s.url, sdl: await print(s) })));
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
