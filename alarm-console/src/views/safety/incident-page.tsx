// One incident report (avvik): a new one, a draft the server started from a resolved alarm
// (time, room, responders and timeline filled in), or an existing one. Fields from the report's
// catalogue: category, consequence 1-5 with its definition, cause factors, reported to police
// with the case number, what happened, follow-up actions. Security contacts and managers review
// and close it; managers see who has read it.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { FollowUpAction, FollowUpStatus, Incident, IncidentCatalogue, IncidentInput, TimelineEvent } from '@trygg/protocol';
import { t } from '../../i18n/i18n';
import type { AppSession } from '../../state/app-state';
import { formatDateTime, kindLabel, outcomeLabel } from '../../state/format';
import { useObservable } from '../../state/observable';
import { can } from '../../state/roles';
import { routeHref } from '../../state/route';
import { fromLocalInput, toLocalInput } from '../../state/site-time';
import { ErrorNotice, errorText, Field, Loading, Problems } from '../parts/form';
import { usePoll } from '../parts/hooks';
import { eventText } from '../supervise/alarm-history';
import { followUpStatusLabel, incidentStatusLabel, reportLang, reportText, roomName, seconds, type SafetySite } from './labels';

interface Draft {
  occurredAt: string;
  roomId: string;
  category: string;
  consequence: number | null;
  causeFactors: string[];
  police: boolean;
  caseNumber: string;
  narrative: string;
  actions: FollowUpAction[];
}

const FOLLOW_UP: readonly FollowUpStatus[] = ['open', 'in-progress', 'done'];

function draftOf(i: Incident | null, timeZone: string | undefined): Draft {
  return {
    occurredAt: toLocalInput(i?.occurredAt ?? Date.now(), timeZone),
    roomId: i?.roomId ?? '',
    category: i?.category ?? '',
    consequence: i?.consequence ?? null,
    causeFactors: i?.causeFactors ?? [],
    police: i?.reportedToPolice.reported ?? false,
    caseNumber: i?.reportedToPolice.caseNumber ?? '',
    narrative: i?.narrative ?? '',
    actions: (i?.actions ?? []).map((a) => ({ ...a })),
  };
}

