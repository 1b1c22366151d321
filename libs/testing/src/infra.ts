import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A TCP port free on 127.0.0.1 right now (the OS picks it). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

// The same from src/ (ts-jest) and dist/.
const infraCli = join(__dirname, '..', '..', 'devinfra', 'src', 'cli.mjs');

/**
 * A broker or PostgreSQL server of the test's own (`civgrid-infra kafka|postgres`) on a chosen port,
 * so the test can stop and start it: the outage is real. Resolves once it printed its address.
 */
export function startInfraServer(
  kind: 'kafka' | 'postgres',
  port: number,
  options: { dataDir?: string; quiet?: boolean } = {},
): Promise<ChildProcess> {
  const args = [infraCli, kind, '--port', String(port), ...(options.dataDir ? ['--data-dir', options.dataDir] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', options.quiet ? 'pipe' : 'inherit'] });
  child.stderr?.resume();
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (/(KAFKA_BROKERS|DATABASE_URL)=/.test(out)) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`the test ${kind} exited (${code})`)));
  });
}

/** Stops a server `startInfraServer` started (SIGTERM), once it has exited; nothing if it already has. */
export async function stopInfraServer(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}
