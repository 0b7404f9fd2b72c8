import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { eventually } from '../../../test/support/console-client';
import { freePort } from '../../../test/support/free-port';
import { loginAs, OTHER_SITE_MANAGER, ROLE_USERS, twoSiteOffice } from '../../../test/support/two-site-office';
import type { Role } from '../config/types';
import type { FeatureFactory } from '../features/feature';
import { startTrygg, type RunningTrygg } from '../server';
import { registeredRoutes, type RegisteredRoute } from './authorise-requests';
import { accessRuleFor, ROUTE_ACCESS, type AccessRule } from './route-access';

const ROLES: Role[] = ['employee', 'responder', 'security', 'manager', 'admin'];
const RANK: Record<Role, number> = { employee: 0, responder: 1, security: 2, manager: 3, admin: 4 };
const METRICS_TOKEN = 'metrics-token-for-the-test-0123456789';
const quiet = pino({ level: 'silent' });

/** A concrete URL for a route: its own site `demo`, ids that exist nowhere (so nothing is changed by accident). */
function concrete(url: string, siteId = 'demo'): string {
  if (url === '/*') return '/index.html';
  return url
    .replace(':siteId', siteId)
    .replace(':collection', 'rooms')
    .replace(':notifierId', 'no-such-notifier')
    .replace(':username', 'no-such-user')
    .replace(':deviceId', 'reception-desk')
    .replace(/:(id|eventId|measureId)/g, '00000000-0000-4000-8000-000000000000');
}

/** The `{code, message}` of an answer; HEAD answers have no body. */
function errorOf(res: LightMyRequestResponse): { code?: string; message?: string } {
  try {
    return res.body ? (res.json() as { code?: string; message?: string }) : {};
  } catch {
    return {};
  }
}

/** Refused by authorisation: no session (401), or a role refusal (403 "your role may not ..."; HEAD: any 403). */
function refusedByAuthorisation(res: LightMyRequestResponse): boolean {
  if (res.statusCode === 401) return true;
  if (res.statusCode !== 403) return false;
  const body = errorOf(res);
  return res.body === '' || (body.code === 'TRYGG_SRV_FORBIDDEN' && /^your role may not /.test(body.message ?? ''));
}

function describeRule(rule: AccessRule): string {
  return 'site' in rule ? `${rule.who}+, site by ${rule.site}` : rule.who;
}

/** Session-ending routes go last: they would log out the probes' own cookies. */
const ENDS_SESSIONS = new Set(['DELETE /api/v1/session', 'POST /api/v1/session/logout-all']);

