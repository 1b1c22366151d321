import { isUuid } from '@civgrid/auth';
import { EntityManager } from 'typeorm';

/**
 * The ids of a batch that can name a row: a malformed one in an `_entities` batch (a stale cache,
 * a hand-written query) is simply not found, instead of failing the whole batch at the `::uuid[]` cast.
 */
export const wellFormed = (ids: readonly string[]): string[] => ids.filter((id) => typeof id === 'string' && isUuid(id));

/**
 * An id the phone made for a row it registers (sent again on a weak network, it must record the
 * row once): two sends of the same id at once wait for each other here, until the first commits.
 */
export async function lockClientId(manager: EntityManager, id: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 13))`, [id]);
}
