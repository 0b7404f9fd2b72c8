import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { DeviceEvent } from '@trygg/protocol';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../../test/support/console-client';
import { freePort } from '../../../../test/support/free-port';
import { metricSum } from '../../../../test/support/prometheus-text';
import { loadConfigFile } from '../../config/load-config';
import type { TryggConfig } from '../../config/types';
import { DEMO_CONFIG } from '../../environment';
import { startTrygg, type RunningTrygg } from '../../server';

/**
 * The REST API, health endpoints and HTTP hardening, on the whole server started in-process
 * (temp SQLite, embedded broker, no gateways) and driven with `app.inject()`.
 */
const quiet = pino({ level: 'silent' });
const PASSWORD = 'trygg-demo';

async function start(dir: string, config: TryggConfig = loadConfigFile(DEMO_CONFIG), logger = quiet): Promise<RunningTrygg> {
  return startTrygg({
    config, dataDir: dir, httpHost: '127.0.0.1', httpPort: await freePort(), mqttHost: '127.0.0.1', mqttPort: await freePort(),
    embeddedGateways: [], logger,
  });
}

async function loginCookie(app: FastifyInstance, username: string, password = PASSWORD): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password } });
  expect(res.statusCode, res.body).toBe(200);
  const cookie = res.cookies.find((c) => c.name === 'trygg_session');
  if (!cookie) throw new Error('no session cookie');
  return `trygg_session=${cookie.value}`;
}

let eventSeq = 0;
/** A press as ingest hands it to the alarm service after validation. */
async function press(running: RunningTrygg, deviceId: string, siteId = 'demo', gatewayId = 'demo-gw'): Promise<string> {
  eventSeq += 1;
  const event: DeviceEvent = { v: 1, eventId: `api-test-${eventSeq}`, siteId, gatewayId, deviceId, kind: 'press', seq: eventSeq, at: new Date().toISOString() };
  const receipt = await running.alarms.handleDeviceEvent(event, Date.now());
  expect(receipt).toMatchObject({ status: 'stored' });
  return receipt.alarmId!;
}

function expectError(res: LightMyRequestResponse, status: number | number[], code?: string): void {
  expect([status].flat(), res.body).toContain(res.statusCode);
  const body = res.json() as { code: unknown; message: unknown };
  expect(typeof body.code).toBe('string');
  expect(typeof body.message).toBe('string');
  if (code) expect(body.code).toBe(code);
}

