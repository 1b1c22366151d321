// Changes made offline wait here, in IndexedDB, each with its idempotency key; they are sent in
// the order they were made when the network returns, and the graph applies each key once.
export type OutboxKind = 'reportIncident' | 'recordCheckIn' | 'recordVisit' | 'registerDwelling' | 'registerHousehold' | 'registerResident';

export interface OutboxItem {
  seq?: number;
  key: string;
  kind: OutboxKind;
  /** The mutation's input without the key (the key is added when sent). */
  input: Record<string, unknown>;
  photo?: Blob;
  /** Who queued it: another person signing in later does not send it under their name. */
  owner: string;
  createdAt: string;
  /** Set when the graph refused it (bad input): kept to show, never resent. */
  refused?: string;
}

const DB = 'civgrid';
const STORE = 'outbox';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'seq', autoIncrement: true });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB unavailable'));
  });
}

async function tx<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  return new Promise<T>((resolve, reject) => {
    const t = db.transaction(STORE, mode);
    const req = work(t.objectStore(STORE));
    t.oncomplete = () => {
      db.close();
      resolve(req.result);
    };
    t.onerror = () => reject(t.error ?? new Error('IndexedDB transaction failed'));
  });
}

export const enqueue = (item: OutboxItem): Promise<IDBValidKey> => tx('readwrite', (s) => s.add(item));
export const all = (): Promise<OutboxItem[]> => tx('readonly', (s) => s.getAll() as IDBRequest<OutboxItem[]>);
export const remove = (seq: number): Promise<undefined> => tx('readwrite', (s) => s.delete(seq));
export const update = (item: OutboxItem): Promise<IDBValidKey> => tx('readwrite', (s) => s.put(item));

type Listener = () => void;
const listeners = new Set<Listener>();
export const onOutboxChange = (l: Listener): (() => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};
export const notify = (): void => listeners.forEach((l) => l());

export class Offline extends Error {}
export class Refused extends Error {}

let chain: Promise<number> = Promise.resolve(0);

/** Sends what waits, oldest first, one flush at a time; stops at the first item the network could not carry. */
export function flush(owner: string, send: (item: OutboxItem) => Promise<void>): Promise<number> {
  chain = chain.catch(() => 0).then(() => flushOnce(owner, send));
  return chain;
}

async function flushOnce(owner: string, send: (item: OutboxItem) => Promise<void>): Promise<number> {
  let sent = 0;
  for (const item of (await all()).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0))) {
    if (item.owner !== owner || item.refused) continue;
    try {
      await send(item);
      await remove(item.seq!);
      sent++;
      notify();
    } catch (error) {
      if (error instanceof Refused) {
        await update({ ...item, refused: error.message });
        notify();
        continue;
      }
      break;
    }
  }
  return sent;
}