export function IncidentPage(props: { session: AppSession; site: SafetySite; id: string }) {
  const { site } = props;
  const isNew = props.id === 'new';
  const app = useObservable(props.session.state);
  const role = app.user?.role;
  const catalogue = usePoll(() => api.incidentCatalogue(), 0);
  const loaded = usePoll(() => (isNew ? Promise.resolve(null) : api.incident(props.id)), 0, [props.id]);
  const [incident, setIncident] = useState<Incident | null>(null);
  const [draft, setDraft] = useState<Draft>(draftOf(null, site.timezone));
  const [problems, setProblems] = useState<string[]>([]);
  const [missing, setMissing] = useState<Set<string>>(new Set());
  const [status, setStatus] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (loaded.data) {
      setIncident(loaded.data);
      setDraft(draftOf(loaded.data, site.timezone));
    }
  }, [loaded.data]);

  const set = (patch: Partial<Draft>) => {
    setDraft({ ...draft, ...patch });
    setStatus('');
    setProblems([]);
    if (missing.size) setMissing(new Set([...missing].filter((f) => !(f in patch))));
  };
  const wide = can.followUp(role);
  const locked = incident !== null && (incident.status === 'closed' || incident.erasedAt !== null || (!wide && incident.status !== 'new'));

  const input = (): IncidentInput | null => {
    const occurredAt = fromLocalInput(draft.occurredAt, site.timezone);
    const gaps = new Set<string>();
    if (!occurredAt) gaps.add('occurredAt');
    if (!draft.category) gaps.add('category');
    setMissing(gaps);
    if (gaps.size > 0 || !occurredAt) return null;
    return {
      occurredAt,
      roomId: draft.roomId || null,
      category: draft.category,
      ...(draft.consequence !== null ? { consequence: draft.consequence } : {}),
      causeFactors: draft.causeFactors,
      reportedToPolice: { reported: draft.police, caseNumber: draft.police && draft.caseNumber.trim() ? draft.caseNumber.trim() : null },
      narrative: draft.narrative.trim() || null,
      actions: draft.actions.filter((a) => (a.text ?? '').trim()).map((a) => ({
        ...(a.id ? { id: a.id } : {}), text: a.text!.trim(), owner: a.owner?.trim() || null, due: a.due || null, status: a.status,
      })),
    };
  };

  /** Saves the form; returns the stored report, or null (problems shown). */
  const save = async (): Promise<Incident | null> => {
    const body = input();
    if (!body) {
      setProblems([t('incident.missing')]);
      return null;
    }
    setBusy(true);
    try {
      const saved = incident ? await api.updateIncident(incident.id, body) : await api.createIncident(site.id, body);
      setIncident(saved);
      setDraft(draftOf(saved, site.timezone));
      setProblems([]);
      setStatus(t('incident.saved'));
      if (!incident) location.hash = routeHref({ page: 'incident', id: saved.id });
      return saved;
    } catch (err) {
      setProblems([errorText(err)]);
      return null;
    } finally {
      setBusy(false);
    }
  };

  const move = async (to: 'review' | 'close') => {
    if (!incident) return;
    if (!locked && !(await save())) return; // the form as shown is what is reviewed
    setBusy(true);
    try {
      const next = await api.moveIncident(incident.id, to, note.trim() || undefined);
      setIncident(next);
      setDraft(draftOf(next, site.timezone));
      setNote('');
      setProblems([]);
      setStatus(to === 'review' ? t('incident.reviewedDone') : t('incident.closedDone'));
    } catch (err) {
      setProblems([errorText(err)]);
    } finally {
      setBusy(false);
    }
  };

  const cat = catalogue.data;
  if (catalogue.error || loaded.error) return <ErrorNotice error={catalogue.error ?? loaded.error} onRetry={() => { catalogue.reload(); loaded.reload(); }} />;
  if (!cat || (!isNew && !incident)) return <Loading />;

  const rooms = site.view?.rooms ?? [];
  return (
    <section aria-labelledby="incident-heading">
      <p><a href={routeHref({ page: 'incidents' })}>{t('incident.back')}</a></p>
      <h2 id="incident-heading">
        {isNew ? t('incident.new') : t('incident.heading')}
        {incident && <span class={`pill status-${incident.status}`} data-testid="incident-status"> {incidentStatusLabel(incident.status)}</span>}
      </h2>
      {incident?.erasedAt && <p class="warning">{t('incident.erased', { date: formatDateTime(incident.erasedAt, site.timezone) })}</p>}
      {incident?.alarm && <AlarmPart incident={incident} site={site} linkToAlarm={can.supervise(role)} />}
      {incident && (incident.reporter || incident.reviewedAt || incident.closedAt) && (
        <dl class="stats">
          {incident.reporter && <div><dt>{t('incident.reporter')}</dt><dd>{incident.reporter.name ?? incident.reporter.username}</dd></div>}
          {incident.reviewedAt && <div><dt>{t('incident.reviewedBy')}</dt><dd>{incident.reviewedBy} · {formatDateTime(incident.reviewedAt, site.timezone)}</dd></div>}
          {incident.closedAt && <div><dt>{t('incident.closedBy')}</dt><dd>{incident.closedBy} · {formatDateTime(incident.closedAt, site.timezone)}</dd></div>}
        </dl>
      )}
      {incident?.reviewNote && <p><strong>{t('incident.note')}:</strong> {incident.reviewNote}</p>}
      <form class="editor wide-editor" id="incident-form" noValidate onSubmit={(e) => { e.preventDefault(); void save(); }}>
        <Problems problems={problems} heading={t('incident.notSaved')} />
        {locked && <p class="quiet">{t('incident.locked')}</p>}
        <fieldset disabled={locked || busy} class="plain">
          <Field id="incident-occurredAt" label={t('incident.occurredAt')} hint={t('incident.timeHint', { zone: site.timezone ?? t('incident.browserZone') })}
            problems={missing.has('occurredAt') ? [t('incident.requiredField')] : []} required>
            <input id="incident-occurredAt" type="datetime-local" value={draft.occurredAt} onInput={(e) => set({ occurredAt: (e.currentTarget as HTMLInputElement).value })} />
          </Field>
          <Field id="incident-room" label={t('incident.room')} hint={rooms.length ? undefined : t('incident.roomIdHint')}>
            {rooms.length > 0 ? (
              <select id="incident-room" value={draft.roomId} onChange={(e) => set({ roomId: (e.currentTarget as HTMLSelectElement).value })}>
                <option value="">{t('incident.noRoom')}</option>
                {rooms.map((r) => <option value={r.id}>{r.name}</option>)}
              </select>
            ) : (
              <input id="incident-room" value={draft.roomId} onInput={(e) => set({ roomId: (e.currentTarget as HTMLInputElement).value })} />
            )}
          </Field>
          <Field id="incident-category" label={t('incident.category')} hint={t('incident.categoryHint')}
            problems={missing.has('category') ? [t('incident.requiredField')] : []} required>
            <select id="incident-category" value={draft.category} lang={reportLang()} onChange={(e) => set({ category: (e.currentTarget as HTMLSelectElement).value })}>
              <option value="">{t('form.choose')}</option>
              <optgroup label={t('incident.threats')}>
                {cat.categories.filter((c) => c.group === 'threats').map((c) => <option value={c.id}>{reportText(c.name)}</option>)}
              </optgroup>
              <optgroup label={t('incident.violence')}>
                {cat.categories.filter((c) => c.group === 'violence').map((c) => <option value={c.id}>{reportText(c.name)}</option>)}
              </optgroup>
            </select>
          </Field>
          <ConsequenceField catalogue={cat} value={draft.consequence} onChange={(consequence) => set({ consequence })} />
          <fieldset class="field checks columns" data-field="causeFactors">
            <legend>{t('incident.causes')}</legend>
            <p class="hint">{t('incident.causesHint')}</p>
            {cat.causeFactors.map((c) => (
              <label class="check" lang={reportLang()}>
                <input type="checkbox" value={c.id} checked={draft.causeFactors.includes(c.id)} onChange={(e) => set({
                  causeFactors: (e.currentTarget as HTMLInputElement).checked ? [...draft.causeFactors, c.id] : draft.causeFactors.filter((x) => x !== c.id),
                })} />
                {reportText(c.name)}
              </label>
            ))}
          </fieldset>
          <fieldset class="field" data-field="police">
            <legend>{t('incident.police')}</legend>
            <label class="check">
              <input id="incident-police" type="checkbox" checked={draft.police} onChange={(e) => set({ police: (e.currentTarget as HTMLInputElement).checked })} />
              {t('incident.policeReported')}
            </label>
            {draft.police && (
              <label class="stacked">
                {t('incident.caseNumber')}
                <input id="incident-caseNumber" value={draft.caseNumber} maxLength={64} onInput={(e) => set({ caseNumber: (e.currentTarget as HTMLInputElement).value })} />
              </label>
            )}
          </fieldset>
          <Field id="incident-narrative" label={t('incident.narrative')} hint={t('incident.narrativeHint')}>
            <textarea id="incident-narrative" rows={6} maxLength={8000} value={draft.narrative} onInput={(e) => set({ narrative: (e.currentTarget as HTMLTextAreaElement).value })} />
          </Field>
          <ActionsField actions={draft.actions} onChange={(actions) => set({ actions })} />
        </fieldset>
        {!locked && (
          <div class="row">
            <button type="submit" class="primary" aria-disabled={busy} data-testid="incident-save">{busy ? t('form.saving') : isNew ? t('incident.send') : t('form.save')}</button>
            <p class="status" role="status">{status}</p>
          </div>
        )}
        {locked && <p class="status" role="status">{status}</p>}
      </form>
      {incident && wide && incident.status !== 'closed' && (
        <section class="editor" aria-labelledby="review-actions-heading">
          <h3 id="review-actions-heading">{t('incident.reviewHeading')}</h3>
          <p class="hint">{incident.status === 'new' ? t('incident.reviewHint') : t('incident.closeHint')}</p>
          <Field id="incident-note" label={t('incident.note')}>
            <textarea id="incident-note" rows={2} maxLength={2000} value={note} onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)} />
          </Field>
          <div class="row tight">
            {incident.status === 'new' && (
              <button type="button" class="primary" data-action="review" aria-disabled={busy} onClick={() => void move('review')}>{t('incident.markReviewed')}</button>
            )}
            {incident.status === 'reviewed' && (
              <button type="button" class="primary" data-action="close" aria-disabled={busy} onClick={() => void move('close')}>{t('incident.close')}</button>
            )}
          </div>
        </section>
      )}
      {incident && can.readAudit(role) && <ReadLog id={incident.id} timeZone={site.timezone} />}
    </section>
  );
}

