import 'reflect-metadata';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { breakingChanges, composeSupergraph, printSubgraphs } from './compose';
import { SUBGRAPHS } from './subgraphs';

// `compose` writes each service's schema.graphql and gateway/supergraph.graphql.
// `compose --check` changes nothing and fails when a committed file is stale.
// A breaking change for clients fails both, unless --allow-breaking says it is meant.
async function main(): Promise<void> {
  const root = resolve(__dirname, '..', '..', '..');
  const check = process.argv.includes('--check');
  const allowBreaking = process.argv.includes('--allow-breaking');
  const printed = await printSubgraphs(SUBGRAPHS);
  const supergraph = composeSupergraph(printed);
  const files = [
    ...printed.map((p) => ({ path: join(root, SUBGRAPHS.find((s) => s.name === p.name)!.dir, 'schema.graphql'), text: p.sdl })),
    { path: join(root, 'gateway', 'supergraph.graphql'), text: supergraph },
  ];
  const supergraphPath = files.at(-1)!.path;
  const previous = existsSync(supergraphPath) ? readFileSync(supergraphPath, 'utf8') : undefined;
  const breaking = previous ? breakingChanges(previous, supergraph) : [];
  if (breaking.length > 0 && !allowBreaking) {
    process.stderr.write(
      `breaking changes for clients:\n${breaking.map((b) => `  - ${b}`).join('\n')}\n(run with --allow-breaking if they are meant)\n`,
    );
    process.exit(1);
  }
  const stale = files.filter((f) => !existsSync(f.path) || readFileSync(f.path, 'utf8') !== f.text);
  if (check) {
    if (stale.length > 0) {
      process.stderr.write(`stale: ${stale.map((f) => f.path).join(', ')}\nrun: pnpm compose\n`);
      process.exit(1);
    }
    process.stdout.write('schemas and supergraph are up to date\n');
    return;
  }
  for (const f of stale) writeFileSync(f.path, f.text);
  process.stdout.write(`composed ${printed.length} subgraphs; ${stale.length} file(s) written\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
