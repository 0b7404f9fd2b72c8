import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway } from '@trygg/gateway';
import { connectSimulator } from '@trygg/firmware-sim';
import { encodePayload, topics, validateReceipt, type DeviceEvent, type Receipt } from '@trygg/protocol';
import { connectAsync } from 'mqtt';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestBroker } from '../support/test-broker';
import { ConsoleClient, eventually, login } from '../support/console-client';
import { freePort } from '../support/free-port';
import { writeTestOffice } from '../support/office-config';
import { TryggProcess } from '../support/trygg-process';

const quiet = pino({ level: 'silent' });

async function openAlarms(baseUrl: string): Promise<{ id: string; deviceId: string; state: string }[]> {
  const cookie = await login(baseUrl, 'manager');
  const res = await fetch(`${baseUrl}/api/v1/alarms?state=open`, { headers: { cookie } });
  return ((await res.json()) as { alarms: { id: string; deviceId: string; state: string }[] }).alarms;
}

/**
 * End-to-end receipts (docs/protocol.md, "End-to-end receipts"): the gateway keeps each event in its durable outbox until the
 * server has stored it and said so; the server dedupes by eventId. Nothing is lost, nothing is
 * shown twice, whichever part goes away.
 */
/** Upper bound for a test that starts server processes: a start costs seconds of CPU, more on a busy machine. */
const PROCESS_TEST_MS = 120_000;