describe('one authorisation table for every route', () => {
  let dir: string;
  let running: RunningTrygg;
  let app: FastifyInstance;
  let routes: RegisteredRoute[];
  const cookies = {} as Record<Role | 'other', string>;

  const login = async () => {
    for (const role of ROLES) cookies[role] = await loginAs(app, ROLE_USERS[role]);
    cookies.other = await loginAs(app, OTHER_SITE_MANAGER);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-route-access-'));
    running = await startTrygg({
      config: twoSiteOffice(), dataDir: dir, httpHost: '127.0.0.1', httpPort: await freePort(), mqttHost: '127.0.0.1', mqttPort: await freePort(),
      embeddedGateways: [], logger: quiet, env: { TRYGG_METRICS_TOKEN: METRICS_TOKEN },
    });
    app = running.app;
    routes = registeredRoutes(app);
    await login();
  });
  afterAll(async () => {
    await running?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the real server registers HTTP and WebSocket routes, every one with a rule, and every rule names a route', () => {
    expect(routes.length).toBeGreaterThan(80);
    expect(routes.filter((r) => r.websocket).map((r) => r.url).sort()).toEqual(expect.arrayContaining(['/mqtt', '/ws/console']));
    expect(routes.filter((r) => !accessRuleFor(r.method, r.url))).toEqual([]);
    const registeredKeys = new Set(routes.map((r) => `${r.method} ${r.url}`));
    // A rule for a route that no longer exists is a stale table: drop it with the route.
    expect(Object.keys(ROUTE_ACCESS).filter((key) => !registeredKeys.has(key))).toEqual([]);
  });

  it('each route answers no session, each role and another site\'s manager as its rule says', async () => {
    const failures: string[] = [];
    const ordered = [...routes.filter((r) => !r.websocket)].sort((a, b) =>
      Number(ENDS_SESSIONS.has(`${a.method} ${a.url}`)) - Number(ENDS_SESSIONS.has(`${b.method} ${b.url}`)));
    for (const route of ordered) {
      const rule = accessRuleFor(route.method, route.url)!;
      const key = `${route.method} ${route.url} (${describeRule(rule)})`;
      const send = (cookie?: string, extra: Record<string, string> = {}, siteId?: string) => app.inject({
        method: route.method as 'GET', url: concrete(route.url, siteId),
        headers: { ...(cookie && { cookie }), ...extra },
        // A body no route accepts: an authorised caller gets 400 and nothing changes.
        ...(['POST', 'PUT', 'PATCH'].includes(route.method) && { payload: { authorisationProbe: true } }),
      });
      const anonymous = await send(undefined, { 'x-forwarded-for': '203.0.113.9' });
      if (rule.who === 'anyone') {
        if (refusedByAuthorisation(anonymous)) failures.push(`${key}: no session was refused (${anonymous.statusCode})`);
        continue;
      }
      if (rule.who === 'operator') {
        if (anonymous.statusCode !== 401) failures.push(`${key}: no token answered ${anonymous.statusCode}`);
        const withToken = await send(undefined, { authorization: `Bearer ${METRICS_TOKEN}` });
        if (withToken.statusCode !== 200) failures.push(`${key}: the token answered ${withToken.statusCode}`);
        const admin = await send(cookies.admin);
        if (admin.statusCode !== 401) failures.push(`${key}: an admin session without the token answered ${admin.statusCode}`);
        continue;
      }
      if (anonymous.statusCode !== 401 || (route.method !== 'HEAD' && errorOf(anonymous).code !== 'TRYGG_SRV_UNAUTHENTICATED')) {
        failures.push(`${key}: no session answered ${anonymous.statusCode}, not 401`);
      }
      const needed = rule.who === 'session' ? 'employee' : rule.who;
      for (const role of ROLES) {
        const res = await send(cookies[role]);
        const allowed = RANK[role] >= RANK[needed];
        if (allowed && refusedByAuthorisation(res)) failures.push(`${key}: ${role} was refused (${res.statusCode} ${res.body.slice(0, 120)})`);
        if (!allowed && !(res.statusCode === 403 && refusedByAuthorisation(res))) failures.push(`${key}: ${role} answered ${res.statusCode}, not 403`);
      }
      if ('site' in rule && rule.site === 'path') {
        // A manager of `other` passes every role check up to manager: only the site refuses.
        const res = await send(cookies.other);
        const expected = RANK.manager >= RANK[rule.who] ? 404 : 403;
        if (res.statusCode !== expected) failures.push(`${key}: another site's manager answered ${res.statusCode}, not ${expected}`);
        // ... and at their own site the role is the only check.
        if (expected === 404 && refusedByAuthorisation(await send(cookies.other, {}, 'other'))) failures.push(`${key}: another site's manager was refused at their own site`);
      }
    }
    expect(failures).toEqual([]);
    await login(); // the session-ending routes ended them
  }, 60_000);

  it('the WebSocket upgrades: /ws/console needs a session, /mqtt leaves authentication to the broker', async () => {
    const open = (path: string, cookie?: string) => new Promise<number>((resolve, reject) => {
      const base = `127.0.0.1:${running.httpPort}`;
      const ws = new WebSocket(`ws://${base}${path}`, path === '/mqtt' ? ['mqtt'] : [], { headers: { ...(cookie && { cookie }), origin: `http://${base}` } });
      ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); ws.terminate(); });
      ws.on('open', () => { resolve(101); ws.close(); });
      ws.on('error', reject);
    });
    expect(await open('/ws/console')).toBe(401);
    for (const role of ROLES) expect(await open('/ws/console', cookies[role])).toBe(101);
    expect(await open('/ws/console', cookies.other)).toBe(101);
    expect(await open('/mqtt')).toBe(101);
  });

  it('authentication comes before body validation: an anonymous bad body gets 401, not a 400 describing the API', async () => {
    for (const [method, url] of [['POST', '/api/v1/users'], ['POST', '/api/v1/banned-clients'], ['PUT', '/api/v1/sites/demo'], ['POST', '/api/v1/alarms/not-a-uuid/resolve']] as const) {
      const res = await app.inject({ method, url, payload: { wrong: 'shape', role: 42 } });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
      expect(res.json()).toEqual({ code: 'TRYGG_SRV_UNAUTHENTICATED', message: 'log in first' });
    }
  });

  it('/metrics needs the token; /readyz tells anonymous callers only ready or not, operators and admins the details; /healthz stays open', async () => {
    const metrics = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong-token' } });
    expect(metrics.statusCode).toBe(401);
    expect(metrics.body).not.toContain('trygg_console_stations_online');
    const ok = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.body).toMatch(/^trygg_console_stations_online /m);
    const anonymous = await app.inject({ method: 'GET', url: '/readyz', headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(Object.keys(anonymous.json() as object)).toEqual(['status']);
    for (const headers of [{ authorization: `Bearer ${METRICS_TOKEN}` }, { cookie: cookies.admin }]) {
      expect(Object.keys((await app.inject({ method: 'GET', url: '/readyz', headers })).json() as object)).toEqual(['status', 'checks']);
    }
    expect(Object.keys((await app.inject({ method: 'GET', url: '/readyz', headers: { cookie: cookies.manager } })).json() as object)).toEqual(['status']);
    expect((await fetch(`http://127.0.0.1:${running.httpPort}/healthz`)).status).toBe(200);
  });
});

