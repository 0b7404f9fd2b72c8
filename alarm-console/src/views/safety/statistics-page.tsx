// Response-time statistics of real alarms per month in the office's time zone: time to the first
// acknowledgement and to "on scene", the false-alarm rate, drill alarms (kept out of the figures)
// and how many devices passed a self-test (test coverage).
import { api } from '../../api/client';
import { t } from '../../i18n/i18n';
import { formatMonth } from '../../state/site-time';
import { ErrorNotice, Loading } from '../parts/form';
import { usePoll } from '../parts/hooks';
import { percent, seconds, type SafetySite } from './labels';

export function StatisticsPage(props: { site: SafetySite }) {
  const { site } = props;
  const stats = usePoll(() => api.statistics(site.id).then((r) => r.months), 60_000, [site.id]);
  const months = [...(stats.data ?? [])].reverse();
  return (
    <section aria-labelledby="stats-heading">
      <h2 id="stats-heading">{t('safety.statistics')}</h2>
      <p class="quiet">{t('stats.intro')}</p>
      <ErrorNotice error={stats.error} onRetry={stats.reload} />
      {stats.loading && <Loading />}
      {months.length > 0 && (
        <div class="table-wrap">
          <table class="data numbers">
            <thead>
              <tr>
                <th scope="col">{t('stats.month')}</th>
                <th scope="col">{t('stats.alarms')}</th>
                <th scope="col">{t('stats.toAck')}</th>
                <th scope="col">{t('stats.toAckMax')}</th>
                <th scope="col">{t('stats.toOnScene')}</th>
                <th scope="col">{t('stats.falseRate')}</th>
                <th scope="col">{t('stats.drills')}</th>
                <th scope="col">{t('stats.testAlarms')}</th>
                <th scope="col">{t('stats.tests')}</th>
              </tr>
            </thead>
            <tbody>
              {months.map((m) => (
                <tr data-month={m.month}>
                  <th scope="row">{formatMonth(m.month)}</th>
                  <td>{m.alarms}</td>
                  <td>{seconds(m.secondsToAcknowledge.median)}</td>
                  <td>{seconds(m.secondsToAcknowledge.max)}</td>
                  <td>{seconds(m.secondsToOnScene.median)}{m.alarms > 0 && <span class="quiet small"> {t('stats.onSceneOf', { count: m.onScene, total: m.alarms })}</span>}</td>
                  <td>{percent(m.falseAlarmRate)}</td>
                  <td>{m.drillAlarms}</td>
                  <td>{m.testAlarms}</td>
                  <td>{m.deviceTests ? t('stats.testsCell', { tested: m.deviceTests.tested, devices: m.deviceTests.devices, percent: percent(m.deviceTests.coverage) }) : '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="hint">{t('stats.definitions')}</p>
    </section>
  );
}
