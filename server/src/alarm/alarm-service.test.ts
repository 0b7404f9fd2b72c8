import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, type ConsoleServerMessage, type DeviceCommand, type DeviceEvent } from '@trygg/protocol';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CONFIG } from '../environment';
import { loadConfigFile } from '../config/load-config';
import { OfficeDirectory } from '../config/office-directory';
import { createMetrics } from '../metrics/metrics';
import { SqliteStore } from '../store/sqlite/sqlite-store';
import { ConsoleHub, type ConsoleConnection } from '../ws/console-hub';
import { AlarmService } from './alarm-service';
import type { Alarm } from './alarm-types';

const logger = pino({ level: 'silent' });
// Without the demo's SMS provider: these timelines are about consoles, and "nobody anywhere" means nobody on any channel.
const directory = new OfficeDirectory({ ...loadConfigFile(DEMO_CONFIG), notifiers: [] });

class RecordingConsole implements ConsoleConnection {
  readonly messages: ConsoleServerMessage[] = [];
  constructor(readonly stationId: string) {}
  send(message: ConsoleServerMessage): void {
    this.messages.push(message);
  }
  popups(): string[] {
    return this.messages.flatMap((m) => (m.type === 'popup' ? [m.alarm.id] : []));
  }
}

function press(deviceId: string, n: number, clock: FakeClock): DeviceEvent {
  return { v: 1, eventId: `${deviceId}-m${n}`, siteId: 'demo', gatewayId: 'demo-gw', deviceId, kind: 'press', seq: n, at: new Date(clock.now()).toISOString() };
}

/** One server "life": store + hub + service over the same data dir, as a restart would build them. */
function boot(dir: string, clock: FakeClock, graceMs = 0) {
  const store = new SqliteStore(join(dir, 'trygg.db'));
  const metrics = createMetrics();
  const hub = new ConsoleHub(store, directory, metrics, logger, clock, graceMs);
  const commands: DeviceCommand[] = [];
  const states: Alarm[] = [];
  const service = new AlarmService({
    store, directory, clock, hub, metrics, logger,
    outbound: { sendDeviceCommand: (_s, _g, c) => commands.push(c), publishAlarmState: (a) => states.push(a) },
  });
  return { store, hub, service, commands, states, metrics };
}

