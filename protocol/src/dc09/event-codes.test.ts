/**
 * Keeps docs/sia-dc09.md and the code table in step (like errors.md), checks the doc's example
 * frames, and holds the drill safety rule for every kind.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALARM_KINDS } from '../messages/alarm-state';
import { parseDc09Frame } from './frame';
import { DC09_EVENT_CODES, DC09_TEST_CID_CODES, DC09_TEST_SIA_CODES, dc09EventFor, type Dc09EventKind } from './event-codes';

const doc = readFileSync(new URL('../../../docs/sia-dc09.md', import.meta.url), 'utf8');

describe('docs/sia-dc09.md', () => {
  it('lists exactly the codes of DC09_EVENT_CODES', () => {
    const table = doc.slice(doc.indexOf('<!-- dc09-event-codes -->'));
    const rows = [...table.matchAll(/^\|\s*`([a-z-]+)`\s*\|\s*(\d{3})\s*\|\s*([A-Z]{2})\s*\|\s*([A-Z]{2})\s*\|/gm)].map((m) => ({
      kind: m[1]!, cid: m[2]!, sia: m[3]!, siaRestore: m[4]!,
    }));
    const code = Object.entries(DC09_EVENT_CODES).map(([kind, c]) => ({ kind, cid: c.cid, sia: c.sia, siaRestore: c.siaRestore }));
    expect(rows).toEqual(code);
  });

  it('shows example frames whose CRC and length are right', () => {
    const frames = [...doc.matchAll(/<LF>([0-9A-F]{8}".*?)<CR>/g)].map((m) => m[1]!);
    expect(frames.length).toBeGreaterThanOrEqual(3);
    for (const f of frames) expect(parseDc09Frame(f)).toMatchObject({ ok: true });
  });
});

describe('event codes', () => {
  // Safety rule: a drill never reaches the ARC as a real alarm code.
  it('maps every drill, of every kind, raised or restored, duress or not, to a test code', () => {
    for (const kind of ALARM_KINDS) {
      for (const restore of [false, true]) {
        for (const duress of [false, true]) {
          const e = dc09EventFor({ kind, drill: true, duress, condition: 'low-battery' }, restore);
          expect(e.kind).toBe('drill');
          expect(DC09_TEST_CID_CODES.has(e.cid.event)).toBe(true);
          expect(DC09_TEST_SIA_CODES.has(e.sia)).toBe(true);
        }
      }
    }
  });

  it('no real event uses a test code', () => {
    for (const [kind, c] of Object.entries(DC09_EVENT_CODES) as [Dc09EventKind, (typeof DC09_EVENT_CODES)[Dc09EventKind]][]) {
      if (kind === 'drill') continue;
      expect(DC09_TEST_CID_CODES.has(c.cid)).toBe(false);
      expect(DC09_TEST_SIA_CODES.has(c.sia)).toBe(false);
    }
  });

  it('maps the alarm kinds, duress, technical conditions and restores', () => {
    const cases: [Parameters<typeof dc09EventFor>[0], boolean, string, string][] = [
      [{ kind: 'panic', drill: false }, false, '1120', 'PA'],
      [{ kind: 'panic', drill: false }, true, '3120', 'PH'],
      [{ kind: 'panic', drill: false, duress: true }, false, '1121', 'HA'],
      [{ kind: 'personal', drill: false }, false, '1101', 'QA'],
      [{ kind: 'man-down', drill: false }, false, '1100', 'MA'],
      [{ kind: 'no-checkin', drill: false }, false, '1102', 'QA'],
      [{ kind: 'evacuation', drill: false }, true, '3140', 'UH'],
      [{ kind: 'technical', drill: false }, false, '1380', 'UT'],
      [{ kind: 'technical', drill: false, condition: 'device-offline' }, true, '3381', 'UJ'],
      [{ kind: 'technical', drill: false, duress: true, condition: 'gateway-down' }, false, '1350', 'YS'],
      [{ kind: 'panic', drill: true }, true, '3601', 'RX'],
    ];
    for (const [input, restore, cid, sia] of cases) {
      const e = dc09EventFor(input, restore);
      expect(`${e.cid.qualifier}${e.cid.event}`).toBe(cid);
      expect(e.sia).toBe(sia);
    }
  });
});
