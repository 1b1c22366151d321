import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { request } from 'node:http';
import { Writable } from 'node:stream';
import { Role } from '@civgrid/auth';
import { eventually, query } from '@civgrid/testing';
import { createTree, waitForReplica } from '../scenario';
import { startStack } from '../stack';
import { cipherLike, hashLike, LEDGER_HEADER, ledgerLines, nationalIdOf } from './population-fixtures';

// A district's ledger in one import: BENCH_ROWS residents (default 1,000,000) streamed as one
// text/csv body to the registry's POST /ledger-imports (parse, validate, encrypt, hash, stage by
// COPY, cross-row and registry checks, dwellings, households, residents, memberships and every
// event, all in one transaction), next to a raw COPY of ready-made rows into the same resident
// table. Rounds alternate import, COPY, import, COPY, so neither side gets the quieter half of the
// run; between rounds the relay drains the outbox (timed and shown, not counted in either side).
const ROWS = Number(process.env['BENCH_ROWS'] ?? 1_000_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const WARM_UP = 10_000;
// Bodies are made before the clock starts, in pieces of this many lines.
const PIECE = 10_000;

const COPY_COLUMNS =
  'resident (id, household_id, grid_id, name, relation, national_id_cipher, national_id_hash, birth_date, sex, phone_cipher, phone_hash, created_at)';

interface Report {
  accepted: number;
  rejected: { line: number; reason: string }[];
}

async function writeAll(sink: Writable, pieces: Buffer[]): Promise<void> {
  for (const piece of pieces) if (!sink.write(piece)) await once(sink, 'drain');
  sink.end();
}

async function main(): Promise<void> {
  const stack = await startStack('bench-population-import', {}, ['grid-organisation', 'population-registry']);
  const population = stack.services['population-registry'];
  const base = population.url.replace(/\/graphql$/, '');
  const admin = await stack.token({ roles: [Role.ADMIN] }, '6h');
  let next = 0;
  try {
    const unpublished = async () =>
      (await query<{ n: number }>(population.db.url, 'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL'))[0].n;
    /** Waits for the relay to publish what a round wrote; returns events and seconds. */
    const drain = async (): Promise<{ events: number; ms: number }> => {
      const events = await unpublished();
      const t0 = performance.now();
      await eventually(async () => ((await unpublished()) === 0 ? true : undefined), 3_600_000, 500);
      return { events, ms: performance.now() - t0 };
    };

    const importRound = async (rows: number): Promise<number> => {
      const tree = await createTree(stack.url, admin, 1);
      await waitForReplica(stack, 'population-registry', tree.gridIds);
      const run = `B${randomUUID().slice(0, 8)}`;
      const pieces: Buffer[] = [Buffer.from(`${LEDGER_HEADER}\n`)];
      for (let done = 0; done < rows; done += PIECE) {
        const n = Math.min(PIECE, rows - done);
        pieces.push(Buffer.from(`${ledgerLines(run, next + done, n).join('\n')}\n`));
      }
      next += rows;
      const t0 = performance.now();
      const report = await new Promise<Report>((resolve, reject) => {
        const req = request(
          `${base}/ledger-imports?gridId=${tree.gridIds[0]}`,
          { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/csv; charset=utf-8' } },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (d: string) => (body += d));
            res.on('end', () =>
              res.statusCode === 200 ? resolve(JSON.parse(body) as Report) : reject(new Error(`import: ${res.statusCode} ${body}`)),
            );
          },
        );
        req.on('error', reject);
        writeAll(req, pieces).catch(reject);
      });
      const elapsed = performance.now() - t0;
      if (report.accepted !== rows)
        throw new Error(`import accepted ${report.accepted} of ${rows}: ${JSON.stringify(report.rejected.slice(0, 3))}`);
      return elapsed;
    };

    // Raw COPY: as many resident rows, values prepared beforehand, through psql's COPY FROM STDIN.
    const copyRound = async (rows: number): Promise<number> => {
      // Into a household an import made: the foreign keys are checked as for the import.
      const [{ grid, household }] = await query<{ grid: string; household: string }>(
        population.db.url,
        `SELECT h.grid_id AS grid, h.id AS household FROM household h ORDER BY h.created_at LIMIT 1`,
      );
      const at = new Date().toISOString();
      const pieces: Buffer[] = [];
      for (let done = 0; done < rows; done += PIECE) {
        const lines: string[] = [];
        for (let i = done; i < Math.min(rows, done + PIECE); i++) {
          const phone = i % 2 === 0;
          const id = nationalIdOf(next + i);
          lines.push(
            [
              randomUUID(),
              household,
              grid,
              `村民${i}`,
              '子',
              `\\\\x${cipherLike(18).toString('hex')}`,
              `\\\\x${hashLike().toString('hex')}`,
              `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
              i % 2 ? 'MALE' : 'FEMALE',
              phone ? `\\\\x${cipherLike(11).toString('hex')}` : '\\N',
              phone ? `\\\\x${hashLike().toString('hex')}` : '\\N',
              at,
            ].join('\t'),
          );
        }
        pieces.push(Buffer.from(`${lines.join('\n')}\n`));
      }
      next += rows;
      const t0 = performance.now();
      await new Promise<void>((resolve, reject) => {
        const psql = spawn('psql', [population.db.url, '-v', 'ON_ERROR_STOP=1', '-qc', `COPY ${COPY_COLUMNS} FROM STDIN`], {
          stdio: ['pipe', 'ignore', 'pipe'],
        });
        let err = '';
        psql.stderr.on('data', (d: Buffer) => (err += d.toString()));
        psql.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql COPY failed: ${err}`))));
        writeAll(psql.stdin, pieces).catch(reject);
      });
      return performance.now() - t0;
    };

    // Warm-up (not counted).
    await importRound(WARM_UP);
    await drain();
    await copyRound(WARM_UP);
    const imports: number[] = [];
    const copies: number[] = [];
    const drains: { events: number; ms: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      imports.push(await importRound(ROWS));
      drains.push(await drain());
      copies.push(await copyRound(ROWS));
    }
    const rate = (ms: number) => Math.round((ROWS / ms) * 1000).toLocaleString('en');
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const best = (xs: number[]) => Math.min(...xs);
    process.stdout.write(
      `population import, ${ROWS.toLocaleString('en')} residents in one streamed import per round, ${ROUNDS} rounds alternating import/COPY (2 cores)\n`,
    );
    for (let i = 0; i < ROUNDS; i++) {
      process.stdout.write(
        `  round ${i + 1}: ledger import ${rate(imports[i])} rows/s (${s(imports[i])}); raw COPY ${rate(copies[i])} rows/s (${s(copies[i])}); import/COPY time ${(imports[i] / copies[i]).toFixed(1)}x` +
          `; then the relay published ${drains[i].events.toLocaleString('en')} events in ${s(drains[i].ms)}\n`,
      );
    }
    process.stdout.write(
      `  best: import ${rate(best(imports))} rows/s, COPY ${rate(best(copies))} rows/s, import takes ${(best(imports) / best(copies)).toFixed(1)}x the time of a raw COPY\n`,
    );
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
