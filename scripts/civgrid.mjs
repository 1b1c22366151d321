#!/usr/bin/env node
// The project's two commands (and a few helpers), on a fresh machine with only Node.js and Java:
//   npm start  — install, provision PostgreSQL and Kafka, migrate, seed, run the four services and the gateway
//   npm test   — install, static checks, provision, every test in the workspace, "N passed, N failed"
//   npm run test:<tier> — the same for one tier (static, unit, int, system; jest.tiers.js), preparing only what it needs
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const PNPM_VERSION = '12.4.2';
const pnpmBin = join(root, '.tools', 'node_modules', '.bin', 'pnpm');
const log = (msg) => process.stderr.write(`civgrid: ${msg}\n`);

export const SERVICES = [
  { name: 'grid-organisation', db: 'grid_organisation', port: 4001 },
  { name: 'population-registry', db: 'population_registry', port: 4002 },
  { name: 'incident-reporting', db: 'incident_reporting', port: 4003 },
  { name: 'dispute-mediation', db: 'dispute_mediation', port: 4004 },
];
const GATEWAY_PORT = 4000;

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

function ensurePnpm() {
  if (existsSync(pnpmBin)) return;
  log(`installing pnpm ${PNPM_VERSION} into .tools/`);
  mkdirSync(join(root, '.tools'), { recursive: true });
  run('npm', ['install', '--prefix', join(root, '.tools'), '--no-audit', '--no-fund', '--loglevel=error', `pnpm@${PNPM_VERSION}`]);
}

function ensureDependencies() {
  const marker = join(root, 'node_modules', '.pnpm', 'lock.yaml');
  const lock = join(root, 'pnpm-lock.yaml');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  log('installing dependencies (pnpm install --frozen-lockfile)');
  run(pnpmBin, ['install', '--frozen-lockfile', '--reporter=silent']);
}

export function bootstrap() {
  ensurePnpm();
  ensureDependencies();
}

export const pnpm = (args, opts) => run(pnpmBin, args, opts);

async function devinfra() {
  return import(pathToFileURL(join(root, 'libs', 'devinfra', 'src', 'index.mjs')).href);
}

const lib = (name) => createRequire(join(root, 'package.json'))(join(root, 'libs', name, 'dist', 'index.js'));

/** The local signing key for demo tokens, made once and kept in .local/. */
async function devKeys() {
  const file = join(root, '.local', 'dev-keys.json');
  const kept = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  if (kept.publicKeyPem && kept.PII_ENCRYPTION_KEY && kept.GATEWAY_SHARED_SECRET) return kept;
  const keys = {
    ...(await lib('auth').generateDevKeyPair()),
    ...lib('pii').generatePiiKeys(),
    // The gateway signs its subgraph requests with it (x-civgrid-gateway).
    GATEWAY_SHARED_SECRET: randomBytes(32).toString('hex'),
    ...kept,
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}

const databaseUrl = (adminUrl, db) => {
  const u = new URL(adminUrl);
  u.pathname = `/${db}`;
  return u.toString();
};

/** `test [--tier a[,b]] [jest arguments…]`: the tiers named (every tier without --tier) in one Jest run. */
function testArguments(argv) {
  const rest = [...argv];
  const at = rest.findIndex((a) => a === '--tier' || a.startsWith('--tier='));
  if (at < 0) return { tier: undefined, jestArgs: rest };
  const tier = rest[at] === '--tier' ? (rest[at + 1] ?? '') : rest[at].slice('--tier='.length);
  rest.splice(at, rest[at] === '--tier' ? 2 : 1);
  if (!tier) throw new Error('--tier needs a name (static, unit, int or system; several with commas)');
  return { tier, jestArgs: rest };
}

async function test() {
  const started = Date.now();
  let infra;
  let tiers;
  let jestArgs;
  try {
    const { TIERS, selectedTiers } = createRequire(import.meta.url)(join(root, 'jest.tiers.js'));
    const parsed = testArguments(process.argv.slice(3));
    jestArgs = parsed.jestArgs;
    tiers = selectedTiers(parsed.tier);
    const needs = (what) => tiers.some((t) => TIERS[t][what]);
    log(`tiers: ${tiers.join(', ')}`);
    bootstrap();
    if (needs('checks')) {
      log('static checks: formatting, typecheck and lint');
      run(process.execPath, [join(root, 'node_modules', 'prettier', 'bin', 'prettier.cjs'), '--check', '--log-level=warn', '.']);
      run(process.execPath, [
        join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'),
        '--max-warnings',
        '0',
        'scripts',
        'eslint.config.mjs',
      ]);
      pnpm(['-r', '--workspace-concurrency=2', '--reporter=append-only', 'typecheck']);
      pnpm(['-r', '--workspace-concurrency=2', '--reporter=append-only', 'lint']);
    }
    if (needs('build')) {
      log('build (the system tests run each service from its build; the static ones run the built CLIs)');
      pnpm(['-r', '--reporter=silent', 'build']);
    }
    if (needs('infra')) {
      const { ensureInfra } = await devinfra();
      infra = await ensureInfra({ root, persistent: false });
    }
  } catch (error) {
    // A run that never reached the tests still ends with the totals line, counting itself failed.
    log(error instanceof Error ? error.message : String(error));
    process.stdout.write('0 passed, 1 failed\n');
    process.exit(1);
  }
  const stop = async () => infra?.stop().catch(() => undefined);
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(143)));
  const results = join(root, '.local', 'jest-results.json');
  mkdirSync(dirname(results), { recursive: true });
  // A run that writes no results counts as failed, never as the previous run's totals.
  rmSync(results, { force: true });
  const jest = spawn(
    process.execPath,
    [
      join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
      '--config',
      join(root, 'jest.config.js'),
      '--maxWorkers=2',
      '--json',
      `--outputFile=${results}`,
      ...jestArgs,
    ],
    {
      cwd: root,
      stdio: 'inherit',
      env: {
        ...withoutInfra(process.env),
        CIVGRID_TEST_TIER: tiers.join(','),
        // Tiers without infrastructure get none, so a test that needs it fails there.
        ...(infra ? { DATABASE_URL: infra.databaseUrl, KAFKA_BROKERS: infra.kafkaBrokers.join(',') } : {}),
        KAFKAJS_NO_PARTITIONER_WARNING: '1',
      },
    },
  );
  const code = await new Promise((resolve) => jest.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
  await stop();
  let passed = 0;
  let failed = 0;
  if (existsSync(results)) {
    const r = JSON.parse(readFileSync(results, 'utf8'));
    passed = r.numPassedTests;
    failed = r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
  } else failed = 1;
  log(`finished in ${Math.round((Date.now() - started) / 1000)} s`);
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  process.exit(code === 0 && failed === 0 && passed > 0 ? 0 : 1);
}

