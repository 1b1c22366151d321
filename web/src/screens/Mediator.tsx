import { useMutation, useQuery } from '@apollo/client';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { graphql } from '../gql';

const MEDIATION = graphql(`
  query MediatorDesk($from: DateTime!, $to: DateTime!) {
    disputes(first: 100) {
      edges {
        node {
          id
          number
          kind
          level
          status
          summary
          nextActions
          agreement {
            terms
          }
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
    mediationCommittees {
      edges {
        node {
          id
          name
          level
          mediators {
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
    mediationSessions(from: $from, to: $to, first: 200) {
      edges {
        node {
          id
          startsAt
          endsAt
          status
          disputeNumber
          minutes
          room {
            id
            name
          }
        }
      }
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
      id
      level
      status
      nextActions
    }
  }
`);
const AGREE = graphql(`
  mutation RecordAgreement($input: RecordAgreementInput!) {
    recordAgreement(input: $input) {
      id
      status
      nextActions
      agreement {
        terms
      }
    }
  }
`);
const MINUTES = graphql(`
  mutation RecordSession($input: RecordSessionInput!) {
    recordMediationSession(input: $input) {
      id
      status
      minutes
    }
  }
`);

const startOfWeek = (): Date => {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() - ((d.getDay() + 6) % 7));
  return d;
};

export function MediatorDesk() {
  const { t } = useTranslation();
  const week = useMemo(() => {
    const from = startOfWeek();
    return {
      from: from.toISOString(),
      to: new Date(from.getTime() + 7 * 86400_000).toISOString(),
      days: [...Array(7).keys()].map((i) => new Date(from.getTime() + i * 86400_000)),
    };
  }, []);
  const q = useQuery(MEDIATION, { variables: { from: week.from, to: week.to } });
  const [schedule] = useMutation(SCHEDULE, { refetchQueries: ['MediatorDesk'] });
  const [escalate] = useMutation(ESCALATE);
  const [agree] = useMutation(AGREE);
  const [minutes] = useMutation(MINUTES, { refetchQueries: ['MediatorDesk'] });
  const [form, setForm] = useState({ disputeId: '', roomId: '', day: new Date().toISOString().slice(0, 10), start: '09:00', end: '10:00' });
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const [terms, setTerms] = useState<Record<string, string>>({});
  const disputes = q.data?.disputes.edges.map((e) => e.node) ?? [];
  const rooms = q.data?.mediationCentres.edges.flatMap((e) => e.node.rooms) ?? [];
  const mediators = q.data?.mediationCommittees.edges.flatMap((e) => e.node.mediators.edges.map((m) => m.node)) ?? [];
  const sessions = q.data?.mediationSessions.edges.map((e) => e.node) ?? [];
  const book = () => {
    const startsAt = new Date(`${form.day}T${form.start}:00`).toISOString();
    const endsAt = new Date(`${form.day}T${form.end}:00`).toISOString();
    schedule({
      variables: {
        input: { disputeId: form.disputeId, roomId: form.roomId, startsAt, endsAt, mediatorIds: mediators.slice(0, 1).map((m) => m.id) },
      },
    }).then(
      () => setNotice({ ok: true, text: t('mediator.booked') }),
      (e: Error) => {
        const clash = sessions.find((s) => s.room.id === form.roomId && s.startsAt < endsAt && s.endsAt > startsAt);
        setNotice({
          ok: false,
          text: clash
            ? t('mediator.clash', {
                number: clash.disputeNumber,
                from: new Date(clash.startsAt).toLocaleTimeString(),
                to: new Date(clash.endsAt).toLocaleTimeString(),
              }) + ` (${e.message})`
            : e.message,
        });
      },
    );
  };
  return (
    <div className="console">
      <section aria-labelledby="disputes-title">
        <h2 id="disputes-title">{t('mediator.disputes')}</h2>
        {(['VILLAGE', 'TOWN', 'DISTRICT'] as const).map((level) => (
          <div key={level}>
            <h3>{t(`disputeLevel.${level}`)}</h3>
            {disputes
              .filter((d) => d.level === level)
              .map((d) => (
                <article key={d.id} className="card" aria-label={d.number}>
                  <h4>
                    {d.number} · {t(`disputeKind.${d.kind}`, { defaultValue: d.kind })}{' '}
                    <span className="badge">{t(`disputeStatus.${d.status}`, { defaultValue: d.status })}</span>
                  </h4>
                  <p>{d.summary}</p>
                  {d.agreement && (
                    <p>
                      {t('mediator.agreement')}：{d.agreement.terms}
                    </p>
                  )}
                  <div className="actions">
                    {d.nextActions.includes('ESCALATE') && (
                      <button
                        type="button"
                        onClick={() =>
                          void escalate({ variables: { input: { disputeId: d.id, reason: t('mediator.escalateReason') } } }).catch(
                            (e: Error) => setNotice({ ok: false, text: e.message }),
                          )
                        }
                      >
                        {t('mediator.escalate')}
                      </button>
                    )}
                    {d.nextActions.includes('RECORD_AGREEMENT') && (
                      <>
                        <label>
                          {t('mediator.terms')}
                          <input value={terms[d.id] ?? ''} onChange={(e) => setTerms({ ...terms, [d.id]: e.target.value })} />
                        </label>
                        <button
                          type="button"
                          disabled={!terms[d.id]}
                          onClick={() =>
                            void agree({
                              variables: {
                                input: { disputeId: d.id, terms: terms[d.id], signedOn: new Date().toISOString().slice(0, 10) },
                              },
                            }).catch((e: Error) => setNotice({ ok: false, text: e.message }))
                          }
                        >
                          {t('mediator.recordAgreement')}
                        </button>
                      </>
                    )}
                  </div>
                </article>
              ))}
          </div>
        ))}
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
                      .filter((s) => s.room.id === r.id && new Date(s.startsAt).toDateString() === d.toDateString())
                      .map((s) => (
                        <div key={s.id} className="session">
                          {new Date(s.startsAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })} {s.disputeNumber}
                          {s.status === 'SCHEDULED' && (
                            <button
                              type="button"
                              onClick={() =>
                                void minutes({ variables: { input: { sessionId: s.id, minutes: t('mediator.defaultMinutes') } } }).catch(
                                  (e: Error) => setNotice({ ok: false, text: e.message }),
                                )
                              }
                            >
                              {t('mediator.recordMinutes')}
                            </button>
                          )}
                        </div>
                      ))}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <form
          className="card"
          onSubmit={(e) => {
            e.preventDefault();
            book();
          }}
          aria-labelledby="book-title"
        >
          <h3 id="book-title">{t('mediator.book')}</h3>
          <label>
            {t('mediator.dispute')}
            <select value={form.disputeId} onChange={(e) => setForm({ ...form, disputeId: e.target.value })} required>
              <option value="">—</option>
              {disputes.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.number} {d.summary}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('mediator.room')}
            <select value={form.roomId} onChange={(e) => setForm({ ...form, roomId: e.target.value })} required>
              <option value="">—</option>
              {rooms.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </label>
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
