// A single-node Apache Kafka broker (KRaft) run from the official jars on Maven Central.
// deploy/kafka/pom.xml lists the jars; Maven copies them once into a cache folder shared by all
// clones of the repository; the broker runs as a child JVM of this Node process.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { canConnect, freePort, manage, progress, lastProblem, sleep, terminate, watchdog } from './util.mjs';

const { Kafka, logLevel, Partitioners } = kafkajs;

const here = path.dirname(fileURLToPath(import.meta.url));
/** deploy/kafka of this repository (pom.xml, server.properties, log4j2.properties). */
export const KAFKA_DEPLOY_DIR = path.resolve(here, '../../../deploy/kafka');

const READY_TIMEOUT_MS = 90_000;
const JVM_OPTIONS = [
  '-Xms128m',
  '-Xmx512m',
  '-XX:+UseSerialGC', // 2 cores, small heap: no concurrent GC threads
  '-XX:TieredStopAtLevel=1', // C1 only: starts ~0.6 s faster, plenty for a test broker
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
];

/** The Kafka version of deploy/kafka/pom.xml. */
export function kafkaVersion(deployDir = KAFKA_DEPLOY_DIR) {
  const pom = fs.readFileSync(path.join(deployDir, 'pom.xml'), 'utf8');
  const m = pom.match(/<kafka\.version>\s*([^<\s]+)\s*<\/kafka\.version>/);
  if (!m) throw new Error(`no <kafka.version> in ${deployDir}/pom.xml`);
  return m[1];
}

/** `$CIVGRID_CACHE_DIR` or `$XDG_CACHE_HOME/civgrid` or `~/.cache/civgrid`. */
export function defaultCacheRoot() {
  if (process.env.CIVGRID_CACHE_DIR) return path.resolve(process.env.CIVGRID_CACHE_DIR);
  const xdg = process.env.XDG_CACHE_HOME;
  return path.join(xdg ? path.resolve(xdg) : path.join(os.homedir(), '.cache'), 'civgrid');
}

function javaBinary() {
  const home = process.env.JAVA_HOME;
  if (home && fs.existsSync(path.join(home, 'bin', 'java'))) return path.join(home, 'bin', 'java');
  return 'java';
}

/**
 * Runs a command to completion, its output appended to `logFile`.
 * @returns {Promise<void>}
 */
function run(cmd, args, logFile, what, cwd = undefined) {
  return new Promise((resolve, reject) => {
    const fd = fs.openSync(logFile, 'a');
    const child = spawn(cmd, args, { stdio: ['ignore', fd, fd], cwd });
    fs.closeSync(fd);
    child.on('error', (err) =>
      reject(new Error(`${what}: cannot run '${cmd}' (${err.message})${err.code === 'ENOENT' ? ' — is it installed and on PATH?' : ''}`)),
    );
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else {
        const last = lastProblem(logFile);
        reject(new Error(`${what} failed (${signal ?? `exit code ${code}`})${last ? `: ${last}` : ''}; log: ${logFile}`));
      }
    });
  });
}

/**
 * Makes sure the broker jars are in `<cacheDir>/libs` (Maven runs only when they are missing or
 * were fetched for another pom.xml). Returns that folder.
 * @param {{ cacheDir?: string, deployDir?: string }} [options]
 * @returns {Promise<string>}
 */
