import { INCIDENT_STATUSES } from '@civgrid/contracts';
import { CATEGORIES, NEVER_PUBLIC } from '../taxonomy/taxonomy';
import { isOverdue, OPEN_SQL, OVERDUE_SQL, sqlList, visibilityCondition } from './incident.rows';
import { isOpen, OPEN_STATUSES } from './incident.workflow';

describe('the SQL of the incident aggregate, built from the TypeScript sets', () => {
  it('lists the open statuses once: isOpen and the SQL agree', () => {
    expect(OPEN_SQL).toBe(`('REPORTED', 'ACCEPTED', 'IN_PROGRESS')`);
    expect(INCIDENT_STATUSES.filter(isOpen)).toEqual(OPEN_STATUSES);
    expect(OVERDUE_SQL).toContain(`status IN ${OPEN_SQL} AND resolve_overdue_at IS NOT NULL`);
    expect(OVERDUE_SQL).toContain(`status IN ('REPORTED') AND accept_overdue_at IS NOT NULL`);
  });

  it('calls overdue what the overdue filter selects', () => {
    const at = new Date('2026-03-01T00:00:00Z');
    expect(isOverdue({ status: 'REPORTED', acceptOverdueAt: at, resolveOverdueAt: null })).toBe(true);
    expect(isOverdue({ status: 'ACCEPTED', acceptOverdueAt: at, resolveOverdueAt: null })).toBe(false);
    expect(isOverdue({ status: 'IN_PROGRESS', acceptOverdueAt: null, resolveOverdueAt: at })).toBe(true);
    expect(isOverdue({ status: 'RESOLVED', acceptOverdueAt: at, resolveOverdueAt: at })).toBe(false);
  });

  it('writes only codes into SQL literals', () => {
    expect(sqlList(['A_B'])).toBe(`('A_B')`);
    expect(() => sqlList([`X') OR ('1' = '1`])).toThrow(/not a list of codes/);
    expect(() => sqlList([])).toThrow(/not a list of codes/);
  });

  it('keeps the categories the taxonomy never publishes out of public reads, whatever the visibility', () => {
    expect(NEVER_PUBLIC).toEqual(['CARE_ALERT']);
    const { text, values } = visibilityCondition({ categories: [...CATEGORIES], alsoAllCategoriesIn: ['a.b'] }, 'i').toQuery();
    expect(text).toBe(`i.category NOT IN ('CARE_ALERT') AND (i.category::text = ANY($1::text[]) OR i.grid_path <@ $2::ltree[])`);
    expect(values).toEqual([[...CATEGORIES], ['a.b']]);
  });
});
