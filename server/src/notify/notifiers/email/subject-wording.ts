import type { AlarmKind } from '@trygg/protocol';
import { DRILL_MARK, type Language } from '../../compose-text';
import type { Notification, NotificationSubject } from '../../notifier';

/**
 * Human wording of a NotificationSubject in bokmål and English for the e-mail and CAP notifiers,
 * which need more structure than SMS/voice (compose-text.ts): a headline, labelled facts, an
 * instruction, and the local time with its zone. Same kind names and drill mark as SMS/voice.
 * Pure: no clock, no I/O.
 */
export { DRILL_MARK, type Language };

export const DEFAULT_TIMEZONE = 'Europe/Oslo';

const KIND_NAMES: Record<AlarmKind, Record<Language, string>> = {
  panic: { nb: 'Overfallsalarm', en: 'Panic alarm' },
  personal: { nb: 'Personalarm', en: 'Personal alarm' },
  'man-down': { nb: 'Mann ned-alarm (fall/ubevegelig)', en: 'Man-down alarm (fall/no movement)' },
  'no-checkin': { nb: 'Uteblitt innsjekk (alenearbeid)', en: 'Missed check-in (lone worker)' },
  evacuation: { nb: 'Evakuering', en: 'Evacuation' },
  technical: { nb: 'Teknisk alarm', en: 'Technical alarm' },
};

const LABELS = {
  nb: {
    site: 'Sted', entrance: 'Inngang', room: 'Rom', floor: 'etasje', person: 'Person', time: 'Tid',
    position: 'Posisjon', alarmId: 'Alarm-ID', device: 'Enhet', at: 'kl.',
    resolved: 'Avsluttet', cancelled: 'Avbrutt', linkTest: 'Linktest', evacuate: 'EVAKUERING',
    drillNote: 'Dette er en øvelse. Ingen reell fare.',
    alarmInstruction: 'Rykk ut til stedet og bekreft alarmen i Trygg.',
    evacuationInstruction: 'Forlat bygget via nærmeste nødutgang og gå til møteplassen.',
    restoreInstruction: 'Ingen videre handling er nødvendig.',
    linkTestInstruction: 'Ingen handling er nødvendig.',
  },
  en: {
    site: 'Site', entrance: 'Entrance', room: 'Room', floor: 'floor', person: 'Person', time: 'Time',
    position: 'Position', alarmId: 'Alarm ID', device: 'Device', at: 'at',
    resolved: 'Resolved', cancelled: 'Cancelled', linkTest: 'Link test', evacuate: 'EVACUATION',
    drillNote: 'This is a drill. There is no real danger.',
    alarmInstruction: 'Go to the location and acknowledge the alarm in Trygg.',
    evacuationInstruction: 'Leave the building by the nearest emergency exit and go to the assembly point.',
    restoreInstruction: 'No further action is needed.',
    linkTestInstruction: 'No action is needed.',
  },
} as const;

export function kindName(kind: AlarmKind, lang: Language): string {
  return KIND_NAMES[kind]?.[lang] ?? kind;
}

/** Removes CR/LF and other control characters from one-line text (headers, headlines). */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s{2,}/g, ' ').trim();
}

/** "Møterom 3, 2. etasje" / "Meeting room 3, floor 2"; undefined without a room. */
export function roomLine(subject: NotificationSubject, lang: Language): string | undefined {
  if (!subject.room) return undefined;
  const floor = subject.room.floor;
  if (!floor) return subject.room.name;
  if (lang === 'en') return `${subject.room.name}, ${LABELS.en.floor} ${floor}`;
  // "2. etasje", but "etasje U1" for a floor that is not a number.
  return /^-?\d+$/.test(floor) ? `${subject.room.name}, ${floor}. ${LABELS.nb.floor}` : `${subject.room.name}, ${LABELS.nb.floor} ${floor}`;
}

/** Site name and address, e.g. "Trygg AS, Storgata 1, 0155 Oslo". */
export function siteLine(subject: NotificationSubject): string {
  return [subject.site.name, subject.site.address].filter((s): s is string => !!s).join(', ');
}

