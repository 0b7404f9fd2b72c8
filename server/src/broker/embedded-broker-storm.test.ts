import type { Socket } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '@trygg/protocol';
import { createBrokerAuthenticator } from './broker-authenticator';
import { collectMessages, connectClient, endAll, makeTestConfig, PASSWORDS } from './broker-test-fixtures';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker';
import type { MqttClient } from 'mqtt';

const SERVER_PASSWORD = 'internal-server-password';

/**
 * Alarms first in the broker (issue 14): a gateway that reads its device messages slower than
 * heartbeats arrive must not hold up anything else the broker carries. aedes forwarded 100
 * messages at a time and queued the rest for every client in one line; writes to the stalled
 * gateway never finished, so the event behind the heartbeats never reached the server.
 */
describe('embedded broker under a heartbeat storm', () => {
  let broker: EmbeddedBroker;
  let url: string;
  const clients: MqttClient[] = [];
  let dropped = 0;

  beforeAll(async () => {
    const config = await makeTestConfig();
    const authenticator = createBrokerAuthenticator(config, [{ username: 'trygg-server', password: SERVER_PASSWORD, principal: { role: 'server' } }], { allowAnonymous: false });
    broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, authenticator, logger: pino({ level: 'silent' }), onQos0Dropped: () => dropped++ });
    url = `mqtt://127.0.0.1:${broker.port}`;
  });

  afterAll(async () => {
    await endAll(clients);
    await broker.close();
  });

  it("delivers a gateway's event to the server while the gateway is too slow for its heartbeats", async () => {
    // The gateway consumes the site's device messages, then stops reading its socket.
    const gateway = await connectClient(url, { username: 'oslo-gw', password: PASSWORDS.osloGw, clientId: 'oslo-gw-devices' });
    clients.push(gateway);
    await gateway.subscribeAsync(topics.allDevicesOfSite('oslo', 'up'), { qos: 1 });
    (gateway.stream as Socket).pause();

    const server = await connectClient(url, { username: 'trygg-server', password: SERVER_PASSWORD, clientId: 'server' });
    clients.push(server);
    const eventsTopic = topics.gateway('oslo', 'gw-1', 'events');
    await server.subscribeAsync(eventsTopic, { qos: 1 });
    const inbox = collectMessages(server);
    const arrived = inbox.waitFor(eventsTopic);

    // 40 MB of QoS 0 heartbeats for the stalled gateway, more than the kernel's socket buffers
    // hold, then, on the same connection (so the broker reads it after all of them), the event.
    const publisher = await connectClient(url, { username: 'trygg-server', password: SERVER_PASSWORD, clientId: 'storm' });
    clients.push(publisher);
    const heartbeat = Buffer.alloc(64 * 1024, 'h');
    for (let i = 0; i < 640; i++) publisher.publish(topics.device('oslo', `hb-${i % 50}`, 'up'), heartbeat, { qos: 0 });
    await publisher.publishAsync(eventsTopic, '{"kind":"press"}', { qos: 1 });

    const never = new Promise<string>((resolve) => setTimeout(() => resolve('the event never arrived'), 20_000).unref());
    await expect(Promise.race([arrived, never])).resolves.toBe('{"kind":"press"}');
    expect(dropped).toBeGreaterThan(0); // heartbeats the gateway could not take were dropped, and counted
  }, 30_000);
});
