import { ApolloError, useMutation, useQuery } from '@apollo/client';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Choice, codeOptions } from '../choice';
import { graphql } from '../gql';
import type { DisputeCardFieldsFragment, DisputeKind, DisputeLevel, PartyKind, PartyRole } from '../gql/graphql';
import { DISPUTE_KINDS } from '../dispute-kinds';
import type { Session } from '../session';

const PAGE = 10;
const LEVELS: DisputeLevel[] = ['VILLAGE', 'TOWN', 'DISTRICT'];
const ROLES: PartyRole[] = ['APPLICANT', 'RESPONDENT', 'THIRD_PARTY'];
const PARTY_KINDS: PartyKind[] = ['PERSON', 'RESIDENT', 'ORGANISATION'];

graphql(`
  fragment DisputeCardFields on Dispute {
    id
    number
    kind
    origin
    originIncidentId
    level
    status
    summary
    nextActions
    committee {
      id
    }
    parties {
      id
      role
      kind
      name
    }
    agreement {
      terms
      signedOn
      judicialConfirmation
    }
  }
`);

graphql(`
  fragment DisputePageFields on DisputeConnection {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      cursor
      node {
        ...DisputeCardFields
      }
    }
  }
`);

const DESK = graphql(`
  query MediatorDesk($from: DateTime!, $to: DateTime!, $areaPath: String!, $first: Int!) {
    village: disputes(level: VILLAGE, first: $first) {
      ...DisputePageFields
    }
    town: disputes(level: TOWN, first: $first) {
      ...DisputePageFields
    }
    district: disputes(level: DISTRICT, first: $first) {
      ...DisputePageFields
    }
    grids(first: 100, underPath: $areaPath) {
      edges {
        node {
          id
          name
          path
          kind
        }
      }
    }
    mediationCentres {
      edges {
        node {
          id
          name
          rooms {
            id
            name
            kind
          }
        }
      }
    }
    mediationCommittees(first: 20) {
      edges {
        node {
          id
          name
          level
          areaPath
          mediators(first: 20) {
            edges {
              node {
                id
                name
                userId
              }
            }
          }
        }
      }
    }
    mediationSessions(from: $from, to: $to, first: 100) {
      edges {
        node {
          id
          startsAt
          endsAt
          status
          disputeNumber
          minutes
          attendanceCounts {
            present
            absent
          }
          room {
            id
            name
          }
          dispute {
            id
          }
        }
      }
    }
  }
`);

// "Load more" of one level: the page lands in the same cached list (relay-style pagination by level).
const MORE = graphql(`
  query MoreDisputes($level: DisputeLevel!, $first: Int!, $after: String) {
    disputes(level: $level, first: $first, after: $after) {
      ...DisputePageFields
    }
  }
`);

const REGISTER = graphql(`
  mutation RegisterWalkIn($input: RegisterDisputeInput!) {
    registerDispute(input: $input) {
      ...DisputeCardFields
    }
  }
`);
const ACCEPT = graphql(`
  mutation AcceptDispute($input: DisputeStepInput!) {
    acceptDispute(input: $input) {
      ...DisputeCardFields
    }
  }
`);
const CLOSE = graphql(`
  mutation CloseDispute($input: DisputeStepInput!) {
    closeDispute(input: $input) {
      ...DisputeCardFields
    }
  }
`);
const SCHEDULE = graphql(`
  mutation ScheduleSession($input: ScheduleSessionInput!) {
    scheduleMediationSession(input: $input) {
      id
      startsAt
      endsAt
      room {
        id
        name
      }
    }
  }
`);
const ESCALATE = graphql(`
  mutation EscalateDispute($input: EscalateDisputeInput!) {
    escalateDispute(input: $input) {
      ...DisputeCardFields
    }
  }
`);
const AGREE = graphql(`
  mutation RecordAgreement($input: RecordAgreementInput!) {
    recordAgreement(input: $input) {
      ...DisputeCardFields
    }
  }
`);
const CONFIRM = graphql(`
  mutation RecordJudicialConfirmation($input: RecordJudicialConfirmationInput!) {
    recordJudicialConfirmation(input: $input) {
      ...DisputeCardFields
    }
  }
`);
const MINUTES = graphql(`
  mutation RecordSession($input: RecordSessionInput!) {
    recordMediationSession(input: $input) {
      id
      status
      minutes
      attendanceCounts {
        present
        absent
      }
    }
  }
`);

