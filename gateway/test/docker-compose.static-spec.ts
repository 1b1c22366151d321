import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TokenVerifier } from '@civgrid/auth';
import { loadConfig } from '@civgrid/service-kit';
import { thrownMessage } from '@civgrid/testing';
import { gatewayConfigSchema, SUBGRAPH_URL_ENV } from '../src/config';
import { SUBGRAPHS } from '../src/compose/subgraphs';
import { ComposeFile, dockerComposeConfig, interpolate, InterpolationError, renderCompose } from './compose-render';

// docker-compose.yml as written: rendered with no variables set (every one has a development
// default), each service's environment checked against the config schema it validates at boot.
const root = join(__dirname, '..', '..');
const file = join(root, 'docker-compose.yml');
const text = readFileSync(file, 'utf8');
const KAFKA_VERSION = /<kafka\.version>([^<]+)</.exec(readFileSync(join(root, 'deploy', 'kafka', 'pom.xml'), 'utf8'))![1];
const VERSION = (JSON.parse(readFileSync(join(root, 'gateway', 'package.json'), 'utf8')) as { version: string }).version;

const render = (env: Record<string, string> = {}): ComposeFile => dockerComposeConfig(root, env) ?? renderCompose(file, env);
const compose = render();
const envOf = (name: string): Record<string, string> =>
  Object.fromEntries(Object.entries(compose.services[name]?.environment ?? {}).map(([k, v]) => [k, String(v)]));

