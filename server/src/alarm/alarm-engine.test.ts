import { describe, expect, it } from 'vitest';
import { TryggError } from '../errors';
import { decide } from './alarm-engine';
import { replay } from './alarm-projection';
import type { Actor, Alarm, AlarmCommand, AlarmOrigin, DecideContext, StepResolution } from './alarm-types';

const T0 = Date.parse('2026-01-05T09:00:00.000Z');
const kari: Actor = { type: 'user', username: 'kari', name: 'Kari', stationId: 'backoffice' };
const ola: Actor = { type: 'user', username: 'ola', name: 'Ola' };

const origin: AlarmOrigin = {
  id: 'a1', siteId: 'demo', kind: 'panic', drill: false, deviceId: 'interview-1', roomId: 'interview-1', zoneId: 'front',
  chain: {
    chainId: 'standard',
    steps: [
      { afterSeconds: 0, targets: [{ group: 'backoffice-team' }], until: 'acknowledged' },
      { afterSeconds: 30, targets: [{ group: 'whole-office' }], until: 'responding' },
      { afterSeconds: 60, targets: [{ station: 'manager-office' }] },
    ],
  },
};

/** Each step's targets; `online` decides which are reachable. */
const stepStations = [['backoffice'], ['backoffice', 'manager-office'], ['manager-office']];
function ctx(now: number, online: string[] = ['backoffice', 'manager-office']): DecideContext {
  return {
    now,
    resolveStep: (_alarm: Alarm, step: number): StepResolution => {
      const stations = stepStations[step] ?? [];
      return { stations, online: stations.filter((s) => online.includes(s)) };
    },
  };
}

function run(alarm: Alarm | null, command: AlarmCommand, context: DecideContext) {
  return decide(alarm, command, context);
}

