import { badInput } from '@civgrid/errors';
import { decodeCursor } from '@civgrid/service-kit';
import { pathProblem } from './paths';

/** What each value of a keyset cursor must be before it goes into SQL. */
export type CursorPart = 'path' | 'uuid' | 'timestamp' | 'key';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// As the lists write them: UTC, microseconds (PostgreSQL's precision, so no row is seen twice).
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

const valid: Record<CursorPart, (v: string) => boolean> = {
  path: (v) => pathProblem(v) === null,
  uuid: (v) => UUID.test(v),
  timestamp: (v) => TIMESTAMP.test(v) && !Number.isNaN(Date.parse(v)),
  key: (v) => v.length > 0 && v.length <= 300,
};

/**
 * The service kit's cursor, with every value checked against what the list put in it: a forged
 * cursor is refused as the kit refuses a garbled one, never handed to PostgreSQL to cast.
 */
export function decodeKeyset(after: string | undefined, parts: readonly CursorPart[]): string[] | undefined {
  const values = decodeCursor(after, parts.length);
  if (!values) return undefined;
  const ok = values.every((v, i) => typeof v === 'string' && valid[parts[i]](v));
  if (!ok) throw badInput('INVALID_CURSOR', 'The "after" cursor is not one this list gave out.');
  return values as string[];
}

/** SQL that writes a timestamptz as the cursor keeps it (UTC, microseconds). */
export const cursorTimestamp = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
