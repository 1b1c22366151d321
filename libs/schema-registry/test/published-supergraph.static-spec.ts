import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSubgraph, formatCheck, publishInitial, readPublished } from '../src';

// CI: every service's current schema.graphql against the committed publication, so a breaking
// change fails `npm test` even when the recomposed supergraph was committed with it.
const root = join(__dirname, '..', '..', '..');
const committed = join(root, 'deploy', 'supergraph', 'published');
const services = readdirSync(join(root, 'services')).filter((n) => existsSync(join(root, 'services', n, 'schema.graphql')));
const sdlOf = (name: string) => readFileSync(join(root, 'services', name, 'schema.graphql'), 'utf8');

describe('the committed published supergraph', () => {
  it('is whole: every file matches the hash its manifest gives, and every service is in it', () => {
    const published = readPublished(committed);
    expect(published.manifest.subgraphs.map((s) => s.name).sort()).toEqual([...services].sort());
  });

  it.each(services)('accepts the current schema of %s without a breaking change (npm run schema:check -- %s)', async (name) => {
    const result = await checkSubgraph(readPublished(committed), { name, sdl: sdlOf(name) });
    expect({ ok: result.ok, report: result.ok ? '' : formatCheck(result) }).toEqual({ ok: true, report: '' });
  });
});

describe('npm run schema:check', () => {
  let dir: string;
  beforeAll(() => {
    // A publication where grid-organisation still had a field its code no longer has.
    dir = mkdtempSync(join(tmpdir(), 'published-cli-'));
    const published = readPublished(committed);
    publishInitial(
      dir,
      published.manifest.subgraphs.map((s) => ({
        name: s.name,
        url: s.url,
        sdl:
          s.name === 'grid-organisation'
            ? sdlOf(s.name).replace('type Query {', 'type Query {\n  retiredGridReport: Int\n')
            : sdlOf(s.name),
      })),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [join(root, 'libs', 'schema-registry', 'dist', 'cli.js'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, CIVGRID_PUBLISHED_SUPERGRAPH: dir },
    });

  it('exits non-zero naming the removed field, and refuses to publish it', () => {
    const check = cli('check', 'grid-organisation');
    expect(check.status).toBe(1);
    expect(check.stderr).toMatch(/breaking[\s\S]*FIELD_REMOVED Query\.retiredGridReport/);
    const before = readFileSync(join(dir, 'manifest.json'), 'utf8');
    const publish = cli('publish', 'grid-organisation');
    expect(publish.status).toBe(1);
    expect(publish.stderr).toContain('not published');
    expect(readFileSync(join(dir, 'manifest.json'), 'utf8')).toBe(before);
  });

  it('passes a service without changes, and says in one line what is wrong with an unknown service or a missing publication', () => {
    const ok = cli('check', 'population-registry');
    expect({ status: ok.status, out: ok.stdout.trim() }).toEqual({
      status: 0,
      out: 'population-registry: no change against the published supergraph',
    });
    const unknown = cli('check', 'parking-fines');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^schema: services\/parking-fines\/schema\.graphql not found/),
    ]);
    const missing = spawnSync(process.execPath, [join(root, 'libs', 'schema-registry', 'dist', 'cli.js'), 'check', '--all'], {
      encoding: 'utf8',
      env: { ...process.env, CIVGRID_PUBLISHED_SUPERGRAPH: join(dir, 'nowhere') },
    });
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toMatch(/^schema: no published supergraph in .*nowhere \(manifest\.json is missing\)$/);
  });
});