export async function ensureKafkaJars({ cacheDir, deployDir = KAFKA_DEPLOY_DIR } = {}) {
  const version = kafkaVersion(deployDir);
  cacheDir = path.resolve(cacheDir ?? path.join(defaultCacheRoot(), `kafka-${version}`));
  const libs = path.join(cacheDir, 'libs');
  const pomFile = path.join(deployDir, 'pom.xml');
  const stamp = crypto.createHash('sha256').update(fs.readFileSync(pomFile)).digest('hex');
  const marker = (dir) => path.join(dir, '.complete');
  const isComplete = (dir) => {
    try {
      return fs.readFileSync(marker(dir), 'utf8').trim() === stamp;
    } catch {
      return false;
    }
  };
  if (isComplete(libs)) return libs;

  fs.mkdirSync(cacheDir, { recursive: true });
  const tmp = `${libs}.tmp-${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
  const logFile = path.join(cacheDir, 'maven.log');
  const t0 = Date.now();
  const mvn = await mavenCommand(path.dirname(cacheDir), logFile);
  progress(`kafka: fetching Apache Kafka ${version} jars with Maven into ${libs}`);
  try {
    await run(
      mvn,
      ['-q', '-B', '-f', pomFile, 'dependency:copy-dependencies', `-DoutputDirectory=${tmp}`],
      logFile,
      'Maven (fetching the Kafka jars)',
    );
    fs.writeFileSync(marker(tmp), `${stamp}\n`);
    if (isComplete(libs)) return libs; // a concurrent run finished first
    if (fs.existsSync(libs)) {
      const old = `${libs}.old-${process.pid}`;
      fs.renameSync(libs, old);
      fs.rmSync(old, { recursive: true, force: true });
    }
    try {
      fs.renameSync(tmp, libs);
    } catch (err) {
      if (!isComplete(libs)) throw err;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  progress(`kafka: jars ready in ${Date.now() - t0} ms`);
  return libs;
}

// Maven itself comes from Maven Central when the machine has none: a fresh machine needs only
// Node.js and Java. The archive is checked against the SHA-512 that Central publishes beside it.
const MAVEN_VERSION = '3.9.9';
const MAVEN_URL = `https://repo.maven.apache.org/maven2/org/apache/maven/apache-maven/${MAVEN_VERSION}/apache-maven-${MAVEN_VERSION}-bin.tar.gz`;

function onPath(cmd) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, cmd)));
}

/**
 * `$MVN`, else `mvn` on PATH, else Apache Maven downloaded once into `<cacheRoot>/maven-<version>`.
 * @param {string} cacheRoot
 * @param {string} logFile
 * @returns {Promise<string>}
 */