function ConsequenceField(props: { catalogue: IncidentCatalogue; value: number | null; onChange: (v: number) => void }) {
  return (
    <fieldset class="field consequence" data-field="consequence">
      <legend>{t('incident.consequence')}</legend>
      <p class="hint">{t('incident.consequenceHint')}</p>
      {props.catalogue.consequenceScale.map((c) => (
        <label class="check">
          <input type="radio" name="consequence" value={c.value} checked={props.value === c.value} onChange={() => props.onChange(c.value)} />
          <strong>{c.value}</strong> <span lang={reportLang()}>{reportText(c.name)}</span>
        </label>
      ))}
    </fieldset>
  );
}

function ActionsField(props: { actions: FollowUpAction[]; onChange: (a: FollowUpAction[]) => void }) {
  const { actions, onChange } = props;
  const put = (i: number, patch: Partial<FollowUpAction>) => onChange(actions.map((a, j) => (j === i ? { ...a, ...patch } : a)));
  return (
    <fieldset class="field" data-field="actions">
      <legend>{t('incident.actions')}</legend>
      <p class="hint">{t('incident.actionsHint')}</p>
      {actions.map((a, i) => (
        <div class="step" data-action-index={i}>
          <div class="row tight">
            <label class="grow">
              {t('incident.actionText')}
              <input value={a.text ?? ''} maxLength={1000} onInput={(e) => put(i, { text: (e.currentTarget as HTMLInputElement).value })} />
            </label>
            <label>
              {t('incident.actionOwner')}
              <input value={a.owner ?? ''} maxLength={200} onInput={(e) => put(i, { owner: (e.currentTarget as HTMLInputElement).value })} />
            </label>
            <label>
              {t('incident.actionDue')}
              <input type="date" value={a.due ?? ''} onInput={(e) => put(i, { due: (e.currentTarget as HTMLInputElement).value || null })} />
            </label>
            <label>
              {t('incident.actionStatus')}
              <select value={a.status} onChange={(e) => put(i, { status: (e.currentTarget as HTMLSelectElement).value as FollowUpStatus })}>
                {FOLLOW_UP.map((s) => <option value={s}>{followUpStatusLabel(s)}</option>)}
              </select>
            </label>
            <button type="button" class="secondary small danger" onClick={() => onChange(actions.filter((_, j) => j !== i))}>{t('incident.removeAction')}</button>
          </div>
        </div>
      ))}
      <button type="button" class="secondary small" onClick={() => onChange([...actions, { text: '', owner: null, due: null, status: 'open' }])}>
        {t('incident.addAction')}
      </button>
    </fieldset>
  );
}

