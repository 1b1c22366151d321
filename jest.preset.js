// Shared Jest set-up for every package: SWC with decorator metadata (Nest needs it),
// workspace packages resolved to their TypeScript sources so tests never need a build.
const path = require('node:path');
const fs = require('node:fs');
const { testMatch } = require('./jest.tiers.js');

const root = __dirname;
const packages = {};
for (const group of ['libs', 'services']) {
  for (const name of fs.readdirSync(path.join(root, group))) {
    const src = path.join(root, group, name, 'src', 'index.ts');
    if (fs.existsSync(src)) packages[`^@civgrid/${name}$`] = src;
  }
}

// Subpath entry points (no Nest behind them).
packages['^@civgrid/service-kit/edge$'] = path.join(root, 'libs', 'service-kit', 'src', 'edge', 'index.ts');

const swc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));

module.exports = function preset(dir, displayName) {
  return {
    displayName,
    rootDir: dir,
    testEnvironment: 'node',
    transform: { '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false, sourceMaps: 'inline' }] },
    moduleNameMapper: packages,
    // The files of the tiers CIVGRID_TEST_TIER names (every tier when unset): see jest.tiers.js.
    testMatch: testMatch(dir),
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    setupFiles: [path.join(root, 'jest.setup.js')],
    testTimeout: 60_000,
  };
};
