import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import * as apps from 'kubernetes-models/apps/v1';
import * as autoscaling from 'kubernetes-models/autoscaling/v2';
import * as core from 'kubernetes-models/v1';
import * as networking from 'kubernetes-models/networking.k8s.io/v1';
import * as policy from 'kubernetes-models/policy/v1';
import { loadConfig } from '@civgrid/service-kit';
import { thrownMessage } from '@civgrid/testing';
import { gatewayConfigSchema, SUBGRAPH_URL_ENV } from '../src/config';
import { SUBGRAPHS } from '../src/compose/subgraphs';
import { K8sObject, kubectlKustomize, kustomize, sortObjects } from './kustomize';

// deploy/k8s as a platform team would apply it: rendered (kubectl kustomize where installed, and
// this repository's small renderer, which must agree), every object checked against the
// Kubernetes API schema, then read for what an operator relies on.
const root = join(__dirname, '..', '..');
const k8s = join(root, 'deploy', 'k8s');
const SERVICES = SUBGRAPHS.map((s) => s.name);
const VERSION = (JSON.parse(readFileSync(join(root, 'gateway', 'package.json'), 'utf8')) as { version: string }).version;
const KAFKA_VERSION = /<kafka\.version>([^<]+)</.exec(readFileSync(join(root, 'deploy', 'kafka', 'pom.xml'), 'utf8'))![1];

const render = (dir: string) => kustomize(join(k8s, dir));
const production = render('overlays/production');
const base = render('base');
const secrets = render('secrets');

interface Container {
  name: string;
  image: string;
  command?: string[];
  env?: {
    name: string;
    value?: string;
    valueFrom?: { configMapKeyRef?: { name: string; key: string }; secretKeyRef?: { name: string; key: string } };
  }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  startupProbe?: unknown;
  readinessProbe?: { httpGet?: { path: string } };
  livenessProbe?: { httpGet?: { path: string } };
  volumeMounts?: { name: string; mountPath: string; subPath?: string }[];
}
interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: { name: string; configMap?: { name: string } }[];
}
type Workload = K8sObject & { spec: { replicas?: number; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } } };

const of = (docs: K8sObject[], kind: string) => docs.filter((d) => d.kind === kind);
const named = <T extends K8sObject>(docs: K8sObject[], kind: string, name: string): T => {
  const found = docs.find((d) => d.kind === kind && d.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name}`);
  return found as T;
};
const data = (docs: K8sObject[], name: string) => named<K8sObject & { data: Record<string, string> }>(docs, 'ConfigMap', name).data;

/** The environment a container gets, ConfigMaps resolved; secret keys as `secret:<name>/<key>`. */
function effectiveEnv(docs: K8sObject[], c: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of c.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, data(docs, from.configMapRef.name));
    if (from.secretRef) {
      const secret = named<K8sObject & { stringData: Record<string, string> }>(secrets, 'Secret', from.secretRef.name);
      for (const key of Object.keys(secret.stringData)) env[key] = `secret:${from.secretRef.name}/${key}`;
    }
  }
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if (e.valueFrom?.configMapKeyRef) {
      const v = data(docs, e.valueFrom.configMapKeyRef.name)[e.valueFrom.configMapKeyRef.key];
      if (v === undefined) throw new Error(`${c.name}: ${e.name} names a key ${e.valueFrom.configMapKeyRef.key} its ConfigMap lacks`);
      env[e.name] = v;
    } else if (e.valueFrom?.secretKeyRef) env[e.name] = `secret:${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`;
  }
  return env;
}

const AUTH_KEYS = ['AUTH_ISSUER', 'AUTH_AUDIENCE', 'AUTH_JWKS_URL', 'AUTH_DISTRICT_ROOT'];
/** Every Deployment whose token settings differ from the gateway's: a token could pass one and not the other. */
function authDisagreements(docs: K8sObject[]): string[] {
  const settingsOf = (d: K8sObject) => {
    const env = effectiveEnv(docs, (d as Workload).spec.template.spec.containers[0]);
    return AUTH_KEYS.map((k) => `${k}=${env[k] ?? '(unset)'}`);
  };
  const gateway = settingsOf(named(docs, 'Deployment', 'gateway'));
  return of(docs, 'Deployment')
    .filter((d) => d.metadata.name !== 'gateway')
    .flatMap((d) => settingsOf(d).flatMap((v, i) => (v === gateway[i] ? [] : [`${d.metadata.name} has ${v}, the gateway ${gateway[i]}`])));
}

// Synthetic values for the secrets' placeholders, by key, valid for the config schemas.
const PEM = '-----BEGIN PUBLIC KEY-----\nplaceholder\n-----END PUBLIC KEY-----';
function secretValue(ref: string): string {
  const [name, key] = ref.slice('secret:'.length).split('/');
  if (name === 'civgrid-databases') return `postgres://civgrid:pw@${key}-db:5432/${key.replace(/-/g, '_')}`;
  if (key === 'AUTH_PUBLIC_KEY') return PEM;
  const placeholder = named<K8sObject & { stringData: Record<string, string> }>(secrets, 'Secret', name).stringData[key];
  return placeholder === 'REPLACE_ME' ? Buffer.alloc(32, 7).toString('base64') : placeholder;
}
const withSecrets = (env: Record<string, string>) =>
  Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.startsWith('secret:') ? secretValue(v) : v]));

