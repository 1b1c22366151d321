import { useMutation, useQuery } from '@apollo/client';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DISPUTE_KINDS } from '../dispute-kinds';
import { Choice, codeOptions } from '../choice';
import { graphql } from '../gql';
import type { DisputeKind } from '../gql/graphql';
import type { Session } from '../session';
import { IncidentCard } from './incident';

// Leaflet comes with the map, in a chunk of its own: only the officer's console loads it.
const GridMap = lazy(() => import('./GridMap'));

const CONSOLE = graphql(`
  query OfficerConsole($areaPath: String!) {
    areas(first: 100, underPath: $areaPath) {
      totalCount
      edges {
        node {
          id
          code
          name
          level
          path
        }
      }
    }
    grids(first: 100, underPath: $areaPath) {
      totalCount
      edges {
        node {
          id
          name
          kind
          area {
            id
          }
          boundary {
            type
            coordinates
          }
          incidents(open: true, first: 1) {
            totalCount
          }
        }
      }
    }
    gridHealth(areaPath: $areaPath, limit: 20) {
      problems {
        kind
        description
        grids {
          id
          name
        }
      }
    }
    incidents(open: true, first: 10) {
      totalCount
      edges {
        node {
          ...IncidentFields
        }
      }
    }
    departments(first: 100) {
      edges {
        node {
          id
          name
          kind
        }
      }
    }
    gridMembers(first: 200, underPath: $areaPath) {
      edges {
        node {
          id
          name
          userId
        }
      }
    }
  }
`);

const BLOW_WHISTLE = graphql(`
  mutation BlowWhistle($input: BlowWhistleInput!) {
    blowWhistle(input: $input) {
      id
      incident {
        ...IncidentFields
      }
    }
  }
`);

const ESCALATE = graphql(`
  mutation EscalateIncident($input: EscalateIncidentInput!) {
    escalateIncident(input: $input) {
      ...IncidentFields
    }
  }
`);

const ASSIGN = graphql(`
  mutation AssignIncident($input: AssignIncidentInput!) {
    assignIncident(input: $input) {
      ...IncidentFields
    }
  }
`);

