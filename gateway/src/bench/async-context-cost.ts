import { fork } from 'node:child_process';
import { AsyncLocalStorage } from 'node:async_hooks';
import { buildSchema, execute, parse } from 'graphql';

// node gateway/dist/bench/async-context-cost.js — what Node 20's AsyncLocalStorage (the context
// manager OpenTelemetry uses) costs promise-heavy GraphQL execution by itself: the same in-memory
// query (5 nodes, async resolvers two levels down, like the cross-subgraph query) executed in two
// processes, one with an AsyncLocalStorage in use (its promise hooks on), in turns A B A B.

const schema = buildSchema(`
  type Area { name: String }
  type Grid { id: ID! name: String area: Area }
  type Dwelling { id: ID! grid: Grid }
  type Edge { node: Dwelling }
  type Connection { edges: [Edge] }
  type Query { dwellings(first: Int): Connection }
`);
const document = parse(`{ dwellings(first: 5) { edges { node { id grid { id name area { name } } } } } }`);
// Resolvers that answer through promises, as a subgraph's do.
const rootValue = {
  dwellings: ({ first }: { first: number }) =>
    Promise.resolve({
      edges: Array.from({ length: first }, (_, i) => ({
        node: {
          id: String(i),
          grid: () => Promise.resolve({ id: `g${i}`, name: 'grid', area: () => Promise.resolve({ name: 'area' }) }),
        },
      })),
    }),
};

function child(als: boolean): void {
  const storage = new AsyncLocalStorage<object>();
  const once = (): Promise<unknown> => Promise.resolve(execute({ schema, document, rootValue }));
  const run = als ? () => storage.run({}, once) : once;
  process.on('message', (n: number) => {
    void (async () => {
      const t0 = performance.now();
      for (let i = 0; i < n; i += 8) await Promise.all(Array.from({ length: 8 }, run));
      process.send!((n / (performance.now() - t0)) * 1000);
    })();
  });
  process.send!('ready');
}

async function main(): Promise<void> {
  if (process.argv[2]) return child(process.argv[2] === 'als');
  const start = (mode: string) =>
    new Promise<import('node:child_process').ChildProcess>((resolve) => {
      const c = fork(__filename, [mode]);
      c.once('message', () => resolve(c));
    });
  const ask = (c: import('node:child_process').ChildProcess, n: number) =>
    new Promise<number>((resolve) => {
      c.once('message', (rate) => resolve(rate as number));
      c.send(n);
    });
  const plain = await start('plain');
  const als = await start('als');
  await ask(plain, 20_000);
  await ask(als, 20_000);
  const ratios: number[] = [];
  for (let round = 0; round < 8; round++) {
    const a = await ask(plain, 20_000);
    const b = await ask(als, 20_000);
    ratios.push(b / a);
    console.log(`round ${round + 1}: plain ${a.toFixed(0)} ops/s, AsyncLocalStorage ${b.toFixed(0)} ops/s (${(b / a).toFixed(3)})`);
  }
  ratios.sort((x, y) => x - y);
  const median = (ratios[3] + ratios[4]) / 2;
  console.log(
    `median ratio ${median.toFixed(3)}: AsyncLocalStorage costs ${((1 - median) * 100).toFixed(1)} % of GraphQL execution (${process.version})`,
  );
  plain.kill();
  als.kill();
}

void main();
