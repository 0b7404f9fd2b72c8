// Labels of the safety-work pages. Every key is written out (no computed keys), so the i18n test
// sees each one in use.
import type { Drill, IncidentStatus, Meeting, MeetingReason, MeasureStatus, NnEn, RiskLevel, RollCallState, SiteView, SummaryMetric, SessionUser as User } from '@trygg/protocol';
import { getLanguage, getLocale, t } from '../../i18n/i18n';
import { formatDuration } from '../../state/format';

/** The report's catalogue texts: as the report writes them (Nynorsk) in bokmål, English in English. */
export function reportText(text: NnEn | null | undefined): string {
  if (!text) return '–';
  return getLanguage() === 'en' ? text.en || text.nn : text.nn || text.en;
}

/** `lang` of a catalogue text, so a screen reader reads the Nynorsk right. */
export const reportLang = (): string => (getLanguage() === 'en' ? 'en' : 'nn');

export function incidentStatusLabel(status: IncidentStatus): string {
  switch (status) {
    case 'new': return t('incident.status.new');
    case 'reviewed': return t('incident.status.reviewed');
    default: return t('incident.status.closed');
  }
}

export function followUpStatusLabel(status: string): string {
  switch (status) {
    case 'in-progress': return t('incident.action.in-progress');
    case 'done': return t('incident.action.done');
    default: return t('incident.action.open');
  }
}

export const MEETING_REASONS: readonly MeetingReason[] = ['assessed-dangerous', 'earlier-threats-or-violence', 'difficult-decision', 'banned-client-appointment', 'other'];

export function meetingReasonLabel(reason: MeetingReason): string {
  switch (reason) {
    case 'assessed-dangerous': return t('meeting.reason.assessed-dangerous');
    case 'earlier-threats-or-violence': return t('meeting.reason.earlier-threats-or-violence');
    case 'difficult-decision': return t('meeting.reason.difficult-decision');
    case 'banned-client-appointment': return t('meeting.reason.banned-client-appointment');
    default: return t('meeting.reason.other');
  }
}

export function meetingStateLabel(state: Meeting['state']): string {
  switch (state) {
    case 'planned': return t('meeting.state.planned');
    case 'active': return t('meeting.state.active');
    case 'missed': return t('meeting.state.missed');
    default: return t('meeting.state.closed');
  }
}

export function levelLabel(level: RiskLevel): string {
  switch (level) {
    case 'red': return t('risk.level.red');
    case 'yellow': return t('risk.level.yellow');
    default: return t('risk.level.green');
  }
}

export const MEASURE_STATUSES: readonly MeasureStatus[] = ['proposed', 'planned', 'in-progress', 'done', 'rejected'];

export function measureStatusLabel(status: MeasureStatus): string {
  switch (status) {
    case 'proposed': return t('risk.measure.proposed');
    case 'planned': return t('risk.measure.planned');
    case 'in-progress': return t('risk.measure.in-progress');
    case 'done': return t('risk.measure.done');
    default: return t('risk.measure.rejected');
  }
}

export function measureKindLabel(kind: string): string {
  return kind === 'damage-limiting' ? t('risk.measure.damageLimiting') : t('risk.measure.preventive');
}

export function drillStateLabel(state: Drill['state']): string {
  switch (state) {
    case 'planned': return t('drill.state.planned');
    case 'running': return t('drill.state.running');
    case 'finished': return t('drill.state.finished');
    default: return t('drill.state.cancelled');
  }
}

export function rollCallStateLabel(state: RollCallState): string {
  switch (state) {
    case 'safe': return t('evacuation.state.safe');
    case 'needs-help': return t('evacuation.state.needs-help');
    case 'unreached': return t('evacuation.state.unreached');
    default: return t('evacuation.state.unanswered');
  }
}

export const SUMMARY_METRICS: readonly SummaryMetric[] = ['secondsToFirstNotification', 'secondsToAcknowledge', 'secondsToResponding', 'secondsToOnScene', 'secondsToClose'];

export function metricLabel(metric: SummaryMetric): string {
  switch (metric) {
    case 'secondsToFirstNotification': return t('drill.metric.firstNotification');
    case 'secondsToAcknowledge': return t('drill.metric.acknowledge');
    case 'secondsToResponding': return t('drill.metric.responding');
    case 'secondsToOnScene': return t('drill.metric.onScene');
    default: return t('drill.metric.close');
  }
}

/** Seconds from the server (with decimals) as "0,4 s" or "1 min 05 s"; null as a dash. */
export function seconds(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  if (Math.abs(value) < 60) return t('time.seconds', { s: new Intl.NumberFormat(getLocale(), { maximumFractionDigits: 1 }).format(Math.abs(value)) });
  return formatDuration(Math.abs(value) * 1000);
}

/** A difference against earlier drills: "−4 s" faster, "+12 s" slower. */
export function secondsDiff(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  const text = seconds(value);
  return value < 0 ? t('drill.faster', { time: text }) : value > 0 ? t('drill.slower', { time: text }) : t('drill.same');
}

export function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : `${Math.round(value * 1000) / 10} %`;
}

/** A site the safety pages work on. Employees may not list sites: for them only the id is known. */
export interface SafetySite {
  id: string;
  name: string;
  timezone?: string;
  view?: SiteView;
}

export function safetySites(user: User, sites: SiteView[]): SafetySite[] {
  if (sites.length > 0) return sites.map((s) => ({ id: s.id, name: s.name, timezone: s.timezone, view: s }));
  return user.sites.filter((id) => id !== '*').map((id) => ({ id, name: id }));
}

export function roomName(site: SafetySite, roomId: string | null | undefined): string {
  if (!roomId) return '–';
  return site.view?.rooms.find((r) => r.id === roomId)?.name ?? roomId;
}

/** A request a button runs (kept in a .ts file: the i18n test reads `=> Promise<` in a view as text). */
export type Task = () => Promise<unknown>;
