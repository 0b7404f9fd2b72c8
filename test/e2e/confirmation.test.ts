/**
 * The delivery contract end to end (docs/protocol.md, "Delivery contract"): a Trygg device
 * repeats its press until the server confirms it, and the server confirms only what it has
 * stored. Real server process (SIGKILLed), real gateway with its SQLite outbox, real brokers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectSimulator, type ConfirmedMessage } from '@trygg/firmware-sim';
import { startGateway } from '@trygg/gateway';
import { parseTopic, type DeviceCommand } from '@trygg/protocol';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, login } from '../support/console-client';
import { freePort } from '../support/free-port';
import { writeTestOffice } from '../support/office-config';
import { TestBroker } from '../support/test-broker';
import { TryggProcess } from '../support/trygg-process';

const quiet = pino({ level: 'silent' });
/** A bound, not a figure: server processes starting (twice in the first test) on a busy 2-core machine. */
const PROCESS_TEST_MS = 120_000;

interface ApiAlarm { id: string; deviceId: string; state: string; pressCount: number }

async function alarmsOf(baseUrl: string, deviceId: string): Promise<ApiAlarm[]> {
  const cookie = await login(baseUrl, 'manager');
  const res = await fetch(`${baseUrl}/api/v1/alarms?state=open`, { headers: { cookie } });
  return ((await res.json()) as { alarms: ApiAlarm[] }).alarms.filter((a) => a.deviceId === deviceId);
}

describe('delivery contract, end to end: a confirmation means stored', () => {
  let dir: string;
  const cleanups: (() => Promise<void> | void)[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'trygg-confirm-'));
  });
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Server process (embedded broker), a gateway process-in-test with its outbox, and the devices' broker. */
  async function system(deviceBroker: TestBroker) {
    const mqttPort = await freePort();
    const trygg = new TryggProcess({
      dataDir: join(dir, 'server'), configFile: writeTestOffice(dir, 30), httpPort: await freePort(), mqttPort,
      env: { TRYGG_EMBEDDED_GATEWAY: 'off' },
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
    const sim = await connectSimulator({ url: deviceBroker.url, siteId: 'demo', reconnectPeriodMs: 200 });
    cleanups.push(() => sim.close());
    return { trygg, gateway, sim };
  }

  it('server SIGKILLed while the button is pressed: the device keeps repeating, and is confirmed only once the alarm is stored', async () => {
    const deviceBroker = await TestBroker.start(0);
    cleanups.push(() => deviceBroker.stop());
    const { trygg, gateway, sim } = await system(deviceBroker);

    await trygg.kill();
    let confirmed: ConfirmedMessage | undefined;
    const pressing = sim.pressReliably('interview-1', { resendMs: 100, maxResendMs: 400 }).then((c) => (confirmed = c));
    // The gateway has the press in its outbox (and acknowledged it to the broker), but that is
    // no confirmation: the device goes on repeating the same message.
    await eventually(() => (gateway.outboxDepth() === 1 ? true : undefined), 10_000, 'press in the gateway outbox');
    await eventually(() => ((sim.waiting()[0]?.attempts ?? 0) >= 3 ? true : undefined), 10_000, 'three copies sent');
    expect(confirmed).toBeUndefined();
    expect(gateway.outboxDepth()).toBe(1); // every copy is the same event: one outbox row

    await trygg.start();
    await pressing;
    const command = confirmed!.command;
    expect(command).toMatchObject({ deviceId: 'interview-1', action: 'received', msgId: confirmed!.msgId });
    // What was confirmed is stored: the alarm it names is in the server's database, once.
    const alarms = await alarmsOf(trygg.baseUrl, 'interview-1');
    expect(alarms.map((a) => a.id)).toEqual([command.alarmId]);
    expect(alarms[0]!.pressCount).toBe(1);
    await eventually(() => (gateway.outboxDepth() === 0 ? true : undefined), 10_000, 'outbox drained by the receipt');
  }, PROCESS_TEST_MS);

  it('the first confirmation is lost on its way to the device: the re-sent press is a duplicate, confirmed again, one alarm', async () => {
    // The devices' broker drops the first command with a msgId on a down topic: lost in transit.
    const dropped: DeviceCommand[] = [];
    const deviceBroker = await TestBroker.start(0, {
      authorizeForward: (_client, packet) => {
        const topic = parseTopic(packet.topic);
        if (topic?.kind === 'device' && topic.channel === 'down' && dropped.length === 0) {
          const command = JSON.parse(packet.payload.toString()) as DeviceCommand;
          if (command.msgId !== undefined) {
            dropped.push(command);
            return null;
          }
        }
        return packet;
      },
    });
    cleanups.push(() => deviceBroker.stop());
    const { trygg, sim } = await system(deviceBroker);

    const confirmed = await sim.pressReliably('interview-2', { resendMs: 200, maxResendMs: 400 });
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatchObject({ msgId: confirmed.msgId, action: 'received' });
    expect(confirmed.attempts).toBeGreaterThanOrEqual(2);
    expect(confirmed.command).toMatchObject({ msgId: confirmed.msgId, action: 'received', alarmId: dropped[0]!.alarmId });
    expect(confirmed.command.commandId).not.toBe(dropped[0]!.commandId);
    const alarms = await alarmsOf(trygg.baseUrl, 'interview-2');
    expect(alarms.map((a) => [a.id, a.pressCount])).toEqual([[dropped[0]!.alarmId, 1]]);
    expect(trygg.logLines('duplicate device event').length).toBeGreaterThanOrEqual(1);
  }, PROCESS_TEST_MS);
});