describe('REST API on the in-process server', () => {
  let dir: string;
  let running: RunningTrygg;
  let app: FastifyInstance;
  let manager: string;
  let kollega: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-api-'));
    running = await start(dir);
    app = running.app;
    manager = await loginCookie(app, 'manager');
    kollega = await loginCookie(app, 'kollega');
  });

  afterAll(async () => {
    await running?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('session', () => {
    it('login sets an httpOnly, SameSite=Strict session cookie and tells who logged in', async () => {
      const res = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'manager', password: PASSWORD } });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ user: { username: 'manager', name: 'Mona Leiar', role: 'manager', sites: ['demo'] } });
      const cookie = res.cookies.find((c) => c.name === 'trygg_session');
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
      expect(cookie!.value.length).toBeGreaterThanOrEqual(32);
      expect(String(res.headers['set-cookie'])).toMatch(/HttpOnly/i);
      expect(String(res.headers['set-cookie'])).toMatch(/SameSite=Strict/i);
    });

    it('wrong password and unknown user get the same 401', async () => {
      const wrong = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'manager', password: 'not-the-password' } });
      const unknown = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'nobody-here', password: PASSWORD } });
      expectError(wrong, 401, 'TRYGG_SRV_BAD_CREDENTIALS');
      expectError(unknown, 401, 'TRYGG_SRV_BAD_CREDENTIALS');
      expect(unknown.json()).toEqual(wrong.json()); // nothing tells which of the two was wrong
      expect(wrong.cookies).toEqual([]);
    });

    it('GET /api/v1/session with and without the cookie', async () => {
      const withCookie = await app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: kollega } });
      expect(withCookie.statusCode).toBe(200);
      expect(withCookie.json()).toEqual({ user: { username: 'kollega', name: 'Kari Kollega', role: 'responder', sites: ['demo'] } });
      expectError(await app.inject({ method: 'GET', url: '/api/v1/session' }), 401, 'TRYGG_SRV_UNAUTHENTICATED');
      expectError(await app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: 'trygg_session=forged-token' } }), 401, 'TRYGG_SRV_UNAUTHENTICATED');
      expectError(await app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: `trygg_session=${'x'.repeat(4000)}` } }), 401, 'TRYGG_SRV_UNAUTHENTICATED');
    });

    it('logout invalidates the cookie on the server, not only in the browser', async () => {
      const cookie = await loginCookie(app, 'kollega');
      const out = await app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie } });
      expect(out.statusCode).toBe(200);
      expect(out.cookies.find((c) => c.name === 'trygg_session')?.value).toBe('');
      expectError(await app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie } }), 401, 'TRYGG_SRV_UNAUTHENTICATED');
      expectError(await app.inject({ method: 'GET', url: '/api/v1/alarms', headers: { cookie } }), 401, 'TRYGG_SRV_UNAUTHENTICATED');
      // Logging out without a session is harmless.
      expect((await app.inject({ method: 'DELETE', url: '/api/v1/session' })).statusCode).toBe(200);
    });
  });

  describe('alarms', () => {
    it('refuses every alarm route without a session: 401 {code, message}', async () => {
      const id = '00000000-0000-4000-8000-000000000000';
      for (const req of [
        { method: 'GET', url: '/api/v1/alarms' },
        { method: 'GET', url: `/api/v1/alarms/${id}` },
        { method: 'POST', url: `/api/v1/alarms/${id}/acknowledge` },
        { method: 'POST', url: `/api/v1/alarms/${id}/cancel` },
        { method: 'GET', url: '/api/v1/devices' },
      ] as InjectOptions[]) {
        expectError(await app.inject(req), 401, 'TRYGG_SRV_UNAUTHENTICATED');
      }
    });

    it('lists an open alarm with its resource shape, and shows it by id with its timeline', async () => {
      const id = await press(running, 'interview-1');
      const list = await app.inject({ method: 'GET', url: '/api/v1/alarms?state=open', headers: { cookie: kollega } });
      expect(list.statusCode).toBe(200);
      const { alarms } = list.json() as { alarms: Record<string, unknown>[] };
      const alarm = alarms.find((a) => a.id === id);
      expect(alarm).toMatchObject({ id, kind: 'panic', state: 'raised', deviceId: 'interview-1', roomId: 'interview-1', siteId: 'demo', pressCount: 1, chainId: 'standard' });
      expect(Date.parse(alarm!.raisedAt as string)).not.toBeNaN();

      const detail = await app.inject({ method: 'GET', url: `/api/v1/alarms/${id}`, headers: { cookie: kollega } });
      expect(detail.statusCode).toBe(200);
      const body = detail.json() as { alarm: { id: string }; timeline: { seq: number; type: string; at: string }[] };
      expect(body.alarm.id).toBe(id);
      expect(body.timeline[0]).toMatchObject({ type: 'raised' });
      expect(body.timeline.every((e) => typeof e.seq === 'number' && !Number.isNaN(Date.parse(e.at)))).toBe(true);
      // Nobody is online in this test: the console steps are recorded as skipped; the loud last
      // step still reaches the security contact and the manager by SMS (the demo's fake provider).
      expect(body.timeline.map((e) => e.type)).toEqual(['raised', 'step-skipped', 'step-skipped', 'step-skipped', 'step-notified']);
      await app.inject({ method: 'POST', url: `/api/v1/alarms/${id}/resolve`, headers: { cookie: kollega }, payload: { outcome: 'test' } });
    });

    it('acknowledge -> respond -> resolve; then the closed alarm answers 409', async () => {
      const id = await press(running, 'interview-2');
      const act = (name: string, payload?: object) =>
        app.inject({ method: 'POST', url: `/api/v1/alarms/${id}/${name}`, headers: { cookie: kollega }, ...(payload ? { payload } : {}) });

      const acked = await act('acknowledge');
      expect(acked.statusCode, acked.body).toBe(200);
      expect(acked.json()).toMatchObject({ alarm: { id, state: 'acknowledged', acknowledgedBy: 'Kari Kollega' } });
      const responding = await act('respond');
      expect(responding.json()).toMatchObject({ alarm: { state: 'responding', responders: ['Kari Kollega'] } });
      const resolved = await act('resolve', { outcome: 'false' });
      expect(resolved.json()).toMatchObject({ alarm: { state: 'resolved', outcome: 'false' } });

      expectError(await act('resolve', { outcome: 'real' }), 409, 'TRYGG_SRV_ALARM_CLOSED');
      expectError(await act('acknowledge'), 409, 'TRYGG_SRV_INVALID_TRANSITION');
      expectError(await act('respond'), 409, 'TRYGG_SRV_INVALID_TRANSITION');
      const cancel = await app.inject({ method: 'POST', url: `/api/v1/alarms/${id}/cancel`, headers: { cookie: manager } });
      expectError(cancel, 409, 'TRYGG_SRV_INVALID_TRANSITION');

      const open = (await app.inject({ method: 'GET', url: '/api/v1/alarms?state=open', headers: { cookie: kollega } })).json() as { alarms: { id: string }[] };
      expect(open.alarms.map((a) => a.id)).not.toContain(id);
      const done = (await app.inject({ method: 'GET', url: '/api/v1/alarms?state=resolved', headers: { cookie: kollega } })).json() as { alarms: { id: string }[] };
      expect(done.alarms.map((a) => a.id)).toContain(id);
    });

    it('cancel needs at least the security role: a responder gets 403, the manager may', async () => {
      const id = await press(running, 'interview-3');
      const denied = await app.inject({ method: 'POST', url: `/api/v1/alarms/${id}/cancel`, headers: { cookie: kollega } });
      expectError(denied, 403, 'TRYGG_SRV_FORBIDDEN');
      const still = (await app.inject({ method: 'GET', url: `/api/v1/alarms/${id}`, headers: { cookie: kollega } })).json() as { alarm: { state: string } };
      expect(still.alarm.state).toBe('raised');

      const cancelled = await app.inject({ method: 'POST', url: `/api/v1/alarms/${id}/cancel`, headers: { cookie: manager } });
      expect(cancelled.statusCode, cancelled.body).toBe(200);
      expect(cancelled.json()).toMatchObject({ alarm: { id, state: 'cancelled' } });
    });

    it('history pages: `next` of a page is the `before` of the following one, every alarm once, newest first; a bad cursor is 400', async () => {
      for (const device of ['interview-1', 'interview-2', 'interview-3']) {
        const id = await press(running, device);
        await app.inject({ method: 'POST', url: `/api/v1/alarms/${id}/cancel`, headers: { cookie: manager } });
      }
      const everything = (await app.inject({ method: 'GET', url: '/api/v1/alarms?limit=1000', headers: { cookie: kollega } })).json() as { alarms: { id: string; raisedAt: string }[]; next?: string };
      expect(everything.next).toBeUndefined();
      expect(everything.alarms.length).toBeGreaterThanOrEqual(3);
      const paged: string[] = [];
      let url = '/api/v1/alarms?limit=2';
      for (;;) {
        const page = (await app.inject({ method: 'GET', url, headers: { cookie: kollega } })).json() as { alarms: { id: string }[]; next?: string };
        paged.push(...page.alarms.map((a) => a.id));
        if (!page.next) break;
        url = `/api/v1/alarms?limit=2&before=${encodeURIComponent(page.next)}`;
      }
      expect(paged).toEqual(everything.alarms.map((a) => a.id));
      const times = everything.alarms.map((a) => Date.parse(a.raisedAt));
      expect(times).toEqual([...times].sort((x, y) => y - x));
      for (const bad of ['yesterday', '12_UPPER', "1_x'%20OR%201=1", '_abc']) {
        expectError(await app.inject({ method: 'GET', url: `/api/v1/alarms?before=${bad}`, headers: { cookie: kollega } }), 400);
      }
    });

    it('unknown id 404, malformed id 400, bogus state filter 400, bogus resolve outcome 400', async () => {
      const id = await press(running, 'reception-desk');
      expectError(await app.inject({ method: 'GET', url: '/api/v1/alarms/00000000-0000-4000-8000-000000000000', headers: { cookie: kollega } }), 404, 'TRYGG_SRV_NOT_FOUND');
      expectError(await app.inject({ method: 'POST', url: '/api/v1/alarms/00000000-0000-4000-8000-000000000000/acknowledge', headers: { cookie: kollega } }), 404, 'TRYGG_SRV_NOT_FOUND');
      for (const bad of ['NOT-LOWER', 'a_b', "x'%20OR%201=1", '%00', 'a'.repeat(65)]) {
        const res = await app.inject({ method: 'GET', url: `/api/v1/alarms/${bad}`, headers: { cookie: kollega } });
        expect(res.statusCode, bad).toBe(400);
        expect(res.json()).toMatchObject({ code: expect.any(String), message: expect.any(String) });
      }
      expectError(await app.inject({ method: 'GET', url: '/api/v1/alarms?state=bogus', headers: { cookie: kollega } }), 400);
      expectError(await app.inject({ method: 'GET', url: '/api/v1/alarms?limit=100000', headers: { cookie: kollega } }), 400);
      expectError(await app.inject({ method: 'POST', url: `/api/v1/alarms/${id}/resolve`, headers: { cookie: kollega }, payload: { outcome: 'nonsense' } }), 400);
      // None of those touched the alarm.
      const after = (await app.inject({ method: 'GET', url: `/api/v1/alarms/${id}`, headers: { cookie: kollega } })).json() as { alarm: { state: string } };
      expect(after.alarm.state).toBe('raised');
      await app.inject({ method: 'POST', url: `/api/v1/alarms/${id}/resolve`, headers: { cookie: kollega }, payload: { outcome: 'test' } });
    });

    // Fastify's default Ajv strips unknown fields; Trygg refuses them, so a client that misspells
    // `outcome` gets a 400 instead of recording the alarm as a real incident.
    it('unknown query and body fields are refused, not silently dropped', async () => {
      const id = await press(running, 'reception-desk');
      try {
        expectError(await app.inject({ method: 'GET', url: '/api/v1/alarms?sort=raisedAt', headers: { cookie: kollega } }), 400);
        const typo = await app.inject({ method: 'POST', url: `/api/v1/alarms/${id}/resolve`, headers: { cookie: kollega }, payload: { outcom: 'false' } });
        expectError(typo, 400);
      } finally {
        await app.inject({ method: 'POST', url: `/api/v1/alarms/${id}/resolve`, headers: { cookie: kollega }, payload: { outcome: 'test' } });
      }
    });
  });

  describe('devices', () => {
    it('lists the demo devices: no heartbeat yet, seen only if a press of theirs raised an alarm above', async () => {
      const res = await app.inject({ method: 'GET', url: '/api/v1/devices', headers: { cookie: kollega } });
      expect(res.statusCode).toBe(200);
      const { devices } = res.json() as { devices: { id: string; siteId: string; lastSeenAt: string | null; battery: number | null }[] };
      expect(devices.map((d) => d.id).sort()).toEqual(['interview-1', 'interview-2', 'interview-3', 'portable-kari', 'reception-desk']);
      const history = await app.inject({ method: 'GET', url: '/api/v1/alarms?limit=200', headers: { cookie: kollega } });
      const pressed = new Set((history.json() as { alarms: { deviceId?: string }[] }).alarms.map((a) => a.deviceId).filter(Boolean));
      expect(pressed.size).toBeGreaterThan(0);
      for (const d of devices) {
        expect(d).toMatchObject({ siteId: 'demo', battery: null });
        // A device that raised an alarm has been heard (it is not "never seen"); the others have not.
        expect(d.lastSeenAt === null, d.id).toBe(!pressed.has(d.id));
      }
    });
  });

  describe('health', () => {
    it('/healthz answers at once; /readyz is ready once the broker link is up', async () => {
      const health = await app.inject({ method: 'GET', url: '/healthz' });
      expect(health.statusCode).toBe(200);
      expect(health.json()).toEqual({ status: 'ok' });
      const ready = await eventually(async () => {
        const res = await app.inject({ method: 'GET', url: '/readyz' });
        const body = res.json() as { status: string; checks: { broker: boolean; store: boolean } };
        return res.statusCode === 200 && body.checks.broker ? body : undefined;
      }, 10_000, 'readyz with broker connected');
      expect(ready).toMatchObject({ status: 'ready', checks: { broker: true, store: true, gateways: {} } });
    });

    it('/metrics is Prometheus text with the alarm, rejection and latency series', async () => {
      const res = await app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      for (const name of ['trygg_alarms_raised_total', 'trygg_events_rejected_total', 'trygg_notification_latency_seconds']) {
        expect(res.body).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
      }
      // The presses of the alarm tests above were counted.
      expect(metricSum(res.body, 'trygg_alarms_raised_total', { site: 'demo', kind: 'panic' })).toBeGreaterThanOrEqual(1);
    });
  });

  describe('hostile HTTP', () => {
    const rejectedTotal = async () => metricSum((await app.inject({ method: 'GET', url: '/metrics' })).body, 'trygg_http_rejected_total');

    const cases: { name: string; status: number | number[]; code?: string; req: () => InjectOptions }[] = [
      {
        name: 'malformed JSON body', status: 400,
        req: () => ({ method: 'POST', url: '/api/v1/session', headers: { 'content-type': 'application/json' }, payload: '{"username":"manager","password":' }),
      },
      {
        name: 'empty JSON body', status: 400,
        req: () => ({ method: 'POST', url: '/api/v1/session', headers: { 'content-type': 'application/json' }, payload: '' }),
      },
      {
        name: '__proto__ in a JSON body', status: 400,
        req: () => ({ method: 'POST', url: '/api/v1/session', headers: { 'content-type': 'application/json' }, payload: '{"username":"manager","password":"x","__proto__":{"role":"admin"}}' }),
      },
      {
        name: 'body over 16 KiB', status: 413,
        req: () => ({ method: 'POST', url: '/api/v1/session', payload: { username: 'manager', password: 'x'.repeat(17 * 1024) } }),
      },
      {
        name: 'wrong content-type', status: 415,
        req: () => ({ method: 'POST', url: '/api/v1/session', headers: { 'content-type': 'application/xml' }, payload: '<login><username>manager</username></login>' }),
      },
      {
        name: 'unknown route', status: 404, code: 'TRYGG_SRV_NOT_FOUND',
        req: () => ({ method: 'GET', url: '/api/v1/no-such-thing' }),
      },
      {
        name: 'unknown method on a known path', status: 404, code: 'TRYGG_SRV_NOT_FOUND',
        req: () => ({ method: 'PATCH', url: '/api/v1/alarms' }),
      },
      {
        // Past the router's limits the request falls to the static-file wildcard, which refuses it.
        name: 'very long URL', status: [403, 404],
        req: () => ({ method: 'GET', url: `/api/v1/${'a'.repeat(60_000)}` }),
      },
      {
        name: 'very long alarm id', status: [403, 404],
        req: () => ({ method: 'GET', url: `/api/v1/alarms/${'a'.repeat(5000)}`, headers: { cookie: kollega } }),
      },
      {
        name: 'login with a 10 KB username', status: 400,
        req: () => ({ method: 'POST', url: '/api/v1/session', payload: { username: 'u'.repeat(10_000), password: PASSWORD } }),
      },
      {
        name: 'login with a missing password', status: 400,
        req: () => ({ method: 'POST', url: '/api/v1/session', payload: { username: 'manager' } }),
      },
      {
        name: 'login with a non-string password', status: 400,
        req: () => ({ method: 'POST', url: '/api/v1/session', payload: { username: 'manager', password: { $gt: '' } } }),
      },
    ];

    for (const c of cases) {
      it(`${c.name}: ${[c.status].flat().join(' or ')} {code, message}, counted in trygg_http_rejected_total`, async () => {
        const before = await rejectedTotal();
        const res = await app.inject(c.req());
        expectError(res, c.status, c.code);
        expect(res.body.length).toBeLessThan(2000); // the rejection never echoes a huge input back
        expect(await rejectedTotal()).toBe(before + 1);
      });
    }

    // Fastify answers a malformed %-escape (FST_ERR_BAD_URL) before routing; frameworkErrors gives
    // it the same shape, headers and counting as every other rejection.
    it('a malformed percent-escape in the path is answered like every other rejection', async () => {
      const before = await rejectedTotal();
      const res = await app.inject({ method: 'GET', url: `/api/v1/alarms/%E0%A4%A${'x'.repeat(3000)}` });
      expect(res.statusCode).toBe(400);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(Object.keys(res.json() as object).sort()).toEqual(['code', 'message']);
      expect(res.body.length).toBeLessThan(2000);
      expect(await rejectedTotal()).toBe(before + 1);
    });

    it('path traversal never serves a file from outside the console directory', async () => {
      for (const url of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd', '/%2e%2e%5c%2e%2e%5cetc%5cpasswd', '/....//....//etc/passwd', '/static/..%252f..%252fetc/passwd']) {
        const before = await rejectedTotal();
        const res = await app.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, url).toBeLessThan(500);
        expect(res.body, url).not.toMatch(/root:/);
        expect(await rejectedTotal(), url).toBe(before + 1);
      }
      // And over a real socket, where no client library normalises the path first.
      for (const path of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd']) {
        const raw = await rawHttp(running.httpPort, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
        expect(raw, path).toMatch(/^HTTP\/1\.1 4\d\d /);
        expect(raw, path).not.toMatch(/root:/);
      }
    });

    it('a URL longer than the HTTP parser allows is refused before routing, and the server stays up', async () => {
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: running.httpPort, path: `/${'a'.repeat(100_000)}` }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(431);
    });

    it('after all of this the server still answers', async () => {
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      const res = await fetch(`http://127.0.0.1:${running.httpPort}/healthz`);
      expect(res.status).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie: kollega } })).statusCode).toBe(200);
    });
  });

  describe('security headers', () => {
    it('are sent on answers, errors and the console page alike', async () => {
      for (const req of [
        { method: 'GET', url: '/healthz' },
        { method: 'GET', url: '/api/v1/alarms' },
        { method: 'GET', url: '/nope' },
        { method: 'GET', url: '/' },
      ] as InjectOptions[]) {
        const res = await app.inject(req);
        expect(res.headers['x-content-type-options'], req.url as string).toBe('nosniff');
        expect(res.headers['content-security-policy'], req.url as string).toMatch(/default-src 'self'/);
        expect(res.headers['x-frame-options'], req.url as string).toBe('DENY');
      }
    });
  });
});

