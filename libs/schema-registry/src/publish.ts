import { HistoryEntry, Manifest, MANIFEST_FORMAT, PublishedArtefact, readPublished, sha256, writePublished } from './artefact';
import { checkSubgraph, CheckResult } from './check';
import { compose, SubgraphSdl } from './compose';

export type PublishResult = { published: true; manifest: Manifest; check: CheckResult } | { published: false; check: CheckResult };

/** Publishes a service's SDL after a passing check: a new version of the artefact, with its history line. */
export async function publishSubgraph(
  dir: string,
  candidate: { name: string; sdl: string; url?: string },
  now: Date = new Date(),
): Promise<PublishResult> {
  const published = readPublished(dir);
  const check = await checkSubgraph(published, candidate);
  if (!check.ok || !check.supergraph) return { published: false, check };
  const publishedAt = now.toISOString();
  const previous = published.manifest.subgraphs.find((s) => s.name === candidate.name);
  const hash = sha256(candidate.sdl);
  if (previous?.hash === hash && published.supergraph === check.supergraph) return { published: true, manifest: published.manifest, check };
  const subgraphVersion = (previous?.version ?? 0) + 1;
  const subgraphs = check.subgraphs.map((s) =>
    s.name === candidate.name
      ? { name: s.name, url: s.url, version: subgraphVersion, hash, publishedAt }
      : published.manifest.subgraphs.find((p) => p.name === s.name)!,
  );
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    version: published.manifest.version + 1,
    hash: sha256(check.supergraph),
    publishedAt,
    subgraphs,
  };
  const entry: HistoryEntry = {
    version: manifest.version,
    hash: manifest.hash,
    publishedAt,
    service: candidate.name,
    subgraphVersion,
    subgraphHash: hash,
    changes: [...check.dangerous, ...check.safe].map((c) => `${c.level} ${c.type}${c.path ? ` ${c.path}` : ''}`),
  };
  writePublished(dir, { manifest, supergraph: check.supergraph, subgraphs: new Map(check.subgraphs.map((s) => [s.name, s.sdl])) }, entry);
  return { published: true, manifest, check };
}

/** The first publication of a folder: every subgraph as it is now, version 1. */
export function publishInitial(dir: string, subgraphs: SubgraphSdl[], now: Date = new Date()): Manifest {
  const composed = compose(subgraphs);
  if (composed.errors) throw new Error(`composition failed:\n${composed.errors.map((e) => `  - ${e}`).join('\n')}`);
  const publishedAt = now.toISOString();
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    version: 1,
    hash: sha256(composed.supergraph),
    publishedAt,
    subgraphs: subgraphs.map((s) => ({ name: s.name, url: s.url, version: 1, hash: sha256(s.sdl), publishedAt })),
  };
  const artefact: PublishedArtefact = {
    manifest,
    supergraph: composed.supergraph,
    subgraphs: new Map(subgraphs.map((s) => [s.name, s.sdl])),
  };
  writePublished(dir, artefact, {
    version: 1,
    hash: manifest.hash,
    publishedAt,
    service: '*',
    subgraphVersion: 1,
    subgraphHash: '',
    changes: ['initial publication of every subgraph'],
  });
  return manifest;
}
