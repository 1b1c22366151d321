import { ALL_ROLES, Role } from './roles';
import { DEV_DISTRICT_ROOT, parseDistrictRoots, principalFromClaims } from './claims';
import { issueToken } from './tokens';

// The token helper of docker-compose.yml (`docker compose run --rm token ADMIN`): signs a
// development token with AUTH_PRIVATE_KEY for AUTH_ISSUER / AUTH_AUDIENCE, after checking the
// claims as every service will. Same arguments as `npm run token`.
const USAGE = `usage: token [ROLE[,ROLE…]] [AREA_PATH…] [--grid ID]… [--dept ID] [--sub ID] [--expires 30d]
  ROLE       ${ALL_ROLES.join(', ')} (default ADMIN)
  AREA_PATH  ltree paths under AUTH_DISTRICT_ROOT (default ${DEV_DISTRICT_ROOT})
`;

export interface TokenArgs {
  roles: string[];
  areas: string[];
  grids: string[];
  dept?: string;
  sub?: string;
  expires: string;
}

export function parseTokenArgs(argv: string[]): TokenArgs {
  const out: TokenArgs = { roles: [Role.ADMIN], areas: [], grids: [], expires: '30d' };
  let roleSeen = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--grid') out.grids.push(value());
    else if (a === '--dept') out.dept = value();
    else if (a === '--sub') out.sub = value();
    else if (a === '--expires') out.expires = value();
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else if (!roleSeen && !/[.\d]/.test(a[0])) {
      out.roles = a.split(',');
      roleSeen = true;
    } else out.areas.push(a);
  }
  return out;
}

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    process.stdout.write(USAGE);
    return;
  }
  const key = process.env['AUTH_PRIVATE_KEY']?.replace(/\\n/g, '\n');
  if (!key?.includes('PRIVATE KEY')) throw new Error('AUTH_PRIVATE_KEY is not set to a PEM private key');
  const args = parseTokenArgs(process.argv.slice(2));
  const claims = {
    sub: args.sub ?? `dev-${args.roles.join('-').toLowerCase()}`,
    roles: args.roles,
    areas: args.areas,
    grids: args.grids,
    ...(args.dept ? { dept: args.dept } : {}),
  };
  principalFromClaims(claims, { districtRoots: parseDistrictRoots(process.env['AUTH_DISTRICT_ROOT'] ?? DEV_DISTRICT_ROOT) });
  const token = await issueToken(
    { privateKeyPem: key, issuer: process.env['AUTH_ISSUER'] ?? 'civgrid-dev', audience: process.env['AUTH_AUDIENCE'] ?? 'civgrid' },
    // The roles were checked against the known set just above.
    { ...claims, roles: claims.roles as Role[] },
    args.expires,
  );
  process.stdout.write(`${token}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`token: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(1);
  });
}
