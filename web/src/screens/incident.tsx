import { useMutation } from '@apollo/client';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { graphql } from '../gql';
import type { IncidentFieldsFragment } from '../gql/graphql';

export const INCIDENT_FIELDS_DOC = graphql(`
  fragment IncidentFields on Incident {
    id
    number
    title
    description
    category
    status
    priority
    reportedAt
    overdue
    acceptDueAt
    resolveDueAt
    escalationLevel
    assigneeId
    allowedActions
    location {
      latitude
      longitude
      addressText
    }
    photos {
      id
      url
    }
    timeline {
      action
      from
      to
      at
      note
    }
    whistles {
      id
      dueAt
      departments {
        department {
          id
          name
        }
        status
        response
      }
    }
  }
`);

const ACCEPT = graphql(`
  mutation AcceptIncident($input: IncidentStepInput!) {
    acceptIncident(input: $input) {
      ...IncidentFields
    }
  }
`);
const START = graphql(`
  mutation StartIncidentWork($input: IncidentStepInput!) {
    startIncidentWork(input: $input) {
      ...IncidentFields
    }
  }
`);
const RESOLVE = graphql(`
  mutation ResolveIncident($input: IncidentStepInput!) {
    resolveIncident(input: $input) {
      ...IncidentFields
    }
  }
`);
const CLOSE = graphql(`
  mutation CloseIncident($input: IncidentStepInput!) {
    closeIncident(input: $input) {
      ...IncidentFields
    }
  }
`);
const REOPEN = graphql(`
  mutation ReopenIncident($input: IncidentStepInput!) {
    reopenIncident(input: $input) {
      ...IncidentFields
    }
  }
`);

function useStep(action: string) {
  const [accept] = useMutation(ACCEPT);
  const [start] = useMutation(START);
  const [resolve] = useMutation(RESOLVE);
  const [close] = useMutation(CLOSE);
  const [reopen] = useMutation(REOPEN);
  const byAction: Record<string, typeof accept | undefined> = {
    ACCEPT: accept,
    START: start as never,
    RESOLVE: resolve as never,
    CLOSE: close as never,
    REOPEN: reopen as never,
  };
  return byAction[action];
}

function StepButton({ id, action, onError }: { id: string; action: string; onError: (m: string) => void }) {
  const { t } = useTranslation();
  const run = useStep(action);
  if (!run) return null;
  return (
    <button
      type="button"
      className="primary"
      onClick={() => void run({ variables: { input: { id } } }).catch((e: Error) => onError(e.message))}
    >
      {t(`action.${action}`)}
    </button>
  );
}

export function Countdown({ at }: { at: string | null | undefined }) {
  const { t } = useTranslation();
  if (!at) return null;
  const minutes = Math.round((new Date(at).getTime() - Date.now()) / 60_000);
  return <span className={minutes < 0 ? 'late' : 'due'}>{minutes < 0 ? t('due.late', { n: -minutes }) : t('due.in', { n: minutes })}</span>;
}

export function IncidentCard({ incident: i, children }: { incident: IncidentFieldsFragment; children?: ReactNode }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  return (
    <article className={`card incident ${i.overdue ? 'overdue' : ''}`} aria-label={`${i.number} ${i.title ?? ''}`}>
      <h4>
        {i.number} · {i.title} <span className={`badge ${i.status}`}>{t(`status.${i.status}`)}</span>
        {i.overdue && <span className="badge late">{t('incidents.overdue')}</span>}
      </h4>
      <p>
        {t(`category.${i.category}`)} {i.description}
      </p>
      {i.status === 'REPORTED' && <Countdown at={i.acceptDueAt} />}
      {(i.status === 'ACCEPTED' || i.status === 'IN_PROGRESS') && <Countdown at={i.resolveDueAt} />}
      {i.photos?.map((p) => (
        <img key={p.id} src={p.url} alt={t('incidents.photo', { number: i.number })} className="photo" />
      ))}
      {i.location.latitude != null && (
        <p className="mono">
          {i.location.latitude.toFixed(5)}, {i.location.longitude?.toFixed(5)}
        </p>
      )}
      <ol className="timeline" aria-label={t('incidents.timeline')}>
        {i.timeline.map((e, n) => (
          <li key={n}>
            {new Date(e.at).toLocaleString()} · {t(`timeline.${e.action}`, { defaultValue: e.action })}
            {e.note ? `：${e.note}` : ''}
          </li>
        ))}
      </ol>
      {i.whistles.map((w) => (
        <div key={w.id} className="whistle">
          {t('whistle.summoned')} <Countdown at={w.dueAt} />
          <ul>
            {w.departments.map((d) => (
              <li key={d.department.id}>
                {d.department.name}：{t(`whistleStatus.${d.status}`)} {d.response}
              </li>
            ))}
          </ul>
        </div>
      ))}
      <div className="actions">
        {i.allowedActions.map((a) => (
          <StepButton key={a} id={i.id} action={a} onError={setError} />
        ))}
        {children}
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </article>
  );
}
