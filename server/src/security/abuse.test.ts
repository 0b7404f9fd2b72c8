import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock, type Clock } from '@trygg/protocol';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/free-port';
import { metricSum } from '../../../test/support/prometheus-text';
import { loadConfigFile } from '../config/load-config';
import { DEMO_CONFIG } from '../environment';
import { startTrygg, type RunningTrygg } from '../server';
import { DEFAULT_ABUSE_SETTINGS, type AbuseSettings } from './abuse-settings';

/**
 * Guessing, floods and cross-site requests against the whole server started in-process, over
 * real HTTP (fetch and raw sockets). The server's clock stands still unless the test moves it,
 * so a lockout neither runs out on a slow machine nor needs waiting for.
 */
const PASSWORD = 'trygg-demo';

class OffsetClock implements Clock {
  offset = 0;
  /** While set, time stands still: a lockout cannot run out while a busy machine is slow. */
  frozen: number | undefined;
  now = () => this.frozen ?? Date.now() + this.offset;
  setTimer = systemClock.setTimer;
  freeze(): void {
    this.frozen = this.now();
  }
  advance(ms: number): void {
    this.offset += ms;
    if (this.frozen !== undefined) this.frozen += ms;
  }
}

interface Server {
  running: RunningTrygg;
  base: string;
  clock: OffsetClock;
  dir: string;
}

async function start(edit: (s: AbuseSettings) => void = () => {}): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'trygg-abuse-'));
  const clock = new OffsetClock();
  clock.freeze();
  const abuse: AbuseSettings = structuredClone(DEFAULT_ABUSE_SETTINGS);
  edit(abuse);
  const running = await startTrygg({
    config: loadConfigFile(DEMO_CONFIG), dataDir: dir, httpHost: '127.0.0.1', httpPort: await freePort(), mqttHost: '127.0.0.1', mqttPort: await freePort(),
    embeddedGateways: [], logger: pino({ level: 'silent' }), clock, abuse,
  });
  return { running, base: `http://127.0.0.1:${running.httpPort}`, clock, dir };
}

async function stop(s: Server | undefined): Promise<void> {
  await s?.running.close();
  if (s) rmSync(s.dir, { recursive: true, force: true });
}

