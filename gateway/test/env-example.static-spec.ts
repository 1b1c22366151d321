import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gatewayConfigSchema } from '../src/config';
import { SUBGRAPHS } from '../src/compose/subgraphs';

// Every variable a service validates at boot is documented in its .env.example, and nothing else.
const root = join(__dirname, '..', '..');
const documented = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/^#?\s?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]).filter((k) => k !== 'HOST');
const keysOf = (schema: unknown): string[] => Object.keys((schema as { shape: Record<string, unknown> }).shape);

describe('.env.example', () => {
  it.each(SUBGRAPHS.map((s) => [s.name, s] as const))(
    'of %s lists exactly the variables its config schema reads',
    async (_name, subgraph) => {
      const { configSchema } = await subgraph.load();
      expect(documented(join(root, subgraph.dir, '.env.example')).sort()).toEqual(keysOf(configSchema).sort());
    },
  );

  it('of the gateway lists exactly the variables its config schema reads', () => {
    expect(documented(join(root, 'gateway', '.env.example')).sort()).toEqual(keysOf(gatewayConfigSchema).sort());
  });
});
