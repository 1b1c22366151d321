import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

// A small kustomize for the static deploy tests, for machines without `kubectl kustomize`: the
// features deploy/k8s uses (resources, namespace, images, JSON 6902 patches with a target,
// configMapGenerator without name hashes) and nothing else — anything more is an error, so the
// renderer can never silently differ. Where kubectl is installed, the tests check both agree.

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  patches?: { target: { kind?: string; name?: string }; patch: string }[];
  configMapGenerator?: { name: string; files?: string[]; literals?: string[] }[];
  generatorOptions?: { disableNameSuffixHash?: boolean };
}

const SUPPORTED = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'images', 'patches', 'configMapGenerator', 'generatorOptions']);

type Json = unknown;
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function pointer(path: string): string[] {
  return path
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function applyPatch(doc: K8sObject, ops: { op: string; path: string; value?: Json }[]): void {
  for (const { op, path, value } of ops) {
    const parts = pointer(path);
    const last = parts.pop()!;
    let node = doc as unknown as Record<string, Json>;
    for (const p of parts) {
      if (node[p] === undefined) throw new Error(`patch ${op} ${path}: no ${p} in ${doc.kind}/${doc.metadata.name}`);
      node = node[p] as Record<string, Json>;
    }
    if (op === 'replace') {
      if (!(last in node)) throw new Error(`patch replace ${path}: nothing to replace in ${doc.kind}/${doc.metadata.name}`);
      node[last] = value;
    } else if (op === 'add') {
      if (Array.isArray(node)) (node as Json[]).splice(last === '-' ? node.length : Number(last), 0, value);
      else node[last] = value;
    } else if (op === 'remove') {
      if (Array.isArray(node)) (node as Json[]).splice(Number(last), 1);
      else delete node[last];
    } else throw new Error(`patch op ${op} is not supported by this renderer`);
  }
}

function setImages(doc: K8sObject, images: NonNullable<Kustomization['images']>): void {
  const spec = (doc as { spec?: { template?: { spec?: Record<string, unknown> } } }).spec?.template?.spec;
  if (!spec) return;
  for (const list of ['containers', 'initContainers'] as const) {
    for (const c of (spec[list] as { image?: string }[] | undefined) ?? []) {
      if (!c.image) continue;
      const [name] = c.image.split(/[:@]/);
      const rule = images.find((i) => i.name === name);
      if (!rule) continue;
      const newName = rule.newName ?? name;
      c.image = rule.digest ? `${newName}@${rule.digest}` : rule.newTag ? `${newName}:${rule.newTag}` : newName;
    }
  }
}

/** Renders a kustomization folder into its objects. */
export function kustomize(dir: string): K8sObject[] {
  const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
  for (const key of Object.keys(k))
    if (!SUPPORTED.has(key)) throw new Error(`${dir}/kustomization.yaml: ${key} is not supported by this renderer`);
  const docs: K8sObject[] = [];
  for (const r of k.resources ?? []) {
    const path = join(dir, r);
    if (existsSync(path) && statSync(path).isDirectory()) docs.push(...kustomize(path));
    else
      docs.push(
        ...parseAllDocuments(readFileSync(path, 'utf8'))
          .map((d) => d.toJS() as K8sObject)
          .filter(Boolean),
      );
  }
  for (const g of k.configMapGenerator ?? []) {
    if (!k.generatorOptions?.disableNameSuffixHash) throw new Error(`${dir}: name hashes are not supported by this renderer`);
    const data: Record<string, string> = {};
    for (const f of g.files ?? []) data[basename(f)] = readFileSync(join(dir, f), 'utf8');
    for (const l of g.literals ?? []) data[l.slice(0, l.indexOf('='))] = l.slice(l.indexOf('=') + 1);
    docs.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: g.name }, data });
  }
  for (const p of k.patches ?? []) {
    const targets = docs.filter(
      (d) => (!p.target.kind || d.kind === p.target.kind) && (!p.target.name || d.metadata.name === p.target.name),
    );
    if (targets.length === 0) throw new Error(`${dir}: a patch matches nothing (${JSON.stringify(p.target)})`);
    const ops = parse(p.patch) as { op: string; path: string; value?: Json }[];
    if (!Array.isArray(ops)) throw new Error(`${dir}: only JSON 6902 patches are supported by this renderer`);
    for (const t of targets) applyPatch(t, ops);
  }
  for (const d of docs) {
    if (k.namespace) d.metadata.namespace = k.namespace;
    if (k.images) setImages(d, k.images);
  }
  return docs;
}

/** `kubectl kustomize` where kubectl is installed, else undefined. */
export function kubectlKustomize(dir: string): K8sObject[] | undefined {
  const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 30_000 });
  if (r.error || r.status !== 0) {
    if (r.status !== 0 && !r.error) throw new Error(`kubectl kustomize ${dir}: ${r.stderr}`);
    return undefined;
  }
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as K8sObject);
}

export const sortObjects = (docs: K8sObject[]): K8sObject[] =>
  clone(docs).sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
