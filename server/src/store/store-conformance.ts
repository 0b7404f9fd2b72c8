import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decide } from '../alarm/alarm-engine';
import { replay } from '../alarm/alarm-projection';
import type { Actor, Alarm, AlarmCommand, AlarmOrigin, ChainSnapshot, DecideContext, Decision } from '../alarm/alarm-types';
import type { DeviceEventRecord, Store } from './store';

/**
 * The shared suite every Store backend must pass (like aedes-persistence's abstract.js). A backend
 * test calls `describeStoreConformance('sqlite', makeStore)`; `makeStore` gives a fresh, empty
 * store, `reopen` (for durable backends) closes it and opens the same data again, and `cleanup`
 * closes whatever is open and removes the data.
 *
 * Alarms are built with the real engine (`decide`), so the suite stores what production stores.
 */
export interface StoreUnderTest {
  store: Store;
  reopen?: () => Promise<Store>;
  cleanup: () => Promise<void>;
}

const T0 = 1_700_000_000_000;

/** Two steps: colleagues at once, the whole office after 30 s unless acknowledged. */
export const TEST_CHAIN: ChainSnapshot = {
  chainId: 'standard',
  steps: [
    { afterSeconds: 0, targets: [{ group: 'backoffice-team' }], until: 'acknowledged' },
    { afterSeconds: 30, targets: [{ group: 'whole-office' }], until: 'acknowledged' },
  ],
};

const manager: Actor = { type: 'user', username: 'manager', name: 'Mona Leiar', stationId: 'backoffice' };

/** Step 0 reaches the back office, step 1 the reception; everybody is online. */
function context(now: number): DecideContext {
  return {
    now,
    resolveStep: (_alarm, step) => {
      const stations = step === 0 ? ['backoffice'] : ['reception'];
      return { stations, online: stations };
    },
  };
}

function origin(id: string, over: Partial<AlarmOrigin> = {}): AlarmOrigin {
  return {
    id, siteId: 'demo', kind: 'panic', drill: false, deviceId: `btn-${id}`, roomId: 'reception', zoneId: 'front',
    chain: TEST_CHAIN, sourceEventId: `ev-${id}`, ...over,
  };
}

function raise(o: AlarmOrigin, now: number): Decision {
  return decide(null, { type: 'raise', origin: o }, context(now));
}

function deviceEvent(eventId: string, deviceId: string, over: Partial<DeviceEventRecord> = {}): DeviceEventRecord {
  return {
    eventId, siteId: 'demo', gatewayId: 'demo-gw', deviceId, kind: 'press', seq: 1,
    at: new Date(T0).toISOString(), receivedAt: T0, ...over,
  };
}

const ids = (alarms: Alarm[]) => alarms.map((a) => a.id);