describe('alarm service (engine + SQLite store + console hub, fake clock)', () => {
  let dir: string;
  let clock: FakeClock;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-svc-'));
    clock = new FakeClock();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('press at 0 s: pop-up in the back office, nothing at reception; "received" to the device; duplicate is one alarm', async () => {
    const life = boot(dir, clock);
    const backoffice = new RecordingConsole('backoffice');
    const reception = new RecordingConsole('reception');
    await life.hub.attach(backoffice, { stationId: 'backoffice', siteId: 'demo', user: 'Kari' });
    await life.hub.attach(reception, { stationId: 'reception', siteId: 'demo', user: 'Per' });

    const receipt = await life.service.handleDeviceEvent(press('reception-desk', 1, clock), clock.now());
    expect(receipt).toMatchObject({ status: 'stored', eventId: 'reception-desk-m1' });
    expect(backoffice.popups()).toEqual([receipt.alarmId]);
    expect(reception.messages.filter((m) => m.type !== 'welcome')).toEqual([]);
    expect(life.commands.map((c) => c.action)).toEqual(['received']);

    const again = await life.service.handleDeviceEvent(press('reception-desk', 1, clock), clock.now());
    expect(again).toMatchObject({ status: 'duplicate', alarmId: receipt.alarmId });
    expect(backoffice.popups()).toHaveLength(1);
    expect(await life.store.listAlarms({ state: 'open' })).toHaveLength(1);
    await life.store.close();
  });

  it('escalates by the clock: whole office at 30 s, manager at 90 s; acknowledging stops it and tells the device', async () => {
    const life = boot(dir, clock);
    const backoffice = new RecordingConsole('backoffice');
    const manager = new RecordingConsole('manager-office');
    await life.hub.attach(backoffice, { stationId: 'backoffice', siteId: 'demo', user: 'Kari' });
    await life.hub.attach(manager, { stationId: 'manager-office', siteId: 'demo', user: 'Mona' });
    const { alarmId } = await life.service.handleDeviceEvent(press('interview-2', 1, clock), clock.now());
    expect(manager.popups()).toEqual([]);
    clock.advance(29_000);
    await settle();
    expect(manager.popups()).toEqual([]);
    clock.advance(1_000);
    await settle();
    expect(manager.popups()).toEqual([alarmId]);
    const alarm = await life.store.getAlarm(alarmId!);
    expect(alarm).toMatchObject({ lastStep: 1, routedStations: ['backoffice', 'manager-office'] });

    await life.service.act(alarmId!, { type: 'acknowledge' }, { type: 'user', username: 'manager', name: 'Mona' });
    expect(life.commands.map((c) => c.action)).toEqual(['received', 'help-coming']);
    // Owned now: the only timer left is the on-scene check (default 180 s after acknowledging).
    expect(life.service.scheduler.pending()).toBe(1);
    expect((await life.store.getAlarm(alarmId!))?.nextStepDueAt).toBe(clock.now() + 180_000);
    clock.advance(120_000);
    await settle();
    expect((await life.store.getAlarm(alarmId!))?.lastStep).toBe(1);
    expect(backoffice.messages.at(-1)).toMatchObject({ type: 'update', alarm: { state: 'acknowledged', acknowledgedBy: 'Mona' } });
    await life.store.close();
  });

  it('a restarted server resumes the stored deadline; an overdue step fires at once', async () => {
    const first = boot(dir, clock);
    await first.hub.attach(new RecordingConsole('backoffice'), { stationId: 'backoffice', siteId: 'demo', user: 'Kari' });
    const { alarmId } = await first.service.handleDeviceEvent(press('interview-3', 1, clock), clock.now());
    first.service.stop();
    await first.store.close(); // the "crash": timers gone, only the store remains

    clock.advance(45_000); // the 30 s deadline passed while the server was down
    const second = boot(dir, clock);
    const manager = new RecordingConsole('manager-office');
    await second.hub.attach(manager, { stationId: 'manager-office', siteId: 'demo', user: 'Mona' });
    expect(await second.service.resume()).toBe(1);
    clock.advance(0);
    await settle();
    const events = (await second.store.alarmEvents(alarmId!)).map((e) => e.event);
    expect(events.filter((e) => e.type === 'step-notified').map((e) => e.at)).toEqual([clock.now() - 45_000, clock.now()]);
    expect(manager.popups()).toEqual([alarmId]);
    await second.store.close();
  });

  it('consoles online when the server stopped count as present during the grace period', async () => {
    const first = boot(dir, clock);
    await first.hub.attach(new RecordingConsole('backoffice'), { stationId: 'backoffice', siteId: 'demo', user: 'Kari' });
    await first.store.close();

    const second = boot(dir, clock, 10_000);
    await second.hub.restorePresence();
    const { alarmId } = await second.service.handleDeviceEvent(press('interview-1', 1, clock), clock.now());
    const alarm = await second.store.getAlarm(alarmId!);
    // Routed to the reconnecting back office instead of skipping it.
    expect(alarm).toMatchObject({ lastStep: 0, routedStations: ['backoffice'] });
    const back = new RecordingConsole('backoffice');
    await second.hub.attach(back, { stationId: 'backoffice', siteId: 'demo', user: 'Kari' });
    expect(back.popups()).toEqual([alarmId]);
    await second.store.close();
  });

  it('an alarm raised while no console is online reaches the first targeted console that connects', async () => {
    const life = boot(dir, clock);
    const { alarmId } = await life.service.handleDeviceEvent(press('interview-1', 1, clock), clock.now());
    const events = (await life.store.alarmEvents(alarmId!)).map((e) => e.event.type);
    // The demo chain's three steps and the loud step to security contacts: nobody anywhere.
    expect(events).toEqual(['raised', 'step-skipped', 'step-skipped', 'step-skipped', 'step-skipped', 'chain-exhausted']);
    expect(await life.metrics.registry.getSingleMetricAsString('trygg_alarms_reached_nobody_total')).toContain(' 1');
    const reception = new RecordingConsole('reception');
    await life.hub.attach(reception, { stationId: 'reception', siteId: 'demo', user: 'Per' });
    expect(reception.popups()).toEqual([]); // origin zone stays silent even now
    const back = new RecordingConsole('backoffice');
    await life.hub.attach(back, { stationId: 'backoffice', siteId: 'demo', user: 'Kari' });
    expect(back.popups()).toEqual([alarmId]);
    await life.store.close();
  });

  it('technical alarms reach security contacts\' consoles, fold by cause, and clear themselves', async () => {
    const life = boot(dir, clock);
    const kari = new RecordingConsole('backoffice');
    await life.hub.attach(kari, { stationId: 'backoffice', siteId: 'demo', user: 'Kari' });
    const monaUser = directory.user('manager')!;
    const mona: RecordingConsole & { user?: typeof monaUser } = Object.assign(new RecordingConsole('reception'), { user: monaUser });
    await life.hub.attach(mona, { stationId: 'reception', siteId: 'demo', user: 'Mona' });
    const request = { siteId: 'demo', kind: 'technical' as const, deviceId: 'interview-2', roomId: 'interview-2', dedupeKey: 'device-offline:interview-2', detail: { technical: { cause: 'device-offline' as const, subject: 'interview-2' } } };
    const first = await life.service.raise(request);
    const again = await life.service.raise(request);
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, alarm: { id: first.alarm.id, pressCount: 2 } });
    // The manager (role >= security) sees it wherever she is logged in, even in the room's zone; Kari (responder) does not.
    expect(mona.popups()).toEqual([first.alarm.id]);
    expect(kari.popups()).toEqual([]);
    expect(life.commands).toEqual([]); // no "received" blinking on a device that is offline
    const cleared = await life.service.clearByKey('demo', 'device-offline:interview-2');
    expect(cleared).toMatchObject({ state: 'resolved', outcome: 'cleared' });
    expect(mona.messages.at(-1)).toMatchObject({ type: 'clear', alarmId: first.alarm.id });
    expect(await life.service.clearByKey('demo', 'device-offline:interview-2')).toBeUndefined();
    await life.store.close();
  });

  it('an employee\'s console (passive) never pops up and does not count as a responder online', async () => {
    const life = boot(dir, clock);
    const employee = Object.assign(new RecordingConsole('backoffice'), { passive: true });
    await life.hub.attach(employee, { stationId: 'backoffice', siteId: 'demo', user: 'Emma' });
    expect(life.hub.isOnline('backoffice')).toBe(false);
    const { alarmId } = await life.service.handleDeviceEvent(press('interview-1', 1, clock), clock.now());
    expect(employee.popups()).toEqual([]);
    // Nobody responding was online at the back office: the step was skipped, not silently "delivered".
    const events = (await life.store.alarmEvents(alarmId!)).map((e) => e.event);
    expect(events.find((e) => e.type === 'step-skipped')).toMatchObject({ step: 0, reason: 'nobody-online' });
    await life.store.close();
  });

  it('a crash between storing an event and its feature handlers loses nothing: a restart hands it over again, once', async () => {
    const first = boot(dir, clock);
    // The commit happened, the process died before any handler ran (recordDeviceEvent is the commit).
    await first.store.recordDeviceEvent({
      eventId: 'interview-2-md1', siteId: 'demo', gatewayId: 'demo-gw', deviceId: 'interview-2', kind: 'man-down', seq: 1,
      at: new Date(clock.now()).toISOString(), receivedAt: clock.now(), pendingDetail: { location: { lat: 60.39, lon: 5.32 } },
    }, () => null);
    await first.store.close();

    const second = boot(dir, clock);
    const seen: { eventId: string; location?: unknown }[] = [];
    second.service.addDeviceEventHandler({ name: 'recorder', afterStored: async (event) => { seen.push({ eventId: event.eventId, location: event.location }); } });
    await second.service.resume();
    expect(seen).toEqual([{ eventId: 'interview-2-md1', location: { lat: 60.39, lon: 5.32 } }]);
    await second.service.resume();
    expect(seen).toHaveLength(1);
    expect(await second.store.unhandledDeviceEvents(10)).toEqual([]);
    await second.store.close();
  });

  it('unknown devices are rejected with a reason and counted', async () => {
    const life = boot(dir, clock);
    const receipt = await life.service.handleDeviceEvent(press('ghost', 1, clock), clock.now());
    expect(receipt).toEqual({ v: 1, eventId: 'ghost-m1', status: 'rejected', reason: 'unknown-device' });
    expect(await life.metrics.registry.getSingleMetricAsString('trygg_events_rejected_total')).toContain('reason="unknown-device"} 1');
    await life.store.close();
  });
});

/** Lets the escalation's async store work finish after a fake-clock timer fired. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}