describe('receipts, end to end', () => {
  let dir: string;
  const cleanups: (() => Promise<void> | void)[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-receipts-'));
  });
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
    rmSync(dir, { recursive: true, force: true });
  });

  it('(a) uplink broker down while the button is pressed: the alarm arrives once the broker is back', async () => {
    // An external broker (MQTT_URL) between gateway and server, and the devices' own local broker.
    const uplink = await TestBroker.start(0);
    const deviceBroker = await TestBroker.start(0);
    cleanups.push(() => uplink.stop(), () => deviceBroker.stop());
    const trygg = new TryggProcess({
      dataDir: join(dir, 'server'), configFile: writeTestOffice(dir, 30), httpPort: await freePort(), mqttPort: await freePort(),
      env: { MQTT_URL: uplink.url, TRYGG_EMBEDDED_GATEWAY: 'off' },
    });
    await trygg.start();
    cleanups.push(() => trygg.stop());
    const gateway = await startGateway({
      siteId: 'demo', gatewayId: 'demo-gw', dataDir: join(dir, 'gateway'), uplink: { url: uplink.url }, deviceMqtt: { url: deviceBroker.url },
      resendIntervalMs: 300, reconnectPeriodMs: 200, logger: quiet,
    });
    cleanups.push(() => gateway.stop());
    await gateway.ready();
    const backoffice = await ConsoleClient.open(trygg.baseUrl, 'backoffice');
    cleanups.push(() => backoffice.close());
    const sim = await connectSimulator({ url: deviceBroker.url, siteId: 'demo' });
    cleanups.push(() => sim.close());

    await uplink.stop();
    await sim.press('interview-1');
    await eventually(() => (gateway.outboxDepth() === 1 ? true : undefined), 5000, 'event in the outbox');
    await new Promise((r) => setTimeout(r, 700)); // several resend periods with nowhere to send
    expect(await openAlarms(trygg.baseUrl)).toEqual([]);

    await uplink.restart();
    const popup = await backoffice.waitForPopup((a) => a.deviceId === 'interview-1');
    await eventually(() => (gateway.outboxDepth() === 0 ? true : undefined), 5000, 'outbox drained by the receipt');
    expect((await openAlarms(trygg.baseUrl)).map((a) => a.id)).toEqual([popup.id]);
    expect(backoffice.popups()).toHaveLength(1);
  }, PROCESS_TEST_MS);

  it('(b) server SIGKILLed: a press made while it is dead arrives after restart; an open escalation resumes', async () => {
    const deviceBroker = await TestBroker.start(0);
    cleanups.push(() => deviceBroker.stop());
    const httpPort = await freePort();
    const mqttPort = await freePort();
    const trygg = new TryggProcess({
      dataDir: join(dir, 'server'), configFile: writeTestOffice(dir, 2), httpPort, mqttPort,
      env: { TRYGG_EMBEDDED_GATEWAY: 'off', TRYGG_PRESENCE_GRACE_MS: '20000' },
    });
    await trygg.start();
    cleanups.push(() => trygg.stop());
    const gateway = await startGateway({
      siteId: 'demo', gatewayId: 'demo-gw', dataDir: join(dir, 'gateway'), deviceMqtt: { url: deviceBroker.url },
      uplink: { url: `mqtt://127.0.0.1:${mqttPort}`, username: 'demo-gw', password: 'trygg-demo-gateway' },
      resendIntervalMs: 300, reconnectPeriodMs: 200, logger: quiet,
    });
    cleanups.push(() => gateway.stop());
    await gateway.ready();
    const sim = await connectSimulator({ url: deviceBroker.url, siteId: 'demo' });
    cleanups.push(() => sim.close());
    const backoffice = await ConsoleClient.open(trygg.baseUrl, 'backoffice');
    const manager = await ConsoleClient.open(trygg.baseUrl, 'manager-office', 'manager');
    cleanups.push(() => backoffice.close(), () => manager.close());

    // 1. Killed before the press: the event waits in the gateway's outbox.
    await trygg.kill();
    await sim.press('interview-2');
    await eventually(() => (gateway.outboxDepth() === 1 ? true : undefined), 5000, 'event in the outbox');
    await trygg.start();
    await backoffice.reconnect();
    const first = await backoffice.waitForPopup((a) => a.deviceId === 'interview-2');
    await eventually(() => (gateway.outboxDepth() === 0 ? true : undefined), 5000, 'outbox drained');

    // 2. Killed with the escalation pending: the 2 s step is overdue at restart and fires at once,
    //    to the manager's console, which was online at the crash (presence grace) and reconnects.
    backoffice.send({ type: 'acknowledge', alarmId: first.id });
    await sim.press('interview-3');
    const second = await backoffice.waitForPopup((a) => a.deviceId === 'interview-3');
    await trygg.kill();
    await new Promise((r) => setTimeout(r, 2500));
    await trygg.start();
    await manager.reconnect();
    const escalated = await manager.waitForPopup((a) => a.id === second.id, 10_000);
    expect(escalated.deviceId).toBe('interview-3');
    expect(manager.popups().some((a) => a.id === first.id)).toBe(false); // acknowledged in time: never escalated
    const open = await openAlarms(trygg.baseUrl);
    expect(open.filter((a) => a.deviceId === 'interview-2')).toHaveLength(1);
    expect(open.filter((a) => a.deviceId === 'interview-3')).toHaveLength(1);
    expect(trygg.logLines('resumed open escalations')).toHaveLength(1);
  }, PROCESS_TEST_MS);

  it('(c) the same event delivered twice: one alarm, one pop-up, the second receipt says duplicate', async () => {
    const trygg = new TryggProcess({
      dataDir: join(dir, 'server'), configFile: writeTestOffice(dir, 30), httpPort: await freePort(), mqttPort: await freePort(),
      env: { TRYGG_EMBEDDED_GATEWAY: 'off' },
    });
    await trygg.start();
    cleanups.push(() => trygg.stop());
    const backoffice = await ConsoleClient.open(trygg.baseUrl, 'backoffice');
    cleanups.push(() => backoffice.close());
    // Acting as the gateway (its real credentials), publishing the identical event twice, as a
    // gateway does when a receipt was lost.
    const gw = await connectAsync(`mqtt://127.0.0.1:${trygg.options.mqttPort}`, { username: 'demo-gw', password: 'trygg-demo-gateway', clientId: 'test-gw' });
    cleanups.push(() => gw.endAsync());
    const receipts: Receipt[] = [];
    gw.on('message', (_t, payload) => {
      const r = validateReceipt(JSON.parse(payload.toString()));
      if (r.ok) receipts.push(r.value);
    });
    await gw.subscribeAsync(topics.gateway('demo', 'demo-gw', 'receipts'), { qos: 1 });
    const event: DeviceEvent = {
      v: 1, eventId: 'reception-desk-dup-1', siteId: 'demo', gatewayId: 'demo-gw', deviceId: 'reception-desk', kind: 'press', seq: 7, at: new Date().toISOString(),
    };
    const topic = topics.gateway('demo', 'demo-gw', 'events');
    await gw.publishAsync(topic, encodePayload(event), { qos: 1 });
    await gw.publishAsync(topic, encodePayload(event), { qos: 1 });
    await eventually(() => (receipts.length >= 2 ? true : undefined), 5000, 'two receipts');
    expect(receipts.map((r) => r.status)).toEqual(['stored', 'duplicate']);
    expect(receipts[1]!.alarmId).toBe(receipts[0]!.alarmId);
    await backoffice.waitForPopup((a) => a.deviceId === 'reception-desk');
    await new Promise((r) => setTimeout(r, 300));
    expect(backoffice.popups()).toHaveLength(1);
    expect(await openAlarms(trygg.baseUrl)).toHaveLength(1);
  }, PROCESS_TEST_MS);
});
