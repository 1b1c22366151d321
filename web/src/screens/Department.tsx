import { useMutation, useQuery } from '@apollo/client';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { graphql } from '../gql';
import { Countdown } from './incident';

const WHISTLES = graphql(`
  query MyWhistles {
    whistles(first: 50) {
      totalCount
      edges {
        node {
          id
          dueAt
          note
          blownAt
          incident {
            id
            number
            title
            description
            status
          }
          departments {
            department {
              id
              name
            }
            status
            response
            reportedAt
            late
          }
        }
      }
    }
  }
`);

const REPORT = graphql(`
  mutation ReportToWhistle($input: ReportToWhistleInput!) {
    reportToWhistle(input: $input) {
      id
      departments {
        department {
          id
        }
        status
        response
        reportedAt
        late
      }
    }
  }
`);

export function DepartmentDesk() {
  const { t } = useTranslation();
  const q = useQuery(WHISTLES);
  const [report] = useMutation(REPORT);
  const [response, setResponse] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  return (
    <section aria-labelledby="whistles-title" className="narrow">
      <h2 id="whistles-title">{t('department.title', { n: q.data?.whistles.totalCount ?? 0 })}</h2>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {q.data?.whistles.edges.map(({ node: w }) => {
        const mine = w.departments[0];
        const done = mine && mine.status !== 'SUMMONED' && mine.status !== 'OVERDUE';
        return (
          <article key={w.id} className="card" aria-label={`${w.incident.number} ${w.incident.title ?? ''}`}>
            <h3>
              {w.incident.number} · {w.incident.title}
            </h3>
            <p>{w.incident.description}</p>
            <p>
              {t('department.due')} <Countdown at={w.dueAt} />
            </p>
            {w.departments.map((d) => (
              <p key={d.department.id}>
                {d.department.name}：<strong>{t(`whistleStatus.${d.status}`)}</strong> {d.response}
              </p>
            ))}
            {!done && (
              <>
                <label>
                  {t('department.response')}
                  <textarea value={response[w.id] ?? ''} onChange={(e) => setResponse({ ...response, [w.id]: e.target.value })} rows={2} />
                </label>
                <button
                  type="button"
                  className="primary"
                  disabled={!response[w.id]}
                  onClick={() =>
                    void report({ variables: { input: { whistleId: w.id, response: response[w.id] } } }).catch((e: Error) =>
                      setError(e.message),
                    )
                  }
                >
                  {t('department.report')}
                </button>
              </>
            )}
          </article>
        );
      })}
    </section>
  );
}
