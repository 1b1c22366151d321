import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, from } from '@apollo/client';
import { setContext } from '@apollo/client/link/context';
import { relayStylePagination } from '@apollo/client/utilities';
import { onError } from '@apollo/client/link/error';
import type { Session } from './session';

// The last data the app had, per person, so it opens offline with something to show.
const cacheKey = (s: Session): string => `civgrid.cache.${s.claims.sub}`;

export function makeClient(session: Session, onUnauthenticated: () => void): ApolloClient<unknown> {
  // Lists paged with "load more" (first/after) keep their pages together, one list per filter.
  const cache = new InMemoryCache({
    typePolicies: { Query: { fields: { disputes: relayStylePagination(['level', 'status', 'open', 'kind', 'gridId', 'underPath']) } } },
  });
  const kept = localStorage.getItem(cacheKey(session));
  if (kept) cache.restore(JSON.parse(kept) as Record<string, never>);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const persist = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      try {
        localStorage.setItem(cacheKey(session), JSON.stringify(cache.extract()));
      } catch {
        // storage full: the app still works, it just opens emptier offline
      }
    }, 300);
  };
  const auth = setContext((_op, { headers }: { headers?: Record<string, string> }) => ({
    headers: { ...headers, authorization: `Bearer ${session.token}` },
  }));
  const expired = onError(({ graphQLErrors }) => {
    if (graphQLErrors?.some((e) => e.extensions?.['code'] === 'UNAUTHENTICATED')) onUnauthenticated();
  });
  // After every answer (once the cache has taken it in) the cache is kept.
  const keep = new ApolloLink((operation, forward) =>
    forward(operation).map((result) => {
      persist();
      return result;
    }),
  );
  const client = new ApolloClient({
    link: from([keep, expired, auth, new HttpLink({ uri: '/graphql' })]),
    cache,
    defaultOptions: { watchQuery: { fetchPolicy: 'cache-and-network', errorPolicy: 'all' } },
  });
  return client;
}
