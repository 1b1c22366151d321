import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// The published supergraph: what production serves. A folder (in Kubernetes a ConfigMap) with
//   manifest.json        version, hash of supergraph.graphql, each subgraph's version, hash and URL
//   supergraph.graphql   the composed supergraph the gateway serves
//   <name>.graphql       each subgraph's SDL as published
//   history.jsonl        one line per publication: who, when, which hash, what changed
// Flat, because a ConfigMap mounted as a volume has no sub-folders.

export const MANIFEST_FORMAT = 1;

export interface PublishedSubgraph {
  name: string;
  /** The routing URL written into the supergraph; the gateway may override it per subgraph. */
  url: string;
  version: number;
  hash: string;
  publishedAt: string;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  version: number;
  hash: string;
  publishedAt: string;
  subgraphs: PublishedSubgraph[];
}

export interface PublishedArtefact {
  manifest: Manifest;
  supergraph: string;
  /** SDL by subgraph name. */
  subgraphs: Map<string, string>;
}

export interface HistoryEntry {
  version: number;
  hash: string;
  publishedAt: string;
  service: string;
  subgraphVersion: number;
  subgraphHash: string;
  changes: string[];
}

export class ArtefactError extends Error {
  override name = 'ArtefactError';
}

export const sha256 = (text: string): string => `sha256:${createHash('sha256').update(text).digest('hex')}`;

export const subgraphFile = (name: string): string => `${name}.graphql`;

/** Checks a manifest's shape; the reason names the first thing wrong. */
export function parseManifest(text: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ArtefactError(`manifest.json is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const m = value as Partial<Manifest> | null;
  if (!m || typeof m !== 'object') throw new ArtefactError('manifest.json is not an object');
  if (m.format !== MANIFEST_FORMAT) throw new ArtefactError(`manifest.json has format ${String(m.format)}, expected ${MANIFEST_FORMAT}`);
  if (!Number.isInteger(m.version) || (m.version ?? 0) < 1) throw new ArtefactError('manifest.json has no version');
  if (typeof m.hash !== 'string' || !m.hash.startsWith('sha256:')) throw new ArtefactError('manifest.json has no sha256 hash');
  if (!Array.isArray(m.subgraphs) || m.subgraphs.length === 0) throw new ArtefactError('manifest.json lists no subgraphs');
  for (const s of m.subgraphs) {
    if (typeof s?.name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(s.name))
      throw new ArtefactError('manifest.json has a subgraph without a valid name');
    if (typeof s.url !== 'string' || typeof s.hash !== 'string' || !Number.isInteger(s.version)) {
      throw new ArtefactError(`manifest.json: subgraph ${s.name} needs url, version and hash`);
    }
  }
  return m as Manifest;
}

/** Reads and verifies a published folder: every file present and matching the manifest's hashes. */
export function readPublished(dir: string): PublishedArtefact {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new ArtefactError(`no published supergraph in ${dir} (manifest.json is missing)`);
  const manifest = parseManifest(readFileSync(manifestPath, 'utf8'));
  const supergraph = readFileSync(join(dir, 'supergraph.graphql'), 'utf8');
  if (sha256(supergraph) !== manifest.hash) throw new ArtefactError(`${dir}/supergraph.graphql does not match the hash in manifest.json`);
  const subgraphs = new Map<string, string>();
  for (const s of manifest.subgraphs) {
    const file = join(dir, subgraphFile(s.name));
    if (!existsSync(file)) throw new ArtefactError(`${file} is missing`);
    const sdl = readFileSync(file, 'utf8');
    if (sha256(sdl) !== s.hash) throw new ArtefactError(`${file} does not match the hash in manifest.json`);
    subgraphs.set(s.name, sdl);
  }
  return { manifest, supergraph, subgraphs };
}

export function readHistory(dir: string): HistoryEntry[] {
  const file = join(dir, 'history.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as HistoryEntry);
}

const writeAtomically = (path: string, text: string): void => {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
};

/**
 * Writes a new publication. The manifest goes last: a reader that polls the manifest sees either the
 * old publication or the whole new one (and checks the hash of what it reads anyway).
 */
export function writePublished(dir: string, artefact: PublishedArtefact, entry: HistoryEntry): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, sdl] of artefact.subgraphs) writeAtomically(join(dir, subgraphFile(name)), sdl);
  writeAtomically(join(dir, 'supergraph.graphql'), artefact.supergraph);
  appendFileSync(join(dir, 'history.jsonl'), `${JSON.stringify(entry)}\n`);
  writeAtomically(join(dir, 'manifest.json'), `${JSON.stringify(artefact.manifest, null, 2)}\n`);
}
