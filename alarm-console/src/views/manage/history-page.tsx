// Every stored version of the configuration: when, who, what (GET /api/v1/config/history).
import { api } from '../../api/client';
import { t } from '../../i18n/i18n';
import type { AppSession } from '../../state/app-state';
import { formatDateTime } from '../../state/format';
import { historyNoteText } from '../../state/history-note';
import { useObservable } from '../../state/observable';
import { ErrorNotice, Loading } from '../parts/form';
import { usePoll } from '../parts/hooks';

export function actorLabel(actor: string): string {
  if (actor === 'file') return t('history.actorFile');
  return actor.startsWith('user:') ? actor.slice(5) : actor;
}

export function HistoryPage(props: { session: AppSession }) {
  const app = useObservable(props.session.state);
  const tz = app.sites.find((s) => s.id === app.siteId)?.timezone;
  const history = usePoll(() => api.configHistory().then((r) => r.versions), 0);
  const versions = [...(history.data ?? [])].sort((a, b) => b.version - a.version);
  const siteName = (id: string) => app.sites.find((s) => s.id === id)?.name ?? id;
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">{t('manage.history')}</h2>
      <p class="quiet">{t('history.configIntro')}</p>
      <ErrorNotice error={history.error} onRetry={history.reload} />
      {history.loading && <Loading />}
      {versions.length > 0 && (
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">{t('history.version')}</th>
                <th scope="col">{t('history.when')}</th>
                <th scope="col">{t('history.who')}</th>
                <th scope="col">{t('history.what')}</th>
              </tr>
            </thead>
            <tbody>
              {versions.map((v) => (
                <tr data-version={v.version}>
                  <td>{v.version}</td>
                  <td>{formatDateTime(v.at, tz)}</td>
                  <td>{actorLabel(v.actor)}</td>
                  <td>{historyNoteText(v.note, siteName)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
