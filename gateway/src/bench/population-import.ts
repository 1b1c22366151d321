import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Role } from '@civgrid/auth';
import { dataOf, gql, query } from '@civgrid/testing';
import { createTree, waitForReplica } from '../scenario';
import { startStack } from '../stack';
import { cipherLike, hashLike, LEDGER_HEADER, ledgerLines, nationalIdOf } from './population-fixtures';

// Ledger import through the gateway (parse, validate, encrypt, hash, dwellings, households,
// memberships, events) next to a raw COPY of ready-made rows into the same resident table.
// BENCH_ROWS sets the rows per round (default 200,000 on this 2-core machine).
const ROWS = Number(process.env['BENCH_ROWS'] ?? 200_000);
// Rows per request: the gateway and the subgraph take JSON bodies up to 1 MB.
const PER_REQUEST = 5_000;
const ROUNDS = 2;

const IMPORT = `mutation($input: ImportLedgerInput!) { importLedger(input: $input) { accepted rejected { line reason } } }`;

async function main(): Promise<void> {
  const stack = await startStack('bench-population-import', {}, ['grid-organisation', 'population-registry']);
  const population = stack.services['population-registry'];
  const admin = await stack.token({ roles: [Role.ADMIN] });
  let next = 0;
  try {
    const importRound = async (rows: number): Promise<number> => {
      const tree = await createTree(stack.url, admin, 1);
      await waitForReplica(stack, 'population-registry', tree.gridIds);
      const run = `B${randomUUID().slice(0, 8)}`;
      const t0 = performance.now();
      for (let done = 0; done < rows; done += PER_REQUEST) {
        const n = Math.min(PER_REQUEST, rows - done);
        const csv = [LEDGER_HEADER, ...ledgerLines(run, next, n)].join('\n');
        next += n;
        const report = dataOf(
          await gql<{ importLedger: { accepted: number; rejected: unknown[] } }>(
            stack.url,
            IMPORT,
            { input: { gridId: tree.gridIds[0], csv } },
            admin,
          ),
        ).importLedger;
        if (report.accepted !== n)
          throw new Error(`import accepted ${report.accepted} of ${n}: ${JSON.stringify(report.rejected.slice(0, 3))}`);
      }
      return performance.now() - t0;
    };

    // Raw COPY: the same number of resident rows, values prepared beforehand, through psql's COPY FROM STDIN.
    const copyRound = async (rows: number): Promise<number> => {
      // Into a household the warm-up import made: the foreign keys are checked as for the import.
      const [{ grid, household }] = await query<{ grid: string; household: string }>(
        population.db.url,
        `SELECT h.grid_id AS grid, h.id AS household FROM household h ORDER BY h.created_at LIMIT 1`,
      );
      const lines: string[] = [];
      const at = new Date().toISOString();
      for (let i = 0; i < rows; i++) {
        const phone = i % 2 === 0;
        lines.push(
          [
            randomUUID(),
            household,
            grid,
            `村民${i}`,
            '子',
            `\\\\x${cipherLike(18).toString('hex')}`,
            `\\\\x${hashLike().toString('hex')}`,
            `${nationalIdOf(next + i).slice(6, 10)}-${nationalIdOf(next + i).slice(10, 12)}-${nationalIdOf(next + i).slice(12, 14)}`,
            i % 2 ? 'MALE' : 'FEMALE',
            phone ? `\\\\x${cipherLike(11).toString('hex')}` : '\\N',
            phone ? `\\\\x${hashLike().toString('hex')}` : '\\N',
            at,
          ].join('\t'),
        );
      }
      next += rows;
      const body = `${lines.join('\n')}\n`;
      const t0 = performance.now();
      await new Promise<void>((resolve, reject) => {
        const psql = spawn(
          'psql',
          [
            population.db.url,
            '-v',
            'ON_ERROR_STOP=1',
            '-qc',
            'COPY resident (id, household_id, grid_id, name, relation, national_id_cipher, national_id_hash, birth_date, sex, phone_cipher, phone_hash, created_at) FROM STDIN',
          ],
          {
            stdio: ['pipe', 'ignore', 'pipe'],
          },
        );
        let err = '';
        psql.stderr.on('data', (d: Buffer) => (err += d.toString()));
        psql.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql COPY failed: ${err}`))));
        psql.stdin.end(body);
      });
      return performance.now() - t0;
    };

    // Warm-up (not counted), then alternate so neither side gets the quieter half of the run.
    await importRound(PER_REQUEST * 2);
    await copyRound(PER_REQUEST * 2);
    const imports: number[] = [];
    const copies: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      imports.push(await importRound(ROWS));
      copies.push(await copyRound(ROWS));
    }
    const rate = (ms: number) => Math.round((ROWS / ms) * 1000);
    const best = (xs: number[]) => Math.min(...xs);
    process.stdout.write(`population import, ${ROWS.toLocaleString('en')} residents per round, ${ROUNDS} rounds alternating (2 cores)\n`);
    for (let i = 0; i < ROUNDS; i++) {
      process.stdout.write(
        `  round ${i + 1}: ledger import via gateway ${rate(imports[i]).toLocaleString('en')} rows/s (${(imports[i] / 1000).toFixed(1)} s); raw COPY ${rate(copies[i]).toLocaleString('en')} rows/s (${(copies[i] / 1000).toFixed(1)} s)\n`,
      );
    }
    process.stdout.write(
      `  best: import ${rate(best(imports)).toLocaleString('en')} rows/s, COPY ${rate(best(copies)).toLocaleString('en')} rows/s, COPY/import ${(best(imports) / best(copies)).toFixed(1)}x\n`,
    );
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
