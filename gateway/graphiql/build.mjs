// Bundles GraphiQL, React and Monaco's workers into gateway/dist/graphiql (run by `pnpm build`):
// the gateway serves these files itself, so the IDE works on a machine without internet access.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'dist', 'graphiql');
const require = createRequire(join(here, '..', 'package.json'));
// Monaco comes with GraphiQL's React package (graphiql → @graphiql/react → monaco-editor).
const react = createRequire(createRequire(require.resolve('graphiql')).resolve('@graphiql/react'));
const fromPackage = (spec) => react.resolve(spec);

const common = { bundle: true, minify: true, legalComments: 'linked', logLevel: 'warning', target: 'es2022' };
await build({
  ...common,
  entryPoints: { graphiql: join(here, 'entry.jsx') },
  outdir: out,
  format: 'iife',
  loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file' },
  assetNames: '[name]-[hash]',
  define: { 'process.env.NODE_ENV': '"production"' },
  jsx: 'automatic',
});
await build({
  ...common,
  entryPoints: {
    'editor.worker': fromPackage('monaco-editor/esm/vs/editor/editor.worker.js'),
    'json.worker': fromPackage('monaco-editor/esm/vs/language/json/json.worker.js'),
    'graphql.worker': fromPackage('monaco-graphql/esm/graphql.worker.js'),
  },
  outdir: out,
  format: 'iife',
});
