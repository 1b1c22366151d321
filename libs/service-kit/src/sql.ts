import { EntityManager } from 'typeorm';

/**
 * The rows of an UPDATE or DELETE … RETURNING: TypeORM's PostgreSQL driver answers those with
 * `[rows, affectedCount]` instead of the rows themselves.
 */
export async function returning<T>(manager: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const result = (await manager.query(sql, params)) as unknown;
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
