import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '@trygg/protocol';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bootLoneWork, login } from './lone-work-test-harness';

// A user session ends after 30 idle minutes (auth/sessions.ts); the worker's app logs in again
// for each act after a long wait, as a phone app would.

const MIN = 60_000;
const at = (clock: FakeClock, minutes: number) => new Date(clock.now() + minutes * MIN).toISOString();
const address = 'Fjellveien 7, 5019 Bergen';

describe('check-in timers for home visits (REST + device, fake clock, real SQLite)', () => {
  let dir: string;
  let clock: FakeClock;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-visits-'));
    clock = new FakeClock(); // 09:00
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function startVisit(life: Awaited<ReturnType<typeof bootLoneWork>>, cookie: string, untilMinutes: number, deviceId = 'alarm-ola') {
    const res = await life.app.inject({
      method: 'POST', url: '/api/v1/visits', headers: { cookie },
      payload: { deviceId, person: 'Ola Heimeteneste', address, until: at(clock, untilMinutes) },
    });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { visit: { id: string } }).visit.id;
  }

  it('visit until 10:00: reminder at 09:55, missed at 10:00 -> no-checkin alarm with the address on the back office console', async () => {
    const life = await bootLoneWork(dir, clock);
    const ola = await login(life.app, 'ola');
    const id = await startVisit(life, ola, 60);
    await life.device('alarm-ola', 'location', { location: { lat: 60.4, lon: 5.3 } }); // before expiry: not kept

    await life.advance(55 * MIN - 1);
    expect(life.actions()).toEqual([]);
    await life.advance(1);
    expect(life.commands).toMatchObject([{ action: 'reminder', deviceId: 'alarm-ola', alarmId: id }]);
    await life.advance(5 * MIN - 1);
    expect(life.backoffice.popups()).toEqual([]);

    await life.advance(1);
    const [popup] = life.backoffice.popups();
    expect(popup).toMatchObject({ kind: 'no-checkin', address, person: 'Ola Heimeteneste', deviceId: 'alarm-ola', state: 'raised' });
    expect(life.actions()).toEqual(['reminder', 'received']);
    const open = await life.store.listAlarms({ state: 'open' });
    expect(open).toMatchObject([{ id: popup!.id, dedupeKey: `visit:${id}` }]);

    const kollega = await login(life.app, 'kollega');
    const missed = await life.app.inject({ method: 'GET', url: '/api/v1/visits?state=missed', headers: { cookie: kollega } });
    expect(missed.json()).toMatchObject({ visits: [{ id, state: 'missed', alarmId: popup!.id, address }] });
    expect(missed.json().visits[0].location).toBeUndefined();

    // After expiry the position is kept on the visit, and travels with the open alarm.
    const found = { lat: 60.401, lon: 5.301, accuracyM: 20 };
    await life.device('alarm-ola', 'location', { location: found });
    expect(life.backoffice.messages.at(-1)).toMatchObject({ type: 'update', alarm: { id: popup!.id, location: found } });
    const listed = await life.app.inject({ method: 'GET', url: '/api/v1/visits?state=missed', headers: { cookie: kollega } });
    expect(listed.json().visits[0]).toMatchObject({ location: found });

    // A late check-out is recorded; the alarm stays for a person to resolve.
    const late = await life.app.inject({ method: 'POST', url: `/api/v1/visits/${id}/checkout`, headers: { cookie: await login(life.app, 'ola') } });
    expect(late.json()).toMatchObject({ visit: { state: 'missed', checkedOutBy: 'user:ola' } });
    expect(await life.store.getAlarm(popup!.id)).toMatchObject({ state: 'raised' });
    await life.close();
  });

  it('extend at 09:30 moves the deadline from 10:00 to 11:00 (and the reminder with it)', async () => {
    const life = await bootLoneWork(dir, clock);
    const ola = await login(life.app, 'ola');
    const id = await startVisit(life, ola, 60);
    await life.advance(30 * MIN);
    const res = await life.app.inject({ method: 'POST', url: `/api/v1/visits/${id}/extend`, headers: { cookie: await login(life.app, 'ola') }, payload: { until: at(clock, 90) } });
    expect(res.json()).toMatchObject({ visit: { state: 'active', until: '2026-01-05T11:00:00.000Z' } });

    await life.advance(60 * MIN); // 10:30
    expect(life.actions()).toEqual([]);
    expect(life.backoffice.popups()).toEqual([]);
    await life.advance(25 * MIN); // 10:55
    expect(life.actions()).toEqual(['reminder']);
    await life.advance(5 * MIN); // 11:00
    expect(life.backoffice.popups()).toMatchObject([{ kind: 'no-checkin' }]);
    await life.close();
  });

  it('checked out in time: no reminder, no alarm, ever', async () => {
    const life = await bootLoneWork(dir, clock);
    const ola = await login(life.app, 'ola');
    const id = await startVisit(life, ola, 60);
    await life.advance(50 * MIN);
    const res = await life.app.inject({ method: 'POST', url: `/api/v1/visits/${id}/checkout`, headers: { cookie: await login(life.app, 'ola') } });
    expect(res.json()).toMatchObject({ visit: { state: 'checked-out', checkedOutBy: 'user:ola' } });
    await life.advance(180 * MIN);
    expect(life.commands).toEqual([]);
    expect(life.backoffice.popups()).toEqual([]);
    const again = await life.app.inject({ method: 'POST', url: `/api/v1/visits/${id}/extend`, headers: { cookie: await login(life.app, 'ola') }, payload: { until: at(clock, 30) } });
    expect(again.statusCode).toBe(400);
    await life.close();
  });

  it('from the device: checkin-start, a restart, checkin-extend, checkout; a second visit times out to an alarm without address', async () => {
    const first = await bootLoneWork(dir, clock);
    await first.device('alarm-kari', 'checkin-start', { until: at(clock, 30) });
    await first.close();
    clock.advance(10 * MIN);
    const life = await bootLoneWork(dir, clock);
    await life.device('alarm-kari', 'checkin-extend', { until: at(clock, 60) }); // 10:10
    await life.advance(45 * MIN); // 09:55: the old deadline passed, the new one holds
    expect(life.backoffice.popups()).toEqual([]);
    await life.device('alarm-kari', 'checkout');
    await life.advance(120 * MIN);
    expect(life.backoffice.popups()).toEqual([]);

    await life.device('alarm-kari', 'checkin-start', { until: at(clock, 20) });
    await life.advance(20 * MIN);
    expect(life.backoffice.popups()).toMatchObject([{ kind: 'no-checkin', person: 'Kari Kollega', deviceId: 'alarm-kari' }]);
    await life.close();
  });

  it('a restart after the deadline raises the alarm at once; location before expiry was never stored', async () => {
    const first = await bootLoneWork(dir, clock);
    const id = await startVisit(first, await login(first.app, 'ola'), 60);
    await first.device('alarm-ola', 'location', { location: { lat: 60.4, lon: 5.3 } });
    await first.close();
    clock.advance(90 * MIN);
    const life = await bootLoneWork(dir, clock);
    await life.advance(0);
    expect(life.backoffice.popups()).toMatchObject([{ kind: 'no-checkin', address }]);
    const db = new Database(join(dir, 'trygg.db'), { readonly: true });
    expect(db.prepare('SELECT location FROM lone_work_visits WHERE id = ?').get(id)).toEqual({ location: null });
    db.close();
    await life.close();
  });

  it('who may do what: employees their own visits, security contacts and above anyone\'s, responders list; bad ends refused', async () => {
    const life = await bootLoneWork(dir, clock);
    const [ola, kollega, manager] = [await login(life.app, 'ola'), await login(life.app, 'kollega'), await login(life.app, 'manager')];
    const id = await startVisit(life, ola, 60);
    const post = (url: string, cookie: string, payload?: object) => life.app.inject({ method: 'POST', url, headers: { cookie }, ...(payload ? { payload } : {}) });

    expect((await post(`/api/v1/visits/${id}/checkout`, kollega)).statusCode).toBe(404); // a responder, not the owner
    expect((await life.app.inject({ method: 'GET', url: '/api/v1/visits', headers: { cookie: ola } })).statusCode).toBe(403);
    expect((await life.app.inject({ method: 'GET', url: '/api/v1/visits?state=active', headers: { cookie: kollega } })).json())
      .toMatchObject({ visits: [{ id, state: 'active', startedBy: 'ola' }] });
    expect((await post('/api/v1/visits', ola, { person: 'Ola', address, until: at(clock, -1) })).statusCode).toBe(400);
    expect((await post('/api/v1/visits', ola, { person: 'Ola', address, until: at(clock, 13 * 60) })).statusCode).toBe(400);
    expect((await post('/api/v1/visits', ola, { deviceId: 'alarm-ola', person: 'Ola', address, until: at(clock, 30) })).statusCode).toBe(400); // one per device
    expect((await post('/api/v1/visits', ola, { person: 'Ola', address, until: at(clock, 30), extra: 1 })).statusCode).toBe(400);
    expect((await life.app.inject({ method: 'POST', url: '/api/v1/visits', payload: { person: 'Ola', address, until: at(clock, 30) } })).statusCode).toBe(401);
    expect((await post(`/api/v1/visits/${id}/checkout`, manager)).json()).toMatchObject({ visit: { state: 'checked-out', checkedOutBy: 'user:manager' } });
    await life.close();
  });
});
