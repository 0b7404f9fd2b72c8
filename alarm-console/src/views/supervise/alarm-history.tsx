// Alarm history with response times, and one alarm's full timeline: raised, each escalation step
// (notified or skipped, with the stations), acknowledged, responding, resolved, with who did it.
import { api } from '../../api/client';
import type { AlarmResource, TimelineEvent } from '@trygg/protocol';
import { t } from '../../i18n/i18n';
import type { AppSession } from '../../state/app-state';
import { formatDateTime, formatDuration, kindLabel, outcomeLabel, placeLabel, stateLabel } from '../../state/format';
import { useObservable } from '../../state/observable';
import { isDrillOrTest, isRealAlarm, median, responseTimes, timeToAcknowledge } from '../../state/response-times';
import { routeHref } from '../../state/route';
import { ErrorNotice, Loading } from '../parts/form';
import { usePoll } from '../parts/hooks';
import { useState } from 'preact/hooks';

const HISTORY_LIMIT = 200;
const ms = (v: number | null) => (v === null ? '–' : formatDuration(v));

export function AlarmHistoryPage(props: { session: AppSession }) {
  const app = useObservable(props.session.state);
  // The newest page is polled; older pages are fetched once, on request, with the server's cursor.
  const alarms = usePoll(() => api.alarms(HISTORY_LIMIT), 10_000);
  const [older, setOlder] = useState<{ alarms: AlarmResource[]; next?: string } | null>(null);
  const [olderError, setOlderError] = useState<unknown>(null);
  const next = older ? older.next : alarms.data?.next;
  const loadOlder = () => {
    if (!next) return;
    api.alarms(HISTORY_LIMIT, next).then(
      (page) => { setOlder({ alarms: [...(older?.alarms ?? []), ...page.alarms], next: page.next }); setOlderError(null); },
      (err: unknown) => setOlderError(err),
    );
  };
  const seen = new Set((alarms.data?.alarms ?? []).map((a) => a.id));
  const list = [...(alarms.data?.alarms ?? []), ...(older?.alarms ?? []).filter((a) => !seen.has(a.id))]
    .sort((a, b) => Date.parse(b.raisedAt) - Date.parse(a.raisedAt));
  const tz = (a: AlarmResource) => app.sites.find((s) => s.id === a.siteId)?.timezone;
  // Real alarms only in the response time; drills and alarms resolved as "test or drill" apart.
  const acks = list.filter(isRealAlarm).map(timeToAcknowledge).filter((v): v is number => v !== null);
  const drillAcks = list.filter(isDrillOrTest).map(timeToAcknowledge).filter((v): v is number => v !== null);
  return (
    <section class="view wide" aria-labelledby="alarms-heading">
      <h1 id="alarms-heading">{t('history.heading')}</h1>
      <ErrorNotice error={alarms.error} onRetry={alarms.reload} />
      {alarms.loading && <Loading />}
      {alarms.data && (
        <dl class="stats">
          <div><dt>{t('history.count')}</dt><dd>{list.length}</dd></div>
          <div><dt>{t('history.medianAck')}</dt><dd>{ms(median(acks))}</dd></div>
          <div><dt>{t('history.medianAckDrill')}</dt><dd>{ms(median(drillAcks))}</dd></div>
        </dl>
      )}
      {alarms.data && list.length === 0 && <p class="quiet">{t('history.empty')}</p>}
      {list.length > 0 && (
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">{t('history.raised')}</th>
                <th scope="col">{t('history.kind')}</th>
                <th scope="col">{t('history.place')}</th>
                <th scope="col">{t('history.state')}</th>
                <th scope="col">{t('history.toAck')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((a) => (
                <tr data-alarm-id={a.id}>
                  <td><a href={routeHref({ page: 'alarm', id: a.id })}>{formatDateTime(a.raisedAt, tz(a))}</a></td>
                  <td>{kindLabel(a.kind)}{a.drill && <span class="badge badge-drill small"> {t('popup.drill')}</span>}</td>
                  <td>{placeLabel(a)}</td>
                  <td>{stateLabel(a.state)}{a.outcome && ` · ${outcomeLabel(a.outcome)}`}</td>
                  <td>{ms(timeToAcknowledge(a))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorNotice error={olderError} onRetry={loadOlder} />
      {next && <p><button type="button" class="secondary" onClick={loadOlder}>{t('history.older')}</button></p>}
    </section>
  );
}

function actorText(e: TimelineEvent): string {
  const a = e.actor;
  if (!a) return '';
  if (a.type === 'user') return a.name;
  if (a.type === 'station') return t('timeline.byStation', { station: a.name });
  if (a.type === 'device') return t('timeline.byDevice', { device: a.deviceId });
  return t('timeline.bySystem');
}

export function eventText(e: TimelineEvent, stationName: (id: string) => string): string {
  const stations = (ids: string[] | undefined) => (ids && ids.length ? ids.map(stationName).join(', ') : '–');
  const step = (e.step ?? 0) + 1;
  switch (e.type) {
    case 'raised': return t('timeline.raised');
    case 'press-folded': return t('timeline.pressFolded');
    case 'step-notified': return t('timeline.stepNotified', { step, stations: stations(e.stations), online: stations(e.online) });
    case 'step-skipped': return t('timeline.stepSkipped', {
      step, reason: e.reason === 'nobody-online' ? t('timeline.reasonNobodyOnline') : t('timeline.reasonNoTargets'), stations: stations(e.stations),
    });
    case 'delivery-failed': return t('timeline.deliveryFailed', { step, target: e.target ?? '–' });
    case 'chain-exhausted': return e.reachedNobody ? t('timeline.reachedNobody') : t('timeline.chainExhausted');
    case 'acknowledged': return t('timeline.acknowledged', { actor: actorText(e) });
    case 'responding': return t('timeline.responding', { actor: actorText(e) });
    case 'resolved': return t('timeline.resolved', { actor: actorText(e), outcome: outcomeLabel(e.outcome) });
    case 'cancelled': return t('timeline.cancelled', { actor: actorText(e) });
    case 'duress-cancelled': return t('timeline.duress');
    case 'located': return t('timeline.located');
    default: return e.type;
  }
}

export function AlarmDetailPage(props: { session: AppSession; id: string }) {
  const app = useObservable(props.session.state);
  const detail = usePoll(() => api.alarm(props.id), 5000, [props.id]);
  const data = detail.data;
  const site = data ? app.sites.find((s) => s.id === data.alarm.siteId) : undefined;
  const stationName = (id: string) => app.sites.flatMap((s) => s.stations).find((s) => s.id === id)?.name ?? id;
  const times = data ? responseTimes(data.timeline) : null;
  return (
    <section class="view wide" aria-labelledby="alarm-heading">
      <p><a href={routeHref({ page: 'alarms' })}>{t('history.back')}</a></p>
      <ErrorNotice error={detail.error} onRetry={detail.reload} />
      {detail.loading && <Loading />}
      {data && (
        <>
          <h1 id="alarm-heading">
            {kindLabel(data.alarm.kind)} – {placeLabel(data.alarm)}
            {data.alarm.drill && <span class="badge badge-drill"> {t('popup.drill')}</span>}
          </h1>
          <dl class="stats">
            <div><dt>{t('history.raised')}</dt><dd>{formatDateTime(data.alarm.raisedAt, site?.timezone)}</dd></div>
            <div><dt>{t('history.state')}</dt><dd>{stateLabel(data.alarm.state)}{data.alarm.outcome && ` · ${outcomeLabel(data.alarm.outcome)}`}</dd></div>
            <div><dt>{t('history.toAck')}</dt><dd>{ms(times!.toAcknowledgeMs)}</dd></div>
            <div><dt>{t('history.toResponding')}</dt><dd>{ms(times!.toRespondingMs)}</dd></div>
            <div><dt>{t('history.toResolve')}</dt><dd>{ms(times!.toResolveMs)}</dd></div>
          </dl>
          {data.alarm.person && <p>{t('popup.person', { person: data.alarm.person })}</p>}
          <h2>{t('timeline.heading')}</h2>
          <ol class="timeline">
            {data.timeline.map((e) => (
              <li class={`tl-${e.type}`} data-event={e.type}>
                <time dateTime={e.at}>{formatDateTime(e.at, site?.timezone)}</time>
                <span>{eventText(e, stationName)}</span>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
