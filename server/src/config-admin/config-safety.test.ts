import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../test/support/console-client';
import { freePort } from '../../../test/support/free-port';
import { loadConfigFile } from '../config/load-config';
import type { NotifierConfig, TryggConfig } from '../config/types';
import { DEMO_CONFIG } from '../environment';
import { FarEndHttp } from '../notify/notifiers/far-end-http';
import { startTrygg, type RunningTrygg } from '../server';
import { ConfigVersionStore } from './config-version-store';

/**
 * The reported case end to end, on a real SQLite file and the real server: a webhook notifier
 * with empty settings saved through the API (it was accepted and kept the server down at the
 * next start), and a database that already holds such a version.
 */
const demo = () => structuredClone(loadConfigFile(DEMO_CONFIG));
const emptyWebhook: NotifierConfig = { id: 'hook', channel: 'webhook', settings: {} };

function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => { lines.push(JSON.parse(line) as Record<string, unknown>); } });
  return { logger, lines };
}

async function start(dataDir: string, logger: Logger = pino({ level: 'silent' }), config: TryggConfig = demo()): Promise<RunningTrygg> {
  return startTrygg({
    config, configSource: 'demo-office.yaml', dataDir, httpHost: '127.0.0.1', httpPort: await freePort(), mqttHost: '127.0.0.1', mqttPort: await freePort(),
    embeddedGateways: [], features: [], logger,
  });
}

// Notifiers are installation-wide settings: an administrator's to import.
async function login(app: FastifyInstance, username = 'admin'): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password: 'trygg-demo' } });
  expect(res.statusCode).toBe(200);
  const c = res.cookies.find((x) => x.name === 'trygg_session')!;
  return `${c.name}=${c.value}`;
}

async function history(app: FastifyInstance, cookie: string) {
  const res = await app.inject({ method: 'GET', url: '/api/v1/config/history', headers: { cookie } });
  return (res.json() as { versions: { version: number; actor: string; startedOk: boolean }[] }).versions;
}

/** Stores a version the way the old server accepted it, without any check (the database as it was reported). */
function storeUnchecked(dataDir: string, config: TryggConfig): number {
  const versions = new ConfigVersionStore(join(dataDir, 'trygg.db'));
  try {
    return versions.save(config, Date.now(), 'user:manager', 'imported whole configuration');
  } finally {
    versions.close();
  }
}

async function configFallbackAlarms(running: RunningTrygg) {
  const alarms = await running.store.listAlarms({ siteIds: ['demo'] });
  return alarms.filter((a) => a.kind === 'technical' && a.detail?.technical?.cause === 'config-fallback');
}

describe('a bad configuration cannot keep the server down', () => {
  const dirs: string[] = [];
  let running: RunningTrygg | undefined;
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'trygg-config-safety-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('saving a webhook with empty settings through the API is refused with a path, and nothing is stored', async () => {
    running = await start(dataDir());
    const cookie = await login(running.app);
    const before = await history(running.app, cookie);
    const res = await running.app.inject({ method: 'PUT', url: '/api/v1/config', headers: { cookie }, payload: { ...demo(), notifiers: [emptyWebhook] } });
    expect(res.statusCode).toBe(400);
    const body = res.json() as { code: string; problems: string[] };
    expect(body.code).toBe('TRYGG_SRV_CONFIG_REJECTED');
    expect(body.problems).toEqual([
      "notifiers.0.settings.url: must have required property 'url'",
      "notifiers.0.settings.signingKey: must have required property 'signingKey'",
    ]);
    // Passes the schema, but the server could not build it: refused too ("valid" means "will start").
    const noSecret = await running.app.inject({
      method: 'PUT', url: '/api/v1/config', headers: { cookie },
      payload: { ...demo(), notifiers: [{ id: 'hook', channel: 'webhook', settings: { url: 'https://hooks.example.org/x', signingKey: '${secret:NOT_SET_HERE}' } }] },
    });
    expect(noSecret.statusCode).toBe(400);
    expect((noSecret.json() as { problems: string[] }).problems).toEqual(['notifiers.0.settings: notify webhook "hook" signingKey: secret "NOT_SET_HERE" is not configured']);
    expect(await history(running.app, cookie)).toHaveLength(before.length);
    expect(running.directory.config.notifiers).toEqual(demo().notifiers);
  });

  it('a stored version that fails at start: the server starts on the last version that ran, raises a technical alarm, logs and counts it', async () => {
    const dir = dataDir();
    running = await start(dir);
    expect((await running.app.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/^trygg_config_fallbacks_total 0$/m);
    await running.close();
    running = undefined;
    const bad = storeUnchecked(dir, { ...demo(), notifiers: [emptyWebhook] });

    const { logger, lines } = capturingLogger();
    running = await start(dir, logger);
    expect(running.directory.rawConfig.notifiers).toEqual(demo().notifiers);
    const logged = lines.find((l) => l.code === 'TRYGG_SRV_CONFIG_FALLBACK');
    expect(logged).toMatchObject({ level: 50, failedVersion: bad, running: 'version 1', problems: expect.arrayContaining(["notifiers.0.settings.url: must have required property 'url'"]) });
    expect(String(logged?.msg)).toContain(`stored configuration version ${bad} failed at start`);
    const alarms = await configFallbackAlarms(running);
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ state: 'raised', detail: { technical: { cause: 'config-fallback', subject: `configuration version ${bad}` } } });
    expect(alarms[0]!.detail?.note).toContain("notifiers.0.settings.url: must have required property 'url'");
    const metrics = await running.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/^trygg_config_fallbacks_total 1$/m);

    // The bad version stays in the history, not marked as one that ran; an edit is made on what runs.
    const cookie = await login(running.app);
    expect((await history(running.app, cookie)).map((v) => [v.version, v.startedOk])).toEqual([[bad, false], [1, true]]);
    const fixed = await running.app.inject({ method: 'POST', url: '/api/v1/sites/demo/rooms', headers: { cookie }, payload: { id: 'interview-9', name: 'Samtalerom 9', zoneId: 'front' } });
    expect(fixed.statusCode).toBe(201);
    await running.close();

    // The next start runs the edit: no fallback, no second alarm.
    const again = capturingLogger();
    running = await start(dir, again.logger);
    expect(again.lines.some((l) => l.code === 'TRYGG_SRV_CONFIG_FALLBACK')).toBe(false);
    expect(running.directory.room('demo', 'interview-9')).toBeDefined();
    expect(await configFallbackAlarms(running)).toHaveLength(1);
  });

  it('no stored version ever ran: the file runs; the file failing too stops the start with one error', async () => {
    const dir = dataDir();
    storeUnchecked(dir, { ...demo(), notifiers: [emptyWebhook] });
    const { logger, lines } = capturingLogger();
    running = await start(dir, logger);
    expect(lines.find((l) => l.code === 'TRYGG_SRV_CONFIG_FALLBACK')).toMatchObject({ failedVersion: 1, running: 'demo-office.yaml' });
    expect(await configFallbackAlarms(running)).toHaveLength(1);
    await running.close();
    running = undefined;

    const badFile = { ...demo(), notifiers: [{ id: 'hook', channel: 'webhook', settings: { url: 'https://hooks.example.org/x', signingKey: '${secret:NOT_SET_HERE}' } }] };
    await expect(start(dataDir(), pino({ level: 'silent' }), badFile)).rejects.toMatchObject({
      code: 'TRYGG_SRV_CONFIG_INVALID', message: expect.stringContaining('secret "NOT_SET_HERE" is not configured'),
    });
    const storedBad = dataDir();
    storeUnchecked(storedBad, { ...demo(), notifiers: [emptyWebhook] });
    await expect(start(storedBad, pino({ level: 'silent' }), badFile)).rejects.toMatchObject({
      code: 'TRYGG_SRV_CONFIG_INVALID', message: expect.stringMatching(/settings\.url: must have required property 'url'.*demo-office\.yaml: notifiers\.0\.settings: .*NOT_SET_HERE/),
    });
  });
});