async function loginAs(base: string, username: string, password: string): Promise<Response> {
  return fetch(`${base}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
}

async function cookieOf(base: string, username: string): Promise<string> {
  const res = await loginAs(base, username, PASSWORD);
  expect(res.status, await res.clone().text()).toBe(200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

async function metrics(s: Server): Promise<string> {
  return (await s.running.app.inject({ method: 'GET', url: '/metrics' })).body;
}

describe('login guessing', () => {
  let s: Server;
  beforeAll(async () => {
    s = await start();
  });
  afterAll(() => stop(s));

  it('30 wrong passwords and then the right one: locked with 429 and Retry-After, the right password too; it works once the lockout ends', async () => {
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 30; i++) {
      last = await loginAs(s.base, 'kollega', `wrong-${i}`);
      statuses.push(last.status);
    }
    // Five typos are free, the sixth failure starts a lockout; after that nothing is even checked.
    expect(statuses.slice(0, 6)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(new Set(statuses.slice(6))).toEqual(new Set([429]));
    expect(await last!.json()).toMatchObject({ code: 'TRYGG_SRV_LOGIN_LOCKED' });

    const right = await loginAs(s.base, 'kollega', PASSWORD);
    expect(right.status).toBe(429);
    const retryAfter = Number(right.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(await right.json()).toMatchObject({ code: 'TRYGG_SRV_LOGIN_LOCKED', message: `too many failed logins; try again in ${retryAfter} seconds` });

    const text = await metrics(s);
    expect(metricSum(text, 'trygg_login_attempts_total', { outcome: 'failure' })).toBe(6);
    expect(metricSum(text, 'trygg_login_attempts_total', { outcome: 'locked' })).toBe(25);
    expect(metricSum(text, 'trygg_auth_lockouts_total', { service: 'http' })).toBe(1);

    s.clock.advance(retryAfter * 1000);
    // A further failure doubles the lockout: 2 s after the first 1 s.
    const again = await loginAs(s.base, 'kollega', 'wrong-again');
    expect(again.status).toBe(401);
    const doubled = await loginAs(s.base, 'kollega', PASSWORD);
    expect(doubled.status).toBe(429);
    expect(Number(doubled.headers.get('retry-after'))).toBe(2);
    s.clock.advance(2000);
    expect((await loginAs(s.base, 'kollega', PASSWORD)).status).toBe(200);
  });

  it('500 wrong logins fired in parallel: at most the free ones are checked, and the right password is refused right after', async () => {
    const statuses = new Map<number, number>();
    const queue = Array.from({ length: 500 }, (_, i) => i);
    await Promise.all(Array.from({ length: 16 }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        const res = await loginAs(s.base, 'manager', `guess-${i}`);
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    }));
    expect(statuses.get(200)).toBeUndefined();
    expect(statuses.get(401)).toBeLessThanOrEqual(6);
    expect(statuses.get(429)).toBeGreaterThanOrEqual(494);
    expect((await loginAs(s.base, 'manager', PASSWORD)).status).toBe(429);
  });
});

describe('locked accounts seen by their manager', () => {
  let s: Server;
  beforeAll(async () => {
    s = await start();
  });
  afterAll(() => stop(s));

  it('a manager sees the locked account of their site, with the time it ends, and can lift the lockout', async () => {
    const manager = await cookieOf(s.base, 'manager');
    for (let i = 0; i < 6; i++) await (await loginAs(s.base, 'kollega', `wrong-${i}`)).arrayBuffer();
    expect((await loginAs(s.base, 'kollega', PASSWORD)).status).toBe(429);
    const list = await fetch(`${s.base}/api/v1/login-lockouts`, { headers: { cookie: manager } });
    const { lockouts } = await list.json() as { lockouts: { username: string; failures: number; lockedUntil: string; knownUser: boolean }[] };
    const entry = lockouts.find((l) => l.username === 'kollega');
    expect(entry).toMatchObject({ knownUser: true, failures: 6 });
    expect(Date.parse(entry!.lockedUntil)).toBeGreaterThan(s.clock.now());

    const lifted = await fetch(`${s.base}/api/v1/login-lockouts/kollega`, { method: 'DELETE', headers: { cookie: manager } });
    expect(await lifted.json()).toEqual({ ok: true, wasLocked: true });
    expect((await loginAs(s.base, 'kollega', PASSWORD)).status).toBe(200);
    const after = await (await fetch(`${s.base}/api/v1/login-lockouts`, { headers: { cookie: manager } })).json() as { lockouts: unknown[] };
    expect(after.lockouts).toEqual([]);
  });
});

describe('guessing through the password change', () => {
  let s: Server;
  beforeAll(async () => {
    s = await start();
  });
  afterAll(() => stop(s));

  it('an open session cannot be used to guess the current password: after the free failures even the right one is refused', async () => {
    const cookie = await cookieOf(s.base, 'kollega');
    const change = (currentPassword: string) => fetch(`${s.base}/api/v1/session/password`, {
      method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ currentPassword, newPassword: 'a-new-long-password-1' }),
    });
    for (let i = 0; i < 6; i++) expect((await change(`guess-${i}`)).status).toBe(403);
    const right = await change(PASSWORD);
    expect(right.status).toBe(429);
    expect(await right.json()).toMatchObject({ code: 'TRYGG_SRV_LOGIN_LOCKED' });
  });
});

describe('guessing many accounts from one address', () => {
  let s: Server;
  beforeAll(async () => {
    s = await start((a) => { a.login.address.freeFailures = 8; });
  });
  afterAll(() => stop(s));

  it('locks the address: an account never tried is refused from there too, while a user who logged in from there before still gets in', async () => {
    const kollega = await loginAs(s.base, 'kollega', PASSWORD);
    expect(kollega.status).toBe(200);
    for (let i = 0; i < 9; i++) expect((await loginAs(s.base, `nobody-${i}`, 'x')).status).toBe(401);
    const fresh = await loginAs(s.base, 'manager', PASSWORD);
    expect(fresh.status).toBe(429);
    expect(await fresh.json()).toMatchObject({ code: 'TRYGG_SRV_LOGIN_LOCKED' });
    expect((await loginAs(s.base, 'kollega', PASSWORD)).status).toBe(200);
  });

  it('caps login requests per address and minute whatever their outcome (@fastify/rate-limit, on the server clock)', async () => {
    const t = await start((a) => { a.loginRequestsPerMinute = 3; });
    try {
      for (let i = 0; i < 3; i++) expect((await loginAs(t.base, 'kollega', PASSWORD)).status).toBe(200);
      const fourth = await loginAs(t.base, 'kollega', PASSWORD);
      expect(fourth.status).toBe(429);
      expect(await fourth.json()).toMatchObject({ code: 'TRYGG_SRV_RATE_LIMITED' });
      expect(Number(fourth.headers.get('retry-after'))).toBeGreaterThan(0);
      t.clock.advance(60_000);
      expect((await loginAs(t.base, 'kollega', PASSWORD)).status).toBe(200);
      expect(metricSum(await metrics(t), 'trygg_login_attempts_total', { outcome: 'rate-limited' })).toBe(1);
    } finally {
      await stop(t);
    }
  });
});

describe('cross-site requests', () => {
  let s: Server;
  let cookie: string;
  beforeAll(async () => {
    s = await start((a) => { a.publicOrigins = ['https://trygg.example.no']; });
    cookie = await cookieOf(s.base, 'manager');
  });
  afterAll(() => stop(s));

  const logoutAll = (headers: Record<string, string>) => fetch(`${s.base}/api/v1/session/logout-all`, { method: 'POST', headers: { cookie, ...headers } });
  const startDrill = (headers: Record<string, string>, body = JSON.stringify({ drill: true })) =>
    fetch(`${s.base}/api/v1/sites/demo/evacuations`, { method: 'POST', headers: { cookie, ...headers }, body });

  it('refuses a state change whose Origin is another port, another host, or null, and one whose Referer is another site', async () => {
    const port = Number(new URL(s.base).port);
    for (const origin of [`http://127.0.0.1:${port + 1}`, `http://127.0.0.2:${port}`, 'null', `http://localhost:${port}`]) {
      const res = await startDrill({ origin, 'content-type': 'application/json' });
      expect(res.status, origin).toBe(403);
      expect(await res.json()).toMatchObject({ code: 'TRYGG_SRV_CROSS_SITE' });
    }
    const byReferer = await startDrill({ referer: `http://127.0.0.1:${port + 1}/attack.html`, 'content-type': 'application/json' });
    expect(byReferer.status).toBe(403);
    expect((await s.running.app.inject({ method: 'GET', url: '/api/v1/sites/demo/evacuations', headers: { cookie } })).body).not.toContain('"drill":true');
  });

  it('refuses the content types an HTML form can send, even from the own origin', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await startDrill({ origin: s.base, 'content-type': type }, type.startsWith('multipart') ? '--x--' : 'drill=true');
      expect(res.status, type).toBe(403);
      expect(await res.json()).toMatchObject({ code: 'TRYGG_SRV_CROSS_SITE' });
    }
  });

  it('lets the own origin, a listed public origin and non-browser clients (no Origin, no Referer) through', async () => {
    expect((await logoutAll({ origin: 'https://trygg.example.no' })).status).not.toBe(403);
    cookie = await cookieOf(s.base, 'manager');
    expect((await logoutAll({ origin: s.base })).status).toBe(200);
    cookie = await cookieOf(s.base, 'manager');
    expect((await logoutAll({})).status).toBe(200);
    // Provider callbacks authenticate with an HMAC and are not subject to Origin (here: unknown provider).
    const callback = await fetch(`${s.base}/api/v1/providers/nope/replies`, { method: 'POST', headers: { origin: 'http://elsewhere.example', 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' });
    expect((await callback.json() as { code: string }).code).not.toBe('TRYGG_SRV_CROSS_SITE');
  });
});

describe('slow and idle clients', () => {
  let s: Server;
  beforeAll(async () => {
    s = await start((a) => { a.http.requestTimeoutMs = 1000; a.http.headersTimeoutMs = 1000; a.http.maxConnectionsPerAddress = 6; });
  });
  afterAll(() => stop(s));

  /** Every socket's answer and end are recorded from the start: the server may close it at once. */
  const ends = new WeakMap<Socket, Promise<string>>();
  const open = (port: number) => new Promise<Socket>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    let data = '';
    socket.on('data', (d) => { data += d.toString(); });
    ends.set(socket, new Promise((done) => socket.once('close', () => done(data))));
    socket.once('error', reject);
  });
  const closed = (socket: Socket) => ends.get(socket)!;

  it('cuts a client that trickles its body slower than the request timeout, while a normal client is answered', async () => {
    const slow = await open(s.running.httpPort);
    const gone = closed(slow);
    slow.write(`POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`);
    // One byte every 100 ms keeps the socket busy but never completes the request.
    const trickle = setInterval(() => { if (!slow.destroyed) slow.write(' '); }, 100);
    try {
      expect((await fetch(`${s.base}/healthz`)).status).toBe(200);
      const answer = await gone;
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      clearInterval(trickle);
    }
    expect(metricSum(await metrics(s), 'trygg_http_connections_refused_total', { reason: 'request-timeout' })).toBeGreaterThanOrEqual(1);
  });

  it('caps open connections per address: the one over the cap is closed unanswered, and room frees when others close', async () => {
    const before = metricSum(await metrics(s), 'trygg_http_connections_refused_total', { reason: 'per-address-cap' });
    // Six held (fetch's pooled keep-alive connection may be one of the six the server counts).
    const held = await Promise.all(Array.from({ length: 6 }, () => open(s.running.httpPort)));
    try {
      const extra = await open(s.running.httpPort);
      expect(await closed(extra)).toBe('');
      expect(metricSum(await metrics(s), 'trygg_http_connections_refused_total', { reason: 'per-address-cap' })).toBeGreaterThan(before);
    } finally {
      await Promise.all(held.map((h) => { const c = closed(h); h.destroy(); return c; }));
    }
    expect((await fetch(`${s.base}/healthz`)).status).toBe(200);
  });
});

