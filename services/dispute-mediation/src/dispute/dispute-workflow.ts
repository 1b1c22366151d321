import { DisputeLevel, DisputeStatus } from '@civgrid/contracts';

/** What a user can do to a dispute; each is one guarded step of the workflow. */
export type DisputeAction =
  'ACCEPT' | 'ESCALATE' | 'START_MEDIATION' | 'RECORD_AGREEMENT' | 'RECORD_FAILURE' | 'REFER' | 'WITHDRAW' | 'CLOSE';

// The one table of legal steps: anything not here is refused before a row is touched.
const TRANSITIONS: Record<DisputeAction, { from: readonly DisputeStatus[]; to: DisputeStatus }> = {
  ACCEPT: { from: ['REGISTERED'], to: 'ACCEPTED' },
  // Up a level, where that level's committee accepts it afresh.
  ESCALATE: { from: ['REGISTERED', 'ACCEPTED', 'IN_MEDIATION', 'MEDIATION_FAILED'], to: 'REGISTERED' },
  START_MEDIATION: { from: ['ACCEPTED'], to: 'IN_MEDIATION' },
  RECORD_AGREEMENT: { from: ['IN_MEDIATION'], to: 'AGREEMENT_REACHED' },
  RECORD_FAILURE: { from: ['IN_MEDIATION'], to: 'MEDIATION_FAILED' },
  // Sent on to arbitration or a court: mediation has failed here.
  REFER: { from: ['IN_MEDIATION', 'MEDIATION_FAILED'], to: 'MEDIATION_FAILED' },
  WITHDRAW: { from: ['REGISTERED', 'ACCEPTED', 'IN_MEDIATION'], to: 'WITHDRAWN' },
  CLOSE: { from: ['AGREEMENT_REACHED', 'MEDIATION_FAILED'], to: 'CLOSED' },
};

export const OPEN_STATUSES: readonly DisputeStatus[] = ['REGISTERED', 'ACCEPTED', 'IN_MEDIATION', 'AGREEMENT_REACHED', 'MEDIATION_FAILED'];
export const isOpen = (status: DisputeStatus): boolean => OPEN_STATUSES.includes(status);

/** The status after `action`, or null when the action is not allowed from `status`. */
export function nextStatus(status: DisputeStatus, action: DisputeAction): DisputeStatus | null {
  const t = TRANSITIONS[action];
  return t.from.includes(status) ? t.to : null;
}

export const allowedActions = (status: DisputeStatus): DisputeAction[] =>
  (Object.keys(TRANSITIONS) as DisputeAction[]).filter((a) => nextStatus(status, a) !== null);

/** village → town → district; null at the top. */
export function levelAbove(level: DisputeLevel): DisputeLevel | null {
  switch (level) {
    case 'VILLAGE':
      return 'TOWN';
    case 'TOWN':
      return 'DISTRICT';
    case 'DISTRICT':
      return null;
  }
}

/** How many labels of a grid path name the area of each level: district 1, town 2, village 3. */
export function levelDepth(level: DisputeLevel): number {
  switch (level) {
    case 'DISTRICT':
      return 1;
    case 'TOWN':
      return 2;
    case 'VILLAGE':
      return 3;
  }
}

/** The area a dispute's committee covers at a level: the grid path cut to that level's depth. */
export const areaAtLevel = (gridPath: string, level: DisputeLevel): string => gridPath.split('.').slice(0, levelDepth(level)).join('.');
