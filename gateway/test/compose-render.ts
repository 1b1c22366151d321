import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

// docker-compose.yml as Compose reads it: `docker compose config` where the plugin is installed,
// else YAML with merge keys and Compose's interpolation (${VAR}, ${VAR:-default}, ${VAR-default},
// ${VAR:?error}, ${VAR?error}, ${VAR:+alt}, ${VAR+alt}, $VAR, $$), applied to every string.

export interface ComposeFile {
  services: Record<
    string,
    {
      image?: string;
      build?: { context?: string; dockerfile?: string; args?: Record<string, string> };
      environment?: Record<string, string | number>;
      entrypoint?: string[];
      profiles?: string[];
      ports?: (string | { published: string | number; target: number })[];
      volumes?: (string | { source: string; target: string })[];
      depends_on?: Record<string, unknown> | string[];
    }
  >;
}

export class InterpolationError extends Error {}

export function interpolate(text: string, env: Record<string, string | undefined>): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch !== '$') {
      out += ch;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '{') {
      // Find the closing brace, allowing nested ${…} in the default.
      let depth = 1;
      let j = i + 2;
      for (; j < text.length && depth > 0; j++) {
        if (text[j] === '{') depth++;
        else if (text[j] === '}') depth--;
      }
      if (depth !== 0) throw new InterpolationError(`unclosed \${ in ${text}`);
      const body = text.slice(i + 2, j - 1);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/.exec(body);
      if (!m) throw new InterpolationError(`invalid interpolation \${${body}}`);
      const [, name, op, arg = ''] = m;
      const value = env[name];
      const unset = value === undefined;
      const empty = unset || value === '';
      switch (op) {
        case undefined:
          out += value ?? '';
          break;
        case ':-':
          out += empty ? interpolate(arg, env) : value;
          break;
        case '-':
          out += unset ? interpolate(arg, env) : value;
          break;
        case ':?':
        case '?':
          if (op === ':?' ? empty : unset) throw new InterpolationError(`required variable ${name} is missing a value: ${arg}`);
          out += value;
          break;
        case ':+':
          out += empty ? '' : interpolate(arg, env);
          break;
        case '+':
          out += unset ? '' : interpolate(arg, env);
          break;
        default:
          throw new InterpolationError(`unsupported ${op}`);
      }
      i = j - 1;
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
      if (!m) {
        out += '$';
        continue;
      }
      out += env[m[0]] ?? '';
      i += m[0].length;
    }
  }
  return out;
}

function walk(value: unknown, env: Record<string, string | undefined>): unknown {
  if (typeof value === 'string') return interpolate(value, env);
  if (Array.isArray(value)) return value.map((v) => walk(v, env));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, env)]));
  return value;
}

/** Our own reading of the file, with `env` as the variables (the shell's and .env's). */
export function renderCompose(file: string, env: Record<string, string | undefined>): ComposeFile {
  const doc = parse(readFileSync(file, 'utf8'), { merge: true }) as Record<string, unknown>;
  const rendered = walk(doc, env) as ComposeFile;
  for (const key of Object.keys(rendered)) if (key.startsWith('x-')) delete (rendered as unknown as Record<string, unknown>)[key];
  return rendered;
}

/** `docker compose config` where the plugin is installed (with only `env` as variables), else undefined. */
export function dockerComposeConfig(dir: string, env: Record<string, string>): ComposeFile | undefined {
  const probe = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return undefined;
  const r = spawnSync('docker', ['compose', '--profile', 'tools', 'config', '--format', 'json'], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...env },
  });
  if (r.status !== 0) throw new Error(`docker compose config: ${r.stderr}`);
  return JSON.parse(r.stdout) as ComposeFile;
}