describe('security headers and CSP reports', () => {
  let s: Server;
  beforeAll(async () => {
    s = await start();
  });
  afterAll(() => stop(s));

  it('sends a CSP without inline script, frame-ancestors none, nosniff and no-referrer on the console page and on API answers', async () => {
    for (const path of ['/', '/api/v1/session', '/healthz']) {
      const res = await fetch(`${s.base}${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain('report-uri /api/v1/csp-reports');
      expect(csp, path).not.toContain('unsafe-inline');
      expect(csp, path).toContain(`ws://127.0.0.1:${s.running.httpPort}`);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
    }
  });

  it('logs and counts violation reports in both formats, and refuses junk', async () => {
    const post = (type: string, body: string) => fetch(`${s.base}/api/v1/csp-reports`, { method: 'POST', headers: { 'content-type': type }, body });
    expect((await post('application/csp-report', JSON.stringify({ 'csp-report': { 'document-uri': `${s.base}/`, 'effective-directive': 'script-src-elem', 'blocked-uri': 'inline' } }))).status).toBe(204);
    expect((await post('application/reports+json', JSON.stringify([{ type: 'csp-violation', body: { documentURL: `${s.base}/`, effectiveDirective: 'style-src-attr', blockedURL: 'inline' } }]))).status).toBe(204);
    expect((await post('application/csp-report', '{not json')).status).toBe(400);
    const text = await metrics(s);
    expect(metricSum(text, 'trygg_csp_violations_total', { directive: 'script-src-elem' })).toBe(1);
    expect(metricSum(text, 'trygg_csp_violations_total', { directive: 'style-src-attr' })).toBe(1);
  });
});
