import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { FakeClock } from '@trygg/protocol';
import { describe, expect, it } from 'vitest';
import { propertyRuns, propertyTimeout } from '../../../test/support/property-runs';
import type { Alarm, AlarmEvent } from '../alarm/alarm-types';
import { bootLoneWork, DURESS_PIN } from './lone-work-test-harness';

/**
 * Property "no cause waits behind another": over random sequences of presses, man-downs,
 * check-in timers running out, duress cancels and resolves on two portable alarms, every cause
 * is raised as an alarm or attached to the device's open alarm in the very clock instant it was
 * due (a press: when sent; a man-down: at the pre-alarm deadline, or at a duress cancel during
 * the window; a missed check-in: at the visit's `until`), exactly once, and every attached cause
 * escalates its alarm in that same instant. Real SQLite, real engine and lone-work feature; only
 * time is simulated.
 */

const DEVICES = ['alarm-kari', 'alarm-ola'] as const;
const PERSON_OF: Record<string, string> = { 'Kari Kollega': 'alarm-kari', 'Ola Heimeteneste': 'alarm-ola' };
const PRE_ALARM_MS = 30_000;

type Action =
  | { t: 'press' | 'man-down' | 'resolve'; device: number }
  | { t: 'visit'; device: number; minutes: number }
  | { t: 'duress' }
  | { t: 'advance'; ms: number };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ t: fc.constantFrom('press' as const, 'man-down' as const, 'resolve' as const), device: fc.nat(1) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('visit' as const), device: fc.nat(1), minutes: fc.integer({ min: 1, max: 20 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('duress' as const) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.oneof(fc.integer({ min: 0, max: 40_000 }), fc.integer({ min: 0, max: 15 * 60_000 })) }) },
);

type CauseType = 'press' | 'man-down' | 'no-checkin';
const causeKey = (device: string, type: CauseType, at: number) => `${device} ${type} @${at}`;

/** Every cause the stored alarms show, with the instant it reached an alarm. */
function recordedCauses(alarms: { alarm: Alarm; events: AlarmEvent[] }[]): string[] {
  const out: string[] = [];
  const typeOf = (kind: string, sourceEventId?: string): CauseType =>
    kind === 'man-down' || sourceEventId?.startsWith('man-down:') ? 'man-down' : kind === 'no-checkin' || sourceEventId?.startsWith('visit:') ? 'no-checkin' : 'press';
  for (const { alarm, events } of alarms) {
    const device = alarm.deviceId ?? PERSON_OF[alarm.detail?.person ?? ''] ?? '?';
    events.forEach((e, i) => {
      if (e.type === 'raised') out.push(causeKey(device, typeOf(e.origin.kind), e.at));
      if (e.type === 'press-folded') out.push(causeKey(device, typeOf('personal', e.sourceEventId), e.at));
      if (e.type === 'cause-added') {
        out.push(causeKey(device, typeOf(e.cause.kind), e.at));
        // Visibly escalated in the same instant: the next step (or the loud one again) fired.
        const next = events[i + 1];
        expect(next && (next.type === 'step-notified' || next.type === 'step-skipped') && next.at === e.at, `cause on ${alarm.id} not escalated at once`).toBe(true);
      }
    });
  }
  return out.sort();
}

describe('lone work: a new cause on a device is never delayed by its open alarm (property)', () => {
  const runs = propertyRuns(25);
  it('press / man-down / check-in expiry / duress cancel / resolve on two devices: every cause raised or attached at the instant it is due, once', async () => {
    await fc.assert(fc.asyncProperty(fc.array(actionArb, { minLength: 1, maxLength: 25 }), async (actions) => {
      const dir = mkdtempSync(join(tmpdir(), 'trygg-causes-'));
      const clock = new FakeClock();
      const life = await bootLoneWork(dir, clock);
      try {
        const expected: string[] = [];
        const preAlarmDue = new Map<string, number>();
        const visitDue = new Map<string, number>();
        /** Moves time in order of the model's deadlines, so each lands on its own instant. */
        const advance = async (ms: number) => {
          const target = clock.now() + ms;
          for (;;) {
            const due = [...[...preAlarmDue].map(([d, at]) => ({ d, at, type: 'man-down' as const })), ...[...visitDue].map(([d, at]) => ({ d, at, type: 'no-checkin' as const }))]
              .filter((x) => x.at <= target).sort((a, b) => a.at - b.at)[0];
            if (!due) break;
            (due.type === 'man-down' ? preAlarmDue : visitDue).delete(due.d);
            expected.push(causeKey(due.d, due.type, due.at));
          }
          await life.advance(ms);
        };
        for (const a of actions) {
          const device = 'device' in a ? DEVICES[a.device]! : 'alarm-kari';
          switch (a.t) {
            case 'press':
              expected.push(causeKey(device, 'press', clock.now()));
              await life.device(device, 'press');
              break;
            case 'man-down':
              if (!preAlarmDue.has(device)) preAlarmDue.set(device, clock.now() + PRE_ALARM_MS);
              await life.device(device, 'man-down');
              await life.feature.settled();
              break;
            case 'visit': {
              const until = clock.now() + a.minutes * 60_000;
              visitDue.set(device, until); // a running visit is extended, else a new one starts
              await life.device(device, 'checkin-start', { until: new Date(until).toISOString() });
              await life.feature.settled();
              break;
            }
            case 'duress': {
              // During a man-down pre-alarm the duress PIN raises its alarm at once (silently).
              if (preAlarmDue.has(device)) {
                preAlarmDue.delete(device);
                expected.push(causeKey(device, 'man-down', clock.now()));
              }
              await life.device(device, 'cancel', { pin: DURESS_PIN });
              await life.feature.settled();
              break;
            }
            case 'resolve': {
              const open = (await life.store.listAlarms({ state: 'open', limit: 100 })).filter((x) => x.deviceId === device);
              for (const alarm of open) await life.alarms.act(alarm.id, { type: 'resolve', outcome: 'real' }, { type: 'system' });
              break;
            }
            case 'advance':
              await advance(a.ms);
              break;
          }
        }
        await advance(60 * 60_000); // every running timer runs out
        const alarms = await life.store.listAlarms({ limit: 1000 });
        const stored = await Promise.all(alarms.map(async (alarm) => ({ alarm, events: (await life.store.alarmEvents(alarm.id)).map((e) => e.event as AlarmEvent) })));
        expect(recordedCauses(stored)).toEqual(expected.sort());
      } finally {
        await life.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }), { numRuns: runs });
  }, propertyTimeout(runs, 1_500));
});
