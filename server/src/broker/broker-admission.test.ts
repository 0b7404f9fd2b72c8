import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { topics } from '@trygg/protocol';
import { SteppingClock } from '../../../test/support/stepping-clock';
import { createBrokerAuthenticator } from './broker-authenticator';
import type { RejectReason } from './broker-policy';
import { closeOf, connectClient, connectRefused, endAll, makeTestConfig, PASSWORDS } from './broker-test-fixtures';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker';
import type { PublishRateLimitSettings } from './publish-rate-limit';

/** Device admission (gateway consumer first) and the per-account PUBLISH limit, on a real broker. */
const config = await makeTestConfig();
let broker: EmbeddedBroker | undefined;
const clients: MqttClient[] = [];

async function start(limit?: PublishRateLimitSettings, persistenceDir?: string) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(chunk.toString())); done(); } });
  const rejections: { reason: RejectReason; detail: Record<string, unknown> }[] = [];
  const clock = new SteppingClock();
  broker = await startEmbeddedBroker({
    host: '127.0.0.1', port: 0, clock,
    authenticator: createBrokerAuthenticator(config, [], { allowAnonymous: false }),
    logger: pino({ level: 'warn' }, sink),
    onReject: (reason, detail) => rejections.push({ reason, detail }),
    ...(limit && { publishRateLimit: () => limit }),
    ...(persistenceDir && { persistenceDir }),
  });
  return { url: `mqtt://127.0.0.1:${broker.port}`, lines, rejections, clock };
}

async function consumer(url: string, clean = false): Promise<MqttClient> {
  const gw = await connectClient(url, { username: 'oslo-gw', password: PASSWORDS.osloGw, clientId: 'oslo-gw-1-dev', clean });
  clients.push(gw);
  await gw.subscribeAsync(topics.allDevicesOfSite('oslo', 'up'), { qos: 1 });
  return gw;
}

const osloDevices = { username: 'oslo-devices', password: PASSWORDS.osloDevices };

afterEach(async () => {
  await endAll(clients.splice(0));
  await broker?.close();
  broker = undefined;
});

describe('device admission', () => {
  it('refuses a device with "server unavailable" until a gateway consumer exists, logging once per interval', async () => {
    const { url, lines, rejections, clock } = await start();
    for (let i = 0; i < 3; i++) expect((await connectRefused(url, osloDevices)).code).toBe(3);
    expect(rejections.map((r) => r.reason)).toEqual(['no-consumer', 'no-consumer', 'no-consumer']);
    expect(rejections[0]?.detail).toMatchObject({ username: 'oslo-devices', siteId: 'oslo' });
    expect(lines.filter((l) => l.reason === 'no-consumer')).toHaveLength(1);
    clock.skip(10_000);
    expect((await connectRefused(url, osloDevices)).code).toBe(3);
    expect(lines.filter((l) => l.reason === 'no-consumer').at(-1)).toMatchObject({ suppressedSinceLastLog: 2 });
    expect(JSON.stringify(lines)).not.toContain(PASSWORDS.osloDevices);

    await consumer(url);
    clients.push(await connectClient(url, osloDevices));
  });

  it('keeps admitting while a persistent consumer is away', async () => {
    const { url } = await start();
    const persistent = await consumer(url);
    await persistent.endAsync();
    clients.push(await connectClient(url, osloDevices));

    // A restricted account needs each of its devices consumed; a `+` subscription does that.
    clients.push(await connectClient(url, { username: 'oslo-buttons', password: PASSWORDS.osloButtons }));
  });

  it('counts a live clean-session consumer only while it is subscribed', async () => {
    const { url } = await start();
    const gw = await connectClient(url, { username: 'oslo-gw', password: PASSWORDS.osloGw, clientId: 'clean-gw', clean: true });
    clients.push(gw);
    await gw.subscribeAsync(topics.allDevicesOfSite('oslo', 'up'), { qos: 1 });
    clients.push(await connectClient(url, osloDevices));
    await gw.unsubscribeAsync(topics.allDevicesOfSite('oslo', 'up'));
    expect((await connectRefused(url, osloDevices)).code).toBe(3);
    await gw.subscribeAsync(topics.allDevicesOfSite('oslo', 'up'), { qos: 0 });
    expect((await connectRefused(url, osloDevices)).code).toBe(3);
  });
});

