import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { FakeClock, type DeviceEvent } from '@trygg/protocol';
import type { InjectOptions } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/free-port';
import type { Actor } from '../alarm/alarm-types';
import { loadConfigFile } from '../config/load-config';
import type { TryggConfig } from '../config/types';
import { DEMO_CONFIG } from '../environment';
import { SqliteNotificationStore } from '../notify/sqlite-notification-store';
import { startTrygg, type RunningTrygg } from '../server';
import { RetentionFeature } from './retention-feature';
import { RETENTION_DEFAULTS } from './retention-policy';

/** The retention job and a person's export/erasure, in the whole server on fake time and a real SQLite file. */
const DAY = 86_400_000;
const PASSWORD = 'trygg-demo';
const place = { lat: 60.3913, lon: 5.3221, accuracyM: 8 };

async function boot(clock: FakeClock, edit: (c: TryggConfig) => void = () => undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'trygg-retention-'));
  const config = loadConfigFile(DEMO_CONFIG);
  edit(config);
  const lines: string[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
  const feature = new RetentionFeature();
  const running: RunningTrygg = await startTrygg({
    config, dataDir: dir, httpHost: '127.0.0.1', httpPort: await freePort(), mqttHost: '127.0.0.1', mqttPort: await freePort(),
    embeddedGateways: [], logger: pino({ level: 'info' }, sink), clock, features: [() => feature],
  });
  let seq = 0;
  const event = (deviceId: string, kind: DeviceEvent['kind'], extra: Partial<DeviceEvent> = {}): DeviceEvent => {
    seq += 1;
    return { v: 1, eventId: `retention-${seq}`, siteId: 'demo', gatewayId: 'demo-gw', deviceId, kind, seq, at: new Date(clock.now()).toISOString(), ...extra };
  };
  const cookies = new Map<string, string>();
  return {
    dir, running, feature, lines, event,
    async press(deviceId: string): Promise<string> {
      const receipt = await running.alarms.handleDeviceEvent(event(deviceId, 'press'), clock.now());
      expect(receipt.status).toBe('stored');
      return receipt.alarmId!;
    },
    async as(username: string, options: InjectOptions) {
      let cookie = cookies.get(username);
      if (!cookie) {
        const res = await running.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password: PASSWORD } });
        expect(res.statusCode, res.body).toBe(200);
        cookie = `trygg_session=${res.cookies.find((c) => c.name === 'trygg_session')!.value}`;
        cookies.set(username, cookie);
      }
      return running.app.inject({ ...options, headers: { ...(options.headers ?? {}), cookie } });
    },
    async close() {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const kari: Actor = { type: 'user', username: 'kollega', name: 'Kari Kollega', stationId: 'backoffice' };

describe('retention: the daily job on the injected clock', () => {
  const clock = new FakeClock();
  let life: Awaited<ReturnType<typeof boot>>;
  let closed: string;
  let open: string;

  beforeAll(async () => {
    life = await boot(clock, (c) => { c.sites[0]!.retention = { alarmsDays: 30 }; });
    await life.feature.settled(); // the run at start: nothing to do yet
    closed = await life.press('interview-1');
    await life.running.alarms.handleDeviceEvent(life.event('interview-1', 'location', { location: place }), clock.now());
    await life.running.alarms.act(closed, { type: 'acknowledge' }, kari);
    await life.running.alarms.act(closed, { type: 'resolve', outcome: 'real' }, kari);
    open = await life.press('interview-2');
    await life.running.alarms.handleDeviceEvent(life.event('interview-2', 'location', { location: place }), clock.now());
  });
  afterAll(async () => {
    await life?.close();
  });

  const alarm = (id: string) => life.running.store.getAlarm(id);
  const nextDay = async (days = 1) => {
    for (let d = 0; d < days; d++) clock.advance(DAY);
    return life.feature.settled();
  };

  it('keeps a closed alarm\'s position for the first day', async () => {
    const result = await nextDay();
    expect(result?.sites.demo?.positionsErased).toBe(0);
    expect((await alarm(closed))?.detail?.location).toEqual(place);
  });

  it('erases it after positionsHours (24 by default), keeps the timeline, and never touches the open alarm', async () => {
    const result = await nextDay();
    expect(result?.sites.demo?.positionsErased).toBe(1);
    const kept = await alarm(closed);
    expect(kept?.detail?.location).toBeUndefined();
    expect(kept).toMatchObject({ state: 'resolved', acknowledgedBy: { name: 'Kari Kollega' } });
    const timeline = await life.running.store.alarmEvents(closed);
    expect(timeline.map((e) => e.event.type)).toContain('located');
    expect(JSON.stringify(timeline)).not.toContain('60.39');
    expect((await alarm(open))?.detail?.location).toEqual(place);
    expect(life.lines.some((l) => l.includes('retention: personal data past its period') && l.includes('"positionsErased":1'))).toBe(true);
  });

  it('purges the closed alarm after the site\'s alarmsDays (30), with its device events; the open one stays', async () => {
    let result = await nextDay(27); // day 29 after the close
    expect(await alarm(closed)).toBeDefined();
    result = await nextDay(); // day 30: closed exactly 30 days ago, not before
    expect(await alarm(closed)).toBeDefined();
    result = await nextDay();
    expect(result?.sites.demo?.alarmsPurged).toBe(1);
    expect(await alarm(closed)).toBeUndefined();
    expect(await life.running.store.alarmEvents(closed)).toEqual([]);
    expect((await alarm(open))?.state).toBe('raised');
    expect((await alarm(open))?.detail?.location).toEqual(place);
    // The open alarm's press is still known (a repeat is a duplicate, not a second alarm).
    expect((await life.running.store.recordDeviceEvent({
      eventId: 'retention-3', siteId: 'demo', gatewayId: 'demo-gw', deviceId: 'interview-2', kind: 'press', seq: 3, at: '', receivedAt: clock.now(),
    }, () => null)).duplicate).toBe(true);
  });

  it('has one place for its defaults', () => {
    expect(RETENTION_DEFAULTS).toEqual({ alarmsDays: 365, positionsHours: 24, deviceEventsDays: 90, notificationsDays: 90, evacuationsDays: 365, visitsDays: 90, auditDays: 730 });
  });
});

describe('a person\'s data: export and erasure by an administrator', () => {
  const clock = new FakeClock();
  let life: Awaited<ReturnType<typeof boot>>;
  let alarmId: string;
  let notifications: SqliteNotificationStore;

  beforeAll(async () => {
    life = await boot(clock, (c) => {
      c.sites[0]!.chains.push({ id: 'to-mona', steps: [{ afterSeconds: 0, targets: [{ person: 'manager' }] }] });
    });
    alarmId = await life.press('interview-1');
    await life.running.alarms.act(alarmId, { type: 'acknowledge' }, kari);
    await life.running.alarms.act(alarmId, { type: 'resolve', outcome: 'real' }, kari);
    // An SMS that went to Kari's phone, stored and delivered like the pipeline does.
    notifications = new SqliteNotificationStore(join(life.dir, 'trygg.db'));
    await notifications.enqueue([{
      id: 'sms-kari', dedupeKey: `${alarmId}:0:sms:user:kollega`, channel: 'sms', target: 'sms', purpose: 'alarm', alarmId,
      subject: { alarmId, kind: 'panic', state: 'raised', drill: false, site: { id: 'demo', name: 'Demo' }, raisedAt: new Date(clock.now()).toISOString() },
      recipient: { id: 'user:kollega', name: 'Kari Kollega', phone: '+4740000002' }, createdAt: new Date(clock.now()).toISOString(), nextAttemptAt: clock.now(),
    }]);
    await notifications.claim('sms-kari', clock.now());
    await notifications.markDelivered('sms-kari', 1, { providerRef: 'ref-1' }, clock.now());
    await life.as('kollega', { method: 'GET', url: '/api/v1/session' }); // Kari has a session
  });
  afterAll(async () => {
    await notifications?.close();
    await life?.close();
  });

  it('refuses anyone but an administrator, before anything is read', async () => {
    for (const who of ['manager', 'kollega']) {
      expect((await life.as(who, { method: 'GET', url: '/api/v1/people/kollega/export' })).statusCode).toBe(403);
      expect((await life.as(who, { method: 'POST', url: '/api/v1/people/kollega/erase', payload: {} })).statusCode).toBe(403);
    }
    expect((await life.running.app.inject({ method: 'GET', url: '/api/v1/people/kollega/export' })).statusCode).toBe(401);
    expect((await life.as('admin', { method: 'GET', url: '/api/v1/people/nobody/export' })).statusCode).toBe(404);
  });

  it('exports everything about the person as JSON, without the password hash, and records who asked', async () => {
    const res = await life.as('admin', { method: 'GET', url: '/api/v1/people/kollega/export' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-disposition']).toContain('trygg-person-kollega.json');
    const data = res.json();
    expect(data.user).toMatchObject({ username: 'kollega', name: 'Kari Kollega', role: 'responder' });
    expect(res.body).not.toContain('scrypt$');
    expect(data.sessions.length).toBeGreaterThanOrEqual(1);
    expect(data.alarms.map((a: { alarm: { id: string } }) => a.alarm.id)).toEqual([alarmId]);
    expect(data.alarms[0].timeline.map((e: { type: string }) => e.type)).toContain('acknowledged');
    expect(data.notifications).toMatchObject([{ id: 'sms-kari', recipient: { phone: '+4740000002' } }]);
    expect(data.evacuations).toEqual({ rollCall: [], startedOrEnded: [] });
    expect(data.visits).toEqual([]);
    expect(data.privacyAudit).toEqual([]); // this export is recorded after it was put together
    expect(life.lines.some((l) => l.includes('person data exported') && l.includes('"actor":"admin"') && l.includes('"subject":"kollega"'))).toBe(true);
  });

  it('refuses to erase a person the configuration still names, or oneself, and changes nothing', async () => {
    const named = await life.as('admin', { method: 'POST', url: '/api/v1/people/manager/erase', payload: {} });
    expect(named.statusCode).toBe(409);
    expect(named.json()).toMatchObject({ code: 'TRYGG_SRV_PERSON_ERASE_REFUSED' });
    expect(life.running.directory.user('manager')?.name).toBe('Mona Leiar');
    const self = await life.as('admin', { method: 'POST', url: '/api/v1/people/admin/erase', payload: {} });
    expect(self.statusCode).toBe(409);
  });

  it('erases: out of the configuration (a new version), history under a pseudonym, notifications and sessions gone, logged', async () => {
    const before = life.running.directory.rawConfig;
    expect(before.users.some((u) => u.username === 'kollega')).toBe(true);
    const res = await life.as('admin', { method: 'POST', url: '/api/v1/people/kollega/erase', payload: {} });
    expect(res.statusCode, res.body).toBe(200);
    const { pseudonym, configVersion, changed } = res.json();
    expect(pseudonym).toMatch(/^erased-[0-9a-f]{8}$/);
    expect(configVersion).toBeGreaterThan(1);
    expect(changed).toMatchObject({ alarms: 1, notifications: 1 });
    expect(changed.sessions).toBeGreaterThanOrEqual(1);

    expect(life.running.directory.user('kollega')).toBeUndefined();
    const stored = await life.running.store.getAlarm(alarmId);
    expect(stored?.acknowledgedBy).toMatchObject({ type: 'user', username: pseudonym, name: 'a responder' });
    const timeline = JSON.stringify(await life.running.store.alarmEvents(alarmId));
    expect(timeline).not.toContain('Kari');
    expect(timeline).toContain('a responder');
    expect(await notifications.get('sms-kari')).toBeUndefined();
    expect(await life.running.store.listUserSessions('kollega')).toEqual([]);
    // Logging in as her no longer works; her export is gone; the erasure is recorded under the pseudonym.
    expect((await life.running.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'kollega', password: PASSWORD } })).statusCode).toBe(401);
    expect((await life.as('admin', { method: 'GET', url: '/api/v1/people/kollega/export' })).statusCode).toBe(404);
    const erased = life.lines.find((l) => l.includes('person erased: removed from the configuration'));
    expect(erased).toContain(`"pseudonym":"${pseudonym}"`);
    expect(erased).not.toContain('Kari');
    const admin = (await life.as('admin', { method: 'GET', url: '/api/v1/people/admin/export' })).json();
    expect(admin.privacyAudit.map((e: { action: string; subject: string }) => [e.action, e.subject])).toEqual([
      ['person-export', pseudonym], ['person-erase', pseudonym],
    ]);
  });
});
