import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// One access vocabulary: the role sets and row rules live in libs/auth's access table, nowhere else.

const root = join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'dist' ? [] : sources(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

const code = [
  ...readdirSync(join(root, 'services')).flatMap((s) => sources(join(root, 'services', s, 'src'))),
  ...sources(join(root, 'gateway', 'src')),
  ...readdirSync(join(root, 'libs'))
    .filter((l) => l !== 'auth')
    .flatMap((l) => {
      try {
        return sources(join(root, 'libs', l, 'src'));
      } catch {
        return [];
      }
    }),
];

const offending = (pattern: RegExp): string[] =>
  code.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) => (pattern.test(line) ? [`${relative(root, file)}:${i + 1}: ${line.trim()}`] : [])),
  );

describe('one access vocabulary', () => {
  it('spells no list of roles outside the access table (ROLE_SETS and the table are the only ones)', () => {
    expect(offending(/\[\s*(\.\.\.)?Role\.[A-Z_]+\s*,/)).toEqual([]);
  });

  it('keeps none of the divergent rules that the table replaced', () => {
    expect(
      offending(
        /\b(onlyOwnGrids|registryCondition|assertGridRowInScope|gridRowCondition|canSeeGridRow|isLimitedToOwnGrids|assertInScope|assertRole)\b|@Roles\(/,
      ),
    ).toEqual([]);
  });
});

describe('npm run token', () => {
  const token = (...args: string[]) =>
    spawnSync(process.execPath, [join(root, 'scripts', 'civgrid.mjs'), 'token', ...args], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });

  it('prints its usage for --help, not a token with the role "--help"', () => {
    const res = token('--help');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/^usage: npm run token/);
    expect(res.stdout).not.toMatch(/eyJ/);
  });

  it('refuses an unknown role, an area outside the district and a department that is no id, printing no token', () => {
    for (const args of [['ADMIN '], ['TOWN_OFFICER', '110101001000'], ['DEPARTMENT_OFFICER', '--dept', 'court']]) {
      const res = token(...args);
      expect({ args, status: res.status, token: /eyJ/.test(res.stdout) }).toEqual({ args, status: 1, token: false });
      expect(res.stderr).toMatch(/not valid for CivGrid/);
    }
  });
});
