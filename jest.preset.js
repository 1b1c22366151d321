// Shared Jest set-up for every package: SWC with decorator metadata (Nest needs it),
// workspace packages resolved to their TypeScript sources so tests never need a build.
const path = require('node:path');
const fs = require('node:fs');

const root = __dirname;
const packages = {};
for (const group of ['libs', 'services']) {
  for (const name of fs.readdirSync(path.join(root, group))) {
    const src = path.join(root, group, name, 'src', 'index.ts');
    if (fs.existsSync(src)) packages[`^@civgrid/${name}$`] = src;
  }
}

const swc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));

module.exports = function preset(dir, displayName) {
  return {
    displayName,
    rootDir: dir,
    testEnvironment: 'node',
    transform: { '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false, sourceMaps: 'inline' }] },
    moduleNameMapper: packages,
    testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts', '<rootDir>/test/**/*.int-spec.ts'],
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    setupFiles: [path.join(root, 'jest.setup.js')],
    testTimeout: 60_000,
  };
};