describe('without TRYGG_METRICS_TOKEN', () => {
  it('/metrics and /readyz details answer loopback callers only, and not through a proxy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trygg-metrics-loopback-'));
    const running = await startTrygg({
      config: twoSiteOffice(), dataDir: dir, httpHost: '127.0.0.1', httpPort: await freePort(), mqttHost: '127.0.0.1', mqttPort: await freePort(),
      embeddedGateways: [], features: [], logger: quiet, env: {},
    });
    try {
      const { app } = running;
      // Closed only once the server's own MQTT link is up (a close while it connects races the broker store).
      await eventually(async () => ((await app.inject({ method: 'GET', url: '/readyz' })).statusCode === 200 ? true : undefined), 10_000, 'ready');
      expect((await fetch(`http://127.0.0.1:${running.httpPort}/metrics`)).status).toBe(200);
      const remote = await app.inject({ method: 'GET', url: '/metrics', remoteAddress: '192.0.2.10' });
      expect(remote.statusCode).toBe(403);
      expect(remote.json()).toMatchObject({ code: 'TRYGG_SRV_FORBIDDEN', message: expect.stringContaining('TRYGG_METRICS_TOKEN') });
      expect((await app.inject({ method: 'GET', url: '/metrics', headers: { 'x-forwarded-for': '198.51.100.7' } })).statusCode).toBe(403);
      expect(Object.keys((await app.inject({ method: 'GET', url: '/readyz', remoteAddress: '192.0.2.10' })).json() as object)).toEqual(['status']);
      expect(Object.keys((await app.inject({ method: 'GET', url: '/readyz' })).json() as object)).toEqual(['status', 'checks']);
    } finally {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a route without a rule', () => {
  it('stops the server at start, naming the route', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trygg-route-undeclared-'));
    const undeclared: FeatureFactory = () => ({
      name: 'undeclared', start: async () => undefined, stop: async () => undefined,
      routes: async (app) => { app.get('/api/v1/undeclared', async () => ({ secret: true })); },
    });
    try {
      await expect(startTrygg({
        config: twoSiteOffice(), dataDir: dir, httpHost: '127.0.0.1', httpPort: await freePort(), mqttHost: '127.0.0.1', mqttPort: await freePort(),
        embeddedGateways: [], features: [undeclared], logger: quiet,
      })).rejects.toThrow('route GET /api/v1/undeclared has no access rule: add it to server/src/auth/route-access.ts');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