const MODELS: Record<string, { validate(): void } & (new (o: unknown) => { validate(): void })> = {
  'apps/v1/Deployment': apps.Deployment,
  'apps/v1/StatefulSet': apps.StatefulSet,
  'autoscaling/v2/HorizontalPodAutoscaler': autoscaling.HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': policy.PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': networking.NetworkPolicy,
  'networking.k8s.io/v1/Ingress': networking.Ingress,
  'v1/Service': core.Service,
  'v1/ConfigMap': core.ConfigMap,
  'v1/Secret': core.Secret,
} as never;

describe('deploy/k8s, rendered', () => {
  it.each(['overlays/production', 'base', 'secrets'])(
    '%s: kubectl kustomize (where installed) renders what the test renderer renders',
    (dir) => {
      const theirs = kubectlKustomize(join(k8s, dir));
      if (theirs) expect(sortObjects(theirs)).toEqual(sortObjects(render(dir)));
      else expect(render(dir).length).toBeGreaterThan(0);
    },
  );

  it('has only objects the Kubernetes API schema accepts', () => {
    for (const doc of [...production, ...secrets]) {
      const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
      expect({ object: `${doc.kind}/${doc.metadata.name}`, known: Boolean(Model) }).toEqual({
        object: `${doc.kind}/${doc.metadata.name}`,
        known: true,
      });
      expect(() => new Model(doc).validate()).not.toThrow();
      expect(doc.metadata.namespace).toBe('civgrid');
    }
  });

  it('pins every image: the CivGrid images at the release version, Kafka at the development version', () => {
    for (const w of [...of(production, 'Deployment'), ...of(production, 'StatefulSet')] as Workload[]) {
      for (const c of [...w.spec.template.spec.containers, ...(w.spec.template.spec.initContainers ?? [])]) {
        expect(c.image).toMatch(/^[a-z0-9./-]+(:[A-Za-z0-9._-]+|@sha256:[a-f0-9]{64})$/);
        expect(c.image).not.toMatch(/:latest$/);
        if (c.image.startsWith('civgrid/')) expect(c.image.split(':')[1]).toBe(VERSION);
      }
    }
    expect(named<Workload>(production, 'StatefulSet', 'kafka').spec.template.spec.containers[0].image).toBe(
      `apache/kafka:${KAFKA_VERSION}`,
    );
  });
});