export function describeStoreConformance(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`Store conformance: ${name}`, () => {
    let h: StoreUnderTest;
    let store: Store;

    beforeEach(async () => {
      h = await makeStore();
      store = h.store;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    /** Raises an alarm the way ingest does: through recordDeviceEvent. */
    async function raiseAlarm(id: string, at: number, over: Partial<AlarmOrigin> = {}): Promise<Alarm> {
      const o = origin(id, over);
      const outcome = await store.recordDeviceEvent(
        deviceEvent(`ev-${id}`, o.deviceId ?? 'none', { siteId: o.siteId, receivedAt: at }),
        () => raise(o, at),
      );
      if (outcome.duplicate || !outcome.decision) throw new Error('raise was not recorded');
      return outcome.decision.alarm;
    }

    async function command(alarmId: string, cmd: AlarmCommand, at: number): Promise<Alarm> {
      const decision = await store.updateAlarm(alarmId, (alarm) => decide(alarm, cmd, context(at)));
      if (!decision) throw new Error(`no alarm ${alarmId}`);
      return decision.alarm;
    }

    describe('events waiting for their handlers', () => {
      it('an event is unhandled until marked, with its claim and pending detail; marking clears the detail', async () => {
        await store.recordDeviceEvent(deviceEvent('h-1', 'interview-1', { kind: 'checkin-start', pendingDetail: { until: '2026-01-05T10:00:00.000Z' } }), () => null);
        await store.recordDeviceEvent(deviceEvent('h-2', 'interview-2', { claimed: true, receivedAt: T0 + 1 }), () => null);
        const pending = await store.unhandledDeviceEvents(10);
        expect(pending.map((e) => [e.eventId, e.claimed, e.pendingDetail])).toEqual([
          ['h-1', false, { until: '2026-01-05T10:00:00.000Z' }],
          ['h-2', true, undefined],
        ]);
        await store.markDeviceEventHandled('h-1', T0 + 5);
        expect((await store.unhandledDeviceEvents(10)).map((e) => e.eventId)).toEqual(['h-2']);
      });
    });

    describe('recordDeviceEvent', () => {
      it('stores a new event with its decision, and returns duplicate with the alarm id the second time without deciding', async () => {
        let calls = 0;
        const o = origin('a1', { deviceId: 'reception-desk' });
        const decideOnce = (open: Alarm | undefined) => {
          calls++;
          expect(open).toBeUndefined();
          return raise(o, T0);
        };
        const first = await store.recordDeviceEvent(deviceEvent('ev-1', 'reception-desk'), decideOnce);
        expect(first.duplicate).toBe(false);
        expect(first.duplicate === false && first.decision?.alarm.id).toBe('a1');
        expect(calls).toBe(1);

        const again = await store.recordDeviceEvent(deviceEvent('ev-1', 'reception-desk'), decideOnce);
        expect(again).toEqual({ duplicate: true, alarmId: 'a1' });
        expect(calls).toBe(1);

        const stored = await store.getAlarm('a1');
        expect(stored?.state).toBe('raised');
        expect(stored?.pressCount).toBe(1);
        expect(await store.alarmEvents('a1')).toHaveLength(2);
        expect(await store.countOpenAlarms()).toBe(1);
      });

      it('records an event that decided nothing, and reports it duplicate without an alarm id', async () => {
        const first = await store.recordDeviceEvent(deviceEvent('ev-quiet', 'reception-desk', { kind: 'low-battery' }), () => null);
        expect(first).toEqual({ duplicate: false, decision: null });
        let called = false;
        const again = await store.recordDeviceEvent(deviceEvent('ev-quiet', 'reception-desk'), () => {
          called = true;
          return null;
        });
        expect(again.duplicate).toBe(true);
        expect(again.duplicate && again.alarmId).toBeUndefined();
        expect(called).toBe(false);
        expect(await store.countOpenAlarms()).toBe(0);
      });

      it('gives decide the open alarm of that device, so a second press is folded into it', async () => {
        const raised = await raiseAlarm('a1', T0, { deviceId: 'reception-desk' });
        let seen: Alarm | undefined;
        const second = await store.recordDeviceEvent(deviceEvent('ev-2', 'reception-desk', { seq: 2 }), (open) => {
          seen = open;
          return open ? decide(open, { type: 'press', sourceEventId: 'ev-2' }, context(T0 + 1000)) : raise(origin('a2'), T0 + 1000);
        });
        expect(seen).toEqual(raised);
        expect(second.duplicate === false && second.decision?.alarm.id).toBe('a1');
        const stored = await store.getAlarm('a1');
        expect(stored?.pressCount).toBe(2);
        expect(stored?.version).toBe(raised.version + 1);
        expect(await store.countOpenAlarms()).toBe(1);
        expect(await store.recordDeviceEvent(deviceEvent('ev-2', 'reception-desk'), () => null)).toEqual({ duplicate: true, alarmId: 'a1' });
      });

      it('gives decide no alarm for another device, the same device id at another site, or a closed alarm', async () => {
        await raiseAlarm('a1', T0, { deviceId: 'reception-desk' });
        const opens: (Alarm | undefined)[] = [];
        const look = (open: Alarm | undefined) => {
          opens.push(open);
          return null;
        };
        await store.recordDeviceEvent(deviceEvent('ev-other-device', 'interview-1'), look);
        await store.recordDeviceEvent(deviceEvent('ev-other-site', 'reception-desk', { siteId: 'annex' }), look);
        await command('a1', { type: 'resolve', actor: manager, outcome: 'false' }, T0 + 5000);
        await store.recordDeviceEvent(deviceEvent('ev-after-close', 'reception-desk'), look);
        expect(opens).toEqual([undefined, undefined, undefined]);
      });

      it('keeps at most one open alarm per device: a second one fails and the device event is rolled back too', async () => {
        await raiseAlarm('a1', T0, { deviceId: 'reception-desk' });
        // A faulty decide that ignores the open alarm and raises another for the same device.
        await expect(
          store.recordDeviceEvent(deviceEvent('ev-2', 'reception-desk'), () => raise(origin('a2', { deviceId: 'reception-desk' }), T0 + 1000)),
        ).rejects.toThrow();
        expect(await store.getAlarm('a2')).toBeUndefined();
        expect(await store.alarmEvents('a2')).toEqual([]);
        expect(await store.countOpenAlarms()).toBe(1);
        expect((await store.getAlarm('a1'))?.version).toBe(2);
        // The event was not recorded: it is new, not a duplicate, when it comes again.
        let decided = false;
        const retry = await store.recordDeviceEvent(deviceEvent('ev-2', 'reception-desk'), () => {
          decided = true;
          return null;
        });
        expect(retry.duplicate).toBe(false);
        expect(decided).toBe(true);
      });

      it('allows a new alarm for a device once its previous alarm is closed, and the same device id at another site', async () => {
        await raiseAlarm('a1', T0, { deviceId: 'reception-desk' });
        await raiseAlarm('b1', T0, { deviceId: 'reception-desk', siteId: 'annex' });
        await command('a1', { type: 'cancel', actor: manager }, T0 + 1000);
        await raiseAlarm('a2', T0 + 2000, { deviceId: 'reception-desk' });
        expect(await store.countOpenAlarms()).toBe(2);
        expect((await store.listAlarms({ state: 'open' })).map((a) => a.id)).toEqual(['a2', 'b1']);
      });

      it('commits nothing when decide throws', async () => {
        await expect(store.recordDeviceEvent(deviceEvent('ev-boom', 'reception-desk'), () => {
          throw new Error('boom');
        })).rejects.toThrow('boom');
        const retry = await store.recordDeviceEvent(deviceEvent('ev-boom', 'reception-desk'), () => null);
        expect(retry.duplicate).toBe(false);
      });
    });

    describe('updateAlarm', () => {
      it('reads the stored alarm, decides, and writes the decision', async () => {
        const raised = await raiseAlarm('a1', T0);
        let given: Alarm | undefined;
        const decision = await store.updateAlarm('a1', (alarm) => {
          given = alarm;
          return decide(alarm, { type: 'acknowledge', actor: manager }, context(T0 + 4000));
        });
        expect(given).toEqual(raised);
        expect(decision?.events.map((e) => e.type)).toEqual(['acknowledged']);
        const stored = await store.getAlarm('a1');
        expect(stored).toEqual(decision?.alarm);
        expect(stored?.state).toBe('acknowledged');
        expect(stored?.acknowledgedAt).toBe(T0 + 4000);
        expect(stored?.version).toBe(3);
      });

      it('returns undefined for an unknown alarm without calling decide', async () => {
        let called = false;
        const result = await store.updateAlarm('no-such-alarm', (alarm) => {
          called = true;
          return decide(alarm, { type: 'escalate' }, context(T0));
        });
        expect(result).toBeUndefined();
        expect(called).toBe(false);
        expect(await store.getAlarm('no-such-alarm')).toBeUndefined();
      });

      it('changes nothing when decide refuses the command', async () => {
        await raiseAlarm('a1', T0);
        const resolved = await command('a1', { type: 'resolve', actor: manager, outcome: 'real' }, T0 + 1000);
        await expect(command('a1', { type: 'acknowledge', actor: manager }, T0 + 2000)).rejects.toMatchObject({
          code: 'TRYGG_SRV_INVALID_TRANSITION',
        });
        expect(await store.getAlarm('a1')).toEqual(resolved);
        expect(await store.alarmEvents('a1')).toHaveLength(resolved.version);
      });

      it('writes nothing for a decision without events (a stale escalation timer)', async () => {
        const raised = await raiseAlarm('a1', T0);
        const decision = await store.updateAlarm('a1', (alarm) => decide(alarm, { type: 'escalate' }, context(T0 + 1000)));
        expect(decision?.events).toEqual([]);
        expect(await store.getAlarm('a1')).toEqual(raised);
        expect(await store.alarmEvents('a1')).toHaveLength(2);
      });
    });

    describe('audit trail', () => {
      it('returns the events in order, numbered from 1, and replaying them gives the stored alarm', async () => {
        await raiseAlarm('a1', T0);
        await command('a1', { type: 'escalate' }, T0 + 30_000);
        await command('a1', { type: 'acknowledge', actor: manager }, T0 + 31_000);
        await command('a1', { type: 'respond', actor: manager }, T0 + 32_000);
        await command('a1', { type: 'resolve', actor: manager, outcome: 'real' }, T0 + 90_000);

        const trail = await store.alarmEvents('a1');
        expect(trail.map((e) => e.event.type)).toEqual([
          'raised', 'step-notified', 'step-notified', 'acknowledged', 'responding', 'resolved',
        ]);
        expect(trail.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
        expect(trail.every((e) => e.alarmId === 'a1')).toBe(true);
        expect(trail.map((e) => e.event.at)).toEqual([T0, T0, T0 + 30_000, T0 + 31_000, T0 + 32_000, T0 + 90_000]);

        const stored = await store.getAlarm('a1');
        expect(stored?.state).toBe('resolved');
        expect(replay(trail.map((e) => e.event))).toEqual(stored);
      });

      it('keeps the trails of different alarms apart and returns none for an unknown alarm', async () => {
        await raiseAlarm('a1', T0);
        await raiseAlarm('a2', T0 + 1);
        await command('a2', { type: 'cancel', actor: manager }, T0 + 2);
        expect(await store.alarmEvents('a1')).toHaveLength(2);
        expect((await store.alarmEvents('a2')).map((e) => e.event.type)).toEqual(['raised', 'step-notified', 'cancelled']);
        expect(await store.alarmEvents('nope')).toEqual([]);
      });
    });

    describe('queries', () => {
      /** a1 raised, a2 acknowledged (site demo); a3 resolved, a4 cancelled (site annex); newest last. */
      async function fourAlarms(): Promise<void> {
        await raiseAlarm('a1', T0 + 1000);
        await raiseAlarm('a2', T0 + 2000);
        await command('a2', { type: 'acknowledge', actor: manager }, T0 + 2500);
        await raiseAlarm('a3', T0 + 3000, { siteId: 'annex' });
        await command('a3', { type: 'resolve', actor: manager, outcome: 'test' }, T0 + 3500);
        await raiseAlarm('a4', T0 + 4000, { siteId: 'annex' });
        await command('a4', { type: 'cancel', actor: manager }, T0 + 4500);
      }
      it('lists alarms newest first, by open, by state, by site and with a limit', async () => {
        await fourAlarms();
        expect(ids(await store.listAlarms({}))).toEqual(['a4', 'a3', 'a2', 'a1']);
        expect(ids(await store.listAlarms({ state: 'open' }))).toEqual(['a2', 'a1']);
        expect(ids(await store.listAlarms({ state: 'acknowledged' }))).toEqual(['a2']);
        expect(ids(await store.listAlarms({ state: 'resolved' }))).toEqual(['a3']);
        expect(ids(await store.listAlarms({ state: 'responding' }))).toEqual([]);
        expect(ids(await store.listAlarms({ siteIds: ['annex'] }))).toEqual(['a4', 'a3']);
        expect(ids(await store.listAlarms({ siteIds: ['demo', 'annex'] }))).toEqual(['a4', 'a3', 'a2', 'a1']);
        expect(ids(await store.listAlarms({ siteIds: [] }))).toEqual([]);
        expect(ids(await store.listAlarms({ state: 'open', siteIds: ['annex'] }))).toEqual([]);
        expect(ids(await store.listAlarms({ limit: 2 }))).toEqual(['a4', 'a3']);
        expect(ids(await store.listAlarms({ state: 'open', siteIds: ['demo'], limit: 1 }))).toEqual(['a2']);
      });

      it('returns whole alarms from listAlarms', async () => {
        await fourAlarms();
        const [a2] = await store.listAlarms({ state: 'acknowledged' });
        expect(a2).toEqual(await store.getAlarm('a2'));
        expect(a2?.acknowledgedBy).toEqual(manager);
      });

      it('counts open alarms', async () => {
        expect(await store.countOpenAlarms()).toBe(0);
        await fourAlarms();
        expect(await store.countOpenAlarms()).toBe(2);
      });

      it('returns only open alarms with an escalation deadline as pending', async () => {
        await fourAlarms();
        // a1 waits for step 1 at +30 s; a2 was acknowledged in time; a3 and a4 are closed.
        const pending = await store.alarmsWithPendingSteps();
        expect(ids(pending)).toEqual(['a1']);
        expect(pending[0]?.nextStepDueAt).toBe(T0 + 1000 + 30_000);

        await command('a1', { type: 'escalate' }, T0 + 31_000); // the last step fired: nothing more is due
        expect(await store.alarmsWithPendingSteps()).toEqual([]);
      });

      it('lists the alarms closed since a time, oldest first, open ones never', async () => {
        await fourAlarms();
        expect(ids(await store.alarmsClosedSince(T0))).toEqual(['a3', 'a4']);
        expect(ids(await store.alarmsClosedSince(T0 + 4000))).toEqual(['a4']);
        expect(ids(await store.alarmsClosedSince(T0 + 4501))).toEqual([]);
      });

      it('lists pending alarms by deadline', async () => {
        await raiseAlarm('late', T0 + 5000);
        await raiseAlarm('early', T0 + 1000);
        expect(ids(await store.alarmsWithPendingSteps())).toEqual(['early', 'late']);
      });

      it('returns the open alarms routed to a station', async () => {
        await fourAlarms();
        expect(ids(await store.openAlarmsRoutedTo('backoffice'))).toEqual(['a1', 'a2']);
        expect(ids(await store.openAlarmsRoutedTo('reception'))).toEqual([]);
        await command('a1', { type: 'escalate' }, T0 + 31_000);
        expect(ids(await store.openAlarmsRoutedTo('reception'))).toEqual(['a1']);
        expect(ids(await store.openAlarmsRoutedTo('backoffice'))).toEqual(['a1', 'a2']);
        await command('a1', { type: 'resolve', actor: manager, outcome: 'real' }, T0 + 40_000);
        expect(ids(await store.openAlarmsRoutedTo('reception'))).toEqual([]);
        expect(ids(await store.openAlarmsRoutedTo('backoffice'))).toEqual(['a2']);
        expect(await store.openAlarmsRoutedTo('manager-office')).toEqual([]);
      });

      // History pages (issue 14): keyset pagination, served off the alarm thread where the backend can.
      it('pages through the history newest first with a cursor: ties broken by id, nothing missed or repeated', async () => {
        for (const [id, at] of [['h1', 1000], ['h2', 2000], ['h4', 2000], ['h3', 2000], ['h5', 3000], ['h6', 4000], ['h7', 4000]] as const) {
          await raiseAlarm(id, T0 + at);
        }
        await command('h5', { type: 'resolve', actor: manager, outcome: 'test' }, T0 + 5000);
        const all = ids(await store.listAlarms({ limit: 1000 }));
        expect(all).toEqual(['h7', 'h6', 'h5', 'h4', 'h3', 'h2', 'h1']);

        const paged: string[] = [];
        let page = await store.readHistory({ limit: 3 });
        for (;;) {
          paged.push(...ids(page.alarms));
          if (!page.next) break;
          expect(page.alarms).toHaveLength(3);
          page = await store.readHistory({ limit: 3, before: page.next });
        }
        expect(paged).toEqual(all);
        // The same cursor through the in-thread list; a cursor between tied alarms continues with the lower id.
        expect(ids(await store.listAlarms({ limit: 2, before: { raisedAt: T0 + 2000, id: 'h4' } }))).toEqual(['h3', 'h2']);
        expect(ids((await store.readHistory({ state: 'open', limit: 10, before: { raisedAt: T0 + 4000, id: 'h7' } })).alarms))
          .toEqual(['h6', 'h4', 'h3', 'h2', 'h1']);
        expect((await store.readHistory({ siteIds: [] })).alarms).toEqual([]);
        // A history page carries whole alarms, as stored.
        const [h5] = (await store.readHistory({ state: 'resolved' })).alarms;
        expect(h5).toEqual(await store.getAlarm('h5'));
      });

      it('routes an alarm to every station a step reached, and keeps them through changes that reach no new one and a reopen', async () => {
        const many = Array.from({ length: 300 }, (_, i) => `st-${String(i).padStart(3, '0')}`);
        const wide: DecideContext = {
          now: T0,
          resolveStep: (_alarm, step) => (step === 0 ? { stations: many, online: many } : { stations: ['reception', 'st-001'], online: ['reception', 'st-001'] }),
        };
        const o = origin('wide');
        await store.recordDeviceEvent(deviceEvent('ev-wide', o.deviceId!), () => decide(null, { type: 'raise', origin: o }, wide));
        await store.updateAlarm('wide', (alarm) => decide(alarm, { type: 'press', sourceEventId: 'ev-wide-2' }, { ...wide, now: T0 + 10 }));
        await store.updateAlarm('wide', (alarm) => decide(alarm, { type: 'escalate' }, { ...wide, now: T0 + 31_000 }));
        if (h.reopen) store = await h.reopen();
        for (const station of [...many, 'reception']) expect(ids(await store.openAlarmsRoutedTo(station))).toEqual(['wide']);
        expect(await store.openAlarmsRoutedTo('st-300')).toEqual([]);
        expect((await store.getAlarm('wide'))?.routedStations).toHaveLength(301);
        await store.updateAlarm('wide', (alarm) => decide(alarm, { type: 'resolve', actor: manager, outcome: 'test' }, { ...wide, now: T0 + 40_000 }));
        expect(await store.openAlarmsRoutedTo('st-150')).toEqual([]);
      });
    });

    describe('device and gateway liveness', () => {
      it('keeps the newest lastSeenAt and the previous battery when a later report omits it', async () => {
        await store.recordDeviceSeen([
          { siteId: 'demo', deviceId: 'b', gatewayId: 'gw-1', lastSeenAt: T0 + 2000, battery: 80 },
          { siteId: 'demo', deviceId: 'a', gatewayId: 'gw-1', lastSeenAt: T0 },
        ]);
        await store.recordDeviceSeen([{ siteId: 'demo', deviceId: 'b', gatewayId: 'gw-1', lastSeenAt: T0 + 1000 }]);
        expect(await store.listDevicesSeen()).toEqual([
          { siteId: 'demo', deviceId: 'a', gatewayId: 'gw-1', lastSeenAt: T0, battery: undefined },
          { siteId: 'demo', deviceId: 'b', gatewayId: 'gw-1', lastSeenAt: T0 + 2000, battery: 80 },
        ]);
        await store.recordDeviceSeen([{ siteId: 'demo', deviceId: 'b', gatewayId: 'gw-1', lastSeenAt: T0 + 3000, battery: 75 }]);
        const b = (await store.listDevicesSeen()).find((d) => d.deviceId === 'b');
        expect(b).toMatchObject({ lastSeenAt: T0 + 3000, battery: 75 });
      });

      it('keeps the same device id at two sites apart', async () => {
        await store.recordDeviceSeen([
          { siteId: 'demo', deviceId: 'desk', gatewayId: 'gw-1', lastSeenAt: T0, battery: 90 },
          { siteId: 'annex', deviceId: 'desk', gatewayId: 'gw-1', lastSeenAt: T0 + 1, battery: 10 },
        ]);
        const seen = await store.listDevicesSeen();
        expect(seen).toHaveLength(2);
        expect(seen.find((d) => d.siteId === 'annex')?.battery).toBe(10);
        expect(seen.find((d) => d.siteId === 'demo')?.battery).toBe(90);
      });

      it('upserts gateway status per site and gateway', async () => {
        expect(await store.listGatewayStatus()).toEqual([]);
        await store.setGatewayStatus({ siteId: 'demo', gatewayId: 'gw-1', state: 'online', at: T0, outboxDepth: 3 });
        await store.setGatewayStatus({ siteId: 'annex', gatewayId: 'gw-1', state: 'online', at: T0 });
        await store.setGatewayStatus({ siteId: 'demo', gatewayId: 'gw-1', state: 'offline', at: T0 + 1000 });
        const status = await store.listGatewayStatus();
        expect(status).toHaveLength(2);
        expect(status.find((g) => g.siteId === 'demo')).toEqual({ siteId: 'demo', gatewayId: 'gw-1', state: 'offline', at: T0 + 1000, outboxDepth: undefined });
        expect(status.find((g) => g.siteId === 'annex')).toMatchObject({ state: 'online', at: T0 });
      });

      it('remembers which stations were last marked online', async () => {
        expect(await store.stationsMarkedOnline()).toEqual([]);
        await store.markStationPresence('backoffice', true, T0);
        await store.markStationPresence('reception', true, T0);
        await store.markStationPresence('reception', false, T0 + 1000);
        expect(await store.stationsMarkedOnline()).toEqual(['backoffice']);
        await store.markStationPresence('reception', true, T0 + 2000);
        expect((await store.stationsMarkedOnline()).sort()).toEqual(['backoffice', 'reception']);
      });
    });

    describe('sessions', () => {
      const session = { tokenHash: 'h1', username: 'manager', createdAt: T0, expiresAt: T0 + 60_000 };

      it('returns a session until it expires', async () => {
        await store.createSession(session);
        expect(await store.getSession('h1', T0 + 59_999)).toEqual(session);
        expect(await store.getSession('h1', T0 + 60_000)).toBeUndefined();
        expect(await store.getSession('h1', T0 + 120_000)).toBeUndefined();
        expect(await store.getSession('unknown', T0)).toBeUndefined();
      });

      it('deletes a session and leaves the others', async () => {
        await store.createSession(session);
        await store.createSession({ ...session, tokenHash: 'h2', username: 'kollega' });
        await store.deleteSession('h1');
        expect(await store.getSession('h1', T0)).toBeUndefined();
        expect((await store.getSession('h2', T0))?.username).toBe('kollega');
        await store.deleteSession('never-existed');
      });
    });

    describe('retention and person erasure', () => {
      const DAY = 86_400_000;
      const place = { lat: 60.39, lon: 5.32, accuracyM: 12 };

      async function closeAlarm(id: string, at: number): Promise<Alarm> {
        await command(id, { type: 'acknowledge', actor: manager }, at - 10);
        return command(id, { type: 'resolve', actor: manager, outcome: 'real' }, at);
      }

      it('erases positions of alarms closed before the cut-off, at that site only, and keeps the rest of the timeline', async () => {
        await raiseAlarm('old', T0, { detail: { person: 'Per', location: place } });
        await command('old', { type: 'locate', location: { ...place, lat: 60.4 } }, T0 + 100);
        await closeAlarm('old', T0 + 1000);
        await raiseAlarm('open', T0, { detail: { location: place } });
        await raiseAlarm('recent', T0, { detail: { location: place } });
        await closeAlarm('recent', T0 + 5 * DAY);
        await raiseAlarm('elsewhere', T0, { siteId: 'other', detail: { location: place } });
        await closeAlarm('elsewhere', T0 + 1000);

        expect(await store.eraseAlarmPositions('demo', T0 + DAY)).toBe(1);
        const old = await store.getAlarm('old');
        expect(old?.detail?.location).toBeUndefined();
        expect(old).toMatchObject({ state: 'resolved', detail: { person: 'Per' } });
        const trail = (await store.alarmEvents('old')).map((e) => e.event);
        expect(JSON.stringify(trail)).not.toContain('60.3');
        expect(JSON.stringify(trail)).not.toContain('60.4');
        expect(trail.map((e) => e.type)).toEqual(['raised', 'step-notified', 'located', 'acknowledged', 'resolved']);
        expect(trail[2]).toEqual({ type: 'located', at: T0 + 100, location: {} });
        // Open, recent and other-site alarms keep theirs; a second run finds nothing.
        for (const id of ['open', 'recent', 'elsewhere']) expect((await store.getAlarm(id))?.detail?.location).toEqual(place);
        expect(await store.eraseAlarmPositions('demo', T0 + DAY)).toBe(0);
      });

      it('purges closed alarms with their trail and device events, never open or recent ones', async () => {
        await raiseAlarm('old', T0);
        await closeAlarm('old', T0 + 1000);
        await raiseAlarm('open', T0 - DAY);
        await raiseAlarm('recent', T0);
        await closeAlarm('recent', T0 + 5 * DAY);
        await raiseAlarm('elsewhere', T0, { siteId: 'other' });
        await closeAlarm('elsewhere', T0 + 1000);

        expect(await store.purgeClosedAlarms('demo', T0 + DAY)).toEqual(['old']);
        expect(await store.getAlarm('old')).toBeUndefined();
        expect(await store.alarmEvents('old')).toEqual([]);
        expect(ids(await store.listAlarms({ siteIds: ['demo'] })).sort()).toEqual(['open', 'recent']);
        expect(await store.getAlarm('elsewhere')).toBeDefined();
        // Its device event went with it; the open alarm's stays (a repeat of it is still a duplicate).
        expect((await store.recordDeviceEvent(deviceEvent('ev-old', 'btn-old'), () => null)).duplicate).toBe(false);
        expect(await store.recordDeviceEvent(deviceEvent('ev-open', 'btn-open'), () => null)).toEqual({ duplicate: true, alarmId: 'open' });
      });

      it('purges handled device events before the cut-off, except unhandled ones and those of open alarms', async () => {
        await store.recordDeviceEvent(deviceEvent('hb-old', 'd1', { kind: 'heartbeat', receivedAt: T0 }), () => null);
        await store.markDeviceEventHandled('hb-old', T0);
        await store.recordDeviceEvent(deviceEvent('hb-waiting', 'd1', { kind: 'heartbeat', receivedAt: T0 }), () => null);
        await store.recordDeviceEvent(deviceEvent('hb-new', 'd1', { kind: 'heartbeat', receivedAt: T0 + 2 * DAY }), () => null);
        await store.markDeviceEventHandled('hb-new', T0 + 2 * DAY);
        await store.recordDeviceEvent(deviceEvent('hb-other', 'd1', { siteId: 'other', receivedAt: T0 }), () => null);
        await store.markDeviceEventHandled('hb-other', T0);
        await raiseAlarm('open', T0);
        await store.markDeviceEventHandled('ev-open', T0);

        expect(await store.purgeDeviceEvents('demo', T0 + DAY)).toBe(1);
        const seen = async (id: string, site = 'demo') => (await store.recordDeviceEvent(deviceEvent(id, 'd1', { siteId: site }), () => null)).duplicate;
        expect(await seen('hb-old')).toBe(false);
        expect(await seen('hb-waiting')).toBe(true);
        expect(await seen('hb-new')).toBe(true);
        expect(await seen('hb-other', 'other')).toBe(true);
        expect(await seen('ev-open')).toBe(true);
      });

      it('finds the alarms a user acted on and replaces their name with a pseudonym, keeping the events', async () => {
        const kari: Actor = { type: 'user', username: 'kari', name: 'Kari Nordmann', stationId: 'backoffice' };
        await raiseAlarm('a1', T0);
        await command('a1', { type: 'acknowledge', actor: kari }, T0 + 100);
        await command('a1', { type: 'respond', actor: kari }, T0 + 200);
        await raiseAlarm('a2', T0 + 1000);
        await command('a2', { type: 'acknowledge', actor: manager }, T0 + 1100);
        await store.createSession({ tokenHash: 'h-kari', username: 'kari', createdAt: T0, expiresAt: T0 + DAY });

        expect(ids(await store.alarmsInvolving('kari'))).toEqual(['a1']);
        expect(await store.alarmsInvolving('kar')).toEqual([]);
        expect(await store.listUserSessions('kari')).toEqual([{ username: 'kari', createdAt: T0, expiresAt: T0 + DAY }]);

        expect(await store.pseudonymiseUser('kari', { username: 'erased-1', name: 'a responder' })).toBe(1);
        const a1 = await store.getAlarm('a1');
        expect(a1?.acknowledgedBy).toEqual({ type: 'user', username: 'erased-1', name: 'a responder', stationId: 'backoffice' });
        expect(a1?.responders.map((r) => r.name)).toEqual(['a responder']);
        const trail = await store.alarmEvents('a1');
        expect(trail.map((e) => e.event.type)).toEqual(['raised', 'step-notified', 'acknowledged', 'responding']);
        expect(JSON.stringify(trail)).not.toMatch(/Kari|"kari"/);
        expect(await store.alarmsInvolving('kari')).toEqual([]);
        expect((await store.getAlarm('a2'))?.acknowledgedBy).toEqual(manager);
      });
    });

    describe('durability', () => {
      it('keeps alarms, their trail, liveness and sessions across a reopen', async () => {
        await raiseAlarm('a1', T0, { deviceId: 'reception-desk' });
        const acked = await command('a1', { type: 'acknowledge', actor: manager }, T0 + 1000);
        await store.recordDeviceSeen([{ siteId: 'demo', deviceId: 'reception-desk', gatewayId: 'gw-1', lastSeenAt: T0, battery: 50 }]);
        await store.setGatewayStatus({ siteId: 'demo', gatewayId: 'gw-1', state: 'online', at: T0 });
        await store.markStationPresence('backoffice', true, T0);
        await store.createSession({ tokenHash: 'h1', username: 'manager', createdAt: T0, expiresAt: T0 + 60_000 });

        // A backend without `reopen` keeps nothing beyond its lifetime; it still has to read back.
        if (h.reopen) store = await h.reopen();

        expect(await store.getAlarm('a1')).toEqual(acked);
        expect(replay((await store.alarmEvents('a1')).map((e) => e.event))).toEqual(acked);
        expect(ids(await store.openAlarmsRoutedTo('backoffice'))).toEqual(['a1']);
        expect(await store.recordDeviceEvent(deviceEvent('ev-a1', 'reception-desk'), () => null)).toEqual({ duplicate: true, alarmId: 'a1' });
        expect(await store.listDevicesSeen()).toEqual([{ siteId: 'demo', deviceId: 'reception-desk', gatewayId: 'gw-1', lastSeenAt: T0, battery: 50 }]);
        expect(await store.listGatewayStatus()).toHaveLength(1);
        expect(await store.stationsMarkedOnline()).toEqual(['backoffice']);
        expect((await store.getSession('h1', T0))?.username).toBe('manager');
      });
    });
  });
}
