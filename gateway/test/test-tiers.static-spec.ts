import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

// Every test file in the repository runs in exactly one tier (jest.tiers.js), so `npm test` and the
// tiers run the same tests and a new file cannot fall through: a `*.int.spec.ts`, a spec in `web/`
// or a `*.int-spec.ts` under `src/` fails here until it is named or placed for a tier.
const root = join(__dirname, '..', '..');
const TIERS = ['static', 'unit', 'int', 'system'];
const SKIP = new Set(['node_modules', 'dist', '.git', '.local', '.tools', 'coverage']);

const testFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return SKIP.has(e.name) ? [] : testFiles(join(dir, e.name));
    return /[.-](spec|test)\.[cm]?[jt]sx?$/.test(e.name) ? [relative(root, join(dir, e.name)).split(sep).join('/')] : [];
  });

/** What Jest runs for the tiers named (every tier when none is), as the root config finds it. */
const listed = (tier?: string): string[] => {
  const env = { ...process.env };
  delete env['CIVGRID_TEST_TIER'];
  const out = execFileSync(
    process.execPath,
    [join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '--config', join(root, 'jest.config.js'), '--listTests'],
    { cwd: root, encoding: 'utf8', env: tier ? { ...env, CIVGRID_TEST_TIER: tier } : env },
  );
  return out
    .split('\n')
    .filter(Boolean)
    .map((f) => relative(root, f).split(sep).join('/'))
    .sort();
};

describe('the test tiers', () => {
  it('hold every test file of the repository exactly once, and `npm test` runs the union', () => {
    const byTier = Object.fromEntries(TIERS.map((t) => [t, listed(t)]));
    const tiersOf = (file: string) => TIERS.filter((t) => byTier[t].includes(file));
    const files = testFiles(root).sort();
    expect(files.length).toBeGreaterThan(90);
    for (const t of TIERS) expect({ tier: t, files: byTier[t].length > 0 }).toEqual({ tier: t, files: true });
    expect(files.map((f) => ({ f, tiers: tiersOf(f) })).filter((x) => x.tiers.length !== 1)).toEqual([]);
    expect(listed()).toEqual(files);
  });
});
