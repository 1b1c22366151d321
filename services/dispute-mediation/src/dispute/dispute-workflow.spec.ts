import { DISPUTE_STATUSES, DisputeStatus } from '@civgrid/contracts';
import { allowedActions, areaAtLevel, isOpen, levelAbove, nextStatus } from './dispute-workflow';

describe('the dispute workflow', () => {
  it('walks the happy path: registered → accepted → in mediation → agreement → closed', () => {
    expect(nextStatus('REGISTERED', 'ACCEPT')).toBe('ACCEPTED');
    expect(nextStatus('ACCEPTED', 'START_MEDIATION')).toBe('IN_MEDIATION');
    expect(nextStatus('IN_MEDIATION', 'RECORD_AGREEMENT')).toBe('AGREEMENT_REACHED');
    expect(nextStatus('AGREEMENT_REACHED', 'CLOSE')).toBe('CLOSED');
  });

  it('allows each status exactly these actions', () => {
    const table = Object.fromEntries(DISPUTE_STATUSES.map((s) => [s, allowedActions(s)]));
    expect(table).toEqual({
      REGISTERED: ['ACCEPT', 'ESCALATE', 'WITHDRAW'],
      ACCEPTED: ['ESCALATE', 'START_MEDIATION', 'WITHDRAW'],
      IN_MEDIATION: ['ESCALATE', 'RECORD_AGREEMENT', 'RECORD_FAILURE', 'REFER', 'WITHDRAW'],
      AGREEMENT_REACHED: ['CLOSE'],
      MEDIATION_FAILED: ['ESCALATE', 'REFER', 'CLOSE'],
      CLOSED: [],
      WITHDRAWN: [],
    });
  });

  it('refuses skipping steps and leaving a terminal status', () => {
    expect(nextStatus('REGISTERED', 'RECORD_AGREEMENT')).toBeNull();
    expect(nextStatus('REGISTERED', 'CLOSE')).toBeNull();
    expect(nextStatus('AGREEMENT_REACHED', 'WITHDRAW')).toBeNull();
    for (const terminal of ['CLOSED', 'WITHDRAWN'] as DisputeStatus[]) {
      expect(allowedActions(terminal)).toEqual([]);
      expect(isOpen(terminal)).toBe(false);
    }
  });

  it('escalates village → town → district and no further, back to REGISTERED for the next committee', () => {
    expect(levelAbove('VILLAGE')).toBe('TOWN');
    expect(levelAbove('TOWN')).toBe('DISTRICT');
    expect(levelAbove('DISTRICT')).toBeNull();
    expect(nextStatus('MEDIATION_FAILED', 'ESCALATE')).toBe('REGISTERED');
  });

  it('cuts a grid path to the area of each level', () => {
    const path = '370911000000.370911001000.370911001001.G1';
    expect(areaAtLevel(path, 'DISTRICT')).toBe('370911000000');
    expect(areaAtLevel(path, 'TOWN')).toBe('370911000000.370911001000');
    expect(areaAtLevel(path, 'VILLAGE')).toBe('370911000000.370911001000.370911001001');
  });
});
