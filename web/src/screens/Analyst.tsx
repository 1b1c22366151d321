import { useQuery } from '@apollo/client';
import { useTranslation } from 'react-i18next';
import { graphql } from '../gql';
import type { Session } from '../session';

// Counts only: the analyst's screen asks for no names, IDs, phones or photos.
const COUNTS = graphql(`
  query AnalystCounts($areaPath: String!) {
    reported: incidents(status: REPORTED, first: 1) {
      totalCount
    }
    accepted: incidents(status: ACCEPTED, first: 1) {
      totalCount
    }
    inProgress: incidents(status: IN_PROGRESS, first: 1) {
      totalCount
    }
    resolved: incidents(status: RESOLVED, first: 1) {
      totalCount
    }
    closed: incidents(status: CLOSED, first: 1) {
      totalCount
    }
    overdue: incidents(overdue: true, first: 1) {
      totalCount
    }
    disputes(first: 1) {
      totalCount
    }
    openDisputes: disputes(open: true, first: 1) {
      totalCount
    }
    areaVisitCoverage(areaPath: $areaPath) {
      quarter
      households
      visited
      share
    }
  }
`);

export function AnalystView({ session }: { session: Session }) {
  const { t } = useTranslation();
  const areaPath = session.claims.areas?.[0] ?? '';
  const q = useQuery(COUNTS, { variables: { areaPath }, skip: !areaPath });
  const d = q.data;
  const rows: [string, number | undefined][] = [
    ['REPORTED', d?.reported.totalCount],
    ['ACCEPTED', d?.accepted.totalCount],
    ['IN_PROGRESS', d?.inProgress.totalCount],
    ['RESOLVED', d?.resolved.totalCount],
    ['CLOSED', d?.closed.totalCount],
  ];
  return (
    <section className="narrow" aria-labelledby="analyst-title">
      <h2 id="analyst-title">{t('analyst.title')}</h2>
      <table className="card counts">
        <caption>{t('analyst.incidents')}</caption>
        <tbody>
          {rows.map(([k, n]) => (
            <tr key={k}>
              <th scope="row">{t(`status.${k}`)}</th>
              <td data-count={k}>{n ?? '…'}</td>
            </tr>
          ))}
          <tr>
            <th scope="row">{t('incidents.overdue')}</th>
            <td data-count="OVERDUE">{d?.overdue.totalCount ?? '…'}</td>
          </tr>
          <tr>
            <th scope="row">{t('analyst.disputes')}</th>
            <td data-count="DISPUTES">{d ? `${d.openDisputes.totalCount} / ${d.disputes.totalCount}` : '…'}</td>
          </tr>
          <tr>
            <th scope="row">{t('analyst.visits')}</th>
            <td data-count="VISITS">
              {d?.areaVisitCoverage
                ? `${d.areaVisitCoverage.visited} / ${d.areaVisitCoverage.households} (${Math.round(d.areaVisitCoverage.share * 100)}%)`
                : '…'}
            </td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}