describe('per-account publish rate limit', () => {
  it('disconnects the flooding client, leaves other accounts alone, and refills with time', async () => {
    const { url, lines, rejections, clock } = await start({ perSecond: 2, burst: 3 });
    const gw = await consumer(url);
    const received: string[] = [];
    gw.on('message', (_t, payload) => received.push(payload.toString()));

    const flooder = await connectClient(url, osloDevices);
    const other = await connectClient(url, { username: 'oslo-buttons', password: PASSWORDS.osloButtons });
    clients.push(flooder, other);
    for (let i = 1; i <= 3; i++) await flooder.publishAsync(topics.device('oslo', 'btn-9', 'up'), `flood-${i}`, { qos: 1 });
    const cut = closeOf(flooder);
    flooder.publish(topics.device('oslo', 'btn-9', 'up'), 'flood-4', { qos: 1 });
    await cut;
    expect(rejections.filter((r) => r.reason === 'rate-limited')).toHaveLength(1);
    expect(rejections.find((r) => r.reason === 'rate-limited')?.detail).toMatchObject({ username: 'oslo-devices', role: 'device' });

    // Another account has its own bucket.
    await other.publishAsync(topics.device('oslo', 'btn-1', 'up'), 'real-press', { qos: 1 });

    // Same account, still empty bucket: refused again, but logged only once in the interval.
    const second = await connectClient(url, osloDevices);
    clients.push(second);
    const cut2 = closeOf(second);
    second.publish(topics.device('oslo', 'btn-9', 'up'), 'flood-5', { qos: 1 });
    await cut2;
    expect(rejections.filter((r) => r.reason === 'rate-limited')).toHaveLength(2);
    expect(lines.filter((l) => l.reason === 'rate-limited')).toHaveLength(1);

    clock.skip(1_000); // two tokens back
    const third = await connectClient(url, osloDevices);
    clients.push(third);
    const refilled = new Promise<void>((resolve) => gw.on('message', (_t, p) => p.toString() === 'after-refill' && resolve()));
    await third.publishAsync(topics.device('oslo', 'btn-9', 'up'), 'after-refill', { qos: 1 });
    await refilled;
    expect(received).toContain('real-press');
    expect(received).not.toContain('flood-4');
    expect(received).not.toContain('flood-5');
  });
});

describe('ordering with the disk persistence', () => {
  it("delivers one device's QoS 1 messages to a persistent gateway session in the order sent", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trygg-broker-order-'));
    try {
      const { url } = await start(undefined, dir);
      const gw = await consumer(url);
      const received: string[] = [];
      const all = new Promise<void>((resolve) => gw.on('message', (_t, p) => { received.push(p.toString()); if (received.length === 30) resolve(); }));
      const device = await connectClient(url, osloDevices);
      clients.push(device);
      // Not awaited one by one: the broker handles them concurrently, as it would a burst.
      await Promise.all(Array.from({ length: 30 }, (_, i) => device.publishAsync(topics.device('oslo', 'btn-1', 'up'), `m${i}`, { qos: 1 })));
      await all;
      expect(received).toEqual(Array.from({ length: 30 }, (_, i) => `m${i}`));
    } finally {
      await endAll(clients.splice(0));
      await broker?.close();
      broker = undefined;
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a QoS 0 heartbeat forwarded while a press waits for its queue write never makes the press count as sent', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trygg-broker-overtake-'));
    try {
      const { url } = await start(undefined, dir);
      const gw = await consumer(url);
      const presses = new Set<string>();
      gw.on('message', (topic, p) => { if (topic.endsWith('/btn-1/up')) presses.add(p.toString()); });
      const device = await connectClient(url, osloDevices);
      const beats = await connectClient(url, osloDevices);
      clients.push(device, beats);
      // Heartbeats of other devices at QoS 0 overtake QoS 1 presses that wait for their fsync'd write.
      let beating = true;
      const beat = (async () => {
        for (let i = 0; beating; i++) {
          beats.publish(topics.device('oslo', `hb-${i % 50}`, 'up'), 'hb', { qos: 0 });
          await new Promise((r) => setTimeout(r, 1)); // ~1,000 a second: under the account's publish limit
        }
      })();
      const sent = Array.from({ length: 60 }, (_, i) => `press-${i}`);
      for (const m of sent) await device.publishAsync(topics.device('oslo', 'btn-1', 'up'), m, { qos: 1 });
      expect(beats.connected).toBe(true);
      // Every press arrives without the gateway reconnecting (aedes' forward watermark dropped some).
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`presses delivered: ${presses.size} of ${sent.length}`)), 20_000);
        const check = () => { if (presses.size === sent.length) { clearTimeout(timer); resolve(); } else setTimeout(check, 20); };
        check();
      });
      beating = false;
      await beat;
      expect([...presses].sort()).toEqual([...sent].sort());
    } finally {
      await endAll(clients.splice(0));
      await broker?.close();
      broker = undefined;
      await rm(dir, { recursive: true, force: true });
    }
  });
});
