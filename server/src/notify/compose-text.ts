import type { AlarmKind, AlarmStateName } from '@trygg/protocol';
import type { NotificationPurpose, NotificationSubject } from './notifier';

/**
 * SMS and voice text, bokmål and English. Written for whoever must act on it — a guard, a
 * colleague, a 112 operator: what happened, exactly where (address, entrance, floor, room, or a
 * position for a portable alarm), who, and when, in the site's time zone. Drills are marked
 * "ØVELSE / DRILL" first, in both languages, so nobody dispatches a patrol to an exercise.
 */
export type Language = 'nb' | 'en';
export const DRILL_MARK = 'ØVELSE / DRILL';

const KIND: Record<Language, Record<AlarmKind, string>> = {
  nb: {
    panic: 'Overfallsalarm', personal: 'Personalarm', 'man-down': 'Mann ned-alarm (fall/ubevegelig)',
    'no-checkin': 'Uteblitt innsjekk (alenearbeid)', evacuation: 'Evakuering', technical: 'Teknisk alarm',
  },
  en: {
    panic: 'Panic alarm', personal: 'Personal alarm', 'man-down': 'Man-down alarm (fall/no movement)',
    'no-checkin': 'Missed check-in (lone worker)', evacuation: 'Evacuation', technical: 'Technical alarm',
  },
};

const STATE: Record<Language, Record<AlarmStateName, string>> = {
  nb: { raised: 'utløst', acknowledged: 'kvittert', responding: 'under håndtering', resolved: 'avsluttet', cancelled: 'avbrutt' },
  en: { raised: 'raised', acknowledged: 'acknowledged', responding: 'being handled', resolved: 'resolved', cancelled: 'cancelled' },
};

const WORDS = {
  nb: {
    alarm: 'ALARM', restore: 'AVSLUTTET', evacuation: 'EVAKUERING', linkTest: 'Trygg linktest', entrance: 'inngang', floor: 'etasje',
    room: 'rom', person: 'Person', position: 'Posisjon', raisedAt: 'Utløst', ref: 'Ref', thisIs: 'Dette er Trygg.',
    smsReply: 'Svar TRYGG OK hvis du er i sikkerhet.', voiceAck: 'Trykk 1 for å bekrefte.',
    voiceRollCall: 'Trykk 1 hvis du er i sikkerhet, 2 hvis du trenger hjelp.', at: 'klokken',
    peopleOnSite: 'Ansatte innlogget på stedet',
  },
  en: {
    alarm: 'ALARM', restore: 'CLOSED', evacuation: 'EVACUATION', linkTest: 'Trygg link test', entrance: 'entrance', floor: 'floor',
    room: 'room', person: 'Person', position: 'Position', raisedAt: 'Raised', ref: 'Ref', thisIs: 'This is Trygg.',
    smsReply: 'Reply TRYGG OK if you are safe.', voiceAck: 'Press 1 to acknowledge.',
    voiceRollCall: 'Press 1 if you are safe, 2 if you need help.', at: 'at',
    peopleOnSite: 'Staff logged in on site',
  },
} as const;

/** One SMS: short lines, most important first. */
export function composeSms(subject: NotificationSubject, purpose: NotificationPurpose, language: Language = 'nb'): string {
  const w = WORDS[language];
  const lines: string[] = [];
  if (subject.drill) lines.push(DRILL_MARK);
  if (subject.text) {
    lines.push(subject.text[language]);
  } else {
    lines.push(headline(subject, purpose, language));
    if (purpose !== 'link-test') lines.push(...where(subject, language));
    lines.push(`${w.raisedAt} ${formatTime(subject.raisedAt, subject.site.timezone)}`);
  }
  if (purpose === 'evacuation') lines.push(w.smsReply);
  if (subject.alarmId) lines.push(`${w.ref} ${subject.alarmId}`);
  return lines.join('\n');
}

/** The same for text-to-speech: sentences, no abbreviations, then what to press. */
export function composeVoice(subject: NotificationSubject, purpose: NotificationPurpose, language: Language = 'nb'): string {
  const w = WORDS[language];
  const parts: string[] = [w.thisIs];
  if (subject.drill) parts.push(`${DRILL_MARK}.`);
  if (subject.text) {
    parts.push(subject.text[language]);
  } else {
    parts.push(`${spokenHeadline(subject, purpose, language)}.`);
    if (purpose !== 'link-test') parts.push(`${where(subject, language).join(', ')}.`);
    const [date, time] = formatTime(subject.raisedAt, subject.site.timezone).split(' ');
    parts.push(time ? `${w.raisedAt} ${date} ${w.at} ${time}.` : `${w.raisedAt} ${date}.`);
  }
  if (purpose === 'evacuation') parts.push(w.voiceRollCall);
  else if (purpose === 'alarm') parts.push(w.voiceAck);
  return parts.join(' ');
}

function headline(s: NotificationSubject, purpose: NotificationPurpose, language: Language): string {
  const w = WORDS[language];
  const kind = KIND[language][s.kind];
  switch (purpose) {
    case 'alarm': return `TRYGG ${w.alarm}: ${kind} (${STATE[language][s.state]})`;
    case 'restore': return `TRYGG ${w.restore}: ${kind} (${STATE[language][s.state]})`;
    case 'evacuation': return `TRYGG ${w.evacuation}: ${kind}`;
    case 'link-test': return `${w.linkTest}: ${s.site.name}`;
  }
}

function spokenHeadline(s: NotificationSubject, purpose: NotificationPurpose, language: Language): string {
  const kind = KIND[language][s.kind];
  switch (purpose) {
    case 'alarm': return kind;
    case 'restore': return `${kind}: ${STATE[language][s.state]}`;
    case 'evacuation': return `${WORDS[language].evacuation.toLowerCase()}, ${kind}`;
    case 'link-test': return `${WORDS[language].linkTest}: ${s.site.name}`;
  }
}

function where(s: NotificationSubject, language: Language): string[] {
  const w = WORDS[language];
  const place = [s.site.name, s.site.address, s.site.entrance && `${w.entrance} ${s.site.entrance}`]
    .filter(Boolean).join(', ');
  const inside = [s.room?.floor && `${w.floor} ${s.room.floor}`, s.room && `${w.room} ${s.room.name}`].filter(Boolean).join(', ');
  const lines = [place];
  if (inside) lines.push(inside);
  if (s.person) lines.push(`${w.person}: ${s.person}`);
  if (s.peopleOnSite !== undefined) lines.push(`${w.peopleOnSite}: ${s.peopleOnSite}`);
  const loc = s.location;
  if (loc?.lat !== undefined && loc.lon !== undefined) {
    const accuracy = loc.accuracyM !== undefined ? ` (±${Math.round(loc.accuracyM)} m)` : '';
    lines.push(`${w.position}: ${loc.lat.toFixed(5)}, ${loc.lon.toFixed(5)}${accuracy}`);
  }
  return lines;
}

/** `dd.mm.yyyy hh:mm` in the site's zone (default Europe/Oslo); an unreadable time is shown as given. */
export function formatTime(iso: string, timeZone = 'Europe/Oslo'): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-GB', {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    }).formatToParts(date);
  } catch {
    return timeZone === 'Europe/Oslo' ? iso : formatTime(iso, 'Europe/Oslo');
  }
  const p = (type: string) => parts.find((x) => x.type === type)?.value ?? '';
  return `${p('day')}.${p('month')}.${p('year')} ${p('hour')}:${p('minute')}`;
}
