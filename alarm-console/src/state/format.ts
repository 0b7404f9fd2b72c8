// Labels and times as the console shows them. Times are in the site's time zone (site.timezone,
// Intl), so a wall screen in Bergen and a laptop abroad show the same clock.
import type { ConsoleAlarm } from '@trygg/protocol';
import { getLocale, t } from '../i18n/i18n';

export function kindLabel(kind: string): string {
  switch (kind) {
    case 'panic': return t('kind.panic');
    case 'personal': return t('kind.personal');
    case 'man-down': return t('kind.man-down');
    case 'no-checkin': return t('kind.no-checkin');
    case 'evacuation': return t('kind.evacuation');
    case 'technical': return t('kind.technical');
    default: return t('kind.other');
  }
}

export function stateLabel(state: string): string {
  switch (state) {
    case 'raised': return t('state.raised');
    case 'acknowledged': return t('state.acknowledged');
    case 'responding': return t('state.responding');
    case 'resolved': return t('state.resolved');
    case 'cancelled': return t('state.cancelled');
    default: return state;
  }
}

export function outcomeLabel(outcome: string | undefined): string {
  switch (outcome) {
    case 'real': return t('outcome.real');
    case 'false': return t('outcome.false');
    case 'test': return t('outcome.test');
    case 'cleared': return t('outcome.cleared');
    default: return '–';
  }
}

export function technicalCauseLabel(cause: string): string {
  switch (cause) {
    case 'device-offline': return t('technical.device-offline');
    case 'low-battery': return t('technical.low-battery');
    case 'tamper': return t('technical.tamper');
    case 'gateway-offline': return t('technical.gateway-offline');
    case 'arc-link-down': return t('technical.arc-link-down');
    case 'delivery-failed': return t('technical.delivery-failed');
    case 'event-rejected': return t('technical.event-rejected');
    case 'config-fallback': return t('technical.config-fallback');
    default: return t('technical.other', { cause });
  }
}

export function placeLabel(alarm: Pick<ConsoleAlarm, 'roomName' | 'roomId' | 'floor' | 'deviceId'> & { kind?: string }): string {
  const room = alarm.roomName ?? alarm.roomId;
  if (room && alarm.floor) return t('popup.roomFloor', { room, floor: alarm.floor });
  if (room) return room;
  if (alarm.deviceId) return t('popup.device', { device: alarm.deviceId });
  // An evacuation started from the console is about the whole building, not an unknown room.
  if (alarm.kind === 'evacuation') return t('popup.wholeBuilding');
  return t('popup.unknownRoom');
}

export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return t('time.hours', { h, m });
  if (m > 0) return t('time.minutes', { m, s: String(s).padStart(2, '0') });
  return t('time.seconds', { s });
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string | undefined, withDate: boolean): Intl.DateTimeFormat {
  const key = `${getLocale()}|${timeZone ?? ''}|${withDate}`;
  let f = formatters.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions = withDate
      ? { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }
      : { hour: '2-digit', minute: '2-digit', second: '2-digit' };
    try {
      f = new Intl.DateTimeFormat(getLocale(), { ...options, timeZone });
    } catch {
      f = new Intl.DateTimeFormat(getLocale(), options); // unknown time zone in the configuration
    }
    formatters.set(key, f);
  }
  return f;
}

/** A clock time (`09:15:02`) in the site's time zone. */
export function formatClock(at: string | number | Date, timeZone?: string): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? '–' : formatter(timeZone, false).format(d);
}

/** Date and time (`04.03.2025, 09:15:02`) in the site's time zone. */
export function formatDateTime(at: string | number | Date | null | undefined, timeZone?: string): string {
  if (at === null || at === undefined) return '–';
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? '–' : formatter(timeZone, true).format(d);
}

export function formatCoordinates(lat: number, lon: number): string {
  return `${lat.toFixed(5)}, ${lon.toFixed(5)}`;
}
