import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { Express } from 'express';

/** Where `pnpm build` puts the bundled IDE (gateway/graphiql/build.mjs). */
export const defaultGraphiqlAssets = (): string => join(__dirname, '..', 'dist', 'graphiql');

export interface GraphiqlOptions {
  /** The GraphQL endpoint the IDE talks to (same origin). */
  endpoint?: string;
  /** A JSON file `{ "ROLE": "token", … }` (npm start writes the demo tokens there); read per page. */
  demoTokensPath?: string;
  assetsDir?: string;
}

// Everything from this origin: the page cannot reach another host even by mistake.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
].join('; ');

function demoTokens(path: string | undefined): Record<string, string> {
  if (!path || !existsSync(path)) return {};
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (!parsed || typeof parsed !== 'object') return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

// `<` escaped: a token or a path can never close the script element it sits in.
const json = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

/**
 * GraphiQL at `/graphiql`, from the gateway's own bundled assets (no CDN), with a picker of the
 * demo tokens. Development only: the caller mounts it only when NODE_ENV is not production.
 */
export function mountGraphiql(app: Express, options: GraphiqlOptions = {}): void {
  const assets = options.assetsDir ?? defaultGraphiqlAssets();
  app.use('/graphiql/assets', express.static(assets, { fallthrough: false, maxAge: '1h', index: false }));
  app.get('/graphiql', (_req, res) => {
    if (!existsSync(join(assets, 'graphiql.js'))) {
      res.status(503).type('text/plain').send('The IDE is not built: run `pnpm --filter @civgrid/gateway build`.\n');
      return;
    }
    const config = { endpoint: options.endpoint ?? '/graphql', tokens: demoTokens(options.demoTokensPath) };
    res
      .set('content-security-policy', CSP)
      .set('cache-control', 'no-store')
      .type('html')
      .send(
        `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>CivGrid GraphiQL (development)</title>
<link rel="stylesheet" href="/graphiql/assets/graphiql.css">
<style>body{margin:0}.civgrid-token-picker{display:block;padding:6px 12px;font:14px system-ui,sans-serif}</style>
</head>
<body>
<div id="graphiql">Loading the IDE…</div>
<script id="civgrid-ide-config" type="application/json">${json(config)}</script>
<script src="/graphiql/assets/graphiql.js"></script>
</body>
</html>
`,
      );
  });
}
