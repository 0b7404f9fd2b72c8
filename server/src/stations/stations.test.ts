import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ConsoleClient, eventually } from '../../../test/support/console-client';
import { freePort } from '../../../test/support/free-port';
import { loginAs, OTHER_SITE_MANAGER, ROLE_USERS, twoSiteOffice } from '../../../test/support/two-site-office';
import { startTrygg, type RunningTrygg } from '../server';
import { StationCredentialStore } from './station-credential-store';
import { STATION_COOKIE_PATH } from './station-credentials';

const quiet = pino({ level: 'silent' });
const WATCH = '/api/v1/this-station/ws';

describe('station credential store', () => {
  it('keeps only the secret\'s hash, revokes once, and writes the audit trail with each change', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trygg-station-store-'));
    try {
      const file = join(dir, 'trygg.db');
      const store = new StationCredentialStore(file);
      store.insert({ id: 'c1', siteId: 'demo', stationId: 'backoffice', secretHash: 'a'.repeat(64), createdAt: 1000, createdBy: 'manager', label: 'Bakkontor PC 2' });
      expect(store.byHash('a'.repeat(64))).toEqual({ id: 'c1', siteId: 'demo', stationId: 'backoffice', createdAt: 1000, createdBy: 'manager', label: 'Bakkontor PC 2' });
      expect(store.countActive()).toBe(1);
      expect(store.revoke('c1', 2000, 'admin')).toBe(true);
      expect(store.revoke('c1', 3000, 'manager')).toBe(false); // once only: the first revocation stands
      expect(store.revoke('nope', 3000, 'manager')).toBe(false);
      store.touch('c1', 2500);
      expect(store.byId('c1')).toMatchObject({ revokedAt: 2000, revokedBy: 'admin', lastContactAt: 2500 });
      expect(store.countActive()).toBe(0);
      expect(store.audit().map((a) => [a.action, a.actor, a.at])).toEqual([['enrolled', 'manager', 1000], ['revoked', 'admin', 2000]]);
      store.close();
      // Reopening applies no migration twice and finds everything again.
      const again = new StationCredentialStore(file);
      expect(again.list().map((c) => c.id)).toEqual(['c1']);
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('station enrolment and the station\'s watch, on a running server', () => {
  let dir: string;
  let running: RunningTrygg;
  let app: FastifyInstance;
  let base: string;
  const cookies: Record<string, string> = {};

  const enrol = (cookie: string | undefined, stationId: string, payload: unknown = {}) =>
    app.inject({ method: 'POST', url: `/api/v1/stations/${encodeURIComponent(stationId)}/enrol`, headers: cookie ? { cookie } : {}, payload: payload as object });
  const stationCookieOf = (res: Awaited<ReturnType<typeof enrol>>) => {
    const c = res.cookies.find((x) => x.name === 'trygg_station');
    if (!c) throw new Error(`no station cookie: ${res.statusCode} ${res.body}`);
    return `trygg_station=${c.value}`;
  };
  const raise = (roomId = 'interview-1') => running.alarms.raise({ siteId: 'demo', kind: 'panic', roomId, zoneId: 'front', dedupeKey: `test:${Math.random()}`, detail: {} });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-stations-'));
    running = await startTrygg({
      config: twoSiteOffice(), dataDir: dir, httpHost: '127.0.0.1', httpPort: await freePort(), mqttHost: '127.0.0.1', mqttPort: await freePort(),
      embeddedGateways: [], features: [], logger: quiet, presenceGraceMs: 60_000, consolePingIntervalMs: 200,
    });
    app = running.app;
    base = `http://127.0.0.1:${running.httpPort}`;
    for (const who of [ROLE_USERS.responder, ROLE_USERS.security, ROLE_USERS.manager, ROLE_USERS.admin, OTHER_SITE_MANAGER]) cookies[who] = await loginAs(app, who);
  });
  afterAll(async () => {
    await running?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('only managers and administrators enrol, and only stations of their own sites', async () => {
    expect((await enrol(undefined, 'backoffice')).statusCode).toBe(401);
    for (const who of [ROLE_USERS.responder, ROLE_USERS.security]) {
      const res = await enrol(cookies[who], 'backoffice');
      expect(res.statusCode, who).toBe(403);
      expect(res.cookies.some((c) => c.name === 'trygg_station')).toBe(false);
    }
    const other = await enrol(cookies[OTHER_SITE_MANAGER], 'backoffice');
    expect(other.statusCode).toBe(400);
    expect(other.json()).toMatchObject({ code: 'TRYGG_SRV_UNKNOWN_STATION' });

    const res = await enrol(cookies[ROLE_USERS.manager], 'reception', { label: 'Skranke-PC' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ credential: { stationId: 'reception', siteId: 'demo', createdBy: 'manager', label: 'Skranke-PC', connected: false } });
    expect(res.body).not.toContain(stationCookieOf(res).split('=')[1]); // the secret only in the cookie
    const cookie = res.cookies.find((c) => c.name === 'trygg_station')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: STATION_COOKIE_PATH, maxAge: 400 * 24 * 3600 });
    // Stored hashed: the secret is nowhere in the database file.
    expect(readFileSync(join(dir, 'trygg.db')).includes(Buffer.from(cookie.value))).toBe(false);
    const admin = await enrol(cookies[ROLE_USERS.admin], 'other-desk');
    expect(admin.statusCode).toBe(201);
  });

  it('hostile inputs are refused with a coded error and change nothing', async () => {
    const before = (await app.inject({ method: 'GET', url: '/api/v1/station-credentials', headers: { cookie: cookies.admin } })).json().credentials.length;
    const manager = cookies[ROLE_USERS.manager];
    for (const payload of [{ label: 'x'.repeat(81) }, { label: 'bell\u0007' }, { label: '' }, { stationId: 'reception' }, { label: { nested: true } }]) {
      const res = await enrol(manager, 'reception', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().code).toBe('TRYGG_SRV_BAD_REQUEST');
    }
    expect((await enrol(manager, 'x'.repeat(65))).statusCode).toBe(400);
    expect((await enrol(manager, 'no-such-station')).json().code).toBe('TRYGG_SRV_UNKNOWN_STATION');
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/station-credentials/not-a-uuid', headers: { cookie: manager } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/station-credentials/00000000-0000-4000-8000-000000000000', headers: { cookie: manager } })).json().code).toBe('TRYGG_SRV_NOT_FOUND');
    for (const cookie of ['trygg_station=forged', `trygg_station=${'A'.repeat(5000)}`, 'trygg_station=%00%ff', '']) {
      const res = await app.inject({ method: 'GET', url: '/api/v1/this-station', headers: cookie ? { cookie } : {} });
      expect(res.statusCode, cookie.slice(0, 40)).toBe(404);
      expect(res.json().code).toBe('TRYGG_SRV_STATION_NOT_ENROLLED');
    }
    const after = (await app.inject({ method: 'GET', url: '/api/v1/station-credentials', headers: { cookie: cookies.admin } })).json().credentials.length;
    expect(after).toBe(before);
  });

  it('a station watch needs no user, receives its alarms and answers as the station; revoking closes it at once and routing counts it absent', async () => {
    const res = await enrol(cookies[ROLE_USERS.manager], 'backoffice', { label: 'Bakkontor' });
    const stationCookie = stationCookieOf(res);
    const credentialId = res.json().credential.id as string;
    const me = await app.inject({ method: 'GET', url: '/api/v1/this-station', headers: { cookie: stationCookie } });
    expect(me.json()).toMatchObject({ station: { id: 'backoffice', siteId: 'demo' }, credentialId });
    expect(me.cookies.find((c) => c.name === 'trygg_station')?.maxAge).toBe(400 * 24 * 3600); // renewed

    // Without the cookie, and from another origin, no upgrade.
    const upgrade = (headers: Record<string, string>) => new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${base.replace('http', 'ws')}${WATCH}`, { headers });
      ws.on('unexpected-response', (_req, r) => { resolve(r.statusCode ?? 0); ws.terminate(); });
      ws.on('open', () => { resolve(101); ws.close(); });
      ws.on('error', reject);
    });
    expect(await upgrade({})).toBe(404);
    expect(await upgrade({ cookie: stationCookie, origin: 'https://evil.example' })).toBe(403);

    const watch = new ConsoleClient(base, 'backoffice', stationCookie, WATCH);
    await watch.connect();
    // A station may announce only itself.
    const wrong = new ConsoleClient(base, 'reception', stationCookie, WATCH);
    await expect(wrong.connect()).rejects.toThrow('closed (4404)');
    expect(wrong.messages).toContainEqual(expect.objectContaining({ type: 'error', code: 'TRYGG_SRV_UNKNOWN_STATION' }));

    const { alarm } = await raise();
    expect(alarm.routedStations).toContain('backoffice');
    await watch.waitForPopup((a) => a.id === alarm.id);
    watch.send({ type: 'respond', alarmId: alarm.id });
    const answered = await eventually(async () => {
      const a = await running.store.getAlarm(alarm.id);
      return a?.state === 'responding' ? a : undefined;
    });
    expect(answered.acknowledgedBy).toEqual({ type: 'station', stationId: 'backoffice', name: 'Bakkontor-PC' });

    const listed = await app.inject({ method: 'GET', url: '/api/v1/station-credentials', headers: { cookie: cookies[ROLE_USERS.manager] } });
    expect(listed.json().credentials).toContainEqual(expect.objectContaining({ id: credentialId, stationId: 'backoffice', stationName: 'Bakkontor-PC', createdBy: 'manager', connected: true, lastContactAt: expect.any(Number) }));
    // Another site's manager neither sees nor revokes it.
    expect((await app.inject({ method: 'GET', url: '/api/v1/station-credentials', headers: { cookie: cookies[OTHER_SITE_MANAGER] } })).json().credentials
      .some((c: { id: string }) => c.id === credentialId)).toBe(false);
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/station-credentials/${credentialId}`, headers: { cookie: cookies[OTHER_SITE_MANAGER] } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/station-credentials/${credentialId}`, headers: { cookie: cookies[ROLE_USERS.responder] } })).statusCode).toBe(403);
    expect(running.hub.isOnline('backoffice')).toBe(true);

    const revoked = await app.inject({ method: 'DELETE', url: `/api/v1/station-credentials/${credentialId}`, headers: { cookie: cookies[ROLE_USERS.manager] } });
    expect(revoked.json()).toMatchObject({ credential: { id: credentialId, revokedBy: 'manager', revokedAt: expect.any(Number) } });
    // Absent for routing at once, although the presence grace here is a minute.
    expect(running.hub.isOnline('backoffice')).toBe(false);
    await watch.waitFor(() => watch.closeCode !== undefined);
    expect(watch.closeCode).toBe(4403);
    expect(watch.messages).toContainEqual(expect.objectContaining({ type: 'error', code: 'TRYGG_SRV_STATION_REVOKED' }));
    expect(await upgrade({ cookie: stationCookie })).toBe(403);
    const again = await app.inject({ method: 'GET', url: '/api/v1/this-station', headers: { cookie: stationCookie } });
    expect(again.json()).toMatchObject({ code: 'TRYGG_SRV_STATION_REVOKED' });

    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/^trygg_station_credentials_active \d+$/m);
    expect(metrics.body).toMatch(/^trygg_station_watches_connected 0$/m);
  });

  it('a watch closed by its page is absent at once; a watch that dropped keeps the reconnect grace', async () => {
    const stationCookie = stationCookieOf(await enrol(cookies[ROLE_USERS.manager], 'manager-office'));
    const watch = new ConsoleClient(base, 'manager-office', stationCookie, WATCH);
    await watch.connect();
    expect(running.hub.isOnline('manager-office')).toBe(true);
    watch.close(); // code 1000 / 1001 from a page that stops or unloads
    await eventually(() => (running.hub.isConnected('manager-office') ? undefined : true));
    expect(running.hub.isOnline('manager-office')).toBe(false);

    await watch.connect();
    await watch.reconnect(); // terminate: a dropped network, no close frame
    expect(running.hub.isOnline('manager-office')).toBe(true);
    watch.close();
  });

  it('a user logged in at the station PC answers in their own name; when their session ends the watch goes on without them', async () => {
    const stationCookie = stationCookieOf(await enrol(cookies[ROLE_USERS.manager], 'backoffice'));
    const session = await loginAs(app, ROLE_USERS.responder);
    const watch = new ConsoleClient(base, 'backoffice', `${stationCookie}; ${session}`, WATCH);
    await watch.connect();
    const { alarm } = await raise('interview-2');
    await watch.waitForPopup((a) => a.id === alarm.id);
    watch.send({ type: 'acknowledge', alarmId: alarm.id });
    const acknowledged = await eventually(async () => (await running.store.getAlarm(alarm.id))?.acknowledgedBy);
    expect(acknowledged).toEqual({ type: 'user', username: 'kollega', name: 'Kari Kollega', stationId: 'backoffice' });

    await app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie: session } });
    await watch.waitFor(() => watch.closeCode !== undefined);
    expect(watch.closeCode).toBe(4409);
    // The page reconnects at once; the session cookie it still sends is dead, so it watches as the station.
    await watch.connect();
    expect(watch.messages.filter((m) => m.type === 'welcome').length).toBe(2);
    expect(running.hub.isConnected('backoffice')).toBe(true);
    watch.close();
  });
});
