import { hasRole, Principal, Role, ROLE_SETS } from '@civgrid/auth';
import { IncidentStatus } from '@civgrid/contracts';

export type WorkflowAction = 'ACCEPT' | 'START' | 'RESOLVE' | 'CLOSE' | 'REJECT' | 'REOPEN';

interface Rule {
  from: readonly IncidentStatus[];
  to: IncidentStatus;
  /** Roles that may take the step in any incident they can see. */
  roles: readonly Role[];
  /** The person who reported it may take this step too (closing = the reporter verified the fix). */
  reporter: boolean;
  /** The leader of the incident's grid (or of a grid above it) may take this step too. */
  gridLeader: boolean;
}

const { OFFICERS, GRID_WORKERS } = ROLE_SETS;

/**
 * Who may move an incident, from where, to where. Anything not in this table is refused. Roles act
 * only on incidents the step's rule of the access table reaches (IncidentService.lockForUpdate,
 * STEP_RULES): an officer on those under their areas, a grid member on those of their own grids.
 *
 * Closing is "verified by the reporter or the grid leader": GRID_LEADER is an assignment in grid
 * organisation, not a role in the token, so whether someone leads the incident's grid comes from
 * the leaders replicated from its events (GridLeaders). The reporter or the grid leader may also
 * send a fix back (reopen). Community, town and district officers whose areas hold the grid may do
 * both as well, for reports from residents and hotlines that no grid leader verifies.
 */
export const TRANSITIONS: Readonly<Record<WorkflowAction, Rule>> = {
  ACCEPT: { from: ['REPORTED'], to: 'ACCEPTED', roles: OFFICERS, reporter: false, gridLeader: false },
  START: { from: ['ACCEPTED'], to: 'IN_PROGRESS', roles: GRID_WORKERS, reporter: false, gridLeader: false },
  RESOLVE: { from: ['IN_PROGRESS'], to: 'RESOLVED', roles: GRID_WORKERS, reporter: false, gridLeader: false },
  CLOSE: { from: ['RESOLVED'], to: 'CLOSED', roles: OFFICERS, reporter: true, gridLeader: true },
  REJECT: { from: ['REPORTED', 'ACCEPTED'], to: 'REJECTED', roles: OFFICERS, reporter: false, gridLeader: false },
  REOPEN: { from: ['RESOLVED'], to: 'IN_PROGRESS', roles: OFFICERS, reporter: true, gridLeader: true },
};

export type TransitionCheck = { ok: true; to: IncidentStatus } | { ok: false; why: 'STATE' | 'ROLE' };

/** The rule for one step: the state is checked first, so a finished incident says so whoever asks. */
export function checkTransition(
  action: WorkflowAction,
  from: IncidentStatus,
  principal: Principal,
  reporterId: string | null,
  leadsGrid = false,
): TransitionCheck {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(from)) return { ok: false, why: 'STATE' };
  const isReporter = rule.reporter && reporterId !== null && reporterId === principal.userId;
  const isLeader = rule.gridLeader && leadsGrid;
  if (!isReporter && !isLeader && !hasRole(principal, ...rule.roles)) return { ok: false, why: 'ROLE' };
  return { ok: true, to: rule.to };
}

/** Whether the grid leader's say could matter to `principal`: officers may take those steps anyway. */
export const mayActAsGridLeader = (principal: Principal): boolean => !hasRole(principal, ...OFFICERS);

/** The steps a person could take now: clients show only these buttons. */
export function allowedActions(
  status: IncidentStatus,
  principal: Principal,
  reporterId: string | null,
  leadsGrid = false,
): WorkflowAction[] {
  return (Object.keys(TRANSITIONS) as WorkflowAction[]).filter((a) => checkTransition(a, status, principal, reporterId, leadsGrid).ok);
}

/** The statuses that still owe work: the deadlines apply and Open311 calls them "open" (SQL: `OPEN_SQL`). */
export const OPEN_STATUSES: readonly IncidentStatus[] = ['REPORTED', 'ACCEPTED', 'IN_PROGRESS'];

/** Not accepted yet: the accept deadline applies (those an ACCEPT step starts from). */
export const AWAITING_ACCEPT: readonly IncidentStatus[] = TRANSITIONS.ACCEPT.from;

/** Resolved, whether or not the fix was verified yet: what "resolved in the bud" counts. */
export const RESOLVED_STATUSES: readonly IncidentStatus[] = ['RESOLVED', 'CLOSED'];

/** Still owes work (one of OPEN_STATUSES). */
export const isOpen = (status: IncidentStatus): boolean => OPEN_STATUSES.includes(status);
