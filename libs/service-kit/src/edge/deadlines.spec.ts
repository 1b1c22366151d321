import { Server } from 'node:http';
import express from 'express';
import { buildSchema, parse, specifiedRules, validate, type ValidationRule } from 'graphql';
import { validationBudget } from './graphql-edge';
import { requestDeadline } from './http';

// The two time bounds of the edge, on real parts: graphql-js's validation and an HTTP server.

describe('the validation time budget', () => {
  const schema = buildSchema('type Query { a: Int, b: Int }');
  const document = parse('{ a b }');
  // A rule that spends 5 ms per field, standing in for a validation that turned out expensive.
  const slow: ValidationRule = () => ({
    Field() {
      const until = performance.now() + 5;
      while (performance.now() < until);
    },
  });

  it('refuses a document whose validation took longer than the budget, with the reason and the limit', () => {
    const errors = validate(schema, document, [...specifiedRules, slow, validationBudget(2)]);
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/at most 2 ms are allowed/);
    expect(errors[0].extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', reason: 'VALIDATION_BUDGET', limit: 2 });
  });

  it('lets the same document through within a budget it keeps', () => {
    expect(validate(schema, document, [...specifiedRules, slow, validationBudget(2000)])).toEqual([]);
  });
});

describe('the request deadline', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const app = express();
    app.use(requestDeadline(150));
    app.post('/graphql', (req, res) => {
      const wait = Number(req.query['wait']);
      setTimeout(() => {
        if (!res.headersSent) res.json({ data: { waited: wait } });
      }, wait);
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('answers 503 REQUEST_TIMEOUT with Retry-After when the work outlasts it, and the late answer never follows', async () => {
    const res = await fetch(`${base}/graphql?wait=600`, { method: 'POST' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe('REQUEST_TIMEOUT');
    expect(body.errors[0].message).toMatch(/within 150 ms/);
  });

  it('leaves a request answered in time alone', async () => {
    const res = await fetch(`${base}/graphql?wait=5`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { waited: 5 } });
  });
});