describe('deploy/k8s: the workloads', () => {
  it('runs the gateway and each subgraph with resources, startup, readiness and liveness probes, an HPA and a PodDisruptionBudget', () => {
    const deployments = of(production, 'Deployment') as Workload[];
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...SERVICES, 'gateway'].sort());
    for (const d of deployments) {
      const c = d.spec.template.spec.containers[0];
      expect({ name: d.metadata.name, requests: c.resources?.requests?.['cpu'], limit: c.resources?.limits?.['memory'] }).toEqual({
        name: d.metadata.name,
        requests: expect.any(String),
        limit: expect.any(String),
      });
      expect(c.startupProbe).toBeDefined();
      expect(c.readinessProbe?.httpGet?.path).toMatch(/^\/health\//);
      expect(c.livenessProbe?.httpGet?.path).toBe('/health/live');
      const hpa = named<K8sObject & { spec: { scaleTargetRef: { kind: string; name: string }; minReplicas: number } }>(
        production,
        'HorizontalPodAutoscaler',
        d.metadata.name,
      );
      expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: d.metadata.name });
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
      const pdb = named<K8sObject & { spec: { selector: { matchLabels: Record<string, string> } } }>(
        production,
        'PodDisruptionBudget',
        d.metadata.name,
      );
      expect(d.spec.template.metadata.labels).toMatchObject(pdb.spec.selector.matchLabels);
    }
  });

  it('migrates each service in an init container of its own image before the service starts: no Job to re-create', () => {
    expect(of(production, 'Job')).toEqual([]);
    for (const name of SERVICES) {
      const pod = named<Workload>(production, 'Deployment', name).spec.template.spec;
      const [migrate] = pod.initContainers ?? [];
      expect(migrate?.command).toEqual(['node', 'dist/database/migrate.js']);
      expect(migrate.image).toBe(pod.containers[0].image);
      expect(effectiveEnv(production, migrate)['DATABASE_URL']).toBe(effectiveEnv(production, pod.containers[0])['DATABASE_URL']);
      expect(migrate.resources?.limits?.['memory']).toBeDefined();
    }
  });

  it('gives every subgraph the settings its config schema needs in production, from the ConfigMap and the declared secrets', async () => {
    for (const s of SUBGRAPHS) {
      const env = withSecrets(effectiveEnv(production, named<Workload>(production, 'Deployment', s.name).spec.template.spec.containers[0]));
      const { configSchema } = await s.load();
      expect({ service: s.name, problem: thrownMessage(() => loadConfig(s.name, configSchema, env)) }).toEqual({
        service: s.name,
        problem: null,
      });
    }
    const gateway = withSecrets(
      effectiveEnv(production, named<Workload>(production, 'Deployment', 'gateway').spec.template.spec.containers[0]),
    );
    expect(thrownMessage(() => gatewayConfigSchema.parse(gateway))).toBeNull();
    for (const s of SERVICES) expect(gateway[SUBGRAPH_URL_ENV[s]]).toBe(`http://${s}:4000/graphql`);
  });

  it('takes the issuer, audience, JWKS and district of the gateway and of every subgraph from one ConfigMap, and notices when one differs', () => {
    expect(authDisagreements(production)).toEqual([]);
    const env = effectiveEnv(production, named<Workload>(production, 'Deployment', 'gateway').spec.template.spec.containers[0]);
    expect(env['AUTH_JWKS_URL']).toMatch(/^https:\/\//);
    // The same check on a copy where the gateway was given its own issuer.
    const altered = JSON.parse(JSON.stringify(production)) as K8sObject[];
    const gw = named<Workload>(altered, 'Deployment', 'gateway').spec.template.spec.containers[0];
    gw.env = gw.env!.map((e) => (e.name === 'AUTH_ISSUER' ? { name: 'AUTH_ISSUER', value: 'civgrid-dev' } : e));
    expect(authDisagreements(altered)).toEqual(
      SERVICES.map((s): unknown => expect.stringContaining(`${s} has AUTH_ISSUER=https://idp.example.org/`)),
    );
  });

  it('declares every secret and key the workloads read, as placeholders', () => {
    for (const w of [...of(production, 'Deployment'), ...of(production, 'StatefulSet')] as Workload[]) {
      for (const c of [...w.spec.template.spec.containers, ...(w.spec.template.spec.initContainers ?? [])]) {
        for (const ref of Object.values(effectiveEnv(production, c)).filter((v) => v.startsWith('secret:'))) {
          const [name, key] = ref.slice('secret:'.length).split('/');
          expect(named<K8sObject & { stringData: Record<string, string> }>(secrets, 'Secret', name).stringData).toHaveProperty([key]);
        }
      }
    }
    expect(of(production, 'Secret')).toEqual([]);
  });

  it('serves the published supergraph from a ConfigMap mounted as a folder (no subPath), so a publication reaches the running gateway', () => {
    const pod = named<Workload>(production, 'Deployment', 'gateway').spec.template.spec;
    const env = effectiveEnv(production, pod.containers[0]);
    const volume = pod.volumes!.find((v) => v.configMap?.name === 'civgrid-supergraph')!;
    const mount = pod.containers[0].volumeMounts!.find((m) => m.name === volume.name)!;
    expect(mount).toEqual({ name: volume.name, mountPath: env['SUPERGRAPH_PATH'], readOnly: true });
    const published = join(root, 'deploy', 'supergraph', 'published');
    const map = data(production, 'civgrid-supergraph');
    expect(map['manifest.json']).toBe(readFileSync(join(published, 'manifest.json'), 'utf8'));
    expect(map['supergraph.graphql']).toBe(readFileSync(join(published, 'supergraph.graphql'), 'utf8'));
    expect(Number(env['SUPERGRAPH_POLL_INTERVAL_MS'])).toBeGreaterThan(0);
  });

  it('routes to the gateway what the public uses (the graph, Open311, photos, the whole web app) and nothing of what stays inside', () => {
    const [ingress] = of(production, 'Ingress') as (K8sObject & {
      spec: {
        rules: { host: string; http: { paths: { path: string; pathType: string; backend: { service: { name: string } } }[] } }[];
      };
    })[];
    const paths = ingress.spec.rules.flatMap((r) => r.http.paths);
    expect(new Set(paths.map((p) => p.backend.service.name))).toEqual(new Set(['gateway']));
    // As the Ingress specification matches: Exact the whole path, Prefix whole path segments.
    const routed = (url: string) =>
      paths.some((p) => (p.pathType === 'Exact' ? url === p.path : url === p.path || url.startsWith(p.path.replace(/\/$/, '') + '/')));
    for (const url of ['/graphql', '/open311/v2/services.json', '/open311/discovery.xml', '/photos/abc.jpg', '/'])
      expect(routed(url)).toBe(true);
    // Every file of the web app's build, as the gateway serves it.
    const dist = join(root, 'web', 'dist');
    const files = readdirSync(dist, { recursive: true, withFileTypes: true })
      .filter((f) => f.isFile())
      .map((f) => '/' + relative(dist, join(f.parentPath, f.name)).split(sep).join('/'));
    expect(files).toContain('/index.html');
    expect(files.filter((f) => !routed(f))).toEqual([]);
    for (const url of ['/metrics', '/health/ready', '/health/status', '/status/supergraph', '/graphiql', '/dev/people', '/dev/sign-in'])
      expect(routed(url)).toBe(false);
    // Incident reporting's links (photos, Open311 discovery) name the address the Ingress serves.
    const incidents = named<Workload>(production, 'Deployment', 'incident-reporting').spec.template.spec.containers[0];
    expect(effectiveEnv(production, incidents)['PUBLIC_BASE_URL']).toBe(`https://${ingress.spec.rules[0].host}`);
  });
});