const startOfWeek = (): Date => {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() - ((d.getDay() + 6) % 7));
  return d;
};
const localDay = (d: Date = new Date()): string =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const hhmm = (iso: string): string => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

interface PartyDraft {
  role: PartyRole;
  kind: PartyKind;
  value: string;
}
type Party = { id: string; kind: string; role: string; name?: string | null };

export function MediatorDesk({ session }: { session: Session }) {
  const { t } = useTranslation();
  const week = useMemo(() => {
    const from = startOfWeek();
    return {
      from: from.toISOString(),
      to: new Date(from.getTime() + 7 * 86400_000).toISOString(),
      days: [...Array(7).keys()].map((i) => new Date(from.getTime() + i * 86400_000)),
    };
  }, []);
  const areaPath = session.claims.areas?.[0] ?? '';
  const q = useQuery(DESK, { variables: { from: week.from, to: week.to, areaPath, first: PAGE } });
  const refetch = { refetchQueries: ['MediatorDesk'] };
  const [register] = useMutation(REGISTER, refetch);
  const [accept] = useMutation(ACCEPT, refetch);
  const [close] = useMutation(CLOSE, refetch);
  const [schedule] = useMutation(SCHEDULE, refetch);
  const [escalate] = useMutation(ESCALATE, refetch);
  const [agree] = useMutation(AGREE, refetch);
  const [confirm] = useMutation(CONFIRM);
  const [minutes] = useMutation(MINUTES, refetch);
  const [form, setForm] = useState({ disputeId: '', roomId: '', day: localDay(), start: '09:00', end: '10:00' });
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const [listNotice, setListNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const [terms, setTerms] = useState<Record<string, string>>({});
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [loadingMore, setLoadingMore] = useState<DisputeLevel | null>(null);

  const committees = q.data?.mediationCommittees.edges.map((e) => e.node) ?? [];
  const mine = committees.filter((c) => c.mediators.edges.some((m) => m.node.userId === session.claims.sub));
  const byLevel = {
    VILLAGE: q.data?.village,
    TOWN: q.data?.town,
    DISTRICT: q.data?.district,
  };
  const disputes = LEVELS.flatMap((l) => byLevel[l]?.edges.map((e) => e.node) ?? []);
  const bookable = disputes.filter((d) => d.status === 'ACCEPTED' || d.status === 'IN_MEDIATION');
  const rooms = q.data?.mediationCentres.edges.flatMap((e) => e.node.rooms) ?? [];
  const sessions = q.data?.mediationSessions.edges.map((e) => e.node) ?? [];
  const fail =
    (set: typeof setNotice) =>
    (e: Error): void =>
      set({ ok: false, text: e.message });

  /** The mediators to book: me on the committee handling the dispute now, else its first mediator. */
  const mediatorsFor = (disputeId: string): string[] => {
    const committee = committees.find((c) => c.id === disputes.find((d) => d.id === disputeId)?.committee?.id);
    const people = committee?.mediators.edges.map((m) => m.node) ?? [];
    const me = people.find((m) => m.userId === session.claims.sub) ?? people[0];
    return me ? [me.id] : [];
  };

  const book = () => {
    const startsAt = new Date(`${form.day}T${form.start}:00`).toISOString();
    const endsAt = new Date(`${form.day}T${form.end}:00`).toISOString();
    schedule({
      variables: { input: { disputeId: form.disputeId, roomId: form.roomId, startsAt, endsAt, mediatorIds: mediatorsFor(form.disputeId) } },
    }).then(
      () => setNotice({ ok: true, text: t('mediator.booked') }),
      (e: Error) => {
        // The graph names the booking it hits (its time); the calendar adds its case number.
        const first = e instanceof ApolloError ? e.graphQLErrors[0] : undefined;
        const details = first?.extensions?.['details'] as { bookedFrom?: string; bookedUntil?: string } | undefined;
        if (first?.extensions?.['reason'] !== 'ROOM_ALREADY_BOOKED' || !details?.bookedFrom || !details.bookedUntil) {
          setNotice({ ok: false, text: e.message });
          return;
        }
        const clash = sessions.find(
          (s) => s.room.id === form.roomId && Date.parse(s.startsAt) === Date.parse(details.bookedFrom!) && s.status !== 'CANCELLED',
        );
        const day = new Date(details.bookedFrom).toLocaleDateString();
        setNotice({
          ok: false,
          text: t(clash ? 'mediator.clash' : 'mediator.clashUnknown', {
            room: rooms.find((r) => r.id === form.roomId)?.name ?? '',
            number: clash?.disputeNumber ?? '',
            day,
            from: hhmm(details.bookedFrom),
            to: hhmm(details.bookedUntil),
          }),
        });
      },
    );
  };

  const loadMore = (level: DisputeLevel) => {
    setLoadingMore(level);
    void q
      .fetchMore({ query: MORE, variables: { level, first: PAGE, after: byLevel[level]?.pageInfo.endCursor } })
      .catch(fail(setListNotice))
      .finally(() => setLoadingMore(null));
  };

  return (
    <div className="console mediator">
      <section aria-labelledby="disputes-title">
        <h2 id="disputes-title">{t('mediator.disputes')}</h2>
        {listNotice && (
          <p role={listNotice.ok ? 'status' : 'alert'} className={listNotice.ok ? '' : 'error'}>
            {listNotice.text}
          </p>
        )}
        {LEVELS.map((level) => {
          const page = byLevel[level];
          return (
            <div key={level} role="region" aria-labelledby={`level-${level}`}>
              <h3 id={`level-${level}`}>
                {t(`disputeLevel.${level}`)}{' '}
                <small>{t('mediator.count', { shown: page?.edges.length ?? 0, total: page?.totalCount ?? 0 })}</small>
              </h3>
              {page?.edges.map(({ node }) => {
                const d = node;
                return (
                  <DisputeCard
                    key={d.id}
                    dispute={d}
                    reason={reasons[d.id] ?? ''}
                    onReason={(v) => setReasons({ ...reasons, [d.id]: v })}
                    terms={terms[d.id] ?? ''}
                    onTerms={(v) => setTerms({ ...terms, [d.id]: v })}
                    onAccept={() => void accept({ variables: { input: { disputeId: d.id } } }).catch(fail(setListNotice))}
                    onEscalate={() =>
                      void escalate({ variables: { input: { disputeId: d.id, reason: reasons[d.id] } } }).then(
                        () => setListNotice({ ok: true, text: t('mediator.escalated', { number: d.number }) }),
                        fail(setListNotice),
                      )
                    }
                    onAgree={() =>
                      void agree({ variables: { input: { disputeId: d.id, terms: terms[d.id], signedOn: localDay() } } }).catch(
                        fail(setListNotice),
                      )
                    }
                    onConfirm={(confirmation) =>
                      void confirm({ variables: { input: { disputeId: d.id, confirmation } } }).catch(fail(setListNotice))
                    }
                    onClose={() => void close({ variables: { input: { disputeId: d.id } } }).catch(fail(setListNotice))}
                  />
                );
              })}
              {page?.pageInfo.hasNextPage && (
                <button type="button" disabled={loadingMore === level} onClick={() => loadMore(level)}>
                  {t('mediator.loadMore', { level: t(`disputeLevel.${level}`) })}
                </button>
              )}
            </div>
          );
        })}
        <WalkIn
          grids={(q.data?.grids.edges.map((e) => e.node) ?? []).filter(
            (g) => g.kind !== 'TOTAL' && mine.some((c) => g.path.startsWith(c.areaPath)),
          )}
          levels={LEVELS.filter((l) => mine.some((c) => c.level === l))}
          onRegister={(input) => register({ variables: { input } }).then((r) => r.data?.registerDispute.number ?? '')}
        />
      </section>
      <section aria-labelledby="rooms-title">
        <h2 id="rooms-title">{t('mediator.rooms')}</h2>
        <table className="calendar card">
          <thead>
            <tr>
              <th scope="col">{t('mediator.room')}</th>
              {week.days.map((d) => (
                <th key={d.toISOString()} scope="col">
                  {d.toLocaleDateString(undefined, { weekday: 'short', month: 'numeric', day: 'numeric' })}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rooms.map((r) => (
              <tr key={r.id}>
                <th scope="row">{r.name}</th>
                {week.days.map((d) => (
                  <td key={d.toISOString()}>
                    {sessions
                      .filter(
                        (s) => s.room.id === r.id && s.status !== 'CANCELLED' && new Date(s.startsAt).toDateString() === d.toDateString(),
                      )
                      .map((s) => (
                        <div key={s.id} className="session">
                          {hhmm(s.startsAt)}–{hhmm(s.endsAt)} {s.disputeNumber}
                          {s.status === 'HELD' && (
                            <small> {t('mediator.held', { present: s.attendanceCounts.present, absent: s.attendanceCounts.absent })}</small>
                          )}
                        </div>
                      ))}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {sessions
          .filter((s) => s.status === 'SCHEDULED' && s.dispute)
          .map((s) => (
            <SessionRecord
              key={s.id}
              id={s.id}
              label={`${s.disputeNumber} ${s.room.name} ${new Date(s.startsAt).toLocaleDateString()} ${hhmm(s.startsAt)}`}
              // The parties as the dispute lists above have them (one request for the whole desk).
              parties={disputes.find((d) => d.id === s.dispute?.id)?.parties ?? []}
              onRecord={(text, attendance) =>
                minutes({ variables: { input: { sessionId: s.id, minutes: text, attendance } } }).then(() => undefined)
              }
            />
          ))}
        <form
          className="card"
          onSubmit={(e) => {
            e.preventDefault();
            book();
          }}
          aria-labelledby="book-title"
        >
          <h3 id="book-title">{t('mediator.book')}</h3>
          <Choice
            label={t('mediator.dispute')}
            value={form.disputeId}
            options={bookable.map((d) => ({ value: d.id, label: `${d.number} ${d.summary}` }))}
            onChange={(disputeId) => setForm({ ...form, disputeId })}
            empty
            required
          />
          <Choice
            label={t('mediator.room')}
            value={form.roomId}
            options={rooms.map((r) => ({ value: r.id, label: r.name }))}
            onChange={(roomId) => setForm({ ...form, roomId })}
            empty
            required
          />
          <label>
            {t('mediator.day')}
            <input type="date" value={form.day} onChange={(e) => setForm({ ...form, day: e.target.value })} required />
          </label>
          <label>
            {t('mediator.start')}
            <input type="time" value={form.start} onChange={(e) => setForm({ ...form, start: e.target.value })} required />
          </label>
          <label>
            {t('mediator.end')}
            <input type="time" value={form.end} onChange={(e) => setForm({ ...form, end: e.target.value })} required />
          </label>
          <button type="submit" className="primary">
            {t('mediator.bookSubmit')}
          </button>
          {notice && (
            <p role={notice.ok ? 'status' : 'alert'} className={notice.ok ? '' : 'error'}>
              {notice.text}
            </p>
          )}
        </form>
      </section>
    </div>
  );
}

function partyLabel(t: (k: string, o?: Record<string, unknown>) => string, p: Party): string {
  return `${t(`partyRole.${p.role}`)}：${p.name ?? t(`partyKind.${p.kind}`)}`;
}

function DisputeCard(props: {
  dispute: DisputeCardFieldsFragment;
  reason: string;
  onReason: (v: string) => void;
  terms: string;
  onTerms: (v: string) => void;
  onAccept: () => void;
  onEscalate: () => void;
  onAgree: () => void;
  onConfirm: (c: 'REQUESTED' | 'GRANTED' | 'REFUSED') => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const d = props.dispute;
  const confirmation = d.agreement?.judicialConfirmation ?? null;
  return (
    <article className="card dispute" aria-label={d.number}>
      <h4>
        {d.number} · {t(`disputeKind.${d.kind}`, { defaultValue: d.kind })}{' '}
        <span className="badge">{t(`disputeStatus.${d.status}`, { defaultValue: d.status })}</span>{' '}
        <small>{t(`disputeOrigin.${d.origin}`, { defaultValue: d.origin })}</small>
      </h4>
      <p>{d.summary}</p>
      {d.parties.length > 0 && (
        <ul className="parties" aria-label={t('mediator.parties')}>
          {d.parties.map((p) => (
            <li key={p.id}>{partyLabel(t, p)}</li>
          ))}
        </ul>
      )}
      {d.agreement && (
        <p>
          {t('mediator.agreement')}（{d.agreement.signedOn}）：{d.agreement.terms}
          {' · '}
          <span>{t(`judicial.${confirmation ?? 'NONE'}`)}</span>
        </p>
      )}
      <div className="actions">
        {d.nextActions.includes('ACCEPT') && (
          <button type="button" onClick={props.onAccept}>
            {t('mediator.accept')}
          </button>
        )}
        {d.nextActions.includes('ESCALATE') && (
          <>
            <label>
              {t('mediator.escalateReason')}
              <input value={props.reason} onChange={(e) => props.onReason(e.target.value)} />
            </label>
            <button type="button" disabled={!props.reason.trim()} onClick={props.onEscalate}>
              {t('mediator.escalate')}
            </button>
          </>
        )}
        {d.nextActions.includes('RECORD_AGREEMENT') && (
          <>
            <label>
              {t('mediator.terms')}
              <input value={props.terms} onChange={(e) => props.onTerms(e.target.value)} />
            </label>
            <button type="button" disabled={!props.terms.trim()} onClick={props.onAgree}>
              {t('mediator.recordAgreement')}
            </button>
          </>
        )}
        {d.agreement && confirmation === null && (
          <button type="button" onClick={() => props.onConfirm('REQUESTED')}>
            {t('mediator.requestConfirmation')}
          </button>
        )}
        {confirmation === 'REQUESTED' && (
          <>
            <button type="button" onClick={() => props.onConfirm('GRANTED')}>
              {t('mediator.confirmationGranted')}
            </button>
            <button type="button" onClick={() => props.onConfirm('REFUSED')}>
              {t('mediator.confirmationRefused')}
            </button>
          </>
        )}
        {d.nextActions.includes('CLOSE') && (
          <button type="button" onClick={props.onClose}>
            {t('mediator.close')}
          </button>
        )}
      </div>
    </article>
  );
}

function SessionRecord(props: {
  id: string;
  label: string;
  parties: Party[];
  onRecord: (minutes: string, attendance: { partyId: string; present: boolean }[]) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [present, setPresent] = useState<Record<string, boolean>>({});
  const [error, setError] = useState<string | null>(null);
  const id = `minutes-${props.id}`;
  return (
    <form
      className="card"
      aria-label={t('mediator.recordFor', { session: props.label })}
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        props
          .onRecord(
            text,
            props.parties.map((p) => ({ partyId: p.id, present: present[p.id] ?? false })),
          )
          .catch((err: Error) => setError(err.message));
      }}
    >
      <h3>{t('mediator.recordFor', { session: props.label })}</h3>
      <label htmlFor={id}>{t('mediator.minutes')}</label>
      <textarea id={id} value={text} onChange={(e) => setText(e.target.value)} required />
      {props.parties.length > 0 && (
        <fieldset>
          <legend>{t('mediator.attendance')}</legend>
          {props.parties.map((p) => (
            <label key={p.id}>
              <input
                type="checkbox"
                checked={present[p.id] ?? false}
                onChange={(e) => setPresent({ ...present, [p.id]: e.target.checked })}
              />{' '}
              {t('mediator.present', { party: partyLabel(t, p) })}
            </label>
          ))}
        </fieldset>
      )}
      <button type="submit" className="primary">
        {t('mediator.recordMinutes')}
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}

function WalkIn(props: {
  grids: { id: string; name: string }[];
  levels: DisputeLevel[];
  onRegister: (input: {
    gridId: string;
    kind: DisputeKind;
    summary: string;
    origin: 'WALK_IN';
    level: DisputeLevel;
    parties: { role: PartyRole; kind: PartyKind; name?: string; residentId?: string }[];
  }) => Promise<string>;
}) {
  const { t } = useTranslation();
  const [gridId, setGridId] = useState('');
  const [kind, setKind] = useState<DisputeKind>(DISPUTE_KINDS[0]);
  const [level, setLevel] = useState('');
  const [summary, setSummary] = useState('');
  const [parties, setParties] = useState<PartyDraft[]>([{ role: 'APPLICANT', kind: 'PERSON', value: '' }]);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const chosenLevel: DisputeLevel = (level as DisputeLevel) || props.levels[0] || 'VILLAGE';
  const setParty = (i: number, patch: Partial<PartyDraft>) => setParties(parties.map((p, n) => (n === i ? { ...p, ...patch } : p)));
  return (
    <form
      className="card"
      aria-labelledby="walk-in-title"
      onSubmit={(e) => {
        e.preventDefault();
        setNotice(null);
        props
          .onRegister({
            gridId,
            kind,
            summary: summary.trim(),
            origin: 'WALK_IN',
            level: chosenLevel,
            parties: parties
              .filter((p) => p.value.trim())
              .map((p) => ({
                role: p.role,
                kind: p.kind,
                ...(p.kind === 'RESIDENT' ? { residentId: p.value.trim() } : { name: p.value.trim() }),
              })),
          })
          .then(
            (number) => {
              setNotice({ ok: true, text: t('walkIn.registered', { number }) });
              setSummary('');
              setParties([{ role: 'APPLICANT', kind: 'PERSON', value: '' }]);
            },
            (err: Error) => setNotice({ ok: false, text: err.message }),
          );
      }}
    >
      <h3 id="walk-in-title">{t('walkIn.title')}</h3>
      <Choice
        label={t('walkIn.grid')}
        value={gridId}
        options={props.grids.map((g) => ({ value: g.id, label: g.name }))}
        onChange={setGridId}
        empty
        required
      />
      <Choice
        label={t('walkIn.level')}
        value={chosenLevel}
        options={codeOptions(props.levels.length ? props.levels : ['VILLAGE'], (l) => t(`disputeLevel.${l}`))}
        onChange={setLevel}
      />
      <Choice<DisputeKind>
        label={t('walkIn.kind')}
        value={kind}
        options={codeOptions(DISPUTE_KINDS, (k) => t(`disputeKind.${k}`))}
        onChange={setKind}
      />
      <label>
        {t('walkIn.summary')}
        <textarea value={summary} maxLength={2000} onChange={(e) => setSummary(e.target.value)} required />
      </label>
      <fieldset>
        <legend>{t('walkIn.parties')}</legend>
        {parties.map((p, i) => (
          <div key={i} className="party-row">
            <Choice<PartyRole>
              label={t('walkIn.partyRole', { n: i + 1 })}
              value={p.role}
              options={codeOptions(ROLES, (r) => t(`partyRole.${r}`))}
              onChange={(role) => setParty(i, { role })}
            />
            <Choice<PartyKind>
              label={t('walkIn.partyKind', { n: i + 1 })}
              value={p.kind}
              options={codeOptions(PARTY_KINDS, (k) => t(`partyKind.${k}`))}
              onChange={(kind) => setParty(i, { kind })}
            />
            <label>
              {p.kind === 'RESIDENT' ? t('walkIn.residentId', { n: i + 1 }) : t('walkIn.partyName', { n: i + 1 })}
              <input value={p.value} maxLength={200} onChange={(e) => setParty(i, { value: e.target.value })} />
            </label>
          </div>
        ))}
        <button type="button" onClick={() => setParties([...parties, { role: 'RESPONDENT', kind: 'PERSON', value: '' }])}>
          {t('walkIn.addParty')}
        </button>
      </fieldset>
      <button type="submit" className="primary" disabled={!gridId || !summary.trim()}>
        {t('walkIn.submit')}
      </button>
      {notice && (
        <p role={notice.ok ? 'status' : 'alert'} className={notice.ok ? '' : 'error'}>
          {notice.text}
        </p>
      )}
    </form>
  );
}
