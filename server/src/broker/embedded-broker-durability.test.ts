import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '@trygg/protocol';
import { stopChild } from '../../../test/support/stop-child';
import type { TryggConfig } from '../config/types';
import { connectClient, connectRefused, endAll, makeTestConfig, PASSWORDS } from './broker-test-fixtures';

/**
 * The promise of issue 9 at the broker: a gateway's persistent session (clean: false, QoS 1)
 * keeps the presses queued for it across a broker crash (SIGKILL of the broker's process), and
 * devices are admitted only while such a consumer exists.
 */
const CHILD = join(import.meta.dirname, 'embedded-broker-child.ts');
const GATEWAY_DEVICE_CLIENT = 'trygg-gw-oslo-gw-1-dev';

let config: TryggConfig;
let root: string;
const children: ChildProcess[] = [];

async function startBrokerProcess(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(CHILD, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, TRYGG_BROKER_CHILD: JSON.stringify({ dir, port: 0, config }) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { type?: string; port?: number }) => (m.type === 'ready' ? resolve(m.port!) : reject(new Error(`unexpected ${JSON.stringify(m)}`))));
    child.once('exit', (code) => reject(new Error(`broker process exited with ${code} before ready`)));
  });
  return { child, url: `mqtt://127.0.0.1:${port}` };
}

/**
 * aedes 1.2 sends a QoS 1 PUBACK before it queues the message (handlers/publish.js), so the test
 * waits for the broker's own word that the queueing is done before it kills the broker.
 */
function queued(child: ChildProcess, topic: string): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (m: { type?: string; topic?: string }) => {
      if (m.type !== 'published' || m.topic !== topic) return;
      child.off('message', onMessage);
      resolve();
    };
    child.on('message', onMessage);
  });
}

async function crash(child: ChildProcess): Promise<void> {
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
}

/** The gateway's device link as the gateway opens it; messages are recorded from before CONNACK. */
async function gatewayLink(url: string, extra: IClientOptions = {}): Promise<{ client: MqttClient; received: { topic: string; payload: string }[]; sessionPresent: boolean }> {
  const received: { topic: string; payload: string }[] = [];
  const client = mqtt.connect(url, {
    username: 'oslo-gw', password: PASSWORDS.osloGw, clientId: GATEWAY_DEVICE_CLIENT, clean: false, reconnectPeriod: 0, ...extra,
  });
  client.on('message', (topic, payload) => received.push({ topic, payload: payload.toString() }));
  const sessionPresent = await new Promise<boolean>((resolve, reject) => {
    client.once('connect', (connack) => resolve(connack.sessionPresent));
    client.once('error', reject);
  });
  return { client, received, sessionPresent };
}

async function until(check: () => boolean, what: string): Promise<void> {
  // Event-driven callers would need a promise per message; a short poll bounded by the test timeout is enough here.
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > 20_000) throw new Error(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  config = await makeTestConfig();
  root = await mkdtemp(join(tmpdir(), 'trygg-broker-durability-'));
});

afterEach(async () => {
  // stopChild waits for an exit; a SIGKILLed child has had its exit already.
  for (const child of children.splice(0)) if (child.signalCode === null) await stopChild(child);
});

afterAll(() => rm(root, { recursive: true, force: true }));

describe('embedded broker durability', () => {
  it("keeps a press queued for an offline gateway's persistent session across a broker crash", async () => {
    const dir = join(root, 'crash');
    let broker = await startBrokerProcess(dir);

    const first = await gatewayLink(broker.url);
    await first.client.subscribeAsync(topics.allDevicesOfSite('oslo', 'up'), { qos: 1 });
    await first.client.endAsync();

    // The gateway is away; its session still consumes, so the device is admitted and its press queued.
    const device = await connectClient(broker.url, { username: 'oslo-devices', password: PASSWORDS.osloDevices });
    const stored = queued(broker.child, topics.device('oslo', 'btn-7', 'up'));
    await device.publishAsync(topics.device('oslo', 'btn-7', 'up'), 'press-before-crash', { qos: 1 });
    await stored;
    await endAll([device]);

    await crash(broker.child);
    broker = await startBrokerProcess(dir);

    // Restored from disk: devices are admitted before the gateway is back.
    const again = await connectClient(broker.url, { username: 'oslo-devices', password: PASSWORDS.osloDevices });
    await again.publishAsync(topics.device('oslo', 'btn-8', 'up'), 'press-after-restart', { qos: 1 });
    await endAll([again]);

    const back = await gatewayLink(broker.url);
    expect(back.sessionPresent).toBe(true);
    await until(() => back.received.length >= 2, 'both presses delivered').catch((e) => { throw new Error(e.message + JSON.stringify(back.received)); });
    expect(back.received.map((m) => m.payload).sort()).toEqual(['press-after-restart', 'press-before-crash']);
    await back.client.endAsync();
  }, 90_000);

  it('refuses devices with "server unavailable" until their site has a gateway consumer', async () => {
    const broker = await startBrokerProcess(join(root, 'fresh'));
    const refused = await connectRefused(broker.url, { username: 'oslo-devices', password: PASSWORDS.osloDevices });
    expect(refused.code).toBe(3);
    const gw = await gatewayLink(broker.url);
    await gw.client.subscribeAsync(topics.allDevicesOfSite('oslo', 'up'), { qos: 1 });
    const device = await connectClient(broker.url, { username: 'oslo-devices', password: PASSWORDS.osloDevices });
    expect(device.connected).toBe(true);
    await endAll([device, gw.client]);
  });
});
