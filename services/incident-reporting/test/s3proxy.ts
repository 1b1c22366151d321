import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, Socket } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

// A real S3-compatible server for tests: S3Proxy from Maven Central, run with Java 17 on its filesystem
// backend in a temporary folder. Nothing is skipped: when it cannot be fetched or started, this throws
// with the reason and the log, and the test that asked for it fails.

const POM = join(__dirname, 's3proxy', 'pom.xml');

export interface S3Server {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

/** `$CIVGRID_CACHE_DIR` or `$XDG_CACHE_HOME/civgrid` or `~/.cache/civgrid`: the cache the Kafka jars use too. */
function cacheRoot(): string {
  if (process.env['CIVGRID_CACHE_DIR']) return process.env['CIVGRID_CACHE_DIR'];
  return join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'civgrid');
}

/** `$MVN`, `mvn` on PATH, or the Maven that the dev-infrastructure scripts unpacked into the cache. */
function maven(): string {
  if (process.env['MVN']) return process.env['MVN'];
  if (spawnSync('mvn', ['-v'], { stdio: 'ignore' }).status === 0) return 'mvn';
  const root = cacheRoot();
  const unpacked = existsSync(root) ? readdirSync(root).filter((d) => d.startsWith('maven-')) : [];
  for (const dir of unpacked) if (existsSync(join(root, dir, 'bin', 'mvn'))) return join(root, dir, 'bin', 'mvn');
  throw new Error(
    'S3Proxy test server: Maven is needed to fetch it from Maven Central, and there is none (no $MVN, no mvn on PATH, ' +
      `none under ${root}). Install Maven or run the Kafka set-up once (it fetches Maven).`,
  );
}

const tail = (file: string, lines = 30) => {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
};

/** The S3Proxy jars in the cache, fetched with Maven when missing or fetched for another pom.xml. */
export function ensureS3ProxyJars(): string {
  const stamp = createHash('sha256').update(readFileSync(POM)).digest('hex');
  const dir = join(cacheRoot(), 's3proxy');
  const libs = join(dir, 'libs');
  const marker = join(libs, '.complete');
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === stamp) return libs;
  mkdirSync(dir, { recursive: true });
  const tmp = `${libs}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
  const log = join(dir, 'maven.log');
  const mvn = maven();
  const fd = openSync(log, 'a');
  const run = spawnSync(mvn, ['-q', '-B', '-f', POM, 'dependency:copy-dependencies', `-DoutputDirectory=${tmp}`], {
    stdio: ['ignore', fd, fd],
    timeout: 400_000,
  });
  closeSync(fd);
  if (run.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(
      `S3Proxy test server: Maven could not fetch org.gaul:s3proxy from Maven Central (${run.error?.message ?? `exit ${run.status}`}).\n` +
        `--- ${log} (tail) ---\n${tail(log)}`,
    );
  }
  writeFileSync(join(tmp, '.complete'), `${stamp}\n`);
  rmSync(libs, { recursive: true, force: true });
  renameSync(tmp, libs);
  return libs;
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => (socket.destroy(), resolve(false)));
    socket.connect(port, '127.0.0.1');
  });

/** Starts S3Proxy on a free loopback port with fresh credentials; `stop()` ends it and removes its data. */
export async function startS3Server(): Promise<S3Server> {
  const libs = ensureS3ProxyJars();
  const port = await freePort();
  const work = mkdtempSync(join(tmpdir(), 'civgrid-s3proxy-'));
  const accessKeyId = `civgrid-${randomBytes(4).toString('hex')}`;
  const secretAccessKey = randomBytes(24).toString('base64url');
  const endpoint = `http://127.0.0.1:${port}`;
  mkdirSync(join(work, 'data'));
  const properties = join(work, 's3proxy.properties');
  writeFileSync(
    properties,
    [
      `s3proxy.endpoint=${endpoint}`,
      's3proxy.authorization=aws-v2-or-v4',
      `s3proxy.identity=${accessKeyId}`,
      `s3proxy.credential=${secretAccessKey}`,
      'jclouds.provider=filesystem',
      `jclouds.filesystem.basedir=${join(work, 'data')}`,
      '',
    ].join('\n'),
  );
  const log = join(work, 's3proxy.log');
  const fd = openSync(log, 'a');
  const java = process.env['JAVA_HOME'] ? join(process.env['JAVA_HOME'], 'bin', 'java') : 'java';
  const child: ChildProcess = spawn(
    java,
    ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-cp', `${libs}/*`, 'org.gaul.s3proxy.Main', '--properties', properties],
    { stdio: ['ignore', fd, fd] },
  );
  closeSync(fd);
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = signal ?? `exit code ${code}`));
  child.once('error', (error) => (exited = error.message));
  const stop = async () => {
    if (exited === undefined) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (exited === undefined) child.kill('SIGKILL');
    }
    rmSync(work, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  while (!(await canConnect(port))) {
    if (exited !== undefined || Date.now() > deadline) {
      const why = exited ?? 'did not listen within 60 s';
      const text = tail(log);
      await stop();
      throw new Error(`S3Proxy test server: ${why} (java: ${java}).\n--- log (tail) ---\n${text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { endpoint, region: 'us-east-1', accessKeyId, secretAccessKey, stop };
}
