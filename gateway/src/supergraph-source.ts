import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SupergraphManager, SupergraphSdlHook } from '@apollo/gateway';
import { Supergraph } from '@apollo/federation-internals';
import type { Logger } from 'pino';
import { ArtefactError, parseManifest, sha256 } from '@civgrid/schema-registry';

// Where the gateway's supergraph comes from, and how it changes without a restart: a published
// artefact (a folder, in Kubernetes a mounted ConfigMap, or the same files at a URL) or a bare
// supergraph file, polled every interval. A new supergraph is served only once it is whole (its
// hash matches the manifest), parses and builds; otherwise the last good one keeps serving and the
// reason is logged and shown by the status endpoint. Apollo swaps its schema between requests:
// a request in flight finishes on the plan it started with.

export interface SupergraphSourceOptions {
  /** A published folder (manifest.json + supergraph.graphql) or a supergraph file. */
  path?: string;
  /** The base URL of a published folder, or the URL of a supergraph file (ends in .graphql). */
  url?: string;
  /** 0: read once at start. */
  pollIntervalMs: number;
  logger: Logger;
}

interface Candidate {
  sdl: string;
  hash: string;
  version?: number;
}

export interface SupergraphStatus {
  source: string;
  hash: string;
  version: number | null;
  servedSince: string;
  pollIntervalMs: number;
  lastCheckAt: string | null;
  /** Why the newest artefact seen is not served, when it is not. */
  lastRejected: { at: string; hash: string | null; reason: string } | null;
}

type SupergraphSdlHookOptions = Parameters<SupergraphSdlHook>[0];

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split('\n').slice(0, 5).join(' ');

export class SupergraphSource implements SupergraphManager {
  private served?: Candidate & { since: Date };
  private lastCheckAt: Date | null = null;
  private lastRejected: SupergraphStatus['lastRejected'] = null;
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private update?: SupergraphSdlHookOptions['update'];

  constructor(private readonly options: SupergraphSourceOptions) {
    if (Boolean(options.path) === Boolean(options.url)) throw new Error('SupergraphSource: give exactly one of path or url');
  }

  get description(): string {
    return this.options.path ?? this.options.url!;
  }

  async initialize({ update }: SupergraphSdlHookOptions): Promise<{ supergraphSdl: string; cleanup: () => Promise<void> }> {
    this.update = update;
    // At start there is no last good one: a bad artefact stops the gateway with the reason.
    const first = await this.read();
    if (!first) throw new Error(`no supergraph at ${this.description}`);
    Supergraph.build(first.sdl);
    this.served = { ...first, since: new Date() };
    this.lastCheckAt = new Date();
    this.options.logger.info({ source: this.description, hash: first.hash, version: first.version }, 'serving supergraph');
    if (this.options.pollIntervalMs > 0) {
      this.timer = setInterval(() => void this.check(), this.options.pollIntervalMs);
      this.timer.unref();
    }
    return {
      supergraphSdl: first.sdl,
      cleanup: async () => {
        clearInterval(this.timer);
        await this.polling;
      },
    };
  }

  /** One poll: switches to a new artefact if it is whole and composes. Never throws. */
  check(): Promise<void> {
    this.polling ??= this.checkOnce().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  status(): SupergraphStatus {
    return {
      source: this.description,
      hash: this.served?.hash ?? '',
      version: this.served?.version ?? null,
      servedSince: this.served?.since.toISOString() ?? '',
      pollIntervalMs: this.options.pollIntervalMs,
      lastCheckAt: this.lastCheckAt?.toISOString() ?? null,
      lastRejected: this.lastRejected,
    };
  }

  private async checkOnce(): Promise<void> {
    let candidate: Candidate | undefined;
    try {
      candidate = await this.read(this.served?.hash);
      this.lastCheckAt = new Date();
      if (!candidate || candidate.hash === this.served?.hash) return;
      // Builds the supergraph (and its API schema) before the gateway sees it: the reason is ours to log.
      Supergraph.build(candidate.sdl).apiSchema();
      this.update!(candidate.sdl);
      this.served = { ...candidate, since: new Date() };
      this.lastRejected = null;
      this.options.logger.info(
        { source: this.description, hash: candidate.hash, version: candidate.version },
        'switched to a new supergraph',
      );
    } catch (error) {
      this.lastCheckAt = new Date();
      const reason = reasonOf(error);
      const hash = candidate?.hash ?? null;
      // Log a refusal once per artefact, not once per poll.
      if (this.lastRejected?.reason !== reason || this.lastRejected.hash !== hash) {
        this.options.logger.warn(
          { source: this.description, rejected: hash, serving: this.served?.hash, reason },
          'new supergraph refused; the last good one keeps serving',
        );
      }
      this.lastRejected = { at: new Date().toISOString(), hash, reason };
    }
  }

  /** The artefact as it is now; undefined when its manifest says nothing changed since `knownHash`. */
  private async read(knownHash?: string): Promise<Candidate | undefined> {
    return this.options.path ? this.readPath(this.options.path, knownHash) : this.readUrl(this.options.url!, knownHash);
  }

  private readPath(path: string, knownHash?: string): Candidate | undefined {
    if (!existsSync(path)) throw new ArtefactError(`${path} does not exist`);
    if (!statSync(path).isDirectory()) {
      const sdl = readFileSync(path, 'utf8');
      return { sdl, hash: sha256(sdl) };
    }
    const manifest = parseManifest(readFileSync(join(path, 'manifest.json'), 'utf8'));
    if (manifest.hash === knownHash) return undefined;
    const sdl = readFileSync(join(path, 'supergraph.graphql'), 'utf8');
    if (sha256(sdl) !== manifest.hash) {
      throw new ArtefactError(
        `supergraph.graphql does not match the hash of manifest version ${manifest.version} (incomplete publication?)`,
      );
    }
    return { sdl, hash: manifest.hash, version: manifest.version };
  }

  private async readUrl(url: string, knownHash?: string): Promise<Candidate | undefined> {
    const get = async (target: string): Promise<string> => {
      const res = await fetch(target, { signal: AbortSignal.timeout(10_000) });
      if (!res.ok) throw new ArtefactError(`GET ${target}: HTTP ${res.status}`);
      return res.text();
    };
    if (/\.graphql$/.test(new URL(url).pathname)) {
      const sdl = await get(url);
      return { sdl, hash: sha256(sdl) };
    }
    const base = url.endsWith('/') ? url : `${url}/`;
    const manifest = parseManifest(await get(new URL('manifest.json', base).toString()));
    if (manifest.hash === knownHash) return undefined;
    const sdl = await get(new URL('supergraph.graphql', base).toString());
    if (sha256(sdl) !== manifest.hash) {
      throw new ArtefactError(
        `supergraph.graphql does not match the hash of manifest version ${manifest.version} (incomplete publication?)`,
      );
    }
    return { sdl, hash: manifest.hash, version: manifest.version };
  }
}
