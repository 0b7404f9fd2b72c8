import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { DeviceEvent } from '@trygg/protocol';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../../test/support/free-port';
import { ROUTE_ACCESS } from '../auth/route-access';
import { loadConfigFile } from '../config/load-config';
import type { NotifierConfig } from '../config/types';
import { DEMO_CONFIG } from '../environment';
import { SqliteNotificationStore } from '../notify/sqlite-notification-store';
import { startTrygg, type RunningTrygg } from '../server';

/**
 * Secrets never leave: the whole server runs with canary secrets in every notifier (HTTP SMS
 * provider token, webhook URL path and signing key, CAP token, SMTP password, SMPP password,
 * DC-09 AES key), every notifier fails against a far end that echoes what it got, and then ALL
 * output is searched: the pino log at trace level, the body of every GET route in the
 * authorisation table (auth/route-access.ts) as an administrator, the configuration export and
 * the failing notifiers' error answers (an alarm's `sent`).
 */
const CANARY = {
  TOKEN: 'canary-7f3a91-provider-token',
  PATH: 'canary-7f3a92-webhook-path',
  HMAC: 'canary-7f3a93-webhook-signing-key',
  CAP: 'canary-7f3a94-cap-token',
  SMTP: 'canary-7f3a95-smtp-password',
  SMPP: 'cn7f3a96',
};
const DC09_KEY = 'canary7f3a97dc09'; // 16 characters: an AES-128 key in ascii form, written in the configuration itself
const ALL = [...Object.values(CANARY), DC09_KEY];