const withoutInfra = (env) => Object.fromEntries(Object.entries(env).filter(([k]) => k !== 'DATABASE_URL' && k !== 'KAFKA_BROKERS'));

async function waitFor(url, ms = 60_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not become ready in ${ms / 1000} s`);
}

export const DEMO_USERS = [
  { role: 'ADMIN', sub: 'demo-admin', name: '系统管理员' },
  { role: 'DISTRICT_OFFICER', sub: 'demo-district', name: '区级干部' },
  { role: 'TOWN_OFFICER', sub: 'demo-town', name: '街道干部', scope: 'town' },
  { role: 'COMMUNITY_OFFICER', sub: 'demo-community', name: '社区书记', scope: 'village' },
  // The seed links this account to the first grid's GridMember record (its grid leader).
  { role: 'GRID_MEMBER', name: '网格员', scope: 'grid' },
  // The housing bureau (住建局): a department officer reaches what is whistled to their department.
  { role: 'DEPARTMENT_OFFICER', sub: 'demo-department', name: '住建局干部', scope: 'department' },
  { role: 'MEDIATOR', sub: 'demo-mediator', name: '老王' },
  { role: 'ANALYST', sub: 'demo-analyst', name: '分析员' },
];

async function demoTokens(keys, demo) {
  const { issueToken } = lib('auth');
  const out = [];
  for (const u of DEMO_USERS) {
    const areas =
      u.scope === 'town'
        ? [demo.townPath]
        : u.scope === 'village' || u.scope === 'grid'
          ? [demo.villagePath]
          : u.scope === 'department'
            ? []
            : [demo.districtPath];
    const claims = {
      sub: u.scope === 'grid' ? demo.gridMemberUserId : u.sub,
      name: u.name,
      roles: [u.role],
      areas,
      grids: u.scope === 'grid' ? [demo.gridId] : [],
      ...(u.scope === 'department' ? { dept: demo.departmentId } : {}),
    };
    const token = await issueToken({ privateKeyPem: keys.privateKeyPem, issuer: 'civgrid-dev', audience: 'civgrid' }, claims, '30d');
    out.push({ ...u, token });
  }
  return out;
}

const STOP_GRACE_MS = 10_000;

async function start() {
  bootstrap();
  log('building');
  pnpm(['-r', '--reporter=silent', 'build']);
  const { ensureInfra, ensureDatabase } = await devinfra();
  const infra = await ensureInfra({ root, persistent: true });
  const children = [];
  const running = () => children.filter((c) => c.exitCode === null && c.signalCode === null);
  // Whatever way this process ends, nothing it started outlives it.
  process.on('exit', () => running().forEach((c) => c.kill('SIGKILL')));
  let stopping = false;
  const stopAll = async (code) => {
    if (stopping) {
      // A second Ctrl-C: do not wait for the graceful stop.
      running().forEach((c) => c.kill('SIGKILL'));
      return;
    }
    stopping = true;
    log('stopping');
    const live = running();
    for (const c of live) c.kill('SIGTERM');
    const killer = setTimeout(() => running().forEach((c) => c.kill('SIGKILL')), STOP_GRACE_MS);
    await Promise.all(live.map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', r)))));
    clearTimeout(killer);
    await infra.stop().catch(() => undefined);
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  try {
    await startEverything(infra, ensureDatabase, children, stopAll, () => stopping);
  } catch (error) {
    // A migration, a readiness wait or the seed failed: stop what did start, then say why.
    log(error instanceof Error ? error.message : String(error));
    await stopAll(1);
  }
}

async function startEverything(infra, ensureDatabase, children, stopAll, isStopping) {
  const keys = await devKeys();

  const common = {
    ...process.env,
    NODE_ENV: 'development',
    KAFKA_BROKERS: infra.kafkaBrokers.join(','),
    AUTH_PUBLIC_KEY: keys.publicKeyPem,
    PII_ENCRYPTION_KEY: keys.PII_ENCRYPTION_KEY,
    PII_HASH_KEY: keys.PII_HASH_KEY,
    GATEWAY_SHARED_SECRET: keys.GATEWAY_SHARED_SECRET,
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  const present = SERVICES.filter((s) => existsSync(join(root, 'services', s.name, 'dist', 'main.js')));
  for (const s of present) {
    await ensureDatabase(infra.databaseUrl, s.db, { extensions: ['ltree', 'btree_gist', 'pgcrypto'] });
    const env = { ...common, DATABASE_URL: databaseUrl(infra.databaseUrl, s.db), PORT: String(s.port) };
    run(process.execPath, [join(root, 'services', s.name, 'dist', 'database', 'migrate.js')], { env });
    const child = spawn(process.execPath, [join(root, 'services', s.name, 'dist', 'main.js')], {
      cwd: root,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('exit', (code) => !isStopping() && (log(`${s.name} exited (${code}); stopping everything`), void stopAll(1)));
    children.push(child);
  }
  await Promise.all(present.map((s) => waitFor(`http://127.0.0.1:${s.port}/health/ready`)));

  log('seeding the demo district');
  const grid = SERVICES[0];
  const seedOut = spawnSync(
    process.execPath,
    [join(root, 'services', 'grid-organisation', 'dist', 'seed', 'cli.js'), '--size', 'demo', '--json'],
    {
      cwd: root,
      env: { ...common, DATABASE_URL: databaseUrl(infra.databaseUrl, grid.db) },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  if (seedOut.status !== 0) throw new Error('seeding failed');
  const demo = JSON.parse(seedOut.stdout.trim().split('\n').at(-1));

  // The development sign-in lists the demo people the web app's seed binds to real rows (below).
  const peoplePath = join(root, '.local', 'demo-people.json');
  const demoTokensPath = join(root, '.local', 'demo-tokens.json');
  const gatewayEnv = {
    ...common,
    PORT: String(GATEWAY_PORT),
    DEV_SIGNIN_PRIVATE_KEY: keys.privateKeyPem,
    DEV_SIGNIN_PEOPLE_PATH: peoplePath,
    GRAPHIQL_DEMO_TOKENS_PATH: demoTokensPath,
  };
  const gw = spawn(process.execPath, [join(root, 'gateway', 'dist', 'main.js')], {
    cwd: root,
    env: gatewayEnv,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  gw.on('exit', (code) => !isStopping() && (log(`gateway exited (${code}); stopping everything`), void stopAll(1)));
  children.push(gw);
  await waitFor(`http://127.0.0.1:${GATEWAY_PORT}/health/ready`);

  log("seeding the web app's demo world through the gateway (committees, centre and rooms, households, incidents, disputes)");
  const { seedDemo } = createRequire(join(root, 'package.json'))(join(root, 'gateway', 'dist', 'demo-seed.js'));
  const { issueToken } = lib('auth');
  const world = await seedDemo({
    url: `http://127.0.0.1:${GATEWAY_PORT}/graphql`,
    districtCode: demo.districtPath.split('.')[0],
    sign: (claims) => issueToken({ privateKeyPem: keys.privateKeyPem, issuer: 'civgrid-dev', audience: 'civgrid' }, claims, '12h'),
    log,
  });
  writeFileSync(peoplePath, JSON.stringify(world.people, null, 2), { mode: 0o600 });

  const tokens = await demoTokens(keys, demo);
  // The offline IDE (/graphiql) offers these in its token picker.
  writeFileSync(demoTokensPath, JSON.stringify(Object.fromEntries(tokens.map((t) => [t.role, t.token])), null, 2));
  const web = existsSync(join(root, 'web', 'dist', 'index.html'));
  const lines = [
    '',
    web
      ? `CivGrid web app: http://127.0.0.1:${GATEWAY_PORT}/   (sign in as a demo person: ${world.people.map((p) => p.name).join(', ')})`
      : 'CivGrid web app: not built (pnpm --filter @civgrid/web build)',
    `CivGrid is running. Gateway: http://127.0.0.1:${GATEWAY_PORT}/graphql`,
    `  GraphiQL (offline, demo tokens in its picker): http://127.0.0.1:${GATEWAY_PORT}/graphiql`,
    ...present.map((s) => `  ${s.name.padEnd(20)} http://127.0.0.1:${s.port}/graphql   (health: /health/ready)`),
    `  PostgreSQL  ${infra.databaseUrl.replace(/:[^:@/]+@/, ':***@')}`,
    `  Kafka       ${infra.kafkaBrokers.join(',')}`,
    '',
    `Demo district: ${demo.districtName} (${demo.districtPath}), ${demo.grids} grids. Demo tokens (send as "Authorization: Bearer <token>"):`,
    ...tokens.map((t) => `  ${t.role.padEnd(19)} ${t.token}`),
    '',
    'Try: curl -s http://127.0.0.1:4000/graphql -H "content-type: application/json" -H "authorization: Bearer <token>" \\',
    `       -d '{"query":"{ grids(first: 5) { totalCount edges { node { code name area { name } } } } }"}'`,
    'Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

async function token() {
  bootstrap();
  // A fresh clone has no builds yet: the token is signed by the auth library's build.
  if (!['auth', 'pii'].every((l) => existsSync(join(root, 'libs', l, 'dist', 'index.js')))) {
    pnpm(['--filter', '@civgrid/auth', '--filter', '@civgrid/pii', '--reporter=silent', 'build'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const keys = await devKeys();
  if (process.argv.includes('--print-public-key')) {
    process.stdout.write(keys.publicKeyPem);
    return;
  }
  if (process.argv.includes('--print-env')) {
    // The development keys as .env lines, for running one service alone with the tokens this prints.
    process.stdout.write(
      [
        `AUTH_PUBLIC_KEY="${keys.publicKeyPem.trim()}"`,
        `PII_ENCRYPTION_KEY=${keys.PII_ENCRYPTION_KEY}`,
        `PII_HASH_KEY=${keys.PII_HASH_KEY}`,
        `GATEWAY_SHARED_SECRET=${keys.GATEWAY_SHARED_SECRET}`,
        '',
      ].join('\n'),
    );
    return;
  }
  const { issueToken, principalFromClaims, parseDistrictRoots, DEV_DISTRICT_ROOT, ALL_ROLES } = lib('auth');
  const usage = tokenUsage(ALL_ROLES);
  const args = parseTokenArgs(process.argv.slice(3), usage);
  if (args.help) {
    process.stdout.write(usage);
    return;
  }
  const claims = {
    sub: args.sub ?? `dev-${args.roles.join('-').toLowerCase()}`,
    ...(args.name ? { name: args.name } : {}),
    roles: args.roles,
    areas: args.areas,
    grids: args.grids,
    ...(args.dept ? { dept: args.dept } : {}),
  };
  // The claims every service will check, checked before signing: a token they refuse is not printed.
  principalFromClaims(claims, { districtRoots: parseDistrictRoots(process.env.AUTH_DISTRICT_ROOT ?? DEV_DISTRICT_ROOT) });
  const t = await issueToken({ privateKeyPem: keys.privateKeyPem, issuer: 'civgrid-dev', audience: 'civgrid' }, claims, args.expires);
  process.stdout.write(`${t}\n`);
}

const tokenUsage = (roles) => `usage: npm run token -- [ROLE[,ROLE…]] [AREA_PATH…] [options]
  ROLE       ${roles.join(', ')}
             (default ADMIN); several with commas, e.g. GRID_MEMBER,COMMUNITY_OFFICER
  AREA_PATH  ltree paths under AUTH_DISTRICT_ROOT (default 370911000000, the demo district)
  --grid ID  a grid the grid member looks after (repeat for several)
  --dept ID  the department of a department officer
  --sub ID   the account id (link a grid member to their GridMember record by its userId)
  --name N   a display name
  --expires  a lifetime such as 12h or 30d (default 30d)
  --print-env, --print-public-key   the development keys instead of a token
`;

function parseTokenArgs(argv, usage) {
  const out = { roles: ['ADMIN'], areas: [], grids: [], expires: '30d', help: false };
  const value = (i, flag) => {
    if (i >= argv.length || argv[i].startsWith('--')) throw new Error(`${flag} needs a value\n${usage}`);
    return argv[i];
  };
  let roleSeen = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') out.help = true;
    else if (a === '--grid') out.grids.push(value(++i, a));
    else if (a === '--dept') out.dept = value(++i, a);
    else if (a === '--sub') out.sub = value(++i, a);
    else if (a === '--name') out.name = value(++i, a);
    else if (a === '--expires') out.expires = value(++i, a);
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}\n${usage}`);
    else if (!roleSeen && !/[.\d]/.test(a[0])) {
      out.roles = a.split(',');
      roleSeen = true;
    } else out.areas.push(a);
  }
  return out;
}

async function bench() {
  bootstrap();
  pnpm(['-r', '--reporter=silent', 'build']);
  const { ensureInfra } = await devinfra();
  const infra = await ensureInfra({ root, persistent: false });
  const which = process.argv[3] ?? 'skeleton';
  const child = spawn(process.execPath, [join(root, 'gateway', 'dist', 'bench', `${which}.js`)], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      DATABASE_URL: infra.databaseUrl,
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
    },
  });
  const code = await new Promise((r) => child.on('exit', (c) => r(c ?? 1)));
  await infra.stop();
  process.exit(code);
}

/** pnpm as the project pins it, for the root scripts (build, lint, compose, …) on a machine without one. */
async function pnpmCommand() {
  bootstrap();
  const r = spawnSync(pnpmBin, process.argv.slice(3), { cwd: process.cwd(), stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const EVENTS_USAGE = `usage: node scripts/civgrid.mjs events dlq list|redrive [--service S] [--id ID]
  list     the records each service's consumer parked (civgrid.<service>.dlq), one JSON object a line:
           id (dlq partition:offset), eventId, type, key, reason, consumer group, source topic,
           partition and offset, first and last failure time
  redrive  puts them (or the one --id names: a parked id or an event id) back for that service's
           consumer; it applies them through its inbox, so an event already applied changes nothing
  KAFKA_BROKERS (required) and KAFKA_TOPIC_PREFIX (default empty) name the broker and topics.`;

/** `events dlq list|redrive`: the dead letters of every service (or of --service), after a fix. */
async function events() {
  const args = process.argv.slice(3);
  const flag = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const action = args[1];
  if (args[0] !== 'dlq' || !['list', 'redrive'].includes(action)) {
    log(EVENTS_USAGE);
    process.exit(2);
  }
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('set KAFKA_BROKERS (host:port[,host:port…]) to the broker the services use');
  const service = flag('--service');
  const id = flag('--id');
  if (service && !SERVICES.some((s) => s.name === service))
    throw new Error(`no service ${service}; known: ${SERVICES.map((s) => s.name).join(', ')}`);
  if (!existsSync(join(root, 'libs', 'events', 'dist', 'index.js'))) {
    bootstrap();
    pnpm(['--filter', '@civgrid/events', '--reporter=silent', 'build']);
  }
  const ev = lib('events');
  const { Kafka, logLevel } = createRequire(join(root, 'libs', 'events', 'package.json'))('kafkajs');
  const kafka = new Kafka({ clientId: 'civgrid-dlq', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const settings = { prefix: process.env.KAFKA_TOPIC_PREFIX ?? '' };
  let count = 0;
  for (const s of SERVICES.filter((x) => !service || x.name === service)) {
    const dlq = ev.deadLetterTopic(settings, s.name);
    const found =
      action === 'list'
        ? await ev.listDeadLetters(kafka, dlq, id)
        : await ev.redriveDeadLetters(kafka, dlq, ev.redriveTopic(settings, s.name), id);
    for (const d of found) process.stdout.write(`${JSON.stringify({ service: s.name, ...d })}\n`);
    count += found.length;
  }
  log(action === 'list' ? `${count} parked` : `${count} redriven`);
}

const commands = { start, test, token, bench, events, pnpm: pnpmCommand };
const command = commands[process.argv[2]];
if (!command) {
  log(`usage: node scripts/civgrid.mjs ${Object.keys(commands).join('|')}`);
  process.exit(2);
}
command().catch((error) => {
  log(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
