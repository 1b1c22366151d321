import { AccessRule, Principal, reachCondition, RULES } from '@civgrid/auth';
import { IncidentCategory, IncidentPriority, IncidentSource, IncidentStatus } from '@civgrid/contracts';
import { keysetSql, Sql, sql } from '@civgrid/service-kit';
import { EscalationLevelCode, NEVER_PUBLIC } from '../taxonomy/taxonomy';
import { AWAITING_ACCEPT, isOpen, OPEN_STATUSES, RESOLVED_STATUSES } from './incident.workflow';
import { GridIncidentsArgs } from './dto/incident.inputs';
import { IncidentType } from './dto/incident.type';

// The incident aggregate as stored: its row, its columns, its mapper, and the SQL fragments every
// statement on `incident` is built from (the statements live with their role: reads, commands,
// the overdue job, the timeline writer).

/** A row as the queries select it, plus the exact sort key for cursors. */
export interface IncidentRow {
  id: string;
  number: string;
  title: string;
  description: string;
  category: IncidentCategory;
  subcategory: string | null;
  priority: IncidentPriority;
  status: IncidentStatus;
  source: IncidentSource;
  gridId: string;
  gridPath: string;
  reporterId: string | null;
  reporterResidentId: string | null;
  dwellingId: string | null;
  addressText: string | null;
  latitude: number | null;
  longitude: number | null;
  assigneeId: string | null;
  escalationLevel: EscalationLevelCode;
  everEscalated: boolean;
  acceptDueAt: Date | null;
  resolveDueAt: Date | null;
  acceptOverdueAt: Date | null;
  resolveOverdueAt: Date | null;
  rejectionReason: string | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  updatedAt: Date;
  photoIds: string[];
  idempotencyKey: string | null;
  subjectResidentId: string | null;
  wellbeingAgreementId: string | null;
  reportedAt: Date;
  sortKey: string;
}

// `sortKey` is reported_at as text: microseconds survive the round trip a JS Date would truncate.
export const COLUMNS = `id, number, title, description, category, subcategory, priority, status, source, grid_id AS "gridId",
  grid_path::text AS "gridPath", reporter_id AS "reporterId", reporter_resident_id AS "reporterResidentId", dwelling_id AS "dwellingId",
  address_text AS "addressText", latitude, longitude, assignee_id AS "assigneeId", escalation_level AS "escalationLevel",
  ever_escalated AS "everEscalated", accept_due_at AS "acceptDueAt", resolve_due_at AS "resolveDueAt",
  accept_overdue_at AS "acceptOverdueAt", resolve_overdue_at AS "resolveOverdueAt", rejection_reason AS "rejectionReason",
  resolved_at AS "resolvedAt", closed_at AS "closedAt", updated_at AS "updatedAt", photo_ids::text[] AS "photoIds",
  idempotency_key AS "idempotencyKey", subject_resident_id AS "subjectResidentId", wellbeing_agreement_id AS "wellbeingAgreementId",
  reported_at AS "reportedAt", reported_at::text AS "sortKey"`;

/** What an insert stores (the number, the deadlines and the times are the insert's own). */
export type NewIncident = Pick<
  IncidentRow,
  | 'gridId'
  | 'gridPath'
  | 'title'
  | 'description'
  | 'category'
  | 'subcategory'
  | 'priority'
  | 'source'
  | 'reporterResidentId'
  | 'dwellingId'
  | 'addressText'
  | 'latitude'
  | 'longitude'
  | 'assigneeId'
  | 'photoIds'
  | 'idempotencyKey'
  | 'subjectResidentId'
  | 'wellbeingAgreementId'
> & {
  reporterId: string;
  /** Where an automatic report came from (`wellbeing:<agreement>:<day>`): one incident per origin. */
  originKey: string | null;
};

/** Codes (of a TypeScript set) as an SQL list literal: `('A', 'B')`. Codes only, never input. */
export const sqlList = (codes: readonly string[]): string => {
  if (codes.length === 0 || codes.some((c) => !/^[A-Z_]+$/.test(c))) throw new Error(`not a list of codes: ${codes.join(', ')}`);
  return `(${codes.map((c) => `'${c}'`).join(', ')})`;
};

/** The statuses that still owe work (isOpen), in SQL. */
export const OPEN_SQL = sqlList(OPEN_STATUSES);
/** Not accepted yet, in SQL. */
export const AWAITING_ACCEPT_SQL = sqlList(AWAITING_ACCEPT);
/** Resolved (whether the fix was verified or not), in SQL. */
export const RESOLVED_SQL = sqlList(RESOLVED_STATUSES);

export const NEWEST_FIRST = 'reported_at DESC, id DESC';

/**
 * Overdue = a deadline that is missed now: still not accepted after the accept deadline was marked
 * missed, or still open after the resolve deadline was. A late accept ends the first; escalation
 * gives fresh deadlines and clears the marks.
 */
export const isOverdue = (e: Pick<IncidentRow, 'status' | 'acceptOverdueAt' | 'resolveOverdueAt'>): boolean =>
  (AWAITING_ACCEPT.includes(e.status) && e.acceptOverdueAt !== null) || (isOpen(e.status) && e.resolveOverdueAt !== null);