describe('deploy/k8s: who may reach whom (NetworkPolicies)', () => {
  interface Pod {
    namespace: string;
    labels: Record<string, string>;
  }
  type Policy = K8sObject & {
    spec: {
      podSelector: { matchLabels?: Record<string, string> };
      policyTypes: string[];
      ingress?: {
        from?: { podSelector?: { matchLabels?: Record<string, string> }; namespaceSelector?: { matchLabels?: Record<string, string> } }[];
        ports?: { port: number }[];
      }[];
    };
  };
  const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
    Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
  const policies = of(production, 'NetworkPolicy') as Policy[];
  const podOf = (name: string): Pod => ({
    namespace: 'civgrid',
    labels: named<Workload>(production, name.includes('-db') || name === 'kafka' ? 'StatefulSet' : 'Deployment', name).spec.template
      .metadata.labels,
  });
  const ingressController: Pod = { namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } };

  function canReach(from: Pod, to: Pod, port: number): boolean {
    const selecting = policies.filter(
      (p) =>
        p.metadata.namespace === to.namespace &&
        p.spec.policyTypes.includes('Ingress') &&
        matches(p.spec.podSelector.matchLabels, to.labels),
    );
    if (selecting.length === 0) return true;
    return selecting.some((p) =>
      (p.spec.ingress ?? []).some(
        (rule) =>
          (!rule.ports || rule.ports.some((q) => q.port === port)) &&
          (!rule.from ||
            rule.from.some((peer) =>
              peer.namespaceSelector
                ? matches(peer.namespaceSelector.matchLabels, { 'kubernetes.io/metadata.name': from.namespace }) &&
                  matches(peer.podSelector?.matchLabels, from.labels)
                : from.namespace === p.metadata.namespace && matches(peer.podSelector?.matchLabels, from.labels),
            )),
      ),
    );
  }

  it('lets the ingress controller reach the gateway, and nothing else', () => {
    expect(canReach(ingressController, podOf('gateway'), 4000)).toBe(true);
    for (const s of SERVICES) expect(canReach(ingressController, podOf(s), 4000)).toBe(false);
  });

  it('lets only the gateway reach a subgraph', () => {
    for (const s of SERVICES) {
      expect(canReach(podOf('gateway'), podOf(s), 4000)).toBe(true);
      for (const other of SERVICES.filter((o) => o !== s))
        expect({ from: other, to: s, ok: canReach(podOf(other), podOf(s), 4000) }).toEqual({ from: other, to: s, ok: false });
    }
  });

  it('lets each database be reached by its own service only (its migrations included)', () => {
    for (const s of SERVICES) {
      expect(canReach(podOf(s), podOf(`${s}-db`), 5432)).toBe(true);
      expect(canReach(podOf('gateway'), podOf(`${s}-db`), 5432)).toBe(false);
      for (const other of SERVICES.filter((o) => o !== s))
        expect({ from: other, db: s, ok: canReach(podOf(other), podOf(`${s}-db`), 5432) }).toEqual({ from: other, db: s, ok: false });
    }
  });

  it('lets the services and the brokers reach Kafka, not the gateway', () => {
    for (const s of SERVICES) expect(canReach(podOf(s), podOf('kafka'), 9092)).toBe(true);
    expect(canReach(podOf('kafka'), podOf('kafka'), 9093)).toBe(true);
    expect(canReach(podOf('gateway'), podOf('kafka'), 9092)).toBe(false);
  });
});

