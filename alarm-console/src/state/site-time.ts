// Date and time inputs in the site's time zone. `<input type="datetime-local">` knows only the
// browser's zone; a manager in Oslo planning a drill for an office in another zone (or a laptop
// set to UTC) must still type the office's clock. These convert between that local text
// (`2025-03-04T09:15`) and an ISO instant, through Intl with the site's `timezone`.
import { getLocale } from '../i18n/i18n';

type Parts = { y: number; mo: number; d: number; h: number; mi: number };

function zoneFormatter(timeZone: string | undefined): Intl.DateTimeFormat {
  const options: Intl.DateTimeFormatOptions = { hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' };
  try {
    return new Intl.DateTimeFormat('en-CA', { ...options, timeZone });
  } catch {
    return new Intl.DateTimeFormat('en-CA', options); // unknown zone in the configuration: the browser's
  }
}

function partsIn(ms: number, timeZone: string | undefined): Parts {
  const get = (parts: Intl.DateTimeFormatPart[], type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const p = zoneFormatter(timeZone).formatToParts(new Date(ms));
  return { y: get(p, 'year'), mo: get(p, 'month'), d: get(p, 'day'), h: get(p, 'hour') % 24, mi: get(p, 'minute') };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** An instant as the text of a datetime-local input, on the site's clock. */
export function toLocalInput(at: string | number | Date, timeZone: string | undefined): string {
  const ms = new Date(at).getTime();
  if (Number.isNaN(ms)) return '';
  const p = partsIn(ms, timeZone);
  return `${pad(p.y, 4)}-${pad(p.mo)}-${pad(p.d)}T${pad(p.h)}:${pad(p.mi)}`;
}

/** The text of a datetime-local input, read on the site's clock, as an ISO instant; null if it is not a time. */
export function fromLocalInput(value: string, timeZone: string | undefined): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value.trim());
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const wanted = Date.UTC(y, mo - 1, d, h, mi);
  // The zone's offset at a guess, then again at the result (right across a DST change).
  const offsetAt = (ms: number) => {
    const p = partsIn(ms, timeZone);
    return Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi) - Math.floor(ms / 60_000) * 60_000;
  };
  let ms = wanted - offsetAt(wanted);
  ms = wanted - offsetAt(ms);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** A date (`04.03.2025`) in the site's time zone. */
export function formatDate(at: string | number | Date | null | undefined, timeZone?: string): string {
  if (at === null || at === undefined) return '–';
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return '–';
  try {
    return new Intl.DateTimeFormat(getLocale(), { year: 'numeric', month: '2-digit', day: '2-digit', timeZone }).format(d);
  } catch {
    return new Intl.DateTimeFormat(getLocale(), { year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
  }
}

/** A statistics month (`2025-03`) as "mars 2025" / "March 2025". */
export function formatMonth(month: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return month;
  return new Intl.DateTimeFormat(getLocale(), { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 15)));
}
