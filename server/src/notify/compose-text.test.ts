import { describe, expect, it } from 'vitest';
import { composeSms, composeVoice, DRILL_MARK, formatTime } from './compose-text';
import type { NotificationSubject } from './notifier';

const subject: NotificationSubject = {
  alarmId: 'a-17', kind: 'panic', state: 'raised', drill: false,
  site: { id: 'oslo', name: 'Kontor Oslo', address: 'Storgata 1, 0155 Oslo', entrance: 'B', timezone: 'Europe/Oslo' },
  room: { id: 'r', name: 'Resepsjon', floor: '3' },
  raisedAt: '2026-07-01T08:05:00.000Z',
};

describe('composeSms', () => {
  it('gives a 112 operator kind, address, entrance, floor, room and local time (bokmål)', () => {
    expect(composeSms(subject, 'alarm', 'nb')).toBe([
      'TRYGG ALARM: Overfallsalarm (utløst)',
      'Kontor Oslo, Storgata 1, 0155 Oslo, inngang B',
      'etasje 3, rom Resepsjon',
      'Utløst 01.07.2026 10:05', // summer time in Oslo
      'Ref a-17',
    ].join('\n'));
  });

  it('tells the 112 operator how many staff are logged in on site', () => {
    expect(composeSms({ ...subject, peopleOnSite: 3 }, 'alarm', 'nb')).toContain('Ansatte innlogget på stedet: 3');
    expect(composeSms({ ...subject, peopleOnSite: 0 }, 'alarm', 'en')).toContain('Staff logged in on site: 0');
  });

  it('English, and a portable alarm with person and position', () => {
    const portable = { ...subject, kind: 'man-down' as const, room: undefined, person: 'Kari Nordmann', location: { lat: 59.9127, lon: 10.7461, accuracyM: 12.4 } };
    expect(composeSms(portable, 'alarm', 'en')).toBe([
      'TRYGG ALARM: Man-down alarm (fall/no movement) (raised)',
      'Kontor Oslo, Storgata 1, 0155 Oslo, entrance B',
      'Person: Kari Nordmann',
      'Position: 59.91270, 10.74610 (±12 m)',
      'Raised 01.07.2026 10:05',
      'Ref a-17',
    ].join('\n'));
  });

  it('marks drills first, in both languages, also on free text', () => {
    const drill = { ...subject, drill: true };
    expect(composeSms(drill, 'alarm', 'nb').split('\n')[0]).toBe(DRILL_MARK);
    expect(composeSms(drill, 'alarm', 'en').split('\n')[0]).toBe('ØVELSE / DRILL');
    expect(composeVoice(drill, 'alarm', 'en')).toMatch(/^This is Trygg\. ØVELSE \/ DRILL\. Panic alarm\./);
    const evac = { ...drill, kind: 'evacuation' as const, text: { nb: 'Forlat bygget via nærmeste nødutgang.', en: 'Leave the building.' } };
    expect(composeSms(evac, 'evacuation', 'nb')).toBe(`${DRILL_MARK}\nForlat bygget via nærmeste nødutgang.\nSvar TRYGG OK hvis du er i sikkerhet.\nRef a-17`);
  });

  it('restore and voice wording', () => {
    expect(composeSms({ ...subject, state: 'resolved' }, 'restore', 'nb').split('\n')[0]).toBe('TRYGG AVSLUTTET: Overfallsalarm (avsluttet)');
    expect(composeVoice(subject, 'alarm', 'nb')).toBe(
      'Dette er Trygg. Overfallsalarm. Kontor Oslo, Storgata 1, 0155 Oslo, inngang B, etasje 3, rom Resepsjon. Utløst 01.07.2026 klokken 10:05. Trykk 1 for å bekrefte.');
    expect(composeVoice({ ...subject, kind: 'evacuation' }, 'evacuation', 'en')).toMatch(/Press 1 if you are safe, 2 if you need help\.$/);
  });

  it('formats time in the site zone; an unknown zone falls back to Oslo, a bad time is shown as given', () => {
    expect(formatTime('2026-01-05T09:00:00.000Z', 'Europe/Oslo')).toBe('05.01.2026 10:00');
    expect(formatTime('2026-01-05T09:00:00.000Z', 'America/New_York')).toBe('05.01.2026 04:00');
    expect(formatTime('2026-01-05T09:00:00.000Z', 'Nowhere/Land')).toBe('05.01.2026 10:00');
    expect(formatTime('soon')).toBe('soon');
  });
});
