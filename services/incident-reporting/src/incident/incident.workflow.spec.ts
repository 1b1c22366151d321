import { Principal, Role } from '@civgrid/auth';
import { INCIDENT_STATUSES, IncidentStatus } from '@civgrid/contracts';
import { allowedActions, checkTransition, TRANSITIONS, WorkflowAction } from './incident.workflow';

const person = (roles: Role[], userId = 'u1'): Principal => ({ userId, roles, areas: ['X'], grids: [] });
const officer = person([Role.COMMUNITY_OFFICER]);
const member = person([Role.GRID_MEMBER], 'member');
const analyst = person([Role.ANALYST]);

describe('the incident workflow', () => {
  it('walks reported → accepted → in progress → resolved → closed', () => {
    let status: IncidentStatus = 'REPORTED';
    for (const [action, who] of [
      ['ACCEPT', officer],
      ['START', member],
      ['RESOLVE', member],
      ['CLOSE', officer],
    ] as const) {
      const result = checkTransition(action, status, who, 'member');
      if (!result.ok) throw new Error(`${action} refused: ${result.why}`);
      status = result.to;
    }
    expect(status).toBe('CLOSED');
  });

  it('refuses every step from a state the table does not list, whoever asks', () => {
    const admin = person([Role.ADMIN]);
    for (const action of Object.keys(TRANSITIONS) as WorkflowAction[]) {
      for (const status of INCIDENT_STATUSES.filter((s) => !TRANSITIONS[action].from.includes(s))) {
        expect(checkTransition(action, status, admin, admin.userId)).toEqual({ ok: false, why: 'STATE' });
      }
    }
  });

  it('lets the reporter close or reopen their own resolved incident but not accept it', () => {
    expect(checkTransition('CLOSE', 'RESOLVED', member, 'member')).toEqual({ ok: true, to: 'CLOSED' });
    expect(checkTransition('REOPEN', 'RESOLVED', member, 'member')).toEqual({ ok: true, to: 'IN_PROGRESS' });
    expect(checkTransition('CLOSE', 'RESOLVED', member, 'someone-else')).toEqual({ ok: false, why: 'ROLE' });
    expect(checkTransition('ACCEPT', 'REPORTED', member, 'member')).toEqual({ ok: false, why: 'ROLE' });
  });

  it('lets the grid leader close or reopen a resolved incident of their grid, and nothing else a member may not do', () => {
    expect(checkTransition('CLOSE', 'RESOLVED', member, 'someone-else', true)).toEqual({ ok: true, to: 'CLOSED' });
    expect(checkTransition('REOPEN', 'RESOLVED', member, 'someone-else', true)).toEqual({ ok: true, to: 'IN_PROGRESS' });
    expect(checkTransition('ACCEPT', 'REPORTED', member, 'someone-else', true)).toEqual({ ok: false, why: 'ROLE' });
    expect(checkTransition('REJECT', 'REPORTED', member, 'someone-else', true)).toEqual({ ok: false, why: 'ROLE' });
    expect(allowedActions('RESOLVED', member, 'someone-else', true)).toEqual(['CLOSE', 'REOPEN']);
    expect(allowedActions('RESOLVED', member, 'someone-else', false)).toEqual([]);
  });

  it('gives an analyst no step at all, and a rejected or closed incident none for anyone', () => {
    for (const status of INCIDENT_STATUSES) expect(allowedActions(status, analyst, null)).toEqual([]);
    expect(allowedActions('CLOSED', person([Role.ADMIN]), null)).toEqual([]);
    expect(allowedActions('REJECTED', person([Role.ADMIN]), null)).toEqual([]);
    expect(allowedActions('REPORTED', officer, null)).toEqual(['ACCEPT', 'REJECT']);
  });
});
