import { isUuid } from '@civgrid/auth';

/**
 * The ids of a batch that can name a row: a malformed one in an `_entities` batch (a stale cache,
 * a hand-written query) is simply not found, instead of failing the whole batch at the `::uuid[]` cast.
 */
export const wellFormed = (ids: readonly string[]): string[] => ids.filter((id) => typeof id === 'string' && isUuid(id));
