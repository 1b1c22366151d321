import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JsonSchema } from '@civgrid/events';
import { CatalogueCheck, checkCatalogue, sorted, supersededBy } from './compatibility';

// The published event catalogue (deploy/events/published): what analysts' readers were built
// against. catalogue.json holds every type's JSON Schema with a version and a hash; history.jsonl
// one line per publication.

export interface PublishedCatalogue {
  format: 1;
  version: number;
  hash: string;
  publishedAt: string;
  /** Types a later version supersedes, with that version: still published, deprecated. */
  deprecated: Record<string, string>;
  types: Record<string, JsonSchema>;
}

export const catalogueHash = (types: Record<string, JsonSchema>): string =>
  `sha256:${createHash('sha256')
    .update(JSON.stringify(sorted(types)))
    .digest('hex')}`;

export function readPublishedCatalogue(dir: string): PublishedCatalogue {
  const file = join(dir, 'catalogue.json');
  if (!existsSync(file)) throw new Error(`no published event catalogue in ${dir} (catalogue.json is missing)`);
  const published = JSON.parse(readFileSync(file, 'utf8')) as PublishedCatalogue;
  if (published.format !== 1 || !published.types) throw new Error(`${file} is not a published event catalogue`);
  if (catalogueHash(published.types) !== published.hash) throw new Error(`${file}: the schemas do not match its hash`);
  return published;
}

export type CataloguePublication =
  { published: true; catalogue: PublishedCatalogue; check: CatalogueCheck } | { published: false; check: CatalogueCheck };

/** Publishes the current catalogue after a passing check (or as the first publication). */
export function publishCatalogue(dir: string, types: Record<string, JsonSchema>, now: Date = new Date()): CataloguePublication {
  const previous = existsSync(join(dir, 'catalogue.json')) ? readPublishedCatalogue(dir) : undefined;
  const check = checkCatalogue(previous?.types ?? {}, types);
  if (!check.ok) return { published: false, check };
  const hash = catalogueHash(types);
  if (previous?.hash === hash) return { published: true, catalogue: previous, check };
  const catalogue: PublishedCatalogue = {
    format: 1,
    version: (previous?.version ?? 0) + 1,
    hash,
    publishedAt: now.toISOString(),
    deprecated: Object.fromEntries(supersededBy(Object.keys(types))),
    types: sorted(types) as Record<string, JsonSchema>,
  };
  mkdirSync(dir, { recursive: true });
  appendFileSync(
    join(dir, 'history.jsonl'),
    `${JSON.stringify({ version: catalogue.version, hash, publishedAt: catalogue.publishedAt, added: check.added, changed: check.changed, retired: check.retired })}\n`,
  );
  const file = join(dir, 'catalogue.json');
  writeFileSync(`${file}.tmp`, `${JSON.stringify(catalogue, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  return { published: true, catalogue, check };
}
