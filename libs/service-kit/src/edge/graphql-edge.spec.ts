import type { Request, Response } from 'express';
import { signGatewayCredential } from '@civgrid/auth';
import { graphqlEdge } from './graphql-edge';
import { DEFAULT_QUERY_LIMITS } from './limits';

const secret = 's'.repeat(32);

/** Runs the edge on one request: the answer it sent, or 'next' when it let the request through. */
function run(edge: ReturnType<typeof graphqlEdge>, body: unknown, headers: Record<string, string> = {}) {
  let answer: { status: number; code: unknown } | 'next' | undefined;
  const res = {
    headersSent: false,
    statusCode: 200,
    status(s: number) {
      this.statusCode = s;
      return this;
    },
    setHeader() {},
    getHeader() {
      return undefined;
    },
    end(text: string) {
      answer = {
        status: this.statusCode,
        code: (JSON.parse(text) as { errors: { extensions: { code: unknown } }[] }).errors[0].extensions.code,
      };
    },
  };
  const req = { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, query: {} };
  edge(req as unknown as Request, res as unknown as Response, () => {
    answer = 'next';
  });
  return answer;
}

describe('the edge before GraphQL', () => {
  it('with GATEWAY_CREDENTIAL_SCOPE=all, answers nothing but the gateway', () => {
    const edge = graphqlEdge({ limits: DEFAULT_QUERY_LIMITS, schema: () => undefined, credential: { secret, scope: 'all' } });
    expect(run(edge, { query: '{ __typename }' }, { authorization: 'Bearer t' })).toEqual({
      status: 403,
      code: 'GATEWAY_CREDENTIAL_REQUIRED',
    });
    const signed = { authorization: 'Bearer t', 'x-civgrid-gateway': signGatewayCredential(secret, 'Bearer t') };
    expect(run(edge, { query: '{ __typename }' }, signed)).toBe('next');
  });

  it('with the default scope, asks the credential of _entities and _service only', () => {
    const edge = graphqlEdge({ limits: DEFAULT_QUERY_LIMITS, schema: () => undefined, credential: { secret, scope: 'federation' } });
    expect(run(edge, { query: '{ __typename }' })).toBe('next');
    expect(run(edge, { query: '{ _service { sdl } }' })).toEqual({ status: 403, code: 'GATEWAY_CREDENTIAL_REQUIRED' });
  });

  it('names the caller’s mistake for an unknown operation, and runs a persisted query by hash only once its text was seen', () => {
    const edge = graphqlEdge({ limits: DEFAULT_QUERY_LIMITS, schema: () => undefined });
    expect(run(edge, { query: 'query A { __typename }', operationName: 'B' })).toEqual({
      status: 400,
      code: 'OPERATION_RESOLUTION_FAILURE',
    });
    expect(run(edge, { query: 'query A { __typename } query B { __typename }' })).toEqual({
      status: 400,
      code: 'OPERATION_RESOLUTION_FAILURE',
    });
    const hash = 'a0f7b8d3f9b0d0e0d35d3a0ea7c8b7cf22a9d7d8b66e0d8e8d1d3ae4d6f93e1b';
    expect(run(edge, { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } })).toEqual({
      status: 200,
      code: 'PERSISTED_QUERY_NOT_FOUND',
    });
  });

  it('refuses a body that is not one JSON object', () => {
    const edge = graphqlEdge({ limits: DEFAULT_QUERY_LIMITS, schema: () => undefined });
    expect(run(edge, [{ query: '{ a }' }])).toEqual({ status: 400, code: 'BAD_REQUEST' });
    expect(run(edge, { query: '{ a }' }, { 'content-type': 'text/plain' })).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });
});
