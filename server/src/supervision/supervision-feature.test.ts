import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '@trygg/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../config/load-config';
import type { TryggConfig } from '../config/types';
import { DEMO_CONFIG } from '../environment';
import { bootSupervision, RecordingConsole, type SupervisionLife } from './supervision-test-kit';

/**
 * Supervision on the real alarm service, console hub and SQLite, with fake time. Timelines use the
 * demo office: four panic buttons on gateway demo-gw (heartbeat 300 s, offline after 2 windows =
 * 600 s, gateway grace 60 s), plus an annex gateway with one button.
 */
const S = 1000;
const ALL = ['reception-desk', 'interview-1', 'interview-2', 'interview-3'];
const OTHERS = ALL.filter((d) => d !== 'interview-2');

function officeConfig(): TryggConfig {
  const config = structuredClone(loadConfigFile(DEMO_CONFIG));
  const site = config.sites[0]!;
  // The timelines are about the four fixed buttons; the demo's portable alarm (heartbeat 120 s) would go silent first.
  site.devices = site.devices.filter((d) => d.type !== 'portable');
  site.gateways.push({ id: 'annex-gw', username: 'annex-gw', passwordHash: site.gateways[0]!.passwordHash });
  site.devices.push({ id: 'annex-1', type: 'panic-button', roomId: 'backoffice', gatewayId: 'annex-gw' });
  return config;
}