export function OfficerConsole({ session }: { session: Session }) {
  const { t } = useTranslation();
  const areaPath = session.claims.areas?.[0] ?? '';
  const q = useQuery(CONSOLE, { variables: { areaPath }, skip: !areaPath });
  const [onlyOverdue, setOnlyOverdue] = useState(false);
  const [blow] = useMutation(BLOW_WHISTLE);
  const [escalate] = useMutation(ESCALATE);
  const [assign] = useMutation(ASSIGN);
  const [dept, setDept] = useState<Record<string, string>>({});
  const [assignee, setAssignee] = useState<Record<string, string>>({});
  const [kind, setKind] = useState<Record<string, DisputeKind>>({});
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const areas = q.data?.areas.edges.map((e) => e.node) ?? [];
  const grids = q.data?.grids.edges.map((e) => e.node) ?? [];
  const incidents = (q.data?.incidents.edges.map((e) => e.node) ?? []).filter((i) => !onlyOverdue || i.overdue);
  const departments = q.data?.departments.edges.map((e) => e.node) ?? [];
  // Only members linked to an account can take an incident on (Incident.assigneeId is the account).
  const members = (q.data?.gridMembers.edges.map((e) => e.node) ?? []).filter((m) => m.userId);
  const memberName = (userId: string | null | undefined) => members.find((m) => m.userId === userId)?.name ?? userId;
  const act = (p: Promise<unknown>, message: string) =>
    void p.then(
      () => {
        setError(null);
        setDone(message);
      },
      (e: Error) => setError(e.message),
    );
  const problems: Record<string, { kind: string; description: string }[]> = {};
  for (const p of q.data?.gridHealth.problems ?? []) for (const g of p.grids) (problems[g.id] ??= []).push(p);
  const depth = (path: string) => path.split('.').length - areaPath.split('.').length;
  return (
    <div className="console">
      <aside className="card tree" aria-labelledby="tree-title">
        <h2 id="tree-title">{t('officer.tree')}</h2>
        <ul>
          {areas.map((a) => (
            <li key={a.id} style={{ paddingInlineStart: `${depth(a.path)}em` }}>
              {a.name} <small>{t(`level.${a.level}`)}</small>
              <ul>
                {grids
                  .filter((g) => g.area.id === a.id)
                  .map((g) => (
                    <li key={g.id} className="grid-leaf">
                      ▦ {g.name}
                    </li>
                  ))}
              </ul>
            </li>
          ))}
        </ul>
        <h3>{t('officer.health')}</h3>
        <ul>
          {q.data?.gridHealth.problems.map((p, n) => (
            <li key={n}>
              {p.grids.map((g) => g.name).join('、')}：{t(`gridProblem.${p.kind}`)} <small>{p.description}</small>
            </li>
          ))}
        </ul>
      </aside>
      <div className="console-main">
        {grids.length > 0 && (
          <Suspense fallback={<p>{t('common.loading')}</p>}>
            <GridMap
              grids={grids.map((g) => ({
                id: g.id,
                name: g.name,
                kind: g.kind,
                boundary: g.boundary ?? null,
                openIncidents: g.incidents.totalCount,
              }))}
              problems={problems}
            />
          </Suspense>
        )}
        <section aria-labelledby="open-title">
          <h2 id="open-title">{t('officer.open', { n: q.data?.incidents.totalCount ?? 0 })}</h2>
          <label>
            <input type="checkbox" checked={onlyOverdue} onChange={(e) => setOnlyOverdue(e.target.checked)} /> {t('officer.onlyOverdue')}
          </label>
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          {done && <p role="status">{done}</p>}
          {incidents.map((i) => (
            <IncidentCard key={i.id} incident={i}>
              {i.assigneeId && (
                <p>
                  {t('officer.assignedTo')}：{memberName(i.assigneeId)}
                </p>
              )}
              <Choice
                label={t('officer.assignee')}
                value={assignee[i.id] ?? ''}
                options={members.map((m) => ({ value: m.userId ?? '', label: m.name }))}
                onChange={(userId) => setAssignee({ ...assignee, [i.id]: userId })}
                empty
              />
              <button
                type="button"
                disabled={!assignee[i.id]}
                onClick={() =>
                  act(
                    assign({ variables: { input: { id: i.id, assigneeId: assignee[i.id] } } }),
                    t('officer.assigned', { number: i.number, name: memberName(assignee[i.id]) }),
                  )
                }
              >
                {t('officer.assign')}
              </button>
              {i.status !== 'REPORTED' && (
                <>
                  <Choice
                    label={t('officer.department')}
                    value={dept[i.id] ?? ''}
                    options={departments.map((d) => ({ value: d.id, label: d.name }))}
                    onChange={(id) => setDept({ ...dept, [i.id]: id })}
                    empty
                  />
                  <button
                    type="button"
                    disabled={!dept[i.id]}
                    onClick={() =>
                      void blow({
                        variables: {
                          input: {
                            incidentId: i.id,
                            departmentIds: [dept[i.id]],
                            dueAt: new Date(Date.now() + 24 * 3600_000).toISOString(),
                          },
                        },
                      }).catch((e: Error) => setError(e.message))
                    }
                  >
                    {t('officer.whistle')}
                  </button>
                </>
              )}
              <button
                type="button"
                onClick={() => act(escalate({ variables: { input: { id: i.id } } }), t('officer.escalated', { number: i.number }))}
              >
                {t('officer.escalate')}
              </button>
              <Choice<DisputeKind>
                label={t('officer.disputeKind')}
                value={kind[i.id] ?? ''}
                options={codeOptions(DISPUTE_KINDS, (k) => t(`disputeKind.${k}`))}
                onChange={(k) => setKind({ ...kind, [i.id]: k })}
                empty
              />
              <button
                type="button"
                disabled={!kind[i.id]}
                onClick={() =>
                  act(
                    escalate({ variables: { input: { id: i.id, asDispute: true, disputeKind: kind[i.id] } } }),
                    t('officer.toMediation', { number: i.number }),
                  )
                }
              >
                {t('officer.toMediationButton')}
              </button>
            </IncidentCard>
          ))}
        </section>
      </div>
    </div>
  );
}