describe('notifier changes apply without a restart', () => {
  let dir: string;
  let running: RunningTrygg;
  let cookie: string;
  const first = new FarEndHttp();
  const second = new FarEndHttp();
  let firstUrl: string;
  let secondUrl: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-config-live-'));
    firstUrl = await first.start();
    secondUrl = await second.start();
    running = await start(dir);
    cookie = await login(running.app);
  });
  afterAll(async () => {
    await running.close();
    await first.stop();
    await second.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The demo with a webhook `hook` to the guards, told at once by the standard chain. */
  function withHook(url: string): TryggConfig {
    const config = structuredClone(running.directory.rawConfig);
    config.notifiers = [{ id: 'hook', channel: 'webhook', party: 'guards', settings: { url: `${url}/alarm`, signingKey: 'a-long-enough-signing-key' } }];
    const chain = config.sites[0]!.chains.find((c) => c.id === 'standard')!;
    chain.steps[0]!.targets = [...chain.steps[0]!.targets.filter((t) => !('external' in t)), { external: 'hook' }];
    return config;
  }

  async function press(deviceId: string, eventId: string): Promise<string> {
    const receipt = await running.alarms.handleDeviceEvent({ v: 1, eventId, siteId: 'demo', gatewayId: 'demo-gw', deviceId, kind: 'press', seq: 1, at: new Date().toISOString() }, Date.now());
    expect(receipt.status).toBe('stored');
    return receipt.alarmId!;
  }

  it('a webhook added through the API gets the next alarm; changing its URL sends the one after to the new URL', async () => {
    const added = await running.app.inject({ method: 'PUT', url: '/api/v1/config', headers: { cookie }, payload: withHook(firstUrl) });
    expect(added.statusCode).toBe(200);
    const alarmA = await press('interview-1', 'live-1');
    await eventually(() => (first.requests.length > 0 ? true : undefined), 15_000, 'the first webhook receiver gets the alarm');
    expect(JSON.parse(first.requests[0]!.body)).toMatchObject({ target: 'hook', subject: { alarmId: alarmA } });

    const changed = await running.app.inject({ method: 'PUT', url: '/api/v1/config', headers: { cookie }, payload: withHook(secondUrl) });
    expect(changed.statusCode).toBe(200);
    const alarmB = await press('interview-2', 'live-2');
    await eventually(() => (second.requests.length > 0 ? true : undefined), 15_000, 'the second webhook receiver gets the next alarm');
    expect(JSON.parse(second.requests[0]!.body)).toMatchObject({ target: 'hook', subject: { alarmId: alarmB } });
    expect(first.requests.map((r) => (JSON.parse(r.body) as { subject: { alarmId: string } }).subject.alarmId)).not.toContain(alarmB);
  });
});
