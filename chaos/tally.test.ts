import { describe, expect, it } from 'vitest';
import type { PressRecord } from './press-record';
import { verdictLine } from './report';
import type { StoredState } from './stored-state';
import { percentile, tally } from './tally';

const press = (deviceId: string, extra: Partial<PressRecord> = {}): PressRecord => ({ deviceId, transport: 'mqtt', pressedAt: 1000, ...extra });
const alarm = (id: string, deviceId: string) => ({ id, deviceId, kind: 'panic', state: 'resolved', raisedAt: 1100 });
const event = (eventId: string, deviceId: string, receivedAt = 1050) => ({ eventId, deviceId, gatewayId: 'gw-main', receivedAt, alarmId: null });
const window = { from: 0, to: 2000 };

describe('chaos tally', () => {
  it('a confirmed press with exactly one alarm, shown and notified, is fine', () => {
    const stored: StoredState = { alarms: [alarm('a1', 'd1')], pressEvents: [event('e1', 'd1')] };
    const result = tally([press('d1', { confirmedAt: 1060 })], stored, [{ stationId: 'backoffice', popups: [{ alarmId: 'a1', deviceId: 'd1', kind: 'panic', at: 1200, connection: 1 }] }],
      [{ id: 'n1', attempt: 1, purpose: 'alarm', alarmId: 'a1', deviceId: 'd1', at: 1300 }], window);
    expect(result).toMatchObject({ presses: 1, counted: 1, lost: 0, duplicated: 0, neverShown: [], neverNotified: [], extraEvents: 0 });
    expect(result.pressToStored).toEqual([50]);
  });

  it('a confirmed press without an alarm is lost; an unconfirmed one is not', () => {
    const result = tally([press('d1', { confirmedAt: 1060 }), press('d2')], { alarms: [], pressEvents: [event('e1', 'd1')] }, [], [], window);
    expect(result.lost).toBe(1);
    expect(result.problems[0]).toMatchObject({ problem: 'lost', detail: '1 event(s) stored without an alarm' });
    expect(result.perTransport.mqtt).toMatchObject({ presses: 2, counted: 1, unconfirmed: 1 });
  });

  it('two alarms for one press, or one alarm shown twice on one connection, is a duplicate', () => {
    const stored: StoredState = { alarms: [alarm('a1', 'd1'), alarm('a2', 'd1'), alarm('a3', 'd2')], pressEvents: [event('e1', 'd1'), event('e2', 'd1'), event('e3', 'd2')] };
    const popup = (alarmId: string, connection: number) => ({ alarmId, kind: 'panic', at: 1, connection });
    const result = tally([press('d1', { confirmedAt: 1 }), press('d2', { confirmedAt: 1 })], stored,
      [{ stationId: 'backoffice', popups: [popup('a1', 1), popup('a2', 1), popup('a3', 1), popup('a3', 2), popup('a3', 2)] }], [], window);
    expect(result.problems.map((p) => [p.press.deviceId, p.problem])).toEqual([['d1', 'duplicated-alarm'], ['d2', 'duplicated-popup']]);
    expect(result).toMatchObject({ lost: 0, duplicated: 2, extraEvents: 1 });
  });

  it('a pop-up again after a reconnect is not a duplicate; a notification retry is not either', () => {
    const stored: StoredState = { alarms: [alarm('a1', 'd1')], pressEvents: [event('e1', 'd1')] };
    const n = { id: 'n1', attempt: 1, purpose: 'alarm', alarmId: 'a1', at: 1 };
    const result = tally([press('d1', { confirmedAt: 1 })], stored,
      [{ stationId: 'backoffice', popups: [{ alarmId: 'a1', kind: 'panic', at: 1, connection: 1 }, { alarmId: 'a1', kind: 'panic', at: 2, connection: 2 }] }],
      [n, { ...n, attempt: 2 }, { ...n, id: 'n2' }], window);
    expect(result).toMatchObject({ duplicated: 0, notificationRetries: 1, duplicateNotifications: 1 });
  });

  it('finds the longest time without a stored press inside the window', () => {
    const stored: StoredState = { alarms: [], pressEvents: [event('e1', 'x', 100), event('e2', 'y', 900), event('e3', 'z', 1000)] };
    expect(tally([], stored, [], [], { from: 0, to: 1500 }).longestGap).toEqual({ ms: 800, from: 100 });
  });

  it('prints the fixed verdict line and nearest-rank percentiles', () => {
    expect(verdictLine(20, { presses: 138, lost: 0, duplicated: 0 })).toBe('chaos: faults 20 presses 138 lost 0 duplicated 0');
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 99)).toBe(5);
  });
});
