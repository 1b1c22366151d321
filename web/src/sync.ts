import { ApolloError, type ApolloClient } from '@apollo/client';
import { useCallback, useEffect, useState } from 'react';
import { graphql } from './gql';
import type {
  RecordCheckInInput,
  RecordVisitInput,
  RegisterDwellingInput,
  RegisterHouseholdInput,
  RegisterResidentInput,
  ReportIncidentInput,
} from './gql/graphql';
import { all, flush, notify, onOutboxChange, Refused, type OutboxItem } from './outbox';
import type { Session } from './session';

export const REPORT_INCIDENT = graphql(`
  mutation ReportIncident($input: ReportIncidentInput!) {
    reportIncident(input: $input) {
      id
      number
      status
    }
  }
`);

export const RECORD_CHECK_IN = graphql(`
  mutation RecordCheckIn($input: RecordCheckInInput!) {
    recordCheckIn(input: $input) {
      id
      day
      at
    }
  }
`);

export const RECORD_VISIT = graphql(`
  mutation RecordVisit($input: RecordVisitInput!) {
    recordVisit(input: $input) {
      id
      visitedAt
    }
  }
`);

// A registration is queued as three kinds of items with ids made on the phone: the household names
// its dwelling's id and each resident its household's, so they chain in the queue's order, and a
// resend registers each once.
export const REGISTER_DWELLING = graphql(`
  mutation RegisterDwelling($input: RegisterDwellingInput!) {
    registerDwelling(input: $input) {
      id
    }
  }
`);
export const REGISTER_HOUSEHOLD = graphql(`
  mutation RegisterHousehold($input: RegisterHouseholdInput!) {
    registerHousehold(input: $input) {
      id
      number
    }
  }
`);
export const REGISTER_RESIDENT = graphql(`
  mutation RegisterResident($input: RegisterResidentInput!) {
    registerResident(input: $input) {
      id
    }
  }
`);

/** The network could not carry it (try again later) versus the graph refused it (never resend). */
function classify(error: unknown): Error {
  if (error instanceof ApolloError && error.graphQLErrors.length > 0 && !error.networkError) {
    const code = error.graphQLErrors[0].extensions?.['code'];
    if (code !== 'INTERNAL_SERVER_ERROR' && code !== 'UNAUTHENTICATED') return new Refused(error.graphQLErrors[0].message);
  }
  return error instanceof Error ? error : new Error(String(error));
}

async function uploadPhoto(session: Session, photo: Blob): Promise<string> {
  const res = await fetch('/photos', {
    method: 'POST',
    headers: { authorization: `Bearer ${session.token}`, 'content-type': photo.type || 'application/octet-stream' },
    body: photo,
  });
  const body = (await res.json()) as { id?: string; message?: string };
  if (res.status >= 400 && res.status < 500) throw new Refused(body.message ?? res.statusText);
  if (!res.ok || !body.id) throw new Error(body.message ?? res.statusText);
  return body.id;
}

export function sender(client: ApolloClient<unknown>, session: Session) {
  return async (item: OutboxItem): Promise<void> => {
    try {
      switch (item.kind) {
        case 'reportIncident': {
          const photoIds = item.photo ? [await uploadPhoto(session, item.photo)] : undefined;
          await client.mutate({
            mutation: REPORT_INCIDENT,
            variables: {
              input: { ...(item.input as unknown as ReportIncidentInput), ...(photoIds ? { photoIds } : {}), idempotencyKey: item.key },
            },
          });
          break;
        }
        case 'recordCheckIn':
          // A check-in is kept once per agreement and day: sending it again records it once.
          await client.mutate({ mutation: RECORD_CHECK_IN, variables: { input: item.input as unknown as RecordCheckInInput } });
          break;
        case 'registerDwelling':
          await client.mutate({
            mutation: REGISTER_DWELLING,
            variables: { input: { ...(item.input as unknown as RegisterDwellingInput), id: item.key } },
          });
          break;
        case 'registerHousehold':
          await client.mutate({
            mutation: REGISTER_HOUSEHOLD,
            variables: { input: { ...(item.input as unknown as RegisterHouseholdInput), id: item.key } },
          });
          break;
        case 'registerResident':
          await client.mutate({
            mutation: REGISTER_RESIDENT,
            variables: { input: { ...(item.input as unknown as RegisterResidentInput), id: item.key } },
          });
          break;
        case 'recordVisit':
          // The visit's id is made on the phone: sent twice, it is recorded once.
          await client.mutate({
            mutation: RECORD_VISIT,
            variables: { input: { ...(item.input as unknown as RecordVisitInput), id: item.key } },
          });
          break;
      }
    } catch (error) {
      throw classify(error);
    }
  };
}

/** The queue as the screen sees it: how many wait, and a flush that runs when the network returns. */
export function useOutbox(client: ApolloClient<unknown>, session: Session) {
  const [waiting, setWaiting] = useState<OutboxItem[]>([]);
  const [online, setOnline] = useState(() => navigator.onLine);
  const refresh = useCallback(() => {
    void all().then((items) => setWaiting(items.filter((i) => i.owner === session.claims.sub)));
  }, [session.claims.sub]);
  const send = useCallback(async () => {
    if (!navigator.onLine) return;
    const sent = await flush(session.claims.sub, sender(client, session));
    if (sent > 0) await client.refetchQueries({ include: 'active' });
  }, [client, session]);
  useEffect(() => {
    refresh();
    const off = onOutboxChange(refresh);
    const up = () => {
      setOnline(true);
      void send();
    };
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    void send();
    return () => {
      off();
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
    };
  }, [refresh, send]);
  return { waiting, online, send, changed: notify };
}
