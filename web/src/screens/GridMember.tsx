import { useApolloClient, useQuery } from '@apollo/client';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Choice, codeOptions } from '../choice';
import { graphql } from '../gql';
import type { MyGridsQuery } from '../gql/graphql';
import { nationalIdProblem } from '../national-id';
import { all, enqueue, notify, type OutboxItem } from '../outbox';
import type { Session } from '../session';
import { useOutbox } from '../sync';
import { IncidentCard, INCIDENT_FIELDS_DOC } from './incident';

const MY_GRIDS = graphql(`
  query MyGrids {
    grids(first: 3) {
      edges {
        node {
          id
          code
          name
          area {
            name
          }
          visitCoverage {
            quarter
            households
            visited
            share
          }
          households(first: 20) {
            ...HouseholdPage
          }
          wellbeingChecksDueToday {
            agreement {
              id
              signal
              deadline
            }
            deadlineAt
            state
            checkedInAt
            resident {
              id
              name
            }
          }
        }
      }
    }
  }
`);

// The households of a grid a page at a time (the cache appends each page to the grid's list).
const HOUSEHOLD_PAGE = graphql(`
  fragment HouseholdPage on HouseholdConnection {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      cursor
      node {
        id
        number
        dwelling {
          addressText
        }
        members {
          id
          name
          relation
          age
          nationalId
          phone
        }
      }
    }
  }
`);
const MORE_HOUSEHOLDS = graphql(`
  query MoreHouseholds($gridId: ID!, $after: String) {
    grid(id: $gridId) {
      id
      households(first: 20, after: $after) {
        ...HouseholdPage
      }
    }
  }
`);

// Unmasked only here, for this screen: never written to the (kept) cache.
const REVEAL_PHONE = graphql(`
  query RevealPhone($id: ID!, $purpose: String!) {
    resident(id: $id) {
      id
      phone(purpose: $purpose)
    }
  }
`);

const MY_INCIDENTS = graphql(`
  query MyIncidents($after: String) {
    incidents(first: 10, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...IncidentFields
        }
      }
    }
  }
`);

type Tab = 'grids' | 'register' | 'checks' | 'visits' | 'report' | 'incidents';
type GridNode = MyGridsQuery['grids']['edges'][number]['node'];

export function GridMemberApp({ session }: { session: Session }) {
  const { t } = useTranslation();
  const client = useApolloClient();
  const [tab, setTab] = useState<Tab>('grids');
  const grids = useQuery(MY_GRIDS);
  const outbox = useOutbox(client, session);
  // Offline the network answer is an error: the screen keeps what it had (the kept cache).
  const list = (grids.data ?? grids.previousData)?.grids.edges.map((e) => e.node) ?? [];
  const tabs: Tab[] = ['grids', 'register', 'checks', 'visits', 'report', 'incidents'];
  void INCIDENT_FIELDS_DOC;
  void HOUSEHOLD_PAGE;
  return (
    <div className="phone">
      <div className="status" role="status" aria-live="polite">
        {!outbox.online && <span className="offline">{t('sync.offline')}</span>}
        {outbox.waiting.filter((w) => !w.refused).length > 0 && (
          <span className="waiting">{t('sync.waiting', { n: outbox.waiting.filter((w) => !w.refused).length })}</span>
        )}
        {outbox.waiting
          .filter((w) => w.refused)
          .map((w) => (
            <span key={w.key} className="error">
              {t('sync.refused')}: {w.refused}
            </span>
          ))}
      </div>
      <nav className="tabs" aria-label={t('nav.label')}>
        {tabs.map((k) => (
          <button key={k} type="button" aria-pressed={tab === k} onClick={() => setTab(k)}>
            {t(`nav.${k}`)}
          </button>
        ))}
      </nav>
      {grids.error && <p className="error">{t('common.loadFailed')}</p>}
      {tab === 'grids' && <Grids grids={list} />}
      {tab === 'register' && <Register grids={list} owner={session.claims.sub} send={outbox.send} />}
      {tab === 'checks' && <Checks grids={list} owner={session.claims.sub} onQueued={() => void outbox.send()} />}
      {tab === 'visits' && <Visits grids={list} owner={session.claims.sub} onQueued={() => void outbox.send()} />}
      {tab === 'report' && <Report grids={list} owner={session.claims.sub} onQueued={() => void outbox.send()} />}
      {tab === 'incidents' && <Incidents />}
    </div>
  );
}

