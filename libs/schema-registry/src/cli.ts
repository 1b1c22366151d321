#!/usr/bin/env node
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ArtefactError, readPublished } from './artefact';
import { checkSubgraph, formatCheck } from './check';
import { publishInitial, publishSubgraph } from './publish';

// civgrid-schema check <service>|--all [--url URL]   compare a service's schema.graphql with what is published
// civgrid-schema publish <service> [--url URL]       the same check, then a new published version
// civgrid-schema init                                 publish every service as it is (a new, empty folder only)
// The published folder is deploy/supergraph/published (or CIVGRID_PUBLISHED_SUPERGRAPH).
const root = resolve(__dirname, '..', '..', '..');
const dir = resolve(process.env['CIVGRID_PUBLISHED_SUPERGRAPH'] ?? join(root, 'deploy', 'supergraph', 'published'));
const DEFAULT_PORTS: Record<string, number> = {
  'grid-organisation': 4001,
  'population-registry': 4002,
  'incident-reporting': 4003,
  'dispute-mediation': 4004,
};

const services = (): string[] =>
  readdirSync(join(root, 'services'))
    .filter((n) => existsSync(join(root, 'services', n, 'schema.graphql')))
    .sort();

function candidate(name: string, url: string | undefined) {
  const file = join(root, 'services', name, 'schema.graphql');
  if (!existsSync(file))
    throw new ArtefactError(`services/${name}/schema.graphql not found (services: ${services().join(', ')}); run npm run compose first`);
  return { name, sdl: readFileSync(file, 'utf8'), url };
}

async function main(): Promise<number> {
  const [command, target] = process.argv.slice(2);
  const urlIndex = process.argv.indexOf('--url');
  const url = urlIndex > 0 ? process.argv[urlIndex + 1] : undefined;
  if (command === 'init') {
    if (existsSync(join(dir, 'manifest.json')))
      throw new ArtefactError(`${dir} already holds a publication; publish one service at a time`);
    const manifest = publishInitial(
      dir,
      services().map((n) => ({ ...candidate(n, undefined), url: `http://127.0.0.1:${DEFAULT_PORTS[n] ?? 4000}/graphql` })),
    );
    process.stdout.write(`published version ${manifest.version} (${manifest.hash}) in ${dir}\n`);
    return 0;
  }
  if ((command !== 'check' && command !== 'publish') || !target) {
    process.stderr.write('usage: npm run schema:check -- <service>|--all   ·   npm run schema:publish -- <service> [--url URL]\n');
    return 2;
  }
  if (command === 'check') {
    const published = readPublished(dir);
    let failed = 0;
    for (const name of target === '--all' ? services() : [target]) {
      const result = await checkSubgraph(published, candidate(name, url));
      (result.ok ? process.stdout : process.stderr).write(formatCheck(result));
      if (!result.ok) failed += 1;
    }
    return failed === 0 ? 0 : 1;
  }
  const result = await publishSubgraph(dir, candidate(target, url));
  (result.check.ok ? process.stdout : process.stderr).write(formatCheck(result.check));
  if (!result.published) {
    process.stderr.write(`${target}: not published\n`);
    return 1;
  }
  process.stdout.write(`${target}: published supergraph version ${result.manifest.version} (${result.manifest.hash}) in ${dir}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A missing or damaged artefact is one line with what to do, never a stack.
    process.stderr.write(`schema: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
