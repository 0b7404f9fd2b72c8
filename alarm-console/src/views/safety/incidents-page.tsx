// Incident reports (avvik): the list (own reports for employees, the whole office for security
// contacts and managers) and the unit's weekly review queue, with export for other systems.
// Lists never show the narrative, names or case number (the server leaves them out).
import { api } from '../../api/client';
import type { IncidentSummary } from '@trygg/protocol';
import { t } from '../../i18n/i18n';
import type { AppSession } from '../../state/app-state';
import { formatDateTime } from '../../state/format';
import { useObservable } from '../../state/observable';
import { can } from '../../state/roles';
import { routeHref } from '../../state/route';
import { ErrorNotice, Loading } from '../parts/form';
import { usePoll } from '../parts/hooks';
import { incidentStatusLabel, reportLang, reportText, type SafetySite } from './labels';

function IncidentTable(props: { list: IncidentSummary[]; site: SafetySite }) {
  const { list, site } = props;
  return (
    <div class="table-wrap">
      <table class="data">
        <thead>
          <tr>
            <th scope="col">{t('incident.occurredAt')}</th>
            <th scope="col">{t('incident.category')}</th>
            <th scope="col">{t('incident.consequence')}</th>
            <th scope="col">{t('incident.room')}</th>
            <th scope="col">{t('incident.source')}</th>
            <th scope="col">{t('incident.status')}</th>
            <th scope="col">{t('incident.openActions')}</th>
          </tr>
        </thead>
        <tbody>
          {list.map((i) => (
            <tr data-incident-id={i.id} data-status={i.status} data-source={i.source} class={i.overdueActions > 0 ? 'row-bad' : ''}>
              <td><a href={routeHref({ page: 'incident', id: i.id })}>{formatDateTime(i.occurredAt, site.timezone)}</a></td>
              <td>
                {i.category ? <span lang={reportLang()}>{reportText(i.categoryName)}</span> : <em class="bad">{t('incident.draftNoCategory')}</em>}
              </td>
              <td>{i.consequence ?? '–'}</td>
              <td>{i.roomName ?? i.roomId ?? '–'}</td>
              <td>{i.source === 'alarm' ? t('incident.fromAlarm') : t('incident.manual')}</td>
              <td><span class={`pill status-${i.status}`}>{incidentStatusLabel(i.status)}</span></td>
              <td>
                {i.openActions}
                {i.overdueActions > 0 && <strong class="bad"> {t('incident.overdue', { count: i.overdueActions })}</strong>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function IncidentsPage(props: { session: AppSession; site: SafetySite }) {
  const { site } = props;
  const app = useObservable(props.session.state);
  const wide = can.followUp(app.user?.role);
  const incidents = usePoll(() => api.incidents(site.id).then((r) => r.incidents), 30_000, [site.id]);
  const list = [...(incidents.data ?? [])].sort((a, b) => Date.parse(b.occurredAt) - Date.parse(a.occurredAt));
  return (
    <section aria-labelledby="incidents-heading">
      <h2 id="incidents-heading">{t('safety.incidents')}</h2>
      <p class="quiet">{wide ? t('incident.introWide') : t('incident.introOwn')}</p>
      <div class="row tight">
        <a class="button primary" href={routeHref({ page: 'incident', id: 'new' })} data-testid="new-incident">{t('incident.new')}</a>
        {wide && <a class="button secondary" href={api.incidentExportHref(site.id, 'csv')} download>{t('incident.exportCsv')}</a>}
        {wide && <a class="button secondary" href={api.incidentExportHref(site.id, 'json')} download>{t('incident.exportJson')}</a>}
      </div>
      <ErrorNotice error={incidents.error} onRetry={incidents.reload} />
      {incidents.loading && <Loading />}
      {incidents.data && list.length === 0 && <p class="quiet">{t('incident.empty')}</p>}
      {list.length > 0 && <IncidentTable list={list} site={site} />}
    </section>
  );
}

/** Every open report of the unit: new ones first (to review), then reviewed ones with open actions (to close). */
export function ReviewQueuePage(props: { site: SafetySite }) {
  const { site } = props;
  const queue = usePoll(() => api.reviewQueue(site.id), 30_000, [site.id]);
  const data = queue.data;
  return (
    <section aria-labelledby="review-heading">
      <h2 id="review-heading">{t('safety.review')}</h2>
      <p class="quiet">{t('review.intro')}</p>
      <ErrorNotice error={queue.error} onRetry={queue.reload} />
      {queue.loading && <Loading />}
      {data && (
        <dl class="stats">
          <div><dt>{t('review.new')}</dt><dd data-testid="review-new">{data.counts.new}</dd></div>
          <div><dt>{t('review.reviewed')}</dt><dd>{data.counts.reviewed}</dd></div>
        </dl>
      )}
      {data && data.incidents.length === 0 && <p class="coverage-ok">{t('review.empty')}</p>}
      {data && data.incidents.length > 0 && <IncidentTable list={data.incidents} site={site} />}
    </section>
  );
}
