// Coverage before an alarm: for every room, which consoles an alarm from it would reach now and
// how many responders are online there. Rooms whose alarms reach nobody come first, in red.
import type { CoverageRoom } from '@trygg/protocol';
import { t } from '../../i18n/i18n';
import type { AppSession } from '../../state/app-state';
import { useObservable } from '../../state/observable';
import { ErrorNotice, Loading } from '../parts/form';
import type { Loaded } from '../parts/hooks';

export function CoveragePage(props: { session: AppSession; coverage: Loaded<CoverageRoom[] | null> }) {
  const app = useObservable(props.session.state);
  const { coverage } = props;
  const rooms = [...(coverage.data ?? [])].sort((a, b) => Number(b.reachesNobody) - Number(a.reachesNobody) || a.roomName.localeCompare(b.roomName));
  const stationName = (siteId: string, id: string) => app.sites.find((s) => s.id === siteId)?.stations.find((s) => s.id === id)?.name ?? id;
  const nobody = rooms.filter((r) => r.reachesNobody);
  return (
    <section class="view wide" aria-labelledby="coverage-heading">
      <h1 id="coverage-heading">{t('coverage.heading')}</h1>
      <p class="quiet">{t('coverage.intro')}</p>
      <ErrorNotice error={coverage.error} onRetry={coverage.reload} />
      {coverage.loading && <Loading />}
      {!coverage.loading && coverage.data === null && !coverage.error && <p class="warning">{t('coverage.unavailable')}</p>}
      {coverage.data && (
        <p class={nobody.length ? 'notice' : 'coverage-ok'} role="status">
          {nobody.length ? t('coverage.nobodyCount', { count: nobody.length }) : t('coverage.allCovered')}
        </p>
      )}
      {rooms.length > 0 && (
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">{t('coverage.room')}</th>
                <th scope="col">{t('coverage.responders')}</th>
                <th scope="col">{t('coverage.stations')}</th>
              </tr>
            </thead>
            <tbody>
              {rooms.map((r) => (
                <tr data-room-id={r.roomId} class={r.reachesNobody ? 'row-bad' : ''}>
                  <th scope="row">{r.roomName}{app.sites.length > 1 && <span class="quiet small"> · {r.siteId}</span>}</th>
                  <td>{r.reachesNobody ? <strong class="bad">{t('coverage.reachesNobody')}</strong> : r.connecting ? t('coverage.connecting') : r.respondersOnline}</td>
                  <td>{r.reachableStations.length ? r.reachableStations.map((id) => stationName(r.siteId, id)).join(', ') : '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