/** The same rule in SQL, for the `overdue` filter. */
export const OVERDUE_SQL = `((status IN ${AWAITING_ACCEPT_SQL} AND accept_overdue_at IS NOT NULL)
  OR (status IN ${OPEN_SQL} AND resolve_overdue_at IS NOT NULL))`;

export const toIncidentType = (e: IncidentRow): IncidentType => ({
  id: e.id,
  number: e.number,
  title: e.title,
  description: e.description,
  category: e.category,
  subcategory: e.subcategory,
  priority: e.priority,
  status: e.status,
  source: e.source,
  reportedAt: e.reportedAt,
  reportedBy: e.reporterId,
  assigneeId: e.assigneeId,
  gridId: e.gridId,
  gridPath: e.gridPath,
  location: {
    dwelling: e.dwellingId ? { __typename: 'Dwelling', id: e.dwellingId } : null,
    addressText: e.addressText,
    latitude: e.latitude,
    longitude: e.longitude,
  },
  escalationLevel: e.escalationLevel,
  acceptDueAt: e.acceptDueAt,
  resolveDueAt: e.resolveDueAt,
  overdue: isOverdue(e),
  rejectionReason: e.rejectionReason,
  resolvedAt: e.resolvedAt,
  closedAt: e.closedAt,
  updatedAt: e.updatedAt,
  reporterResidentId: e.reporterResidentId,
  subjectResidentId: e.subjectResidentId,
  wellbeingAgreementId: e.wellbeingAgreementId,
  photoIds: e.photoIds,
});

export const cursorOf = (r: IncidentRow): string[] => [r.sortKey, r.id];

/**
 * The incidents a rule of the table lets the principal reach, over `incident` (or its alias): by
 * grid and area, and for a department officer those whistled to their department.
 */
export const readCondition = (
  principal: Principal,
  params: unknown[],
  alias = 'incident',
  rule: AccessRule = RULES.incident.read,
): string =>
  reachCondition(
    principal,
    rule,
    {
      path: `${alias}.grid_path`,
      gridId: `${alias}.grid_id`,
      department: (dept) =>
        `EXISTS (SELECT 1 FROM whistle dw JOIN whistle_department dd ON dd.whistle_id = dw.id WHERE dw.incident_id = ${alias}.id AND dd.department_id = ${dept})`,
    },
    params,
  );

/** The order of every incident list, newest first, and its cursor's keys. */
export const NEWEST_FIRST_KEYS = [
  ['reported_at', 'timestamp'],
  ['id', 'uuid'],
] as const;

/** "After this cursor, newest first"; undefined on the first page. */
export const afterCursor = (cursor: string | undefined): Sql | undefined => keysetSql(cursor, NEWEST_FIRST_KEYS, 'DESC');

/** The open (true: still owes work; false: finished) filter. */
export const openCondition = (open: boolean | undefined): Sql[] =>
  open === true ? [sql.raw(`status IN ${OPEN_SQL}`)] : open === false ? [sql.raw(`status NOT IN ${OPEN_SQL}`)] : [];

export function listFilters(args: GridIncidentsArgs & { overdue?: boolean }): Sql[] {
  const where: Sql[] = [];
  if (args.status) where.push(sql`status = ${args.status}`);
  where.push(...openCondition(args.open));
  if (args.overdue === true) where.push(sql.raw(OVERDUE_SQL));
  if (args.overdue === false) where.push(sql.raw(`NOT ${OVERDUE_SQL}`));
  return where;
}

/**
 * What a reader outside the service (Open311) may see: incidents of the published categories
 * anywhere, and, where a client's key allows it, those of other categories in its areas. Care
 * alerts never: they name a resident to visit.
 */
export interface PublicVisibility {
  categories: readonly string[];
  alsoAllCategoriesIn?: readonly string[];
}

export interface PublicIncidentQuery {
  visibility: PublicVisibility;
  numbers?: readonly string[];
  reportedFrom?: Date;
  reportedTo?: Date;
  /** Category, and subcategory or null for the whole category. */
  services?: readonly { category: string; subcategory: string | null }[];
  /** true: reported, accepted or in progress; false: the others; undefined: both. */
  open?: boolean;
  limit: number;
}

/** One entry of an incident's timeline with what a public reader needs of its incident. */
export interface PublicTimelineRow {
  id: string;
  action: string;
  toStatus: IncidentStatus;
  at: Date;
  note: string | null;
  number: string;
  source: IncidentSource;
  gridPath: string;
}

const NEVER_PUBLIC_SQL = sqlList(NEVER_PUBLIC);

export function visibilityCondition(v: PublicVisibility, table = 'incident'): Sql {
  const published = sql`${sql.raw(table)}.category::text = ANY(${v.categories}::text[])`;
  const never = sql.raw(`${table}.category NOT IN ${NEVER_PUBLIC_SQL}`);
  if (!v.alsoAllCategoriesIn?.length) return sql`${never} AND ${published}`;
  return sql`${never} AND (${published} OR ${sql.raw(table)}.grid_path <@ ${v.alsoAllCategoriesIn}::ltree[])`;
}
