import { once } from 'node:events';
import { connect as netConnect } from 'node:net';
import type { MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '@trygg/protocol';
import type { TryggConfig } from '../config/types';
import { createBrokerAuthenticator } from './broker-authenticator';
import type { RejectReason } from './broker-policy';
import { closeOf, collectMessages, connectClient, connectRefused, endAll, makeTestConfig, PASSWORDS } from './broker-test-fixtures';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker';

const SERVER_PASSWORD = 'internal-server-password';
const MAX_PACKET_BYTES = 8 * 1024;
const logger = pino({ level: 'silent' });

interface Rejection {
  reason: RejectReason;
  detail: Record<string, unknown>;
}

/** mqtt.js rejects a SUBACK holding a failure with the packet attached; 0x80 is Failure (§3.9.3). */
async function expectSubackFailure(client: MqttClient, filter: string): Promise<void> {
  await expect(client.subscribeAsync(filter)).rejects.toMatchObject({ packet: { cmd: 'suback', granted: [0x80] } });
}

async function startTestBroker(config: TryggConfig, allowAnonymous: boolean): Promise<{ broker: EmbeddedBroker; rejections: Rejection[] }> {
  const rejections: Rejection[] = [];
  const authenticator = createBrokerAuthenticator(
    config,
    [{ username: 'trygg-server', password: SERVER_PASSWORD, principal: { role: 'server' } }],
    { allowAnonymous },
  );
  const broker = await startEmbeddedBroker({
    host: '127.0.0.1',
    port: 0,
    authenticator,
    logger,
    maxPacketBytes: MAX_PACKET_BYTES,
    onReject: (reason, detail) => rejections.push({ reason, detail }),
  });
  return { broker, rejections };
}

describe('embedded broker', () => {
  let config: TryggConfig;
  let broker: EmbeddedBroker;
  let rejections: Rejection[];
  let url: string;
  let server: MqttClient;
  let serverInbox: ReturnType<typeof collectMessages>;
  /** Oslo's gateway consumer of device messages: without it oslo devices are not admitted. */
  let consumer: MqttClient;
  const clients: MqttClient[] = [];

  const asGateway = async (clientId?: string): Promise<MqttClient> => {
    const c = await connectClient(url, { username: 'oslo-gw', password: PASSWORDS.osloGw, ...(clientId ? { clientId } : {}) });
    clients.push(c);
    return c;
  };

  /** Proves a denied message was dropped: the server's own later message is the only one seen. */
  async function expectOnlySentinel(topic: string): Promise<void> {
    const arrived = serverInbox.waitFor(topic);
    server.publish(topic, 'sentinel', { qos: 1 });
    await arrived;
    expect(serverInbox.received.filter((m) => m.topic === topic).map((m) => m.payload)).toEqual(['sentinel']);
  }

  beforeAll(async () => {
    config = await makeTestConfig();
    ({ broker, rejections } = await startTestBroker(config, false));
    url = `mqtt://127.0.0.1:${broker.port}`;
    server = await connectClient(url, { username: 'trygg-server', password: SERVER_PASSWORD, clientId: 'trygg-server' });
    serverInbox = collectMessages(server);
    await server.subscribeAsync('#', { qos: 1 });
    consumer = await connectClient(url, { username: 'oslo-gw', password: PASSWORDS.osloGw, clientId: 'oslo-gw-1-dev', clean: false });
    await consumer.subscribeAsync(topics.allDevicesOfSite('oslo', 'up'), { qos: 1 });
  });

  afterAll(async () => {
    await endAll([...clients, server, consumer]);
    await broker?.close();
  });

  it('accepts good credentials and refuses bad ones, unknown users and anonymous', async () => {
    const gw = await asGateway();
    expect(gw.connected).toBe(true);
    expect((await connectRefused(url, { username: 'oslo-gw', password: 'wrong' })).code).toBe(4);
    expect((await connectRefused(url, { username: 'nobody', password: 'x' })).code).toBe(4);
    expect((await connectRefused(url, {})).code).toBe(5);
    expect(rejections.filter((r) => r.reason === 'auth').map((r) => r.detail.username)).toEqual(['oslo-gw', 'nobody', undefined]);
    expect(JSON.stringify(rejections)).not.toContain('wrong');
  });

  it('delivers a gateway event to the server and a receipt back to the gateway', async () => {
    const gw = await asGateway();
    const gwInbox = collectMessages(gw);
    await gw.subscribeAsync(topics.gateway('oslo', 'gw-1', 'receipts'), { qos: 1 });
    const event = serverInbox.waitFor(topics.gateway('oslo', 'gw-1', 'events'));
    await gw.publishAsync(topics.gateway('oslo', 'gw-1', 'events'), 'press', { qos: 1 });
    expect(await event).toBe('press');
    const receipt = gwInbox.waitFor(topics.gateway('oslo', 'gw-1', 'receipts'));
    await server.publishAsync(topics.gateway('oslo', 'gw-1', 'receipts'), 'ok', { qos: 1 });
    expect(await receipt).toBe('ok');
  });

  it('disconnects a gateway publishing under another site; the message never arrives', async () => {
    const gw = await asGateway();
    const foreign = topics.gateway('bergen', 'gw-1', 'events');
    const closed = closeOf(gw);
    gw.publish(foreign, 'forged', { qos: 1 });
    await closed;
    expect(rejections.at(-1)).toMatchObject({ reason: 'publish-denied', detail: { role: 'gateway', topic: foreign } });
    await expectOnlySentinel(foreign);
  });

  it("answers 0x80 to a subscription to another gateway's receipts and keeps the connection", async () => {
    const gw = await asGateway();
    await expectSubackFailure(gw, topics.gateway('oslo', 'gw-2', 'receipts'));
    await expectSubackFailure(gw, 'trygg/v1/sites/+/gateways/gw-1/receipts');
    await expectSubackFailure(gw, '#');
    expect(rejections.at(-1)).toMatchObject({ reason: 'subscribe-denied', detail: { topicFilter: '#' } });
    const granted = await gw.subscribeAsync(topics.gateway('oslo', 'gw-1', 'commands'));
    expect(granted[0]?.qos).toBe(0);
    expect(gw.connected).toBe(true);
  });

  it('confines a restricted device account to its devices', async () => {
    const device = await connectClient(url, { username: 'oslo-buttons', password: PASSWORDS.osloButtons });
    clients.push(device);
    const up = serverInbox.waitFor(topics.device('oslo', 'btn-1', 'up'));
    await device.publishAsync(topics.device('oslo', 'btn-1', 'up'), 'pressed', { qos: 1 });
    expect(await up).toBe('pressed');
    await device.subscribeAsync(topics.device('oslo', 'btn-1', 'down'));
    await expectSubackFailure(device, topics.allDevicesOfSite('oslo', 'down'));
    const other = topics.device('oslo', 'btn-2', 'up');
    const closed = closeOf(device);
    device.publish(other, 'forged', { qos: 1 });
    await closed;
    await expectOnlySentinel(other);
  });

  it('refuses a CONNECT whose will names a foreign topic', async () => {
    const will = { topic: topics.gateway('bergen', 'gw-1', 'status'), payload: Buffer.from('offline'), qos: 1 as const, retain: false };
    expect((await connectRefused(url, { username: 'oslo-gw', password: PASSWORDS.osloGw, will })).code).toBe(5);
    expect(rejections.at(-1)).toMatchObject({ reason: 'publish-denied', detail: { will: true, topic: will.topic } });
  });

  it("publishes a gateway's own will when its connection drops", async () => {
    const statusTopic = topics.gateway('oslo', 'gw-1', 'status');
    const gw = await connectClient(url, {
      username: 'oslo-gw',
      password: PASSWORDS.osloGw,
      will: { topic: statusTopic, payload: Buffer.from('offline'), qos: 1, retain: false },
    });
    const will = serverInbox.waitFor(statusTopic);
    gw.stream.destroy();
    expect(await will).toBe('offline');
    gw.end(true);
  });

  it('cuts a connection sending an oversized publish and reports it', async () => {
    const gw = await asGateway();
    const topic = topics.gateway('oslo', 'gw-1', 'heartbeats');
    const closed = closeOf(gw);
    gw.publish(topic, Buffer.alloc(MAX_PACKET_BYTES), { qos: 1 });
    await closed;
    const rejection = rejections.at(-1);
    expect(rejection?.reason).toBe('oversized');
    expect(rejection?.detail.packetBytes).toBeGreaterThan(MAX_PACKET_BYTES);
    await expectOnlySentinel(topic);
  });

  it('cuts an unauthenticated connection announcing a huge packet before buffering it', async () => {
    const socket = netConnect(broker.port, '127.0.0.1');
    await once(socket, 'connect');
    const closed = once(socket, 'close');
    socket.on('error', () => undefined);
    // CONNECT fixed header with Remaining Length 268,435,455 (the 4-byte maximum), no body.
    socket.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f]));
    await closed;
    expect(rejections.at(-1)).toMatchObject({ reason: 'oversized', detail: { packetBytes: 268_435_460 } });
  });

  it('lets the server principal publish and subscribe anywhere', async () => {
    const bergen = await connectClient(url, { username: 'bergen-gw', password: PASSWORDS.bergenGw });
    clients.push(bergen);
    const inbox = collectMessages(bergen);
    await bergen.subscribeAsync(topics.gateway('bergen', 'gw-1', 'commands'));
    const command = inbox.waitFor(topics.gateway('bergen', 'gw-1', 'commands'));
    await server.publishAsync(topics.gateway('bergen', 'gw-1', 'commands'), 'sync', { qos: 1 });
    expect(await command).toBe('sync');
    const elsewhere = serverInbox.waitFor('anything/at/all');
    await server.publishAsync('anything/at/all', 'x');
    expect(await elsewhere).toBe('x');
  });

  it("refuses another account taking over a gateway's client id, but not the gateway itself", async () => {
    const gw = await asGateway('oslo-gw-1');
    const squatter = await connectRefused(url, { username: 'oslo-devices', password: PASSWORDS.osloDevices, clientId: 'oslo-gw-1' });
    expect(squatter.code).toBe(2);
    expect(gw.connected).toBe(true);
    const replaced = closeOf(gw);
    const again = await asGateway('oslo-gw-1');
    await replaced;
    expect(again.connected).toBe(true);
  });

  it('rejects with EADDRINUSE when the port is taken', async () => {
    const authenticator = createBrokerAuthenticator(config, [], { allowAnonymous: false });
    await expect(startEmbeddedBroker({ host: '127.0.0.1', port: broker.port, authenticator, logger })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });
});

describe('embedded broker with anonymous access (demo)', () => {
  it('lets an anonymous client act as a device of any one site, nothing more', async () => {
    const { broker, rejections } = await startTestBroker(await makeTestConfig(), true);
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const anon = await connectClient(url, {});
    try {
      await anon.subscribeAsync(topics.allDevicesOfSite('oslo', 'down'));
      await expectSubackFailure(anon, topics.allGatewayChannel('events'));
      await anon.publishAsync(topics.device('oslo', 'btn-1', 'up'), 'pressed', { qos: 1 });
      const closed = closeOf(anon);
      anon.publish(topics.gateway('oslo', 'gw-1', 'events'), 'forged', { qos: 1 });
      await closed;
      expect(rejections.map((r) => r.reason)).toEqual(['subscribe-denied', 'publish-denied']);
    } finally {
      await endAll([anon]);
      await broker.close();
    }
  });
});