describe('supervision (alarm service + SQLite + console hub, fake clock)', () => {
  let dir: string;
  let clock: FakeClock;
  let config: TryggConfig;
  const lives: SupervisionLife[] = [];
  const boot = async () => {
    const life = await bootSupervision(dir, clock, config);
    lives.push(life);
    return life;
  };
  /** The manager (role manager >= security) and a responder, each at a console. */
  const consoles = async (life: SupervisionLife) => {
    const mona = new RecordingConsole('manager-office', life.directory.user('manager'));
    const kari = new RecordingConsole('backoffice', life.directory.user('kollega'));
    await life.hub.attach(mona, { stationId: 'manager-office', siteId: 'demo', user: 'Mona' });
    await life.hub.attach(kari, { stationId: 'backoffice', siteId: 'demo', user: 'Kari' });
    return { mona, kari };
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-supervision-'));
    clock = new FakeClock();
    config = officeConfig();
  });
  afterEach(async () => {
    for (const life of lives.splice(0)) await life.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('silent button: nothing after one missed window, a technical alarm to the manager (not the responder) after the second; cleared when it returns', async () => {
    const life = await boot();
    const { mona, kari } = await consoles(life);
    await life.heartbeats([...ALL, 'annex-1']);
    for (let t = 300; t <= 599; t += 299) {
      await life.advance(t === 300 ? 300 * S : 299 * S); // 300 s: one heartbeat missed; 599 s: still inside the window
      await life.heartbeats(OTHERS);
      if (t === 300) await life.heartbeats(['annex-1'], { gatewayId: 'annex-gw' });
    }
    expect(await life.openAlarms()).toEqual([]);
    await life.advance(1 * S); // 600 s: two windows without interview-2
    const [alarm] = await life.openAlarms();
    expect(await life.openKeys()).toEqual(['device-offline:interview-2']);
    expect(alarm).toMatchObject({ kind: 'technical', roomId: 'interview-2', detail: { technical: { cause: 'device-offline', subject: 'interview-2' } } });
    // The device is the subject, not the source: no device link, so a press there raises its own alarm.
    expect(alarm!.deviceId).toBeUndefined();
    expect(mona.popups()).toEqual([alarm!.id]);
    expect(kari.popups()).toEqual([]);
    expect(life.commands).toEqual([]); // nothing blinks on a device that is not there
    expect(await life.metric('trygg_technical_alarms_total')).toContain('cause="device-offline"} 1');
    expect(await life.metric('trygg_devices_silent')).toContain('trygg_devices_silent 1');
    expect(await life.metric('trygg_device_offline_detection_ratio')).toContain('trygg_device_offline_detection_ratio_bucket{le="1"} 1');

    await life.advance(30 * S);
    await life.heartbeats(['interview-2']);
    expect(await life.openAlarms()).toEqual([]);
    expect(mona.clears()).toEqual([alarm!.id]);
    expect((await life.store.getAlarm(alarm!.id))).toMatchObject({ state: 'resolved', outcome: 'cleared' });
  });

  it('device events count as life; an "unavailable" report is offline at once', async () => {
    const life = await boot();
    await life.heartbeats(ALL);
    await life.heartbeats(['annex-1'], { gatewayId: 'annex-gw' });
    await life.advance(500 * S);
    await life.event('interview-2', 'release');
    await life.heartbeats(OTHERS);
    await life.heartbeats(['annex-1'], { gatewayId: 'annex-gw' });
    await life.advance(200 * S); // 700 s: interview-2's heartbeat window ran out at 600 s, but it released a button at 500 s
    expect(await life.openAlarms()).toEqual([]);
    await life.event('interview-3', 'unavailable');
    expect(await life.openKeys()).toEqual(['device-offline:interview-3']);
    await life.heartbeats(['interview-3']);
    expect(await life.openKeys()).toEqual([]);
  });

  it('low battery with hysteresis; a low-battery event; tamper stays until a person resolves it', async () => {
    const life = await boot();
    await life.heartbeats(['interview-1'], { battery: 30 });
    expect(await life.openKeys()).toEqual([]);
    await life.heartbeats(['interview-1'], { battery: 19 });
    expect(await life.openKeys()).toEqual(['low-battery:interview-1']);
    for (const battery of [18, 22, 24]) await life.heartbeats(['interview-1'], { battery });
    expect(await life.openKeys()).toEqual(['low-battery:interview-1']);
    expect((await life.openAlarms())[0]).toMatchObject({ pressCount: 1 }); // one alarm, not one per reading
    await life.heartbeats(['interview-1'], { battery: 25 });
    expect(await life.openKeys()).toEqual([]);

    await life.event('interview-3', 'low-battery');
    await life.event('reception-desk', 'tamper');
    expect(await life.openKeys()).toEqual(['low-battery:interview-3', 'tamper:reception-desk']);
    await life.heartbeats(['reception-desk'], { battery: 90 });
    await life.event('reception-desk', 'release');
    expect(await life.openKeys()).toEqual(['low-battery:interview-3', 'tamper:reception-desk']);
    await life.heartbeats(['interview-3'], { battery: 80 });
    expect(await life.openKeys()).toEqual(['tamper:reception-desk']);
    expect(await life.metric('trygg_technical_alarms_total')).toMatch(/cause="tamper"} 1/);
  });

  it('gateway last will: nothing within the grace, then one gateway alarm and no alarms for its devices; back online clears it', async () => {
    const life = await boot();
    const { mona } = await consoles(life);
    await life.heartbeats(ALL);
    await life.heartbeats(['annex-1'], { gatewayId: 'annex-gw' });
    await life.gatewayStatus('offline');
    await life.advance(30 * S);
    await life.gatewayStatus('online'); // came back within the grace: nothing
    await life.gatewayStatus('offline');
    await life.advance(59 * S);
    expect(await life.openAlarms()).toEqual([]);
    await life.advance(1 * S);
    expect(await life.openKeys()).toEqual(['gateway-offline:demo-gw']);
    const [gatewayAlarm] = await life.openAlarms();
    expect(gatewayAlarm).toMatchObject({ kind: 'technical', detail: { technical: { cause: 'gateway-offline', subject: 'demo-gw' } } });
    expect(mona.popups()).toEqual([gatewayAlarm!.id]);

    for (let i = 0; i < 10; i++) {
      await life.advance(300 * S); // 50 min: every button of demo-gw is far past its window
      await life.heartbeats(['annex-1'], { gatewayId: 'annex-gw' });
    }
    expect(await life.openKeys()).toEqual(['gateway-offline:demo-gw']);
    expect(await life.metric('trygg_devices_silent')).toContain('trygg_devices_silent 4');

    await life.gatewayStatus('online');
    expect(await life.openKeys()).toEqual([]);
    expect(mona.clears()).toEqual([gatewayAlarm!.id]);
    // Its buttons get a fresh window to report in; three do, one does not.
    await life.advance(300 * S);
    await life.heartbeats(OTHERS);
    await life.advance(299 * S);
    expect(await life.openKeys()).toEqual([]);
    await life.heartbeats(OTHERS);
    await life.heartbeats(['annex-1'], { gatewayId: 'annex-gw' });
    await life.advance(1 * S);
    expect(await life.openKeys()).toEqual(['device-offline:interview-2']);
  });

  it('network cut before the broker fires the will: one gateway alarm after its silence window, no device alarms', async () => {
    const life = await boot();
    await life.gatewayStatus('online');
    await life.heartbeats(ALL);
    await life.heartbeats(['annex-1'], { gatewayId: 'annex-gw' });
    for (let i = 0; i < 2; i++) {
      await life.advance(300 * S);
      await life.heartbeats(['annex-1'], { gatewayId: 'annex-gw' });
    }
    // Silence window of demo-gw: its slowest button's window (600 s) + grace (60 s) after its last batch.
    await life.advance(59 * S);
    expect(await life.openAlarms()).toEqual([]);
    await life.advance(1 * S);
    expect(await life.openKeys()).toEqual(['gateway-offline:demo-gw']);
    for (let i = 0; i < 4; i++) {
      await life.advance(300 * S);
      await life.heartbeats(['annex-1'], { gatewayId: 'annex-gw' });
    }
    expect(await life.openKeys()).toEqual(['gateway-offline:demo-gw']);
    await life.heartbeats(ALL);
    expect(await life.openKeys()).toEqual([]);
  });

  it('a gateway that heartbeats on its own is missed after two beats plus the grace (90 s), not the devices\' window', async () => {
    const life = await boot();
    await life.gatewayStatus('online');
    await life.heartbeats(ALL);
    await life.gatewayHeartbeat();
    await life.advance(89 * S);
    expect(await life.openAlarms()).toEqual([]);
    await life.advance(1 * S);
    expect(await life.openKeys()).toEqual(['gateway-offline:demo-gw']);
    await life.gatewayHeartbeat();
    expect(await life.openKeys()).toEqual([]);
  });

  it('a restart keeps last-seen: no alarm before the window has passed, the alarm when it has; a raised alarm still clears after a restart', async () => {
    const first = await boot();
    await first.heartbeats(ALL);
    await first.close();
    lives.splice(lives.indexOf(first), 1);

    clock.advance(300 * S); // down for 5 minutes
    const second = await boot();
    await second.heartbeats(OTHERS);
    await second.advance(299 * S);
    expect(await second.openAlarms()).toEqual([]);
    await second.advance(1 * S); // 600 s after interview-2 was last seen, not 600 s after the restart
    expect(await second.openKeys()).toEqual(['device-offline:interview-2']);
    await second.close();
    lives.splice(lives.indexOf(second), 1);

    const third = await boot();
    await third.heartbeats(['interview-2']);
    expect(await third.openKeys()).toEqual([]);
  });

  it('10,000 devices are watched with one timer', async () => {
    const big = structuredClone(config);
    const site = big.sites[0]!;
    site.gateways = Array.from({ length: 5 }, (_, g) => ({ id: `gw-${g}`, username: `gw-${g}`, passwordHash: site.gateways[0]!.passwordHash }));
    site.devices = Array.from({ length: 10_000 }, (_, i) => ({ id: `b-${i}`, type: 'panic-button' as const, roomId: 'interview-1', gatewayId: `gw-${i % 5}` }));
    config = big;
    const life = await boot();
    expect(clock.pendingTimers()).toBe(1);
    const batch = async (skip?: string) => {
      for (let g = 0; g < 5; g++) {
        await life.heartbeats(site.devices.filter((d) => d.gatewayId === `gw-${g}` && d.id !== skip).map((d) => d.id), { gatewayId: `gw-${g}` });
      }
    };
    await batch();
    expect(clock.pendingTimers()).toBe(1);
    for (let i = 0; i < 3; i++) {
      await life.advance(300 * S);
      await batch('b-4242');
      expect(clock.pendingTimers()).toBeLessThanOrEqual(1);
    }
    expect(await life.openKeys()).toEqual(['device-offline:b-4242']);
    expect(life.feature.liveness().queued()).toBeLessThanOrEqual(10_005);
  });
});
