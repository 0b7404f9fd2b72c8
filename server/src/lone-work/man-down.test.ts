import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '@trygg/protocol';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bootLoneWork, CANCEL_PIN, DURESS_PIN } from './lone-work-test-harness';

const outdoors = { lat: 60.3913, lon: 5.3221, accuracyM: 12 };

describe('man-down: pre-alarm the wearer can cancel, then an alarm (fake clock, real SQLite)', () => {
  let dir: string;
  let clock: FakeClock;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-mandown-'));
    clock = new FakeClock();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const preAlarmRows = () => {
    const db = new Database(join(dir, 'trygg.db'), { readonly: true });
    try {
      return db.prepare('SELECT state, closed_by, location, alarm_id FROM lone_work_pre_alarms').all();
    } finally {
      db.close();
    }
  };

  it('man-down at 0 s vibrates the device, nothing on consoles; cancelled with the PIN at 20 s: no alarm, location forgotten', async () => {
    const life = await bootLoneWork(dir, clock);
    await life.device('alarm-kari', 'man-down', { location: outdoors });
    expect(life.actions()).toEqual(['pre-alarm']);
    expect(life.backoffice.popups()).toEqual([]);

    await life.advance(20_000);
    await life.device('alarm-kari', 'cancel', { pin: CANCEL_PIN });
    expect(life.actions()).toEqual(['pre-alarm', 'cancelled']);
    await life.advance(120_000);
    expect(life.backoffice.popups()).toEqual([]);
    expect(await life.store.listAlarms({ state: 'open' })).toEqual([]);
    expect(preAlarmRows()).toEqual([{ state: 'cancelled', closed_by: 'device', location: null, alarm_id: null }]);
    await life.close();
  });

  it('not cancelled (a wrong PIN at 10 s does not count): nothing at 29 s, man-down alarm at 30 s with person and location', async () => {
    const life = await bootLoneWork(dir, clock);
    await life.device('alarm-kari', 'man-down', { location: outdoors });
    await life.advance(10_000);
    await life.device('alarm-kari', 'cancel', { pin: '0000' });
    await life.advance(19_000);
    expect(life.backoffice.popups()).toEqual([]);
    expect(life.actions()).toEqual(['pre-alarm']);

    await life.advance(1_000);
    const [popup] = life.backoffice.popups();
    expect(popup).toMatchObject({ kind: 'man-down', deviceId: 'alarm-kari', person: 'Kari Kollega', location: outdoors, state: 'raised' });
    expect(life.actions()).toEqual(['pre-alarm', 'received']);

    // The location goes on travelling with the open alarm.
    const moved = { lat: 60.392, lon: 5.323, accuracyM: 8 };
    await life.device('alarm-kari', 'location', { location: moved });
    expect(life.backoffice.messages.at(-1)).toMatchObject({ type: 'update', alarm: { id: popup!.id, location: moved } });
    expect(preAlarmRows()).toEqual([{ state: 'raised', closed_by: 'expired', location: null, alarm_id: popup!.id }]);
    await life.close();
  });

  it('a second man-down during the window folds into the running pre-alarm', async () => {
    const life = await bootLoneWork(dir, clock);
    await life.device('alarm-kari', 'man-down');
    await life.advance(5_000);
    await life.device('alarm-kari', 'man-down');
    expect(life.actions()).toEqual(['pre-alarm']);
    await life.advance(25_000);
    expect(life.backoffice.popups()).toHaveLength(1);
    await life.close();
  });

  it('a restart during the pre-alarm: the stored deadline holds; overdue -> alarm at once, and only once', async () => {
    const first = await bootLoneWork(dir, clock);
    await first.device('alarm-kari', 'man-down', { location: { roomId: 'interview-2' } });
    await first.close(); // the "crash": timers gone, only the store remains

    clock.advance(45_000); // the 30 s window ran out while the server was down
    const second = await bootLoneWork(dir, clock);
    await second.advance(0);
    expect(second.backoffice.popups()).toMatchObject([{ kind: 'man-down', person: 'Kari Kollega', roomId: 'interview-2' }]);
    await second.advance(60_000);
    expect(second.backoffice.popups()).toHaveLength(1);
    expect(await second.store.listAlarms({ state: 'open' })).toHaveLength(1);
    await second.close();
  });

  it('a restart mid-window keeps the rest of the window: alarm at 30 s, not before', async () => {
    const first = await bootLoneWork(dir, clock);
    await first.device('alarm-kari', 'man-down');
    await first.close();
    clock.advance(10_000);
    const second = await bootLoneWork(dir, clock);
    await second.advance(19_000);
    expect(second.backoffice.popups()).toEqual([]);
    await second.advance(1_000);
    expect(second.backoffice.popups()).toMatchObject([{ kind: 'man-down' }]);
    await second.close();
  });

  it('the duress PIN during the pre-alarm: the device shows "cancelled", the alarm is raised at once, without a device link', async () => {
    const life = await bootLoneWork(dir, clock);
    await life.device('alarm-kari', 'man-down', { location: outdoors });
    await life.advance(5_000);
    await life.device('alarm-kari', 'cancel', { pin: DURESS_PIN });
    expect(life.actions()).toEqual(['pre-alarm', 'cancelled']); // no "received" to give it away
    const [popup] = life.backoffice.popups();
    expect(popup).toMatchObject({ kind: 'man-down', person: 'Kari Kollega', location: outdoors });
    expect(popup!.deviceId).toBeUndefined();
    await life.advance(60_000);
    expect(life.backoffice.popups()).toHaveLength(1);
    expect(preAlarmRows()).toMatchObject([{ state: 'raised', closed_by: 'duress' }]);
    await life.close();
  });
});
