import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig } from '@civgrid/service-kit';
import { gatewayConfigSchema, SUBGRAPH_URL_ENV } from '../src/config';
import { SUBGRAPHS } from '../src/compose/subgraphs';

// No Docker engine runs here: the compose file is checked statically against the same config
// schemas the services validate at boot.
const root = join(__dirname, '..', '..');
interface ComposeService {
  build?: { args?: Record<string, string> };
  environment?: Record<string, string>;
}
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const PEM = '-----BEGIN PUBLIC KEY-----\nplaceholder\n-----END PUBLIC KEY-----';
const KEY = Buffer.alloc(32, 7).toString('base64');
const resolveEnv = (env: Record<string, string> = {}) =>
  Object.fromEntries(
    Object.entries(env).map(([k, v]) => [
      k,
      String(v)
        .replace(/\$\{CIVGRID_AUTH_PUBLIC_KEY[^}]*\}/, PEM)
        .replace(/\$\{CIVGRID_(PII_[A-Z_]+|PHOTO_URL_SECRET|GATEWAY_SHARED_SECRET):\?[^}]*\}/, KEY),
    ]),
  );

describe('docker-compose.yml', () => {
  it.each(SUBGRAPHS.map((s) => [s.name, s] as const))(
    'runs %s with an environment its config schema accepts, from its own package',
    async (name, subgraph) => {
      const service = compose.services[name];
      expect(service).toBeDefined();
      expect(service.build?.args?.['PACKAGE']).toBe(`@civgrid/${name}`);
      const { configSchema } = await subgraph.load();
      expect(() => loadConfig(name, configSchema, resolveEnv(service.environment))).not.toThrow();
      expect(service.environment?.['DATABASE_URL']).toMatch(new RegExp(`/${name.replace(/-/g, '_')}$`));
    },
  );

  it('points the gateway at every subgraph by its compose name', () => {
    const gateway = compose.services['gateway'];
    const env = resolveEnv(gateway.environment);
    expect(() => gatewayConfigSchema.parse(env)).not.toThrow();
    for (const s of SUBGRAPHS) expect(env[SUBGRAPH_URL_ENV[s.name]]).toBe(`http://${s.name}:4000/graphql`);
  });

  it('creates every service database in the PostgreSQL init script', () => {
    const init = readFileSync(join(root, 'deploy', 'postgres', 'init.sql'), 'utf8');
    for (const s of SUBGRAPHS) expect(init).toContain(`CREATE DATABASE ${s.name.replace(/-/g, '_')};`);
    expect(existsSync(join(root, 'deploy', 'docker', 'Dockerfile'))).toBe(true);
  });
});

describe('deploy/k8s', () => {
  it('deploys every subgraph and the gateway with health probes, listed in the kustomization', () => {
    const dir = join(root, 'deploy', 'k8s');
    const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    const docs = kustomization.resources.flatMap((file) =>
      parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => d.toJS() as K8sObject),
    );
    const deployments = docs.filter((d) => d.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...SUBGRAPHS.map((s) => s.name), 'gateway'].sort());
    for (const d of deployments) {
      const container = d.spec.template.spec.containers[0];
      expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
      expect(container.livenessProbe.httpGet.path).toBe('/health/live');
    }
  });

  it('gives every subgraph the settings its config schema needs in production, from the config map and the documented secrets', async () => {
    const dir = join(root, 'deploy', 'k8s');
    const common = readFileSync(join(dir, 'common.yaml'), 'utf8');
    const configMap = (parseAllDocuments(common)[0].toJS() as { data: Record<string, string> }).data;
    // The secrets are made out of band; common.yaml documents the keys of each.
    const secrets = new Map<string, string[]>();
    let current: string | undefined;
    for (const line of common.split('\n').filter((l) => l.startsWith('#   '))) {
      const m = /^#\s+(civgrid-[a-z-]+):\s+(.*)$/.exec(line);
      if (m) current = m[1];
      const keys = (m ? m[2] : line).match(/\b[A-Z][A-Z0-9_]{3,}\b/g) ?? [];
      if (current) secrets.set(current, [...(secrets.get(current) ?? []), ...keys]);
    }
    const placeholder = (key: string): string =>
      key === 'AUTH_PUBLIC_KEY'
        ? PEM
        : key.endsWith('_URL') || key.endsWith('ENDPOINT')
          ? 'https://example.org/x'
          : key === 'PHOTO_S3_FORCE_PATH_STYLE'
            ? 'true'
            : key === 'PHOTO_S3_REGION'
              ? 'us-east-1'
              : key === 'PHOTO_S3_BUCKET'
                ? 'civgrid-photos'
                : KEY;
    for (const s of SUBGRAPHS) {
      const doc = parseAllDocuments(readFileSync(join(dir, `${s.name}.yaml`), 'utf8'))
        .map((d) => d.toJS() as K8sDeployment)
        .find((d) => d.kind === 'Deployment')!;
      const container = doc.spec.template.spec.containers[0];
      const env: Record<string, string> = { ...configMap, DATABASE_URL: `postgres://u:p@db:5432/${s.name.replace(/-/g, '_')}` };
      for (const from of container.envFrom ?? []) {
        // The auth secret holds one of its two keys: production uses the JWKS URL.
        const keys = from.secretRef?.name === 'civgrid-auth' ? ['AUTH_JWKS_URL'] : (secrets.get(from.secretRef?.name ?? '') ?? []);
        for (const key of keys) env[key] = placeholder(key);
      }
      for (const e of container.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
      const { configSchema } = await s.load();
      expect({ service: s.name, problem: problemOf(() => loadConfig(s.name, configSchema, env)) }).toEqual({
        service: s.name,
        problem: null,
      });
    }
  });

  it('builds from a context without the local data (dev private key included), .env files or installed modules', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['.local', '**/node_modules', '**/.env', '**/dist']));
  });
});

interface K8sObject {
  kind: string;
  metadata: { name: string };
  spec: {
    template: { spec: { containers: { readinessProbe: { httpGet: { path: string } }; livenessProbe: { httpGet: { path: string } } }[] } };
  };
}

interface K8sDeployment {
  kind: string;
  spec: {
    template: {
      spec: {
        containers: { envFrom?: { secretRef?: { name: string } }[]; env?: { name: string; value?: string }[] }[];
      };
    };
  };
}

function problemOf(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
