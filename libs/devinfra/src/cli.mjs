#!/usr/bin/env node
// civgrid-infra: PostgreSQL + Kafka for development and tests (see ../README.md).
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { ensureInfra, ensureKafkaJars, findRepoRoot, startKafka, startPostgres } from './index.mjs';
import { mkdtempSync } from 'node:fs';

const USAGE = `usage:
  civgrid-infra run [--persistent] -- <command> [args...]
      start fresh PostgreSQL + Kafka (unless DATABASE_URL / KAFKA_BROKERS are set), run the
      command with DATABASE_URL and KAFKA_BROKERS, stop everything, exit with its exit code
  civgrid-infra up
      start PostgreSQL + Kafka with persistent data in <repo>/.local, print
      DATABASE_URL=... and KAFKA_BROKERS=..., run until Ctrl-C
  civgrid-infra kafka --port <port> [--data-dir <dir>]
      start a Kafka broker alone on that port (tests of a broker outage), print
      KAFKA_BROKERS=..., run until SIGTERM/Ctrl-C (the broker shuts down as on SIGTERM), then
      remove its data — unless --data-dir is given: then a broker started again on it has the same data
  civgrid-infra postgres --port <port> --data-dir <dir>
      start a PostgreSQL server alone on that port with its data in <dir> (kept: started again on it,
      it has the same data), print DATABASE_URL=..., run until SIGTERM/Ctrl-C (fast shutdown)
  civgrid-infra fetch
      only download the Kafka jars (Maven) into the cache`;

const SIGNALS = /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP']);

function fail(err) {
  process.stderr.write(`civgrid-infra: ${err?.message ?? err}\n`);
  process.exit(1);
}

/** Exits on the first signal while infrastructure is starting ('exit' hooks stop what runs). */
function exitOnSignalWhileStarting() {
  const handler = (signal) => {
    process.stderr.write(`civgrid-infra: ${signal} while starting, stopping\n`);
    process.exit(128 + os.constants.signals[signal]);
  };
  for (const s of SIGNALS) process.on(s, handler);
  return () => SIGNALS.forEach((s) => process.removeListener(s, handler));
}

async function cmdRun(args) {
  const sep = args.indexOf('--');
  const opts = sep >= 0 ? args.slice(0, sep) : [];
  const command = sep >= 0 ? args.slice(sep + 1) : args;
  if (command.length === 0) fail(`no command given\n${USAGE}`);
  const persistent = opts.includes('--persistent');

  const root = findRepoRoot();
  const startingHandlers = exitOnSignalWhileStarting();
  const infra = await ensureInfra({ root, persistent }).catch(fail);
  startingHandlers();

  // Like `pnpm exec`: local binaries (jest, tsc...) are found without a global install.
  const binPath = [path.join(process.cwd(), 'node_modules', '.bin'), path.join(root, 'node_modules', '.bin')];
  const env = {
    ...process.env,
    DATABASE_URL: infra.databaseUrl,
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    PATH: [...binPath, process.env.PATH ?? ''].join(path.delimiter),
  };
  const child = spawn(command[0], command.slice(1), { stdio: 'inherit', env });

  let signalCount = 0;
  let forwardTimer;
  const onSignal = (signal) => {
    signalCount += 1;
    if (signalCount > 1) {
      child.kill('SIGKILL');
      return;
    }
    // A Ctrl-C reached the whole process group, the command has it already: forward SIGINT only
    // if the command is still running a moment later (e.g. after `kill -INT <this pid>`).
    if (signal === 'SIGINT') forwardTimer = setTimeout(() => child.kill('SIGINT'), 500);
    else child.kill(signal);
  };
  for (const s of SIGNALS) process.on(s, onSignal);

  const code = await new Promise((resolve) => {
    child.on('error', (err) => {
      process.stderr.write(`civgrid-infra: cannot run '${command[0]}': ${err.message}\n`);
      resolve(127);
    });
    child.on('exit', (exitCode, signal) => resolve(signal ? 128 + (os.constants.signals[signal] ?? 0) : (exitCode ?? 1)));
  });
  clearTimeout(forwardTimer);
  await infra.stop().catch((err) => process.stderr.write(`civgrid-infra: stop: ${err.message}\n`));
  process.exit(code);
}

async function cmdUp() {
  const startingHandlers = exitOnSignalWhileStarting();
  const infra = await ensureInfra({ root: findRepoRoot(), persistent: true }).catch(fail);
  startingHandlers();
  process.stdout.write(`DATABASE_URL=${infra.databaseUrl}\nKAFKA_BROKERS=${infra.kafkaBrokers.join(',')}\n`);
  process.stderr.write('civgrid-infra: running, Ctrl-C to stop\n');
  const keepAlive = setInterval(() => {}, 1 << 30);
  let stopping = false;
  const onSignal = async (signal) => {
    if (stopping) return;
    stopping = true;
    clearInterval(keepAlive);
    await infra.stop().catch((err) => process.stderr.write(`civgrid-infra: stop: ${err.message}\n`));
    process.exit(signal === 'SIGINT' ? 0 : 128 + os.constants.signals[signal]);
  };
  for (const s of SIGNALS) process.on(s, onSignal);
}

const option = (args, name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);

/** Runs until a signal, then stops `server` and exits. */
function runUntilSignal(server) {
  const keepAlive = setInterval(() => {}, 1 << 30);
  const onSignal = async (signal) => {
    clearInterval(keepAlive);
    await server.stop().catch((err) => process.stderr.write(`civgrid-infra: stop: ${err.message}\n`));
    process.exit(signal === 'SIGINT' ? 0 : 128 + os.constants.signals[signal]);
  };
  for (const s of SIGNALS) process.once(s, onSignal);
}

async function cmdKafka(args) {
  const port = Number(option(args, '--port'));
  if (!Number.isInteger(port) || port <= 0) fail(`kafka needs --port <port>\n${USAGE}`);
  const kept = option(args, '--data-dir');
  const startingHandlers = exitOnSignalWhileStarting();
  const dataDir = kept ? path.resolve(kept) : mkdtempSync(path.join(os.tmpdir(), 'civgrid-kafka-'));
  const kafka = await startKafka({ dataDir, port, removeOnStop: !kept }).catch(fail);
  startingHandlers();
  process.stdout.write(`KAFKA_BROKERS=${kafka.brokers.join(',')}\n`);
  runUntilSignal(kafka);
}

async function cmdPostgres(args) {
  const port = Number(option(args, '--port'));
  const dataDir = option(args, '--data-dir');
  if (!Number.isInteger(port) || port <= 0 || !dataDir) fail(`postgres needs --port <port> --data-dir <dir>\n${USAGE}`);
  const startingHandlers = exitOnSignalWhileStarting();
  const pg = await startPostgres({ dataDir: path.resolve(dataDir), port }).catch(fail);
  startingHandlers();
  process.stdout.write(`DATABASE_URL=${pg.url}\n`);
  runUntilSignal(pg);
}

async function cmdFetch() {
  const libs = await ensureKafkaJars().catch(fail);
  process.stdout.write(`${libs}\n`);
}

const [cmd, ...rest] = process.argv.slice(2);
switch (cmd) {
  case 'run':
    await cmdRun(rest);
    break;
  case 'up':
    await cmdUp();
    break;
  case 'kafka':
    await cmdKafka(rest);
    break;
  case 'postgres':
    await cmdPostgres(rest);
    break;
  case 'fetch':
    await cmdFetch();
    break;
  case '-h':
  case '--help':
  case 'help':
    process.stdout.write(`${USAGE}\n`);
    break;
  default:
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
}