describe('another site\'s user', () => {
  let dir: string;
  let running: RunningTrygg;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-api-sites-'));
    const config = loadConfigFile(DEMO_CONFIG);
    const demo = config.sites[0]!;
    config.sites.push({
      id: 'other', name: 'Annakontoret', zones: [{ id: 'o-front', name: 'Front' }],
      rooms: [{ id: 'o-room', name: 'Rom', zoneId: 'o-front' }],
      gateways: [{ id: 'other-gw', username: 'other-gw', passwordHash: demo.gateways[0]!.passwordHash }],
      devices: [{ id: 'other-button', type: 'panic-button', roomId: 'o-room', gatewayId: 'other-gw' }],
      stations: [{ id: 'other-desk', name: 'Skranke', zoneId: 'o-front', roomId: 'o-room' }],
      groups: [{ id: 'o-team', stations: ['other-desk'] }],
      chains: [{ id: 'o-chain', steps: [{ afterSeconds: 0, targets: [{ group: 'o-team' }] }] }],
      defaultChain: 'o-chain',
    });
    // A manager (more than a responder), but only of `other`: the site decides, not the role.
    config.users.push({ username: 'outsider', name: 'Otto Utanfor', role: 'manager', sites: ['other'], passwordHash: config.users[0]!.passwordHash });
    const file = join(dir, 'two-sites.json');
    writeFileSync(file, JSON.stringify(config));
    running = await start(join(dir), loadConfigFile(file));
  });

  afterAll(async () => {
    await running?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('cannot list, read or act on a demo alarm: it answers 404 as if it did not exist', async () => {
    const { app } = running;
    const id = await press(running, 'interview-1');
    const outsider = await loginCookie(app, 'outsider');
    const list = (await app.inject({ method: 'GET', url: '/api/v1/alarms', headers: { cookie: outsider } })).json() as { alarms: { id: string }[] };
    expect(list.alarms.map((a) => a.id)).not.toContain(id);
    const missing = (await app.inject({ method: 'GET', url: '/api/v1/alarms/00000000-0000-4000-8000-000000000000', headers: { cookie: outsider } })).json() as unknown;
    const foreign = await app.inject({ method: 'GET', url: `/api/v1/alarms/${id}`, headers: { cookie: outsider } });
    expectError(foreign, 404, 'TRYGG_SRV_NOT_FOUND');
    expect(Object.keys(foreign.json() as object)).toEqual(Object.keys(missing as object));
    for (const action of ['acknowledge', 'respond', 'resolve', 'cancel']) {
      expectError(await app.inject({ method: 'POST', url: `/api/v1/alarms/${id}/${action}`, headers: { cookie: outsider } }), 404, 'TRYGG_SRV_NOT_FOUND');
    }
    const devices = (await app.inject({ method: 'GET', url: '/api/v1/devices', headers: { cookie: outsider } })).json() as { devices: { id: string }[] };
    expect(devices.devices.map((d) => d.id)).toEqual(['other-button']);

    // The demo manager still sees it, untouched.
    const manager = await loginCookie(app, 'manager');
    const own = await app.inject({ method: 'GET', url: `/api/v1/alarms/${id}`, headers: { cookie: manager } });
    expect(own.json()).toMatchObject({ alarm: { id, state: 'raised' } });
  });
});

