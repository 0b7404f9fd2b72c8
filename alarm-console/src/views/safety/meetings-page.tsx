// Meetings with elevated risk: an employee registers one (room, time window, a reason category –
// never the client's name) and gets the report's checklist; during the meeting the room's alarms
// use the faster chain and responders see a standby notice; the meeting is closed afterwards (an
// unclosed one raises an alarm like a missed check-out).
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { Meeting, MeetingChecklist, MeetingReason, SessionUser as User } from '@trygg/protocol';
import { pick, t } from '../../i18n/i18n';
import { formatClock, formatDateTime } from '../../state/format';
import { can } from '../../state/roles';
import { fromLocalInput, toLocalInput } from '../../state/site-time';
import { ErrorNotice, errorText, Field, Loading, Problems } from '../parts/form';
import { usePoll } from '../parts/hooks';
import { MEETING_REASONS, meetingReasonLabel, meetingStateLabel, type SafetySite } from './labels';

const HOUR = 3_600_000;

export function MeetingsPage(props: { user: User; site: SafetySite }) {
  const { user, site } = props;
  const meetings = usePoll(() => api.meetings().then((r) => r.meetings), 15_000, [site.id]);
  const [form, setForm] = useState({ roomId: '', from: toLocalInput(Date.now(), site.timezone), to: toLocalInput(Date.now() + HOUR, site.timezone), reason: '' as MeetingReason | '' });
  const [missing, setMissing] = useState<Set<string>>(new Set());
  const [problems, setProblems] = useState<string[]>([]);
  const [checklist, setChecklist] = useState<{ meeting: Meeting; checklist: MeetingChecklist } | null>(null);
  const [status, setStatus] = useState('');
  const rooms = site.view?.rooms ?? [];
  const list = [...(meetings.data ?? [])].filter((m) => m.siteId === site.id).sort((a, b) => Date.parse(b.from) - Date.parse(a.from));
  const active = list.filter((m) => m.standby && m.state === 'active');

  const register = async (e: Event) => {
    e.preventDefault();
    const from = fromLocalInput(form.from, site.timezone);
    const to = fromLocalInput(form.to, site.timezone);
    const gaps = new Set<string>();
    if (!form.roomId.trim()) gaps.add('room');
    if (!form.reason) gaps.add('reason');
    if (!from) gaps.add('from');
    if (!to || (from && Date.parse(to) <= Date.parse(from))) gaps.add('to');
    setMissing(gaps);
    if (gaps.size > 0 || !to || !form.reason) return;
    try {
      // A window that starts now (or in the last minutes) is sent without `from`: the server's clock starts it.
      const startsNow = from !== null && Date.parse(from) <= Date.now() + 60_000;
      const answer = await api.registerMeeting({ siteId: site.id, roomId: form.roomId.trim(), to, reason: form.reason, ...(startsNow || !from ? {} : { from }) });
      setChecklist(answer);
      setProblems([]);
      setStatus(t('meeting.registered', { room: answer.meeting.roomName }));
      meetings.reload();
    } catch (err) {
      setProblems([errorText(err)]);
    }
  };
  const close = async (m: Meeting) => {
    try {
      await api.closeMeeting(m.id);
      if (checklist?.meeting.id === m.id) setChecklist(null);
      setStatus(t('meeting.closedDone', { room: m.roomName }));
      meetings.reload();
    } catch (err) {
      setProblems([errorText(err)]);
    }
  };
  const showChecklist = async (m: Meeting) => {
    try {
      const answer = await api.meeting(m.id);
      if (answer.checklist) setChecklist({ meeting: answer.meeting, checklist: answer.checklist });
    } catch (err) {
      setProblems([errorText(err)]);
    }
  };
  const gap = (name: string, text: string) => (missing.has(name) ? [text] : []);

  return (
    <section aria-labelledby="meetings-heading">
      <h2 id="meetings-heading">{t('safety.meetings')}</h2>
      <p class="quiet">{t('meeting.intro')}</p>
      {can.standBy(user.role) && active.length > 0 && (
        <div class="standby" role="status" data-testid="standby-list">
          <h3>{t('meeting.activeHeading', { count: active.length })}</h3>
          <ul>{active.map((m) => <li data-meeting-id={m.id}>{pick(m.standby)}</li>)}</ul>
        </div>
      )}
      {checklist && (
        <section class="checklist" aria-labelledby="checklist-heading" data-testid="meeting-checklist">
          <h3 id="checklist-heading">{t('meeting.checklistHeading', { room: checklist.meeting.roomName })}</h3>
          <ul>
            {checklist.checklist.items.map((item) => (
              <li><label class="check"><input type="checkbox" data-item={item.id} /> {pick(item)}</label></li>
            ))}
          </ul>
          <p class="hint">{t('meeting.checklistSource', { source: checklist.checklist.source })}</p>
          <p>{t('meeting.window', { from: formatClock(checklist.meeting.from, site.timezone), to: formatClock(checklist.meeting.to, site.timezone) })}</p>
          <button type="button" class="primary" data-testid="meeting-close" onClick={() => void close(checklist.meeting)}>{t('meeting.close')}</button>
        </section>
      )}
      <form class="editor" id="meeting-form" noValidate onSubmit={register}>
        <h3>{t('meeting.registerHeading')}</h3>
        <p class="warning">{t('meeting.noName')}</p>
        <Problems problems={problems} heading={t('meeting.notRegistered')} />
        <Field id="meeting-room" label={t('meeting.room')} hint={rooms.length ? undefined : t('incident.roomIdHint')} problems={gap('room', t('meeting.roomMissing'))} required>
          {rooms.length > 0 ? (
            <select id="meeting-room" value={form.roomId} onChange={(e) => setForm({ ...form, roomId: (e.currentTarget as HTMLSelectElement).value })}>
              <option value="">{t('form.choose')}</option>
              {rooms.map((r) => <option value={r.id}>{r.name}</option>)}
            </select>
          ) : (
            <input id="meeting-room" value={form.roomId} onInput={(e) => setForm({ ...form, roomId: (e.currentTarget as HTMLInputElement).value })} />
          )}
        </Field>
        <div class="row tight">
          <Field id="meeting-from" label={t('meeting.from')} problems={gap('from', t('meeting.timeMissing'))} required>
            <input id="meeting-from" type="datetime-local" value={form.from} onInput={(e) => setForm({ ...form, from: (e.currentTarget as HTMLInputElement).value })} />
          </Field>
          <Field id="meeting-to" label={t('meeting.to')} problems={gap('to', t('meeting.toMissing'))} required>
            <input id="meeting-to" type="datetime-local" value={form.to} onInput={(e) => setForm({ ...form, to: (e.currentTarget as HTMLInputElement).value })} />
          </Field>
        </div>
        <p class="hint">{t('meeting.timeHint', { zone: site.timezone ?? t('incident.browserZone') })}</p>
        <Field id="meeting-reason" label={t('meeting.reason')} problems={gap('reason', t('meeting.reasonMissing'))} required>
          <select id="meeting-reason" value={form.reason} onChange={(e) => setForm({ ...form, reason: (e.currentTarget as HTMLSelectElement).value as MeetingReason })}>
            <option value="">{t('form.choose')}</option>
            {MEETING_REASONS.map((r) => <option value={r}>{meetingReasonLabel(r)}</option>)}
          </select>
        </Field>
        <div class="row">
          <button type="submit" class="primary" data-testid="meeting-register">{t('meeting.register')}</button>
          <p class="status" role="status">{status}</p>
        </div>
      </form>
      <h3>{can.standBy(user.role) ? t('meeting.allHeading') : t('meeting.ownHeading')}</h3>
      <ErrorNotice error={meetings.error} onRetry={meetings.reload} />
      {meetings.loading && <Loading />}
      {meetings.data && list.length === 0 && <p class="quiet">{t('meeting.empty')}</p>}
      {list.length > 0 && (
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">{t('meeting.room')}</th>
                <th scope="col">{t('meeting.from')}</th>
                <th scope="col">{t('meeting.to')}</th>
                <th scope="col">{t('meeting.reason')}</th>
                <th scope="col">{t('meeting.owner')}</th>
                <th scope="col">{t('meeting.state')}</th>
                <th scope="col"><span class="visually-hidden">{t('form.actions')}</span></th>
              </tr>
            </thead>
            <tbody>
              {list.map((m) => {
                const mine = m.owner === user.username;
                const open = m.state === 'active' || m.state === 'planned' || (m.state === 'missed' && !m.closedAt);
                return (
                  <tr data-meeting-id={m.id} data-state={m.state} class={m.state === 'missed' ? 'row-bad' : ''}>
                    <td>{m.roomName}</td>
                    <td>{formatDateTime(m.from, site.timezone)}</td>
                    <td>{formatDateTime(m.to, site.timezone)}</td>
                    <td>{meetingReasonLabel(m.reason)}</td>
                    <td>{m.owner}</td>
                    <td>{meetingStateLabel(m.state)}</td>
                    <td class="actions wrap">
                      {mine && open && <button type="button" class="secondary small" onClick={() => void showChecklist(m)}>{t('meeting.showChecklist')}</button>}
                      {open && (mine || can.followUp(user.role)) && (
                        <button type="button" class="secondary small" onClick={() => void close(m)}>{t('meeting.close')}</button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
