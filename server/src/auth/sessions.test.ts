/**
 * User sessions over real HTTP and a real console WebSocket (issue 10): cookie attributes, idle
 * and absolute timeouts on an injected clock, an open console keeping its session from the idle
 * timeout, log out everywhere, and the user's own password change.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from '@trygg/protocol';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { freePort } from '../../../test/support/free-port';
import { loadConfigFile } from '../config/load-config';
import { DEMO_CONFIG } from '../environment';
import { startTrygg, type RunningTrygg } from '../server';
import { verifyPassword } from './password';

const logger = pino({ level: 'silent' });
const IDLE = 60_000;
const MAX = 10 * 60_000;

describe('user sessions', () => {
  let dir: string;
  let running: RunningTrygg;
  let base: string;
  const clock = new FakeClock();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-sessions-'));
    running = await startTrygg({
      config: loadConfigFile(DEMO_CONFIG), dataDir: dir, httpHost: '127.0.0.1', httpPort: await freePort(), mqttHost: '127.0.0.1', mqttPort: await freePort(),
      embeddedGateways: [], features: [], logger, clock, sessionTimeouts: { idleMs: IDLE, maxMs: MAX }, consolePingIntervalMs: 100,
    });
    base = `http://127.0.0.1:${running.httpPort}`;
  });

  afterAll(async () => {
    await running?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (method: string, path: string, cookie?: string, body?: unknown) => fetch(`${base}${path}`, {
    method, headers: { origin: base, ...(cookie && { cookie }), ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });

  async function login(username = 'kollega', password = 'trygg-demo'): Promise<string> {
    const res = await call('POST', '/api/v1/session', undefined, { username, password });
    expect(res.status).toBe(200);
    return res.headers.get('set-cookie')!.split(';')[0]!;
  }
  const whoami = async (cookie: string) => (await call('GET', '/api/v1/session', cookie)).status;

  async function openConsole(cookie: string): Promise<{ ws: WebSocket; closed: Promise<number> }> {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/ws/console`, { headers: { cookie, origin: base } });
    const closed = once(ws, 'close').then(([code]) => code as number);
    await once(ws, 'open');
    ws.send(JSON.stringify({ type: 'hello', stationId: 'backoffice' }));
    await new Promise<void>((resolve) => ws.on('message', (d) => { if (String(d).includes('"welcome"')) resolve(); }));
    return { ws, closed };
  }
  const consolesOfKollega = () => running.hub.connectedUsers('demo').filter((c) => c.user?.username === 'kollega').length;

  it('sets the cookie HttpOnly and SameSite=Strict (Secure only under TLS)', async () => {
    const res = await call('POST', '/api/v1/session', undefined, { username: 'kollega', password: 'trygg-demo' });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toMatch(/Secure/);
  });

  it('ends a session left idle, and one in use at the absolute limit', async () => {
    const idle = await login();
    clock.advance(IDLE - 1000);
    expect(await whoami(idle)).toBe(200);
    clock.advance(IDLE + 1000);
    expect(await whoami(idle)).toBe(401);

    const busy = await login();
    for (let t = 0; t < MAX - IDLE / 2; t += IDLE / 2) {
      clock.advance(IDLE / 2);
      expect(await whoami(busy)).toBe(200);
    }
    clock.advance(IDLE / 2);
    expect(await whoami(busy)).toBe(401);
  });

  it('an open console keeps its session from the idle timeout but not from the absolute one', async () => {
    const cookie = await login();
    const { ws, closed } = await openConsole(cookie);
    clock.advance(5 * IDLE);
    expect(await whoami(cookie)).toBe(200);
    ws.close();
    await closed;
    await new Promise<void>((resolve) => { const t = setInterval(() => { if (consolesOfKollega() === 0) { clearInterval(t); resolve(); } }, 20); });
    // Gone: the idle timeout runs again from the moment it closed.
    clock.advance(IDLE - 1000);
    expect(await whoami(cookie)).toBe(200);
    clock.advance(IDLE + 1000);
    expect(await whoami(cookie)).toBe(401);

    const watched = await login();
    const station = await openConsole(watched);
    clock.advance(MAX);
    // The socket's periodic session check closes it: the console goes back to the login.
    expect(await station.closed).toBe(4401);
    expect(await whoami(watched)).toBe(401);
  });

  it('logs out everywhere: every session of the user ends and open consoles are closed', async () => {
    const here = await login();
    const there = await login();
    const manager = await login('manager');
    const { closed } = await openConsole(there);
    const res = await call('POST', '/api/v1/session/logout-all', here);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, endedSessions: expect.any(Number) });
    expect(await whoami(here)).toBe(401);
    expect(await whoami(there)).toBe(401);
    expect(await closed).toBe(4401);
    expect(await whoami(manager)).toBe(200);
    expect((await call('POST', '/api/v1/session/logout-all')).status).toBe(401);
  });

  it('an administrator cannot give anyone a published demo password either', async () => {
    const admin = await login('admin');
    const body = { username: 'manager', name: 'Mona Leiar', role: 'manager', sites: ['demo'] };
    const refused = await call('PUT', '/api/v1/users/manager', admin, { ...body, password: 'trygg-demo-gateway' });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ code: 'TRYGG_SRV_CONFIG_REJECTED', problems: ['password: a published demo password cannot be used'] });
    expect((await call('PUT', '/api/v1/users/manager', admin, { ...body, password: 'mona sitt eige passord' })).status).toBe(200);
    expect(await verifyPassword('mona sitt eige passord', running.directory.user('manager')!.passwordHash)).toBe(true);
  });

  it('changes the user\'s own password: current one checked, others\' sessions end, this one stays', async () => {
    expect((await call('POST', '/api/v1/session/password', undefined, { nonsense: true })).status).toBe(401);
    const here = await login();
    const there = await login();
    const change = (currentPassword: string, newPassword: string) => call('POST', '/api/v1/session/password', here, { currentPassword, newPassword });

    const wrong = await change('not it', 'a new long password');
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toMatchObject({ code: 'TRYGG_SRV_WRONG_PASSWORD' });
    for (const weak of ['short', 'trygg-demo-devices']) {
      const res = await change('trygg-demo', weak);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'TRYGG_SRV_WEAK_PASSWORD' });
    }
    expect(await whoami(there)).toBe(200);

    const ok = await change('trygg-demo', 'kari sitt eige passord');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true, endedSessions: 1 });
    expect(await whoami(here)).toBe(200);
    expect(await whoami(there)).toBe(401);
    expect((await call('POST', '/api/v1/session', undefined, { username: 'kollega', password: 'trygg-demo' })).status).toBe(401);
    await login('kollega', 'kari sitt eige passord');
    // Stored as a new configuration version with a fresh scrypt hash; no one else's changed.
    const stored = running.directory.user('kollega')!.passwordHash;
    expect(stored).toMatch(/^scrypt\$/);
    expect(await verifyPassword('kari sitt eige passord', stored)).toBe(true);
    expect(await verifyPassword('trygg-demo', running.directory.user('admin')!.passwordHash)).toBe(true);
  });
});
