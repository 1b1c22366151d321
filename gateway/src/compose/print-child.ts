import 'reflect-metadata';
import { printServiceSchema } from '@civgrid/service-kit';
import { SUBGRAPHS } from './subgraphs';

// `node print-child.js <service>`: loads that one service and sends its SDL to the parent, so no
// other service's GraphQL types are in this process.
async function main(): Promise<void> {
  const subgraph = SUBGRAPHS.find((s) => s.name === process.argv[2]);
  if (!subgraph || !process.send) throw new Error(`usage: fork print-child.js <${SUBGRAPHS.map((s) => s.name).join('|')}>`);
  const sdl = await printServiceSchema(await subgraph.load());
  process.send({ sdl }, () => process.exit(0));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
