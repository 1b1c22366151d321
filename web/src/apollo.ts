import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, from } from '@apollo/client';
import { setContext } from '@apollo/client/link/context';
import { onError } from '@apollo/client/link/error';
import { relayStylePagination } from '@apollo/client/utilities';
import { firstAnswerLink } from './first-answer';
import type { Session } from './session';

// The last data the app had, per person, so it opens offline with something to show.
const cacheKey = (s: Session): string => `civgrid.cache.${s.claims.sub}`;

export function makeClient(session: Session, onUnauthenticated: () => void): ApolloClient<unknown> {
  // Lists come a page at a time: "load more" asks for the next page (first/after) and the cache
  // appends it to the pages it has (one list per filter; asking for the first page again starts over).
  const cache = new InMemoryCache({
    typePolicies: {
      Grid: { fields: { households: relayStylePagination(false) } },
      Query: {
        fields: {
          incidents: relayStylePagination(['status', 'open', 'gridId', 'overdue']),
          disputes: relayStylePagination(['level', 'status', 'open', 'kind', 'gridId', 'underPath']),
        },
      },
    },
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
    link: from([keep, expired, firstAnswerLink(session.token), auth, new HttpLink({ uri: '/graphql' })]),
    cache,
    defaultOptions: { watchQuery: { fetchPolicy: 'cache-and-network', errorPolicy: 'all' } },
  });
  return client;
}
