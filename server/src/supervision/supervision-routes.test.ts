import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, type DeviceEvent } from '@trygg/protocol';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/free-port';
import { loadConfigFile } from '../config/load-config';
import { DEMO_CONFIG } from '../environment';
import { startTrygg, type RunningTrygg } from '../server';
import { supervisionFeature } from './supervision-feature';

/** Self-test over the REST API, on the whole server in-process with only this feature and fake time. */
const PASSWORD = 'trygg-demo';

async function loginCookie(app: FastifyInstance, username: string): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password: PASSWORD } });
  expect(res.statusCode, res.body).toBe(200);
  return `trygg_session=${res.cookies.find((c) => c.name === 'trygg_session')!.value}`;
}

describe('self-test mode (REST, startTrygg with the supervision feature)', () => {
  let dir: string;
  let running: RunningTrygg;
  let app: FastifyInstance;
  let manager: string;
  let kollega: string;
  const clock = new FakeClock();
  let seq = 0;

  const press = async (deviceId: string) => {
    seq += 1;
    const event: DeviceEvent = { v: 1, eventId: `selftest-${seq}`, siteId: 'demo', gatewayId: 'demo-gw', deviceId, kind: 'press', seq, at: new Date(clock.now()).toISOString() };
    const receipt = await running.alarms.handleDeviceEvent(event, clock.now());
    expect(receipt.status).toBe('stored');
    return receipt.alarmId;
  };
  const tests = async (cookie = kollega) => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/device-tests', headers: { cookie } });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { devices: { deviceId: string; siteId: string; lastTestedAt: string | null; inTestModeUntil: string | null; overdue: boolean }[] }).devices;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-selftest-'));
    running = await startTrygg({
      config: loadConfigFile(DEMO_CONFIG), dataDir: dir, httpHost: '127.0.0.1', httpPort: await freePort(), mqttHost: '127.0.0.1', mqttPort: await freePort(),
      embeddedGateways: [], logger: pino({ level: 'silent' }), clock, features: [supervisionFeature],
    });
    app = running.app;
    manager = await loginCookie(app, 'manager');
    kollega = await loginCookie(app, 'kollega');
  });
  afterAll(async () => {
    await running?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('only security contacts and above may start test mode; unknown devices are 404 with a code', async () => {
    const denied = await app.inject({ method: 'POST', url: '/api/v1/devices/interview-1/test-mode', headers: { cookie: kollega }, payload: {} });
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toMatchObject({ code: 'TRYGG_SRV_FORBIDDEN' });
    const anonymous = await app.inject({ method: 'GET', url: '/api/v1/device-tests' });
    expect(anonymous.json()).toMatchObject({ code: 'TRYGG_SRV_UNAUTHENTICATED' });
    const missing = await app.inject({ method: 'POST', url: '/api/v1/devices/ghost/test-mode', headers: { cookie: manager }, payload: {} });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'TRYGG_SRV_NOT_FOUND' });
    const tooLong = await app.inject({ method: 'POST', url: '/api/v1/devices/interview-1/test-mode', headers: { cookie: manager }, payload: { minutes: 10_000 } });
    expect(tooLong.json()).toMatchObject({ code: 'TRYGG_SRV_BAD_REQUEST' });
  });

  it('a press in test mode is a passed test, never an alarm; the list shows it, others are overdue; after expiry presses alarm again', async () => {
    expect((await tests()).every((d) => d.overdue && d.lastTestedAt === null)).toBe(true);
    const started = await app.inject({ method: 'POST', url: '/api/v1/devices/interview-1/test-mode', headers: { cookie: manager } });
    expect(started.statusCode, started.body).toBe(200);
    const until = new Date(clock.now() + 15 * 60_000).toISOString();
    expect(started.json()).toEqual({ deviceId: 'interview-1', siteId: 'demo', lastTestedAt: null, inTestModeUntil: until, overdue: true });

    clock.advance(60_000);
    expect(await press('interview-1')).toBeUndefined();
    expect(await running.store.listAlarms({ state: 'open' })).toEqual([]);
    const testedAt = new Date(clock.now()).toISOString();
    const list = await tests();
    expect(list.find((d) => d.deviceId === 'interview-1')).toEqual({ deviceId: 'interview-1', siteId: 'demo', lastTestedAt: testedAt, inTestModeUntil: until, overdue: false });
    expect(list.filter((d) => d.overdue).map((d) => d.deviceId).sort()).toEqual(['interview-2', 'interview-3', 'portable-kari', 'reception-desk']);
    expect(await running.app.inject({ method: 'GET', url: '/metrics' }).then((r) => r.body)).toMatch(/trygg_device_tests_overdue 4/);

    clock.advance(14 * 60_000); // test mode (15 min) is over
    const alarmId = await press('interview-1');
    expect(alarmId).toBeDefined();
    expect(await running.store.getAlarm(alarmId!)).toMatchObject({ kind: 'panic', deviceId: 'interview-1' });
    await running.alarms.act(alarmId!, { type: 'resolve', outcome: 'test' }, { type: 'system' });
  });

  it('test mode with its own length ends early on DELETE; a press then alarms', async () => {
    const started = await app.inject({ method: 'POST', url: '/api/v1/devices/interview-3/test-mode', headers: { cookie: manager }, payload: { minutes: 5 } });
    expect(started.json()).toMatchObject({ inTestModeUntil: new Date(clock.now() + 5 * 60_000).toISOString() });
    const ended = await app.inject({ method: 'DELETE', url: '/api/v1/devices/interview-3/test-mode', headers: { cookie: manager } });
    expect(ended.statusCode, ended.body).toBe(200);
    expect(ended.json()).toMatchObject({ deviceId: 'interview-3', inTestModeUntil: null });
    expect(await press('interview-3')).toBeDefined();
  });
});