export async function mavenCommand(cacheRoot, logFile) {
  if (process.env.MVN) return process.env.MVN;
  if (onPath('mvn')) return 'mvn';
  const home = path.join(cacheRoot, `maven-${MAVEN_VERSION}`);
  const bin = path.join(home, 'bin', 'mvn');
  if (fs.existsSync(bin)) return bin;
  progress(`kafka: no Maven on PATH; fetching Apache Maven ${MAVEN_VERSION} from Maven Central into ${home}`);
  fs.mkdirSync(cacheRoot, { recursive: true });
  const download = async (url) => {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`fetching ${url}: HTTP ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  };
  const archive = await download(MAVEN_URL);
  const expected = (await download(`${MAVEN_URL}.sha512`)).toString('utf8').trim().split(/\s+/)[0];
  const actual = crypto.createHash('sha512').update(archive).digest('hex');
  if (actual !== expected) throw new Error(`Apache Maven ${MAVEN_VERSION} from ${MAVEN_URL} does not match its SHA-512`);
  const tmp = `${home}.tmp-${process.pid}`;
  fs.mkdirSync(tmp, { recursive: true });
  try {
    const file = path.join(tmp, 'maven.tar.gz');
    fs.writeFileSync(file, archive);
    await run('tar', ['-xzf', file, '--strip-components=1', '-C', tmp], logFile, 'unpacking Apache Maven');
    fs.rmSync(file);
    if (!fs.existsSync(bin)) fs.renameSync(tmp, home);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return bin;
}

/** The pid in `pidFile` when that process is alive and a Kafka broker, else undefined. */
function runningBroker(pidFile) {
  let pid;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    process.kill(pid, 0);
  } catch {
    return undefined;
  }
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('kafka.Kafka') ? pid : undefined;
  } catch {
    return pid; // no /proc: a live process of that pid is taken as the broker
  }
}

/** A Kafka cluster id: 16 random bytes, URL-safe base64 without padding (what kafka-storage random-uuid prints). */
function clusterId() {
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Key of the class-data-sharing archive: the JVM binary, the JVM flags and the jars. */
function cdsKey(java, libs) {
  const h = crypto.createHash('sha256');
  try {
    const real = fs.realpathSync(java === 'java' ? whichJava() : java);
    h.update(real).update(String(fs.statSync(real).mtimeMs));
  } catch {
    h.update(java);
  }
  h.update(JVM_OPTIONS.join(' '));
  for (const f of fs.readdirSync(libs).sort()) h.update(f);
  return h.digest('hex').slice(0, 16);
}

/** Removes `cds-*.jsa.tmp-<pid>` files of processes that are gone (a dump interrupted by an exit). */
function removeStaleCdsDumps(cacheDir) {
  for (const f of fs.readdirSync(cacheDir)) {
    const m = f.match(/^cds-.*\.jsa\.tmp-(\d+)$/);
    if (!m) continue;
    try {
      process.kill(Number(m[1]), 0);
    } catch {
      fs.rmSync(path.join(cacheDir, f), { force: true });
    }
  }
}

function whichJava() {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir, 'java');
    if (dir && fs.existsSync(p)) return p;
  }
  return 'java';
}

/**
 * Checks that the broker accepts a real write: creates a probe topic, sends one record with an
 * idempotent producer and acks=-1, looks up a group coordinator (which creates
 * __consumer_offsets, so the first consumer of a test does not wait for it), deletes the topic.
 * @param {string} broker host:port
 */
async function probe(broker) {
  const kafka = new Kafka({
    clientId: 'civgrid-infra-probe',
    brokers: [broker],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 10000,
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
  });
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  const topic = `civgrid-probe-${crypto.randomBytes(4).toString('hex')}`;
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true, timeout: 10000 });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ value: 'ready?' }] });
    await admin.describeGroups(['civgrid-probe']);
  } finally {
    await producer.disconnect().catch(() => {});
    await admin.deleteTopics({ topics: [topic], timeout: 5000 }).catch(() => {});
    await admin.disconnect().catch(() => {});
  }
}

/**
 * Starts a single-node Kafka broker (KRaft) on 127.0.0.1.
 *
 * Layout of `dataDir`: `server.properties` (generated), `data/` (log.dirs, formatted once and
 * reused), `logs/server.log` (broker log, WARN and up), `logs/kafka.out` (JVM output),
 * `ports.json` (last ports, reused when free and no port is given).
 *
 * @param {object} options
 * @param {string} options.dataDir
 * @param {string} [options.cacheDir] jar cache, default `~/.cache/civgrid/kafka-<version>`
 * @param {number} [options.port] client port, default: the previous one of this dataDir when free, else a free one
 * @param {(text: string) => void} [options.onLog] receives the JVM's stdout/stderr too
 * @param {boolean} [options.removeOnStop=false] delete dataDir at stop (and if the process dies)
 * @param {string} [options.deployDir] folder with pom.xml / server.properties / log4j2.properties
 * @returns {Promise<{ brokers: string[], port: number, dataDir: string, logFile: string, stop: () => Promise<void> }>}
 */
export async function startKafka({ dataDir, cacheDir, port, onLog, removeOnStop = false, deployDir = KAFKA_DEPLOY_DIR }) {
  if (!dataDir) throw new Error('startKafka: dataDir is required');
  dataDir = path.resolve(dataDir);
  const version = kafkaVersion(deployDir);
  cacheDir = path.resolve(cacheDir ?? path.join(defaultCacheRoot(), `kafka-${version}`));
  const libs = await ensureKafkaJars({ cacheDir, deployDir });

  const logsDir = path.join(dataDir, 'logs');
  const storageDir = path.join(dataDir, 'data');
  const propsFile = path.join(dataDir, 'server.properties');
  const portsFile = path.join(dataDir, 'ports.json');
  const outFile = path.join(logsDir, 'kafka.out');
  const logFile = path.join(logsDir, 'server.log');
  fs.mkdirSync(logsDir, { recursive: true });

  const cleanupOnFailure = () => {
    if (removeOnStop) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  /** An Error quoting the end of the broker's logs (read before a removeOnStop cleanup). */
  const failure = (message) => {
    const last = lastProblem(outFile) ?? lastProblem(logFile);
    return new Error(
      `${message}${last ? `; the broker said: ${last}` : ''}; logs: ${logFile}, ${outFile}; ` +
        `fix: delete ${dataDir} for fresh data, or set KAFKA_BROKERS to use a broker of your own`,
    );
  };

  // Kafka locks its log folder only after its controller has written to the metadata log: a second
  // broker on the same data (a second `npm start`) would damage the first one's before failing.
  const pidFile = path.join(dataDir, 'broker.pid');
  const owner = runningBroker(pidFile);
  if (owner)
    throw new Error(
      `the Kafka data in ${dataDir} is in use by a running broker (pid ${owner}): is another npm start or civgrid-infra up running?`,
    );

  // Ports: keep the previous ones when free (stable KAFKA_BROKERS for a persistent broker).
  let previous = {};
  try {
    previous = JSON.parse(fs.readFileSync(portsFile, 'utf8'));
  } catch {
    /* first run */
  }
  port = port ?? (await freePort(previous.port));
  let controllerPort = await freePort(previous.controllerPort);
  while (controllerPort === port) controllerPort = await freePort();

  const template = fs.readFileSync(path.join(deployDir, 'server.properties'), 'utf8');
  const props = template
    .replaceAll('{{PORT}}', String(port))
    .replaceAll('{{CONTROLLER_PORT}}', String(controllerPort))
    .replaceAll('{{LOG_DIRS}}', storageDir.replaceAll('\\', '/'));
  fs.writeFileSync(propsFile, props);

  const java = javaBinary();
  const classpath = `${libs}${path.sep}*`;
  const logging = [`-Dlog4j2.configurationFile=${path.join(deployDir, 'log4j2.properties')}`, `-Dkafka.logs.dir=${logsDir}`];

  // Class-data sharing: the first run dumps the loaded classes at exit, later runs map them
  // (start ~2.3 s → ~1.5 s). CIVGRID_KAFKA_CDS=0 turns it off.
  const cdsArgs = [];
  /** CDS flags for short-lived JVMs (the storage format): use the archive, never dump one. */
  const cdsUseArgs = [];
  let cdsTmp;
  let cdsFile;
  if (process.env.CIVGRID_KAFKA_CDS !== '0') {
    removeStaleCdsDumps(cacheDir);
    cdsFile = path.join(cacheDir, `cds-${cdsKey(java, libs)}.jsa`);
    if (fs.existsSync(cdsFile)) {
      cdsArgs.push(`-XX:SharedArchiveFile=${cdsFile}`, '-Xlog:cds=off', '-Xlog:cds+dynamic=off');
      cdsUseArgs.push(...cdsArgs);
    } else {
      cdsTmp = `${cdsFile}.tmp-${process.pid}`;
      cdsArgs.push(`-XX:ArchiveClassesAtExit=${cdsTmp}`, '-Xlog:cds=off', '-Xlog:cds+dynamic=off');
    }
  }

  // Format the storage once. With a static quorum (controller.quorum.voters) no --standalone.
  if (!fs.existsSync(path.join(storageDir, 'meta.properties'))) {
    fs.rmSync(storageDir, { recursive: true, force: true });
    const t0 = Date.now();
    try {
      await run(
        java,
        [
          ...JVM_OPTIONS,
          ...cdsUseArgs,
          ...logging,
          '-cp',
          classpath,
          'kafka.tools.StorageTool',
          'format',
          '-t',
          clusterId(),
          '-c',
          propsFile,
        ],
        path.join(logsDir, 'format.log'),
        'kafka-storage format',
        logsDir,
      );
    } catch (err) {
      cleanupOnFailure();
      throw err;
    }
    progress(`kafka: storage formatted in ${Date.now() - t0} ms`);
  }

  const t0 = Date.now();
  const outFd = fs.openSync(outFile, 'a');
  const child = spawn(java, [...JVM_OPTIONS, ...cdsArgs, ...logging, '-cp', classpath, 'kafka.Kafka', propsFile], {
    stdio: ['ignore', onLog ? 'pipe' : outFd, onLog ? 'pipe' : outFd],
    cwd: logsDir, // where a JVM crash report (hs_err_pid*.log) would land
    // Its own process group: a Ctrl-C in the terminal reaches the services, which leave the broker
    // cleanly, and this process stops the broker after them (the watchdog, should it die first).
    detached: true,
  });
  if (onLog) {
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (chunk) => {
        fs.appendFileSync(outFile, chunk);
        onLog(chunk.toString('utf8'));
      });
      stream.unref?.();
    }
  }
  fs.closeSync(outFd);
  /** @type {Error | undefined} */
  let spawnError;
  child.on('error', (err) => {
    spawnError = err;
  });
  child.unref(); // the program decides how long it lives; 'exit' hooks and the watchdog stop the broker
  fs.writeFileSync(portsFile, JSON.stringify({ port, controllerPort }));
  if (child.pid) fs.writeFileSync(pidFile, String(child.pid));

  const cancelWatchdog = child.pid
    ? watchdog(child.pid, { signal: 'SIGTERM', graceSeconds: 10, removeDir: removeOnStop ? dataDir : '' })
    : () => {};

  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      unmanage();
      await terminate(child, 'SIGTERM', cdsTmp ? 20_000 : 8_000);
      cancelWatchdog();
      if (cdsTmp) {
        try {
          if (child.signalCode !== 'SIGKILL' && fs.statSync(cdsTmp).size > 0) fs.renameSync(cdsTmp, cdsFile);
        } catch {
          /* no archive this time */
        }
        fs.rmSync(cdsTmp, { force: true });
      }
      fs.rmSync(pidFile, { force: true });
      if (removeOnStop) fs.rmSync(dataDir, { recursive: true, force: true });
    })();
    return stopping;
  };
  const unmanage = manage({
    stopAsync: stop,
    onExitSync: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(removeOnStop ? 'SIGKILL' : 'SIGTERM');
    },
  });

  // Wait until the broker takes a real, fully acknowledged write.
  const broker = `127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError;
  for (;;) {
    let error;
    if (spawnError) error = failure(`kafka: cannot run '${java}' (${spawnError.message}) — Java 17 or newer is needed`);
    else if (child.exitCode !== null || child.signalCode !== null) {
      error = failure(`kafka: the broker exited during start-up (${child.signalCode ?? `exit code ${child.exitCode}`})`);
    } else if (Date.now() > deadline) {
      error = failure(
        `kafka: broker on ${broker} not ready after ${READY_TIMEOUT_MS / 1000} s` +
          (lastError ? ` (last probe error: ${lastError.message})` : ''),
      );
    }
    if (error) {
      await stop();
      throw error;
    }
    if (await canConnect(port)) {
      if (process.env.CIVGRID_INFRA_DEBUG) progress(`kafka: port open after ${Date.now() - t0} ms`);
      try {
        await probe(broker);
        break;
      } catch (err) {
        lastError = err;
        if (process.env.CIVGRID_INFRA_DEBUG) progress(`kafka: probe after ${Date.now() - t0} ms: ${err.message}`);
      }
    }
    await sleep(lastError ? 250 : 100);
  }
  progress(`kafka: ready on ${broker} in ${Date.now() - t0} ms`);

  return { brokers: [broker], port, dataDir, logFile, stop };
}
