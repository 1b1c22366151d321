import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';

/**
 * The persisted-query safelist: a JSON object of sha256 → query text. Clients may send the hash
 * alone (APQ-style `extensions.persistedQuery.sha256Hash`); with `enforce`, anything else is refused.
 */
export function safelistPlugin(path: string, enforce: boolean): ApolloServerPlugin {
  const entries = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
  const known = new Set(Object.values(entries).map((q) => createHash('sha256').update(q).digest('hex')));
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveSource({ source }) {
          if (!enforce || known.has(createHash('sha256').update(source).digest('hex'))) return Promise.resolve();
          return Promise.reject(
            new GraphQLError('This operation is not on the safelist of this deployment.', {
              extensions: { code: 'FORBIDDEN', reason: 'OPERATION_NOT_SAFELISTED', http: { status: 403 } },
            }),
          );
        },
      });
    },
  };
}

/** The query text for a hash, when the client sent only the hash. */
export function persistedQueries(path: string): Map<string, string> {
  const entries = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
  return new Map(Object.values(entries).map((q) => [createHash('sha256').update(q).digest('hex'), q]));
}