describe('deploy/k8s: the production overlay', () => {
  it('runs three KRaft brokers with replication factor 3 and min.insync.replicas 2; the quorum names each broker', () => {
    const kafka = named<Workload>(production, 'StatefulSet', 'kafka');
    const config = data(production, 'kafka-config');
    expect(kafka.spec.replicas).toBe(3);
    expect(config).toMatchObject({
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_DEFAULT_REPLICATION_FACTOR: '3',
      KAFKA_MIN_INSYNC_REPLICAS: '2',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '3',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '3',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '2',
    });
    expect(config['KAFKA_CONTROLLER_QUORUM_VOTERS'].split(',').map((v) => v.split('@')[0])).toEqual(['0', '1', '2']);
    // The base stays a one-broker cluster that can start alone.
    expect(named<Workload>(base, 'StatefulSet', 'kafka').spec.replicas).toBe(1);
    expect(data(base, 'kafka-config')['KAFKA_CONTROLLER_QUORUM_VOTERS'].split(',')).toHaveLength(1);
  });

  it('sets the topic partitions in the ConfigMap the services read', () => {
    expect(Number(data(production, 'civgrid-common')['KAFKA_TOPIC_PARTITIONS'])).toBe(12);
    for (const s of SERVICES) {
      expect(
        effectiveEnv(production, named<Workload>(production, 'Deployment', s).spec.template.spec.containers[0])['KAFKA_TOPIC_PARTITIONS'],
      ).toBe('12');
    }
  });
});
