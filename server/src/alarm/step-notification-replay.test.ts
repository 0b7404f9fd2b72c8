import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, type DeviceEvent } from '@trygg/protocol';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CONFIG } from '../environment';
import { loadConfigFile, validateConfig } from '../config/load-config';
import { OfficeDirectory } from '../config/office-directory';
import { createMetrics } from '../metrics/metrics';
import { SqliteStore } from '../store/sqlite/sqlite-store';
import { ConsoleHub } from '../ws/console-hub';
import { AlarmService, type NotificationPort } from './alarm-service';
import type { StepNotification } from './alarm-types';

/**
 * A chain step is committed with the alarm; the messages it names are stored by the notification
 * center just after. The fault-injection harness found alarms whose guards were never told when
 * the server died in between. A restart hands every open alarm's recorded steps to the center
 * again (its dispatcher keeps one message per alarm, step, channel and recipient).
 */
const logger = pino({ level: 'silent' });

function guardsOffice(): OfficeDirectory {
  const config = structuredClone(loadConfigFile(DEMO_CONFIG));
  config.notifiers = [{ id: 'guards', channel: 'sms', party: 'guards', to: { phone: '+4722225555', name: 'Vektere' } }];
  config.sites[0]!.chains[0]!.steps[0]!.targets.push({ external: 'guards' });
  return new OfficeDirectory(validateConfig(config, 'guards office'));
}

function boot(dir: string, clock: FakeClock, directory: OfficeDirectory) {
  const store = new SqliteStore(join(dir, 'trygg.db'));
  const metrics = createMetrics();
  const hub = new ConsoleHub(store, directory, metrics, logger, clock, 0);
  const service = new AlarmService({ store, directory, clock, hub, metrics, logger, outbound: { sendDeviceCommand: () => {}, publishAlarmState: () => {} } });
  return { store, service };
}

describe('step notifications after a crash', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'trygg-replay-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a step recorded before the crash has its messages handed to the notification center again at start', async () => {
    const clock = new FakeClock();
    const directory = guardsOffice();
    const first = boot(dir, clock, directory);
    // No notification center: the step is committed, its messages never stored (the crash window).
    const press: DeviceEvent = { v: 1, eventId: 'interview-1-m1', siteId: 'demo', gatewayId: 'demo-gw', deviceId: 'interview-1', kind: 'press', seq: 1, at: new Date(clock.now()).toISOString() };
    const { alarmId } = await first.service.handleDeviceEvent(press, clock.now());
    first.service.stop();
    await first.store.close();

    const second = boot(dir, clock, directory);
    const sent: { alarmId: string; step: number | string; notifications: StepNotification[] }[] = [];
    const port: NotificationPort = { send: (alarm, step, notifications) => { sent.push({ alarmId: alarm.id, step, notifications }); } };
    second.service.setNotificationPort(port);
    await second.service.resume();
    expect(sent).toEqual([{ alarmId, step: 0, notifications: [expect.objectContaining({ target: 'guards', channel: 'sms' })] }]);
    second.service.stop();
    await second.store.close();
  });
});

describe('restore messages after a crash', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'trygg-replay-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const press = (clock: FakeClock, n: number): DeviceEvent => ({ v: 1, eventId: `interview-1-r${n}`, siteId: 'demo', gatewayId: 'demo-gw', deviceId: 'interview-1', kind: 'press', seq: n, at: new Date(clock.now()).toISOString() });
  const admin = { type: 'user', username: 'admin', name: 'Admin' } as const;

  it('an alarm closed before the crash, whose guards were told, has its restore handed to the notification center again at start; one closed over a day ago, or that told nobody outside, does not', async () => {
    const clock = new FakeClock();
    const directory = guardsOffice();
    const first = boot(dir, clock, directory);
    const quiet: NotificationPort = { send: () => {} };
    first.service.setNotificationPort(quiet); // the step's messages were stored; the restore's never were (the crash window)
    const old = await first.service.handleDeviceEvent(press(clock, 1), clock.now());
    await first.service.act(old.alarmId!, { type: 'resolve', outcome: 'real' }, admin);
    clock.advance(25 * 3_600_000);
    const recent = await first.service.handleDeviceEvent(press(clock, 2), clock.now());
    await first.service.act(recent.alarmId!, { type: 'resolve', outcome: 'real' }, admin);
    first.service.stop();
    await first.store.close();

    const second = boot(dir, clock, directory);
    const sent: { alarmId: string; step: number | string }[] = [];
    second.service.setNotificationPort({ send: (alarm, step) => { sent.push({ alarmId: alarm.id, step }); } });
    await second.service.resume();
    expect(sent).toEqual([{ alarmId: recent.alarmId, step: 'restore' }]);
    second.service.stop();
    await second.store.close();
  });
});