/** "26.11.2026 kl. 16:00:00 (Europe/Oslo, UTC+1)" or "2026-11-26 at 16:00:00 (Europe/Oslo, UTC+1)". */
export function localTime(iso: string, timezone: string | undefined, lang: Language): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  let zone = timezone || DEFAULT_TIMEZONE;
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = formatter(zone).formatToParts(date);
  } catch {
    zone = DEFAULT_TIMEZONE; // an unknown zone in config must not stop the alarm going out
    parts = formatter(zone).formatToParts(date);
  }
  const p = (type: Intl.DateTimeFormatPartTypes) => parts.find((x) => x.type === type)?.value ?? '';
  const offset = p('timeZoneName').replace(/^GMT/, 'UTC') || 'UTC';
  const clock = `${p('hour')}:${p('minute')}:${p('second')}`;
  const day = lang === 'nb' ? `${p('day')}.${p('month')}.${p('year')}` : `${p('year')}-${p('month')}-${p('day')}`;
  return `${day} ${LABELS[lang].at} ${clock} (${zone}, ${offset})`;
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'shortOffset',
  });
}

/** One-line headline: "ØVELSE / DRILL: Overfallsalarm – Trygg AS, Møterom 3, 2. etasje". */
export function headline(n: Notification, lang: Language): string {
  const s = n.subject;
  const l = LABELS[lang];
  const where = [s.site.name, roomLine(s, lang)].filter(Boolean).join(', ');
  let what: string;
  switch (n.purpose) {
    case 'evacuation': what = l.evacuate; break;
    case 'restore': what = `${s.state === 'cancelled' ? l.cancelled : l.resolved}: ${kindName(s.kind, lang)}`; break;
    case 'link-test': what = l.linkTest; break;
    default: what = kindName(s.kind, lang);
  }
  return oneLine(`${s.drill ? `${DRILL_MARK}: ` : ''}${what} – ${where}`);
}

/** Labelled facts, one per line, for mail bodies and CAP descriptions. */
export function factLines(n: Notification, lang: Language): string[] {
  const s = n.subject;
  const l = LABELS[lang];
  const lines = [`${l.site}: ${siteLine(s)}`];
  if (s.site.entrance) lines.push(`${l.entrance}: ${s.site.entrance}`);
  const room = roomLine(s, lang);
  if (room) lines.push(`${l.room}: ${room}`);
  if (s.person) lines.push(`${l.person}: ${s.person}`);
  if (hasPosition(s)) {
    const acc = s.location?.accuracyM !== undefined ? ` (±${Math.round(s.location.accuracyM)} m)` : '';
    lines.push(`${l.position}: ${s.location!.lat}, ${s.location!.lon}${acc}`);
  }
  lines.push(`${l.time}: ${localTime(s.raisedAt, s.site.timezone, lang)}`);
  if (s.deviceId) lines.push(`${l.device}: ${s.deviceId}`);
  if (s.alarmId) lines.push(`${l.alarmId}: ${s.alarmId}`);
  return lines.map(oneLine);
}

/** What the reader should do: the sender's text (e.g. the assembly point) or a default. */
export function instruction(n: Notification, lang: Language): string {
  const text = n.subject.text?.[lang]?.trim();
  if (text) return text;
  const l = LABELS[lang];
  switch (n.purpose) {
    case 'evacuation': return l.evacuationInstruction;
    case 'restore': return l.restoreInstruction;
    case 'link-test': return l.linkTestInstruction;
    default: return n.subject.kind === 'evacuation' ? l.evacuationInstruction : l.alarmInstruction;
  }
}

export function drillNote(lang: Language): string {
  return `${DRILL_MARK} – ${LABELS[lang].drillNote}`;
}

/** True when the subject carries a usable WGS 84 position. */
export function hasPosition(s: NotificationSubject): boolean {
  const lat = s.location?.lat;
  const lon = s.location?.lon;
  return typeof lat === 'number' && typeof lon === 'number' && Number.isFinite(lat) && Number.isFinite(lon)
    && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
}