/** Every form a secret could be written in: as is, URL-encoded, base64 (Basic auth), hex. */
function forms(secret: string): string[] {
  return [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64').replace(/=+$/, ''), Buffer.from(secret).toString('hex')];
}

function leaks(text: string): string[] {
  return ALL.flatMap((s) => forms(s).filter((f) => text.includes(f)).map((f) => `${s} as ${f}`));
}

describe('canary secrets appear in no log line, API answer, export or error', () => {
  let dir: string;
  let running: RunningTrygg;
  let echo: Server;
  const received: string[] = [];
  const logLines: string[] = [];
  let cookie = '';
  let alarmId = '';
  let store: SqliteNotificationStore | undefined;
  /** The stored notifications, read like the console's "already notified" (errors included). */
  const notifications = () => (store ??= new SqliteNotificationStore(join(dir, 'trygg.db')));

  beforeAll(async () => {
    // A far end that fails and echoes the request, credentials included, as real providers sometimes do.
    echo = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        const echoed = JSON.stringify({ url: req.url, headers: req.headers, body });
        received.push(echoed);
        res.writeHead(500, { 'content-type': 'application/json' }).end(echoed);
      });
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const far = `http://127.0.0.1:${(echo.address() as { port: number }).port}`;
    const closed = await freePort();

    dir = mkdtempSync(join(tmpdir(), 'trygg-canary-'));
    const config = loadConfigFile(DEMO_CONFIG);
    const notifiers: NotifierConfig[] = [
      { id: 'police', channel: 'sms', party: 'police', to: { phone: '+4722225555' }, settings: {
        provider: 'http', url: `${far}/sms`, headers: { authorization: 'Bearer ${secret:CANARY_TOKEN}' }, bodyTemplate: '{"to":"{{phone}}","text":"{{text}}"}' } },
      { id: 'hook', channel: 'webhook', party: 'other', settings: { url: `${far}/hook/\${secret:CANARY_PATH}`, signingKey: '${secret:CANARY_HMAC}' } },
      { id: 'cap', channel: 'cap', party: 'other', settings: { url: `${far}/cap`, headers: { authorization: 'Bearer ${secret:CANARY_CAP}' } } },
      { id: 'smsc', channel: 'sms', party: 'other', to: { phone: '+4740000009' }, settings: {
        provider: 'smpp', host: '127.0.0.1', port: closed, systemId: 'trygg', password: '${secret:CANARY_SMPP}', sender: 'Trygg' } },
      { id: 'guards', channel: 'sia-dc09', party: 'guards', settings: {
        primary: { host: '127.0.0.1', port: closed, protocol: 'tcp' }, account: '1234', key: DC09_KEY, keyFormat: 'ascii' } },
      { id: 'mail', channel: 'email', settings: { host: '127.0.0.1', port: closed, from: 'trygg@example.no', auth: { user: 'trygg', pass: '${secret:CANARY_SMTP}' } } },
    ];
    config.notifiers = notifiers;
    config.users.find((u) => u.username === 'manager')!.email = 'mona@example.no';
    const chain = config.sites[0]!.chains.find((c) => c.id === 'standard')!;
    chain.steps[0]!.targets.push(...['police', 'hook', 'cap', 'smsc', 'guards'].map((external) => ({ external })), { person: 'manager' });
    chain.steps[0]!.channels = ['console', 'email'];

    const env = { ...Object.fromEntries(Object.entries(CANARY).map(([k, v]) => [`TRYGG_SECRET_CANARY_${k}`, v])), TRYGG_METRICS_TOKEN: '' };
    const sink = new Writable({ write(chunk, _enc, done) { logLines.push(String(chunk)); done(); } });
    running = await startTrygg({
      config, dataDir: dir, httpHost: '127.0.0.1', httpPort: await freePort(), mqttHost: '127.0.0.1', mqttPort: await freePort(),
      embeddedGateways: [], logger: pino({ level: 'trace' }, sink), env,
    });
    const login = await running.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'admin', password: 'trygg-demo' } });
    expect(login.statusCode, login.body).toBe(200);
    cookie = `trygg_session=${login.cookies.find((c) => c.name === 'trygg_session')!.value}`;

    const event: DeviceEvent = { v: 1, eventId: 'canary-press', siteId: 'demo', gatewayId: 'demo-gw', deviceId: 'interview-1', kind: 'press', seq: 1, at: new Date().toISOString() };
    alarmId = (await running.alarms.handleDeviceEvent(event, Date.now())).alarmId!;
    // Wait until every notifier has tried and failed at least once (the errors are what we search).
    await vi.waitFor(async () => {
      const stored = await notifications().listByAlarm(alarmId);
      const failed = new Set(stored.filter((n) => n.attempts >= 1 && n.lastError).map((n) => n.target));
      expect([...failed].sort()).toEqual(['cap', 'guards', 'hook', 'mail', 'police', 'smsc']);
    }, { timeout: 60_000, interval: 200 });
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    await running?.close();
    await new Promise((resolve) => echo?.close(resolve));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the far end really got the secrets (so finding none below means something)', () => {
    const all = received.join('\n');
    expect(all).toContain(CANARY.TOKEN);
    expect(all).toContain(CANARY.PATH);
    expect(all).toContain(CANARY.CAP);
  });

  it('no failing notifier\'s error answer holds a secret: stored errors, attempts, the alarm\'s answer', async () => {
    const stored = await notifications().listByAlarm(alarmId);
    const errors = stored.map((n) => n.lastError ?? '');
    expect(errors.filter((e) => e.length > 0).length).toBeGreaterThanOrEqual(6);
    const attempts = await Promise.all(stored.map((n) => notifications().attempts(n.id)));
    expect(leaks(JSON.stringify({ stored, attempts }))).toEqual([]);
    const res = await running.app.inject({ method: 'GET', url: `/api/v1/alarms/${alarmId}`, headers: { cookie } });
    expect(res.json().sent.length).toBeGreaterThanOrEqual(6);
    expect(leaks(res.body)).toEqual([]);
  });

  it('no GET route of the authorisation table answers with a secret', async () => {
    const values: Record<string, string> = { id: alarmId, siteId: 'demo', username: 'manager', collection: 'notifiers', notifierId: 'police' };
    const urls = Object.keys(ROUTE_ACCESS).filter((k) => k.startsWith('GET /api/') || ['GET /healthz', 'GET /readyz', 'GET /metrics'].includes(k))
      .map((k) => k.slice(4).replace(/:([A-Za-z]+)/g, (_m, name: string) => values[name] ?? 'x'));
    expect(urls.length).toBeGreaterThan(30);
    for (const url of urls) {
      const res = await running.app.inject({ method: 'GET', url, headers: { cookie } });
      expect(res.statusCode, `${url}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
      expect(leaks(res.body), url).toEqual([]);
    }
  });

  it('the configuration export holds none, and the settings are still there (references, not values)', async () => {
    const res = await running.app.inject({ method: 'GET', url: '/api/v1/config', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('hook');
    expect(leaks(res.body)).toEqual([]);
  });

  it('no log line holds one', () => {
    expect(logLines.length).toBeGreaterThan(20);
    expect(logLines.join('').includes('"target":"police"') || logLines.join('').includes('police')).toBe(true);
    expect(leaks(logLines.join(''))).toEqual([]);
  });
});