describe('login logging', () => {
  it('never writes a password into any log line, whatever the login attempt looks like', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trygg-api-log-'));
    const lines: string[] = [];
    const sink = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(chunk.toString('utf8')); done(); } });
    const running = await start(dir, loadConfigFile(DEMO_CONFIG), pino({ level: 'trace' }, sink));
    try {
      const { app } = running;
      const secrets = ['Wr0ng-Passw0rd-7c1f', 'Unkn0wn-Us3r-Secret-93be', 'Malf0rmed-S3cret-55aa', `L0ng-${'p'.repeat(300)}`, 'Typ0-S3cret-d41d'];
      const post = (payload: string | object, contentType = 'application/json') =>
        app.inject({ method: 'POST', url: '/api/v1/session', headers: { 'content-type': contentType }, payload });
      expect((await post({ username: 'manager', password: secrets[0] })).statusCode).toBe(401);
      expect((await post({ username: 'nobody', password: secrets[1] })).statusCode).toBe(401);
      expect((await post(`{"username":"manager","password":"${secrets[2]}",}`)).statusCode).toBe(400);
      expect((await post({ username: 'manager', password: secrets[3] })).statusCode).toBe(400);
      expect((await post({ username: 'manager', password: secrets[4], extra: true })).statusCode).toBe(400);
      expect((await post({ username: 'manager', password: PASSWORD })).statusCode).toBe(200);

      const log = lines.join('');
      expect(log).toContain('login failed'); // the attempts were logged, just not the secrets
      expect(log).toContain('"username":"manager"');
      for (const secret of [...secrets, PASSWORD]) expect(log).not.toContain(secret);
    } finally {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function rawHttp(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (chunk) => { data += chunk.toString('utf8'); });
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
    socket.write(request);
  });
}