describe('docker-compose.yml', () => {
  it('renders with no variable set: every one has a development default', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [
        'postgres',
        'kafka',
        ...SUBGRAPHS.map((s) => s.name),
        'gateway',
        'token',
        'prometheus',
        'grafana',
        'otel-collector',
        'jaeger',
      ].sort(),
    );
    expect(text).not.toMatch(/\$\{[A-Z0-9_]+(:?\?[^}]*)?\}/); // no required (or bare) variables
  });

  it.each(SUBGRAPHS.map((s) => [s.name, s] as const))(
    'runs %s from its own package with an environment its config schema accepts',
    async (name, subgraph) => {
      const service = compose.services[name];
      expect(service.build?.args).toEqual({ PACKAGE: `@civgrid/${name}`, VERSION });
      expect(service.image).toBe(`civgrid/${name}:${VERSION}`);
      const { configSchema } = await subgraph.load();
      expect(thrownMessage(() => loadConfig(name, configSchema, envOf(name)))).toBeNull();
      expect(envOf(name)['DATABASE_URL']).toMatch(new RegExp(`@postgres:5432/${name.replace(/-/g, '_')}$`));
    },
  );

  it('points the gateway at every subgraph by its compose name, serving the published supergraph it mounts', () => {
    const env = envOf('gateway');
    expect(thrownMessage(() => gatewayConfigSchema.parse(env))).toBeNull();
    for (const s of SUBGRAPHS) expect(env[SUBGRAPH_URL_ENV[s.name]]).toBe(`http://${s.name}:4000/graphql`);
    const volumes = (compose.services['gateway'].volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':')[1] : v.target));
    expect(volumes).toContain(env['SUPERGRAPH_PATH']);
  });

  it('runs the same Kafka version as development, in KRaft mode', () => {
    expect(compose.services['kafka'].image).toBe(`apache/kafka:${KAFKA_VERSION}`);
    expect(envOf('kafka')['KAFKA_PROCESS_ROLES']).toBe('broker,controller');
    expect(text).not.toMatch(/zookeeper/i);
  });

  it('has the token helper its header names, and its tokens pass the gateway and every service as configured', async () => {
    const named = [...text.matchAll(/docker compose run --rm (\S+)/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(0);
    for (const n of named) expect(compose.services).toHaveProperty([n]);
    const token = compose.services['token'];
    expect(token.build?.args?.['PACKAGE']).toBe('@civgrid/auth');
    const script = token.entrypoint!.at(-1)!;
    const run = spawnSync(process.execPath, [join(root, 'libs', 'auth', script), 'DISTRICT_OFFICER', '370911000000'], {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'], ...envOf('token') },
    });
    expect(run.stderr).toBe('');
    const gateway = envOf('gateway');
    for (const env of [gateway, envOf('grid-organisation')]) {
      const verifier = new TokenVerifier({
        publicKeyPem: env['AUTH_PUBLIC_KEY'].replace(/\\n/g, '\n'),
        issuer: env['AUTH_ISSUER'],
        audience: env['AUTH_AUDIENCE'],
        districtRoots: [env['AUTH_DISTRICT_ROOT']],
      });
      await expect(verifier.verifyHeader(`Bearer ${run.stdout.trim()}`)).resolves.toMatchObject({ roles: ['DISTRICT_OFFICER'] });
    }
  });

  it('takes overrides from the documented .env: every variable it uses is in compose.env.example, and an override reaches every service', () => {
    const example = readFileSync(join(root, 'deploy', 'docker', 'compose.env.example'), 'utf8');
    const used = new Set([...text.matchAll(/\$\{(CIVGRID_[A-Z0-9_]+)/g)].map((m) => m[1]));
    const documented = new Set([...example.matchAll(/^# (CIVGRID_[A-Z0-9_]+)=/gm)].map((m) => m[1]));
    expect([...used].sort()).toEqual([...documented].sort());
    const overridden = render({ CIVGRID_AUTH_ISSUER: 'https://idp.example.org/' });
    for (const name of [...SUBGRAPHS.map((s) => s.name), 'gateway', 'token']) {
      expect(String(overridden.services[name].environment?.['AUTH_ISSUER'])).toBe('https://idp.example.org/');
    }
  });

  it('creates every service database in the PostgreSQL init script', () => {
    const init = readFileSync(join(root, 'deploy', 'postgres', 'init.sql'), 'utf8');
    for (const s of SUBGRAPHS) expect(init).toContain(`CREATE DATABASE ${s.name.replace(/-/g, '_')};`);
  });
});

describe("Compose's interpolation (as the renderer reads it)", () => {
  it('follows the rules of the Compose file specification', () => {
    const env = { SET: 'x', EMPTY: '' };
    expect(interpolate('${SET:-d} ${EMPTY:-d} ${UNSET:-d} ${EMPTY-d} ${UNSET-d}', env)).toBe('x d d  d');
    expect(interpolate('${SET:+a}|${EMPTY:+a}|${EMPTY+a}|$$SET|$SET|${UNSET:-${SET}}', env)).toBe('a||a|$SET|x|x');
    expect(() => interpolate('${UNSET:?needed}', env)).toThrow(InterpolationError);
    expect(() => interpolate('${EMPTY:?needed}', env)).toThrow(/EMPTY/);
    expect(interpolate('${EMPTY?needed}', env)).toBe('');
  });
});

describe('the images', () => {
  it('build one package each with the libraries it uses; the gateway depends on no service at run time', () => {
    const dockerfile = readFileSync(join(root, 'deploy', 'docker', 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('--filter "${PACKAGE}..." build');
    expect(dockerfile).toContain('pnpm deploy --filter "${PACKAGE}" --prod');
    expect(dockerfile).toMatch(/LABEL[^\n]*org\.opencontainers\.image\.version="\$\{VERSION\}"/);
    const gateway = JSON.parse(readFileSync(join(root, 'gateway', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const services = SUBGRAPHS.map((s) => `@civgrid/${s.name}`);
    expect(Object.keys(gateway.dependencies).filter((d) => services.includes(d))).toEqual([]);
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['.local', '**/node_modules', '**/.env', '**/dist']));
    expect(existsSync(join(root, 'libs', 'auth', 'src', 'token-cli.ts'))).toBe(true);
  });

  it('give the gateway the web app to serve at /: its image builds @civgrid/web where WEB_DIST_DIR points', () => {
    const dockerfile = readFileSync(join(root, 'deploy', 'docker', 'Dockerfile'), 'utf8');
    const dir = /ENV [^\n]*WEB_DIST_DIR=(\S+)/.exec(dockerfile)?.[1];
    expect(dir).toBe('/app/web');
    // /out becomes /app in the runtime stage.
    expect(dockerfile).toMatch(
      /"\$\{PACKAGE\}" = "@civgrid\/gateway" \]; then pnpm --filter @civgrid\/web build && cp -r web\/dist \/out\/web/,
    );
    expect(dockerfile).toContain('COPY --from=build /out .');
    expect(gatewayConfigSchema.shape.WEB_DIST_DIR).toBeDefined();
  });
});