describe('alarm engine', () => {
  it('raises, pops up at step 0, gives the presser "received" and sets the next deadline', () => {
    const d = run(null, { type: 'raise', origin }, ctx(T0));
    expect(d.alarm.state).toBe('raised');
    expect(d.events.map((e) => e.type)).toEqual(['raised', 'step-notified']);
    expect(d.effects).toEqual([{ type: 'device-feedback', action: 'received' }, { type: 'popup', stations: ['backoffice'] }]);
    expect(d.alarm.nextStepDueAt).toBe(T0 + 30_000);
    expect(d.alarm.routedStations).toEqual(['backoffice']);
  });

  it('folds repeated presses into the open alarm: counted, no new pop-up', () => {
    const raised = run(null, { type: 'raise', origin }, ctx(T0)).alarm;
    const d = run(raised, { type: 'press', sourceEventId: 'e2' }, ctx(T0 + 2000));
    expect(d.alarm.pressCount).toBe(2);
    expect(d.effects.some((e) => e.type === 'popup')).toBe(false);
    expect(d.effects).toContainEqual({ type: 'update' });
    expect(d.alarm.nextStepDueAt).toBe(T0 + 30_000);
  });

  it('escalation timeline: nobody acknowledges -> step 1 at 30 s -> step 2 at 90 s -> chain exhausted', () => {
    let alarm = run(null, { type: 'raise', origin }, ctx(T0)).alarm;
    // A timer that fires early is ignored.
    expect(run(alarm, { type: 'escalate' }, ctx(T0 + 29_999)).events).toEqual([]);
    let d = run(alarm, { type: 'escalate' }, ctx(T0 + 30_000));
    expect(d.events).toMatchObject([{ type: 'step-notified', step: 1, stations: ['backoffice', 'manager-office'] }]);
    alarm = d.alarm;
    expect(alarm.nextStepDueAt).toBe(T0 + 90_000);
    d = run(alarm, { type: 'escalate' }, ctx(T0 + 90_000));
    expect(d.events).toMatchObject([{ type: 'step-notified', step: 2 }]);
    expect(d.alarm.nextStepDueAt).toBeNull();
  });

  it('acknowledging in time stops the chain at a step whose until is "acknowledged"', () => {
    const raised = run(null, { type: 'raise', origin }, ctx(T0)).alarm;
    const d = run(raised, { type: 'acknowledge', actor: kari }, ctx(T0 + 5000));
    expect(d.alarm.state).toBe('acknowledged');
    expect(d.alarm.nextStepDueAt).toBeNull();
    expect(d.effects).toContainEqual({ type: 'device-feedback', action: 'help-coming' });
    expect(run(d.alarm, { type: 'escalate' }, ctx(T0 + 30_000)).events).toEqual([]);
  });

  it('a step with until "responding" keeps escalating after a mere acknowledgement', () => {
    let alarm = run(null, { type: 'raise', origin }, ctx(T0)).alarm;
    alarm = run(alarm, { type: 'escalate' }, ctx(T0 + 30_000)).alarm; // step 1 (until responding)
    alarm = run(alarm, { type: 'acknowledge', actor: kari }, ctx(T0 + 31_000)).alarm;
    expect(alarm.nextStepDueAt).toBe(T0 + 90_000);
    alarm = run(alarm, { type: 'respond', actor: kari }, ctx(T0 + 32_000)).alarm;
    expect(alarm.nextStepDueAt).toBeNull();
  });

  it('presence-aware: a step with nobody online is skipped at once and the next step fires in the same instant', () => {
    const d = run(null, { type: 'raise', origin }, ctx(T0, ['manager-office']));
    expect(d.events.map((e) => e.type)).toEqual(['raised', 'step-skipped', 'step-notified']);
    expect(d.events[1]).toMatchObject({ step: 0, reason: 'nobody-online', stations: ['backoffice'] });
    expect(d.events[2]).toMatchObject({ step: 1, at: T0 });
    expect(d.alarm.nextStepDueAt).toBe(T0 + 60_000);
  });

  it('records loudly when the whole chain reached nobody', () => {
    const d = run(null, { type: 'raise', origin }, ctx(T0, []));
    expect(d.events.map((e) => e.type)).toEqual(['raised', 'step-skipped', 'step-skipped', 'step-skipped', 'chain-exhausted']);
    expect(d.effects).toContainEqual({ type: 'reached-nobody' });
    // Still routed to every targeted station: whoever comes online first is shown it.
    expect(d.alarm.routedStations).toEqual(['backoffice', 'manager-office']);
  });

  it('"I\'m coming" from several responders is recorded once each; feedback to the device only once', () => {
    let alarm = run(null, { type: 'raise', origin }, ctx(T0)).alarm;
    const first = run(alarm, { type: 'respond', actor: kari }, ctx(T0 + 1000));
    expect(first.effects).toContainEqual({ type: 'device-feedback', action: 'help-coming' });
    alarm = first.alarm;
    const second = run(alarm, { type: 'respond', actor: ola }, ctx(T0 + 2000));
    expect(second.effects.filter((e) => e.type === 'device-feedback')).toEqual([]);
    expect(second.alarm.responders.map((r) => r.name)).toEqual(['Kari', 'Ola']);
    expect(run(second.alarm, { type: 'respond', actor: ola }, ctx(T0 + 3000)).events).toEqual([]);
    expect(second.alarm.acknowledgedBy).toEqual(kari);
  });

  it('resolve and cancel close the alarm, clear consoles and refuse further changes', () => {
    const alarm = run(null, { type: 'raise', origin }, ctx(T0)).alarm;
    const resolved = run(alarm, { type: 'resolve', actor: kari, outcome: 'false' }, ctx(T0 + 9000));
    expect(resolved.alarm).toMatchObject({ state: 'resolved', outcome: 'false', closedAt: T0 + 9000, nextStepDueAt: null });
    expect(resolved.effects).toEqual([{ type: 'clear' }, { type: 'device-feedback', action: 'resolved' }]);
    expect(() => run(resolved.alarm, { type: 'acknowledge', actor: ola }, ctx(T0 + 10_000))).toThrow(TryggError);
    expect(() => run(resolved.alarm, { type: 'press' }, ctx(T0 + 10_000))).toThrow(/cannot go from resolved/);
    expect(run(resolved.alarm, { type: 'escalate' }, ctx(T0 + 60_000)).events).toEqual([]);
    const cancelled = run(alarm, { type: 'cancel', actor: { type: 'device', deviceId: 'interview-1' } }, ctx(T0 + 1000));
    expect(cancelled.alarm.state).toBe('cancelled');
  });

  it('the audit trail replays to the same alarm', () => {
    const events = [];
    let d = run(null, { type: 'raise', origin }, ctx(T0, ['manager-office']));
    events.push(...d.events);
    for (const [cmd, at] of [
      [{ type: 'press' }, 1000], [{ type: 'escalate' }, 60_000], [{ type: 'respond', actor: ola }, 70_000],
      [{ type: 'resolve', actor: ola, outcome: 'real' }, 80_000],
    ] as [AlarmCommand, number][]) {
      d = run(d.alarm, cmd, ctx(T0 + at, ['manager-office']));
      events.push(...d.events);
    }
    expect(replay(events)).toEqual(d.alarm);
    expect(d.alarm.version).toBe(events.length);
  });

  describe('messages beyond the consoles', () => {
    const guards = { channel: 'sia-dc09', target: 'guards', external: true, recipient: { id: 'party:guards' } };
    const withGuards = (step: number): DecideContext => ({
      now: T0,
      resolveStep: (_a, s) => (s === step ? { stations: [], online: [], notifications: [guards] } : { stations: ['backoffice'], online: [] }),
    });

    it('a step with only an external party counts as reaching someone and notifies it', () => {
      const d = run(null, { type: 'raise', origin }, withGuards(1));
      expect(d.events.map((e) => e.type)).toEqual(['raised', 'step-skipped', 'step-notified']);
      expect(d.effects).toContainEqual({ type: 'notify', step: 1, notifications: [guards] });
      expect(d.effects.some((e) => e.type === 'popup')).toBe(false);
      expect(d.alarm.notifiedExternal).toEqual([guards]);
    });

    it('closing the alarm sends a restore to the external parties told', () => {
      const alarm = run(null, { type: 'raise', origin }, withGuards(1)).alarm;
      const resolved = run(alarm, { type: 'resolve', actor: kari, outcome: 'real' }, ctx(T0 + 5000));
      expect(resolved.effects).toContainEqual({ type: 'restore', notifications: [guards] });
      const cancelled = run(alarm, { type: 'cancel', actor: kari }, ctx(T0 + 5000));
      expect(cancelled.effects).toContainEqual({ type: 'restore', notifications: [guards] });
    });

    it('a permanent delivery failure of the current step fires the next step at once', () => {
      const alarm = run(null, { type: 'raise', origin }, withGuards(0)).alarm;
      expect(alarm.nextStepDueAt).toBe(T0 + 30_000);
      const d = run(alarm, { type: 'delivery-failed', step: 0, target: 'guards', error: 'NAK' }, ctx(T0 + 1000));
      expect(d.events.map((e) => e.type)).toEqual(['delivery-failed', 'step-notified']);
      expect(d.events[1]).toMatchObject({ step: 1, at: T0 + 1000 });
      // A late failure of an earlier step does not skip ahead again.
      expect(run(d.alarm, { type: 'delivery-failed', step: 0, target: 'guards', error: 'late' }, ctx(T0 + 2000)).events.map((e) => e.type)).toEqual(['delivery-failed']);
    });
  });

  describe('owned or loudly escalated', () => {
    const loud = { afterSeconds: 60, targets: [{ role: 'security' as const }], channels: ['console' as const, 'sms' as const], until: 'acknowledged' as const, repeatSeconds: 60 };
    const loudOrigin: AlarmOrigin = { ...origin, onSceneSeconds: 120, chain: { chainId: 'c', steps: [origin.chain.steps[0]!, loud] } };
    const sms = { channel: 'sms', target: 'sms', external: false, recipient: { id: 'user:mona' } };
    const withLoud = (now: number): DecideContext => ({
      now,
      resolveStep: (_a, s) => (s === 1 ? { stations: ['manager-office'], online: ['manager-office'], notifications: [sms] } : { stations: ['backoffice'], online: ['backoffice'] }),
    });

    it('the loud last step repeats, each round its own messages, until someone acknowledges', () => {
      let alarm = run(null, { type: 'raise', origin: loudOrigin }, withLoud(T0)).alarm;
      let d = run(alarm, { type: 'escalate' }, withLoud(T0 + 60_000));
      expect(d.events).toMatchObject([{ type: 'step-notified', step: 1 }]);
      expect(d.alarm.nextStepDueAt).toBe(T0 + 120_000);
      d = run(d.alarm, { type: 'escalate' }, withLoud(T0 + 120_000));
      expect(d.events).toMatchObject([{ type: 'step-notified', step: 1, repeat: 1 }]);
      expect(d.effects).toContainEqual({ type: 'notify', step: 1, repeat: 1, notifications: [sms] });
      d = run(d.alarm, { type: 'escalate' }, withLoud(T0 + 180_000));
      expect(d.events).toMatchObject([{ type: 'step-notified', step: 1, repeat: 2 }]);
      alarm = run(d.alarm, { type: 'acknowledge', actor: kari }, withLoud(T0 + 190_000)).alarm;
      // Owned: no more repeats; the on-scene check waits 120 s.
      expect(alarm.nextStepDueAt).toBe(T0 + 190_000 + 120_000);
    });

    it('acknowledged but nobody on scene in time: escalated loudly again; "on scene" ends it', () => {
      let alarm = run(null, { type: 'raise', origin: loudOrigin }, withLoud(T0)).alarm;
      alarm = run(alarm, { type: 'respond', actor: kari }, withLoud(T0 + 5000)).alarm;
      expect(alarm.nextStepDueAt).toBe(T0 + 125_000);
      const d = run(alarm, { type: 'escalate' }, withLoud(T0 + 125_000));
      expect(d.events.map((e) => e.type)).toEqual(['re-escalated', 'step-notified']);
      expect(d.events[1]).toMatchObject({ step: 1, repeat: 1 });
      expect(d.alarm.nextStepDueAt).toBe(T0 + 245_000);
      const arrived = run(d.alarm, { type: 'on-scene', actor: kari }, withLoud(T0 + 130_000));
      expect(arrived.alarm.onSceneAt).toBe(T0 + 130_000);
      expect(arrived.alarm.nextStepDueAt).toBeNull();
    });

    it('with on-scene arrival in time nothing escalates again', () => {
      let alarm = run(null, { type: 'raise', origin: loudOrigin }, withLoud(T0)).alarm;
      alarm = run(alarm, { type: 'acknowledge', actor: kari }, withLoud(T0 + 5000)).alarm;
      alarm = run(alarm, { type: 'on-scene', actor: kari }, withLoud(T0 + 60_000)).alarm;
      expect(alarm.nextStepDueAt).toBeNull();
      expect(run(alarm, { type: 'escalate' }, withLoud(T0 + 500_000)).events).toEqual([]);
    });

    it('an alarm that reached nobody, then acknowledged (a console came later): loud repeats stop, the on-scene check runs', () => {
      // Found by the property test (alarm-lifecycle.property.test.ts): with every step skipped,
      // the loud step went on repeating after the acknowledgement and the on-scene check never ran.
      const nobody = (now: number): DecideContext => ({ now, resolveStep: () => ({ stations: ['backoffice'], online: [] }) });
      let alarm = run(null, { type: 'raise', origin: loudOrigin }, nobody(T0)).alarm;
      expect(alarm.lastNotifiedStep).toBe(-1);
      expect(alarm.nextStepDueAt).toBe(T0 + 60_000); // the loud step's repeat while nobody owns it
      alarm = run(alarm, { type: 'acknowledge', actor: kari }, nobody(T0 + 10_000)).alarm;
      expect(alarm.nextStepDueAt).toBe(T0 + 10_000 + 120_000);
      expect(run(alarm, { type: 'escalate' }, nobody(T0 + 60_000)).events).toEqual([]);
      const again = run(alarm, { type: 'escalate' }, nobody(T0 + 130_000));
      expect(again.events.map((e) => e.type)).toEqual(['re-escalated', 'step-skipped']);
      expect(again.effects).toContainEqual({ type: 'reached-nobody' });
    });
  });
});
