import { describe, expect, it } from 'vitest';
import { BatteryWatch } from './battery-watch';
import { LivenessTracker, type TrackedDevice } from './liveness-tracker';

const S = 1000;
const T0 = 1_000_000_000;
const device = (deviceId: string, gatewayId = 'gw'): TrackedDevice => ({ siteId: 'site', deviceId, gatewayId, heartbeatMs: 300 * S, windowMs: 600 * S });
const gateway = (gatewayId = 'gw') => ({ siteId: 'site', gatewayId, graceMs: 60 * S });
const types = (effects: { type: string }[]) => effects.map((e) => e.type);

describe('liveness tracker (pure: inputs with now, effects out)', () => {
  it('debounces: one missed heartbeat is nothing, the second window raises; a heartbeat brings it back', () => {
    const t = new LivenessTracker([device('a'), device('b')], [gateway()], { startedAt: T0 });
    t.gatewayHeard('site', 'gw', T0);
    t.deviceHeard('site', 'a', T0, T0);
    t.deviceHeard('site', 'b', T0, T0);
    // b keeps the gateway's path proven alive; a says nothing more.
    t.gatewayHeard('site', 'gw', T0 + 300 * S);
    t.deviceHeard('site', 'b', T0 + 300 * S, T0 + 300 * S);
    expect(t.due(T0 + 599 * S)).toEqual([]);
    const effects = t.due(T0 + 600 * S);
    expect(effects).toEqual([{ type: 'device-silent', siteId: 'site', deviceId: 'a', reason: 'missed-heartbeats', lastSeenAt: T0, silentForMs: 600 * S, windowMs: 600 * S }]);
    expect(t.silentCount()).toBe(1);
    expect(t.deviceHeard('site', 'a', T0 + 700 * S, T0 + 700 * S)).toEqual([{ type: 'device-back', siteId: 'site', deviceId: 'a' }]);
    expect(t.silentCount()).toBe(0);
  });

  it('old news (a heartbeat older than the window) does not bring a silent device back', () => {
    const t = new LivenessTracker([device('a')], [gateway()], { startedAt: T0, silentDevices: [{ siteId: 'site', deviceId: 'a' }] });
    expect(t.deviceHeard('site', 'a', T0 - 700 * S, T0)).toEqual([]);
    expect(t.deviceState('site', 'a')).toBe('silent');
  });

  it('a never-seen device gets one full window from start; a seen one keeps its last-seen across a restart', () => {
    const t = new LivenessTracker([device('new'), device('old')], [gateway()], {
      startedAt: T0, seen: [{ siteId: 'site', deviceId: 'old', gatewayId: 'gw', lastSeenAt: T0 - 400 * S }],
    });
    t.gatewayHeard('site', 'gw', T0 + 100 * S);
    // old: last seen 400 s before start, window 600 s -> due at +200 s, but it gets one heartbeat (300 s) to report in.
    expect(t.due(T0 + 299 * S)).toEqual([]);
    expect(t.due(T0 + 300 * S)).toMatchObject([{ type: 'device-silent', deviceId: 'old', lastSeenAt: T0 - 400 * S, silentForMs: 700 * S }]);
    expect(t.due(T0 + 599 * S)).toEqual([]);
    t.gatewayHeard('site', 'gw', T0 + 599 * S);
    expect(t.due(T0 + 600 * S)).toMatchObject([{ deviceId: 'new' }]);
  });

  it('a gateway\'s last will: nothing within the grace, then one gateway alarm and no device alarms; back online clears it', () => {
    const t = new LivenessTracker([device('a'), device('b')], [gateway()], { startedAt: T0 });
    t.gatewayHeard('site', 'gw', T0);
    t.deviceHeard('site', 'a', T0, T0);
    t.deviceHeard('site', 'b', T0, T0);
    t.gatewayLeft('site', 'gw', T0 + 10 * S);
    expect(t.due(T0 + 69 * S)).toEqual([]);
    expect(t.due(T0 + 70 * S)).toEqual([{ type: 'gateway-offline', siteId: 'site', gatewayId: 'gw', reason: 'last-will', lastHeardAt: T0 }]);
    expect(t.due(T0 + 5000 * S)).toEqual([]);
    expect(t.deviceState('site', 'a')).toBe('inhibited');
    expect(t.gatewayHeard('site', 'gw', T0 + 5000 * S)).toEqual([{ type: 'gateway-back', siteId: 'site', gatewayId: 'gw' }]);
    // Devices get a fresh window from the gateway's return.
    expect(t.due(T0 + 5599 * S)).toEqual([]);
    t.gatewayHeard('site', 'gw', T0 + 5500 * S);
    t.deviceHeard('site', 'b', T0 + 5500 * S, T0 + 5500 * S);
    expect(t.due(T0 + 5600 * S)).toMatchObject([{ type: 'device-silent', deviceId: 'a' }]);
  });

  it('a network cut (no will yet): the gateway alarms after its silence window; its devices wait behind it', () => {
    const t = new LivenessTracker([device('a'), device('b'), device('c', 'other')], [gateway(), gateway('other')], { startedAt: T0 });
    for (const gw of ['gw', 'other']) t.gatewayHeard('site', gw, T0);
    for (const d of ['a', 'b', 'c']) t.deviceHeard('site', d, T0, T0);
    t.gatewayHeard('site', 'other', T0 + 300 * S);
    t.deviceHeard('site', 'c', T0 + 300 * S, T0 + 300 * S);
    t.gatewayHeard('site', 'other', T0 + 600 * S);
    t.deviceHeard('site', 'c', T0 + 600 * S, T0 + 600 * S);
    expect(t.due(T0 + 659 * S)).toEqual([]);
    expect(t.due(T0 + 660 * S)).toEqual([{ type: 'gateway-offline', siteId: 'site', gatewayId: 'gw', reason: 'silent', lastHeardAt: T0 }]);
    expect(t.deviceState('site', 'a')).toBe('inhibited');
    expect(t.silentCount()).toBe(2);
  });

  it('an unavailable report is offline at once, once', () => {
    const t = new LivenessTracker([device('a')], [gateway()], { startedAt: T0 });
    expect(types(t.deviceUnavailable('site', 'a', T0 + S))).toEqual(['device-silent']);
    expect(t.deviceUnavailable('site', 'a', T0 + 2 * S)).toEqual([]);
  });

  it('10,000 devices: one queue entry per device at most, one next deadline', () => {
    const devices = Array.from({ length: 10_000 }, (_, i) => device(`d${i}`, `gw${i % 5}`));
    const t = new LivenessTracker(devices, Array.from({ length: 5 }, (_, i) => gateway(`gw${i}`)), { startedAt: T0 });
    for (let round = 1; round <= 5; round++) {
      const now = T0 + round * 60 * S;
      for (let g = 0; g < 5; g++) t.gatewayHeard('site', `gw${g}`, now);
      for (const d of devices) t.deviceHeard('site', d.deviceId, now, now);
      expect(t.due(now)).toEqual([]);
    }
    expect(t.queued()).toBeLessThanOrEqual(10_005);
    expect(t.nextDeadline()).toBe(T0 + 600 * S);
  });
});

describe('battery watch', () => {
  it('low below the threshold, recovered only at threshold + 5', () => {
    const b = new BatteryWatch();
    expect([30, 19, 18, 22, 24, 25, 21].map((p) => b.reading('x', p, 20))).toEqual([null, 'low', null, null, null, 'recovered', null]);
  });
});
