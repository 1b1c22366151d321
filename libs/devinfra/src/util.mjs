// Helpers shared by postgres.mjs and kafka.mjs: free ports, log files, child-process lifetime.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

/** Progress messages go to stderr (stdout belongs to the test runner / the wrapped command). */
export function progress(message) {
  if (process.env.CIVGRID_INFRA_QUIET) return;
  process.stderr.write(`[civgrid-infra] ${message}\n`);
}

/**
 * A TCP port that is free on 127.0.0.1 right now (the OS picks it).
 * @param {number} [preferred] tried first, when given and free
 * @returns {Promise<number>}
 */
export async function freePort(preferred) {
  if (preferred && (await isPortFree(preferred))) return preferred;
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/** @param {number} port */
export function isPortFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** @param {number} port @param {string} [host] */
export function canConnect(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The last lines of a log file (best effort, '' when unreadable).
 * @param {string} file
 * @param {number} [lines]
 */
export function tail(file, lines = 40) {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * The last line of a log that says what went wrong (an error, a refusal), trimmed: failures are
 * reported in one line that names the log for the rest.
 * @param {string} file
 */
export function lastProblem(file) {
  const line = tail(file, 60)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /FATAL|ERROR|PANIC|Exception|could not|cannot|permission denied|EACCES|refused/i.test(l))
    .at(-1);
  return line && line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

// ---------------------------------------------------------------------------------------------
// Lifetime of the servers we spawn.
//
// * stop() of each server is the normal path.
// * On SIGINT/SIGTERM/SIGHUP, when the program registered no handler of its own, we stop the
//   servers and then re-raise the signal (so the process still dies of it). When the program has
//   its own handler (the CLI does), it is in charge and calls stop() itself.
// * On 'exit' (any exit that did not call stop()) we signal the servers synchronously.
// * A small detached `sh` watchdog per server covers the rest (parent killed with SIGKILL, or a
//   server that ignores the exit-time signal): once the parent is gone it signals the server,
//   SIGKILLs it after a grace period, and removes the temporary data folder.
// ---------------------------------------------------------------------------------------------

/** @typedef {{ stopAsync: () => Promise<void>, onExitSync: () => void }} Managed */
/** @type {Set<Managed>} */
const managed = new Set();
let hooksInstalled = false;
const SIGNALS = /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP']);

function installHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const m of managed) {
      try {
        m.onExitSync();
      } catch {
        /* exiting anyway */
      }
    }
  });
  for (const signal of SIGNALS) {
    const handler = () => {
      const others = process.listeners(signal).filter((l) => l !== handler);
      if (others.length > 0) return; // the program handles it (and calls stop())
      Promise.allSettled([...managed].map((m) => m.stopAsync())).finally(() => {
        process.removeListener(signal, handler);
        process.kill(process.pid, signal);
      });
    };
    process.on(signal, handler);
  }
}

/**
 * Registers a running server for cleanup on exit and signals; returns the unregister function.
 * @param {Managed} m
 */
export function manage(m) {
  installHooks();
  managed.add(m);
  return () => managed.delete(m);
}

const WATCHDOG = `
P=$1; C=$2; SIG=$3; GRACE=$4; DIR=$5
start() { s=$(cat /proc/$1/stat 2>/dev/null) || return 1; s=\${s##*) }; set -- $s; echo "\${20}"; }
CSTART=$(start $C)
alive() { read -r _ _ st _ < /proc/$1/stat 2>/dev/null && [ "$st" != Z ]; }
calive() { [ -n "$CSTART" ] && [ "$(start $C)" = "$CSTART" ]; }
while alive $P; do sleep 1; done
if calive; then
  kill -$SIG $C 2>/dev/null
  n=0; while calive && [ $n -lt $GRACE ]; do sleep 1; n=$((n+1)); done
  calive && kill -KILL $C 2>/dev/null
  n=0; while calive && [ $n -lt 10 ]; do sleep 1; n=$((n+1)); done
fi
[ -n "$DIR" ] && rm -rf "$DIR"
exit 0
`;

/**
 * Starts a detached watchdog for `childPid`; returns a function that cancels it.
 * @param {number} childPid
 * @param {{ signal: string, graceSeconds: number, removeDir?: string }} opts
 */
export function watchdog(childPid, { signal, graceSeconds, removeDir = '' }) {
  let wd;
  try {
    wd = spawn(
      'sh',
      [
        '-c',
        WATCHDOG,
        'civgrid-watchdog',
        String(process.pid),
        String(childPid),
        signal.replace(/^SIG/, ''),
        String(graceSeconds),
        removeDir,
      ],
      { detached: true, stdio: 'ignore' },
    );
    wd.on('error', () => {});
    wd.unref();
  } catch {
    return () => {};
  }
  return () => {
    try {
      if (wd.pid && wd.exitCode === null) process.kill(-wd.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
}

/**
 * Waits until the child exits; sends `signal`, then SIGKILL after `graceMs`.
 * @param {import('node:child_process').ChildProcess} child
 * @param {NodeJS.Signals} signal
 * @param {number} graceMs
 */
export function terminate(child, signal, graceMs) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      try {
        child.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      child.kill(signal);
    } catch {
      /* gone */
    }
  });
}
