import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '@trygg/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlarmEvent } from '../../alarm/alarm-types';
import { SupervisionDb } from '../../supervision/supervision-db';
import { bootSafetyWork, login, type SafetyOffice } from '../safety-work-test-kit';
import { alarmTimes } from './drill-report';

let dir: string;
let clock: FakeClock;
let office: SafetyOffice;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'trygg-drills-'));
  clock = new FakeClock();
  office = await bootSafetyWork(dir, clock);
});

afterEach(async () => {
  await office.close();
  rmSync(dir, { recursive: true, force: true });
});

const SECOND = 1000;

async function startDrill(body: object = {}, user = 'tryggleik') {
  const res = await office.app.inject({ method: 'POST', url: '/api/v1/sites/demo/drills', headers: { cookie: await login(office.app, user) }, payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().drill as { id: string; state: string; alarmIds: string[] };
}

async function stepNotifications(alarmId: string) {
  const events = (await office.store.alarmEvents(alarmId)).map((e) => e.event);
  return events.flatMap((e) => (e.type === 'step-notified' ? e.notifications ?? [] : []));
}

describe('drills', () => {
  it('a drill alarm is a drill end to end: console shows it as one, guards are told, the police never', async () => {
    const drill = await startDrill({ roomId: 'interview-1' });
    expect(drill.state).toBe('running');
    const alarm = (await office.store.getAlarm(drill.alarmIds[0]!))!;
    expect(alarm).toMatchObject({ drill: true, roomId: 'interview-1', kind: 'panic', dedupeKey: `drill:${drill.id}` });
    expect(office.backoffice.popups().find((a) => a.id === alarm.id)?.drill).toBe(true);
    expect((await stepNotifications(alarm.id)).map((n) => n.target)).toEqual(['guards']);
    expect(office.notifications.targetsOf(alarm.id)).toEqual(['guards']);

    // The same chain for a real alarm reaches the police: the test config would call them.
    const real = await office.press('interview-3');
    expect(real.drill).toBe(false);
    expect(office.notifications.targetsOf(real.id)).toEqual(['guards', 'police']);
  });

  it('while a room drill runs, presses in that room are drills and join its report; afterwards they are real', async () => {
    const drill = await startDrill({ roomId: 'interview-1', durationMinutes: 15 });
    const during = await office.press('interview-1');
    expect(during.drill).toBe(true);
    expect((await stepNotifications(during.id)).map((n) => n.target)).not.toContain('police');
    const elsewhere = await office.press('interview-2');
    expect(elsewhere.drill).toBe(false);
    await office.settled();
    const ids = (await office.app.inject({ method: 'GET', url: `/api/v1/drills/${drill.id}`, headers: { cookie: await login(office.app, 'tryggleik') } })).json().drill.alarmIds;
    expect(ids).toEqual([drill.alarmIds[0], during.id]);

    await office.alarms.act(during.id, { type: 'resolve', outcome: 'test' }, office.actor('kollega'));
    await office.advance(15 * 60 * SECOND);
    expect(office.drills.get(drill.id)?.state).toBe('finished');
    const after = await office.press('interview-1');
    expect(after.drill).toBe(false);
  });

  it('a planned drill starts at its time, not before', async () => {
    const at = new Date(clock.now() + 3600 * SECOND).toISOString();
    const drill = await startDrill({ at, kind: 'personal' });
    expect(drill).toMatchObject({ state: 'planned', alarmIds: [] });
    await office.advance(3600 * SECOND - 1);
    expect(office.drills.get(drill.id)?.state).toBe('planned');
    await office.advance(1);
    const started = office.drills.get(drill.id)!;
    expect(started.state).toBe('running');
    const [alarmId] = office.drills.alarmIds(drill.id);
    expect((await office.store.getAlarm(alarmId!))).toMatchObject({ drill: true, kind: 'personal' });
  });

  it('the report gives response times per step and who responded, compared with earlier drills', async () => {
    const cookie = await login(office.app, 'tryggleik');
    // An earlier drill: acknowledged after 20 s.
    const first = await startDrill({ roomId: 'interview-2' });
    await office.advance(20 * SECOND);
    await office.alarms.act(first.alarmIds[0]!, { type: 'acknowledge' }, office.actor('kollega'));
    await office.alarms.act(first.alarmIds[0]!, { type: 'resolve', outcome: 'test' }, office.actor('kollega'));
    await office.app.inject({ method: 'POST', url: `/api/v1/drills/${first.id}/end`, headers: { cookie } });
    await office.advance(60 * SECOND);

    // This drill: nobody acknowledges within 30 s, so step 2 (whole office) is told at 30 s; then Kari and Mona respond.
    const drill = await startDrill({ roomId: 'interview-1' });
    const alarmId = drill.alarmIds[0]!;
    await office.advance(31 * SECOND);
    await office.advance(9 * SECOND);
    await office.alarms.act(alarmId, { type: 'acknowledge' }, office.actor('kollega'));
    await office.advance(5 * SECOND);
    await office.alarms.act(alarmId, { type: 'respond' }, office.actor('manager'));
    await office.advance(15 * SECOND);
    await office.alarms.act(alarmId, { type: 'on-scene' }, office.actor('manager'));
    await office.alarms.act(alarmId, { type: 'resolve', outcome: 'test' }, office.actor('manager'));

    const res = await office.app.inject({ method: 'GET', url: `/api/v1/drills/${drill.id}/report`, headers: { cookie } });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    const [times] = report.alarms;
    expect(times.steps.map((s: { step: number; seconds: number; external: string[] }) => [s.step, s.seconds, s.external])).toEqual([[0, 0, ['guards']], [1, 30, []]]);
    expect(times.acknowledged).toMatchObject({ seconds: 40, by: 'Kari Kollega (kollega)' });
    expect(times.responders).toMatchObject([{ username: 'manager', seconds: 45 }]);
    expect(times.onScene).toMatchObject({ seconds: 60 });
    expect(times.closed).toMatchObject({ how: 'resolved', outcome: 'test', seconds: 60 });
    expect(report.summary).toMatchObject({ secondsToFirstNotification: 0, secondsToAcknowledge: 40, secondsToResponding: 45, secondsToOnScene: 60, responders: 1 });
    expect(report.respondedBy).toEqual(['Kari Kollega (kollega)', 'Mona Leiar (manager)']);
    expect(report.comparison.earlier).toMatchObject([{ drillId: first.id, summary: { secondsToAcknowledge: 20 } }]);
    expect(report.comparison.average.secondsToAcknowledge).toBe(20);
    expect(report.comparison.difference.secondsToAcknowledge).toBe(20);
  });

  it('response times come from the timeline alone', () => {
    const t0 = Date.parse('2026-01-05T09:00:00Z');
    const user = (username: string) => ({ type: 'user' as const, username, name: username.toUpperCase() });
    const events: AlarmEvent[] = [
      { type: 'step-notified', at: t0, step: 0, stations: ['a'], online: [] , notifications: [
        { channel: 'sms', target: 'guards', external: true, recipient: { id: 'party:guards' } }] },
      { type: 'step-skipped', at: t0 + 30_000, step: 1, reason: 'nobody-online', stations: ['b'] },
      { type: 'step-notified', at: t0 + 30_000, step: 2, stations: ['c'], online: ['c'] },
      { type: 'responding', at: t0 + 42_500, actor: user('kari') },
      { type: 'responding', at: t0 + 50_000, actor: user('ola') },
      { type: 'cancelled', at: t0 + 90_000, actor: user('kari') },
    ];
    const alarm = { id: 'a1', kind: 'panic', drill: true, state: 'cancelled', raisedAt: t0, chain: { chainId: 'standard', steps: [] } } as never;
    const times = alarmTimes(alarm, events);
    expect(times.steps.map((s) => [s.step, s.seconds, s.skipped])).toEqual([[0, 0, undefined], [1, 30, 'nobody-online'], [2, 30, undefined]]);
    // "I'm coming" without an acknowledge acknowledges.
    expect(times.acknowledged).toEqual({ at: new Date(t0 + 42_500).toISOString(), seconds: 42.5, by: 'KARI (kari)' });
    expect(times.responders.map((r) => [r.username, r.seconds])).toEqual([['kari', 42.5], ['ola', 50]]);
    expect(times.closed).toMatchObject({ how: 'cancelled', seconds: 90 });
  });

  it('statistics per month: response times, false-alarm rate, drills and alarms resolved as tests apart, device test coverage', async () => {
    const tests = new SupervisionDb(join(dir, 'trygg.db'));
    tests.putTest({ eventId: 't1', siteId: 'demo', deviceId: 'interview-1', testedAt: clock.now() });
    tests.putTest({ eventId: 't2', siteId: 'demo', deviceId: 'interview-1', testedAt: clock.now() + 1 });
    tests.close();

    const falseAlarm = await office.press('interview-2');
    await office.advance(10 * SECOND);
    await office.alarms.act(falseAlarm.id, { type: 'acknowledge' }, office.actor('kollega'));
    await office.alarms.act(falseAlarm.id, { type: 'resolve', outcome: 'false' }, office.actor('kollega'));
    const real = await office.press('interview-3');
    await office.advance(20 * SECOND);
    await office.alarms.act(real.id, { type: 'acknowledge' }, office.actor('kollega'));
    await office.advance(10 * SECOND);
    await office.alarms.act(real.id, { type: 'respond' }, office.actor('kollega'));
    await office.alarms.act(real.id, { type: 'resolve', outcome: 'real' }, office.actor('kollega'));
    // Resolved as "test or drill": acknowledged at once, so mixed in it would pull the median to
    // 10 s and the false-alarm rate to 1/3.
    const test = await office.press('reception-desk');
    await office.alarms.act(test.id, { type: 'acknowledge' }, office.actor('kollega'));
    await office.alarms.act(test.id, { type: 'resolve', outcome: 'test' }, office.actor('kollega'));
    await startDrill({ roomId: 'interview-1' });

    const res = await office.app.inject({
      method: 'GET', url: '/api/v1/sites/demo/statistics?from=2025-12-01T00:00:00%2B01:00&to=2026-02-01T00:00:00%2B01:00',
      headers: { cookie: await login(office.app, 'manager') },
    });
    expect(res.statusCode, res.body).toBe(200);
    const [december, january] = res.json().months;
    expect(december).toMatchObject({ month: '2025-12', alarms: 0, falseAlarmRate: null, deviceTests: { devices: 5, tested: 0, coverage: 0 } }); // the demo's four buttons and its portable alarm
    expect(january).toMatchObject({
      month: '2026-01', alarms: 2, byKind: { panic: 2 }, falseAlarms: 1, falseAlarmRate: 0.5, drillAlarms: 1, testAlarms: 1,
      acknowledged: 2, secondsToAcknowledge: { count: 2, median: 15, mean: 15, max: 20 },
      responding: 1, secondsToResponding: { median: 30 }, onScene: 0,
      deviceTests: { devices: 5, tested: 1, coverage: 0.2 },
    });
  });

  it('only security contacts and above of the site plan drills and read reports', async () => {
    const employee = await office.app.inject({ method: 'POST', url: '/api/v1/sites/demo/drills', headers: { cookie: await login(office.app, 'resepsjon') }, payload: {} });
    expect(employee.statusCode).toBe(403);
    expect(employee.json().code).toBe('TRYGG_SRV_FORBIDDEN');
    const responder = await office.app.inject({ method: 'GET', url: '/api/v1/sites/demo/statistics', headers: { cookie: await login(office.app, 'kollega') } });
    expect(responder.statusCode).toBe(403);
    const drill = await startDrill();
    const otherOffice = await login(office.app, 'nordtrygg');
    expect((await office.app.inject({ method: 'GET', url: `/api/v1/drills/${drill.id}/report`, headers: { cookie: otherOffice } })).statusCode).toBe(404);
    expect((await office.app.inject({ method: 'POST', url: '/api/v1/sites/demo/drills', headers: { cookie: otherOffice }, payload: {} })).json().code).toBe('TRYGG_SRV_NOT_FOUND');
    const bad = await office.app.inject({ method: 'POST', url: '/api/v1/sites/demo/drills', headers: { cookie: await login(office.app, 'tryggleik') }, payload: { kind: 'technical' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('TRYGG_SRV_BAD_REQUEST');
  });
});