/** What the report keeps of the alarm it was started from. */
function AlarmPart(props: { incident: Incident; site: SafetySite; linkToAlarm: boolean }) {
  const { site } = props;
  const alarm = props.incident.alarm!;
  const tz = site.timezone;
  const stationName = (id: string) => site.view?.stations.find((s) => s.id === id)?.name ?? id;
  return (
    <section class="alarm-part" aria-labelledby="alarm-part-heading" data-testid="alarm-part">
      <h3 id="alarm-part-heading">{t('incident.fromAlarmHeading')}</h3>
      <dl class="stats">
        <div><dt>{t('history.kind')}</dt><dd>{kindLabel(alarm.kind)}</dd></div>
        <div><dt>{t('history.raised')}</dt><dd>{formatDateTime(alarm.raisedAt, tz)}</dd></div>
        <div><dt>{t('incident.room')}</dt><dd>{roomName(site, props.incident.roomId)}</dd></div>
        <div><dt>{t('history.toAck')}</dt><dd>{seconds(alarm.secondsToAcknowledge)}</dd></div>
        <div><dt>{t('popup.outcome')}</dt><dd>{outcomeLabel(alarm.outcome)}</dd></div>
      </dl>
      <p data-testid="alarm-responders">
        {alarm.responders.length
          ? t('incident.responders', { names: alarm.responders.map((r) => `${r.name ?? r.username ?? '?'} (${formatDateTime(r.at, tz)})`).join(', ') })
          : t('popup.noResponders')}
      </p>
      {alarm.person && <p>{t('popup.person', { person: alarm.person })}</p>}
      <details>
        <summary>{t('timeline.heading')}</summary>
        <ol class="timeline">
          {alarm.timeline.map((e) => (
            <li data-event={e.type}>
              <time dateTime={e.at}>{formatDateTime(e.at, tz)}</time>
              <span>{eventText(e as TimelineEvent, stationName)}</span>
            </li>
          ))}
        </ol>
      </details>
      {props.linkToAlarm && <p><a href={routeHref({ page: 'alarm', id: alarm.id })}>{t('incident.openAlarm')}</a></p>}
    </section>
  );
}

function ReadLog(props: { id: string; timeZone: string | undefined }) {
  const [open, setOpen] = useState(false);
  const log = usePoll(() => (open ? api.incidentAudit(props.id).then((r) => r.entries) : Promise.resolve(null)), 0, [open, props.id]);
  return (
    <details class="read-log" onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>{t('incident.readLog')}</summary>
      <ErrorNotice error={log.error} onRetry={log.reload} />
      {log.data && (
        <table class="data">
          <thead><tr><th scope="col">{t('history.when')}</th><th scope="col">{t('history.who')}</th><th scope="col">{t('incident.readAction')}</th></tr></thead>
          <tbody>
            {log.data.map((e) => <tr><td>{formatDateTime(e.at, props.timeZone)}</td><td>{e.username}</td><td>{e.action} · {e.via}</td></tr>)}
          </tbody>
        </table>
      )}
    </details>
  );
}
