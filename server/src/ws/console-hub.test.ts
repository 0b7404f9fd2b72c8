import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, type ConsoleServerMessage } from '@trygg/protocol';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decide } from '../alarm/alarm-engine';
import type { Alarm } from '../alarm/alarm-types';
import { loadConfigFile } from '../config/load-config';
import { OfficeDirectory } from '../config/office-directory';
import { DEMO_CONFIG } from '../environment';
import { createMetrics } from '../metrics/metrics';
import { SqliteStore } from '../store/sqlite/sqlite-store';
import { ConsoleHub, type ConsoleConnection, type ConsoleFrame } from './console-hub';

/** A console that keeps each message with the frame it was handed (if any), as a socket would write it. */
class FrameConsole implements ConsoleConnection {
  readonly got: { message: ConsoleServerMessage; frame?: ConsoleFrame }[] = [];
  constructor(readonly stationId: string) {}
  send(message: ConsoleServerMessage, frame?: ConsoleFrame): void {
    this.got.push({ message, frame });
  }
  /** What the console would read off the wire. */
  wire(): ConsoleServerMessage[] {
    return this.got.map((g) => (g.frame ? JSON.parse(g.frame.toString('utf8')) : JSON.parse(JSON.stringify(g.message))));
  }
}

describe('ConsoleHub fan-out', () => {
  let dir: string;
  let store: SqliteStore;
  let hub: ConsoleHub;
  const clock = new FakeClock(Date.parse('2026-12-03T10:00:00Z'));
  const directory = new OfficeDirectory(loadConfigFile(DEMO_CONFIG));
  const stations = directory.allSites()[0]!.stations.map((s) => s.id);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-hub-'));
    store = new SqliteStore(join(dir, 'trygg.db'));
    hub = new ConsoleHub(store, directory, createMetrics(), pino({ level: 'silent' }), clock, 0);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function alarmTo(targets: string[]): Alarm {
    const { alarm } = decide(null, {
      type: 'raise',
      origin: { id: 'fan-1', siteId: 'demo', kind: 'panic', drill: false, deviceId: 'interview-1', chain: { chainId: 'x', steps: [{ afterSeconds: 0, targets: [], until: 'acknowledged' }] } },
    }, { now: clock.now(), resolveStep: () => ({ stations: targets, online: targets }) });
    return alarm;
  }

  it('serialises a pop-up, an update and a clear once for every console they go to; each console reads the same message', async () => {
    const consoles = Array.from({ length: 60 }, (_, i) => new FrameConsole(stations[i % stations.length]!));
    for (const c of consoles) await hub.attach(c, { stationId: c.stationId, siteId: 'demo', user: 'Test' });
    for (const c of consoles) c.got.length = 0; // the welcome

    const alarm = alarmTo(stations);
    expect(hub.popup(alarm, stations)).toBe(60);
    // A second pop-up of the same alarm goes nowhere (each console shows it once).
    expect(hub.popup(alarm, stations)).toBe(0);
    hub.update({ ...alarm, pressCount: 2 });
    hub.clear({ ...alarm, state: 'resolved' });

    for (const [i, type] of (['popup', 'update', 'clear'] as const).entries()) {
      const frames = new Set(consoles.map((c) => c.got[i]?.frame));
      expect(frames.size, type).toBe(1); // one shared frame, not one per console
      const [frame] = frames;
      expect(frame).toBeInstanceOf(Buffer);
      expect(JSON.parse(frame!.toString('utf8'))).toMatchObject({ type, ...(type === 'clear' ? { alarmId: 'fan-1', state: 'resolved' } : { alarm: { id: 'fan-1' } }) });
    }
    expect(consoles[0]!.wire()[1]).toMatchObject({ type: 'update', alarm: { pressCount: 2 } });
  });

  it('a console that attaches while the alarm is open gets it with its welcome, and the shared update after', async () => {
    const alarm = alarmTo(['backoffice']);
    await store.recordAlarm('demo', undefined, () => ({ alarm, events: [{ type: 'raised', at: clock.now(), origin: alarm }], effects: [] } as never));
    const late = new FrameConsole('backoffice');
    await hub.attach(late, { stationId: 'backoffice', siteId: 'demo', user: 'Test' });
    hub.update({ ...alarm, pressCount: 3 });
    expect(late.wire().map((m) => m.type)).toEqual(['welcome', 'popup', 'update']);
  });
});

describe('ConsoleHub presence: a drop keeps the grace, a station that stopped on purpose does not', () => {
  let dir: string;
  let store: SqliteStore;
  const clock = new FakeClock(Date.parse('2026-12-03T10:00:00Z'));
  const directory = new OfficeDirectory(loadConfigFile(DEMO_CONFIG));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-hub-presence-'));
    store = new SqliteStore(join(dir, 'trygg.db'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a dropped socket counts as present for the grace period; absentAtOnce (closed, revoked) makes the station absent now', async () => {
    const hub = new ConsoleHub(store, directory, createMetrics(), pino({ level: 'silent' }), clock, 15_000);
    const dropped = new FrameConsole('backoffice');
    await hub.attach(dropped, { stationId: 'backoffice', siteId: 'demo', user: '' });
    hub.detach(dropped);
    expect(hub.isOnline('backoffice')).toBe(true);
    clock.advance(15_001);
    expect(hub.isOnline('backoffice')).toBe(false);

    const revoked = new FrameConsole('reception');
    await hub.attach(revoked, { stationId: 'reception', siteId: 'demo', user: '' });
    expect(hub.isOnline('reception')).toBe(true);
    hub.detach(revoked, { absentAtOnce: true });
    expect(hub.isOnline('reception')).toBe(false);
    // ... and after a restart it gets no grace either (presence recorded offline).
    await eventuallyOffline(store, 'reception');
    const restarted = new ConsoleHub(store, directory, createMetrics(), pino({ level: 'silent' }), clock, 15_000);
    await restarted.restorePresence();
    expect(restarted.isOnline('reception')).toBe(false);
  });

  it('just after a start the hub is starting up (coverage says "connecting"), for the start-up grace only', async () => {
    const hub = new ConsoleHub(store, directory, createMetrics(), pino({ level: 'silent' }), clock, 15_000, 20_000);
    expect(hub.startingUp()).toBe(false); // not started yet: nothing to wait for
    await hub.restorePresence();
    expect(hub.startingUp()).toBe(true);
    clock.advance(19_999);
    expect(hub.startingUp()).toBe(true);
    clock.advance(1);
    expect(hub.startingUp()).toBe(false);
  });
});

/** The hub records presence without waiting; the test waits for the write. */
async function eventuallyOffline(store: SqliteStore, stationId: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (!(await store.stationsMarkedOnline()).includes(stationId)) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`${stationId} still marked online`);
}