function Grids({ grids }: { grids: GridNode[] }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="grids-title">
      <h2 id="grids-title">{t('grids.title')}</h2>
      {grids.map((g) => (
        <GridCard key={g.id} grid={g} />
      ))}
    </section>
  );
}

function GridCard({ grid: g }: { grid: GridNode }) {
  const { t } = useTranslation();
  const client = useApolloClient();
  const [loading, setLoading] = useState(false);
  const [failed, setFailed] = useState(false);
  const page = g.households;
  // The next page is appended to this grid's list in the cache (see apollo.ts).
  const more = () => {
    setLoading(true);
    setFailed(false);
    client
      .query({ query: MORE_HOUSEHOLDS, variables: { gridId: g.id, after: page.pageInfo.endCursor }, fetchPolicy: 'network-only' })
      .catch(() => setFailed(true))
      .finally(() => setLoading(false));
  };
  return (
    <article className="card" aria-labelledby={`grid-${g.id}`}>
      <h3 id={`grid-${g.id}`}>
        {g.name} <small>{g.area.name}</small>
      </h3>
      <p>{t('grids.households', { n: page.totalCount })}</p>
      <ul className="households">
        {page.edges.map(({ node: h }) => (
          <li key={h.id}>
            <strong>{h.number}</strong> {h.dwelling.addressText}
            <ul>
              {h.members.map((r) => (
                <li key={r.id}>
                  {r.name}（{r.relation}，{t('grids.age', { n: r.age })}） <span className="mono">{r.nationalId}</span>{' '}
                  {r.phone && <Phone resident={{ id: r.id, name: r.name, masked: r.phone }} />}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
      <p>{t('grids.shown', { shown: page.edges.length, n: page.totalCount })}</p>
      {page.pageInfo.hasNextPage && (
        <button type="button" onClick={more} disabled={loading}>
          {t('grids.loadMore')}
        </button>
      )}
      {failed && (
        <p role="alert" className="error">
          {t('common.loadFailed')}
        </p>
      )}
    </article>
  );
}

/**
 * A phone is masked until the member states why they need it: the graph unmasks it for that purpose
 * and audits the read. The number lives in this component only (not in the kept cache, not logged).
 */
function Phone({ resident }: { resident: { id: string; name: string; masked: string } }) {
  const { t } = useTranslation();
  const client = useApolloClient();
  const [asking, setAsking] = useState(false);
  const [purpose, setPurpose] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [phone, setPhone] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const why = purpose.trim();
    if (why.length < 3) {
      setProblem(t('grids.purposeRequired'));
      return;
    }
    setProblem(null);
    client
      .query({ query: REVEAL_PHONE, variables: { id: resident.id, purpose: why }, fetchPolicy: 'no-cache' })
      .then(({ data, error }) => {
        if (data?.resident.phone) {
          setPhone(data.resident.phone);
          setAsking(false);
          setPurpose('');
        } else setProblem(error?.message ?? t('common.loadFailed'));
      })
      .catch((err: Error) => setProblem(err.message));
  };
  if (phone)
    return (
      <a className="mono" href={`tel:${phone}`} aria-label={t('grids.phoneOf', { name: resident.name })}>
        {phone}
      </a>
    );
  return (
    <>
      <span className="mono">{resident.masked}</span>{' '}
      {!asking && (
        <button type="button" onClick={() => setAsking(true)}>
          {t('grids.showPhone', { name: resident.name })}
        </button>
      )}
      {asking && (
        <form className="reveal" onSubmit={submit} noValidate aria-label={t('grids.showPhone', { name: resident.name })}>
          <label>
            {t('grids.purpose')}
            <input
              value={purpose}
              onChange={(e) => setPurpose(e.target.value)}
              maxLength={500}
              aria-invalid={problem !== null}
              aria-describedby={`purpose-${resident.id}`}
              autoFocus
            />
          </label>
          <span id={`purpose-${resident.id}`} className="error" role={problem ? 'alert' : undefined}>
            {problem ?? ''}
          </span>
          <button type="submit" className="primary">
            {t('grids.reveal')}
          </button>
          <button
            type="button"
            onClick={() => {
              setAsking(false);
              setProblem(null);
            }}
          >
            {t('grids.cancel')}
          </button>
        </form>
      )}
    </>
  );
}

interface ResidentDraft {
  name: string;
  nationalId: string;
  phone: string;
  relation: string;
}
const emptyResident = (relation: string): ResidentDraft => ({ name: '', nationalId: '', phone: '', relation });

function Register({ grids, owner, send }: { grids: GridNode[]; owner: string; send: () => Promise<void> }) {
  const { t } = useTranslation();
  const [gridId, setGridId] = useState('');
  const [address, setAddress] = useState({ building: '', unit: '', room: '' });
  const [number, setNumber] = useState('');
  const [residents, setResidents] = useState<ResidentDraft[]>([emptyResident('户主')]);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const grid = gridId || grids[0]?.id || '';
  const problems = residents.map((r) => (r.nationalId ? nationalIdProblem(r.nationalId) : null));
  const invalid = problems.some(Boolean) || residents.some((r) => !r.name || !r.nationalId) || !number || !address.building;
  // Queued like every other change (online or not): the dwelling, then the household, then its
  // residents, each with an id made here that the next one names, so they arrive in order and once.
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (invalid) return;
    setError(null);
    setMessage(null);
    const dwellingId = crypto.randomUUID();
    const householdId = crypto.randomUUID();
    const place = `${address.building}${address.unit}${address.room}`;
    const createdAt = new Date().toISOString();
    const items: OutboxItem[] = [
      {
        key: dwellingId,
        kind: 'registerDwelling',
        input: {
          gridId: grid,
          kind: 'APARTMENT',
          occupancy: 'OWNER_OCCUPIED',
          // An empty part of the address is left out (the registry wants 1 character or more).
          ...Object.fromEntries(Object.entries(address).filter(([, v]) => v.trim() !== '')),
          addressText: place,
        },
        owner,
        createdAt,
      },
      { key: householdId, kind: 'registerHousehold', input: { number, dwellingId, registrationType: 'PERMANENT' }, owner, createdAt },
      ...residents.map((r): OutboxItem => ({
        key: crypto.randomUUID(),
        kind: 'registerResident',
        input: { householdId, name: r.name, nationalId: r.nationalId, relation: r.relation, phone: r.phone || null },
        owner,
        createdAt,
      })),
    ];
    for (const item of items) await enqueue(item);
    notify();
    const registered = { number, n: residents.length };
    setResidents([emptyResident('户主')]);
    setNumber('');
    await send();
    const keys = new Set(items.map((i) => i.key));
    const left = (await all()).filter((i) => keys.has(i.key));
    const refused = left.find((i) => i.refused);
    if (refused) setError(refused.refused ?? null);
    else setMessage(t(left.length === 0 ? 'register.done' : 'register.queued', registered));
  };
  const set = (i: number, patch: Partial<ResidentDraft>) => setResidents(residents.map((r, j) => (i === j ? { ...r, ...patch } : r)));
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="register-title">
      <h2 id="register-title">{t('register.title')}</h2>
      <Choice label={t('register.grid')} value={grid} options={grids.map((g) => ({ value: g.id, label: g.name }))} onChange={setGridId} />
      <label>
        {t('register.building')}
        <input value={address.building} onChange={(e) => setAddress({ ...address, building: e.target.value })} required />
      </label>
      <label>
        {t('register.unit')}
        <input value={address.unit} onChange={(e) => setAddress({ ...address, unit: e.target.value })} />
      </label>
      <label>
        {t('register.room')}
        <input value={address.room} onChange={(e) => setAddress({ ...address, room: e.target.value })} />
      </label>
      <label>
        {t('register.number')}
        <input value={number} onChange={(e) => setNumber(e.target.value)} required />
      </label>
      {residents.map((r, i) => (
        <fieldset key={i}>
          <legend>{t('register.resident', { n: i + 1 })}</legend>
          <label>
            {t('register.name')}
            <input value={r.name} onChange={(e) => set(i, { name: e.target.value })} required />
          </label>
          <label>
            {t('register.nationalId')}
            <input
              value={r.nationalId}
              inputMode="text"
              maxLength={18}
              aria-invalid={Boolean(problems[i])}
              aria-describedby={`nid-${i}`}
              onChange={(e) => set(i, { nationalId: e.target.value })}
              required
            />
          </label>
          <span id={`nid-${i}`} className="error" role={problems[i] ? 'alert' : undefined}>
            {problems[i] ? t(`nationalId.${problems[i]}`) : ''}
          </span>
          <label>
            {t('register.relation')}
            <input value={r.relation} onChange={(e) => set(i, { relation: e.target.value })} required />
          </label>
          <label>
            {t('register.phone')}
            <input value={r.phone} inputMode="tel" onChange={(e) => set(i, { phone: e.target.value })} />
          </label>
        </fieldset>
      ))}
      <button type="button" onClick={() => setResidents([...residents, emptyResident('')])}>
        {t('register.addResident')}
      </button>
      <button type="submit" className="primary" disabled={invalid}>
        {t('register.submit')}
      </button>
      {message && <p role="status">{message}</p>}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}

function Checks({ grids, owner, onQueued }: { grids: GridNode[]; owner: string; onQueued: () => void }) {
  const { t } = useTranslation();
  const [queued, setQueued] = useState<Set<string>>(new Set());
  const checks = grids.flatMap((g) => g.wellbeingChecksDueToday);
  return (
    <section aria-labelledby="checks-title">
      <h2 id="checks-title">{t('checks.title')}</h2>
      {checks.length === 0 && <p>{t('checks.none')}</p>}
      <ul className="list">
        {checks.map((c) => {
          // Recorded on the phone but not yet sent: shown as waiting until the graph says checked in.
          const state = c.state !== 'CHECKED_IN' && queued.has(c.agreement.id) ? 'QUEUED' : c.state;
          return (
            <li key={c.agreement.id} className={`check ${state}`}>
              <span>
                {c.resident.name} · {t(`signal.${c.agreement.signal}`)} {c.agreement.deadline}
              </span>
              <strong>{t(`checkState.${state}`)}</strong>
              {c.state !== 'CHECKED_IN' && !queued.has(c.agreement.id) && (
                <button
                  type="button"
                  className="primary"
                  onClick={() => {
                    void enqueue({
                      key: crypto.randomUUID(),
                      kind: 'recordCheckIn',
                      input: { agreementId: c.agreement.id, at: new Date().toISOString() },
                      owner,
                      createdAt: new Date().toISOString(),
                    }).then(() => {
                      setQueued(new Set([...queued, c.agreement.id]));
                      notify();
                      onQueued();
                    });
                  }}
                >
                  {t('checks.checkIn', { name: c.resident.name })}
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

const VISIT_COVERAGE = graphql(`
  query VisitsDue($gridId: ID!) {
    grid(id: $gridId) {
      id
      visitCoverage {
        quarter
        households
        visited
        share
        notVisited(first: 100) {
          edges {
            node {
              id
              number
              dwelling {
                addressText
              }
            }
          }
        }
      }
    }
  }
`);

function Visits({ grids, owner, onQueued }: { grids: GridNode[]; owner: string; onQueued: () => void }) {
  const { t } = useTranslation();
  const gridId = grids[0]?.id ?? '';
  const due = useQuery(VISIT_COVERAGE, { variables: { gridId }, skip: !gridId });
  const [need, setNeed] = useState<Record<string, string>>({});
  const cov = due.data?.grid.visitCoverage;
  return (
    <section aria-labelledby="visits-title">
      <h2 id="visits-title">{t('visits.title')}</h2>
      {cov && <p>{t('visits.coverage', { visited: cov.visited, households: cov.households, quarter: cov.quarter })}</p>}
      <ul className="list">
        {cov?.notVisited.edges.map(({ node: h }) => (
          <li key={h.id}>
            <span>
              {h.number} {h.dwelling.addressText}
            </span>
            <label>
              {t('visits.need')}
              <input value={need[h.id] ?? ''} onChange={(e) => setNeed({ ...need, [h.id]: e.target.value })} />
            </label>
            <button
              type="button"
              className="primary"
              onClick={() => {
                const text = need[h.id]?.trim();
                void enqueue({
                  key: crypto.randomUUID(),
                  kind: 'recordVisit',
                  input: {
                    householdId: h.id,
                    kind: 'ROUTINE_QUARTERLY',
                    visitedAt: new Date().toISOString(),
                    needs: text ? [{ kind: 'OTHER', description: text }] : [],
                  },
                  owner,
                  createdAt: new Date().toISOString(),
                }).then(() => {
                  notify();
                  onQueued();
                });
              }}
            >
              {t('visits.log', { number: h.number })}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

const CATEGORIES = [
  'PUBLIC_SAFETY',
  'ENVIRONMENT_SANITATION',
  'INFRASTRUCTURE',
  'PROPERTY_MANAGEMENT',
  'DISPUTE',
  'SOCIAL_ASSISTANCE',
  'OTHER',
];

function Report({ grids, owner, onQueued }: { grids: GridNode[]; owner: string; onQueued: () => void }) {
  const { t } = useTranslation();
  const [category, setCategory] = useState('PUBLIC_SAFETY');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [photo, setPhoto] = useState<File | null>(null);
  const [position, setPosition] = useState<{ latitude: number; longitude: number } | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const gridId = grids[0]?.id ?? '';
  const locate = () =>
    navigator.geolocation.getCurrentPosition(
      (p) => setPosition({ latitude: p.coords.latitude, longitude: p.coords.longitude }),
      () => setMessage(t('report.noPosition')),
      { timeout: 10_000 },
    );
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await enqueue({
      key: crypto.randomUUID(),
      kind: 'reportIncident',
      input: { gridId, title, description, category, ...(position ? { location: position } : {}) },
      ...(photo ? { photo } : {}),
      owner,
      createdAt: new Date().toISOString(),
    });
    notify();
    setMessage(navigator.onLine ? t('report.sending') : t('report.queued'));
    setTitle('');
    setDescription('');
    setPhoto(null);
    onQueued();
  };
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="report-title">
      <h2 id="report-title">{t('report.title')}</h2>
      <Choice
        label={t('report.category')}
        value={category}
        options={codeOptions(CATEGORIES, (c) => t(`category.${c}`))}
        onChange={setCategory}
      />
      <label>
        {t('report.titleField')}
        <input value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} />
      </label>
      <label>
        {t('report.description')}
        <textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={3} />
      </label>
      <label>
        {t('report.photo')}
        <input type="file" accept="image/*" capture="environment" onChange={(e) => setPhoto(e.target.files?.[0] ?? null)} />
      </label>
      <button type="button" onClick={locate}>
        {t('report.locate')}
      </button>
      {position && (
        <p className="mono">
          {position.latitude.toFixed(5)}, {position.longitude.toFixed(5)}
        </p>
      )}
      <button type="submit" className="primary" disabled={!title || !gridId}>
        {t('report.submit')}
      </button>
      {message && <p role="status">{message}</p>}
    </form>
  );
}

function Incidents() {
  const { t } = useTranslation();
  const q = useQuery(MY_INCIDENTS);
  const [loading, setLoading] = useState(false);
  const data = (q.data ?? q.previousData)?.incidents;
  const items = data?.edges.map((e) => e.node) ?? [];
  const alerts = items.filter((i) => i.category === 'CARE_ALERT');
  const others = items.filter((i) => i.category !== 'CARE_ALERT');
  return (
    <section aria-labelledby="incidents-title">
      <h2 id="incidents-title">{t('incidents.title')}</h2>
      {alerts.length > 0 && <h3>{t('incidents.careAlerts')}</h3>}
      {alerts.map((i) => (
        <IncidentCard key={i.id} incident={i} />
      ))}
      <h3>{t('incidents.mine')}</h3>
      {others.map((i) => (
        <IncidentCard key={i.id} incident={i} />
      ))}
      {data?.pageInfo.hasNextPage && (
        <button
          type="button"
          disabled={loading}
          onClick={() => {
            setLoading(true);
            void q.fetchMore({ variables: { after: data.pageInfo.endCursor } }).finally(() => setLoading(false));
          }}
        >
          {t('incidents.loadMore')}
        </button>
      )}
    </section>
  );
}
