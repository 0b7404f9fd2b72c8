// Drills (øvelser): plan or start one for the office or a room, end it, and read its report:
// response times per step and who responded, compared with earlier drills. Drill alarms carry the
// drill flag end to end (ØVELSE on every console, test codes to guards, never the police).
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { Drill, DrillKind, DrillReport } from '@trygg/protocol';
import { t } from '../../i18n/i18n';
import { formatDateTime, kindLabel, outcomeLabel } from '../../state/format';
import { routeHref } from '../../state/route';
import { fromLocalInput, toLocalInput } from '../../state/site-time';
import { ErrorNotice, errorText, Field, Loading, Problems } from '../parts/form';
import { usePoll } from '../parts/hooks';
import { drillStateLabel, metricLabel, roomName, seconds, secondsDiff, SUMMARY_METRICS, type SafetySite } from './labels';

const DRILL_KINDS: readonly DrillKind[] = ['panic', 'personal', 'man-down', 'no-checkin'];

function placeOf(site: SafetySite, d: Pick<Drill, 'roomId'>): string {
  return d.roomId ? roomName(site, d.roomId) : t('drill.wholeSite');
}

export function DrillsPage(props: { site: SafetySite }) {
  const { site } = props;
  const drills = usePoll(() => api.drills(site.id).then((r) => r.drills), 10_000, [site.id]);
  const [when, setWhen] = useState<'now' | 'later'>('now');
  const [form, setForm] = useState({ roomId: '', kind: 'panic' as DrillKind, at: toLocalInput(Date.now() + 3_600_000, site.timezone), minutes: '15', note: '' });
  const [problems, setProblems] = useState<string[]>([]);
  const [status, setStatus] = useState('');
  const list = [...(drills.data ?? [])].sort((a, b) => Date.parse(b.startedAt ?? b.plannedAt ?? '') - Date.parse(a.startedAt ?? a.plannedAt ?? ''));

  const submit = async (e: Event) => {
    e.preventDefault();
    const at = when === 'later' ? fromLocalInput(form.at, site.timezone) : undefined;
    const minutes = Number(form.minutes);
    if (at === null || !Number.isInteger(minutes) || minutes < 1 || minutes > 120) {
      setProblems([at === null ? t('drill.badTime') : t('drill.badMinutes')]);
      return;
    }
    try {
      const { drill } = await api.planDrill(site.id, {
        kind: form.kind, durationMinutes: minutes, ...(form.roomId ? { roomId: form.roomId } : {}), ...(at ? { at } : {}), ...(form.note.trim() ? { note: form.note.trim() } : {}),
      });
      setProblems([]);
      setStatus(drill.state === 'running' ? t('drill.started') : t('drill.planned', { when: formatDateTime(drill.plannedAt, site.timezone) }));
      drills.reload();
    } catch (err) {
      setProblems([errorText(err)]);
    }
  };
  const end = async (d: Drill) => {
    try {
      await api.endDrill(d.id);
      drills.reload();
    } catch (err) {
      setProblems([errorText(err)]);
    }
  };

  return (
    <section aria-labelledby="drills-heading">
      <h2 id="drills-heading">{t('safety.drills')}</h2>
      <p class="quiet">{t('drill.intro')}</p>
      <form class="editor" id="drill-form" noValidate onSubmit={submit}>
        <h3>{t('drill.planHeading')}</h3>
        <Problems problems={problems} heading={t('drill.notStarted')} />
        <Field id="drill-room" label={t('drill.place')} hint={t('drill.placeHint')}>
          <select id="drill-room" value={form.roomId} onChange={(e) => setForm({ ...form, roomId: (e.currentTarget as HTMLSelectElement).value })}>
            <option value="">{t('drill.wholeSite')}</option>
            {(site.view?.rooms ?? []).map((r) => <option value={r.id}>{r.name}</option>)}
          </select>
        </Field>
        <Field id="drill-kind" label={t('field.kind')}>
          <select id="drill-kind" value={form.kind} onChange={(e) => setForm({ ...form, kind: (e.currentTarget as HTMLSelectElement).value as DrillKind })}>
            {DRILL_KINDS.map((k) => <option value={k}>{kindLabel(k)}</option>)}
          </select>
        </Field>
        <fieldset class="field">
          <legend>{t('drill.when')}</legend>
          <label class="check"><input type="radio" name="drill-when" checked={when === 'now'} onChange={() => setWhen('now')} /> {t('drill.now')}</label>
          <label class="check"><input type="radio" name="drill-when" id="drill-later" checked={when === 'later'} onChange={() => setWhen('later')} /> {t('drill.later')}</label>
          {when === 'later' && (
            <input id="drill-at" type="datetime-local" aria-label={t('drill.at')} value={form.at} onInput={(e) => setForm({ ...form, at: (e.currentTarget as HTMLInputElement).value })} />
          )}
        </fieldset>
        <Field id="drill-minutes" label={t('drill.minutes')} hint={t('drill.minutesHint')}>
          <input id="drill-minutes" type="number" min={1} max={120} value={form.minutes} onInput={(e) => setForm({ ...form, minutes: (e.currentTarget as HTMLInputElement).value })} />
        </Field>
        <Field id="drill-note" label={t('drill.note')}>
          <input id="drill-note" value={form.note} maxLength={300} onInput={(e) => setForm({ ...form, note: (e.currentTarget as HTMLInputElement).value })} />
        </Field>
        <div class="row">
          <button type="submit" class="primary" data-testid="drill-start">{when === 'now' ? t('drill.startNow') : t('drill.plan')}</button>
          <p class="status" role="status">{status}</p>
        </div>
      </form>
      <ErrorNotice error={drills.error} onRetry={drills.reload} />
      {drills.loading && <Loading />}
      {drills.data && list.length === 0 && <p class="quiet">{t('drill.empty')}</p>}
      {list.length > 0 && (
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">{t('drill.start')}</th>
                <th scope="col">{t('drill.place')}</th>
                <th scope="col">{t('field.kind')}</th>
                <th scope="col">{t('drill.state')}</th>
                <th scope="col">{t('drill.alarms')}</th>
                <th scope="col"><span class="visually-hidden">{t('form.actions')}</span></th>
              </tr>
            </thead>
            <tbody>
              {list.map((d) => (
                <tr data-drill-id={d.id} data-state={d.state}>
                  <td><a href={routeHref({ page: 'drill', id: d.id })}>{formatDateTime(d.startedAt ?? d.plannedAt, site.timezone)}</a></td>
                  <td>{placeOf(site, d)}</td>
                  <td>{kindLabel(d.kind)}</td>
                  <td>{drillStateLabel(d.state)}</td>
                  <td>{d.alarmIds.length}</td>
                  <td class="actions">
                    {(d.state === 'running' || d.state === 'planned') && (
                      <button type="button" class="secondary small" onClick={() => void end(d)}>{d.state === 'running' ? t('drill.end') : t('drill.callOff')}</button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function DrillReportPage(props: { site: SafetySite; id: string }) {
  const { site } = props;
  const report = usePoll(() => api.drillReport(props.id), 5000, [props.id]);
  const r = report.data;
  return (
    <section aria-labelledby="drill-heading">
      <p><a href={routeHref({ page: 'drills' })}>{t('drill.back')}</a></p>
      <ErrorNotice error={report.error} onRetry={report.reload} />
      {report.loading && <Loading />}
      {r && <ReportBody site={site} report={r} />}
    </section>
  );
}

function ReportBody(props: { site: SafetySite; report: DrillReport }) {
  const { site, report } = props;
  const { drill, comparison } = report;
  const tz = site.timezone;
  const stationName = (id: string) => site.view?.stations.find((s) => s.id === id)?.name ?? id;
  return (
    <>
      <h2 id="drill-heading">
        {t('drill.reportHeading', { kind: kindLabel(drill.kind), place: placeOf(site, drill) })}
        <span class="badge badge-drill small"> {t('popup.drill')}</span>
      </h2>
      <dl class="stats">
        <div><dt>{t('drill.state')}</dt><dd>{drillStateLabel(drill.state)}</dd></div>
        <div><dt>{t('drill.start')}</dt><dd>{formatDateTime(drill.startedAt ?? drill.plannedAt, tz)}</dd></div>
        <div><dt>{t('drill.ended')}</dt><dd>{formatDateTime(drill.endedAt, tz)}</dd></div>
        <div><dt>{t('drill.alarms')}</dt><dd>{report.alarms.length}</dd></div>
      </dl>
      {drill.note && <p>{drill.note}</p>}
      <h3>{t('drill.comparison')}</h3>
      <div class="table-wrap">
        <table class="data" data-testid="drill-summary">
          <thead>
            <tr>
              <th scope="col">{t('drill.measure')}</th>
              <th scope="col">{t('drill.thisDrill')}</th>
              <th scope="col">{t('drill.earlierAverage', { count: comparison.earlier.length })}</th>
              <th scope="col">{t('drill.difference')}</th>
            </tr>
          </thead>
          <tbody>
            {SUMMARY_METRICS.map((m) => (
              <tr data-metric={m}>
                <th scope="row">{metricLabel(m)}</th>
                <td>{seconds(report.summary[m])}</td>
                <td>{seconds(comparison.average[m])}</td>
                <td class={(comparison.difference[m] ?? 0) > 0 ? 'bad' : ''}>{secondsDiff(comparison.difference[m])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>{report.respondedBy.length ? t('drill.respondedBy', { names: report.respondedBy.join(', ') }) : t('drill.nobodyResponded')}</p>
      {report.alarms.map((a) => (
        <section class="drill-alarm" data-alarm-id={a.alarmId} aria-label={t('drill.alarmHeading', { time: formatDateTime(a.raisedAt, tz) })}>
          <h3>{t('drill.alarmHeading', { time: formatDateTime(a.raisedAt, tz) })}</h3>
          <ol class="timeline">
            <li data-event="raised"><time>{seconds(0)}</time><span>{t('timeline.raised')} · {kindLabel(a.kind)} · {roomName(site, a.roomId)}</span></li>
            {a.steps.map((s) => (
              <li data-event={s.skipped ? 'step-skipped' : 'step-notified'} class={s.skipped ? 'tl-step-skipped' : ''}>
                <time>{seconds(s.seconds)}</time>
                <span>
                  {s.skipped
                    ? t('drill.stepSkipped', { step: s.step + 1, stations: s.stations.map(stationName).join(', ') || '–' })
                    : s.external.length
                      ? t('drill.stepNotifiedExternal', { step: s.step + 1, stations: s.stations.map(stationName).join(', ') || '–', external: s.external.join(', ') })
                      : t('drill.stepNotified', { step: s.step + 1, stations: s.stations.map(stationName).join(', ') || '–' })}
                </span>
              </li>
            ))}
            {a.acknowledged && <li data-event="acknowledged"><time>{seconds(a.acknowledged.seconds)}</time><span>{t('timeline.acknowledged', { actor: a.acknowledged.by })}</span></li>}
            {a.responders.map((p) => <li data-event="responding"><time>{seconds(p.seconds)}</time><span>{t('timeline.responding', { actor: p.name })}</span></li>)}
            {a.onScene && <li data-event="on-scene"><time>{seconds(a.onScene.seconds)}</time><span>{t('drill.onScene', { actor: a.onScene.by })}</span></li>}
            {a.closed && (
              <li data-event={a.closed.how}>
                <time>{seconds(a.closed.seconds)}</time>
                <span>{a.closed.how === 'resolved' ? t('timeline.resolved', { actor: a.closed.by, outcome: outcomeLabel(a.closed.outcome) }) : t('timeline.cancelled', { actor: a.closed.by })}</span>
              </li>
            )}
          </ol>
        </section>
      ))}
      {comparison.earlier.length > 0 && (
        <>
          <h3>{t('drill.earlier')}</h3>
          <ul>
            {comparison.earlier.map((e) => (
              <li><a href={routeHref({ page: 'drill', id: e.drillId })}>{formatDateTime(e.startedAt, tz)}</a> · {t('drill.metric.acknowledge')}: {seconds(e.summary.secondsToAcknowledge)}</li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
