// The test tiers: which files each one holds and what it needs. One source for jest.preset.js (the
// files Jest finds), scripts/civgrid.mjs (what `test --tier <name>` prepares) and the check that
// every test file is in exactly one tier (gateway/test/test-tiers.static-spec.ts).
//
// A tier is chosen by the file's suffix and where it sits:
//   static  <pkg>/test/**/*.static-spec.ts         deploy files, docs and the code's own rules; no infrastructure
//   unit    <pkg>/{src,test}/**/*.spec.ts          no database, broker, browser or stack
//   int     {libs,services}/*/test/**/*.int-spec.ts  one service or lib with real PostgreSQL and Kafka
//   system  gateway/test/**/*.int-spec.ts          the whole stack: services, gateway, browsers
// The suffixes never overlap (`x.int-spec.ts` does not end in `.spec.ts`).
const TIERS = {
  static: {
    groups: ['libs', 'services', 'gateway'],
    match: ['test/**/*.static-spec.ts'],
    // Formatting, typecheck and lint run with this tier; its checks run the built CLIs (token, schema, print).
    checks: true,
    build: true,
    infra: false,
  },
  unit: {
    groups: ['libs', 'services', 'gateway'],
    match: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
    checks: false,
    build: false,
    infra: false,
  },
  int: {
    groups: ['libs', 'services'],
    match: ['test/**/*.int-spec.ts'],
    checks: false,
    build: false,
    infra: true,
  },
  system: {
    groups: ['gateway'],
    match: ['test/**/*.int-spec.ts'],
    checks: false,
    // The stack runs each service from its build.
    build: true,
    infra: true,
  },
};

const TIER_NAMES = Object.keys(TIERS);

/** The tiers named in CIVGRID_TEST_TIER (comma-separated); every tier when it is unset. */
function selectedTiers(value = process.env.CIVGRID_TEST_TIER) {
  if (!value) return TIER_NAMES;
  const names = value.split(',').map((n) => n.trim());
  const unknown = names.filter((n) => !TIERS[n]);
  if (unknown.length) throw new Error(`unknown test tier ${unknown.join(', ')}; tiers: ${TIER_NAMES.join(', ')}`);
  return names;
}

/** The package group of a package folder (`libs`, `services` or the top-level `gateway`). */
const groupOf = (packageDir) => {
  const parts = packageDir.split(/[\\/]/);
  return parts.at(-2) === 'libs' || parts.at(-2) === 'services' ? parts.at(-2) : parts.at(-1);
};

/** Jest testMatch globs of one package for the selected tiers. */
function testMatch(packageDir, tiers = selectedTiers()) {
  const group = groupOf(packageDir);
  const globs = tiers.flatMap((t) => (TIERS[t].groups.includes(group) ? TIERS[t].match.map((m) => `<rootDir>/${m}`) : []));
  // An empty testMatch would mean Jest's default (every .ts file): a glob that finds nothing instead.
  return globs.length ? globs : ['<rootDir>/no-tests-of-these-tiers/**'];
}

/** The root config's projects: the packages of the groups the selected tiers cover. */
function projects(tiers = selectedTiers()) {
  const groups = new Set(tiers.flatMap((t) => TIERS[t].groups));
  return [
    ...['libs', 'services'].filter((g) => groups.has(g)).map((g) => `<rootDir>/${g}/*/jest.config.js`),
    ...(groups.has('gateway') ? ['<rootDir>/gateway/jest.config.js'] : []),
  ];
}

module.exports = { TIERS, TIER_NAMES, selectedTiers, testMatch, projects };
